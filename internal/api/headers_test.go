package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// recordedHeaders returns the names of the headers of a production
// recording in testdata/examples, less those of the transport (Date,
// Content-Length) that net/http sets by itself.
func recordedHeaders(t *testing.T, name string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "examples", name))
	require.NoError(t, err)
	var recording struct {
		Headers map[string][]string `json:"headers"`
	}
	require.NoError(t, json.Unmarshal(raw, &recording))
	names := slices.DeleteFunc(sortedKeys(recording.Headers), func(h string) bool {
		return h == "Date" || h == "Content-Length"
	})
	return names
}

func headerNames(h http.Header) []string {
	names := slices.DeleteFunc(sortedKeys(h), func(name string) bool {
		return name == "Date" || name == "Content-Length"
	})
	return names
}

func TestResponseHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	id := e.allocateNewIP(e.public, "ipv4").str("ip_address", "id")

	ok := e.do(http.MethodGet, "/core/v1/ip_addresses/ip_address?ip_address[id]="+id, e.token, "")
	require.Equal(t, http.StatusOK, ok.status)
	require.Equal(t, recordedHeaders(t, "response_headers_200.json"), headerNames(ok.header))
	require.Equal(t, "application/json", ok.header.Get("Content-Type"))
	require.Equal(t, "max-age=0, private, must-revalidate", ok.header.Get("Cache-Control"))
	require.Regexp(t, `^W/"[0-9a-f]{32}"$`, ok.header.Get("Etag"))
	require.Regexp(t, uuidPattern, ok.header.Get("X-Request-Id"))
	require.Equal(t, "*", ok.header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "GET, POST, PUT, PATCH, DELETE, OPTIONS", ok.header.Get("Access-Control-Allow-Methods"))

	missing := e.do(http.MethodGet, "/core/v1/ip_addresses/ip_address?ip_address[id]=ip_AAAAAAAAAAAAAAAA", e.token, "")
	require.Equal(t, http.StatusNotFound, missing.status)
	require.Equal(t, recordedHeaders(t, "response_headers_404.json"), headerNames(missing.header))
	require.Equal(t, "no-cache", missing.header.Get("Cache-Control"))
	require.Equal(t, "json-error", missing.header.Get("X-Api-Schema"))
	require.NotEqual(t, ok.header.Get("X-Request-Id"), missing.header.Get("X-Request-Id"))
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestPreflight answers a browser's CORS preflight for a route that
// exists without a token, with the JSON string "" as production does.
func TestPreflight(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	preflight := func(path, method string) response {
		req, err := http.NewRequest(http.MethodOptions, e.url+path, nil)
		require.NoError(t, err)
		req.Header.Set("Access-Control-Request-Method", method)
		return send(t, req)
	}

	res := preflight("/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip", "POST")
	require.Equal(t, http.StatusOK, res.status)
	require.Equal(t, `""`, res.raw)
	require.Equal(t, "Authorization, Content-Type", res.header.Get("Access-Control-Allow-Headers"))

	require.Equal(t, "route_not_found", preflight("/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip",
		"DELETE").errorCode())
	require.Equal(t, "route_not_found", preflight("/core/v1/nowhere", "GET").errorCode())
}
