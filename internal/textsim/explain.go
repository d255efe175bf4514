package textsim

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxSharedTerms is how many shared words a Match lists: enough to see why two apps matched,
// few enough to read in a table cell.
const maxSharedTerms = 5

// share is one shared feature's part of a score.
type share struct {
	f feature
	c float64
}

// phrase is a candidate shared term with its part of the score.
type phrase struct {
	text string
	s    float64
}

// sharedTerms explains a match in words. Every feature both documents have in a scored field
// contributes its share of the score. Runs of shared bigrams in a's text are then joined back into
// the words an official wrote: 考勤, 勤打, 打卡 become "考勤打卡", scored by the sum of their
// bigrams. Shared Latin or digit words ("oa", "119") stand for themselves, a shared synonym shows
// both words ("签到≈打卡"). Single shared characters are listed only when nothing longer is
// shared, since 车 or 管 alone explains little.
func (ix *Index) sharedTerms(a, b *query, c *[numFields]float64) []string {
	shares := ix.shares(a, b, c)
	if len(shares) == 0 {
		return nil
	}
	// mask has bit r%64 set for the runes of every shared Chinese n-gram: most of a's bigrams
	// are rejected by it without a search.
	var mask uint64
	for _, sh := range shares {
		if k := sh.f.kind(); k == kindUni || k == kindBi {
			mask |= 1<<(sh.f.rune1()%64) | 1<<(sh.f.rune2()%64)
		}
	}
	part := func(f feature) float64 {
		if k := f.kind(); (k == kindUni || k == kindBi) && mask&(1<<(f.rune2()%64)) == 0 {
			return 0
		}
		if i, ok := slices.BinarySearchFunc(shares, f, func(s share, f feature) int { return compareF(s.f, f) }); ok {
			return shares[i].c
		}
		return 0
	}
	var ps, unis []phrase
	keep := func(l *[]phrase, t string, s float64) {
		for i := range *l {
			if (*l)[i].text == t {
				(*l)[i].s = max((*l)[i].s, s)
				return
			}
		}
		*l = append(*l, phrase{t, s})
	}
	for _, l := range a.segs {
		for _, sg := range l {
			if sg.runes == nil {
				if s := part(wordF(sg.word)); s > 0 {
					keep(&ps, sg.word, s)
				}
				continue
			}
			rs := sg.runes
			for i := 0; i+1 < len(rs); {
				if part(biF(rs[i], rs[i+1])) == 0 {
					i++
					continue
				}
				// Extend the run of shared bigrams; count each distinct bigram once.
				j, s := i, 0.0
				for ; j+1 < len(rs); j++ {
					bg := biF(rs[j], rs[j+1])
					p := part(bg)
					if p == 0 {
						break
					}
					if !repeated(rs[i:j+1], rs[j], rs[j+1]) {
						s += p
					}
				}
				keep(&ps, string(rs[i:j+1]), s)
				i = j
			}
			for _, r := range rs {
				if s := part(uniF(r)); s > 0 {
					keep(&unis, string(r), s)
				}
			}
		}
	}
	// Shared synonym concepts: show which word each app uses, "签到≈打卡". When both use the same
	// word, its bigram already says so.
	for _, u := range a.concepts {
		s := part(conceptF(u.concept))
		if s == 0 || slices.ContainsFunc(b.concepts, func(v conceptUse) bool { return v.word == u.word }) {
			continue
		}
		if k := slices.IndexFunc(b.concepts, func(v conceptUse) bool { return v.concept == u.concept }); k >= 0 {
			keep(&ps, u.word+"≈"+b.concepts[k].word, s)
		}
	}
	if len(ps) == 0 {
		ps = unis
	}
	slices.SortFunc(ps, func(x, y phrase) int {
		return cmp.Or(cmp.Compare(y.s, x.s),
			cmp.Compare(utf8.RuneCountInString(y.text), utf8.RuneCountInString(x.text)),
			strings.Compare(x.text, y.text))
	})
	var out []string
next:
	for _, p := range ps {
		for _, o := range out {
			if strings.Contains(o, p.text) || strings.Contains(p.text, o) {
				continue next
			}
		}
		out = append(out, p.text)
		if len(out) == maxSharedTerms {
			break
		}
	}
	return out
}

