package api

import (
	"github.com/ipd/ipd/internal/ipam"
)

type interfaceResponse struct {
	Interface interfaceJSON `json:"virtual_machine_network_interface"`
}

// getInterfaceHandler serves GET
// virtual_machine_network_interfaces/:virtual_machine_network_interface.
func getInterfaceHandler(h *Handler, c *call) (any, error) {
	id := c.args.lookup("virtual_machine_network_interface").value
	iface, addrs, err := h.svc.Interface(c.ctx, c.caller, id)
	if err != nil {
		return nil, err
	}

	return interfaceResponse{Interface: presentInterface(iface, addrs)}, nil
}

// allocateNewIPHandler serves POST
// virtual_machine_network_interfaces/:virtual_machine_network_interface/allocate_new_ip.
func allocateNewIPHandler(h *Handler, c *call) (any, error) {
	id := c.args.lookup("virtual_machine_network_interface").value
	version, err := ipam.ParseVersion(c.args.str("address_version"))
	if err != nil {
		return nil, err
	}

	a, err := h.svc.AllocateNewIP(c.ctx, c.caller, id, version)
	if err != nil {
		return nil, err
	}

	return ipAddressResponse{IPAddress: h.presentAddress(a)}, nil
}

type ipAddressesResponse struct {
	IPAddresses []ipAddressJSON `json:"ip_addresses"`
}

// availableIPsHandler serves GET
// virtual_machine_network_interfaces/:virtual_machine_network_interface/available_ips/:address_version.
func availableIPsHandler(h *Handler, c *call) (any, error) {
	id := c.args.lookup("virtual_machine_network_interface").value
	version, err := ipam.ParseVersion(c.args.str("address_version"))
	if err != nil {
		return nil, err
	}

	addrs, err := h.svc.AvailableAddresses(c.ctx, c.caller, id, version)
	if err != nil {
		return nil, err
	}
	return ipAddressesResponse{IPAddresses: presentEach(addrs, h.presentAddress)}, nil
}

// allocatedInterfaceResponse is allocate_ip's answer: the interface
// without its speed profile, as production sends it.
type allocatedInterfaceResponse struct {
	Interface allocatedInterfaceJSON `json:"virtual_machine_network_interface"`
}

// allocateIPHandler serves POST
// virtual_machine_network_interfaces/:virtual_machine_network_interface/allocate_ip.
func allocateIPHandler(h *Handler, c *call) (any, error) {
	id := c.args.lookup("virtual_machine_network_interface").value
	iface, addrs, err := h.svc.AllocateIP(c.ctx, c.caller, id, addressLookup(c.args.lookup("ip_address")))
	if err != nil {
		return nil, err
	}
	return allocatedInterfaceResponse{Interface: presentInterface(iface, addrs).allocatedInterfaceJSON}, nil
}
