package inspect

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// Algorithm is the name and version of the draw algorithm. It is stored with every draw; a
// change to anything Draw does (the order random numbers are consumed in, a tie-break, the
// recusal rule) must come with a new version, and Draw refuses inputs of another version so an
// old draw is never silently re-run by a different algorithm.
const Algorithm = "jianfu-draw-v1"

// Defaults of a plan's draw settings. Ratios are in basis points (万分之一) rather than floats:
// ceil(0.1 × 30) is 4 in float64 arithmetic, and a published draw must be recomputable exactly
// by anyone, in any language.
const (
	DefaultRatioBP          = 1000  // 10% of each stratum (rules.md: at least 10% per quarter)
	DefaultPerTarget        = 2     // rules.md: at least 2 inspectors
	DefaultInspectorRatioBP = 10000 // the whole pool takes part unless the plan says otherwise
	MinPerTarget            = 2     // a plan may ask for more, never fewer
)

// Candidate is one asset that may be drawn as a target.
type Candidate struct {
	AssetID  int64  `json:"asset_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`  // catalog kind: app, account, group
	Level    string `json:"level"` // kind of the owning unit: corps, detachment, brigade, station, department
	UnitID   int64  `json:"unit_id"`
	UnitPath string `json:"unit_path"`
}

// Stratum is the stratum the candidate belongs to, "kind/level".
func (c Candidate) Stratum() string { return c.Kind + "/" + c.Level }

// Inspector is one member of the inspector pool (执法检查人员名录库), with the units they declared
// a conflict of interest with.
type Inspector struct {
	UserID    int64          `json:"user_id"`
	Name      string         `json:"name"`
	UnitID    int64          `json:"unit_id"`
	UnitPath  string         `json:"unit_path"`
	Conflicts []ConflictUnit `json:"conflicts"`
}

// ConflictUnit is a unit an inspector declared a conflict with.
type ConflictUnit struct {
	UnitID   int64  `json:"unit_id"`
	UnitPath string `json:"unit_path"`
}

// DrawInput is everything a draw depends on. Stored as canonical JSON with the draw, it lets
// anyone recompute the result.
type DrawInput struct {
	Algorithm        string      `json:"algorithm"`
	Seed             string      `json:"seed"`
	RatioBP          int         `json:"ratio_bp"` // share of each stratum drawn, in 1/10000
	PerTarget        int         `json:"inspectors_per_target"`
	InspectorRatioBP int         `json:"inspector_ratio_bp"` // share of the pool drawn into the team, in 1/10000
	Candidates       []Candidate `json:"candidates"`
	Inspectors       []Inspector `json:"inspectors"`
}

// StratumCount is one stratum's size and how many targets were drawn from it.
type StratumCount struct {
	Stratum string `json:"stratum"`
	Kind    string `json:"kind"`
	Level   string `json:"level"`
	Size    int    `json:"size"`
	Drawn   int    `json:"drawn"`
}

// DrawnTarget is one drawn asset and the inspectors assigned to it (user ids, ascending).
type DrawnTarget struct {
	AssetID    int64   `json:"asset_id"`
	Code       string  `json:"code"`
	Stratum    string  `json:"stratum"`
	UnitID     int64   `json:"unit_id"`
	Inspectors []int64 `json:"inspectors"`
}

// DrawResult is what a draw produced.
type DrawResult struct {
	Algorithm string         `json:"algorithm"`
	Seed      string         `json:"seed"`
	Strata    []StratumCount `json:"strata"`
	Team      []int64        `json:"team"` // inspectors drawn from the pool, ascending
	Targets   []DrawnTarget  `json:"targets"`
	Loads     map[int64]int  `json:"loads"` // targets per team member
}

// levelOrder and kindOrder fix the canonical order of strata.
var (
	kindOrder  = []string{"app", "account", "group"}
	levelOrder = []string{"corps", "detachment", "brigade", "station", "department"}
)

func orderOf(list []string, s string) int {
	if i := slices.Index(list, s); i >= 0 {
		return i
	}
	return len(list)
}

