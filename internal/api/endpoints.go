package api

import "net/http"

// The scope sets of the API's endpoints: a token needs at least one scope
// of the set. Reads also accept the ":read" form of the write scope.
var (
	scopesAPITokensRead       = []string{"api_tokens", "api_tokens:read"}
	scopesAPITokensWrite      = []string{"api_tokens"}
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

func addressVersionArg(description string) argSpec {
	return argSpec{
		name:        "address_version",
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
