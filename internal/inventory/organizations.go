package inventory

import (
	"context"
	"fmt"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// organizations plans the organizations with their virtual machines and
// interfaces. Deleting an organization deletes what it owns, and deleting
// a virtual machine its interfaces, so the plan lists only the outermost
// delete.
func (p *planner) organizations(inv Inventory) error {
	have, err := p.svc.AllOrganizations(p.ctx)
	if err != nil {
		return err
	}
	pairs, extra, err := match(p, kindOrganization,
		inv.Organizations, func(o Organization) string { return o.SubDomain },
		have, func(o domain.Organization) string { return o.SubDomain })
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if err := p.organization(m); err != nil {
			return fmt.Errorf("organization %s: %w", m.want.SubDomain, err)
		}
	}
	for _, o := range extra {
		p.delete(kindOrganization, o.SubDomain, func(ctx context.Context) error {
			return p.svc.DeleteOrganization(ctx, o.ID)
		})
	}
	return nil
}

func (p *planner) organization(m pair[Organization, domain.Organization]) error {
	o, old := m.want, m.have
	zone := o.infrastructureDomain()
	if !m.found {
		spec := service.OrganizationSpec{
			Name: &o.Name, SubDomain: &o.SubDomain, InfrastructureDomain: &zone,
		}
		p.create(kindOrganization, o.SubDomain, func(ctx context.Context) (string, error) {
			created, err := p.svc.CreateOrganization(ctx, spec)
			return created.ID, err
		})
		return p.virtualMachines(o, nil)
	}

	p.ids[ref{kindOrganization, o.SubDomain}] = old.ID
	var spec service.OrganizationSpec
	var f fields
	change(&f, "name", old.Name, o.Name, &spec.Name)
	change(&f, "infrastructure_domain", old.InfrastructureDomain, zone, &spec.InfrastructureDomain)
	p.update(kindOrganization, o.SubDomain, f, func(ctx context.Context) error {
		return errOf(p.svc.UpdateOrganization(ctx, old.ID, spec))
	})

	vms, err := everything(func(page domain.Page) ([]domain.VirtualMachine, int, error) {
		return p.svc.OrganizationVirtualMachines(p.ctx, old.ID, page)
	})
	if err != nil {
		return err
	}
	return p.virtualMachines(o, vms)
}

func (o Organization) infrastructureDomain() string {
	if o.InfrastructureDomain != "" {
		return o.InfrastructureDomain
	}
	return o.SubDomain + ".katapult.cloud"
}

// virtualMachines plans the virtual machines of the organization o: those
// the file lists, and have, those the database holds.
func (p *planner) virtualMachines(o Organization, have []domain.VirtualMachine) error {
	key := func(hostname string) string { return hostname + " of " + o.SubDomain }
	pairs, extra, err := match(p, kindVirtualMachine,
		o.VirtualMachines, func(vm VirtualMachine) string { return key(vm.Hostname) },
		have, func(vm domain.VirtualMachine) string { return key(vm.Hostname) })
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if err := p.virtualMachine(o.SubDomain, key(m.want.Hostname), m); err != nil {
			return fmt.Errorf("virtual machine %s: %w", m.want.Hostname, err)
		}
	}
	if o.VirtualMachines == nil {
		// The file leaves this organization's machines to the operator
		// API: see the package doc.
		return nil
	}
	for _, vm := range extra {
		p.delete(kindVirtualMachine, key(vm.Hostname), func(ctx context.Context) error {
			return p.svc.DeleteVirtualMachine(ctx, vm.ID)
		})
	}
	return nil
}

