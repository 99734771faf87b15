package plume

import (
	"context"
	"strings"
)

// Onboarding steps, as OnboardError.Step names them. A claim's step is "claim <serial>" and
// a verification's "verify <serial>".
const (
	StepVerify       = "verify"
	StepRegister     = "register"
	StepFindCustomer = "find-customer"
	StepServiceID    = "service-id"
	StepStaticIPv4   = "static-ipv4"
	StepWifi         = "wifi"
	StepClaim        = "claim"
	StepCheckpoint   = "checkpoint"
	StepEmail        = "email"
)

// OnboardRequest is everything needed to bring a subscriber from nothing to a working,
// onboarded location.
type OnboardRequest struct {
	AccountID string // the ISP's CRM key; required
	PartnerID string // defaults to the client's
	Name      string
	Email     string // optional: Plume invents one when empty
	Profile   Profile
	ServiceID string // set on the location when non-empty

	StaticIPv4 *StaticIPv4         // WAN static IPv4, when non-nil
	Wifi       *WifiNetworkRequest // the WiFi network, when non-nil
	Gateway    string              // serial of the gateway, claimed first
	Extenders  []string            // serials of the pods, claimed after the gateway

	Checkpoint        Checkpoint        // "" means OnboardingComplete
	EmailVerification EmailVerification // EmailVerificationNone, MarkEmailVerified, SendEmailVerification

	// VerifyNodesFirst looks every serial up before registering, so that a node missing from
	// the inventory or owned by another customer fails before anything is created.
	VerifyNodesFirst bool
	// ReplaceWifi replaces an existing WiFi network with Wifi instead of keeping it.
	ReplaceWifi bool
}

// OnboardResult is what Onboard did, complete or partial.
type OnboardResult struct {
	CustomerID string
	LocationID string
	Email      string
	Resumed    bool // the customer existed already: an earlier run was continued
	// Nodes are the serials claimed, or found claimed at the location, in the request's order.
	// A claim the hooks skipped is in Skipped instead.
	Nodes    []NodeOutcome
	Wifi     *WifiNetwork
	WifiKept bool // an existing WiFi network was kept as it was
	// Checkpoint is the checkpoint set; nil when the hooks skipped the step.
	Checkpoint *OnboardingCheckpoint
	// EmailVerified is true when the email was marked verified or found already verified.
	EmailVerified bool
	// VerificationSent is true when Plume was asked to send the verification mail.
	VerificationSent bool
	// Skipped lists the steps OnboardHooks.Step skipped, as OnboardError.Step names them
	// ("checkpoint", "claim GW1", …).
	Skipped []string
}

// NodeOutcome is the fate of one serial.
type NodeOutcome struct {
	Serial         string
	AlreadyClaimed bool // it was already claimed at this location
	Err            error
}

// serials returns the gateway then the extenders.
func (r *OnboardRequest) serials() []string {
	var s []string
	if r.Gateway != "" {
		s = append(s, r.Gateway)
	}
	return append(s, r.Extenders...)
}

func (r *OnboardRequest) validate(defaultPartner string) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.PartnerID == "" && defaultPartner == "" {
		return invalid("PartnerID", "must be set on the request or the client")
	}
	return nil
}

// Validate checks the whole request as Onboard does before its first call (the WiFi key, the
// static IPv4 configuration and every serial included). PartnerID may be empty: Onboard then
// takes the client's. The batch package calls it on every row before running any.
//
// The *ValidationError names the field at fault: AccountID, Name, ServiceID, Profile,
// Checkpoint, EmailVerification, StaticIPv4.<member>, those of WifiNetworkRequest.Validate
// (SSID, EncryptionKey, WPAMode, WPAModes.<band>), Gateway for the gateway's serial and
// Extenders for an extender's (or a serial given twice).
func (r *OnboardRequest) Validate() error {
	if err := checkNewAccountID(r.AccountID); err != nil {
		return err
	}
	for _, f := range []struct{ field, value string }{{"AccountID", r.AccountID}, {"Name", r.Name}, {"ServiceID", r.ServiceID}} {
		if err := checkNoQuote(f.field, f.value); err != nil {
			return err
		}
	}
	if err := checkEnum("Profile", r.Profile, Profile.valid); err != nil {
		return err
	}
	if err := checkEnum("Checkpoint", r.Checkpoint, Checkpoint.valid); err != nil {
		return err
	}
	if !r.EmailVerification.valid() {
		return invalid("EmailVerification", "unknown value %q", string(r.EmailVerification))
	}
	if r.StaticIPv4 != nil {
		if err := r.StaticIPv4.Validate(); err != nil {
			return err
		}
	}
	if r.Wifi != nil {
		if err := r.Wifi.Validate(); err != nil {
			return err
		}
	}
	if r.Gateway != "" && strings.TrimSpace(r.Gateway) == "" {
		return invalid("Gateway", "must not be blank")
	}
	seen := map[string]bool{}
	for i, s := range r.serials() {
		field := "Extenders"
		if i == 0 && r.Gateway != "" {
			field = "Gateway"
		}
		if err := checkID(field, s); err != nil {
			return err
		}
		if seen[s] {
			return invalid(field, "serial %q appears twice", s)
		}
		seen[s] = true
	}
	return nil
}

