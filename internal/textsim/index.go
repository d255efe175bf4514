package textsim

import (
	"cmp"
	"math"
	"slices"
)

// Doc is one app as the similarity functions see it. ID is the caller's key and is not
// interpreted; Functions and Forms are lists because that is how inventories record them, and
// each item is tokenised on its own.
type Doc struct {
	ID        int64
	Name      string
	Purpose   string
	Functions []string
	Forms     []string
}

// Match is one app similar to another, with the evidence an official needs to judge it.
type Match struct {
	ID    int64   // the matched app
	Score float64 // combined similarity in [0, 1]; 1 for identical documents

	// Per-field cosine similarity in [0, 1], 0 when the field is empty in either document. They
	// show where the overlap is; Score itself pools name, purpose and functions into one text
	// similarity and lets shared forms raise it (see combine).
	Name, Purpose, Functions, Forms float64

	// SharedTerms are the shared words that contribute most to Score, strongest first, rebuilt
	// from overlapping bigrams into readable words (考勤, 勤打, 打卡 → "考勤打卡").
	SharedTerms []string
	// SharedForms are the form names both apps collect, as the first app spells them: the
	// repeated form-filling that APP-REPEATFORMS forbids.
	SharedForms []string
}

// Pair is two similar apps of an index, A < B by ID (by position for equal IDs).
// The embedded Match describes B as seen from A; its ID is B.
type Pair struct {
	A, B int64
	Match
}

// DefaultMin is the score from which two apps count as duplicates (APP-SIMILAR) and an intake
// request is shown its similar apps. It is the best-F1 threshold on testdata/apps.json
// (precision 0.947, recall 0.857 there; 1.000 and 0.857 on the held-out set, see TestLabelled).
// At intake, where an official reads the list, a lower threshold (0.15) trades precision for
// recall.
const DefaultMin = 0.24

// options are the tunable constants. They are not exported: the defaults are what the labelled
// tests measure, and callers should not need to tune text similarity to use it.
type options struct {
	fieldWeight [numFields]float64 // weight of each text field in the text score (not fForms)
	formBoost   float64            // β: how far the forms cosine raises the score (noisy-OR)
	uniWeight   float64            // unigram weight relative to bigrams and words
	formWeight  float64            // whole-form-name weight relative to bigrams and words
	// workflowWeight is the weight of workflowWords relative to other bigrams and words.
	workflowWeight float64
	// conceptWeight is the weight of a synonym-set feature (synonymSets); 0 turns them off.
	conceptWeight float64
	stop          bool // cut stopWords and connectives, drop stopUnigrams, weight workflowWords
}

// defaults were chosen on testdata/apps.json (TestTuneGrid), by the F1 of Pairs and the mean
// reciprocal rank of name-only searches; TestLabelled reports both sets.
//
//   - The text fields are pooled: name, purpose and functions as one vector (fAll). Weighting
//     them separately measured no better for pairs and worse for name-only search, because units
//     name the same app freely (执法通, 执法终端) and one app's name is often the other's function
//     (值班考勤打卡 / "值班打卡"). The per-field cosines are still reported in Match.
//   - Forms raise the score by up to β = 0.4 of their cosine; identical forms weigh 1.5 times a
//     bigram on top of their own bigrams.
//   - Unigrams weigh 0.3 of a bigram, workflow words 0.3, synonym concepts 0.5: more of each
//     made hard negatives (two 举报 apps, two 学习 apps) rise faster than true pairs.
var defaults = options{
	fieldWeight:    [numFields]float64{fAll: 1},
	formBoost:      0.4,
	uniWeight:      0.3,
	formWeight:     1.5,
	workflowWeight: 0.3,
	conceptWeight:  0.5,
	stop:           true,
}

// vec is a sparse TF-IDF vector: feature ids ascending, weights, and the squared norm computed
// from the float32 weights in id order, so that a vector's cosine with itself is exactly 1.
type vec struct {
	ids []int32
	w   []float32
	n2  float64
}

// docVec is one document's vectors per field; has has bit f set when field f is non-empty.
type docVec struct {
	f   [numFields]vec
	has uint8
}

