package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// bureau is the synthetic organisation in memory: everything Build writes, with the database ids
// filled in as rows are inserted. Later generators (apps, accounts, groups, activity) add their
// own slices here and read units and people by index, and tests derive their planted truth from
// it, so it is the one place where the demo's facts live.
type bureau struct {
	preset Preset
	seed   int64
	plan   plan
	asOf   time.Time // the demo's "today" for dates that must not depend on the clock

	units  []unit
	people []person
	logins []login

	root        int            // index of the 总队
	depts       map[string]int // 总队 处室 by department code (deptOffice …)
	detachments []int          // 支队 in build order
	brigades    []int          // 大队 in build order
	stations    []int          // 站 in build order, including the 特勤站 under 支队

	children []int // number of children per unit so far, for sort_order
	progress func(step string, done, total int)
	lastStep string // the step and percent last reported
	lastPct  int
	batch    int // rows per INSERT, chosen for the engine
}

// unit is one node of the tree. Parent is an index into bureau.units (-1 for the root), so the
// model is complete before any id exists.
type unit struct {
	ID     int64
	Code   string
	Name   string
	Kind   org.UnitKind
	Parent int
	Sort   int
	Depth  int
	Path   string // "/1/5/12/", set once ids are known
}

// person is one member of staff. LeftOn is zero for people in post.
type person struct {
	ID     int64
	Code   string
	Name   string
	Unit   int
	Post   string
	Status string
	LeftOn time.Time
	Female bool
	Login  bool // created for a demo login; never marked as left
}

// login is a demo user and the person behind it.
type login struct {
	ID       int64
	Username string
	Role     org.Role
	Person   int
	Unit     int
	Scope    int
}

// Random streams. Each part of the bureau draws from its own stream, seeded by Options.Seed, so
// that adding a generator or changing how people are drawn does not reshuffle the units or
// anything generated before it. New generators take a new constant.
const (
	streamUnits  uint64 = 0x6a66_756e_6974 // "jfunit"
	streamPeople uint64 = 0x6a66_7065_6f70 // "jfpeop"
)

// asOf is the fixed date the demo's dates are relative to. A fixed date, not the clock, keeps
// builds identical; it lies in the past so that "left on" dates are history whenever the demo runs.
var asOf = time.Date(2026, time.September, 30, 0, 0, 0, 0, time.UTC)

// stream returns the random source for one part of the bureau.
func (b *bureau) stream(k uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(b.seed), k))
}

// generate builds the whole organisation in memory.
func generate(p Preset, seed int64) (*bureau, error) {
	p = normPreset(p)
	pl, ok := plans[p]
	if !ok {
		return nil, errs.Field("preset", fmt.Sprintf("未知的演示规模 %q,应为 small、province 或 national", string(p)))
	}
	b := &bureau{preset: p, seed: seed, plan: pl, asOf: asOf, depts: map[string]int{}}
	b.genUnits(b.stream(streamUnits))
	r := b.stream(streamPeople)
	b.genPeople(r)
	b.genLogins(r)
	b.markLeavers(r)
	return b, nil
}

func (b *bureau) addUnit(code, name string, kind org.UnitKind, parent int) int {
	u := unit{Code: code, Name: name, Kind: kind, Parent: parent}
	if parent >= 0 {
		u.Sort = b.children[parent]
		u.Depth = b.units[parent].Depth + 1
		b.children[parent]++
	}
	b.units = append(b.units, u)
	b.children = append(b.children, 0)
	return len(b.units) - 1
}

