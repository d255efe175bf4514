-- +goose Up
-- Activity data (issue: burden index). Each file or API request is one batch, named by the id
-- its sender chose (or the file's SHA-256): the primary key is what makes a retried batch count
-- once.
CREATE TABLE ingest_batches (
    id              TEXT PRIMARY KEY,
    source          TEXT NOT NULL DEFAULT '',
    received_at     TIMESTAMPTZ NOT NULL,
    actor_id        BIGINT,
    actor           TEXT NOT NULL DEFAULT '',
    rows_read       INTEGER NOT NULL,
    accepted        INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    unknown_senders INTEGER NOT NULL,
    messages        INTEGER NOT NULL,
    app_days        INTEGER NOT NULL,
    account_days    INTEGER NOT NULL,
    first_day       DATE,
    last_day        DATE,
    report          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ingest_batches_received ON ingest_batches(received_at);

-- Daily rollups: dashboards read these, never raw events. Message counts add up across batches;
-- deliveries are messages times their recipients (members other than the sender) as the
-- membership stood when the batch arrived. The flag columns count messages carrying each of
-- classify's flags; demands counts messages with any of the demand flags (收到, 接龙, 打卡, 留痕,
-- 材料, 限时).
CREATE TABLE act_group_days (
    group_id          BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    day               DATE    NOT NULL,
    messages          BIGINT NOT NULL DEFAULT 0,
    after_hours       BIGINT NOT NULL DEFAULT 0,
    demands           BIGINT NOT NULL DEFAULT 0,
    reply_received    BIGINT NOT NULL DEFAULT 0,
    chain             BIGINT NOT NULL DEFAULT 0,
    checkin           BIGINT NOT NULL DEFAULT 0,
    proof             BIGINT NOT NULL DEFAULT 0,
    materials         BIGINT NOT NULL DEFAULT 0,
    deadline          BIGINT NOT NULL DEFAULT 0,
    at_all            BIGINT NOT NULL DEFAULT 0,
    forwarded         BIGINT NOT NULL DEFAULT 0,
    deliveries        BIGINT NOT NULL DEFAULT 0,
    demand_deliveries BIGINT NOT NULL DEFAULT 0,
    -- Day first: a dashboard reads one period of every group, a contiguous range this way.
    PRIMARY KEY (day, group_id)
);
CREATE INDEX act_group_days_group ON act_group_days(group_id, day);

-- What each person received: every message in the groups they belong to, but their own.
CREATE TABLE act_person_days (
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    day            DATE    NOT NULL,
    received       BIGINT NOT NULL DEFAULT 0,
    after_hours    BIGINT NOT NULL DEFAULT 0,
    demands        BIGINT NOT NULL DEFAULT 0,
    reply_received BIGINT NOT NULL DEFAULT 0,
    chain          BIGINT NOT NULL DEFAULT 0,
    checkin        BIGINT NOT NULL DEFAULT 0,
    proof          BIGINT NOT NULL DEFAULT 0,
    materials      BIGINT NOT NULL DEFAULT 0,
    deadline       BIGINT NOT NULL DEFAULT 0,
    at_all         BIGINT NOT NULL DEFAULT 0,
    forwarded      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, day)
);
CREATE INDEX act_person_days_day ON act_person_days(day);

-- The sum of act_person_days over the people of one unit (not its sub-units: pages sum the
-- subtree through units.path).
CREATE TABLE act_unit_days (
    unit_id        BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    day            DATE    NOT NULL,
    received       BIGINT NOT NULL DEFAULT 0,
    after_hours    BIGINT NOT NULL DEFAULT 0,
    demands        BIGINT NOT NULL DEFAULT 0,
    reply_received BIGINT NOT NULL DEFAULT 0,
    chain          BIGINT NOT NULL DEFAULT 0,
    checkin        BIGINT NOT NULL DEFAULT 0,
    proof          BIGINT NOT NULL DEFAULT 0,
    materials      BIGINT NOT NULL DEFAULT 0,
    deadline       BIGINT NOT NULL DEFAULT 0,
    at_all         BIGINT NOT NULL DEFAULT 0,
    forwarded      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);
