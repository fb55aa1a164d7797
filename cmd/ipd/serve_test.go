package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

// smallInventory has one organization whose one interface is on a
// network with a /30: two addresses, then nothing.
const smallInventory = `
countries: [{name: United Kingdom, iso_code2: GB, iso_code3: GBR, time_zone: Europe/London}]
data_centers: [{name: London, permalink: uk-lon-01, country: GB}]
networks:
  - {name: Small, permalink: small, data_center: uk-lon-01, pools: [{prefix: 10.0.0.0/30}]}
organizations:
  - name: Acme
    sub_domain: acme
    virtual_machines:
      - {name: web-1, hostname: web-1, data_center: uk-lon-01, interfaces: [{network: small}]}
`

// testServer serves newMux over a store loaded with smallInventory and
// returns it with the store and a token of Acme's.
func testServer(t *testing.T) (*httptest.Server, *store.Store, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "ipd.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inv, err := inventory.Parse(strings.NewReader(smallInventory))
	require.NoError(t, err)
	loader := service.New(st, log, service.Config{})
	plan, err := inventory.NewPlan(ctx, loader, inv)
	require.NoError(t, err)
	require.NoError(t, plan.Apply(ctx))

	// The server's service counts transactions from here on.
	svc, m := newService(log, st, serverFlags{})
	demo := demoToken{scopes: []string{"ip_addresses"}, rateLimit: 1000}
	org, err := st.OrganizationGetBy(ctx, "sub_domain", "acme")
	require.NoError(t, err)
	_, demo.secret, err = svc.CreateAPIToken(ctx, demoTokenFor(org.ID, demo))
	require.NoError(t, err)

	server := httptest.NewServer(newMux(log, svc, serverFlags{}.api, m))
	t.Cleanup(server.Close)
	return server, st, demo.secret
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(raw)
}

func TestHealthChecks(t *testing.T) {
	t.Parallel()
	server, st, _ := testServer(t)

	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/elsewhere": 404} {
		status, _ := get(t, server.URL+path)
		require.Equal(t, want, status, path)
	}

	require.NoError(t, st.Close())
	status, _ := get(t, server.URL+"/healthz")
	require.Equal(t, http.StatusOK, status, "the process is up")
	status, _ = get(t, server.URL+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, status, "but its database is gone")
}

// TestMetrics allocates the small pool dry and finds it all in /metrics:
// the allocations by result, the requests by route and status, the write
// transactions by result, and the pool's used and free addresses.
func TestMetrics(t *testing.T) {
	t.Parallel()
	server, st, token := testServer(t)
	ctx := context.Background()
	vm, err := st.VirtualMachineGetBy(ctx, "fqdn", "web-1.acme.katapult.cloud")
	require.NoError(t, err)
	network, err := st.NetworkGetBy(ctx, "permalink", "small")
	require.NoError(t, err)
	iface, err := st.InterfaceGetByNetwork(ctx, vm.ID, network.ID)
	require.NoError(t, err)

	for range 3 {
		req, err := http.NewRequest(http.MethodPost, server.URL+"/core/v1/virtual_machine_network_interfaces/"+iface.ID+
			"/allocate_new_ip", strings.NewReader(`{"address_version":"ipv4"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
	}

	_, operator, err := service.New(st, slog.New(slog.DiscardHandler), service.Config{}).
		CreateOperatorToken(ctx, "test")
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, server.URL+"/admin/v1/pools", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+operator)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the operator API is served beside the customer API")

	status, body := get(t, server.URL+"/metrics")
	require.Equal(t, http.StatusOK, status)
	route := `route="virtual_machine_network_interfaces/:virtual_machine_network_interface/allocate_new_ip"`
	for _, want := range []string{
		`ipd_allocations_total{result="allocated",version="ipv4"} 2`,
		`ipd_allocations_total{result="exhausted",version="ipv4"} 1`,
		`ipd_http_requests_total{method="POST",` + route + `,status="200"} 2`,
		`ipd_http_requests_total{method="POST",` + route + `,status="503"} 1`,
		`ipd_http_request_duration_seconds_count{method="POST",` + route + `} 3`,
		`ipd_pool_addresses_used{network="small",pool="10.0.0.0/30"} 2`,
		`ipd_pool_addresses_free{network="small",pool="10.0.0.0/30"} 0`,
		`ipd_db_transaction_retries_total `,
		`ipd_http_requests_total{method="GET",route="/admin/v1/pools",status="200"} 1`,
	} {
		require.Contains(t, body, want)
	}

	// Each allocation and each request's rate-limit count commits a write
	// transaction, and the exhausted allocation rolls one back.
	for result, atLeast := range map[string]float64{"committed": 2, "failed": 1} {
		count := sample(t, body, `ipd_db_transaction_duration_seconds_count{result="`+result+`"}`)
		require.GreaterOrEqual(t, count, atLeast, result)
	}
}

// sample returns the value of the series named, labels and all, in a
// scrape body.
func sample(t *testing.T, body, series string) float64 {
	t.Helper()
	for line := range strings.Lines(body) {
		if value, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			f, err := strconv.ParseFloat(value, 64)
			require.NoError(t, err, line)
			return f
		}
	}
	require.Fail(t, "series missing from the scrape", series)
	return 0
}
