package classify

import (
	"fmt"
	"unicode/utf8"
)

// automaton is an Aho–Corasick automaton over runes with a full transition table. Runes are
// mapped to equivalence classes first: every rune that occurs in no term is class 0, which always
// leads back to the root, and the others get one class each. So the table is states × classes
// (446 × 220 for the default patterns, 196 KB), entries are 16 bits to keep it in L2 cache, and a
// message costs one table lookup per rune. The high bit of an entry marks a state where some term
// ends, so the scan loop touches the output lists only there.
type automaton struct {
	ascii    [utf8.RuneSelf]uint16
	cjk      []uint16        // class of rune cjkLo+i
	other    map[rune]uint16 // class of other runes (【, ：…), rare in messages
	nclass   int
	delta    []uint16 // delta[s*nclass+c] is the next state, | outBit if terms end there
	outStart []int32  // terms ending at state s are outs[outStart[s]:outStart[s+1]]
	outs     []int32
	termLen  []int32 // in runes
}

const (
	outBit    = 0x8000
	maxStates = outBit
)

// classOf returns the class of rune r; 0 means r occurs in no term.
func (a *automaton) classOf(r rune) int {
	switch {
	case r < utf8.RuneSelf:
		return int(a.ascii[r])
	case r >= cjkLo && r <= cjkHi:
		return int(a.cjk[r-cjkLo])
	}
	return int(a.other[r])
}

func buildAutomaton(terms []string) (*automaton, error) {
	a := &automaton{cjk: make([]uint16, cjkHi-cjkLo+1), other: map[rune]uint16{}}
	a.nclass = 1
	for _, t := range terms {
		for _, r := range t {
			if a.classOf(r) != 0 {
				continue
			}
			c := uint16(a.nclass)
			a.nclass++
			switch {
			case r < utf8.RuneSelf:
				a.ascii[r] = c
			case r >= cjkLo && r <= cjkHi:
				a.cjk[r-cjkLo] = c
			default:
				a.other[r] = c
			}
		}
	}
	// Trie.
	type node struct {
		next map[int]int32
		out  []int32
		fail int32
	}
	nodes := []node{{next: map[int]int32{}}}
	for ti, t := range terms {
		s := int32(0)
		for _, r := range t {
			c := a.classOf(r)
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[int]int32{}})
				nodes[s].next[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(ti))
		a.termLen = append(a.termLen, int32(utf8.RuneCountInString(t)))
	}
	if len(nodes) > maxStates {
		return nil, fmt.Errorf("patterns too large: %d automaton states, at most %d", len(nodes), maxStates)
	}
	// Breadth-first: fail links, inherited outputs (a node's fail is shallower, so complete)
	// and the full transition table.
	delta := make([]int32, len(nodes)*a.nclass)
	queue := []int32{}
	for c := 1; c < a.nclass; c++ {
		if n, ok := nodes[0].next[c]; ok {
			delta[c] = n
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 1; c < a.nclass; c++ {
			if n, ok := nodes[s].next[c]; ok {
				nodes[n].fail = delta[int(f)*a.nclass+c]
				delta[int(s)*a.nclass+c] = n
				queue = append(queue, n)
			} else {
				delta[int(s)*a.nclass+c] = delta[int(f)*a.nclass+c]
			}
		}
	}
	a.outStart = make([]int32, len(nodes)+1)
	for i, n := range nodes {
		a.outStart[i] = int32(len(a.outs))
		a.outs = append(a.outs, n.out...)
	}
	a.outStart[len(nodes)] = int32(len(a.outs))
	a.delta = make([]uint16, len(delta))
	for i, n := range delta {
		a.delta[i] = uint16(n)
		if len(nodes[n].out) > 0 {
			a.delta[i] |= outBit
		}
	}
	return a, nil
}
