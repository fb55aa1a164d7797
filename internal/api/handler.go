// Package api serves the IP-address slice of the Katapult Core API v1 over
// the service layer: routing with placeholder segments, argument and lookup
// parsing, authentication and scopes, error envelopes, production headers
// and JSON presenters. It never touches SQL.
package api

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ipd/ipd/internal/clientaddr"
	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// Prefix is the path under which the API is served.
const Prefix = "/core/v1"

// Handler serves the Katapult Core API v1 below Prefix. It is safe for
// concurrent use.
type Handler struct {
	svc    *service.Service
	log    *slog.Logger
	router *router
	config Config
}

// Config holds the handler's settings.
type Config struct {
	// TrustedProxies are the networks of the reverse proxies in front of
	// ipd. A request from one of them is taken to come from the
	// right-most address of its X-Forwarded-For header that is not a
	// trusted proxy; from anywhere else, from its TCP peer, whatever its
	// headers say. Empty, the default, trusts no proxy.
	TrustedProxies []netip.Prefix

	// OnRequest, when set, hears of every answered request: the pattern
	// of its route ("unmatched" when there is none), its method and
	// status, and how long it took. It must not block.
	OnRequest func(route, method string, status int, elapsed time.Duration)
}

// New returns the API handler over svc, logging one line per request to
// log.
func New(svc *service.Service, log *slog.Logger, config Config) *Handler {
	if config.OnRequest == nil {
		config.OnRequest = func(string, string, int, time.Duration) {}
	}
	return &Handler{svc: svc, log: log, router: newRouter(endpoints()), config: config}
}

// call is one request on its way through an endpoint.
type call struct {
	ctx    context.Context
	caller service.Caller
	args   arguments
}

// ServeHTTP answers one request in the production order: route, then
// authentication, CORS, preflight, scope, arguments, and the operation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := uuid.NewString()
	w.Header().Set("X-Request-Id", requestID)
	rec := &statusRecorder{ResponseWriter: w}

	route, err := h.serve(rec, r)
	if err != nil {
		h.writeError(rec, r, err)
	}
	elapsed := time.Since(start)
	h.logRequest(r, rec.status, elapsed, requestID, err)
	h.config.OnRequest(route, r.Method, rec.status, elapsed)
}

// unmatched is the route of a request that matched none.
const unmatched = "unmatched"

// serve answers one request and returns its route's pattern, for the
// metrics, with the error to answer with, if any.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (string, error) {
	// The path is matched as sent, escapes and all, so that an escaped
	// slash stays inside its segment.
	path := strings.Trim(strings.TrimPrefix(r.URL.EscapedPath(), Prefix), "/")
	if r.Method == http.MethodOptions {
		return unmatched, h.preflight(w, r, path)
	}
	ep, segments := h.router.match(r.Method, path)
	if ep == nil {
		return unmatched, errRouteNotFound(path, r.Method)
	}

	caller, err := h.authenticate(r)
	if err != nil {
		return ep.path, err
	}
	limit, err := h.svc.CountRequest(r.Context(), caller)
	setRateLimitHeaders(w.Header(), limit)
	if err != nil {
		return ep.path, err
	}
	setCORSHeaders(w.Header())
	if len(ep.scopes) > 0 && !caller.HasAnyScope(ep.scopes) {
		return ep.path, errScopeNotGranted(ep.scopes)
	}

	raw, apiErr := rawArguments(r)
	if apiErr != nil {
		return ep.path, apiErr
	}
	args, apiErr := parseArguments(ep, raw, segments)
	if apiErr != nil {
		return ep.path, apiErr
	}

	ctx := domain.WithActor(r.Context(), "api_token:"+caller.Token.ID)
	result, err := ep.handle(h, &call{ctx: ctx, caller: caller, args: args})
	if err != nil {
		return ep.path, err
	}
	writeJSON(w, http.StatusOK, result)
	return ep.path, nil
}

// preflight answers a CORS preflight request for a route that exists,
// without authentication: browsers send none with it.
func (h *Handler) preflight(w http.ResponseWriter, r *http.Request, path string) error {
	method := r.Header.Get("Access-Control-Request-Method")
	if method == "" || !h.router.hasMethod(method, path) {
		return errRouteNotFound(path, r.Method)
	}
	setCORSHeaders(w.Header())
	writeJSON(w, http.StatusOK, "")
	return nil
}

// authenticate returns the caller the request's bearer token identifies.
func (h *Handler) authenticate(r *http.Request) (service.Caller, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return service.Caller{}, errMissingAPIToken()
	}
	return h.svc.Authenticate(r.Context(), secret, clientaddr.Resolver{TrustedProxies: h.config.TrustedProxies}.Of(r))
}

// setRateLimitHeaders tells the caller where its token stands against
// its limit, on every answer once the token is known.
func setRateLimitHeaders(header http.Header, limit service.RateLimit) {
	header.Set("X-Ratelimit-Permitted", strconv.Itoa(limit.Permitted))
	header.Set("X-Ratelimit-Remaining", strconv.Itoa(limit.Remaining))
}

func setCORSHeaders(header http.Header) {
	header.Set("Access-Control-Allow-Origin", "*")
	header.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
	header.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
}

// writeJSON writes a successful response with production's cache headers
// and a weak ETag of the body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body := encode(v)
	sum := md5.Sum(body)
	header := w.Header()
	header.Set("Content-Type", "application/json")
	header.Set("Cache-Control", "max-age=0, private, must-revalidate")
	header.Set("Etag", `W/"`+hex.EncodeToString(sum[:])+`"`)
	header.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	header.Set("Vary", "Accept-Encoding")
	w.WriteHeader(status)
	w.Write(body)
}

// writeError writes err in the error envelope. An error that is not one of
// the API's own is logged by logRequest and shown as unhandled_exception.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	apiErr := translateError(err)
	header := w.Header()
	header.Set("Content-Type", "application/json")
	header.Set("Cache-Control", "no-cache")
	header.Set("X-Api-Schema", "json-error")
	header.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	header.Set("Vary", "Accept-Encoding")
	w.WriteHeader(apiErr.status)
	w.Write(encode(map[string]any{"error": apiErr}))
}

// encode marshals v as production does: no HTML escaping, no trailing
// newline. The values passed are ipd's own types, which always marshal.
func encode(v any) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}

// logRequest writes the one line each request gets: Info when it
// succeeded, Warn when the client was refused, Error when ipd failed.
func (h *Handler) logRequest(r *http.Request, status int, elapsed time.Duration, requestID string, err error) {
	level := slog.LevelInfo
	switch {
	case status >= 500 && status != http.StatusServiceUnavailable:
		level = slog.LevelError
	case status >= 400:
		// A pool that ran dry answers 503 and is the operator's to fix, but
		// the service has logged it once already.
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
	}
	if err != nil {
		if apiErr := translateError(err); apiErr.status < 500 {
			attrs = append(attrs, slog.String("code", apiErr.Code))
		} else {
			attrs = append(attrs, slog.Any("error", err))
		}
	}
	h.log.LogAttrs(r.Context(), level, "Request", attrs...)
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}
