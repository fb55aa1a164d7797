// Package bench drives running ipd servers with concurrent allocate_new_ip
// calls through the public API, as customers' tools would, and reports
// throughput, latency and errors. It also checks the one property no load
// may break: an address is never held by two callers at once.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Config says what to run.
type Config struct {
	// URLs are the base URLs of the ipd servers, such as
	// "http://127.0.0.1:8080"; client n starts on URLs[n % len(URLs)] and
	// moves on to the next one with every call.
	URLs []string

	// Token is an API token with the ip_addresses scope.
	Token string

	// InterfaceID is the virtual machine network interface to allocate to.
	InterfaceID string

	// Version is "ipv4" or "ipv6".
	Version string

	// Clients is the number of concurrent callers.
	Clients int

	// Requests is the total number of allocations to attempt.
	Requests int

	// Churn, when set, unallocates and deletes each address right after
	// it is allocated, so that the pool stays at the same utilization
	// however long the run.
	Churn bool
}

// Report is what a run measured.
type Report struct {
	Elapsed     time.Duration
	Allocations int            // successful allocate_new_ip calls
	Errors      map[string]int // failed calls by error code, or by transport error
	Latencies   []time.Duration

	// Duplicates lists addresses handed to a caller while another held
	// them; it must be empty.
	Duplicates []string
}

// Run sends cfg.Requests allocations from cfg.Clients concurrent callers
// and waits for all of them. It stops early when ctx is done.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if len(cfg.URLs) == 0 || cfg.Clients < 1 || cfg.Requests < 1 {
		return Report{}, fmt.Errorf("bench needs at least one URL, client and request")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.Clients
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	r := &runner{cfg: cfg, client: client, held: map[string]bool{}}
	r.report.Errors = map[string]int{}
	jobs := make(chan int)

	start := time.Now()
	var wg sync.WaitGroup
	for client := range cfg.Clients {
		wg.Go(func() { r.work(ctx, client, jobs) })
	}
	for n := range cfg.Requests {
		select {
		case jobs <- n:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	r.report.Elapsed = time.Since(start)

	slices.Sort(r.report.Latencies)
	return r.report, nil
}

type runner struct {
	cfg    Config
	client *http.Client

	mu     sync.Mutex
	report Report
	held   map[string]bool // addresses handed out and not given back
}

func (r *runner) work(ctx context.Context, client int, jobs <-chan int) {
	for n := range jobs {
		base := r.cfg.URLs[(client+n)%len(r.cfg.URLs)]
		r.allocate(ctx, base)
	}
}

// allocate makes one allocate_new_ip call and, with Churn, gives the
// address back.
func (r *runner) allocate(ctx context.Context, base string) {
	body := fmt.Sprintf(`{"virtual_machine_network_interface":{"id":%q},"address_version":%q}`,
		r.cfg.InterfaceID, r.cfg.Version)
	started := time.Now()
	var out struct {
		IPAddress struct {
			ID      string `json:"id"`
			Address string `json:"address"`
		} `json:"ip_address"`
	}
	code := r.call(ctx, http.MethodPost, base+"/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip",
		body, &out)
	elapsed := time.Since(started)

	r.mu.Lock()
	r.report.Latencies = append(r.report.Latencies, elapsed)
	if code != "" {
		r.report.Errors[code]++
		r.mu.Unlock()
		return
	}
	r.report.Allocations++
	if r.held[out.IPAddress.Address] {
		r.report.Duplicates = append(r.report.Duplicates, out.IPAddress.Address)
	}
	r.held[out.IPAddress.Address] = true
	r.mu.Unlock()

	if r.cfg.Churn {
		r.giveBack(ctx, base, out.IPAddress.ID, out.IPAddress.Address)
	}
}

// giveBack unallocates and deletes an address. It stops counting the
// address as held first: once the delete is sent, another caller may be
// handed it at any moment.
func (r *runner) giveBack(ctx context.Context, base, id, address string) {
	r.mu.Lock()
	delete(r.held, address)
	r.mu.Unlock()

	lookup := fmt.Sprintf(`{"ip_address":{"id":%q}}`, id)
	for _, step := range []struct{ method, path string }{
		{http.MethodPost, "/core/v1/ip_addresses/_/unallocate"},
		{http.MethodDelete, "/core/v1/ip_addresses/_"},
	} {
		if code := r.call(ctx, step.method, base+step.path, lookup, nil); code != "" {
			r.mu.Lock()
			r.report.Errors[step.path+": "+code]++
			r.mu.Unlock()
			return
		}
	}
}

// call sends one request and decodes a 200 body into out. It returns ""
// on success, the API's error code on an error response, or a short
// description of a transport failure.
func (r *runner) call(ctx context.Context, method, url, body string, out any) string {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewBufferString(body))
	if err != nil {
		return "bad request: " + err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+r.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := r.client.Do(req)
	if err != nil {
		return transportFailure(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return "transport error"
	}

	if res.StatusCode != http.StatusOK {
		var failure struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal(raw, &failure) != nil || failure.Error.Code == "" {
			return fmt.Sprintf("HTTP %d", res.StatusCode)
		}
		return failure.Error.Code
	}
	if out != nil && json.Unmarshal(raw, out) != nil {
		return "undecodable body"
	}
	return ""
}

// transportFailure names why a request got no answer, briefly enough to
// count failures by it.
func transportFailure(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "transport error: connection refused"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "transport error: timeout"
	}
	return "transport error"
}

// Percentile returns the latency below which the fraction p of calls
// finished; Latencies must be sorted, as Run leaves them.
func (r Report) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p * float64(len(r.Latencies)-1))
	return r.Latencies[i]
}

// Write prints the report for a person.
func (r Report) Write(w io.Writer) {
	calls := len(r.Latencies)
	fmt.Fprintf(w, "calls          %d in %s\n", calls, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "allocations    %d (%.0f/s)\n", r.Allocations, float64(r.Allocations)/r.Elapsed.Seconds())
	fmt.Fprintf(w, "latency        p50 %s  p90 %s  p99 %s  max %s\n",
		r.Percentile(0.50).Round(time.Microsecond), r.Percentile(0.90).Round(time.Microsecond),
		r.Percentile(0.99).Round(time.Microsecond), r.Percentile(1).Round(time.Microsecond))
	codes := make([]string, 0, len(r.Errors))
	for code := range r.Errors {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		fmt.Fprintf(w, "error          %s: %d\n", code, r.Errors[code])
	}
	if len(r.Duplicates) == 0 {
		fmt.Fprintln(w, "duplicates     none")
		return
	}
	fmt.Fprintf(w, "duplicates     %d: %v\n", len(r.Duplicates), r.Duplicates)
}
