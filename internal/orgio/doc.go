// Package orgio imports and exports the organisation — units (单位) and people (人员) — as the
// bureau keeps them: XLSX or CSV 台账 with Chinese column headers and stable codes.
//
// An import happens in two steps. ParseXLSX or ParseCSV reads a file into a Workbook without
// touching the database; they reject what cannot be read at all (not a spreadsheet, too large,
// unknown or missing headers). Import then checks every row, applies the rows parents-first
// through the org package inside one transaction, and commits only if every row passed (or the
// caller asked to import the valid rows only). Because rows are matched by code, importing the
// same file twice changes nothing the second time. The format is described in docs/formats.md
// ("单位与人员").
//
// Scope is never decided here: reads and writes go through org, which filters by the caller's
// unit subtree, so a liaison's import cannot touch another unit and its export holds only its own.
package orgio
