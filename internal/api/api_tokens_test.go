package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store/storetest"
)

const (
	acmeTokensPath = "/core/v1/organizations/_/api_tokens?organization[sub_domain]=acme"
	tokenPath      = "/core/v1/api_tokens/_"
)

// createBody is the body of a token create in the organization with the
// sub-domain given.
func createBody(subDomain, properties string) string {
	return `{"organization":{"sub_domain":"` + subDomain + `"},"properties":` + properties + `}`
}

// tokenBody is the body of a call on the token id, with properties when
// they are not "".
func tokenBody(id, properties string) string {
	if properties == "" {
		return `{"api_token":{"id":"` + id + `"}}`
	}
	return `{"api_token":{"id":"` + id + `"},"properties":` + properties + `}`
}

// listTokens returns the api_token objects of a list response by ID.
func listTokens(t *testing.T, res response) map[string]map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, res.status, res.raw)
	out := map[string]map[string]any{}
	for _, item := range res.field("api_tokens").([]any) {
		tok := item.(map[string]any)
		out[tok["id"].(string)] = tok
	}
	return out
}

func (e *env) orgID(subDomain string) string {
	e.t.Helper()
	org, err := e.store.OrganizationGetBy(context.Background(), "sub_domain", subDomain)
	require.NoError(e.t, err)
	return org.ID
}

// TestAPITokenLife takes one token through its whole life: it is created
// with its secret shown once, works, is listed without its secret, is
// updated, has its secret regenerated and is deleted, each change taking
// effect at once.
func TestAPITokenLife(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		admin := e.newToken("acme", "api_tokens")
		vmniPath := "/core/v1/virtual_machine_network_interfaces/" + e.public
		expires := time.Now().Add(time.Hour).Unix()
		properties := `{"name":"ci","scopes":["ip_addresses","virtual_machines:read"],` +
			`"authorized_ip_addresses":["127.0.0.0/8","2001:DB8:0::1"],"expires_at":` +
			strconv.FormatInt(expires, 10) + `}`

		created := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin, createBody("acme", properties))
		require.Equal(t, http.StatusOK, created.status, created.raw)
		id := created.str("api_token", "id")
		secret := created.str("api_token", "secret")
		require.Regexp(t, `^apitoken_[A-Za-z0-9]{16}$`, id)
		require.NotEmpty(t, secret)
		require.Equal(t, "ci", created.str("api_token", "name"))
		require.Equal(t, e.orgID("acme"), created.str("api_token", "organization_id"))
		require.Equal(t, []any{"127.0.0.0/8", "2001:db8::1"}, created.field("api_token", "authorized_ip_addresses"))
		require.EqualValues(t, expires, created.field("api_token", "expires_at"))
		require.EqualValues(t, 1000, created.field("api_token", "rate_limit"))
		require.Equal(t, []any{"ip_addresses", "virtual_machines:read"}, created.field("api_token", "scopes"))
		require.Equal(t, []any{}, created.field("annotations"))

		res := e.do(http.MethodGet, vmniPath, secret, "")
		require.Equal(t, http.StatusOK, res.status, "the new secret authenticates: %s", res.raw)

		listed := listTokens(t, e.do(http.MethodGet, acmeTokensPath, admin, ""))
		require.Len(t, listed, 3, "env's token, admin and ci")
		for _, tok := range listed {
			require.Contains(t, tok, "secret")
			require.Nil(t, tok["secret"], "a list never shows a secret")
		}
		want := created.field("api_token").(map[string]any)
		want["secret"] = nil
		require.Equal(t, want, listed[id])

		updated := e.do(http.MethodPatch, tokenPath, admin, tokenBody(id,
			`{"name":"ci-2","scopes":["ip_addresses:read","api_tokens:read"],"expires_at":null}`))
		require.Equal(t, http.StatusOK, updated.status, updated.raw)
		require.Equal(t, "ci-2", updated.str("api_token", "name"))
		require.Equal(t, []any{"ip_addresses:read", "api_tokens:read"}, updated.field("api_token", "scopes"))
		require.Nil(t, updated.field("api_token", "expires_at"))
		require.Equal(t, want["authorized_ip_addresses"], updated.field("api_token", "authorized_ip_addresses"))
		require.Nil(t, updated.field("api_token", "secret"))
		require.Equal(t, []any{}, updated.field("annotations"))
		res = e.do(http.MethodGet, vmniPath, secret, "")
		require.Equal(t, "scope_not_granted", res.errorCode(), "the new scopes apply at once")

		regenerated := e.do(http.MethodPost, "/core/v1/api_tokens/"+id+"/regenerate_secret", admin, "")
		require.Equal(t, http.StatusOK, regenerated.status, regenerated.raw)
		newSecret := regenerated.str("api_token", "secret")
		require.NotEmpty(t, newSecret)
		require.NotEqual(t, secret, newSecret)
		require.NotEqual(t, secret[:16], newSecret[:16], "the lookup key changes too")
		require.Equal(t, "ci-2", regenerated.str("api_token", "name"))
		res = e.do(http.MethodGet, acmeTokensPath, secret, "")
		require.Equal(t, http.StatusForbidden, res.status, res.raw)
		require.Equal(t, "invalid_api_token", res.errorCode(), "the old secret stops working")
		require.Equal(t, http.StatusOK, e.do(http.MethodGet, acmeTokensPath, newSecret, "").status)

		deleted := e.do(http.MethodDelete, tokenPath, admin, tokenBody(id, ""))
		require.Equal(t, http.StatusOK, deleted.status, deleted.raw)
		require.Equal(t, map[string]any{"api_token": map[string]any{"id": id, "name": "ci-2"}}, deleted.body)
		res = e.do(http.MethodGet, acmeTokensPath, newSecret, "")
		require.Equal(t, http.StatusForbidden, res.status, res.raw)
		require.Equal(t, "invalid_api_token", res.errorCode(), "a deleted token stops working")
		require.NotContains(t, listTokens(t, e.do(http.MethodGet, acmeTokensPath, admin, "")), id)
		res = e.do(http.MethodDelete, tokenPath, admin, tokenBody(id, ""))
		require.Equal(t, http.StatusNotFound, res.status, res.raw)
		require.Equal(t, "api_token_not_found", res.errorCode())
		require.Equal(t, "No API token was found matching any of the criteria provided in the arguments",
			res.str("error", "description"))
	})
}

