package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
)

// APITokenCreate stores a new API token with the hash of its secret; the
// secret itself is never stored.
func (s *Store) APITokenCreate(ctx context.Context, t domain.APIToken, secretHash []byte) (domain.APIToken, error) {
	t.ID = newID(prefixAPIToken)
	t.CreatedAt = s.now().UTC().Truncate(1e9)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO api_tokens (id, organization_id, name, secret_hash, scopes, authorized_networks,
				expires_at, rate_limit, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.ID, t.OrganizationID, t.Name, secretHash, joinList(t.Scopes), joinPrefixes(t.AuthorizedNetworks),
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

// APITokenGetBySecretHash returns the token whose secret hashes to hash.
func (s *Store) APITokenGetBySecretHash(ctx context.Context, hash []byte) (domain.APIToken, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t WHERE t.secret_hash = $1`, hash)
	t, err := scanAPIToken(row)
	return t, translate(err, "get API token by secret")
}

func joinPrefixes(prefixes []netip.Prefix) string {
	items := make([]string, len(prefixes))
	for i, p := range prefixes {
		items[i] = p.String()
	}
	return joinList(items)
}
