package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer that the command writes to while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The parts of the curl command the demo prints.
var (
	curlURL       = regexp.MustCompile(`curl -s -X POST (\S+)`)
	curlToken     = regexp.MustCompile(`Bearer ([A-Z0-9]+)'`)
	curlBody      = regexp.MustCompile(`-d '(.+)'`)
	curlInterface = regexp.MustCompile(`"id":"(vmnet_[A-Za-z0-9]+)"`)
	servingURL    = regexp.MustCompile(`serving (http://\S+)`)
)

// startDemo runs `ipd demo` on a database of the test's until the test
// ends, and returns what it printed once it serves.
func startDemo(t *testing.T, extraArgs ...string) (printed string, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	stderr = &syncBuffer{}
	done := make(chan error, 1)
	args := append([]string{"demo", "--listen", "127.0.0.1:0", "--database", filepath.Join(t.TempDir(), "demo.db")},
		extraArgs...)
	go func() { done <- run(ctx, args, &stdout, stderr) }()
	printed = waitFor(t, &stdout, done, "address_version")

	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "ipd demo stops cleanly")
		case <-time.After(10 * time.Second):
			t.Error("ipd demo did not stop")
		}
	})
	return printed, stderr
}

// TestDemo runs `ipd demo` and then the curl it prints, as the README
// tells a newcomer to: the answer is a 200 with an address of the demo's
// IPv4 pool.
func TestDemo(t *testing.T) {
	t.Parallel()
	printed, stderr := startDemo(t)

	require.Regexp(t, servingURL, printed)
	req, err := http.NewRequest(http.MethodPost, curlURL.FindStringSubmatch(printed)[1],
		strings.NewReader(curlBody.FindStringSubmatch(printed)[1]))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+curlToken.FindStringSubmatch(printed)[1])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(raw))

	var body struct {
		IPAddress struct {
			Address string `json:"address"`
		} `json:"ip_address"`
	}
	require.NoError(t, json.Unmarshal(raw, &body))
	addr := netip.MustParseAddr(body.IPAddress.Address)
	require.True(t, netip.MustParsePrefix("185.44.252.0/22").Contains(addr), "got %s", addr)
	require.NotContains(t, stderr.String(), curlToken.FindStringSubmatch(printed)[1], "the log shows no secret")

	// Paths are routed as sent: no redirect to a cleaned path.
	noRedirects := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for path, want := range map[string]int{"/core/v1//countries": 200, "/core/v1/x/../countries": 404, "/core/v1": 404} {
		req, err := http.NewRequest(http.MethodGet, servingURL.FindStringSubmatch(printed)[1]+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+curlToken.FindStringSubmatch(printed)[1])
		res, err := noRedirects.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, want, res.StatusCode, path)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"), path)
	}
}

// TestBench drives the demo with `ipd bench`, with and without churn.
func TestBench(t *testing.T) {
	t.Parallel()
	printed, _ := startDemo(t, "--rate-limit", "100000")
	common := []string{"bench",
		"--url", servingURL.FindStringSubmatch(printed)[1],
		"--token", curlToken.FindStringSubmatch(printed)[1],
		"--interface", curlInterface.FindStringSubmatch(printed)[1],
		"--clients", "8",
	}

	for _, extra := range [][]string{
		{"--requests", "300", "--churn"},
		{"--requests", "200", "--version", "ipv6"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), append(common, extra...), &out, io.Discard)
		require.NoError(t, err, "%v: %s", extra, out.String())
		require.Contains(t, out.String(), "duplicates     none", extra)
		require.NotContains(t, out.String(), "error ", extra)
	}
}

// waitFor returns what w holds once it contains want, failing the test if
// the command ends or ten seconds pass first.
func waitFor(t *testing.T, w *syncBuffer, done <-chan error, want string) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(w.String(), want) {
		select {
		case err := <-done:
			t.Fatalf("ipd ended early: %v\n%s", err, w.String())
		case <-deadline:
			t.Fatalf("ipd printed no %q in time:\n%s", want, w.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return w.String()
}

func TestParsePrefixOrAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"10.0.0.1":      "10.0.0.1/32",
		"10.0.0.0/8":    "10.0.0.0/8",
		"10.1.2.3/8":    "10.0.0.0/8",
		"2001:DB8::1":   "2001:db8::1/128",
		"2001:db8::/32": "2001:db8::/32",
	} {
		got, err := parsePrefixOrAddr(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got.String(), in)
	}
	for _, bad := range []string{"", "10.0.0.256", "::ffff:10.0.0.1", "fe80::1%eth0", "10.0.0.0/33"} {
		_, err := parsePrefixOrAddr(bad)
		require.Error(t, err, bad)
	}
}
