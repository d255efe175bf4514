package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
	assets := map[int64]similarAsset{}
	var docs []textsim.Doc
	err := each(ctx, env.Q, `SELECT a.id, a.code, a.name, a.purpose, a.functions, d.forms, a.unit_id FROM assets a
		JOIN app_details d ON d.asset_id = a.id WHERE a.kind = 'app' AND `+live+` ORDER BY a.id`, func(rows *sql.Rows) error {
		var d textsim.Doc
		var a similarAsset
		var functions, forms string
		if err := rows.Scan(&d.ID, &a.code, &d.Name, &d.Purpose, &functions, &forms, &a.unit); err != nil {
			return err
		}
		d.Functions, d.Forms = lines(functions), lines(forms)
		a.name = d.Name
		assets[d.ID] = a
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: read apps: %w", err)
	}
	pairs := textsim.NewIndex(docs).Pairs(min)
	return similarHits(env.Inv, assets, pairs, min, "apps", func(names []string) string {
		return fmt.Sprintf("%d 个应用功能相似:%s;建议整合为一个,其余迁移后下线", len(names), strings.Join(names, "、"))
	}), nil
}
