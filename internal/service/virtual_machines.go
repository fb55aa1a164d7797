package service

import (
	"context"
	"errors"

	"github.com/ipd/ipd/internal/domain"
)

// VirtualMachine returns the virtual machine whose key ("id" or "fqdn")
// equals value, with its organization and the addresses allocated to it,
// if it is the caller's; otherwise a NotFoundError.
func (s *Service) VirtualMachine(
	ctx context.Context, c Caller, l Lookup,
) (domain.VirtualMachine, domain.Organization, []domain.Address, error) {
	vm, err := s.ownVirtualMachine(ctx, c, l)
	if err != nil {
		return domain.VirtualMachine{}, domain.Organization{}, nil, err
	}
	org, err := s.store.OrganizationGetBy(ctx, "id", vm.OrganizationID)
	if err != nil {
		return domain.VirtualMachine{}, domain.Organization{}, nil, err
	}
	addrs, err := s.store.VirtualMachineAddresses(ctx, vm.ID)
	if err != nil {
		return domain.VirtualMachine{}, domain.Organization{}, nil, err
	}
	return vm, org, addrs, nil
}

func (s *Service) ownVirtualMachine(ctx context.Context, c Caller, l Lookup) (domain.VirtualMachine, error) {
	vm, err := s.store.VirtualMachineGetBy(ctx, l.Key, l.Value)
	if err == nil && vm.OrganizationID != c.OrganizationID() {
		err = domain.ErrNotFound
	}
	return vm, notFound(err, "virtual_machine")
}

// VirtualMachineListing is one virtual machine of a list with the
// addresses allocated to it.
type VirtualMachineListing struct {
	domain.VirtualMachine
	Addresses []domain.Address
}

// VirtualMachines returns a page of the organization's virtual machines
// and how many it has in all.
func (s *Service) VirtualMachines(
	ctx context.Context, c Caller, org Lookup, page domain.Page,
) ([]VirtualMachineListing, int, error) {
	o, err := s.Organization(ctx, c, org.Key, org.Value)
	if err != nil {
		return nil, 0, err
	}
	vms, total, err := s.store.VirtualMachineList(ctx, o.ID, page)
	if err != nil {
		return nil, 0, err
	}

	out := make([]VirtualMachineListing, len(vms))
	for i, vm := range vms {
		addrs, err := s.store.VirtualMachineAddresses(ctx, vm.ID)
		if err != nil {
			return nil, 0, err
		}
		out[i] = VirtualMachineListing{VirtualMachine: vm, Addresses: addrs}
	}
	return out, total, nil
}

// InterfaceListing is one interface of a list with the addresses
// allocated to it.
type InterfaceListing struct {
	domain.Interface
	Addresses []domain.Address
}

// Interfaces returns a page of the virtual machine's interfaces and how
// many it has in all.
func (s *Service) Interfaces(
	ctx context.Context, c Caller, vm Lookup, page domain.Page,
) ([]InterfaceListing, int, error) {
	v, err := s.ownVirtualMachine(ctx, c, vm)
	if err != nil {
		return nil, 0, err
	}
	addrs, err := s.store.VirtualMachineAddresses(ctx, v.ID)
	if err != nil {
		return nil, 0, err
	}
	ifaces, total, err := s.store.InterfaceList(ctx, v.ID, page)
	if err != nil {
		return nil, 0, err
	}

	out := make([]InterfaceListing, len(ifaces))
	for i, iface := range ifaces {
		out[i].Interface = iface
		for _, a := range addrs {
			if a.Interface.ID == iface.ID {
				out[i].Addresses = append(out[i].Addresses, a)
			}
		}
	}
	return out, total, nil
}

// InterfaceOnNetwork returns the virtual machine's interface on the
// network, with its addresses.
func (s *Service) InterfaceOnNetwork(
	ctx context.Context, c Caller, vm, network Lookup,
) (domain.Interface, []domain.Address, error) {
	v, err := s.ownVirtualMachine(ctx, c, vm)
	if err != nil {
		return domain.Interface{}, nil, err
	}
	n, err := s.store.NetworkGetBy(ctx, network.Key, network.Value)
	if err != nil {
		return domain.Interface{}, nil, notFound(err, "network")
	}
	iface, err := s.store.InterfaceGetByNetwork(ctx, v.ID, n.ID)
	if err != nil {
		return domain.Interface{}, nil, notFound(err, "interface")
	}
	return s.withAddresses(ctx, iface)
}

// AllocateIPToVirtualMachine allocates an existing address of the
// caller's to the virtual machine's interface on the address's network,
// and returns the address. It returns domain.ErrNoInterface when the
// machine has no interface there.
func (s *Service) AllocateIPToVirtualMachine(
	ctx context.Context, c Caller, vm Lookup, l AddressLookup,
) (domain.Address, error) {
	v, err := s.ownVirtualMachine(ctx, c, vm)
	if err != nil {
		return domain.Address{}, err
	}
	a, err := s.Address(ctx, c, l)
	if err != nil {
		return domain.Address{}, err
	}
	iface, err := s.store.InterfaceGetByNetwork(ctx, v.ID, a.Network.ID)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Address{}, domain.ErrNoInterface
	}
	if err != nil {
		return domain.Address{}, err
	}

	if err := s.allocate(ctx, a, iface); err != nil {
		return domain.Address{}, err
	}
	return s.store.AddressGet(ctx, a.ID)
}
