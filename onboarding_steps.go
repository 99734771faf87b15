package plume

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// The steps of the onboarding flow (onboarding.go): each step that changes state goes through
// step, and so through OnboardHooks.Step; on a resume, what the API shows is read first.

// step runs one step that changes state through the hook, if any. skipped reports that the
// hook skipped it (listed in the result's Skipped).
func (o *onboarding) step(ctx context.Context, st OnboardStep, send func(context.Context) error) (skipped bool, err error) {
	st.CustomerID, st.LocationID, st.Resumed = o.res.CustomerID, o.res.LocationID, o.res.Resumed
	if o.hook == nil {
		return false, send(ctx)
	}
	s := &stepSender{step: st, send: send}
	hookErr := o.hook(ctx, st, s.call)
	sent, sendErr := s.close()
	switch {
	case hookErr != nil:
		return false, hookErr
	case sendErr != nil:
		return false, sendErr
	case !sent:
		o.res.Skipped = append(o.res.Skipped, st.String())
		return true, nil
	}
	return false, nil
}

// stepSender is the send function a hook gets: it sends once, and never after the hook
// returned.
type stepSender struct {
	step OnboardStep
	send func(context.Context) error

	mu     sync.Mutex // held while sending, so that close waits for a send in flight
	sent   bool
	closed bool
	err    error
}

func (s *stepSender) call(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return fmt.Errorf("plume: onboard: %s: send called after OnboardHooks.Step returned", s.step)
	case s.sent:
		return fmt.Errorf("plume: onboard: %s: send called twice", s.step)
	}
	s.sent = true
	s.err = s.send(ctx)
	return s.err
}

func (s *stepSender) close() (sent bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.sent, s.err
}

// registerOrResume registers the customer, or finds the one an earlier run registered. It
// keeps the location when it had to read it (on resume), so that later steps can skip what
// is already done.
func (o *onboarding) registerOrResume(ctx context.Context) (string, error) {
	req, res := o.req, o.res
	var reg *RegisteredCustomer // nil after a 409, or when the hook skipped the step
	_, err := o.step(ctx, OnboardStep{Name: StepRegister}, func(ctx context.Context) error {
		r, err := o.c.Customers.Register(ctx, RegisterRequest{
			AccountID: req.AccountID,
			PartnerID: req.PartnerID,
			Email:     req.Email,
			Name:      req.Name,
			Profile:   req.Profile,
		})
		if errors.Is(err, ErrDuplicateAccount) {
			return nil // an earlier run registered it: found below
		}
		reg = r
		return err
	})
	switch {
	case err != nil:
		return StepRegister, err
	case reg != nil:
		res.CustomerID, res.LocationID, res.Email = reg.ID, reg.LocationID, reg.Email
		if reg.LocationID != "" {
			return "", nil
		}
		// An answer in a shape without locationId: the location the cloud created with the
		// customer is its only one.
		loc, err := o.c.resumeLocation(ctx, reg.ID, "")
		if err != nil {
			return StepRegister, err
		}
		o.loc, res.LocationID = loc, loc.ID
		return "", nil
	}
	// A 409, or a register the hook skipped: the customer exists.
	match, err := o.c.Customers.FindByAccountID(ctx, req.AccountID)
	if err != nil {
		return StepFindCustomer, err
	}
	res.Resumed = true
	res.CustomerID, res.Email = match.ID, match.Email
	loc, err := o.c.resumeLocation(ctx, match.ID, req.ServiceID)
	if err != nil {
		return StepFindCustomer, err
	}
	o.loc, res.LocationID = loc, loc.ID
	return "", nil
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

// staticIPv4 sets the static IPv4, unless a resumed location has it already.
func (o *onboarding) staticIPv4(ctx context.Context) error {
	res, want := o.res, *o.req.StaticIPv4
	if res.Resumed {
		wan, err := o.c.Locations.GetWANConfiguration(ctx, res.CustomerID, res.LocationID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case wan.StaticIPv4 != nil && *wan.StaticIPv4 == want:
			return nil
		}
	}
	_, err := o.step(ctx, OnboardStep{Name: StepStaticIPv4}, func(ctx context.Context) error {
		_, err := o.c.Locations.SetStaticIPv4(ctx, res.CustomerID, res.LocationID, want)
		return err
	})
	return err
}

// wifi creates the WiFi network; an existing one is kept, or replaced with ReplaceWifi. A
// resumed location's network is read first rather than met with a 409, and replaced only
// when it differs.
func (o *onboarding) wifi(ctx context.Context) error {
	res, want := o.res, *o.req.Wifi
	if res.Resumed {
		have, err := o.c.WifiNetworks.Get(ctx, res.CustomerID, res.LocationID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case !o.req.ReplaceWifi || sameWifi(have, want):
			res.Wifi, res.WifiKept = have, true
			return nil
		default:
			_, err = o.step(ctx, OnboardStep{Name: StepWifi}, func(ctx context.Context) error {
				var err error
				res.Wifi, err = o.c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, want)
				return err
			})
			return err
		}
	}
	_, err := o.step(ctx, OnboardStep{Name: StepWifi}, func(ctx context.Context) error {
		wifi, err := o.c.WifiNetworks.Create(ctx, res.CustomerID, res.LocationID, want)
		switch {
		case err == nil:
			res.Wifi = wifi
			return nil
		case !errors.Is(err, ErrWifiNetworkExists):
			return err
		case o.req.ReplaceWifi:
			res.Wifi, err = o.c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, want)
			return err
		}
		res.Wifi, err = o.c.WifiNetworks.Get(ctx, res.CustomerID, res.LocationID)
		res.WifiKept = err == nil
		return err
	})
	return err
}

