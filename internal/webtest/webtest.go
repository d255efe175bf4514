// Package webtest runs browser tests against jianfu's pages with a headless Chromium driven by
// chromedp (v0.23, the generic Action[T] API; examples on the web mostly show the older one).
//
// The browser is found through JIANFU_CHROME or a few common paths; scripts/test.sh installs the
// Debian chromium-headless-shell and fonts-noto-cjk and sets JIANFU_CHROME. Without a browser the
// tests are skipped, except with CI=true, where that is a failure, as in storetest for PostgreSQL.
//
// A test looks like this:
//
//	ctx := webtest.Browser(t)
//	webtest.FailOnConsoleErrors(t, ctx)
//	err := chromedp.Do(ctx,
//		chromedp.Navigate(srv.URL),
//		chromedp.SendKeys(chromedp.ID("name"), "杭州市消防救援支队"),
//		chromedp.Click(chromedp.ID("save")),
//		chromedp.WaitVisible(chromedp.CSS(".saved")),
//	)
//	if err != nil {
//		t.Fatal(err)
//	}
//	webtest.Screenshot(t, ctx, "saved")
package webtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Width and Height are the size of the browser window, and so of the page's viewport.
const (
	Width  = 1280
	Height = 900
)

// Timeout bounds the whole life of each browser that Browser starts, so that a page that never
// shows the awaited element fails the test instead of hanging it until go test's own timeout.
// A package whose tests need longer may raise it in TestMain, before any test runs.
var Timeout = 60 * time.Second

// candidates are tried in order when JIANFU_CHROME is not set. The real Debian binary comes
// before /usr/bin/chromium-headless-shell, which is a sh wrapper that does not exec: killing the
// wrapper at the end of a test would leave the browser itself running.
var candidates = []string{
	"/usr/lib/chromium/chromium-headless-shell",
	"chromium-headless-shell",
	"headless_shell",
	"headless-shell",
	"/usr/lib/chromium/chromium",
	"chromium",
	"chromium-browser",
	"google-chrome-stable",
	"google-chrome",
}

// chromePath returns the browser to run, or "" when there is none.
func chromePath() (string, error) {
	if p := os.Getenv("JIANFU_CHROME"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("JIANFU_CHROME=%s: %w", p, err)
		}
		return found, nil
	}
	for _, c := range candidates {
		if found, err := exec.LookPath(c); err == nil {
			return found, nil
		}
	}
	return "", nil
}

// Browser starts a headless Chromium for the test and returns a chromedp context for its first
// tab. The browser gets its own profile under t.TempDir and is killed when the test ends; the
// context ends after Timeout at the latest. Without a browser the test is skipped, or fails
// under CI=true.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path, err := chromePath()
	if err != nil {
		t.Fatalf("webtest: %v", err)
	}
	if path == "" {
		const msg = "webtest: no headless Chromium found; set JIANFU_CHROME or run scripts/test.sh, which installs chromium-headless-shell"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (required under CI=true)")
		}
		t.Skip(msg)
	}

	profile := filepath.Join(t.TempDir(), "chrome-profile")
	output := &tail{max: 8 << 10}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root, where Chromium refuses to start with its sandbox
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Chinese first: the page's language decides most things, but the browser's own
		// language picks the Simplified Chinese face of Noto CJK for text without a lang tag.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(Width, Height),
		chromedp.CombinedOutput(output),
	)

	// The timeout is the parent of the allocator: chromedp ties the browser's life to the
	// context of the first Run, so an action that waits forever ends with the browser.
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()   // kills the browser
		cancelAlloc() // waits until it has exited
		cancelTimeout()
		// chromedp kills leftover child processes only for profiles it made itself; ours is
		// in t.TempDir, whose removal fails if a renderer still writes there.
		killLeftovers(profile)
		if t.Failed() {
			t.Logf("webtest: last browser output:\n%s", output)
		}
	})

	// Start the browser now, so that a broken installation fails here with its output
	// rather than in the first action of the test.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("webtest: start %s: %v\n%s", path, err, output)
	}
	return ctx
}

// Screenshot saves a PNG of the whole page, also the part below the window, and returns its
// path. The file goes to t.TempDir, which is removed after the test; with JIANFU_SCREENSHOT_DIR
// set it goes there instead, named after the test, and stays.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Fatalf("webtest: screenshot %q: %v", name, err)
	}
	file := safeName(name) + ".png"
	dir := os.Getenv("JIANFU_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else {
		file = safeName(t.Name()) + "-" + file
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("webtest: screenshot %q: %v", name, err)
		}
	}
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("webtest: screenshot %q: %v", name, err)
	}
	t.Logf("webtest: screenshot %s", path)
	return path
}

// safeName keeps letters (Chinese too), digits, '-', '_' and '.', so that a test name such as
// "TestX/sub case" cannot make a path.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '_' || r == '.':
			return r
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r > 0x7f:
			return r
		}
		return '_'
	}, s)
	if strings.Trim(s, ".") == "" {
		s = "_" + s
	}
	return s
}

// killLeftovers kills the processes whose command line names the given profile, as chromedp does
// for its own temporary profiles. It only works where /proc exists, which is where tests run.
func killLeftovers(profile string) {
	want := []byte("--user-data-dir=" + profile)
	for range 3 { // a dying zygote can fork once more
		entries, err := os.ReadDir("/proc")
		if err != nil {
			return
		}
		found := false
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
			if err != nil {
				continue
			}
			for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
				if bytes.Equal(arg, want) {
					if p, err := os.FindProcess(pid); err == nil {
						p.Kill()
					}
					found = true
					break
				}
			}
		}
		if !found {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tail keeps the last max bytes written to it; the browser writes from its own goroutine.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
