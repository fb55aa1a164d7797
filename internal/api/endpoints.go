package api

import "net/http"

// The scope sets of the API's endpoints: a token needs at least one scope
// of the set. Reads also accept the ":read" form of the write scope.
var (
	scopesAPITokensRead       = []string{"api_tokens", "api_tokens:read"}
	scopesAPITokensWrite      = []string{"api_tokens"}
	scopesIPAddressesRead     = []string{"ip_addresses", "ip_addresses:read"}
	scopesIPAddressesWrite    = []string{"ip_addresses"}
	scopesOrganizationsRead   = []string{"organizations:read"}
	scopesVirtualMachinesRead = []string{"virtual_machines", "virtual_machines:read"}
)

// endpoints returns every operation the API serves: the whole route table
// on one screen. Paths are below /core/v1/ and name each argument a path
// segment may carry.
func endpoints() []*endpoint {
	return []*endpoint{
		{
			method: http.MethodGet,
			path:   "countries",
			id:     "CoreAPI/Endpoints/Countries/ListEndpoint",
			args:   pageArgs(),
			handle: listCountriesHandler,
		},
		{
			method: http.MethodGet,
			path:   "countries/:country",
			id:     "CoreAPI/Endpoints/Countries/InfoEndpoint",
			args:   []argSpec{countryLookup("The country to return.")},
			handle: getCountryHandler,
		},
		{
			method: http.MethodGet,
			path:   "data_centers",
			id:     "CoreAPI/Endpoints/DataCenters/ListEndpoint",
			handle: listDataCentersHandler,
		},
		{
			method: http.MethodGet,
			path:   "data_centers/:data_center",
			id:     "CoreAPI/Endpoints/DataCenters/InfoEndpoint",
			args:   []argSpec{dataCenterLookup("")},
			handle: getDataCenterHandler,
		},
		{
			method: http.MethodGet,
			path:   "data_centers/:data_center/default_network",
			id:     "CoreAPI/Endpoints/DataCenters/DefaultNetworkEndpoint",
			args:   []argSpec{dataCenterLookup("")},
			handle: getDefaultNetworkHandler,
		},
		{
			method: http.MethodGet,
			path:   "networks/:network",
			id:     "CoreAPI/Endpoints/Networks/InfoEndpoint",
			args:   []argSpec{networkLookup("The network to return.")},
			handle: getNetworkHandler,
		},
		{
			method: http.MethodGet,
			path:   "organizations/:organization/available_networks",
			id:     "CoreAPI/Endpoints/Networks/ListEndpoint",
			args:   []argSpec{organizationLookup("")},
			handle: listAvailableNetworksHandler,
		},
		{
			method: http.MethodGet,
			path:   "organizations",
			id:     "CoreAPI/Endpoints/Organizations/ListEndpoint",
			scopes: scopesOrganizationsRead,
			handle: listOrganizationsHandler,
		},
		{
			method: http.MethodGet,
			path:   "organizations/:organization",
			id:     "CoreAPI/Endpoints/Organizations/InfoEndpoint",
			scopes: scopesOrganizationsRead,
			args:   []argSpec{organizationLookup("")},
			handle: getOrganizationHandler,
		},
		{
			method: http.MethodGet,
			path:   "organizations/:organization/api_tokens",
			id:     "CoreAPI/Endpoints/APITokens/ListEndpoint",
			scopes: scopesAPITokensRead,
			args: append(
				[]argSpec{organizationLookup("The organization to list API tokens for.")},
				pageArgs()...,
			),
			handle: listAPITokensHandler,
		},
		{
			method: http.MethodPost,
			path:   "organizations/:organization/api_tokens",
			id:     "CoreAPI/Endpoints/APITokens/CreateEndpoint",
			scopes: scopesAPITokensWrite,
			args: []argSpec{
				organizationLookup("The organization to create the API token in"),
				apiTokenPropertiesArg("The properties of the new API token"),
			},
			handle: createAPITokenHandler,
		},
		{
			method: http.MethodPatch,
			path:   "api_tokens/:api_token",
			id:     "CoreAPI/Endpoints/APITokens/UpdateEndpoint",
			scopes: scopesAPITokensWrite,
			args: []argSpec{
				apiTokenLookup("The API token to update"),
				apiTokenPropertiesArg("The properties of the API token to change"),
			},
			handle: updateAPITokenHandler,
		},
		{
			method: http.MethodDelete,
			path:   "api_tokens/:api_token",
			id:     "CoreAPI/Endpoints/APITokens/DeleteEndpoint",
			scopes: scopesAPITokensWrite,
			args:   []argSpec{apiTokenLookup("The API token to delete")},
			handle: deleteAPITokenHandler,
		},
		{
			method: http.MethodPost,
			path:   "api_tokens/:api_token/regenerate_secret",
			id:     "CoreAPI/Endpoints/APITokens/RegenerateSecretEndpoint",
			scopes: scopesAPITokensWrite,
			args:   []argSpec{apiTokenLookup("The API token to regenerate the secret of")},
			handle: regenerateAPITokenSecretHandler,
		},
		{
			method: http.MethodGet,
			path:   "organizations/:organization/ip_addresses",
			id:     "CoreAPI/Endpoints/Organizations/IPAddressesEndpoint",
			scopes: scopesIPAddressesRead,
			args: append([]argSpec{
				organizationLookup("The organization to use when looking up IP addresses."),
				{name: "allocated", kind: kindBool, description: "If true, only return allocated IP addresss. " +
					"If false, only return unallocated IP addresses."},
			}, pageArgs()...),
			handle: listIPAddressesHandler,
		},
		{
			method: http.MethodPost,
			path:   "organizations/:organization/ip_addresses",
			id:     "CoreAPI/Endpoints/Organizations/CreateIPAddressEndpoint",
			scopes: scopesIPAddressesWrite,
			args: []argSpec{
				organizationLookup("The organization to create the IP address in"),
				networkLookup("The network to allocate the IP address from"),
				addressVersionArg("version", "The IP address version to create"),
				{name: "vip", kind: kindBool, description: "Whether or not to set this address as a VIP"},
				{name: "label", kind: kindString, description: "The label to give this address if setting it as a VIP"},
			},
			handle: createIPAddressHandler,
		},
		{
			method: http.MethodGet,
			path:   "ip_addresses/:ip_address",
			id:     "CoreAPI/Endpoints/IPAddresses/InfoEndpoint",
			scopes: scopesIPAddressesRead,
			args:   []argSpec{ipAddressLookup("The IP address to find.")},
			handle: getIPAddressHandler,
		},
		{
			method: http.MethodPatch,
			path:   "ip_addresses/:ip_address",
			id:     "CoreAPI/Endpoints/IPAddresses/UpdateEndpoint",
			scopes: scopesIPAddressesWrite,
			args: []argSpec{
				ipAddressLookup("The IP address to update"),
				{name: "vip", kind: kindBool, description: "Whether or not to set this address as a VIP"},
				{name: "label", kind: kindString, description: "The label to give this address if setting it as a VIP"},
				{name: "reverse_dns", kind: kindString, description: "The reverse DNS to set for this IP address"},
			},
			handle: updateIPAddressHandler,
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
			path:   "organizations/:organization/virtual_machines",
			id:     "CoreAPI/Endpoints/Organizations/VirtualMachinesEndpoint",
			scopes: scopesVirtualMachinesRead,
			args: append([]argSpec{organizationLookup("The organization to list virtual machines of")},
				pageArgs()...),
			handle: listVirtualMachinesHandler,
		},
		{
			method: http.MethodGet,
			path:   "virtual_machines/:virtual_machine",
			id:     "CoreAPI/Endpoints/VirtualMachines/InfoEndpoint",
			scopes: scopesVirtualMachinesRead,
			args:   []argSpec{virtualMachineLookup("The virtual machine to return")},
			handle: getVirtualMachineHandler,
		},
		{
			method: http.MethodPost,
			path:   "virtual_machines/:virtual_machine/allocate_ip",
			id:     "CoreAPI/Endpoints/VirtualMachines/AllocateIPEndpoint",
			scopes: scopesIPAddressesWrite,
			args: []argSpec{
				virtualMachineLookup("The virtual machine to allocate the IP address to"),
				ipAddressLookup("The IP address to allocate"),
			},
			handle: allocateIPToVirtualMachineHandler,
		},
		{
			method: http.MethodGet,
			path:   "virtual_machines/:virtual_machine/network_interfaces",
			id:     "CoreAPI/Endpoints/VirtualMachines/NetworkInterfacesEndpoint",
			scopes: scopesVirtualMachinesRead,
			args: append([]argSpec{virtualMachineLookup("The virtual machine to list the network interfaces of")},
				pageArgs()...),
			handle: listInterfacesHandler,
		},
		{
			method: http.MethodGet,
			path:   "virtual_machines/:virtual_machine/networks/:network/interface",
			id:     "CoreAPI/Endpoints/VirtualMachines/NetworkInterfaceEndpoint",
			scopes: scopesVirtualMachinesRead,
			args: []argSpec{
				virtualMachineLookup("The virtual machine to find the interface of"),
				networkLookup("The network to find the interface on"),
			},
			handle: interfaceOnNetworkHandler,
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
			method: http.MethodGet,
			path: "virtual_machine_network_interfaces/:virtual_machine_network_interface/" +
				"available_ips/:address_version",
			id:     "CoreAPI/Endpoints/VirtualMachineNetworkInterfaces/AvailableIPsEndpoint",
			scopes: scopesIPAddressesRead,
			args: []argSpec{
				interfaceLookup("The network interface to return the available IPs for"),
				addressVersionArg("address_version", "The IP address version to return"),
			},
			handle: availableIPsHandler,
		},
		{
			method: http.MethodPost,
			path:   "virtual_machine_network_interfaces/:virtual_machine_network_interface/allocate_ip",
			id:     "CoreAPI/Endpoints/VirtualMachineNetworkInterfaces/AllocateIPEndpoint",
			scopes: scopesIPAddressesWrite,
			args: []argSpec{
				interfaceLookup("The network interface to allocate the IP to"),
				ipAddressLookup("The IP address to allocate"),
			},
			handle: allocateIPHandler,
		},
		{
			method: http.MethodPost,
			path:   "virtual_machine_network_interfaces/:virtual_machine_network_interface/allocate_new_ip",
			id:     "CoreAPI/Endpoints/VirtualMachineNetworkInterfaces/AllocateNewIPEndpoint",
			scopes: scopesIPAddressesWrite,
			args: []argSpec{
				interfaceLookup("The network interface to allocate the new IP to"),
				addressVersionArg("address_version", "The IP address version to use for the new IP"),
			},
			handle: allocateNewIPHandler,
		},
		{
			method: http.MethodGet,
			path:   "users/current",
			id:     "CoreAPI/Endpoints/Users/CurrentEndpoint",
			handle: getCurrentUserHandler,
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

func countryLookup(description string) argSpec {
	return lookupArg("country", "CountryLookup", description, "id", "iso_code2", "iso_code3")
}

func dataCenterLookup(description string) argSpec {
	return lookupArg("data_center", "DataCenterLookup", description, "id", "permalink")
}

func networkLookup(description string) argSpec {
	return lookupArg("network", "NetworkLookup", description, "id", "permalink")
}

func organizationLookup(description string) argSpec {
	return lookupArg("organization", "OrganizationLookup", description, "id", "sub_domain")
}

func apiTokenLookup(description string) argSpec {
	return lookupArg("api_token", "APITokenLookup", description, "id")
}

func ipAddressLookup(description string) argSpec {
	return lookupArg("ip_address", "IPAddressLookup", description, "id", "address")
}

func interfaceLookup(description string) argSpec {
	return lookupArg("virtual_machine_network_interface", "VirtualMachineNetworkInterfaceLookup", description, "id")
}

func virtualMachineLookup(description string) argSpec {
	return lookupArg("virtual_machine", "VirtualMachineLookup", description, "id", "fqdn")
}

// addressVersionArg declares a required "ipv4" or "ipv6" argument.
func addressVersionArg(name, description string) argSpec {
	return argSpec{
		name:        name,
		kind:        kindEnum,
		required:    true,
		description: description,
		values:      []string{"ipv4", "ipv6"},
	}
}

// apiTokenPropertiesArg declares the required "properties" of a token's
// create or update; every field in it is optional.
func apiTokenPropertiesArg(description string) argSpec {
	return argSpec{
		name:        "properties",
		kind:        kindObject,
		required:    true,
		description: description,
		set:         "CoreAPI/ArgumentSets/APITokenArguments",
		fields: []argSpec{
			{name: "name", kind: kindString},
			{name: "authorized_ip_addresses", kind: kindStrings},
			{name: "expires_at", kind: kindInt, nullable: true},
			{name: "scopes", kind: kindStrings},
		},
	}
}
