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
	curlURL    = regexp.MustCompile(`curl -s -X POST (\S+)`)
	curlToken  = regexp.MustCompile(`Bearer ([A-Z0-9]+)'`)
	curlBody   = regexp.MustCompile(`-d '(.+)'`)
	servingURL = regexp.MustCompile(`serving (http://\S+)`)
)

// TestDemo runs `ipd demo` and then the curl it prints, as the README
// tells a newcomer to: the answer is a 200 with an address of the demo's
// IPv4 pool. It then stops the demo as Ctrl-C would.
func TestDemo(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	database := filepath.Join(t.TempDir(), "demo.db")
	go func() {
		done <- run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--database", database}, &stdout, &stderr)
	}()

	printed := waitFor(t, &stdout, done, "address_version")
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

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("ipd demo did not stop")
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
