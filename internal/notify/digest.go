package notify

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Digest is one person's daily reminder: the notifications they had neither read nor seen in an
// earlier digest.
type Digest struct {
	PersonID   int64
	PersonName string
	UnitID     int64     // the person's unit, so that a Sender can post to the unit's channels
	Day        time.Time // the working day in Shanghai, as midnight UTC
	Title      string
	Items      []Notification // oldest first
}

// DigestTitle is the title of a digest of n items.
func DigestTitle(n int) string { return fmt.Sprintf("减负平台每日提醒(%d 条)", n) }

// Markdown renders the digest's items for a chat robot; Deliver adds the title. Links are
// site-relative in the database, so baseURL (the address people open jianfu at, e.g.
// "https://jianfu.example.gov.cn") is put before them; with an empty baseURL they are left out.
func (d Digest) Markdown(baseURL string) string {
	var b strings.Builder
	if d.PersonName != "" {
		fmt.Fprintf(&b, "%s,您有以下待办事项:\n\n", d.PersonName)
	}
	base := strings.TrimRight(baseURL, "/")
	for i, n := range d.Items {
		fmt.Fprintf(&b, "%d. **%s**", i+1, n.Title)
		if n.Body != "" {
			fmt.Fprintf(&b, " %s", n.Body)
		}
		if base != "" && n.Link != "" {
			fmt.Fprintf(&b, " [查看](%s%s)", base, n.Link)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Sender delivers a digest: to a chat robot, by mail, or (in tests) into a slice. An error makes
// RunDigest release the claim, so the digest is tried again on the next run.
type Sender interface {
	Send(ctx context.Context, d Digest) error
}

// SenderFunc lets a plain function be a Sender.
type SenderFunc func(ctx context.Context, d Digest) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, d Digest) error { return f(ctx, d) }

// DigestResult says what one RunDigest did.
type DigestResult struct {
	Day         time.Time // the Shanghai date of now, as midnight UTC
	WorkingTime bool      // false: outside working hours, nothing was looked at
	Sent        int       // digests delivered
	Items       int       // notifications in them
	Failed      int       // digests whose delivery failed and will be retried
}

// RunDigest sends each person at most one digest per working day. Outside working time
// (cal.IsWorkingTime(now) false: before 08:30, at lunch, after 18:00, weekends, holidays) it
// does nothing, because a reminder after hours is exactly the burden the campaign removes;
// the notifications wait for the next working morning.
//
// Every person with unread, undigested notifications who has had no digest on now's Shanghai
// date is claimed by inserting (person, day) into notification_digests: the primary key lets
// only one of several instances running at once win, the others' inserts doing nothing. The
// winner marks the notifications digested in the same transaction, commits, and only then calls
// send, so no database lock is held during a slow webhook. When send fails the claim and the
// marks are undone, and a later run the same day tries again. A second run the same day finds
// every person claimed and sends nothing.
//
// Delivery errors do not stop the run; they are joined into the returned error.
func RunDigest(ctx context.Context, db *store.DB, now time.Time, cal *calendar.Calendar, send Sender) (DigestResult, error) {
	res := DigestResult{Day: calendar.DateOf(now), WorkingTime: cal.IsWorkingTime(now)}
	if !res.WorkingTime {
		return res, nil
	}
	if send == nil {
		return res, errors.New("notify: digest: no sender")
	}
	at := now.UTC().Truncate(time.Microsecond)
	people, err := pendingPeople(ctx, db, res.Day)
	if err != nil {
		return res, err
	}
	var failures []error
	for _, pid := range people {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("notify: digest: %w", err)
		}
		d, ok, err := claim(ctx, db, pid, res.Day, at)
		if err != nil {
			return res, err
		}
		if !ok {
			continue // another instance has it, or the person read everything meanwhile
		}
		if err := send.Send(ctx, d); err != nil {
			res.Failed++
			failures = append(failures, fmt.Errorf("notify: send digest to person %d: %w", pid, err))
			if uerr := release(ctx, db, d); uerr != nil {
				// The notifications stay marked digested: they were not delivered but remain
				// unread in the app, which is the lesser harm than sending them twice.
				failures = append(failures, uerr)
			}
			continue
		}
		res.Sent++
		res.Items += len(d.Items)
	}
	return res, errors.Join(failures...)
}

// pendingPeople lists the active people with something to digest and no digest on day yet.
// People who have left (已调离) are skipped: a reminder cannot reach them any more.
func pendingPeople(ctx context.Context, q store.Querier, day time.Time) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT n.person_id FROM notifications n
		JOIN people p ON p.id = n.person_id
		WHERE n.read_at IS NULL AND n.digested_at IS NULL AND p.status = 'active'
		  AND NOT EXISTS (SELECT 1 FROM notification_digests d WHERE d.person_id = n.person_id AND d.day = $1)
		ORDER BY n.person_id`, day)
	if err != nil {
		return nil, fmt.Errorf("notify: digest: list people: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("notify: digest: list people: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: digest: list people: %w", err)
	}
	return out, nil
}

// errNothing rolls back a claim that found nothing left to send.
var errNothing = errors.New("nothing to digest")

// claim takes the person's digest for day and marks its notifications digested. ok is false
// when someone else holds the claim or nothing is left.
func claim(ctx context.Context, db *store.DB, personID int64, day, at time.Time) (d Digest, ok bool, err error) {
	d = Digest{PersonID: personID, Day: day}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO notification_digests (person_id, day, items, sent_at)
			VALUES ($1, $2, 0, $3) ON CONFLICT (person_id, day) DO NOTHING`, personID, day, at)
		if err != nil {
			return fmt.Errorf("notify: claim digest of person %d: %w", personID, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("notify: claim digest of person %d: %w", personID, err)
		} else if n == 0 {
			return errNothing
		}
		// One statement both selects and marks, so an item is in exactly one digest even if
		// notifications arrive meanwhile (those wait for the next working day).
		rows, err := tx.QueryContext(ctx, `UPDATE notifications SET digested_at = $1
			WHERE person_id = $2 AND read_at IS NULL AND digested_at IS NULL RETURNING `+cols, at, personID)
		if err != nil {
			return fmt.Errorf("notify: mark digested for person %d: %w", personID, err)
		}
		for rows.Next() {
			n, err := scan(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("notify: mark digested for person %d: %w", personID, err)
			}
			d.Items = append(d.Items, n)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("notify: mark digested for person %d: %w", personID, err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("notify: mark digested for person %d: %w", personID, err)
		}
		if len(d.Items) == 0 {
			return errNothing
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notification_digests SET items = $1 WHERE person_id = $2 AND day = $3`,
			len(d.Items), personID, day); err != nil {
			return fmt.Errorf("notify: record digest of person %d: %w", personID, err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT name, unit_id FROM people WHERE id = $1`, personID).Scan(&d.PersonName, &d.UnitID); err != nil {
			return fmt.Errorf("notify: read person %d: %w", personID, err)
		}
		return nil
	})
	if errors.Is(err, errNothing) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	// RETURNING gives no order.
	slices.SortFunc(d.Items, func(a, b Notification) int { return cmp.Compare(a.ID, b.ID) })
	d.Title = DigestTitle(len(d.Items))
	return d, true, nil
}

// release undoes a claim whose delivery failed, so that a later run sends the digest.
func release(ctx context.Context, db *store.DB, d Digest) error {
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for _, n := range d.Items {
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET digested_at = NULL WHERE id = $1 AND person_id = $2`, n.ID, d.PersonID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM notification_digests WHERE person_id = $1 AND day = $2`, d.PersonID, d.Day)
		return err
	})
	if err != nil {
		return fmt.Errorf("notify: release digest of person %d: %w", d.PersonID, err)
	}
	return nil
}