// Onboard provisions a subscriber: register (or, when the accountId exists, find the customer
// and continue) → set the serviceId → static IPv4 → create the WiFi network (an existing one is
// kept unless ReplaceWifi) → claim the gateway, then each extender (already claimed here is
// fine) → set the onboarding checkpoint → mark the email verified or send the verification
// mail.
//
// It validates the whole request before the first call, makes no call the API does not
// require, and is idempotent: running the same request again after any failure converges on
// the state of an uninterrupted run, with one customer. On failure it returns the partial
// result and an *OnboardError naming the step. A node that cannot be claimed stops the flow
// before the checkpoint, so onboarding is never marked complete with a node missing.
//
// A run that continues an earlier one reads back what the API shows before sending a step
// again; the checkpoint and the verification mail cannot be read back and are sent again
// (see OnboardWithHooks, whose hooks let a caller send them at most once).
//
// Onboard is OnboardWithHooks without hooks.
//
// API: POST /Customers/register, PATCH …/locations/{locationId}, PUT …/wanConfiguration, POST …/wifiNetwork, POST …/nodes (each serial), POST …/onboardingCheckpoint, PATCH /Customers/{id} or POST /Customers/resendEmailVerification
func (c *Client) Onboard(ctx context.Context, req OnboardRequest) (*OnboardResult, error) {
	return c.OnboardWithHooks(ctx, req, nil)
}

// OnboardStep is a step of Onboard that changes state, as OnboardHooks.Step sees it.
type OnboardStep struct {
	// Name is StepRegister, StepServiceID, StepStaticIPv4, StepWifi, StepClaim,
	// StepCheckpoint or StepEmail.
	Name string
	// Serial is the node of a StepClaim; empty for the other steps.
	Serial string
	// CustomerID and LocationID are those the flow works on; empty for StepRegister.
	CustomerID string
	LocationID string
	// Resumed is true when the customer existed before this run (OnboardResult.Resumed): the
	// register answered 409, or the hooks skipped it. False after a register that created the
	// customer: nothing of an earlier customer of this accountId (deleted since) applies.
	Resumed bool
}

// String returns the step as OnboardError.Step names it: "claim <serial>" for a claim, else
// the name.
func (s OnboardStep) String() string {
	if s.Name == StepClaim {
		return StepClaim + " " + s.Serial
	}
	return s.Name
}

// OnboardHooks observes and gates the steps of OnboardWithHooks that change state.
type OnboardHooks struct {
	// Step, when set, is called for each step about to change state — the register, the
	// serviceId, the static IPv4, the WiFi network, each claim, the checkpoint, the email
	// (PATCH or mail) — in the flow's order, from the goroutine that called
	// OnboardWithHooks. It runs the step by calling send, with ctx or a context derived from
	// it (for example one not cancelled with ctx, so that a request announced in a journal
	// runs to its answer), at most once and before it returns. Then:
	//
	//   - before send: anything the caller must do first (journal the step durably, log it);
	//   - send returns the step's outcome: nil when its effect is in place — a register
	//     answered 409 (the customer exists; the flow finds it and goes on, Resumed), a node
	//     already claimed here, a mail answered "already verified" included — else its error;
	//   - after send: anything the caller does with the outcome (journal it, count it);
	//   - returning nil without calling send skips the step: it is listed in
	//     OnboardResult.Skipped and the flow goes on (a skipped register is taken to mean
	//     the customer exists: the flow finds it by accountId, as after a 409);
	//   - returning an error stops the flow there: OnboardWithHooks returns an *OnboardError
	//     naming the step and wrapping that error. When send failed, the flow stops with
	//     the error Step returns, or send's when Step returns nil.
	//
	// A step Onboard finds already done by reading it back (see OnboardWithHooks) is not
	// sent, and Step is not called for it. Reads (the lookups of VerifyNodesFirst, finding a
	// resumed customer, the read-backs) are not steps.
	Step func(ctx context.Context, step OnboardStep, send func(context.Context) error) error
}

