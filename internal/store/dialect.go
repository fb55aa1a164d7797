package store

import (
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"net/url"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

// dialect is what differs between SQLite and PostgreSQL. Everything else,
// including every query, is shared.
type dialect struct {
	name  string
	goose goose.Dialect

	// writers serializes write transactions inside one process on SQLite,
	// which allows one writer at a time anyway: waiting on a mutex is
	// cheaper and fairer than every writer polling the file lock. Other
	// processes on the same file still wait through busy_timeout. It is nil
	// on PostgreSQL, which locks per pool instead.
	writers *sync.Mutex

	// lockRow ends a SELECT of one row so that it also locks the row until
	// the transaction ends. SQLite needs nothing: its write transaction
	// already holds the database lock.
	lockRow string

	// lockRowToChange is lockRow for a row that is changed but keeps its
	// key: it serializes changes of the row without holding up inserts of
	// rows that refer to it (PostgreSQL's FOR NO KEY UPDATE).
	lockRowToChange string
}

func dialectFor(dsn string) *dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return &dialect{
			name:            "postgres",
			goose:           goose.DialectPostgres,
			lockRow:         ` FOR UPDATE`,
			lockRowToChange: ` FOR NO KEY UPDATE`,
		}
	}
	return &dialect{
		name:    "sqlite",
		goose:   goose.DialectSQLite3,
		writers: new(sync.Mutex),
	}
}

// postgresMaxConns bounds each process's connections to PostgreSQL.
// Allocations in one pool take turns anyway, so more would only queue on
// the pool's lock, and replicas × postgresMaxConns must stay below the
// server's max_connections (100 by default): four replicas fit.
const postgresMaxConns = 16

// open connects with the settings ipd relies on. SQLite runs in WAL mode so
// that readers never wait for the writer, begins every transaction with
// BEGIN IMMEDIATE so that a writer holds the lock from its first read, keeps
// full fsync so that an acknowledged allocation survives a power cut, and
// enforces foreign keys.
func (d *dialect) open(dsn string) (*sql.DB, error) {
	if d.name == "postgres" {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(postgresMaxConns)
		db.SetMaxIdleConns(postgresMaxConns)
		return db, nil
	}

	path := sqlitePath(dsn)
	params := url.Values{}
	params.Set("_txlock", "immediate")
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(FULL)")
	params.Add("_pragma", "foreign_keys(1)")
	// The driver hands SQLite a URI, so characters such as % and ? in the
	// path are escaped for SQLite to read back.
	uriPath := (&url.URL{Path: path}).EscapedPath()
	db, err := sql.Open("sqlite", "file:"+uriPath+"?"+params.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	return db, nil
}

// sqlitePath returns the file a SQLite data source names.
func sqlitePath(dsn string) string {
	return strings.TrimPrefix(dsn, "file:")
}

// migrationFS returns the engine's migrations, numbered alike on both.
func (d *dialect) migrationFS() fs.FS {
	sub, err := fs.Sub(migrations, "migrations/"+d.name)
	if err != nil {
		panic(err) // The directory is embedded at build time.
	}
	return sub
}

// lockWriter takes the in-process writer lock where the engine needs one
// and returns its release.
func (d *dialect) lockWriter() func() {
	if d.writers == nil {
		return func() {}
	}
	d.writers.Lock()
	return d.writers.Unlock
}

// isTransient reports whether err is a conflict that the same transaction,
// run again, may not meet: a busy or locked SQLite database, or a
// PostgreSQL serialization failure or deadlock.
func (d *dialect) isTransient(err error) bool {
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return false
}

// uniqueKey returns, for a unique constraint failure, the key that clashed
// as the database names it: PostgreSQL's detail, "Key (permalink)=(x)
// already exists.", or SQLite's columns, "virtual_machines.hostname".
func uniqueKey(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Detail
	}
	_, columns, _ := strings.Cut(err.Error(), "UNIQUE constraint failed: ")
	columns, _, _ = strings.Cut(columns, " (")
	return columns
}

// isUniqueViolation reports whether err is a unique or primary-key
// constraint failure.
func isUniqueViolation(err error) bool {
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// isForeignKeyViolation reports whether err is a foreign-key constraint
// failure: a row refers to one that no longer exists.
func isForeignKeyViolation(err error) bool {
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

// isNotText reports whether err is PostgreSQL refusing a value as text: a
// NUL character or bytes that are not UTF-8. SQLite stores such values, so
// on PostgreSQL they can only name rows that do not exist.
func isNotText(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05")
}
