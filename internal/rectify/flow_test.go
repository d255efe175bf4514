package rectify_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it, err := rectify.Create(e.ctx, db, e.user["liaisonA"], e.input("ST-A", "PA2"))
		must(t, err)
		if it.Number != "ZG-2026-0001" || it.Status != rectify.Pending || it.UnitName != "甲街消防救援站" || it.ResponsibleCode != "PA2" {
			t.Fatalf("created %+v", it)
		}
		it2, err := rectify.Create(e.ctx, db, e.user["office"], e.input("BRIG-B", "PB1"))
		must(t, err)
		if it2.Number != "ZG-2026-0002" {
			t.Fatalf("second number %s, want ZG-2026-0002", it2.Number)
		}
		if a := e.lastAudit(t); a.Action != "create" || a.ObjectType != rectify.ObjectType {
			t.Fatalf("audit %s %s", a.Action, a.ObjectType)
		}
		d, err := rectify.Get(e.ctx, db, e.user["liaisonA"], it.ID)
		must(t, err)
		if len(d.History) != 1 || d.History[0].Action != "create" || d.History[0].To != rectify.Pending {
			t.Fatalf("history %+v", d.History)
		}

		cases := []struct {
			name string
			p    string
			in   func(*rectify.Input)
			want want
		}{
			{"staff may not record", "staff", nil, forbidden},
			{"a reviewer may not record", "reviewer", nil, forbidden},
			{"no title", "admin", func(in *rectify.Input) { in.Title = " " }, invalid("title")},
			{"a title with a line break", "admin", func(in *rectify.Input) { in.Title = "a\nb" }, invalid("title")},
			{"unknown source", "admin", func(in *rectify.Input) { in.Source = "gossip" }, invalid("source")},
			{"no unit", "admin", func(in *rectify.Input) { in.UnitID = 0 }, invalid("unit_id")},
			{"unit outside scope", "liaisonA", func(in *rectify.Input) { in.UnitID = e.unit["BRIG-B"].ID; in.ResponsiblePersonID = e.person["PB1"].ID }, invalid("unit_id")},
			{"person outside the unit", "admin", func(in *rectify.Input) { in.ResponsiblePersonID = e.person["PB1"].ID }, invalid("responsible_person_id")},
			{"person above the unit", "admin", func(in *rectify.Input) { in.ResponsiblePersonID = e.person["P-BRIG-A"].ID }, invalid("responsible_person_id")},
			{"person who left", "admin", func(in *rectify.Input) { in.UnitID = e.unit["BRIG-A"].ID; in.ResponsiblePersonID = e.person["GONE"].ID }, invalid("responsible_person_id")},
			{"lead unit not a department", "admin", func(in *rectify.Input) { in.LeadUnitID = e.unit["DET-A"].ID }, invalid("lead_unit_id")},
			{"no deadline", "admin", func(in *rectify.Input) { in.DeadlineWorkdays = 0 }, invalid("deadline")},
			{"both deadlines", "admin", func(in *rectify.Input) { in.Deadline = date(2026, 12, 1) }, invalid("deadline")},
			{"too many working days", "admin", func(in *rectify.Input) { in.DeadlineWorkdays = 400 }, invalid("deadline_workdays")},
			{"a deadline in the past", "admin", func(in *rectify.Input) { in.DeadlineWorkdays = 0; in.Deadline = date(2026, 9, 27) }, invalid("deadline")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := e.input("ST-A", "PA2")
				if c.in != nil {
					c.in(&in)
				}
				e.refused(t, c.want, func() error { _, err := rectify.Create(e.ctx, db, e.user[c.p], in); return err })
			})
		}
		t.Run("lead department from outside the scope", func(t *testing.T) {
			in := e.input("ST-A", "PA2")
			in.LeadUnitID = e.unit["ICT"].ID
			it, err := rectify.Create(e.ctx, db, e.user["liaisonA"], in)
			check(t, err, pass)
			if it.LeadUnitName != "信息通信处" {
				t.Fatalf("lead unit %q", it.LeadUnitName)
			}
		})
	})
}