// posting is one document in a feature's posting list, with its weight divided by the field
// vector's norm, so that summing products of postings gives cosines directly.
type posting struct {
	doc int32
	w   float32
}

// Index holds the vectors of a corpus and the inverted index over their features. It is built
// once by NewIndex and never changed, so any number of goroutines may search it at once.
type Index struct {
	opt      options
	docs     []Doc                  // the documents as given
	segs     [][numFields][]segment // their segments, for explanations
	concepts [][]conceptUse         // their synonyms, for explanations
	vocab    map[feature]int32
	terms    []feature // feature id → feature; ids are assigned in sorted order (determinism)
	idf      []float64 // feature id → idf
	vecs     []docVec
	// Postings per field in compressed-row form: the postings of feature id in field f are
	// post[f][off[f][id]:off[f][id+1]], in document order.
	off  [numFields][]int32
	post [numFields][]posting
}

// NewIndex builds the index of docs. IDF is computed over docs, so scores depend on the corpus: a
// word that every app uses counts for little. Build cost is linear in the total text length.
func NewIndex(docs []Doc) *Index {
	return newIndex(docs, &defaults)
}

func newIndex(docs []Doc, opt *options) *Index {
	ix := &Index{opt: *opt, docs: slices.Clone(docs),
		segs: make([][numFields][]segment, len(docs)), concepts: make([][]conceptUse, len(docs))}
	counts := make([][numFields][]tf, len(docs))
	df := map[feature]int32{}
	for i := range ix.docs {
		ix.segs[i] = docSegments(&ix.docs[i], opt)
		if opt.conceptWeight > 0 {
			ix.concepts[i] = conceptUses(&ix.segs[i])
		}
		counts[i] = docCounts(&ix.docs[i], &ix.segs[i], opt)
		// fAll holds every text feature and fForms the rest: together, each feature once.
		for _, x := range counts[i][fAll] {
			df[x.f]++
		}
		for _, x := range counts[i][fForms] {
			if !contains(counts[i][fAll], x.f) {
				df[x.f]++
			}
		}
	}
	// Ids in sorted feature order make every vector, and so every floating-point sum, independent
	// of the order of docs: Similarity(a, b) equals Similarity(b, a) bit for bit.
	ix.terms = make([]feature, 0, len(df))
	for t := range df {
		ix.terms = append(ix.terms, t)
	}
	slices.SortFunc(ix.terms, compareF)
	ix.vocab = make(map[feature]int32, len(ix.terms))
	ix.idf = make([]float64, len(ix.terms))
	for id, t := range ix.terms {
		ix.vocab[t] = int32(id)
		ix.idf[id] = idf(int(df[t]), len(docs))
	}

	ix.vecs = make([]docVec, len(docs))
	for i := range docs {
		c := &counts[i]
		all := ix.lookup(c[fAll], nil)
		for f := range numFields {
			var ids []int32
			switch f {
			case fAll:
				ids = all
			case fForms:
				ids = ix.lookup(c[f], nil)
			default:
				ids = subIDs(c[f], c[fAll], all) // every text feature is in fAll: no hashing
			}
			ix.vecs[i].f[f] = ix.vectorize(c[f], ids, 0)
			if len(ids) > 0 {
				ix.vecs[i].has |= 1 << f
			}
		}
	}

	for f := range numFields {
		if !ix.scored(f) {
			continue
		}
		off := make([]int32, len(ix.terms)+1)
		for i := range ix.vecs {
			for _, id := range ix.vecs[i].f[f].ids {
				off[id+1]++
			}
		}
		for id := range ix.terms {
			off[id+1] += off[id]
		}
		post := make([]posting, off[len(ix.terms)])
		next := slices.Clone(off[:len(ix.terms)])
		for i := range ix.vecs {
			v := &ix.vecs[i].f[f]
			inv := 1 / math.Sqrt(v.n2)
			for k, id := range v.ids {
				post[next[id]] = posting{doc: int32(i), w: float32(float64(v.w[k]) * inv)}
				next[id]++
			}
		}
		ix.off[f], ix.post[f] = off, post
	}
	return ix
}

