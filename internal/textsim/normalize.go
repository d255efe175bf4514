package textsim

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// t2s is t2sPairs as a map, and t2sKey a bitset of its keys (all in the Basic Multilingual
// Plane): most characters are simplified already, and the bitset spares them the map lookup.
var t2s, t2sKey = func() (map[rune]rune, *[1 << 16 / 64]uint64) {
	m := make(map[rune]rune, len(t2sPairs)/6)
	var keys [1 << 16 / 64]uint64
	rs := []rune(t2sPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
		keys[rs[i]/64] |= 1 << (rs[i] % 64)
	}
	return m, &keys
}()

// class is what a rune is to the tokeniser.
type class uint8

const (
	sep  class = iota // punctuation, space, symbols, invalid bytes: ends a run
	han               // a CJK ideograph: forms character n-grams
	word              // a letter or digit of any other script: forms word tokens ("oa", "119")
)

// fold maps one input rune to its normal form and says what it is. Full-width ASCII becomes
// half-width (users type "ＯＡ" and "１１９" from Chinese input methods), traditional becomes
// simplified, letters become lower case. Invalid UTF-8 arrives as utf8.RuneError and is a
// separator, so broken input cannot invent tokens.
func fold(r rune) (rune, class) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		return ' ', sep
	}
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r, word
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A'), word
		}
		return r, sep
	}
	if unicode.Is(unicode.Han, r) {
		if r < 1<<16 && t2sKey[r/64]&(1<<(r%64)) != 0 {
			r = t2s[r]
		}
		return r, han
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return unicode.ToLower(r), word
	}
	return r, sep
}

// Normalize returns s as the similarity functions see it: full-width folded to half-width,
// traditional characters folded to simplified, Latin lower-cased, and every run of punctuation,
// whitespace or other symbols replaced by one space (a boundary that no n-gram crosses). A space
// also separates Chinese from Latin or digits, so "消防监督检查App" becomes "消防监督检查 app"
// and "１１９接警" becomes "119 接警". Stop words are not removed here; that is a feature-level
// decision. Normalize is idempotent and never panics, whatever the input bytes.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	last := sep
	for _, r := range s {
		r, c := fold(r)
		if c == sep {
			last = sep
			continue
		}
		if c != last && b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		last = c
	}
	return b.String()
}
