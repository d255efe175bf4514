package classify

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
)

//go:embed patterns.txt
var defaultPatterns string

// pattern is one line of the patterns file.
type pattern struct {
	flag  int    // index into Flags
	src   string // the line as written, for explanations
	line  int
	why   string  // "line N: src", built once so that explaining a flag does not format
	parts []int32 // term ids that must occur in order in one clause; parts[0] triggers the check
	negs  []int32 // term ids any of which, in the same clause, cancels the pattern
	re    *regexp.Regexp
}

// Classifier holds compiled patterns. It is immutable after Parse and safe for concurrent use.
type Classifier struct {
	pats      []pattern
	terms     []string
	firstOf   [][]int32 // term id → patterns whose parts[0] it is
	alwaysRe  []int32   // regexp patterns without a literal prefix: checked on every message
	ac        *automaton
	hasRegexp bool
}

var defaultOnce = sync.OnceValue(func() *Classifier {
	c, err := Parse(strings.NewReader(defaultPatterns))
	if err != nil {
		panic("classify: embedded patterns.txt: " + err.Error())
	}
	return c
})

// Default returns the classifier built from the embedded patterns.txt.
func Default() *Classifier { return defaultOnce() }

// DefaultPatterns returns the embedded patterns file, as a starting point for a bureau's own.
func DefaultPatterns() string { return defaultPatterns }

// Parse reads a patterns file:
//
//	# comment (a line whose first non-space character is #)
//	[reply_received]          a section: the flag the following patterns raise (an ASCII name,
//	                          so that a line such as [转发] is a pattern, not a section)
//	! 不用 无需 不必           negations for every pattern of the section
//	回复收到                   a literal phrase
//	收到*请回复 !之后          a gap form: parts in this order within one clause, with a negation
//	/\d+分钟内/                a regular expression (Go syntax) between slashes
//
// Tokens are separated by spaces; a pattern cannot contain a space because normalisation removes
// spaces from messages. Literals and negations are normalised like messages (full-width to
// half-width, lower case …) so they may be written either way. A regular expression runs on the
// normalised text (clauses separated by \n) only when its literal prefix occurs, so give it one;
// one without a prefix runs on every message and costs accordingly. Errors name the line.
func Parse(r io.Reader) (*Classifier, error) {
	c := &Classifier{}
	termID := map[string]int32{}
	intern := func(s string) int32 {
		if id, ok := termID[s]; ok {
			return id
		}
		id := int32(len(c.terms))
		termID[s] = id
		c.terms = append(c.terms, s)
		return id
	}
	normLit := func(s string, lineNo int) (string, error) {
		n := Normalize(s)
		if n == "" {
			return "", fmt.Errorf("line %d: %q is empty after normalisation", lineNo, s)
		}
		if strings.ContainsRune(n, boundary) {
			return "", fmt.Errorf("line %d: %q contains clause punctuation (，。！？；), which never occurs inside a clause", lineNo, s)
		}
		return n, nil
	}
	flag := -1
	sectionStart := 0
	var sectionNegs []int32
	endSection := func() {
		for i := sectionStart; i < len(c.pats); i++ {
			c.pats[i].negs = append(c.pats[i].negs, sectionNegs...)
		}
		sectionNegs = nil
		sectionStart = len(c.pats)
	}
	sc := bufio.NewScanner(r)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// A section header is [name] with an ASCII name, so that a pattern such as [转发]
		// (a bracketed Chinese tag) is still a pattern.
		if strings.HasPrefix(line, "[") && isSectionName(strings.TrimSuffix(line[1:], "]")) {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("line %d: section header %q lacks ]", lineNo, line)
			}
			name := Flag(strings.TrimSpace(line[1 : len(line)-1]))
			endSection()
			flag = flagIndex(name)
			if flag < 0 {
				return nil, fmt.Errorf("line %d: unknown flag %q (known: %v)", lineNo, name, Flags)
			}
			continue
		}
		if flag < 0 {
			return nil, fmt.Errorf("line %d: pattern %q before any [flag] section", lineNo, line)
		}
		fields := strings.Fields(line)
		if fields[0] == "!" {
			if len(fields) == 1 {
				return nil, fmt.Errorf("line %d: negation line with no phrases", lineNo)
			}
			for _, f := range fields[1:] {
				n, err := normLit(strings.TrimPrefix(f, "!"), lineNo)
				if err != nil {
					return nil, err
				}
				sectionNegs = append(sectionNegs, intern(n))
			}
			continue
		}
		p := pattern{flag: flag, src: line, line: lineNo, why: fmt.Sprintf("line %d: %s", lineNo, line)}
		for _, f := range fields[1:] {
			if !strings.HasPrefix(f, "!") || len(f) == 1 {
				return nil, fmt.Errorf("line %d: %q: after the pattern only negations (!phrase) may follow", lineNo, f)
			}
			n, err := normLit(f[1:], lineNo)
			if err != nil {
				return nil, err
			}
			p.negs = append(p.negs, intern(n))
		}
		pat := fields[0]
		switch {
		case len(pat) >= 2 && strings.HasPrefix(pat, "/") && strings.HasSuffix(pat, "/"):
			re, err := regexp.Compile(pat[1 : len(pat)-1])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", lineNo, err)
			}
			p.re = re
			c.hasRegexp = true
			if prefix, _ := re.LiteralPrefix(); prefix != "" && !strings.ContainsRune(prefix, boundary) {
				p.parts = []int32{intern(prefix)}
			}
		case strings.HasPrefix(pat, "/"):
			return nil, fmt.Errorf("line %d: regular expression %q lacks its closing /", lineNo, pat)
		default:
			for _, part := range strings.Split(pat, "*") {
				n, err := normLit(part, lineNo)
				if err != nil {
					return nil, err
				}
				p.parts = append(p.parts, intern(n))
			}
		}
		c.pats = append(c.pats, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	endSection()
	c.firstOf = make([][]int32, len(c.terms))
	for i, p := range c.pats {
		if len(p.parts) == 0 {
			c.alwaysRe = append(c.alwaysRe, int32(i))
			continue
		}
		c.firstOf[p.parts[0]] = append(c.firstOf[p.parts[0]], int32(i))
	}
	ac, err := buildAutomaton(c.terms)
	if err != nil {
		return nil, err
	}
	c.ac = ac
	return c, nil
}

func isSectionName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == ' ') {
			return false
		}
	}
	return true
}
