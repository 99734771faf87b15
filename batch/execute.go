package batch

import (
	"context"
	"fmt"

	"github.com/plumecloud/plume-go"
)

// StepFindLocation is Entry.Step when the location of a service id could not be found.
const StepFindLocation = "find-location"

// execute runs one try of a row's flow. The entry carries what the flow found out, even when
// it failed. steps is what is known of the row's unconfirmable steps, across its tries.
func (ru *run) execute(ctx context.Context, row Row, steps *stepStates) (Entry, error) {
	e := entryOf(row)
	switch row.Op {
	case OpOnboard:
		return e, ru.onboard(ctx, row, &e, steps)
	case OpUnclaimForRMA:
		return e, ru.cfg.rma(ctx, row, &e)
	case OpCancelService, OpSuspend, OpResume:
		return e, ru.cfg.atLocation(ctx, row, &e)
	case OpHealth:
		return e, ru.cfg.health(ctx, row, &e) // sweep.go
	}
	return e, &plume.ValidationError{Field: "Row.Op", Reason: fmt.Sprintf("unknown operation %q", row.Op)}
}

func (r *Runner) rma(ctx context.Context, row Row, e *Entry) error {
	e.Serials = []string{row.Serial}
	res, err := r.Client.UnclaimForRMA(ctx, row.Serial)
	if res != nil {
		e.CustomerID, e.LocationID, e.AlreadyUnclaimed = res.CustomerID, res.LocationID, res.AlreadyUnclaimed
	}
	return err
}

// atLocation cancels, suspends or resumes the row's location, found by service id unless
// the row names it by ids.
func (r *Runner) atLocation(ctx context.Context, row Row, e *Entry) error {
	if row.CustomerID == "" || row.LocationID == "" {
		if row.ServiceID == "" {
			return &plume.ValidationError{Field: "Row.ServiceID", Reason: "is required (or CustomerID and LocationID)"}
		}
		loc, err := r.Client.Locations.FindByServiceID(ctx, row.ServiceID)
		if err != nil {
			e.Step = StepFindLocation
			return err
		}
		e.CustomerID, e.LocationID = loc.CustomerID, loc.ID
		if e.AccountID == "" {
			e.AccountID = loc.AccountID
		}
	}
	switch row.Op {
	case OpCancelService:
		return r.Client.CancelService(ctx, e.CustomerID, e.LocationID)
	case OpSuspend:
		level := row.Level
		if level == "" {
			level = plume.NoService
		}
		return r.Client.Suspend(ctx, e.CustomerID, e.LocationID, level)
	}
	return r.Client.Resume(ctx, e.CustomerID, e.LocationID)
}
