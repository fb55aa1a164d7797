package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

// PoolCreate stores a new pool in the network p.NetworkID and lays out its
// free space: a handful of ranges, whatever the size of the prefix. A pool
// whose prefix overlaps another pool of the same network is refused with a
// domain.ValidationError, as is one ipam.Pool.Validate refuses.
func (s *Store) PoolCreate(ctx context.Context, p domain.Pool) (domain.Pool, error) {
	if err := p.Pool.Validate(); err != nil {
		return domain.Pool{}, &domain.ValidationError{Messages: []string{err.Error()}}
	}
	p.ID = newID(prefixPool)
	p.Allocated = 0

	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := poolCheckOverlap(ctx, tx, p); err != nil {
			return err
		}
		if err := poolInsert(ctx, tx, p); err != nil {
			return err
		}
		for _, r := range p.FreeSpace() {
			if err := freeRangeInsert(ctx, tx, p.ID, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return domain.Pool{}, translate(err, "create pool "+p.Prefix.String())
	}
	return p, nil
}

func poolInsert(ctx context.Context, tx *sql.Tx, p domain.Pool) error {
	gateway := ""
	if p.Gateway.IsValid() {
		gateway = p.Gateway.String()
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO pools (id, network_id, version, prefix, ranges, gateway, reserved, strategy, reuse, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.NetworkID, int(p.Version()), p.Prefix.String(), joinRanges(p.Ranges), gateway,
		joinRanges(p.Reserved), string(p.Strategy), string(p.Reuse), p.Position)
	return err
}

// poolCheckOverlap refuses p when its prefix shares an address with a pool
// already in the same network, since one address must belong to one pool.
func poolCheckOverlap(ctx context.Context, q queryer, p domain.Pool) error {
	pools, err := poolList(ctx, q, p.NetworkID)
	if err != nil {
		return err
	}
	for _, other := range pools {
		if other.Prefix.Overlaps(p.Prefix) {
			return &domain.ValidationError{Messages: []string{
				fmt.Sprintf("prefix %s overlaps pool %s (%s) in the same network", p.Prefix, other.ID, other.Prefix),
			}}
		}
	}
	return nil
}

const poolColumns = `p.id, p.network_id, p.prefix, p.ranges, p.gateway, p.reserved,
	p.strategy, p.reuse, p.position, p.allocated`

func scanPool(row interface{ Scan(...any) error }) (domain.Pool, error) {
	var p domain.Pool
	var prefix, ranges, gateway, reserved, strategy, reuse string
	err := row.Scan(&p.ID, &p.NetworkID, &prefix, &ranges, &gateway, &reserved,
		&strategy, &reuse, &p.Position, &p.Allocated)
	if err != nil {
		return p, err
	}
	if p.Prefix, err = netip.ParsePrefix(prefix); err != nil {
		return p, fmt.Errorf("decode pool %s prefix: %w", p.ID, err)
	}
	if gateway != "" {
		if p.Gateway, err = netip.ParseAddr(gateway); err != nil {
			return p, fmt.Errorf("decode pool %s gateway: %w", p.ID, err)
		}
	}
	if p.Ranges, err = parseRanges(ranges); err != nil {
		return p, fmt.Errorf("decode pool %s ranges: %w", p.ID, err)
	}
	if p.Reserved, err = parseRanges(reserved); err != nil {
		return p, fmt.Errorf("decode pool %s reserved: %w", p.ID, err)
	}
	p.Strategy, p.Reuse = ipam.Strategy(strategy), ipam.Reuse(reuse)
	return p, nil
}

// PoolList returns the pools of a network, each version's in the order
// allocation tries them.
func (s *Store) PoolList(ctx context.Context, networkID string) ([]domain.Pool, error) {
	pools, err := poolList(ctx, s.db, networkID)
	return pools, translate(err, "list pools of network "+networkID)
}

func poolList(ctx context.Context, q queryer, networkID string) ([]domain.Pool, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+poolColumns+` FROM pools p
		WHERE p.network_id = $1 ORDER BY p.version, p.position, p.id`, networkID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPool)
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(row interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, rows.Err()
}
