package domain

import (
	"math"
	"net/netip"
	"time"

	"github.com/ipd/ipd/internal/ipam"
)

// Country is a country data centers are in.
type Country struct {
	ID       string
	Name     string
	ISOCode2 string
	ISOCode3 string
	TimeZone string
	EU       bool
}

// DataCenter is a site that hosts networks and virtual machines.
type DataCenter struct {
	ID        string
	Name      string
	Permalink string
	Country   Country
}

// Network is a layer-3 network in a data center, from whose pools
// addresses are handed out.
type Network struct {
	ID         string
	Name       string
	Permalink  string
	Default    bool
	DataCenter DataCenter
}

// Pool is one prefix of a network from which addresses are handed out.
type Pool struct {
	ID        string
	NetworkID string
	ipam.Pool
	Strategy ipam.Strategy
	Reuse    ipam.Reuse

	// Position orders the pools of one network and version: allocation
	// tries the lowest position first.
	Position int

	// Allocated counts the addresses of the pool that exist in an
	// organization, allocated to an interface or not.
	Allocated int64
}

// Organization is a customer account; it owns addresses and virtual
// machines.
type Organization struct {
	ID        string
	Name      string
	SubDomain string

	// InfrastructureDomain is the DNS zone of the organization's virtual
	// machines, such as "acme.katapult.cloud".
	InfrastructureDomain string
	CreatedAt            time.Time
}

// VirtualMachine is a customer's virtual machine.
type VirtualMachine struct {
	ID             string
	OrganizationID string
	Name           string
	Hostname       string
	DataCenter     DataCenter
	CreatedAt      time.Time

	// FQDN is the hostname in the organization's infrastructure domain.
	FQDN string
}

// Interface is a virtual machine's network interface on one network.
type Interface struct {
	ID               string
	VirtualMachineID string
	VirtualMachine   VirtualMachine
	Network          Network
	MACAddress       string
	State            string
}

// Name returns the interface's display name, "<network> on <vm>".
func (i Interface) Name() string {
	return i.Network.Name + " on " + i.VirtualMachine.Name
}

// Address is an IP address owned by an organization, allocated to an
// interface or to nothing.
type Address struct {
	ID             string
	OrganizationID string
	Addr           netip.Addr
	Network        Network
	PoolID         string

	// Prefix is the pool's prefix; its length is the address's mask.
	Prefix netip.Prefix

	// Gateway is the pool's gateway, or the zero Addr when it has none.
	Gateway netip.Addr
	VIP     bool
	Label   string

	// ReverseDNS is the PTR name set explicitly for the address, or "" for
	// the default: the virtual machine's FQDN while allocated, otherwise a
	// name derived from the address.
	ReverseDNS string

	// Interface is the interface the address is allocated to, or nil.
	Interface *Interface
	CreatedAt time.Time
}

// APIToken is a customer credential for the Katapult API.
type APIToken struct {
	ID             string
	OrganizationID string
	Name           string
	Scopes         []string

	// AuthorizedNetworks limits the client addresses the token may be used
	// from; empty means anywhere.
	AuthorizedNetworks []netip.Prefix

	// ExpiresAt is when the token stops working; the zero Time means never.
	ExpiresAt time.Time

	// RateLimit is the number of requests per minute the token may make.
	RateLimit int
	CreatedAt time.Time
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