// TestAPITokenLookupPlaces shows that the token and the organization may
// be named in the path, the query or the body, and that lists page.
func TestAPITokenLookupPlaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	admin := e.newToken("acme", "api_tokens")
	orgID := e.orgID("acme")

	created := e.do(http.MethodPost, "/core/v1/organizations/"+orgID+"/api_tokens", admin,
		`{"properties":{"name":"by path"}}`)
	require.Equal(t, http.StatusOK, created.status, created.raw)
	id := created.str("api_token", "id")
	require.Equal(t, []any{}, created.field("api_token", "scopes"))
	require.Equal(t, []any{}, created.field("api_token", "authorized_ip_addresses"))
	require.Nil(t, created.field("api_token", "expires_at"))

	res := e.do(http.MethodPatch, "/core/v1/api_tokens/"+id, admin, `{"properties":{"name":"renamed"}}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, "renamed", res.str("api_token", "name"))
	res = e.do(http.MethodPatch, "/core/v1/api_tokens/_?api_token[id]="+id+"&properties[scopes][]=tags", admin, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, []any{"tags"}, res.field("api_token", "scopes"))
	require.Equal(t, "renamed", res.str("api_token", "name"), "a field not given is kept")
	res = e.do(http.MethodPatch, "/core/v1/api_tokens/"+id, admin,
		`{"properties":{"authorized_ip_addresses":["192.0.2.5/24","2001:DB8::/32","192.0.2.7/32","::1"]}}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, []any{"192.0.2.0/24", "2001:db8::/32", "192.0.2.7", "::1"},
		res.field("api_token", "authorized_ip_addresses"), "prefixes are shown masked, addresses alone")

	res = e.do(http.MethodGet, "/core/v1/organizations/organization/api_tokens?organization[id]="+orgID+
		"&per_page=2&page=2", admin, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, map[string]any{
		"current_page": 2.0, "total_pages": 2.0, "total": 3.0, "per_page": 2.0, "large_set": false,
	}, res.field("pagination"))
	require.Len(t, res.field("api_tokens"), 1)

	res = e.do(http.MethodGet, "/core/v1/organizations/acme/api_tokens", admin, "")
	require.Equal(t, "organization_not_found", res.errorCode(), "a path segment is the organization's id")
}

