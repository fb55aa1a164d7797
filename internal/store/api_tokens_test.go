package store_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// newAPIToken stores a token of the bundle's organization named name,
// with the lookup key and hash given.
func (b *bundle) newAPIToken(t *testing.T, name, lookup string) domain.APIToken {
	t.Helper()
	tok, err := b.store.APITokenCreate(b.ctx, domain.APIToken{
		OrganizationID:     b.org.ID,
		Name:               name,
		Scopes:             []string{"ip_addresses"},
		AuthorizedNetworks: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
		RateLimit:          1000,
	}, lookup, []byte("hash-"+lookup))
	require.NoError(t, err)
	return tok
}

func TestAPITokenUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		tok := b.newAPIToken(t, "ci", "LOOKUPKEY0000001")

		got, err := b.store.APITokenGet(b.ctx, tok.ID)
		require.NoError(t, err)
		require.Equal(t, tok, got)

		expires := time.Unix(2000000000, 0).UTC()
		got, err = b.store.APITokenUpdate(b.ctx, tok.ID, store.APITokenUpdateParams{
			Name:      new("deploy"),
			ExpiresAt: &expires,
		})
		require.NoError(t, err)
		require.Equal(t, "deploy", got.Name)
		require.Equal(t, expires, got.ExpiresAt)
		require.Equal(t, tok.Scopes, got.Scopes, "a field not given is kept")
		require.Equal(t, tok.AuthorizedNetworks, got.AuthorizedNetworks, "a field not given is kept")

		got, err = b.store.APITokenUpdate(b.ctx, tok.ID, store.APITokenUpdateParams{
			Scopes:             &[]string{},
			AuthorizedNetworks: &[]netip.Prefix{},
			ExpiresAt:          &time.Time{},
		})
		require.NoError(t, err)
		require.Empty(t, got.Scopes)
		require.Empty(t, got.AuthorizedNetworks)
		require.True(t, got.ExpiresAt.IsZero(), "the zero Time clears the expiry")
		require.Equal(t, "deploy", got.Name)

		_, err = b.store.APITokenUpdate(b.ctx, "apitoken_missing", store.APITokenUpdateParams{Name: new("x")})
		require.ErrorIs(t, err, domain.ErrNotFound)
	})
}

func TestAPITokenReplaceSecretAndDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		tok := b.newAPIToken(t, "ci", "LOOKUPKEY0000001")

		require.NoError(t, b.store.APITokenReplaceSecret(b.ctx, tok.ID, "LOOKUPKEY0000002", []byte("new")))
		_, _, err := b.store.APITokenGetByLookup(b.ctx, "LOOKUPKEY0000001")
		require.ErrorIs(t, err, domain.ErrNotFound, "the old lookup key finds nothing")
		got, hash, err := b.store.APITokenGetByLookup(b.ctx, "LOOKUPKEY0000002")
		require.NoError(t, err)
		require.Equal(t, tok.ID, got.ID)
		require.Equal(t, []byte("new"), hash)

		require.NoError(t, b.store.APITokenDelete(b.ctx, tok.ID))
		_, err = b.store.APITokenGet(b.ctx, tok.ID)
		require.ErrorIs(t, err, domain.ErrNotFound)
		_, _, err = b.store.APITokenGetByLookup(b.ctx, "LOOKUPKEY0000002")
		require.ErrorIs(t, err, domain.ErrNotFound)
		require.ErrorIs(t, b.store.APITokenDelete(b.ctx, tok.ID), domain.ErrNotFound)
		require.ErrorIs(t, b.store.APITokenReplaceSecret(b.ctx, tok.ID, "LOOKUPKEY0000003", []byte("x")),
			domain.ErrNotFound)
	})
}

func TestAPITokenList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		other, err := b.store.OrganizationCreate(b.ctx, domain.Organization{Name: "Globex", SubDomain: "globex",
			InfrastructureDomain: "globex.katapult.cloud"})
		require.NoError(t, err)
		_, err = b.store.APITokenCreate(b.ctx, domain.APIToken{OrganizationID: other.ID, Name: "theirs"},
			"LOOKUPKEY0000000", []byte("h"))
		require.NoError(t, err)

		var ids []string
		for _, name := range []string{"a", "b", "c"} {
			ids = append(ids, b.newAPIToken(t, name, "LOOKUPKEY000000"+name).ID)
		}

		var listed []string
		for page := 1; page <= 3; page++ {
			tokens, total, err := b.store.APITokenList(b.ctx, b.org.ID, domain.Page{Number: page, PerPage: 2})
			require.NoError(t, err)
			require.Equal(t, 3, total, "only the organization's tokens count")
			for _, tok := range tokens {
				listed = append(listed, tok.ID)
			}
		}
		require.ElementsMatch(t, ids, listed, "pages neither repeat nor skip a token")

		tokens, total, err := b.store.APITokenList(b.ctx, "org_missing", domain.Page{Number: 1, PerPage: 30})
		require.NoError(t, err)
		require.Zero(t, total)
		require.Empty(t, tokens)
	})
}
