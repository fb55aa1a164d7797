package admin_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/admin"
	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// env is the customer and operator APIs over one fresh database.
type env struct {
	handler  http.Handler // the operator API's
	t        *testing.T
	url      string
	dbURL    string
	store    *store.Store
	svc      *service.Service
	operator string // an operator token's secret
}

func newEnv(t *testing.T, engine string) *env {
	e := newEnvOn(t, storetest.URL(t, engine), "")
	_, secret, err := e.svc.CreateOperatorToken(context.Background(), "test")
	require.NoError(t, err)
	e.operator = secret
	return e
}

// newEnvOn starts the APIs on the database at dbURL with a store of their
// own, as another replica would, using the operator secret given.
func newEnvOn(t *testing.T, dbURL, operator string) *env {
	st := storetest.OpenURL(t, dbURL)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(st, log, service.Config{AuthFailuresPerMinute: 1 << 20})
	mux := http.NewServeMux()
	mux.Handle(api.Prefix+"/", api.New(svc, log, api.Config{}))
	adminHandler := admin.New(svc, log, admin.Config{})
	mux.Handle(admin.Prefix+"/", adminHandler)
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)

	return &env{t: t, handler: adminHandler, url: server.URL, dbURL: dbURL, store: st, svc: svc, operator: operator}
}

// response is one answer, its body decoded.
type response struct {
	status int
	raw    string
	body   map[string]any
}

func (e *env) do(method, path, token, body string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	out := response{status: res.StatusCode, raw: string(raw)}
	if len(raw) > 0 {
		require.NoError(e.t, json.Unmarshal(raw, &out.body), "body %s", raw)
	}
	return out
}

// admin sends an operator request.
func (e *env) admin(method, path, body string) response {
	e.t.Helper()
	return e.do(method, admin.Prefix+path, e.operator, body)
}

// create POSTs body to the operator API's list of objects and returns the
// new object's ID.
func (e *env) create(many, one, body string) string {
	e.t.Helper()
	res := e.admin(http.MethodPost, "/"+many, body)
	require.Equal(e.t, http.StatusCreated, res.status, "create %s: %s", one, res.raw)
	return res.str(one, "id")
}

