package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store/storetest"
)

func TestRateLimitHit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		ctx := context.Background()
		st := storetest.Open(t, engine)
		minute := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

		// Concurrent hits on one subject are each counted once.
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, err := st.RateLimitHit(ctx, "token:a", minute.Add(5*time.Second))
				require.NoError(t, err)
			})
		}
		wg.Wait()
		hits, err := st.RateLimitHits(ctx, "token:a", minute.Add(59*time.Second))
		require.NoError(t, err)
		require.Equal(t, 20, hits)

		n, err := st.RateLimitHit(ctx, "auth-failures:192.0.2.1", minute)
		require.NoError(t, err)
		require.Equal(t, 1, n)

		// The next minute starts afresh and drops every earlier count.
		n, err = st.RateLimitHit(ctx, "token:b", minute.Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		for _, subject := range []string{"token:a", "auth-failures:192.0.2.1"} {
			hits, err := st.RateLimitHits(ctx, subject, minute)
			require.NoError(t, err)
			require.Zero(t, hits, "%s's old minute is gone", subject)
		}
	})
}
