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
// its count of addresses in use.
func (s *Service) Pools(ctx context.Context) ([]PoolUsage, error) {
	networks, err := s.store.NetworkList(ctx)
	if err != nil {
		return nil, err
	}
	var out []PoolUsage
	for _, n := range networks {
		pools, err := s.store.PoolList(ctx, n.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range pools {
			out = append(out, PoolUsage{Network: n, Pool: p})
		}
	}
	return out, nil
}
