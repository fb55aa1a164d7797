package service

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/ipd/ipd/internal/domain"
)

// operatorSecretPrefix starts every operator secret. Customer secrets are
// upper-case base32 alone, so an operator secret can never be read as a
// customer's, and the prefix tells a reader which kind leaked.
const operatorSecretPrefix = "ipdop_"

// CreateOperatorToken stores an operator token and returns it with its
// secret, which is shown this once and never stored.
func (s *Service) CreateOperatorToken(ctx context.Context, name string) (domain.OperatorToken, string, error) {
	secret, lookup := NewSecret()
	secret = operatorSecretPrefix + secret
	t, err := s.store.OperatorTokenCreate(ctx, name, lookup, HashSecret(secret))
	if err != nil {
		return domain.OperatorToken{}, "", err
	}
	return t, secret, nil
}

// AuthenticateOperator returns the operator token a secret identifies when
// it is presented from client. It returns ErrInvalidToken for a secret
// that matches no operator token, customer API tokens included, and a
// RateLimitError when client has failed too often this minute; failures
// count against the same limit as the customer API's.
func (s *Service) AuthenticateOperator(
	ctx context.Context, secret string, client netip.Addr,
) (domain.OperatorToken, error) {
	var t domain.OperatorToken
	err := s.limitFailures(ctx, client, func() error {
		var err error
		t, err = s.authenticateOperator(ctx, secret)
		return err
	})
	return t, err
}

func (s *Service) authenticateOperator(ctx context.Context, secret string) (domain.OperatorToken, error) {
	rest, ok := strings.CutPrefix(secret, operatorSecretPrefix)
	if !ok || len(rest) <= lookupLen || strings.Trim(rest, secretAlphabet) != "" {
		return domain.OperatorToken{}, ErrInvalidToken
	}
	t, stored, err := s.store.OperatorTokenGetByLookup(ctx, rest[:lookupLen])
	if errors.Is(err, domain.ErrNotFound) {
		return domain.OperatorToken{}, ErrInvalidToken
	}
	if err != nil {
		return domain.OperatorToken{}, fmt.Errorf("authenticate operator: %w", err)
	}
	if subtle.ConstantTimeCompare(stored, HashSecret(secret)) != 1 {
		return domain.OperatorToken{}, ErrInvalidToken
	}
	return t, nil
}

// OperatorTokens returns every operator token, oldest first.
func (s *Service) OperatorTokens(ctx context.Context) ([]domain.OperatorToken, error) {
	return s.store.OperatorTokenList(ctx)
}

// DeleteOperatorToken deletes an operator token; its secret stops working
// on every replica once the change commits.
func (s *Service) DeleteOperatorToken(ctx context.Context, id string) error {
	return notFound(s.store.OperatorTokenDelete(ctx, id), "operator_token")
}
