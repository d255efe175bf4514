package web

import (
	"encoding/json"
	"testing"
)

// TestEvidenceRows checks that a finding's evidence reads as text: labels in Chinese, lists
// joined, pairs one per line, no JSON punctuation.
func TestEvidenceRows(t *testing.T) {
	cases := []struct {
		name, raw string
		want      []kv
	}{
		{"scalars", `{"days_since": 20, "platform": "微博", "interaction": false}`,
			[]kv{{"距今天数", "20"}, {"interaction", "否"}, {"平台", "微博"}}},
		{"list of words", `{"accounts": ["ACC-0001", "ACC-0002"], "threshold": 0.35}`,
			[]kv{{"账号", "ACC-0001、ACC-0002"}, {"阈值", "0.35"}}},
		{"pairs", `{"pairs": [{"a": "ACC-1", "b": "ACC-2", "score": 0.66, "shared_terms": ["招录公告", "体能测试"], "shared_forms": null},
			{"a": "ACC-1", "b": "ACC-3", "score": 0.5, "shared_terms": [], "shared_forms": ["报名表"]}]}`,
			[]kv{{"两两比较", "甲:ACC-1;乙:ACC-2;相似度:0.66;共同表单:—;共同用语:招录公告、体能测试\n" +
				"甲:ACC-1;乙:ACC-3;相似度:0.5;共同表单:报名表;共同用语:—"}}},
		{"not an object", `[1, 2]`, []kv{{"evidence", "[1, 2]"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := evidenceRows(json.RawMessage(c.raw))
			if len(got) != len(c.want) {
				t.Fatalf("rows %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("row %d = %q, want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}
