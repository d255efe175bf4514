package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/classify"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// CampaignStart is when the demo bureau's campaign against formalism began; activity after it
// falls: demands (收到, 接龙, 打卡, 留痕) and after-hours messages to about 55% by ReferenceDate,
// overall volume by a tenth, so that trend charts have something to show.
var CampaignStart = time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC)

// streamActivity seeds the activity generator's random streams: one for the groups' profiles
// (drawn without regard to the window) and one per calendar day (mixed with the date), so that a
// day's records do not depend on how many days are generated, and loading a longer window after
// a shorter one repeats the same messages under the same ids, which ingestion recognises as
// duplicates.
const streamActivity uint64 = 0x6a66_6163_7476 // "jfactv"

// ActivityDays is how many days of activity a preset gets by default (small 90, province 30,
// national 7): enough for trends where that is cheap, a month of realistic load for province.
// It returns 0 for an unknown preset.
func ActivityDays(p Preset) int {
	if a, ok := activityPlans[normPreset(p)]; ok {
		return a.days
	}
	return 0
}

// maxActivityDays bounds the window: a bit over a year, which trend charts need at most.
const maxActivityDays = 400

// activityPlan is what a preset means for activity.
type activityPlan struct {
	days     int
	perGroup float64 // mean messages per ordinary group on a working day, before the campaign
}

var activityPlans = map[Preset]activityPlan{
	Small:    {days: 90, perGroup: 5.5},
	Province: {days: 30, perGroup: 35},
	National: {days: 7, perGroup: 8},
}

// ActivityTruth lists what the activity generator planted. The group lists are exact for the
// generated records (computed from them by the definitions given), and sorted.
type ActivityTruth struct {
	First, Last time.Time // the dates covered (midnight UTC of Shanghai dates), both inclusive
	// Live groups that got no message at all: the inventory's GRP-IDLE candidates (Truth.IdleGroups).
	IdleGroups []string
	// Groups with on average at least 100 messages per working day of the window (刷屏).
	NoisyGroups []string
	// Groups more than 30% of whose messages fall outside working time (calendar.Default():
	// evenings, lunch breaks, weekends and holidays).
	AfterHoursGroups []string
	// Groups where demands (messages meant to raise reply_received, chain, checkin, proof,
	// materials or deadline) are
	// at least 10% of the messages (ordinary groups have about 5%) and at least one per working day
	// on average.
	DemandGroups []string
	// Apps whose active users stay under 15% of their target count (Truth.LowUseApps).
	LowUseApps []string
	// Messages generated.
	Messages int
	// AppDays and AccountDays count the usage and statistics records.
	AppDays, AccountDays int
	// Flags counts messages by the flags their text and metadata are meant to raise (as
	// classify.ClassifyMeta with the message's AtAll and Forwarded should see them).
	Flags map[classify.Flag]int
}

// Definitions of the planted group behaviours, shared by the generator and its truth.
const (
	noisyPerDay     = 100  // messages per working day
	afterHoursShare = 0.30 // share of messages outside working time
	demandShare     = 0.10 // share of demands among a group's messages (ordinary groups: about 5%)
)

// actGroup is a group's behaviour over the window.
type actGroup struct {
	g        *group
	lead     []int32 // who sends notices and demands: owner, administrators, leaders in post
	all      []int32 // members in post: who talks
	rate     float64 // mean messages on a working day before the campaign
	after    float64 // share sent after hours on a working day
	demand   float64 // share of demands before the campaign
	weekend  float64 // volume on a rest day relative to a working day
	from, to time.Time
	taskEnd  time.Time // temporary groups quieten when their task is over
	noisy    bool
	idle     bool

	n, onWork, outside, demands int // counted as generated, for the truth
}

// pending is a message before the day is sorted: compact, so that a day of province activity
// (half a million messages) sorts quickly.
type pending struct {
	ms     uint32 // milliseconds since midnight, Shanghai
	group  int32
	sender int32 // a person index, or -(k+1) for the group's k-th outsider
	entry  int32 // index into texts().entries
	meta   uint8 // metaAtAll | metaForwarded
}

const (
	metaAtAll     = 1
	metaForwarded = 2
)