// TestDeadline checks working-day arithmetic across 国庆 2026: 10-01..10-07 are holidays and
// Saturday 10-10 is worked.
func TestDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		setClock(t, shanghai(2026, 9, 30))
		cases := []struct {
			name     string
			workdays int
			date     time.Time
			want     time.Time
			w        want
		}{
			{"1 working day skips the holiday", 1, time.Time{}, date(2026, 10, 8), pass},
			{"3 working days end on the worked Saturday", 3, time.Time{}, date(2026, 10, 10), pass},
			{"4 working days skip Sunday", 4, time.Time{}, date(2026, 10, 12), pass},
			{"5 working days", 5, time.Time{}, date(2026, 10, 13), pass},
			{"a date today", 0, date(2026, 9, 30), date(2026, 9, 30), pass},
			{"a date in the holiday", 0, date(2026, 10, 3), date(2026, 10, 3), pass},
			{"a date yesterday", 0, date(2026, 9, 29), time.Time{}, invalid("deadline")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := e.input("BRIG-A", "PA1")
				in.DeadlineWorkdays, in.Deadline = c.workdays, c.date
				if !c.w.ok {
					e.refused(t, c.w, func() error { _, err := rectify.Create(e.ctx, db, e.user["admin"], in); return err })
					return
				}
				it, err := rectify.Create(e.ctx, db, e.user["admin"], in)
				check(t, err, c.w)
				if !it.Deadline.Equal(c.want) {
					t.Fatalf("deadline %s, want %s", it.Deadline.Format(time.DateOnly), c.want.Format(time.DateOnly))
				}
				if it.Overdue {
					t.Fatal("a new item is overdue")
				}
			})
		}
		t.Run("overdue is derived from today", func(t *testing.T) {
			in := e.input("BRIG-A", "PA1")
			in.DeadlineWorkdays = 1
			it, err := rectify.Create(e.ctx, db, e.user["admin"], in)
			must(t, err)
			setClock(t, shanghai(2026, 10, 9))
			d, err := rectify.Get(e.ctx, db, e.user["admin"], it.ID)
			must(t, err)
			if !d.Overdue || d.StatusLabel() != "待整改(逾期)" {
				t.Fatalf("on 10-09 an item due 10-08 is overdue=%v %q", d.Overdue, d.StatusLabel())
			}
		})
	})
}

