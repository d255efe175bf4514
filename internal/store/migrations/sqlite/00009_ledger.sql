-- +goose Up
-- The rectification ledger (整改台账): every problem a unit must fix, whatever found it (自查,
-- 检查, 体检, 抽查, 差评, 举报), with its deadline, the people answerable for it, and the record of
-- how it was fixed, accepted and, if late, escalated. Overdue (逾期) is not stored: it is derived
-- from the deadline and today's date, so it can never disagree with them.

-- The last number handed out per year; items are numbered ZG-<year>-<n> in the transaction that
-- creates them, and the row lock this upsert takes orders concurrent creations.
CREATE TABLE ledger_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Actor ids (created_by_id, fixed_by_id, verified_by_id …) have no foreign key, like the audit
-- log's: the ledger is history and a deleted login must not take it along. Names are kept beside
-- the ids for the same reason.
CREATE TABLE ledger_items (
    id                    INTEGER PRIMARY KEY,
    number                TEXT    NOT NULL UNIQUE,
    source                TEXT    NOT NULL CHECK (source IN ('self_check','inspection','finding','spot_check','rating','report')),
    unit_id               INTEGER NOT NULL REFERENCES units(id),
    asset_id              INTEGER REFERENCES assets(id),
    finding_id            INTEGER UNIQUE REFERENCES findings(id),
    title                 TEXT    NOT NULL,
    description           TEXT    NOT NULL DEFAULT '',
    measures              TEXT    NOT NULL DEFAULT '',
    responsible_person_id INTEGER NOT NULL REFERENCES people(id),
    lead_unit_id          INTEGER REFERENCES units(id),
    deadline              DATE    NOT NULL,
    status                TEXT    NOT NULL CHECK (status IN ('pending','in_progress','review','closed')),
    progress              TEXT    NOT NULL DEFAULT '',
    completion            TEXT    NOT NULL DEFAULT '',
    fixed_by_id           INTEGER,
    fixed_by              TEXT    NOT NULL DEFAULT '',
    verified_by_id        INTEGER,
    verified_by           TEXT    NOT NULL DEFAULT '',
    closed_at             TIMESTAMP,
    rejection_reason      TEXT    NOT NULL DEFAULT '',
    escalation_level      INTEGER NOT NULL DEFAULT 0,
    created_by_id         INTEGER,
    created_by            TEXT    NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_by_id         INTEGER,
    updated_by            TEXT    NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX ledger_items_unit ON ledger_items(unit_id, status);
-- Overdue and "due this week" filters, and the escalation job's scan, read open items by deadline.
CREATE INDEX ledger_items_status_deadline ON ledger_items(status, deadline);
CREATE INDEX ledger_items_source ON ledger_items(source);
CREATE INDEX ledger_items_person ON ledger_items(responsible_person_id);
CREATE INDEX ledger_items_asset ON ledger_items(asset_id);

-- Every status change and escalation step, append-only.
CREATE TABLE ledger_history (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES ledger_items(id),
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX ledger_history_item ON ledger_history(item_id, id);

CREATE TABLE ledger_comments (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES ledger_items(id),
    at       TIMESTAMP NOT NULL,
    actor_id INTEGER,
    actor    TEXT    NOT NULL,
    body     TEXT    NOT NULL
);
CREATE INDEX ledger_comments_item ON ledger_comments(item_id, id);

-- Evidence files live in the database so that a backup of it is a backup of everything.
CREATE TABLE ledger_attachments (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES ledger_items(id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    actor_id     INTEGER,
    actor        TEXT    NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX ledger_attachments_item ON ledger_attachments(item_id, id);

-- 问责: talk (约谈提醒), notice (通报批评), accountability (问责). step is the escalation level
-- that wrote the record, 0 when a person did.
CREATE TABLE ledger_accountability (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES ledger_items(id),
    kind     TEXT    NOT NULL CHECK (kind IN ('talk','notice','accountability')),
    note     TEXT    NOT NULL DEFAULT '',
    on_date  DATE    NOT NULL,
    step     INTEGER NOT NULL DEFAULT 0,
    actor_id INTEGER,
    actor    TEXT    NOT NULL,
    at       TIMESTAMP NOT NULL
);
CREATE INDEX ledger_accountability_item ON ledger_accountability(item_id, id);

-- +goose Down
DROP TABLE ledger_accountability;
DROP TABLE ledger_attachments;
DROP TABLE ledger_comments;
DROP TABLE ledger_history;
DROP TABLE ledger_items;
DROP TABLE ledger_numbers;
