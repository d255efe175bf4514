package campaign

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// State is where a unit stands with a task on the board.
type State string

// The states of a board row.
const (
	Submitted State = "submitted" // 已报送 (on time)
	Late      State = "late"      // 逾期报送: first submitted after the due date
	Missing   State = "missing"   // 未报送 and the due date has passed
	Pending   State = "pending"   // 待报送: not yet submitted, not yet due
)

var stateLabels = map[State]string{Submitted: "已报送", Late: "逾期报送", Missing: "逾期未报", Pending: "待报送"}

// Label is the state's Chinese name.
func (s State) Label() string { return stateLabels[s] }

// Row is one owing unit's standing with one task.
type Row struct {
	UnitID   int64        `json:"unit_id"`
	UnitCode string       `json:"unit_code"`
	UnitName string       `json:"unit_name"`
	UnitKind org.UnitKind `json:"unit_kind"`
	State    State        `json:"state"`
	// The latest submission (the one that counts) and who made it; zero when none.
	SubmissionID int64     `json:"submission_id,omitempty"`
	SubmittedAt  time.Time `json:"submitted_at,omitzero"`
	SubmittedBy  string    `json:"submitted_by,omitempty"`
	OnBehalf     bool      `json:"on_behalf,omitempty"`
	// FirstSubmittedAt decides lateness: a unit that met the deadline and later corrected its
	// report is not late, or the board would punish corrections.
	FirstSubmittedAt time.Time `json:"first_submitted_at,omitzero"`
	Versions         int       `json:"versions"` // how many times the unit submitted
}

// Counts sums a task's rows by state.
type Counts struct {
	Owing     int `json:"owing"`
	Submitted int `json:"submitted"`
	Late      int `json:"late"`
	Missing   int `json:"missing"`
	Pending   int `json:"pending"`
}

// TaskBoard is one task with the rows of the owing units in the caller's scope.
type TaskBoard struct {
	Task   Task   `json:"task"`
	Rows   []Row  `json:"rows"`
	Counts Counts `json:"counts"`
}

// ProgressBoard is a campaign's progress as of a moment.
type ProgressBoard struct {
	Campaign Campaign    `json:"campaign"`
	AsOf     time.Time   `json:"as_of"`
	Tasks    []TaskBoard `json:"tasks"`
}

// Board gives the progress board of a campaign as of asOf: for each task and each owing unit in
// the caller's scope (units of the task's kinds under the campaign's unit) whether it submitted
// on time, late, is missing (due date passed, nothing submitted) or pending, with counts per task.
// Submissions made after asOf are ignored, so a past date shows the board as it stood then.
// Dates are compared as calendar days in China: a report submitted at 23:00 on the due day is on
// time.
func Board(ctx context.Context, q store.Querier, p org.Principal, campaignID int64, asOf time.Time) (ProgressBoard, error) {
	c, err := getCampaign(ctx, q, p, campaignID)
	if err != nil {
		return ProgressBoard{}, err
	}
	b := ProgressBoard{Campaign: c, AsOf: asOf.UTC()}
	tasks, err := listTasks(ctx, q, campaignID)
	if err != nil {
		return b, err
	}
	units, err := campaignUnits(ctx, q, p, c)
	if err != nil {
		return b, err
	}
	subs, err := boardSubmissions(ctx, q, p, campaignID, asOf)
	if err != nil {
		return b, err
	}
	today := calendar.DateOf(asOf)
	for _, t := range tasks {
		tb := TaskBoard{Task: t, Rows: []Row{}}
		for _, u := range units {
			if !t.Owes(u.Kind) {
				continue
			}
			r := Row{UnitID: u.ID, UnitCode: u.Code, UnitName: u.Name, UnitKind: u.Kind}
			if s, ok := subs[key{t.ID, u.ID}]; ok {
				r.SubmissionID, r.SubmittedAt, r.SubmittedBy, r.OnBehalf = s.lastID, s.last, s.by, s.onBehalf
				r.FirstSubmittedAt, r.Versions = s.first, s.n
				r.State = Submitted
				if calendar.DateOf(s.first).After(t.Due) {
					r.State = Late
				}
			} else if today.After(t.Due) {
				r.State = Missing
			} else {
				r.State = Pending
			}
			tb.Counts.Owing++
			switch r.State {
			case Submitted:
				tb.Counts.Submitted++
			case Late:
				tb.Counts.Late++
			case Missing:
				tb.Counts.Missing++
			case Pending:
				tb.Counts.Pending++
			}
			tb.Rows = append(tb.Rows, r)
		}
		b.Tasks = append(b.Tasks, tb)
	}
	return b, nil
}

