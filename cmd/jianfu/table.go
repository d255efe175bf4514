package main

import (
	"fmt"
	"io"
	"strings"
)

// printTable writes rows as aligned columns. text/tabwriter counts runes, but a Chinese
// character takes two columns on a terminal, so widths are counted here by display width.
func printTable(w io.Writer, indent string, rows [][]string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 && r <= 0xFFEF || r >= 0x20000 && r <= 0x3FFFD { // CJK, fullwidth forms, CJK extensions B–H
			n += 2
		} else {
			n++
		}
	}
	return n
}
