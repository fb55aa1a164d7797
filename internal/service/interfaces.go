package service

import (
	"context"
	"log/slog"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

// Interface returns the interface with the given ID and the addresses
// allocated to it, if its virtual machine belongs to the caller's
// organization; otherwise a NotFoundError.
func (s *Service) Interface(ctx context.Context, c Caller, id string) (domain.Interface, []domain.Address, error) {
	iface, err := s.ownInterface(ctx, c, id)
	if err != nil {
		return domain.Interface{}, nil, err
	}
	return s.withAddresses(ctx, iface)
}

// ownInterface returns the interface if the caller's organization owns
// its virtual machine.
func (s *Service) ownInterface(ctx context.Context, c Caller, id string) (domain.Interface, error) {
	iface, err := s.store.InterfaceGet(ctx, id)
	if err == nil && iface.VirtualMachine.OrganizationID != c.OrganizationID() {
		err = domain.ErrNotFound
	}
	return iface, notFound(err, "virtual_machine_network_interface")
}

func (s *Service) withAddresses(
	ctx context.Context, iface domain.Interface,
) (domain.Interface, []domain.Address, error) {
	addrs, err := s.store.InterfaceAddresses(ctx, iface.ID)
	if err != nil {
		return domain.Interface{}, nil, err
	}
	return iface, addrs, nil
}

// AvailableAddresses returns the caller's unallocated addresses of
// version v that the interface could take: those in its network.
func (s *Service) AvailableAddresses(
	ctx context.Context, c Caller, interfaceID string, v ipam.Version,
) ([]domain.Address, error) {
	iface, err := s.ownInterface(ctx, c, interfaceID)
	if err != nil {
		return nil, err
	}
	return s.store.AddressListUnallocated(ctx, c.OrganizationID(), iface.Network.ID, v)
}

// AllocateIP allocates an existing address of the caller's to the
// interface, and returns the interface with its addresses. It returns
// domain.ErrNotInNetwork for an address of another network and
// domain.ErrAlreadyAllocated for one allocated already.
func (s *Service) AllocateIP(
	ctx context.Context, c Caller, interfaceID string, l AddressLookup,
) (domain.Interface, []domain.Address, error) {
	iface, err := s.ownInterface(ctx, c, interfaceID)
	if err != nil {
		return domain.Interface{}, nil, err
	}
	a, err := s.Address(ctx, c, l)
	if err != nil {
		return domain.Interface{}, nil, err
	}
	if a.Network.ID != iface.Network.ID {
		return domain.Interface{}, nil, domain.ErrNotInNetwork
	}

	if err := s.allocate(ctx, a, iface); err != nil {
		return domain.Interface{}, nil, err
	}
	return s.withAddresses(ctx, iface)
}

// allocate allocates a to the interface and logs it.
func (s *Service) allocate(ctx context.Context, a domain.Address, iface domain.Interface) error {
	if err := s.store.AddressAllocate(ctx, a.ID, iface.ID); err != nil {
		return notFound(err, "ip_address")
	}
	s.log.InfoContext(ctx, "Address allocated",
		slog.String("address", a.Addr.String()), slog.String("ip_address_id", a.ID),
		slog.String("interface_id", iface.ID), slog.String("virtual_machine_id", iface.VirtualMachineID))
	return nil
}
