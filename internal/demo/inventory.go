package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// ReferenceDate is the demo inventory's check date: every date in the inventory (last posts,
// 等保 assessments, temporary groups' end dates, openings) is placed relative to it, never to
// the clock, so that a build is the same whenever it runs and planted problems stay planted.
// Rules should be run "as of" this date to reproduce the planted truth: an account whose last
// post is 20 days before it is stale (ACC-STALE) on this date, but a zombie a few months later.
// It is a month after the organisation's own fixed date (asOf), so everyone who left had left by
// then.
var ReferenceDate = time.Date(2026, time.October, 31, 0, 0, 0, 0, time.UTC)

// Random streams of the inventory. Each part has its own, so the organisation (streamUnits,
// streamPeople) is drawn exactly as before the inventory existed, and changing how groups are
// drawn does not reshuffle apps or accounts.
const (
	streamApps     uint64 = 0x6a66_6170_7073 // "jfapps"
	streamAccounts uint64 = 0x6a66_6163_6374 // "jfacct"
	streamGroups   uint64 = 0x6a66_6772_7073 // "jfgrps"
)

// invPlan is what a preset means for the inventory. Counts of planted problems are given
// directly; everything else follows from the organisation (accounts per unit, groups per person).
type invPlan struct {
	apps        int     // apps in all, planted duplicates included
	similar     int     // clusters of near-duplicate apps (APP-SIMILAR)
	lowLevel    int     // apps built by a 大队 or 站 (APP-LEVEL)
	noFeedback  int     // apps without a complaint channel (APP-NOFEEDBACK)
	mlpsOverdue int     // 等保 assessments overdue (APP-MLPS)
	repeatForms int     // forms planted in several unrelated apps (APP-REPEATFORMS)
	appLowUse   int     // APP-LOWUSE candidates
	acctScale   float64 // scales how many 大队 and 站 run accounts
	acctPlants  int     // accounts per kind of planted account problem

	groups     int  // target number of groups
	liaison    span // liaison groups (with outsiders) per 站
	externals  span // outsiders in a 站 liaison group
	brigadeExt span // liaison groups with 社会单位 per 大队
	bigExt     span // outsiders in those
	maxDeg     int  // at most this many groups per person, outside planted problems
	minDeg     int  // people in post are topped up to this many groups
	postCap    int  // a post-based group larger than this is split per 支队

	dupGroups, nearMiss, noOwner, expired, unfiled, idle, leftOwners int
}

var invPlans = map[Preset]invPlan{
	Small: {apps: 40, similar: 5, lowLevel: 2, noFeedback: 4, mlpsOverdue: 2, repeatForms: 3, appLowUse: 3,
		acctScale: 0.7, acctPlants: 2,
		groups: 300, liaison: span{1, 2}, externals: span{10, 30}, brigadeExt: span{1, 1}, bigExt: span{30, 80},
		maxDeg: 40, minDeg: 5, postCap: 2000,
		dupGroups: 7, nearMiss: 6, noOwner: 5, expired: 5, unfiled: 8, idle: 15, leftOwners: 2},
	Province: {apps: 300, similar: 26, lowLevel: 8, noFeedback: 25, mlpsOverdue: 8, repeatForms: 10, appLowUse: 15,
		acctScale: 1, acctPlants: 12,
		groups: 20000, liaison: span{2, 4}, externals: span{6, 30}, brigadeExt: span{1, 3}, bigExt: span{40, 250},
		maxDeg: 40, minDeg: 5, postCap: 2000,
		dupGroups: 60, nearMiss: 60, noOwner: 200, expired: 150, unfiled: 500, idle: 1000, leftOwners: 20},
	National: {apps: 420, similar: 40, lowLevel: 8, noFeedback: 35, mlpsOverdue: 12, repeatForms: 14, appLowUse: 20,
		acctScale: 1, acctPlants: 40,
		groups: 500000, liaison: span{2, 4}, externals: span{8, 40}, brigadeExt: span{2, 4}, bigExt: span{60, 400},
		maxDeg: 64, minDeg: 5, postCap: 2000,
		dupGroups: 1000, nearMiss: 1000, noOwner: 4000, expired: 3000, unfiled: 12000, idle: 25000, leftOwners: 200},
}

// app is one government app in memory. Unit and Owner index bureau.units and bureau.people.
type app struct {
	ID        int64
	Code      string
	Name      string
	Platform  string
	Unit      int
	Owner     int
	Purpose   string
	Functions []string
	Status    string
	Opened    time.Time
	Closed    time.Time
	Attested  time.Time // zero: waits for the owner's confirmation

	TargetUsers string
	TargetCount int
	Mandatory   bool
	Features    []string
	Emergency   bool
	Feedback    bool
	Data        string
	MLPS        int
	Assessed    time.Time
	Vendor      string
	Cost        int64
	Unified     bool
	Shares      []string
	Forms       []string

	concept int // index into concepts
	cluster int // planted similar cluster, -1 for none
	lowUse  bool
}