// scored reports whether field f counts in the score. Fields that do not are still vectorised,
// for the per-field cosines of a Match, but get no postings and cost nothing in Search or Pairs.
func (ix *Index) scored(f int) bool {
	if f == fForms {
		return ix.opt.formBoost > 0
	}
	return ix.opt.fieldWeight[f] > 0
}

// Len returns the number of documents in the index.
func (ix *Index) Len() int { return len(ix.docs) }

// vectorize turns feature counts into a TF-IDF vector: weight = kind weight × (1 + ln tf) × idf.
// ids are the features' ids; ids beyond the vocabulary are features the corpus has never seen
// (df = 0), with idf unseenIDF.
func (ix *Index) vectorize(counts []tf, ids []int32, unseenIDF float64) vec {
	v := vec{ids: ids, w: make([]float32, len(ids))}
	for k, x := range counts {
		g := unseenIDF
		if id := ids[k]; int(id) < len(ix.idf) {
			g = ix.idf[id]
		}
		v.w[k] = float32(kindWeight(x.f, &ix.opt) * logTF(x.n) * g)
	}
	if !slices.IsSorted(ids) { // a query's unseen features break id order
		idx := make([]int, len(ids))
		for k := range idx {
			idx[k] = k
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(ids[a], ids[b]) })
		sid, sw := make([]int32, len(ids)), make([]float32, len(ids))
		for k, j := range idx {
			sid[k], sw[k] = ids[j], v.w[j]
		}
		v.ids, v.w = sid, sw
	}
	for _, w := range v.w {
		v.n2 += float64(w) * float64(w)
	}
	return v
}

// logTF is the sublinear term frequency 1 + ln n, from a table for the small counts that make up
// nearly all of them.
func logTF(n int32) float64 {
	if int(n) < len(logTable) {
		return logTable[n]
	}
	return 1 + math.Log(float64(n))
}

var logTable = func() (t [64]float64) {
	for n := 1; n < len(t); n++ {
		t[n] = 1 + math.Log(float64(n))
	}
	return t
}()

// lookup returns the ids of the features in counts; ext, if not nil, gives ids to features the
// vocabulary lacks.
func (ix *Index) lookup(counts []tf, ext map[feature]int32) []int32 {
	if len(counts) == 0 {
		return nil
	}
	ids := make([]int32, len(counts))
	for k, x := range counts {
		id, ok := ix.vocab[x.f]
		if !ok {
			id = ext[x.f]
		}
		ids[k] = id
	}
	return ids
}

// subIDs returns the ids of sub, a sorted sublist of the features of all, whose ids are allIDs.
func subIDs(sub, all []tf, allIDs []int32) []int32 {
	if len(sub) == 0 {
		return nil
	}
	ids := make([]int32, len(sub))
	j := 0
	for k, x := range sub {
		for all[j].f != x.f {
			j++
		}
		ids[k] = allIDs[j]
	}
	return ids
}

// contains reports whether the sorted list l has feature x.
func contains(l []tf, x feature) bool {
	_, ok := slices.BinarySearchFunc(l, x, func(t tf, x feature) int { return compareF(t.f, x) })
	return ok
}

// query is a document vectorised against the index, with the features the index has never seen
// given ids from len(ix.terms) on (in sorted order, so two queries agree on them).
type query struct {
	dv       docVec
	doc      *Doc
	segs     *[numFields][]segment
	concepts []conceptUse
	extra    []feature // feature id len(ix.terms)+k → feature
}

func (ix *Index) term(q *query, id int32) feature {
	if int(id) < len(ix.terms) {
		return ix.terms[id]
	}
	return q.extra[int(id)-len(ix.terms)]
}

