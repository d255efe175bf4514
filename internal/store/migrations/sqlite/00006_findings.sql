-- +goose Up
-- The health check (体检): each run of the rules over the whole bureau, and the findings it keeps.
-- A finding is keyed by its rule and subject (an asset code, or "unit:platform", or a form name),
-- so a problem that fires again is the same finding, keeping its review status across runs.
CREATE TABLE analysis_runs (
    id              INTEGER PRIMARY KEY,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP NOT NULL,
    check_date      DATE      NOT NULL,
    actor_id        INTEGER,
    actor           TEXT      NOT NULL,
    rules           TEXT      NOT NULL,
    counts          TEXT      NOT NULL,
    firing          INTEGER   NOT NULL DEFAULT 0,
    new_count       INTEGER   NOT NULL DEFAULT 0,
    gone_count      INTEGER   NOT NULL DEFAULT 0,
    unchanged_count INTEGER   NOT NULL DEFAULT 0
);

-- Runs take this row's lock first, so two runs never diff against the same previous state.
CREATE TABLE analysis_lock (id INTEGER PRIMARY KEY CHECK (id = 1), last_run_id INTEGER);
INSERT INTO analysis_lock (id) VALUES (1);

-- unit_id is the unit whose subtree sees the finding, as of the run that last saw it. It has no
-- foreign key, like the audit log's actor ids: findings are history, and an emptied unit must
-- stay deletable; a finding whose unit is gone is seen only by whole-bureau scopes.
CREATE TABLE findings (
    id              INTEGER PRIMARY KEY,
    rule_id         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('app','account','group')),
    unit_id         INTEGER NOT NULL,
    severity        TEXT    NOT NULL CHECK (severity IN ('high','medium','low')),
    summary         TEXT    NOT NULL,
    evidence        TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    disposition     TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('new','confirmed','dismissed','converted')),
    note            TEXT    NOT NULL DEFAULT '',
    first_run_id    INTEGER NOT NULL REFERENCES analysis_runs(id),
    last_run_id     INTEGER NOT NULL REFERENCES analysis_runs(id),
    resolved_run_id INTEGER REFERENCES analysis_runs(id),
    reason          TEXT    NOT NULL DEFAULT '',
    decided_by_id   INTEGER,
    decided_by      TEXT    NOT NULL DEFAULT '',
    decided_at      TIMESTAMP,
    dismissed_fingerprint TEXT NOT NULL DEFAULT '',
    UNIQUE (rule_id, subject)
);
CREATE INDEX findings_unit ON findings(unit_id);
CREATE INDEX findings_open ON findings(resolved_run_id, rule_id);

-- The assets a finding concerns (one for most rules; every account of an ACC-DUP, every app
-- asking for a repeated form), so an asset's page can list its findings.
CREATE TABLE finding_assets (
    finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    asset_id   INTEGER NOT NULL REFERENCES assets(id),
    PRIMARY KEY (finding_id, asset_id)
);
CREATE INDEX finding_assets_asset ON finding_assets(asset_id);

-- +goose Down
DROP TABLE finding_assets;
DROP TABLE findings;
DROP TABLE analysis_lock;
DROP TABLE analysis_runs;
