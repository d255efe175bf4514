package org

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

// Page is a window of a list.
type Page struct {
	Limit  int
	Offset int
}

// MaxPage is the largest page any list returns.
const MaxPage = 500

// Norm bounds the page: 50 rows by default, at most MaxPage.
func (p Page) Norm() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > MaxPage {
		p.Limit = MaxPage
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