// Activity generates days of activity ending on ReferenceDate for the bureau opt describes (same
// Preset and Seed as Build), calling emit for each record in time order: each day's messages
// (sorted by time), then that day's app usage and account statistics. It regenerates the bureau
// and inventory in memory (deterministically, the same as Build) and never touches a database.
// Records and what they point to are fresh for each day and not reused, so emit may keep them.
// An error from emit stops generation and is returned.
func Activity(opt Options, days int, emit func(ingest.Record) error) (*ActivityTruth, error) {
	if days < 1 || days > maxActivityDays {
		return nil, errs.Field("days", fmt.Sprintf("活动天数应为 1 到 %d,而不是 %d", maxActivityDays, days))
	}
	a, err := newActivity(opt, days)
	if err != nil {
		return nil, err
	}
	a.emit = emit
	a.truth = &ActivityTruth{First: a.first, Last: a.last, LowUseApps: slices.Clone(a.inv.truth.LowUseApps),
		Flags: map[classify.Flag]int{}}
	for d := a.first; !d.After(a.last); d = d.AddDate(0, 0, 1) {
		if err := a.day(d); err != nil {
			return nil, err
		}
	}
	a.finishTruth()
	return a.truth, nil
}

// newActivity regenerates the bureau and its inventory and draws the groups' profiles.
func newActivity(opt Options, days int) (*activity, error) {
	b, err := generate(opt.Preset, opt.Seed)
	if err != nil {
		return nil, err
	}
	inv, err := b.genInventory()
	if err != nil {
		return nil, err
	}
	a := &activity{b: b, inv: inv, cal: calendar.Default(), pool: texts(),
		first: ReferenceDate.AddDate(0, 0, -(days - 1)), last: ReferenceDate}
	a.hoursSetup()
	a.profiles(activityPlans[b.preset], b.stream(streamActivity))
	return a, nil
}

