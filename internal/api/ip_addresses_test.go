package api_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store/storetest"
)

// createIP creates an unallocated address of Acme's on the network.
func (e *env) createIP(network, version string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/core/v1/organizations/_/ip_addresses", e.token,
		`{"organization":{"sub_domain":"acme"},"network":{"permalink":"`+network+`"},"version":"`+version+`"}`)
}

// TestAddressLifecycle follows one address from creation to deletion:
// its reverse DNS follows the virtual machine while allocated and returns
// to the default after, and once deleted the record is gone.
// TestAddressReuseAfterDelete shows the address coming back.
func TestAddressLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newEnv(t, engine)

		created := e.createIP("uk-lon-01-public", "ipv4")
		require.Equal(t, http.StatusOK, created.status, created.raw)
		id := created.str("ip_address", "id")
		require.Equal(t, "185.44.252.1", created.str("ip_address", "address"))
		require.Equal(t, "185-44-252-1.rdns.katapult.io", created.str("ip_address", "reverse_dns"))
		require.Nil(t, created.field("ip_address", "allocation_id"))
		require.NotContains(t, created.body, "allocation", "create answers without the allocation key")

		allocated := e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_ip", e.token,
			`{"virtual_machine_network_interface":{"id":"`+e.public+`"},"ip_address":{"id":"`+id+`"}}`)
		require.Equal(t, http.StatusOK, allocated.status, allocated.raw)
		require.Len(t, allocated.field("virtual_machine_network_interface", "ip_addresses"), 1)
		require.NotContains(t, allocated.field("virtual_machine_network_interface").(map[string]any), "speed_profile")

		got := e.do(http.MethodGet, "/core/v1/ip_addresses/"+id, e.token, "")
		require.Equal(t, "web-1.acme.katapult.cloud", got.str("ip_address", "reverse_dns"))
		require.Equal(t, "VirtualMachine", got.str("allocation", "type"))

		again := e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_ip", e.token,
			`{"virtual_machine_network_interface":{"id":"`+e.public+`"},"ip_address":{"id":"`+id+`"}}`)
		require.Equal(t, "ip_already_allocated", again.errorCode(), again.raw)

		unallocated := e.do(http.MethodPost, "/core/v1/ip_addresses/_/unallocate?ip_address[id]="+id, e.token, "")
		require.Equal(t, http.StatusOK, unallocated.status, unallocated.raw)
		require.Equal(t, "{}", unallocated.raw)
		got = e.do(http.MethodGet, "/core/v1/ip_addresses/"+id, e.token, "")
		require.Equal(t, "185-44-252-1.rdns.katapult.io", got.str("ip_address", "reverse_dns"))
		require.Nil(t, got.field("allocation"))
		require.Nil(t, got.field("ip_address", "allocation_type"))
		twice := e.do(http.MethodPost, "/core/v1/ip_addresses/_/unallocate", e.token, `{"ip_address":{"id":"`+id+`"}}`)
		require.Equal(t, http.StatusUnprocessableEntity, twice.status)
		require.Equal(t, "no_allocation", twice.errorCode())

		deleted := e.do(
			http.MethodDelete,
			"/core/v1/ip_addresses/ip_address",
			e.token,
			`{"ip_address":{"id":"`+id+`"}}`,
		)
		require.Equal(t, http.StatusOK, deleted.status, deleted.raw)
		require.Equal(t, "{}", deleted.raw)
		gone := e.do(http.MethodGet, "/core/v1/ip_addresses/"+id, e.token, "")
		require.Equal(t, "ip_address_not_found", gone.errorCode())
		require.Equal(
			t,
			"ip_address_not_found",
			e.do(http.MethodDelete, "/core/v1/ip_addresses/"+id, e.token, "").errorCode(),
		)

	})
}

// TestAddressReuseAfterDelete shows a deleted address coming back once
// the pool's fresh addresses are gone.
func TestAddressReuseAfterDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")

	var ids []string
	for range 5 {
		res := e.createIP("uk-lon-01-small", "ipv4")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		ids = append(ids, res.str("ip_address", "id"))
	}
	require.Equal(t, "no_available_addresses", e.createIP("uk-lon-01-small", "ipv4").errorCode())

	require.Equal(t, http.StatusOK, e.do(http.MethodDelete, "/core/v1/ip_addresses/"+ids[2], e.token, "").status)
	res := e.createIP("uk-lon-01-small", "ipv4")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, "10.0.0.4", res.str("ip_address", "address"), "the deleted address is allocatable again")
	require.NotEqual(t, ids[2], res.str("ip_address", "id"), "the old record is not reachable again")
}

func TestCreateAddressErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	path := "/core/v1/organizations/_/ip_addresses"

	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{
			"VIP without a label",
			`{"organization":{"sub_domain":"acme"},"network":{"permalink":"uk-lon-01-public"},"version":"ipv4","vip":true}`,
			422,
			"validation_error",
		},
		{"unknown network", `{"organization":{"sub_domain":"acme"},"network":{"permalink":"nowhere"},"version":"ipv4"}`,
			404, "network_not_found"},
		{
			"unknown organization",
			`{"organization":{"sub_domain":"nobody"},"network":{"permalink":"uk-lon-01-public"},"version":"ipv4"}`,
			404,
			"organization_not_found",
		},
		{
			"another organization",
			`{"organization":{"sub_domain":"globex"},"network":{"permalink":"uk-lon-01-public"},"version":"ipv4"}`,
			404,
			"organization_not_found",
		},
		{"missing version", `{"organization":{"sub_domain":"acme"},"network":{"permalink":"uk-lon-01-public"}}`,
			400, "missing_required_argument"},
		{
			"ambiguous network",
			`{"organization":{"sub_domain":"acme"},"network":{"id":"x","permalink":"y"},"version":"ipv4"}`,
			400,
			"invalid_argument",
		},
		{
			"vip not a boolean",
			`{"organization":{"sub_domain":"acme"},"network":{"permalink":"uk-lon-01-public"},"version":"ipv4","vip":"yes"}`,
			400,
			"invalid_argument",
		},
	}
	for _, tt := range tests {
		res := e.do(http.MethodPost, path, e.token, tt.body)
		require.Equal(t, tt.status, res.status, "%s: %s", tt.name, res.raw)
		require.Equal(t, tt.code, res.errorCode(), tt.name)
	}
	vip := e.do(http.MethodPost, path, e.token, tests[0].body)
	require.Equal(t, []any{"Label can't be blank"}, vip.field("error", "detail", "errors"))

	list := e.do(http.MethodGet, "/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme", e.token, "")
	require.EqualValues(t, 0, list.field("pagination", "total"), "no refused call created an address")
}

func TestUpdateAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	id := e.createIP("uk-lon-01-public", "ipv4").str("ip_address", "id")
	patch := func(fields string) response {
		return e.do(
			http.MethodPatch,
			"/core/v1/ip_addresses/ip_address",
			e.token,
			`{"ip_address":{"id":"`+id+`"}`+fields+`}`,
		)
	}

	res := patch(`,"vip":true,"label":"vip-yes"`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, true, res.field("ip_address", "vip"))
	require.Equal(t, "vip-yes", res.str("ip_address", "label"))
	require.NotContains(t, res.body, "allocation")

	res = patch(`,"label":"renamed"`)
	require.Equal(t, true, res.field("ip_address", "vip"), "a label alone keeps vip")
	require.Equal(t, "renamed", res.str("ip_address", "label"))

	require.Equal(t, "validation_error", patch(`,"label":""`).errorCode(), "a VIP keeps its label")

	res = patch(`,"label":"","vip":false`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Nil(t, res.field("ip_address", "label"))

	res = patch(`,"reverse_dns":"mail.example.com"`)
	require.Equal(t, "mail.example.com", res.str("ip_address", "reverse_dns"))
	require.Equal(t, "validation_error", patch(`,"reverse_dns":"not a host name"`).errorCode())
	res = patch(`,"reverse_dns":""`)
	require.Equal(t, "185-44-252-1.rdns.katapult.io", res.str("ip_address", "reverse_dns"))

	require.Equal(t, "ip_address_not_found", e.do(http.MethodPatch, "/core/v1/ip_addresses/_", e.token,
		`{"ip_address":{"id":"ip_AAAAAAAAAAAAAAAA"},"vip":false}`).errorCode())
}

// TestListAddressesPagination pages through 257 addresses and finds each
// exactly once, at two page sizes.
func TestListAddressesPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	want := map[string]bool{}
	for range 257 {
		res := e.createIP("uk-lon-01-public", "ipv6")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		want[res.str("ip_address", "id")] = true
	}

	for _, perPage := range []int{7, 200} {
		seen := map[string]int{}
		pages := (257 + perPage - 1) / perPage
		for page := 1; page <= pages+1; page++ {
			res := e.do(
				http.MethodGet,
				fmt.Sprintf("/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme&page=%d&per_page=%d",
					page, perPage),
				e.token,
				"",
			)
			require.Equal(t, http.StatusOK, res.status, res.raw)
			require.Equal(t, map[string]any{
				"current_page": float64(page), "total_pages": float64(pages), "total": float64(257),
				"per_page": float64(perPage), "large_set": false,
			}, res.field("pagination"))
			for _, item := range res.field("ip_addresses").([]any) {
				seen[item.(map[string]any)["id"].(string)]++
			}
		}
		require.Len(t, seen, 257, "per_page %d", perPage)
		for id, n := range seen {
			require.True(t, want[id], id)
			require.Equal(t, 1, n, "per_page %d: %s listed %d times", perPage, id, n)
		}
	}

	tooMany := e.do(
		http.MethodGet,
		"/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme&per_page=500",
		e.token,
		"",
	)
	require.Equal(t, "invalid_argument", tooMany.errorCode())
	require.Equal(t, []any{"less_than_or_equal_to_one_hundred"}, tooMany.field("error", "detail", "errors"))
	require.Equal(t, "validation_errors", tooMany.str("error", "detail", "issue"))
}

func TestListAddressesAllocatedFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.createIP("uk-lon-01-public", "ipv4")
	e.allocateNewIP(e.public, "ipv4")
	e.allocateNewIP(e.public, "ipv6")

	for query, want := range map[string]float64{"": 3, "&allocated=true": 2, "&allocated=false": 1} {
		res := e.do(
			http.MethodGet,
			"/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme"+query,
			e.token,
			"",
		)
		require.Equal(t, want, res.field("pagination", "total"), query)
		require.Len(t, res.field("ip_addresses"), int(want), query)
	}
	item := e.do(http.MethodGet, "/core/v1/organizations/_/ip_addresses?organization[sub_domain]=acme&allocated=true",
		e.token, "").field("ip_addresses").([]any)[0].(map[string]any)
	require.ElementsMatch(t, []string{"id", "address", "reverse_dns", "vip", "allocation_id", "allocation_type"},
		slices.Collect(maps.Keys(item)))
}

func TestAvailableIPsAndAllocateIP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	v4 := e.createIP("uk-lon-01-public", "ipv4").str("ip_address", "id")
	e.createIP("uk-lon-01-public", "ipv6")
	small := e.createIP("uk-lon-01-small", "ipv4").str("ip_address", "id")

	res := e.do(
		http.MethodGet,
		"/core/v1/virtual_machine_network_interfaces/"+e.public+"/available_ips/ipv4",
		e.token,
		"",
	)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	ips := res.field("ip_addresses").([]any)
	require.Len(t, ips, 1, "only the unallocated IPv4 address of the interface's network")
	require.Equal(t, v4, ips[0].(map[string]any)["id"])

	bad := e.do(
		http.MethodGet,
		"/core/v1/virtual_machine_network_interfaces/"+e.public+"/available_ips/address_version",
		e.token,
		"",
	)
	require.Equal(t, "invalid_argument", bad.errorCode())
	require.Equal(t, "invalid_enum_value", bad.str("error", "detail", "issue"))

	wrongNetwork := e.do(
		http.MethodPost,
		"/core/v1/virtual_machine_network_interfaces/"+e.public+"/allocate_ip",
		e.token,
		`{"ip_address":{"id":"`+small+`"}}`,
	)
	require.Equal(t, http.StatusUnprocessableEntity, wrongNetwork.status)
	require.Equal(t, "invalid_ip", wrongNetwork.errorCode())

	foreign := e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/"+e.foreign+"/allocate_ip", e.token,
		`{"ip_address":{"id":"`+v4+`"}}`)
	require.Equal(t, "virtual_machine_network_interface_not_found", foreign.errorCode())

	byAddress := e.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/"+e.public+"/allocate_ip", e.token,
		`{"ip_address":{"address":"185.44.252.1"}}`)
	require.Equal(t, http.StatusOK, byAddress.status, byAddress.raw)
	after := e.do(
		http.MethodGet,
		"/core/v1/virtual_machine_network_interfaces/"+e.public+"/available_ips/ipv4",
		e.token,
		"",
	)
	require.Empty(t, after.field("ip_addresses"))
}

// TestAddressSpellings shows that an address may be named in any valid
// spelling, and that spellings no pool holds are refused as unparseable.
func TestAddressSpellings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	id := e.allocateNewIP(e.public, "ipv6").str("ip_address", "id")

	for _, spelling := range []string{"2a03:2800:500::2", "2A03:2800:500::2", "2a03:2800:0500:0000:0000:0000:0000:0002"} {
		res := e.do(http.MethodGet, "/core/v1/ip_addresses/_?ip_address[address]="+spelling, e.token, "")
		require.Equal(t, http.StatusOK, res.status, "%s: %s", spelling, res.raw)
		require.Equal(t, id, res.str("ip_address", "id"))
		require.Equal(t, "2a03:2800:500::2", res.str("ip_address", "address"))
	}
	for _, spelling := range []string{"185.044.252.1", "fe80::1%25eth0", "::ffff:185.44.252.1", "nonsense"} {
		res := e.do(http.MethodGet, "/core/v1/ip_addresses/_?ip_address[address]="+spelling, e.token, "")
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", spelling, res.raw)
		require.Equal(t, "parse_error", res.str("error", "detail", "issue"), spelling)
		require.Equal(t, []any{"ip_address", "address"}, res.field("error", "detail", "path"), spelling)
	}
}
