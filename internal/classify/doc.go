// Package classify flags the burden a work-group message puts on its recipients (GRP-FORCED in
// the rules reference): demands to reply "收到", to 接龙, to 打卡/签到, to leave proof (截图, 拍照,
// 视频, 定位), to send materials or numbers, to respond within a short time, plus @所有人 and
// forwarded notices.
//
// The classifier is rule-based so that the bureau can read, argue with and edit every rule: the
// patterns live in a plain-text file (see Parse for the format; the default is patterns.txt,
// embedded) and every flag in a Result names the pattern and file line that raised it.
//
// Text is normalised first (full-width to half-width, spaces, quotes and emoji removed, Latin
// lower-cased, a small traditional-to-simplified table) and cut into clauses at sentence and
// comma punctuation. A pattern is a literal phrase, a gap form "a*b" (a then b in the same
// clause), or a regular expression; each may carry negations ("!不用") that cancel it when they
// occur in the same clause, so "不用回复收到" and "请勿接龙" raise nothing.
//
// All literals (pattern parts, negations, regexp prefixes) are compiled into one Aho–Corasick
// automaton over runes, and normalisation feeds it directly, so a message costs one pass
// over its runes whatever the number of patterns; regular expressions run only when their
// literal prefix was seen. Scan does not allocate.
//
// Privacy (DESIGN Principle 4): the text is classified in memory and never stored, logged or kept
// in a Result; only flags and pattern references leave this package.
package classify
