package demo

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// SupervisionDate is the day the demo's supervision is seen as of: the ledger's overdue count
// and the campaign board in SupervisionResult are as of this date. Every dated action of
// LoadSupervision falls before it.
var SupervisionDate = time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC)

// CampaignName is the name of the demo's campaign.
const CampaignName = "2026年整治“指尖上的形式主义”专项行动"

// PlanName is the name of the demo's spot-check plan.
const PlanName = "2026年第四季度政务新媒体双随机抽查"

// DrawSeed is the seed of the demo plan's draw for a build seed: announced beforehand, as a
// bureau would, so the draw is the same in every build.
func DrawSeed(seed int64) string { return fmt.Sprintf("2026Q4-政务新媒体抽查-%d", seed) }

// SupervisionResult counts what LoadSupervision wrote.
type SupervisionResult struct {
	Findings int                    // findings firing in the health check as of ReferenceDate
	Items    int                    // ledger items (整改台账)
	ByStatus map[rectify.Status]int // ledger items by status
	Overdue  int                    // not closed and past their deadline as of SupervisionDate
	Numbers  []string               // ledger numbers in the order the items were created

	CampaignID  int64
	Submissions int // campaign submissions (报送)
	Notes       int // 督导 notes

	PlanID, DrawID int64
	Targets        int // targets the draw picked
	Results        int // checklist results recorded
	Failed         int // of which 不符合

	// Logins are the inspectors added so that every target has two eligible inspectors, to
	// print with Result.Logins.
	Logins []Login
}

// The stream of the inspectors' names, apart from the bureau's own streams.
const streamSupervision uint64 = 0x6a66_7375_7076 // "jfsupv"

// LoadSupervision adds supervision to a bureau built by Build and loaded by LoadActivity: a
// health check as of ReferenceDate and a rectification ledger made of its findings and of
// other sources, moved through its statuses by the demo's logins; the special campaign with its
// four phases, tasks, submissions and 督导 notes; and a spot-check plan of public accounts with
// a reproducible draw and some results. The story is dated between September and November 2026
// by setting the ledger's and the campaign's clocks (rectify.Clock, campaign.Store.Now), so the
// ledger, its history and the campaign board do not depend on the day the demo is built.
// Timestamps the packages take from the real clock (audit entries, the health-check run, the
// inspection plan, draw and results, the new users) are the build's.
func LoadSupervision(ctx context.Context, db *store.DB, opt Options) (*SupervisionResult, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM ledger_items) + (SELECT count(*) FROM campaigns)
		+ (SELECT count(*) FROM inspection_plans)`).Scan(&n); err != nil {
		return nil, fmt.Errorf("demo: count supervision: %w", err)
	}
	if n > 0 {
		return nil, errs.E(errs.Conflict, "数据库中已有整改台账、专项行动或检查计划,演示监督数据只能加载一次")
	}
	s, err := newSupervision(ctx, db, opt)
	if err != nil {
		return nil, err
	}
	// The ledger reads its clock from a package variable; the script moves it along the story
	// and it is restored however the load ends.
	saved := rectify.Clock
	defer func() { rectify.Clock = saved }()
	rectify.Clock = func() time.Time { return s.now }

	if err := s.addInspectors(); err != nil {
		return nil, err
	}
	run, err := analyze.Run(ctx, db, org.System, ReferenceDate)
	if err != nil {
		return nil, fmt.Errorf("demo: health check: %w", err)
	}
	s.res.Findings = run.Firing
	if err := s.planCampaign(); err != nil {
		return nil, err
	}
	if err := s.planLedger(); err != nil {
		return nil, err
	}
	if err := s.run(); err != nil {
		return nil, err
	}
	if err := s.spotCheck(); err != nil {
		return nil, err
	}
	if err := s.count(); err != nil {
		return nil, err
	}
	return s.res, nil
}

// supUnit is a unit as the supervision script needs it.
type supUnit struct {
	ID         int64
	Code, Name string
	Kind       org.UnitKind
	Path       string
}

// supervision is the state of one LoadSupervision.
type supervision struct {
	ctx context.Context
	db  *store.DB
	opt Options
	cal *calendar.Calendar
	cs  *campaign.Store
	now time.Time // the story's clock

	units       []supUnit // in build order
	byID        map[int64]supUnit
	root        supUnit
	detachments []supUnit
	brigades    []supUnit
	users       map[string]org.Principal
	userUnit    map[string]supUnit

	events []event
	res    *SupervisionResult

	campaignID       int64
	tasks            map[campaign.TaskKind]int64
	selfCheckProblem int64         // the first problem of the liaison's 自查报告, filed in the ledger
	items            []*ledgerItem // in creation order once run
}

// event is one step of the story at a moment.
type event struct {
	at  time.Time
	seq int // insertion order breaks ties
	do  func() error
}

func newSupervision(ctx context.Context, db *store.DB, opt Options) (*supervision, error) {
	cal, err := calendar.Load(ctx, db)
	if err != nil {
		return nil, err
	}
	s := &supervision{ctx: ctx, db: db, opt: opt, cal: cal, byID: map[int64]supUnit{}, users: map[string]org.Principal{},
		userUnit: map[string]supUnit{}, res: &SupervisionResult{ByStatus: map[rectify.Status]int{}}, tasks: map[campaign.TaskKind]int64{}}
	s.cs = &campaign.Store{DB: db, Now: func() time.Time { return s.now }}
	rows, err := db.QueryContext(ctx, `SELECT id, code, name, kind, path FROM units ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("demo: read units: %w", err)
	}
	for rows.Next() {
		var u supUnit
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.Path); err != nil {
			rows.Close()
			return nil, fmt.Errorf("demo: read units: %w", err)
		}
		s.units = append(s.units, u)
		s.byID[u.ID] = u
		switch u.Kind {
		case org.Corps:
			s.root = u
		case org.Detachment:
			s.detachments = append(s.detachments, u)
		case org.Brigade:
			s.brigades = append(s.brigades, u)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demo: read units: %w", err)
	}
	if s.root.ID == 0 || len(s.detachments) < 3 || len(s.brigades) < 4 {
		return nil, errs.E(errs.Conflict, "演示监督数据需要先用 jianfu demo 生成演示单位")
	}
	for _, l := range loginSpecs {
		if err := s.loadUser(l.Username); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *supervision) loadUser(name string) error {
	u, err := org.LoadUserByName(s.ctx, s.db, name)
	if err != nil {
		return fmt.Errorf("demo: read user %s: %w", name, err)
	}
	s.users[name] = u.Principal()
	s.userUnit[name] = s.byID[u.UnitID]
	return nil
}