// sameWifi reports whether the network have is what want asks for: its SSID and key, and
// the WPA modes want names.
func sameWifi(have *WifiNetwork, want WifiNetworkRequest) bool {
	if have.SSID != want.SSID || have.EncryptionKey != want.EncryptionKey ||
		(want.WPAMode != "" && have.WPAMode != want.WPAMode) {
		return false
	}
	if want.WPAModes == nil {
		return true
	}
	var got WPAModes
	if have.WPAModes != nil {
		got = *have.WPAModes
	}
	w := *want.WPAModes
	return (w.Band24 == "" || w.Band24 == got.Band24) && (w.Band5 == "" || w.Band5 == got.Band5) &&
		(w.Band6 == "" || w.Band6 == got.Band6)
}

// claims claims the gateway, then each extender; on a resumed location, those listed there
// already are not claimed again. A node that cannot be claimed stops the flow before the
// checkpoint.
func (o *onboarding) claims(ctx context.Context) (string, error) {
	res, serials := o.res, o.req.serials()
	if len(serials) == 0 {
		return "", nil
	}
	present := map[string]bool{}
	if res.Resumed {
		nodes, err := o.c.Nodes.List(ctx, res.CustomerID, res.LocationID)
		if err != nil {
			return StepClaim + " " + serials[0], err
		}
		for _, n := range nodes {
			present[strings.ToLower(n.ID)] = true
			present[strings.ToLower(n.SerialNumber)] = true
		}
	}
	for _, serial := range serials {
		if present[strings.ToLower(serial)] {
			res.Nodes = append(res.Nodes, NodeOutcome{Serial: serial, AlreadyClaimed: true})
			continue
		}
		var outcome NodeOutcome
		skipped, err := o.step(ctx, OnboardStep{Name: StepClaim, Serial: serial}, func(ctx context.Context) error {
			outcome = o.c.claimForOnboard(ctx, res.CustomerID, res.LocationID, serial)
			return outcome.Err
		})
		if skipped {
			continue
		}
		if err != nil && outcome.Serial == "" { // stopped by the hook before the claim
			outcome = NodeOutcome{Serial: serial, Err: err}
		}
		res.Nodes = append(res.Nodes, outcome)
		if err != nil {
			return StepClaim + " " + serial, err
		}
	}
	return "", nil
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

// email marks the email verified, or has Plume send the verification mail. A resumed
// customer whose email is verified already needs neither.
func (o *onboarding) email(ctx context.Context) error {
	res, how := o.res, o.req.EmailVerification
	if how == EmailVerificationNone {
		return nil
	}
	if res.Resumed {
		cu, err := o.c.Customers.Get(ctx, res.CustomerID)
		if err != nil {
			return err
		}
		if cu.Email != "" {
			res.Email = cu.Email
		}
		if cu.EmailVerified {
			res.EmailVerified = true
			return nil
		}
	}
	_, err := o.step(ctx, OnboardStep{Name: StepEmail}, func(ctx context.Context) error {
		if how == MarkEmailVerified {
			if _, err := o.c.Customers.MarkEmailVerified(ctx, res.CustomerID); err != nil {
				return err
			}
			res.EmailVerified = true
			return nil
		}
		email := res.Email
		if email == "" {
			email = o.req.Email
		}
		err := o.c.Customers.ResendEmailVerification(ctx, email)
		switch {
		case errors.Is(err, ErrEmailAlreadyVerified):
			res.EmailVerified = true
		case err != nil:
			return err
		default:
			res.VerificationSent = true
		}
		return nil
	})
	return err
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
