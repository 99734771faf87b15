package batch

import (
	"context"
	"errors"

	"github.com/plumecloud/plume-go"
)

// The batch onboards a row with plume.Client.OnboardWithHooks: the SDK's flow, which on a
// resume reads back what the API shows before sending a step again (the location's service
// id, its static IPv4, its WiFi network, the nodes claimed there, the customer's
// emailVerified). The two steps it cannot read back, the onboarding checkpoint
// (OnboardingComplete mails the customer) and the verification mail, go through the journal
// in the hook (onboarding.step): a begin line, synced to disk, before the request; a step line
// after its answer. A begin line without a step line saying the API refused the request means
// the request may have reached Plume: a rerun skips the step, and says so in
// Entry.Unconfirmed.

// onboarding is one try of an onboarding row: the hook of its OnboardWithHooks.
type onboarding struct {
	ru    *run
	row   Row
	e     *Entry
	steps *stepStates // across the tries of the row: what earlier runs and tries began
	// forgot is set once this try has checked whether its customer is new (see forget).
	forgot bool
}

// onboard runs the onboarding of row. The error is a *plume.OnboardError naming the step,
// or the *plume.ValidationError of a request refused before any call.
func (ru *run) onboard(ctx context.Context, row Row, e *Entry, steps *stepStates) error {
	if row.Onboard == nil {
		return &plume.ValidationError{Field: "Row.Onboard", Reason: "must be set for " + string(OpOnboard)}
	}
	o := &onboarding{ru: ru, row: row, e: e, steps: steps}
	res, err := ru.cfg.Client.OnboardWithHooks(ctx, *row.Onboard, &plume.OnboardHooks{Step: o.step})
	if res != nil {
		o.forget(res.CustomerID, res.Resumed)
		e.CustomerID, e.LocationID, e.Resumed = res.CustomerID, res.LocationID, res.Resumed
		for _, n := range res.Nodes {
			if n.Err == nil {
				e.Serials = append(e.Serials, n.Serial)
			}
		}
	}
	var oe *plume.OnboardError
	if errors.As(err, &oe) {
		e.Step = oe.Step
	}
	return err
}

// step is the hook of each step that changes state: the checkpoint, and the verification
// mail of SendEmailVerification, are sent once (sentBefore, unconfirmable); the other steps
// are sent as they come, the SDK having read back what is done already.
func (o *onboarding) step(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
	o.forget(st.CustomerID, st.Resumed)
	var line stepLine
	switch {
	case st.Name == plume.StepCheckpoint:
		line.LocationID = st.LocationID
	case st.Name == plume.StepEmail && o.row.Onboard.EmailVerification == plume.SendEmailVerification:
		line.CustomerID = st.CustomerID
	default:
		return send(ctx)
	}
	bit := stepBit(st.Name)
	if o.sentBefore(bit, st.Name) {
		return nil // skipped: the request may have reached Plume already
	}
	return o.unconfirmable(ctx, bit, st.Name, line, send)
}

// forget drops the steps journaled as begun for this key when this try's register created
// the customer: nothing has been sent for a customer just created, so they belong to an
// earlier customer of the account id, deleted since. It looks once per try, at the first
// step that knows the customer (before any step line of the try), or when the flow ends.
func (o *onboarding) forget(customerID string, resumed bool) {
	if o.forgot || customerID == "" {
		return
	}
	o.forgot = true
	if !resumed {
		*o.steps = stepStates{}
	}
}
