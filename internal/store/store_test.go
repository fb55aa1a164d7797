package store_test

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// bundle is what each store test starts from: a store with one network,
// one organization and one virtual machine interface on that network.
type bundle struct {
	ctx     context.Context
	store   *store.Store
	url     string // the store's database, for storetest.Dump
	network domain.Network
	org     domain.Organization
	iface   domain.Interface
}

func setup(t testing.TB, engine string) *bundle {
	t.Helper()
	ctx := context.Background()
	url := storetest.URL(t, engine)
	st := storetest.OpenURL(t, url)

	country, err := st.CountryCreate(ctx, domain.Country{Name: "United Kingdom", ISOCode2: "GB", ISOCode3: "GBR",
		TimeZone: "Europe/London"})
	require.NoError(t, err)
	dc, err := st.DataCenterCreate(ctx, domain.DataCenter{Name: "London", Permalink: "uk-lon-01", Country: country})
	require.NoError(t, err)
	network, err := st.NetworkCreate(ctx, domain.Network{Name: "Public", Permalink: "public", DataCenter: dc})
	require.NoError(t, err)
	org, err := st.OrganizationCreate(ctx, domain.Organization{Name: "Acme", SubDomain: "acme",
		InfrastructureDomain: "acme.katapult.cloud"})
	require.NoError(t, err)
	vm, err := st.VirtualMachineCreate(ctx, domain.VirtualMachine{OrganizationID: org.ID, Name: "web-1",
		Hostname: "web-1", DataCenter: dc})
	require.NoError(t, err)
	iface, err := st.InterfaceCreate(ctx, domain.Interface{VirtualMachineID: vm.ID, Network: network,
		MACAddress: "3a:00:00:00:00:01", State: "attached"})
	require.NoError(t, err)

	return &bundle{ctx: ctx, store: st, url: url, network: network, org: org, iface: iface}
}

// poolSpec describes a pool for addPool and poolOf in text.
type poolSpec struct {
	prefix, gateway string
	ranges          []string
	reserved        []string
	strategy        ipam.Strategy
	reuse           ipam.Reuse
	position        int
}

func (b *bundle) addPool(t testing.TB, spec poolSpec) domain.Pool {
	t.Helper()
	created, err := b.store.PoolCreate(b.ctx, b.poolOf(spec))
	require.NoError(t, err)
	return created
}

// poolOf returns the pool spec describes in the bundle's network, with the
// default strategy and reuse policy where spec names none.
func (b *bundle) poolOf(spec poolSpec) domain.Pool {
	p := domain.Pool{
		NetworkID: b.network.ID,
		Pool:      ipam.Pool{Prefix: netip.MustParsePrefix(spec.prefix)},
		Strategy:  spec.strategy,
		Reuse:     spec.reuse,
		Position:  spec.position,
	}
	if p.Strategy == "" {
		p.Strategy = ipam.Lowest
	}
	if p.Reuse == "" {
		p.Reuse = ipam.FreshFirst
	}
	if spec.gateway != "" {
		p.Gateway = netip.MustParseAddr(spec.gateway)
	}
	for _, r := range spec.ranges {
		p.Ranges = append(p.Ranges, mustRange(r))
	}
	for _, r := range spec.reserved {
		p.Reserved = append(p.Reserved, mustRange(r))
	}
	return p
}

func mustRange(s string) ipam.Range {
	r, err := ipam.ParseRange(s)
	if err != nil {
		panic(err)
	}
	return r
}

// create takes an address of version v, or the address want when it is
// not "".
func (b *bundle) create(v ipam.Version, want string) (domain.Address, error) {
	p := store.AddressCreateParams{OrganizationID: b.org.ID, NetworkID: b.network.ID, Version: v}
	if want != "" {
		p.Addr = netip.MustParseAddr(want)
		p.Version = ipam.VersionOf(p.Addr)
	}
	return b.store.AddressCreate(b.ctx, p)
}

// take creates n addresses of version v and returns them as text.
func (b *bundle) take(t *testing.T, v ipam.Version, n int) []string {
	t.Helper()
	var out []string
	for range n {
		a, err := b.create(v, "")
		require.NoError(t, err)
		out = append(out, a.Addr.String())
	}
	return out
}

// The top two addresses of 2001:db8::/32.
const (
	top32m = "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe"
	top32  = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
)

