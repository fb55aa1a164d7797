package service

import (
	"context"
	"math/big"

	"github.com/ipd/ipd/internal/domain"
)

// PoolUsage is one pool with the network it belongs to.
type PoolUsage struct {
	Network domain.Network
	Pool    domain.Pool
}

// Size returns how many addresses the pool can hand out in all.
func (p PoolUsage) Size() *big.Int {
	return p.Pool.Capacity().Big()
}

// Pools returns every pool of every network, network by network, with
// its count of addresses in use: two queries, whatever the number of
// networks, since every scrape of the metrics asks.
func (s *Service) Pools(ctx context.Context) ([]PoolUsage, error) {
	networks, err := s.store.NetworkList(ctx)
	if err != nil {
		return nil, err
	}
	pools, err := s.store.PoolListAll(ctx)
	if err != nil {
		return nil, err
	}
	byNetwork := make(map[string][]domain.Pool)
	for _, p := range pools {
		byNetwork[p.NetworkID] = append(byNetwork[p.NetworkID], p)
	}
	var out []PoolUsage
	for _, n := range networks {
		for _, p := range byNetwork[n.ID] {
			out = append(out, PoolUsage{Network: n, Pool: p})
		}
	}
	return out, nil
}
