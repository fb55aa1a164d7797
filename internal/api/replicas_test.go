package api_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store/storetest"
)

// TestReplicasShareOnePool runs four API servers, each with its own store
// on one database, and 32 clients spread across them asking for more
// addresses than the pool holds: every success is a distinct address,
// the successes are exactly the pool's capacity, and the rest are 503.
func TestReplicasShareOnePool(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		const (
			replicas          = 4
			clients           = 32
			requestsPerClient = 4
			capacity          = 61 // 10.0.1.0/26 less network, broadcast and gateway
		)
		dbURL := storetest.URL(t, engine)
		e := newEnvAt(t, dbURL, true)
		urls := []string{e.url}
		for len(urls) < replicas {
			urls = append(urls, startReplica(t, dbURL))
		}

		var mu sync.Mutex
		codes := map[string]int{}
		handedOut := map[string]int{}
		var wg sync.WaitGroup
		for client := range clients {
			wg.Go(func() {
				for n := range requestsPerClient {
					res := doAt(t, urls[(client+n)%replicas], http.MethodPost,
						"/core/v1/virtual_machine_network_interfaces/"+e.medium+"/allocate_new_ip", e.token,
						`{"address_version":"ipv4"}`)
					mu.Lock()
					codes[res.errorCode()]++
					if res.status == http.StatusOK {
						handedOut[res.str("ip_address", "address")]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()

		for addr, times := range handedOut {
			require.Equal(t, 1, times, "%s handed out %d times", addr, times)
		}
		require.Len(t, handedOut, capacity)
		require.Equal(t, map[string]int{
			"":                       capacity,
			"no_available_addresses": clients*requestsPerClient - capacity,
		}, codes, "successes, and errors by code")
	})
}
