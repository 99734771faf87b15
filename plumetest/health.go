package plumetest

import "github.com/plumecloud/plume-go/internal/fakecloud"

// Health, optimizer and audit types: the fake cloud's own views (plume-support-api.md §7,
// §11.3, §12.9).
type (
	// AlertView is one alert of a node (Node.Alerts): its Type, its State (active, snooze,
	// ignore or performanceAcceptable) and when it was raised or last set.
	AlertView = fakecloud.AlertView
	// OptimizationsView is a location's optimizer settings (Location.Optimizations) and its
	// last run (POST …/optimize).
	OptimizationsView = fakecloud.OptimizationsView
	// AuditEntry is one successful write under /Customers/{id}: when, the method, the path
	// below /api, the status, and the location of a …/locations/{id}/… path.
	AuditEntry = fakecloud.AuditEntry
)

// RaiseNodeAlert raises an alert on a claimed node: GET …/alerts then lists it as active,
// at the Server's clock, and PUT …/nodes/{id}/alerts/poorHealth can snooze it. Any type can
// be raised ("poorHealth", "highInterference", …); the snooze route accepts poorHealth only.
// Raising it again makes it active again; unclaiming the node clears its alerts. An unknown
// or unclaimed node is reported to the test as a mistake.
func (s *Server) RaiseNodeAlert(serial, alertType string) {
	s.report(s.cloud.RaiseNodeAlert(serial, alertType))
}

// AuditTrail returns a customer's audit trail, newest first: every successful request
// other than GET and HEAD under /Customers/{id} (at most the last 1000). An unknown customer
// is reported to the test as a mistake.
func (s *Server) AuditTrail(customerID string) []AuditEntry {
	trail, err := s.cloud.AuditTrail(customerID)
	s.report(err)
	return trail
}
