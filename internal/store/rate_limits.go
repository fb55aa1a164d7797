package store

import (
	"context"
	"database/sql"
	"time"
)

// RateLimitHit counts one request of subject in the minute that holds
// at, and returns how many requests subject has made in that minute,
// this one included. The count is one row that every process sharing the
// database increments atomically, so a limit holds across replicas. The
// first request of a subject's minute drops every count of earlier
// minutes, the subject's and others', so that subjects that never come
// back (addresses that failed to authenticate once) leave nothing behind.
func (s *Store) RateLimitHit(ctx context.Context, subject string, at time.Time) (int, error) {
	window := at.Truncate(time.Minute).Unix()
	var hits int
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO rate_limit_windows (subject, window_start, hits) VALUES ($1, $2, 1)
			ON CONFLICT (subject, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
			RETURNING hits`, subject, window).Scan(&hits)
		if err != nil || hits > 1 {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM rate_limit_windows WHERE window_start < $1`, window)
		return err
	})
	return hits, translate(err, "count a request of "+subject)
}

// RateLimitHits returns how many requests subject has made in the minute
// that holds at, without counting one.
func (s *Store) RateLimitHits(ctx context.Context, subject string, at time.Time) (int, error) {
	var hits int
	err := s.db.QueryRowContext(ctx, `SELECT hits FROM rate_limit_windows WHERE subject = $1 AND window_start = $2`,
		subject, at.Truncate(time.Minute).Unix()).Scan(&hits)
	if errNoRows(err) {
		return 0, nil
	}
	return hits, translate(err, "read the requests of "+subject)
}