// TestAPITokenValidation refuses every bad property with production's
// validation_error and creates or changes nothing.
func TestAPITokenValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	admin := e.newToken("acme", "api_tokens")
	past := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)

	tests := []struct {
		name       string
		properties string
		errors     []string
	}{
		{"no name", `{}`, []string{"Name can't be blank"}},
		{"empty name", `{"name":""}`, []string{"Name can't be blank"}},
		{"blank name", `{"name":"  "}`, []string{"Name can't be blank"}},
		{"unknown scope", `{"name":"x","scopes":["ip_addresses","ip_addresses:write"]}`,
			[]string{"Scope 'ip_addresses:write' is not a known scope"}},
		{"empty scope", `{"name":"x","scopes":[""]}`, []string{"Scope '' is not a known scope"}},
		{"prefix too long", `{"name":"x","authorized_ip_addresses":["192.0.2.0/33"]}`,
			[]string{"Authorized IP address '192.0.2.0/33' is not an IP address or CIDR prefix"}},
		{"not an address", `{"name":"x","authorized_ip_addresses":["300.1.1.1"]}`,
			[]string{"Authorized IP address '300.1.1.1' is not an IP address or CIDR prefix"}},
		{"host name", `{"name":"x","authorized_ip_addresses":["example.com"]}`,
			[]string{"Authorized IP address 'example.com' is not an IP address or CIDR prefix"}},
		{"zoned address", `{"name":"x","authorized_ip_addresses":["fe80::1%eth0"]}`,
			[]string{"Authorized IP address 'fe80::1%eth0' is not an IP address or CIDR prefix"}},
		{"empty address", `{"name":"x","authorized_ip_addresses":[""]}`,
			[]string{"Authorized IP address '' is not an IP address or CIDR prefix"}},
		{"expired", `{"name":"x","expires_at":` + past + `}`, []string{"Expires at must be in the future"}},
		{"epoch", `{"name":"x","expires_at":0}`, []string{"Expires at must be in the future"}},
		{"every problem at once",
			`{"name":"","scopes":["root"],"authorized_ip_addresses":["10.0.0.0/8","nope"],"expires_at":1}`,
			[]string{
				"Name can't be blank",
				"Scope 'root' is not a known scope",
				"Authorized IP address 'nope' is not an IP address or CIDR prefix",
				"Expires at must be in the future",
			}},
	}
	for _, tt := range tests {
		res := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin, createBody("acme", tt.properties))
		require.Equal(t, http.StatusUnprocessableEntity, res.status, "%s: %s", tt.name, res.raw)
		require.Equal(t, map[string]any{
			"code":        "validation_error",
			"description": "A validation error occurred with the object that was being created/updated/deleted",
			"detail":      map[string]any{"errors": toAny(tt.errors)},
		}, res.field("error"), tt.name)
	}
	before := listTokens(t, e.do(http.MethodGet, acmeTokensPath, admin, ""))
	require.Len(t, before, 2, "no refused create made a token")

	var id string
	for id = range before {
		break
	}
	for _, tt := range tests[1:] {
		res := e.do(http.MethodPatch, tokenPath, admin, tokenBody(id, tt.properties))
		require.Equal(t, http.StatusUnprocessableEntity, res.status, "update %s: %s", tt.name, res.raw)
		require.Equal(t, toAny(tt.errors), res.field("error", "detail", "errors"), "update %s", tt.name)
	}
	require.Equal(t, before, listTokens(t, e.do(http.MethodGet, acmeTokensPath, admin, "")),
		"no refused update changed a token")
}

func toAny(items []string) []any {
	out := make([]any, len(items))
	for i, s := range items {
		out[i] = s
	}
	return out
}

