package activity

import (
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/classify"
	"github.com/jianfu-gov/jianfu/internal/ingest"
)

// day is a calendar date in Shanghai, counted in days since 1970-01-01.
type day int32

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func dayOf(t time.Time) day { return day(calendar.DateOf(t).Unix() / 86400) }

// The aggregation keys pack their parts into a uint64: Go's maps hash those with a fast path, a
// measurable part of ingest at a few million messages, and their numeric order is the order in
// which rows are written (by id, then day).

// groupDay is a group (directory index) and a day.
type groupDay uint64

func gdKey(g int32, d day) groupDay { return groupDay(uint64(uint32(g))<<32 | uint64(uint32(d))) }
func (k groupDay) g() int32         { return int32(k >> 32) }
func (k groupDay) d() day           { return day(int32(uint32(k))) }

// personDay is a person (or, in unit rollups, a unit) and a day.
type personDay uint64

func pdKey(p int32, d day) personDay { return personDay(uint64(uint32(p))<<32 | uint64(uint32(d))) }
func (k personDay) p() int32         { return int32(k >> 32) }
func (k personDay) d() day           { return day(int32(uint32(k))) }

type assetDay struct {
	id int64
	d  day
}

// appRec and accountRec keep the row a day's figures came from: when a batch has the same app
// and day twice, the later row wins, as it would if they came in two batches.
type appRec struct {
	v   ingest.AppDay
	row int
}

type accountRec struct {
	v   ingest.AccountDay
	row int
}

// groupAgg is one group-day: its messages, and those sent by members, which their senders do
// not receive.
type groupAgg struct {
	counters
	memberSent       int64
	memberSentDemand int64
	hours            [24]int32 // messages by the hour they were sent, for the heatmap
}

// rawMessage is one accepted message as act_messages keeps it.
type rawMessage struct {
	group  int32
	sender int32 // -1 when unknown
	at     time.Time
	kind   ingest.MsgKind
	mask   classify.Mask
	after  bool
	text   string
}

// agg is one worker's share of a batch; merge combines them.
type agg struct {
	groups   map[groupDay]*groupAgg
	sent     map[personDay]*counters // sent by p in groups p belongs to
	apps     map[assetDay]appRec
	accounts map[assetDay]accountRec
	raw      []rawMessage
	stats    Report
	clock    *workClock // this worker's own
}

func newAgg() *agg {
	return &agg{groups: map[groupDay]*groupAgg{}, sent: map[personDay]*counters{},
		apps: map[assetDay]appRec{}, accounts: map[assetDay]accountRec{}}
}

// seenSet remembers the messages of one batch by a 64-bit hash, sharded so that workers rarely
// wait for each other. At 10 million messages a collision (a distinct message taken for a
// duplicate) has odds of about one in 300 000. Each shard is an open-addressing table of the
// hashes themselves: no key to hash again and one cache line per probe, which halves the time
// a Go map took here.
type seenSet struct {
	seed   maphash.Seed
	shards [64]struct {
		sync.Mutex
		slots []uint64 // 0 is empty; a hash of 0 is stored as 1
		n     int
	}
}

func newSeenSet() *seenSet {
	s := &seenSet{seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].slots = make([]uint64, 1024)
	}
	return s
}

// firstTime records the message and reports whether it was not seen before in this batch. The
// key is the platform's id when there is one, else what the message is made of; the parts are
// hashed one by one with maphash.String and mixed, which is cheaper than streaming them through
// one maphash.Hash.
func (s *seenSet) firstTime(group int32, m *ingest.Message) bool {
	var k uint64
	if m.ID != "" {
		k = mix(maphash.String(s.seed, m.ID), uint64(uint32(group)))
	} else {
		k = mix(maphash.String(s.seed, m.Sender), uint64(uint32(group))|1<<40)
		k = mix(k, uint64(m.At.UnixNano()))
		k = mix(k, maphash.String(s.seed, string(m.Kind)))
		k = mix(k, maphash.String(s.seed, m.Text))
	}
	if k == 0 {
		k = 1
	}
	sh := &s.shards[k%64]
	sh.Lock()
	defer sh.Unlock()
	if sh.n*2 >= len(sh.slots) {
		old := sh.slots
		sh.slots = make([]uint64, 2*len(old))
		for _, x := range old {
			if x != 0 {
				insertSlot(sh.slots, x)
			}
		}
	}
	if !insertSlot(sh.slots, k) {
		return false
	}
	sh.n++
	return true
}

// insertSlot puts k into the table by linear probing (the table is never more than half full)
// and reports whether it was new.
func insertSlot(slots []uint64, k uint64) bool {
	mask := uint64(len(slots) - 1)
	for i := (k >> 6) & mask; ; i = (i + 1) & mask {
		switch slots[i] {
		case 0:
			slots[i] = k
			return true
		case k:
			return false
		}
	}
}

