package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"time"

	"github.com/ipd/ipd/internal/domain"
)

var apiTokenKind = kind[domain.APIToken]{name: "api_token", table: "api_tokens", get: apiTokenGet}

// APITokenCreate stores a new API token with its secret's lookup key and
// hash; the secret itself is never stored.
func (s *Store) APITokenCreate(
	ctx context.Context, t domain.APIToken, lookup string, hash []byte,
) (domain.APIToken, error) {
	id := newID(prefixAPIToken)
	created, err := createRecorded(ctx, s, apiTokenKind, id, `
		INSERT INTO api_tokens (id, organization_id, name, secret_lookup, secret_hash, scopes,
		authorized_networks, expires_at, rate_limit, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		id, t.OrganizationID, t.Name, lookup, hash, joinList(t.Scopes), joinPrefixes(t.AuthorizedNetworks),
		unixSeconds(t.ExpiresAt), t.RateLimit, unixSeconds(s.now()))
	return created, translate(err, "create API token "+t.Name)
}

const apiTokenColumns = `t.id, t.organization_id, t.name, t.scopes, t.authorized_networks,
	t.expires_at, t.rate_limit, t.created_at`

func scanAPIToken(row interface{ Scan(...any) error }) (domain.APIToken, error) {
	var t domain.APIToken
	var scopes, networks string
	var expires, created int64
	err := row.Scan(&t.ID, &t.OrganizationID, &t.Name, &scopes, &networks, &expires, &t.RateLimit, &created)
	if err != nil {
		return t, err
	}
	t.Scopes = splitList(scopes)
	t.ExpiresAt, t.CreatedAt = unixTime(expires), unixTime(created)
	for _, item := range splitList(networks) {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return t, fmt.Errorf("decode API token %s network: %w", t.ID, err)
		}
		t.AuthorizedNetworks = append(t.AuthorizedNetworks, p)
	}
	return t, nil
}

// APITokenGet returns the token with the given ID.
func (s *Store) APITokenGet(ctx context.Context, id string) (domain.APIToken, error) {
	t, err := apiTokenGet(ctx, s.db, id)
	return t, translate(err, "get API token "+id)
}

func apiTokenGet(ctx context.Context, q queryer, id string) (domain.APIToken, error) {
	return scanAPIToken(q.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t WHERE t.id = $1`, id))
}

// APITokenGetByLookup returns the token whose secret has the lookup key,
// with the secret's stored hash for the caller to compare.
func (s *Store) APITokenGetByLookup(ctx context.Context, lookup string) (domain.APIToken, []byte, error) {
	var hash []byte
	row := s.db.QueryRowContext(ctx, `SELECT `+apiTokenColumns+`, t.secret_hash FROM api_tokens t
		WHERE t.secret_lookup = $1`, lookup)
	t, err := scanAPIToken(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }))
	return t, hash, translate(err, "get API token by lookup key")
}

// APITokenList returns a page of the organization's tokens, oldest first,
// and how many it has in all.
func (s *Store) APITokenList(ctx context.Context, orgID string, page domain.Page) ([]domain.APIToken, int, error) {
	tokens, total, err := listPage(ctx, s.db, page, apiTokenColumns, `api_tokens t`,
		`t.organization_id = $1`, `t.created_at, t.id`, scanAPIToken, orgID)
	return tokens, total, translate(err, "list API tokens of "+orgID)
}

// APITokenUpdateParams are the fields of a token its organization may
// change; nil leaves a field as it is.
type APITokenUpdateParams struct {
	Name               *string
	Scopes             *[]string
	AuthorizedNetworks *[]netip.Prefix

	// ExpiresAt sets when the token stops working; a pointer to the zero
	// Time makes it work forever.
	ExpiresAt *time.Time

	// RateLimit sets the requests a minute the token may make. Only an
	// operator may change it.
	RateLimit *int
}

// APITokenUpdate changes the token's fields and returns it as it is now.
// Each field is set on its own, so concurrent updates of different fields
// do not undo each other.
func (s *Store) APITokenUpdate(ctx context.Context, id string, p APITokenUpdateParams) (domain.APIToken, error) {
	var scopes, networks *string
	if p.Scopes != nil {
		scopes = new(joinList(*p.Scopes))
	}
	if p.AuthorizedNetworks != nil {
		networks = new(joinPrefixes(*p.AuthorizedNetworks))
	}
	var expires *int64
	if p.ExpiresAt != nil {
		expires = new(unixSeconds(*p.ExpiresAt))
	}

	var updated domain.APIToken
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		updated, err = recordUpdate(ctx, s, tx, apiTokenKind, id, func(domain.APIToken) error {
			return execFound(ctx, tx, `UPDATE api_tokens SET
				name = COALESCE($2, name), scopes = COALESCE($3, scopes),
				authorized_networks = COALESCE($4, authorized_networks), expires_at = COALESCE($5, expires_at),
				rate_limit = COALESCE($6, rate_limit)
				WHERE id = $1`, id, p.Name, scopes, networks, expires, p.RateLimit)
		})
		return err
	})
	return updated, translate(err, "update API token "+id)
}

// APITokenReplaceSecret gives the token a new secret's lookup key and
// hash. The old secret stops working when the change commits.
func (s *Store) APITokenReplaceSecret(ctx context.Context, id, lookup string, hash []byte) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		replace := func(domain.APIToken) error {
			return execFound(ctx, tx, `UPDATE api_tokens SET secret_lookup = $2, secret_hash = $3 WHERE id = $1`,
				id, lookup, hash)
		}
		_, err := recordChange(ctx, s, tx, domain.ActionRegenerateSecret, apiTokenKind, id, replace)
		return err
	})
	return translate(err, "replace secret of API token "+id)
}

// APITokenDelete removes the token; its secret stops working when the
// change commits.
func (s *Store) APITokenDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.apiTokenRemove(ctx, tx, id)
	})
	return translate(err, "delete API token "+id)
}

func (s *Store) apiTokenRemove(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := recordDelete(ctx, s, tx, apiTokenKind, id, func(domain.APIToken) error {
		return execFound(ctx, tx, `DELETE FROM api_tokens WHERE id = $1`, id)
	})
	return err
}

// execFound runs one statement meant to change rows by their key; when it
// changes none, because another transaction removed them first, it reports
// sql.ErrNoRows.
func execFound(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, sql.ErrNoRows)
	}
	return nil
}

// scanFunc adapts a function to the Scan method the scan helpers take.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error {
	return f(dest...)
}

func joinPrefixes(prefixes []netip.Prefix) string {
	items := make([]string, len(prefixes))
	for i, p := range prefixes {
		items[i] = p.String()
	}
	return joinList(items)
}
