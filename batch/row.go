package batch

import (
	"fmt"

	"github.com/plumecloud/plume-go"
)

// Operation is the flow a row runs.
type Operation string

// Operations.
const (
	OpOnboard       Operation = "onboard"        // Client.Onboard
	OpUnclaimForRMA Operation = "rma"            // Client.UnclaimForRMA
	OpCancelService Operation = "cancel_service" // Client.CancelService, the location found by service id or ids
	OpSuspend       Operation = "suspend"        // Client.Suspend
	OpResume        Operation = "resume"         // Client.Resume
)

// Row is one unit of work. Key identifies it in the journal: a rerun skips a row whose
// operation and key the journal has as done, so the key must name what the row acts on (the
// account id of an onboarding, the serial of an RMA, the service id of a cancellation).
//
// The location of OpCancelService, OpSuspend and OpResume is CustomerID and LocationID when
// both are set, else the one GET /Partners/locations/{serviceId} finds for ServiceID.
type Row struct {
	Key  string
	Op   Operation
	Line int // where the row came from (a CSV line), for reports; 0 when unknown

	Onboard *plume.OnboardRequest // OpOnboard
	Serial  string                // OpUnclaimForRMA

	AccountID  string                   // the subscriber, for the journal
	ServiceID  string                   // the location's service id
	CustomerID string                   // the location's customer, with LocationID
	LocationID string                   // the location
	Level      plume.ServiceLevelStatus // OpSuspend: plume.NoService (when empty) or plume.BasicService

	// Err marks a row its reader could not make sense of (a *RowError for a CSV row): it is
	// journaled as failed with KindInvalidInput and not run.
	Err error
}

// String describes the row without any secret (the WiFi key of Onboard prints masked).
func (r Row) String() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s %s (line %d)", r.Op, r.Key, r.Line)
	}
	return fmt.Sprintf("%s %s", r.Op, r.Key)
}

// RowError is a malformed input row: its line, the column at fault ("" for the whole row)
// and why. It unwraps to plume.ErrInvalidInput and never quotes a WiFi key.
type RowError struct {
	Line   int
	Column string
	Reason string
}

// Error returns "line N, column C: reason".
func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Reason)
}

// Unwrap returns plume.ErrInvalidInput.
func (e *RowError) Unwrap() error { return plume.ErrInvalidInput }
