package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store/storetest"
)

// Production bodies, as recorded in the shared examples (see their
// README): data_center.json, default_network.json, network.json and
// available_networks.json, the last less its one virtual network, since
// ipd keeps none.
const (
	exampleDataCenter = `{"data_center":{"id":"loc_UUhPmoCbpic6UX0Y","name":"London","permalink":"uk-lon-01",
		"country":{"id":"ctry_6AO9tYYugvTGnd5b","name":"United Kingdom"}}}`
	exampleDefaultNetwork = `{"network":{"id":"netw_gVRkZdSKczfNg34P","name":"Public Network",
		"permalink":"uk-lon-01-public","default":true,
		"data_center":{"id":"loc_UUhPmoCbpic6UX0Y","name":"London","permalink":"uk-lon-01"}}}`
	exampleNetwork = `{"network":{"id":"netw_gVRkZdSKczfNg34P","name":"Public Network",
		"permalink":"uk-lon-01-public","default":true,
		"data_center":{"id":"loc_UUhPmoCbpic6UX0Y","name":"London","permalink":"uk-lon-01",
		"country":{"id":"ctry_6AO9tYYugvTGnd5b","name":"United Kingdom","iso_code2":"GB","iso_code3":"GBR",
		"time_zone":"Europe/London","eu":false}}}}`
	exampleAvailableNetworks = `{"networks":[
		{"id":"netw_gVRkZdSKczfNg34P","name":"Public Network","permalink":"uk-lon-01-public","default":true,
		"data_center":{"id":"loc_UUhPmoCbpic6UX0Y","name":"London","permalink":"uk-lon-01"}},
		{"id":"netw_q0lBvtutvOjujgyO","name":"Public Network - NYC","permalink":"us-nyc-01","default":true,
		"data_center":{"id":"dc_TfDSMyVYoS3fJnSt","name":"New York","permalink":"us-nyc-01"}}],
		"virtual_networks":[]}`
)

// places are the IDs the store gave testInventory's objects, and the
// tokens the tests call with.
type places struct {
	ids map[string]string

	// reader is Acme's token with organizations:read; bare is one of
	// Acme's with no scope at all.
	reader, bare string
}

func newPlaces(e *env) places {
	e.t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for name, iso := range map[string]string{"gb": "GB", "nl": "NL"} {
		c, err := e.store.CountryGetBy(ctx, "iso_code2", iso)
		require.NoError(e.t, err)
		ids[name] = c.ID
	}
	for name, permalink := range map[string]string{"lon": "uk-lon-01", "ams": "nl-ams-01"} {
		dc, err := e.store.DataCenterGetBy(ctx, "permalink", permalink)
		require.NoError(e.t, err)
		ids[name] = dc.ID
	}
	for _, name := range []string{"public", "small", "medium"} {
		n, err := e.store.NetworkGetBy(ctx, "permalink", "uk-lon-01-"+name)
		require.NoError(e.t, err)
		ids[name] = n.ID
	}
	for _, name := range []string{"acme", "globex"} {
		o, err := e.store.OrganizationGetBy(ctx, "sub_domain", name)
		require.NoError(e.t, err)
		ids[name] = o.ID
		ids[name+"_created"] = strconv.FormatInt(o.CreatedAt.Unix(), 10)
	}
	return places{ids: ids, reader: e.newToken("acme", "organizations:read"), bare: e.newToken("acme")}
}

// expand replaces each {name} in s with the ID of that name.
func (p places) expand(s string) string {
	var pairs []string
	for name, id := range p.ids {
		pairs = append(pairs, "{"+name+"}", id)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// compact returns the JSON text doc without insignificant white space, as
// the API writes it.
func compact(t *testing.T, doc string) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Compact(&b, []byte(doc)), doc)
	return b.String()
}

// shape describes a JSON document by its keys, in order, and the type of
// each value, so that two bodies with the same fields but other values
// have the same shape. An array shows its elements' shapes, each once.
func shape(t *testing.T, doc string) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, writeShape(json.NewDecoder(strings.NewReader(doc)), &b), doc)
	return b.String()
}

