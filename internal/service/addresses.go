package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
)

// AllocateNewIP creates an address of version v in the interface's
// organization, taken from the interface's network, and allocates it to
// the interface's virtual machine.
//
// It returns a NotFoundError for a missing interface,
// domain.ErrPermissionDenied for an interface of another organization and
// domain.ErrExhausted when the network has no free address of version v.
func (s *Service) AllocateNewIP(ctx context.Context, c Caller, interfaceID string, v ipam.Version) (domain.Address, error) {
	iface, err := s.store.InterfaceGet(ctx, interfaceID)
	if err != nil {
		return domain.Address{}, notFound(err, "virtual_machine_network_interface")
	}
	if iface.VirtualMachine.OrganizationID != c.OrganizationID() {
		return domain.Address{}, domain.ErrPermissionDenied
	}

	a, err := s.store.AddressCreate(ctx, store.AddressCreateParams{
		OrganizationID: c.OrganizationID(),
		NetworkID:      iface.Network.ID,
		Version:        v,
		InterfaceID:    iface.ID,
	})
	if errors.Is(err, domain.ErrExhausted) {
		s.log.WarnContext(ctx, "Network has no free address",
			slog.String("network_id", iface.Network.ID), slog.String("version", v.String()))
		return domain.Address{}, err
	}
	if err != nil {
		return domain.Address{}, fmt.Errorf("allocate new %s address to %s: %w", v, iface.ID, err)
	}

	s.log.InfoContext(ctx, "Address allocated",
		slog.String("address", a.Addr.String()), slog.String("ip_address_id", a.ID),
		slog.String("interface_id", iface.ID), slog.String("virtual_machine_id", iface.VirtualMachineID))
	return a, nil
}

// AddressLookup names one address: by ID or by the address itself.
type AddressLookup struct {
	ID   string
	Addr netip.Addr
}

// Address returns the address the lookup names, if it belongs to the
// caller's organization; otherwise a NotFoundError, revealing nothing
// about addresses of other organizations.
func (s *Service) Address(ctx context.Context, c Caller, l AddressLookup) (domain.Address, error) {
	var a domain.Address
	var err error
	if l.Addr.IsValid() {
		a, err = s.store.AddressGetByAddr(ctx, l.Addr, c.OrganizationID())
	} else {
		a, err = s.store.AddressGet(ctx, l.ID)
	}
	if err == nil && a.OrganizationID != c.OrganizationID() {
		err = domain.ErrNotFound
	}
	return a, notFound(err, "ip_address")
}

// ReverseDNS returns the PTR name the address has: the one set explicitly,
// else the virtual machine's FQDN while allocated, else the default name
// derived from the address.
func (s *Service) ReverseDNS(a domain.Address) string {
	switch {
	case a.ReverseDNS != "":
		return a.ReverseDNS
	case a.Interface != nil:
		return a.Interface.VirtualMachine.FQDN
	case a.Addr.Is4():
		return strings.ReplaceAll(a.Addr.String(), ".", "-") + "." + s.config.ReverseDNSDomainIPv4
	}
	return strings.ReplaceAll(a.Addr.String(), ":", "-") + "." + s.config.ReverseDNSDomainIPv6
}

// Unallocate detaches the address the lookup names from its virtual
// machine; it stays in the organization. It returns domain.ErrNotAllocated
// when the address is allocated to nothing.
func (s *Service) Unallocate(ctx context.Context, c Caller, l AddressLookup) error {
	a, err := s.Address(ctx, c, l)
	if err != nil {
		return err
	}
	if err := s.store.AddressUnallocate(ctx, a.ID); err != nil {
		return notFound(err, "ip_address")
	}

	s.log.InfoContext(ctx, "Address unallocated",
		slog.String("address", a.Addr.String()), slog.String("ip_address_id", a.ID))
	return nil
}

// DeleteAddress releases the address the lookup names from the
// organization, allocated or not, and gives it back to its pool; the
// record is gone afterwards.
func (s *Service) DeleteAddress(ctx context.Context, c Caller, l AddressLookup) error {
	a, err := s.Address(ctx, c, l)
	if err != nil {
		return err
	}
	if err := s.store.AddressDelete(ctx, a.ID); err != nil {
		return notFound(err, "ip_address")
	}

	s.log.InfoContext(ctx, "Address deleted",
		slog.String("address", a.Addr.String()), slog.String("ip_address_id", a.ID))
	return nil
}
