package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

// A pool's free space is two tables, both changed only inside the
// transaction that creates or deletes the address rows they account for:
//
//   - pool_free_ranges: sorted, disjoint, inclusive ranges never handed out
//     (or handed back under the immediate reuse policy), keyed by their
//     first and last address. Every step below is one indexed lookup or
//     write, so its cost does not depend on the pool's size or how full it is.
//   - pool_returned: addresses handed back under the fresh_first policy, in
//     the order they came back; they are handed out again only when no
//     range is left.
//
// The caller holds the pool's lock (see Store.poolLock) for all of these.

// poolTake takes the address p's strategy picks, from its free ranges or
// else from its returned addresses, and reports false when p has none.
func poolTake(ctx context.Context, tx *sql.Tx, p domain.Pool) (netip.Addr, bool, error) {
	probe := p.Strategy.Probe(p.Span())
	r, found, err := freeRangeAtOrAfter(ctx, tx, p, probe)
	if err != nil {
		return netip.Addr{}, false, err
	}
	if found {
		a := p.Strategy.Pick(r, probe)
		return a, true, freeRangeRemove(ctx, tx, p.ID, r, a)
	}
	return returnedTakeOldest(ctx, tx, p)
}

// poolTakeAddr takes the address a from p's free space, and reports false
// when a is not free.
func poolTakeAddr(ctx context.Context, tx *sql.Tx, p domain.Pool, a netip.Addr) (bool, error) {
	r, found, err := freeRangeAtOrAfter(ctx, tx, p, a)
	if err != nil {
		return false, err
	}
	if found && r.Contains(a) {
		return true, freeRangeRemove(ctx, tx, p.ID, r, a)
	}
	res, err := tx.ExecContext(ctx,
		`DELETE FROM pool_returned WHERE pool_id = $1 AND address = $2`, p.ID, addrKey(a))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// poolGiveBack returns the address a to p's free space as its reuse policy
// says: to the back of the returned queue, or straight into the ranges.
func poolGiveBack(ctx context.Context, tx *sql.Tx, p domain.Pool, a netip.Addr) error {
	if p.Reuse == ipam.Immediate {
		return freeRangeAdd(ctx, tx, p, a)
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO pool_returned (pool_id, address) VALUES ($1, $2)`, p.ID, addrKey(a))
	return err
}

// freeRangeAtOrAfter returns the first free range of p that ends at or after
// probe; when there is none it wraps around to p's lowest range, so that a
// random probe past the last range still finds the free space before it.
func freeRangeAtOrAfter(ctx context.Context, tx *sql.Tx, p domain.Pool, probe netip.Addr) (ipam.Range, bool, error) {
	r, found, err := freeRangeQuery(ctx, tx, p, `SELECT first, last FROM pool_free_ranges
		WHERE pool_id = $1 AND last >= $2 ORDER BY last LIMIT 1`, p.ID, addrKey(probe))
	if err != nil || found || probe == p.Span().From {
		return r, found, err
	}
	return freeRangeQuery(ctx, tx, p, `SELECT first, last FROM pool_free_ranges
		WHERE pool_id = $1 ORDER BY first LIMIT 1`, p.ID)
}

func freeRangeQuery(
	ctx context.Context, tx *sql.Tx, p domain.Pool, query string, args ...any,
) (ipam.Range, bool, error) {
	var first, last []byte
	err := tx.QueryRowContext(ctx, query, args...).Scan(&first, &last)
	if errNoRows(err) {
		return ipam.Range{}, false, nil
	}
	if err != nil {
		return ipam.Range{}, false, err
	}
	r, err := decodeRange(first, last, p.Version())
	return r, err == nil, err
}

func decodeRange(first, last []byte, v ipam.Version) (ipam.Range, error) {
	from, err := addrFromKey(first, v)
	if err != nil {
		return ipam.Range{}, err
	}
	to, err := addrFromKey(last, v)
	return ipam.Range{From: from, To: to}, err
}

func freeRangeInsert(ctx context.Context, tx *sql.Tx, poolID string, r ipam.Range) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO pool_free_ranges (pool_id, first, last) VALUES ($1, $2, $3)`,
		poolID, addrKey(r.From), addrKey(r.To))
	return err
}

// freeRangeInsertAll inserts the free ranges of a pool that has none, a
// few hundred to a statement.
func freeRangeInsertAll(ctx context.Context, tx *sql.Tx, poolID string, ranges []ipam.Range) error {
	return insertBatches(ctx, tx, `INSERT INTO pool_free_ranges (pool_id, first, last) VALUES `, len(ranges),
		func(i int) []any { return []any{poolID, addrKey(ranges[i].From), addrKey(ranges[i].To)} })
}

// freeRangeRemove takes a out of the free range r, which holds it: the row
// is deleted, shortened at one end, or shortened and followed by a new row
// for the part after a.
func freeRangeRemove(ctx context.Context, tx *sql.Tx, poolID string, r ipam.Range, a netip.Addr) error {
	pieces := r.Without(a)
	switch {
	case len(pieces) == 0:
		return freeRangeDelete(ctx, tx, poolID, r.From)
	case pieces[0].From != r.From:
		return freeRangeSetFirst(ctx, tx, poolID, r.From, pieces[0].From)
	}
	if err := freeRangeSetLast(ctx, tx, poolID, r.From, pieces[0].To); err != nil {
		return err
	}
	if len(pieces) == 2 {
		return freeRangeInsert(ctx, tx, poolID, pieces[1])
	}
	return nil
}

// freeRangeAdd puts a back into p's free ranges, joining it with the range
// that ends right before it and the one that starts right after it:
//
//	[left ... a-1] a [a+1 ... right]  ->  [left ............ right]
func freeRangeAdd(ctx context.Context, tx *sql.Tx, p domain.Pool, a netip.Addr) error {
	left, hasLeft, err := freeRangeEndingAt(ctx, tx, p, a.Prev())
	if err != nil {
		return err
	}
	right, hasRight, err := freeRangeStartingAt(ctx, tx, p, a.Next())
	if err != nil {
		return err
	}

	switch {
	case hasLeft && hasRight:
		// The right row goes first: the left one takes over its last address,
		// which is unique per pool.
		if err := freeRangeDelete(ctx, tx, p.ID, right.From); err != nil {
			return err
		}
		return freeRangeSetLast(ctx, tx, p.ID, left.From, right.To)
	case hasLeft:
		return freeRangeSetLast(ctx, tx, p.ID, left.From, a)
	case hasRight:
		return freeRangeSetFirst(ctx, tx, p.ID, right.From, a)
	}
	return freeRangeInsert(ctx, tx, p.ID, ipam.Range{From: a, To: a})
}

// freeRangeDelete, freeRangeSetFirst and freeRangeSetLast change the free
// range of the pool that starts at first. The caller holds the pool's lock
// and has just read that range, so each must change exactly one row; see
// execOne.
func freeRangeDelete(ctx context.Context, tx *sql.Tx, poolID string, first netip.Addr) error {
	return execOne(ctx, tx, `DELETE FROM pool_free_ranges WHERE pool_id = $1 AND first = $2`,
		poolID, addrKey(first))
}

func freeRangeSetFirst(ctx context.Context, tx *sql.Tx, poolID string, first, newFirst netip.Addr) error {
	return execOne(ctx, tx, `UPDATE pool_free_ranges SET first = $3 WHERE pool_id = $1 AND first = $2`,
		poolID, addrKey(first), addrKey(newFirst))
}

func freeRangeSetLast(ctx context.Context, tx *sql.Tx, poolID string, first, last netip.Addr) error {
	return execOne(ctx, tx, `UPDATE pool_free_ranges SET last = $3 WHERE pool_id = $1 AND first = $2`,
		poolID, addrKey(first), addrKey(last))
}

// errFreeSpaceChanged means a pool's free space changed between a read and
// a write of one transaction, which the pool lock rules out. It is
// reported, never worked around, since carrying on could hand one address
// out twice.
var errFreeSpaceChanged = errors.New("free space changed while the pool was locked")

// execOne runs a statement that must change exactly one row.
func execOne(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("%w: %d rows changed; want 1", errFreeSpaceChanged, n)
	}
	return nil
}

