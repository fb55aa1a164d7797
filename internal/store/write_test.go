package store_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// TestObserveTransactions runs write transactions that meet conflicts and
// errors and checks what the observer is told of each.
func TestObserveTransactions(t *testing.T) {
	t.Parallel()
	// A PostgreSQL serialization failure is transient on either engine,
	// since the store recognises the error by its type.
	conflict := &pgconn.PgError{Code: "40001"}
	lasting := errors.New("lasting")

	tests := []struct {
		name         string
		errs         []error
		wantAttempts int
		wantFailed   bool
	}{
		{"committed at once", nil, 1, false},
		{"committed after a conflict", []error{conflict}, 2, false},
		{"failed on a lasting error", []error{lasting}, 1, true},
		{"failed after a conflict", []error{conflict, lasting}, 2, true},
		{"out of retries", []error{conflict, conflict, conflict, conflict, conflict}, 5, true},
	}
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		st := storetest.Open(t, engine)
		for _, tt := range tests {
			var got []store.TxStats
			st.ObserveTransactions(func(s store.TxStats) { got = append(got, s) })

			err := st.WriteFailing(t.Context(), tt.errs...)
			require.Equal(t, tt.wantFailed, err != nil, "%s: error %v", tt.name, err)
			require.Len(t, got, 1, tt.name)
			require.Equal(t, tt.wantAttempts, got[0].Attempts, tt.name)
			require.Equal(t, tt.wantFailed, got[0].Failed, tt.name)
		}

		st.ObserveTransactions(nil)
		require.NoError(t, st.WriteFailing(t.Context()), "no observer")
	})
}