// TestStatusMachine tries every action from every status.
func TestStatusMachine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		type act struct {
			name string
			call func(p org.Principal, id int64) (rectify.Item, error)
		}
		acts := map[rectify.Action]act{
			rectify.ActStart: {"start", func(p org.Principal, id int64) (rectify.Item, error) {
				return rectify.Start(e.ctx, db, p, id, "")
			}},
			rectify.ActSubmit: {"submit", func(p org.Principal, id int64) (rectify.Item, error) {
				return rectify.Submit(e.ctx, db, p, id, "已完成整改")
			}},
			rectify.ActVerify: {"verify", func(p org.Principal, id int64) (rectify.Item, error) {
				return rectify.Verify(e.ctx, db, p, id, "")
			}},
			rectify.ActReject: {"reject", func(p org.Principal, id int64) (rectify.Item, error) {
				return rectify.Reject(e.ctx, db, p, id, "证明材料不足")
			}},
		}
		allowed := map[rectify.Status]map[rectify.Action]rectify.Status{
			rectify.Pending:    {rectify.ActStart: rectify.InProgress},
			rectify.InProgress: {rectify.ActSubmit: rectify.Review},
			rectify.Review:     {rectify.ActVerify: rectify.Closed, rectify.ActReject: rectify.InProgress},
			rectify.Closed:     {},
		}
		for _, from := range rectify.Statuses {
			for _, a := range []rectify.Action{rectify.ActStart, rectify.ActSubmit, rectify.ActVerify, rectify.ActReject} {
				to, ok := allowed[from][a]
				t.Run(string(from)+"/"+string(a), func(t *testing.T) {
					it := e.item(t, "BRIG-A", "PA1", from)
					// office2 acts: it did not submit, so four eyes never gets in the way here.
					p := e.user["office2"]
					if !ok {
						e.refused(t, conflict, func() error { _, err := acts[a].call(p, it.ID); return err })
						return
					}
					before := e.count(t, `SELECT count(*) FROM ledger_history WHERE item_id = $1`, it.ID)
					got, err := acts[a].call(p, it.ID)
					check(t, err, pass)
					if got.Status != to {
						t.Fatalf("%s from %s reached %s, want %s", a, from, got.Status, to)
					}
					d, err := rectify.Get(e.ctx, db, p, it.ID)
					must(t, err)
					if len(d.History) != before+1 {
						t.Fatalf("history grew from %d to %d", before, len(d.History))
					}
					h := d.History[len(d.History)-1]
					if h.Action != string(a) || h.From != from || h.To != to || h.Actor != p.Name {
						t.Fatalf("history row %+v", h)
					}
					if au := e.lastAudit(t); au.Action != string(a) || au.ActorID != p.UserID {
						t.Fatalf("audit %s by %d", au.Action, au.ActorID)
					}
					switch a {
					case rectify.ActSubmit:
						if got.FixedByID != p.UserID || got.Completion != "已完成整改" {
							t.Fatalf("submit recorded fixed_by %d completion %q", got.FixedByID, got.Completion)
						}
					case rectify.ActVerify:
						if got.VerifiedByID != p.UserID || got.ClosedAt == nil {
							t.Fatalf("verify recorded verified_by %d closed_at %v", got.VerifiedByID, got.ClosedAt)
						}
					case rectify.ActReject:
						if got.RejectionReason != "证明材料不足" {
							t.Fatalf("rejection reason %q", got.RejectionReason)
						}
					}
				})
			}
		}
		t.Run("roles", func(t *testing.T) {
			it := e.item(t, "BRIG-A", "PA1", rectify.Review)
			for _, name := range []string{"liaisonA", "support", "staff", "reviewer"} {
				t.Run(name+" may not verify", func(t *testing.T) {
					e.refused(t, forbidden, func() error { _, err := rectify.Verify(e.ctx, db, e.user[name], it.ID, ""); return err })
				})
			}
			pend := e.item(t, "BRIG-A", "PA1", rectify.Pending)
			e.refused(t, forbidden, func() error { _, err := rectify.Start(e.ctx, db, e.user["support"], pend.ID, ""); return err })
		})
		t.Run("progress", func(t *testing.T) {
			it := e.item(t, "BRIG-A", "PA1", rectify.InProgress)
			got, err := rectify.UpdateProgress(e.ctx, db, e.user["liaisonA"], it.ID, "已合并 2 个群")
			check(t, err, pass)
			if got.Progress != "已合并 2 个群" {
				t.Fatalf("progress %q", got.Progress)
			}
			rev := e.item(t, "BRIG-A", "PA1", rectify.Review)
			e.refused(t, conflict, func() error { _, err := rectify.UpdateProgress(e.ctx, db, e.user["liaisonA"], rev.ID, "x"); return err })
			e.refused(t, invalid("progress"), func() error { _, err := rectify.UpdateProgress(e.ctx, db, e.user["liaisonA"], it.ID, " "); return err })
		})
		t.Run("submit needs a completion note", func(t *testing.T) {
			it := e.item(t, "BRIG-A", "PA1", rectify.InProgress)
			e.refused(t, invalid("completion"), func() error { _, err := rectify.Submit(e.ctx, db, e.user["liaisonA"], it.ID, ""); return err })
		})
	})
}

func TestFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it := e.item(t, "BRIG-A", "PA1", rectify.InProgress)
		_, err := rectify.Submit(e.ctx, db, e.user["office"], it.ID, "已完成")
		must(t, err)
		e.refused(t, forbidden, func() error { _, err := rectify.Verify(e.ctx, db, e.user["office"], it.ID, ""); return err })
		_, err = rectify.Verify(e.ctx, db, e.user["office"], it.ID, "")
		if e, _ := errsAs(err); !strings.Contains(e, "双人复核") {
			t.Fatalf("four-eyes refusal %q does not name the rule", e)
		}
		got, err := rectify.Verify(e.ctx, db, e.user["office2"], it.ID, "核实无误")
		check(t, err, pass)
		if got.Status != rectify.Closed || got.FixedBy != "用户office" || got.VerifiedBy != "用户office2" {
			t.Fatalf("closed item %+v", got)
		}
		t.Run("a rejected and resubmitted item is verified against its new submitter", func(t *testing.T) {
			it := e.item(t, "BRIG-A", "PA1", rectify.Review) // submitted by office
			_, err := rectify.Reject(e.ctx, db, e.user["lead"], it.ID, "材料不全")
			must(t, err)
			_, err = rectify.Submit(e.ctx, db, e.user["liaisonA"], it.ID, "已补充材料")
			must(t, err)
			_, err = rectify.Verify(e.ctx, db, e.user["office"], it.ID, "")
			check(t, err, pass)
		})
	})
}