func (r response) field(keys ...string) any {
	var v any = r.body
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func (r response) str(keys ...string) string {
	s, _ := r.field(keys...).(string)
	return s
}

func (r response) errorCode() string {
	return r.str("error", "code")
}

// place is a registered country, data center and network with one IPv4
// pool, 10.0.0.0/29 with gateway .1, and an organization.
type place struct {
	country, dataCenter, network, pool, org string
}

func (e *env) register() place {
	var p place
	p.country = e.create("countries", "country",
		`{"name":"United Kingdom","iso_code2":"GB","iso_code3":"GBR","time_zone":"Europe/London"}`)
	p.dataCenter = e.create("data_centers", "data_center",
		`{"name":"London","permalink":"uk-lon-01","country_id":"`+p.country+`"}`)
	p.network = e.create("networks", "network",
		`{"name":"Public","permalink":"uk-lon-01-public","data_center_id":"`+p.dataCenter+`","default":true}`)
	p.pool = e.create("pools", "pool",
		`{"network_id":"`+p.network+`","prefix":"10.0.0.0/29","gateway":"10.0.0.1"}`)
	p.org = e.create("organizations", "organization", `{"name":"Acme","sub_domain":"acme"}`)
	return p
}

// customerToken creates an API token of the organization through the
// operator API and returns its secret.
func (e *env) customerToken(orgID string) string {
	e.t.Helper()
	res := e.admin(http.MethodPost, "/api_tokens",
		`{"organization_id":"`+orgID+`","name":"ci","scopes":["ip_addresses"],"rate_limit":500}`)
	require.Equal(e.t, http.StatusCreated, res.status, res.raw)
	assert.Equal(e.t, 500.0, res.field("api_token", "rate_limit"))
	return res.str("secret")
}

// auditActions returns the actions the audit log holds for one object,
// oldest first.
func (e *env) auditActions(objectID string) []string {
	e.t.Helper()
	res := e.admin(http.MethodGet, "/audit_log?object_id="+objectID, "")
	require.Equal(e.t, http.StatusOK, res.status, res.raw)
	entries := res.field("audit_log").([]any)
	actions := make([]string, len(entries))
	for i, entry := range entries {
		actions[len(entries)-1-i] = entry.(map[string]any)["action"].(string)
	}
	return actions
}

// TestVirtualMachineLife registers a virtual machine as a provisioning
// system would, lets its organization allocate it an address through the
// customer API, and removes it: the address stays in the organization,
// unallocated, until the organization goes and it returns to its pool.
func TestVirtualMachineLife(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		p := e.register()
		customer := e.customerToken(p.org)
		vm := e.create("virtual_machines", "virtual_machine",
			`{"organization_id":"`+p.org+`","data_center_id":"`+p.dataCenter+`","name":"web-1","hostname":"web-1"}`)
		iface := e.create("interfaces", "interface",
			`{"virtual_machine_id":"`+vm+`","network_id":"`+p.network+`","mac_address":"3A:88:29:CC:BB:01"}`)

		res := e.admin(http.MethodGet, "/interfaces/"+iface, "")
		assert.Equal(t, "3a:88:29:cc:bb:01", res.str("interface", "mac_address"))
		assert.Equal(t, "attached", res.str("interface", "state"))

		res = e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip", customer,
			`{"virtual_machine_network_interface":{"id":"`+iface+`"},"address_version":"ipv4"}`)
		require.Equal(t, http.StatusOK, res.status, res.raw)
		assert.Equal(t, "10.0.0.2", res.str("ip_address", "address"))
		address := res.str("ip_address", "id")

		res = e.admin(http.MethodDelete, "/virtual_machines/"+vm, "")
		require.Equal(t, http.StatusNoContent, res.status, res.raw)
		assert.Equal(t, "virtual_machine_not_found", e.admin(http.MethodGet, "/virtual_machines/"+vm, "").errorCode())
		assert.Equal(t, "interface_not_found", e.admin(http.MethodGet, "/interfaces/"+iface, "").errorCode())

		res = e.do(http.MethodGet, "/core/v1/ip_addresses/"+address, customer, "")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		assert.Nil(t, res.field("ip_address", "allocation"), "the address stays, unallocated")
		assert.Equal(t, 1.0, e.admin(http.MethodGet, "/pools/"+p.pool, "").field("pool", "allocated"))

		assert.Equal(t, []string{"create", "delete"}, e.auditActions(vm))
		assert.Equal(t, []string{"create", "delete"}, e.auditActions(iface))
		assert.Equal(t, []string{"unallocate"}, e.auditActions(address))

		res = e.admin(http.MethodDelete, "/organizations/"+p.org, "")
		require.Equal(t, http.StatusNoContent, res.status, res.raw)
		assert.Equal(t, 0.0, e.admin(http.MethodGet, "/pools/"+p.pool, "").field("pool", "allocated"))
		assert.Equal(t, []string{"unallocate", "delete"}, e.auditActions(address))
		assert.Equal(t, "invalid_api_token",
			e.do(http.MethodGet, "/core/v1/organizations", customer, "").errorCode(),
			"the organization's tokens go with it")
	})
}

