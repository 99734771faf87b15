package plume

import (
	"context"
	"errors"
	"fmt"
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
	Nodes      []NodeOutcome
	Wifi       *WifiNetwork
	WifiKept   bool // an existing WiFi network was kept as it was
	Checkpoint *OnboardingCheckpoint
	// EmailVerified is true when the email was marked verified or found already verified.
	EmailVerified bool
	// VerificationSent is true when Plume was asked to send the verification mail.
	VerificationSent bool
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
func (r *OnboardRequest) Validate() error {
	if err := checkNewAccountID(r.AccountID); err != nil {
		return err
	}
	for field, v := range map[string]string{"AccountID": r.AccountID, "Name": r.Name, "ServiceID": r.ServiceID} {
		if err := checkNoQuote(field, v); err != nil {
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
	for _, s := range r.serials() {
		if err := checkID("Extenders", s); err != nil {
			return err
		}
		if seen[s] {
			return invalid("Extenders", "serial %q appears twice", s)
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
// API: POST /Customers/register, PATCH …/locations/{locationId}, PUT …/wanConfiguration, POST …/wifiNetwork, POST …/nodes (each serial), POST …/onboardingCheckpoint, PATCH /Customers/{id} or POST /Customers/resendEmailVerification
func (c *Client) Onboard(ctx context.Context, req OnboardRequest) (*OnboardResult, error) {
	if err := req.validate(c.partnerID); err != nil {
		return nil, err
	}
	res := &OnboardResult{}
	fail := func(step string, err error) (*OnboardResult, error) {
		return res, &OnboardError{Step: step, Err: err}
	}
	if req.VerifyNodesFirst {
		if step, err := c.verifyNodes(ctx, req); err != nil {
			return fail(step, err)
		}
	}
	loc, step, err := c.registerOrResume(ctx, req, res)
	if err != nil {
		return fail(step, err)
	}
	if req.ServiceID != "" && (loc == nil || loc.ServiceID != req.ServiceID) {
		if _, err := c.Locations.SetServiceID(ctx, res.CustomerID, res.LocationID, req.ServiceID); err != nil {
			return fail(StepServiceID, err)
		}
	}
	if req.StaticIPv4 != nil {
		if _, err := c.Locations.SetStaticIPv4(ctx, res.CustomerID, res.LocationID, *req.StaticIPv4); err != nil {
			return fail(StepStaticIPv4, err)
		}
	}
	if req.Wifi != nil {
		if err := c.onboardWifi(ctx, req, res); err != nil {
			return fail(StepWifi, err)
		}
	}
	for _, serial := range req.serials() {
		outcome := c.claimForOnboard(ctx, res.CustomerID, res.LocationID, serial)
		res.Nodes = append(res.Nodes, outcome)
		if outcome.Err != nil {
			return fail(StepClaim+" "+serial, outcome.Err)
		}
	}
	checkpoint := req.Checkpoint
	if checkpoint == "" {
		checkpoint = OnboardingComplete
	}
	cp, err := c.Locations.SetOnboardingCheckpoint(ctx, res.CustomerID, res.LocationID, checkpoint)
	if err != nil {
		return fail(StepCheckpoint, err)
	}
	res.Checkpoint = cp
	if err := c.onboardEmail(ctx, req, res); err != nil {
		return fail(StepEmail, err)
	}
	return res, nil
}

// registerOrResume registers the customer, or finds the one an earlier run registered. It
// returns the location when it had to read it (on resume), so that later steps can skip what
// is already done.
func (c *Client) registerOrResume(ctx context.Context, req OnboardRequest, res *OnboardResult) (*Location, string, error) {
	reg, err := c.Customers.Register(ctx, RegisterRequest{
		AccountID: req.AccountID,
		PartnerID: req.PartnerID,
		Email:     req.Email,
		Name:      req.Name,
		Profile:   req.Profile,
	})
	if err == nil {
		res.CustomerID, res.LocationID, res.Email = reg.ID, reg.LocationID, reg.Email
		if reg.LocationID != "" {
			return nil, "", nil
		}
		// An answer in a shape without locationId: the location the cloud created with the
		// customer is its only one.
		loc, err := c.resumeLocation(ctx, reg.ID, "")
		if err != nil {
			return nil, StepRegister, err
		}
		res.LocationID = loc.ID
		return loc, "", nil
	}
	if !errors.Is(err, ErrDuplicateAccount) {
		return nil, StepRegister, err
	}
	match, err := c.Customers.FindByAccountID(ctx, req.AccountID)
	if err != nil {
		return nil, StepFindCustomer, err
	}
	res.Resumed = true
	res.CustomerID, res.Email = match.ID, match.Email
	loc, err := c.resumeLocation(ctx, match.ID, req.ServiceID)
	if err != nil {
		return nil, StepFindCustomer, err
	}
	res.LocationID = loc.ID
	return loc, "", nil
}

// resumeLocation picks the location an earlier run worked on: the one with the serviceId,
// else the first.
func (c *Client) resumeLocation(ctx context.Context, customerID, serviceID string) (*Location, error) {
	locs, err := c.Locations.List(ctx, customerID)
	if err != nil {
		return nil, err
	}
	if len(locs) == 0 {
		return nil, fmt.Errorf("plume: customer %s has no location to continue onboarding on: %w", customerID, ErrNotFound)
	}
	for i := range locs {
		if serviceID != "" && locs[i].ServiceID == serviceID {
			return &locs[i], nil
		}
	}
	return &locs[0], nil
}

func (c *Client) onboardWifi(ctx context.Context, req OnboardRequest, res *OnboardResult) error {
	wifi, err := c.WifiNetworks.Create(ctx, res.CustomerID, res.LocationID, *req.Wifi)
	switch {
	case err == nil:
		res.Wifi = wifi
		return nil
	case !errors.Is(err, ErrWifiNetworkExists):
		return err
	case req.ReplaceWifi:
		res.Wifi, err = c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, *req.Wifi)
		return err
	}
	res.Wifi, err = c.WifiNetworks.Get(ctx, res.CustomerID, res.LocationID)
	res.WifiKept = err == nil
	return err
}

// claimForOnboard claims one serial. Already claimed here is fine; a 503 after the claim is
// checked against the location's nodes before it is called a failure.
func (c *Client) claimForOnboard(ctx context.Context, customerID, locationID, serial string) NodeOutcome {
	out := NodeOutcome{Serial: serial}
	claim, err := c.Nodes.Claim(ctx, customerID, locationID, ClaimRequest{SerialNumber: serial})
	if err == nil {
		out.AlreadyClaimed = claim.AlreadyClaimed
		return out
	}
	if errors.Is(err, ErrClaimIncomplete) {
		if present, listErr := c.nodePresent(ctx, customerID, locationID, serial); listErr == nil && present {
			return out
		}
	}
	out.Err = err
	return out
}

func (c *Client) nodePresent(ctx context.Context, customerID, locationID, serial string) (bool, error) {
	nodes, err := c.Nodes.List(ctx, customerID, locationID)
	if err != nil {
		return false, err
	}
	for _, n := range nodes {
		if strings.EqualFold(n.ID, serial) || strings.EqualFold(n.SerialNumber, serial) {
			return true, nil
		}
	}
	return false, nil
}

func (c *Client) onboardEmail(ctx context.Context, req OnboardRequest, res *OnboardResult) error {
	switch req.EmailVerification {
	case MarkEmailVerified:
		if _, err := c.Customers.MarkEmailVerified(ctx, res.CustomerID); err != nil {
			return err
		}
		res.EmailVerified = true
	case SendEmailVerification:
		email := res.Email
		if email == "" {
			email = req.Email
		}
		err := c.Customers.ResendEmailVerification(ctx, email)
		switch {
		case errors.Is(err, ErrEmailAlreadyVerified):
			res.EmailVerified = true
		case err != nil:
			return err
		default:
			res.VerificationSent = true
		}
	}
	return nil
}

// verifyNodes looks every serial up before anything is created. A serial claimed by a
// customer other than this accountId's fails with ErrNodeOwnedElsewhere.
func (c *Client) verifyNodes(ctx context.Context, req OnboardRequest) (string, error) {
	var ownerOf = map[string]string{} // serial → customer id, for claimed serials
	for _, serial := range req.serials() {
		found, err := c.Nodes.Lookup(ctx, serial)
		if err != nil {
			return StepVerify + " " + serial, err
		}
		if found.Claimed() {
			ownerOf[serial] = found.CustomerID
		}
	}
	if len(ownerOf) == 0 {
		return "", nil
	}
	// Claimed nodes are fine only when an earlier run of this request claimed them.
	ours := ""
	match, err := c.Customers.FindByAccountID(ctx, req.AccountID)
	switch {
	case err == nil:
		ours = match.ID
	case !errors.Is(err, ErrNotFound):
		return StepFindCustomer, err
	}
	for _, serial := range req.serials() {
		if owner, ok := ownerOf[serial]; ok && owner != ours {
			return StepVerify + " " + serial, fmt.Errorf("plume: node %s is claimed by another customer: %w", serial, ErrNodeOwnedElsewhere)
		}
	}
	return "", nil
}
