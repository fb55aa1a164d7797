package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
)

// APITokenCreate stores a new API token with its secret's lookup key and
// hash; the secret itself is never stored.
func (s *Store) APITokenCreate(ctx context.Context, t domain.APIToken, lookup string, hash []byte) (domain.APIToken, error) {
	t.ID = newID(prefixAPIToken)
	t.CreatedAt = s.now().UTC().Truncate(1e9)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO api_tokens (id, organization_id, name, secret_lookup, secret_hash, scopes,
				authorized_networks, expires_at, rate_limit, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			t.ID, t.OrganizationID, t.Name, lookup, hash, joinList(t.Scopes), joinPrefixes(t.AuthorizedNetworks),
			unixSeconds(t.ExpiresAt), t.RateLimit, unixSeconds(t.CreatedAt))
		return err
	})
	return t, translate(err, "create API token "+t.Name)
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

// APITokenGetByLookup returns the token whose secret has the lookup key,
// with the secret's stored hash for the caller to compare.
func (s *Store) APITokenGetByLookup(ctx context.Context, lookup string) (domain.APIToken, []byte, error) {
	var hash []byte
	row := s.db.QueryRowContext(ctx, `SELECT `+apiTokenColumns+`, t.secret_hash FROM api_tokens t
		WHERE t.secret_lookup = $1`, lookup)
	t, err := scanAPIToken(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }))
	return t, hash, translate(err, "get API token by lookup key")
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
