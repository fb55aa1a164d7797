package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"slices"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

var poolKind = kind[domain.Pool]{name: "pool", table: "pools", get: poolGet}

// PoolCreate stores a new pool in the network p.NetworkID and lays out its
// free space: a handful of ranges, whatever the size of the prefix. A pool
// whose prefix overlaps another pool of the same network is refused with a
// domain.ValidationError, as is one ipam.Pool.Validate refuses. The
// creation is recorded in the audit log.
func (s *Store) PoolCreate(ctx context.Context, p domain.Pool) (domain.Pool, error) {
	if err := p.Pool.Validate(); err != nil {
		return domain.Pool{}, poolInvalid(err)
	}
	p.ID = newID(prefixPool)
	p.Allocated = 0

	var created domain.Pool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		created, err = recordCreate(ctx, s, tx, poolKind, p.ID, func() error {
			if err := s.lockNetworkPools(ctx, tx, p.NetworkID); err != nil {
				return err
			}
			if err := poolCheckOverlap(ctx, tx, p); err != nil {
				return err
			}
			if err := poolInsert(ctx, tx, p); err != nil {
				return err
			}
			return freeRangeInsertAll(ctx, tx, p.ID, p.FreeSpace())
		})
		return err
	})
	if err != nil {
		return domain.Pool{}, translate(err, "create pool "+p.Prefix.String())
	}
	return created, nil
}

// PoolUpdate changes the prefix, ranges, gateway, reserved addresses,
// strategy, reuse policy or position of the pool id as edit says. The
// pool's network and IP version are fixed, and its allocated count is the
// store's to keep, so edits of them are ignored or refused.
//
// The change is refused with a domain.ValidationError when
// ipam.Pool.Validate refuses it, when the prefix is of the other version,
// or when it overlaps another pool of the network; and with a
// domain.ConflictError naming the pool and the address when the pool
// holds an address the new settings would never hand out, such as one
// outside a shrunk prefix or under a new gateway or reserved range.
//
// It holds the network's pool lock (see lockNetworkPools) and the pool's
// own, so no other change to the network's pools and no allocation in the
// pool interleaves with it, and records the change in the audit log. The
// pool's free space is rebuilt from the new settings less every address
// the pool holds: that costs O(allocated), unlike an allocation, which is
// fine for an operator's change.
func (s *Store) PoolUpdate(ctx context.Context, id string, edit func(*domain.Pool) error) (domain.Pool, error) {
	var updated domain.Pool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var networkID string
		err := tx.QueryRowContext(ctx, `SELECT network_id FROM pools WHERE id = $1`, id).Scan(&networkID)
		if err != nil {
			return err
		}
		if err := s.lockNetworkPools(ctx, tx, networkID); err != nil {
			return err
		}
		// recordUpdate's row lock is also the pool's: allocations wait on it.
		updated, err = recordUpdate(ctx, s, tx, poolKind, id, func(before domain.Pool) error {
			next := before
			if err := edit(&next); err != nil {
				return err
			}
			if err := next.Pool.Validate(); err != nil {
				return poolInvalid(err)
			}
			return poolReplace(ctx, tx, before, next)
		})
		return err
	})
	if err != nil {
		return domain.Pool{}, translate(err, "update pool "+id)
	}
	return updated, nil
}

// poolInvalid turns what ipam.Pool.Validate found into a
// domain.ValidationError with a message per problem.
func poolInvalid(err error) error {
	var messages []string
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			messages = append(messages, e.Error())
		}
	} else {
		messages = []string{err.Error()}
	}
	return &domain.ValidationError{Messages: messages}
}

// lockNetworkPools serializes, until tx ends, the changes to the pools of
// the network networkID, so that two pools created or grown at once cannot
// overlap. It locks the network's row without holding up allocations,
// whose address rows refer to it.
func (s *Store) lockNetworkPools(ctx context.Context, tx *sql.Tx, networkID string) error {
	var found string
	return tx.QueryRowContext(ctx, `SELECT id FROM networks WHERE id = $1`+s.dialect.lockRowToChange, networkID).
		Scan(&found)
}

