package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// accountPlatform is a platform public accounts are on, how often each level of the service has
// one there, the followers a typical account of that level has, and when such accounts opened.
type accountPlatform struct {
	Name     string
	Share    [4]float64 // chance that a 总队, 支队, 大队, 站 has an account here
	Median   [4]int     // typical followers at each level
	FromYear int        // the platform's accounts opened from this year on
}

var accountPlatforms = []accountPlatform{
	{"微信公众号", [4]float64{1, 1, 0.95, 0.05}, [4]int{650_000, 120_000, 8_000, 1_500}, 2014},
	{"微博", [4]float64{1, 0.95, 0.55, 0}, [4]int{1_300_000, 150_000, 5_000, 800}, 2012},
	{"抖音", [4]float64{1, 0.95, 0.85, 0.3}, [4]int{2_600_000, 300_000, 15_000, 3_000}, 2018},
	{"微信视频号", [4]float64{1, 0.8, 0.6, 0.15}, [4]int{200_000, 40_000, 2_000, 600}, 2020},
	{"快手", [4]float64{1, 0.6, 0.35, 0}, [4]int{500_000, 60_000, 5_000, 1_000}, 2019},
	{"今日头条", [4]float64{1, 0.6, 0.3, 0}, [4]int{300_000, 30_000, 2_500, 500}, 2016},
	{"哔哩哔哩", [4]float64{1, 0, 0, 0}, [4]int{80_000, 10_000, 1_000, 300}, 2019},
}

// level of a unit for accounts: 0 总队, 1 支队, 2 大队, 3 站.
func acctLevel(k org.UnitKind) int {
	switch k {
	case org.Corps:
		return 0
	case org.Detachment:
		return 1
	case org.Brigade:
		return 2
	}
	return 3
}

// dupSuffixes name a unit's second account on a platform (ACC-DUP): a publicity office or an
// enthusiastic station opened its own.
var dupSuffixes = []string{"消防宣传", "火焰蓝", "消防119", "消防救援", "消防在线", "蓝朋友"}

