package api

import "net/http"

// MaxUpload is the largest file an import accepts (20 MiB: a province's people fit many times).
const MaxUpload = 20 << 20

// route is one endpoint. The same slice registers the handlers and, in the tests, is checked
// against the OpenAPI document in both directions, so neither can drift from the other.
type route struct {
	Method string
	Path   string // a ServeMux pattern path, including the /api/v1 prefix
	Status int    // the status of a successful call, as documented
	handle func(a *API, w http.ResponseWriter, r *http.Request) error

	public   bool // needs no caller
	pwChange bool // reachable while the session's user must still change a temporary password
	upload   bool // takes a file body up to MaxUpload rather than a JSON body
	batch    bool // takes an activity data file up to MaxBatch, streamed
}

// routes lists every endpoint of the API.
var routes = []route{
	{Method: "GET", Path: "/api/v1/openapi.json", Status: 200, handle: (*API).openAPI, public: true},

	{Method: "GET", Path: "/api/v1/me", Status: 200, handle: (*API).me, pwChange: true},
	{Method: "POST", Path: "/api/v1/me/password", Status: 204, handle: (*API).changeOwnPassword, pwChange: true},

	{Method: "GET", Path: "/api/v1/units", Status: 200, handle: (*API).listUnits},
	{Method: "POST", Path: "/api/v1/units", Status: 201, handle: (*API).createUnit},
	{Method: "GET", Path: "/api/v1/units/{id}", Status: 200, handle: (*API).getUnit},
	{Method: "PUT", Path: "/api/v1/units/{id}", Status: 200, handle: (*API).updateUnit},
	{Method: "DELETE", Path: "/api/v1/units/{id}", Status: 204, handle: (*API).deleteUnit},

	{Method: "GET", Path: "/api/v1/people", Status: 200, handle: (*API).listPeople},
	{Method: "POST", Path: "/api/v1/people", Status: 201, handle: (*API).createPerson},
	{Method: "GET", Path: "/api/v1/people/{id}", Status: 200, handle: (*API).getPerson},
	{Method: "PUT", Path: "/api/v1/people/{id}", Status: 200, handle: (*API).updatePerson},
	{Method: "DELETE", Path: "/api/v1/people/{id}", Status: 204, handle: (*API).deletePerson},

	{Method: "GET", Path: "/api/v1/users", Status: 200, handle: (*API).listUsers},
	{Method: "POST", Path: "/api/v1/users", Status: 201, handle: (*API).createUser},
	{Method: "GET", Path: "/api/v1/users/{id}", Status: 200, handle: (*API).getUser},
	{Method: "PUT", Path: "/api/v1/users/{id}", Status: 200, handle: (*API).updateUser},
	{Method: "POST", Path: "/api/v1/users/{id}/password", Status: 204, handle: (*API).resetPassword},

	{Method: "GET", Path: "/api/v1/assets", Status: 200, handle: (*API).listAssets},
	{Method: "POST", Path: "/api/v1/assets", Status: 201, handle: (*API).createAsset},
	{Method: "GET", Path: "/api/v1/assets/{id}", Status: 200, handle: (*API).getAsset},
	{Method: "PUT", Path: "/api/v1/assets/{id}", Status: 200, handle: (*API).updateAsset},
	{Method: "POST", Path: "/api/v1/assets/{id}/transition", Status: 200, handle: (*API).transitionAsset},
	{Method: "POST", Path: "/api/v1/assets/{id}/merge", Status: 200, handle: (*API).mergeAsset},
	{Method: "GET", Path: "/api/v1/assets/{id}/members", Status: 200, handle: (*API).listMembers},
	{Method: "PUT", Path: "/api/v1/assets/{id}/members", Status: 200, handle: (*API).setMembers},
	{Method: "GET", Path: "/api/v1/assets/{id}/history", Status: 200, handle: (*API).assetHistory},
	{Method: "GET", Path: "/api/v1/attest", Status: 200, handle: (*API).pendingAttest},
	{Method: "POST", Path: "/api/v1/attest", Status: 200, handle: (*API).attest},

	{Method: "GET", Path: "/api/v1/intake", Status: 200, handle: (*API).listIntake},
	{Method: "POST", Path: "/api/v1/intake", Status: 201, handle: (*API).submitIntake},
	{Method: "GET", Path: "/api/v1/intake/counts", Status: 200, handle: (*API).intakeCounts},
	{Method: "POST", Path: "/api/v1/intake/similar", Status: 200, handle: (*API).similarIntake},
	{Method: "GET", Path: "/api/v1/intake/{id}", Status: 200, handle: (*API).getIntake},
	{Method: "POST", Path: "/api/v1/intake/{id}/decide", Status: 200, handle: (*API).decideIntake},
	{Method: "POST", Path: "/api/v1/intake/{id}/withdraw", Status: 200, handle: (*API).withdrawIntake},
	{Method: "POST", Path: "/api/v1/intake/{id}/resubmit", Status: 200, handle: (*API).resubmitIntake},

	{Method: "GET", Path: "/api/v1/rules", Status: 200, handle: (*API).listRules},
	{Method: "GET", Path: "/api/v1/findings", Status: 200, handle: (*API).listFindings},
	{Method: "POST", Path: "/api/v1/findings/run", Status: 201, handle: (*API).runFindings},
	{Method: "GET", Path: "/api/v1/findings/runs/latest", Status: 200, handle: (*API).latestRun},
	{Method: "GET", Path: "/api/v1/findings/{id}", Status: 200, handle: (*API).getFinding},
	{Method: "POST", Path: "/api/v1/findings/{id}/confirm", Status: 200, handle: (*API).confirmFinding},
	{Method: "POST", Path: "/api/v1/findings/{id}/dismiss", Status: 200, handle: (*API).dismissFinding},

	{Method: "GET", Path: "/api/v1/tokens", Status: 200, handle: (*API).listTokens},
	{Method: "POST", Path: "/api/v1/tokens", Status: 201, handle: (*API).createToken},
	{Method: "DELETE", Path: "/api/v1/tokens/{id}", Status: 204, handle: (*API).revokeToken},

	{Method: "GET", Path: "/api/v1/audit", Status: 200, handle: (*API).listAudit},
	{Method: "GET", Path: "/api/v1/audit/verify", Status: 200, handle: (*API).verifyAudit},

	{Method: "POST", Path: "/api/v1/import/{kind}", Status: 200, handle: (*API).importOrg, upload: true},
	{Method: "GET", Path: "/api/v1/export/{kind}", Status: 200, handle: (*API).exportOrg},

	{Method: "POST", Path: "/api/v1/activity/batches", Status: 200, handle: (*API).ingestBatch, batch: true},
	{Method: "GET", Path: "/api/v1/burden/units", Status: 200, handle: (*API).burdenUnits},
	{Method: "GET", Path: "/api/v1/burden/trend", Status: 200, handle: (*API).burdenTrend},
	{Method: "GET", Path: "/api/v1/burden/groups", Status: 200, handle: (*API).burdenGroups},
	{Method: "GET", Path: "/api/v1/burden/apps", Status: 200, handle: (*API).burdenApps},
	{Method: "GET", Path: "/api/v1/burden/heatmap", Status: 200, handle: (*API).burdenHeatmap},
	{Method: "GET", Path: "/api/v1/burden/me", Status: 200, handle: (*API).burdenMe},

	{Method: "GET", Path: "/api/v1/ledger", Status: 200, handle: (*API).listLedger},
	{Method: "POST", Path: "/api/v1/ledger", Status: 201, handle: (*API).createLedger},
	{Method: "GET", Path: "/api/v1/ledger/board", Status: 200, handle: (*API).ledgerBoard},
	{Method: "GET", Path: "/api/v1/ledger/export", Status: 200, handle: (*API).exportLedger},
	{Method: "GET", Path: "/api/v1/ledger/{id}", Status: 200, handle: (*API).getLedger},
	{Method: "PUT", Path: "/api/v1/ledger/{id}", Status: 200, handle: (*API).updateLedger},
	{Method: "POST", Path: "/api/v1/ledger/{id}/{action}", Status: 200, handle: (*API).ledgerAction},
	{Method: "POST", Path: "/api/v1/ledger/{id}/comments", Status: 201, handle: (*API).addLedgerComment},
	{Method: "POST", Path: "/api/v1/ledger/{id}/attachments", Status: 201, handle: (*API).addLedgerAttachment, upload: true},
	{Method: "GET", Path: "/api/v1/ledger/{id}/attachments/{aid}", Status: 200, handle: (*API).getLedgerAttachment},
	{Method: "POST", Path: "/api/v1/ledger/{id}/accountability", Status: 201, handle: (*API).addLedgerAccountability},
	{Method: "POST", Path: "/api/v1/findings/{id}/ledger", Status: 201, handle: (*API).convertFinding},

	{Method: "GET", Path: "/api/v1/inspections", Status: 200, handle: (*API).listInspections},
	{Method: "POST", Path: "/api/v1/inspections", Status: 201, handle: (*API).createInspection},
	{Method: "GET", Path: "/api/v1/inspections/{id}", Status: 200, handle: (*API).getInspection},
	{Method: "POST", Path: "/api/v1/inspections/{id}/draw", Status: 201, handle: (*API).drawInspection},
	{Method: "POST", Path: "/api/v1/inspections/{id}/start", Status: 200, handle: (*API).startInspection},
	{Method: "POST", Path: "/api/v1/inspections/{id}/finish", Status: 200, handle: (*API).finishInspection},
	{Method: "POST", Path: "/api/v1/inspections/{id}/results", Status: 200, handle: (*API).recordInspectionResult},
	{Method: "GET", Path: "/api/v1/inspections/{id}/failed", Status: 200, handle: (*API).failedInspectionItems},
	{Method: "POST", Path: "/api/v1/inspections/{id}/failed/{rid}/ledger", Status: 201, handle: (*API).fileInspectionFailure},
	{Method: "GET", Path: "/api/v1/inspection-conflicts", Status: 200, handle: (*API).listInspectionConflicts},
	{Method: "POST", Path: "/api/v1/inspection-conflicts", Status: 201, handle: (*API).declareInspectionConflict},
	{Method: "GET", Path: "/api/v1/draws/{id}", Status: 200, handle: (*API).getDraw},

	{Method: "GET", Path: "/api/v1/campaigns", Status: 200, handle: (*API).listCampaigns},
	{Method: "POST", Path: "/api/v1/campaigns", Status: 201, handle: (*API).createCampaign},
	{Method: "GET", Path: "/api/v1/campaigns/{id}", Status: 200, handle: (*API).getCampaign},
	{Method: "GET", Path: "/api/v1/campaigns/{id}/board", Status: 200, handle: (*API).campaignBoard},
	{Method: "POST", Path: "/api/v1/campaigns/{id}/tasks", Status: 201, handle: (*API).createCampaignTask},
	// Documents travel Base64-encoded in the JSON body, so it takes the upload limit.
	{Method: "POST", Path: "/api/v1/campaigns/{id}/tasks/{tid}/submissions", Status: 201, handle: (*API).submitCampaignTask, upload: true},
	{Method: "POST", Path: "/api/v1/campaigns/{id}/problems/{pid}/ledger", Status: 201, handle: (*API).fileCampaignProblem},
	{Method: "GET", Path: "/api/v1/campaigns/{id}/notes", Status: 200, handle: (*API).listCampaignNotes},
	{Method: "POST", Path: "/api/v1/campaigns/{id}/notes", Status: 201, handle: (*API).addCampaignNote},
	{Method: "PUT", Path: "/api/v1/campaigns/{id}/notes/{nid}", Status: 200, handle: (*API).updateCampaignNote},
	{Method: "GET", Path: "/api/v1/campaigns/{id}/lists/{kind}", Status: 200, handle: (*API).getCampaignList},
	{Method: "PUT", Path: "/api/v1/campaigns/{id}/lists/{kind}", Status: 200, handle: (*API).saveCampaignList},

	{Method: "GET", Path: "/api/v1/notifications", Status: 200, handle: (*API).listNotifications},
	{Method: "GET", Path: "/api/v1/notifications/unread", Status: 200, handle: (*API).unreadNotifications},
	{Method: "POST", Path: "/api/v1/notifications/read", Status: 200, handle: (*API).markNotificationsRead},
}