// TestRefusals tries each change the operator API must refuse, and checks
// the status, the code, that the message names the conflict and that the
// database is as it was.
func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		p := e.register()
		vm := e.create("virtual_machines", "virtual_machine",
			`{"organization_id":"`+p.org+`","data_center_id":"`+p.dataCenter+`","name":"web-1","hostname":"web-1"}`)
		iface := e.create("interfaces", "interface", `{"virtual_machine_id":"`+vm+`","network_id":"`+p.network+`"}`)
		customer := e.customerToken(p.org)
		res := e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip", customer,
			`{"virtual_machine_network_interface":{"id":"`+iface+`"},"address_version":"ipv4"}`)
		require.Equal(t, http.StatusOK, res.status, res.raw)
		amsterdam := e.create("data_centers", "data_center",
			`{"name":"Amsterdam","permalink":"nl-ams-01","country_id":"`+p.country+`"}`)
		farNetwork := e.create("networks", "network",
			`{"name":"Far","permalink":"nl-ams-01-public","data_center_id":"`+amsterdam+`"}`)

		tests := []struct {
			name, method, path, body string
			status                   int
			code, mentions           string
		}{
			{"overlapping pool", "POST", "/pools", `{"network_id":"` + p.network + `","prefix":"10.0.0.4/30"}`,
				422, "validation_error", "overlaps pool " + p.pool},
			{"gateway outside its pool", "POST", "/pools",
				`{"network_id":"` + p.network + `","prefix":"10.0.1.0/29","gateway":"10.0.2.1"}`,
				422, "validation_error", "gateway 10.0.2.1 is outside 10.0.1.0/29"},
			{"reserved range outside its pool", "POST", "/pools",
				`{"network_id":"` + p.network + `","prefix":"10.0.1.0/29","reserved":["10.0.1.5-10.0.1.9"]}`,
				422, "validation_error", "reserved range 10.0.1.5-10.0.1.9 is outside 10.0.1.0/29"},
			{"shrinking a pool past an allocated address", "PATCH", "/pools/" + p.pool,
				`{"prefix":"10.0.0.4/30","gateway":""}`,
				409, "conflict", "10.0.0.2"},
			{"a gateway on an allocated address", "PATCH", "/pools/" + p.pool, `{"gateway":"10.0.0.2"}`,
				409, "conflict", "10.0.0.2"},
			{"reserving an allocated address", "PATCH", "/pools/" + p.pool, `{"reserved":["10.0.0.2"]}`,
				409, "conflict", "10.0.0.2"},
			{"a gateway outside on update", "PATCH", "/pools/" + p.pool, `{"gateway":"10.9.9.9"}`,
				422, "validation_error", "gateway 10.9.9.9 is outside 10.0.0.0/29"},
			{"deleting a pool with addresses", "DELETE", "/pools/" + p.pool, ``,
				409, "conflict", "10.0.0.2"},
			{"moving a pool to another network", "PATCH", "/pools/" + p.pool, `{"network_id":"` + farNetwork + `"}`,
				422, "validation_error", "network_id cannot be changed"},
			{"deleting a network with pools", "DELETE", "/networks/" + p.network, ``,
				409, "conflict", p.pool},
			{"deleting a data center with networks", "DELETE", "/data_centers/" + p.dataCenter, ``,
				409, "conflict", p.network},
			{"deleting a country with data centers", "DELETE", "/countries/" + p.country, ``,
				409, "conflict", "loc_"},
			{"an interface on another data center's network", "POST", "/interfaces",
				`{"virtual_machine_id":"` + vm + `","network_id":"` + farNetwork + `"}`,
				422, "validation_error", "not the virtual machine's uk-lon-01"},
			{"a parent that does not exist", "POST", "/data_centers",
				`{"name":"X","permalink":"x-1","country_id":"ctry_nope"}`,
				422, "validation_error", `country_id \"ctry_nope\" does not exist`},
			{"a second network with a permalink", "POST", "/networks",
				`{"name":"Again","permalink":"uk-lon-01-public","data_center_id":"` + p.dataCenter + `"}`,
				409, "conflict", "permalink"},
			{"a bad MAC address", "PATCH", "/interfaces/" + iface, `{"mac_address":"nope"}`,
				422, "validation_error", "mac_address"},
			{"an unknown strategy", "PATCH", "/pools/" + p.pool, `{"strategy":"sideways"}`,
				422, "validation_error", "strategy"},
			{"an unknown field", "POST", "/countries", `{"nmae":"Typo"}`, 400, "invalid_json", "nmae"},
			{"a body that is not JSON", "POST", "/countries", `{`, 400, "invalid_json", ""},
			{"a list without its parent", "GET", "/virtual_machines", ``, 400, "missing_parameter", "organization_id"},
			{"a page out of range", "GET", "/audit_log?per_page=5000", ``, 400, "invalid_parameter", "per_page"},
			{"an unknown object", "PATCH", "/organizations/org_nope", `{"name":"X"}`,
				404, "organization_not_found", ""},
			{"a NUL in a name", "PATCH", "/countries/" + p.country, `{"name":"a\u0000b"}`,
				422, "validation_error", "name must be UTF-8 text without NUL characters"},
			{"a NUL in an ID", "GET", "/organizations/org%00x", ``, 404, "organization_not_found", ""},
			{"invalid UTF-8 in an ID", "DELETE", "/networks/%ff", ``, 404, "network_not_found", ""},
			{"a NUL in a parent's ID", "POST", "/api_tokens", `{"organization_id":"a\u0000"}`,
				404, "organization_not_found", ""},
			{"a position out of range", "PATCH", "/pools/" + p.pool, `{"position":3000000000}`,
				422, "validation_error", "position 3000000000 is not from 0 to 1000000"},
			{"blanking a name", "PATCH", "/countries/" + p.country, `{"name":"  "}`,
				422, "validation_error", "name can't be blank"},
			{"blanking a hostname", "PATCH", "/virtual_machines/" + vm, `{"hostname":""}`,
				422, "validation_error", "hostname can't be blank"},
			{"a second machine of one hostname", "POST", "/virtual_machines",
				`{"organization_id":"` + p.org + `","data_center_id":"` + p.dataCenter +
					`","name":"x","hostname":"web-1"}`,
				409, "conflict", "hostname"},
			{"every part of a pool outside it, each named", "POST", "/pools",
				`{"network_id":"` + p.network + `","prefix":"10.0.1.0/29","gateway":"10.0.2.1",` +
					`"ranges":["10.0.1.2-10.0.1.20"],"reserved":["10.9.0.0/28"]}`,
				422, "validation_error", `"gateway 10.0.2.1 is outside 10.0.1.0/29",` +
					`"allocation range 10.0.1.2-10.0.1.20 is outside 10.0.1.0/29",` +
					`"reserved range 10.9.0.0-10.9.0.15 is outside 10.0.1.0/29"`},
			{"a second interface on one network", "POST", "/interfaces",
				`{"virtual_machine_id":"` + vm + `","network_id":"` + p.network + `"}`,
				409, "conflict", "another object already has this"},
			{"a second organization of one domain", "POST", "/organizations",
				`{"name":"Evil","sub_domain":"evil","infrastructure_domain":"acme.katapult.cloud"}`,
				409, "conflict", "infrastructure_domain"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := storetest.Dump(t, e.dbURL)
				res := e.admin(tt.method, tt.path, tt.body)
				assert.Equal(t, tt.status, res.status, res.raw)
				assert.Equal(t, tt.code, res.errorCode(), res.raw)
				assert.Contains(t, res.raw, tt.mentions)
				assert.Equal(t, before, storetest.Dump(t, e.dbURL), "a refusal changes nothing")
			})
		}
	})
}

