package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/store/storetest"
)

// TestHostileInput sends what no client should, on both engines: bytes
// PostgreSQL cannot store, null lookups, absurd pages and over-long
// names. Each gets its documented error, never a 500.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		admin := e.newToken("acme", allScopes...)
		ip := acmeIP(e)

		tests := []struct {
			name, method, path, token, body string
			status                          int
			code                            string
		}{
			{
				"invalid UTF-8 in a query lookup",
				"GET",
				"/core/v1/organizations/_?organization[sub_domain]=%ff",
				admin,
				"",
				400,
				"invalid_argument",
			},
			{
				"a NUL in a query lookup",
				"GET",
				"/core/v1/organizations/_?organization[sub_domain]=a%00b",
				admin,
				"",
				400,
				"invalid_argument",
			},
			{
				"overlong UTF-8 in a query lookup",
				"GET",
				"/core/v1/virtual_machines/_?virtual_machine[fqdn]=%C0%80",
				admin,
				"",
				400,
				"invalid_argument",
			},
			{"invalid UTF-8 in the path", "GET", "/core/v1/ip_addresses/ip_%ff", admin, "", 400, "invalid_argument"},
			{"an escaped slash stays in its segment", "GET", "/core/v1/ip_addresses/ip%2Fx", admin, "", 404,
				"ip_address_not_found"},
			{
				"a NUL in a body lookup",
				"DELETE",
				"/core/v1/ip_addresses/_",
				admin,
				`{"ip_address":{"id":"\u0000"}}`,
				400,
				"invalid_argument",
			},
			{"a NUL in a label", "PATCH", "/core/v1/ip_addresses/_", admin,
				`{"ip_address":{"id":"` + ip + `"},"label":"a\u0000b"}`, 400, "invalid_argument"},
			{"a label too long", "PATCH", "/core/v1/ip_addresses/_", admin,
				`{"ip_address":{"id":"` + ip + `"},"label":"` + strings.Repeat(
					"x",
					256,
				) + `"}`, 422, "validation_error"},
			{"a token name too long", "POST", "/core/v1/organizations/_/api_tokens", admin,
				createBody("acme", `{"name":"`+strings.Repeat("n", 300)+`"}`), 422, "validation_error"},
			{"an expiry past the year 9999", "POST", "/core/v1/organizations/_/api_tokens", admin,
				createBody("acme", `{"name":"n","expires_at":9223372036854775807}`), 422, "validation_error"},
			{"an expiry before 1970", "POST", "/core/v1/organizations/_/api_tokens", admin,
				createBody("acme", `{"name":"n","expires_at":-62135596800}`), 422, "validation_error"},
			{
				"a lookup whose one key is null",
				"GET",
				"/core/v1/organizations/_",
				admin,
				`{"organization":{"id":null}}`,
				400,
				"invalid_argument",
			},
			{"a null lookup key on a write", "POST", "/core/v1/organizations/_/api_tokens", admin,
				`{"organization":{"sub_domain":null},"properties":{"name":"x"}}`, 400, "invalid_argument"},
		}
		for _, tt := range tests {
			res := e.do(tt.method, tt.path, tt.token, tt.body)
			require.Equal(t, tt.status, res.status, "%s: %s", tt.name, res.raw)
			require.Equal(t, tt.code, res.errorCode(), "%s: %s", tt.name, res.raw)
		}

		// Go's client will not send such a header, and its server lets it in.
		rec := serveFrom(
			api.New(e.svc, discardLog, api.Config{}),
			"127.0.0.1:4000",
			"",
			"\xff\xfeAAAAAAAAAAAAAAAAAAAAAAAAAA",
		)
		require.Equal(t, http.StatusForbidden, rec.Code, rec.Body.String())
		require.Contains(t, rec.Body.String(), "invalid_api_token")

		nullKey := e.do("GET", "/core/v1/organizations/_", admin, `{"organization":{"id":null}}`)
		require.Equal(t, "missing_lookup_value", nullKey.str("error", "detail", "issue"))

		for _, page := range []string{"9223372036854775807", "4611686018427387905&per_page=2"} {
			res := e.do(
				"GET",
				"/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme&page="+page,
				admin,
				"",
			)
			require.Equal(t, http.StatusOK, res.status, "page %s: %s", page, res.raw)
			require.Empty(t, res.field("ip_addresses"), "page %s is past the end", page)
		}
	})
}