// TestAPITokenArgumentErrors checks the 400s of a malformed "properties".
func TestAPITokenArgumentErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	admin := e.newToken("acme", "api_tokens")

	tests := []struct {
		name, body string
		code       string
		path       []any
		index      any
		issue      string
	}{
		{"no properties", `{"organization":{"sub_domain":"acme"}}`, "missing_required_argument",
			[]any{"properties"}, nil, ""},
		{"properties not an object", createBody("acme", `"x"`), "invalid_argument",
			[]any{"properties"}, nil, "object_expected"},
		{"scopes not an array", createBody("acme", `{"name":"x","scopes":"ip_addresses"}`), "invalid_argument",
			[]any{"properties", "scopes"}, nil, "array_expected"},
		{"scope not a string", createBody("acme", `{"name":"x","scopes":[1]}`), "invalid_argument",
			[]any{"properties", "scopes"}, 0.0, "invalid_scalar"},
		{"expiry not an integer", createBody("acme", `{"name":"x","expires_at":"tomorrow"}`), "invalid_argument",
			[]any{"properties", "expires_at"}, nil, "invalid_scalar"},
	}
	for _, tt := range tests {
		res := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin, tt.body)
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tt.name, res.raw)
		require.Equal(t, tt.code, res.errorCode(), tt.name)
		require.Equal(t, tt.path, res.field("error", "detail", "path"), tt.name)
		if tt.issue != "" {
			require.Equal(t, tt.index, res.field("error", "detail", "index"), tt.name)
			require.Equal(t, tt.issue, res.str("error", "detail", "issue"), tt.name)
		}
	}
	res := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin,
		createBody("acme", `{"name":"x","scopes":[1]}`))
	require.Equal(t, "CoreAPI/ArgumentSets/APITokenArguments/ScopesArgument",
		res.str("error", "detail", "argument", "id"))
	res = e.do(http.MethodPatch, tokenPath, admin, `{"api_token":{"id":"apitoken_x"}}`)
	require.Equal(t, "missing_required_argument", res.errorCode(), "an update needs properties")
}

// TestAPITokenIsolation has Acme try every operation on Globex's tokens:
// each finds nothing, and Globex's tokens are as they were.
func TestAPITokenIsolation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		acme := e.newToken("acme", "api_tokens")
		globex := e.newToken("globex", "api_tokens")
		globexPath := "/core/v1/organizations/_/api_tokens?organization[sub_domain]=globex"
		res := e.do(http.MethodPost, globexPath, globex, `{"properties":{"name":"theirs","scopes":["dns"]}}`)
		require.Equal(t, http.StatusOK, res.status, res.raw)
		theirs := res.str("api_token", "id")
		before := listTokens(t, e.do(http.MethodGet, globexPath, globex, ""))

		tests := []struct {
			name, method, path, body, code string
		}{
			{"list by sub-domain", http.MethodGet, globexPath, "", "organization_not_found"},
			{"list by id", http.MethodGet, "/core/v1/organizations/" + e.orgID("globex") + "/api_tokens", "",
				"organization_not_found"},
			{"create", http.MethodPost, globexPath, `{"properties":{"name":"planted","scopes":["api_tokens"]}}`,
				"organization_not_found"},
			{"update", http.MethodPatch, tokenPath, tokenBody(theirs, `{"name":"mine","scopes":["api_tokens"]}`),
				"api_token_not_found"},
			{"update by path", http.MethodPatch, "/core/v1/api_tokens/" + theirs, `{"properties":{"name":"mine"}}`,
				"api_token_not_found"},
			{"regenerate", http.MethodPost, "/core/v1/api_tokens/" + theirs + "/regenerate_secret", "",
				"api_token_not_found"},
			{"delete", http.MethodDelete, tokenPath, tokenBody(theirs, ""), "api_token_not_found"},
		}
		for _, tt := range tests {
			res := e.do(tt.method, tt.path, acme, tt.body)
			require.Equal(t, http.StatusNotFound, res.status, "%s: %s", tt.name, res.raw)
			require.Equal(t, tt.code, res.errorCode(), tt.name)
			require.NotContains(t, res.raw, theirs, tt.name)
		}

		require.Equal(t, before, listTokens(t, e.do(http.MethodGet, globexPath, globex, "")),
			"Globex's tokens are unchanged")
		require.Len(t, listTokens(t, e.do(http.MethodGet, acmeTokensPath, acme, "")), 2,
			"nothing was created in Acme either")
	})
}