// genAccounts opens the accounts of the 总队, its 支队, most 大队 and some 站, then plants the
// account problems on a few of them.
func (inv *inventory) genAccounts(b *bureau, ix *orgIndex, r *rand.Rand) {
	pl := inv.plan
	handles := map[string]bool{}
	filing := 0
	add := func(unit int, p accountPlatform, name string) *account {
		lv := acctLevel(b.units[unit].Kind)
		a := account{Unit: unit, Platform: p.Name, Name: name, Status: "active", Interaction: true,
			Operator: b.units[unit].Name}
		a.Owner = inv.accountOwner(b, ix, r, unit)
		// Followers are long-tailed; bigger 支队 have more. Clipping keeps ordinary accounts well
		// above a tenth of their peers' median, where ACC-LOWUSE candidates are planted.
		m := float64(p.Median[lv])
		if lv == 1 {
			m *= math.Sqrt(float64(len(ix.sub[unit])) / float64(max(1, len(ix.all)/max(1, len(b.detachments)))))
		}
		f := math.Exp(r.NormFloat64() * 0.7)
		a.Followers = int(m * math.Min(6, math.Max(0.3, f)))
		a.Opened = time.Date(between(r, p.FromYear, ReferenceDate.Year()-1), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		a.LastPost = daysBefore(r.IntN(3 + 2*lv)) // at most 7 days ago: nobody is stale by accident
		a.Handle = handle(r, b.units[unit].Code, p.Name, handles)
		filing++
		a.Filing = fmt.Sprintf("川政媒备〔%d〕%04d号", max(2019, a.Opened.Year()), filing)
		a.Purpose = accountPurpose(b, ix, unit, p.Name)
		a.Functions = []string{"信息发布", "消防科普", "留言互动"}
		if p.Name == "抖音" || p.Name == "快手" || p.Name == "微信视频号" || p.Name == "哔哩哔哩" {
			a.Functions = []string{"短视频发布", "直播科普", "评论互动"}
		}
		if r.IntN(8) > 0 {
			a.Attested = daysBefore(between(r, 5, 170))
		}
		inv.accounts = append(inv.accounts, a)
		return &inv.accounts[len(inv.accounts)-1]
	}
	for i, u := range b.units {
		lv := acctLevel(u.Kind)
		if u.Kind == org.Department {
			continue
		}
		for _, p := range accountPlatforms {
			share := p.Share[lv]
			if lv >= 2 {
				share *= pl.acctScale
			}
			if r.Float64() >= share {
				continue
			}
			add(i, p, accountName(b, ix, i))
		}
	}
	n := len(inv.accounts)
	order := r.Perm(n)
	next := 0
	// take returns the next account in a random order that ok accepts; plants go mostly to 大队
	// and 站, where real problems are.
	take := func(ok func(a *account) bool) *account {
		for k := range n {
			a := &inv.accounts[order[(next+k)%n]]
			if a.Status == "active" && !a.planted && acctLevel(b.units[a.Unit].Kind) >= 1 && ok(a) {
				next += k + 1
				a.planted = true
				return a
			}
		}
		return nil
	}
	anyAcct := func(*account) bool { return true }
	// ACC-LOWUSE compares an account with its peers; plant where there are enough of them.
	type peerKey struct {
		kind     org.UnitKind
		platform string
	}
	peers := map[peerKey]int{}
	for _, a := range inv.accounts {
		peers[peerKey{b.units[a.Unit].Kind, a.Platform}]++
	}
	for range pl.acctPlants {
		if a := take(anyAcct); a != nil {
			a.LastPost = daysBefore(between(r, 15, 59)) // ACC-STALE
		}
		if a := take(anyAcct); a != nil {
			a.LastPost = daysBefore(between(r, 60, 500)) // ACC-ZOMBIE
			if r.IntN(4) == 0 {
				a.LastPost = time.Time{} // opened and never used
			}
		}
		if a := take(anyAcct); a != nil {
			a.Interaction = false // ACC-NOINTERACT
		}
		if a := take(anyAcct); a != nil {
			a.Filing = "" // ACC-FILING
		}
		if a := take(anyAcct); a != nil {
			a.Operator = mismatchOperator(b, ix, r, a.Unit) // ACC-MISMATCH
		}
		// ACC-LOWUSE: an account nobody follows, among 大队 and 站 accounts with enough peers.
		if a := take(func(a *account) bool {
			k := b.units[a.Unit].Kind
			return (k == org.Brigade || k == org.Station) && peers[peerKey{k, a.Platform}] >= 6
		}); a != nil {
			p := accountPlatforms[slices.IndexFunc(accountPlatforms, func(p accountPlatform) bool { return p.Name == a.Platform })]
			a.Followers = int(float64(p.Median[acctLevel(b.units[a.Unit].Kind)]) * (0.005 + 0.03*r.Float64()))
		}
	}
	// ACC-DUP: a second account of the same unit on the same platform, named after a suffix.
	for range pl.acctPlants {
		base := take(func(a *account) bool { return b.units[a.Unit].Kind != org.Station })
		if base == nil {
			break
		}
		p := accountPlatforms[slices.IndexFunc(accountPlatforms, func(p accountPlatform) bool { return p.Name == base.Platform })]
		stem := strings.TrimSuffix(base.Name, "消防")
		name := stem + pick(r, dupSuffixes)
		if name == base.Name {
			name = stem + "消防发布"
		}
		d := add(base.Unit, p, name)
		d.Followers /= 4 // the newer one has fewer followers
	}
	inv.plantTopicAccounts(b, ix, r, add)
	// A few accounts were closed (已注销): history, not problems.
	for range max(1, n/50) {
		a := take(func(a *account) bool {
			return a.Interaction && a.Filing != "" && a.Operator == b.units[a.Unit].Name && a.LastPost.After(daysBefore(8))
		})
		if a == nil {
			break
		}
		a.Status = "retired"
		a.Closed = daysBefore(between(r, 20, 300))
		a.LastPost = a.Closed.AddDate(0, 0, -between(r, 30, 200))
		if a.LastPost.Before(a.Opened) {
			a.LastPost = a.Opened
		}
	}
	// Codes in tree order, then platform order.
	slices.SortStableFunc(inv.accounts, func(a, c account) int {
		if a.Unit != c.Unit {
			return a.Unit - c.Unit
		}
		return platformRank(a.Platform) - platformRank(c.Platform)
	})
	for i := range inv.accounts {
		inv.accounts[i].Code = fmt.Sprintf("ACC-%04d", i+1)
	}
}

func platformRank(p string) int {
	return slices.IndexFunc(accountPlatforms, func(x accountPlatform) bool { return x.Name == p })
}

// topicAccount is a themed account (专题账号) that units open beside their own: each unit words its
// purpose in its own way, so the copies share the subject, not the sentence. Clusters of them on
// one platform are what ACC-SIMILAR is to find; the unit's own accounts, one per platform in the
// same standard wording, are not.
type topicAccount struct {
	stems     []string // what follows the place in the name
	purposes  []string // one wording per copy
	functions []string
}

var topicAccounts = []topicAccount{
	{[]string{"消防科普", "消防安全课堂", "小小消防员"}, []string{
		"面向中小学生和家长普及家庭防火、火场逃生自救知识，推送校园消防安全课堂。",
		"开展校园消防安全教育，推送家庭防火常识和火场逃生自救知识，服务中小学生和家长。",
		"为中小学生讲解火场逃生自救和家庭防火常识，发布校园消防安全课堂内容。"},
		[]string{"科普文章", "安全课堂视频", "知识答题"}},
	{[]string{"消防招录", "消防员招聘", "消防人才"}, []string{
		"发布消防员招录公告、报名条件、体能测试安排和录用结果。",
		"公布政府专职消防员招聘公告、报名条件、体能测试和录用名单。",
		"发布专职消防员招聘报名、体能测试与录用公示信息，解答报考咨询。"},
		[]string{"招录公告", "报名咨询", "录用公示"}},
	{[]string{"消防志愿者", "消防志愿服务", "志愿消防"}, []string{
		"招募和组织消防志愿者，发布志愿服务活动、培训和积分信息。",
		"组织辖区消防志愿者队伍，发布志愿服务活动报名与培训通知。",
		"发布消防志愿服务活动招募、志愿者培训和服务时长记录。"},
		[]string{"志愿者招募", "活动报名", "服务记录"}},
	{[]string{"森林防火", "森林草原防灭火", "护林防火"}, []string{
		"发布森林草原火险等级预警、野外用火管理规定和防灭火知识。",
		"推送森林草原防火预警信息和野外禁火规定，普及森林防灭火常识。",
		"发布森林火险预警、野外禁火令和森林草原防灭火知识。"},
		[]string{"火险预警", "禁火规定", "防灭火知识"}},
	{[]string{"电动车安全", "电动自行车消防", "充电安全"}, []string{
		"宣传电动自行车安全充电和停放规定，曝光楼道违规充电隐患。",
		"普及电动自行车充电停放安全常识，通报违规进楼入户充电隐患。",
		"发布电动自行车安全充电、规范停放知识和违规充电隐患曝光。"},
		[]string{"隐患曝光", "安全提示", "举报线索"}},
}

// soloTopics are themed accounts nobody else runs: they must not be taken for copies of the
// clusters' topics or of the units' own accounts.
var soloTopics = []struct{ stem, purpose string }{
	{"火灾调查", "发布火灾事故调查处理结果和典型火灾案例警示。"},
	{"消防文创", "展示消防文化创意产品和消防博物馆展览信息。"},
	{"应急救援", "发布地震、洪涝等灾害事故的应急救援力量调度和救援进展。"},
}

// topicPlatforms carry the themed accounts: text platforms where many 大队 have no account of
// their own, so that a themed account is not also a unit's second account on the platform
// (ACC-DUP, planted separately).
var topicPlatforms = []string{"微博", "今日头条"}

// plantTopicAccounts opens clusters of themed accounts (ACC-SIMILAR): each cluster is one topic on
// one platform, opened by two or three 支队 or 大队 with their own wording, and a few themed
// accounts that have no twin. No (topic, platform) is used twice, so a cluster is exactly the
// accounts of one topic on one platform.
func (inv *inventory) plantTopicAccounts(b *bureau, ix *orgIndex, r *rand.Rand, add func(int, accountPlatform, string) *account) {
	type key struct {
		unit     int
		platform string
	}
	has := map[key]bool{}
	for _, a := range inv.accounts {
		has[key{a.Unit, a.Platform}] = true
	}
	var units []int
	for i, u := range b.units {
		if u.Kind == org.Detachment || u.Kind == org.Brigade {
			units = append(units, i)
		}
	}
	// free returns up to n units in random order with no account on platform.
	free := func(platform string, n int) []int {
		var out []int
		for _, k := range r.Perm(len(units)) {
			if u := units[k]; !has[key{u, platform}] && len(out) < n {
				out = append(out, u)
				has[key{u, platform}] = true
			}
		}
		return out
	}
	platform := func(name string) accountPlatform {
		return accountPlatforms[platformRank(name)]
	}
	clusters := min(inv.plan.acctPlants, len(topicAccounts)*len(topicPlatforms))
	for c := range clusters {
		t := topicAccounts[c%len(topicAccounts)]
		p := platform(topicPlatforms[c/len(topicAccounts)])
		for k, u := range free(p.Name, 2+r.IntN(2)) {
			a := add(u, p, ix.place[u]+t.stems[k])
			a.Purpose, a.Functions = t.purposes[k], slices.Clone(t.functions)
			a.topic, a.planted = 1+c%len(topicAccounts), true
		}
	}
	for k, s := range soloTopics[:min(len(soloTopics), max(1, inv.plan.acctPlants/2))] {
		p := platform(topicPlatforms[k%len(topicPlatforms)])
		for _, u := range free(p.Name, 1) {
			a := add(u, p, ix.place[u]+s.stem)
			a.Purpose, a.Functions, a.planted = s.purpose, []string{"信息发布"}, true
		}
	}
}

// accountName is how the unit's accounts are called: 四川消防, 成都消防, 锦江消防, 锦江消防春熙路站.
func accountName(b *bureau, ix *orgIndex, unit int) string {
	switch b.units[unit].Kind {
	case org.Corps:
		return "四川消防"
	case org.Detachment:
		return ix.place[unit] + "消防"
	case org.Brigade:
		return ix.place[unit] + "消防" + ix.copyTag[unit]
	}
	if br := ix.brigade[unit]; br >= 0 {
		return ix.place[br] + "消防" + ix.copyTag[br] + ix.short[unit]
	}
	return ix.place[ix.det[unit]] + "消防" + strings.TrimPrefix(ix.short[unit], ix.short[ix.det[unit]])
}

func accountPurpose(b *bureau, ix *orgIndex, unit int, platform string) string {
	where := map[org.UnitKind]string{org.Corps: "全省", org.Detachment: ix.place[unit] + "市"}[b.units[unit].Kind]
	if where == "" {
		where = ix.place[unit] + "辖区"
	}
	if b.units[unit].Kind == org.Detachment && strings.HasSuffix(b.units[unit].Name, "州消防救援支队") {
		where = ix.place[unit] + "州"
	}
	switch platform {
	case "抖音", "快手", "微信视频号", "哔哩哔哩":
		return "以短视频和直播开展" + where + "消防安全科普，展示" + b.units[unit].Name + "队伍风采。"
	}
	return "发布" + where + "消防救援工作动态、警情通报和消防安全提示，受理群众留言。"
}

// accountOwner is who runs a unit's accounts: a 宣传 person where there is one.
func (inv *inventory) accountOwner(b *bureau, ix *orgIndex, r *rand.Rand, unit int) int {
	switch b.units[unit].Kind {
	case org.Corps:
		return int(pick(r, ix.active[b.depts[deptNews]]))
	case org.Detachment:
		for _, k := range ix.kids[unit] {
			if strings.HasSuffix(b.units[k].Code, "-BGS") && len(ix.active[k]) > 0 {
				return int(pick(r, ix.active[k]))
			}
		}
	}
	var pub []int32
	for _, p := range ix.active[unit] {
		if post := b.people[p].Post; post == "宣传员" || post == "通信员" {
			pub = append(pub, p)
		}
	}
	if len(pub) > 0 {
		return int(pick(r, pub))
	}
	return int(pick(r, ix.active[unit]))
}

// mismatchOperator is a registered operator that is not the owning unit: the pre-2018 name
// under the public security service, the parent unit, or the media company that runs it.
func mismatchOperator(b *bureau, ix *orgIndex, r *rand.Rand, unit int) string {
	u := b.units[unit]
	city := strings.TrimSuffix(b.units[ix.det[unit]].Name, "消防救援支队")
	switch r.IntN(3) {
	case 0:
		switch u.Kind {
		case org.Detachment:
			return city + "公安消防支队"
		case org.Brigade:
			return city + "公安消防支队" + strings.TrimSuffix(u.Name, "消防救援大队") + "大队"
		}
		return city + "公安消防支队" + u.Name
	case 1:
		if u.Parent >= 0 {
			return b.units[u.Parent].Name
		}
	}
	return ix.place[unit] + pick(r, []string{"融媒文化传播有限公司", "星火传媒有限公司", "新视界文化传媒有限公司"})
}

// handle makes a platform account id in that platform's style, unique per platform.
func handle(r *rand.Rand, unitCode, platform string, seen map[string]bool) string {
	code := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(unitCode, "SC"), "-", ""))
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	for {
		var h string
		switch platform {
		case "微信公众号":
			h = "gh_" + randString(r, "0123456789abcdef", 12)
		case "微信视频号":
			h = "sph" + randString(r, alnum, 10)
		case "微博":
			h = fmt.Sprintf("%d", between(r, 1_000_000_000, 7_999_999_999))
		case "抖音":
			h = "sc" + code + "xf" + fmt.Sprint(between(r, 100, 999))
		case "快手":
			h = "ks" + code + "119" + fmt.Sprint(r.IntN(100))
		case "今日头条":
			h = fmt.Sprintf("%d", between(r, 10_000_000_000, 99_999_999_999))
		default:
			h = fmt.Sprintf("%d", between(r, 100_000_000, 999_999_999))
		}
		if !seen[platform+"/"+h] {
			seen[platform+"/"+h] = true
			return h
		}
	}
}

func randString(r *rand.Rand, alphabet string, n int) string {
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(out)
}
