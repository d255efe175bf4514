package textsim

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Limits that keep one pathological input (a pasted manual, a megabyte of garbage) from costing
// more than a normal description. Real names, purposes and function lists are far shorter.
const (
	maxFieldRunes = 4096 // runes read per field, over all its list items
	maxItems      = 256  // list items read per field
	maxWordRunes  = 32   // a longer Latin/digit run is cut (it is a hash or an id, not a word)
)

// The fields of a Doc, in the fixed order in which scores are summed (determinism).
const (
	fName = iota
	fPurpose
	fFunctions
	fForms
	fAll // name, purpose and functions together: duplicates often say the same in different fields
	numFields
)

// A feature is what vectors are made of. Chinese unigrams and bigrams, by far the most numerous,
// are packed into k with no string, so that counting them allocates nothing; words, whole form
// names and synonym concepts carry their text in s. The kind sits in the top bits of k.
type feature struct {
	k uint64
	s string
}

const (
	kindShift   = 61
	kindUni     = 1
	kindBi      = 2
	kindWord    = 3 // a Latin/digit word: "oa", "119"
	kindForm    = 4 // a whole normalised form name
	kindConcept = 5 // a synonym set, named by its first word
)

func uniF(r rune) feature       { return feature{k: kindUni<<kindShift | uint64(r)} }
func biF(a, b rune) feature     { return feature{k: kindBi<<kindShift | uint64(a)<<21 | uint64(b)} }
func wordF(s string) feature    { return feature{k: kindWord << kindShift, s: s} }
func formF(s string) feature    { return feature{k: kindForm << kindShift, s: s} }
func conceptF(s string) feature { return feature{k: kindConcept << kindShift, s: s} }
func (f feature) kind() uint64  { return f.k >> kindShift }

// compareF orders features by kind, then runes or text. It is the order of feature ids.
func compareF(a, b feature) int {
	if a.k != b.k {
		return cmp.Compare(a.k, b.k)
	}
	return strings.Compare(a.s, b.s)
}
func (f feature) rune1() rune { return rune(f.k >> 21 & (1<<21 - 1)) }
func (f feature) rune2() rune { return rune(f.k & (1<<21 - 1)) }

// String is the feature as an official would read it.
func (f feature) String() string {
	switch f.kind() {
	case kindUni:
		return string(f.rune2())
	case kindBi:
		return string([]rune{f.rune1(), f.rune2()})
	}
	return f.s
}

// segment is one run of normalised text after stop words were cut out: a run of Chinese
// characters (n-grams are formed inside it) or one Latin/digit word.
type segment struct {
	runes []rune // a Chinese run
	word  string // or a word
}

// stopHan indexes the Chinese stop words by their first rune, longest first, for
// leftmost-longest matching; stopWord holds the Latin ones; stopCut is connectives as a set;
// workflow holds workflowWords as bigram features.
var (
	stopHan  = map[rune][][]rune{}
	stopWord = map[string]bool{}
	stopCut  = map[rune]bool{}
	workflow = map[feature]bool{}
)

func init() {
	for _, s := range stopWords {
		s = Normalize(s)
		r := []rune(s)
		if len(r) == 0 {
			continue
		}
		if _, c := fold(r[0]); c == han {
			stopHan[r[0]] = append(stopHan[r[0]], r)
		} else {
			stopWord[s] = true
		}
	}
	for _, v := range stopHan {
		sortLongestFirst(v)
	}
	for _, r := range connectives {
		stopCut[r] = true
	}
	for _, w := range workflowWords {
		if r := []rune(Normalize(w)); len(r) == 2 {
			workflow[biF(r[0], r[1])] = true
		}
	}
}

