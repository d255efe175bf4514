package inspect

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// DrawOptions are the choices made when a draw is run.
type DrawOptions struct {
	// Seed is the random seed. Empty: 128 bits from crypto/rand, written in hex. A bureau that
	// wants witnesses to trust the seed can instead announce one beforehand (a lottery number,
	// the closing index of a day) and give it here.
	Seed string
}

// NewSeed returns a fresh random seed: 16 bytes from crypto/rand in hex.
func NewSeed() string {
	var b [16]byte
	rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// RunDraw draws the targets and inspectors of a draft plan from the live inventory and the
// inspector pool of the plan's unit, and stores the draw (seed, algorithm, canonical inputs and
// result), the targets and their inspectors, and moves the plan to drawn, in one transaction.
// A draw that cannot be made (no candidates, too few inspectors) stores nothing.
func RunDraw(ctx context.Context, db *store.DB, p org.Principal, planID int64, opts DrawOptions) (StoredDraw, error) {
	if err := requireManage(p); err != nil {
		return StoredDraw{}, err
	}
	seed := strings.TrimSpace(opts.Seed)
	if seed == "" {
		seed = NewSeed()
	}
	if utf8.RuneCountInString(seed) > 200 {
		return StoredDraw{}, errs.Field("seed", "随机种子不超过 200 个字符")
	}
	var sd StoredDraw
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		pl, err := lockPlan(ctx, tx, p.Scope, planID)
		if err != nil {
			return err
		}
		if pl.Status != Draft {
			return errs.E(errs.Conflict, "只有草稿状态的计划可以抽取(每个计划只抽取一次)")
		}
		var manual int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_targets WHERE plan_id = $1`, planID).Scan(&manual); err != nil {
			return fmt.Errorf("inspect: count targets: %w", err)
		}
		if manual > 0 {
			return errs.E(errs.Conflict, "该计划已手工选择检查对象,不能再随机抽取")
		}
		cands, err := loadCandidates(ctx, tx, pl, 0)
		if err != nil {
			return err
		}
		pool, err := loadPool(ctx, tx, pl.UnitPath)
		if err != nil {
			return err
		}
		in := DrawInput{Algorithm: Algorithm, Seed: seed, RatioBP: pl.RatioBP, PerTarget: pl.PerTarget,
			InspectorRatioBP: pl.InspectorRatioBP, Candidates: cands, Inspectors: pool}.Canonical()
		res, err := Draw(in)
		if err != nil {
			return err
		}
		inJSON, err := EncodeInput(in)
		if err != nil {
			return err
		}
		resJSON, err := EncodeResult(res)
		if err != nil {
			return err
		}
		sd = StoredDraw{PlanID: planID, Seed: seed, Algorithm: Algorithm, InputsJSON: inJSON, ResultJSON: resJSON}
		err = tx.QueryRowContext(ctx, `INSERT INTO inspection_draws (plan_id, seed, version, inputs_json, result_json, drawn_at, drawn_by_id, drawn_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, planID, seed, Algorithm, inJSON, resJSON, store.Now(), store.NullID(p.UserID), p.Name).Scan(&sd.ID)
		if err != nil {
			return fmt.Errorf("inspect: insert draw: %w", err)
		}
		byAsset := map[int64]Candidate{}
		for _, c := range in.Candidates {
			byAsset[c.AssetID] = c
		}
		for _, t := range res.Targets {
			if _, err := insertTarget(ctx, tx, planID, byAsset[t.AssetID], sd.ID, t.Inspectors); err != nil {
				return err
			}
		}
		if err := setStatus(ctx, tx, p, pl, Drawn); err != nil {
			return err
		}
		// The inputs and result are in the draw row already; the audit entry pins their hash
		// into the chain, so a later edit of the row is caught by the audit verifier too.
		return audit.Record(ctx, tx, p.Actor(), "draw", "inspection_draw", fmt.Sprint(sd.ID), nil, map[string]any{
			"plan_id": planID, "seed": seed, "algorithm": Algorithm, "targets": len(res.Targets), "team": len(res.Team),
			"inputs_sha256": sha256Hex(inJSON), "result_sha256": sha256Hex(resJSON)})
	})
	if err != nil {
		return StoredDraw{}, err
	}
	return sd, nil
}

