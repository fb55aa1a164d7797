// Package storetest opens fresh, isolated stores for tests, on SQLite and,
// when IPD_TEST_POSTGRES_URL names a database, on PostgreSQL, so that one
// test body runs on every engine.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/ipd/ipd/internal/store"
)

// PostgresURLVariable names the environment variable that holds the URL
// of a PostgreSQL database the tests may create schemas in.
const PostgresURLVariable = "IPD_TEST_POSTGRES_URL"

// Engines returns the engines to run a test on: "sqlite" always, and
// "postgres" when PostgresURLVariable is set.
func Engines() []string {
	if os.Getenv(PostgresURLVariable) == "" {
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// Each runs body as a subtest once per engine of Engines.
func Each(t *testing.T, body func(t *testing.T, engine string)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) { body(t, engine) })
	}
}

// URL returns the database URL of a new, empty database for engine: a
// SQLite file in the test's temporary directory, or a PostgreSQL schema of
// its own, dropped when the test ends. Several stores may open the same
// URL, as replicas of one service do.
func URL(t testing.TB, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		return filepath.Join(t.TempDir(), "ipd.db")
	}
	return postgresSchemaURL(t)
}

// Open returns a migrated store on a new database for engine, closed when
// the test ends.
func Open(t testing.TB, engine string) *store.Store {
	t.Helper()
	return OpenURL(t, URL(t, engine))
}

// OpenURL returns a migrated store on the database at dbURL, closed when
// the test ends.
func OpenURL(t testing.TB, dbURL string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// postgresSchemaURL creates a schema with a random name and returns the
// base URL with its search_path set to it.
func postgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLVariable)
	if base == "" {
		t.Fatalf("%s is not set", PostgresURLVariable)
	}
	schema := "ipd_test_" + strings.ToLower(rand.Text()[:12])

	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() { dropSchema(t, base, schema) })

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLVariable, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func dropSchema(t testing.TB, base, schema string) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Errorf("connect to PostgreSQL: %v", err)
		return
	}
	defer db.Close()
	if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}
