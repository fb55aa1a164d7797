package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store/storetest"
)

// modelPool is the in-memory model of one lowest-strategy pool: the
// addresses never handed out, and those handed back in the order they came.
type modelPool struct {
	pool     domain.Pool
	fresh    []netip.Addr // sorted
	returned []netip.Addr // oldest first
}

func newModelPool(p domain.Pool) *modelPool {
	m := &modelPool{pool: p}
	for _, r := range p.FreeSpace() {
		for a := r.From; r.Contains(a); a = a.Next() {
			m.fresh = append(m.fresh, a)
		}
	}
	return m
}

// next returns the address the pool hands out next, if any.
func (m *modelPool) next() (netip.Addr, bool) {
	switch {
	case len(m.fresh) > 0:
		return m.fresh[0], true
	case len(m.returned) > 0:
		return m.returned[0], true
	}
	return netip.Addr{}, false
}

// take removes a from the free addresses and reports whether it was free.
func (m *modelPool) take(a netip.Addr) bool {
	if i := slices.Index(m.fresh, a); i >= 0 {
		m.fresh = slices.Delete(m.fresh, i, i+1)
		return true
	}
	if i := slices.Index(m.returned, a); i >= 0 {
		m.returned = slices.Delete(m.returned, i, i+1)
		return true
	}
	return false
}

// giveBack returns a as the pool's reuse policy says.
func (m *modelPool) giveBack(a netip.Addr) {
	if m.pool.Reuse == ipam.FreshFirst {
		m.returned = append(m.returned, a)
		return
	}
	i, _ := slices.BinarySearchFunc(m.fresh, a, netip.Addr.Compare)
	m.fresh = slices.Insert(m.fresh, i, a)
}

// model is the network: its pools of each version in allocation order,
// and the addresses that exist, by ID.
type model struct {
	pools     []*modelPool
	addresses map[string]modelAddress
}

type modelAddress struct {
	addr      netip.Addr
	allocated bool
}

func (m *model) next(v ipam.Version) (*modelPool, netip.Addr, bool) {
	for _, p := range m.pools {
		if p.pool.Version() != v {
			continue
		}
		if a, ok := p.next(); ok {
			return p, a, true
		}
	}
	return nil, netip.Addr{}, false
}

func (m *model) poolOf(a netip.Addr) *modelPool {
	for _, p := range m.pools {
		if p.pool.Allocatable(a) {
			return p
		}
	}
	return nil
}

// TestAllocatorMatchesModel runs random sequences of allocate, allocate
// by address, allocate to an interface, unallocate and delete against the
// store and against the model, and requires the same outcome at every
// step: the same address, or the same error.
func TestAllocatorMatchesModel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		for seed := range uint64(4) {
			reuse := []ipam.Reuse{ipam.FreshFirst, ipam.Immediate}[seed%2]
			t.Run(fmt.Sprintf("seed %d %s", seed, reuse), func(t *testing.T) {
				t.Parallel()
				runModel(t, engine, seed, reuse)
			})
		}
	})
}

func runModel(t *testing.T, engine string, seed uint64, reuse ipam.Reuse) {
	b := setup(t, engine)
	m := &model{addresses: map[string]modelAddress{}}
	for i, spec := range []poolSpec{
		{prefix: "10.0.0.0/28", gateway: "10.0.0.1", reserved: []string{"10.0.0.7-10.0.0.8"}},
		{prefix: "10.0.1.0/30", gateway: "10.0.1.2"},
		{prefix: "2001:db8::/125", gateway: "2001:db8::1"},
	} {
		spec.reuse, spec.position = reuse, i
		m.pools = append(m.pools, newModelPool(b.addPool(t, spec)))
	}
	rng := rand.New(rand.NewPCG(seed, 7))

	for step := range 300 {
		what := fmt.Sprintf("step %d", step)
		switch op := rng.IntN(10); {
		case op < 4:
			v := []ipam.Version{ipam.IPv4, ipam.IPv6}[rng.IntN(2)]
			checkCreate(t, b, m, v, netip.Addr{}, what)
		case op < 6:
			a := randomAddr(rng)
			checkCreate(t, b, m, ipam.VersionOf(a), a, what+" by address "+a.String())
		case op < 7:
			checkAllocate(t, b, m, pick(rng, m), what)
		case op < 8:
			checkUnallocate(t, b, m, pick(rng, m), what)
		default:
			checkDelete(t, b, m, pick(rng, m), what)
		}
	}

	// Drain both versions: the store hands out exactly what the model
	// still holds, in its order, and then runs dry.
	for _, v := range []ipam.Version{ipam.IPv4, ipam.IPv6} {
		for {
			_, _, ok := m.next(v)
			checkCreate(t, b, m, v, netip.Addr{}, "drain")
			if !ok {
				break
			}
		}
	}
}

