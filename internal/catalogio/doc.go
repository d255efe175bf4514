// Package catalogio imports and exports the inventory (清单) — government apps, public accounts,
// work groups and the groups' members — as the bureau keeps it: an XLSX 台账 with one sheet per
// kind (应用, 公众号, 群组) and a member sheet (群成员), or one CSV file per sheet, with Chinese
// column headers and stable asset codes.
//
// It follows orgio's design. ParseXLSX or ParseCSV reads a file into a Workbook without touching
// the database, streaming the rows, and rejects what cannot be read at all (not a spreadsheet,
// too large, unknown or missing headers). Import then checks every row against the file and the
// database, applies the assets through catalog.CreateTx and catalog.UpdateTx and the member
// lists through a batched equivalent of catalog.SetMembersTx, inside one transaction, and
// commits only if every row passed (or the caller asked to import the valid rows only). Rows
// are matched by code and compared field by field, so importing an export changes nothing and
// writes no audit entry. The format is described in docs/formats.md ("清单(应用、公众号、群组、群成员)").
//
// Scope is decided by catalog and org: assets are written through catalog, which refuses units
// outside the caller's subtree, and stored assets and groups are read through org's scope
// condition, so a liaison's import cannot touch another unit's inventory and their export holds
// only their own.
package catalogio