// queries vectorises documents that need not be in the index. Unseen features shared by them get
// the same id, so that Compare of two new documents still sees what they have in common.
func (ix *Index) queries(docs ...*Doc) []query {
	qs := make([]query, len(docs))
	counts := make([][numFields][]tf, len(docs))
	var unseen []feature
	for i, d := range docs {
		segs := docSegments(d, &ix.opt)
		qs[i] = query{doc: d, segs: &segs}
		if ix.opt.conceptWeight > 0 {
			qs[i].concepts = conceptUses(&segs)
		}
		counts[i] = docCounts(d, &segs, &ix.opt)
		for _, f := range [...]int{fAll, fForms} {
			for _, x := range counts[i][f] {
				if _, ok := ix.vocab[x.f]; !ok {
					unseen = append(unseen, x.f)
				}
			}
		}
	}
	slices.SortFunc(unseen, compareF)
	unseen = slices.Compact(unseen)
	ext := make(map[feature]int32, len(unseen))
	for k, t := range unseen {
		ext[t] = int32(len(ix.terms) + k)
	}
	unseenIDF := idf(0, len(ix.docs))
	for i := range qs {
		qs[i].extra = unseen
		for f := range numFields {
			ids := ix.lookup(counts[i][f], ext)
			qs[i].dv.f[f] = ix.vectorize(counts[i][f], ids, unseenIDF)
			if len(ids) > 0 {
				qs[i].dv.has |= 1 << f
			}
		}
	}
	return qs
}

// cosine of two vectors by merging their sorted ids. Products of float32 weights are exact in
// float64 and are summed in id order, so cosine(a, b) == cosine(b, a) exactly.
func cosine(a, b *vec) float64 {
	var dot float64
	i, j := 0, 0
	for i < len(a.ids) && j < len(b.ids) {
		switch {
		case a.ids[i] < b.ids[j]:
			i++
		case a.ids[i] > b.ids[j]:
			j++
		default:
			dot += float64(a.w[i]) * float64(b.w[j])
			i++
			j++
		}
	}
	if dot <= 0 {
		return 0
	}
	// sqrt(n2 * n2) == n2 exactly, so a vector's cosine with itself is exactly 1.
	c := dot / math.Sqrt(a.n2*b.n2)
	if !(c <= 1) { // also catches NaN
		return 1
	}
	return c
}

// combine turns per-field cosines into the score. The text fields give a weighted mean over the
// fields present in both documents: a missing purpose or function list is not evidence either
// way. Forms then act as a noisy-OR boost, s = 1 − (1 − text)(1 − β·forms): the same form in two
// apps is strong evidence of duplication (APP-REPEATFORMS), but forms named differently are not
// evidence against it, so they may raise the score and never lower it. When the documents share
// no text field, the forms are all the evidence there is and β is 1. Identical documents have all
// cosines exactly 1 and so score exactly 1; the fixed summation order keeps it symmetric.
func (ix *Index) combine(c *[numFields]float64, has uint8) float64 {
	var num, den float64
	for f := range numFields {
		if f == fForms || has&(1<<f) == 0 {
			continue
		}
		num += ix.opt.fieldWeight[f] * c[f]
		den += ix.opt.fieldWeight[f]
	}
	var s float64
	if den > 0 {
		s = num / den
	}
	if has&(1<<fForms) != 0 {
		s = 1 - (1-s)*(1-ix.beta(den)*c[fForms])
	}
	if !(s > 0) { // also catches NaN
		return 0
	}
	return min(s, 1)
}

// beta is the forms boost given the weight of the text fields present in both documents.
func (ix *Index) beta(textWeight float64) float64 {
	if textWeight == 0 {
		return 1
	}
	return ix.opt.formBoost
}

// score is the exact similarity of two vectorised documents, with the per-field cosines.
func (ix *Index) score(a, b *docVec) (float64, [numFields]float64) {
	var c [numFields]float64
	has := a.has & b.has
	for f := range numFields {
		if has&(1<<f) != 0 {
			c[f] = cosine(&a.f[f], &b.f[f])
		}
	}
	return ix.combine(&c, has), c
}

// approxSlack absorbs the rounding difference between scores accumulated from normalised float32
// postings and the exact score, so that candidate pruning never drops a pair at the threshold.
// The difference is below 1e-6 (a few float32 ulps on a sum bounded by 1).
const approxSlack = 1e-5

