package orgio

import "github.com/jianfu-gov/jianfu/internal/sheet"

// cellType says how a column's cells are read from and written to a spreadsheet. Units and
// people use four of sheet's types.
type cellType = sheet.Type

const (
	textCell   = sheet.Text
	codeCell   = sheet.Code
	numberCell = sheet.Number
	dateCell   = sheet.Date
)