// OnboardWithHooks runs Onboard's flow with hooks around each step that changes state; nil
// hooks (or a nil Step) run Onboard.
//
// Resume. When the customer existed already (the register answered 409, or the hooks skipped
// it: OnboardResult.Resumed), the flow continues it, and reads back what the API shows before
// sending a step again:
//
//   - the location worked on: GET …/locations lists the customer's locations (the one with
//     the request's serviceId, else the first); its serviceId is not set again when equal;
//   - the static IPv4: GET …/wanConfiguration; not set again when it is equal;
//   - the WiFi network: GET …/wifiNetwork; an existing one is kept (WifiKept), or, with
//     ReplaceWifi, replaced only when its SSID, key or WPA mode differ;
//   - the claims: GET …/nodes, once; a node listed there is not claimed again
//     (NodeOutcome.AlreadyClaimed);
//   - the email: GET /Customers/{id}; when emailVerified is true neither the PATCH of
//     MarkEmailVerified nor the mail of SendEmailVerification is sent (EmailVerified).
//
// Two steps cannot be read back, and are sent again by every run that reaches them:
//
//   - the onboarding checkpoint: no read of it is documented (OnboardingComplete also mails
//     the customer);
//   - the verification mail: an unverified customer looks the same before and after it.
//
// A caller that must send those at most once, across runs and crashes, does it with Step:
// it records the step on stable storage before calling send and, on a later run, skips the
// step its record shows begun (package batch does this with its journal). The register is not
// read back either: it is sent, and a 409 answers that it was done.
//
// A run that is not a resume reads nothing back: its calls are those Onboard always made.
//
// API: POST /Customers/register, PATCH …/locations/{locationId}, PUT …/wanConfiguration, POST …/wifiNetwork, POST …/nodes (each serial), POST …/onboardingCheckpoint, PATCH /Customers/{id} or POST /Customers/resendEmailVerification; on a resume GET …/locations, …/wanConfiguration, …/wifiNetwork, …/nodes and /Customers/{id} first
func (c *Client) OnboardWithHooks(ctx context.Context, req OnboardRequest, hooks *OnboardHooks) (*OnboardResult, error) {
	if err := req.validate(c.partnerID); err != nil {
		return nil, err
	}
	o := &onboarding{c: c, req: req, res: &OnboardResult{}}
	if hooks != nil {
		o.hook = hooks.Step
	}
	if step, err := o.run(ctx); err != nil {
		return o.res, &OnboardError{Step: step, Err: err}
	}
	return o.res, nil
}

// onboarding is one run of the onboarding flow.
type onboarding struct {
	c    *Client
	req  OnboardRequest
	hook func(context.Context, OnboardStep, func(context.Context) error) error
	res  *OnboardResult
	loc  *Location // the location, when the flow read it (on resume)
}

// run runs the steps in order and returns the one that failed.
func (o *onboarding) run(ctx context.Context) (string, error) {
	req := o.req
	if req.VerifyNodesFirst {
		if step, err := o.c.verifyNodes(ctx, req); err != nil {
			return step, err
		}
	}
	if step, err := o.registerOrResume(ctx); err != nil {
		return step, err
	}
	if req.ServiceID != "" && (o.loc == nil || o.loc.ServiceID != req.ServiceID) {
		if _, err := o.step(ctx, OnboardStep{Name: StepServiceID}, func(ctx context.Context) error {
			_, err := o.c.Locations.SetServiceID(ctx, o.res.CustomerID, o.res.LocationID, req.ServiceID)
			return err
		}); err != nil {
			return StepServiceID, err
		}
	}
	if req.StaticIPv4 != nil {
		if err := o.staticIPv4(ctx); err != nil {
			return StepStaticIPv4, err
		}
	}
	if req.Wifi != nil {
		if err := o.wifi(ctx); err != nil {
			return StepWifi, err
		}
	}
	if step, err := o.claims(ctx); err != nil {
		return step, err
	}
	checkpoint := req.Checkpoint
	if checkpoint == "" {
		checkpoint = OnboardingComplete
	}
	if _, err := o.step(ctx, OnboardStep{Name: StepCheckpoint}, func(ctx context.Context) error {
		cp, err := o.c.Locations.SetOnboardingCheckpoint(ctx, o.res.CustomerID, o.res.LocationID, checkpoint)
		o.res.Checkpoint = cp
		return err
	}); err != nil {
		return StepCheckpoint, err
	}
	if err := o.email(ctx); err != nil {
		return StepEmail, err
	}
	return "", nil
}
