package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
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

// secretAlphabet holds every character a secret may have: rand.Text's
// base32. A presented secret with any other is refused unseen.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

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

// Authenticate returns the caller a secret identifies when it is
// presented from the client address client. It returns ErrInvalidToken
// for a secret that matches no live token, an UnauthorizedNetworkError
// when the token may not be used from client, and a RateLimitError when
// client has failed too often this minute.
func (s *Service) Authenticate(ctx context.Context, secret string, client netip.Addr) (Caller, error) {
	var c Caller
	err := s.limitFailures(ctx, client, func() error {
		var err error
		c, err = s.authenticate(ctx, secret)
		return err
	})
	if err != nil {
		return Caller{}, err
	}
	if !c.fromAuthorizedNetwork(client) {
		return Caller{}, &UnauthorizedNetworkError{Client: client}
	}
	return c, nil
}

// limitFailures runs check, an authentication, unless client has failed
// too often this minute, and counts it against client when it returns
// ErrInvalidToken. Every replica counts in the same database rows.
func (s *Service) limitFailures(ctx context.Context, client netip.Addr, check func() error) error {
	failures := "auth-failures:" + client.String()
	failed, err := s.store.RateLimitHits(ctx, failures, s.now())
	if err != nil {
		return fmt.Errorf("authenticate: %w", err)
	}
	if failed >= s.config.AuthFailuresPerMinute {
		return &RateLimitError{Limit: RateLimit{Permitted: s.config.AuthFailuresPerMinute}}
	}

	err = check()
	if errors.Is(err, ErrInvalidToken) {
		if _, countErr := s.store.RateLimitHit(ctx, failures, s.now()); countErr != nil {
			return fmt.Errorf("authenticate: %w", countErr)
		}
	}
	return err
}

