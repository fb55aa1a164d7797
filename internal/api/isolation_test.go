package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store/storetest"
)

// globex is what the isolation test tries to reach: objects of the other
// organization.
type globex struct {
	token, ipID, ip, tokenID, vmID string
}

func newGlobex(t *testing.T, e *env) globex {
	g := globex{token: e.newToken("globex", allScopes...)}
	allocated := e.do(
		http.MethodPost,
		"/core/v1/virtual_machine_network_interfaces/"+e.foreign+"/allocate_new_ip",
		g.token,
		`{"address_version":"ipv4"}`,
	)
	require.Equal(t, http.StatusOK, allocated.status, allocated.raw)
	g.ipID, g.ip = allocated.str("ip_address", "id"), allocated.str("ip_address", "address")
	g.vmID = allocated.str("ip_address", "allocation_id")
	created := e.do(http.MethodPost, "/core/v1/organizations/_/api_tokens", g.token,
		createBody("globex", `{"name":"globex's own","scopes":["ip_addresses"]}`))
	require.Equal(t, http.StatusOK, created.status, created.raw)
	g.tokenID = created.str("api_token", "id")
	return g
}

// TestIsolationMatrix sends, for every operation of the spec that
// touches an organization's objects, Acme's token with every scope at
// Globex's objects: each is refused as production refuses it, reveals
// nothing of the object, and leaves the database as it was.
func TestIsolationMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)
		g := newGlobex(t, e)
		acme := e.newToken("acme", allScopes...)
		acmeIP := acmeIP(e)
		ipBody := `{"ip_address":{"id":"` + g.ipID + `"}}`

		tests := []struct {
			op, method, path, body, code string
		}{
			{"GET /organizations/organization/available_networks", "GET",
				"/core/v1/organizations/_/available_networks?organization[sub_domain]=globex", "", "organization_not_found"},
			{"GET /organizations/organization", "GET", "/core/v1/organizations/_?organization[sub_domain]=globex", "",
				"organization_not_found"},
			{"GET /organizations/organization/api_tokens", "GET",
				"/core/v1/organizations/_/api_tokens?organization[sub_domain]=globex", "", "organization_not_found"},
			{"POST /organizations/organization/api_tokens", "POST", "/core/v1/organizations/_/api_tokens",
				createBody("globex", `{"name":"intruder","scopes":["ip_addresses"]}`), "organization_not_found"},
			{"PATCH /api_tokens/api_token", "PATCH", "/core/v1/api_tokens/_", tokenBody(g.tokenID, `{"name":"taken"}`),
				"api_token_not_found"},
			{
				"DELETE /api_tokens/api_token",
				"DELETE",
				"/core/v1/api_tokens/_",
				`{"api_token":{"id":"` + g.tokenID + `"}}`,
				"api_token_not_found",
			},
			{"POST /api_tokens/api_token/regenerate_secret", "POST", "/core/v1/api_tokens/_/regenerate_secret",
				`{"api_token":{"id":"` + g.tokenID + `"}}`, "api_token_not_found"},
			{"GET /organizations/organization/ip_addresses", "GET",
				"/core/v1/organizations/_/ip_addresses?organization[sub_domain]=globex", "", "organization_not_found"},
			{"POST /organizations/organization/ip_addresses", "POST", "/core/v1/organizations/_/ip_addresses",
				`{"organization":{"sub_domain":"globex"},"network":{"permalink":"uk-lon-01-public"},"version":"ipv4"}`,
				"organization_not_found"},
			{"GET /ip_addresses/ip_address", "GET", "/core/v1/ip_addresses/" + g.ipID, "", "ip_address_not_found"},
			{"GET /ip_addresses/ip_address", "GET", "/core/v1/ip_addresses/_?ip_address[address]=" + g.ip, "",
				"ip_address_not_found"},
			{"PATCH /ip_addresses/ip_address", "PATCH", "/core/v1/ip_addresses/_",
				`{"ip_address":{"id":"` + g.ipID + `"},"label":"taken","vip":true}`, "ip_address_not_found"},
			{"DELETE /ip_addresses/ip_address", "DELETE", "/core/v1/ip_addresses/_", ipBody, "ip_address_not_found"},
			{"POST /ip_addresses/ip_address/unallocate", "POST", "/core/v1/ip_addresses/_/unallocate", ipBody,
				"ip_address_not_found"},
			{"GET /organizations/organization/virtual_machines", "GET",
				"/core/v1/organizations/_/virtual_machines?organization[sub_domain]=globex", "", "organization_not_found"},
			{"GET /virtual_machines/virtual_machine", "GET", "/core/v1/virtual_machines/" + g.vmID, "",
				"virtual_machine_not_found"},
			{
				"POST /virtual_machines/virtual_machine/allocate_ip",
				"POST",
				"/core/v1/virtual_machines/" + g.vmID + "/allocate_ip",
				`{"ip_address":{"id":"` + acmeIP + `"}}`,
				"virtual_machine_not_found",
			},
			{"POST /virtual_machines/virtual_machine/allocate_ip", "POST", "/core/v1/virtual_machines/_/allocate_ip",
				`{"virtual_machine":{"fqdn":"` + webFQDN + `"},"ip_address":{"id":"` + g.ipID + `"}}`, "ip_address_not_found"},
			{"GET /virtual_machines/virtual_machine/network_interfaces", "GET",
				"/core/v1/virtual_machines/" + g.vmID + "/network_interfaces", "", "virtual_machine_not_found"},
			{"GET /virtual_machines/virtual_machine/networks/network/interface", "GET",
				"/core/v1/virtual_machines/" + g.vmID + "/networks/_/interface?network[permalink]=uk-lon-01-public", "",
				"virtual_machine_not_found"},
			{"GET /virtual_machine_network_interfaces/virtual_machine_network_interface", "GET",
				"/core/v1/virtual_machine_network_interfaces/" + e.foreign, "", "virtual_machine_network_interface_not_found"},
			{
				"GET /virtual_machine_network_interfaces/virtual_machine_network_interface/available_ips/address_version",
				"GET",
				"/core/v1/virtual_machine_network_interfaces/" + e.foreign + "/available_ips/ipv4",
				"",
				"virtual_machine_network_interface_not_found",
			},
			{"POST /virtual_machine_network_interfaces/virtual_machine_network_interface/allocate_ip", "POST",
				"/core/v1/virtual_machine_network_interfaces/" + e.foreign + "/allocate_ip", `{"ip_address":{"id":"` + acmeIP + `"}}`,
				"virtual_machine_network_interface_not_found"},
			{"POST /virtual_machine_network_interfaces/virtual_machine_network_interface/allocate_ip", "POST",
				"/core/v1/virtual_machine_network_interfaces/" + e.public + "/allocate_ip", ipBody, "ip_address_not_found"},
			// The spec's one permission_denied for another organization's object.
			{"POST /virtual_machine_network_interfaces/virtual_machine_network_interface/allocate_new_ip", "POST",
				"/core/v1/virtual_machine_network_interfaces/" + e.foreign + "/allocate_new_ip", `{"address_version":"ipv4"}`,
				"permission_denied"},
		}
		covered := map[string]bool{}
		for _, tt := range tests {
			covered[tt.op] = true
			before := storetest.Dump(t, e.dbURL)
			res := e.do(tt.method, tt.path, acme, tt.body)
			require.Equal(t, tt.code, res.errorCode(), "%s %s: %s", tt.method, tt.path, res.raw)
			for _, secret := range []string{g.ipID, g.ip, g.tokenID, g.vmID, e.foreign, "globex", "app-1"} {
				require.NotContains(t, res.raw, secret, "%s %s reveals %s", tt.method, tt.path, secret)
			}
			require.Equal(t, before, storetest.Dump(t, e.dbURL), "%s %s changed the database", tt.method, tt.path)
		}

		// The dump does see what a request changes.
		before := storetest.Dump(t, e.dbURL)
		e.allocateNewIP(e.public, "ipv4")
		require.NotEqual(t, before, storetest.Dump(t, e.dbURL))

		// The operations left out hold no organization's objects.
		for _, op := range contractOps {
			name := op.method + " " + op.specPath
			holdsNoObjects := slices.Contains([]string{"/countries", "/countries/country", "/data_centers",
				"/data_centers/data_center", "/data_centers/data_center/default_network", "/networks/network",
				"/organizations", "/users/current"}, op.specPath)
			require.True(t, covered[name] || holdsNoObjects, "%s has no isolation case", name)
		}
	})
}