// Search returns the documents of the index most similar to q, best first (ties by ID), at most
// limit of them (all when limit ≤ 0), each with Score ≥ min and > 0. Documents whose ID equals
// q.ID are left out, so an indexed app can be searched for its duplicates; give a new app an ID
// that is not in the index (0, say).
//
// Cost: proportional to the total length of the posting lists of q's features (documents sharing
// no feature with q are never touched), plus an exact cosine per candidate above min and an
// explanation per returned match.
func (ix *Index) Search(q Doc, limit int, min float64) []Match {
	qv := ix.queries(&q)[0]
	acc := newAccumulator(len(ix.docs))
	for f := range numFields {
		v := &qv.dv.f[f]
		if len(v.ids) == 0 || !ix.scored(f) {
			continue
		}
		inv := 1 / math.Sqrt(v.n2)
		for k, id := range v.ids {
			if int(id) >= len(ix.terms) {
				break // unseen features sort last and match nothing
			}
			acc.add(f, float64(v.w[k])*inv, ix.post[f][ix.off[f][id]:ix.off[f][id+1]])
		}
	}
	type cand struct {
		d     int32
		s     float64
		field [numFields]float64
	}
	var cs []cand
	for _, d := range acc.touched {
		if ix.docs[d].ID == q.ID || ix.combine(acc.fields(d), qv.dv.has&ix.vecs[d].has) < min-approxSlack {
			continue
		}
		s, field := ix.score(&qv.dv, &ix.vecs[d])
		if s >= min && s > 0 {
			cs = append(cs, cand{d, s, field})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.s, a.s); c != 0 {
			return c
		}
		if c := cmp.Compare(ix.docs[a.d].ID, ix.docs[b.d].ID); c != 0 {
			return c
		}
		return cmp.Compare(a.d, b.d)
	})
	if limit > 0 && len(cs) > limit {
		cs = cs[:limit]
	}
	ms := make([]Match, len(cs))
	for i, c := range cs {
		other := ix.asQuery(int(c.d))
		ms[i] = ix.match(&qv, &other, c.s, c.field)
	}
	return ms
}

// accumulator sums, per document and field, products of normalised posting weights: the field
// cosines of one document with every document it shares a feature with, up to rounding.
type accumulator struct {
	c       []float64 // c[d*numFields+f]
	seen    []bool    // seen[d]: d is in touched
	touched []int32   // documents sharing a feature, in first-touch order
}

func newAccumulator(n int) *accumulator {
	return &accumulator{c: make([]float64, n*numFields), seen: make([]bool, n), touched: make([]int32, 0, 64)}
}

func (a *accumulator) add(f int, w float64, ps []posting) {
	for _, p := range ps {
		if !a.seen[p.doc] {
			a.seen[p.doc] = true
			a.touched = append(a.touched, p.doc)
		}
		a.c[int(p.doc)*numFields+f] += w * float64(p.w)
	}
}

func (a *accumulator) fields(d int32) *[numFields]float64 {
	return (*[numFields]float64)(a.c[int(d)*numFields:])
}

// reset clears the sums of the touched documents (cheaper than clearing all n).
func (a *accumulator) reset() {
	for _, d := range a.touched {
		*a.fields(d) = [numFields]float64{}
		a.seen[d] = false
	}
	a.touched = a.touched[:0]
}

// asQuery wraps indexed document i so that explanations treat it like a query.
func (ix *Index) asQuery(i int) query {
	return query{dv: ix.vecs[i], doc: &ix.docs[i], segs: &ix.segs[i], concepts: ix.concepts[i]}
}

// Pairs returns every pair of indexed documents with Score ≥ min and > 0, best first (ties by
// A, then B). It is what the health check runs for APP-SIMILAR.
//
// It does not compare all n²/2 pairs. For each document a it walks the posting lists of a's
// features and accumulates, for every later document b sharing a feature, the sums of products of
// normalised weights per field: b's field cosines with a, up to rounding. Only pairs whose score
// from those sums reaches min (less approxSlack) get exact cosines; pairs that share no feature
// score 0 and are never touched, so nothing above min is lost (TestPairsEqualsBruteForce).
//
// Time is O(Σ df²/2) over the features of the scored fields, plus exact cosines for the
// candidates and an explanation per returned pair; memory is O(n + vocabulary). For short, varied
// texts Σ df² is far below the n²/2 merges of brute force; in the worst case, every document
// sharing every feature, it is no better (BenchmarkPairs1k against BenchmarkPairsBrute1k).
func (ix *Index) Pairs(min float64) []Pair {
	return ix.pairs(min, true)
}

