package webtest

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/chromedp"
)

const formPage = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>单位登记</title>
<link rel="icon" href="data:,">
<style>
body { font-family: sans-serif; margin: 40px; }
h1 { font-size: 32px; color: #b71c1c; }
#result { font-size: 24px; color: #1b5e20; }
</style>
</head>
<body>
<h1 id="title">消防救援减负平台：单位登记</h1>
<p>请输入单位名称，然后点击"登记"。</p>
<form id="form">
  <label>单位名称 <input id="unit" name="unit" size="30"></label>
  <button id="submit" type="submit">登记</button>
</form>
<p id="result"></p>
<script>
document.getElementById("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const resp = await fetch("/register", {method: "POST", body: new FormData(e.target)});
  const result = document.getElementById("result");
  result.textContent = await resp.text();
  result.className = "done";
});
</script>
</body>
</html>`

func formServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, formPage)
	})
	mux.HandleFunc("POST /register", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "已登记：%s", r.FormValue("unit"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowserForm(t *testing.T) {
	srv := formServer(t)
	ctx := Browser(t)
	FailOnConsoleErrors(t, ctx)

	const unit = "杭州市消防救援支队"
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.SendKeys(chromedp.ID("unit"), unit),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("#result.done")),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("result")))
	if err != nil {
		t.Fatal(err)
	}
	if want := "已登记：" + unit; got != want {
		t.Errorf("result = %q, want %q", got, want)
	}

	// Chinese text must be drawn with a CJK font, not as empty boxes (tofu).
	fonts := renderedFonts(t, ctx, "#title")
	cjk := false
	for _, f := range fonts {
		cjk = cjk || strings.Contains(f, "CJK")
	}
	if !cjk {
		t.Errorf("title drawn with fonts %q, want a CJK font (install fonts-noto-cjk)", fonts)
	}
	t.Logf("title drawn with %s", strings.Join(fonts, ", "))

	path := Screenshot(t, ctx, "form")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != Width || b.Dy() < 200 {
		t.Errorf("screenshot is %dx%d, want %d wide and at least 200 high", b.Dx(), b.Dy(), Width)
	}
	if n := colors(img); n < 16 {
		t.Errorf("screenshot has %d colours, want a rendered page (at least 16)", n)
	}
}

// renderedFonts returns the platform fonts that drew the text of the element, with glyph counts.
func renderedFonts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	ids, err := chromedp.Run(ctx, chromedp.QueryNodeIDs(chromedp.CSS(sel)))
	if err != nil || len(ids) == 0 {
		t.Fatalf("query %s: %v", sel, err)
	}
	res, err := chromedp.Run(ctx, func(ctx context.Context, tgt *chromedp.Target) (css.GetPlatformFontsForNodeResult, error) {
		return cdp.Call(ctx, tgt, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: ids[0]})
	})
	if err != nil {
		t.Fatalf("platform fonts of %s: %v", sel, err)
	}
	var fonts []string
	for _, f := range res.Fonts {
		fonts = append(fonts, fmt.Sprintf("%s (%v glyphs)", f.FamilyName, f.GlyphCount))
	}
	return fonts
}

func colors(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func TestBrowserConsoleErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><p id="p">页面</p>
<script>console.log("只是日志"); console.error("出错了");</script>
<script>throw new Error("未捕获的异常");</script>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ctx := Browser(t)
	rec := &recorder{TB: t}
	FailOnConsoleErrors(rec, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.ID("p"))); err != nil {
		t.Fatal(err)
	}
	rec.runCleanups()

	got := strings.Join(rec.errors, "\n")
	for _, want := range []string{"出错了", "未捕获的异常"} {
		if !strings.Contains(got, want) {
			t.Errorf("reported errors %q, want one with %q", rec.errors, want)
		}
	}
	if strings.Contains(got, "只是日志") || len(rec.errors) != 2 {
		t.Errorf("reported errors %q, want exactly the console.error and the exception", rec.errors)
	}
}

// TestBrowserMissing checks what happens on a machine without Chromium: a skip on a developer's
// machine, a failure in CI.
func TestBrowserMissing(t *testing.T) {
	saved := candidates
	candidates = []string{"/nonexistent/chromium"}
	t.Cleanup(func() { candidates = saved })
	t.Setenv("JIANFU_CHROME", "")

	for _, tc := range []struct {
		ci          string
		skip, fatal bool
	}{
		{ci: "", skip: true},
		{ci: "true", fatal: true},
	} {
		t.Setenv("CI", tc.ci)
		rec := &recorder{TB: t}
		done := make(chan struct{})
		go func() { // Skip and Fatal end the goroutine, as they do for a real test
			defer close(done)
			Browser(rec)
			t.Errorf("CI=%q: Browser returned without a browser", tc.ci)
		}()
		<-done
		if rec.skipped != tc.skip || rec.fatal != tc.fatal {
			t.Errorf("CI=%q: skipped=%v fatal=%v, want %v %v", tc.ci, rec.skipped, rec.fatal, tc.skip, tc.fatal)
		}
	}
}

// recorder is a testing.TB that records failures, skips and cleanups instead of acting on them.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	skipped  bool
	fatal    bool
	cleanups []func()
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Skip(args ...any) {
	r.skipped = true
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.fatal = true
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = true
	runtime.Goexit()
}

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *recorder) runCleanups() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}
