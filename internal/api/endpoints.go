package api

import "net/http"

// The scope sets of the API's endpoints: a token needs at least one scope
// of the set. Reads also accept the ":read" form of the write scope.
var (
	scopesIPAddressesRead     = []string{"ip_addresses", "ip_addresses:read"}
	scopesIPAddressesWrite    = []string{"ip_addresses"}
	scopesVirtualMachinesRead = []string{"virtual_machines", "virtual_machines:read"}
)

// endpoints returns every operation the API serves: the whole route table
// on one screen. Paths are below /core/v1/ and name each argument a path
// segment may carry.
func endpoints() []*endpoint {
	return []*endpoint{
		{
			method: http.MethodGet,
			path:   "ip_addresses/:ip_address",
			id:     "CoreAPI/Endpoints/IPAddresses/InfoEndpoint",
			scopes: scopesIPAddressesRead,
			args:   []argSpec{ipAddressLookup("The IP address to find.")},
			handle: getIPAddressHandler,
		},
		{
			method: http.MethodDelete,
			path:   "ip_addresses/:ip_address",
			id:     "CoreAPI/Endpoints/IPAddresses/DeleteEndpoint",
			scopes: scopesIPAddressesWrite,
			args:   []argSpec{ipAddressLookup("The IP address to release")},
			handle: deleteIPAddressHandler,
		},
		{
			method: http.MethodPost,
			path:   "ip_addresses/:ip_address/unallocate",
			id:     "CoreAPI/Endpoints/IPAddresses/UnallocateEndpoint",
			scopes: scopesIPAddressesWrite,
			args:   []argSpec{ipAddressLookup("The IP address to unallocate")},
			handle: unallocateIPAddressHandler,
		},
		{
			method: http.MethodGet,
			path:   "virtual_machine_network_interfaces/:virtual_machine_network_interface",
			id:     "CoreAPI/Endpoints/VirtualMachineNetworkInterfaces/InfoEndpoint",
			scopes: scopesVirtualMachinesRead,
			args:   []argSpec{interfaceLookup("The network interface to show the information for.")},
			handle: getInterfaceHandler,
		},
		{
			method: http.MethodPost,
			path:   "virtual_machine_network_interfaces/:virtual_machine_network_interface/allocate_new_ip",
			id:     "CoreAPI/Endpoints/VirtualMachineNetworkInterfaces/AllocateNewIPEndpoint",
			scopes: scopesIPAddressesWrite,
			args: []argSpec{
				interfaceLookup("The network interface to allocate the new IP to"),
				addressVersionArg("The IP address version to use for the new IP"),
			},
			handle: allocateNewIPHandler,
		},
	}
}

// lookupArg declares a required lookup argument: the object called name,
// found by exactly one of keys, the first of which a path segment fills.
// set is the lookup's schema name, as in "IPAddressLookup".
func lookupArg(name, set, description string, keys ...string) argSpec {
	return argSpec{
		name:        name,
		kind:        kindLookup,
		required:    true,
		description: description,
		keys:        keys,
		set:         "CoreAPI/ArgumentSets/" + set,
	}
}

func ipAddressLookup(description string) argSpec {
	return lookupArg("ip_address", "IPAddressLookup", description, "id", "address")
}

func interfaceLookup(description string) argSpec {
	return lookupArg("virtual_machine_network_interface", "VirtualMachineNetworkInterfaceLookup", description, "id")
}

func addressVersionArg(description string) argSpec {
	return argSpec{
		name:        "address_version",
		kind:        kindEnum,
		required:    true,
		description: description,
		values:      []string{"ipv4", "ipv6"},
	}
}
