package org

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// checkCode validates a stable code (unit code, 工号, username): letters, digits, _ . -; at most 64.
func checkCode(field, label, s string) error {
	if s == "" {
		return errs.Field(field, label+"不能为空")
	}
	if !codeRE.MatchString(s) {
		return errs.Field(field, label+"只能由字母、数字和 _ . - 组成,且不超过 64 个字符")
	}
	return nil
}

// checkText validates a required or optional line of text of at most max characters.
func checkText(field, label, s string, required bool, max int) error {
	if !utf8.ValidString(s) {
		return errs.Field(field, label+"含有无效字符")
	}
	if required && strings.TrimSpace(s) == "" {
		return errs.Field(field, label+"不能为空")
	}
	if utf8.RuneCountInString(s) > max {
		return errs.Field(field, label+"过长(最多 "+itoa(max)+" 个字)")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return errs.Field(field, label+"不能包含换行、制表符或其他控制字符")
	}
	return nil
}

func first(errors ...error) error {
	for _, e := range errors {
		if e != nil {
			return e
		}
	}
	return nil
}
