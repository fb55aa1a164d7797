package inventory

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
)

// Result counts the objects Apply created.
type Result struct {
	Created int
}

// Apply creates every object of inv that the store lacks, in dependency
// order, and leaves the ones it has as they are. It stops at the first
// error, naming the object; what it created before stays.
//
// TODO: Apply only creates; updating changed objects, deleting ones the
// file no longer lists and a dry-run plan are still to come.
func Apply(ctx context.Context, st *store.Store, inv Inventory) (Result, error) {
	a := applier{ctx: ctx, st: st}
	steps := []func(Inventory) error{
		a.countries,
		a.dataCenters,
		a.networks,
		a.organizations,
	}
	for _, step := range steps {
		if err := step(inv); err != nil {
			return a.result, err
		}
	}
	return a.result, nil
}

type applier struct {
	ctx    context.Context
	st     *store.Store
	result Result
}

// ensure runs create when get reports that the object does not exist.
func ensure[T any](a *applier, get func() (T, error), create func() (T, error)) (T, error) {
	found, err := get()
	if !errors.Is(err, domain.ErrNotFound) {
		return found, err
	}
	created, err := create()
	if err == nil {
		a.result.Created++
	}
	return created, err
}

func (a *applier) countries(inv Inventory) error {
	for _, c := range inv.Countries {
		_, err := ensure(a,
			func() (domain.Country, error) { return a.st.CountryGetBy(a.ctx, "iso_code2", c.ISOCode2) },
			func() (domain.Country, error) {
				return a.st.CountryCreate(a.ctx, domain.Country{
					Name: c.Name, ISOCode2: c.ISOCode2, ISOCode3: c.ISOCode3, TimeZone: c.TimeZone, EU: c.EU,
				})
			})
		if err != nil {
			return fmt.Errorf("country %s: %w", c.ISOCode2, err)
		}
	}
	return nil
}

func (a *applier) dataCenters(inv Inventory) error {
	for _, dc := range inv.DataCenters {
		country, err := a.st.CountryGetBy(a.ctx, "iso_code2", dc.Country)
		if err != nil {
			return fmt.Errorf("data center %s: country %s: %w", dc.Permalink, dc.Country, err)
		}
		_, err = ensure(a,
			func() (domain.DataCenter, error) { return a.st.DataCenterGetBy(a.ctx, "permalink", dc.Permalink) },
			func() (domain.DataCenter, error) {
				return a.st.DataCenterCreate(a.ctx, domain.DataCenter{
					Name: dc.Name, Permalink: dc.Permalink, Country: country,
				})
			})
		if err != nil {
			return fmt.Errorf("data center %s: %w", dc.Permalink, err)
		}
	}
	return nil
}

func (a *applier) networks(inv Inventory) error {
	for _, n := range inv.Networks {
		network, err := a.network(n)
		if err != nil {
			return fmt.Errorf("network %s: %w", n.Permalink, err)
		}
		if err := a.pools(network, n.Pools); err != nil {
			return fmt.Errorf("network %s: %w", n.Permalink, err)
		}
	}
	return nil
}

func (a *applier) network(n Network) (domain.Network, error) {
	dc, err := a.st.DataCenterGetBy(a.ctx, "permalink", n.DataCenter)
	if err != nil {
		return domain.Network{}, fmt.Errorf("data center %s: %w", n.DataCenter, err)
	}
	return ensure(a,
		func() (domain.Network, error) { return a.st.NetworkGetBy(a.ctx, "permalink", n.Permalink) },
		func() (domain.Network, error) {
			return a.st.NetworkCreate(a.ctx, domain.Network{
				Name: n.Name, Permalink: n.Permalink, Default: n.Default, DataCenter: dc,
			})
		})
}

// pools creates the listed pools the network lacks; a pool's position is
// its place in the list, so allocation tries them in the file's order.
func (a *applier) pools(network domain.Network, pools []Pool) error {
	existing, err := a.st.PoolList(a.ctx, network.ID)
	if err != nil {
		return err
	}
	for position, p := range pools {
		pool, err := p.domainPool(network.ID, position)
		if err != nil {
			return fmt.Errorf("pool %s: %w", p.Prefix, err)
		}
		if hasPrefix(existing, pool.Prefix.String()) {
			continue
		}
		if _, err := a.st.PoolCreate(a.ctx, pool); err != nil {
			return fmt.Errorf("pool %s: %w", p.Prefix, err)
		}
		a.result.Created++
	}
	return nil
}

func hasPrefix(pools []domain.Pool, prefix string) bool {
	for _, p := range pools {
		if p.Prefix.String() == prefix {
			return true
		}
	}
	return false
}