// account is one public account in memory.
type account struct {
	ID        int64
	Code      string
	Name      string
	Platform  string
	Unit      int
	Owner     int
	Purpose   string
	Functions []string
	Status    string
	Opened    time.Time
	Closed    time.Time
	Attested  time.Time

	Handle      string
	Filing      string
	Operator    string
	Followers   int
	Interaction bool
	LastPost    time.Time // zero: never posted

	planted bool // carries a planted problem (or is the base of a duplicate)
	topic   int  // 1 + index into topicAccounts for a planted topic account (ACC-SIMILAR), else 0
}

// group is one work group in memory. Members holds person indexes: the owner (群主) first when
// there is one, then Admins administrators, then the rest. Outsiders are known by name only.
type group struct {
	ID        int64
	Code      string
	Name      string
	Platform  string
	Unit      int
	Owner     int // person index, -1 for none
	Purpose   string
	Status    string
	Opened    time.Time
	Closed    time.Time
	Attested  time.Time
	Temporary bool
	TaskEnd   time.Time
	Approval  string
	Members   []int32
	Admins    int
	Externals []string

	stem      string // the owning unit's short name, for names of derived groups
	kind      groupKind
	protected bool // standing or planted: never dropped by the overlap check (but see check)
	base      bool // a planted cluster or near miss was made from it
	dropped   bool
	idle      bool
}

// inventory is everything the inventory generators made, with the truth derived from it.
type inventory struct {
	plan     invPlan
	apps     []app
	accounts []account
	groups   []group // dropped groups removed, codes assigned
	members  int     // memberships (rows of group_members)
	dropped  int     // groups the overlap check dropped

	similar  [][]int // planted app clusters, indexes into apps
	dupSets  [][]int // planted group clusters, indexes into groups
	nearMiss [][2]int
	truth    *Truth
}

// genInventory draws apps, accounts and groups for the bureau. It needs only the in-memory
// organisation: ids come later, when Build writes it.
func (b *bureau) genInventory() (*inventory, error) {
	pl, ok := invPlans[b.preset]
	if !ok {
		return nil, fmt.Errorf("demo: no inventory plan for preset %s", b.preset)
	}
	inv := &inventory{plan: pl}
	ix := b.index()
	inv.genApps(b, ix, b.stream(streamApps))
	inv.genAccounts(b, ix, b.stream(streamAccounts))
	if err := inv.genGroups(b, ix, b.stream(streamGroups)); err != nil {
		return nil, err
	}
	inv.truth = inv.computeTruth(b)
	return inv, nil
}

// orgIndex is the organisation seen from the inventory generators: people per unit, subtrees,
// and each unit's 支队 and 大队.
type orgIndex struct {
	active  [][]int32 // people in post per unit
	left    [][]int32 // people who left, per unit
	det     []int     // the 支队 a unit belongs to (itself for a 支队), -1 for 总队 and its 处室
	brigade []int     // the 大队 a unit belongs to, -1 if none
	kids    [][]int   // child units
	short   []string  // short names for asset names: 成都支队, 锦江区大队, 春熙路站
	place   []string  // place names for accounts: 成都, 锦江
	copyTag []string  // 二大队 for the national preset's second brigade of a county, else ""
	corpsHQ []int32   // 总队 leaders and 处室 staff in post
	detHQ   map[int][]int32
	all     []int32 // everyone in post
	byPost  map[string][]int32
	sub     map[int][]int32 // active people in the subtree of a 支队 or 大队
}