func TestAddressCreateLowest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()

		tests := []struct {
			name string
			pool poolSpec
			v    ipam.Version
			want []string // every address, in order, until exhaustion
		}{
			{"v4 /29 gateway .1", poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.1"}, ipam.IPv4,
				[]string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}},
			{"v4 /29 gateway .6", poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.6"}, ipam.IPv4,
				[]string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"}},
			{"v4 /29 gateway .3 and reserved .5", poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.3",
				reserved: []string{"10.0.0.5"}}, ipam.IPv4, []string{"10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.6"}},
			{"v4 /31", poolSpec{prefix: "10.0.0.4/31"}, ipam.IPv4, []string{"10.0.0.4", "10.0.0.5"}},
			{"v4 /32", poolSpec{prefix: "10.0.0.9/32"}, ipam.IPv4, []string{"10.0.0.9"}},
			{
				"v4 ranges",
				poolSpec{prefix: "10.0.0.0/24", gateway: "10.0.0.1", ranges: []string{"10.0.0.250-10.0.0.255"}},
				ipam.IPv4,
				[]string{"10.0.0.250", "10.0.0.251", "10.0.0.252", "10.0.0.253", "10.0.0.254"},
			},
			{"v6 /126", poolSpec{prefix: "2001:db8::/126", gateway: "2001:db8::1"}, ipam.IPv6,
				[]string{"2001:db8::2", "2001:db8::3"}},
			{"v6 /127", poolSpec{prefix: "2001:db8::/127"}, ipam.IPv6, []string{"2001:db8::", "2001:db8::1"}},
			{"v6 /128", poolSpec{prefix: "2001:db8::7/128"}, ipam.IPv6, []string{"2001:db8::7"}},
			{"v6 top of a /32", poolSpec{prefix: "2001:db8::/32", ranges: []string{top32m + "-" + top32}},
				ipam.IPv6, []string{top32m, top32}},
			{"v6 top of the space", poolSpec{prefix: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126"}, ipam.IPv6,
				[]string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
					"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, engine)
				b.addPool(t, tt.pool)

				require.Equal(t, tt.want, b.take(t, tt.v, len(tt.want)))
				_, err := b.create(tt.v, "")
				require.ErrorIs(t, err, domain.ErrExhausted)
			})
		}
	})
}

func TestAddressCreatePoolOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.addPool(t, poolSpec{prefix: "10.0.1.0/30", position: 2})
		b.addPool(t, poolSpec{prefix: "10.0.0.0/30", position: 1})
		b.addPool(t, poolSpec{prefix: "2001:db8::/127", position: 0})

		require.Equal(t, []string{"10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.1.2"}, b.take(t, ipam.IPv4, 4))
		_, err := b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted, "IPv6 pools do not serve IPv4")
		require.Equal(t, []string{"2001:db8::", "2001:db8::1"}, b.take(t, ipam.IPv6, 2))
	})
}

func TestAddressCreateEmptyNetwork(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)

		_, err := b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted)
	})
}

func TestAddressCreateSpecific(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.addPool(t, poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.1"})

		a, err := b.create(0, "10.0.0.4")
		require.NoError(t, err)
		require.Equal(t, "10.0.0.4", a.Addr.String())
		_, err = b.create(0, "10.0.0.4")
		require.ErrorIs(t, err, domain.ErrConflict, "an address is handed out once")

		for _, refused := range []string{"10.0.0.0", "10.0.0.1", "10.0.0.7", "10.0.1.1"} {
			_, err = b.create(0, refused)
			var invalid *domain.ValidationError
			require.True(t, errors.As(err, &invalid), "%s: got %v; want a validation error", refused, err)
		}

		require.Equal(t, []string{"10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"}, b.take(t, ipam.IPv4, 4),
			"the lowest-free picker skips the address taken by name")
	})
}

