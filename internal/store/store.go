// Package store keeps ipd's state in SQLite or PostgreSQL through one set of
// SQL statements over database/sql. The few differences between the engines
// (driver, placeholders for locking, error codes, migrations) live in a small
// dialect, so every operation and every test runs the same way on both.
//
// The store translates driver errors into the sentinels of package domain
// exactly once, in the helpers of errors.go, and it never logs.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// Store is ipd's database. It is safe for concurrent use, and several
// processes may share one PostgreSQL database.
type Store struct {
	db      *sql.DB
	dialect *dialect
	now     func() time.Time

	// observer, when set, is told of every write transaction.
	observer atomic.Pointer[func(TxStats)]
}

// Open connects to the database named by url and applies any pending
// migrations. A url starting with postgres:// or postgresql:// selects
// PostgreSQL; anything else is a SQLite file path, created if missing and
// opened in WAL mode.
func Open(ctx context.Context, url string) (*Store, error) {
	d := dialectFor(url)
	db, err := d.open(url)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name, err)
	}
	s := &Store{db: db, dialect: d, now: time.Now}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenExisting is Open for a database that must be there already, for the
// commands that only read one or add to it: a missing SQLite file is an
// error rather than a new, empty database.
func OpenExisting(ctx context.Context, url string) (*Store, error) {
	if d := dialectFor(url); d.name == "sqlite" {
		if _, err := os.Stat(sqlitePath(url)); err != nil {
			return nil, fmt.Errorf("open sqlite database: %w", err)
		}
	}
	return Open(ctx, url)
}

// Close closes the database connections.
func (s *Store) Close() error {
	return s.db.Close()
}

// Engine returns "sqlite" or "postgres".
func (s *Store) Engine() string {
	return s.dialect.name
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.PingContext(ctx)
}

// maxTxAttempts bounds how often a write transaction is retried after the
// engine reported a transient conflict (a busy SQLite file, a PostgreSQL
// serialization failure or deadlock).
const maxTxAttempts = 5

// TxStats describes one write transaction once it has ended.
type TxStats struct {
	// Duration runs from asking for the transaction to its end: the wait
	// for the SQLite writer lock and every attempt are included.
	Duration time.Duration

	// Attempts counts the times the transaction ran; above 1 it was
	// retried after a transient conflict.
	Attempts int

	// Failed reports whether the transaction ended without committing:
	// the work returned an error (a domain one, such as an exhausted pool,
	// included), the engine reported a lasting error, the retries ran out
	// or the context ended.
	Failed bool
}

// ObserveTransactions makes the store call fn with the stats of every
// write transaction, after the transaction ended and released the writer
// lock; a nil fn stops the calls. fn is called from many goroutines at
// once and must not block. ObserveTransactions may be called at any time;
// transactions that already began may still report to the previous fn.
func (s *Store) ObserveTransactions(fn func(TxStats)) {
	if fn == nil {
		s.observer.Store(nil)
		return
	}
	s.observer.Store(&fn)
}

// write runs fn in a write transaction and commits it, retrying the whole
// transaction when the engine reports a transient conflict. fn must do
// nothing but database work, since it may run more than once.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now()
	attempts, err := s.writeRetrying(ctx, fn)
	if observe := s.observer.Load(); observe != nil {
		(*observe)(TxStats{Duration: time.Since(start), Attempts: attempts, Failed: err != nil})
	}
	return err
}

// writeRetrying runs fn as write does, holding the writer lock, and
// returns how many attempts it took.
func (s *Store) writeRetrying(ctx context.Context, fn func(tx *sql.Tx) error) (int, error) {
	unlock := s.dialect.lockWriter()
	defer unlock()

	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if err == nil || !s.dialect.isTransient(err) || ctx.Err() != nil || attempt == maxTxAttempts {
			return attempt, err
		}
	}
}

func (s *Store) writeOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()

	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer, so that a read can run
// inside or outside a transaction.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// joinList and splitList store short lists of strings in one column.
func joinList(items []string) string {
	return strings.Join(items, ",")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// unixTime converts a stored Unix second count; 0 is the zero Time.
func unixTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// unixSeconds is the inverse of unixTime.
func unixSeconds(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// errNoRows reports whether err is database/sql's "no rows" result.
func errNoRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows)
}

// selectIDs returns the first column of every row query selects.
func selectIDs(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, row.Scan(&id)
	})
}

// insertBatches inserts n rows, whose values row(i) gives, a few hundred
// to a statement.
func insertBatches(ctx context.Context, tx *sql.Tx, insert string, n int, row func(i int) []any) error {
	const batch = 400
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		var text strings.Builder
		var args []any
		for i := start; i < end; i++ {
			values := row(i)
			if i > start {
				text.WriteString(", ")
			}
			text.WriteString("(")
			for j := range values {
				if j > 0 {
					text.WriteString(", ")
				}
				text.WriteString(placeholder(len(args) + j + 1))
			}
			text.WriteString(")")
			args = append(args, values...)
		}
		if _, err := tx.ExecContext(ctx, insert+text.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
