package store

import (
	"context"
	"database/sql"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

// FillPool makes the addresses used exist in the organization orgID, as
// if each had been allocated, in one transaction and in bulk, so that
// benchmarks can start from a pool at any utilization without allocating
// address by address. The addresses must be free in p.
func (s *Store) FillPool(ctx context.Context, p domain.Pool, orgID string, used []netip.Addr) error {
	holes := make([]ipam.Range, len(used))
	for i, a := range used {
		holes[i] = ipam.Range{From: a, To: a}
	}
	free := ipam.Subtract(p.FreeSpace(), holes)

	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pool_free_ranges WHERE pool_id = $1`, p.ID); err != nil {
			return err
		}
		if err := freeRangeInsertAll(ctx, tx, p.ID, free); err != nil {
			return err
		}
		err := insertBatches(ctx, tx,
			`INSERT INTO ip_addresses (id, organization_id, network_id, pool_id, address, created_at) VALUES `,
			len(used), func(i int) []any {
				return []any{newID(prefixAddress), orgID, p.NetworkID, p.ID, used[i].String(), int64(0)}
			})
		return err
	})
	if err != nil {
		return err
	}

	// A live database has statistics for its tables; without them the
	// planner would judge the just-filled tables by their empty past.
	_, err = s.db.ExecContext(ctx, `ANALYZE`)
	return err
}

// PoolFreeRanges returns the free ranges the pool id keeps, in order, for
// tests that check them against what the pool holds.
func (s *Store) PoolFreeRanges(ctx context.Context, id string) ([]ipam.Range, error) {
	p, err := poolGet(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT first, last FROM pool_free_ranges WHERE pool_id = $1 ORDER BY first`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (ipam.Range, error) {
		var first, last []byte
		if err := row.Scan(&first, &last); err != nil {
			return ipam.Range{}, err
		}
		return decodeRange(first, last, p.Version())
	})
}

// InsertOneRow runs one write transaction that inserts one row into a
// scratch table, the cheapest durable write the engine can do, through
// the same transaction machinery as every store write.
func (s *Store) InsertOneRow(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bench_rows (id) VALUES ($1)`, newID(""))
		return err
	})
}

// CreateScratchTable creates the table InsertOneRow writes to.
func (s *Store) CreateScratchTable(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE TABLE bench_rows (id TEXT PRIMARY KEY)`)
	return err
}

// WriteFailing runs one write transaction whose attempts return errs in
// turn and, once errs run out, commit having done nothing, so that a test
// can meet the engine's conflicts on demand.
func (s *Store) WriteFailing(ctx context.Context, errs ...error) error {
	attempt := 0
	return s.write(ctx, func(tx *sql.Tx) error {
		attempt++
		if attempt <= len(errs) {
			return errs[attempt-1]
		}
		return nil
	})
}