func writeShape(dec *json.Decoder, b *strings.Builder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			return writeObjectShape(dec, b)
		}
		return writeArrayShape(dec, b)
	case string:
		b.WriteString("string")
	case float64:
		b.WriteString("number")
	case bool:
		b.WriteString("bool")
	default:
		b.WriteString("null")
	}
	return nil
}

func writeObjectShape(dec *json.Decoder, b *strings.Builder) error {
	b.WriteString("{")
	for first := true; dec.More(); first = false {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if !first {
			b.WriteString(",")
		}
		b.WriteString(key.(string) + ":")
		if err := writeShape(dec, b); err != nil {
			return err
		}
	}
	b.WriteString("}")
	_, err := dec.Token()
	return err
}

func writeArrayShape(dec *json.Decoder, b *strings.Builder) error {
	var elements []string
	for dec.More() {
		var element strings.Builder
		if err := writeShape(dec, &element); err != nil {
			return err
		}
		if !slices.Contains(elements, element.String()) {
			elements = append(elements, element.String())
		}
	}
	b.WriteString("[" + strings.Join(elements, "|") + "]")
	_, err := dec.Token()
	return err
}

// TestPlaceBodies checks each read's whole body, byte for byte, and its
// shape against production's where a recording exists.
func TestPlaceBodies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		p := newPlaces(e)

		tests := []struct {
			name, path, token string
			example           string // a production body of the same shape, if recorded
			want              string
		}{
			{"countries", "/core/v1/countries", e.token, "", `{
				"pagination":{"current_page":1,"total_pages":1,"total":2,"per_page":30,"large_set":false},
				"countries":[{"id":"{nl}","name":"Netherlands"},{"id":"{gb}","name":"United Kingdom"}]}`},
			{"country", "/core/v1/countries/{nl}", e.token, "", `{"country":{"id":"{nl}","name":"Netherlands",
				"iso_code2":"NL","iso_code3":"NLD","time_zone":"Europe/Amsterdam","eu":true}}`},
			{"data centers", "/core/v1/data_centers", e.token, "", `{"data_centers":[
				{"id":"{ams}","name":"Amsterdam","permalink":"nl-ams-01","country":{"id":"{nl}","name":"Netherlands"}},
				{"id":"{lon}","name":"London","permalink":"uk-lon-01","country":{"id":"{gb}","name":"United Kingdom"}}]}`},
			{"data center", "/core/v1/data_centers/_?data_center[permalink]=uk-lon-01", e.token, exampleDataCenter,
				`{"data_center":{"id":"{lon}","name":"London","permalink":"uk-lon-01",
				"country":{"id":"{gb}","name":"United Kingdom"}}}`},
			{"default network", "/core/v1/data_centers/data_center/default_network?data_center[permalink]=uk-lon-01",
				e.token, exampleDefaultNetwork, `{"network":{"id":"{public}","name":"Public Network",
				"permalink":"uk-lon-01-public","default":true,
				"data_center":{"id":"{lon}","name":"London","permalink":"uk-lon-01"}}}`},
			{"network", "/core/v1/networks/network?network[id]={public}", e.token, exampleNetwork,
				`{"network":{"id":"{public}","name":"Public Network","permalink":"uk-lon-01-public","default":true,
				"data_center":{"id":"{lon}","name":"London","permalink":"uk-lon-01",
				"country":{"id":"{gb}","name":"United Kingdom","iso_code2":"GB","iso_code3":"GBR",
				"time_zone":"Europe/London","eu":false}}}}`},
			{
				"available networks",
				"/core/v1/organizations/organization/available_networks?organization[sub_domain]=acme",
				e.token,
				exampleAvailableNetworks,
				`{"networks":[
				{"id":"{medium}","name":"Medium Network","permalink":"uk-lon-01-medium","default":false,
				"data_center":{"id":"{lon}","name":"London","permalink":"uk-lon-01"}},
				{"id":"{public}","name":"Public Network","permalink":"uk-lon-01-public","default":true,
				"data_center":{"id":"{lon}","name":"London","permalink":"uk-lon-01"}},
				{"id":"{small}","name":"Small Network","permalink":"uk-lon-01-small","default":false,
				"data_center":{"id":"{lon}","name":"London","permalink":"uk-lon-01"}}],
				"virtual_networks":[]}`,
			},
			{"organizations", "/core/v1/organizations", p.reader, "", `{"organizations":[{"id":"{acme}","name":"Acme",
				"sub_domain":"acme","infrastructure_domain":"acme.katapult.cloud","created_at":{acme_created},
				"activated_at":{acme_created},"suspended":false,"managed":false}]}`},
		}
		for _, tt := range tests {
			res := e.do(http.MethodGet, p.expand(tt.path), tt.token, "")
			require.Equal(t, http.StatusOK, res.status, "%s: %s", tt.name, res.raw)
			require.Equal(t, compact(t, p.expand(tt.want)), res.raw, tt.name)
			if tt.example != "" {
				require.Equal(t, shape(t, tt.example), shape(t, res.raw), "%s: shape of production's body", tt.name)
			}
		}
	})
}