// LoadDraw reads a stored draw. Draws are published (一公开), so no principal is needed.
func LoadDraw(ctx context.Context, q store.Querier, drawID int64) (StoredDraw, error) {
	var sd StoredDraw
	err := q.QueryRowContext(ctx, `SELECT id, plan_id, seed, version, inputs_json, result_json FROM inspection_draws WHERE id = $1`, drawID).
		Scan(&sd.ID, &sd.PlanID, &sd.Seed, &sd.Algorithm, &sd.InputsJSON, &sd.ResultJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return sd, errs.E(errs.NotFound, fmt.Sprintf("抽取记录 %d 不存在", drawID))
	}
	if err != nil {
		return sd, fmt.Errorf("inspect: read draw %d: %w", drawID, err)
	}
	return sd, nil
}

// CheckStored verifies a stored draw (Verify) and, when its result is reproduced, also that
// the plan's stored targets and inspectors are exactly the ones the result names: a target
// added, removed or re-assigned after the draw is a difference too.
func CheckStored(ctx context.Context, q store.Querier, drawID int64) (Verification, error) {
	sd, err := LoadDraw(ctx, q, drawID)
	if err != nil {
		return Verification{}, err
	}
	v, err := Verify(sd)
	if err != nil || !v.Same {
		return v, err
	}
	var res DrawResult
	if err := json.Unmarshal([]byte(sd.ResultJSON), &res); err != nil {
		return Verification{}, fmt.Errorf("inspect: read draw result: %w", err)
	}
	ts, err := loadTargets(ctx, q, "t.plan_id = $1", sd.PlanID)
	if err != nil {
		return Verification{}, err
	}
	stored := map[int64][]int64{}
	for _, t := range ts {
		for _, x := range t.Inspectors {
			stored[t.AssetID] = append(stored[t.AssetID], x.UserID)
		}
		if t.DrawID != drawID {
			return Verification{Diff: fmt.Sprintf("检查对象 %s 不是由本次抽取产生的", t.AssetCode)}, nil
		}
	}
	if len(ts) != len(res.Targets) {
		return Verification{Diff: fmt.Sprintf("计划中的检查对象有 %d 个,抽取结果为 %d 个", len(ts), len(res.Targets))}, nil
	}
	for _, t := range res.Targets {
		got := stored[t.AssetID]
		if fmt.Sprint(got) != fmt.Sprint(t.Inspectors) {
			return Verification{Diff: fmt.Sprintf("检查对象 %s 的检查员:计划中为 %v,抽取结果为 %v", t.Code, got, t.Inspectors)}, nil
		}
	}
	return v, nil
}

// PublicDraw is what the public page of a draw shows (一公开): the plan, when, the seed and
// algorithm, strata with counts, targets with their unit and name, and inspectors by name only.
type PublicDraw struct {
	DrawID    int64           `json:"draw_id"`
	PlanID    int64           `json:"plan_id"`
	PlanName  string          `json:"plan_name"`
	PlanKind  string          `json:"plan_kind"`
	Period    string          `json:"period"`
	UnitName  string          `json:"unit_name"`
	DrawnAt   time.Time       `json:"drawn_at"`
	Seed      string          `json:"seed"`
	Algorithm string          `json:"algorithm"`
	Ratio     string          `json:"ratio"` // e.g. "10%"
	PerTarget int             `json:"inspectors_per_target"`
	Strata    []PublicStratum `json:"strata"`
	Targets   []PublicTarget  `json:"targets"`
}

