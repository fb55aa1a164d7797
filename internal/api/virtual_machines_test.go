package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestListVirtualMachines(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.allocateNewIP(e.public, "ipv4")

	res := e.do(
		http.MethodGet,
		"/core/v1/organizations/organization/virtual_machines?organization[sub_domain]=acme",
		e.token,
		"",
	)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	vms := map[string]map[string]any{}
	for _, item := range res.field("virtual_machines").([]any) {
		vms[item.(map[string]any)["name"].(string)] = item.(map[string]any)
	}
	require.Len(t, vms, 2)
	vm := vms["web-1"]
	require.Equal(t, "web-1.acme.katapult.cloud", vm["fqdn"])
	require.Equal(t, []any{map[string]any{"address": "185.44.252.1"}}, vm["ip_addresses"])
	require.Equal(t, "uk-lon-01", vm["zone"].(map[string]any)["data_center"].(map[string]any)["permalink"])
	require.EqualValues(t, 2, res.field("pagination", "total"))
	require.Equal(t, []any{}, vms["db-1"]["ip_addresses"], "db-1 has no interface, so no address")

	foreign := e.do(
		http.MethodGet,
		"/core/v1/organizations/_/virtual_machines?organization[sub_domain]=globex",
		e.token,
		"",
	)
	require.Equal(t, "organization_not_found", foreign.errorCode())
}

func TestVirtualMachineInterfaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.allocateNewIP(e.public, "ipv4")

	res := e.do(
		http.MethodGet,
		"/core/v1/virtual_machines/_/network_interfaces?virtual_machine[fqdn]=web-1.acme.katapult.cloud",
		e.token,
		"",
	)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.EqualValues(t, 3, res.field("pagination", "total"))
	var withAddress map[string]any
	for _, item := range res.field("virtual_machine_network_interfaces").([]any) {
		if item.(map[string]any)["id"] == e.public {
			withAddress = item.(map[string]any)
		}
	}
	require.NotNil(t, withAddress)
	require.Equal(t, []any{map[string]any{
		"id":                withAddress["ip_addresses"].([]any)[0].(map[string]any)["id"],
		"address":           "185.44.252.1",
		"reverse_dns":       "web-1.acme.katapult.cloud",
		"address_with_mask": "185.44.252.1/22",
	}}, withAddress["ip_addresses"])

	onNetwork := e.do(
		http.MethodGet,
		"/core/v1/virtual_machines/_/networks/_/interface?virtual_machine[fqdn]=web-1.acme.katapult.cloud&network[permalink]=uk-lon-01-small",
		e.token,
		"",
	)
	require.Equal(t, http.StatusOK, onNetwork.status, onNetwork.raw)
	require.Equal(t, e.small, onNetwork.str("virtual_machine_network_interface", "id"))

	foreign := e.do(
		http.MethodGet,
		"/core/v1/virtual_machines/_/network_interfaces?virtual_machine[fqdn]=app-1.globex.katapult.cloud",
		e.token,
		"",
	)
	require.Equal(t, "virtual_machine_not_found", foreign.errorCode())
	noInterface := e.do(
		http.MethodGet,
		"/core/v1/virtual_machines/_/networks/_/interface?virtual_machine[fqdn]=app-1.globex.katapult.cloud&network[permalink]=uk-lon-01-small",
		e.newToken("globex", "virtual_machines"),
		"",
	)
	require.Equal(t, "interface_not_found", noInterface.errorCode())
}

func TestAllocateIPToVirtualMachine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	small := e.createIP("uk-lon-01-small", "ipv4").str("ip_address", "id")
	path := "/core/v1/virtual_machines/_/allocate_ip"

	res := e.do(http.MethodPost, path, e.token,
		`{"virtual_machine":{"fqdn":"web-1.acme.katapult.cloud"},"ip_address":{"id":"`+small+`"}}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, "10.0.0.2", res.str("ip_address", "address"))
	require.Equal(t, "web-1.acme.katapult.cloud", res.str("ip_address", "reverse_dns"))
	iface := e.do(http.MethodGet, "/core/v1/virtual_machine_network_interfaces/"+e.small, e.token, "")
	require.Len(
		t,
		iface.field("virtual_machine_network_interface", "ip_addresses"),
		1,
		"the interface on the address's network took it",
	)

	again := e.do(http.MethodPost, path, e.token,
		`{"virtual_machine":{"fqdn":"web-1.acme.katapult.cloud"},"ip_address":{"id":"`+small+`"}}`)
	require.Equal(t, "ip_already_allocated", again.errorCode())

	globex := e.newToken("globex", "ip_addresses")
	created := e.do(http.MethodPost, "/core/v1/organizations/_/ip_addresses", globex,
		`{"organization":{"sub_domain":"globex"},"network":{"permalink":"uk-lon-01-small"},"version":"ipv4"}`)
	require.Equal(t, http.StatusOK, created.status, created.raw)
	none := e.do(
		http.MethodPost,
		path,
		globex,
		`{"virtual_machine":{"fqdn":"app-1.globex.katapult.cloud"},"ip_address":{"id":"`+created.str(
			"ip_address",
			"id",
		)+`"}}`,
	)
	require.Equal(t, http.StatusUnprocessableEntity, none.status)
	require.Equal(t, "no_interface_available", none.errorCode())

	foreign := e.do(http.MethodPost, path, e.token,
		`{"virtual_machine":{"fqdn":"app-1.globex.katapult.cloud"},"ip_address":{"id":"`+small+`"}}`)
	require.Equal(t, "virtual_machine_not_found", foreign.errorCode())
}

func TestGetVirtualMachine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	allocated := e.allocateNewIP(e.public, "ipv4")

	for _, path := range []string{
		"/core/v1/virtual_machines/_?virtual_machine[fqdn]=web-1.acme.katapult.cloud",
		"/core/v1/virtual_machines/" + allocated.str("ip_address", "allocation_id"),
	} {
		res := e.do(http.MethodGet, path, e.token, "")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		require.Equal(t, "web-1", res.str("virtual_machine", "name"))
		require.Equal(t, "acme", res.str("virtual_machine", "organization", "sub_domain"))
		ips := res.field("virtual_machine", "ip_addresses").([]any)
		require.Len(t, ips, 1)
		require.Equal(t, allocated.field("ip_address"), ips[0])
		require.Equal(t, []any{}, res.field("annotations"))
	}

	foreign := e.do(
		http.MethodGet,
		"/core/v1/virtual_machines/_?virtual_machine[fqdn]=app-1.globex.katapult.cloud",
		e.token,
		"",
	)
	require.Equal(t, http.StatusNotFound, foreign.status)
	require.Equal(t, "virtual_machine_not_found", foreign.errorCode())
}
