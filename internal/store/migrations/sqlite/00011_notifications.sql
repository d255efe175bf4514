-- +goose Up
-- In-app notifications (package notify). key names the event ("ledger:12:step:1"); its
-- uniqueness per person is what makes notifying idempotent, so a retried transaction or a job
-- that runs on two instances never tells a person twice about one event. It is per person, not
-- global, because one event may concern several people (all liaisons of a unit) under one key.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL DEFAULT '',
    link        TEXT    NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    digested_at TIMESTAMP,
    UNIQUE (person_id, key)
);
CREATE INDEX notifications_person ON notifications(person_id, id);
-- The daily digest looks only at what is neither read nor digested yet.
CREATE INDEX notifications_pending ON notifications(person_id) WHERE read_at IS NULL AND digested_at IS NULL;

-- One row per person and working day that a digest was sent: the primary key is the claim that
-- lets only one of several instances send it.
CREATE TABLE notification_digests (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    day       DATE    NOT NULL,
    items     INTEGER NOT NULL,
    sent_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, day)
);

-- Group-chat robots (钉钉, 企业微信, 飞书) that a unit's reminders are posted to. url and secret
-- are credentials: they are shown masked and never written to the audit log in full.
CREATE TABLE notify_channels (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('dingtalk','wecom','feishu')),
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL DEFAULT '',
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notify_channels_unit ON notify_channels(unit_id);

-- +goose Down
DROP TABLE notify_channels;
DROP TABLE notification_digests;
DROP TABLE notifications;
