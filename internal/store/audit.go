package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/ipd/ipd/internal/domain"
)

// kind is one kind of audited object: the name the audit log gives it, its
// table, and how to read one by ID inside a transaction.
type kind[T any] struct {
	name  string
	table string
	get   func(ctx context.Context, q queryer, id string) (T, error)
}

// lock reads the object id for the rest of tx with the row lock suffix
// (see dialect), so that what the audit log records as before is what the
// change changed. A removal takes lockRow, so that the object gains no new
// children meanwhile: a concurrent insert that refers to it waits, then
// finds it gone.
func (k kind[T]) lock(ctx context.Context, tx *sql.Tx, id, suffix string) (T, error) {
	var found string
	err := tx.QueryRowContext(ctx, `SELECT id FROM `+k.table+` WHERE id = $1`+suffix, id).Scan(&found)
	if err != nil {
		var zero T
		return zero, err
	}
	return k.get(ctx, tx, id)
}

// createRecorded runs the INSERT query of the object id in a write
// transaction and records its creation there.
func createRecorded[T any](ctx context.Context, s *Store, k kind[T], id, query string, args ...any) (T, error) {
	var created T
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		created, err = recordCreate(ctx, s, tx, k, id, func() error {
			_, err := tx.ExecContext(ctx, query, args...)
			return err
		})
		return err
	})
	return created, err
}

// updateRecorded changes the object id in one write transaction: it locks
// and reads it, lets edit change a copy, stores the copy with save and
// records both versions. Reading, editing and storing under one lock means
// that concurrent updates of different fields do not undo each other.
// edit may run more than once, when the transaction is retried.
func updateRecorded[T any](
	ctx context.Context, s *Store, k kind[T], id string,
	edit func(*T) error, save func(tx *sql.Tx, edited T) error,
) (T, error) {
	var updated T
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		updated, err = recordUpdate(ctx, s, tx, k, id, func(before T) error {
			edited := before
			if err := edit(&edited); err != nil {
				return err
			}
			return save(tx, edited)
		})
		return err
	})
	return updated, err
}

// recordCreate runs insert, reads the new object id back and records its
// creation.
func recordCreate[T any](
	ctx context.Context, s *Store, tx *sql.Tx, k kind[T], id string, insert func() error,
) (T, error) {
	var zero T
	if err := insert(); err != nil {
		return zero, err
	}
	after, err := k.get(ctx, tx, id)
	if err != nil {
		return zero, err
	}
	return after, s.record(ctx, tx, domain.ActionCreate, k.name, id, nil, after)
}

// recordUpdate locks and reads the object id, runs update on it, reads it
// again and records both versions; an update that changed nothing is not
// recorded.
func recordUpdate[T any](
	ctx context.Context, s *Store, tx *sql.Tx, k kind[T], id string, update func(before T) error,
) (T, error) {
	return recordChange(ctx, s, tx, domain.ActionUpdate, k, id, update)
}

// recordChange is recordUpdate for a change the log names action, which
// is recorded even when the object reads the same after it, as a token's
// does once its secret is replaced.
func recordChange[T any](
	ctx context.Context, s *Store, tx *sql.Tx, action string, k kind[T], id string, update func(before T) error,
) (T, error) {
	var zero T
	before, err := k.lock(ctx, tx, id, s.dialect.lockRowToChange)
	if err != nil {
		return zero, err
	}
	if err := update(before); err != nil {
		return zero, err
	}
	after, err := k.get(ctx, tx, id)
	if err != nil {
		return zero, err
	}
	if action == domain.ActionUpdate && reflect.DeepEqual(before, after) {
		return after, nil
	}
	return after, s.record(ctx, tx, action, k.name, id, before, after)
}

// recordDelete locks and reads the object id, runs remove on it and
// records the deletion with the object as it was.
func recordDelete[T any](
	ctx context.Context, s *Store, tx *sql.Tx, k kind[T], id string, remove func(before T) error,
) (T, error) {
	var zero T
	before, err := k.lock(ctx, tx, id, s.dialect.lockRow)
	if err != nil {
		return zero, err
	}
	if err := remove(before); err != nil {
		return zero, err
	}
	return before, s.record(ctx, tx, domain.ActionDelete, k.name, id, before, nil)
}

// record appends one entry to the audit log in tx, so that the entry
// commits or rolls back with the change it describes. A nil before or
// after is stored as none.
func (s *Store) record(ctx context.Context, tx *sql.Tx, action, objectType, id string, before, after any) error {
	beforeJSON, err := auditJSON(before)
	if err != nil {
		return err
	}
	afterJSON, err := auditJSON(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor, action, object_type, object_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		unixSeconds(s.now()), domain.ActorOf(ctx), action, objectType, id, beforeJSON, afterJSON)
	return err
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode audit entry: %w", err)
	}
	return string(b), nil
}

// AuditListParams select audit entries: all of them, or those of one kind
// of object, or of one object.
type AuditListParams struct {
	ObjectType string
	ObjectID   string
	Page       domain.Page
}

// AuditList returns a page of the audit log, newest first, and how many
// entries match in all.
func (s *Store) AuditList(ctx context.Context, p AuditListParams) ([]domain.AuditEntry, int, error) {
	where, args := `TRUE`, []any{}
	if p.ObjectType != "" {
		args = append(args, p.ObjectType)
		where += ` AND l.object_type = ` + placeholder(len(args))
	}
	if p.ObjectID != "" {
		args = append(args, p.ObjectID)
		where += ` AND l.object_id = ` + placeholder(len(args))
	}
	entries, total, err := listPage(ctx, s.db, p.Page,
		`l.seq, l.at, l.actor, l.action, l.object_type, l.object_id, l.before, l.after`,
		`audit_log l`, where, `l.seq DESC`, scanAuditEntry, args...)
	return entries, total, translate(err, "list audit log")
}

func scanAuditEntry(row interface{ Scan(...any) error }) (domain.AuditEntry, error) {
	var e domain.AuditEntry
	var at int64
	var before, after string
	err := row.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after)
	e.At = unixTime(at)
	e.Before, e.After = rawJSON(before), rawJSON(after)
	return e, err
}

// rawJSON turns a stored object into JSON, with none as null.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