// TestOrganization checks the organization's own fields and those ipd
// fills for the billing details it does not keep; the contract test
// checks its shape against production's.
func TestOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	p := newPlaces(e)

	res := e.do(http.MethodGet, "/core/v1/organizations/"+p.ids["acme"], p.reader, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, "acme.katapult.cloud", res.str("organization", "infrastructure_domain"))
	require.Equal(t, "Acme", res.str("organization", "billing_name"))
	require.Equal(t, res.field("organization", "created_at"), res.field("organization", "activated_at"))
	for _, null := range []string{"address1", "postcode", "vat_number", "phone_number", "currency", "country"} {
		require.Nil(t, res.field("organization", null), null)
	}
	uuid := res.str("organization", "uuid")
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, uuid)
	again := e.do(http.MethodGet, "/core/v1/organizations/_?organization[sub_domain]=acme", p.reader, "")
	require.Equal(t, uuid, again.str("organization", "uuid"), "an organization's uuid does not change")
	globex := e.do(http.MethodGet, "/core/v1/organizations/_?organization[sub_domain]=globex",
		e.newToken("globex", "organizations:read"), "")
	require.NotEqual(t, uuid, globex.str("organization", "uuid"))
}

// TestPlaceLookups finds each object by each of its lookup keys, in the
// query string, the body and the path, and fails to find it otherwise. A
// path segment fills the first key, id, so a permalink there is not found.
func TestPlaceLookups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		p := newPlaces(e)

		tests := []struct {
			path  string
			body  string
			code  string   // the error expected, or "" for a 200
			field []string // where a 200's body names the object found, if it does
			want  string   // the ID found there
		}{
			// countries/:country
			{"/core/v1/countries/{gb}", "", "", []string{"country", "id"}, "{gb}"},
			{"/core/v1/countries/_?country[id]={gb}", "", "", []string{"country", "id"}, "{gb}"},
			{"/core/v1/countries/_?country[iso_code2]=NL", "", "", []string{"country", "id"}, "{nl}"},
			{"/core/v1/countries/country?country[iso_code3]=GBR", "", "", []string{"country", "id"}, "{gb}"},
			{"/core/v1/countries/_", `{"country":{"iso_code3":"NLD"}}`, "", []string{"country", "id"}, "{nl}"},
			{"/core/v1/countries/GB", "", "country_not_found", nil, ""},
			{"/core/v1/countries/_", "", "country_not_found", nil, ""},
			{"/core/v1/countries/_?country[iso_code2]=XX", "", "country_not_found", nil, ""},
			{"/core/v1/countries/_?country[iso_code2]=GB&country[iso_code3]=GBR", "", "invalid_argument", nil, ""},

			// data_centers/:data_center
			{"/core/v1/data_centers/{lon}", "", "", []string{"data_center", "id"}, "{lon}"},
			{"/core/v1/data_centers/_?data_center[id]={ams}", "", "", []string{"data_center", "id"}, "{ams}"},
			{
				"/core/v1/data_centers/_?data_center[permalink]=uk-lon-01",
				"",
				"",
				[]string{"data_center", "id"},
				"{lon}",
			},
			{"/core/v1/data_centers/data_center?data_center[permalink]=nl-ams-01", "", "",
				[]string{"data_center", "id"}, "{ams}"},
			{"/core/v1/data_centers/_", `{"data_center":{"permalink":"nl-ams-01"}}`, "",
				[]string{"data_center", "id"}, "{ams}"},
			{"/core/v1/data_centers/uk-lon-01", "", "data_center_not_found", nil, ""},
			{"/core/v1/data_centers/_?data_center[permalink]=us-nyc-01", "", "data_center_not_found", nil, ""},

			// data_centers/:data_center/default_network
			{"/core/v1/data_centers/{lon}/default_network", "", "", []string{"network", "id"}, "{public}"},
			{
				"/core/v1/data_centers/_/default_network?data_center[id]={lon}",
				"",
				"",
				[]string{"network", "id"},
				"{public}",
			},
			{"/core/v1/data_centers/:data_center/default_network?data_center[permalink]=uk-lon-01", "", "",
				[]string{"network", "id"}, "{public}"},
			{"/core/v1/data_centers/uk-lon-01/default_network", "", "data_center_not_found", nil, ""},
			{
				"/core/v1/data_centers/_/default_network?data_center[permalink]=nl-ams-01",
				"",
				"network_not_found",
				nil,
				"",
			},

			// networks/:network
			{"/core/v1/networks/{small}", "", "", []string{"network", "id"}, "{small}"},
			{"/core/v1/networks/_?network[id]={medium}", "", "", []string{"network", "id"}, "{medium}"},
			{
				"/core/v1/networks/network?network[permalink]=uk-lon-01-public",
				"",
				"",
				[]string{"network", "id"},
				"{public}",
			},
			{
				"/core/v1/networks/_",
				`{"network":{"permalink":"uk-lon-01-small"}}`,
				"",
				[]string{"network", "id"},
				"{small}",
			},
			{"/core/v1/networks/uk-lon-01-public", "", "network_not_found", nil, ""},
			{"/core/v1/networks/_?network[permalink]=us-nyc-01", "", "network_not_found", nil, ""},

			// organizations/:organization/available_networks
			{"/core/v1/organizations/{acme}/available_networks", "", "", nil, ""},
			{"/core/v1/organizations/_/available_networks?organization[id]={acme}", "", "", nil, ""},
			{"/core/v1/organizations/_/available_networks?organization[sub_domain]=acme", "", "", nil, ""},
			{"/core/v1/organizations/acme/available_networks", "", "organization_not_found", nil, ""},
			{
				"/core/v1/organizations/_/available_networks?organization[sub_domain]=nobody",
				"",
				"organization_not_found",
				nil,
				"",
			},
		}
		for _, tt := range tests {
			path := p.expand(tt.path)
			res := e.do(http.MethodGet, path, e.token, tt.body)
			require.Equal(t, tt.code, res.errorCode(), "%s: %s", path, res.raw)
			if tt.code == "" {
				require.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.raw)
			}
			if tt.field != nil {
				require.Equal(t, p.expand(tt.want), res.str(tt.field...), path)
			}
		}
	})
}

