package main

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestShutdownUnderLoad runs ipd as its own process, sends it SIGTERM
// while clients are allocating, and requires that every request the
// server took got a whole answer: the server's log counts the requests
// it handled, and each of them reached its client complete. A client may
// be refused once the server stops accepting (or reset, when its
// connection was still in the kernel's backlog), but never cut off.
func TestShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	binary := filepath.Join(dir, "ipd")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	cmd := exec.Command(binary, "demo", "--listen", "127.0.0.1:0", "--database", filepath.Join(dir, "ipd.db"),
		"--rate-limit", "1000000")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var logged syncBuffer
	cmd.Stderr = &logged
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill() })
	printed := readUntil(t, stdout, "address_version")
	base := servingURL.FindStringSubmatch(printed)[1]
	token := curlToken.FindStringSubmatch(printed)[1]
	body := curlBody.FindStringSubmatch(printed)[1]

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var mu sync.Mutex
	var answered, refused int
	var failures []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				req, err := http.NewRequest(http.MethodPost,
					base+"/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip", strings.NewReader(body))
				require.NoError(t, err)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				mu.Lock()
				switch {
				case notTaken(err):
					refused++
				case err != nil:
					failures = append(failures, err.Error())
				default:
					raw, readErr := io.ReadAll(res.Body)
					res.Body.Close()
					if readErr != nil || res.StatusCode != http.StatusOK || !strings.HasSuffix(string(raw), "}}") {
						failures = append(failures, res.Status+": "+string(raw))
					} else {
						answered++
					}
				}
				stop := refused > 0
				mu.Unlock()
				if stop {
					return
				}
			}
		})
	}

	time.Sleep(500 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	wg.Wait()
	require.NoError(t, cmd.Wait(), "ipd exits cleanly on SIGTERM")

	require.Empty(t, failures, "requests cut off")
	require.Positive(t, answered)
	require.Positive(t, refused, "the server stopped accepting")
	handled := strings.Count(logged.String(), "msg=Request")
	require.Equal(t, handled, answered, "every request the server handled was answered in full")
	require.Equal(t, handled, strings.Count(logged.String(), "status=200"))
}

// notTaken reports whether a request failed before the server took it:
// its connection was refused, or reset or closed while it still waited in
// the kernel's backlog of a listener that had closed. The server's log
// tells those from a request cut off after it was taken.
func notTaken(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}

// readUntil reads r until what it read contains want.
func readUntil(t *testing.T, r io.Reader, want string) string {
	t.Helper()
	var b strings.Builder
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		b.WriteString(scanner.Text() + "\n")
		if strings.Contains(b.String(), want) {
			return b.String()
		}
	}
	t.Fatalf("ipd printed no %q:\n%s", want, b.String())
	return ""
}
