-- +goose Up
-- The campaign (专项行动, package campaign): its four phases, the tasks every unit of some kinds
-- owes in each phase, what units submit (with their documents and, for 自查报告, the problems
-- they found), the office's supervision notes (督导) and the commendation and 约谈 lists.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_unit ON campaigns(unit_id);

-- Always the four phases, numbered 1–4 in the plan's order; the package checks that the dates
-- run in that order without overlap.
CREATE TABLE campaign_phases (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    phase       INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 4),
    starts_on   DATE    NOT NULL,
    ends_on     DATE    NOT NULL,
    PRIMARY KEY (campaign_id, phase)
);

-- unit_kinds is a comma-separated list of unit kinds ("detachment,brigade") that owe the task.
CREATE TABLE campaign_tasks (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    phase       INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 4),
    kind        TEXT    NOT NULL CHECK (kind IN ('plan','self_check','progress','summary','other')),
    title       TEXT    NOT NULL,
    due_on      DATE    NOT NULL,
    unit_kinds  TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX campaign_tasks_campaign ON campaign_tasks(campaign_id, phase, due_on);

-- Every (re)submission is a row; the latest per task and unit counts, the others are history.
CREATE TABLE campaign_submissions (
    id              INTEGER PRIMARY KEY,
    task_id         INTEGER NOT NULL REFERENCES campaign_tasks(id),
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    note            TEXT    NOT NULL DEFAULT '',
    submitted_by_id INTEGER,
    submitted_by    TEXT    NOT NULL,
    on_behalf       INTEGER NOT NULL DEFAULT 0,
    submitted_at    TIMESTAMP NOT NULL
);
-- The board reads every submission of a campaign's tasks per unit.
CREATE INDEX campaign_submissions_task_unit ON campaign_submissions(task_id, unit_id, submitted_at);
CREATE INDEX campaign_submissions_unit ON campaign_submissions(unit_id);

CREATE TABLE campaign_documents (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES campaign_submissions(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL
);
CREATE INDEX campaign_documents_submission ON campaign_documents(submission_id);

-- ledger_ref is set once the web layer has made a ledger item of the problem, so it is filed once.
CREATE TABLE campaign_problems (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES campaign_submissions(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    asset_code    TEXT    NOT NULL DEFAULT '',
    measures      TEXT    NOT NULL,
    ledger_ref    TEXT    NOT NULL DEFAULT '',
    filed_at      TIMESTAMP,
    UNIQUE (submission_id, seq)
);

CREATE TABLE campaign_notes (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    noted_on    DATE    NOT NULL,
    text        TEXT    NOT NULL,
    follow_up   TEXT    NOT NULL DEFAULT '',
    author_id   INTEGER,
    author      TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX campaign_notes_unit ON campaign_notes(campaign_id, unit_id, noted_on);

-- One commendation list and one 约谈 list per campaign.
CREATE TABLE campaign_lists (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('commend','interview')),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, kind)
);

CREATE TABLE campaign_list_entries (
    id       INTEGER PRIMARY KEY,
    list_id  INTEGER NOT NULL REFERENCES campaign_lists(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    reason   TEXT    NOT NULL,
    UNIQUE (list_id, unit_id)
);
CREATE INDEX campaign_list_entries_unit ON campaign_list_entries(unit_id);

-- +goose Down
DROP TABLE campaign_list_entries;
DROP TABLE campaign_lists;
DROP TABLE campaign_notes;
DROP TABLE campaign_problems;
DROP TABLE campaign_documents;
DROP TABLE campaign_submissions;
DROP TABLE campaign_tasks;
DROP TABLE campaign_phases;
DROP TABLE campaigns;
