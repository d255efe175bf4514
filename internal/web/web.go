// Package web serves jianfu's browser pages: server-rendered HTML in Simplified Chinese (with an
// English catalogue), embedded templates and assets, nothing fetched from outside at run time.
//
// Handlers are short and linear: read the input, call a domain package with the caller's
// principal (which scopes every query), render. Errors from domain packages carry Chinese
// messages and a field, which forms show beside the input.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/i18n"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

//go:embed templates static
var assets embed.FS

// Server holds what the pages need.
type Server struct {
	DB           *store.DB
	Org          *org.Store
	Catalog      *catalog.Store
	Intake       *intake.Service
	Auth         *auth.Service
	SecureCookie bool // set the Secure flag on cookies (behind HTTPS)
	Version      string
	Log          *slog.Logger

	tmpl map[i18n.Lang]map[string]*template.Template
}

// New parses the templates once per language.
func New(s Server) (*Server, error) {
	srv := &s
	if srv.Catalog == nil {
		srv.Catalog = &catalog.Store{DB: srv.DB}
	}
	if srv.Intake == nil {
		srv.Intake = intake.New(srv.DB)
	}
	if srv.Log == nil {
		srv.Log = slog.Default()
	}
	srv.tmpl = map[i18n.Lang]map[string]*template.Template{}
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		set, err := parseTemplates(lang)
		if err != nil {
			return nil, err
		}
		srv.tmpl[lang] = set
	}
	return srv, nil
}

// Static serves the embedded CSS, JS and images.
func Static() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
