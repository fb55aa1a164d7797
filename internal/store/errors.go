package store

import (
	"fmt"

	"github.com/ipd/ipd/internal/domain"
)

// translate maps a driver error to the domain's sentinels, once, with the
// operation it came from: a missing row is domain.ErrNotFound, and so is a
// foreign-key failure, a row that refers to one removed meanwhile, and a
// key PostgreSQL refuses as text, which no row can have; a unique
// constraint failure is domain.ErrConflict. Other errors are
// wrapped as they are.
func translate(err error, op string) error {
	switch {
	case err == nil:
		return nil
	case errNoRows(err):
		return fmt.Errorf("%s: %w", op, domain.ErrNotFound)
	case isForeignKeyViolation(err), isNotText(err):
		return fmt.Errorf("%s: %w: %w", op, domain.ErrNotFound, err)
	case isUniqueViolation(err):
		return &domain.ConflictError{Message: op + ": another object already has this " + uniqueKey(err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}
