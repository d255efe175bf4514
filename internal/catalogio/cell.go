package catalogio

import "github.com/jianfu-gov/jianfu/internal/sheet"

// cellType says how a column's cells are read from and written to a spreadsheet.
type cellType = sheet.Type

const (
	textCell   = sheet.Text
	codeCell   = sheet.Code
	numberCell = sheet.Number
	dateCell   = sheet.Date
	boolCell   = sheet.Bool
	listCell   = sheet.List // one item per line (see joinList), or separated by 、,;
)
