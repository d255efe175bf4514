// Package sheet reads and writes the cells of the spreadsheets and CSV files officials exchange:
// the XLSX and CSV 台账 that orgio (units and people) and catalogio (the inventory) import and
// export. It knows how a cell is read (what Excel displays against what it stores, codes that
// Excel shows as numbers, date serials, stray spaces and control characters), how an upload is
// read and decoded (size limits, UTF-8 with or without a BOM, GBK/GB18030), how CSV cells that
// Excel would run as formulas are escaped, and the styles an XLSX export uses. What a table's
// columns mean is left to its importer.
package sheet
