-- +goose Up
-- Inspections (监督检查) and 双随机 draws. A plan belongs to the unit that runs it (its scope
-- decides who may read it); its targets are assets, chosen by hand or by a stored draw.
CREATE TABLE inspection_plans (
    id                  INTEGER PRIMARY KEY,
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('spot','inspection')),
    period              TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('draft','drawn','in_progress','done')),
    asset_kinds         TEXT    NOT NULL DEFAULT '',
    ratio_bp            INTEGER NOT NULL DEFAULT 1000 CHECK (ratio_bp BETWEEN 1 AND 10000),
    per_target          INTEGER NOT NULL DEFAULT 2 CHECK (per_target >= 2),
    inspector_ratio_bp  INTEGER NOT NULL DEFAULT 10000 CHECK (inspector_ratio_bp BETWEEN 1 AND 10000),
    created_by          TEXT    NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX inspection_plans_unit ON inspection_plans(unit_id);
CREATE INDEX inspection_plans_status ON inspection_plans(status);

-- The checklist (检查事项清单): only listed matters are inspected.
CREATE TABLE inspection_items (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES inspection_plans(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    code     TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    UNIQUE (plan_id, seq),
    UNIQUE (plan_id, code)
);

-- One draw per plan: a second draw would let someone redraw until the result suits them.
-- inputs_json and result_json are the canonical JSON the algorithm reads and writes, stored as
-- text so that a verifier compares exactly what was published.
CREATE TABLE inspection_draws (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL UNIQUE REFERENCES inspection_plans(id),
    seed         TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    inputs_json  TEXT    NOT NULL,
    result_json  TEXT    NOT NULL,
    drawn_at     TIMESTAMP NOT NULL,
    drawn_by_id  INTEGER,
    drawn_by     TEXT    NOT NULL
);

CREATE TABLE inspection_targets (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES inspection_plans(id) ON DELETE CASCADE,
    asset_id   INTEGER NOT NULL REFERENCES assets(id),
    draw_id    INTEGER REFERENCES inspection_draws(id),
    stratum    TEXT    NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (plan_id, asset_id)
);
CREATE INDEX inspection_targets_asset ON inspection_targets(asset_id);
CREATE INDEX inspection_targets_draw ON inspection_targets(draw_id);

CREATE TABLE inspection_target_inspectors (
    target_id INTEGER NOT NULL REFERENCES inspection_targets(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (target_id, user_id)
);
-- An inspector's assignments are looked up by user.
CREATE INDEX inspection_target_inspectors_user ON inspection_target_inspectors(user_id);

-- One result per target and checklist item; ledger_ref is set when a failed item has been
-- filed in the rectification ledger (整改台账), so it is not filed twice.
CREATE TABLE inspection_results (
    id          INTEGER PRIMARY KEY,
    target_id   INTEGER NOT NULL REFERENCES inspection_targets(id) ON DELETE CASCADE,
    item_id     INTEGER NOT NULL REFERENCES inspection_items(id) ON DELETE CASCADE,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('pass','fail','na')),
    note        TEXT    NOT NULL DEFAULT '',
    by_user_id  INTEGER,
    by_name     TEXT    NOT NULL,
    at          TIMESTAMP NOT NULL,
    ledger_ref  TEXT    NOT NULL DEFAULT '',
    filed_at    TIMESTAMP,
    UNIQUE (target_id, item_id)
);
CREATE INDEX inspection_results_item ON inspection_results(item_id);
CREATE INDEX inspection_results_fail ON inspection_results(outcome, ledger_ref);

-- Declared conflicts of interest (回避申报): the inspector is never drawn for that unit's subtree.
CREATE TABLE inspector_conflicts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    reason     TEXT    NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT    NOT NULL,
    UNIQUE (user_id, unit_id)
);
CREATE INDEX inspector_conflicts_unit ON inspector_conflicts(unit_id);

-- +goose Down
DROP TABLE inspector_conflicts;
DROP TABLE inspection_results;
DROP TABLE inspection_target_inspectors;
DROP TABLE inspection_targets;
DROP TABLE inspection_draws;
DROP TABLE inspection_items;
DROP TABLE inspection_plans;
