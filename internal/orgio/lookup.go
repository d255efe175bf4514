package orgio

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// dbUnit is a stored unit, as much of it as an import compares.
type dbUnit struct {
	id         int64
	name       string
	kind       org.UnitKind
	parentCode string // may lie outside the caller's scope (the parent of a liaison's own unit)
	sortOrder  int
}

// dbPerson is a stored person, as much of it as an import compares.
type dbPerson struct {
	id       int64
	name     string
	unitCode string
	post     string
	status   string
	leftOn   string // YYYY-MM-DD or ""
}

// existing is what the database holds, within the caller's scope, under the codes a file
// mentions. Codes outside the scope are absent, exactly as if they did not exist.
type existing struct {
	units  map[string]dbUnit
	people map[string]dbPerson
}

func newExisting() *existing {
	return &existing{units: map[string]dbUnit{}, people: map[string]dbPerson{}}
}

// codeChunk keeps IN lists well under SQLite's and PostgreSQL's parameter limits.
const codeChunk = 500

// loadExisting reads the stored units and people whose codes wb mentions, within scope. org
// offers no lookup by code inside a transaction, so this reads the tables directly, filtered
// by org's own scope condition like every other list of unit data.
func loadExisting(ctx context.Context, q store.Querier, scope org.Scope, wb *Workbook) (*existing, error) {
	ex := newExisting()
	var unitCodes, personCodes []string
	for _, r := range wb.Units {
		unitCodes = append(unitCodes, r.Code, r.ParentCode)
	}
	for _, r := range wb.People {
		unitCodes = append(unitCodes, r.UnitCode)
		personCodes = append(personCodes, r.Code)
	}
	err := inChunks(unitCodes, func(in string, codes []any) error {
		w := &store.Where{}
		w.Add("u.code IN ("+in+")", codes...)
		scope.Filter(w, "u.path")
		rows, err := q.QueryContext(ctx, `SELECT u.id, u.code, u.name, u.kind, COALESCE(p.code, ''), u.sort_order
			FROM units u LEFT JOIN units p ON p.id = u.parent_id`+w.String(), w.Args...)
		if err != nil {
			return fmt.Errorf("orgio: read units: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var u dbUnit
			var code string
			if err := rows.Scan(&u.id, &code, &u.name, &u.kind, &u.parentCode, &u.sortOrder); err != nil {
				return fmt.Errorf("orgio: read unit: %w", err)
			}
			ex.units[code] = u
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	err = inChunks(personCodes, func(in string, codes []any) error {
		w := &store.Where{}
		w.Add("p.code IN ("+in+")", codes...)
		scope.Filter(w, "u.path")
		rows, err := q.QueryContext(ctx, `SELECT p.id, p.code, p.name, u.code, p.post, p.status, p.left_on
			FROM people p JOIN units u ON u.id = p.unit_id`+w.String(), w.Args...)
		if err != nil {
			return fmt.Errorf("orgio: read people: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x dbPerson
			var code string
			var left sql.NullTime
			if err := rows.Scan(&x.id, &code, &x.name, &x.unitCode, &x.post, &x.status, &left); err != nil {
				return fmt.Errorf("orgio: read person: %w", err)
			}
			if left.Valid {
				x.leftOn = left.Time.UTC().Format("2006-01-02")
			}
			ex.people[code] = x
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return ex, nil
}

// inChunks calls fn with "?, ?, …" and the codes for each chunk of the distinct, non-empty
// codes. Codes with control or invalid characters are left out: their rows fail the checks
// anyway, and PostgreSQL would reject a NUL byte with an error that aborts the import.
func inChunks(codes []string, fn func(in string, codes []any) error) error {
	seen := map[string]bool{}
	var chunk []any
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := fn(strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ","), chunk)
		chunk = nil
		return err
	}
	for _, c := range codes {
		if c == "" || seen[c] || sheet.BadText(c, false) != "" {
			continue
		}
		seen[c] = true
		chunk = append(chunk, c)
		if len(chunk) == codeChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