// TestAPITokenScopes checks that every operation needs api_tokens, and
// that api_tokens:read is enough to list and nothing else.
func TestAPITokenScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	reader := e.newToken("acme", "api_tokens:read")
	admin := e.newToken("acme", "api_tokens")
	res := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin, createBody("acme", `{"name":"x"}`))
	require.Equal(t, http.StatusOK, res.status, res.raw)
	id := res.str("api_token", "id")

	writes := []struct {
		name, method, path, body string
	}{
		{"create", http.MethodPost, "/core/v1/organizations/_/api_tokens", createBody("acme", `{"name":"y"}`)},
		{"update", http.MethodPatch, tokenPath, tokenBody(id, `{"name":"z"}`)},
		{"regenerate", http.MethodPost, "/core/v1/api_tokens/" + id + "/regenerate_secret", ""},
		{"delete", http.MethodDelete, tokenPath, tokenBody(id, "")},
	}
	for _, token := range []string{e.token, reader} {
		for _, tt := range writes {
			res := e.do(tt.method, tt.path, token, tt.body)
			require.Equal(t, http.StatusForbidden, res.status, "%s: %s", tt.name, res.raw)
			require.Equal(t, "scope_not_granted", res.errorCode(), tt.name)
			require.Equal(t, []any{"api_tokens"}, res.field("error", "detail", "scopes"), tt.name)
		}
	}

	res = e.do(http.MethodGet, acmeTokensPath, e.token, "")
	require.Equal(t, "scope_not_granted", res.errorCode())
	require.Equal(t, []any{"api_tokens", "api_tokens:read"}, res.field("error", "detail", "scopes"))
	listed := listTokens(t, e.do(http.MethodGet, acmeTokensPath, reader, ""))
	require.Equal(t, "x", listed[id]["name"], "no refused call changed the token")
}

// apiTokenExample is examples/api_token.json, the APIToken response the
// shared reference material constructs from the spec.
const apiTokenExample = `{
  "api_token": {
    "id": "PREFIXUNKNOWN_AAAAAAAAAAAAAAAA",
    "name": "example-token",
    "organization_id": "org_eodfyqFF3YWb2OFC",
    "authorized_ip_addresses": ["192.0.2.0/24"],
    "expires_at": null,
    "rate_limit": 1000,
    "scopes": ["ip_addresses", "virtual_machines:read"],
    "secret": "[REDACTED]"
  },
  "annotations": []
}`

// objectShape returns the keys of the JSON object raw, in order, each
// with the JSON type of its value, and those of the objects nested in it
// after a dot.
func objectShape(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	open, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), open, "not an object: %s", raw)
	var shape []string
	for dec.More() {
		key, err := dec.Token()
		require.NoError(t, err)
		var value json.RawMessage
		require.NoError(t, dec.Decode(&value))
		shape = append(shape, key.(string)+":"+jsonType(value))
		if value[0] == '{' {
			for _, field := range objectShape(t, value) {
				shape = append(shape, key.(string)+"."+field)
			}
		}
	}
	return shape
}

func jsonType(v json.RawMessage) string {
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// TestAPITokenResponseShape compares every token response with the
// example: the same fields, in the same order, of the same JSON types,
// with secret null except where it was just made.
func TestAPITokenResponseShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	admin := e.newToken("acme", "api_tokens")
	want := objectShape(t, []byte(apiTokenExample))
	require.Equal(t, "annotations:array", want[len(want)-1])
	withSecret := want[:len(want)-1]
	require.Equal(t, "api_token.secret:string", withSecret[len(withSecret)-1])
	withoutSecret := append(slices.Clone(want[:len(want)-2]), "api_token.secret:null")

	created := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin, createBody("acme",
		`{"name":"x","scopes":["ip_addresses"],"authorized_ip_addresses":["192.0.2.0/24"]}`))
	require.Equal(t, want, objectShape(t, []byte(created.raw)), created.raw)
	id := created.str("api_token", "id")

	updated := e.do(http.MethodPatch, tokenPath, admin, tokenBody(id, `{"name":"y"}`))
	require.Equal(t, append(withoutSecret, "annotations:array"), objectShape(t, []byte(updated.raw)), updated.raw)

	regenerated := e.do(http.MethodPost, "/core/v1/api_tokens/"+id+"/regenerate_secret", admin, "")
	require.Equal(t, withSecret, objectShape(t, []byte(regenerated.raw)), regenerated.raw)

	listed := e.do(http.MethodGet, acmeTokensPath, admin, "")
	require.Equal(t, []string{
		"pagination:object", "pagination.current_page:number", "pagination.total_pages:number",
		"pagination.total:number", "pagination.per_page:number", "pagination.large_set:boolean",
		"api_tokens:array",
	}, objectShape(t, []byte(listed.raw)))
	var list struct {
		APITokens []json.RawMessage `json:"api_tokens"`
	}
	require.NoError(t, json.Unmarshal([]byte(listed.raw), &list))
	require.Len(t, list.APITokens, 3)
	for _, item := range list.APITokens {
		raw := append(append([]byte(`{"api_token":`), item...), '}')
		require.Equal(t, withoutSecret, objectShape(t, raw), "list item %s", item)
	}

	deleted := e.do(http.MethodDelete, tokenPath, admin, tokenBody(id, ""))
	require.Equal(t, []string{"api_token:object", "api_token.id:string", "api_token.name:string"},
		objectShape(t, []byte(deleted.raw)))
}