// repeated reports whether the bigram (x, y) occurs in run before its last position.
func repeated(run []rune, x, y rune) bool {
	for k := 0; k+1 < len(run); k++ {
		if run[k] == x && run[k+1] == y {
			return true
		}
	}
	return false
}

// shares returns each shared feature's share of the score, sorted by feature. The score is
// s = 1 − (1 − t)(1 − βF) for text score t and forms cosine F (see combine); splitting its
// interaction term evenly gives s = t·(1 − βF/2) + βF·(1 − t/2), so the text features' shares are
// scaled by the first factor and the form features' by the second, and all shares add up to s.
func (ix *Index) shares(a, b *query, c *[numFields]float64) []share {
	has := a.dv.has & b.dv.has
	var den, t float64
	for f := range numFields {
		if f != fForms && has&(1<<f) != 0 {
			den += ix.opt.fieldWeight[f]
			t += ix.opt.fieldWeight[f] * c[f]
		}
	}
	if den > 0 {
		t /= den
	}
	beta := 0.0
	if has&(1<<fForms) != 0 {
		beta = ix.beta(den)
	}
	var out []share
	for f := range numFields {
		if has&(1<<f) == 0 || !ix.scored(f) {
			continue
		}
		va, vb := &a.dv.f[f], &b.dv.f[f]
		scale := beta * (1 - t/2)
		if f != fForms && den > 0 {
			scale = ix.opt.fieldWeight[f] / den * (1 - beta*c[fForms]/2)
		}
		scale /= math.Sqrt(va.n2 * vb.n2)
		i, j := 0, 0
		for i < len(va.ids) && j < len(vb.ids) {
			switch {
			case va.ids[i] < vb.ids[j]:
				i++
			case va.ids[i] > vb.ids[j]:
				j++
			default:
				out = append(out, share{ix.term(a, va.ids[i]), float64(va.w[i]) * float64(vb.w[j]) * scale})
				i++
				j++
			}
		}
	}
	// A feature can be shared in two fields (a bigram of a function and of a form name): add up.
	slices.SortStableFunc(out, func(x, y share) int { return compareF(x.f, y.f) })
	k := 0
	for i := range out {
		if k > 0 && out[k-1].f == out[i].f {
			out[k-1].c += out[i].c
			continue
		}
		out[k] = out[i]
		k++
	}
	return out[:k]
}

// conceptUse is one synonym in a document's text: the concept and the word used for it.
type conceptUse struct{ concept, word string }

// conceptUses lists the synonyms in the segments, in text order, each word once.
func conceptUses(segs *[numFields][]segment) []conceptUse {
	var out []conceptUse
	for _, l := range segs {
		for _, sg := range l {
			synonymsIn(sg.runes, func(w, c string) {
				if !slices.ContainsFunc(out, func(u conceptUse) bool { return u.word == w }) {
					out = append(out, conceptUse{c, w})
				}
			})
		}
	}
	return out
}

// sharedForms lists a's forms whose normalised names b also has, in a's order, once each.
func sharedForms(a, b *Doc) []string {
	if len(a.Forms) == 0 || len(b.Forms) == 0 {
		return nil
	}
	have := map[string]bool{}
	for _, f := range fieldTexts(b, fForms) {
		if n := Normalize(f); n != "" {
			have[n] = true
		}
	}
	var out []string
	for _, f := range fieldTexts(a, fForms) {
		if n := Normalize(f); have[n] {
			out = append(out, strings.TrimSpace(f))
			delete(have, n)
		}
	}
	return out
}
