package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// ListKind names one of a campaign's two lists.
type ListKind string

// The lists.
const (
	Commend   ListKind = "commend"   // 表彰名单
	Interview ListKind = "interview" // 约谈名单
)

// Label is the list's Chinese name.
func (k ListKind) Label() string {
	if k == Interview {
		return "约谈名单"
	}
	return "表彰名单"
}

func (k ListKind) valid() bool { return k == Commend || k == Interview }

func (k ListKind) other() ListKind {
	if k == Commend {
		return Interview
	}
	return Commend
}

// List is a campaign's saved commendation or 约谈 list. Entries shows only the units in the
// caller's scope.
type List struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	Kind       ListKind  `json:"kind"`
	Entries    []Entry   `json:"entries"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// GetList returns a campaign's list of the kind; an unsaved list is empty (ID 0).
func (s *Store) GetList(ctx context.Context, p org.Principal, campaignID int64, kind ListKind) (List, error) {
	if !kind.valid() {
		return List{}, errs.Field("kind", "名单类型应为表彰或约谈")
	}
	if _, err := getCampaign(ctx, s.DB, p, campaignID); err != nil {
		return List{}, err
	}
	return readList(ctx, s.DB, p.Scope, campaignID, kind)
}

func readList(ctx context.Context, q store.Querier, sc org.Scope, campaignID int64, kind ListKind) (List, error) {
	l := List{CampaignID: campaignID, Kind: kind, Entries: []Entry{}}
	err := q.QueryRowContext(ctx, `SELECT id, updated_at FROM campaign_lists WHERE campaign_id = $1 AND kind = $2`, campaignID, string(kind)).
		Scan(&l.ID, &l.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, nil
	}
	if err != nil {
		return l, fmt.Errorf("campaign: read %s list of %d: %w", kind, campaignID, err)
	}
	l.UpdatedAt = l.UpdatedAt.UTC()
	w := &store.Where{}
	w.Add("e.list_id = ?", l.ID)
	sc.Filter(w, "u.path")
	rows, err := q.QueryContext(ctx, `SELECT e.unit_id, u.name, e.reason FROM campaign_list_entries e JOIN units u ON u.id = e.unit_id`+
		w.String()+` ORDER BY e.id`, w.Args...)
	if err != nil {
		return l, fmt.Errorf("campaign: read entries of list %d: %w", l.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.UnitID, &e.UnitName, &e.Reason); err != nil {
			return l, fmt.Errorf("campaign: read entries of list %d: %w", l.ID, err)
		}
		l.Entries = append(l.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return l, fmt.Errorf("campaign: read entries of list %d: %w", l.ID, err)
	}
	return l, nil
}

// editList runs an edit of a list in one transaction: it checks the caller, reads the list as it
// was (creating it when first saved), applies fn and records before and after in the audit log.
func (s *Store) editList(ctx context.Context, p org.Principal, campaignID int64, kind ListKind, action string,
	fn func(tx *sql.Tx, c Campaign, l *List) error) (List, error) {
	if err := requireManager(p); err != nil {
		return List{}, err
	}
	if !kind.valid() {
		return List{}, errs.Field("kind", "名单类型应为表彰或约谈")
	}
	var out List
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getCampaign(ctx, tx, p, campaignID)
		if err != nil {
			return err
		}
		// Lists are edited whole-bureau (the office's scope); reading them through the caller's
		// scope would make entries outside it look absent and be overwritten.
		before, err := readList(ctx, tx, org.Scope{All: true}, campaignID, kind)
		if err != nil {
			return err
		}
		now := s.now()
		if before.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO campaign_lists (campaign_id, kind, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
				campaignID, string(kind), now).Scan(&before.ID); err != nil {
				return fmt.Errorf("campaign: create %s list of %d: %w", kind, campaignID, err)
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE campaign_lists SET updated_at = $1 WHERE id = $2`, now, before.ID); err != nil {
			return fmt.Errorf("campaign: touch list %d: %w", before.ID, err)
		}
		l := before
		l.Entries = append([]Entry(nil), before.Entries...)
		if err := fn(tx, c, &l); err != nil {
			return err
		}
		if out, err = readList(ctx, tx, org.Scope{All: true}, campaignID, kind); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), action, "campaign_list", fmt.Sprint(before.ID), before, out)
	})
	return out, err
}

