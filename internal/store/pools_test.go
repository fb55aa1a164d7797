package store_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// TestPoolUpdateRefusals refuses each change that would break a rule, with
// the error type its caller maps and a message naming what conflicts, and
// leaves the database as it was.
func TestPoolUpdateRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()

		// The pool is 10.0.0.0/28 with gateway .1 and holds .2 and .9, or
		// the addresses held says; its neighbour in the network is
		// 10.0.1.0/24.
		tests := []struct {
			name     string
			held     []string
			change   poolSpec
			conflict bool     // a ConflictError, or else a ValidationError
			want     []string // what the message holds; "POOL" and "NEIGHBOUR" stand for their IDs
		}{
			// Settings that are wrong whatever the pool holds.
			{"overlap", nil, poolSpec{prefix: "10.0.0.0/23", gateway: "10.0.0.1"}, false,
				[]string{"10.0.0.0/23 overlaps pool NEIGHBOUR"}},
			{"gateway outside prefix", nil, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.2.1"}, false,
				[]string{"gateway 10.0.2.1 is outside 10.0.0.0/28"}},
			{"reserved outside prefix", nil, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.1",
				reserved: []string{"10.0.3.0/24"}}, false,
				[]string{"reserved range 10.0.3.0-10.0.3.255 is outside 10.0.0.0/28"}},
			{"version change", nil, poolSpec{prefix: "2001:db8::/64"}, false,
				[]string{"pool POOL is ipv4", "2001:db8::/64"}},

			// Settings that would leave an address the pool holds behind.
			{"shrink below an address", nil, poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.1"}, true,
				[]string{"pool POOL still holds 10.0.0.9, which is outside 10.0.0.0/29"}},
			{"move away, lowest named first", nil, poolSpec{prefix: "10.0.0.16/28"}, true,
				[]string{"pool POOL still holds 10.0.0.2, which is outside 10.0.0.16/28"}},
			{"narrow the ranges", nil, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.1",
				ranges: []string{"10.0.0.2-10.0.0.8"}}, true,
				[]string{"pool POOL still holds 10.0.0.9, which is outside the pool's allocation ranges"}},
			{"gateway onto an address", nil, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.9"}, true,
				[]string{"pool POOL still holds 10.0.0.9, which would be the gateway"}},
			{"reserved over an address", nil, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.1",
				reserved: []string{"10.0.0.8-10.0.0.10"}}, true,
				[]string{"pool POOL still holds 10.0.0.9, which reserved range 10.0.0.8-10.0.0.10 would cover"}},
			{"address becomes the broadcast", []string{"10.0.0.7"}, poolSpec{prefix: "10.0.0.0/29",
				gateway: "10.0.0.1"}, true,
				[]string{"pool POOL still holds 10.0.0.7, which would be the broadcast address of 10.0.0.0/29"}},
			{"address becomes the network", []string{"10.0.0.8"}, poolSpec{prefix: "10.0.0.8/29"}, true,
				[]string{"pool POOL still holds 10.0.0.8, which would be the network address of 10.0.0.8/29"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, engine)
				neighbour := b.addPool(t, poolSpec{prefix: "10.0.1.0/24"})
				p := b.addPool(t, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.1"})
				held := tt.held
				if held == nil {
					held = []string{"10.0.0.2", "10.0.0.9"}
				}
				b.mustCreate(t, held...)
				before := storetest.Dump(t, b.url)

				change := b.poolOf(tt.change)
				change.ID = p.ID
				_, err := replacePool(b, change)

				msg := refusalMessage(t, err, tt.conflict)
				for _, want := range tt.want {
					want = strings.NewReplacer("POOL", p.ID, "NEIGHBOUR", neighbour.ID).Replace(want)
					require.Contains(t, msg, want)
				}
				require.Equal(t, before, storetest.Dump(t, b.url), "a refused update changed the database")
			})
		}
	})
}

// refusalMessage requires err to be a ConflictError when conflict is set,
// and a ValidationError otherwise, and returns its message.
func refusalMessage(t *testing.T, err error, conflict bool) string {
	t.Helper()
	if conflict {
		var refused *domain.ConflictError
		require.True(t, errors.As(err, &refused), "got %v; want a conflict error", err)
		require.ErrorIs(t, err, domain.ErrConflict)
		return refused.Message
	}
	var invalid *domain.ValidationError
	require.True(t, errors.As(err, &invalid), "got %v; want a validation error", err)
	require.Len(t, invalid.Messages, 1)
	return invalid.Messages[0]
}