// PublicStratum is one stratum with its size and how many were drawn.
type PublicStratum struct {
	Kind  string `json:"kind"`  // Chinese, e.g. 公众号
	Level string `json:"level"` // Chinese, e.g. 支队
	Size  int    `json:"size"`
	Drawn int    `json:"drawn"`
}

// PublicTarget is one drawn asset.
type PublicTarget struct {
	AssetCode  string   `json:"asset_code"`
	AssetName  string   `json:"asset_name"`
	Kind       string   `json:"kind"`
	UnitName   string   `json:"unit_name"`
	Inspectors []string `json:"inspectors"`
}

// Public returns the publishable view of a draw. Names come from the stored inputs, as they were
// when drawn; unit names are read as they are now. Declared conflicts and unit paths, which are
// in the stored inputs, are not shown.
func Public(ctx context.Context, q store.Querier, drawID int64) (PublicDraw, error) {
	sd, err := LoadDraw(ctx, q, drawID)
	if err != nil {
		return PublicDraw{}, err
	}
	var in DrawInput
	var res DrawResult
	if err := json.Unmarshal([]byte(sd.InputsJSON), &in); err != nil {
		return PublicDraw{}, fmt.Errorf("inspect: read draw %d inputs: %w", drawID, err)
	}
	if err := json.Unmarshal([]byte(sd.ResultJSON), &res); err != nil {
		return PublicDraw{}, fmt.Errorf("inspect: read draw %d result: %w", drawID, err)
	}
	pd := PublicDraw{DrawID: sd.ID, PlanID: sd.PlanID, Seed: sd.Seed, Algorithm: sd.Algorithm,
		Ratio: formatBP(in.RatioBP), PerTarget: in.PerTarget, Strata: []PublicStratum{}, Targets: []PublicTarget{}}
	var kind PlanKind
	err = q.QueryRowContext(ctx, `SELECT pl.name, pl.kind, pl.period, u.name, d.drawn_at FROM inspection_draws d
		JOIN inspection_plans pl ON pl.id = d.plan_id JOIN units u ON u.id = pl.unit_id WHERE d.id = $1`, drawID).
		Scan(&pd.PlanName, &kind, &pd.Period, &pd.UnitName, &pd.DrawnAt)
	if err != nil {
		return PublicDraw{}, fmt.Errorf("inspect: read plan of draw %d: %w", drawID, err)
	}
	pd.PlanKind, pd.DrawnAt = kind.Label(), pd.DrawnAt.UTC()
	for _, s := range res.Strata {
		pd.Strata = append(pd.Strata, PublicStratum{Kind: catalog.Kind(s.Kind).Short(), Level: org.UnitKind(s.Level).Label(), Size: s.Size, Drawn: s.Drawn})
	}
	names := map[int64]string{}
	for _, x := range in.Inspectors {
		names[x.UserID] = x.Name
	}
	assets := map[int64]Candidate{}
	for _, c := range in.Candidates {
		assets[c.AssetID] = c
	}
	unitNames := map[int64]string{}
	for _, t := range res.Targets {
		if _, ok := unitNames[t.UnitID]; ok {
			continue
		}
		var name string
		if err := q.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1`, t.UnitID).Scan(&name); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return PublicDraw{}, fmt.Errorf("inspect: read unit %d: %w", t.UnitID, err)
		}
		unitNames[t.UnitID] = name
	}
	for _, t := range res.Targets {
		pt := PublicTarget{AssetCode: t.Code, AssetName: assets[t.AssetID].Name, Kind: catalog.Kind(assets[t.AssetID].Kind).Short(), UnitName: unitNames[t.UnitID]}
		for _, id := range t.Inspectors {
			pt.Inspectors = append(pt.Inspectors, names[id])
		}
		pd.Targets = append(pd.Targets, pt)
	}
	return pd, nil
}

// formatBP writes basis points as a percentage without trailing zeros: 1000 → "10%", 1250 → "12.5%".
func formatBP(bp int) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}
