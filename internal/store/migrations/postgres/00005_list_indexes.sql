-- +goose Up
-- The inventory list's flags filter on rare values; partial indexes let the planner find the few
-- rows instead of walking every group in code order.
CREATE INDEX group_details_temporary ON group_details(asset_id) WHERE temporary;
CREATE INDEX app_details_forced ON app_details(asset_id) WHERE forced_features <> '';
CREATE INDEX assets_needs_attest ON assets(owner_person_id) WHERE needs_attest;

-- +goose Down
DROP INDEX assets_needs_attest;
DROP INDEX app_details_forced;
DROP INDEX group_details_temporary;
