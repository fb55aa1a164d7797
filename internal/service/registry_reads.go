package service

import (
	"context"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/store"
)

// The operator's reads and removals of the registry. An operator sees
// every organization's objects; the customer API's reads, which check the
// caller's organization, are elsewhere.

// DeleteCountry removes a country that has no data centers.
func (s *Service) DeleteCountry(ctx context.Context, id string) error {
	return notFound(s.store.CountryDelete(ctx, id), "country")
}

// DeleteDataCenter removes a data center that has no networks or virtual
// machines.
func (s *Service) DeleteDataCenter(ctx context.Context, id string) error {
	return notFound(s.store.DataCenterDelete(ctx, id), "data_center")
}

// Networks returns every network, by data center and name.
func (s *Service) Networks(ctx context.Context) ([]domain.Network, error) {
	return s.store.NetworkList(ctx)
}

// DeleteNetwork removes a network that has no pools or interfaces.
func (s *Service) DeleteNetwork(ctx context.Context, id string) error {
	return notFound(s.store.NetworkDelete(ctx, id), "network")
}

// AllPools returns every pool, network by network.
func (s *Service) AllPools(ctx context.Context) ([]domain.Pool, error) {
	return s.store.PoolListAll(ctx)
}

// DeletePool removes a pool that holds no addresses.
func (s *Service) DeletePool(ctx context.Context, id string) error {
	return notFound(s.store.PoolDelete(ctx, id), "pool")
}

// AllOrganizations returns every organization, by name.
func (s *Service) AllOrganizations(ctx context.Context) ([]domain.Organization, error) {
	return s.store.OrganizationList(ctx)
}

// DeleteOrganization removes an organization with everything it owns:
// its addresses go back to their pools, and its virtual machines,
// interfaces and API tokens go.
func (s *Service) DeleteOrganization(ctx context.Context, id string) error {
	return notFound(s.store.OrganizationDelete(ctx, id), "organization")
}

// OrganizationVirtualMachines returns a page of the organization's
// virtual machines and how many it has.
func (s *Service) OrganizationVirtualMachines(
	ctx context.Context, orgID string, page domain.Page,
) ([]domain.VirtualMachine, int, error) {
	return s.store.VirtualMachineList(ctx, orgID, page)
}

// DeleteVirtualMachine removes a virtual machine with its interfaces, as a
// provisioning system does when it destroys one. Its addresses are
// unallocated and stay in its organization.
func (s *Service) DeleteVirtualMachine(ctx context.Context, id string) error {
	return notFound(s.store.VirtualMachineDelete(ctx, id), "virtual_machine")
}

// VirtualMachineInterfaces returns a page of the virtual machine's
// interfaces and how many it has.
func (s *Service) VirtualMachineInterfaces(
	ctx context.Context, vmID string, page domain.Page,
) ([]domain.Interface, int, error) {
	return s.store.InterfaceList(ctx, vmID, page)
}

// DeleteInterface removes an interface; its addresses are unallocated and
// stay in their organization.
func (s *Service) DeleteInterface(ctx context.Context, id string) error {
	return notFound(s.store.InterfaceDelete(ctx, id), "interface")
}

// AuditLog returns a page of the audit log, newest first, and how many
// entries match.
func (s *Service) AuditLog(ctx context.Context, p store.AuditListParams) ([]domain.AuditEntry, int, error) {
	return s.store.AuditList(ctx, p)
}
