package calendar

import (
	"strings"
	"testing"
)

// parse guards the shipped file against editing slips; each slip must be refused, not shipped.
func TestParseRejects(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"missing name", "2026-01-01 holiday", "want"},
		{"unknown kind", "2026-01-01 rest 元旦", "neither"},
		{"impossible date", "2026-02-30 holiday 春节", "out of range"},
		{"reversed range", "2026-10-07..2026-10-01 holiday 国庆节", "reversed"},
		{"year-long typo", "2026-10-01..2027-10-07 holiday 国庆节", "longer"},
		{"listed twice", "2026-10-01..2026-10-07 holiday 国庆节\n2026-10-03 workday 调休", "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parse(%q) = %v, want an error mentioning %q", tt.text, err, tt.want)
			}
		})
	}
	days, err := parse([]byte("# comment\n\n2026-10-01..2026-10-03 holiday 国庆节 中秋\n"))
	if err != nil || len(days) != 3 || days[2].Name != "国庆节 中秋" {
		t.Errorf("parse of a valid range = %+v, %v", days, err)
	}
}