// TestPoolUpdateGrow grows a pool that holds addresses, one of them handed
// back, and then hands out exactly the addresses the larger pool adds to
// what is free, each once.
func TestPoolUpdateGrow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(t, poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.1"})
		require.Equal(t, []string{"10.0.0.2", "10.0.0.3", "10.0.0.4"}, b.take(t, ipam.IPv4, 3))
		b.mustDelete(t, "10.0.0.3") // into the returned queue of fresh_first
		p = b.mustGetPool(t, p.ID)

		grown := b.poolOf(poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.1"})
		grown.ID = p.ID
		updated, err := replacePool(b, grown)
		require.NoError(t, err)
		require.Equal(t, netip.MustParsePrefix("10.0.0.0/28"), updated.Prefix)
		require.EqualValues(t, 2, updated.Allocated, "the pool still holds .2 and .4")
		requirePoolAudit(t, b, p.ID, domain.ActionUpdate, p, updated)

		// The /28 hands out .2 to .14, of which it holds two; .3 is free
		// again, out of the returned queue.
		requireFreeRanges(t, b, p.ID, "10.0.0.3", "10.0.0.5-10.0.0.14")
		require.Empty(t, dumpRows(t, b, "pool_returned", p.ID), "the returned queue was emptied")
		held := []string{"10.0.0.2", "10.0.0.4"}
		want := slices.DeleteFunc(allocatable(updated), func(a string) bool { return slices.Contains(held, a) })
		require.Len(t, want, 11)
		got := b.take(t, ipam.IPv4, len(want))
		require.Equal(t, want, sortedCopy(got), "each free address once, none held")
		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted)
	})
}

// TestPoolUpdateShrink shrinks a pool around the addresses it holds, and
// then hands out only what is left of the smaller pool.
func TestPoolUpdateShrink(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(t, poolSpec{prefix: "10.0.0.0/28", gateway: "10.0.0.1"})
		b.mustCreate(t, "10.0.0.2", "10.0.0.5")
		p = b.mustGetPool(t, p.ID)

		shrunk := b.poolOf(poolSpec{prefix: "10.0.0.0/29", gateway: "10.0.0.1", reserved: []string{"10.0.0.4"}})
		shrunk.ID = p.ID
		updated, err := replacePool(b, shrunk)
		require.NoError(t, err)
		requirePoolAudit(t, b, p.ID, domain.ActionUpdate, p, updated)
		requireFreeRanges(t, b, p.ID, "10.0.0.3", "10.0.0.6")

		require.Equal(t, []string{"10.0.0.3", "10.0.0.6"}, b.take(t, ipam.IPv4, 2))
		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted)
		_, err = b.create(0, "10.0.0.9")
		var invalid *domain.ValidationError
		require.True(t, errors.As(err, &invalid), "got %v; want a validation error for an address outside", err)
	})
}

// TestPoolUpdateStrategy changes only a pool's strategy and position: the
// pool hands out at random from then on, and an address handed back
// keeps its place behind the fresh ones.
func TestPoolUpdateStrategy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(t, poolSpec{prefix: "10.0.0.0/26", gateway: "10.0.0.1"})
		require.Equal(t, []string{"10.0.0.2", "10.0.0.3"}, b.take(t, ipam.IPv4, 2))
		b.mustDelete(t, "10.0.0.2")
		p = b.mustGetPool(t, p.ID)

		random := p
		random.Strategy, random.Position = ipam.Random, 3
		updated, err := replacePool(b, random)
		require.NoError(t, err)
		require.Equal(t, ipam.Random, updated.Strategy)
		require.Equal(t, 3, updated.Position)
		require.Equal(t, updated, b.mustGetPool(t, p.ID))
		requirePoolAudit(t, b, p.ID, domain.ActionUpdate, p, updated)

		// .4 to .62 are fresh, then .2 comes back.
		fresh := b.take(t, ipam.IPv4, 59)
		require.Equal(t, allocatable(updated)[2:], sortedCopy(fresh))
		require.NotEqual(t, sortedCopy(fresh), fresh, "a random pool does not hand out in order")
		require.Equal(t, []string{"10.0.0.2"}, b.take(t, ipam.IPv4, 1))
		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted)
	})
}

