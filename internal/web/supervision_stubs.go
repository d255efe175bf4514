package web

import "net/http"

// These are replaced by the capabilities' own files (ledger.go, inspections.go, campaigns.go,
// notifications.go) as they are written; each registers its routes under its own prefix.

func (s *Server) ledgerRoutes(mux *http.ServeMux)       {}
func (s *Server) inspectionRoutes(mux *http.ServeMux)   {}
func (s *Server) campaignRoutes(mux *http.ServeMux)     {}
func (s *Server) notificationRoutes(mux *http.ServeMux) {}
