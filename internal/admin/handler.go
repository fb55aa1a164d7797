// Package admin serves the operator API below /admin/v1: JSON over HTTP to
// register, change, list and remove countries, data centers, networks,
// pools, organizations, virtual machines, interfaces and customer API
// tokens, and to read the audit log of those changes. A provisioning
// system uses it to register a virtual machine when it builds one and to
// remove it when it destroys one.
//
// Requests carry an operator token ("Authorization: Bearer ipdop_…",
// made by `ipd admin-token create`). Customer API tokens are refused here,
// as operator tokens are on /core/v1. The operations and their rules are
// the service's; this package maps them to routes, JSON and statuses.
package admin

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ipd/ipd/internal/clientaddr"
	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// Prefix is the path under which the operator API is served.
const Prefix = "/admin/v1"

// Config holds the handler's settings.
type Config struct {
	// Clients finds a request's client address, for the limit on failed
	// authentications.
	Clients clientaddr.Resolver

	// OnRequest, when set, hears of every answered request: its route
	// pattern ("unmatched" when there is none), method, status and how
	// long it took. It must not block.
	OnRequest func(route, method string, status int, elapsed time.Duration)
}

// Handler serves the operator API. It is safe for concurrent use.
type Handler struct {
	svc    *service.Service
	log    *slog.Logger
	mux    *http.ServeMux
	config Config
}

// New returns the operator API over svc, logging one line per request to
// log.
func New(svc *service.Service, log *slog.Logger, config Config) *Handler {
	if config.OnRequest == nil {
		config.OnRequest = func(string, string, int, time.Duration) {}
	}
	h := &Handler{svc: svc, log: log, mux: http.NewServeMux(), config: config}
	h.routes()
	return h
}

// result is what an endpoint answers: a status and a body to encode, or
// an error for writeError.
type result struct {
	status int
	body   any
}

// endpoint is one operation of the API.
type endpoint func(r *http.Request) (result, error)

// handle routes pattern, such as "GET /admin/v1/countries/{id}", to ep.
func (h *Handler) handle(pattern string, ep endpoint) {
	h.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := ep(r)
		if err != nil {
			w.(*recorder).fail(err)
			return
		}
		writeJSON(w, res.status, res.body)
	}))
}

// ServeHTTP authenticates the operator, then routes the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := uuid.NewString()
	w.Header().Set("X-Request-Id", requestID)
	rec := &recorder{ResponseWriter: w}

	route := h.serve(rec, r)
	elapsed := time.Since(start)
	h.logRequest(r, rec, elapsed, requestID)
	h.config.OnRequest(route, r.Method, rec.status, elapsed)
}

// serve answers r and returns its route's path pattern, such as
// "/admin/v1/pools/{id}".
func (h *Handler) serve(rec *recorder, r *http.Request) string {
	operator, err := h.authenticate(r)
	if err != nil {
		rec.fail(err)
		return "unmatched"
	}
	r = r.WithContext(domain.WithActor(r.Context(), "operator_token:"+operator.ID))

	// The mux would redirect an unclean path; the API answers it as a
	// route it does not have.
	if _, pattern := h.mux.Handler(r); pattern == "" || path.Clean(r.URL.Path) != r.URL.Path {
		rec.fail(errRouteNotFound)
		return "unmatched"
	}
	h.mux.ServeHTTP(rec, r)
	_, path, _ := strings.Cut(r.Pattern, " ")
	return path
}

// authenticate returns the operator token the request's bearer secret
// identifies.
func (h *Handler) authenticate(r *http.Request) (domain.OperatorToken, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return domain.OperatorToken{}, errMissingToken
	}
	return h.svc.AuthenticateOperator(r.Context(), secret, h.config.Clients.Of(r))
}

// maxBodyBytes bounds a request body; no operator request needs more.
const maxBodyBytes = 1 << 20

// decode reads r's JSON body into v, refusing unknown fields so that a
// misspelt one is not silently ignored.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &apiError{status: http.StatusBadRequest, Code: "invalid_json",
			Description: "The request body is not a JSON object of this endpoint's fields: " + err.Error()}
	}
	if dec.More() {
		return &apiError{status: http.StatusBadRequest, Code: "invalid_json",
			Description: "The request body holds more than one JSON value."}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if body != nil {
		json.NewEncoder(w).Encode(body)
	}
}

// recorder remembers the status written and the error answered, for the
// request log.
type recorder struct {
	http.ResponseWriter
	status int
	err    error
}

func (rec *recorder) WriteHeader(status int) {
	rec.status = status
	rec.ResponseWriter.WriteHeader(status)
}

// fail answers err in the error envelope.
func (rec *recorder) fail(err error) {
	rec.err = err
	apiErr := translate(err)
	writeJSON(rec, apiErr.status, map[string]any{"error": apiErr})
}

// logRequest writes the one line each request gets: Info when it
// succeeded, Warn when the operator's request was refused, Error when ipd
// failed.
func (h *Handler) logRequest(r *http.Request, rec *recorder, elapsed time.Duration, requestID string) {
	level := slog.LevelInfo
	attrs := []slog.Attr{
		slog.String("request_id", requestID),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.status),
		slog.Duration("duration", elapsed),
	}
	var apiErr *apiError
	switch {
	case rec.err == nil:
	case errors.As(rec.err, &apiErr) || translate(rec.err).status < 500:
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("code", translate(rec.err).Code))
	default:
		level = slog.LevelError
		attrs = append(attrs, slog.Any("error", rec.err))
	}
	h.log.LogAttrs(r.Context(), level, "Operator request", attrs...)
}
