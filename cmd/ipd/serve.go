package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/ipd/ipd/internal/admin"
	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/clientaddr"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/metrics"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

// serverFlags are the flags of every command that serves the API.
type serverFlags struct {
	listen   string
	database string
	service  service.Config
	api      api.Config
}

func (f *serverFlags) register(fs *flag.FlagSet, defaultDatabase, databaseHelp string) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to serve the API on")
	fs.StringVar(&f.database, "database", defaultDatabase, databaseHelp)
	fs.StringVar(&f.service.ReverseDNSDomainIPv4, "reverse-dns-ipv4", service.DefaultReverseDNSDomainIPv4,
		"zone of an IPv4 address's default reverse DNS name, a-b-c-d.ZONE")
	fs.StringVar(&f.service.ReverseDNSDomainIPv6, "reverse-dns-ipv6", service.DefaultReverseDNSDomainIPv6,
		"zone of an IPv6 address's default reverse DNS name, its compressed form with dashes for colons")
	fs.Func("trusted-proxy", "address or prefix of a reverse proxy whose X-Forwarded-For is believed (repeatable)",
		func(value string) error {
			p, err := parsePrefixOrAddr(value)
			f.api.TrustedProxies = append(f.api.TrustedProxies, p)
			return err
		})
}

// parsePrefixOrAddr parses "A/N", or "A" as the prefix of that one
// address.
func parsePrefixOrAddr(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := ipam.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := ipam.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

const databaseHelp = "SQLite file path, or a postgres:// URL"

func serveCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags serverFlags
	flags.register(fs, "ipd.db", databaseHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	log := newLogger(stderr)
	st, err := store.Open(ctx, flags.database)
	if err != nil {
		return err
	}
	defer st.Close()

	return serve(ctx, log, st, flags, nil)
}

// newLogger returns the logger the commands write to: text for a terminal,
// or JSON, one object a line, when IPD_LOG_FORMAT is "json".
func newLogger(w io.Writer) *slog.Logger {
	if os.Getenv("IPD_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// shutdownTimeout bounds how long in-flight requests may take to finish
// once the process is told to stop.
const shutdownTimeout = 30 * time.Second

// serve answers API requests on flags.listen until ctx is done, then stops
// accepting connections and lets in-flight requests finish. It calls
// listening, when set, with the address it listens on.
func serve(
	ctx context.Context, log *slog.Logger, st *store.Store, flags serverFlags, listening func(addr string),
) error {
	svc, m := newService(log, st, flags)
	ln, err := net.Listen("tcp", flags.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", flags.listen, err)
	}
	srv := &http.Server{
		Handler:           newMux(log, svc, flags.api, m),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	log.Info("Serving", slog.String("address", ln.Addr().String()), slog.String("database", svc.Engine()))
	if listening != nil {
		listening(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("Stopped")
	return nil
}

// newService returns the service over st, with the metrics that count
// its allocations and st's write transactions and read its pools.
func newService(log *slog.Logger, st *store.Store, flags serverFlags) (*service.Service, *metrics.Metrics) {
	var svc *service.Service
	m := metrics.New(log, func(ctx context.Context) ([]metrics.PoolUsage, error) { return poolUsage(ctx, svc) })
	flags.service.OnAllocation = m.ObserveAllocation
	st.ObserveTransactions(func(tx store.TxStats) { m.ObserveTransaction(tx.Duration, tx.Attempts, tx.Failed) })
	svc = service.New(st, log, flags.service)
	return svc, m
}

// poolUsage reads every pool's usage for a scrape.
func poolUsage(ctx context.Context, svc *service.Service) ([]metrics.PoolUsage, error) {
	pools, err := svc.Pools(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.PoolUsage, len(pools))
	for i, p := range pools {
		size, _ := new(big.Float).SetInt(p.Size()).Float64()
		out[i] = metrics.PoolUsage{
			Network: p.Network.Permalink, Pool: p.Pool.Prefix.String(), Size: size, Used: float64(p.Pool.Allocated),
		}
	}
	return out, nil
}

// newMux routes the customer API and the operator API below their
// prefixes, the metrics, and the health checks a load balancer or
// orchestrator polls; every other path is not ipd's. The customer API sees
// each path as it came, with no cleaning and no redirect, so that an odd
// one gets the API's own error envelope.
func newMux(log *slog.Logger, svc *service.Service, config api.Config, m *metrics.Metrics) http.Handler {
	config.OnRequest = m.ObserveRequest
	apiHandler := api.New(svc, log, config)
	adminHandler := admin.New(svc, log, admin.Config{
		Clients:   clientaddr.Resolver{TrustedProxies: config.TrustedProxies},
		OnRequest: m.ObserveRequest,
	})
	metricsHandler := m.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case below(r.URL.Path, api.Prefix):
			apiHandler.ServeHTTP(w, r)
		case below(r.URL.Path, admin.Prefix):
			adminHandler.ServeHTTP(w, r)
		case r.URL.Path == "/healthz":
			fmt.Fprintln(w, "ok")
		case r.URL.Path == "/readyz":
			ready(w, r, log, svc)
		case r.URL.Path == "/metrics":
			metricsHandler.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// below reports whether path is prefix or a path under it.
func below(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// ready answers 200 when the service can serve, and 503 with the reason
// when it cannot.
func ready(w http.ResponseWriter, r *http.Request, log *slog.Logger, svc *service.Service) {
	if err := svc.Ready(r.Context()); err != nil {
		log.WarnContext(r.Context(), "Not ready", slog.Any("error", err))
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}