// workClock answers "is this instant inside working time" from the calendar, with each day's
// answer looked up once. Every worker has its own, so the cache needs no lock (a shared sync.Map
// here cost a sixth of the time spent per message); it is a small direct-mapped table, since a
// batch spans a few days or weeks.
type workClock struct {
	cal   *calendar.Calendar
	cache [64]struct {
		d         day
		set, work bool
	}
	hours []calendar.Span
}

func newWorkClock(cal *calendar.Calendar) *workClock {
	return &workClock{cal: cal, hours: cal.Hours()}
}

// shanghai is UTC+8 with no daylight saving since 1991, which is all activity data can be from.
const shanghai = 8 * 3600

func (w *workClock) afterHours(t time.Time) (day, int8, bool) {
	local := t.Unix() + shanghai
	d := day(floorDiv(local, 86400))
	sec := time.Duration(local-int64(d)*86400) * time.Second
	hour := int8(sec / time.Hour)
	e := &w.cache[uint32(d)%uint32(len(w.cache))]
	if !e.set || e.d != d {
		e.d, e.work, e.set = d, w.cal.IsWorkday(d.time()), true
	}
	if !e.work {
		return d, hour, true
	}
	for _, s := range w.hours {
		if sec >= s.Start && sec < s.End {
			return d, hour, false
		}
	}
	return d, hour, true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// merge adds o into a.
func (a *agg) merge(o *agg) {
	for k, v := range o.groups {
		if x, ok := a.groups[k]; ok {
			x.counters.add(&v.counters)
			x.memberSent += v.memberSent
			x.memberSentDemand += v.memberSentDemand
			for h, n := range v.hours {
				x.hours[h] += n
			}
		} else {
			a.groups[k] = v
		}
	}
	for k, v := range o.sent {
		if x, ok := a.sent[k]; ok {
			x.add(v)
		} else {
			a.sent[k] = v
		}
	}
	for k, v := range o.apps {
		if x, ok := a.apps[k]; !ok || v.row > x.row {
			a.apps[k] = v
		}
	}
	for k, v := range o.accounts {
		if x, ok := a.accounts[k]; !ok || v.row > x.row {
			a.accounts[k] = v
		}
	}
	a.raw = append(a.raw, o.raw...)
	a.stats.merge(&o.stats)
}

// unitHours sums the groups' messages by hour per unit owning the group and day (keys as
// personDay: unit and day).
func (a *agg) unitHours(dir *directory) map[personDay]*[24]int64 {
	out := map[personDay]*[24]int64{}
	for k, g := range a.groups {
		uk := pdKey(dir.groupUnit[k.g()], k.d())
		h := out[uk]
		if h == nil {
			h = &[24]int64{}
			out[uk] = h
		}
		for i, n := range g.hours {
			h[i] += int64(n)
		}
	}
	return out
}

// expand turns group-days into what each person and unit received: every message of every group
// a person belongs to, less those the person sent. It also fills each group-day's deliveries.
func (a *agg) expand(dir *directory) (persons map[personDay]*counters, units map[personDay]*counters, deliveries map[groupDay][2]int64) {
	persons = map[personDay]*counters{}
	deliveries = make(map[groupDay][2]int64, len(a.groups))
	for k, g := range a.groups {
		members := dir.members[k.g()]
		n := int64(len(members))
		deliveries[k] = [2]int64{g.Messages*n - g.memberSent, g.Demands*n - g.memberSentDemand}
		for _, p := range members {
			pk := pdKey(p, k.d())
			c := persons[pk]
			if c == nil {
				c = &counters{}
				persons[pk] = c
			}
			c.add(&g.counters)
		}
	}
	for k, s := range a.sent {
		if c := persons[k]; c != nil {
			c.sub(s)
		}
	}
	units = map[personDay]*counters{}
	for k, c := range persons {
		uk := pdKey(dir.personUnit[k.p()], k.d())
		u := units[uk]
		if u == nil {
			u = &counters{}
			units[uk] = u
		}
		u.add(c)
	}
	return persons, units, deliveries
}

// sortedKeys returns a map's keys in a fixed order, so that concurrent batches lock rollup rows
// in the same order and cannot deadlock on PostgreSQL.
func sortedKeys[K ~uint64, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// mix combines two 64-bit values into one well-spread hash (the splitmix64 finaliser over their
// combination).
func mix(a, b uint64) uint64 {
	x := a ^ (b + 0x9e3779b97f4a7c15 + a<<6 + a>>2)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