// randomAddr returns an address in or around the model's pools, excluded
// ones included, so that refusals are exercised too.
func randomAddr(rng *rand.Rand) netip.Addr {
	if rng.IntN(3) == 0 {
		return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(rng.IntN(10))})
	}
	return netip.AddrFrom4([4]byte{10, 0, byte(rng.IntN(2)), byte(rng.IntN(18))})
}

// pick returns the ID of an existing address, or a missing one now and
// then.
func pick(rng *rand.Rand, m *model) string {
	ids := make([]string, 0, len(m.addresses))
	for id := range m.addresses {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 || rng.IntN(10) == 0 {
		return "ip_AAAAAAAAAAAAAAAA"
	}
	return ids[rng.IntN(len(ids))]
}

func checkCreate(t *testing.T, b *bundle, m *model, v ipam.Version, want netip.Addr, what string) {
	t.Helper()
	a, err := b.create(v, addrText(want))

	if want.IsValid() {
		p := m.poolOf(want)
		switch {
		case p == nil:
			var invalid *domain.ValidationError
			require.True(t, errors.As(err, &invalid), "%s: got %v; want a validation error", what, err)
		case !p.take(want):
			require.ErrorIs(t, err, domain.ErrConflict, what)
		default:
			require.NoError(t, err, what)
			require.Equal(t, want, a.Addr, what)
			m.addresses[a.ID] = modelAddress{addr: a.Addr}
		}
		return
	}

	p, next, ok := m.next(v)
	if !ok {
		require.ErrorIs(t, err, domain.ErrExhausted, what)
		return
	}
	require.NoError(t, err, what)
	require.Equal(t, next, a.Addr, what)
	p.take(next)
	m.addresses[a.ID] = modelAddress{addr: a.Addr}
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func checkAllocate(t *testing.T, b *bundle, m *model, id, what string) {
	t.Helper()
	err := b.store.AddressAllocate(b.ctx, id, b.iface.ID)
	state, exists := m.addresses[id]
	switch {
	case !exists:
		require.ErrorIs(t, err, domain.ErrNotFound, what)
	case state.allocated:
		require.ErrorIs(t, err, domain.ErrAlreadyAllocated, what)
	default:
		require.NoError(t, err, what)
		state.allocated = true
		m.addresses[id] = state
	}
}

func checkUnallocate(t *testing.T, b *bundle, m *model, id, what string) {
	t.Helper()
	err := b.store.AddressUnallocate(b.ctx, id)
	state, exists := m.addresses[id]
	switch {
	case !exists:
		require.ErrorIs(t, err, domain.ErrNotFound, what)
	case !state.allocated:
		require.ErrorIs(t, err, domain.ErrNotAllocated, what)
	default:
		require.NoError(t, err, what)
		state.allocated = false
		m.addresses[id] = state
	}
}

func checkDelete(t *testing.T, b *bundle, m *model, id, what string) {
	t.Helper()
	err := b.store.AddressDelete(b.ctx, id)
	state, exists := m.addresses[id]
	if !exists {
		require.ErrorIs(t, err, domain.ErrNotFound, what)
		return
	}
	require.NoError(t, err, what)
	delete(m.addresses, id)
	m.poolOf(state.addr).giveBack(state.addr)
}
