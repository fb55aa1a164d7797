package api

import (
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
)

// The JSON shapes of the API's objects, field for field and in the order
// production sends them. A nullable field is a pointer, so that it is
// emitted as null rather than left out.

type countryJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ISOCode2 string `json:"iso_code2"`
	ISOCode3 string `json:"iso_code3"`
	TimeZone string `json:"time_zone"`
	EU       bool   `json:"eu"`
}

type dataCenterJSON struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Permalink string      `json:"permalink"`
	Country   countryJSON `json:"country"`
}

type networkJSON struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Permalink  string         `json:"permalink"`
	Default    bool           `json:"default"`
	DataCenter dataCenterJSON `json:"data_center"`
}

type subnetJSON struct {
	ID       string  `json:"id"`
	Address  string  `json:"address"`
	Gateway  *string `json:"gateway"`
	Mask     int     `json:"mask"`
	Billable bool    `json:"billable"`
	Version  int     `json:"version"`
}

type ipAddressJSON struct {
	ID              string      `json:"id"`
	Address         string      `json:"address"`
	ReverseDNS      string      `json:"reverse_dns"`
	VIP             bool        `json:"vip"`
	Label           *string     `json:"label"`
	AddressWithMask string      `json:"address_with_mask"`
	Network         networkJSON `json:"network"`
	Subnet          subnetJSON  `json:"subnet"`
	AllocationID    *string     `json:"allocation_id"`
	AllocationType  *string     `json:"allocation_type"`
}

// idName is the reduced form of an object that production nests as just
// its ID and name.
type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type idAddress struct {
	ID      string `json:"id"`
	Address string `json:"address"`
}

type allocationJSON struct {
	Type  string `json:"type"`
	Value idName `json:"value"`
}

// allocatedInterfaceJSON is an interface as allocate_ip and the
// interface-on-a-network lookup show it.
type allocatedInterfaceJSON struct {
	ID             string      `json:"id"`
	VirtualMachine idName      `json:"virtual_machine"`
	Name           string      `json:"name"`
	Network        idName      `json:"network"`
	VirtualNetwork *idName     `json:"virtual_network"`
	MACAddress     string      `json:"mac_address"`
	State          string      `json:"state"`
	IPAddresses    []idAddress `json:"ip_addresses"`
}

// interfaceJSON is an interface as GET shows it.
type interfaceJSON struct {
	allocatedInterfaceJSON

	// TODO: ipd keeps no speed profiles, so speed_profile, an object in
	// production, is always null until interfaces carry one.
	SpeedProfile *idName `json:"speed_profile"`
}

type apiTokenJSON struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	OrganizationID        string   `json:"organization_id"`
	AuthorizedIPAddresses []string `json:"authorized_ip_addresses"`
	ExpiresAt             *int64   `json:"expires_at"`
	RateLimit             int      `json:"rate_limit"`
	Scopes                []string `json:"scopes"`

	// Secret is null except in the create or regenerate response that
	// made it.
	Secret *string `json:"secret"`
}

// presentEach shows every item of a list with present, as a JSON array:
// [] rather than null when the list is empty, as production sends.
func presentEach[T, J any](items []T, present func(T) J) []J {
	out := make([]J, len(items))
	for i, item := range items {
		out[i] = present(item)
	}
	return out
}

// allocationTypeVM is the one allocation type production shows.
const allocationTypeVM = "VirtualMachine"

func presentCountry(c domain.Country) countryJSON {
	return countryJSON{
		ID:       c.ID,
		Name:     c.Name,
		ISOCode2: c.ISOCode2,
		ISOCode3: c.ISOCode3,
		TimeZone: c.TimeZone,
		EU:       c.EU,
	}
}

func presentDataCenter(d domain.DataCenter) dataCenterJSON {
	return dataCenterJSON{ID: d.ID, Name: d.Name, Permalink: d.Permalink, Country: presentCountry(d.Country)}
}

func presentNetwork(n domain.Network) networkJSON {
	return networkJSON{
		ID:         n.ID,
		Name:       n.Name,
		Permalink:  n.Permalink,
		Default:    n.Default,
		DataCenter: presentDataCenter(n.DataCenter),
	}
}

// presentAddress shows an address with its network and subnet; its
// reverse DNS name is the one the service says it has now.
func (h *Handler) presentAddress(a domain.Address) ipAddressJSON {
	out := ipAddressJSON{
		ID:              a.ID,
		Address:         a.Addr.String(),
		ReverseDNS:      h.svc.ReverseDNS(a),
		VIP:             a.VIP,
		Label:           optional(a.Label),
		AddressWithMask: a.AddrWithMask().String(),
		Network:         presentNetwork(a.Network),
		Subnet:          presentSubnet(a),
	}
	if a.Interface != nil {
		vmType := allocationTypeVM
		out.AllocationID = &a.Interface.VirtualMachineID
		out.AllocationType = &vmType
	}
	return out
}

func presentSubnet(a domain.Address) subnetJSON {
	var gateway *string
	if a.Gateway.IsValid() {
		text := a.Gateway.String()
		gateway = &text
	}
	return subnetJSON{
		ID:       a.PoolID,
		Address:  a.Prefix.Addr().String(),
		Gateway:  gateway,
		Mask:     a.Prefix.Bits(),
		Billable: true,
		Version:  int(a.Version()),
	}
}

// presentAllocation shows what an address is allocated to, in production's
// polymorph form, or nil.
func presentAllocation(a domain.Address) *allocationJSON {
	if a.Interface == nil {
		return nil
	}
	vm := a.Interface.VirtualMachine
	return &allocationJSON{Type: allocationTypeVM, Value: idName{ID: vm.ID, Name: vm.Name}}
}

func presentInterface(i domain.Interface, addrs []domain.Address) interfaceJSON {
	ips := make([]idAddress, len(addrs))
	for n, a := range addrs {
		ips[n] = idAddress{ID: a.ID, Address: a.Addr.String()}
	}
	return interfaceJSON{allocatedInterfaceJSON: allocatedInterfaceJSON{
		ID:             i.ID,
		VirtualMachine: idName{ID: i.VirtualMachine.ID, Name: i.VirtualMachine.Name},
		Name:           i.Name(),
		Network:        idName{ID: i.Network.ID, Name: i.Network.Name},
		MACAddress:     i.MACAddress,
		State:          i.State,
		IPAddresses:    ips,
	}}
}

// presentAPIToken shows a token with its secret, or with a null secret
// when secret is "".
func presentAPIToken(t domain.APIToken, secret string) apiTokenJSON {
	networks := make([]string, len(t.AuthorizedNetworks))
	for i, p := range t.AuthorizedNetworks {
		networks[i] = presentAuthorizedNetwork(p)
	}
	var expires *int64
	if !t.ExpiresAt.IsZero() {
		expires = new(t.ExpiresAt.Unix())
	}
	return apiTokenJSON{
		ID:                    t.ID,
		Name:                  t.Name,
		OrganizationID:        t.OrganizationID,
		AuthorizedIPAddresses: networks,
		ExpiresAt:             expires,
		RateLimit:             t.RateLimit,
		Scopes:                append([]string{}, t.Scopes...),
		Secret:                optional(secret),
	}
}

// presentAuthorizedNetwork shows a prefix of one address as the address
// alone, as a customer gives it, and any other prefix in CIDR form.
func presentAuthorizedNetwork(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}