func errsAs(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	return err.Error(), true
}

func TestReject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it := e.item(t, "BRIG-A", "PA1", rectify.Review)
		for _, reason := range []string{"", " ", "差"} {
			t.Run("reason "+reason, func(t *testing.T) {
				e.refused(t, invalid("reason"), func() error { _, err := rectify.Reject(e.ctx, db, e.user["lead"], it.ID, reason); return err })
			})
		}
		got, err := rectify.Reject(e.ctx, db, e.user["lead"], it.ID, "未见整改证明材料")
		check(t, err, pass)
		if got.Status != rectify.InProgress || got.RejectionReason != "未见整改证明材料" {
			t.Fatalf("rejected item %+v", got)
		}
		d, err := rectify.Get(e.ctx, db, e.user["liaisonA"], it.ID)
		must(t, err)
		if h := d.History[len(d.History)-1]; h.Action != "reject" || h.Reason != "未见整改证明材料" {
			t.Fatalf("history %+v", h)
		}
	})
}

func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.item(t, "ST-A", "PA2", rectify.Pending)
		b := e.item(t, "BRIG-B", "PB1", rectify.InProgress)
		other := e.user["liaisonB"]
		calls := map[string]func() error{
			"get":      func() error { _, err := rectify.Get(e.ctx, db, other, a.ID); return err },
			"start":    func() error { _, err := rectify.Start(e.ctx, db, other, a.ID, ""); return err },
			"progress": func() error { _, err := rectify.UpdateProgress(e.ctx, db, other, a.ID, "进展"); return err },
			"comment":  func() error { _, err := rectify.AddComment(e.ctx, db, other, a.ID, "评论"); return err },
			"attach":   func() error { _, err := rectify.Attach(e.ctx, db, other, a.ID, "a.png", pngBytes()); return err },
			"verify by a lead of another unit": func() error {
				_, err := rectify.Verify(e.ctx, db, e.user["leadB"], a.ID, "")
				return err
			},
			"accountability by a lead of another unit": func() error {
				_, err := rectify.AddAccountability(e.ctx, db, e.user["leadB"], a.ID, rectify.AccountabilityInput{Kind: rectify.KindTalk, Note: "约谈"})
				return err
			},
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) { e.refused(t, notFound, call) })
		}
		t.Run("lists and board", func(t *testing.T) {
			list, total, err := rectify.List(e.ctx, db, other, rectify.Filter{})
			must(t, err)
			if total != 1 || len(list) != 1 || list[0].ID != b.ID {
				t.Fatalf("liaisonB lists %d items (total %d)", len(list), total)
			}
			board, err := rectify.Board(e.ctx, db, other)
			must(t, err)
			if len(board) != 1 || board[0].UnitID != e.unit["BRIG-B"].ID || board[0].Counts[rectify.InProgress] != 1 {
				t.Fatalf("liaisonB board %+v", board)
			}
			if _, _, err := rectify.List(e.ctx, db, other, rectify.Filter{UnitID: e.unit["BRIG-A"].ID}); err == nil {
				t.Fatal("liaisonB filtered by another unit")
			}
			list, _, err = rectify.List(e.ctx, db, e.user["liaisonA"], rectify.Filter{})
			must(t, err)
			if len(list) != 1 || list[0].ID != a.ID {
				t.Fatalf("liaisonA sees %d items, want the one in its subtree", len(list))
			}
			list, _, err = rectify.List(e.ctx, db, e.user["office"], rectify.Filter{})
			must(t, err)
			if len(list) != 2 {
				t.Fatalf("the office sees %d items, want 2", len(list))
			}
		})
	})
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		setClock(t, shanghai(2026, 9, 28))
		mk := func(unit, person string, src rectify.Source, title string, deadline time.Time) rectify.Item {
			in := e.input(unit, person)
			in.Source, in.Title, in.DeadlineWorkdays, in.Deadline = src, title, 0, deadline
			it, err := rectify.Create(e.ctx, db, e.user["admin"], in)
			must(t, err)
			return it
		}
		late := mk("BRIG-A", "PA1", rectify.SourceInspection, "检查发现打卡要求", date(2026, 9, 29))
		soon := mk("ST-A", "PA2", rectify.SourceReport, "群众举报群消息过多", date(2026, 10, 9)) // 3rd working day after 10-06
		far := mk("BRIG-B", "PB1", rectify.SourceSelfCheck, "自查重复填报", date(2026, 11, 30))
		done := e.item(t, "BRIG-B", "PB1", rectify.Closed)
		// Move to 10-06 (a holiday): 10-09 is then within 5 working days, 09-29 has passed.
		setClock(t, shanghai(2026, 10, 6))
		ids := func(list []rectify.Item) []int64 {
			out := []int64{}
			for _, x := range list {
				out = append(out, x.ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    rectify.Filter
			want []int64
		}{
			{"all, closed last", rectify.Filter{}, []int64{late.ID, soon.ID, far.ID, done.ID}},
			{"overdue", rectify.Filter{Overdue: true}, []int64{late.ID}},
			{"due this week", rectify.Filter{DueThisWeek: true}, []int64{soon.ID}},
			{"source", rectify.Filter{Source: rectify.SourceReport}, []int64{soon.ID}},
			{"status", rectify.Filter{Status: rectify.Closed}, []int64{done.ID}},
			{"unit subtree", rectify.Filter{UnitID: e.unit["DET-A"].ID}, []int64{late.ID, soon.ID}},
			{"text in title", rectify.Filter{Q: "举报"}, []int64{soon.ID}},
			{"number", rectify.Filter{Q: far.Number}, []int64{far.ID}},
			{"like metacharacters are literal", rectify.Filter{Q: "%"}, []int64{}},
			{"paging", rectify.Filter{Page: org.Page{Limit: 2, Offset: 1}}, []int64{soon.ID, far.ID}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				list, total, err := rectify.List(e.ctx, db, e.user["office"], c.f)
				must(t, err)
				got := ids(list)
				if len(got) != len(c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("got %v, want %v", got, c.want)
					}
				}
				if c.f.Page.Limit == 0 && total != len(c.want) {
					t.Fatalf("total %d, want %d", total, len(c.want))
				}
			})
		}
		board, err := rectify.Board(e.ctx, db, e.user["office"])
		must(t, err)
		byUnit := map[string]rectify.BoardRow{}
		for _, r := range board {
			byUnit[r.UnitCode] = r
		}
		if r := byUnit["BRIG-A"]; r.Total != 1 || r.Overdue != 1 || r.Counts[rectify.Pending] != 1 {
			t.Fatalf("BRIG-A board %+v", r)
		}
		if r := byUnit["BRIG-B"]; r.Total != 2 || r.Overdue != 0 || r.Counts[rectify.Closed] != 1 || r.Counts[rectify.Pending] != 1 {
			t.Fatalf("BRIG-B board %+v", r)
		}
	})
}

// TestNumbers creates items from several goroutines at once: every number is handed out once,
// without gaps.
func TestNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 8
		var wg sync.WaitGroup
		numbers := make([]string, n)
		errors := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				it, err := rectify.Create(e.ctx, db, e.user["admin"], e.input("BRIG-A", "PA1"))
				numbers[i], errors[i] = it.Number, err
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range numbers {
			must(t, errors[i])
			seen[numbers[i]] = true
		}
		for i := 1; i <= n; i++ {
			if !seen[fmt.Sprintf("ZG-2026-%04d", i)] {
				t.Fatalf("numbers %v miss ZG-2026-%04d", numbers, i)
			}
		}
	})
}