// activity is the state of one Activity call.
type activity struct {
	b           *bureau
	inv         *inventory
	cal         *calendar.Calendar
	pool        *textPool
	emit        func(ingest.Record) error
	first, last time.Time
	groups      []actGroup
	truth       *ActivityTruth
	flagCount   [classify.NumFlags]int
	row         int
	workDays    int

	inHours  [][2]uint32 // working hours, ms since midnight
	offHours [][2]uint32 // the rest of the waking day, with cumulative weights in offCum
	offCum   []uint32
	inTotal  uint32

	buf, tmp []pending
	planted  [3][]string // noisy, after-hours and demand groups as planted, for tests
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const msHour = 3_600_000

// hoursSetup turns the calendar's working hours into the spans messages are drawn from: inside
// them for working-time messages, and outside them (06:30 to midnight, evenings weighted up) for
// after-hours ones, so that calendar.IsWorkingTime agrees with what was meant.
func (a *activity) hoursSetup() {
	for _, s := range a.cal.Hours() {
		a.inHours = append(a.inHours, [2]uint32{uint32(s.Start / time.Millisecond), uint32(s.End / time.Millisecond)})
		a.inTotal += uint32((s.End - s.Start) / time.Millisecond)
	}
	start := uint32(6*msHour + msHour/2)
	var cum uint32
	addOff := func(lo, hi uint32, weight uint32) {
		if hi > lo {
			a.offHours = append(a.offHours, [2]uint32{lo, hi})
			cum += (hi - lo) / 1000 * weight
			a.offCum = append(a.offCum, cum)
		}
	}
	for _, s := range a.inHours {
		addOff(start, min(s[0], 24*msHour), 1)
		start = max(start, s[1])
	}
	addOff(start, 24*msHour, 3) // evenings: where after-hours messages mostly fall
}

// profiles gives every group its behaviour and plants the noisy, after-hours and demanding ones.
func (a *activity) profiles(ap activityPlan, r *rand.Rand) {
	b := a.b
	end := ReferenceDate.AddDate(0, 0, 1)
	weights := make([]float64, 0, len(a.inv.groups))
	for i := range a.inv.groups {
		g := &a.inv.groups[i]
		// Profiles must not depend on the window, or a day's messages would change with it: every
		// group gets one, and from/to keep it silent outside its life.
		if g.Status != "active" && g.Status != "rectifying" && g.Closed.IsZero() {
			continue
		}
		ag := actGroup{g: g, from: g.Opened, to: end, idle: g.idle, weekend: 0.3, taskEnd: g.TaskEnd}
		if !g.Closed.IsZero() && g.Closed.Before(end) {
			ag.to = g.Closed // nothing on or after the day it closed
		}
		for k, p := range g.Members {
			if b.people[p].Status == org.Left {
				continue // people who left stay in groups but no longer write in them
			}
			ag.all = append(ag.all, p)
			if k <= g.Admins || k < 3 {
				ag.lead = append(ag.lead, p)
			}
		}
		if len(ag.lead) == 0 {
			ag.lead = ag.all
		}
		if len(ag.all) == 0 && len(g.Externals) == 0 {
			ag.idle = true // nobody left to write
		}
		size := float64(len(ag.all) + len(g.Externals)/3)
		w := math.Sqrt(max(size, 1)) * math.Exp(r.NormFloat64())
		weights = append(weights, w)
		ag.after = 0.04 + 0.04*r.Float64()
		ag.demand = 0.03 + 0.04*r.Float64()
		a.groups = append(a.groups, ag)
	}
	// Rates: the weights scaled to the plan's mean, capped so that only planted groups are noisy.
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	scale := ap.perGroup * float64(len(weights)) / max(sum, 1)
	for i := range a.groups {
		a.groups[i].rate = min(max(weights[i]*scale, 0.7), 60)
	}
	// Plants, on groups that are live over any window (open for longer than the longest one) and
	// have people to write.
	var cands []int
	oldest := ReferenceDate.AddDate(0, 0, -maxActivityDays)
	for i, ag := range a.groups {
		if !ag.idle && ag.g.Status == "active" && !ag.from.After(oldest) && ag.to.Equal(end) && !ag.g.Temporary && len(ag.all) >= 6 {
			cands = append(cands, i)
		}
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	n := len(a.groups)
	take := func(k int) []int {
		k = min(k, len(cands))
		out := cands[:k]
		cands = cands[k:]
		return out
	}
	// Noisy groups are big ones, where 刷屏 happens: move candidates with 15 or more writers first.
	slices.SortStableFunc(cands, func(x, y int) int {
		return boolInt(len(a.groups[y].all) >= 15) - boolInt(len(a.groups[x].all) >= 15)
	})
	for _, i := range take(max(2, n/120)) {
		ag := &a.groups[i]
		ag.noisy = true
		ag.rate = 120 + 80*r.Float64()
		a.planted[0] = append(a.planted[0], ag.g.Code)
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, i := range take(max(3, n/60)) {
		ag := &a.groups[i]
		ag.after = 0.55 + 0.1*r.Float64()
		ag.weekend = 0.6
		ag.rate = max(ag.rate, 3)
		a.planted[1] = append(a.planted[1], ag.g.Code)
	}
	for _, i := range take(max(3, n/60)) {
		ag := &a.groups[i]
		ag.demand = 0.45 + 0.1*r.Float64()
		ag.rate = max(ag.rate, 10) // at least one demand a working day, even late in the campaign
		a.planted[2] = append(a.planted[2], ag.g.Code)
	}
}

// progress is how far the campaign has come on date: 0 before CampaignStart, 1 on ReferenceDate.
func progress(date time.Time) float64 {
	if date.Before(CampaignStart) {
		return 0
	}
	return min(1, date.Sub(CampaignStart).Hours()/ReferenceDate.Sub(CampaignStart).Hours())
}

// day generates and emits one date's records.
func (a *activity) day(date time.Time) error {
	y, m, d := date.Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, tz.Shanghai).UTC()
	work := a.cal.IsWorkday(date)
	if work {
		a.workDays++
	}
	holiday := false
	if ld, ok := a.cal.Lookup(date); ok && ld.Kind == calendar.Holiday {
		holiday = true
	}
	pr := progress(date)
	fall := 1 - 0.45*pr  // demands and after-hours
	volume := 1 - 0.1*pr // everything
	r := rand.New(rand.NewPCG(uint64(a.b.seed), streamActivity^uint64(y*10000+int(m)*100+d)*0x9e37_79b9_7f4a_7c15))

	a.buf = a.buf[:0]
	for gi := range a.groups {
		ag := &a.groups[gi]
		if ag.idle || date.Before(ag.from) || !date.Before(ag.to) {
			continue
		}
		lambda := ag.rate * volume * math.Exp(0.35*r.NormFloat64()-0.06)
		if !work {
			lambda *= ag.weekend
			if holiday {
				lambda *= 0.7
			}
		}
		if ag.g.Temporary && date.After(ag.taskEnd) {
			lambda *= 0.3 // the task is over, the group lingers
		}
		n := int(lambda + r.Float64())
		if ag.noisy && work {
			n = max(n, noisyPerDay+5)
		}
		a.groupDay(r, int32(gi), ag, n, work, ag.after*fall, ag.demand*fall)
	}
	a.sortDay()
	if err := a.emitMessages(start, date); err != nil {
		return err
	}
	if err := a.appDays(r, date, work); err != nil {
		return err
	}
	return a.accountDays(r, date)
}

// groupDay draws n messages of one group on one day.
func (a *activity) groupDay(r *rand.Rand, gi int32, ag *actGroup, n int, work bool, after, demand float64) {
	pool := a.pool
	ext := len(ag.g.Externals)
	push := func(ms uint32, sender int32, entry int32, meta uint8) {
		a.buf = append(a.buf, pending{ms: ms, group: gi, sender: sender, entry: entry, meta: meta})
		e := &pool.entries[entry]
		mask := e.Mask
		if meta&metaAtAll != 0 {
			mask |= flagBit(fA)
		}
		if meta&metaForwarded != 0 {
			mask |= flagBit(fF)
		}
		for i := range classify.NumFlags {
			if mask&(1<<i) != 0 {
				a.flagCount[i]++
			}
		}
		ag.n++
		if work {
			ag.onWork++
		}
		if !work || !a.inWorkingHours(ms) {
			ag.outside++
		}
		if e.Mask&demandMask != 0 {
			ag.demands++
		}
	}
	member := func() int32 {
		if len(ag.all) == 0 {
			return -int32(r.IntN(ext)) - 1
		}
		return ag.all[r.IntN(len(ag.all))]
	}
	leader := func() int32 {
		if len(ag.lead) == 0 {
			return member()
		}
		return ag.lead[r.IntN(len(ag.lead))]
	}
	for k := 0; k < n; {
		ms := a.drawTime(r, work, after)
		x := r.Float64()
		switch {
		case x < demand:
			e := pool.draw(r, catDemand)
			var meta uint8
			if r.IntN(4) == 0 {
				meta = metaAtAll
			}
			push(ms, leader(), e, meta)
			k++
			if pool.entries[e].Burst && k < n && len(ag.all) > 1 {
				cat := catReply
				if pool.entries[e].Mask&flagBit(fC) != 0 {
					cat = catChainReply
				}
				replies := min(n-k, 1+r.IntN(min(len(ag.all), 8)))
				at := ms
				for range replies {
					at = min(at+uint32(5_000+r.IntN(240_000)), 24*msHour-1)
					push(at, member(), pool.draw(r, cat), 0)
				}
				k += replies
			}
		case x < demand+0.09:
			e := pool.draw(r, catNotice)
			var meta uint8
			switch y := r.IntN(20); {
			case y < 7:
				meta = metaAtAll
			case y == 7:
				meta = metaForwarded
			}
			push(ms, leader(), e, meta)
			k++
		case x < demand+0.09+0.18:
			var meta uint8
			if r.IntN(25) == 0 {
				meta = metaForwarded // a forwarded file or picture
			}
			push(ms, member(), pool.draw(r, catMedia), meta)
			k++
		default:
			if ext > 0 && (len(ag.all) == 0 || r.IntN(100) < 12) {
				push(ms, -int32(r.IntN(ext))-1, pool.draw(r, catOutsider), 0)
			} else {
				push(ms, member(), pool.draw(r, catPlain), 0)
			}
			k++
		}
	}
}

// drawTime draws a time of day, in ms since midnight Shanghai: inside working hours on working
// days except for a share after of them, 08:00–22:30 on rest days.
func (a *activity) drawTime(r *rand.Rand, work bool, after float64) uint32 {
	if !work {
		return uint32(8*msHour + r.IntN(29*msHour/2))
	}
	if r.Float64() >= after {
		x := uint32(r.IntN(int(a.inTotal)))
		for _, s := range a.inHours {
			if w := s[1] - s[0]; x < w {
				return s[0] + x
			} else {
				x -= w
			}
		}
	}
	x := uint32(r.IntN(int(a.offCum[len(a.offCum)-1])))
	for i, c := range a.offCum {
		if x < c {
			s := a.offHours[i]
			return s[0] + uint32(r.IntN(int(s[1]-s[0])))
		}
	}
	return 20 * msHour
}

// inWorkingHours reports whether ms lies inside the calendar's working hours.
func (a *activity) inWorkingHours(ms uint32) bool {
	for _, s := range a.inHours {
		if ms >= s[0] && ms < s[1] {
			return true
		}
	}
	return false
}

// sortDay orders the day's messages by time with a stable two-pass radix sort (a day fits in 27
// bits of milliseconds): linear, and ties keep generation order, so the output is deterministic.
func (a *activity) sortDay() {
	n := len(a.buf)
	if cap(a.tmp) < n {
		a.tmp = make([]pending, n)
	}
	src, dst := a.buf, a.tmp[:n]
	for _, shift := range []uint{0, 14} {
		var count [1 << 14]int
		for i := range src {
			count[(src[i].ms>>shift)&(1<<14-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i := range src {
			k := (src[i].ms >> shift) & (1<<14 - 1)
			dst[count[k]] = src[i]
			count[k]++
		}
		src, dst = dst, src
	}
	// Two passes: the sorted data is back in a.buf.
}

// emitMessages turns the day's sorted messages into records. Ids are "m" + date + a sequence
// number, all written into one string per day, so an id costs no allocation of its own.
func (a *activity) emitMessages(start, date time.Time) error {
	n := len(a.buf)
	if n == 0 {
		return nil
	}
	const idLen = 16 // m + YYYYMMDD + 7 digits
	ids := make([]byte, 0, n*idLen)
	y, m, d := date.Date()
	prefix := y*10000 + int(m)*100 + d
	for i := range n {
		ids = append(ids, 'm')
		ids = appendDigits(ids, prefix, 8)
		ids = appendDigits(ids, i+1, 7)
	}
	idStr := string(ids)
	msgs := make([]ingest.Message, n)
	people := a.b.people
	for i := range a.buf {
		p := &a.buf[i]
		ag := &a.groups[p.group]
		e := &a.pool.entries[p.entry]
		msg := &msgs[i]
		msg.ID = idStr[i*idLen : (i+1)*idLen]
		msg.Group = ag.g.Code
		if p.sender >= 0 {
			msg.Sender = people[p.sender].Code
		} else {
			msg.Sender = ag.g.Externals[-p.sender-1] // outsiders have no 工号: their name as the group shows it
		}
		msg.At = start.Add(time.Duration(p.ms) * time.Millisecond)
		msg.Kind = e.Kind
		msg.AtAll = p.meta&metaAtAll != 0
		msg.Forwarded = p.meta&metaForwarded != 0
		msg.Text = e.Text
		a.row++
		if err := a.emit(ingest.Record{Kind: ingest.KindMessage, Row: a.row, Message: msg}); err != nil {
			return err
		}
	}
	a.truth.Messages += n
	return nil
}

// appendDigits appends v as exactly width decimal digits.
func appendDigits(buf []byte, v, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		buf = append(buf, 0)
	}
	for i := len(buf) - 1; i >= len(buf)-width; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return buf
}

// liveOn reports whether an asset opened before or on date and had not closed by then.
func liveOn(date, opened, closed time.Time) bool {
	return !date.Before(opened) && (closed.IsZero() || date.Before(closed))
}

// appDays emits each live app's usage: LowUse apps stay under 15% of their target users, others
// between 30% and 90%; apps with a forced 打卡/签到 feature require a check-in of every active user
// on working days.
func (a *activity) appDays(r *rand.Rand, date time.Time, work bool) error {
	for i := range a.inv.apps {
		ap := &a.inv.apps[i]
		if !liveOn(date, ap.Opened, ap.Closed) {
			continue
		}
		target := float64(max(ap.TargetCount, 1))
		// An app's share is stable from day to day: it follows from the app (its code's hash), the
		// day only adds noise.
		base := 0.4 + 0.5*unitHash(ap.Code)
		if ap.lowUse {
			base = 0.02 + 0.1*unitHash(ap.Code)
		}
		share := base * (0.92 + 0.16*r.Float64())
		if !work {
			share *= 0.7
		}
		if ap.lowUse {
			share = min(share, 0.14)
		} else {
			share = min(max(share, 0.3), 0.9)
		}
		active := int64(math.Round(target * share))
		rec := &ingest.AppDay{App: ap.Code, Day: date, ActiveUsers: active,
			Sessions: int64(math.Round(float64(active) * (1.2 + 1.8*r.Float64())))}
		if work && slices.Contains(ap.Features, "checkin") {
			rec.CheckinsRequired = active
			rec.CheckinsDone = int64(math.Round(float64(active) * (0.85 + 0.15*r.Float64())))
		}
		if len(ap.Forms) > 0 {
			f := 0.05 + 0.3*r.Float64()
			if !work {
				f /= 4
			}
			rec.FormsSubmitted = int64(math.Round(float64(active) * f))
		}
		a.row++
		a.truth.AppDays++
		if err := a.emit(ingest.Record{Kind: ingest.KindApp, Row: a.row, App: rec}); err != nil {
			return err
		}
	}
	return nil
}

// unitHash maps s to [0, 1) deterministically (FNV-1a).
func unitHash(s string) float64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return float64(h>>11) / (1 << 53)
}

// postChance is how often an account posts on a day before its last post, by level (总队, 支队,
// 大队, 站).
var postChance = [4]float64{0.9, 0.7, 0.45, 0.3}

// accountDays emits each live account's statistics, consistent with the inventory: no posts
// after the last post date (so stale and zombie accounts fall silent when the inventory says),
// a post on that date, and followers growing slowly to the inventory's count on ReferenceDate.
func (a *activity) accountDays(r *rand.Rand, date time.Time) error {
	for i := range a.inv.accounts {
		ac := &a.inv.accounts[i]
		if !liveOn(date, ac.Opened, ac.Closed) {
			continue
		}
		lv := acctLevel(a.b.units[ac.Unit].Kind)
		dormant := ac.LastPost.IsZero() || ReferenceDate.Sub(ac.LastPost) >= 15*24*time.Hour
		var posts int64
		switch {
		case ac.LastPost.IsZero() || date.After(ac.LastPost):
		case date.Equal(ac.LastPost):
			posts = 1 + int64(r.IntN(2))
		case r.Float64() < postChance[lv]:
			posts = 1 + int64(r.IntN(3-lv/2))
		}
		growth := 0.0004 * unitHash(ac.Code)
		if dormant {
			growth = 0
		}
		back := ReferenceDate.Sub(date).Hours() / 24
		followers := float64(ac.Followers) * (1 - growth*back)
		var reads float64
		switch {
		case posts > 0:
			reads = float64(posts) * followers * (0.004 + 0.03*r.Float64())
		case dormant:
			reads = followers * 0.0002 * r.Float64()
		default:
			reads = followers * (0.0003 + 0.001*r.Float64())
		}
		rec := &ingest.AccountDay{Account: ac.Code, Day: date, Posts: posts, Reads: int64(reads),
			Followers: int64(math.Round(followers)), AnswerMinutes: -1}
		if ac.Interaction {
			rec.Comments = int64(reads * (0.002 + 0.008*r.Float64()))
			if !dormant {
				rec.CommentsAnswered = int64(math.Round(float64(rec.Comments) * (0.4 + 0.55*r.Float64())))
			}
			if rec.CommentsAnswered > 0 {
				rec.AnswerMinutes = math.Round((15+700*r.Float64()*r.Float64())*10) / 10
			}
		}
		a.row++
		a.truth.AccountDays++
		if err := a.emit(ingest.Record{Kind: ingest.KindAccount, Row: a.row, Account: rec}); err != nil {
			return err
		}
	}
	return nil
}

// finishTruth derives the group lists from what was generated, by the definitions in
// ActivityTruth.
func (a *activity) finishTruth() {
	t := a.truth
	for i, f := range classify.Flags {
		if a.flagCount[i] > 0 {
			t.Flags[f] = a.flagCount[i]
		}
	}
	for i := range a.groups {
		ag := &a.groups[i]
		code := ag.g.Code
		if ag.n == 0 {
			if ag.g.idle {
				t.IdleGroups = append(t.IdleGroups, code)
			}
			continue
		}
		if a.workDays > 0 && ag.onWork >= noisyPerDay*a.workDays {
			t.NoisyGroups = append(t.NoisyGroups, code)
		}
		if float64(ag.outside) > afterHoursShare*float64(ag.n) {
			t.AfterHoursGroups = append(t.AfterHoursGroups, code)
		}
		if float64(ag.demands) >= demandShare*float64(ag.n) && ag.demands >= a.workDays {
			t.DemandGroups = append(t.DemandGroups, code)
		}
	}
	for _, l := range [][]string{t.IdleGroups, t.NoisyGroups, t.AfterHoursGroups, t.DemandGroups} {
		slices.Sort(l)
	}
}
