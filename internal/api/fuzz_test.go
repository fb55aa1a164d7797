package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/store"
)

// fuzzRoutes are requests of every shape the API serves, with their path
// segments as clients send them.
var fuzzRoutes = []struct{ method, path string }{
	{http.MethodGet, "/core/v1/ip_addresses/_"},
	{http.MethodPatch, "/core/v1/ip_addresses/ip_address"},
	{http.MethodDelete, "/core/v1/ip_addresses/_"},
	{http.MethodPost, "/core/v1/ip_addresses/_/unallocate"},
	{http.MethodGet, "/core/v1/organizations/_/ip_addresses"},
	{http.MethodPost, "/core/v1/organizations/organization/ip_addresses"},
	{http.MethodGet, "/core/v1/organizations/_/virtual_machines"},
	{http.MethodGet, "/core/v1/virtual_machines/_/network_interfaces"},
	{http.MethodGet, "/core/v1/virtual_machines/_/networks/_/interface"},
	{http.MethodPost, "/core/v1/virtual_machines/_/allocate_ip"},
	{http.MethodGet, "/core/v1/virtual_machine_network_interfaces/_"},
	{http.MethodGet, "/core/v1/virtual_machine_network_interfaces/_/available_ips/ipv4"},
	{http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_ip"},
	{http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip"},
	{http.MethodGet, "/core/v1/nowhere/_"},
}

// FuzzRequest sends arbitrary query strings and bodies to every route and
// requires that the answer is never a 500, that it is the error envelope
// whenever it is not a 200, and that a refused request changed nothing.
func FuzzRequest(f *testing.F) {
	f.Add(uint8(13), "", `{"virtual_machine_network_interface":{"id":"x"},"address_version":"ipv4"}`, true)
	f.Add(uint8(0), "ip_address[address]=10.0.0.1", ``, false)
	f.Add(uint8(0), "ip_address[id]=a&ip_address[address]=b", `{"ip_address":{"id":null}}`, true)
	f.Add(uint8(4), "organization[sub_domain]=acme&page=0&per_page=x&allocated=maybe", ``, false)
	f.Add(
		uint8(5),
		"",
		`{"organization":{"sub_domain":"acme"},"network":{"permalink":"uk-lon-01-small"},"version":"ipv4","vip":true}`,
		true,
	)
	f.Add(uint8(1), "", `{"ip_address":{"address":"::ffff:1.2.3.4"},"vip":"true","label":7}`, true)
	f.Add(uint8(2), "a[b][c][]=1&a[b]=2&=&[]=x", `[1,2,3]`, true)
	f.Add(uint8(9), "", `{"virtual_machine":{"fqdn":{}},"ip_address":[]}`, true)
	f.Add(uint8(11), "address_version=ipv9", `{"virtual_machine_network_interface":{"id":1e400}}`, true)

	e := newEnv(f, "sqlite")
	handler := api.New(e.svc, discardLog, api.Config{})
	f.Fuzz(func(t *testing.T, route uint8, query, body string, jsonBody bool) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		req := httptest.NewRequest(r.method, "/", strings.NewReader(body))
		req.URL.Path, req.URL.RawQuery = r.path, query
		req.Header.Set("Authorization", "Bearer "+e.token)
		if jsonBody {
			req.Header.Set("Content-Type", "application/json")
		}
		before := fingerprint(t, e.store)

		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)

		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %s?%s %q: status %d: %s", r.method, r.path, query, body, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusOK {
			return
		}
		if !strings.HasPrefix(rec.Body.String(), `{"error":{"code":"`) {
			t.Fatalf("%s %s?%s %q: status %d without the error envelope: %s", r.method, r.path, query, body,
				rec.Code, rec.Body)
		}
		if after := fingerprint(t, e.store); after != before {
			t.Fatalf("%s %s?%s %q: refused with %d but changed the database:\n%s\n%s", r.method, r.path, query,
				body, rec.Code, before, after)
		}
	})
}

// everything is one page that holds all of a test's addresses.
var everything = domain.Page{Number: 1, PerPage: 1000}

// fingerprint sums up what a request could change: every pool's count
// and every address of both organizations with its customer fields.
func fingerprint(t testing.TB, st *store.Store) string {
	ctx := context.Background()
	var b strings.Builder
	for _, permalink := range []string{"uk-lon-01-public", "uk-lon-01-small", "uk-lon-01-medium"} {
		n, err := st.NetworkGetBy(ctx, "permalink", permalink)
		require.NoError(t, err)
		pools, err := st.PoolList(ctx, n.ID)
		require.NoError(t, err)
		for _, p := range pools {
			fmt.Fprintf(&b, "%s %d\n", p.Prefix, p.Allocated)
		}
	}
	for _, sub := range []string{"acme", "globex"} {
		org, err := st.OrganizationGetBy(ctx, "sub_domain", sub)
		require.NoError(t, err)
		addrs, _, err := st.AddressList(ctx, store.AddressListParams{OrganizationID: org.ID, Page: everything})
		require.NoError(t, err)
		for _, a := range addrs {
			fmt.Fprintf(&b, "%s %s %v %q %q %v\n", a.ID, a.Addr, a.VIP, a.Label, a.ReverseDNS, a.Interface != nil)
		}
	}
	return b.String()
}