// TestCredentialsApart checks that operator and customer credentials each
// work on their own API only.
func TestCredentialsApart(t *testing.T) {
	e := newEnv(t, "sqlite")
	p := e.register()
	customer := e.customerToken(p.org)

	res := e.do(http.MethodGet, admin.Prefix+"/countries", customer, "")
	assert.Equal(t, http.StatusUnauthorized, res.status)
	assert.Equal(t, "invalid_operator_token", res.errorCode())

	res = e.do(http.MethodGet, "/core/v1/organizations", e.operator, "")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "invalid_api_token", res.errorCode())

	res = e.do(http.MethodGet, admin.Prefix+"/countries", "", "")
	assert.Equal(t, http.StatusUnauthorized, res.status)
	assert.Equal(t, "missing_operator_token", res.errorCode())

	_, other, err := e.svc.CreateOperatorToken(context.Background(), "other")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, admin.Prefix+"/countries", other, "").status)
}

// TestAuditEntry checks one entry whole: who, what, when, before and
// after.
func TestAuditEntry(t *testing.T) {
	e := newEnv(t, "sqlite")
	p := e.register()

	res := e.admin(http.MethodPatch, "/organizations/"+p.org, `{"name":"Acme Ltd"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "Acme Ltd", res.str("organization", "name"))

	res = e.admin(http.MethodPatch, "/organizations/"+p.org, `{"name":"Acme Ltd"}`)
	require.Equal(t, http.StatusOK, res.status, "an update to what it is already")

	res = e.admin(http.MethodGet, "/audit_log?object_type=organization&per_page=1", "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, 2.0, res.field("total"), "the creation and the one update that changed something")
	entry := res.field("audit_log").([]any)[0].(map[string]any)
	assert.Equal(t, "update", entry["action"])
	assert.Equal(t, p.org, entry["object_id"])
	assert.Regexp(t, `^operator_token:optok_\w+$`, entry["actor"])
	assert.NotEmpty(t, entry["at"])
	assert.Equal(t, "Acme", entry["before"].(map[string]any)["name"])
	assert.Equal(t, "Acme Ltd", entry["after"].(map[string]any)["name"])
	assert.NotContains(t, res.raw, e.operator, "secrets never reach the log")
}

// TestSecretsNotStored checks that neither kind of secret, nor the random
// part after its lookup key, is anywhere in the database, audit log
// included.
func TestSecretsNotStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		p := e.register()
		customer := e.customerToken(p.org)

		dump := storetest.Dump(t, e.dbURL)
		assert.NotContains(t, dump, strings.TrimPrefix(e.operator, "ipdop_")[16:])
		assert.NotContains(t, dump, customer[16:])
	})
}

// TestSecretsNotLogged sends good, wrong and customer secrets to the
// operator API and finds none of them in its log.
func TestSecretsNotLogged(t *testing.T) {
	e := newEnv(t, "sqlite")
	p := e.register()
	customer := e.customerToken(p.org)
	var logged strings.Builder
	handler := admin.New(e.svc, slog.New(slog.NewTextHandler(&logged, nil)), admin.Config{})

	wrong := e.operator[:len(e.operator)-4] + "AAAA"
	for _, secret := range []string{e.operator, wrong, customer} {
		for _, path := range []string{"/countries", "/nowhere"} {
			req := httptest.NewRequest(http.MethodGet, admin.Prefix+path, nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			handler.ServeHTTP(httptest.NewRecorder(), req)
		}
	}
	require.Equal(t, 6, strings.Count(logged.String(), "Operator request"), "one line a request")
	for _, secret := range []string{e.operator, wrong, customer} {
		assert.NotContains(t, logged.String(), secret[len(secret)-20:])
	}
}

// TestRequiredFields creates each kind of object from an empty body and
// expects every required field named.
func TestRequiredFields(t *testing.T) {
	e := newEnv(t, "sqlite")
	for many, fields := range map[string][]string{
		"countries":        {"name", "iso_code2", "iso_code3", "time_zone"},
		"data_centers":     {"name", "permalink", "country_id"},
		"networks":         {"name", "permalink", "data_center_id"},
		"pools":            {"network_id", "prefix"},
		"organizations":    {"name", "sub_domain"},
		"virtual_machines": {"organization_id", "data_center_id", "name", "hostname"},
		"interfaces":       {"virtual_machine_id", "network_id"},
		"api_tokens":       {"organization_id"},
	} {
		before := storetest.Dump(t, e.dbURL)
		res := e.admin(http.MethodPost, "/"+many, `{}`)
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, many)
		for _, field := range fields {
			assert.Contains(t, res.raw, field+" can't be blank", many)
		}
		assert.Equal(t, before, storetest.Dump(t, e.dbURL), many)
	}
}

// TestUncleanPaths sends paths that http.ServeMux would redirect straight
// to the handler, as ipd's own mux does: each is a route the API does not
// have.
func TestUncleanPaths(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, path := range []string{"//countries", "/./countries", "/countries/../pools", "/countries/", ""} {
		req := httptest.NewRequest(http.MethodGet, admin.Prefix+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.operator)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusNotFound, rec.Code, path)
		assert.Contains(t, rec.Body.String(), `"code":"route_not_found"`, path)
	}
}
