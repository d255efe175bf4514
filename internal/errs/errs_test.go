package errs_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

func TestKinds(t *testing.T) {
	cases := []struct {
		name string
		err  error
		kind errs.Kind
		code string
	}{
		{"plain error", errors.New("disk full"), errs.Other, "internal"},
		{"invalid field", errs.Field("code", "编码不能为空"), errs.Invalid, "invalid"},
		{"wrapped twice", fmt.Errorf("web: %w", fmt.Errorf("org: %w", errs.E(errs.NotFound, "单位不存在"))), errs.NotFound, "not_found"},
		{"conflict", errs.E(errs.Conflict, "已存在"), errs.Conflict, "conflict"},
		{"too large", errs.E(errs.TooLarge, "过大"), errs.TooLarge, "too_large"},
		{"rate limited", errs.E(errs.RateLimited, "稍后再试"), errs.RateLimited, "rate_limited"},
		{"nil", nil, errs.Other, "internal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.KindOf(c.err); got != c.kind || got.Code() != c.code {
				t.Fatalf("KindOf = %v (%s), want %v (%s)", got, got.Code(), c.kind, c.code)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	e := errs.Wrap(errs.Invalid, "无法解析", errors.New("bad byte"))
	if e.Error() != "无法解析: bad byte" || !errors.Is(e, e.Err) {
		t.Fatalf("Error() = %q", e.Error())
	}
	if got := errs.Field("name", "不能为空").Error(); got != "name: 不能为空" {
		t.Fatalf("field error text %q", got)
	}
}

func TestList(t *testing.T) {
	var l errs.List
	if l.Err() != nil {
		t.Fatal("an empty list is an error")
	}
	for i := 1; i <= 25; i++ {
		l.Add(fmt.Sprintf("第 %d 行", i), "错误")
	}
	err := l.Err()
	if errs.KindOf(err) != errs.Invalid {
		t.Fatalf("kind %v", errs.KindOf(err))
	}
	got, ok := errs.ListOf(fmt.Errorf("import: %w", err))
	if !ok || len(got.Items) != 25 {
		t.Fatal("the list is not reachable through wrapping")
	}
	// The text names the first twenty and counts the rest, so a message stays readable.
	text := got.Error()
	if !strings.Contains(text, "第 20 行") || strings.Contains(text, "第 21 行") || !strings.Contains(text, "另有 5 处") {
		t.Fatalf("list text %q", text)
	}
	if e, _ := errs.As(err); !strings.Contains(e.Msg, "25") {
		t.Fatalf("summary %q does not count the problems", e.Msg)
	}
}
