package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/bench"
)

// fakeServer answers allocate_new_ip with the address next gives and
// every other call with {}.
func fakeServer(t *testing.T, next func() string) string {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/allocate_new_ip") {
			fmt.Fprint(w, `{}`)
			return
		}
		address := next()
		if address == "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"code":"no_available_addresses","description":"dry","detail":{}}}`)
			return
		}
		fmt.Fprintf(w, `{"ip_address":{"id":"ip_%s","address":%q}}`, address, address)
	}))
	t.Cleanup(server.Close)
	return server.URL
}

func TestRunCountsAndFindsDuplicates(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		churn      bool
		next       func(n int64) string
		wantAllocs int
		wantErrors map[string]int
		wantDups   bool
	}{
		{
			"distinct",
			false,
			func(n int64) string { return fmt.Sprintf("10.0.%d.%d", n/256, n%256) },
			100,
			map[string]int{},
			false,
		},
		{
			"the same address twice",
			false,
			func(n int64) string { return fmt.Sprintf("10.0.0.%d", n%50) },
			100,
			map[string]int{},
			true,
		},
		{
			"given back and handed out again",
			true,
			func(int64) string { return "10.0.0.1" },
			100,
			map[string]int{},
			false,
		},
		{"exhausted", false, func(n int64) string {
			if n >= 60 {
				return ""
			}
			return fmt.Sprintf("10.0.0.%d", n)
		}, 60, map[string]int{"no_available_addresses": 40}, false},
	}
	for _, tt := range tests {
		var calls atomic.Int64
		url := fakeServer(t, func() string { return tt.next(calls.Add(1) - 1) })
		clients := 4
		if tt.churn {
			clients = 1 // one caller at a time, so the one address is always given back first
		}

		report, err := bench.Run(context.Background(), bench.Config{
			URLs: []string{url}, Token: "t", InterfaceID: "vmnet_x", Version: "ipv4",
			Clients: clients, Requests: 100, Churn: tt.churn,
		})
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.wantAllocs, report.Allocations, tt.name)
		require.Equal(t, tt.wantErrors, report.Errors, tt.name)
		require.Equal(t, tt.wantDups, len(report.Duplicates) > 0, "%s: duplicates %v", tt.name, report.Duplicates)
		require.Len(t, report.Latencies, 100, tt.name)
	}
}
