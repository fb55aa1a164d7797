package api_test

import (
	"context"
	"net/http"
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store/storetest"
)

func TestAllocateNewIPAndReadBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)

		tests := []struct {
			version string
			prefix  string
			first   string
			mask    string
		}{
			{"ipv4", "185.44.252.0/22", "185.44.252.1", "/22"},
			{"ipv6", "2a03:2800:500::/48", "2a03:2800:500::2", "/48"},
		}
		for _, tt := range tests {
			res := e.allocateNewIP(e.public, tt.version)
			require.Equal(t, http.StatusOK, res.status, "allocate %s: %s", tt.version, res.raw)
			require.Equal(t, tt.first, res.str("ip_address", "address"), "allocate %s", tt.version)
			require.Equal(t, tt.first+tt.mask, res.str("ip_address", "address_with_mask"))
			require.Equal(t, "web-1.acme.katapult.cloud", res.str("ip_address", "reverse_dns"))
			require.Equal(t, false, res.field("ip_address", "vip"))
			require.Nil(t, res.field("ip_address", "label"))
			require.Equal(t, "uk-lon-01-public", res.str("ip_address", "network", "permalink"))
			require.Equal(t, "GB", res.str("ip_address", "network", "data_center", "country", "iso_code2"))
			require.Equal(t, "VirtualMachine", res.str("ip_address", "allocation_type"))
			require.Regexp(t, `^vm_[A-Za-z0-9]{16}$`, res.str("ip_address", "allocation_id"))
			id := res.str("ip_address", "id")
			require.Regexp(t, `^ip_[A-Za-z0-9]{16}$`, id)
			require.True(t, netip.MustParsePrefix(tt.prefix).Contains(netip.MustParseAddr(tt.first)))

			byID := e.do(http.MethodGet, "/core/v1/ip_addresses/"+id, e.token, "")
			require.Equal(t, http.StatusOK, byID.status, byID.raw)
			require.Equal(t, res.field("ip_address"), byID.field("ip_address"))
			require.Equal(t, "VirtualMachine", byID.str("allocation", "type"))
			require.Equal(t, "web-1", byID.str("allocation", "value", "name"))

			byAddress := e.do(http.MethodGet, "/core/v1/ip_addresses/_?ip_address[address]="+tt.first, e.token, "")
			require.Equal(t, http.StatusOK, byAddress.status, byAddress.raw)
			require.Equal(t, id, byAddress.str("ip_address", "id"))
		}

		iface := e.do(http.MethodGet, "/core/v1/virtual_machine_network_interfaces/"+e.public, e.token, "")
		require.Equal(t, http.StatusOK, iface.status, iface.raw)
		require.Equal(t, "Public Network on web-1", iface.str("virtual_machine_network_interface", "name"))
		ips := iface.field("virtual_machine_network_interface", "ip_addresses").([]any)
		require.Len(t, ips, 2)
	})
}

// TestAllocateNewIPLookupPlaces shows that the interface may be named in
// the body, the query string or the path, with the body winning.
func TestAllocateNewIPLookupPlaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	base := "/core/v1/virtual_machine_network_interfaces/"
	both := `{"virtual_machine_network_interface":{"id":"` + e.public + `"},"address_version":"ipv4"}`
	const notFound = "virtual_machine_network_interface_not_found"

	tests := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"body", base + "_/allocate_new_ip", both, 200, ""},
		{
			"query",
			base + "_/allocate_new_ip?virtual_machine_network_interface[id]=" + e.public + "&address_version=ipv4",
			"",
			200,
			"",
		},
		{"path id", base + e.public + "/allocate_new_ip?address_version=ipv4", "", 200, ""},
		{"body wins over path", base + "vmnet_missing/allocate_new_ip", both, 200, ""},
		{"body wins over query", base + "_/allocate_new_ip?virtual_machine_network_interface[id]=vmnet_missing", both,
			200, ""},
		{"path underscore", base + "_/allocate_new_ip", `{"address_version":"ipv4"}`, 404, notFound},
		{
			"path placeholder name",
			base + "virtual_machine_network_interface/allocate_new_ip",
			`{"address_version":"ipv4"}`,
			404,
			notFound,
		},
		{"version from query", base + "_/allocate_new_ip?address_version=ipv6",
			`{"virtual_machine_network_interface":{"id":"` + e.public + `"}}`, 200, ""},
	}
	for _, tt := range tests {
		res := e.do(http.MethodPost, tt.path, e.token, tt.body)
		require.Equal(t, tt.status, res.status, "%s: %s", tt.name, res.raw)
		require.Equal(t, tt.code, res.errorCode(), tt.name)
	}
}

func TestAllocateNewIPErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	path := "/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip"
	body := func(id, version string) string {
		return `{"virtual_machine_network_interface":{"id":"` + id + `"},"address_version":"` + version + `"}`
	}
	readOnly := e.newToken("acme", "virtual_machines:read", "ip_addresses:read")

	tests := []struct {
		name        string
		method      string
		path        string
		token       string
		contentType string
		body        string
		status      int
		code        string
		detail      map[string]any
	}{
		{"no token", "POST", path, "", "", body(e.public, "ipv4"), 400, "missing_api_token", map[string]any{}},
		{
			"unknown token",
			"POST",
			path,
			"NOTATOKENATALLNOTATOKENATALL",
			"",
			body(e.public, "ipv4"),
			403,
			"invalid_api_token",
			map[string]any{"details": nil},
		},
		{"scope not granted", "POST", path, readOnly, "", body(e.public, "ipv4"), 403, "scope_not_granted",
			map[string]any{"scopes": []any{"ip_addresses"}}},
		{"unknown interface", "POST", path, e.token, "", body("vmnet_AAAAAAAAAAAAAAAA", "ipv4"), 404,
			"virtual_machine_network_interface_not_found", map[string]any{}},
		{"other organization", "POST", path, e.token, "", body(e.foreign, "ipv4"), 403, "permission_denied",
			map[string]any{"details": nil}},
		{"unknown version", "POST", path, e.token, "", body(e.public, "ipv5"), 400, "invalid_argument", nil},
		{"version of the wrong type", "POST", path, e.token, "",
			`{"virtual_machine_network_interface":{"id":"` + e.public + `"},"address_version":4}`, 400, "invalid_argument", nil},
		{
			"missing version",
			"POST",
			path,
			e.token,
			"",
			`{"virtual_machine_network_interface":{"id":"` + e.public + `"}}`,
			400,
			"missing_required_argument",
			map[string]any{
				"path": []any{"address_version"},
				"argument": map[string]any{
					"name":        "address_version",
					"description": "The IP address version to use for the new IP",
				},
			},
		},
		{
			"null version",
			"POST",
			path,
			e.token,
			"",
			`{"virtual_machine_network_interface":{"id":"` + e.public + `"},"address_version":null}`,
			400,
			"missing_required_argument",
			nil,
		},
		{
			"empty lookup",
			"POST",
			path,
			e.token,
			"",
			`{"virtual_machine_network_interface":{},"address_version":"ipv4"}`,
			400,
			"invalid_argument",
			nil,
		},
		{
			"lookup not an object",
			"POST",
			path,
			e.token,
			"",
			`{"virtual_machine_network_interface":"x","address_version":"ipv4"}`,
			400,
			"invalid_argument",
			nil,
		},
		{
			"lookup id not a string",
			"POST",
			path,
			e.token,
			"",
			`{"virtual_machine_network_interface":{"id":7},"address_version":"ipv4"}`,
			400,
			"invalid_argument",
			nil,
		},
		{"bad JSON", "POST", path, e.token, "", `{"virtual_machine_network_interface":`, 400, "invalid_json_body", nil},
		{"trailing JSON", "POST", path, e.token, "", body(e.public, "ipv4") + `{}`, 400, "invalid_json_body", nil},
		{"unknown route", "POST", "/core/v1/ip_addresses/_/frobnicate", e.token, "", "", 404, "route_not_found",
			map[string]any{}},
		{"wrong method", "GET", path, e.token, "", "", 404, "route_not_found", map[string]any{}},
	}
	for _, tt := range tests {
		res := e.do(tt.method, tt.path, tt.token, tt.body)
		require.Equal(t, tt.status, res.status, "%s: %s", tt.name, res.raw)
		require.Equal(t, tt.code, res.errorCode(), "%s: %s", tt.name, res.raw)
		require.NotEmpty(t, res.str("error", "description"), tt.name)
		require.Equal(t, "json-error", res.header.Get("X-Api-Schema"), tt.name)
		if tt.detail != nil {
			require.Equal(t, tt.detail, res.field("error", "detail"), tt.name)
		}
	}

	// None of the refused calls allocated anything.
	iface := e.do(http.MethodGet, "/core/v1/virtual_machine_network_interfaces/"+e.public, e.token, "")
	require.Empty(t, iface.field("virtual_machine_network_interface", "ip_addresses"))
}

