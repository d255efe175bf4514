package catalog_test

import (
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
)

func TestParseKind(t *testing.T) {
	for in, want := range map[string]catalog.Kind{
		"app": catalog.App, "政务应用程序": catalog.App, "应用": catalog.App, "App": catalog.App, " APP ": catalog.App, "应用程序": catalog.App,
		"account": catalog.Account, "政务公众账号": catalog.Account, "公众号": catalog.Account, "新媒体": catalog.Account, "账号": catalog.Account,
		"group": catalog.Group, "政务工作群组": catalog.Group, "群组": catalog.Group, "工作群": catalog.Group, "群": catalog.Group,
	} {
		got, err := catalog.ParseKind(in)
		if err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "robot", "应用 程序", "Group1"} {
		_, err := catalog.ParseKind(in)
		check(t, err, invalid("kind"))
	}
}

func TestStatusLabels(t *testing.T) {
	for _, c := range []struct {
		kind  catalog.Kind
		label string
	}{{catalog.App, "已下线"}, {catalog.Account, "已注销"}, {catalog.Group, "已解散"}} {
		if got := catalog.Retired.Label(c.kind); got != c.label {
			t.Errorf("retired %s is %q, want %q", c.kind, got, c.label)
		}
		st, err := catalog.ParseStatus(c.label)
		if err != nil || st != catalog.Retired {
			t.Errorf("ParseStatus(%q) = %s, %v", c.label, st, err)
		}
	}
	for _, st := range catalog.Statuses {
		for _, k := range catalog.Kinds {
			if st.Label(k) == "" {
				t.Errorf("%s has no label for %s", st, k)
			}
			got, err := catalog.ParseStatus(st.Label(k))
			if err != nil || got != st {
				t.Errorf("ParseStatus(%q) = %s, %v; want %s", st.Label(k), got, err, st)
			}
		}
		if got, err := catalog.ParseStatus(" " + string(st) + " "); err != nil || got != st {
			t.Errorf("ParseStatus(%q) = %s, %v", st, got, err)
		}
		if want := st == catalog.Active || st == catalog.Rectifying; st.Live() != want {
			t.Errorf("%s.Live() = %v", st, st.Live())
		}
	}
	_, err := catalog.ParseStatus("停用")
	check(t, err, invalid("status"))
	for _, k := range catalog.Kinds {
		if k.Label() == "" || k.Short() == "" {
			t.Errorf("kind %s has no label", k)
		}
	}
}

func TestMemberRoles(t *testing.T) {
	for in, want := range map[string]string{
		"": catalog.RoleMember, "member": catalog.RoleMember, "成员": catalog.RoleMember, "群成员": catalog.RoleMember,
		"owner": catalog.RoleOwner, " 群主 ": catalog.RoleOwner, "admin": catalog.RoleAdmin, "管理员": catalog.RoleAdmin, "群管理员": catalog.RoleAdmin,
	} {
		got, err := catalog.ParseMemberRole(in)
		if err != nil || got != want {
			t.Errorf("ParseMemberRole(%q) = %q, %v; want %q", in, got, err, want)
		}
		if catalog.MemberRoleLabel(got) == "" {
			t.Errorf("role %s has no label", got)
		}
	}
	_, err := catalog.ParseMemberRole("群员")
	check(t, err, invalid("role"))
}

func TestSplitListAndFeatures(t *testing.T) {
	got := catalog.SplitList("打卡、接龙,上报;统计\n考勤,排名;积分\r\n")
	want := []string{"打卡", "接龙", "上报", "统计", "考勤", "排名", "积分"}
	if !sameStrings(got, want) {
		t.Fatalf("SplitList = %q, want %q", got, want)
	}
	for _, f := range catalog.Features {
		if catalog.FeatureLabel(f.Code) != f.Label {
			t.Errorf("FeatureLabel(%s) = %q", f.Code, catalog.FeatureLabel(f.Code))
		}
	}
	if catalog.FeatureLabel("unknown") != "unknown" {
		t.Errorf("unknown feature label")
	}
}
