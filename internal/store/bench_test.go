package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// BenchmarkAllocate measures one allocation followed by the delete that
// gives the address back, so that the pool stays at its utilization for
// the whole run. The pool is filled beforehand with addresses chosen at
// random, which leaves its free space as fragmented as it can be at that
// utilization: the worst case for a range index.
func BenchmarkAllocate(b *testing.B) {
	cases := []struct {
		name   string
		prefix string
		used   int
	}{
		{"v4-16/1%", "10.0.0.0/16", 655},
		{"v4-16/50%", "10.0.0.0/16", 32767},
		{"v4-16/99%", "10.0.0.0/16", 64879},
		{"v4-16/99.99%", "10.0.0.0/16", 65527},
		{"v6-48/655", "2001:db8:1::/48", 655},
		{"v6-48/32767", "2001:db8:1::/48", 32767},
	}
	for _, engine := range storetest.Engines() {
		for _, strategy := range []ipam.Strategy{ipam.Lowest, ipam.Random} {
			for _, c := range cases {
				b.Run(fmt.Sprintf("%s/%s/%s", engine, strategy, c.name), func(b *testing.B) {
					benchmarkAllocate(b, engine, strategy, c.prefix, c.used)
				})
			}
		}
	}
}

func benchmarkAllocate(b *testing.B, engine string, strategy ipam.Strategy, prefix string, used int) {
	bb := setup(b, engine)
	pool := bb.addPool(b, poolSpec{prefix: prefix, strategy: strategy, reuse: ipam.Immediate})
	if err := bb.store.FillPool(bb.ctx, pool, bb.org.ID, randomAddrs(pool, used)); err != nil {
		b.Fatal(err)
	}
	params := store.AddressCreateParams{OrganizationID: bb.org.ID, NetworkID: bb.network.ID, Version: pool.Version()}

	b.ResetTimer()
	for b.Loop() {
		a, err := bb.store.AddressCreate(bb.ctx, params)
		if err != nil {
			b.Fatal(err)
		}
		if err := bb.store.AddressDelete(bb.ctx, a.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// randomAddrs returns n distinct allocatable addresses of the pool, drawn
// from its first 2^16 addresses.
func randomAddrs(p domain.Pool, n int) []netip.Addr {
	span := p.FreeSpace()[0]
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[netip.Addr]bool{}
	out := make([]netip.Addr, 0, n)
	for len(out) < n {
		a := span.At(ipam.Uint128From(uint64(rng.IntN(1 << 16))))
		if !seen[a] && p.Allocatable(a) {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// BenchmarkPoolCreate measures laying out a pool, which must not depend
// on the size of its prefix.
func BenchmarkPoolCreate(b *testing.B) {
	for _, engine := range storetest.Engines() {
		for _, prefix := range []string{"10.0.0.0/8", "2001:db8::/32", "10.0.0.0/24"} {
			b.Run(engine+"/"+prefix, func(b *testing.B) {
				bb := setup(b, engine)
				ctx := context.Background()
				p := domain.Pool{
					Pool:     ipam.Pool{Prefix: netip.MustParsePrefix(prefix)},
					Strategy: ipam.Lowest,
					Reuse:    ipam.FreshFirst,
				}
				n := 0
				for b.Loop() {
					b.StopTimer()
					n++
					network, err := bb.store.NetworkCreate(
						ctx,
						domain.Network{Name: "bench", Permalink: fmt.Sprint("bench-", n),
							DataCenter: bb.network.DataCenter},
					)
					if err != nil {
						b.Fatal(err)
					}
					p.NetworkID = network.ID
					b.StartTimer()
					if _, err := bb.store.PoolCreate(ctx, p); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkInsertCeiling measures one-row insert transactions, one caller
// at a time and from 16 and 64 at once: the most write transactions per
// second the engine gives ipd on this machine, the ceiling to hold
// allocation figures against.
func BenchmarkInsertCeiling(b *testing.B) {
	for _, engine := range storetest.Engines() {
		for _, callers := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("%s/callers=%d", engine, callers), func(b *testing.B) {
				st := storetest.Open(b, engine)
				ctx := context.Background()
				if err := st.CreateScratchTable(ctx); err != nil {
					b.Fatal(err)
				}
				b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := st.InsertOneRow(ctx); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