func TestAddressDeleteReuse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()

		tests := []struct {
			reuse ipam.Reuse
			want  []string // what comes out after .3 and then .2 are deleted
		}{
			// Fresh addresses first, then the returned ones in the order
			// they came back.
			{ipam.FreshFirst, []string{"10.0.0.6", "10.0.0.3", "10.0.0.2"}},
			// Returned addresses are free at once and the lowest comes first.
			{ipam.Immediate, []string{"10.0.0.2", "10.0.0.3", "10.0.0.6"}},
		}
		for _, tt := range tests {
			t.Run(string(tt.reuse), func(t *testing.T) {
				t.Parallel()
				b := setup(t, engine)
				b.addPool(t, poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.1", reuse: tt.reuse})
				ids := map[string]string{}
				for range 4 {
					a, err := b.create(ipam.IPv4, "")
					require.NoError(t, err)
					ids[a.Addr.String()] = a.ID
				}

				require.NoError(t, b.store.AddressDelete(b.ctx, ids["10.0.0.3"]))
				require.NoError(t, b.store.AddressDelete(b.ctx, ids["10.0.0.2"]))
				_, err := b.store.AddressGet(b.ctx, ids["10.0.0.3"])
				require.ErrorIs(t, err, domain.ErrNotFound, "a deleted address is gone")
				require.ErrorIs(t, b.store.AddressDelete(b.ctx, ids["10.0.0.3"]), domain.ErrNotFound)

				require.Equal(t, tt.want, b.take(t, ipam.IPv4, 3))
				_, err = b.create(ipam.IPv4, "")
				require.ErrorIs(t, err, domain.ErrExhausted)
			})
		}
	})
}

func TestAddressCreateSpecificReturned(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.addPool(t, poolSpec{prefix: "10.0.0.0/30"})
		a, err := b.create(ipam.IPv4, "")
		require.NoError(t, err)
		require.NoError(t, b.store.AddressDelete(b.ctx, a.ID))

		again, err := b.create(0, a.Addr.String())
		require.NoError(t, err, "a returned address may be asked for by name")
		require.Equal(t, a.Addr, again.Addr)
		require.Equal(t, []string{"10.0.0.2"}, b.take(t, ipam.IPv4, 1))
		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted, "the returned address was not handed out twice")
	})
}

func TestAddressCreateRandom(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(
			t,
			poolSpec{prefix: "10.0.0.0/26", gateway: "10.0.0.1", reserved: []string{"10.0.0.30-10.0.0.40"},
				strategy: ipam.Random},
		)

		capacity := int(p.Capacity().Big().Int64())
		got := b.take(t, ipam.IPv4, capacity)
		seen := map[string]bool{}
		for _, text := range got {
			require.False(t, seen[text], "%s handed out twice", text)
			seen[text] = true
			require.True(t, p.Allocatable(netip.MustParseAddr(text)), "%s may not be handed out", text)
		}
		require.NotEqual(t, sortedCopy(got), got, "a random pool does not hand out in order")
		_, err := b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted)
	})
}

// sortedCopy returns the addresses sorted, without changing addrs.
func sortedCopy(addrs []string) []string {
	out := slices.Clone(addrs)
	slices.SortFunc(out, func(a, b string) int {
		return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b))
	})
	return out
}

func TestAddressAllocateUnallocate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.addPool(t, poolSpec{prefix: "10.0.0.0/29"})
		a, err := b.create(ipam.IPv4, "")
		require.NoError(t, err)
		require.Nil(t, a.Interface)

		require.ErrorIs(t, b.store.AddressUnallocate(b.ctx, a.ID), domain.ErrNotAllocated)
		require.NoError(t, b.store.AddressAllocate(b.ctx, a.ID, b.iface.ID))
		require.ErrorIs(t, b.store.AddressAllocate(b.ctx, a.ID, b.iface.ID), domain.ErrAlreadyAllocated)
		got, err := b.store.AddressGet(b.ctx, a.ID)
		require.NoError(t, err)
		require.NotNil(t, got.Interface)
		require.Equal(t, "web-1.acme.katapult.cloud", got.Interface.VirtualMachine.FQDN)
		listed, err := b.store.InterfaceAddresses(b.ctx, b.iface.ID)
		require.NoError(t, err)
		require.Len(t, listed, 1)

		require.NoError(t, b.store.AddressUnallocate(b.ctx, a.ID))
		got, err = b.store.AddressGet(b.ctx, a.ID)
		require.NoError(t, err)
		require.Nil(t, got.Interface)
		require.ErrorIs(t, b.store.AddressAllocate(b.ctx, "ip_missing", b.iface.ID), domain.ErrNotFound)
		require.ErrorIs(t, b.store.AddressUnallocate(b.ctx, "ip_missing"), domain.ErrNotFound)
	})
}

func TestPoolCreateRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.addPool(t, poolSpec{prefix: "10.0.0.0/24"})

		for _, refused := range []poolSpec{
			{prefix: "10.0.0.128/25"},
			{prefix: "10.0.0.0/16"},
			{prefix: "10.0.1.0/24", gateway: "10.0.2.1"},
			{prefix: "10.0.1.0/24", reserved: []string{"10.0.3.0/24"}},
		} {
			p := domain.Pool{NetworkID: b.network.ID, Pool: ipam.Pool{Prefix: netip.MustParsePrefix(refused.prefix)},
				Strategy: ipam.Lowest, Reuse: ipam.FreshFirst}
			if refused.gateway != "" {
				p.Gateway = netip.MustParseAddr(refused.gateway)
			}
			for _, r := range refused.reserved {
				p.Reserved = append(p.Reserved, mustRange(r))
			}
			_, err := b.store.PoolCreate(b.ctx, p)
			var invalid *domain.ValidationError
			require.True(t, errors.As(err, &invalid), "%+v: got %v; want a validation error", refused, err)
		}
		pools, err := b.store.PoolList(b.ctx, b.network.ID)
		require.NoError(t, err)
		require.Len(t, pools, 1, "no refused pool was stored")
	})
}

func TestLookups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)

		_, err := b.store.CountryGetBy(b.ctx, "iso_code3", "GBR")
		require.NoError(t, err)
		_, err = b.store.CountryGetBy(b.ctx, "iso_code2", "FR")
		require.ErrorIs(t, err, domain.ErrNotFound)
		_, err = b.store.CountryGetBy(b.ctx, "name; DROP TABLE countries", "x")
		require.Error(t, err, "only lookup columns are spliced into SQL")
		_, err = b.store.DataCenterGetBy(b.ctx, "permalink", "uk-lon-01")
		require.NoError(t, err)
		_, err = b.store.NetworkGetBy(b.ctx, "permalink", "nope")
		require.ErrorIs(t, err, domain.ErrNotFound)
		vm, err := b.store.VirtualMachineGetBy(b.ctx, "fqdn", "web-1.acme.katapult.cloud")
		require.NoError(t, err)
		require.Equal(t, b.iface.VirtualMachineID, vm.ID)
		_, err = b.store.InterfaceGet(b.ctx, "vmnet_missing")
		require.ErrorIs(t, err, domain.ErrNotFound)

		_, err = b.store.CountryCreate(b.ctx, domain.Country{Name: "Again", ISOCode2: "GB", ISOCode3: "GBX"})
		require.ErrorIs(t, err, domain.ErrConflict)
	})
}

// TestOpenAwkwardPath opens a SQLite file whose path holds the characters
// a URI gives meaning to.
func TestOpenAwkwardPath(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "100% sure?#yes")
	require.NoError(t, os.Mkdir(dir, 0o755))

	path := filepath.Join(dir, "ipd.db")
	storetest.OpenURL(t, path)
	_, err := os.Stat(path)
	require.NoError(t, err, "the database file is where the path says")
}

// TestAddressDeleteConcurrent deletes one address from many callers at
// once: one succeeds, the rest find nothing, and the address goes back to
// its pool once, so that the pool then hands out exactly what it holds.
func TestAddressDeleteConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.addPool(t, poolSpec{prefix: "10.0.0.0/29", reuse: ipam.Immediate})
		taken := b.take(t, ipam.IPv4, 6)
		victim, err := b.store.AddressGetByAddr(b.ctx, netip.MustParseAddr(taken[0]), "")
		require.NoError(t, err)

		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = b.store.AddressDelete(b.ctx, victim.ID) })
		}
		wg.Wait()

		var deleted int
		for _, err := range errs {
			if err == nil {
				deleted++
				continue
			}
			require.ErrorIs(t, err, domain.ErrNotFound)
		}
		require.Equal(t, 1, deleted)
		require.Equal(t, []string{taken[0]}, b.take(t, ipam.IPv4, 1))
		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted, "the address was given back once")
		pools, err := b.store.PoolList(b.ctx, b.network.ID)
		require.NoError(t, err)
		require.EqualValues(t, 6, pools[0].Allocated, "the trigger kept the count")
	})
}
