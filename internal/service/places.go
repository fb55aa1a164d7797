package service

import (
	"context"

	"github.com/ipd/ipd/internal/domain"
)

// Countries, data centers and networks belong to no organization: every
// caller may see every one of them, so their reads take no Caller.

// Countries returns a page of the countries, by name, and how many there
// are in all.
func (s *Service) Countries(ctx context.Context, page domain.Page) ([]domain.Country, int, error) {
	return s.store.CountryList(ctx, page)
}

// Country returns the country whose key ("id", "iso_code2" or
// "iso_code3") equals value, or a NotFoundError.
func (s *Service) Country(ctx context.Context, key, value string) (domain.Country, error) {
	c, err := s.store.CountryGetBy(ctx, key, value)
	return c, notFound(err, "country")
}

// DataCenters returns every data center, by name.
func (s *Service) DataCenters(ctx context.Context) ([]domain.DataCenter, error) {
	return s.store.DataCenterList(ctx)
}

// DataCenter returns the data center whose key ("id" or "permalink")
// equals value, or a NotFoundError.
func (s *Service) DataCenter(ctx context.Context, key, value string) (domain.DataCenter, error) {
	dc, err := s.store.DataCenterGetBy(ctx, key, value)
	return dc, notFound(err, "data_center")
}

// DefaultNetwork returns the default network of the data center whose key
// ("id" or "permalink") equals value. It returns a NotFoundError for the
// data center when there is no such data center, and for the network when
// the data center has no default network.
func (s *Service) DefaultNetwork(ctx context.Context, key, value string) (domain.Network, error) {
	dc, err := s.DataCenter(ctx, key, value)
	if err != nil {
		return domain.Network{}, err
	}
	n, err := s.store.NetworkGetDefault(ctx, dc.ID)
	return n, notFound(err, "network")
}

// Network returns the network whose key ("id" or "permalink") equals
// value, or a NotFoundError.
func (s *Service) Network(ctx context.Context, key, value string) (domain.Network, error) {
	n, err := s.store.NetworkGetBy(ctx, key, value)
	return n, notFound(err, "network")
}

// AvailableNetworks returns the networks the organization whose key ("id"
// or "sub_domain") equals value may take addresses from: every network,
// by data center and name. The organization must be the caller's; any
// other is not found, as in Organization.
func (s *Service) AvailableNetworks(ctx context.Context, c Caller, key, value string) ([]domain.Network, error) {
	if _, err := s.Organization(ctx, c, key, value); err != nil {
		return nil, err
	}
	return s.store.NetworkList(ctx)
}
