-- +goose Up
-- Intake (立项审核) of new apps and filing (备案) of new public accounts and work groups. The asset
-- itself is created in 申请中 by the catalog; a request carries the applicant's answers to the five
-- checks of APP-INTAKE, where it is in the approval steps, and which round it is in (a returned
-- request is resubmitted as the next round).
CREATE TABLE intake_requests (
    id                INTEGER PRIMARY KEY,
    asset_id          INTEGER NOT NULL UNIQUE REFERENCES assets(id),
    kind              TEXT    NOT NULL CHECK (kind IN ('app','account','group')),
    applicant_user_id INTEGER REFERENCES users(id),
    applicant_name    TEXT    NOT NULL,
    fits_plan         TEXT    NOT NULL DEFAULT '',
    not_duplicate     TEXT    NOT NULL DEFAULT '',
    not_module        TEXT    NOT NULL DEFAULT '',
    can_share         TEXT    NOT NULL DEFAULT '',
    data_rules        TEXT    NOT NULL DEFAULT '',
    step              TEXT    NOT NULL CHECK (step IN ('unit','lead','office','returned','approved','rejected','withdrawn')),
    round             INTEGER NOT NULL DEFAULT 1,
    flagged           BOOLEAN NOT NULL DEFAULT FALSE,
    top_score         REAL NOT NULL DEFAULT 0,
    quota_year        INTEGER NOT NULL,
    submitted_at      TIMESTAMP NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX intake_requests_step ON intake_requests(step, kind);
CREATE INDEX intake_requests_applicant ON intake_requests(applicant_user_id);
CREATE INDEX intake_requests_quota ON intake_requests(kind, quota_year);

-- The request's timeline: submissions, each step's decision with its comment, withdrawal.
CREATE TABLE intake_reviews (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES intake_requests(id) ON DELETE CASCADE,
    round            INTEGER NOT NULL,
    step             TEXT    NOT NULL,
    action           TEXT    NOT NULL CHECK (action IN ('submit','resubmit','approve','return','reject','withdraw')),
    comment          TEXT    NOT NULL DEFAULT '',
    reviewer_user_id INTEGER REFERENCES users(id),
    reviewer_name    TEXT    NOT NULL,
    at               TIMESTAMP NOT NULL
);
CREATE INDEX intake_reviews_request ON intake_reviews(request_id, id);
CREATE INDEX intake_reviews_reviewer ON intake_reviews(reviewer_user_id);

-- The similar assets found when the request was (re)submitted, as the applicant saw them: a
-- snapshot, so that approvers judge the evidence the applicant answered, even if the matched
-- asset is renamed or retired later. Replaced on resubmission.
CREATE TABLE intake_matches (
    request_id INTEGER NOT NULL REFERENCES intake_requests(id) ON DELETE CASCADE,
    rank       INTEGER NOT NULL,
    asset_id   INTEGER NOT NULL REFERENCES assets(id),
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    unit_name  TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    score      REAL    NOT NULL,
    blocking   BOOLEAN NOT NULL DEFAULT FALSE,
    addressed  BOOLEAN NOT NULL DEFAULT FALSE,
    reasons    TEXT    NOT NULL DEFAULT '',
    evidence   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, rank)
);
CREATE INDEX intake_matches_asset ON intake_matches(asset_id);

-- One row per unit that has filed an app: submissions of the same unit lock it first, so two
-- concurrent submissions cannot both pass the yearly quota.
CREATE TABLE intake_quota_locks (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE
);

-- The duplicate search keeps the index of the bureau's apps in memory and checks before each
-- search whether the inventory changed since (the newest updated_at of any app); this
-- index makes that check a seek instead of a pass over every app row.
CREATE INDEX assets_kind_updated ON assets(kind, updated_at);

-- +goose Down
DROP INDEX assets_kind_updated;
DROP TABLE intake_quota_locks;
DROP TABLE intake_matches;
DROP TABLE intake_reviews;
DROP TABLE intake_requests;
