package analyze

import (
	"sort"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/overlap"
	"github.com/jianfu-gov/jianfu/internal/textsim"
)

// similarAsset is what a similarity finding names of each asset.
type similarAsset struct {
	code, name string
	unit       int64
}

// similarHits joins similar pairs into clusters (one finding each, so that three copies of one
// thing are one problem, not three) with every pair's score, shared words and shared forms as
// the evidence. kind names the list in the evidence ("apps", "accounts"); summary words the
// finding from the cluster's names.
func similarHits(inv *Inventory, assets map[int64]similarAsset, pairs []textsim.Pair, threshold float64,
	kind string, summary func(names []string) string) []Hit {
	var ids []int64
	index := map[int64]int{}
	add := func(id int64) {
		if _, ok := index[id]; !ok {
			index[id] = len(ids)
			ids = append(ids, id)
		}
	}
	for _, p := range pairs {
		add(p.A)
		add(p.B)
	}
	links := make([]overlap.Pair, len(pairs))
	for i, p := range pairs {
		links[i] = overlap.Pair{A: index[p.A], B: index[p.B]}
	}
	clusters := overlap.Clusters(links, len(ids))
	where := map[int]int{}
	for c, members := range clusters {
		for _, m := range members {
			where[m] = c
		}
	}
	byCluster := map[int][]textsim.Pair{}
	for _, p := range pairs {
		byCluster[where[index[p.A]]] = append(byCluster[where[index[p.A]]], p)
	}
	var out []Hit
	for c, members := range clusters {
		var cluster, units []int64
		var cs, ns []string
		for _, m := range members {
			a := assets[ids[m]]
			cluster, units = append(cluster, ids[m]), append(units, a.unit)
			cs, ns = append(cs, a.code), append(ns, a.name)
		}
		sort.Strings(cs)
		var rows []map[string]any
		for _, p := range byCluster[c] {
			rows = append(rows, map[string]any{"a": assets[p.A].code, "b": assets[p.B].code, "score": round2(p.Score),
				"shared_terms": p.SharedTerms, "shared_forms": p.SharedForms})
		}
		sort.Slice(rows, func(i, j int) bool {
			return rows[i]["a"].(string)+rows[i]["b"].(string) < rows[j]["a"].(string)+rows[j]["b"].(string)
		})
		out = append(out, Hit{Subject: strings.Join(cs, ","), UnitID: inv.ancestor(units), Assets: cluster,
			Summary:  summary(ns),
			Evidence: map[string]any{kind: cs, "pairs": rows, "threshold": threshold},
			Decisive: map[string]any{kind: cs}})
	}
	return out
}
