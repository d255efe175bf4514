package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadRules(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       map[string]string
		bad        bool
	}{
		{"comments and blanks", "# 说明\n\nrule.GRP-IDLE.days = 45  # 群组长期闲置\nrule.GRP-IDLE.enabled=1\n",
			map[string]string{"rule.GRP-IDLE.days": "45", "rule.GRP-IDLE.enabled": "1"}, false},
		{"empty value restores the default", "rule.GRP-IDLE.days =\n", map[string]string{"rule.GRP-IDLE.days": ""}, false},
		{"not a rule key", "catalog.attest_months = 6\n", nil, true},
		{"no equals sign", "rule.GRP-IDLE.days 45\n", nil, true},
		{"twice", "rule.GRP-IDLE.days = 45\nrule.GRP-IDLE.days = 50\n", nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "rules.txt")
			if err := os.WriteFile(name, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readRules(name)
			if c.bad {
				if err == nil {
					t.Errorf("accepted %q as %v", c.text, got)
				}
				return
			}
			if err != nil || len(got) != len(c.want) {
				t.Fatalf("readRules = %v, %v; want %v", got, err, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