// poolReplace checks and stores the settings of p in the locked pool
// before, and rebuilds its free space.
func poolReplace(ctx context.Context, tx *sql.Tx, before, p domain.Pool) error {
	next := before
	next.Pool, next.Strategy, next.Reuse, next.Position = p.Pool, p.Strategy, p.Reuse, p.Position
	if next.Version() != before.Version() {
		return &domain.ValidationError{Messages: []string{fmt.Sprintf(
			"pool %s is %s and cannot take prefix %s: a pool's IP version is fixed",
			before.ID, before.Version(), next.Prefix,
		)}}
	}
	if err := poolCheckOverlap(ctx, tx, next); err != nil {
		return err
	}

	// A change of strategy, reuse policy or position leaves the addresses
	// the pool may hand out as they were, and so its free space, returned
	// queue included: both policies take from that queue once the ranges
	// run out.
	if sameAddresses(before.Pool, next.Pool) {
		return poolUpdateRow(ctx, tx, next)
	}

	held, err := poolHeldAddrs(ctx, tx, next)
	if err != nil {
		return err
	}
	if err := poolCheckHeld(next, held); err != nil {
		return err
	}
	if err := poolUpdateRow(ctx, tx, next); err != nil {
		return err
	}
	return poolRebuildFreeSpace(ctx, tx, next, held)
}

func poolUpdateRow(ctx context.Context, tx *sql.Tx, p domain.Pool) error {
	return execFound(ctx, tx, `UPDATE pools SET prefix = $2, ranges = $3, gateway = $4, reserved = $5,
		strategy = $6, reuse = $7, position = $8 WHERE id = $1`,
		p.ID, p.Prefix.String(), joinRanges(p.Ranges), gatewayText(p.Gateway),
		joinRanges(p.Reserved), string(p.Strategy), string(p.Reuse), p.Position)
}

// sameAddresses reports whether a and b hand out the same addresses,
// having the same prefix, ranges, gateway and reserved ranges.
func sameAddresses(a, b ipam.Pool) bool {
	return a.Prefix == b.Prefix && a.Gateway == b.Gateway &&
		slices.Equal(a.Ranges, b.Ranges) && slices.Equal(a.Reserved, b.Reserved)
}

// poolHeldAddrs returns every address of the pool p that exists in an
// organization, sorted.
func poolHeldAddrs(ctx context.Context, tx *sql.Tx, p domain.Pool) ([]netip.Addr, error) {
	texts, err := selectIDs(ctx, tx, `SELECT address FROM ip_addresses WHERE network_id = $1 AND pool_id = $2`,
		p.NetworkID, p.ID)
	if err != nil {
		return nil, err
	}
	held := make([]netip.Addr, len(texts))
	for i, text := range texts {
		if held[i], err = netip.ParseAddr(text); err != nil {
			return nil, fmt.Errorf("decode address of pool %s: %w", p.ID, err)
		}
	}
	slices.SortFunc(held, netip.Addr.Compare)
	return held, nil
}

// poolCheckHeld refuses the settings of p when p would never hand out one
// of the addresses it holds, naming the lowest such address: the pool must
// go on accounting for every address it has handed out.
func poolCheckHeld(p domain.Pool, held []netip.Addr) error {
	for _, a := range held {
		if !p.Allocatable(a) {
			why := excludedWhy(p, a)
			return &domain.ConflictError{Message: fmt.Sprintf("pool %s still holds %s, %s", p.ID, a, why)}
		}
	}
	return nil
}

// excludedWhy says why the pool p never hands out a, an address
// p.Allocatable refuses, as a clause that follows the address.
func excludedWhy(p domain.Pool, a netip.Addr) string {
	span := p.Span()
	inRange := func(r ipam.Range) bool { return r.Contains(a) }
	switch {
	case !span.Contains(a):
		return "which is outside " + p.Prefix.String()
	case len(p.Ranges) > 0 && !slices.ContainsFunc(p.Ranges, inRange):
		return "which is outside the pool's allocation ranges"
	case a == p.Gateway:
		return "which would be the gateway"
	case slices.ContainsFunc(p.Reserved, inRange):
		return "which reserved range " + p.Reserved[slices.IndexFunc(p.Reserved, inRange)].String() + " would cover"
	case a == span.From && a.Is4():
		return "which would be the network address of " + p.Prefix.String()
	case a == span.From:
		return "which would be the subnet-router anycast address of " + p.Prefix.String()
	case a == span.To:
		return "which would be the broadcast address of " + p.Prefix.String()
	}
	return "which the new settings exclude"
}

