package catalog_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" with ok means the zero Date
		ok       bool
	}{
		{"2026-03-01", "2026-03-01", true},
		{" 2026-03-01 ", "2026-03-01", true},
		{"2026/03/01", "2026-03-01", true},
		{"2026-3-1", "2026-03-01", true},
		{"2024-02-29", "2024-02-29", true},
		{"1949-01-01", "1949-01-01", true},
		{"2100-12-31", "2100-12-31", true},
		{"", "", true},
		{"   ", "", true},
		{"1900-01-01", "", false},
		{"1948-12-31", "", false},
		{"2101-01-01", "", false},
		{"2200-01-01", "", false},
		{"2025-02-29", "", false},
		{"2026-13-01", "", false},
		{"2026-00-10", "", false},
		{"2026-03-01T00:00:00Z", "", false},
		{"20260301", "", false},
		{"2026年3月1日", "", false},
		{"yesterday", "", false},
	} {
		t.Run(strings.TrimSpace(c.in)+" "+map[bool]string{true: "is read", false: "is refused"}[c.ok], func(t *testing.T) {
			d, err := catalog.ParseDate("last_post_on", c.in)
			if !c.ok {
				check(t, err, invalid("last_post_on"))
				return
			}
			check(t, err, pass)
			if d.String() != c.want || (c.want == "") != d.IsZero() {
				t.Fatalf("ParseDate(%q) = %q", c.in, d.String())
			}
		})
	}
	t.Run("the error names the field it was given", func(t *testing.T) {
		for _, field := range []string{"opened_on", "task_end_on", "第 3 行 C 列"} {
			_, err := catalog.ParseDate(field, "2200-01-01")
			check(t, err, invalid(field))
		}
	})
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		On catalog.Date `json:"on"`
	}
	t.Run("a date round-trips", func(t *testing.T) {
		var d doc
		if err := json.Unmarshal([]byte(`{"on":"2026-03-01"}`), &d); err != nil {
			t.Fatal(err)
		}
		if d.On.String() != "2026-03-01" {
			t.Fatalf("read %q", d.On.String())
		}
		b, err := json.Marshal(d)
		if err != nil || string(b) != `{"on":"2026-03-01"}` {
			t.Fatalf("wrote %s, %v", b, err)
		}
	})
	t.Run("the zero date is written as null", func(t *testing.T) {
		b, err := json.Marshal(doc{})
		if err != nil || string(b) != `{"on":null}` {
			t.Fatalf("wrote %s, %v", b, err)
		}
	})
	for _, in := range []string{`{"on":null}`, `{"on":""}`, `{"on":"  "}`, `{}`} {
		t.Run(in+" is the zero date", func(t *testing.T) {
			d := doc{On: day(2020, 1, 1)}
			if in == `{}` {
				d = doc{}
			}
			if err := json.Unmarshal([]byte(in), &d); err != nil {
				t.Fatal(err)
			}
			if !d.On.IsZero() || d.On.String() != "" {
				t.Fatalf("read %q", d.On.String())
			}
		})
	}
	for _, in := range []string{`{"on":"2026-02-30"}`, `{"on":"1900-01-01"}`, `{"on":"2200-01-01"}`, `{"on":"soon"}`, `{"on":20260301}`,
		`{"on":true}`, `{"on":["2026-03-01"]}`} {
		t.Run(in+" is refused", func(t *testing.T) {
			var d doc
			err := json.Unmarshal([]byte(in), &d)
			if err == nil {
				t.Fatalf("accepted %s as %q", in, d.On.String())
			}
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("error %v is not Invalid", err)
			}
		})
	}
	t.Run("an Input with a bad date is refused as a whole", func(t *testing.T) {
		var in catalog.Input
		err := json.Unmarshal([]byte(`{"code":"x","opened_on":"2026-02-30"}`), &in)
		if err == nil {
			t.Fatal("accepted")
		}
	})
	t.Run("an asset's dates in JSON", func(t *testing.T) {
		a := catalog.Asset{OpenedOn: day(2024, 12, 31)}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if !strings.Contains(s, `"opened_on":"2024-12-31"`) || !strings.Contains(s, `"closed_on":null`) || strings.Contains(s, "attested_at") {
			t.Fatalf("json %s", s)
		}
	})
}