// genUnits lays out the tree: 总队, its 处室, then per city a 支队 with its 科室, a 特勤站 and a
// 大队 per county, each with its 站. Codes derive from positions in the fixed lists (brigade
// SC-CD-04 is 武侯区 in every preset), never from random draws.
func (b *bureau) genUnits(r *rand.Rand) {
	pl := b.plan
	b.root = b.addUnit(province.Code, province.Name, org.Corps, -1)
	for _, d := range departments {
		b.depts[d.Code] = b.addUnit(province.Code+"-"+d.Code, d.Name, org.Department, b.root)
	}
	for _, c := range pl.selectCities() {
		detCode := province.Code + "-" + c.Code
		det := b.addUnit(detCode, c.Name+"消防救援支队", org.Detachment, b.root)
		b.detachments = append(b.detachments, det)
		for _, s := range sections[:pl.sections] {
			b.addUnit(detCode+"-"+s.Code, s.Name, org.Department, det)
		}
		// Most 支队 keep a 特勤站 directly under them; it also exercises a 站 whose parent is a 支队.
		b.stations = append(b.stations, b.addUnit(detCode+"-TQ", "特勤消防救援站", org.Station, det))
		for k, county := range c.Counties[:pl.brigadesIn(c)] {
			for copyN := range pl.brigadeCopies {
				code := fmt.Sprintf("%s-%02d", detCode, k+1)
				name := county + "消防救援大队"
				if copyN > 0 {
					code += string(rune('A' + copyN))
					name = county + "消防救援" + cnDigits[copyN+1] + "大队"
				}
				br := b.addUnit(code, name, org.Brigade, det)
				b.brigades = append(b.brigades, br)
				b.genStations(r, br, strings.HasSuffix(county, "区"))
			}
		}
	}
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// genStations adds a brigade's stations, named after distinct places. Urban districts sometimes
// call their first station a 特勤站, as real ones do.
func (b *bureau) genStations(r *rand.Rand, br int, urban bool) {
	n := b.plan.stations.Min + r.IntN(b.plan.stations.Max-b.plan.stations.Min+1)
	places := r.Perm(len(stationPlaces))[:n]
	for j, pi := range places {
		name := stationPlaces[pi] + "消防救援站"
		if j == 0 && urban && r.IntN(3) == 0 {
			name = stationPlaces[pi] + "特勤站"
		}
		code := fmt.Sprintf("%s-%02d", b.units[br].Code, j+1)
		b.stations = append(b.stations, b.addUnit(code, name, org.Station, br))
	}
}

// genPeople staffs every unit in tree order; 工号 follow that order, so they are stable too.
func (b *bureau) genPeople(r *rand.Rand) {
	nm := newNamer()
	pl := b.plan
	draw := func(s span) int { return s.Min + r.IntN(s.Max-s.Min+1) }
	for i, u := range b.units {
		var posts []string
		switch u.Kind {
		case org.Corps:
			posts = corpsLeaders
		case org.Detachment:
			posts = detachmentLeaders
		case org.Brigade:
			posts = staffPosts(r, draw(pl.brigadeStaff), brigadeLeaders, brigadePool)
		case org.Station:
			posts = stationPosts(r, draw(pl.stationStaff))
		case org.Department:
			head := departmentHead(u)
			if b.units[u.Parent].Kind == org.Corps {
				n := draw(pl.deptStaff)
				leaders := []string{head, "副" + head}
				if n >= 8 {
					leaders = append(leaders, "副"+head)
				}
				posts = staffPosts(r, n, leaders, deptPool)
			} else {
				posts = staffPosts(r, draw(pl.sectionStaff), []string{head, "副" + head}, sectionPool)
			}
		}
		for _, post := range posts {
			b.addPerson(r, nm, i, post, false)
		}
	}
}

func departmentHead(u unit) string {
	for _, list := range [][]department{departments, sections} {
		for _, d := range list {
			if d.Name == u.Name {
				return d.Head
			}
		}
	}
	return "负责人"
}

func (b *bureau) addPerson(r *rand.Rand, nm *namer, unitIdx int, post string, isLogin bool) int {
	female := r.IntN(100) < femaleShare(post)
	b.people = append(b.people, person{
		// 51 is Sichuan's administrative prefix; the offset makes 工号 look issued, not counted.
		Code:   fmt.Sprintf("%s%06d", province.CodePrefix, 100001+len(b.people)),
		Name:   nm.name(r, female),
		Unit:   unitIdx,
		Post:   post,
		Status: org.Active,
		Female: female,
		Login:  isLogin,
	})
	return len(b.people) - 1
}

// loginSpecs are the demo users, one per role and two liaisons so that tests can check that one
// unit's liaison cannot see another's unit. where picks the user's unit; wide users see the
// whole tree (as org gives admin, office, lead and support by default), the others their own unit.
var loginSpecs = []struct {
	Username string
	Role     org.Role
	Post     string
	Wide     bool
	Where    func(b *bureau) int
}{
	{"admin", org.RoleAdmin, "系统管理员", true, func(b *bureau) int { return b.root }},
	{"office", org.RoleOffice, "专项整治工作专班负责人", true, func(b *bureau) int { return b.depts[deptOffice] }},
	{"lead_office", org.RoleLead, "副主任", true, func(b *bureau) int { return b.depts[deptOffice] }},
	{"lead_it", org.RoleLead, "副处长", true, func(b *bureau) int { return b.depts[deptIT] }},
	{"lead_news", org.RoleLead, "副处长", true, func(b *bureau) int { return b.depts[deptNews] }},
	{"support", org.RoleSupport, "副处长", true, func(b *bureau) int { return b.depts[deptLegal] }},
	{"liaison", org.RoleLiaison, "参谋", false, func(b *bureau) int { return b.liaisonBrigade(0) }},
	{"liaison2", org.RoleLiaison, "参谋", false, func(b *bureau) int { return b.liaisonBrigade(1) }},
	// Reviewer and inspector sit on a 支队 itself, so their own-unit scope is a useful subtree.
	{"reviewer", org.RoleReviewer, "宣传干事", false, func(b *bureau) int { return b.detachments[0] }},
	{"inspector", org.RoleInspector, "督察参谋", false, func(b *bureau) int { return b.detachments[1] }},
	// The frontline user stands in the first liaison's brigade, so that liaison sees them.
	{"staff", org.RoleStaff, "消防员", false, func(b *bureau) int { return b.firstChild(b.liaisonBrigade(0), org.Station) }},
}

// liaisonBrigade is the first 大队 of the n-th 支队: the two liaisons are in different 支队.
func (b *bureau) liaisonBrigade(n int) int {
	return b.firstChild(b.detachments[n], org.Brigade)
}

func (b *bureau) firstChild(parent int, kind org.UnitKind) int {
	for i, u := range b.units {
		if u.Parent == parent && u.Kind == kind {
			return i
		}
	}
	panic(fmt.Sprintf("demo: unit %s has no %s", b.units[parent].Code, kind))
}

// genLogins creates a person for each demo user, after all other people so that their 工号 do
// not shift anyone else's.
func (b *bureau) genLogins(r *rand.Rand) {
	nm := newNamer()
	for _, s := range loginSpecs {
		u := s.Where(b)
		scope := u
		if s.Wide {
			scope = b.root
		}
		p := b.addPerson(r, nm, u, s.Post, true)
		b.logins = append(b.logins, login{Username: s.Username, Role: s.Role, Person: p, Unit: u, Scope: scope})
	}
}

// markLeavers marks about 2% of people (at least three) as 已调离 with a date in the year before
// asOf: group-hygiene rules look for people who left but are still members.
func (b *bureau) markLeavers(r *rand.Rand) {
	n := max(3, len(b.people)/50)
	for marked := 0; marked < n; {
		p := &b.people[r.IntN(len(b.people))]
		if p.Login || p.Status == org.Left {
			continue
		}
		p.Status = org.Left
		p.LeftOn = b.asOf.AddDate(0, 0, -(14 + r.IntN(365)))
		marked++
	}
}
