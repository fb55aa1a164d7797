package domain

import (
	"math"
	"net/netip"
	"time"

	"github.com/ipd/ipd/internal/ipam"
)

// Country is a country data centers are in.
type Country struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ISOCode2 string `json:"iso_code2"`
	ISOCode3 string `json:"iso_code3"`
	TimeZone string `json:"time_zone"`
	EU       bool   `json:"eu"`
}

// DataCenter is a site that hosts networks and virtual machines.
type DataCenter struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Permalink string  `json:"permalink"`
	Country   Country `json:"country"`
}

// Network is a layer-3 network in a data center, from whose pools
// addresses are handed out.
type Network struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Permalink  string     `json:"permalink"`
	Default    bool       `json:"default"`
	DataCenter DataCenter `json:"data_center"`
}

// Pool is one prefix of a network from which addresses are handed out.
type Pool struct {
	ID        string `json:"id"`
	NetworkID string `json:"network_id"`
	ipam.Pool
	Strategy ipam.Strategy `json:"strategy"`
	Reuse    ipam.Reuse    `json:"reuse"`

	// Position orders the pools of one network and version: allocation
	// tries the lowest position first.
	Position int `json:"position"`

	// Allocated counts the addresses of the pool that exist in an
	// organization, allocated to an interface or not.
	Allocated int64 `json:"allocated"`
}

// Organization is a customer account; it owns addresses and virtual
// machines.
type Organization struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	SubDomain string `json:"sub_domain"`

	// InfrastructureDomain is the DNS zone of the organization's virtual
	// machines, such as "acme.katapult.cloud".
	InfrastructureDomain string    `json:"infrastructure_domain"`
	CreatedAt            time.Time `json:"created_at"`
}

// VirtualMachine is a customer's virtual machine. Where an address shows
// the machine it is allocated to, only the ID, name and FQDN are read, so
// the other fields are left out of its JSON when empty.
type VirtualMachine struct {
	ID             string     `json:"id"`
	OrganizationID string     `json:"organization_id,omitzero"`
	Name           string     `json:"name"`
	Hostname       string     `json:"hostname,omitzero"`
	DataCenter     DataCenter `json:"data_center,omitzero"`
	CreatedAt      time.Time  `json:"created_at,omitzero"`

	// FQDN is the hostname in the organization's infrastructure domain.
	FQDN string `json:"fqdn"`
}

// Interface is a virtual machine's network interface on one network.
type Interface struct {
	ID               string         `json:"id"`
	VirtualMachineID string         `json:"virtual_machine_id"`
	VirtualMachine   VirtualMachine `json:"virtual_machine"`
	Network          Network        `json:"network"`
	MACAddress       string         `json:"mac_address"`
	State            string         `json:"state"`
}

// Name returns the interface's display name, "<network> on <vm>".
func (i Interface) Name() string {
	return i.Network.Name + " on " + i.VirtualMachine.Name
}

// Address is an IP address owned by an organization, allocated to an
// interface or to nothing.
type Address struct {
	ID             string     `json:"id"`
	OrganizationID string     `json:"organization_id"`
	Addr           netip.Addr `json:"address"`
	Network        Network    `json:"network"`
	PoolID         string     `json:"pool_id"`

	// Prefix is the pool's prefix; its length is the address's mask.
	Prefix netip.Prefix `json:"prefix"`

	// Gateway is the pool's gateway, or the zero Addr when it has none.
	Gateway netip.Addr `json:"gateway,omitzero"`
	VIP     bool       `json:"vip"`
	Label   string     `json:"label"`

	// ReverseDNS is the PTR name set explicitly for the address, or "" for
	// the default: the virtual machine's FQDN while allocated, otherwise a
	// name derived from the address.
	ReverseDNS string `json:"reverse_dns"`

	// Interface is the interface the address is allocated to, or nil.
	Interface *Interface `json:"interface"`
	CreatedAt time.Time  `json:"created_at"`
}

// APIToken is a customer credential for the Katapult API.
type APIToken struct {
	ID             string   `json:"id"`
	OrganizationID string   `json:"organization_id"`
	Name           string   `json:"name"`
	Scopes         []string `json:"scopes"`

	// AuthorizedNetworks limits the client addresses the token may be used
	// from; empty means anywhere.
	AuthorizedNetworks []netip.Prefix `json:"authorized_networks"`

	// ExpiresAt is when the token stops working; the zero Time means never.
	ExpiresAt time.Time `json:"expires_at,omitzero"`

	// RateLimit is the number of requests per minute the token may make.
	RateLimit int       `json:"rate_limit"`
	CreatedAt time.Time `json:"created_at"`
}

// AddrWithMask returns the address with its pool's prefix length as the
// mask, as in "185.44.252.7/22".
func (a Address) AddrWithMask() netip.Prefix {
	return netip.PrefixFrom(a.Addr, a.Prefix.Bits())
}

// Version returns the address's IP version.
func (a Address) Version() ipam.Version {
	return ipam.VersionOf(a.Addr)
}

// Page is one page of a list: Number counts from 1, and PerPage objects
// make a page.
type Page struct {
	Number  int
	PerPage int
}

// Offset returns how many objects come before the page; past the
// largest int it stays there, which is past every list's end.
func (p Page) Offset() int {
	if p.Number-1 > math.MaxInt/p.PerPage {
		return math.MaxInt
	}
	return (p.Number - 1) * p.PerPage
}
