package api

import (
	"github.com/ipd/ipd/internal/domain"
)

// The reduced shapes production nests places in, field for field: a data
// center with just its country's ID and name, and a network with just its
// data center's ID, name and permalink.

type idNamePermalink struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Permalink string `json:"permalink"`
}

type dataCenterSummaryJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Permalink string `json:"permalink"`
	Country   idName `json:"country"`
}

type networkSummaryJSON struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Permalink  string          `json:"permalink"`
	Default    bool            `json:"default"`
	DataCenter idNamePermalink `json:"data_center"`
}

func presentDataCenterSummary(d domain.DataCenter) dataCenterSummaryJSON {
	return dataCenterSummaryJSON{
		ID:        d.ID,
		Name:      d.Name,
		Permalink: d.Permalink,
		Country:   idName{ID: d.Country.ID, Name: d.Country.Name},
	}
}

func presentNetworkSummary(n domain.Network) networkSummaryJSON {
	d := n.DataCenter
	return networkSummaryJSON{
		ID:         n.ID,
		Name:       n.Name,
		Permalink:  n.Permalink,
		Default:    n.Default,
		DataCenter: presentDataCenterRef(d),
	}
}

type countriesResponse struct {
	Pagination paginationJSON `json:"pagination"`
	Countries  []idName       `json:"countries"`
}

// listCountriesHandler serves GET countries. Production lists each
// country by its ID and name only.
func listCountriesHandler(h *Handler, c *call) (any, error) {
	page := c.args.page()
	countries, total, err := h.svc.Countries(c.ctx, page)
	if err != nil {
		return nil, err
	}

	items := presentEach(countries, func(c domain.Country) idName { return idName{ID: c.ID, Name: c.Name} })
	return countriesResponse{Pagination: presentPagination(page, total), Countries: items}, nil
}

type countryResponse struct {
	Country countryJSON `json:"country"`
}

// getCountryHandler serves GET countries/:country.
func getCountryHandler(h *Handler, c *call) (any, error) {
	l := c.args.lookup("country")
	country, err := h.svc.Country(c.ctx, l.key, l.value)
	if err != nil {
		return nil, err
	}
	return countryResponse{Country: presentCountry(country)}, nil
}

type dataCentersResponse struct {
	DataCenters []dataCenterSummaryJSON `json:"data_centers"`
}

// listDataCentersHandler serves GET data_centers, which production does
// not paginate.
func listDataCentersHandler(h *Handler, c *call) (any, error) {
	dcs, err := h.svc.DataCenters(c.ctx)
	if err != nil {
		return nil, err
	}

	return dataCentersResponse{DataCenters: presentEach(dcs, presentDataCenterSummary)}, nil
}

type dataCenterResponse struct {
	DataCenter dataCenterSummaryJSON `json:"data_center"`
}

// getDataCenterHandler serves GET data_centers/:data_center.
func getDataCenterHandler(h *Handler, c *call) (any, error) {
	l := c.args.lookup("data_center")
	dc, err := h.svc.DataCenter(c.ctx, l.key, l.value)
	if err != nil {
		return nil, err
	}
	return dataCenterResponse{DataCenter: presentDataCenterSummary(dc)}, nil
}

type defaultNetworkResponse struct {
	Network networkSummaryJSON `json:"network"`
}

// getDefaultNetworkHandler serves GET
// data_centers/:data_center/default_network.
func getDefaultNetworkHandler(h *Handler, c *call) (any, error) {
	l := c.args.lookup("data_center")
	n, err := h.svc.DefaultNetwork(c.ctx, l.key, l.value)
	if err != nil {
		return nil, err
	}
	return defaultNetworkResponse{Network: presentNetworkSummary(n)}, nil
}

type networkResponse struct {
	Network networkJSON `json:"network"`
}

// getNetworkHandler serves GET networks/:network, with the network's data
// center and its full country.
func getNetworkHandler(h *Handler, c *call) (any, error) {
	l := c.args.lookup("network")
	n, err := h.svc.Network(c.ctx, l.key, l.value)
	if err != nil {
		return nil, err
	}
	return networkResponse{Network: presentNetwork(n)}, nil
}

type availableNetworksResponse struct {
	Networks []networkSummaryJSON `json:"networks"`

	// VirtualNetworks is always empty: ipd keeps no virtual networks.
	VirtualNetworks []struct{} `json:"virtual_networks"`
}

// listAvailableNetworksHandler serves GET
// organizations/:organization/available_networks, which production does
// not paginate.
func listAvailableNetworksHandler(h *Handler, c *call) (any, error) {
	l := c.args.lookup("organization")
	networks, err := h.svc.AvailableNetworks(c.ctx, c.caller, l.key, l.value)
	if err != nil {
		return nil, err
	}

	return availableNetworksResponse{
		Networks:        presentEach(networks, presentNetworkSummary),
		VirtualNetworks: []struct{}{},
	}, nil
}
