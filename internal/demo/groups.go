package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// groupKind says how a group came to be; it decides what the overlap check may drop.
type groupKind uint8

const (
	gkStanding groupKind = iota // a unit's own group: 站/大队/支队 工作群, 处室群, 条线业务群
	gkPost                      // everyone of one post (all drivers): the few very large groups
	gkLiaison                   // a unit and outsiders (社会单位联络人, 网格员 …)
	gkRandom                    // an internal working group of people drawn from a unit's subtree
	gkDerived                   // planted: a copy (GRP-DUP) or a near miss of another group
)

// platform weights for groups: most work still happens on 微信, the rest on the enterprise tools.
var groupPlatforms = []struct {
	Name   string
	Weight int
}{{"微信", 45}, {"政务微信", 25}, {"企业微信", 15}, {"钉钉", 15}}

// Themes of internal working groups, by the level that owns them.
var (
	brigadeThemes = []string{"执勤战备", "防火监督业务", "宣传报道", "体能训练", "灭火救援业务研讨", "驾驶员安全教育", "装备器材管理",
		"青年理论学习小组", "篮球队", "摄影爱好者", "文体活动", "应急通信保障", "水域救援小组", "高层建筑灭火攻坚组", "地震救援小分队",
		"心理骨干", "伙食委员会", "站务委员会", "安全员", "新训消防员帮带", "预案编制小组", "火灾调查协作", "夜查小组", "战评研讨",
		"技能鉴定备考", "业务骨干", "党员先锋队", "防汛抢险突击队", "森林灭火突击队", "化工救援攻坚组", "无人机操作", "绳索救援小组",
		"破拆技术小组", "消防宣传志愿服务", "学历提升", "读书分享", "羽毛球", "足球队", "跑团", "法律学习", "廉政教育",
		"重点单位熟悉", "微型站指导", "网格化管理", "夏训集训", "冬训集训", "消防安全检查", "执法办案", "火灾隐患整治"}
	detThemes = []string{"作战训练骨干", "战训业务研讨", "火灾调查业务", "执法业务交流", "新闻宣传通讯员", "信息化联络员", "装备技师",
		"驾驶员技能提升", "特勤攻坚", "比武集训队", "政治工作研讨", "青年干部", "心理服务", "财务报账员", "后勤保障", "应急通信保障队",
		"无人机飞手", "搜救犬训导员", "高层灭火专业队", "化工灾害处置专业队", "水域救援专业队", "地震救援专业队", "山岳救援专业队",
		"森林灭火专业队", "统计信息员", "法制员", "党务工作者", "共青团", "工会小组", "保密员", "档案员", "预案编制", "灭火救援指挥长",
		"专职队伍指导", "社会救援力量联络", "执法质量考评", "舆情应对", "网络安全", "消防技术服务监管", "重大活动安保"}
	corpsThemes = []string{"全省火灾调查技术骨干", "全省消防救援指挥长", "全省新闻宣传骨干", "全省信息通信业务", "全省执法业务骨干",
		"全省训练骨干集训队", "全省技能鉴定考评员", "全省优秀青年干部培训班", "全省政治工作干部培训班", "全省比武竞赛筹备",
		"全省特勤攻坚骨干", "全省化工救援专家组", "全省地震救援队", "全省水域救援骨干", "全省心理服务骨干", "全省后勤装备骨干",
		"全省财务业务", "全省法制审核骨干", "全省宣传文化骨干", "全省消防文艺骨干", "全省通信保障突击队", "全省无人机骨干",
		"全省搜救犬技术", "全省森林火灾扑救骨干", "全省高层建筑灭火骨干", "全省战勤保障骨干", "全省政工网评员", "全省统计业务"}
	officeThemes = []string{"统计报表", "绩效考评", "督查督办", "预算执行", "综合文稿", "法规制度", "会务保障", "档案整理", "保密检查",
		"信息化项目", "网络安全", "装备采购", "工程建设", "营房维修", "党建考评", "干部培训", "人才库建设", "招录组织", "宣传策划",
		"舆情应对", "安全生产检查", "执法监督", "火灾统计", "车辆管理", "资产清查"}
	stationLiaison = []string{"辖区重点单位联络", "微型消防站联勤", "社区消防网格", "九小场所联络", "消防志愿者", "物业消防联络"}
	brigadeLiaison = []string{"社会单位消防安全管理", "消防安全重点单位", "物业服务企业消防安全", "专职消防队联络", "乡镇街道消防工作",
		"消防技术服务机构"}
)