CREATE INDEX act_unit_days_day ON act_unit_days(day);

-- Messages by the hour (Shanghai) they were sent, per unit owning the group and day: the heat
-- map. One row a unit and day with 24 columns, not one row an hour: a month of a province is then
-- 25 000 rows to read, not 600 000.
CREATE TABLE act_unit_hours (
    unit_id  BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    day      DATE    NOT NULL,
    h00     BIGINT NOT NULL DEFAULT 0,
    h01     BIGINT NOT NULL DEFAULT 0,
    h02     BIGINT NOT NULL DEFAULT 0,
    h03     BIGINT NOT NULL DEFAULT 0,
    h04     BIGINT NOT NULL DEFAULT 0,
    h05     BIGINT NOT NULL DEFAULT 0,
    h06     BIGINT NOT NULL DEFAULT 0,
    h07     BIGINT NOT NULL DEFAULT 0,
    h08     BIGINT NOT NULL DEFAULT 0,
    h09     BIGINT NOT NULL DEFAULT 0,
    h10     BIGINT NOT NULL DEFAULT 0,
    h11     BIGINT NOT NULL DEFAULT 0,
    h12     BIGINT NOT NULL DEFAULT 0,
    h13     BIGINT NOT NULL DEFAULT 0,
    h14     BIGINT NOT NULL DEFAULT 0,
    h15     BIGINT NOT NULL DEFAULT 0,
    h16     BIGINT NOT NULL DEFAULT 0,
    h17     BIGINT NOT NULL DEFAULT 0,
    h18     BIGINT NOT NULL DEFAULT 0,
    h19     BIGINT NOT NULL DEFAULT 0,
    h20     BIGINT NOT NULL DEFAULT 0,
    h21     BIGINT NOT NULL DEFAULT 0,
    h22     BIGINT NOT NULL DEFAULT 0,
    h23     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
);

-- Daily statistics as the platforms report them: a later batch for the same day replaces the
-- figures (they are a statement about the day, not events). NULL is "not reported".
CREATE TABLE act_app_days (
    app_id            BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    day               DATE    NOT NULL,
    active_users      BIGINT,
    sessions          BIGINT,
    checkins_required BIGINT,
    checkins_done     BIGINT,
    forms_submitted   BIGINT,
    PRIMARY KEY (app_id, day)
);

CREATE TABLE act_account_days (
    account_id        BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    day               DATE    NOT NULL,
    posts             BIGINT,
    reads             BIGINT,
    followers         BIGINT,
    comments          BIGINT,
    comments_answered BIGINT,
    answer_minutes    DOUBLE PRECISION,
    PRIMARY KEY (account_id, day)
);

-- Raw message metadata, kept only when the bureau turns it on (activity.keep_raw) and purged by
-- age. Text only with activity.keep_text (Principle 4: off by default).
CREATE TABLE act_messages (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    batch_id         TEXT    NOT NULL,
    group_id         BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    sender_person_id BIGINT REFERENCES people(id) ON DELETE SET NULL,
    sent_at          TIMESTAMPTZ NOT NULL,
    day              DATE    NOT NULL,
    kind             TEXT    NOT NULL,
    flags            SMALLINT NOT NULL,
    after_hours      BOOLEAN NOT NULL,
    text             TEXT
);
CREATE INDEX act_messages_day ON act_messages(day);
CREATE INDEX act_messages_group ON act_messages(group_id, day);

-- +goose Down
DROP TABLE act_messages;
DROP TABLE act_account_days;
DROP TABLE act_app_days;
DROP TABLE act_unit_hours;
DROP TABLE act_unit_days;
DROP TABLE act_person_days;
DROP TABLE act_group_days;
DROP TABLE ingest_batches;
