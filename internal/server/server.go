// Package server assembles jianfu's HTTP service: the pages, the JSON API, health checks and the
// middleware every request passes through (panic recovery, request limits, security headers,
// cross-origin protection, caller identification, access log), and runs it with a graceful
// shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/api"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/web"
)

// Options configure the service.
type Options struct {
	SecureCookie bool // behind HTTPS
	Version      string
	Log          *slog.Logger
}

// MaxBody bounds every request body: uploads up to the import limit, everything else 1 MiB.
const MaxBody = 1 << 20

// Handler builds the complete HTTP handler.
func Handler(db *store.DB, authSvc *auth.Service, opt Options) (http.Handler, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	// One of each service for pages and API alike: the intake service caches its duplicate-search
	// index, which should be built once per process.
	orgStore := &org.Store{DB: db}
	cat := &catalog.Store{DB: db}
	in := intake.New(db)
	pages, err := web.New(web.Server{DB: db, Org: orgStore, Catalog: cat, Intake: in, Auth: authSvc, SecureCookie: opt.SecureCookie,
		Version: opt.Version, Log: opt.Log})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	pages.Register(mux)
	a := &api.API{DB: db, Org: orgStore, Catalog: cat, Intake: in, Auth: authSvc}
	mux.Handle("/api/v1/", a.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			opt.Log.Error("readyz: database unreachable", "err", err)
			http.Error(w, "database unreachable\n", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	var h http.Handler = mux
	h = httpx.Identify(authSvc, h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "跨站请求被拒绝(请求来源与本站不一致)", http.StatusForbidden)
	}))
	h = cop.Handler(h)
	h = limitBody(h)
	h = securityHeaders(h)
	h = accessLog(opt.Log, h)
	h = httpx.Recover(h)
	return h, nil
}

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBody)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") ||
			strings.HasPrefix(r.URL.Path, "/api/v1/import/") {
			limit = web.MaxUpload + 1<<20
		}
		if strings.HasPrefix(r.URL.Path, "/api/v1/activity/") {
			limit = api.MaxBatch
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// accessLog logs each request's method, path (without the query, which may carry search terms
// of personal names), status, size and duration. Bodies and cookies are never logged.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"ms", time.Since(start).Milliseconds())
	})
}

// Serve listens on addr and serves h until ctx is cancelled, then drains open requests for up
// to 15 seconds. ready, if not nil, receives the bound address once listening.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
