package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"unicode/utf8"

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
func (s *Service) AllocateNewIP(
	ctx context.Context, c Caller, interfaceID string, v ipam.Version,
) (domain.Address, error) {
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
	if errors.Is(err, domain.ErrNotFound) {
		// The interface was removed after it was read.
		return domain.Address{}, notFound(err, "virtual_machine_network_interface")
	}
	if err != nil {
		return domain.Address{}, s.allocationFailed(ctx, err, iface.Network.ID, v)
	}
	s.config.OnAllocation(v.String(), "allocated")

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

// CreateAddressParams describes a new, unallocated address.
type CreateAddressParams struct {
	// Organization and Network name the owner and the network by one of
	// their lookup keys: "id" or "sub_domain", and "id" or "permalink".
	Organization, Network Lookup
	Version               ipam.Version
	VIP                   bool
	Label                 string
}

// Lookup names an object by one of its lookup keys.
type Lookup struct {
	Key, Value string
}

// CreateAddress takes a free address of the version from the network and
// adds it, unallocated, to the caller's organization. A VIP needs a label.
func (s *Service) CreateAddress(ctx context.Context, c Caller, p CreateAddressParams) (domain.Address, error) {
	org, err := s.Organization(ctx, c, p.Organization.Key, p.Organization.Value)
	if err != nil {
		return domain.Address{}, err
	}
	network, err := s.store.NetworkGetBy(ctx, p.Network.Key, p.Network.Value)
	if err != nil {
		return domain.Address{}, notFound(err, "network")
	}
	if problems := textProblems("Label", p.Label, p.VIP); len(problems) > 0 {
		return domain.Address{}, &domain.ValidationError{Messages: problems}
	}

	a, err := s.store.AddressCreate(ctx, store.AddressCreateParams{
		OrganizationID: org.ID, NetworkID: network.ID, Version: p.Version, VIP: p.VIP, Label: p.Label,
	})
	if errors.Is(err, domain.ErrNotFound) {
		// The organization was removed after it was read.
		return domain.Address{}, notFound(err, "organization")
	}
	if err != nil {
		return domain.Address{}, s.allocationFailed(ctx, err, network.ID, p.Version)
	}
	s.config.OnAllocation(p.Version.String(), "allocated")

	s.log.InfoContext(ctx, "Address created",
		slog.String("address", a.Addr.String()), slog.String("ip_address_id", a.ID),
		slog.String("organization_id", org.ID))
	return a, nil
}

// allocationFailed counts a failed allocation, logs a network running
// dry, which an operator needs to hear about, and passes err on.
func (s *Service) allocationFailed(ctx context.Context, err error, networkID string, v ipam.Version) error {
	if errors.Is(err, domain.ErrExhausted) {
		s.config.OnAllocation(v.String(), "exhausted")
		s.log.WarnContext(ctx, "Network has no free address",
			slog.String("network_id", networkID), slog.String("version", v.String()))
		return err
	}
	s.config.OnAllocation(v.String(), "failed")
	return fmt.Errorf("create %s address in %s: %w", v, networkID, err)
}

// UpdateAddressParams are the changes to an address; nil leaves a field
// as it is. An empty Label clears it; an empty ReverseDNS returns to the
// default name.
type UpdateAddressParams struct {
	VIP        *bool
	Label      *string
	ReverseDNS *string
}

// UpdateAddress changes the VIP flag, label or reverse DNS name of the
// caller's address. A VIP needs a label, and a reverse DNS name must be a
// valid host name.
func (s *Service) UpdateAddress(
	ctx context.Context, c Caller, l AddressLookup, p UpdateAddressParams,
) (domain.Address, error) {
	a, err := s.Address(ctx, c, l)
	if err != nil {
		return domain.Address{}, err
	}
	if err := validateUpdate(a, p); err != nil {
		return domain.Address{}, err
	}

	updated, err := s.store.AddressUpdate(ctx, a.ID, store.AddressUpdateParams(p))
	if err != nil {
		return domain.Address{}, notFound(err, "ip_address")
	}
	return updated, nil
}

// validateUpdate reports every problem the update would leave a, or nil.
func validateUpdate(a domain.Address, p UpdateAddressParams) error {
	vip, label := a.VIP, a.Label
	if p.VIP != nil {
		vip = *p.VIP
	}
	if p.Label != nil {
		label = *p.Label
	}
	problems := textProblems("Label", label, vip)
	if p.ReverseDNS != nil && *p.ReverseDNS != "" && !isHostname(*p.ReverseDNS) {
		problems = append(problems, "Reverse DNS is not a valid hostname")
	}
	if len(problems) > 0 {
		return &domain.ValidationError{Messages: problems}
	}
	return nil
}

// maxTextLength is the most characters a name or label may have.
const maxTextLength = 255

// textProblems returns what is wrong with the text field called what: it
// is blank where required, longer than maxTextLength, or not text at all
// (invalid UTF-8 or a NUL, which no database column should hold).
func textProblems(what, value string, required bool) []string {
	switch {
	case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
		return []string{what + " must be UTF-8 text without NUL characters"}
	case required && strings.TrimSpace(value) == "":
		return []string{what + " can't be blank"}
	case utf8.RuneCountInString(value) > maxTextLength:
		return []string{fmt.Sprintf("%s is too long (maximum is %d characters)", what, maxTextLength)}
	}
	return nil
}

// isHostname reports whether name is a DNS host name: dot-separated
// labels of 1 to 63 letters, digits, hyphens or underscores, not starting
// or ending with a hyphen, 253 characters at most, with an optional final
// dot.
func isHostname(name string) bool {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// Addresses returns a page of the organization's addresses, all of them
// or, when allocated is set, only the allocated or unallocated ones, and
// how many there are in all.
func (s *Service) Addresses(
	ctx context.Context, c Caller, org Lookup, allocated *bool, page domain.Page,
) ([]domain.Address, int, error) {
	o, err := s.Organization(ctx, c, org.Key, org.Value)
	if err != nil {
		return nil, 0, err
	}
	return s.store.AddressList(ctx, store.AddressListParams{OrganizationID: o.ID, Allocated: allocated, Page: page})
}
