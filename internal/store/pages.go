package store

import (
	"context"
	"strconv"

	"github.com/ipd/ipd/internal/domain"
)

// listPage returns one page of the objects that from and where select,
// with their total count. order must end in a unique column, so that
// consecutive pages neither repeat nor skip an object. The page's LIMIT
// and OFFSET take the placeholders after args.
func listPage[T any](
	ctx context.Context, q queryer, page domain.Page,
	columns, from, where, order string,
	scan func(row interface{ Scan(...any) error }) (T, error),
	args ...any,
) ([]T, int, error) {
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	rows, err := q.QueryContext(ctx,
		`SELECT `+columns+` FROM `+from+` WHERE `+where+` ORDER BY `+order+
			` LIMIT `+placeholder(n+1)+` OFFSET `+placeholder(n+2),
		append(args, page.PerPage, page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	items, err := collect(rows, scan)
	return items, total, err
}

// placeholder returns the n-th positional parameter, "$n".
func placeholder(n int) string {
	return "$" + strconv.Itoa(n)
}