// at is a moment of 2026 in Shanghai.
func at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, tz.Shanghai)
}

// workday returns the moment n working days after t (by the bureau's calendar) at hour:min.
func (s *supervision) workday(t time.Time, n, hour, min int) time.Time {
	d := s.cal.AddWorkdays(t, n)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, tz.Shanghai)
}

func (s *supervision) add(at time.Time, do func() error) {
	s.events = append(s.events, event{at: at, seq: len(s.events), do: do})
}

// run plays the story in time order, with the clocks at each step's moment.
func (s *supervision) run() error {
	sort.SliceStable(s.events, func(i, j int) bool { return s.events[i].at.Before(s.events[j].at) })
	for _, e := range s.events {
		if !e.at.Before(SupervisionDate) {
			return fmt.Errorf("demo: supervision step at %v is not before %v", e.at, SupervisionDate)
		}
		s.now = e.at
		if err := e.do(); err != nil {
			return err
		}
	}
	return nil
}

// person returns who answers for a problem of unit u: the head of the unit (its first person in
// post by 工号, as people are numbered leaders first), or of the nearest unit below it.
func (s *supervision) person(u supUnit) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(s.ctx, `SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id
		WHERE u.path LIKE $1 ESCAPE '\' AND p.status = $2 ORDER BY length(u.path), u.id, p.code LIMIT 1`,
		store.EscapeLike(u.Path)+"%", org.Active).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("demo: responsible person of %s: %w", u.Code, err)
	}
	return id, nil
}

// ---------------------------------------------------------------------------------------------
// Inspectors

