package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store/storetest"
)

// tokenWith creates an Acme token with the ip_addresses scope, the rate
// limit and the authorized networks given, and returns its secret.
func (e *env) tokenWith(rateLimit int, networks ...string) string {
	e.t.Helper()
	ctx := context.Background()
	org, err := e.store.OrganizationGetBy(ctx, "sub_domain", "acme")
	require.NoError(e.t, err)
	t := domain.APIToken{
		OrganizationID: org.ID,
		Name:           "limited",
		Scopes:         []string{"ip_addresses"},
		RateLimit:      rateLimit,
	}
	for _, n := range networks {
		t.AuthorizedNetworks = append(t.AuthorizedNetworks, netip.MustParsePrefix(n))
	}
	_, secret, err := e.svc.CreateAPIToken(ctx, t)
	require.NoError(e.t, err)
	return secret
}

// serveFrom sends a GET to the handler as if from the TCP peer remote,
// with the X-Forwarded-For header when forwarded is not "".
func serveFrom(h http.Handler, remote, forwarded, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(
		http.MethodGet,
		"/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme",
		nil,
	)
	req.RemoteAddr = remote
	req.Header.Set("Authorization", "Bearer "+token)
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAuthorizedNetworks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	direct := api.New(e.svc, discardLog, api.Config{})
	proxied := api.New(e.svc, discardLog, api.Config{TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.9.0.0/16"), netip.MustParsePrefix("fd00::/8"),
	}})
	token := e.tokenWith(1000, "192.0.2.0/24", "198.51.100.7/32", "2001:db8:1::/48")

	tests := []struct {
		name      string
		handler   http.Handler
		remote    string
		forwarded string
		want      string // the refused client address; "" when allowed
	}{
		// Direct clients, IPv4 and IPv6, in and out of the prefixes.
		{"v4 in a prefix", direct, "192.0.2.200:4000", "", ""},
		{"v4 the one address", direct, "198.51.100.7:4000", "", ""},
		{"v4 next to it", direct, "198.51.100.8:4000", "", "198.51.100.8"},
		{"v4 outside", direct, "203.0.113.10:4000", "", "203.0.113.10"},
		{"v6 in a prefix", direct, "[2001:db8:1:ffff::9]:4000", "", ""},
		{"v6 outside", direct, "[2001:db8:2::1]:4000", "", "2001:db8:2::1"},
		{"v4-mapped v6 peer", direct, "[::ffff:192.0.2.9]:4000", "", ""},
		// A client's own X-Forwarded-For is ignored unless its peer is a
		// trusted proxy.
		{"spoofed header", direct, "203.0.113.10:4000", "192.0.2.1", "203.0.113.10"},
		{"spoofed through an untrusted peer", proxied, "203.0.113.10:4000", "192.0.2.1", "203.0.113.10"},
		// Behind trusted proxies, the right-most untrusted hop is the client.
		{"through a proxy", proxied, "10.9.0.1:4000", "192.0.2.5", ""},
		{"through two proxies", proxied, "10.9.0.1:4000", "192.0.2.5, 10.9.3.3", ""},
		{"spoofed left of the proxy", proxied, "10.9.0.1:4000", "192.0.2.5, 203.0.113.10", "203.0.113.10"},
		{"v6 proxy", proxied, "[fd00::1]:4000", "2001:db8:1::5", ""},
		{"v6 client refused", proxied, "[fd00::1]:4000", "2001:db8:9::5", "2001:db8:9::5"},
	}
	for _, tt := range tests {
		rec := serveFrom(tt.handler, tt.remote, tt.forwarded, token)
		if tt.want == "" {
			require.Equal(t, http.StatusOK, rec.Code, "%s: %s", tt.name, rec.Body)
			continue
		}
		require.Equal(t, http.StatusForbidden, rec.Code, tt.name)
		require.JSONEq(t, `{"error":{"code":"unauthorized_network_for_api_token",
			"description":"Network is not allowed to access the API with this API token",
			"detail":{"ip_address":"`+tt.want+`"}}}`, rec.Body.String(), tt.name)
	}

	open := e.tokenWith(1000)
	require.Equal(t, http.StatusOK, serveFrom(direct, "203.0.113.10:4000", "", open).Code, "no networks: anywhere")
}

func TestRateLimitHeadersAndRefusal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	token := e.tokenWith(5)
	path := "/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme"
	awayFromMinuteEnd()

	for n := 1; n <= 5; n++ {
		res := e.do(http.MethodGet, path, token, "")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		require.Equal(t, "5", res.header.Get("X-Ratelimit-Permitted"))
		require.Equal(t, strconv.Itoa(5-n), res.header.Get("X-Ratelimit-Remaining"))
	}
	res := e.do(http.MethodGet, path, token, "")
	require.Equal(t, http.StatusTooManyRequests, res.status)
	require.JSONEq(t, `{"error":{"code":"rate_limit_reached",
		"description":"You have reached the rate limit for this type of request",
		"detail":{"total_permitted":5}}}`, res.raw)
	require.Equal(t, "0", res.header.Get("X-Ratelimit-Remaining"))

	other := e.do(http.MethodGet, path, e.token, "")
	require.Equal(t, http.StatusOK, other.status, "each token has its own count")
}

// TestRateLimitAcrossReplicas sends a token's requests to two servers on
// one database at once: together they never let more through in a
// minute than the token's limit.
func TestRateLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		dbURL := storetest.URL(t, engine)
		e := newEnvAt(t, dbURL, true)
		urls := []string{e.url, startReplica(t, dbURL)}
		const limit = 40
		token := e.tokenWith(limit)
		awayFromMinuteEnd()

		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for client := range 8 {
			wg.Go(func() {
				for n := range 15 {
					res := doAt(t, urls[(client+n)%2], http.MethodGet,
						"/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme", token, "")
					mu.Lock()
					statuses[res.status]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()

		require.Equal(t, map[int]int{http.StatusOK: limit, http.StatusTooManyRequests: 120 - limit}, statuses)
	})
}

// awayFromMinuteEnd waits, when less than ten seconds of the minute are
// left, for the next one: counts start afresh each minute, and a run of a
// few seconds must fall in one.
func awayFromMinuteEnd() {
	if left := time.Until(time.Now().Truncate(time.Minute).Add(time.Minute)); left < 10*time.Second {
		time.Sleep(left + 100*time.Millisecond)
	}
}

// TestAuthFailureLimit shows that a client address that keeps presenting
// bad secrets is refused, good ones included, once it has failed too
// often in a minute, while other addresses are not.
func TestAuthFailureLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	strict := service.New(e.store, discardLog, service.Config{AuthFailuresPerMinute: 3})
	h := api.New(strict, discardLog, api.Config{})
	good := e.tokenWith(1000)

	for range 3 {
		require.Equal(t, http.StatusForbidden, serveFrom(h, "203.0.113.10:4000", "", "GUESSGUESSGUESSGUESSGUESS").Code)
	}
	rec := serveFrom(h, "203.0.113.10:4000", "", "GUESSGUESSGUESSGUESSGUESS")
	require.Equal(t, http.StatusTooManyRequests, rec.Code, rec.Body.String())
	require.Equal(t, http.StatusTooManyRequests, serveFrom(h, "203.0.113.10:4000", "", good).Code,
		"past the limit the secret is not even looked at")
	require.Equal(t, http.StatusOK, serveFrom(h, "203.0.113.11:4000", "", good).Code, "other addresses are not refused")
}
