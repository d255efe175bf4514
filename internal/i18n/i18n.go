// Package i18n translates the user interface. Chinese is the source language: templates and code
// write the Chinese text, and the English catalogue maps it to English. A missing English entry
// falls back to the Chinese, and a test keeps the catalogue complete for the templates.
package i18n

import (
	"fmt"
	"net/http"
	"strings"
)

// Lang is a user-interface language.
type Lang string

// The languages.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// T translates msg (written in Chinese) into lang, formatting args like fmt.Sprintf when given.
func T(lang Lang, msg string, args ...any) string {
	if lang == EN {
		if e, ok := en[msg]; ok {
			msg = e
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether the English catalogue has msg.
func Has(msg string) bool { _, ok := en[msg]; return ok }

// FromRequest picks the language: the "lang" cookie if set, else Chinese. Accept-Language is not
// consulted: the bureau's users expect Chinese whatever their browser says.
func FromRequest(r *http.Request) Lang {
	if c, err := r.Cookie("lang"); err == nil && strings.HasPrefix(c.Value, "en") {
		return EN
	}
	return ZH
}

// Add merges entries into the English catalogue. Capabilities keep their entries in files of
// their own (en_ledger.go, …) and add them from init, so that they are not all edited in one map.
// A later entry for the same text wins.
func Add(entries map[string]string) {
	for k, v := range entries {
		en[k] = v
	}
}