// TestOrganizationLookups finds the caller's organization by each key and
// never another organization, whichever key names it.
func TestOrganizationLookups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		p := newPlaces(e)
		globex := e.newToken("globex", "organizations:read")

		tests := []struct {
			path, token string
			code        string // the error expected, or "" for a 200
			want        string // the organization found
		}{
			{"/core/v1/organizations/{acme}", p.reader, "", "{acme}"},
			{"/core/v1/organizations/_?organization[id]={acme}", p.reader, "", "{acme}"},
			{"/core/v1/organizations/organization?organization[sub_domain]=acme", p.reader, "", "{acme}"},
			{"/core/v1/organizations/_?organization[sub_domain]=globex", globex, "", "{globex}"},
			{"/core/v1/organizations/acme", p.reader, "organization_not_found", ""},
			{"/core/v1/organizations/_?organization[sub_domain]=nobody", p.reader, "organization_not_found", ""},

			// Another organization is never visible, not even as existing.
			{"/core/v1/organizations/{globex}", p.reader, "organization_not_found", ""},
			{"/core/v1/organizations/_?organization[sub_domain]=globex", p.reader, "organization_not_found", ""},
			{"/core/v1/organizations/_?organization[sub_domain]=acme", globex, "organization_not_found", ""},
			{"/core/v1/organizations/{globex}/available_networks", p.reader, "organization_not_found", ""},
			{"/core/v1/organizations/_/available_networks?organization[sub_domain]=globex", p.reader,
				"organization_not_found", ""},
		}
		for _, tt := range tests {
			path := p.expand(tt.path)
			res := e.do(http.MethodGet, path, tt.token, "")
			require.Equal(t, tt.code, res.errorCode(), "%s: %s", path, res.raw)
			if tt.code == "" {
				require.Equal(t, p.expand(tt.want), res.str("organization", "id"), path)
			}
		}

		// The list holds the caller's own organization alone.
		for token, want := range map[string]string{p.reader: p.ids["acme"], globex: p.ids["globex"]} {
			res := e.do(http.MethodGet, "/core/v1/organizations", token, "")
			require.Equal(t, http.StatusOK, res.status, res.raw)
			orgs := res.field("organizations").([]any)
			require.Len(t, orgs, 1)
			require.Equal(t, want, orgs[0].(map[string]any)["id"])
		}
	})
}

