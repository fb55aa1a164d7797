package api

import (
	"github.com/ipd/ipd/internal/ipam"
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

type ipAddressListItemJSON struct {
	ID             string  `json:"id"`
	Address        string  `json:"address"`
	ReverseDNS     string  `json:"reverse_dns"`
	VIP            bool    `json:"vip"`
	AllocationID   *string `json:"allocation_id"`
	AllocationType *string `json:"allocation_type"`
}

type ipAddressListResponse struct {
	Pagination  paginationJSON          `json:"pagination"`
	IPAddresses []ipAddressListItemJSON `json:"ip_addresses"`
}

// listIPAddressesHandler serves GET organizations/:organization/ip_addresses.
func listIPAddressesHandler(h *Handler, c *call) (any, error) {
	page := c.args.page()
	addrs, total, err := h.svc.Addresses(c.ctx, c.caller, c.args.lookupOf("organization"),
		c.args.optionalBool("allocated"), page)
	if err != nil {
		return nil, err
	}

	items := make([]ipAddressListItemJSON, len(addrs))
	for i, a := range addrs {
		full := h.presentAddress(a)
		items[i] = ipAddressListItemJSON{
			ID:             full.ID,
			Address:        full.Address,
			ReverseDNS:     full.ReverseDNS,
			VIP:            full.VIP,
			AllocationID:   full.AllocationID,
			AllocationType: full.AllocationType,
		}
	}
	return ipAddressListResponse{Pagination: presentPagination(page, total), IPAddresses: items}, nil
}

// createIPAddressHandler serves POST organizations/:organization/ip_addresses.
func createIPAddressHandler(h *Handler, c *call) (any, error) {
	version, err := ipam.ParseVersion(c.args.str("version"))
	if err != nil {
		return nil, err
	}

	a, err := h.svc.CreateAddress(c.ctx, c.caller, service.CreateAddressParams{
		Organization: c.args.lookupOf("organization"),
		Network:      c.args.lookupOf("network"),
		Version:      version,
		VIP:          c.args.boolean("vip"),
		Label:        c.args.str("label"),
	})
	if err != nil {
		return nil, err
	}
	return ipAddressResponse{IPAddress: h.presentAddress(a)}, nil
}

// updateIPAddressHandler serves PATCH ip_addresses/:ip_address.
func updateIPAddressHandler(h *Handler, c *call) (any, error) {
	a, err := h.svc.UpdateAddress(c.ctx, c.caller, addressLookup(c.args.lookup("ip_address")),
		service.UpdateAddressParams{
			VIP:        c.args.optionalBool("vip"),
			Label:      c.args.optionalString("label"),
			ReverseDNS: c.args.optionalString("reverse_dns"),
		})
	if err != nil {
		return nil, err
	}
	return ipAddressResponse{IPAddress: h.presentAddress(a)}, nil
}