// temporary tasks: a theme, its end date and whether that date is past on ReferenceDate.
type tempTask struct {
	Theme string
	End   time.Time
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// expiredTasks ended before ReferenceDate (GRP-TEMP when their group is still open); openTasks
// end at least ten days after it.
var (
	expiredTasks = func() []tempTask {
		var out []tempTask
		for _, y := range []int{2025, 2026} {
			out = append(out,
				tempTask{fmt.Sprintf("%d年春节期间消防安全专项检查", y), day(y, 2, 28)},
				tempTask{fmt.Sprintf("%d年夏季消防检查专项", y), day(y, 8, 31)},
				tempTask{fmt.Sprintf("%d年五一消防安保", y), day(y, 5, 6)},
				tempTask{fmt.Sprintf("%d年高考消防安保", y), day(y, 6, 10)},
				tempTask{fmt.Sprintf("%d年汛期抢险救援准备", y), day(y, 9, 30)},
				tempTask{fmt.Sprintf("%d年国庆消防安保", y), day(y, 10, 8)},
				tempTask{fmt.Sprintf("%d年森林草原防灭火专项", y), day(y, 6, 30)},
				tempTask{fmt.Sprintf("%d年第一季度执法质量考评", y), day(y, 4, 15)})
		}
		return append(out, tempTask{"第31届世界大学生夏季运动会消防安保", day(2023, 8, 8)},
			tempTask{"2025年冬春火灾防控", day(2026, 3, 31)})
	}()
	openTasks = []tempTask{
		{"2026年消防宣传月活动", day(2026, 11, 30)}, {"2026年冬春火灾防控", day(2027, 3, 31)},
		{"2026年度实战化训练考核", day(2026, 12, 20)}, {"2026年第四季度执法质量考评", day(2027, 1, 15)},
		{"2027年春节期间消防安全专项检查", day(2027, 2, 28)}, {"2026年冬季体能集训", day(2027, 1, 31)},
		{"2026年岁末年初安全生产专项", day(2027, 2, 15)},
	}
)

// Names of planted groups made from a base group, by the base's level.
var derivedNames = map[string]struct{ dup, subset, near []string }{
	"station": {[]string{"值班群", "通知群", "执勤群", "日常工作群", "工作群(新)"}, []string{"骨干群", "班长骨干群", "干部群"},
		[]string{"训练群", "学习群", "生活群", "党小组群"}},
	"brigade": {[]string{"工作通知群", "综合工作群", "工作群(新)", "钉钉工作群", "政务微信工作群"}, []string{"中层干部群", "站长指导员群", "主官群"},
		[]string{"执勤战备群", "业务交流群", "学习教育群"}},
	"detachment": {[]string{"指挥调度群", "工作通知群", "综合工作群"}, []string{"主官群", "党委委员群", "领导干部群"},
		[]string{"作战会商群", "业务研讨群"}},
	"random": {[]string{"(新)", "工作群", "二群"}, []string{"核心组", "骨干组"}, []string{"交流群", "研讨群"}},
}

// groupGen holds the state of group generation.
type groupGen struct {
	b     *bureau
	ix    *orgIndex
	r     *rand.Rand
	inv   *inventory
	pl    invPlan
	nm    *namer
	deg   []int32 // groups per person
	stamp []int32 // stamp[p] == cur: p is in the group being built
	cur   int32
	ext   map[string]bool
	names map[int]map[string]int // per unit: names taken and how often their stem was used
	seq   map[string]int         // approval numbers per issuer and year

	brigRandom map[int][]int // random groups per 大队 (those its people are topped up from)
	detRandom  map[int][]int
	office     []int
	stayers    []int32 // people who left but stayed in groups
	dirty      []int   // groups planted or changed after the first overlap check
	platW      int
}

// genGroups draws all work groups and their members, plants the group problems and checks that
// no two groups overlap by accident.
func (inv *inventory) genGroups(b *bureau, ix *orgIndex, r *rand.Rand) error {
	g := &groupGen{b: b, ix: ix, r: r, inv: inv, pl: inv.plan, nm: newNamer(),
		deg: make([]int32, len(b.people)), stamp: make([]int32, len(b.people)), ext: map[string]bool{},
		names: map[int]map[string]int{}, seq: map[string]int{}, brigRandom: map[int][]int{}, detRandom: map[int][]int{}}
	for _, p := range groupPlatforms {
		g.platW += p.Weight
	}
	inv.groups = make([]group, 0, inv.plan.groups+inv.plan.groups/10)
	// About half of those who left were never taken out of their groups.
	for u := range b.units {
		for _, p := range ix.left[u] {
			if r.IntN(2) == 0 || len(g.stayers) < 2 {
				g.stayers = append(g.stayers, p)
			}
		}
	}
	g.standing()
	g.liaisons()
	g.randoms()
	g.keepStayers()
	g.topUp()
	g.temporaries()
	if err := g.check(false); err != nil {
		return err
	}
	g.plantDuplicates()
	g.plantOthers()
	if err := g.check(true); err != nil {
		return err
	}
	g.repair()
	g.finish()
	return nil
}

// --- building blocks ---

func (g *groupGen) platform() string {
	x := g.r.IntN(g.platW)
	for _, p := range groupPlatforms {
		if x < p.Weight {
			return p.Name
		}
		x -= p.Weight
	}
	return "微信"
}

// name makes a unit's group name unique within the unit: 春熙路站篮球队群, then 春熙路站篮球队二群.
func (g *groupGen) name(unit int, stem string) string {
	if g.names[unit] == nil {
		g.names[unit] = map[string]int{}
	}
	m := g.names[unit]
	n := m[stem]
	for {
		name := stem + "群"
		switch {
		case n == 0:
		case n+1 < len(cnDigits):
			name = stem + cnDigits[n+1] + "群"
		default:
			name = fmt.Sprintf("%s%d群", stem, n+1)
		}
		n++
		if m["="+name] == 0 {
			m[stem] = n
			m["="+name] = 1
			return name
		}
	}
}

// claim takes an exact name for a unit (planted groups pick theirs from lists), numbering it
// if it is taken.
func (g *groupGen) claim(unit int, name string) string {
	if g.names[unit] == nil {
		g.names[unit] = map[string]int{}
	}
	m := g.names[unit]
	base := strings.TrimSuffix(name, "群")
	for k := 2; m["="+name] > 0; k++ {
		name = fmt.Sprintf("%s%d群", base, k)
	}
	m["="+name] = 1
	return name
}

// approval is a filing number as the issuing 支队 (or the 总队) writes it.
func (g *groupGen) approval(unit int, year int) string {
	issuer := "川消"
	if d := g.ix.det[unit]; d >= 0 {
		issuer = g.ix.place[d] + "消"
	}
	key := fmt.Sprintf("%s%d", issuer, year)
	g.seq[key]++
	return fmt.Sprintf("%s群备〔%d〕%03d号", issuer, year, g.seq[key])
}

// begin starts a group owned by unit with owner (a person index, or -1).
func (g *groupGen) begin(unit int, name string, kind groupKind, owner int32) group {
	g.cur++
	gr := group{Unit: unit, Name: name, Platform: g.platform(), Owner: -1, Status: "active", kind: kind,
		stem: g.ix.short[unit], protected: kind == gkStanding || kind == gkPost}
	gr.Opened = ReferenceDate.AddDate(-between(g.r, 0, 6), -between(g.r, 1, 11), -g.r.IntN(28))
	if owner >= 0 {
		gr.Owner = int(owner)
		g.add(&gr, owner)
	}
	if g.r.IntN(8) > 0 {
		gr.Attested = daysBefore(between(g.r, 5, 170))
	}
	return gr
}

func (g *groupGen) add(gr *group, p int32) bool {
	if g.stamp[p] == g.cur {
		return false
	}
	g.stamp[p] = g.cur
	gr.Members = append(gr.Members, p)
	g.deg[p]++
	return true
}

func (g *groupGen) addAll(gr *group, ps []int32) {
	for _, p := range ps {
		g.add(gr, p)
	}
}

// draw adds up to k people from pool, skipping those already in the group and, if capped, those
// in maxDeg groups already.
func (g *groupGen) draw(gr *group, pool []int32, k int, capped bool) {
	if len(pool) == 0 {
		return
	}
	for tries, got := 0, 0; got < k && tries < 8*k+20; tries++ {
		p := pool[g.r.IntN(len(pool))]
		if capped && int(g.deg[p]) >= g.pl.maxDeg {
			continue
		}
		if g.add(gr, p) {
			got++
		}
	}
}

// outsiders adds n people from outside the organisation, named as they name themselves in work
// groups: 张伟(春熙百货). Names are unique across the demo, so outsiders never make two groups
// overlap.
func (g *groupGen) outsiders(gr *group, n int, orgs func() string) {
	for range n {
		for tries := 0; ; tries++ {
			name := g.nm.name(g.r, g.r.IntN(5) < 2) + "(" + orgs() + ")"
			if tries > 20 {
				name = fmt.Sprintf("%s%d", name, tries)
			}
			if !g.ext[name] {
				g.ext[name] = true
				gr.Externals = append(gr.Externals, name)
				break
			}
		}
	}
}

func (g *groupGen) push(gr group) int {
	if gr.Approval == "" {
		gr.Approval = g.approval(gr.Unit, gr.Opened.Year())
	}
	if len(gr.Members) > 1 && g.r.IntN(3) == 0 {
		gr.Admins = 1
	}
	if gr.Owner < 0 && len(gr.Members) > 0 {
		gr.Admins = 0
	}
	g.inv.groups = append(g.inv.groups, gr)
	return len(g.inv.groups) - 1
}

// first returns the first n people in post of a unit: its leaders, as genPeople lists them.
func (g *groupGen) first(unit, n int) []int32 {
	a := g.ix.active[unit]
	return a[:min(n, len(a))]
}

func (g *groupGen) isStayer(p int32) bool { _, ok := slices.BinarySearch(g.stayers, p); return ok }

// stayersOf are the people of a unit who left but are still in its groups.
func (g *groupGen) stayersOf(unit int) []int32 {
	var out []int32
	for _, p := range g.ix.left[unit] {
		if g.isStayer(p) {
			out = append(out, p)
		}
	}
	return out
}

// --- standing groups ---

// sectionPosts are the posts in 大队 and 站 that a 支队 科室's line group (条线业务群) reaches.
var sectionPosts = map[string]struct {
	Label string
	Posts []string
}{
	"BGS": {"综合文秘", []string{"文员", "宣传员"}}, "ZZXL": {"作战训练", []string{"站长", "副站长"}},
	"FHJD": {"防火监督", []string{"防火监督员"}}, "ZZJY": {"政治工作", []string{"教导员", "指导员"}},
	"HQZB": {"后勤装备", []string{"副大队长"}}, "XXTX": {"信息通信", []string{"参谋"}},
}

// standing creates every unit's own group and the bureau-wide post groups.
func (g *groupGen) standing() {
	b, ix := g.b, g.ix
	slices.Sort(g.stayers)
	leaders := ix.active[b.root]
	// 总队: one group per 处室 (with its counterparts in the 支队), the 党委, the 机关.
	var heads []int32
	for k, d := range departments {
		u := b.depts[d.Code]
		staff := ix.active[u]
		if len(staff) == 0 {
			continue
		}
		heads = append(heads, staff[0])
		gr := g.begin(u, g.name(u, "总队"+d.Name+"工作"), gkStanding, staff[0])
		g.addAll(&gr, staff)
		g.addAll(&gr, g.stayersOf(u))
		g.add(&gr, leaders[k%len(leaders)])
		if _, ok := sectionPosts[d.Code]; ok {
			for _, det := range b.detachments {
				for _, s := range ix.kids[det] {
					if strings.HasSuffix(b.units[s].Code, "-"+d.Code) {
						g.addAll(&gr, g.first(s, 1))
					}
				}
			}
		} else {
			for _, det := range b.detachments {
				if g.r.IntN(3) == 0 {
					g.add(&gr, pick(g.r, ix.detHQ[det]))
				}
			}
		}
		gr.Platform = "政务微信"
		g.push(gr)
	}
	gr := g.begin(b.root, g.name(b.root, "总队党委委员"), gkStanding, heads[0])
	g.addAll(&gr, leaders)
	g.addAll(&gr, heads)
	g.push(gr)
	office := b.depts[deptOffice]
	gr = g.begin(office, g.name(office, "总队机关干部"), gkStanding, ix.active[office][0])
	for _, d := range departments {
		g.addAll(&gr, ix.active[b.depts[d.Code]])
	}
	g.push(gr)

	for di, det := range b.detachments {
		detLeaders := ix.active[det]
		owner := detLeaders[0]
		var sections []int
		for _, s := range ix.kids[det] {
			if b.units[s].Kind == org.Department {
				sections = append(sections, s)
				if strings.HasSuffix(b.units[s].Code, "-BGS") && len(ix.active[s]) > 0 {
					owner = ix.active[s][0]
				}
			}
		}
		gr := g.begin(det, g.name(det, ix.short[det]+"工作"), gkStanding, owner)
		g.addAll(&gr, detLeaders)
		g.addAll(&gr, g.stayersOf(det))
		for _, s := range sections {
			g.addAll(&gr, g.first(s, 1))
		}
		for _, k := range ix.kids[det] {
			if b.units[k].Kind == org.Brigade || b.units[k].Kind == org.Station {
				g.addAll(&gr, g.first(k, 2))
			}
		}
		g.push(gr)
		// 条线业务群: the 科室 and the posts below that do its work.
		for _, s := range sections {
			code := b.units[s].Code[strings.LastIndex(b.units[s].Code, "-")+1:]
			sp, ok := sectionPosts[code]
			if !ok || len(ix.active[s]) == 0 {
				continue
			}
			var reach []int32
			for _, p := range ix.sub[det] {
				if slices.Contains(sp.Posts, b.people[p].Post) && b.units[b.people[p].Unit].Kind != org.Department {
					reach = append(reach, p)
				}
			}
			if len(reach) < 3 {
				continue // a line with nobody below is not worth a group
			}
			gr := g.begin(s, g.name(s, ix.short[det]+sp.Label+"业务"), gkStanding, ix.active[s][0])
			g.addAll(&gr, ix.active[s])
			g.addAll(&gr, g.stayersOf(s))
			g.addAll(&gr, reach)
			g.push(gr)
		}
		// Each 大队 and 站.
		for _, br := range ix.kids[det] {
			if b.units[br].Kind == org.Station {
				g.stationGroup(br, detLeaders[di%len(detLeaders)])
				continue
			}
			if b.units[br].Kind != org.Brigade {
				continue
			}
			staff := ix.active[br]
			owner := staff[len(staff)-1] // often the clerk keeps the group
			gr := g.begin(br, g.name(br, ix.short[br]+"工作"), gkStanding, owner)
			g.addAll(&gr, staff)
			g.addAll(&gr, g.stayersOf(br))
			for _, st := range ix.kids[br] {
				g.addAll(&gr, g.first(st, 2))
			}
			g.add(&gr, detLeaders[(di+len(g.inv.groups))%len(detLeaders)])
			g.push(gr)
			for k, st := range ix.kids[br] {
				g.stationGroup(st, staff[k%min(2, len(staff))])
			}
		}
	}
	// Everyone of one post, province-wide, or per 支队 where that would exceed postCap.
	for _, pg := range []struct{ post, theme, dept string }{
		{"驾驶员", "消防车驾驶员安全管理", "DW"}, {"班长", "消防站班长骨干", "ZZXL"}, {"通信员", "消防站通信员业务", "XXTX"},
	} {
		all := ix.byPost[pg.post]
		if len(all) == 0 {
			continue
		}
		if len(all) <= g.pl.postCap {
			u := b.depts[pg.dept]
			gr := g.begin(u, g.name(u, "全省"+pg.theme), gkPost, ix.active[u][0])
			g.addAll(&gr, all)
			g.push(gr)
			continue
		}
		for _, det := range b.detachments {
			gr := g.begin(det, g.name(det, ix.short[det]+pg.theme), gkPost, ix.active[det][len(ix.active[det])-1])
			for _, p := range ix.sub[det] {
				if b.people[p].Post == pg.post {
					g.add(&gr, p)
				}
			}
			g.push(gr)
		}
	}
}

// stationGroup is a 站's own group: everyone at the station and one leader above it.
func (g *groupGen) stationGroup(st int, above int32) {
	staff := g.ix.active[st]
	if len(staff) == 0 {
		return
	}
	owner := staff[0]
	if g.r.IntN(3) == 0 {
		owner = staff[len(staff)-1]
	}
	gr := g.begin(st, g.name(st, g.ix.short[st]+"工作"), gkStanding, owner)
	g.addAll(&gr, staff)
	g.addAll(&gr, g.stayersOf(st))
	g.add(&gr, above)
	g.push(gr)
}

// --- groups with outsiders ---

var (
	orgTails = []string{"百货", "商场", "宾馆", "大酒店", "医院", "中学", "小学", "幼儿园", "养老院", "加油站", "物流园", "农贸市场",
		"购物中心", "影城", "网吧", "超市", "物业", "商贸公司", "汽车站", "社区卫生服务中心", "酒楼", "火锅店", "仓储", "建材市场"}
	gridTails = []string{"社区网格员", "街道办", "社区居委会", "派出所", "供电所", "燃气站", "村委会"}
)

// liaisons creates each 站's and 大队's groups with outsiders.
func (g *groupGen) liaisons() {
	b, ix := g.b, g.ix
	for _, st := range b.stations {
		staff := ix.active[st]
		if len(staff) == 0 {
			continue
		}
		n := between(g.r, g.pl.liaison.Min, g.pl.liaison.Max)
		themes := g.r.Perm(len(stationLiaison))[:min(n, len(stationLiaison))]
		place := ix.place[st]
		for _, t := range themes {
			owner := pick(g.r, staff[:min(2, len(staff))])
			if g.r.IntN(3) == 0 {
				owner = staff[len(staff)-1]
			}
			gr := g.begin(st, g.name(st, ix.short[st]+stationLiaison[t]), gkLiaison, owner)
			g.draw(&gr, staff, g.r.IntN(3), false)
			if br := ix.brigade[st]; br >= 0 && g.r.IntN(2) == 0 {
				g.draw(&gr, ix.active[br], 1, false)
			}
			orgs := func() string { return pick(g.r, stationPlaces) + pick(g.r, orgTails) }
			if stationLiaison[t] == "社区消防网格" {
				orgs = func() string { return place + pick(g.r, gridTails) }
			}
			g.outsiders(&gr, between(g.r, g.pl.externals.Min, g.pl.externals.Max), orgs)
			g.push(gr)
		}
	}
	for _, br := range b.brigades {
		staff := ix.active[br]
		county := strings.TrimSuffix(b.units[br].Name, "消防救援大队")
		if i := strings.Index(county, "消防救援"); i >= 0 {
			county = county[:i] + strings.TrimSuffix(county[i+len("消防救援"):], "大队")
		}
		n := between(g.r, g.pl.brigadeExt.Min, g.pl.brigadeExt.Max)
		for _, t := range g.r.Perm(len(brigadeLiaison))[:min(n, len(brigadeLiaison))] {
			var fire []int32
			for _, p := range staff {
				if b.people[p].Post == "防火监督员" {
					fire = append(fire, p)
				}
			}
			owner := pick(g.r, staff)
			if len(fire) > 0 {
				owner = pick(g.r, fire)
			}
			gr := g.begin(br, g.name(br, county+brigadeLiaison[t]), gkLiaison, owner)
			g.draw(&gr, ix.sub[br], between(g.r, 1, 3), false)
			g.outsiders(&gr, between(g.r, g.pl.bigExt.Min, g.pl.bigExt.Max), func() string {
				return pick(g.r, stationPlaces) + pick(g.r, orgTails)
			})
			g.push(gr)
		}
	}
}

// --- internal working groups ---

type tier struct {
	p      int // percent
	lo, hi int
}

func (g *groupGen) size(tiers []tier, limit int) int {
	x := g.r.IntN(100)
	for _, t := range tiers {
		if x < t.p {
			return min(between(g.r, t.lo, t.hi), limit)
		}
		x -= t.p
	}
	return min(tiers[0].lo, limit)
}

var (
	brigadeSizes = []tier{{72, 5, 10}, {23, 10, 22}, {5, 22, 50}}
	detSizes     = []tier{{70, 6, 16}, {25, 16, 45}, {5, 45, 120}}
	corpsSizes   = []tier{{70, 10, 30}, {25, 30, 100}, {4, 100, 400}, {1, 800, 1500}}
	officeSizes  = []tier{{80, 5, 15}, {20, 15, 40}}
)

// randoms fills the rest of the target with internal working groups, shared out between the
// levels and, within a level, by the size of each unit's subtree.
func (g *groupGen) randoms() {
	b, ix := g.b, g.ix
	derived := g.pl.dupGroups*6/5 + g.pl.nearMiss
	rest := max(0, g.pl.groups-len(g.inv.groups)-derived)
	nBrig, nDet, nOffice := rest*58/100, rest*28/100, rest*4/100
	nCorps := rest - nBrig - nDet - nOffice
	share := func(total int, units []int) []int {
		sum := 0
		for _, u := range units {
			sum += len(ix.sub[u])
		}
		out := make([]int, len(units))
		acc, given := 0, 0
		for i, u := range units {
			acc += len(ix.sub[u])
			n := total * acc / max(1, sum)
			out[i] = n - given
			given = n
		}
		return out
	}
	for i, br := range share(nBrig, b.brigades) {
		unit := b.brigades[i]
		pool := ix.sub[unit]
		limit := max(4, len(pool)/4)
		hq := ix.detHQ[ix.det[unit]]
		for range br {
			owner := unit
			if kids := ix.kids[unit]; len(kids) > 0 && g.r.IntN(10) < 3 {
				owner = pick(g.r, kids)
			}
			k := g.size(brigadeSizes, limit)
			extra := 0 // now and then someone from the 支队 joins
			if g.r.IntN(3) == 0 {
				extra = 1
			}
			if idx := g.internal(owner, brigadeThemes, pool, k, hq, extra); idx >= 0 {
				g.brigRandom[unit] = append(g.brigRandom[unit], idx)
			}
		}
	}
	for i, n := range share(nDet, b.detachments) {
		det := b.detachments[i]
		pool := ix.sub[det]
		limit := max(6, len(pool)*15/100)
		var owners []int
		owners = append(owners, det)
		for _, k := range ix.kids[det] {
			if b.units[k].Kind == org.Department {
				owners = append(owners, k)
			}
		}
		for range n {
			k := g.size(detSizes, limit)
			extra := 0
			if g.r.IntN(10) == 0 {
				extra = 1
			}
			if idx := g.internal(pick(g.r, owners), detThemes, pool, k, ix.corpsHQ, extra); idx >= 0 {
				g.detRandom[det] = append(g.detRandom[det], idx)
			}
		}
	}
	depts := make([]int, 0, len(departments))
	for _, d := range departments {
		depts = append(depts, b.depts[d.Code])
	}
	limit := max(10, len(ix.all)*12/100)
	for range nCorps {
		if idx := g.internal(pick(g.r, depts), corpsThemes, ix.all, g.size(corpsSizes, limit), nil, 0); idx >= 0 {
			g.office = append(g.office, idx) // the 总队's people are topped up from these too
		}
	}
	// 机关 groups join the 总队's 处室 and the 支队's 科室: never only the former, or the 机关干部群
	// would contain them.
	var detHQ []int32
	for _, det := range b.detachments {
		detHQ = append(detHQ, ix.detHQ[det]...)
	}
	limit = max(5, len(ix.corpsHQ)/8)
	for range nOffice {
		u := pick(g.r, depts)
		k := g.size(officeSizes, limit)
		if idx := g.internal(u, officeThemes, ix.corpsHQ, k/2, detHQ, max(2, k-k/2)); idx >= 0 {
			g.office = append(g.office, idx)
		}
	}
}

// internal creates an internal working group owned by unit: its owner, k people from pool and
// extra people from above.
func (g *groupGen) internal(unit int, themes []string, pool []int32, k int, above []int32, extra int) int {
	owner := g.owner(g.ix.active[unit])
	theme := pick(g.r, themes)
	stem := g.ix.short[unit] + theme
	if strings.HasPrefix(theme, "全省") {
		stem = theme
	}
	gr := g.begin(unit, g.name(unit, stem), gkRandom, owner)
	g.draw(&gr, pool, k, true)
	g.draw(&gr, above, extra, true)
	if len(gr.Members) < min(4, k+1) {
		// Everyone around is in enough groups already: this group does not happen.
		for _, p := range gr.Members {
			g.deg[p]--
		}
		return -1
	}
	if g.r.IntN(50) == 0 {
		gr.Status = "retired"
		gr.Closed = daysBefore(between(g.r, 20, 300))
		if gr.Opened.After(gr.Closed) {
			gr.Opened = gr.Closed.AddDate(-1, 0, 0)
		}
	}
	return g.push(gr)
}

// owner picks a group owner from staff: someone below the cap on groups if possible, else the
// least busy.
func (g *groupGen) owner(staff []int32) int32 {
	if len(staff) == 0 {
		return -1
	}
	best := staff[0]
	start := g.r.IntN(len(staff))
	for k := range staff {
		p := staff[(start+k)%len(staff)]
		if int(g.deg[p]) < g.pl.maxDeg {
			return p
		}
		if g.deg[p] < g.deg[best] {
			best = p
		}
	}
	return best
}

// keepStayers puts people who left into a few of their old 大队's or 支队's working groups too.
func (g *groupGen) keepStayers() {
	for _, p := range g.stayers {
		cands := g.candidates(p)
		for range between(g.r, 1, 3) {
			if len(cands) == 0 {
				break
			}
			g.join(pick(g.r, cands), p)
		}
	}
}

// candidates are the working groups a person could be topped up into.
func (g *groupGen) candidates(p int32) []int {
	u := g.b.people[p].Unit
	if br := g.ix.brigade[u]; br >= 0 && len(g.brigRandom[br]) > 0 {
		return g.brigRandom[br]
	}
	if d := g.ix.det[u]; d >= 0 && len(g.detRandom[d]) > 0 {
		return g.detRandom[d]
	}
	return g.office
}

// join adds p to group gi unless already there.
func (g *groupGen) join(gi int, p int32) {
	gr := &g.inv.groups[gi]
	if gr.Status != "active" || slices.Contains(gr.Members, p) {
		return
	}
	gr.Members = append(gr.Members, p)
	g.deg[p]++
}

// topUp puts everyone in post into at least minDeg groups.
func (g *groupGen) topUp() {
	for _, p := range g.ix.all {
		cands := g.candidates(p)
		// One more than the minimum: the overlap check may still drop a group or two.
		for tries := 0; int(g.deg[p]) <= g.pl.minDeg && tries < 20 && len(cands) > 0; tries++ {
			g.join(pick(g.r, cands), p)
		}
	}
}

// repair tops up people whom the overlap check left in fewer than minDeg groups, joining only
// groups where one more member cannot make an overlap: only a pair of the joined group and a
// group of the newcomer gains a shared member, so only those pairs are checked.
func (g *groupGen) repair() {
	groups := g.inv.groups
	deg := make([]int, len(g.b.people))
	for i := range groups {
		if !groups[i].dropped {
			for _, p := range groups[i].Members {
				deg[p]++
			}
		}
	}
	var short []int32
	for _, p := range g.ix.all {
		if deg[p] < g.pl.minDeg {
			short = append(short, p)
		}
	}
	if len(short) == 0 {
		return
	}
	of := map[int32][]int{} // groups of the people being repaired
	need := map[int32]bool{}
	for _, p := range short {
		need[p] = true
	}
	for i := range groups {
		if groups[i].dropped {
			continue
		}
		for _, p := range groups[i].Members {
			if need[p] {
				of[p] = append(of[p], i)
			}
		}
	}
	size := func(i int) int { return len(groups[i].Members) + len(groups[i].Externals) }
	for _, p := range short {
		cands := slices.Clone(g.candidates(p))
		g.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		for _, gi := range cands {
			if deg[p] >= g.pl.minDeg {
				break
			}
			gr := &groups[gi]
			if gr.dropped || gr.protected || gr.Status != "active" || slices.Contains(gr.Members, p) {
				continue
			}
			g.cur++
			for _, m := range gr.Members {
				g.stamp[m] = g.cur
			}
			g.stamp[p] = g.cur
			safe := true
			for _, h := range of[p] {
				inter := 0
				for _, m := range groups[h].Members {
					if g.stamp[m] == g.cur {
						inter++
					}
				}
				if crosses(inter, size(gi)+1, size(h)) {
					safe = false
					break
				}
			}
			if safe {
				gr.Members = append(gr.Members, p)
				of[p] = append(of[p], gi)
				deg[p]++
			}
		}
	}
}

// temporaries turns some working groups into temporary task groups: planted ones whose task has
// ended (GRP-TEMP), and as many whose task is still running.
func (g *groupGen) temporaries() {
	var cands []int
	for _, list := range [][]int{flatten(g.brigRandom, g.b.brigades), flatten(g.detRandom, g.b.detachments)} {
		cands = append(cands, list...)
	}
	g.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	k := 0
	for i := 0; i < 2*g.pl.expired && k < len(cands); k++ {
		gr := &g.inv.groups[cands[k]]
		if gr.Status != "active" {
			continue
		}
		task := pick(g.r, openTasks)
		if i < g.pl.expired {
			task = pick(g.r, expiredTasks)
		}
		i++
		gr.Temporary = true
		gr.TaskEnd = task.End
		gr.Opened = task.End.AddDate(0, -between(g.r, 1, 4), -g.r.IntN(20))
		if gr.Opened.After(ReferenceDate) {
			gr.Opened = daysBefore(between(g.r, 5, 40))
		}
		gr.Name = g.name(gr.Unit, g.ix.short[gr.Unit]+task.Theme+"工作")
	}
}

func flatten(m map[int][]int, order []int) []int {
	var out []int
	for _, k := range order {
		out = append(out, m[k]...)
	}
	return out
}

// --- planted problems ---

// plantDuplicates makes GRP-DUP clusters (copies and subsets of a base group) and near misses,
// each from its own base: the units' own groups and, in the larger presets, working groups.
func (g *groupGen) plantDuplicates() {
	b := g.b
	var bases []int
	for i := range g.inv.groups {
		gr := &g.inv.groups[i]
		if gr.dropped || gr.Status != "active" || gr.Temporary || len(gr.Externals) > 0 || len(gr.Members) < 6 || gr.Owner < 0 {
			continue
		}
		k := b.units[gr.Unit].Kind
		if gr.kind == gkStanding && (k == org.Station || k == org.Brigade || k == org.Detachment) || gr.kind == gkRandom && len(gr.Members) <= 40 {
			bases = append(bases, i)
		}
	}
	g.r.Shuffle(len(bases), func(i, j int) { bases[i], bases[j] = bases[j], bases[i] })
	// Standing bases first: 站值班群 next to 站工作群 is the typical case.
	slices.SortStableFunc(bases, func(x, y int) int {
		return int(g.inv.groups[x].kind) - int(g.inv.groups[y].kind)
	})
	next := 0
	for c := 0; c < g.pl.dupGroups && next < len(bases); c++ {
		base := bases[next]
		next++
		g.inv.groups[base].protected = true
		g.inv.groups[base].base = true
		cluster := []int{base}
		switch x := g.r.IntN(20); {
		case x < 12:
			cluster = append(cluster, g.derive(base, "dup"))
		case x < 15:
			cluster = append(cluster, g.derive(base, "dup"), g.derive(base, "dup"))
		default:
			cluster = append(cluster, g.derive(base, "subset"))
		}
		g.inv.dupSets = append(g.inv.dupSets, cluster)
	}
	for c := 0; c < g.pl.nearMiss && next < len(bases); c++ {
		base := bases[next]
		next++
		g.inv.groups[base].protected = true
		g.inv.groups[base].base = true
		g.inv.nearMiss = append(g.inv.nearMiss, [2]int{base, g.derive(base, "near")})
	}
}

// derive makes a planted group from base: a copy (a few people removed or added, still over the
// GRP-DUP thresholds), a subset (fully inside the base), or a near miss (clearly similar but
// under both thresholds).
func (g *groupGen) derive(base int, how string) int {
	src := g.inv.groups[base]
	n := len(src.Members)
	type ac struct{ a, c int }
	var opts []ac
	switch how {
	case "dup":
		lim := 2 + n/15
		for a := 0; a <= lim; a++ {
			for c := 0; c <= lim; c++ {
				j, ct := overlap(n-a, n, n-a+c)
				if j >= 0.81 || ct >= 0.91 {
					opts = append(opts, ac{a, c})
				}
			}
		}
	case "subset":
		for s := max(4, (3*n+9)/10); s*4 <= 3*n; s++ {
			opts = append(opts, ac{n - s, 0})
		}
	case "near":
		for a := 1; a <= n/2; a++ {
			for c := 0; c <= n; c++ {
				j, ct := overlap(n-a, n, n-a+c)
				if j >= 0.6 && j <= 0.75 && ct <= 0.89 {
					opts = append(opts, ac{a, c})
				}
			}
		}
	}
	if len(opts) == 0 { // a base too small for the wanted shape: copy it
		opts = []ac{{0, 0}}
	}
	pickAC := pick(g.r, opts)
	g.cur++
	d := group{Unit: src.Unit, Owner: src.Owner, Status: "active", kind: gkDerived, protected: true, stem: src.stem,
		Platform: g.platform(), Opened: ReferenceDate.AddDate(0, -between(g.r, 1, 30), -g.r.IntN(28))}
	if d.Opened.Before(src.Opened) {
		d.Opened = src.Opened.AddDate(0, 0, between(g.r, 1, 60))
	}
	if d.Opened.After(ReferenceDate) {
		d.Opened = daysBefore(between(g.r, 1, 10))
	}
	if g.r.IntN(8) > 0 {
		d.Attested = daysBefore(between(g.r, 5, 170))
	}
	// Keep the owner, drop a random a of the others.
	rest := slices.Clone(src.Members[1:])
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	g.add(&d, src.Members[0])
	for _, p := range rest[pickAC.a:] {
		g.add(&d, p)
	}
	// Add c people who are not in the base, from the unit's surroundings.
	for _, p := range src.Members {
		g.stamp[p] = g.cur
	}
	pool := g.addPool(src.Unit)
	for tries, got := 0, 0; got < pickAC.c && tries < 50*pickAC.c+50; tries++ {
		if g.add(&d, pick(g.r, pool)) {
			got++
		}
	}
	// Names follow the base: 春熙路站值班群 next to 春熙路站工作群.
	lvl := "random"
	if src.kind == gkStanding {
		lvl = map[org.UnitKind]string{org.Station: "station", org.Brigade: "brigade", org.Detachment: "detachment"}[g.b.units[src.Unit].Kind]
	}
	list := derivedNames[lvl].dup
	switch how {
	case "subset":
		list = derivedNames[lvl].subset
	case "near":
		list = derivedNames[lvl].near
	}
	suffix := pick(g.r, list)
	stem := src.stem
	if lvl == "random" {
		stem = strings.TrimSuffix(src.Name, "群")
	}
	if !strings.Contains(suffix, "群") {
		suffix += "群"
	}
	d.Name = g.claim(src.Unit, stem+suffix)
	switch {
	case strings.Contains(suffix, "钉钉"):
		d.Platform = "钉钉"
	case strings.Contains(suffix, "政务微信"):
		d.Platform = "政务微信"
	}
	i := g.push(d)
	g.dirty = append(g.dirty, i)
	return i
}

// addPool is where people added to a planted copy come from: the staff of the levels above
// the unit, who are not in its own groups (people of the unit's subtree could make the copy
// contain a 站's group).
func (g *groupGen) addPool(unit int) []int32 {
	ix := g.ix
	var pool []int32
	switch g.b.units[unit].Kind {
	case org.Station:
		if br := ix.brigade[unit]; br >= 0 {
			pool = append(pool, ix.active[br]...)
		}
		pool = append(pool, ix.detHQ[ix.det[unit]]...)
	case org.Brigade:
		pool = ix.detHQ[ix.det[unit]]
	default:
		if d := ix.det[unit]; d >= 0 && unit != d {
			pool = ix.detHQ[d]
		} else {
			pool = ix.corpsHQ
		}
	}
	return pool
}

// plantOthers plants ownerless groups, owners who have left, unfiled groups and idle candidates
// on working and liaison groups.
func (g *groupGen) plantOthers() {
	var cands []int
	for i, gr := range g.inv.groups {
		if !gr.dropped && !gr.protected && gr.Status == "active" {
			cands = append(cands, i)
		}
	}
	g.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	next := 0
	take := func() *group {
		if next >= len(cands) {
			return nil
		}
		next++
		return &g.inv.groups[cands[next-1]]
	}
	for range g.pl.noOwner {
		if gr := take(); gr != nil {
			gr.Owner = -1 // the 群主 left the platform role empty: GRP-NOOWNER
			gr.Admins = 0
		}
	}
	// Owners who left: the group is still theirs on the platform.
	for k := 0; k < g.pl.leftOwners && len(g.stayers) > 0; k++ {
		p := g.stayers[(k*7)%len(g.stayers)]
		for tries := 0; tries < 50; tries++ {
			gr := take()
			if gr == nil {
				break
			}
			if gr.Owner < 0 || gr.kind != gkRandom {
				continue
			}
			i := slices.Index(gr.Members, p)
			if i < 0 {
				gr.Members = append(gr.Members, p)
				i = len(gr.Members) - 1
			}
			gr.Members[0], gr.Members[i] = gr.Members[i], gr.Members[0]
			gr.Owner = int(p)
			g.dirty = append(g.dirty, cands[next-1])
			break
		}
	}
	for range g.pl.unfiled {
		if gr := take(); gr != nil {
			gr.Approval = "" // GRP-UNFILED
		}
	}
	// Idle candidates may be any live group, planted ones included.
	live := make([]int, 0, len(g.inv.groups))
	for i, gr := range g.inv.groups {
		if !gr.dropped && gr.Status == "active" {
			live = append(live, i)
		}
	}
	for _, i := range g.r.Perm(len(live))[:min(g.pl.idle, len(live))] {
		g.inv.groups[live[i]].idle = true
	}
}

// finish removes dropped groups, orders the rest by owning unit (generation order within a unit)
// and assigns codes, keeping the planted sets pointing at the right groups.
func (g *groupGen) finish() {
	old := g.inv.groups
	idx := make([]int, 0, len(old))
	for i := range old {
		if !old[i].dropped {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return old[a].Unit - old[b].Unit })
	newPos := make([]int, len(old))
	groups := make([]group, len(idx))
	members := 0
	for k, i := range idx {
		groups[k] = old[i]
		groups[k].Code = fmt.Sprintf("GRP-%06d", k+1)
		newPos[i] = k
		members += len(groups[k].Members) + len(groups[k].Externals)
		gr := &groups[k]
		gr.Purpose = groupPurpose(gr)
	}
	for c := range g.inv.dupSets {
		for k, i := range g.inv.dupSets[c] {
			g.inv.dupSets[c][k] = newPos[i]
		}
	}
	for k, pr := range g.inv.nearMiss {
		g.inv.nearMiss[k] = [2]int{newPos[pr[0]], newPos[pr[1]]}
	}
	g.inv.dropped = len(old) - len(groups)
	g.inv.groups = groups
	g.inv.members = members
}

func groupPurpose(gr *group) string {
	switch {
	case gr.Temporary:
		return "临时工作群：" + strings.TrimSuffix(gr.Name, "群") + "，任务结束后解散。"
	case gr.kind == gkLiaison:
		return "与辖区单位和群众的工作联络、消防安全提示和隐患通报。"
	case gr.kind == gkPost:
		return "同一岗位人员的业务通知和经验交流。"
	case gr.kind == gkStanding:
		return "本单位日常工作通知、任务部署和信息报送。"
	}
	return "专项工作的沟通协调。"
}