// TestPlaceErrors checks the whole error of each refusal: the not-found
// errors, users/current, and the scopes and token every read needs.
func TestPlaceErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	p := newPlaces(e)
	notFound := func(object string) string {
		return "No " + object + " was found matching any of the criteria provided in the arguments"
	}

	tests := []struct {
		path, token string
		status      int
		code        string
		description string
		detail      map[string]any
	}{
		{"/core/v1/countries/_?country[iso_code2]=XX", e.token, 404, "country_not_found", notFound("country"),
			map[string]any{}},
		{"/core/v1/data_centers/_?data_center[permalink]=us-nyc-01", e.token, 404, "data_center_not_found",
			notFound("data center"), map[string]any{}},
		{"/core/v1/data_centers/_/default_network?data_center[permalink]=nl-ams-01", e.token, 404,
			"network_not_found", notFound("network"), map[string]any{}},
		{"/core/v1/networks/_?network[permalink]=us-nyc-01", e.token, 404, "network_not_found", notFound("network"),
			map[string]any{}},
		{"/core/v1/organizations/_?organization[sub_domain]=globex", p.reader, 404, "organization_not_found",
			notFound("organization"), map[string]any{}},
		{"/core/v1/users/current", e.token, 404, "no_user_associated_with_identity",
			"There is no user associated with this API token", map[string]any{}},
		{"/core/v1/organizations", e.token, 403, "scope_not_granted",
			"The scope required for this endpoint has not been granted to the authenticating identity",
			map[string]any{"scopes": []any{"organizations:read"}}},
		{"/core/v1/organizations/{acme}", e.token, 403, "scope_not_granted",
			"The scope required for this endpoint has not been granted to the authenticating identity",
			map[string]any{"scopes": []any{"organizations:read"}}},
		{"/core/v1/countries", "", 400, "missing_api_token",
			"No API token was provided in the Authorization header. Ensure a token is provided prefixed with Bearer",
			map[string]any{}},
		{"/core/v1/users/current", "NOTATOKENATALLNOTATOKENATALL", 403, "invalid_api_token",
			"The API token provided was not valid (it may not exist or have expired)", map[string]any{"details": nil}},
	}
	for _, tt := range tests {
		path := p.expand(tt.path)
		res := e.do(http.MethodGet, path, tt.token, "")
		require.Equal(t, tt.status, res.status, "%s: %s", path, res.raw)
		require.Equal(t, map[string]any{"code": tt.code, "description": tt.description, "detail": tt.detail},
			res.field("error"), path)
	}
}

