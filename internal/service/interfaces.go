package service

import (
	"context"

	"github.com/ipd/ipd/internal/domain"
)

// Interface returns the interface with the given ID and the addresses
// allocated to it, if its virtual machine belongs to the caller's
// organization; otherwise a NotFoundError.
func (s *Service) Interface(ctx context.Context, c Caller, id string) (domain.Interface, []domain.Address, error) {
	iface, err := s.store.InterfaceGet(ctx, id)
	if err == nil && iface.VirtualMachine.OrganizationID != c.OrganizationID() {
		err = domain.ErrNotFound
	}
	if err != nil {
		return domain.Interface{}, nil, notFound(err, "virtual_machine_network_interface")
	}

	addrs, err := s.store.InterfaceAddresses(ctx, iface.ID)
	if err != nil {
		return domain.Interface{}, nil, err
	}
	return iface, addrs, nil
}