// domainPool parses the pool's text fields.
func (p Pool) domainPool(networkID string, position int) (domain.Pool, error) {
	out := domain.Pool{NetworkID: networkID, Position: position}
	var err error
	if out.Prefix, err = ipam.ParsePrefix(p.Prefix); err != nil {
		return out, err
	}
	if p.Gateway != "" {
		if out.Gateway, err = ipam.ParseAddr(p.Gateway); err != nil {
			return out, fmt.Errorf("gateway: %w", err)
		}
	}
	if out.Ranges, err = parseRanges(p.Ranges); err != nil {
		return out, fmt.Errorf("ranges: %w", err)
	}
	if out.Reserved, err = parseRanges(p.Reserved); err != nil {
		return out, fmt.Errorf("reserved: %w", err)
	}
	if out.Strategy, err = ipam.ParseStrategy(p.Strategy); err != nil {
		return out, err
	}
	out.Reuse, err = ipam.ParseReuse(p.Reuse)
	return out, err
}

func parseRanges(items []string) ([]ipam.Range, error) {
	out := make([]ipam.Range, 0, len(items))
	for _, item := range items {
		r, err := ipam.ParseRange(item)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (a *applier) organizations(inv Inventory) error {
	for _, o := range inv.Organizations {
		org, err := ensure(a,
			func() (domain.Organization, error) { return a.st.OrganizationGetBy(a.ctx, "sub_domain", o.SubDomain) },
			func() (domain.Organization, error) {
				return a.st.OrganizationCreate(a.ctx, domain.Organization{
					Name: o.Name, SubDomain: o.SubDomain, InfrastructureDomain: o.infrastructureDomain(),
				})
			})
		if err != nil {
			return fmt.Errorf("organization %s: %w", o.SubDomain, err)
		}
		for _, vm := range o.VirtualMachines {
			if err := a.virtualMachine(org, vm); err != nil {
				return fmt.Errorf("organization %s: virtual machine %s: %w", o.SubDomain, vm.Hostname, err)
			}
		}
	}
	return nil
}

func (o Organization) infrastructureDomain() string {
	if o.InfrastructureDomain != "" {
		return o.InfrastructureDomain
	}
	return o.SubDomain + ".katapult.cloud"
}

func (a *applier) virtualMachine(org domain.Organization, v VirtualMachine) error {
	dc, err := a.st.DataCenterGetBy(a.ctx, "permalink", v.DataCenter)
	if err != nil {
		return fmt.Errorf("data center %s: %w", v.DataCenter, err)
	}
	vm, err := ensure(a,
		func() (domain.VirtualMachine, error) {
			return a.st.VirtualMachineGetBy(a.ctx, "fqdn", v.Hostname+"."+org.InfrastructureDomain)
		},
		func() (domain.VirtualMachine, error) {
			return a.st.VirtualMachineCreate(a.ctx, domain.VirtualMachine{
				OrganizationID: org.ID, Name: v.Name, Hostname: v.Hostname, DataCenter: dc,
			})
		})
	if err != nil {
		return err
	}
	for _, i := range v.Interfaces {
		if err := a.iface(vm, i); err != nil {
			return fmt.Errorf("interface on %s: %w", i.Network, err)
		}
	}
	return nil
}

func (a *applier) iface(vm domain.VirtualMachine, i Interface) error {
	network, err := a.st.NetworkGetBy(a.ctx, "permalink", i.Network)
	if err != nil {
		return err
	}
	mac, err := i.macAddress()
	if err != nil {
		return err
	}
	_, err = ensure(a,
		func() (domain.Interface, error) { return a.st.InterfaceGetByNetwork(a.ctx, vm.ID, network.ID) },
		func() (domain.Interface, error) {
			return a.st.InterfaceCreate(a.ctx, domain.Interface{
				VirtualMachineID: vm.ID, Network: network, MACAddress: mac, State: i.state(),
			})
		})
	return err
}

func (i Interface) state() string {
	if i.State == "" {
		return "attached"
	}
	return i.State
}

// macAddress returns the interface's MAC address in canonical form, or a
// random locally administered one starting 3a: as production's do.
func (i Interface) macAddress() (string, error) {
	if i.MACAddress != "" {
		mac, err := net.ParseMAC(i.MACAddress)
		if err != nil || len(mac) != 6 {
			return "", fmt.Errorf("mac_address %q is not an Ethernet address", i.MACAddress)
		}
		return mac.String(), nil
	}
	mac := make(net.HardwareAddr, 6)
	rand.Read(mac)
	mac[0] = 0x3a
	return mac.String(), nil
}