func freeRangeEndingAt(ctx context.Context, tx *sql.Tx, p domain.Pool, last netip.Addr) (ipam.Range, bool, error) {
	if !last.IsValid() {
		return ipam.Range{}, false, nil
	}
	return freeRangeQuery(ctx, tx, p, `SELECT first, last FROM pool_free_ranges
		WHERE pool_id = $1 AND last = $2`, p.ID, addrKey(last))
}

func freeRangeStartingAt(ctx context.Context, tx *sql.Tx, p domain.Pool, first netip.Addr) (ipam.Range, bool, error) {
	if !first.IsValid() {
		return ipam.Range{}, false, nil
	}
	return freeRangeQuery(ctx, tx, p, `SELECT first, last FROM pool_free_ranges
		WHERE pool_id = $1 AND first = $2`, p.ID, addrKey(first))
}

// returnedTakeOldest takes the address that came back to p first.
func returnedTakeOldest(ctx context.Context, tx *sql.Tx, p domain.Pool) (netip.Addr, bool, error) {
	var seq int64
	var key []byte
	err := tx.QueryRowContext(ctx, `SELECT seq, address FROM pool_returned
		WHERE pool_id = $1 ORDER BY seq LIMIT 1`, p.ID).Scan(&seq, &key)
	if errNoRows(err) {
		return netip.Addr{}, false, nil
	}
	if err != nil {
		return netip.Addr{}, false, err
	}
	if err := execOne(ctx, tx, `DELETE FROM pool_returned WHERE seq = $1`, seq); err != nil {
		return netip.Addr{}, false, err
	}
	a, err := addrFromKey(key, p.Version())
	return a, err == nil, err
}