// TestPoolUpdateConcurrent grows a pool while addresses are being taken
// from it: every address is handed out once, from the old pool or the new,
// and none taken while the update ran is left among the free ranges. The
// pool hands out at random, so that such an address would stay there
// rather than be skipped over by the next lowest-free allocation.
func TestPoolUpdateConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(t, poolSpec{prefix: "10.0.0.0/26", gateway: "10.0.0.1", strategy: ipam.Random})
		grown := b.poolOf(poolSpec{prefix: "10.0.0.0/25", gateway: "10.0.0.1", strategy: ipam.Random})
		grown.ID = p.ID

		// Sixty addresses fit in the /26 as well as in the /25, so every
		// taker succeeds whenever the update lands.
		var mu sync.Mutex
		var got []string
		var errs []error
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for range 10 {
					a, err := b.create(ipam.IPv4, "")
					mu.Lock()
					got, errs = append(got, a.Addr.String()), append(errs, err)
					mu.Unlock()
				}
			})
		}
		wg.Go(func() {
			_, err := replacePool(b, grown)
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}

		// The free ranges hold exactly what the /25 has not handed out: an
		// address taken while the update ran is not among them.
		updated := b.mustGetPool(t, p.ID)
		free := slices.DeleteFunc(allocatable(updated), func(a string) bool { return slices.Contains(got, a) })
		ranges, err := b.store.PoolFreeRanges(b.ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, free, rangeAddrs(ranges))

		got = append(got, b.take(t, ipam.IPv4, 125-len(got))...)
		require.Equal(t, allocatable(updated), sortedCopy(got), "each address of the /25 once")
		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted)
	})
}

func TestPoolUpdateMissing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		missing := b.poolOf(poolSpec{prefix: "10.0.0.0/29"})
		missing.ID = "sbnt_missing"

		_, err := replacePool(b, missing)
		require.ErrorIs(t, err, domain.ErrNotFound)
		require.ErrorIs(t, b.store.PoolDelete(b.ctx, missing.ID), domain.ErrNotFound)
		_, err = b.store.PoolGet(b.ctx, missing.ID)
		require.ErrorIs(t, err, domain.ErrNotFound)
	})
}

// TestPoolDeleteRefused refuses to delete a pool that holds addresses,
// naming one, and leaves the database as it was.
func TestPoolDeleteRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()

		tests := []struct {
			held []string
			want string // "POOL" stands for the pool's ID
		}{
			{[]string{"10.0.0.5"}, "pool POOL still holds address 10.0.0.5"},
			{[]string{"10.0.0.5", "10.0.0.2"}, "pool POOL still holds 2 addresses, such as 10.0.0.2"},
		}
		for _, tt := range tests {
			t.Run(strings.Join(tt.held, ","), func(t *testing.T) {
				t.Parallel()
				b := setup(t, engine)
				p := b.addPool(t, poolSpec{prefix: "10.0.0.0/29"})
				b.mustCreate(t, tt.held...)
				before := storetest.Dump(t, b.url)

				err := b.store.PoolDelete(b.ctx, p.ID)
				msg := refusalMessage(t, err, true)
				require.Equal(t, strings.ReplaceAll(tt.want, "POOL", p.ID), msg)
				require.Equal(t, before, storetest.Dump(t, b.url), "a refused delete changed the database")
			})
		}
	})
}

// TestPoolDelete deletes an empty pool, its free space and returned
// queue with it, and records it in the audit log.
func TestPoolDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(t, poolSpec{prefix: "10.0.0.0/29"})
		b.mustCreate(t, "10.0.0.3")
		b.mustDelete(t, "10.0.0.3") // into the returned queue of fresh_first
		p = b.mustGetPool(t, p.ID)

		require.NoError(t, b.store.PoolDelete(b.ctx, p.ID))
		_, err := b.store.PoolGet(b.ctx, p.ID)
		require.ErrorIs(t, err, domain.ErrNotFound)
		require.Empty(t, dumpRows(t, b, "pool_free_ranges", p.ID), "the free ranges went with the pool")
		require.Empty(t, dumpRows(t, b, "pool_returned", p.ID), "the returned queue went with the pool")
		requirePoolAudit(t, b, p.ID, domain.ActionDelete, p, domain.Pool{})

		_, err = b.create(ipam.IPv4, "")
		require.ErrorIs(t, err, domain.ErrExhausted, "the network has no pool left")
		b.addPool(t, poolSpec{prefix: "10.0.0.0/29"})
		require.Len(t, b.take(t, ipam.IPv4, 6), 6, "the prefix may be used again")
	})
}

// TestPoolCreateAudited records a new pool in the audit log as created.
func TestPoolCreateAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		p := b.addPool(t, poolSpec{prefix: "2001:db8::/64", reserved: []string{"2001:db8::1-2001:db8::ff"}})

		require.Equal(t, p, b.mustGetPool(t, p.ID))
		requirePoolAudit(t, b, p.ID, domain.ActionCreate, domain.Pool{}, p)
	})
}