// addInspectors creates inspector2…inspector4 in other 支队 than the demo's inspector (in the
// 总队's 队务处 when the preset has too few 支队), so that the draw has at least two inspectors
// free of conflicts for every target. They share the demo password, hashed once.
func (s *supervision) addInspectors() error {
	pw := s.opt.Password
	if pw == "" {
		pw = DefaultPassword
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("demo: hash password: %w", err)
	}
	own := s.userUnit["inspector"]
	var homes []supUnit
	for _, d := range s.detachments {
		if d.ID != own.ID {
			homes = append(homes, d)
		}
	}
	for _, u := range s.units {
		if u.Code == province.Code+"-DW" {
			homes = append(homes, u)
		}
	}
	if len(homes) < 3 {
		return errs.E(errs.Conflict, "演示单位不足,无法安排检查员")
	}
	// Spread over the 支队 list: the first, the last and one between.
	picks := []supUnit{homes[0], homes[len(homes)-2], homes[len(homes)-1]}
	if len(s.detachments) > 3 {
		picks = []supUnit{homes[0], homes[len(homes)/2], homes[len(homes)-2]}
	}
	var last string
	if err := s.db.QueryRowContext(s.ctx, `SELECT COALESCE(max(code), '') FROM people WHERE code LIKE $1`, province.CodePrefix+"%").Scan(&last); err != nil {
		return fmt.Errorf("demo: last 工号: %w", err)
	}
	next := 100001
	if len(last) == len(province.CodePrefix)+6 {
		fmt.Sscanf(last[len(province.CodePrefix):], "%d", &next)
		next++
	}
	r := rand.New(rand.NewPCG(uint64(s.opt.Seed), streamSupervision))
	nm := newNamer()
	for i, u := range picks {
		username := fmt.Sprintf("inspector%d", i+2)
		err := s.db.Tx(s.ctx, func(tx *sql.Tx) error {
			person, err := org.CreatePersonTx(s.ctx, tx, org.System, org.PersonInput{
				Code: fmt.Sprintf("%s%06d", province.CodePrefix, next+i), Name: nm.name(r, r.IntN(5) == 0), UnitID: u.ID, Post: "督察参谋"})
			if err != nil {
				return err
			}
			user, err := org.CreateUserTx(s.ctx, tx, org.System, org.UserInput{Username: username, DisplayName: person.Name,
				PersonID: person.ID, UnitID: u.ID, Roles: []org.Role{org.RoleInspector}}, hash)
			if err != nil {
				return err
			}
			// Like the other demo logins: everyone shares the published demo password anyway.
			_, err = tx.ExecContext(s.ctx, `UPDATE users SET must_change_password = FALSE WHERE id = $1`, user.ID)
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: create %s: %w", username, err)
		}
		if err := s.loadUser(username); err != nil {
			return err
		}
		s.res.Logins = append(s.res.Logins, Login{Username: username, Password: pw, Role: org.RoleInspector,
			RoleLabel: org.RoleInspector.Label(), UnitName: u.Name})
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// The ledger

// slot is the story of one ledger item: when it is recorded, its deadline in working days, how
// far it gets by SupervisionDate, and who works it.
type slot struct {
	month       time.Month
	day         int
	workdays    int
	final       rectify.Status
	by          string // the liaison whose unit the problem should lie in; "" for the office
	submitAfter int    // working days from recording to submitting the fix (review, closed)
	reject      bool   // rejected once, then submitted again
	comment     bool
	attach      bool // evidence photo uploaded with the fix
}

// findingSlots are the items made of health-check findings, recorded between 2026-10-08 (the
// first working day after the National Day holiday) and 2026-11-20. With the deadlines below,
// five are overdue on SupervisionDate: the pending ones of 10-09 and 11-12, the in-progress ones
// of 10-12 and 10-20, and the one of 10-15 whose fix was submitted late and awaits acceptance
// (the items of other sources, planOthers, are all within their deadlines or closed).
var findingSlots = []slot{
	{month: 10, day: 8, workdays: 15, final: rectify.Closed, by: "liaison", submitAfter: 8, attach: true},
	{month: 10, day: 9, workdays: 10, final: rectify.Pending, comment: true},
	{month: 10, day: 12, workdays: 20, final: rectify.InProgress, comment: true},
	{month: 10, day: 13, workdays: 15, final: rectify.Closed, submitAfter: 9},
	{month: 10, day: 15, workdays: 12, final: rectify.Review, by: "liaison2", submitAfter: 14},
	{month: 10, day: 16, workdays: 15, final: rectify.Closed, by: "liaison", submitAfter: 7, reject: true},
	{month: 10, day: 20, workdays: 20, final: rectify.InProgress, by: "liaison2", comment: true},
	{month: 10, day: 22, workdays: 15, final: rectify.Closed, by: "liaison2", submitAfter: 10},
	{month: 11, day: 6, workdays: 18, final: rectify.Review, submitAfter: 12},
	{month: 11, day: 3, workdays: 15, final: rectify.Closed, submitAfter: 6},
	{month: 11, day: 5, workdays: 20, final: rectify.InProgress},
	{month: 11, day: 10, workdays: 15, final: rectify.Review, by: "liaison", submitAfter: 10},
	{month: 11, day: 12, workdays: 10, final: rectify.Pending},
	{month: 11, day: 17, workdays: 15, final: rectify.Pending},
	{month: 11, day: 20, workdays: 20, final: rectify.InProgress, comment: true},
}

// ledgerItem is one item of the story.
type ledgerItem struct {
	slot
	index     int
	finding   *analyze.Finding // nil for the other sources
	input     rectify.Input    // for the other sources
	creator   string
	submitter string
	verifier  string
	problem   func() int64 // the 自查报告 problem this item files, if any
	id        int64
	number    string
}

// openFindings lists the open, undecided findings in the health check's order (severity, rule,
// subject).
func (s *supervision) openFindings() ([]analyze.Finding, error) {
	var all []analyze.Finding
	for off := 0; ; off += org.MaxPage {
		page, total, err := analyze.List(s.ctx, s.db, org.System, analyze.Filter{Status: analyze.StatusNew,
			Page: org.Page{Limit: org.MaxPage, Offset: off}})
		if err != nil {
			return nil, fmt.Errorf("demo: list findings: %w", err)
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// planLedger chooses the findings to convert, one per rule and unit as far as they go, and
// scripts every item's story.
func (s *supervision) planLedger() error {
	fs, err := s.openFindings()
	if err != nil {
		return err
	}
	used := map[int64]bool{}
	rules, units := map[string]bool{}, map[int64]bool{}
	pick := func(ok func(f analyze.Finding) bool) *analyze.Finding {
		for pass := 0; pass < 3; pass++ {
			for i := range fs {
				f := &fs[i]
				if used[f.ID] || !ok(*f) || pass < 2 && rules[f.RuleID] || pass < 1 && units[f.UnitID] {
					continue
				}
				used[f.ID], rules[f.RuleID], units[f.UnitID] = true, true, true
				return f
			}
		}
		return nil
	}
	anyFinding := func(analyze.Finding) bool { return true }
	items := make([]*ledgerItem, len(findingSlots))
	// The liaisons' slots first, so that problems in their units are not taken by the others.
	for pass := 0; pass < 2; pass++ {
		for i, sl := range findingSlots {
			if (sl.by != "") != (pass == 0) {
				continue
			}
			li := &ledgerItem{slot: sl, index: i, creator: "office", submitter: "office"}
			if sl.by != "" {
				scope := s.users[sl.by].Scope
				if li.finding = pick(func(f analyze.Finding) bool { return scope.Contains(f.UnitPath) }); li.finding != nil {
					li.submitter = sl.by
				}
			}
			if li.finding == nil {
				li.finding = pick(anyFinding)
			}
			if li.finding == nil {
				continue // a bureau with fewer findings gets fewer items
			}
			items[i] = li
		}
	}
	for _, li := range items {
		if li != nil {
			s.scriptItem(li)
		}
	}
	return s.planOthers(len(findingSlots))
}

// actors decides who verifies (never the submitter: acceptance is four-eyes).
func (li *ledgerItem) actors() {
	switch {
	case li.submitter == "office":
		li.verifier = "lead_office"
	case li.index%2 == 0:
		li.verifier = "office"
	default:
		li.verifier = "lead_office"
	}
}

// scriptItem adds the events of one item's story.
func (s *supervision) scriptItem(li *ledgerItem) {
	li.actors()
	created := at(li.month, li.day, 9+li.index%7, 5+(li.index*7)%50)
	s.add(created, func() error { return s.createItem(li) })
	kind := "group"
	if li.finding != nil {
		kind = li.finding.Kind
	} else if li.input.AssetID != 0 {
		kind = "app"
	}
	tx := itemTextsByKind[kind]
	if li.final == rectify.Pending {
		if li.comment {
			s.add(s.workday(created, 3, 16, 20), func() error {
				_, err := rectify.AddComment(s.ctx, s.db, s.users["office"], li.id, "请责任单位尽快制定整改方案,明确时间节点,按期报送整改进展。")
				return err
			})
		}
		return
	}
	s.add(s.workday(created, 1, 10, 15), func() error {
		_, err := rectify.Start(s.ctx, s.db, s.users[li.submitter], li.id, tx.start)
		return err
	})
	if li.final == rectify.InProgress {
		s.add(s.workday(created, 3, 17, 5), func() error {
			_, err := rectify.UpdateProgress(s.ctx, s.db, s.users[li.submitter], li.id, tx.start+"\n"+tx.progress)
			return err
		})
		if li.comment {
			s.add(s.workday(created, 4, 9, 40), func() error {
				_, err := rectify.AddComment(s.ctx, s.db, s.users["lead_office"], li.id, "进度偏慢,请于截止日期前完成整改并上传佐证材料,逾期将按规定督办。")
				return err
			})
		}
		return
	}
	s.add(s.workday(created, 2, 16, 30), func() error {
		_, err := rectify.UpdateProgress(s.ctx, s.db, s.users[li.submitter], li.id, tx.start+"\n"+tx.progress)
		return err
	})
	submit := s.workday(created, li.submitAfter, 15, 10)
	if li.attach {
		s.add(submit.Add(-time.Hour), func() error {
			_, err := rectify.Attach(s.ctx, s.db, s.users[li.submitter], li.id, "整改佐证截图.png", evidencePNG())
			return err
		})
	}
	s.add(submit, func() error {
		_, err := rectify.Submit(s.ctx, s.db, s.users[li.submitter], li.id, tx.done)
		return err
	})
	if li.final == rectify.Review {
		return
	}
	verify := s.workday(created, li.submitAfter+2, 10, 30)
	if li.reject {
		s.add(s.workday(created, li.submitAfter+1, 11, 0), func() error {
			_, err := rectify.Reject(s.ctx, s.db, s.users[li.verifier], li.id, "佐证材料不全:请补充整改后的截图和责任人签字的整改报告。")
			return err
		})
		s.add(s.workday(created, li.submitAfter+4, 14, 45), func() error {
			_, err := rectify.Submit(s.ctx, s.db, s.users[li.submitter], li.id, tx.done+"已补充整改后截图和整改报告。")
			return err
		})
		verify = s.workday(created, li.submitAfter+6, 10, 30)
	}
	s.add(verify, func() error {
		_, err := rectify.Verify(s.ctx, s.db, s.users[li.verifier], li.id, "经核查,整改到位,同意销号。")
		return err
	})
}

// createItem records an item: a finding converted by the office, or an item of another source.
func (s *supervision) createItem(li *ledgerItem) error {
	var it rectify.Item
	var err error
	if li.finding != nil {
		var person int64
		if person, err = s.findingPerson(*li.finding); err != nil {
			return err
		}
		it, err = rectify.FromFinding(s.ctx, s.db, s.users[li.creator], li.finding.ID, rectify.ConvertInput{
			ResponsiblePersonID: person, DeadlineWorkdays: li.workdays, Measures: measures(li.finding.RuleID, li.finding.Kind)})
		if err != nil {
			return fmt.Errorf("demo: convert finding %s %s: %w", li.finding.RuleID, li.finding.Subject, err)
		}
	} else {
		in := li.input
		in.DeadlineWorkdays = li.workdays
		if it, err = rectify.Create(s.ctx, s.db, s.users[li.creator], in); err != nil {
			return fmt.Errorf("demo: create ledger item %s: %w", in.Title, err)
		}
		if li.problem != nil {
			if err := campaign.MarkProblemFiled(s.ctx, s.db, s.users[li.creator], li.problem(), it.Number); err != nil {
				return fmt.Errorf("demo: file self-check problem: %w", err)
			}
		}
	}
	li.id, li.number = it.ID, it.Number
	s.items = append(s.items, li)
	return nil
}

// findingPerson is who answers for a finding: the owner of its first asset if in post in the
// finding's unit, otherwise the head of that unit.
func (s *supervision) findingPerson(f analyze.Finding) (int64, error) {
	var owner int64
	var status, path string
	err := s.db.QueryRowContext(s.ctx, `SELECT COALESCE(a.owner_person_id, 0), COALESCE(p.status, ''), COALESCE(u.path, '')
		FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id LEFT JOIN people p ON p.id = a.owner_person_id
		LEFT JOIN units u ON u.id = p.unit_id WHERE fa.finding_id = $1 ORDER BY a.code LIMIT 1`, f.ID).Scan(&owner, &status, &path)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("demo: owner of finding %d: %w", f.ID, err)
	}
	if owner != 0 && status == org.Active && strings.HasPrefix(path, f.UnitPath) {
		return owner, nil
	}
	return s.person(s.byID[f.UnitID])
}

// planOthers scripts the items of other sources: two from units' own self-checks (one filed from
// the liaison's 自查报告), two from 举报 and one from a user's bad rating of an app.
func (s *supervision) planOthers(first int) error {
	liaison, liaison2 := s.userUnit["liaison"], s.userUnit["liaison2"]
	station := s.firstUnder(s.detachments[2], org.Station, true)
	var brigade supUnit
	for _, b := range s.brigades {
		if strings.HasPrefix(b.Path, s.detachments[1].Path) && b.ID != liaison2.ID {
			brigade = b
			break
		}
	}
	if brigade.ID == 0 {
		brigade = liaison2
	}
	var it supUnit
	for _, u := range s.units {
		if u.Code == province.Code+"-"+deptIT {
			it = u
		}
	}
	var app int64
	var appName string
	err := s.db.QueryRowContext(s.ctx, `SELECT id, name FROM assets WHERE unit_id = $1 AND kind = 'app' AND status = 'active' ORDER BY code LIMIT 1`, it.ID).
		Scan(&app, &appName)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("demo: app of %s: %w", it.Name, err)
	}
	rating := rectify.Input{Source: rectify.SourceRating, UnitID: it.ID, AssetID: app,
		Title:       "“" + appName + "”登录繁琐、重复填报,用户评价差评集中",
		Description: "应用评价渠道近一个月收到差评 27 条,集中反映每次使用均需重复登录、基层已在其他系统填报的数据还要再填一遍。",
		Measures:    "接入统一身份认证实现单点登录;与相关业务系统打通数据,取消重复填报项;对差评逐条回访。"}
	if app == 0 {
		rating.Title = "信息化应用登录繁琐、重复填报,用户评价差评集中"
	}
	others := []*ledgerItem{
		{slot: slot{month: 11, day: 2, workdays: 15, final: rectify.Closed, by: "liaison", submitAfter: 5}, creator: "liaison", submitter: "liaison",
			input: rectify.Input{Source: rectify.SourceSelfCheck, UnitID: liaison.ID, Title: selfCheckProblems[0].Title,
				Description: selfCheckProblems[0].Description, Measures: selfCheckProblems[0].Measures},
			problem: func() int64 { return s.selfCheckProblem }},
		{slot: slot{month: 11, day: 4, workdays: 20, final: rectify.InProgress, by: "liaison2", comment: true}, creator: "liaison2", submitter: "liaison2",
			input: rectify.Input{Source: rectify.SourceSelfCheck, UnitID: liaison2.ID, Title: "基层站每周报送的防火巡查、训练、车辆情况表格内容重复",
				Description: "自查发现:同一数据分别向大队、支队两个科室和两个系统报送,基层每周用于填表的时间约半天。",
				Measures:    "梳理报表清单,保留一张合并表,由大队汇总后统一报送;系统中已有的数据不再要求填报。"}},
		{slot: slot{month: 11, day: 9, workdays: 15, final: rectify.InProgress}, creator: "office", submitter: "office",
			input: rectify.Input{Source: rectify.SourceReport, UnitID: station.ID, Title: "群众举报:周末通过工作群布置非紧急工作并要求即时回复",
				Description: "12345 转办件反映:" + station.Name + "在周六、周日晚间通过工作群布置日常工作,要求“收到请回复”,影响休息。",
				Measures:    "非紧急事项不在休息时间通过工作群布置;建立工作群发布规范并公示;对相关负责人进行提醒谈话。"}},
		{slot: slot{month: 10, day: 26, workdays: 20, final: rectify.Closed, submitAfter: 12}, creator: "office", submitter: "office", input: rating},
		{slot: slot{month: 11, day: 16, workdays: 10, final: rectify.Pending}, creator: "office", submitter: "office",
			input: rectify.Input{Source: rectify.SourceReport, UnitID: brigade.ID, Title: "匿名举报:要求基层在多个平台重复打卡、上传工作照片留痕",
				Description: "信箱匿名反映:" + brigade.Name + "要求各站每日在两个应用中分别打卡并上传训练照片,作为考核依据。",
				Measures:    "停止以打卡、上传照片作为考核依据;保留一个平台并取消强制上传;向举报人反馈处理结果。"}},
	}
	for i, li := range others {
		li.index = first + i
		if li.input.UnitID == 0 {
			return errs.E(errs.Conflict, "演示单位不足,无法生成整改事项")
		}
		u := s.byID[li.input.UnitID]
		person, err := s.person(u)
		if err != nil {
			return err
		}
		li.input.ResponsiblePersonID = person
		s.scriptItem(li)
	}
	return nil
}

// firstUnder is the first unit of kind under u (in build order); under a brigade when deep.
func (s *supervision) firstUnder(u supUnit, kind org.UnitKind, deep bool) supUnit {
	for _, x := range s.units {
		if x.Kind == kind && strings.HasPrefix(x.Path, u.Path) && x.ID != u.ID {
			if deep && s.byID[s.parentOf(x)].Kind != org.Brigade {
				continue
			}
			return x
		}
	}
	return u
}

// parentOf is the id of a unit's parent, read from its path.
func (s *supervision) parentOf(u supUnit) int64 {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 {
		return 0
	}
	var id int64
	fmt.Sscanf(parts[len(parts)-2], "%d", &id)
	return id
}

// itemTexts are what a unit writes while fixing a problem of one kind of asset.
type itemTexts struct{ start, progress, done string }

var itemTextsByKind = map[string]itemTexts{
	"app": {
		start:    "已召开专题会研究整改,明确分管领导和经办人,制定整改方案。",
		progress: "已完成功能梳理,与承建单位确定改造清单,正在开发测试。",
		done:     "已完成整改并上线运行,相关功能已调整,用户反馈渠道畅通,整改报告已上传。",
	},
	"account": {
		start:    "已对账号情况进行核查,制定整改方案并报支队新闻宣传部门。",
		progress: "已完成内容清理和资料补报,正在办理平台侧的变更或注销手续。",
		done:     "已完成整改:账号信息已规范,办理结果截图及说明已上传。",
	},
	"group": {
		start:    "已通知群主和管理员,核对群成员和建群依据,制定整改方案。",
		progress: "已移出调离人员和无关人员,补办建群审批,明确群内发布规范。",
		done:     "已完成整改:群组已规范或解散,成员名单和审批材料已归档。",
	},
}

// measures are the rectification measures for a rule's finding.
func measures(rule, kind string) string {
	if m, ok := ruleMeasures[rule]; ok {
		return m
	}
	switch kind {
	case "app":
		return "梳理应用功能和使用情况,按“一事一议”原则整改,整改结果报牵头处室备案。"
	case "account":
		return "核查账号运营情况,规范账号信息和内容发布,整改结果报新闻宣传部门备案。"
	}
	return "核查群组设立依据和成员情况,按规定整合、规范或解散,整改结果报办公室备案。"
}

var ruleMeasures = map[string]string{
	"APP-SIMILAR":     "对功能相似的应用进行整合,保留一个主系统,其余应用停止新增数据并迁移后下线。",
	"APP-FORCED":      "取消强制打卡、积分排名、在线时长等考核功能,不以使用情况作为考核依据。",
	"APP-UPLOADS":     "取消强制上传照片、视频和位置的要求,确需留存的改为按需上传。",
	"APP-NOFEEDBACK":  "在应用内增设意见建议和投诉渠道,明确专人受理和回复时限。",
	"APP-LEVEL":       "大队、站不得自建应用,现有应用停止使用并迁移至支队统一平台。",
	"APP-MLPS":        "按期开展等级保护测评,测评前落实安全防护措施,测评报告报信息通信部门备案。",
	"APP-REPEATFORMS": "合并重复表单,统一由一个应用采集,其他应用通过数据共享获取,不再重复填报。",
	"APP-LOWUSE":      "评估应用实际需求,使用率持续偏低的应用予以下线或整合。",
	"ACC-DUP":         "同一单位在同一平台只保留一个账号,其余账号迁移内容后注销。",
	"ACC-STALE":       "明确账号运维责任人,制定更新计划,确保按期更新。",
	"ACC-ZOMBIE":      "长期不更新的账号予以关停注销,确需保留的明确责任人并恢复更新。",
	"ACC-NOINTERACT":  "开启留言评论功能,明确专人回复群众留言,建立回应机制。",
	"ACC-FILING":      "按规定补办政务新媒体备案手续,备案号在账号简介中公示。",
	"ACC-MISMATCH":    "变更账号认证主体为本单位,或按规定迁移注销。",
	"ACC-LOWUSE":      "评估账号定位和受众,关注度持续偏低的账号整合至上级账号。",
	"GRP-DUP":         "成员高度重叠的工作群合并为一个,其余群解散,并在群内公告。",
	"GRP-NOOWNER":     "明确群主和管理员,登记群组信息,落实管理责任。",
	"GRP-TEMP":        "临时任务已结束,及时解散临时工作群,资料归档。",
	"GRP-UNFILED":     "按规定补办建群审批备案,未经审批的工作群予以解散。",
	"GRP-IDLE":        "长期闲置的工作群予以解散。",
	"GRP-LEFT":        "及时移出已调离人员,建立人员变动与群成员同步机制。",
	"GRP-EXTERNAL":    "核实群内外部人员身份,无关人员移出群组,涉密事项不在群内发布。",
	"GRP-OWNERLEFT":   "群主已调离,移交群主身份给在职负责人,重新登记群组信息。",
	"GRP-FORCED":      "不得要求“收到”“接龙”回复、打卡和拍照留痕,一般通知不再要求逐一回复。",
	"GRP-AFTERHOURS":  "非紧急事项不在休息时间通过工作群发布,建立群消息发布规范。",
}

// evidencePNG is a small before-and-after picture, as units photograph their fixes: a grey and
// a green panel.
func evidencePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{0xb0, 0xb0, 0xb0, 0xff}
			if x >= 32 {
				c = color.RGBA{0x4c, 0xaf, 0x50, 0xff}
			}
			if x == 31 || x == 32 || y == 0 || y == 31 {
				c = color.RGBA{0x30, 0x30, 0x30, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img) // writing to memory does not fail
	return b.Bytes()
}

// ---------------------------------------------------------------------------------------------
// The campaign

// selfCheckProblems are the problems the first liaison's 大队 lists in its 自查报告; the first is
// filed in the ledger.
var selfCheckProblems = []campaign.ProblemInput{
	{Title: "大队工作群日常通知普遍要求回复“收到”、接龙报数",
		Description: "自查发现:大队工作群一般性通知也要求各站逐一回复“收到”,部分通知要求接龙报数,基层每天需多次回复。",
		Measures:    "一般通知不再要求回复“收到”,确需确认的改用已读回执;接龙统计改由大队从系统中导出。"},
	{Title: "多个工作群成员高度重叠,同一通知反复转发",
		Description: "大队工作群、钉钉群和政务微信群成员基本相同,同一通知在三个群重复转发。",
		Measures:    "保留政务微信工作群,其余两个群解散。"},
	{Title: "自建“每日训练打卡”小程序未经审批",
		Description: "大队 2025 年自建小程序用于训练打卡和上传照片,未经审批备案,与支队训练系统功能重复。",
		Measures:    "停止使用该小程序,训练记录统一在支队训练系统填报。"},
}

// date26 is a date of 2026 as campaign dates are stored (midnight UTC).
func date26(month time.Month, d int) time.Time {
	return time.Date(2026, month, d, 0, 0, 0, 0, time.UTC)
}

// planCampaign scripts the campaign: created by the office before mobilisation, with its four
// phases and tasks; the 支队's 实施方案 (most on time, one late, one never), 自查报告 from some
// 支队 and 大队 (one listing three problems, one late), one 整改进展, two 督导 notes and a 约谈
// list. The liaisons submit for their 大队; the office submits for units without a liaison.
func (s *supervision) planCampaign() error {
	office := s.users["office"]
	s.add(at(9, 10, 9, 30), func() error {
		c, err := s.cs.Create(s.ctx, office, campaign.Input{Name: CampaignName, Year: 2026, UnitID: s.root.ID, Phases: []campaign.PhaseDates{
			{Start: date26(9, 14), End: date26(9, 30)}, {Start: date26(10, 1), End: date26(10, 31)},
			{Start: date26(11, 1), End: date26(12, 15)}, {Start: date26(12, 16), End: date26(12, 31)}}})
		if err != nil {
			return fmt.Errorf("demo: create campaign: %w", err)
		}
		s.campaignID = c.ID
		det := []org.UnitKind{org.Detachment}
		for _, t := range []campaign.TaskInput{
			{Phase: campaign.Mobilize, Kind: campaign.KindPlan, Title: "报送专项行动实施方案", Due: date26(9, 25), UnitKinds: det},
			{Phase: campaign.SelfCheck, Kind: campaign.KindSelfCheck, Title: "报送自查报告及问题清单", Due: date26(10, 31),
				UnitKinds: []org.UnitKind{org.Detachment, org.Brigade}},
			{Phase: campaign.Rectify, Kind: campaign.KindProgress, Title: "报送集中整治整改进展", Due: date26(11, 30), UnitKinds: det},
			{Phase: campaign.Summarize, Kind: campaign.KindSummary, Title: "报送专项行动总结报告", Due: date26(12, 25), UnitKinds: det},
		} {
			task, err := s.cs.CreateTask(s.ctx, office, c.ID, t)
			if err != nil {
				return fmt.Errorf("demo: create task %s: %w", t.Title, err)
			}
			s.tasks[t.Kind] = task.ID
		}
		return nil
	})
	submit := func(when time.Time, who string, kind campaign.TaskKind, u supUnit, note, doc string, problems []campaign.ProblemInput) {
		s.add(when, func() error {
			name := u.Name + kind.Label()
			// Units send Word files or PDFs; which one is fixed by the unit's name.
			d := campaign.DocumentInput{Name: name + ".docx", Data: docx(name, note)}
			if doc == "pdf" || doc == "" && len(u.Name)%2 == 1 {
				d = campaign.DocumentInput{Name: name + ".pdf", Data: pdf(name)}
			}
			sub, err := s.cs.Submit(s.ctx, s.users[who], campaign.SubmissionInput{TaskID: s.tasks[kind], UnitID: u.ID, Note: note,
				Documents: []campaign.DocumentInput{d}, Problems: problems})
			if err != nil {
				return fmt.Errorf("demo: %s submits %s for %s: %w", who, kind.Label(), u.Name, err)
			}
			if len(problems) > 0 && s.selfCheckProblem == 0 {
				s.selfCheckProblem = sub.Problems[0].ID
			}
			return nil
		})
	}
	n := len(s.detachments)
	for i, d := range s.detachments {
		switch {
		case i == n-1: // never submits
		case i == 1:
			submit(at(9, 28, 10, 20), "office", campaign.KindPlan, d, "因支队党委会推迟召开,实施方案延后报送。", "", nil)
		default:
			submit(at(9, 22+i%3, 16, 10+i%40), "office", campaign.KindPlan, d, "", "", nil)
		}
	}
	liaison, liaison2 := s.userUnit["liaison"], s.userUnit["liaison2"]
	submit(at(10, 29, 15, 30), "liaison", campaign.KindSelfCheck, liaison, "共查摆问题 3 个,已建立问题清单,逐项明确整改措施和时限。", "docx", selfCheckProblems)
	submit(at(10, 30, 11, 5), "liaison2", campaign.KindSelfCheck, liaison2, "经自查,未发现突出问题,将持续开展常态化自查。", "pdf", nil)
	submit(at(10, 30, 17, 15), "office", campaign.KindSelfCheck, s.detachments[0], "支队本级及所属大队自查情况汇总。", "", nil)
	submit(at(11, 4, 10, 0), "office", campaign.KindSelfCheck, s.detachments[1], "补报:支队本级自查报告。", "", nil)
	var others []supUnit
	for _, b := range s.brigades {
		if b.ID != liaison.ID && b.ID != liaison2.ID && (strings.HasPrefix(b.Path, s.detachments[0].Path) || strings.HasPrefix(b.Path, s.detachments[n-1].Path)) {
			others = append(others, b)
		}
	}
	for i, b := range others[:min(2, len(others))] {
		submit(at(10, 27+i, 14, 40), "office", campaign.KindSelfCheck, b, "大队自查报告(由支队汇总代报)。", "", nil)
	}
	submit(at(11, 27, 16, 0), "office", campaign.KindProgress, s.detachments[0], "集中整治阶段整改进展:已整改问题过半,其余按计划推进。", "", nil)

	note := func(when time.Time, u supUnit, text, follow string) {
		s.add(when, func() error {
			_, err := s.cs.AddNote(s.ctx, office, s.campaignID, campaign.NoteInput{UnitID: u.ID, Date: date26(when.Month(), when.Day()), Text: text, FollowUp: follow})
			if err != nil {
				return fmt.Errorf("demo: note on %s: %w", u.Name, err)
			}
			return nil
		})
	}
	last := s.detachments[n-1]
	note(at(10, 9, 15, 0), last, last.Name+"实施方案逾期未报送。已电话联系支队办公室,了解到方案尚未经支队党委会审定。",
		"请于 10 月 16 日前补报实施方案,并说明逾期原因。")
	note(at(11, 12, 16, 30), liaison, "赴"+liaison.Name+"实地督导:工作群要求“收到”接龙的情况明显减少,自查发现的 3 个问题已全部建立台账,其中 1 个已整改。",
		"11 月底前完成其余问题整改,整改前后对比材料随整改进展一并报送。")
	s.add(at(11, 25, 10, 0), func() error {
		_, err := s.cs.SaveList(s.ctx, office, s.campaignID, campaign.Interview, []campaign.Entry{{UnitID: last.ID,
			Reason: "实施方案逾期未报送,经督导后仍未补报;自查报告未按期报送。"}})
		if err != nil {
			return fmt.Errorf("demo: save 约谈 list: %w", err)
		}
		return nil
	})
	return nil
}

// pdf is a minimal PDF document with a title, enough to be stored and recognised as PDF.
func pdf(title string) []byte {
	return []byte("%PDF-1.4\n% jianfu demo: " + title + "\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// docx is a minimal Word document with a title and a paragraph. The entries carry a fixed date,
// so the same text gives the same bytes.
func docx(title, body string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			`<w:p><w:r><w:t>` + xmlText(title) + `</w:t></w:r></w:p><w:p><w:r><w:t>` + xmlText(body) + `</w:t></w:r></w:p></w:body></w:document>`},
	}
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: date26(9, 1)})
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		w.Write([]byte(f.data))
	}
	zw.Close()
	return b.Bytes()
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// ---------------------------------------------------------------------------------------------
// The spot check

// checklist is the spot check's 检查事项清单.
var checklist = []inspect.ItemInput{
	{Code: "XMT-01", Text: "是否按时更新(近 15 日内有更新)"},
	{Code: "XMT-02", Text: "是否存在僵尸账号(60 日以上未更新)"},
	{Code: "XMT-03", Text: "是否强制要求关注、点赞、转发"},
	{Code: "XMT-04", Text: "是否落实信息发布“三审三校”审核制度"},
	{Code: "XMT-05", Text: "是否有互动回应(留言评论及时回复)"},
}

// spotResults are the results of the first targets, by target and checklist item; the ones not
// listed pass.
var spotResults = []map[int]struct {
	outcome inspect.Outcome
	note    string
}{
	{},
	{0: {inspect.Fail, "最近一次更新距检查日已超过一个月,未落实更新计划。"}},
	{1: {inspect.Fail, "账号近三个月无更新,属僵尸账号,应关停注销。"}, 4: {inspect.Fail, "后台有 6 条群众留言超过 15 日未回复。"}},
	{2: {inspect.NA, "该账号未开展关注、点赞类活动。"}},
}

// spotCheck runs the 2026 Q4 spot check of public accounts: a plan of the 总队 with a five-item
// checklist, a draw with a fixed seed, and the results of the first few targets recorded by their
// first inspector. The inspect package stamps these with the real clock.
func (s *supervision) spotCheck() error {
	office := s.users["office"]
	pl, err := inspect.CreatePlan(s.ctx, s.db, office, inspect.PlanInput{UnitID: s.root.ID, Name: PlanName, Kind: inspect.SpotCheck,
		Period: "2026年第四季度", AssetKinds: []catalog.Kind{catalog.Account}, Items: checklist[:4]})
	if err != nil {
		return fmt.Errorf("demo: create plan: %w", err)
	}
	// The office added the fifth item after the first draft, as checklists grow.
	if pl, err = inspect.SetChecklist(s.ctx, s.db, office, pl.ID, checklist); err != nil {
		return fmt.Errorf("demo: set checklist: %w", err)
	}
	sd, err := inspect.RunDraw(s.ctx, s.db, office, pl.ID, inspect.DrawOptions{Seed: DrawSeed(s.opt.Seed)})
	if err != nil {
		return fmt.Errorf("demo: draw: %w", err)
	}
	if err := inspect.Start(s.ctx, s.db, office, pl.ID); err != nil {
		return fmt.Errorf("demo: start plan: %w", err)
	}
	targets, err := inspect.Targets(s.ctx, s.db, office, pl.ID)
	if err != nil {
		return err
	}
	byID := map[int64]org.Principal{}
	for _, p := range s.users {
		byID[p.UserID] = p
	}
	s.res.PlanID, s.res.DrawID, s.res.Targets = pl.ID, sd.ID, len(targets)
	for ti, t := range targets[:min(len(spotResults), len(targets))] {
		p, ok := byID[t.Inspectors[0].UserID]
		if !ok {
			return fmt.Errorf("demo: inspector %d of %s is not a demo login", t.Inspectors[0].UserID, t.AssetCode)
		}
		for ii, item := range pl.Items {
			r, ok := spotResults[ti][ii]
			if !ok {
				r.outcome = inspect.Pass
			}
			if _, err := inspect.RecordResult(s.ctx, s.db, p, inspect.ResultInput{TargetID: t.ID, ItemID: item.ID, Outcome: r.outcome, Note: r.note}); err != nil {
				return fmt.Errorf("demo: result of %s %s: %w", t.AssetCode, item.Code, err)
			}
			s.res.Results++
			if r.outcome == inspect.Fail {
				s.res.Failed++
			}
		}
	}
	return nil
}

// count fills in the ledger's and the campaign's figures.
func (s *supervision) count() error {
	rows, err := s.db.QueryContext(s.ctx, `SELECT status, deadline FROM ledger_items`)
	if err != nil {
		return fmt.Errorf("demo: count ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st rectify.Status
		var deadline time.Time
		if err := rows.Scan(&st, &deadline); err != nil {
			return fmt.Errorf("demo: count ledger: %w", err)
		}
		s.res.Items++
		s.res.ByStatus[st]++
		y, m, d := deadline.Date()
		if st != rectify.Closed && time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(SupervisionDate) {
			s.res.Overdue++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("demo: count ledger: %w", err)
	}
	for _, li := range s.items {
		s.res.Numbers = append(s.res.Numbers, li.number)
	}
	s.res.CampaignID = s.campaignID
	err = s.db.QueryRowContext(s.ctx, `SELECT (SELECT count(*) FROM campaign_submissions), (SELECT count(*) FROM campaign_notes)`).
		Scan(&s.res.Submissions, &s.res.Notes)
	if err != nil {
		return fmt.Errorf("demo: count campaign: %w", err)
	}
	return nil
}
