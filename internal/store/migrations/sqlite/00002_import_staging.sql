-- +goose Up
-- An uploaded file waits here between the dry run and the user's confirmation, so that any
-- instance can finish the import. Rows older than a day are purged.
CREATE TABLE import_staging (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    filename   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE import_staging;