// TestScopes checks every operation against a token holding every scope
// but the ones it accepts, and every write against a token holding only
// read scopes: both are refused with scope_not_granted, which names the
// operation's scopes.
func TestScopes(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	e := newEnv(t, "sqlite")
	every := specScopes(s)
	readOnly := slices.DeleteFunc(
		slices.Clone(every),
		func(scope string) bool { return !strings.HasSuffix(scope, ":read") },
	)
	reader := e.newToken("acme", readOnly...)

	for _, op := range contractOps {
		name := op.method + " " + op.specPath
		accepted := endpointScopes(s.operation(op.method, op.specPath))
		if len(accepted) == 0 {
			continue
		}
		others := slices.DeleteFunc(
			slices.Clone(every),
			func(scope string) bool { return slices.Contains(accepted, scope) },
		)
		path, body := op.request(e)
		res := e.do(op.method, path, e.newToken("acme", others...), body)
		require.Equal(t, "scope_not_granted", res.errorCode(), "%s: %s", name, res.raw)
		require.ElementsMatch(t, toAny(accepted), res.field("error", "detail", "scopes"), name)

		if op.method == http.MethodGet {
			continue
		}
		res = e.do(op.method, path, reader, body)
		require.Equal(t, "scope_not_granted", res.errorCode(), "%s with only read scopes: %s", name, res.raw)
	}
}

// specScopes returns every scope some operation of the spec accepts.
func specScopes(s spec) []string {
	var scopes []string
	for _, op := range contractOps {
		scopes = append(scopes, endpointScopes(s.operation(op.method, op.specPath))...)
	}
	slices.Sort(scopes)
	return slices.Compact(scopes)
}
