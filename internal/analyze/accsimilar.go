package analyze

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/textsim"
)

// accSimilar is ACC-SIMILAR: accounts of different units on one platform that do the same work
// (功能相近), such as two 支队 each running a 消防科普 account beside their own. Every unit's own
// account says the same thing about its own place ("发布××辖区消防救援工作动态…"), so the text is
// compared with the place names of each account's unit and its parents taken out, and an account
// that resembles those of a good share of the units on the platform (standard_share) is the
// standard account every unit runs, not a copy. Same-unit pairs are ACC-DUP's.
type accSimilar struct{}

var accSimilarDef = Def{ID: "ACC-SIMILAR", Title: "同平台账号功能相近", Kind: "account", Severity: Low, Disposition: Integrate, Version: 1,
	Basis: "[N] 功能相近、关注度和利用率低的政务新媒体要清理整合(国办发〔2018〕123号;专项整治方案);比较同一平台上不同单位的账号," +
		"去掉各自的地名后比较名称、定位和功能;多个单位都用的标准表述(各单位本级账号)不算相近",
	Params: []Param{
		{Name: "min_score", Label: "相似度阈值(0–1)", Min: 0.1, Max: 1, Default: 0.35},
		{Name: "standard_share", Label: "与本平台其他单位账号相近的比例达到多少即视为各单位通用的本级账号(0–1)", Min: 0.05, Max: 1, Default: 0.3},
	}}

func init() { builtins = append(builtins, accSimilar{}) }

func (accSimilar) Def() Def { return accSimilarDef }

func (accSimilar) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := accSimilarDef
	minScore, stdShare := env.Configs.Num(d.ID, "min_score"), env.Configs.Num(d.ID, "standard_share")
	assets := map[int64]similarAsset{}
	var docs []textsim.Doc
	platforms := map[int64]string{}
	places := map[int64][]string{}
	err := each(ctx, env.Q, `SELECT a.id, a.code, a.name, a.purpose, a.functions, a.platform, a.unit_id FROM assets a
		WHERE a.kind = 'account' AND `+live+` ORDER BY a.id`, func(rows *sql.Rows) error {
		var doc textsim.Doc
		var a similarAsset
		var functions, platform string
		if err := rows.Scan(&doc.ID, &a.code, &a.name, &doc.Purpose, &functions, &platform, &a.unit); err != nil {
			return err
		}
		p, ok := places[a.unit]
		if !ok {
			p = env.Inv.placeNames(a.unit)
			places[a.unit] = p
		}
		doc.Name, doc.Purpose = withoutPlaces(a.name, p), withoutPlaces(doc.Purpose, p)
		doc.Functions = lines(functions)
		assets[doc.ID] = a
		docs, platforms[doc.ID] = append(docs, doc), platform
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: read accounts: %w", err)
	}
	pairs := similarAccounts(docs, assets, platforms, minScore, stdShare)
	return similarHits(env.Inv, assets, pairs, minScore, "accounts", func(names []string) string {
		return fmt.Sprintf("同一平台上 %d 个不同单位的账号功能相近:%s;建议整合为一个,或由上级账号统一发布", len(names), strings.Join(names, "、"))
	}), nil
}

// alikeScore is how similar two accounts are when they say the same thing in the same standard
// words; fixed, so that raising min_score does not turn standard accounts into copies.
const alikeScore = 0.35

// similarAccounts are the reported pairs: the same platform, different units, score at least
// minScore, neither of them standard. An account is standard when it is alikeScore similar to
// the accounts of at least stdShare of the other units on its platform (and of two at least): it is
// the account every unit runs there, worded the same way about its own place. A share, not a
// count, because a platform few units use (快手) has few accounts, all standard.
func similarAccounts(docs []textsim.Doc, assets map[int64]similarAsset, platforms map[int64]string, minScore, stdShare float64) []textsim.Pair {
	units := map[string]map[int64]bool{} // platform → units with an account there
	for _, d := range docs {
		pl := platforms[d.ID]
		if units[pl] == nil {
			units[pl] = map[int64]bool{}
		}
		units[pl][assets[d.ID].unit] = true
	}
	var all []textsim.Pair
	alike := map[int64]map[int64]bool{} // account → the other units on its platform with similar accounts
	for _, p := range textsim.NewIndex(docs).Pairs(min(minScore, alikeScore)) {
		if platforms[p.A] != platforms[p.B] || assets[p.A].unit == assets[p.B].unit {
			continue
		}
		if p.Score >= minScore {
			all = append(all, p)
		}
		if p.Score < alikeScore {
			continue
		}
		for _, x := range [][2]int64{{p.A, p.B}, {p.B, p.A}} {
			if alike[x[0]] == nil {
				alike[x[0]] = map[int64]bool{}
			}
			alike[x[0]][assets[x[1]].unit] = true
		}
	}
	standard := func(id int64) bool {
		n := len(alike[id])
		return n >= 2 && float64(n) >= stdShare*float64(len(units[platforms[id]])-1)
	}
	var out []textsim.Pair
	for _, p := range all {
		if !standard(p.A) && !standard(p.B) {
			out = append(out, p)
		}
	}
	return out
}

// placeNames are the place names in the names of a unit and its parents, longest first: the part
// before the unit words in "锦江区消防救援大队" (placeOf) and its prefixes of two characters or
// more ("锦江区", "锦江").
func (inv *Inventory) placeNames(unit int64) []string {
	var out []string
	for _, s := range strings.Split(strings.Trim(inv.Units[unit].Path, "/"), "/") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		place := placeOf(inv.Units[id].Name)
		if utf8.RuneCountInString(place) < 2 {
			continue
		}
		// Its prefixes too: accounts and purposes shorten 锦江区 to 锦江 and 南门特勤 to 南门.
		for i := range place {
			if i > 0 && utf8.RuneCountInString(place[:i]) >= 2 {
				out = append(out, place[:i])
			}
		}
		out = append(out, place)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return slices.Compact(out)
}

// unitWords end the place in a unit's name: 锦江区|消防救援大队, 南门|特勤站, 城北|中队.
var unitWords = []string{"消防", "救援", "特勤", "专职", "总队", "支队", "大队", "中队", "站"}

// placeOf is the part of a unit's name before its first unit word, or "" when it has none (a
// department such as 司令部 is not a place).
func placeOf(name string) string {
	end := -1
	for _, w := range unitWords {
		if i := strings.Index(name, w); i >= 0 && (end < 0 || i < end) {
			end = i
		}
	}
	if end < 0 {
		return ""
	}
	return name[:end]
}

// withoutPlaces replaces each place name in s with a space, so that the words on either side
// do not join into a new pair of characters.
func withoutPlaces(s string, places []string) string {
	for _, p := range places {
		s = strings.ReplaceAll(s, p, " ")
	}
	return s
}