func sortLongestFirst(v [][]rune) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && len(v[j]) > len(v[j-1]); j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// prefixAt returns the length of the longest of words (longest first) that starts run[i:], or 0.
func prefixAt(run []rune, i int, words [][]rune) int {
	for _, w := range words {
		if i+len(w) <= len(run) && equalRunes(run[i:i+len(w)], w) {
			return len(w)
		}
	}
	return 0
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// segmenter splits text into segments, reading at most budget runes.
type segmenter struct {
	stop   bool
	budget int
	run    []rune
	segs   []segment
}

func (s *segmenter) add(text string) {
	last := sep
	for _, r := range text {
		if s.budget <= 0 {
			break
		}
		s.budget--
		r, c := fold(r)
		if c != last {
			s.flush(last)
		}
		if c != sep && !(c == word && len(s.run) >= maxWordRunes) {
			s.run = append(s.run, r)
		}
		last = c
	}
	s.flush(last)
}

func (s *segmenter) flush(c class) {
	defer func() { s.run = s.run[:0] }()
	switch {
	case len(s.run) == 0 || c == sep:
	case c == word:
		if t := string(s.run); !(s.stop && stopWord[t]) {
			s.segs = append(s.segs, segment{word: t})
		}
	case !s.stop:
		s.segs = append(s.segs, segment{runes: clone(s.run)})
	default:
		// Cut stop words and connectives out, leftmost-longest; what lies between them becomes
		// its own segment.
		start := 0
		for i := 0; i < len(s.run); {
			n := prefixAt(s.run, i, stopHan[s.run[i]])
			if n == 0 && stopCut[s.run[i]] {
				n = 1
			}
			if n == 0 {
				i++
				continue
			}
			if i > start {
				s.segs = append(s.segs, segment{runes: clone(s.run[start:i])})
			}
			i += n
			start = i
		}
		if start < len(s.run) {
			s.segs = append(s.segs, segment{runes: clone(s.run[start:])})
		}
	}
}

func clone(r []rune) []rune { return append([]rune(nil), r...) }

// fieldTexts returns the strings of one field of d, list items capped at maxItems.
func fieldTexts(d *Doc, f int) []string {
	var l []string
	switch f {
	case fName:
		return []string{d.Name}
	case fPurpose:
		return []string{d.Purpose}
	case fFunctions:
		l = d.Functions
	case fForms:
		l = d.Forms
	default:
		return nil
	}
	if len(l) > maxItems {
		l = l[:maxItems]
	}
	return l
}

// fieldSegments segments one field. Items of a list are segmented separately so that no n-gram
// joins the end of one function to the start of the next. When stop words leave nothing of a
// non-empty field ("消防管理系统"), the field is taken without them: two apps named only in
// generic words still compare, rather than both counting as empty.
func fieldSegments(d *Doc, f int, stop bool) []segment {
	s := segmenter{stop: stop, budget: maxFieldRunes}
	for _, t := range fieldTexts(d, f) {
		s.add(t)
	}
	if stop && len(s.segs) == 0 {
		return fieldSegments(d, f, false)
	}
	return s.segs
}

// docSegments segments the four stored fields of d (fAll has no text of its own).
func docSegments(d *Doc, opt *options) [numFields][]segment {
	var segs [numFields][]segment
	for _, f := range [...]int{fName, fPurpose, fFunctions, fForms} {
		segs[f] = fieldSegments(d, f, opt.stop)
	}
	return segs
}

// tf is a feature and how often it occurs in a field.
type tf struct {
	f feature
	n int32
}

// docCounts counts the features of every field of d, each list sorted by feature (which is the
// order of feature ids); fAll is the sum of the text fields. Counting by sorting a slice, rather
// than in maps, allocates little and hashes nothing.
//
// A Chinese run gives its characters (unigrams, minus function characters), its character bigrams
// and the synonym concepts it contains; a word gives itself; a form list also gives each whole
// normalised form name, because the same form in two apps is the repeated form-filling that
// APP-REPEATFORMS forbids.
func docCounts(d *Doc, segs *[numFields][]segment, opt *options) [numFields][]tf {
	var raw [numFields][]feature
	for _, f := range [...]int{fName, fPurpose, fFunctions, fForms} {
		var l []feature
		for _, sg := range segs[f] {
			if sg.runes == nil {
				l = append(l, wordF(sg.word))
				continue
			}
			if opt.conceptWeight > 0 {
				synonymsIn(sg.runes, func(_, concept string) { l = append(l, conceptF(concept)) })
			}
			for i, r := range sg.runes {
				if opt.uniWeight > 0 && !(opt.stop && strings.ContainsRune(stopUnigrams, r)) {
					l = append(l, uniF(r))
				}
				if i > 0 {
					l = append(l, biF(sg.runes[i-1], r))
				}
			}
		}
		if f == fForms && opt.formWeight > 0 {
			for _, t := range fieldTexts(d, f) {
				if len(t) > 4*maxFieldRunes {
					t = t[:4*maxFieldRunes]
				}
				if n := Normalize(t); n != "" {
					l = append(l, formF(n))
				}
			}
		}
		raw[f] = l
	}
	var c [numFields][]tf
	for _, f := range [...]int{fName, fPurpose, fFunctions, fForms} {
		c[f] = countSorted(raw[f])
	}
	c[fAll] = mergeCounts(mergeCounts(c[fName], c[fPurpose]), c[fFunctions])
	return c
}

// mergeCounts merges two sorted count lists, adding the counts of common features.
func mergeCounts(a, b []tf) []tf {
	out := make([]tf, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := compareF(a[i].f, b[j].f); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, tf{a[i].f, a[i].n + b[j].n})
			i++
			j++
		}
	}
	out = append(append(out, a[i:]...), b[j:]...)
	if len(out) == 0 {
		return nil
	}
	return slices.Clip(out)
}

// countSorted sorts l and returns each distinct feature with its count.
func countSorted(l []feature) []tf {
	if len(l) == 0 {
		return nil
	}
	slices.SortFunc(l, compareF)
	out := make([]tf, 0, len(l))
	for _, x := range l {
		if n := len(out); n > 0 && out[n-1].f == x {
			out[n-1].n++
		} else {
			out = append(out, tf{x, 1})
		}
	}
	return slices.Clip(out)
}

// kindWeight is the weight of a feature before TF-IDF: unigrams count less than bigrams (a shared
// character is weak evidence, but it is all that two-character names like 通讯录/通信录 share),
// whole form names count more (an identical form is strong evidence), workflow words and synonym
// concepts count less (see workflowWords and synonymSets).
func kindWeight(x feature, opt *options) float64 {
	switch x.kind() {
	case kindUni:
		return opt.uniWeight
	case kindForm:
		return opt.formWeight
	case kindConcept:
		return opt.conceptWeight
	}
	if opt.stop && workflow[x] {
		return opt.workflowWeight
	}
	return 1
}

// idf is the smoothed inverse document frequency of a feature found in df of n documents. The +1
// terms keep it finite for unseen features (df = 0) and positive for ubiquitous ones.
func idf(df, n int) float64 {
	return math.Log(float64(1+n)/float64(1+df)) + 1
}
