// Package metrics keeps ipd's Prometheus metrics on a registry of its own:
// requests by route and status, allocations by version and result, write
// transactions by result and their retries, and each pool's used and free
// addresses, read from the store whenever they are scraped.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// PoolUsage is what a scrape shows of one pool.
type PoolUsage struct {
	Network, Pool string
	Size, Used    float64
}

// Metrics are ipd's metrics. Its methods are safe for concurrent use.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	durations   *prometheus.HistogramVec
	allocations *prometheus.CounterVec
	txDurations *prometheus.HistogramVec
	txRetries   prometheus.Counter
}

// New returns ipd's metrics, reading pool usage with pools at each
// scrape; a failed read is logged at Warn and the scrape goes on without
// the pools.
func New(log *slog.Logger, pools func(ctx context.Context) ([]PoolUsage, error)) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipd_http_requests_total",
			Help: "API requests answered, by route, method and status.",
		}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ipd_http_request_duration_seconds",
			Help:    "Time to answer an API request, by route and method.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route", "method"}),
		allocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipd_allocations_total",
			Help: "Attempts to take a new address, by IP version and result (allocated, exhausted, failed).",
		}, []string{"version", "result"}),
		txDurations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ipd_db_transaction_duration_seconds",
			Help: "Time a database write transaction took, waiting for the writer lock and retries included, " +
				"by result (committed, or failed: rolled back on any error, an exhausted pool included).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"result"}),
		txRetries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ipd_db_transaction_retries_total",
			Help: "Extra attempts of database write transactions, each a rerun after a transient conflict " +
				"(a busy SQLite database, a PostgreSQL serialization failure or deadlock).",
		}),
	}
	m.registry.MustRegister(m.requests, m.durations, m.allocations, m.txDurations, m.txRetries,
		&poolCollector{log: log, read: pools},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// ObserveRequest counts one answered request of the route (its pattern,
// so that the label's values stay few).
func (m *Metrics) ObserveRequest(route, method string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route, method).Observe(elapsed.Seconds())
}

// ObserveAllocation counts one attempt to take a new address.
func (m *Metrics) ObserveAllocation(version, result string) {
	m.allocations.WithLabelValues(version, result).Inc()
}

// ObserveTransaction counts one database write transaction that ran
// attempts times in all and took elapsed, and whether it failed.
func (m *Metrics) ObserveTransaction(elapsed time.Duration, attempts int, failed bool) {
	result := "committed"
	if failed {
		result = "failed"
	}
	m.txDurations.WithLabelValues(result).Observe(elapsed.Seconds())
	if attempts > 1 {
		m.txRetries.Add(float64(attempts - 1))
	}
}

var (
	poolUsed = prometheus.NewDesc("ipd_pool_addresses_used",
		"Addresses of the pool that exist in an organization.", []string{"network", "pool"}, nil)
	poolFree = prometheus.NewDesc("ipd_pool_addresses_free",
		"Addresses the pool can still hand out.", []string{"network", "pool"}, nil)
)

// poolCollector reads every pool's usage when scraped.
type poolCollector struct {
	log  *slog.Logger
	read func(ctx context.Context) ([]PoolUsage, error)
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolUsed
	ch <- poolFree
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pools, err := c.read(ctx)
	if err != nil {
		c.log.Warn("Pool usage not read for metrics", slog.Any("error", err))
		return
	}
	for _, p := range pools {
		ch <- prometheus.MustNewConstMetric(poolUsed, prometheus.GaugeValue, p.Used, p.Network, p.Pool)
		ch <- prometheus.MustNewConstMetric(poolFree, prometheus.GaugeValue, p.Size-p.Used, p.Network, p.Pool)
	}
}