// pairs is Pairs, with explanations only when explain is set (tuning sweeps skip them).
func (ix *Index) pairs(min float64, explain bool) []Pair {
	acc := newAccumulator(len(ix.docs))
	// cursor[f][id] is the position of the current document in feature id's posting list: every
	// posting after it belongs to a later document.
	var cursor [numFields][]int32
	for f := range numFields {
		if ix.scored(f) {
			cursor[f] = slices.Clone(ix.off[f][:len(ix.terms)])
		}
	}
	type cand struct {
		a, b  int32
		s     float64
		field [numFields]float64
	}
	var cs []cand
	for a := range ix.vecs {
		av := &ix.vecs[a]
		for f := range numFields {
			v := &av.f[f]
			if len(v.ids) == 0 || !ix.scored(f) {
				continue
			}
			inv := 1 / math.Sqrt(v.n2)
			for k, id := range v.ids {
				start := cursor[f][id] + 1
				cursor[f][id] = start
				acc.add(f, float64(v.w[k])*inv, ix.post[f][start:ix.off[f][id+1]])
			}
		}
		for _, b := range acc.touched {
			if ix.combine(acc.fields(b), av.has&ix.vecs[b].has) < min-approxSlack {
				continue
			}
			s, field := ix.score(av, &ix.vecs[b])
			if s >= min && s > 0 {
				cs = append(cs, cand{int32(a), b, s, field})
			}
		}
		acc.reset()
	}
	// Order the candidates first (they are small), then build the Pairs in that order.
	for i := range cs {
		if ix.docs[cs[i].b].ID < ix.docs[cs[i].a].ID {
			cs[i].a, cs[i].b = cs[i].b, cs[i].a
		}
	}
	slices.SortFunc(cs, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.s, x.s),
			cmp.Compare(ix.docs[x.a].ID, ix.docs[y.a].ID), cmp.Compare(ix.docs[x.b].ID, ix.docs[y.b].ID),
			cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	ps := make([]Pair, len(cs))
	for i, c := range cs {
		a, b := int(c.a), int(c.b)
		ps[i] = Pair{A: ix.docs[a].ID, B: ix.docs[b].ID}
		if explain {
			qa, qb := ix.asQuery(a), ix.asQuery(b)
			ps[i].Match = ix.match(&qa, &qb, c.s, c.field)
		} else {
			ps[i].Match = Match{ID: ix.docs[b].ID, Score: c.s}
		}
	}
	return ps
}

// Compare scores two documents, indexed or not, against the corpus statistics of the index.
// It is what Search and Pairs compute for one pair, with the same explanation.
func (ix *Index) Compare(a, b Doc) Match {
	qs := ix.queries(&a, &b)
	s, field := ix.score(&qs[0].dv, &qs[1].dv)
	return ix.match(&qs[0], &qs[1], s, field)
}

// Similarity compares two documents with a corpus of just the two (so words they share get a
// lower idf than words only one has). It is a convenience for one-off checks and tests; to
// compare against an inventory, build an Index once and use Search or Compare.
func Similarity(a, b Doc) Match {
	return newIndex([]Doc{a, b}, &defaults).Compare(a, b)
}

// match assembles the Match of b as seen from a.
func (ix *Index) match(a, b *query, s float64, field [numFields]float64) Match {
	m := Match{
		ID: b.doc.ID, Score: s,
		Name: field[fName], Purpose: field[fPurpose], Functions: field[fFunctions], Forms: field[fForms],
	}
	if s > 0 {
		m.SharedTerms = ix.sharedTerms(a, b, &field)
		m.SharedForms = sharedForms(a.doc, b.doc)
	}
	return m
}
