package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// testInventory has production's public network, a small network whose
// /29 runs out after five addresses, a medium one whose /26 runs out after
// 61, all three in London, a data center in Amsterdam with no network, and
// two organizations. Acme's db-1 has no interface at all.
const testInventory = `
countries:
  - {name: United Kingdom, iso_code2: GB, iso_code3: GBR, time_zone: Europe/London}
  - {name: Netherlands, iso_code2: NL, iso_code3: NLD, time_zone: Europe/Amsterdam, eu: true}
data_centers:
  - {name: London, permalink: uk-lon-01, country: GB}
  - {name: Amsterdam, permalink: nl-ams-01, country: NL}
networks:
  - name: Public Network
    permalink: uk-lon-01-public
    data_center: uk-lon-01
    default: true
    pools:
      - {prefix: 185.44.252.0/22, gateway: 185.44.255.254}
      - {prefix: "2a03:2800:500::/48", gateway: "2a03:2800:500::1"}
  - name: Small Network
    permalink: uk-lon-01-small
    data_center: uk-lon-01
    pools:
      - {prefix: 10.0.0.0/29, gateway: 10.0.0.1}
  - name: Medium Network
    permalink: uk-lon-01-medium
    data_center: uk-lon-01
    pools:
      - {prefix: 10.0.1.0/26, gateway: 10.0.1.1}
organizations:
  - name: Acme
    sub_domain: acme
    virtual_machines:
      - name: web-1
        hostname: web-1
        data_center: uk-lon-01
        interfaces: [{network: uk-lon-01-public}, {network: uk-lon-01-small}, {network: uk-lon-01-medium}]
      - {name: db-1, hostname: db-1, data_center: uk-lon-01}
  - name: Globex
    sub_domain: globex
    virtual_machines:
      - name: app-1
        hostname: app-1
        data_center: uk-lon-01
        interfaces: [{network: uk-lon-01-public}]
`

// env is a running API over a store loaded with testInventory.
type env struct {
	t     testing.TB
	store *store.Store
	svc   *service.Service
	url   string
	dbURL string

	// token is Acme's, with the ip_addresses and virtual_machines:read
	// scopes.
	token string

	// public, small and medium are web-1's interfaces; foreign is Globex's
	// app-1's.
	public, small, medium, foreign string
	smallNetworkID                 string
}

// newEnv starts the API on a fresh database of engine.
func newEnv(t testing.TB, engine string) *env {
	t.Helper()
	return newEnvAt(t, storetest.URL(t, engine), true)
}

// newEnvAt starts the API on the database at dbURL, loading the inventory
// first when load is set.
func newEnvAt(t testing.TB, dbURL string, load bool) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenURL(t, dbURL)
	svc := service.New(st, discardLog, testServiceConfig)
	if load {
		inv, err := inventory.Parse(strings.NewReader(testInventory))
		require.NoError(t, err)
		plan, err := inventory.NewPlan(ctx, svc, inv)
		require.NoError(t, err)
		require.NoError(t, plan.Apply(ctx))
	}

	e := &env{t: t, store: st, svc: svc, url: startServer(t, svc), dbURL: dbURL}
	e.token = e.newToken("acme", "ip_addresses", "virtual_machines:read")
	e.public = e.interfaceID("acme", "web-1", "uk-lon-01-public")
	e.small = e.interfaceID("acme", "web-1", "uk-lon-01-small")
	e.medium = e.interfaceID("acme", "web-1", "uk-lon-01-medium")
	e.foreign = e.interfaceID("globex", "app-1", "uk-lon-01-public")
	network, err := st.NetworkGetBy(ctx, "permalink", "uk-lon-01-small")
	require.NoError(t, err)
	e.smallNetworkID = network.ID
	return e
}

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// testServiceConfig lets the tests, which all call from one address, fail
// to authenticate as often as they need.
var testServiceConfig = service.Config{AuthFailuresPerMinute: 1 << 20}

// startServer serves the API over svc until the test ends and returns its
// URL.
func startServer(t testing.TB, svc *service.Service) string {
	server := httptest.NewServer(api.New(svc, discardLog, api.Config{}))
	t.Cleanup(server.Close)
	return server.URL
}

// startReplica starts one more API server with a store of its own on the
// database at dbURL, as another ipd process would, and returns its URL.
func startReplica(t testing.TB, dbURL string) string {
	st := storetest.OpenURL(t, dbURL)
	return startServer(t, service.New(st, discardLog, testServiceConfig))
}

// newToken creates a token of the organization with the given scopes and
// returns its secret.
func (e *env) newToken(subDomain string, scopes ...string) string {
	e.t.Helper()
	ctx := context.Background()
	org, err := e.store.OrganizationGetBy(ctx, "sub_domain", subDomain)
	require.NoError(e.t, err)
	_, secret, err := e.svc.CreateAPIToken(ctx, domain.APIToken{
		OrganizationID: org.ID, Name: "test", Scopes: scopes, RateLimit: 1000,
	})
	require.NoError(e.t, err)
	return secret
}

func (e *env) interfaceID(subDomain, hostname, network string) string {
	e.t.Helper()
	ctx := context.Background()
	org, err := e.store.OrganizationGetBy(ctx, "sub_domain", subDomain)
	require.NoError(e.t, err)
	vm, err := e.store.VirtualMachineGetBy(ctx, "fqdn", hostname+"."+org.InfrastructureDomain)
	require.NoError(e.t, err)
	n, err := e.store.NetworkGetBy(ctx, "permalink", network)
	require.NoError(e.t, err)
	iface, err := e.store.InterfaceGetByNetwork(ctx, vm.ID, n.ID)
	require.NoError(e.t, err)
	return iface.ID
}

// response is one answer of the API.
type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// do sends a request with the token (none when ""), and a JSON body when
// body is not "".
func (e *env) do(method, path, token, body string) response {
	e.t.Helper()
	return doAt(e.t, e.url, method, path, token, body)
}

// doAt is do against the server at baseURL.
func doAt(t testing.TB, baseURL, method, path, token, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, baseURL+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(t, req)
}

func send(t testing.TB, req *http.Request) response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)

	out := response{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if len(raw) > 0 && raw[0] == '{' {
		require.NoError(t, json.Unmarshal(raw, &out.body), "body %s", raw)
	}
	return out
}

// allocateNewIP asks for a new address of version on the interface.
func (e *env) allocateNewIP(interfaceID, version string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip", e.token,
		`{"virtual_machine_network_interface":{"id":"`+interfaceID+`"},"address_version":"`+version+`"}`)
}

// errorCode returns the code of an error response, or "".
func (r response) errorCode() string {
	errObject, _ := r.body["error"].(map[string]any)
	code, _ := errObject["code"].(string)
	return code
}

// field walks the body along keys and returns what it finds there.
func (r response) field(keys ...string) any {
	var v any = r.body
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// str is field for a string value.
func (r response) str(keys ...string) string {
	s, _ := r.field(keys...).(string)
	return s
}