// TestPlacesNeedNoScope reads every place with a token that has no scope.
func TestPlacesNeedNoScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	p := newPlaces(e)

	for _, path := range []string{
		"/core/v1/countries",
		"/core/v1/countries/{gb}",
		"/core/v1/data_centers",
		"/core/v1/data_centers/{lon}",
		"/core/v1/data_centers/{lon}/default_network",
		"/core/v1/networks/{public}",
		"/core/v1/organizations/{acme}/available_networks",
	} {
		res := e.do(http.MethodGet, p.expand(path), p.bare, "")
		require.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.raw)
	}
}

// TestCountriesPagination pages through the two countries, by name, and
// refuses pages and sizes out of range as production does.
func TestCountriesPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	p := newPlaces(e)

	pages := []struct {
		query      string
		pagination string
		countries  []string
	}{
		{"", `{"current_page":1,"total_pages":1,"total":2,"per_page":30,"large_set":false}`, []string{"nl", "gb"}},
		{"?per_page=1", `{"current_page":1,"total_pages":2,"total":2,"per_page":1,"large_set":false}`, []string{"nl"}},
		{"?page=2&per_page=1", `{"current_page":2,"total_pages":2,"total":2,"per_page":1,"large_set":false}`,
			[]string{"gb"}},
		{"?page=3&per_page=1", `{"current_page":3,"total_pages":2,"total":2,"per_page":1,"large_set":false}`, nil},
		{"?page=1&per_page=200", `{"current_page":1,"total_pages":1,"total":2,"per_page":200,"large_set":false}`,
			[]string{"nl", "gb"}},
	}
	for _, tt := range pages {
		res := e.do(http.MethodGet, "/core/v1/countries"+tt.query, e.token, "")
		require.Equal(t, http.StatusOK, res.status, "%s: %s", tt.query, res.raw)
		var pagination map[string]any
		require.NoError(t, json.Unmarshal([]byte(tt.pagination), &pagination))
		require.Equal(t, pagination, res.field("pagination"), tt.query)
		ids := []string{}
		for _, c := range res.field("countries").([]any) {
			ids = append(ids, c.(map[string]any)["id"].(string))
		}
		want := []string{}
		for _, name := range tt.countries {
			want = append(want, p.ids[name])
		}
		require.Equal(t, want, ids, tt.query)
	}

	refusals := []struct {
		query, argument, issue string
		errors                 []any
	}{
		{"?per_page=500", "per_page", "validation_errors", []any{"less_than_or_equal_to_one_hundred"}},
		{"?per_page=0", "per_page", "validation_errors", []any{"greater_than_zero"}},
		{"?page=0", "page", "validation_errors", []any{"greater_than_zero"}},
		{"?page=first", "page", "invalid_scalar", []any{}},
	}
	for _, tt := range refusals {
		res := e.do(http.MethodGet, "/core/v1/countries"+tt.query, e.token, "")
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tt.query, res.raw)
		require.Equal(t, "invalid_argument", res.errorCode(), tt.query)
		require.Equal(t, "The '"+tt.argument+"' argument is invalid", res.str("error", "description"), tt.query)
		require.Equal(t, []any{tt.argument}, res.field("error", "detail", "path"), tt.query)
		require.Equal(t, tt.issue, res.str("error", "detail", "issue"), tt.query)
		require.Equal(t, tt.errors, res.field("error", "detail", "errors"), tt.query)
	}

	// per_page=500 in full, as derived/error_invalid_argument_per_page.json
	// has it for another list.
	res := e.do(http.MethodGet, "/core/v1/countries?per_page=500", e.token, "")
	require.Equal(t, map[string]any{
		"path":              []any{"per_page"},
		"index":             nil,
		"issue":             "validation_errors",
		"issue_description": nil,
		"errors":            []any{"less_than_or_equal_to_one_hundred"},
		"argument": map[string]any{
			"id":          "CoreAPI/Endpoints/Countries/ListEndpoint/BaseArgumentSet/PerPageArgument",
			"name":        "per_page",
			"description": nil,
		},
	}, res.field("error", "detail"))
}
