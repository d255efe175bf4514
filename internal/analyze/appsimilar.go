package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/overlap"
	"github.com/jianfu-gov/jianfu/internal/textsim"
)

// appSimilar is APP-SIMILAR: apps whose names, purposes, functions and forms say they do the
// same work (功能相近, 重复建设). Pairs above the threshold are joined into clusters, one finding
// each, with the words and forms the apps share as the evidence.
type appSimilar struct{}

var appSimilarDef = Def{ID: "APP-SIMILAR", Title: "应用功能相似(重复建设)", Kind: "app", Severity: Medium, Disposition: Integrate, Version: 1,
	Basis:  "[N] 合并功能相似的应用程序,避免重复建设(专项整治方案;若干意见 2023);相似度阈值按标注样本校准",
	Params: []Param{{Name: "min_score", Label: "相似度阈值(0–1)", Min: 0.1, Max: 1, Default: 0.3}}}

func init() { builtins = append(builtins, appSimilar{}) }

func (appSimilar) Def() Def { return appSimilarDef }

func (appSimilar) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	min := env.Configs.Num(appSimilarDef.ID, "min_score")
	unit := map[int64]int64{}
	names := map[int64]string{}
	codes := map[int64]string{}
	var docs []textsim.Doc
	err := each(ctx, env.Q, `SELECT a.id, a.code, a.name, a.purpose, a.functions, d.forms, a.unit_id FROM assets a
		JOIN app_details d ON d.asset_id = a.id WHERE a.kind = 'app' AND `+live+` ORDER BY a.id`, func(rows *sql.Rows) error {
		var d textsim.Doc
		var code, functions, forms string
		var u int64
		if err := rows.Scan(&d.ID, &code, &d.Name, &d.Purpose, &functions, &forms, &u); err != nil {
			return err
		}
		d.Functions, d.Forms = lines(functions), lines(forms)
		unit[d.ID], names[d.ID], codes[d.ID] = u, d.Name, code
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: read apps: %w", err)
	}
	index := map[int64]int{}
	for i, d := range docs {
		index[d.ID] = i
	}
	pairs := textsim.NewIndex(docs).Pairs(min)
	links := make([]overlap.Pair, len(pairs))
	for i, p := range pairs {
		links[i] = overlap.Pair{A: index[p.A], B: index[p.B]}
	}
	byCluster := map[int][]textsim.Pair{}
	clusters := overlap.Clusters(links, len(docs))
	where := map[int]int{}
	for c, members := range clusters {
		for _, m := range members {
			where[m] = c
		}
	}
	for _, p := range pairs {
		byCluster[where[index[p.A]]] = append(byCluster[where[index[p.A]]], p)
	}
	var out []Hit
	for c, members := range clusters {
		var ids, units []int64
		var cs, ns []string
		for _, m := range members {
			id := docs[m].ID
			ids, units = append(ids, id), append(units, unit[id])
			cs, ns = append(cs, codes[id]), append(ns, names[id])
		}
		sort.Strings(cs)
		var rows []map[string]any
		for _, p := range byCluster[c] {
			rows = append(rows, map[string]any{"a": codes[p.A], "b": codes[p.B], "score": round2(p.Score),
				"shared_terms": p.SharedTerms, "shared_forms": p.SharedForms})
		}
		sort.Slice(rows, func(i, j int) bool {
			return rows[i]["a"].(string)+rows[i]["b"].(string) < rows[j]["a"].(string)+rows[j]["b"].(string)
		})
		out = append(out, Hit{Subject: strings.Join(cs, ","), UnitID: env.Inv.ancestor(units), Assets: ids,
			Summary:  fmt.Sprintf("%d 个应用功能相似:%s;建议整合为一个,其余迁移后下线", len(members), strings.Join(ns, "、")),
			Evidence: map[string]any{"apps": cs, "pairs": rows, "threshold": min},
			Decisive: map[string]any{"apps": cs}})
	}
	return out, nil
}
