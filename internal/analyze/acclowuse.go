package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// accLowUse is ACC-LOWUSE: an account far below its peers (the same platform at the same level of
// unit) in followers, the measure of use every platform reports. It is relative by design: a
// 站's 抖音 account is not compared with the 总队's 微信 account.
type accLowUse struct{}

var accLowUseDef = Def{ID: "ACC-LOWUSE", Title: "公众账号关注度低", Kind: "account", Severity: Low, Disposition: Integrate, Version: 1,
	Basis: "[N] 功能相近、关注度和利用率低的政务新媒体要清理整合(专项整治方案);比较对象为同平台同级单位的账号",
	Params: []Param{
		{Name: "fraction", Label: "低于同类账号关注数中位数的比例", Min: 0.01, Max: 1, Default: 0.1},
		{Name: "min_peers", Label: "参与比较的最少同类账号数", Min: 3, Max: 1000, Default: 5, Integer: true},
	}}

func init() { builtins = append(builtins, accLowUse{}) }

func (accLowUse) Def() Def { return accLowUseDef }

func (accLowUse) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := accLowUseDef
	frac, minPeers := env.Configs.Num(d.ID, "fraction"), env.Configs.Int(d.ID, "min_peers")
	followers := map[int64]int64{}
	err := each(ctx, env.Q, `SELECT a.id, c.followers FROM assets a JOIN account_details c ON c.asset_id = a.id
		WHERE a.kind = 'account' AND `+live, func(r *sql.Rows) error {
		var id, n int64
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		followers[id] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	type peerKey struct{ level, platform string }
	peers := map[peerKey][]int64{}
	for _, a := range env.Inv.Accounts {
		k := peerKey{env.Inv.Units[a.UnitID].Kind, a.Platform}
		peers[k] = append(peers[k], followers[a.ID])
	}
	medians := map[peerKey]float64{}
	for k, f := range peers {
		if len(f) >= minPeers {
			medians[k] = median(f)
		}
	}
	var out []Hit
	for _, a := range env.Inv.Accounts {
		k := peerKey{env.Inv.Units[a.UnitID].Kind, a.Platform}
		m, ok := medians[k]
		n := followers[a.ID]
		if !ok || float64(n) >= m*frac {
			continue
		}
		out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("关注数 %d,不到同平台同级 %d 个账号中位数 %.0f 的 %.0f%%", n, len(peers[k]), m, frac*100),
			map[string]any{"followers": n, "peer_median": m, "peers": len(peers[k]), "platform": a.Platform, "unit_kind": k.level,
				"threshold_fraction": frac},
			map[string]any{"low_use": true}))
	}
	return out, nil
}

func median(v []int64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
