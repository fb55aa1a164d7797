package store

import (
	"context"
	"database/sql"

	"github.com/ipd/ipd/internal/domain"
)

var operatorTokenKind = kind[domain.OperatorToken]{
	name: "operator_token", table: "operator_tokens", get: operatorTokenGet,
}

// OperatorTokenCreate stores a new operator token with its secret's lookup
// key and hash; the secret itself is never stored.
func (s *Store) OperatorTokenCreate(
	ctx context.Context, name, lookup string, hash []byte,
) (domain.OperatorToken, error) {
	id := newID(prefixOperator)
	var t domain.OperatorToken
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = recordCreate(ctx, s, tx, operatorTokenKind, id, func() error {
			_, err := tx.ExecContext(ctx, `
				INSERT INTO operator_tokens (id, name, secret_lookup, secret_hash, created_at)
				VALUES ($1, $2, $3, $4, $5)`, id, name, lookup, hash, unixSeconds(s.now()))
			return err
		})
		return err
	})
	return t, translate(err, "create operator token "+name)
}

const operatorTokenColumns = `t.id, t.name, t.created_at`

func scanOperatorToken(row interface{ Scan(...any) error }) (domain.OperatorToken, error) {
	var t domain.OperatorToken
	var created int64
	err := row.Scan(&t.ID, &t.Name, &created)
	t.CreatedAt = unixTime(created)
	return t, err
}

func operatorTokenGet(ctx context.Context, q queryer, id string) (domain.OperatorToken, error) {
	row := q.QueryRowContext(ctx, `SELECT `+operatorTokenColumns+` FROM operator_tokens t WHERE t.id = $1`, id)
	return scanOperatorToken(row)
}

// OperatorTokenGetByLookup returns the operator token whose secret has the
// lookup key, with the secret's stored hash for the caller to compare.
func (s *Store) OperatorTokenGetByLookup(ctx context.Context, lookup string) (domain.OperatorToken, []byte, error) {
	var hash []byte
	row := s.db.QueryRowContext(ctx, `SELECT `+operatorTokenColumns+`, t.secret_hash FROM operator_tokens t
		WHERE t.secret_lookup = $1`, lookup)
	t, err := scanOperatorToken(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }))
	return t, hash, translate(err, "get operator token by lookup key")
}

// OperatorTokenList returns every operator token, oldest first.
func (s *Store) OperatorTokenList(ctx context.Context) ([]domain.OperatorToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+operatorTokenColumns+` FROM operator_tokens t
		ORDER BY t.created_at, t.id`)
	if err != nil {
		return nil, translate(err, "list operator tokens")
	}
	tokens, err := collect(rows, scanOperatorToken)
	return tokens, translate(err, "list operator tokens")
}

// OperatorTokenDelete removes the operator token; its secret stops working
// when the change commits.
func (s *Store) OperatorTokenDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := recordDelete(ctx, s, tx, operatorTokenKind, id, func(domain.OperatorToken) error {
			return execFound(ctx, tx, `DELETE FROM operator_tokens WHERE id = $1`, id)
		})
		return err
	})
	return translate(err, "delete operator token "+id)
}
