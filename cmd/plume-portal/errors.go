package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"time"

	"github.com/plumecloud/plume-go"
)

// explain turns an error of the SDK into a sentence a technician can act on: what happened
// and what to do next. It never shows a stack trace, a response body or an error's raw
// text (which may quote the cloud's message); the Plume request id is added when there is
// one, for an escalation to Plume.
func explain(err error) string {
	if err == nil {
		return ""
	}
	var fe *formError
	if errors.As(err, &fe) {
		return fe.msg
	}
	msg := explainKind(err)
	var onboardErr *plume.OnboardError
	if errors.As(err, &onboardErr) {
		msg = fmt.Sprintf("Onboarding stopped at step %q: %s Running the same onboarding again resumes where it stopped.", onboardErr.Step, msg)
	}
	var apiErr *plume.Error
	if errors.As(err, &apiErr) && apiErr.RequestID != "" {
		msg += " (Plume request id " + apiErr.RequestID + ")"
	}
	return msg
}

func explainKind(err error) string {
	var rl *plume.RateLimitError
	var ve *plume.ValidationError
	switch {
	case errors.As(err, &rl):
		return fmt.Sprintf("The Plume Cloud request budget (its WAF limit) is spent: retry in %s.", retryIn(rl.RetryAfter))
	case errors.Is(err, plume.ErrRateLimited):
		return "The Plume Cloud request budget (its WAF limit) is spent: retry in a minute."
	case errors.As(err, &ve):
		return fmt.Sprintf("Check the form: %s %s.", ve.Field, ve.Reason)
	case errors.Is(err, plume.ErrSpeedTestFailed):
		return "The speed test ran but failed: check the node's uplink and try again in a few minutes."
	case errors.Is(err, plume.ErrNodeOwnedElsewhere):
		return "This node belongs to another customer. Check the serial on the label; if the node was returned, unclaim it first (RMA)."
	case errors.Is(err, plume.ErrClaimRejected):
		return "The cloud refused the claim: the location's pod quota is used up or it is in monitor mode."
	case errors.Is(err, plume.ErrClaimIncomplete):
		return "The node was claimed but a later step failed: reload the subscriber before trying again."
	case errors.Is(err, plume.ErrNodeNotClaimed), errors.Is(err, plume.ErrNodeNotInLocation):
		return "This node is not claimed at this location any more: reload the subscriber."
	case errors.Is(err, plume.ErrDuplicateAccount):
		return "This account id is already registered to another customer."
	case errors.Is(err, plume.ErrPartnerLocked):
		return "Your partner account is locked for new subscribers: contact Plume."
	case errors.Is(err, plume.ErrPartnerNotFound):
		return "The partner id is not known to this Plume Cloud: tell your administrator."
	case errors.Is(err, plume.ErrLocationArchived):
		return "This location has been cancelled (archived)."
	case errors.Is(err, plume.ErrWifiNetworkExists):
		return "This location already has a WiFi network."
	case errors.Is(err, plume.ErrProfileNotAllowed):
		return "The portal's Plume role may not set this profile."
	case errors.Is(err, plume.ErrReadOnly):
		return "The portal's Plume key is read-only for this action: ask your administrator for a key that may make changes."
	case errors.Is(err, plume.ErrLANPrefixUnknown):
		return "The gateway has not reported its LAN addresses yet: wait a few minutes after it comes online."
	case errors.Is(err, plume.ErrAuth):
		return "The Plume Cloud refused the portal's credentials: tell your administrator."
	case errors.Is(err, plume.ErrUnauthorized), errors.Is(err, plume.ErrForbidden):
		return "The Plume Cloud refused the portal access to this subscriber or action."
	case errors.Is(err, plume.ErrNotFound):
		return "Not found: the Plume Cloud knows no such subscriber, location or node."
	case errors.Is(err, plume.ErrUnexpectedResponse):
		return "The Plume Cloud answered with something the portal cannot read. The action may have taken effect: reload the page before repeating it."
	case errors.Is(err, plume.ErrConflict):
		return "The Plume Cloud refused the change because it conflicts with the subscriber's current state: reload and check."
	case errors.Is(err, plume.ErrValidation), errors.Is(err, plume.ErrBadRequest):
		return "The Plume Cloud refused the values sent: check them and try again."
	case errors.Is(err, plume.ErrServer):
		return "The Plume Cloud had an internal error: try again in a few minutes."
	case errors.Is(err, context.DeadlineExceeded):
		return "The Plume Cloud did not answer in time: try again."
	case errors.Is(err, context.Canceled):
		return "The action was cancelled before it finished (the portal was stopping): check the subscriber before repeating it."
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return "The portal could not reach the Plume Cloud: try again in a minute."
	}
	return "The action failed for a reason the portal does not know: try again, and tell your administrator if it keeps failing."
}

// errorKind names an error's class for the audit log.
func errorKind(err error) string {
	kinds := []struct {
		target error
		kind   string
	}{
		{plume.ErrInvalidInput, "invalid_input"},
		{plume.ErrRateLimited, "rate_limited"},
		{plume.ErrNodeOwnedElsewhere, "node_owned_elsewhere"},
		{plume.ErrClaimRejected, "claim_rejected"},
		{plume.ErrDuplicateAccount, "duplicate_account"},
		{plume.ErrAuth, "auth"},
		{plume.ErrUnauthorized, "unauthorized"},
		{plume.ErrForbidden, "forbidden"},
		{plume.ErrNotFound, "not_found"},
		{plume.ErrConflict, "conflict"},
		{plume.ErrValidation, "validation"},
		{plume.ErrBadRequest, "bad_request"},
		{plume.ErrServer, "server"},
		{plume.ErrUnexpectedResponse, "unexpected_response"},
		{context.DeadlineExceeded, "timeout"},
		{context.Canceled, "canceled"},
	}
	for _, k := range kinds {
		if errors.Is(err, k.target) {
			return k.kind
		}
	}
	return "other"
}

// retryIn writes a wait for people: "40 s", "3 min"; an unknown wait is "a minute".
func retryIn(d time.Duration) string {
	switch {
	case d <= 0:
		return "a minute"
	case d < 2*time.Minute:
		return fmt.Sprintf("%d s", int(math.Ceil(d.Seconds())))
	default:
		return fmt.Sprintf("%d min", int(math.Ceil(d.Minutes())))
	}
}