// TestPoolListAll lists the pools of every network, by network and then
// in allocation order.
func TestPoolListAll(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		other, err := b.store.NetworkCreate(b.ctx, domain.Network{Name: "Private", Permalink: "private",
			DataCenter: b.network.DataCenter})
		require.NoError(t, err)

		var want []domain.Pool
		for _, spec := range []poolSpec{
			{prefix: "2001:db8::/64"},
			{prefix: "10.0.1.0/24", position: 1},
			{prefix: "10.0.0.0/24"},
		} {
			want = append(want, b.addPool(t, spec))
		}
		otherPool := b.poolOf(poolSpec{prefix: "10.0.0.0/24"})
		otherPool.NetworkID = other.ID
		created, err := b.store.PoolCreate(b.ctx, otherPool)
		require.NoError(t, err, "another network may use the same prefix")

		mine := []domain.Pool{want[2], want[1], want[0]}
		want = append([]domain.Pool{created}, mine...)
		if b.network.ID < other.ID {
			want = append(mine, created)
		}
		got, err := b.store.PoolListAll(b.ctx)
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

// mustCreate creates each address in the bundle's organization.
func (b *bundle) mustCreate(t *testing.T, addrs ...string) {
	t.Helper()
	for _, a := range addrs {
		_, err := b.create(0, a)
		require.NoError(t, err)
	}
}

// mustDelete deletes the address a, which gives it back to its pool.
func (b *bundle) mustDelete(t *testing.T, a string) {
	t.Helper()
	found, err := b.store.AddressGetByAddr(b.ctx, netip.MustParseAddr(a), b.org.ID)
	require.NoError(t, err)
	require.NoError(t, b.store.AddressDelete(b.ctx, found.ID))
}

// requireFreeRanges requires the free ranges of the pool id to be want.
func requireFreeRanges(t *testing.T, b *bundle, id string, want ...string) {
	t.Helper()
	ranges, err := b.store.PoolFreeRanges(b.ctx, id)
	require.NoError(t, err)
	got := make([]string, len(ranges))
	for i, r := range ranges {
		got[i] = r.String()
	}
	require.Equal(t, want, got)
}

// dumpRows returns the rows of table that mention id, as storetest.Dump
// shows them.
func dumpRows(t *testing.T, b *bundle, table, id string) []string {
	t.Helper()
	var rows []string
	for _, line := range strings.Split(storetest.Dump(t, b.url), "\n") {
		if strings.HasPrefix(line, table+" ") && strings.Contains(line, id) {
			rows = append(rows, line)
		}
	}
	return rows
}

// mustGetPool returns the pool id as it stands.
func (b *bundle) mustGetPool(t *testing.T, id string) domain.Pool {
	t.Helper()
	p, err := b.store.PoolGet(b.ctx, id)
	require.NoError(t, err)
	return p
}

// allocatable returns every address p may hand out, in order; p must be
// small.
func allocatable(p domain.Pool) []string {
	return rangeAddrs(p.FreeSpace())
}

// rangeAddrs returns every address of the sorted ranges, in order.
func rangeAddrs(ranges []ipam.Range) []string {
	var out []string
	for _, r := range ranges {
		for a := r.From; r.Contains(a); a = a.Next() {
			out = append(out, a.String())
		}
	}
	return out
}

// requirePoolAudit requires the newest audit entry of the pool id to
// record action, with the pool as it was before and after; a zero Pool
// stands for none.
func requirePoolAudit(t *testing.T, b *bundle, id, action string, before, after domain.Pool) {
	t.Helper()
	entries, _, err := b.store.AuditList(b.ctx, store.AuditListParams{
		ObjectType: "pool", ObjectID: id, Page: domain.Page{Number: 1, PerPage: 1},
	})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	e := entries[0]
	require.Equal(t, action, e.Action)
	require.Equal(t, "pool", e.ObjectType)
	require.Equal(t, before, auditPool(t, e.Before))
	require.Equal(t, after, auditPool(t, e.After))
}

// auditPool decodes a pool from an audit entry; null is the zero Pool.
func auditPool(t *testing.T, raw json.RawMessage) domain.Pool {
	t.Helper()
	var p domain.Pool
	if string(raw) != "null" {
		require.NoError(t, json.Unmarshal(raw, &p))
	}
	return p
}

// replacePool sets every setting of the pool p.ID to p's.
func replacePool(b *bundle, p domain.Pool) (domain.Pool, error) {
	return b.store.PoolUpdate(b.ctx, p.ID, func(current *domain.Pool) error {
		current.Pool, current.Strategy, current.Reuse, current.Position = p.Pool, p.Strategy, p.Reuse, p.Position
		return nil
	})
}
