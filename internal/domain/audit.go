package domain

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry records one change to a registered object: who made it, when,
// and the object as it was before and after. Before is null for a
// creation and After for a deletion.
type AuditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

// The actions an audit entry records. Unallocate is a change to an
// address that a removed interface or virtual machine held.
const (
	ActionCreate     = "create"
	ActionUpdate     = "update"
	ActionDelete     = "delete"
	ActionUnallocate = "unallocate"

	// ActionRegenerateSecret replaces an API token's secret; the entry
	// shows the token, never the secret.
	ActionRegenerateSecret = "regenerate_secret"
)

// OperatorToken is a credential of the operator API. It belongs to no
// organization, and customer API tokens are a different kind, so neither
// works on the other's API.
type OperatorToken struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

type actorKey struct{}

// WithActor returns a context whose changes the audit log records as made
// by actor, such as "operator_token:optok_3kT…" or "ipd apply".
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorOf returns the actor WithActor put in ctx, or "unknown".
func ActorOf(ctx context.Context) string {
	if actor, ok := ctx.Value(actorKey{}).(string); ok && actor != "" {
		return actor
	}
	return "unknown"
}
