package batch

import (
	"context"
	"time"

	"github.com/plumecloud/plume-go"
)

// The onboarding steps the API cannot show afterwards, and how the journal keeps them from
// being sent twice: the hook of plume.Client.OnboardWithHooks (onboard.go) runs them through
// unconfirmable.

// stepSet is a set of the onboarding steps the API cannot show afterwards.
type stepSet uint8

const (
	stepCheckpoint stepSet = 1 << iota // plume.StepCheckpoint
	stepEmail                          // plume.StepEmail: the verification mail
)

// stepBit returns the step of a step line's name, 0 for one this version does not know.
func stepBit(name string) stepSet {
	switch name {
	case plume.StepCheckpoint:
		return stepCheckpoint
	case plume.StepEmail:
		return stepEmail
	}
	return 0
}

// stepStates is what is known of a row's steps the API cannot show: those begun (their
// request may have reached Plume) and, of those, the ones Plume answered with success.
type stepStates struct{ begun, confirmed stepSet }

// note applies a step line.
func (s *stepStates) note(bit stepSet, outcome Outcome, kind ErrorKind) {
	switch {
	case outcome == OutcomeBegin:
		s.begun |= bit
		s.confirmed &^= bit
	case kind == "":
		s.begun |= bit
		s.confirmed |= bit
	case refused(kind):
		s.begun &^= bit
		s.confirmed &^= bit
	}
	// Any other failure (a 5xx, no answer): Plume may have acted; the step stays begun.
}

// refused reports whether an error of this kind means the API did not act on the request: it
// refused it (4xx, rate limit) or it was never sent.
func refused(kind ErrorKind) bool {
	switch kind {
	case KindInvalidInput, KindRateLimited, KindAuth, KindForbidden, KindNotFound, KindConflict, KindValidation, KindBadRequest:
		return true
	}
	return false
}

// unconfirmableStepTimeout bounds a request the API cannot show afterwards. Once its begin
// line is written, the request runs to its answer whatever happens to the row's context (a
// second Ctrl-C included), so that the journal learns its fate; only this bound cuts it.
const unconfirmableStepTimeout = time.Minute

// sentBefore reports whether an earlier run or try began the step, noting it in the entry
// when its answer is unknown.
func (o *onboarding) sentBefore(bit stepSet, name string) bool {
	if o.steps.begun&bit == 0 {
		return false
	}
	if o.steps.confirmed&bit == 0 {
		o.e.Unconfirmed = append(o.e.Unconfirmed, name)
	}
	return true
}

// unconfirmable runs a request the API cannot show afterwards: a begin line on stable
// storage first, the request (detached from the row's cancellation, see
// unconfirmableStepTimeout), then a step line with its outcome.
func (o *onboarding) unconfirmable(ctx context.Context, bit stepSet, name string, line stepLine, do func(context.Context) error) error {
	ru := o.ru
	// Wait out a rate-limit pause before the begin line, not after it.
	if err := ru.gate.hold(ctx); err != nil {
		return err
	}
	line.Key, line.Op, line.Step = o.row.Key, o.row.Op, name
	if ru.journal != nil {
		line.Time, line.Outcome = ru.now().UTC(), OutcomeBegin
		if err := ru.journal.recordStep(line, true); err != nil {
			ru.stopIntake(err)
			return err // not sent
		}
	}
	o.steps.note(bit, OutcomeBegin, "")
	stepCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unconfirmableStepTimeout)
	err := do(stepCtx)
	cancel()
	kind := KindOf(err)
	o.steps.note(bit, OutcomeStep, kind)
	if ru.journal != nil {
		line.Time, line.Outcome, line.Kind = ru.now().UTC(), OutcomeStep, kind
		if err != nil {
			line.Error = err.Error()
		}
		if jerr := ru.journal.recordStep(line, false); jerr != nil {
			ru.stopIntake(jerr)
		}
	}
	return err
}
