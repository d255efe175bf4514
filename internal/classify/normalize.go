package classify

import "unicode/utf8"

// boundary is what normalisation emits between clauses. It is never part of a pattern, so the
// automaton resets on it and no match or negation reaches across a clause.
const boundary = '\n'

// t2s maps a handful of traditional characters that occur in the patterns to their simplified
// form, so that a message typed on a traditional-Chinese keyboard still matches. It is not a
// general converter: only characters a pattern depends on are worth the lookup.
var t2s = map[rune]rune{
	'請': '请', '覆': '复', '復': '复', '簽': '签', '龍': '龙', '圖': '图', '視': '视', '頻': '频',
	'報': '报', '內': '内', '時': '时', '員': '员', '體': '体', '轉': '转', '發': '发', '數': '数',
	'錶': '表', '單': '单', '傳': '传', '點': '点', '馬': '马', '會': '会', '議': '议', '確': '确',
	'認': '认', '應': '应', '須': '须', '無': '无', '隊': '队', '於': '于', '間': '间', '鐘': '钟',
	'後': '后', '攝': '摄', '錄': '录', '張': '张', '隻': '只', '們': '们', '給': '给', '實': '实',
	'況': '况', '記': '记', '統': '统', '計': '计', '寫': '写', '據': '据', '將': '将', '讀': '读',
	'閱': '阅', '處': '处',
}

// normRune maps one input rune to the rune the automaton sees: 0 to drop it, boundary to end a
// clause. Dropped are spaces, quotes (so that 回复“收到” reads as 回复收到) and emoji and other
// symbols that decorate messages without changing what they ask for.
func normRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000:
		return 0
	}
	if r < utf8.RuneSelf {
		switch r {
		case ' ', '\t', '"', '\'', '`':
			return 0
		case '\n', '\r', ',', '.', '!', '?', ';':
			return boundary
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if r < 0x20 || r == 0x7F {
			return 0
		}
		return r
	}
	switch r {
	case '，', '。', '！', '？', '；', '…', '\u2028', '\u2029':
		return boundary
	case '“', '”', '‘', '’', '「', '」', '『', '』', '\u00a0':
		return 0
	}
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // emoji, pictographs
		r >= 0x2600 && r <= 0x27BF, // misc symbols, dingbats
		r >= 0x2B00 && r <= 0x2BFF,
		r >= 0xFE00 && r <= 0xFE0F, // variation selectors
		r >= 0x200B && r <= 0x200F, // zero-width, ZWJ
		r == 0x20E3, r == 0x2060, r == 0xFEFF,
		r >= 0xE0000 && r <= 0xE007F,
		r == utf8.RuneError:
		return 0
	}
	// The bitmap test keeps the map lookup off the path of the common, already simplified, text.
	if r >= cjkLo && r <= cjkHi && tradBits[(r-cjkLo)>>6]&(1<<((r-cjkLo)&63)) != 0 {
		return t2s[r]
	}
	return r
}

const cjkLo, cjkHi = 0x4E00, 0x9FFF

// tradBits has a bit set for each CJK rune that is a key of t2s.
var tradBits = func() (b [(cjkHi-cjkLo)/64 + 1]uint64) {
	for r := range t2s {
		if r >= cjkLo && r <= cjkHi {
			b[(r-cjkLo)>>6] |= 1 << ((r - cjkLo) & 63)
		}
	}
	return b
}()

// Normalize returns text as the patterns see it, with clauses separated by newlines. It exists
// for pattern authors and tests (to see why a phrase does or does not match); Scan never builds
// this string except for a regexp pattern whose prefix has matched.
func Normalize(text string) string {
	b := make([]byte, 0, len(text))
	last := rune(boundary)
	for _, r := range text {
		n := normRune(r)
		if n == 0 || (n == boundary && last == boundary) {
			continue
		}
		b = utf8.AppendRune(b, n)
		last = n
	}
	if len(b) > 0 && b[len(b)-1] == boundary {
		b = b[:len(b)-1]
	}
	return string(b)
}