// checkEntry validates an entry: a unit under the campaign's unit, not on the other list, with a
// reason.
func checkEntry(ctx context.Context, tx *sql.Tx, p org.Principal, c Campaign, kind ListKind, field string, e *Entry) error {
	e.Reason = strings.TrimSpace(e.Reason)
	u, err := checkUnit(ctx, tx, p, field+".unit_id", e.UnitID)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(u.Path, c.UnitPath) {
		return errs.Field(field+".unit_id", u.Name+"不在本次专项行动的范围内")
	}
	e.UnitName = u.Name
	if err := checkBody(field+".reason", u.Name+"的理由", e.Reason, true, 1000); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM campaign_list_entries e JOIN campaign_lists l ON l.id = e.list_id
		WHERE l.campaign_id = $1 AND l.kind = $2 AND e.unit_id = $3`, c.ID, string(kind.other()), u.ID).Scan(&n); err != nil {
		return fmt.Errorf("campaign: check other list: %w", err)
	}
	if n > 0 {
		return errs.Field(field+".unit_id", fmt.Sprintf("%s已在%s中,不能同时列入%s", u.Name, kind.other().Label(), kind.Label()))
	}
	return nil
}

func insertEntry(ctx context.Context, tx *sql.Tx, listID int64, e Entry) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_list_entries (list_id, unit_id, reason) VALUES ($1, $2, $3)`, listID, e.UnitID, e.Reason); err != nil {
		return fmt.Errorf("campaign: insert entry of list %d: %w", listID, err)
	}
	return nil
}

// SaveList replaces a campaign's list of the kind with entries (typically Suggest's proposal as
// the office edited it). Each unit may appear once.
func (s *Store) SaveList(ctx context.Context, p org.Principal, campaignID int64, kind ListKind, entries []Entry) (List, error) {
	return s.editList(ctx, p, campaignID, kind, "save", func(tx *sql.Tx, c Campaign, l *List) error {
		seen := map[int64]bool{}
		for i := range entries {
			f := fmt.Sprintf("entries[%d]", i)
			if err := checkEntry(ctx, tx, p, c, kind, f, &entries[i]); err != nil {
				return err
			}
			if seen[entries[i].UnitID] {
				return errs.Field(f+".unit_id", entries[i].UnitName+"在名单中重复出现")
			}
			seen[entries[i].UnitID] = true
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_list_entries WHERE list_id = $1`, l.ID); err != nil {
			return fmt.Errorf("campaign: clear list %d: %w", l.ID, err)
		}
		for _, e := range entries {
			if err := insertEntry(ctx, tx, l.ID, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddEntry puts one unit on the list.
func (s *Store) AddEntry(ctx context.Context, p org.Principal, campaignID int64, kind ListKind, e Entry) (List, error) {
	return s.editList(ctx, p, campaignID, kind, "add_entry", func(tx *sql.Tx, c Campaign, l *List) error {
		if err := checkEntry(ctx, tx, p, c, kind, "entry", &e); err != nil {
			return err
		}
		for _, x := range l.Entries {
			if x.UnitID == e.UnitID {
				return errs.Field("entry.unit_id", e.UnitName+"已在"+kind.Label()+"中")
			}
		}
		return insertEntry(ctx, tx, l.ID, e)
	})
}

// RemoveEntry takes a unit off the list.
func (s *Store) RemoveEntry(ctx context.Context, p org.Principal, campaignID int64, kind ListKind, unitID int64) (List, error) {
	return s.editList(ctx, p, campaignID, kind, "remove_entry", func(tx *sql.Tx, c Campaign, l *List) error {
		return changeEntry(ctx, tx, p, l, unitID, `DELETE FROM campaign_list_entries WHERE list_id = $1 AND unit_id = $2`)
	})
}

// SetReason changes the reason given for a unit on the list.
func (s *Store) SetReason(ctx context.Context, p org.Principal, campaignID int64, kind ListKind, unitID int64, reason string) (List, error) {
	return s.editList(ctx, p, campaignID, kind, "set_reason", func(tx *sql.Tx, c Campaign, l *List) error {
		reason = strings.TrimSpace(reason)
		if err := checkBody("reason", "理由", reason, true, 1000); err != nil {
			return err
		}
		return changeEntry(ctx, tx, p, l, unitID, `UPDATE campaign_list_entries SET reason = $3 WHERE list_id = $1 AND unit_id = $2`, reason)
	})
}

// changeEntry runs an update or delete of one entry of a unit in the caller's scope.
func changeEntry(ctx context.Context, tx *sql.Tx, p org.Principal, l *List, unitID int64, query string, args ...any) error {
	if _, err := checkUnit(ctx, tx, p, "unit_id", unitID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, query, append([]any{l.ID, unitID}, args...)...)
	if err != nil {
		return fmt.Errorf("campaign: change entry of list %d: %w", l.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("campaign: change entry of list %d: %w", l.ID, err)
	}
	if n == 0 {
		return errs.E(errs.NotFound, "该单位不在"+l.Kind.Label()+"中")
	}
	return nil
}