// campaignUnits lists the units under the campaign's unit that the caller may see, in tree order.
func campaignUnits(ctx context.Context, q store.Querier, p org.Principal, c Campaign) ([]org.Unit, error) {
	w := &store.Where{}
	w.Add(`path LIKE ? ESCAPE '\'`, store.Prefix(c.UnitPath))
	p.Scope.Filter(w, "path")
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, kind, path FROM units`+w.String()+` ORDER BY path`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: list units of campaign %d: %w", c.ID, err)
	}
	defer rows.Close()
	var out []org.Unit
	for rows.Next() {
		var u org.Unit
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.Path); err != nil {
			return nil, fmt.Errorf("campaign: list units of campaign %d: %w", c.ID, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list units of campaign %d: %w", c.ID, err)
	}
	sortTree(out)
	return out, nil
}

// sortTree orders units depth-first by their numeric path, which a text sort of paths does not
// ("/1/10/" sorts before "/1/2/"); the id order within a parent is the order they were created.
func sortTree(us []org.Unit) {
	split := func(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }
	less := func(a, b string) int {
		x, y := split(a), split(b)
		for i := 0; i < len(x) && i < len(y); i++ {
			if x[i] != y[i] {
				if len(x[i]) != len(y[i]) {
					return len(x[i]) - len(y[i])
				}
				return strings.Compare(x[i], y[i])
			}
		}
		return len(x) - len(y)
	}
	slices.SortFunc(us, func(a, b org.Unit) int { return less(a.Path, b.Path) })
}

type key struct{ task, unit int64 }

type agg struct {
	first, last time.Time
	lastID      int64
	by          string
	onBehalf    bool
	n           int
}

// boardSubmissions folds a campaign's submissions up to asOf per task and unit. The time filter
// runs in Go: SQLite stores timestamps as text, whose order is not the time order across
// fractional-second widths.
func boardSubmissions(ctx context.Context, q store.Querier, p org.Principal, campaignID int64, asOf time.Time) (map[key]*agg, error) {
	w := &store.Where{}
	w.Add("t.campaign_id = ?", campaignID)
	p.Scope.Filter(w, "u.path")
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.task_id, s.unit_id, s.submitted_by, s.on_behalf, s.submitted_at
		FROM campaign_submissions s JOIN campaign_tasks t ON t.id = s.task_id JOIN units u ON u.id = s.unit_id`+w.String(), w.Args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: read submissions of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[key]*agg{}
	for rows.Next() {
		var id int64
		var k key
		var by string
		var onBehalf bool
		var at time.Time
		if err := rows.Scan(&id, &k.task, &k.unit, &by, &onBehalf, &at); err != nil {
			return nil, fmt.Errorf("campaign: read submissions of campaign %d: %w", campaignID, err)
		}
		at = at.UTC()
		if at.After(asOf) {
			continue
		}
		a := out[k]
		if a == nil {
			a = &agg{first: at}
			out[k] = a
		}
		a.n++
		if at.Before(a.first) {
			a.first = at
		}
		if a.lastID == 0 || at.After(a.last) || at.Equal(a.last) && id > a.lastID {
			a.last, a.lastID, a.by, a.onBehalf = at, id, by, onBehalf
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: read submissions of campaign %d: %w", campaignID, err)
	}
	return out, nil
}
