package activity

import (
	"context"
	"fmt"
	"slices"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// directory resolves the names and codes in activity data to database ids. It is read once per
// batch and then shared, read-only, by the workers.
type directory struct {
	groupIdx  map[string]int32 // code, and name when unique; ambiguous names map to -1
	groupID   []int64
	groupUnit []int32   // index into unitID
	members   [][]int32 // person indexes, sorted, for a binary search per message

	personIdx  map[string]int32 // 工号, and name when unique; ambiguous names map to -1
	personID   []int64
	personUnit []int32

	unitIdx map[int64]int32
	unitID  []int64

	appID     map[string]int64 // code, and name when unique (-1 when ambiguous)
	accountID map[string]int64 // code, handle and name when unique (-1 when ambiguous)
}

// addName maps name to i unless another index already holds it, in which case the name becomes
// ambiguous. Codes are added first and are never displaced by a name.
func addName[T int32 | int64](m map[string]T, codes map[string]bool, name string, i T) {
	if name == "" || codes[name] {
		return
	}
	if j, ok := m[name]; ok && j != i {
		m[name] = -1
		return
	}
	m[name] = i
}

func (d *directory) unit(id int64) int32 {
	if i, ok := d.unitIdx[id]; ok {
		return i
	}
	i := int32(len(d.unitID))
	d.unitIdx[id] = i
	d.unitID = append(d.unitID, id)
	return i
}

func loadDirectory(ctx context.Context, q store.Querier) (*directory, error) {
	d := &directory{groupIdx: map[string]int32{}, personIdx: map[string]int32{},
		unitIdx: map[int64]int32{}, appID: map[string]int64{}, accountID: map[string]int64{}}

	type named struct {
		id        int64
		code, nm  string
		unit      int64
		kind, aux string
	}
	var people []named
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, unit_id FROM people ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("activity: read people: %w", err)
	}
	for rows.Next() {
		var n named
		if err := rows.Scan(&n.id, &n.code, &n.nm, &n.unit); err != nil {
			rows.Close()
			return nil, fmt.Errorf("activity: read people: %w", err)
		}
		people = append(people, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("activity: read people: %w", err)
	}
	codes := map[string]bool{}
	personByID := make(map[int64]int32, len(people))
	for i, p := range people {
		d.personIdx[p.code] = int32(i)
		codes[p.code] = true
		personByID[p.id] = int32(i)
		d.personID = append(d.personID, p.id)
		d.personUnit = append(d.personUnit, d.unit(p.unit))
	}
	for i, p := range people {
		addName(d.personIdx, codes, p.nm, int32(i))
	}

	var assets []named
	rows, err = q.QueryContext(ctx, `SELECT a.id, a.code, a.name, a.unit_id, a.kind, COALESCE(c.handle, '')
		FROM assets a LEFT JOIN account_details c ON c.asset_id = a.id ORDER BY a.id`)
	if err != nil {
		return nil, fmt.Errorf("activity: read assets: %w", err)
	}
	for rows.Next() {
		var n named
		if err := rows.Scan(&n.id, &n.code, &n.nm, &n.unit, &n.kind, &n.aux); err != nil {
			rows.Close()
			return nil, fmt.Errorf("activity: read assets: %w", err)
		}
		assets = append(assets, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("activity: read assets: %w", err)
	}
	codes = map[string]bool{}
	groupByID := map[int64]int32{}
	for _, a := range assets {
		codes[a.code] = true
		switch a.kind {
		case "group":
			i := int32(len(d.groupID))
			d.groupIdx[a.code] = i
			groupByID[a.id] = i
			d.groupID = append(d.groupID, a.id)
			d.groupUnit = append(d.groupUnit, d.unit(a.unit))
		case "app":
			d.appID[a.code] = a.id
		case "account":
			d.accountID[a.code] = a.id
		}
	}
	for _, a := range assets {
		switch a.kind {
		case "group":
			addName(d.groupIdx, codes, a.nm, groupByID[a.id])
		case "app":
			addName(d.appID, codes, a.nm, a.id)
		case "account":
			addName(d.accountID, codes, a.nm, a.id)
			addName(d.accountID, codes, a.aux, a.id)
		}
	}

	d.members = make([][]int32, len(d.groupID))
	rows, err = q.QueryContext(ctx, `SELECT group_id, person_id FROM group_members WHERE person_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("activity: read members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g, p int64
		if err := rows.Scan(&g, &p); err != nil {
			return nil, fmt.Errorf("activity: read members: %w", err)
		}
		gi, ok1 := groupByID[g]
		pi, ok2 := personByID[p]
		if !ok1 || !ok2 {
			continue
		}
		d.members[gi] = append(d.members[gi], pi)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("activity: read members: %w", err)
	}
	for _, m := range d.members {
		slices.Sort(m)
	}
	return d, nil
}
