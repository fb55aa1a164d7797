package api

import (
	"github.com/ipd/ipd/internal/service"
)

type ipAddressResponse struct {
	IPAddress ipAddressJSON `json:"ip_address"`
}

type ipAddressInfoResponse struct {
	IPAddress  ipAddressJSON   `json:"ip_address"`
	Allocation *allocationJSON `json:"allocation"`
}

// getIPAddressHandler serves GET ip_addresses/:ip_address.
func getIPAddressHandler(h *Handler, c *call) (any, error) {
	a, err := h.svc.Address(c.ctx, c.caller, addressLookup(c.args.lookup("ip_address")))
	if err != nil {
		return nil, err
	}

	return ipAddressInfoResponse{IPAddress: h.presentAddress(a), Allocation: presentAllocation(a)}, nil
}

// addressLookup turns a parsed ip_address lookup into the service's form.
func addressLookup(l lookupValue) service.AddressLookup {
	if l.key == "address" {
		return service.AddressLookup{Addr: l.addr}
	}
	return service.AddressLookup{ID: l.value}
}

// emptyResponse is the {} production answers unallocate and delete with.
type emptyResponse struct{}

// unallocateIPAddressHandler serves POST ip_addresses/:ip_address/unallocate.
func unallocateIPAddressHandler(h *Handler, c *call) (any, error) {
	if err := h.svc.Unallocate(c.ctx, c.caller, addressLookup(c.args.lookup("ip_address"))); err != nil {
		return nil, err
	}
	return emptyResponse{}, nil
}

// deleteIPAddressHandler serves DELETE ip_addresses/:ip_address.
func deleteIPAddressHandler(h *Handler, c *call) (any, error) {
	if err := h.svc.DeleteAddress(c.ctx, c.caller, addressLookup(c.args.lookup("ip_address"))); err != nil {
		return nil, err
	}
	return emptyResponse{}, nil
}
