package web

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// Register adds every page route to mux. Routes that need a login go through s.page, which
// redirects anonymous callers to /login, checks CSRF on posts and, where perm is set, refuses
// callers without it.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", Static())
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /lang/{lang}", s.setLang)

	mux.Handle("GET /{$}", s.page("", s.home))
	mux.Handle("GET /account/password", s.page("", s.passwordForm))
	mux.Handle("POST /account/password", s.page("", s.changePassword))
	mux.Handle("GET /account/tokens", s.page("", s.tokens))
	mux.Handle("POST /account/tokens", s.page("", s.createToken))
	mux.Handle("POST /account/tokens/{id}/revoke", s.page("", s.revokeToken))

	mux.Handle("GET /units", s.page(org.PermUnitsRead, s.units))
	mux.Handle("GET /units/new", s.page(org.PermUnitsWrite, s.unitNew))
	mux.Handle("POST /units/new", s.page(org.PermUnitsWrite, s.unitCreate))
	mux.Handle("GET /units/{id}", s.page(org.PermUnitsRead, s.unitEdit))
	mux.Handle("POST /units/{id}", s.page(org.PermUnitsWrite, s.unitUpdate))
	mux.Handle("POST /units/{id}/delete", s.page(org.PermUnitsWrite, s.unitDelete))

	mux.Handle("GET /people", s.page(org.PermPeopleRead, s.people))
	mux.Handle("GET /people/new", s.page(org.PermPeopleWrite, s.personNew))
	mux.Handle("POST /people/new", s.page(org.PermPeopleWrite, s.personCreate))
	mux.Handle("GET /people/{id}", s.page(org.PermPeopleRead, s.personEdit))
	mux.Handle("POST /people/{id}", s.page(org.PermPeopleWrite, s.personUpdate))
	mux.Handle("POST /people/{id}/delete", s.page(org.PermPeopleWrite, s.personDelete))

	mux.Handle("GET /org/import", s.page(org.PermPeopleWrite, s.importForm))
	mux.Handle("POST /org/import", s.page(org.PermPeopleWrite, s.importUpload))
	mux.Handle("GET /org/export", s.page(org.PermUnitsRead, s.export))

	mux.Handle("GET /users", s.page(org.PermUsersRead, s.users))
	mux.Handle("GET /users/new", s.page(org.PermUsersWrite, s.userNew))
	mux.Handle("POST /users/new", s.page(org.PermUsersWrite, s.userCreate))
	mux.Handle("GET /users/{id}", s.page(org.PermUsersRead, s.userEdit))
	mux.Handle("POST /users/{id}", s.page(org.PermUsersWrite, s.userUpdate))
	mux.Handle("POST /users/{id}/password", s.page(org.PermUsersWrite, s.userResetPassword))

	mux.Handle("GET /assets", s.page(org.PermCatalogRead, s.assets))
	mux.Handle("GET /assets/import", s.page(org.PermCatalogWrite, s.assetImportForm))
	mux.Handle("POST /assets/import", s.page(org.PermCatalogWrite, s.assetImportUpload))
	mux.Handle("GET /assets/export", s.page(org.PermCatalogRead, s.assetExport))
	mux.Handle("GET /assets/new", s.page(org.PermCatalogWrite, s.assetNew))
	mux.Handle("POST /assets/new", s.page(org.PermCatalogWrite, s.assetCreate))
	mux.Handle("GET /assets/{id}", s.page(org.PermCatalogRead, s.asset))
	mux.Handle("GET /assets/{id}/edit", s.page(org.PermCatalogWrite, s.assetEdit))
	mux.Handle("POST /assets/{id}/edit", s.page(org.PermCatalogWrite, s.assetUpdate))
	mux.Handle("POST /assets/{id}/transition", s.page(org.PermCatalogWrite, s.assetTransition))
	mux.Handle("POST /assets/{id}/merge", s.page(org.PermCatalogReview, s.assetMerge))
	mux.Handle("POST /assets/{id}/members", s.page(org.PermCatalogWrite, s.assetMembers))
	mux.Handle("GET /intake", s.page(org.PermCatalogRead, s.intakeList))
	mux.Handle("GET /intake/new", s.page(org.PermCatalogWrite, s.intakeNew))
	mux.Handle("POST /intake/new", s.page(org.PermCatalogWrite, s.intakeSubmit))
	mux.Handle("GET /intake/{id}", s.page(org.PermCatalogRead, s.intakeShow))
	mux.Handle("POST /intake/{id}/decide", s.page(org.PermCatalogWrite, s.intakeDecide))
	mux.Handle("POST /intake/{id}/withdraw", s.page(org.PermCatalogWrite, s.intakeWithdraw))
	mux.Handle("GET /intake/{id}/edit", s.page(org.PermCatalogWrite, s.intakeEdit))
	mux.Handle("POST /intake/{id}/edit", s.page(org.PermCatalogWrite, s.intakeResubmit))
	mux.Handle("GET /findings", s.page(org.PermCatalogRead, s.findings))
	mux.Handle("POST /findings/run", s.page(org.PermCatalogReview, s.findingsRun))
	mux.Handle("GET /findings/export", s.page(org.PermCatalogRead, s.findingsExport))
	mux.Handle("GET /findings/{id}", s.page(org.PermCatalogRead, s.finding))
	mux.Handle("POST /findings/{id}/{action}", s.page(org.PermCatalogReview, s.findingDecide))
	mux.Handle("GET /burden", s.page(org.PermActivityRead, s.burden))
	mux.Handle("GET /burden/export", s.page(org.PermActivityRead, s.burdenExport))
	mux.Handle("GET /burden/me", s.page("", s.burdenMe))
	mux.Handle("GET /activity/import", s.page(org.PermActivityIngest, s.activityImportForm))
	mux.Handle("POST /activity/import", s.page(org.PermActivityIngest, s.activityImport))
	mux.Handle("GET /attest", s.page("", s.attestList))
	mux.Handle("POST /attest", s.page("", s.attest))

	mux.Handle("GET /settings", s.page(org.PermUsersWrite, s.settingsForm))
	mux.Handle("POST /settings", s.page(org.PermUsersWrite, s.settingsSave))

	mux.Handle("GET /audit", s.page(org.PermAuditRead, s.auditLog))
	mux.Handle("GET /audit/verify", s.page(org.PermAuditRead, s.auditVerify))

	// Supervision (issue 6): each capability registers its own routes from its own file.
	s.ledgerRoutes(mux)
	s.inspectionRoutes(mux)
	s.campaignRoutes(mux)
	s.notificationRoutes(mux)
}
