package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/ipd/ipd/internal/domain"
)

// ErrInvalidToken means a presented secret matches no live API token: it
// never existed, was revoked or regenerated, or has expired.
var ErrInvalidToken = errors.New("invalid API token")

// A secret is a lookupLen-character lookup key followed by 128 random bits
// as text. Only the lookup key and a hash of the whole secret are stored:
// the key finds the token's row, and the hash is then compared in constant
// time, so neither the database nor the timing of a failed attempt gives
// the secret away.
const lookupLen = 16

// NewSecret returns a fresh API token secret and its lookup key.
func NewSecret() (secret, lookup string) {
	lookup = rand.Text()[:lookupLen]
	return lookup + rand.Text(), lookup
}

// HashSecret returns the hash under which a secret is stored. Secrets are
// long and random, so a fast hash is as safe as a slow one and keeps
// authentication cheap on every request.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// Authenticate returns the caller a secret identifies, or ErrInvalidToken.
func (s *Service) Authenticate(ctx context.Context, secret string) (Caller, error) {
	if len(secret) <= lookupLen {
		return Caller{}, ErrInvalidToken
	}
	t, stored, err := s.store.APITokenGetByLookup(ctx, secret[:lookupLen])
	if errors.Is(err, domain.ErrNotFound) {
		return Caller{}, ErrInvalidToken
	}
	if err != nil {
		return Caller{}, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare(stored, HashSecret(secret)) != 1 {
		return Caller{}, ErrInvalidToken
	}
	if !t.ExpiresAt.IsZero() && !s.now().Before(t.ExpiresAt) {
		return Caller{}, ErrInvalidToken
	}
	return Caller{Token: t}, nil
}

// CreateAPIToken stores a token and returns it with its secret, which is
// shown this once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, t domain.APIToken) (domain.APIToken, string, error) {
	secret, lookup := NewSecret()
	created, err := s.store.APITokenCreate(ctx, t, lookup, HashSecret(secret))
	if err != nil {
		return domain.APIToken{}, "", fmt.Errorf("create API token: %w", err)
	}
	return created, secret, nil
}