func (p *planner) virtualMachine(
	org, key string, m pair[VirtualMachine, domain.VirtualMachine],
) error {
	vm, old := m.want, m.have
	if err := p.need(kindDataCenter, vm.DataCenter); err != nil {
		return err
	}
	if !m.found {
		spec := service.VirtualMachineSpec{Name: &vm.Name, Hostname: &vm.Hostname}
		p.create(kindVirtualMachine, key, func(ctx context.Context) (string, error) {
			spec.OrganizationID = p.ids.of(kindOrganization, org)
			spec.DataCenterID = p.ids.of(kindDataCenter, vm.DataCenter)
			created, err := p.svc.CreateVirtualMachine(ctx, spec)
			return created.ID, err
		})
		return p.interfaces(key, vm.Interfaces, nil)
	}

	// The store keeps a virtual machine in the data center it was made in.
	if old.DataCenter.Permalink != vm.DataCenter {
		return fmt.Errorf("data center cannot change from %s to %s",
			old.DataCenter.Permalink, vm.DataCenter)
	}
	p.ids[ref{kindVirtualMachine, key}] = old.ID
	var spec service.VirtualMachineSpec
	var f fields
	change(&f, "name", old.Name, vm.Name, &spec.Name)
	p.update(kindVirtualMachine, key, f, func(ctx context.Context) error {
		return errOf(p.svc.UpdateVirtualMachine(ctx, old.ID, spec))
	})

	ifaces, err := everything(func(page domain.Page) ([]domain.Interface, int, error) {
		return p.svc.VirtualMachineInterfaces(p.ctx, old.ID, page)
	})
	if err != nil {
		return err
	}
	return p.interfaces(key, vm.Interfaces, ifaces)
}

// interfaces plans the interfaces of the virtual machine vm (its key):
// those the file lists, and have, those the database holds.
func (p *planner) interfaces(vm string, want []Interface, have []domain.Interface) error {
	key := func(network string) string { return network + " on " + vm }
	pairs, extra, err := match(p, kindInterface,
		want, func(i Interface) string { return key(i.Network) },
		have, func(i domain.Interface) string { return key(i.Network.Permalink) })
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if err := p.iface(vm, key(m.want.Network), m); err != nil {
			return fmt.Errorf("interface on %s: %w", m.want.Network, err)
		}
	}
	if want == nil {
		return nil
	}
	for _, i := range extra {
		p.delete(kindInterface, key(i.Network.Permalink), func(ctx context.Context) error {
			return p.svc.DeleteInterface(ctx, i.ID)
		})
	}
	return nil
}

func (p *planner) iface(vm, key string, m pair[Interface, domain.Interface]) error {
	i, old := m.want, m.have
	if err := p.need(kindNetwork, i.Network); err != nil {
		return err
	}
	mac, err := i.macAddress()
	if err != nil {
		return err
	}
	state, err := i.state()
	if err != nil {
		return err
	}

	if !m.found {
		// An empty MAC address is left to the service to make up.
		spec := service.InterfaceSpec{State: &state}
		if mac != "" {
			spec.MACAddress = &mac
		}
		p.create(kindInterface, key, func(ctx context.Context) (string, error) {
			spec.VirtualMachineID = p.ids.of(kindVirtualMachine, vm)
			spec.NetworkID = p.ids.of(kindNetwork, i.Network)
			created, err := p.svc.CreateInterface(ctx, spec)
			return created.ID, err
		})
		return nil
	}

	var spec service.InterfaceSpec
	var f fields
	if mac != "" {
		change(&f, "mac_address", old.MACAddress, mac, &spec.MACAddress)
	}
	change(&f, "state", old.State, state, &spec.State)
	p.update(kindInterface, key, f, func(ctx context.Context) error {
		return errOf(p.svc.UpdateInterface(ctx, old.ID, spec))
	})
	return nil
}

// state returns the interface's state, "attached" when the file gives
// none.
func (i Interface) state() (string, error) {
	switch i.State {
	case "":
		return "attached", nil
	case "attached", "detached":
		return i.State, nil
	}
	return "", fmt.Errorf("state %q is not attached or detached", i.State)
}

// macAddress returns the interface's MAC address in canonical form, or
// "" when the file gives none.
func (i Interface) macAddress() (string, error) {
	if i.MACAddress == "" {
		return "", nil
	}
	mac, err := service.ParseMAC(i.MACAddress)
	if err != nil {
		return "", fmt.Errorf("mac_address %q: %w", i.MACAddress, err)
	}
	return mac, nil
}
