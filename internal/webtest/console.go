package webtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// FailOnConsoleErrors fails the test, when it ends, once for each error that the page reports
// from now on: console.error calls, uncaught exceptions and unhandled promise rejections, and
// errors of the browser log such as a script or stylesheet that failed to load. Such a page
// often still looks right in a screenshot, so browser tests should call this after Browser.
func FailOnConsoleErrors(t testing.TB, ctx context.Context) {
	t.Helper()
	watchCtx, stop := context.WithCancel(ctx)
	messages := chromedp.Console(watchCtx) // subscribes now, so nothing after this call is lost

	// The cleanup writes this marker to the console and waits until the reader has seen it:
	// messages arrive in order, so by then every earlier message has been read.
	marker := "webtest:flush:" + rand.Text()
	var (
		mu      sync.Mutex
		errs    []string
		flushed = make(chan struct{})
		done    = make(chan struct{})
	)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return // the context ended
			}
			if m.Text == marker {
				close(flushed)
				continue
			}
			if msg, ok := consoleError(m); ok {
				mu.Lock()
				errs = append(errs, msg)
				mu.Unlock()
			}
		}
	}()

	t.Cleanup(func() {
		if ctx.Err() == nil {
			err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("console.debug(%q)", marker)))
			if err == nil {
				select {
				case <-flushed:
				case <-time.After(5 * time.Second):
				case <-ctx.Done():
				}
			}
		}
		stop()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, e := range errs {
			t.Errorf("webtest: browser console: %s", e)
		}
	})
}

// consoleError describes m if it is an error.
func consoleError(m chromedp.ConsoleMessage) (string, bool) {
	if m.Type != chromedp.ConsoleError && !m.IsException() {
		return "", false
	}
	// Chromium may ask any server for a favicon on its own; a missing one is not the page's error.
	if strings.HasSuffix(m.URL, "/favicon.ico") {
		return "", false
	}
	s := m.String()
	if m.URL != "" {
		s += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
	}
	return s, true
}
