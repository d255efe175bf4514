package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// ErrRetryCarefully ends a bulk import's fast attempt at the first row that a domain package
// refuses; the import then starts over with RowStep's careful mode.
var ErrRetryCarefully = errors.New("store: retry row by row")

// RowStep applies one row of a bulk import (fn) inside the import's transaction. A classified
// error from the domain package is the row's error; anything else is an internal failure.
//
// Careful, the row runs under a savepoint and a refusal undoes just that row: the domain package
// may have written before it refused, and PostgreSQL refuses every later statement of a
// transaction in which one failed. Savepoints cost more than the rows themselves on PostgreSQL
// when there are thousands, so an import first runs without them; there a refusal ends the
// attempt with ErrRetryCarefully.
func RowStep(ctx context.Context, tx Querier, careful bool, fn func() error) (*errs.Error, error) {
	if !careful {
		err := fn()
		if err == nil {
			return nil, nil
		}
		if e, ok := errs.As(err); ok && e.Kind != errs.Other {
			return nil, ErrRetryCarefully
		}
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT import_row`); err != nil {
		return nil, fmt.Errorf("store: savepoint: %w", err)
	}
	ferr := fn()
	if ferr != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT import_row`); err != nil {
			return nil, fmt.Errorf("store: roll back row: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT import_row`); err != nil {
		return nil, fmt.Errorf("store: release savepoint: %w", err)
	}
	if ferr == nil {
		return nil, nil
	}
	if e, ok := errs.As(ferr); ok && e.Kind != errs.Other {
		return e, nil
	}
	return nil, ferr
}
