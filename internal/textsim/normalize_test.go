package textsim

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "值班考勤打卡", "值班考勤打卡"},
		{"latin kept as a word", "消防监督检查App", "消防监督检查 app"},
		{"digits kept as a word", "119接处警系统", "119 接处警系统"},
		{"full-width latin and digits", "ＯＡ办公１１９", "oa 办公 119"},
		{"ideographic space", "营区\u3000管理", "营区 管理"},
		{"traditional to simplified", "滅火救援指揮平臺", "灭火救援指挥平台"},
		{"traditional office words", "監督檢查記錄、車輛調度", "监督检查记录 车辆调度"},
		{"punctuation is one boundary", "请假、审批；销假！！", "请假 审批 销假"},
		{"brackets and quotes", "《消防法》“执法”(试行)", "消防法 执法 试行"},
		{"whitespace trimmed", "  \t训练 考核\n ", "训练 考核"},
		{"mixed latin and digits stay one word", "H5页面V2版", "h5 页面 v2 版"},
		{"other scripts lower-cased", "ΑΒΓ Straße", "αβγ straße"},
		{"emoji and symbols are boundaries", "打卡✅签到→完成", "打卡 签到 完成"},
		{"invalid UTF-8 is a boundary", "值班\xff\xfe考勤", "值班 考勤"},
		{"only punctuation", "，。、！？", ""},
		{"simplified left alone", "干部 发展 台账 里程 面试 复查", "干部 发展 台账 里程 面试 复查"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.in); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := Normalize(tc.want); got != tc.want {
				t.Errorf("not idempotent: Normalize(%q) = %q", tc.want, got)
			}
		})
	}
}

// TestT2STable checks the traditional table: whole pairs, no identity pairs, no target that is
// itself a key (folding must be idempotent), no key mapped two ways.
func TestT2STable(t *testing.T) {
	rs := []rune(t2sPairs)
	if len(rs)%2 != 0 {
		t.Fatalf("t2sPairs has an odd number of runes (%d)", len(rs))
	}
	seen := map[rune]rune{}
	for i := 0; i < len(rs); i += 2 {
		from, to := rs[i], rs[i+1]
		if from == to {
			t.Errorf("pair %d: %c maps to itself", i/2, from)
		}
		if prev, ok := seen[from]; ok && prev != to {
			t.Errorf("%c maps to both %c and %c", from, prev, to)
		}
		seen[from] = to
	}
	for from, to := range t2s {
		if _, ok := t2s[to]; ok {
			t.Errorf("%c → %c, and %c is itself a key", from, to, to)
		}
	}
	if len(t2s) < 300 {
		t.Errorf("only %d pairs", len(t2s))
	}
}

// TestSegments checks what the features are built from: stop words and connectives cut, Latin
// stop words dropped, and the generic-only fallback.
func TestSegments(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"stop words cut", "消防监督检查管理系统", []string{"监督检查"}},
		{"connectives cut", "请假、审批和销假", []string{"请假", "审批", "销假"}},
		{"latin stop word dropped", "岗位练兵App", []string{"岗位练兵"}},
		{"latin word kept", "公文流转OA", []string{"公文流转", "oa"}},
		{"only generic words: kept as they are", "智慧消防管理平台", []string{"智慧消防管理平台"}},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range fieldSegments(&Doc{Name: tc.in}, fName, true) {
				if s.runes != nil {
					got = append(got, string(s.runes))
				} else {
					got = append(got, s.word)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("segments(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "消防监督检查App", "ＯＡ１１９", "滅火\xff救援", "a\u0301b", "İSTANBUL", "ǅ", "\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, n2)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: stray spaces", s, n)
		}
	})
}
