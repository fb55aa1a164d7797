// Package service implements ipd's operations: who may do what to which
// object, and the business rules around the allocator. It speaks in domain
// objects and errors; the HTTP layers above it translate both.
package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/store"
)

// Config holds the service's settings.
type Config struct {
	// ReverseDNSDomainIPv4 is the zone of an IPv4 address's default PTR
	// name, "a-b-c-d.<zone>". Default "rdns.katapult.io".
	ReverseDNSDomainIPv4 string

	// ReverseDNSDomainIPv6 is the zone of an IPv6 address's default PTR
	// name, its compressed form with each colon as a dash. Default
	// "rdns.k.io".
	ReverseDNSDomainIPv6 string

	// AuthFailuresPerMinute bounds the failed authentications one client
	// address may make in a minute, so that secrets cannot be guessed at
	// line rate; past it, every authentication from that address is
	// refused until the minute is over. Default 30.
	AuthFailuresPerMinute int

	// OnAllocation, when set, hears of every attempt to take a new
	// address: its version ("ipv4", "ipv6") and result ("allocated",
	// "exhausted", "failed"). It must not block.
	OnAllocation func(version, result string)
}

// Service runs ipd's operations over a store. It is safe for concurrent
// use.
type Service struct {
	store  *store.Store
	log    *slog.Logger
	config Config
	now    func() time.Time
}

// The default reverse DNS zones, production's for its London ranges.
const (
	DefaultReverseDNSDomainIPv4 = "rdns.katapult.io"
	DefaultReverseDNSDomainIPv6 = "rdns.k.io"
)

// DefaultAuthFailuresPerMinute is Config.AuthFailuresPerMinute's default.
const DefaultAuthFailuresPerMinute = 30

// New returns a Service over st that logs to log. Empty Config fields take
// their defaults.
func New(st *store.Store, log *slog.Logger, config Config) *Service {
	config.ReverseDNSDomainIPv4 = cmp.Or(config.ReverseDNSDomainIPv4, DefaultReverseDNSDomainIPv4)
	config.ReverseDNSDomainIPv6 = cmp.Or(config.ReverseDNSDomainIPv6, DefaultReverseDNSDomainIPv6)
	config.AuthFailuresPerMinute = cmp.Or(config.AuthFailuresPerMinute, DefaultAuthFailuresPerMinute)
	if config.OnAllocation == nil {
		config.OnAllocation = func(string, string) {}
	}
	return &Service{store: st, log: log, config: config, now: time.Now}
}

// Engine returns the database engine the service runs on: "sqlite" or
// "postgres".
func (s *Service) Engine() string {
	return s.store.Engine()
}

// Caller is the authenticated identity an operation runs for: an API
// token of one organization.
type Caller struct {
	Token domain.APIToken
}

// OrganizationID returns the organization the caller acts in.
func (c Caller) OrganizationID() string {
	return c.Token.OrganizationID
}

// fromAuthorizedNetwork reports whether the caller's token may be used
// from client: it names no networks, or one of them holds client.
func (c Caller) fromAuthorizedNetwork(client netip.Addr) bool {
	if len(c.Token.AuthorizedNetworks) == 0 {
		return true
	}
	client = client.Unmap()
	for _, n := range c.Token.AuthorizedNetworks {
		if n.Contains(client) {
			return true
		}
	}
	return false
}

// HasAnyScope reports whether the caller was granted at least one of
// scopes.
func (c Caller) HasAnyScope(scopes []string) bool {
	for _, s := range scopes {
		if slices.Contains(c.Token.Scopes, s) {
			return true
		}
	}
	return false
}

// notFound turns the store's ErrNotFound into a NotFoundError for object,
// so that the API can name what was missing; other errors pass unchanged.
func notFound(err error, object string) error {
	if errors.Is(err, domain.ErrNotFound) {
		return &domain.NotFoundError{Object: object}
	}
	return err
}

// Organization returns the organization whose key ("id" or "sub_domain")
// equals value, if it is the caller's. Any other organization is not
// found, so that a token cannot learn which others exist.
func (s *Service) Organization(ctx context.Context, c Caller, key, value string) (domain.Organization, error) {
	org, err := s.store.OrganizationGetBy(ctx, key, value)
	if err == nil && org.ID != c.OrganizationID() {
		err = domain.ErrNotFound
	}
	return org, notFound(err, "organization")
}

// Ready reports why the service cannot serve, or nil: the database does
// not answer, or it lacks a migration this binary needs (another replica
// of an older version may still be running against it).
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("database does not answer: %w", err)
	}
	pending, err := s.store.MigrationsPending(ctx)
	if err != nil {
		return err
	}
	if pending {
		return errors.New("database lacks migrations")
	}
	return nil
}
