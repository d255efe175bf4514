// Package notify tells people what the platform needs of them, without becoming the formalism
// the campaign fights.
//
// Events become in-app notifications (Notify), at most one per event: the event's key is unique,
// so a retried transaction or a job running on two instances cannot notify twice. Nobody is
// pushed a message per event; instead RunDigest sends each person one daily digest of what they
// have not read yet, and only inside working hours of a working day (calendar.IsWorkingTime), so
// no reminder ever arrives in the evening, at the weekend or on a holiday. Digests and unit
// reminders can be posted to the group-chat robots the bureau already uses (DingTalk, WeCom,
// Feishu; see Deliver and the channel functions).
package notify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Limits on stored text, in characters. Longer titles and bodies are cut rather than refused:
// Notify runs inside the caller's business transaction, which a long reminder text must not fail.
const (
	MaxTitle = 200
	MaxBody  = 2000
	MaxKey   = 200
	MaxLink  = 1000
)

// Notification is one in-app notification of one person.
type Notification struct {
	ID         int64      `json:"id"`
	PersonID   int64      `json:"person_id"`
	Key        string     `json:"key"`
	Kind       string     `json:"kind"`
	Title      string     `json:"title"`
	Body       string     `json:"body"`
	Link       string     `json:"link"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at,omitempty"`
	DigestedAt *time.Time `json:"digested_at,omitempty"`
}

// Notify records a notification for a person about the event named by key (for example
// "ledger:12:step:1"). A second call with the same person and key does nothing, so callers may
// notify from inside their own transaction (q) and from retried jobs without telling anyone
// twice; one key may reach several people (every liaison of a unit), each once. The kind
// is the key's prefix before the first colon. link, if given, must be a path on this site
// ("/ledger/12"), never an absolute URL, so a notification cannot send people elsewhere.
func Notify(ctx context.Context, q store.Querier, personID int64, key, title, body, link string) error {
	key = strings.TrimSpace(key)
	title = clip(strings.TrimSpace(title), MaxTitle)
	body = clip(strings.TrimSpace(body), MaxBody)
	link = strings.TrimSpace(link)
	switch {
	case personID <= 0:
		return errs.Field("person_id", "接收人无效")
	case key == "" || utf8.RuneCountInString(key) > MaxKey || !utf8.ValidString(key):
		return errs.Field("key", fmt.Sprintf("事件标识不能为空且不超过 %d 个字符", MaxKey))
	case title == "":
		return errs.Field("title", "通知标题不能为空")
	}
	if err := checkLink(link); err != nil {
		return err
	}
	kind, _, _ := strings.Cut(key, ":")
	_, err := q.ExecContext(ctx, `INSERT INTO notifications (person_id, key, kind, title, body, link, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, key) DO NOTHING`,
		personID, key, kind, title, body, link, store.Now())
	if store.IsForeignKey(err) {
		return errs.Field("person_id", "接收人不存在")
	}
	if err != nil {
		return fmt.Errorf("notify: insert %s: %w", key, err)
	}
	return nil
}

// Notifier makes Notify a method, for packages that take a notifier as an interface (such as
// rectify.Notifier) so that their tests can record calls instead.
type Notifier struct{}

// Notify calls the package's Notify.
func (Notifier) Notify(ctx context.Context, q store.Querier, personID int64, key, title, body, link string) error {
	return Notify(ctx, q, personID, key, title, body, link)
}

// checkLink accepts "" or a site-relative path. "//host/x" and "/\host" are refused because
// browsers treat them as links to another host.
func checkLink(link string) error {
	if link == "" {
		return nil
	}
	bad := !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.HasPrefix(link, `/\`) ||
		utf8.RuneCountInString(link) > MaxLink || strings.IndexFunc(link, unicode.IsControl) >= 0 ||
		strings.ContainsAny(link, " \\")
	if bad {
		return errs.Field("link", "链接应为本站内以 / 开头的路径")
	}
	return nil
}

// clip cuts s to max characters, marking the cut with an ellipsis.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

const cols = `id, person_id, key, kind, title, body, link, created_at, read_at, digested_at`

func scan(s interface{ Scan(...any) error }) (Notification, error) {
	var n Notification
	var read, digested sql.NullTime
	if err := s.Scan(&n.ID, &n.PersonID, &n.Key, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &read, &digested); err != nil {
		return n, err
	}
	n.CreatedAt = n.CreatedAt.UTC()
	if read.Valid {
		t := read.Time.UTC()
		n.ReadAt = &t
	}
	if digested.Valid {
		t := digested.Time.UTC()
		n.DigestedAt = &t
	}
	return n, nil
}

// List returns a person's notifications, newest first, and how many there are in all (of the
// unread ones only, with unreadOnly). Callers pass the person of the logged-in user, so nobody
// can list another's notifications.
func List(ctx context.Context, q store.Querier, personID int64, unreadOnly bool, page org.Page) ([]Notification, int, error) {
	var w store.Where
	w.Add("person_id = ?", personID)
	if unreadOnly {
		w.Add("read_at IS NULL")
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM notifications`+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("notify: count notifications: %w", err)
	}
	pg := page.Norm()
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM notifications`+w.String()+` ORDER BY id DESC`+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("notify: list notifications: %w", err)
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		n, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("notify: list notifications: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("notify: list notifications: %w", err)
	}
	return out, total, nil
}

// Unread counts a person's unread notifications (the badge in the page header).
func Unread(ctx context.Context, q store.Querier, personID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL`, personID).Scan(&n); err != nil {
		return 0, fmt.Errorf("notify: count unread: %w", err)
	}
	return n, nil
}

// markChunk bounds the placeholders of one UPDATE; SQLite allows 32766, but lists from a page
// are far smaller and chunks keep every statement cheap.
const markChunk = 500

// MarkRead marks the given notifications of a person read and returns how many changed. Ids of
// other people's notifications (or unknown ids) are ignored without saying so, so that the call
// reveals nothing about them; ids already read keep their first read time.
func MarkRead(ctx context.Context, q store.Querier, personID int64, ids []int64) (int, error) {
	now := store.Now()
	total := 0
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), markChunk)]
		ids = ids[len(chunk):]
		args := []any{now, personID}
		ph := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			ph[i] = fmt.Sprintf("$%d", i+3)
		}
		res, err := q.ExecContext(ctx, `UPDATE notifications SET read_at = $1
			WHERE person_id = $2 AND read_at IS NULL AND id IN (`+strings.Join(ph, ",")+`)`, args...)
		if err != nil {
			return total, fmt.Errorf("notify: mark read: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("notify: mark read: %w", err)
		}
		total += int(n)
	}
	return total, nil
}

// MarkAllRead marks every unread notification of a person read and returns how many changed.
func MarkAllRead(ctx context.Context, q store.Querier, personID int64) (int, error) {
	res, err := q.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL`, store.Now(), personID)
	if err != nil {
		return 0, fmt.Errorf("notify: mark all read: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("notify: mark all read: %w", err)
	}
	return int(n), nil
}
