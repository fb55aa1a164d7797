package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/store/storetest"
)

// TestPlaceLists lists countries a page at a time, and data centers and
// networks whole, each by name.
func TestPlaceLists(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		nl, err := b.store.CountryCreate(b.ctx, domain.Country{Name: "Netherlands", ISOCode2: "NL", ISOCode3: "NLD",
			TimeZone: "Europe/Amsterdam", EU: true})
		require.NoError(t, err)
		ams, err := b.store.DataCenterCreate(b.ctx, domain.DataCenter{Name: "Amsterdam", Permalink: "nl-ams-01",
			Country: nl})
		require.NoError(t, err)
		backbone, err := b.store.NetworkCreate(b.ctx, domain.Network{Name: "Backbone", Permalink: "backbone",
			DataCenter: b.network.DataCenter})
		require.NoError(t, err)

		countries, total, err := b.store.CountryList(b.ctx, domain.Page{Number: 1, PerPage: 1})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []domain.Country{nl}, countries)
		countries, _, err = b.store.CountryList(b.ctx, domain.Page{Number: 2, PerPage: 1})
		require.NoError(t, err)
		require.Equal(t, []domain.Country{b.network.DataCenter.Country}, countries)
		countries, total, err = b.store.CountryList(b.ctx, domain.Page{Number: 3, PerPage: 1})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Empty(t, countries)

		dcs, err := b.store.DataCenterList(b.ctx)
		require.NoError(t, err)
		require.Equal(t, []domain.DataCenter{ams, b.network.DataCenter}, dcs)

		networks, err := b.store.NetworkList(b.ctx)
		require.NoError(t, err)
		require.Equal(t, []domain.Network{backbone, b.network}, networks)
	})
}

// TestNetworkGetDefault finds a data center's default network, the first
// by name when there are several, and none where no network is default.
func TestNetworkGetDefault(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		dc := b.network.DataCenter

		_, err := b.store.NetworkGetDefault(b.ctx, dc.ID)
		require.ErrorIs(t, err, domain.ErrNotFound, "the bundle's network is not default")

		_, err = b.store.NetworkCreate(b.ctx, domain.Network{Name: "Public B", Permalink: "public-b",
			Default: true, DataCenter: dc})
		require.NoError(t, err)
		first, err := b.store.NetworkCreate(b.ctx, domain.Network{Name: "Public A", Permalink: "public-a",
			Default: true, DataCenter: dc})
		require.NoError(t, err)

		n, err := b.store.NetworkGetDefault(b.ctx, dc.ID)
		require.NoError(t, err)
		require.Equal(t, first, n)
	})
}
