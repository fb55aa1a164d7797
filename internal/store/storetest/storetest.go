// Package storetest opens fresh, isolated stores for tests, on SQLite and,
// when IPD_TEST_POSTGRES_URL names a database, on PostgreSQL, so that one
// test body runs on every engine.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
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

// Dump returns every row of every table of the database at dbURL as
// sorted text, for tests that require a request to have changed nothing.
// The rate-limit counts are left out: every request changes them.
func Dump(t testing.TB, dbURL string) string {
	t.Helper()
	driver, dsn, tablesQuery := "sqlite", dbURL, `SELECT name FROM sqlite_master WHERE type = 'table'`
	if strings.HasPrefix(dbURL, "postgres") {
		driver, tablesQuery = "pgx", `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	defer db.Close()

	var tables []string
	rows, err := db.Query(tablesQuery)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("list tables: %v", err)
		}
		if name != "rate_limit_windows" && name != "goose_db_version" && !strings.HasPrefix(name, "sqlite_") {
			tables = append(tables, name)
		}
	}
	rows.Close()
	slices.Sort(tables)

	var b strings.Builder
	for _, table := range tables {
		b.WriteString(dumpTable(t, db, table))
	}
	return b.String()
}

func dumpTable(t testing.TB, db *sql.DB, table string) string {
	rows, err := db.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	var lines []string
	for rows.Next() {
		values := make([]any, len(columns))
		pointers := make([]any, len(columns))
		for i := range values {
			pointers[i] = &values[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		lines = append(lines, fmt.Sprintf("%s %q", table, values))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}
