-- +goose Up
-- The inventory (清单): government apps, public accounts and work groups. Fields every asset has
-- live in assets; each kind's own fields in its details table, typed, so rules can filter on them.
CREATE TABLE assets (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('app','account','group')),
    name            TEXT    NOT NULL,
    platform        TEXT    NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    lead_unit_id    INTEGER REFERENCES units(id),
    owner_person_id INTEGER REFERENCES people(id),
    purpose         TEXT    NOT NULL DEFAULT '',
    functions       TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('applying','active','rectifying','merged','retired','rejected')),
    merged_into_id  INTEGER REFERENCES assets(id),
    opened_on       DATE,
    closed_on       DATE,
    notes           TEXT    NOT NULL DEFAULT '',
    needs_attest    BOOLEAN NOT NULL DEFAULT TRUE,
    attested_at     TIMESTAMP,
    attested_by     TEXT    NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX assets_kind_status ON assets(kind, status);
CREATE INDEX assets_unit ON assets(unit_id);
CREATE INDEX assets_owner ON assets(owner_person_id);
CREATE INDEX assets_name ON assets(name);

CREATE TABLE app_details (
    asset_id         INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    target_users     TEXT    NOT NULL DEFAULT '',
    target_count     INTEGER NOT NULL DEFAULT 0,
    mandatory        BOOLEAN NOT NULL DEFAULT FALSE,
    forced_features  TEXT    NOT NULL DEFAULT '',
    emergency_use    BOOLEAN NOT NULL DEFAULT FALSE,
    feedback_channel BOOLEAN NOT NULL DEFAULT FALSE,
    data_collected   TEXT    NOT NULL DEFAULT '',
    mlps_level       INTEGER NOT NULL DEFAULT 0 CHECK (mlps_level BETWEEN 0 AND 4),
    mlps_assessed_on DATE,
    vendor           TEXT    NOT NULL DEFAULT '',
    yearly_cost      INTEGER NOT NULL DEFAULT 0,
    unified_login    BOOLEAN NOT NULL DEFAULT FALSE,
    shares_with      TEXT    NOT NULL DEFAULT '',
    forms            TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE account_details (
    asset_id     INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    handle       TEXT    NOT NULL DEFAULT '',
    filing_no    TEXT    NOT NULL DEFAULT '',
    operator     TEXT    NOT NULL DEFAULT '',
    followers    INTEGER NOT NULL DEFAULT 0,
    interaction  BOOLEAN NOT NULL DEFAULT TRUE,
    last_post_on DATE
);

CREATE TABLE group_details (
    asset_id      INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    temporary     BOOLEAN NOT NULL DEFAULT FALSE,
    task_end_on   DATE,
    approval_ref  TEXT    NOT NULL DEFAULT '',
    member_count  INTEGER NOT NULL DEFAULT 0
);

-- Members of a work group: people of the organisation (person_id) or outsiders (external_name).
CREATE TABLE group_members (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    person_id     INTEGER REFERENCES people(id),
    external_name TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL DEFAULT 'member' CHECK (role IN ('owner','admin','member')),
    CHECK ((person_id IS NULL) <> (external_name = ''))
);
CREATE UNIQUE INDEX group_members_person ON group_members(group_id, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX group_members_external ON group_members(group_id, external_name) WHERE person_id IS NULL;
CREATE INDEX group_members_by_person ON group_members(person_id);
-- Member lists are read, counted and replaced by group; the partial unique indexes above cannot
-- serve "WHERE group_id = ?" alone, so without this every such query scans all memberships.
CREATE INDEX group_members_group ON group_members(group_id);

-- An asset's history as its page shows it; the audit log keeps the full before/after.
CREATE TABLE asset_events (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_events_asset ON asset_events(asset_id, id);

-- Settings the bureau can change (rule thresholds, quotas, attestation period), one JSON value
-- per key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE settings;
DROP TABLE asset_events;
DROP TABLE group_members;
DROP TABLE group_details;
DROP TABLE account_details;
DROP TABLE app_details;
DROP TABLE assets;