// poolRebuildFreeSpace replaces the free space of the pool p, which holds
// the sorted addresses held, with what its settings allow less held.
//
// The returned-address queue of the fresh_first policy is emptied too.
// That loses no address: a returned address is free, not held, so it goes
// back into the free ranges. What is lost is only its place in the queue,
// so it may be handed out again before addresses never used.
func poolRebuildFreeSpace(ctx context.Context, tx *sql.Tx, p domain.Pool, held []netip.Addr) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM pool_free_ranges WHERE pool_id = $1`, p.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pool_returned WHERE pool_id = $1`, p.ID); err != nil {
		return err
	}
	holes := make([]ipam.Range, len(held))
	for i, a := range held {
		holes[i] = ipam.Range{From: a, To: a}
	}
	return freeRangeInsertAll(ctx, tx, p.ID, ipam.Subtract(p.FreeSpace(), holes))
}

// PoolDelete removes the pool id with its free space. A pool that still
// holds addresses is refused with a domain.ConflictError naming one of
// them; they must be deleted, and so given back, first. The deletion is
// recorded in the audit log.
func (s *Store) PoolDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		// recordDelete's row lock is also the pool's, so no allocation can
		// add an address between the check and the delete.
		_, err := recordDelete(ctx, s, tx, poolKind, id, func(before domain.Pool) error {
			if err := poolRefuseIfHolds(ctx, tx, before); err != nil {
				return err
			}
			// Its free ranges and returned addresses go with it, by ON
			// DELETE CASCADE.
			return execFound(ctx, tx, `DELETE FROM pools WHERE id = $1`, id)
		})
		return err
	})
	return translate(err, "delete pool "+id)
}

// poolRefuseIfHolds returns a domain.ConflictError naming the lowest
// address of the pool p and how many it holds, when it holds any.
func poolRefuseIfHolds(ctx context.Context, tx *sql.Tx, p domain.Pool) error {
	held, err := poolHeldAddrs(ctx, tx, p)
	if err != nil || len(held) == 0 {
		return err
	}
	msg := fmt.Sprintf("pool %s still holds %d addresses, such as %s", p.ID, len(held), held[0])
	if len(held) == 1 {
		msg = fmt.Sprintf("pool %s still holds address %s", p.ID, held[0])
	}
	return &domain.ConflictError{Message: msg}
}

func poolInsert(ctx context.Context, tx *sql.Tx, p domain.Pool) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO pools (id, network_id, version, prefix, ranges, gateway, reserved, strategy, reuse, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.NetworkID, int(p.Version()), p.Prefix.String(), joinRanges(p.Ranges), gatewayText(p.Gateway),
		joinRanges(p.Reserved), string(p.Strategy), string(p.Reuse), p.Position)
	return err
}

// gatewayText stores a gateway, with the zero Addr, no gateway, as "".
func gatewayText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// poolCheckOverlap refuses p when its prefix shares an address with
// another pool of the same network, since one address must belong to one
// pool. The stored row of p itself, when there is one, is no other pool.
func poolCheckOverlap(ctx context.Context, q queryer, p domain.Pool) error {
	pools, err := poolList(ctx, q, p.NetworkID)
	if err != nil {
		return err
	}
	for _, other := range pools {
		if other.ID != p.ID && other.Prefix.Overlaps(p.Prefix) {
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

// PoolGet returns the pool with the given ID.
func (s *Store) PoolGet(ctx context.Context, id string) (domain.Pool, error) {
	p, err := poolGet(ctx, s.db, id)
	return p, translate(err, "get pool "+id)
}

func poolGet(ctx context.Context, q queryer, id string) (domain.Pool, error) {
	return scanPool(q.QueryRowContext(ctx, `SELECT `+poolColumns+` FROM pools p WHERE p.id = $1`, id))
}

// PoolListAll returns every pool, by network and then in the order
// allocation tries each network's pools of one version.
func (s *Store) PoolListAll(ctx context.Context) ([]domain.Pool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+poolColumns+` FROM pools p
		ORDER BY p.network_id, p.version, p.position, p.id`)
	if err != nil {
		return nil, translate(err, "list pools")
	}
	pools, err := collect(rows, scanPool)
	return pools, translate(err, "list pools")
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