// TestAllocateNewIPEnumError checks the whole invalid_argument detail
// against production's shape.
func TestAllocateNewIPEnumError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")

	res := e.allocateNewIP(e.public, "ipv5")
	require.Equal(t, map[string]any{
		"code":        "invalid_argument",
		"description": "The 'address_version' argument is invalid",
		"detail": map[string]any{
			"path":              []any{"address_version"},
			"index":             nil,
			"issue":             "invalid_enum_value",
			"issue_description": "The value provided was not one of the options suitable for the enum.",
			"errors":            []any{},
			"argument": map[string]any{
				"id":          "CoreAPI/Endpoints/VirtualMachineNetworkInterfaces/AllocateNewIPEndpoint/BaseArgumentSet/AddressVersionArgument",
				"name":        "address_version",
				"description": "The IP address version to use for the new IP",
			},
		},
	}, res.field("error"))
}

// TestAllocateNewIPExhaustion runs the /29 with gateway .1 dry: .2 to .6
// come out in order, then every call is a 503 that creates nothing.
func TestAllocateNewIPExhaustion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)

		for _, want := range []string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"} {
			res := e.allocateNewIP(e.small, "ipv4")
			require.Equal(t, http.StatusOK, res.status, res.raw)
			require.Equal(t, want, res.str("ip_address", "address"))
		}
		for range 3 {
			res := e.allocateNewIP(e.small, "ipv4")
			require.Equal(t, http.StatusServiceUnavailable, res.status, res.raw)
			require.Equal(t, "no_available_addresses", res.errorCode())
			require.Equal(t, map[string]any{}, res.field("error", "detail"))
		}
		res := e.allocateNewIP(e.small, "ipv6")
		require.Equal(t, "no_available_addresses", res.errorCode(), "a network without IPv6 pools has no IPv6 address")

		pools, err := e.store.PoolList(context.Background(), e.smallNetworkID)
		require.NoError(t, err)
		require.Len(t, pools, 1)
		require.EqualValues(t, 5, pools[0].Allocated, "the refused calls created no address")
		iface := e.do(http.MethodGet, "/core/v1/virtual_machine_network_interfaces/"+e.small, e.token, "")
		require.Len(t, iface.field("virtual_machine_network_interface", "ip_addresses"), 5)
	})
}

// TestAllocateNewIPConcurrent sends 64 allocations at once: each gets its
// own address and none fails.
func TestAllocateNewIPConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)

		const clients = 64
		results := make([]response, clients)
		var wg sync.WaitGroup
		for n := range clients {
			wg.Go(func() {
				version := []string{"ipv4", "ipv6"}[n%2]
				results[n] = e.allocateNewIP(e.public, version)
			})
		}
		wg.Wait()

		seen := map[string]bool{}
		for _, res := range results {
			require.Equal(t, http.StatusOK, res.status, res.raw)
			address := res.str("ip_address", "address")
			require.False(t, seen[address], "%s handed out twice", address)
			seen[address] = true
		}
		require.Len(t, seen, clients)
	})
}

// TestRestartKeepsAllocations stops the API, opens the same database
// again and checks that every earlier address is still there and none is
// handed out a second time.
func TestRestartKeepsAllocations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		dbURL := storetest.URL(t, engine)
		before := newEnvAt(t, dbURL, true)
		var ids, addresses []string
		for range 5 {
			res := before.allocateNewIP(before.public, "ipv4")
			require.Equal(t, http.StatusOK, res.status, res.raw)
			ids = append(ids, res.str("ip_address", "id"))
			addresses = append(addresses, res.str("ip_address", "address"))
		}
		require.NoError(t, before.store.Close())

		after := newEnvAt(t, dbURL, false)
		for n, id := range ids {
			res := after.do(http.MethodGet, "/core/v1/ip_addresses/"+id, after.token, "")
			require.Equal(t, http.StatusOK, res.status, res.raw)
			require.Equal(t, addresses[n], res.str("ip_address", "address"))
		}
		res := after.allocateNewIP(after.public, "ipv4")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		require.NotContains(t, addresses, res.str("ip_address", "address"))
		require.Equal(t, "185.44.252.6", res.str("ip_address", "address"))
	})
}
