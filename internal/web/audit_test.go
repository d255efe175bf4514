package web_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

var seqRE = regexp.MustCompile(`<tr><td>(\d+)</td>`)

// seqs lists the entry numbers an audit page shows.
func seqs(body string) []string {
	var out []string
	for _, m := range seqRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

var nextRE = regexp.MustCompile(`<a href="([^"]+)">下一页</a>`)

func (fx *fixture) testAudit(t *testing.T) {
	c := fx.as(t, "office")

	t.Run("the verify page says the chain is whole", func(t *testing.T) {
		r := c.get(t, "/audit/verify")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "哈希链完整") {
			t.Errorf("status %d without 哈希链完整: %s", r.Status, text(r.Body))
		}
	})

	t.Run("date filters take the day in China", func(t *testing.T) {
		today := time.Now().In(tz.Shanghai).Format("2006-01-02")
		all := fx.count(t, `SELECT count(*) FROM audit_log`)
		if n := total(t, c.get(t, "/audit?from="+today+"&to="+today).Body); n != all {
			t.Errorf("from=to=%s (every entry was written today): 共 %d 条, want %d", today, n, all)
		}
		for _, q := range []string{"from=2099-01-01", "to=2000-01-01"} {
			if n := total(t, c.get(t, "/audit?"+q).Body); n != 0 {
				t.Errorf("%s: 共 %d 条, want 0", q, n)
			}
		}
	})

	t.Run("filters by object list that object's entries", func(t *testing.T) {
		id := strconv.FormatInt(fx.brigadeC.ID, 10)
		want := fx.count(t, `SELECT count(*) FROM audit_log WHERE object_type = 'unit' AND object_id = $1`, id)
		if n := total(t, c.get(t, "/audit?object_type=unit&object_id="+id).Body); n != want {
			t.Errorf("共 %d 条, want %d", n, want)
		}
	})

	t.Run("the verify page's next link shows the next entries", func(t *testing.T) {
		// Enough entries for a second page.
		ctx := context.Background()
		for i := range 60 {
			err := fx.db.Tx(ctx, func(tx *sql.Tx) error {
				return audit.Record(ctx, tx, audit.System, "test", "unit", strconv.Itoa(i), nil, map[string]int{"n": i})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		first := c.get(t, "/audit/verify")
		m := nextRE.FindStringSubmatch(first.Body)
		if m == nil {
			t.Fatalf("no 下一页 link on the verify page: %s", text(first.Body))
		}
		next := c.get(t, html.UnescapeString(m[1]))
		if next.Status != http.StatusOK {
			t.Fatalf("GET %s = %d", m[1], next.Status)
		}
		if a, b := seqs(first.Body), seqs(next.Body); len(b) == 0 || slices.Equal(a, b) {
			t.Fatal("下一页 on the verify page shows the first page again")
		}
	})

	t.Run("text from the URL is escaped, never echoed as markup", func(t *testing.T) {
		payload := `"><script>alert(1)</script>`
		for _, path := range []string{"/audit?actor=" + url.QueryEscape(payload), "/people?q=" + url.QueryEscape(payload),
			"/units?q=" + url.QueryEscape(payload), "/?ok=" + url.QueryEscape(payload)} {
			r := c.get(t, path)
			if strings.Contains(r.Body, "<script>alert(1)") {
				t.Errorf("GET %s echoes the script", path)
			}
		}
	})

	t.Run("pages carry the security headers", func(t *testing.T) {
		r := c.get(t, "/")
		for h, want := range map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY",
			"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
			if !strings.Contains(r.Header.Get(h), want) {
				t.Errorf("%s = %q, want %q", h, r.Header.Get(h), want)
			}
		}
	})
}

func (fx *fixture) testTokens(t *testing.T) {
	admin, office := fx.as(t, "admin"), fx.as(t, "office")
	r := admin.post(t, "/account/tokens", admin.form("name", "测试令牌", "ttl_days", "30"))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="token-secret"`) {
		t.Fatalf("creating a token = %d without its secret: %s", r.Status, text(r.Body))
	}
	var id int64
	if err := fx.db.QueryRow(`SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'admin' AND t.name = '测试令牌'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := "/account/tokens/" + strconv.FormatInt(id, 10) + "/revoke"
	revoked := `SELECT count(*) FROM api_tokens WHERE id = $1 AND revoked`

	t.Run("another user cannot revoke the token", func(t *testing.T) {
		if r := office.post(t, path, office.form()); r.Status != http.StatusNotFound {
			t.Errorf("status %d, want 404", r.Status)
		}
		if fx.count(t, revoked, id) != 0 {
			t.Error("office revoked admin's token")
		}
	})

	t.Run("another user's token list does not show it", func(t *testing.T) {
		if r := office.get(t, "/account/tokens"); strings.Contains(r.Body, "测试令牌") {
			t.Error("office's token page lists admin's token")
		}
	})

	t.Run("the owner revokes it", func(t *testing.T) {
		r := admin.post(t, path, admin.form())
		if r.Status != http.StatusSeeOther || r.Location() != "/account/tokens?ok=revoked" {
			t.Errorf("status %d to %q", r.Status, r.Location())
		}
		if fx.count(t, revoked, id) != 1 {
			t.Error("token not revoked")
		}
	})
}
