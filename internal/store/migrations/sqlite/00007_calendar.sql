-- +goose Up
-- The working-day calendar (工作日历): the bureau's record of official holidays and make-up
-- working days (调休上班), one row per day that is not what its weekday alone says. The shipped
-- State Council arrangement seeds it; the administrator extends it each year. A stored row
-- overrides the shipped default for its day.
CREATE TABLE calendar_days (
    day  DATE PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID; -- keyed by the date alone, so the rowid would only be a second index

-- +goose Down
DROP TABLE calendar_days;