// TestAPITokenSecretNotStored reads every column of every api_tokens row
// after a create and a regenerate: only the lookup key and the hash of
// the current secret are there, never the secret.
func TestAPITokenSecretNotStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		dbURL := storetest.URL(t, engine)
		e := newEnvAt(t, dbURL, true)
		admin := e.newToken("acme", "api_tokens")
		res := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin, createBody("acme", `{"name":"x"}`))
		require.Equal(t, http.StatusOK, res.status, res.raw)
		id := res.str("api_token", "id")
		first := res.str("api_token", "secret")
		res = e.do(http.MethodPost, "/core/v1/api_tokens/"+id+"/regenerate_secret", admin, "")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		second := res.str("api_token", "secret")

		// Only the lookup key, the first 16 characters, and a hash are kept.
		dump := storetest.Dump(t, dbURL)
		for _, secret := range []string{admin, first, second} {
			require.NotContains(t, dump, secret[16:], "the database holds a secret")
		}
		require.Contains(t, dump, second[:16])
		require.NotContains(t, dump, first[:16], "the old lookup key is gone")
		hash := sha256.Sum256([]byte(second))
		require.Contains(t, dump, fmt.Sprintf("%q", hash[:]))
	})
}

// TestRegenerateAcrossReplicas regenerates a secret through one server
// and finds the old one refused at once by another on the same database.
func TestRegenerateAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		dbURL := storetest.URL(t, engine)
		e := newEnvAt(t, dbURL, true)
		other := startReplica(t, dbURL)
		admin := e.newToken("acme", "api_tokens")
		created := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", admin,
			createBody("acme", `{"name":"x","scopes":["ip_addresses"]}`))
		old, id := created.str("api_token", "secret"), created.str("api_token", "id")
		path := "/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme"
		require.Equal(t, http.StatusOK, doAt(t, other, http.MethodGet, path, old, "").status)

		regenerated := e.do(http.MethodPost, "/core/v1/api_tokens/"+id+"/regenerate_secret", admin, "")
		require.Equal(t, http.StatusOK, regenerated.status, regenerated.raw)
		require.Equal(t, "invalid_api_token", doAt(t, other, http.MethodGet, path, old, "").errorCode())
		require.Equal(
			t,
			http.StatusOK,
			doAt(t, other, http.MethodGet, path, regenerated.str("api_token", "secret"), "").status,
		)

		require.Equal(t, http.StatusOK, e.do(http.MethodDelete, "/core/v1/api_tokens/"+id, admin, "").status)
		require.Equal(t, "invalid_api_token",
			doAt(t, other, http.MethodGet, path, regenerated.str("api_token", "secret"), "").errorCode())
	})
}

// TestAPITokenSecretNotLogged runs the calls that show a secret through
// a server that logs everything, and checks the log for the secrets.
func TestAPITokenSecretNotLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	server := httptest.NewServer(api.New(service.New(e.store, log, service.Config{}), log, api.Config{}))
	t.Cleanup(server.Close)
	admin := e.newToken("acme", "api_tokens")

	res := doAt(t, server.URL, http.MethodPost, "/core/v1/organizations/_/api_tokens", admin,
		createBody("acme", `{"name":"x"}`))
	require.Equal(t, http.StatusOK, res.status, res.raw)
	id := res.str("api_token", "id")
	first := res.str("api_token", "secret")
	res = doAt(t, server.URL, http.MethodPost, "/core/v1/api_tokens/"+id+"/regenerate_secret", admin, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	second := res.str("api_token", "secret")
	res = doAt(t, server.URL, http.MethodGet, acmeTokensPath, first, "")
	require.Equal(t, "invalid_api_token", res.errorCode())

	server.Close()
	require.Contains(t, logged.String(), "API token created")
	require.Contains(t, logged.String(), "API token secret regenerated")
	for _, secret := range []string{admin, first, second} {
		require.NotContains(t, logged.String(), secret[16:])
		require.NotContains(t, logged.String(), secret[:16], "not even the lookup key")
	}
}