func (b *bureau) index() *orgIndex {
	n := len(b.units)
	ix := &orgIndex{active: make([][]int32, n), left: make([][]int32, n), det: make([]int, n), brigade: make([]int, n),
		kids: make([][]int, n), short: make([]string, n), place: make([]string, n), copyTag: make([]string, n),
		detHQ: map[int][]int32{}, byPost: map[string][]int32{}, sub: map[int][]int32{}}
	for i, u := range b.units {
		ix.det[i], ix.brigade[i] = -1, -1
		if u.Parent >= 0 {
			ix.kids[u.Parent] = append(ix.kids[u.Parent], i)
			ix.det[i], ix.brigade[i] = ix.det[u.Parent], ix.brigade[u.Parent]
		}
		switch u.Kind {
		case org.Detachment:
			ix.det[i] = i
		case org.Brigade:
			ix.brigade[i] = i
		}
	}
	cityShort := func(name string) string { // 成都市 → 成都, 泸州市 → 泸州, 阿坝州 → 阿坝
		name = strings.TrimSuffix(name, "消防救援支队")
		if s, ok := strings.CutSuffix(name, "市"); ok {
			return s
		}
		return strings.TrimSuffix(name, "州")
	}
	countyUse := map[string]int{}
	isCopy := func(u unit) bool { c := u.Code[len(u.Code)-1]; return c >= 'A' && c <= 'Z' }
	for _, u := range b.units {
		if u.Kind == org.Brigade && !isCopy(u) {
			countyUse[countyShort(u.Name)]++
		}
	}
	for i, u := range b.units {
		switch u.Kind {
		case org.Corps:
			ix.short[i], ix.place[i] = "总队", "四川"
		case org.Detachment:
			ix.place[i] = cityShort(u.Name)
			ix.short[i] = ix.place[i] + "支队"
		case org.Brigade:
			c := countyShort(u.Name)
			full := strings.TrimSuffix(u.Name, "消防救援大队")
			full = strings.Replace(full, "消防救援", "", 1) // 锦江区消防救援二大队 → 锦江区二大队
			if countyUse[c] > 1 || len([]rune(c)) < 2 || c == "市中" {
				// 市中区 is in two cities, and the copies of national brigades share counties.
				c = ix.place[ix.det[i]] + c
			}
			ix.place[i] = c
			if isCopy(u) {
				ix.copyTag[i] = cnDigits[int(u.Code[len(u.Code)-1]-'A')+1] + "大队"
			}
			ix.short[i] = full + "大队"
			if strings.HasSuffix(full, "大队") {
				ix.short[i] = full
			}
		case org.Station:
			s := strings.TrimSuffix(u.Name, "消防救援站")
			switch {
			case s == "特勤":
				ix.short[i] = ix.short[ix.det[i]] + "特勤站"
				ix.place[i] = ix.place[ix.det[i]] + "特勤"
			case strings.HasSuffix(u.Name, "特勤站"):
				ix.short[i] = u.Name
				ix.place[i] = strings.TrimSuffix(u.Name, "特勤站")
			default:
				ix.short[i] = s + "站"
				if strings.HasSuffix(s, "站") { // 火车北站消防救援站 → 火车北站
					ix.short[i] = s
				}
				ix.place[i] = s
			}
		case org.Department:
			if u.Parent >= 0 && b.units[u.Parent].Kind == org.Corps {
				ix.short[i] = "总队" + u.Name
			} else if u.Parent >= 0 {
				ix.short[i] = ix.short[u.Parent] + u.Name
			}
			ix.place[i] = ix.place[max(u.Parent, 0)]
		}
	}
	for i, p := range b.people {
		if p.Status == org.Left {
			ix.left[p.Unit] = append(ix.left[p.Unit], int32(i))
			continue
		}
		ix.active[p.Unit] = append(ix.active[p.Unit], int32(i))
		ix.all = append(ix.all, int32(i))
		ix.byPost[p.Post] = append(ix.byPost[p.Post], int32(i))
		u := p.Unit
		if d := ix.det[u]; d >= 0 {
			ix.sub[d] = append(ix.sub[d], int32(i))
			if b.units[u].Kind == org.Detachment || b.units[u].Kind == org.Department {
				ix.detHQ[d] = append(ix.detHQ[d], int32(i))
			}
		} else {
			ix.corpsHQ = append(ix.corpsHQ, int32(i))
		}
		if br := ix.brigade[u]; br >= 0 {
			ix.sub[br] = append(ix.sub[br], int32(i))
		}
	}
	return ix
}

// countyShort is a county's name as its fire-rescue accounts use it: 锦江区 → 锦江, 北川羌族自治县 →
// 北川, but 泸县 stays 泸县 (one character is not a name).
func countyShort(brigadeName string) string {
	c := strings.TrimSuffix(brigadeName, "消防救援大队")
	if i := strings.Index(c, "消防救援"); i >= 0 { // 锦江区消防救援二大队
		c = c[:i]
	}
	for _, suf := range []string{"彝族自治县", "藏族自治县", "羌族自治县", "自治县", "区", "县", "市"} {
		if s, ok := strings.CutSuffix(c, suf); ok && len([]rune(s)) >= 2 {
			return s
		}
	}
	return c
}

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// between draws uniformly from [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// daysBefore is the date n days before ReferenceDate.
func daysBefore(n int) time.Time { return ReferenceDate.AddDate(0, 0, -n) }

// leadUnit is the 总队 department that leads an asset kind (群组 → 办公室, 应用 → 信息通信处, 公众号
// → 新闻宣传处), as catalog assigns them.
func (b *bureau) leadUnit(kind string) int {
	switch kind {
	case "app":
		return b.depts[deptIT]
	case "account":
		return b.depts[deptNews]
	}
	return b.depts[deptOffice]
}

// Plan computes what Build would write for opt, without a database: the counts and logins of
// the Result and its planted Truth. It is what tests and benchmarks read the truth from when they
// build the data elsewhere (or not at all); Build returns the same Truth.
func Plan(opt Options) (*Result, error) {
	b, err := generate(opt.Preset, opt.Seed)
	if err != nil {
		return nil, err
	}
	inv, err := b.genInventory()
	if err != nil {
		return nil, err
	}
	pw := opt.Password
	if pw == "" {
		pw = DefaultPassword
	}
	return b.result(inv, pw), nil
}

func (b *bureau) result(inv *inventory, pw string) *Result {
	res := &Result{Units: len(b.units), People: len(b.people), Users: len(b.logins),
		Apps: len(inv.apps), Accounts: len(inv.accounts), Groups: len(inv.groups), Members: inv.members, Truth: inv.truth}
	for _, l := range b.logins {
		res.Logins = append(res.Logins, Login{Username: l.Username, Password: pw, Role: l.Role,
			RoleLabel: l.Role.Label(), UnitName: b.units[l.Unit].Name})
	}
	return res
}