func compareStrata(a, b string) int {
	ak, al, _ := strings.Cut(a, "/")
	bk, bl, _ := strings.Cut(b, "/")
	if c := orderOf(kindOrder, ak) - orderOf(kindOrder, bk); c != 0 {
		return c
	}
	if c := orderOf(levelOrder, al) - orderOf(levelOrder, bl); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// Canonical returns a copy of in with every list in its canonical order: candidates by stratum
// (kind app, account, group; then level from corps down to department) and code; inspectors by
// user id; conflicts by unit path. Draw works on this form, so the order a caller lists things
// in never changes a result.
func (in DrawInput) Canonical() DrawInput {
	out := in
	out.Candidates = slices.Clone(in.Candidates)
	slices.SortFunc(out.Candidates, func(a, b Candidate) int {
		if c := compareStrata(a.Stratum(), b.Stratum()); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	out.Inspectors = make([]Inspector, len(in.Inspectors))
	for i, x := range in.Inspectors {
		x.Conflicts = slices.Clone(x.Conflicts)
		if x.Conflicts == nil {
			x.Conflicts = []ConflictUnit{}
		}
		slices.SortFunc(x.Conflicts, func(a, b ConflictUnit) int {
			if c := strings.Compare(a.UnitPath, b.UnitPath); c != 0 {
				return c
			}
			return int(a.UnitID - b.UnitID)
		})
		out.Inspectors[i] = x
	}
	slices.SortFunc(out.Inspectors, func(a, b Inspector) int { return cmpInt(a.UserID, b.UserID) })
	if out.Candidates == nil {
		out.Candidates = []Candidate{}
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Recused reports whether an inspector of the unit at inspectorPath, with declared conflicts,
// must not inspect a target owned by the unit at targetPath. Paths are the org tree's id chains
// ("/1/5/12/"). The rule, exactly:
//
//   - the target's unit is the inspector's own unit;
//   - the target's unit lies inside the inspector's unit (a subordinate unit);
//   - the target's unit lies above the inspector's unit on the same chain (a superior unit),
//     except the root 总队: every unit is below it, so counting it would leave the corps's own
//     assets with no possible inspector and make corps-level inspectors recuse from everything.
//     For the same reason, an inspector whose unit is the root recuses only from the root's own
//     assets;
//   - the target's unit is a unit the inspector declared a conflict with, or lies inside one (an
//     interest in a 支队 extends to the units it commands).
//
// Sibling units and units on other chains are never a conflict by themselves.
func Recused(inspectorPath, targetPath string, conflicts []ConflictUnit) bool {
	for _, c := range conflicts {
		if c.UnitPath != "" && strings.HasPrefix(targetPath, c.UnitPath) {
			return true
		}
	}
	if inspectorPath == targetPath {
		return true
	}
	if isRoot(inspectorPath) || isRoot(targetPath) {
		return false
	}
	return strings.HasPrefix(targetPath, inspectorPath) || strings.HasPrefix(inspectorPath, targetPath)
}

// isRoot reports whether path is the root's ("/<id>/").
func isRoot(path string) bool { return strings.Count(path, "/") == 2 }

// stream is the draw's source of randomness: ChaCha8 (math/rand/v2, the C2SP chacha8rand
// construction) keyed with SHA-256 of the seed string. Only its Uint64 output is used; integers
// in a range come from uniform below, not from rand.Rand's helpers, whose algorithms Go does not
// promise to keep, so the result depends only on the published ChaCha8 stream.
type stream struct{ src *rand.ChaCha8 }

func newStream(seed string) *stream {
	return &stream{src: rand.NewChaCha8(sha256.Sum256([]byte(seed)))}
}

// uniform returns an integer in [0, n) without modulo bias: draws below 2^64 mod n are rejected
// and drawn again, and the accepted value is taken mod n.
func (s *stream) uniform(n int) int {
	un := uint64(n)
	threshold := -un % un
	for {
		if x := s.src.Uint64(); x >= threshold {
			return int(x % un)
		}
	}
}

// shuffle is Fisher–Yates from the last element down: for i = n-1 … 1, swap i with uniform(i+1).
func shuffle[T any](s *stream, list []T) {
	for i := len(list) - 1; i > 0; i-- {
		j := s.uniform(i + 1)
		list[i], list[j] = list[j], list[i]
	}
}

// ceilBP is ceil(n × bp / 10000) in integers.
func ceilBP(n, bp int) int { return (n*bp + 9999) / 10000 }

// Draw performs a 双随机 draw. It is a pure function of in; see the package documentation for
// the algorithm. Errors are Invalid with a Chinese message: bad settings, no candidates, or too
// few inspectors (after recusal) for the team or for some target.
func Draw(in DrawInput) (DrawResult, error) {
	in = in.Canonical()
	if in.Algorithm != Algorithm {
		return DrawResult{}, errs.E(errs.Invalid, fmt.Sprintf("抽取算法 %q 不受支持(本程序为 %s)", in.Algorithm, Algorithm))
	}
	if strings.TrimSpace(in.Seed) == "" {
		return DrawResult{}, errs.Field("seed", "随机种子不能为空")
	}
	if in.RatioBP < 1 || in.RatioBP > 10000 {
		return DrawResult{}, errs.Field("ratio", "抽取比例应在 0.01% 到 100% 之间")
	}
	if in.InspectorRatioBP < 1 || in.InspectorRatioBP > 10000 {
		return DrawResult{}, errs.Field("inspector_ratio", "检查员抽取比例应在 0.01% 到 100% 之间")
	}
	if in.PerTarget < MinPerTarget {
		return DrawResult{}, errs.Field("per_target", fmt.Sprintf("每个检查对象至少需要 %d 名检查员", MinPerTarget))
	}
	if len(in.Candidates) == 0 {
		return DrawResult{}, errs.E(errs.Invalid, "没有可抽取的检查对象:计划范围内在用的资产为 0 个")
	}
	dup := map[int64]bool{}
	for _, c := range in.Candidates {
		if dup[c.AssetID] {
			return DrawResult{}, errs.E(errs.Invalid, fmt.Sprintf("检查对象名录中资产 %s 重复", c.Code))
		}
		dup[c.AssetID] = true
	}
	seen := map[int64]bool{}
	for _, x := range in.Inspectors {
		if seen[x.UserID] {
			return DrawResult{}, errs.E(errs.Invalid, fmt.Sprintf("检查员名录中用户 %d 重复", x.UserID))
		}
		seen[x.UserID] = true
	}
	rng := newStream(in.Seed)
	res := DrawResult{Algorithm: in.Algorithm, Seed: in.Seed, Strata: []StratumCount{}, Team: []int64{}, Targets: []DrawnTarget{}, Loads: map[int64]int{}}

	// Step 1: targets, stratum by stratum in canonical order. Candidates are in canonical order
	// already, so each stratum is a run of the list.
	var drawn []Candidate
	for i := 0; i < len(in.Candidates); {
		j := i
		for j < len(in.Candidates) && in.Candidates[j].Stratum() == in.Candidates[i].Stratum() {
			j++
		}
		stratum := slices.Clone(in.Candidates[i:j])
		n := max(1, ceilBP(len(stratum), in.RatioBP))
		shuffle(rng, stratum)
		drawn = append(drawn, stratum[:n]...)
		c := stratum[0]
		res.Strata = append(res.Strata, StratumCount{Stratum: c.Stratum(), Kind: c.Kind, Level: c.Level, Size: len(stratum), Drawn: n})
		i = j
	}

	// Step 2: the team. The pool is in user-id order; a partial team is the first k after a
	// shuffle.
	k := max(in.PerTarget, ceilBP(len(in.Inspectors), in.InspectorRatioBP))
	if k > len(in.Inspectors) {
		return DrawResult{}, errs.E(errs.Invalid, fmt.Sprintf("抽取 %d 名检查员至少需要 %d 名检查员,可用的只有 %d 名", k, k, len(in.Inspectors)))
	}
	team := slices.Clone(in.Inspectors)
	if k < len(team) {
		shuffle(rng, team)
		team = team[:k]
		slices.SortFunc(team, func(a, b Inspector) int { return cmpInt(a.UserID, b.UserID) })
	}
	for _, x := range team {
		res.Team = append(res.Team, x.UserID)
		res.Loads[x.UserID] = 0
	}

	// Step 3: assignment, targets in canonical order. Each target takes the least-loaded
	// eligible team members; ties are broken by a fresh shuffle of the eligible list (then a
	// stable sort by load), so no inspector is favoured by their id.
	slices.SortFunc(drawn, func(a, b Candidate) int {
		if c := compareStrata(a.Stratum(), b.Stratum()); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	eligible := make([][]int, len(drawn)) // team indexes, ascending
	assigned := make([][]int, len(drawn))
	load := make([]int, len(team))
	for t, c := range drawn {
		for i, x := range team {
			if !Recused(x.UnitPath, c.UnitPath, x.Conflicts) {
				eligible[t] = append(eligible[t], i)
			}
		}
		if len(eligible[t]) < in.PerTarget {
			return DrawResult{}, errs.E(errs.Invalid, fmt.Sprintf("检查对象 %s(%s)需要 %d 名检查员,回避后可用的只有 %d 名(抽取的检查员共 %d 名)",
				c.Code, c.Name, in.PerTarget, len(eligible[t]), len(team)))
		}
		order := slices.Clone(eligible[t])
		shuffle(rng, order)
		slices.SortStableFunc(order, func(a, b int) int { return load[a] - load[b] })
		assigned[t] = slices.Clone(order[:in.PerTarget])
		for _, i := range assigned[t] {
			load[i]++
		}
	}

	// Step 4: rebalance without randomness. Greedy assignment under recusal can leave an
	// inspector two or more targets ahead of another who could have taken one of theirs; move
	// such assignments until no single move narrows a gap of 2 or more. Each move lowers the sum
	// of squared loads, so this ends. Without recusal it leaves loads at most 1 apart.
	for moved := true; moved; {
		moved = false
		for t := range drawn {
			for ai, a := range assigned[t] {
				for _, b := range eligible[t] {
					if load[a]-load[b] >= 2 && !slices.Contains(assigned[t], b) {
						assigned[t][ai] = b
						load[a]--
						load[b]++
						a = b
						moved = true
					}
				}
			}
		}
	}

	for t, c := range drawn {
		ids := make([]int64, 0, len(assigned[t]))
		for _, i := range assigned[t] {
			ids = append(ids, team[i].UserID)
		}
		slices.Sort(ids)
		res.Targets = append(res.Targets, DrawnTarget{AssetID: c.AssetID, Code: c.Code, Stratum: c.Stratum(), UnitID: c.UnitID, Inspectors: ids})
	}
	for i, x := range team {
		res.Loads[x.UserID] = load[i]
	}
	return res, nil
}

// Verification is the outcome of re-running a stored draw.
type Verification struct {
	Same bool   // the recomputed result is identical to the stored one
	Diff string // the first difference, in Chinese, when not Same
}

// StoredDraw is a draw as kept in the database: its seed, algorithm and the exact JSON texts of
// its inputs and result.
type StoredDraw struct {
	ID         int64  `json:"id"`
	PlanID     int64  `json:"plan_id"`
	Seed       string `json:"seed"`
	Algorithm  string `json:"algorithm"`
	InputsJSON string `json:"inputs_json"`
	ResultJSON string `json:"result_json"`
}

// EncodeInput is the canonical JSON text of in.
func EncodeInput(in DrawInput) (string, error) {
	b, err := json.Marshal(in.Canonical())
	if err != nil {
		return "", fmt.Errorf("inspect: encode draw inputs: %w", err)
	}
	return string(b), nil
}

// EncodeResult is the canonical JSON text of r (encoding/json sorts the map keys).
func EncodeResult(r DrawResult) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("inspect: encode draw result: %w", err)
	}
	return string(b), nil
}

// Verify re-runs Draw from the stored inputs and compares the result with the stored one, byte
// for byte; when they differ it names the first difference. The seed and algorithm columns must
// also match those inside the inputs. It returns an error only when the stored inputs cannot be
// read at all.
func Verify(stored StoredDraw) (Verification, error) {
	var in DrawInput
	if err := json.Unmarshal([]byte(stored.InputsJSON), &in); err != nil {
		return Verification{}, fmt.Errorf("inspect: read stored draw inputs: %w", err)
	}
	if in.Seed != stored.Seed {
		return Verification{Diff: fmt.Sprintf("输入中的随机种子 %q 与记录的种子 %q 不同", in.Seed, stored.Seed)}, nil
	}
	if in.Algorithm != stored.Algorithm {
		return Verification{Diff: fmt.Sprintf("输入中的算法 %q 与记录的算法 %q 不同", in.Algorithm, stored.Algorithm)}, nil
	}
	if canon, err := EncodeInput(in); err != nil {
		return Verification{}, err
	} else if canon != stored.InputsJSON {
		return Verification{Diff: "存储的输入不是规范格式(排序或字段被改动):" + firstByteDiff(stored.InputsJSON, canon)}, nil
	}
	got, err := Draw(in)
	if err != nil {
		return Verification{Diff: "按存储的输入重新抽取失败:" + err.Error()}, nil
	}
	gotJSON, err := EncodeResult(got)
	if err != nil {
		return Verification{}, err
	}
	if gotJSON == stored.ResultJSON {
		return Verification{Same: true}, nil
	}
	var want DrawResult
	if err := json.Unmarshal([]byte(stored.ResultJSON), &want); err != nil {
		return Verification{Diff: "存储的结果无法解析:" + err.Error()}, nil
	}
	if d := diffResults(want, got); d != "" {
		return Verification{Diff: d}, nil
	}
	return Verification{Diff: "存储的结果文本与重新计算的不同:" + firstByteDiff(stored.ResultJSON, gotJSON)}, nil
}

func firstByteDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("第 %d 字节起不同", i+1)
}

// diffResults names the first difference between a stored (want) and a recomputed (got) result.
func diffResults(want, got DrawResult) string {
	for i := 0; i < max(len(want.Strata), len(got.Strata)); i++ {
		if i >= len(want.Strata) || i >= len(got.Strata) {
			return fmt.Sprintf("分层数不同:记录 %d 层,重新计算 %d 层", len(want.Strata), len(got.Strata))
		}
		if want.Strata[i] != got.Strata[i] {
			return fmt.Sprintf("第 %d 层不同:记录 %+v,重新计算 %+v", i+1, want.Strata[i], got.Strata[i])
		}
	}
	if !slices.Equal(want.Team, got.Team) {
		return fmt.Sprintf("抽取的检查员不同:记录 %v,重新计算 %v", want.Team, got.Team)
	}
	for i := 0; i < max(len(want.Targets), len(got.Targets)); i++ {
		if i >= len(want.Targets) || i >= len(got.Targets) {
			return fmt.Sprintf("检查对象数不同:记录 %d 个,重新计算 %d 个", len(want.Targets), len(got.Targets))
		}
		w, g := want.Targets[i], got.Targets[i]
		if w.AssetID != g.AssetID || w.Code != g.Code || w.Stratum != g.Stratum || w.UnitID != g.UnitID {
			return fmt.Sprintf("第 %d 个检查对象不同:记录 %s(资产 %d),重新计算 %s(资产 %d)", i+1, w.Code, w.AssetID, g.Code, g.AssetID)
		}
		if !slices.Equal(w.Inspectors, g.Inspectors) {
			return fmt.Sprintf("检查对象 %s 的检查员不同:记录 %v,重新计算 %v", w.Code, w.Inspectors, g.Inspectors)
		}
	}
	for id, n := range got.Loads {
		if want.Loads[id] != n {
			return fmt.Sprintf("检查员 %d 的任务数不同:记录 %d,重新计算 %d", id, want.Loads[id], n)
		}
	}
	if want.Seed != got.Seed || want.Algorithm != got.Algorithm {
		return "结果中的种子或算法不同"
	}
	if len(want.Loads) != len(got.Loads) {
		return "检查员任务数表不同"
	}
	return ""
}
