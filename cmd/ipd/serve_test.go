package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/api"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

func TestHealthChecks(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "ipd.db"))
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := newMux(log, service.New(st, log, service.Config{}), api.Config{})
	get := func(path string) int {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}

	require.Equal(t, http.StatusOK, get("/healthz"))
	require.Equal(t, http.StatusOK, get("/readyz"))
	require.Equal(t, http.StatusNotFound, get("/elsewhere"))

	require.NoError(t, st.Close())
	require.Equal(t, http.StatusOK, get("/healthz"), "the process is up")
	require.Equal(t, http.StatusServiceUnavailable, get("/readyz"), "but its database is gone")
}
