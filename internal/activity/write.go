package activity

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// ObjectType is what the audit log calls an ingested batch.
const ObjectType = "activity_batch"

var errAlready = errors.New("activity: batch already ingested")

// alreadyIngested reads the stored report of batch id, if there is one.
func alreadyIngested(ctx context.Context, db *store.DB, id string) (bool, *Report, error) {
	if id == "" {
		return false, nil, nil
	}
	var text string
	err := db.QueryRowContext(ctx, `SELECT report FROM ingest_batches WHERE id = $1`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("activity: look up batch %q: %w", id, err)
	}
	rep := &Report{}
	if err := json.Unmarshal([]byte(text), rep); err != nil {
		return false, nil, fmt.Errorf("activity: read batch %q: %w", id, err)
	}
	rep.AlreadyIngested = true
	return true, rep, nil
}

// write stores a batch in one transaction: its record first, so that a second instance ingesting
// the same batch at the same moment finds the id taken and rolls back, then the rollups.
func write(ctx context.Context, db *store.DB, dir *directory, a *agg, rep *Report, opt *Options) error {
	text, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("activity: encode report: %w", err)
	}
	persons, units, deliveries := a.expand(dir)
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var first, last any
		if rep.First != "" {
			first, last = rep.first.time(), rep.last.time()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO ingest_batches (id, source, received_at, actor_id, actor, rows_read, accepted,
			rejected, duplicates, unknown_senders, messages, app_days, account_days, first_day, last_day, report)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (id) DO NOTHING`,
			rep.BatchID, rep.Source, store.Now(), store.NullID(opt.Actor.UserID), opt.Actor.Name, rep.Rows, rep.Accepted, rep.Rejected,
			rep.Duplicates, rep.UnknownSenders, rep.Messages, rep.AppDays, rep.AccountDays, first, last, string(text))
		if err != nil {
			return fmt.Errorf("activity: record batch: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("activity: record batch: %w", err)
		} else if n == 0 {
			return errAlready
		}
		u := upserter{ctx: ctx, tx: tx, sqlite: db.Engine == store.SQLite}
		u.groupDays(dir, a.groups, deliveries)
		u.counterDays("act_person_days", "person_id", "received", persons, dir.personID)
		u.counterDays("act_unit_days", "unit_id", "received", units, dir.unitID)
		u.unitHours(dir, a.unitHours(dir))
		u.appDays(a.apps)
		u.accountDays(a.accounts)
		u.raw(dir, a.raw, rep.BatchID)
		if u.err != nil {
			return u.err
		}
		summary := map[string]any{"source": rep.Source, "rows": rep.Rows, "accepted": rep.Accepted, "rejected": rep.Rejected,
			"duplicates": rep.Duplicates, "messages": rep.Messages, "app_days": rep.AppDays, "account_days": rep.AccountDays,
			"first_day": rep.First, "last_day": rep.Last}
		return audit.Record(ctx, tx, audit.Actor{ID: opt.Actor.UserID, Name: opt.Actor.Name}, "ingest", ObjectType, rep.BatchID, nil, summary)
	})
}

// upserter writes rollup rows in multi-row statements and keeps the first error.
type upserter struct {
	ctx    context.Context
	tx     *sql.Tx
	sqlite bool
	err    error
}

// maxParams keeps a statement under SQLite's limit of 32766 parameters (PostgreSQL allows 65535).
const maxParams = 30000

// rows inserts rows into table; on a key conflict, set says what to do with each column (for
// example "messages = act_group_days.messages + excluded.messages").
func (u *upserter) rows(table string, cols []string, key string, set []string, rows [][]any) {
	if u.err != nil || len(rows) == 0 {
		return
	}
	per := maxParams / len(cols)
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, n*len(cols))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				// SQLite looks numbered parameters up in a list, which makes a statement with
				// thousands of them quadratic to prepare; anonymous ones are numbered as parsed.
				if u.sqlite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args)+j+1)
				}
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if key != "" {
			fmt.Fprintf(&b, " ON CONFLICT (%s) DO UPDATE SET %s", key, strings.Join(set, ", "))
		}
		if _, err := u.tx.ExecContext(u.ctx, b.String(), args...); err != nil {
			u.err = fmt.Errorf("activity: write %s: %w", table, err)
			return
		}
		rows = rows[n:]
	}
}

func additive(table string, cols []string) []string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
	}
	return set
}

func replace(cols []string) []string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = fmt.Sprintf("%s = excluded.%s", c, c)
	}
	return set
}

func (u *upserter) groupDays(dir *directory, groups map[groupDay]*groupAgg, deliveries map[groupDay][2]int64) {
	vals := append(append([]string{"messages"}, flagColumns...), "deliveries", "demand_deliveries")
	keys := sortedKeys(groups)
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		d := deliveries[k]
		r := append([]any{dir.groupID[k.g()], k.d().time()}, g.counters.values(nil)...)
		rows = append(rows, append(r, d[0], d[1]))
	}
	u.rows("act_group_days", append([]string{"group_id", "day"}, vals...), "day, group_id", additive("act_group_days", vals), rows)
}

func (u *upserter) counterDays(table, idCol, countCol string, m map[personDay]*counters, ids []int64) {
	vals := append([]string{countCol}, flagColumns...)
	keys := sortedKeys(m)
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		if m[k].Messages == 0 {
			continue // a person who only sent that day received nothing: no row
		}
		rows = append(rows, m[k].values([]any{ids[k.p()], k.d().time()}))
	}
	u.rows(table, append([]string{idCol, "day"}, vals...), idCol+", day", additive(table, vals), rows)
}

func (u *upserter) unitHours(dir *directory, hours map[personDay]*[24]int64) {
	cols := make([]string, 24)
	for h := range cols {
		cols[h] = fmt.Sprintf("h%02d", h)
	}
	keys := sortedKeys(hours)
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		r := make([]any, 0, 26)
		r = append(r, dir.unitID[k.p()], k.d().time())
		for _, n := range hours[k] {
			r = append(r, n)
		}
		rows = append(rows, r)
	}
	u.rows("act_unit_hours", append([]string{"unit_id", "day"}, cols...), "day, unit_id", additive("act_unit_hours", cols), rows)
}

// known turns "not reported" (-1) into NULL.
func known(n int64) any {
	if n < 0 {
		return nil
	}
	return n
}

func (u *upserter) appDays(m map[assetDay]appRec) {
	vals := []string{"active_users", "sessions", "checkins_required", "checkins_done", "forms_submitted"}
	keys := assetDays(m)
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		v := m[k].v
		rows = append(rows, []any{k.id, k.d.time(), known(v.ActiveUsers), known(v.Sessions), known(v.CheckinsRequired),
			known(v.CheckinsDone), known(v.FormsSubmitted)})
	}
	u.rows("act_app_days", append([]string{"app_id", "day"}, vals...), "app_id, day", replace(vals), rows)
}

func (u *upserter) accountDays(m map[assetDay]accountRec) {
	vals := []string{"posts", "reads", "followers", "comments", "comments_answered", "answer_minutes"}
	keys := assetDays(m)
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		v := m[k].v
		var minutes any
		if v.AnswerMinutes >= 0 {
			minutes = v.AnswerMinutes
		}
		rows = append(rows, []any{k.id, k.d.time(), known(v.Posts), known(v.Reads), known(v.Followers), known(v.Comments),
			known(v.CommentsAnswered), minutes})
	}
	u.rows("act_account_days", append([]string{"account_id", "day"}, vals...), "account_id, day", replace(vals), rows)
}

func (u *upserter) raw(dir *directory, msgs []rawMessage, batch string) {
	rows := make([][]any, 0, len(msgs))
	for _, m := range msgs {
		var sender, text any
		if m.sender >= 0 {
			sender = dir.personID[m.sender]
		}
		if m.text != "" {
			text = m.text
		}
		rows = append(rows, []any{batch, dir.groupID[m.group], sender, m.at.UTC(), dayOf(m.at).time(), string(m.kind), int(m.mask), m.after, text})
	}
	u.rows("act_messages", []string{"batch_id", "group_id", "sender_person_id", "sent_at", "day", "kind", "flags", "after_hours", "text"}, "", nil, rows)
}

// assetDays returns the keys of an app or account rollup by id, then day.
func assetDays[V any](m map[assetDay]V) []assetDay {
	keys := make([]assetDay, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b assetDay) int {
		if a.id != b.id {
			return cmp.Compare(a.id, b.id)
		}
		return cmp.Compare(a.d, b.d)
	})
	return keys
}