// authenticate returns the caller a secret identifies, or ErrInvalidToken.
func (s *Service) authenticate(ctx context.Context, secret string) (Caller, error) {
	if len(secret) <= lookupLen || strings.Trim(secret, secretAlphabet) != "" {
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

// UnauthorizedNetworkError means a token was presented from a client
// address outside the networks it may be used from.
type UnauthorizedNetworkError struct {
	Client netip.Addr
}

func (e *UnauthorizedNetworkError) Error() string {
	return "API token used from unauthorized address " + e.Client.String()
}

// RateLimit is where a caller stands against a per-minute limit.
type RateLimit struct {
	Permitted int // requests a minute
	Remaining int // requests left this minute
}

// RateLimitError means the caller has used up its requests for this
// minute.
type RateLimitError struct {
	Limit RateLimit
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limit of %d requests a minute reached", e.Limit.Permitted)
}

// CountRequest counts one request of the caller's token against its
// limit, in a count every replica sharing the database adds to, and
// returns where the token stands. Past the limit it returns a
// RateLimitError, which carries the same standing.
func (s *Service) CountRequest(ctx context.Context, c Caller) (RateLimit, error) {
	hits, err := s.store.RateLimitHit(ctx, "token:"+c.Token.ID, s.now())
	if err != nil {
		return RateLimit{}, fmt.Errorf("count request: %w", err)
	}
	limit := RateLimit{Permitted: c.Token.RateLimit, Remaining: max(0, c.Token.RateLimit-hits)}
	if hits > c.Token.RateLimit {
		return limit, &RateLimitError{Limit: limit}
	}
	return limit, nil
}

// CreateAPIToken stores a token and returns it with its secret, which is
// shown this once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, t domain.APIToken) (domain.APIToken, string, error) {
	secret, lookup := NewSecret()
	created, err := s.store.APITokenCreate(ctx, t, lookup, HashSecret(secret))
	if err != nil {
		return domain.APIToken{}, "", err
	}
	return created, secret, nil
}

// DefaultRateLimit is the number of requests per minute a token created
// through the API may make.
const DefaultRateLimit = 1000

// knownScopes are the scopes a token may be granted: every scope the Core
// API v1 spec lists, not only those of ipd's slice, so that a token's
// scopes mean the same here as in production.
var knownScopes = []string{
	"address_lists", "address_lists:read",
	"api_tokens", "api_tokens:read",
	"certificates:read",
	"disk_backup_policies", "disk_backup_policies:read",
	"disk_templates", "disk_templates:read",
	"disks", "disks:read",
	"dns", "dns:read",
	"file_storage_volumes", "file_storage_volumes:read",
	"ip_addresses", "ip_addresses:read",
	"load_balancers", "load_balancers:read",
	"managed_organizations", "managed_organizations:delete",
	"object_storage", "object_storage:read",
	"organizations:delete", "organizations:read",
	"security_groups", "security_groups:read",
	"tags", "tags:read",
	"tasks:read",
	"trash_objects:purge", "trash_objects:read", "trash_objects:restore",
	"virtual_machine_groups", "virtual_machine_groups:read",
	"virtual_machines", "virtual_machines:authorized_keys", "virtual_machines:console",
	"virtual_machines:network_interfaces", "virtual_machines:power_actions", "virtual_machines:read",
	"virtual_networks", "virtual_networks:read",
}

// APITokenProperties are the fields of a token its organization sets. On
// update a nil field keeps its value. On create a name is required and
// the other fields default to no scopes, any client address and no
// expiry.
type APITokenProperties struct {
	Name   *string
	Scopes *[]string

	// AuthorizedIPAddresses are the client addresses and CIDR prefixes,
	// IPv4 or IPv6, the token may be used from; none means anywhere.
	AuthorizedIPAddresses *[]string

	// ExpiresAt is when the token stops working; a pointer to the zero
	// Time means never.
	ExpiresAt *time.Time

	// RateLimit is the requests a minute the token may make, 1 to
	// maxRateLimit. Only an operator sets it; the customer API ignores it.
	RateLimit *int
}

// maxRateLimit bounds a token's requests a minute.
const maxRateLimit = 1_000_000

// OrganizationAPITokens returns a page of the tokens of the organization
// whose key ("id" or "sub_domain") equals value, and how many it has.
// Only the caller's own organization is found.
func (s *Service) OrganizationAPITokens(
	ctx context.Context, c Caller, key, value string, page domain.Page,
) ([]domain.APIToken, int, error) {
	org, err := s.Organization(ctx, c, key, value)
	if err != nil {
		return nil, 0, err
	}
	return s.store.APITokenList(ctx, org.ID, page)
}

// CreateOrganizationAPIToken creates a token in the organization whose
// key ("id" or "sub_domain") equals value, which must be the caller's, and
// returns it with its secret, shown this once. It returns a
// domain.ValidationError when the properties are refused.
func (s *Service) CreateOrganizationAPIToken(
	ctx context.Context, c Caller, key, value string, p APITokenProperties,
) (domain.APIToken, string, error) {
	org, err := s.Organization(ctx, c, key, value)
	if err != nil {
		return domain.APIToken{}, "", err
	}
	p.RateLimit = nil
	return s.createAPIToken(ctx, org.ID, p)
}

// OperatorCreateAPIToken creates a token in any organization, with any
// rate limit, for an operator.
func (s *Service) OperatorCreateAPIToken(
	ctx context.Context, orgID string, p APITokenProperties,
) (domain.APIToken, string, error) {
	if _, err := s.OrganizationByID(ctx, orgID); err != nil {
		return domain.APIToken{}, "", err
	}
	return s.createAPIToken(ctx, orgID, p)
}

func (s *Service) createAPIToken(
	ctx context.Context, orgID string, p APITokenProperties,
) (domain.APIToken, string, error) {
	if p.Name == nil {
		p.Name = new("")
	}
	change, err := s.checkAPITokenProperties(p)
	if err != nil {
		return domain.APIToken{}, "", err
	}

	t := domain.APIToken{OrganizationID: orgID, RateLimit: DefaultRateLimit}
	applyAPITokenChange(&t, change)
	created, secret, err := s.CreateAPIToken(ctx, t)
	if err != nil {
		return domain.APIToken{}, "", err
	}

	s.log.InfoContext(ctx, "API token created",
		slog.String("api_token_id", created.ID), slog.String("organization_id", orgID))
	return created, secret, nil
}

// UpdateAPIToken changes the fields of the caller's organization's token
// that p gives. It returns a NotFoundError for a token of any other
// organization and a domain.ValidationError when p is refused.
func (s *Service) UpdateAPIToken(
	ctx context.Context, c Caller, id string, p APITokenProperties,
) (domain.APIToken, error) {
	if _, err := s.apiToken(ctx, c, id); err != nil {
		return domain.APIToken{}, err
	}
	p.RateLimit = nil
	return s.updateAPIToken(ctx, id, p)
}

// OperatorUpdateAPIToken changes the fields of any token that p gives,
// its rate limit included, for an operator.
func (s *Service) OperatorUpdateAPIToken(
	ctx context.Context, id string, p APITokenProperties,
) (domain.APIToken, error) {
	return s.updateAPIToken(ctx, id, p)
}

func (s *Service) updateAPIToken(ctx context.Context, id string, p APITokenProperties) (domain.APIToken, error) {
	change, err := s.checkAPITokenProperties(p)
	if err != nil {
		return domain.APIToken{}, err
	}

	t, err := s.store.APITokenUpdate(ctx, id, change)
	if err != nil {
		return domain.APIToken{}, notFound(err, "api_token")
	}

	s.log.InfoContext(ctx, "API token updated", slog.String("api_token_id", t.ID))
	return t, nil
}

// OperatorAPIToken returns any organization's token, for an operator.
func (s *Service) OperatorAPIToken(ctx context.Context, id string) (domain.APIToken, error) {
	t, err := s.store.APITokenGet(ctx, id)
	return t, notFound(err, "api_token")
}

// OperatorAPITokens returns a page of any organization's tokens.
func (s *Service) OperatorAPITokens(
	ctx context.Context, orgID string, page domain.Page,
) ([]domain.APIToken, int, error) {
	return s.store.APITokenList(ctx, orgID, page)
}

// OperatorDeleteAPIToken deletes any organization's token.
func (s *Service) OperatorDeleteAPIToken(ctx context.Context, id string) error {
	return notFound(s.store.APITokenDelete(ctx, id), "api_token")
}

// DeleteAPIToken deletes the caller's organization's token, which stops
// working at once, and returns it as it was. A token of any other
// organization is not found.
func (s *Service) DeleteAPIToken(ctx context.Context, c Caller, id string) (domain.APIToken, error) {
	t, err := s.apiToken(ctx, c, id)
	if err != nil {
		return domain.APIToken{}, err
	}
	if err := s.store.APITokenDelete(ctx, t.ID); err != nil {
		return domain.APIToken{}, notFound(err, "api_token")
	}

	s.log.InfoContext(ctx, "API token deleted", slog.String("api_token_id", t.ID))
	return t, nil
}

// RegenerateAPITokenSecret gives the caller's organization's token a new
// secret and returns the token with it, shown this once; the old secret
// stops working at once. A token of any other organization is not found.
func (s *Service) RegenerateAPITokenSecret(
	ctx context.Context, c Caller, id string,
) (domain.APIToken, string, error) {
	t, err := s.apiToken(ctx, c, id)
	if err != nil {
		return domain.APIToken{}, "", err
	}
	secret, lookup := NewSecret()
	if err := s.store.APITokenReplaceSecret(ctx, t.ID, lookup, HashSecret(secret)); err != nil {
		return domain.APIToken{}, "", notFound(err, "api_token")
	}

	s.log.InfoContext(ctx, "API token secret regenerated", slog.String("api_token_id", t.ID))
	return t, secret, nil
}

// apiToken returns the token with the given ID if it belongs to the
// caller's organization; otherwise a NotFoundError, so that a token learns
// nothing about other organizations' tokens, not even that they exist.
func (s *Service) apiToken(ctx context.Context, c Caller, id string) (domain.APIToken, error) {
	t, err := s.store.APITokenGet(ctx, id)
	if err == nil && t.OrganizationID != c.OrganizationID() {
		err = domain.ErrNotFound
	}
	return t, notFound(err, "api_token")
}

// checkAPITokenProperties validates p and returns it as the store's
// change, with the authorized addresses parsed into prefixes. It reports
// every problem at once in a domain.ValidationError.
func (s *Service) checkAPITokenProperties(p APITokenProperties) (store.APITokenUpdateParams, error) {
	change := store.APITokenUpdateParams{Name: p.Name, Scopes: p.Scopes, ExpiresAt: p.ExpiresAt, RateLimit: p.RateLimit}
	var problems []string
	if p.RateLimit != nil && (*p.RateLimit < 1 || *p.RateLimit > maxRateLimit) {
		problems = append(problems, fmt.Sprintf("Rate limit must be between 1 and %d", maxRateLimit))
	}
	if p.Name != nil {
		problems = append(problems, textProblems("Name", *p.Name, true)...)
	}
	if p.Scopes != nil {
		problems = append(problems, checkScopes(*p.Scopes)...)
	}
	if p.AuthorizedIPAddresses != nil {
		networks, refused := parseAuthorizedNetworks(*p.AuthorizedIPAddresses)
		change.AuthorizedNetworks = &networks
		problems = append(problems, refused...)
	}
	switch {
	case p.ExpiresAt == nil || p.ExpiresAt.IsZero():
	case !p.ExpiresAt.After(s.now()):
		problems = append(problems, "Expires at must be in the future")
	case p.ExpiresAt.Year() >= 9999:
		problems = append(problems, "Expires at must be before the year 9999")
	}

	if len(problems) > 0 {
		return store.APITokenUpdateParams{}, &domain.ValidationError{Messages: problems}
	}
	return change, nil
}

// checkScopes returns a message for each scope that is not a known one.
func checkScopes(scopes []string) []string {
	var refused []string
	for _, scope := range scopes {
		if !slices.Contains(knownScopes, scope) {
			refused = append(refused, "Scope '"+scope+"' is not a known scope")
		}
	}
	return refused
}

// parseAuthorizedNetworks parses client addresses and CIDR prefixes into
// prefixes: an address is a prefix of its full length, and a prefix's
// host bits are cleared. It returns a message for each entry it refused.
func parseAuthorizedNetworks(items []string) ([]netip.Prefix, []string) {
	networks := make([]netip.Prefix, 0, len(items))
	var refused []string
	for _, item := range items {
		p, err := parseAuthorizedNetwork(item)
		if err != nil {
			refused = append(refused, "Authorized IP address '"+item+"' is not an IP address or CIDR prefix")
			continue
		}
		networks = append(networks, p)
	}
	return networks, refused
}

func parseAuthorizedNetwork(item string) (netip.Prefix, error) {
	if strings.Contains(item, "/") {
		p, err := ipam.ParsePrefix(item)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := ipam.ParseAddr(item)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// applyAPITokenChange sets the fields of t that change gives.
func applyAPITokenChange(t *domain.APIToken, change store.APITokenUpdateParams) {
	if change.Name != nil {
		t.Name = *change.Name
	}
	if change.Scopes != nil {
		t.Scopes = *change.Scopes
	}
	if change.AuthorizedNetworks != nil {
		t.AuthorizedNetworks = *change.AuthorizedNetworks
	}
	if change.ExpiresAt != nil {
		t.ExpiresAt = *change.ExpiresAt
	}
	if change.RateLimit != nil {
		t.RateLimit = *change.RateLimit
	}
}
