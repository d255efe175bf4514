package classify

import "strings"

// Meta carries what the chat platform already says about a message, so that a flag is raised
// even when the text does not show it (an @all sent as a mention, a forward without 转发 in it).
type Meta struct {
	AtAll     bool
	Forwarded bool
}

// Match is the result of Scan: the flags and, per flag, which pattern raised it. It is a value
// without pointers, so scanning allocates nothing.
type Match struct {
	Mask Mask
	why  [NumFlags]int32 // pattern index + 1; whyMeta for metadata; 0 when the flag is unset
}

const whyMeta = -1

// Result is a classification with its explanation, for display and tests.
type Result struct {
	Flags []Flag
	// Why maps each flag in Flags to the pattern that raised it, as "line N: pattern", or to
	// "metadata" when the platform marked the message.
	Why map[Flag]string
}

// hit is one occurrence of a term in the normalised message: runes [start,end), in clause.
type hit struct {
	term, clause, start, end int32
}

// Classify classifies text (without metadata) and explains each flag.
func (c *Classifier) Classify(text string) Result {
	return c.ClassifyMeta(text, Meta{})
}

// ClassifyMeta is Classify with the platform's metadata taken into account.
func (c *Classifier) ClassifyMeta(text string, m Meta) Result {
	s := c.Scan(text, m)
	r := Result{Flags: s.Mask.List()}
	if len(r.Flags) > 0 {
		r.Why = make(map[Flag]string, len(r.Flags))
		for _, f := range r.Flags {
			r.Why[f] = c.Why(s, f)
		}
	}
	return r
}

// Why explains flag f of s: the pattern's line and text, "metadata", or "" when f is unset.
func (c *Classifier) Why(s Match, f Flag) string {
	i := flagIndex(f)
	if i < 0 {
		return ""
	}
	switch w := s.why[i]; {
	case w == whyMeta:
		return "metadata"
	case w > 0:
		return c.pats[w-1].why
	}
	return ""
}

// Pattern returns the line number and text of the pattern that raised f in s (0, "" if none or
// metadata), for callers that store or aggregate explanations without formatting strings.
func (c *Classifier) Pattern(s Match, f Flag) (line int, src string) {
	i := flagIndex(f)
	if i < 0 || s.why[i] <= 0 {
		return 0, ""
	}
	p := &c.pats[s.why[i]-1]
	return p.line, p.src
}

// maxHits bounds the term occurrences kept per message. Checking negations and gap forms is
// quadratic in the occurrences within one clause, so an adversarial message (a megabyte of 我我我)
// must not be able to make it unbounded; real messages have a few dozen at most.
const maxHits = 1024

// Scan classifies text in one pass and without allocating (unless the message has more than 64
// term occurrences or a regular-expression pattern is triggered). Occurrences beyond maxHits are
// ignored. The text is not retained.
func (c *Classifier) Scan(text string, m Meta) Match {
	var res Match
	if m.AtAll {
		res.set(flagIndex(AtAll), whyMeta)
	}
	if m.Forwarded {
		res.set(flagIndex(Forwarded), whyMeta)
	}

	var buf [64]hit
	hits := buf[:0]
	a := c.ac
	delta, outStart, outs, nclass := a.delta, a.outStart, a.outs, a.nclass
	var state uint16
	var clause, pos int32 // pos counts runes of the normalised clause text
	content := false      // the current clause has content: a boundary after it starts a new one
	for _, r := range text {
		n := normRune(r)
		if n == 0 {
			continue
		}
		if n == boundary {
			state = 0
			if content {
				clause++
				content = false
			}
			continue
		}
		content = true
		pos++
		cl := a.classOf(n)
		if cl == 0 {
			state = 0 // no term contains n: every match in progress is over
			continue
		}
		state = delta[int(state&^outBit)*nclass+cl]
		if state&outBit != 0 {
			s := state &^ outBit
			for _, t := range outs[outStart[s]:outStart[s+1]] {
				if len(hits) < maxHits {
					hits = append(hits, hit{term: t, clause: clause, start: pos - a.termLen[t], end: pos})
				}
			}
		}
	}

	var norm string // built only if a regular expression must run
	normalised := false
	for i := range hits {
		for _, pi := range c.firstOf[hits[i].term] {
			p := &c.pats[pi]
			if res.Mask&(1<<p.flag) != 0 {
				continue
			}
			if p.re != nil {
				if !normalised {
					norm, normalised = Normalize(text), true
				}
				if c.regexpMatches(p, norm, hits) {
					res.set(p.flag, pi+1)
				}
				continue
			}
			if follows(hits, i, p.parts) && !negated(hits, i, p.negs) {
				res.set(p.flag, pi+1)
			}
		}
	}
	for _, pi := range c.alwaysRe {
		p := &c.pats[pi]
		if res.Mask&(1<<p.flag) != 0 {
			continue
		}
		if !normalised {
			norm, normalised = Normalize(text), true
		}
		if c.regexpMatches(p, norm, hits) {
			res.set(p.flag, pi+1)
		}
	}
	return res
}

func (m *Match) set(flag int, why int32) {
	m.Mask |= 1 << flag
	m.why[flag] = why
}

// follows reports whether parts[1:] occur after hits[i] (which is parts[0]), in order, without
// overlapping, in the same clause. Taking the earliest end at each step is enough: it leaves the
// most room for the rest.
func follows(hits []hit, i int, parts []int32) bool {
	clause, end := hits[i].clause, hits[i].end
	for _, want := range parts[1:] {
		found := false
		for j := i + 1; j < len(hits) && hits[j].clause == clause; j++ {
			if hits[j].term == want && hits[j].start >= end {
				end, found = hits[j].end, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// negated reports whether any of negs occurs in the clause of hits[i]. Hits are in text order,
// so the clause is the run of hits around i with the same clause number.
func negated(hits []hit, i int, negs []int32) bool {
	if len(negs) == 0 {
		return false
	}
	clause := hits[i].clause
	lo := i
	for lo > 0 && hits[lo-1].clause == clause {
		lo--
	}
	for j := lo; j < len(hits) && hits[j].clause == clause; j++ {
		for _, n := range negs {
			if hits[j].term == n {
				return true
			}
		}
	}
	return false
}

// negatedClause is negated for a clause number rather than a hit (regular expressions).
func negatedClause(hits []hit, clause int32, negs []int32) bool {
	for i := range hits {
		if hits[i].clause == clause {
			return negated(hits, i, negs)
		}
	}
	return false
}

// regexpMatches runs p.re on the normalised text and accepts the first match whose clause holds
// none of p's negations. Clause numbers agree with Scan's because Normalize and Scan collapse
// boundaries the same way.
func (c *Classifier) regexpMatches(p *pattern, norm string, hits []hit) bool {
	for _, loc := range p.re.FindAllStringIndex(norm, -1) {
		clause := int32(strings.Count(norm[:loc[0]], string(boundary)))
		if !negatedClause(hits, clause, p.negs) {
			return true
		}
	}
	return false
}
