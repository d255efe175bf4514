package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/overlap"
)

// groupDup is GRP-DUP: work groups whose members largely coincide (因同一工作重复组建). It reads
// every live group's members, finds the overlapping pairs exactly (internal/overlap), and
// reports each cluster of connected groups once, suggesting which to keep.
type groupDup struct{}

var groupDupDef = Def{ID: "GRP-DUP", Title: "群组成员高度重叠(重复建群)", Kind: "group", Severity: Medium, Disposition: Integrate, Version: 1,
	Basis: "[N] 合并功能相近、成员重叠的群组(专项整治方案;若干意见 2023);阈值为本平台默认",
	Params: []Param{
		{Name: "jaccard", Label: "成员重合度(Jaccard)阈值", Min: 0.5, Max: 1, Default: 0.8},
		{Name: "containment", Label: "包含度阈值(小群成员在大群中的比例)", Min: 0.5, Max: 1, Default: 0.9},
		{Name: "min_members", Label: "参与比较的最少成员数", Min: 2, Max: 100, Default: 3, Integer: true},
	}}

func init() { builtins = append(builtins, groupDup{}) }

func (groupDup) Def() Def { return groupDupDef }

func (groupDup) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := groupDupDef
	jac, con := env.Configs.Num(d.ID, "jaccard"), env.Configs.Num(d.ID, "containment")
	minSize := env.Configs.Int(d.ID, "min_members")
	index := map[int64]int{}
	for i, g := range env.Inv.Groups {
		index[g.ID] = i
	}
	sets := make([][]int32, len(env.Inv.Groups))
	// Outsiders count as members too (a group of a 站 with its 社会单位 contacts is not the
	// 站's staff group); each distinct outsider name is one element.
	outsiders := map[string]int32{}
	err := each(ctx, env.Q, `SELECT m.group_id, COALESCE(m.person_id, 0), m.external_name FROM group_members m
		JOIN assets a ON a.id = m.group_id WHERE `+live, func(rows *sql.Rows) error {
		var gid, pid int64
		var ext string
		if err := rows.Scan(&gid, &pid, &ext); err != nil {
			return err
		}
		i, ok := index[gid]
		if !ok {
			return nil
		}
		id := int32(pid)
		if pid == 0 {
			x, seen := outsiders[ext]
			if !seen {
				x = int32(-1 - len(outsiders))
				outsiders[ext] = x
			}
			id = x
		}
		sets[i] = append(sets[i], id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: read group members: %w", err)
	}
	pairs, err := overlap.Find(sets, jac, con, minSize)
	if err != nil {
		return nil, err
	}
	byCluster := map[int][]overlap.Pair{}
	clusters := overlap.Clusters(pairs, len(sets))
	where := map[int]int{}
	for c, members := range clusters {
		for _, g := range members {
			where[g] = c
		}
	}
	for _, p := range pairs {
		byCluster[where[p.A]] = append(byCluster[where[p.A]], p)
	}
	load, err := mergeLoad(ctx, env)
	if err != nil {
		return nil, err
	}
	var out []Hit
	for c, members := range clusters {
		h := dupHit(env, d, members, byCluster[c], jac, con)
		load.predict(&h, env, members, sets)
		out = append(out, h)
	}
	return out, nil
}

// loadWindow is how many days of activity a merge prediction looks at.
const loadWindow = 30

// groupLoad is what a merge prediction knows: each group's messages per working day over the
// last loadWindow days, or nothing when no activity data has arrived.
type groupLoad struct {
	rate     map[int64]float64
	workdays int
	from, to string
}

func mergeLoad(ctx context.Context, env *Env) (*groupLoad, error) {
	from, to := window(env, loadWindow)
	if _, ok, err := firstActivityDay(ctx, env.Q); err != nil || !ok {
		return nil, err
	}
	acts, err := groupActivities(ctx, env.Q, from, to)
	if err != nil {
		return nil, err
	}
	cal, err := calendar.Load(ctx, env.Q)
	if err != nil {
		return nil, err
	}
	l := &groupLoad{rate: map[int64]float64{}, workdays: max(1, cal.WorkdaysBetween(from.AddDate(0, 0, -1), to)), from: date(from), to: date(to)}
	for id, a := range acts {
		l.rate[id] = float64(a.messages) / float64(l.workdays)
	}
	return l, nil
}

// predict adds to a GRP-DUP finding what merging would do to its members' load (减群不减负 is
// the failure to avoid): today each member reads the messages of the groups they are in; after
// the merge everyone reads all of them, as nothing says which messages the groups share. A
// merge that raises the load of most members is flagged as such.
func (l *groupLoad) predict(h *Hit, env *Env, members []int, sets [][]int32) {
	if l == nil {
		h.Evidence["load"] = "暂无活动数据,无法预测合并后的消息量"
		return
	}
	var after float64
	rates := map[string]float64{}
	for _, g := range members {
		gr := env.Inv.Groups[g]
		after += l.rate[gr.ID]
		rates[gr.Code] = round2(l.rate[gr.ID])
	}
	before := map[int32]float64{}
	for _, g := range members {
		for _, m := range sets[g] {
			before[m] += l.rate[env.Inv.Groups[g].ID]
		}
	}
	var sum float64
	raised := 0
	for _, b := range before {
		sum += b
		if b < after-1e-9 {
			raised++
		}
	}
	today := sum / float64(max(1, len(before)))
	raises := raised*2 > len(before)
	h.Evidence["load"] = map[string]any{"window_from": l.from, "window_to": l.to, "workdays": l.workdays,
		"messages_per_workday": rates, "today_per_member": round2(today), "after_per_member": round2(after),
		"members": len(before), "members_raised": raised, "raises_load": raises}
	h.Summary += fmt.Sprintf(";合并后成员每个工作日约收到 %.1f 条消息(目前人均 %.1f 条)", after, today)
	if raises {
		h.Summary += fmt.Sprintf(",将使多数成员(%d/%d)的消息量增加,建议先精简群内消息再合并", raised, len(before))
	}
}

// dupHit describes one cluster: its groups (by code), the overlapping pairs with their figures,
// and the group to keep: a standing group with an owner, then the largest, then the oldest code.
func dupHit(env *Env, d Def, members []int, pairs []overlap.Pair, jac, con float64) Hit {
	groups := make([]Group, len(members))
	for i, m := range members {
		groups[i] = env.Inv.Groups[m]
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Code < groups[j].Code })
	size := map[int64]int{}
	var rows []map[string]any
	for _, p := range pairs {
		a, b := env.Inv.Groups[p.A], env.Inv.Groups[p.B]
		size[a.ID], size[b.ID] = p.SizeA, p.SizeB
		rows = append(rows, map[string]any{"a": a.Code, "b": b.Code, "shared": p.Shared, "size_a": p.SizeA, "size_b": p.SizeB,
			"jaccard": round2(p.Jaccard), "containment": round2(p.Containment)})
	}
	sort.Slice(rows, func(i, j int) bool {
		return rows[i]["a"].(string)+rows[i]["b"].(string) < rows[j]["a"].(string)+rows[j]["b"].(string)
	})
	keep := groups[0]
	better := func(x, y Group) bool {
		if x.Temporary != y.Temporary {
			return !x.Temporary
		}
		if x.HasOwner != y.HasOwner {
			return x.HasOwner
		}
		if size[x.ID] != size[y.ID] {
			return size[x.ID] > size[y.ID]
		}
		return x.Code < y.Code
	}
	var codes, names []string
	var ids []int64
	for _, g := range groups {
		codes = append(codes, g.Code)
		names = append(names, g.Name)
		if better(g, keep) {
			keep = g
		}
	}
	ids = append(ids, keep.ID)
	for _, g := range groups {
		if g.ID != keep.ID {
			ids = append(ids, g.ID)
		}
	}
	summary := fmt.Sprintf("%d 个群组成员高度重叠:%s;建议保留“%s”,其余并入", len(groups), strings.Join(names, "、"), keep.Name)
	return Hit{Subject: strings.Join(codes, ","), UnitID: env.Inv.ancestor(unitIDs(groups)), Assets: ids, Summary: summary,
		Evidence: map[string]any{"groups": codes, "pairs": rows, "keep": keep.Code, "threshold_jaccard": jac, "threshold_containment": con},
		Decisive: map[string]any{"groups": codes, "pairs": rows}}
}

func unitIDs(groups []Group) []int64 {
	var out []int64
	for _, g := range groups {
		out = append(out, g.UnitID)
	}
	return out
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
