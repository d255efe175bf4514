package web

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/i18n"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// TestEnglishCatalogueComplete keeps the English catalogue in step with the templates and the
// labels that pages translate.
func TestEnglishCatalogueComplete(t *testing.T) {
	re := regexp.MustCompile(`\{\{t "([^"]+)"`)
	var missing []string
	fs.WalkDir(assets, "templates", func(path string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		b, _ := fs.ReadFile(assets, path)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !i18n.Has(m[1]) {
				missing = append(missing, path+": "+m[1])
			}
		}
		return nil
	})
	for _, n := range nav(org.System) {
		if !i18n.Has(n.Label) {
			missing = append(missing, "nav: "+n.Label)
		}
	}
	for _, k := range org.UnitKinds {
		if !i18n.Has(k.Label()) {
			missing = append(missing, "kind: "+k.Label())
		}
	}
	for _, r := range org.Roles {
		if !i18n.Has(r.Label()) {
			missing = append(missing, "role: "+r.Label())
		}
	}
	for _, key := range []string{"created", "updated", "deleted", "password", "reset", "imported", "revoked"} {
		if !i18n.Has(flashText(key)) {
			missing = append(missing, "flash: "+flashText(key))
		}
	}
	for _, m := range missing {
		t.Error("no English for " + m)
	}
}
