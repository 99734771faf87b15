package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/plumecloud/plume-go"
)

// The batch onboards a row with its own run of the steps of plume.Client.Onboard (same
// order, same requests, same errors), because a rerun must not send again what an earlier
// run may already have sent:
//
//   - the steps the API shows afterwards are read back first when the customer existed
//     already (a register answered 409): the location's service id, its static IPv4, its WiFi
//     network, the nodes claimed there, the customer's emailVerified;
//   - the two it cannot show — the onboarding checkpoint (OnboardingComplete mails the
//     customer) and the verification mail — are journaled: a begin line, synced to disk,
//     before the request; a step line after its answer. A begin line without a step line
//     saying the API refused the request means the request may have reached Plume: a rerun
//     never sends it again, and says so in Entry.Unconfirmed.
//
// Client.Onboard sends both again whenever it runs, and has no hook between its steps where
// the batch could journal them, hence this copy: keep it in step with onboarding.go. (With an
// Onboard option to call a function before each of the two requests and to skip a step, the
// batch could call Onboard instead.)

// onboarding is one try of an onboarding row.
type onboarding struct {
	ru    *run
	c     *plume.Client
	row   Row
	req   plume.OnboardRequest
	e     *Entry
	steps *stepStates // across the tries of the row: what earlier runs and tries began

	customerID, locationID, email string
	resumed                       bool
	loc                           *plume.Location // read on resume
	customer                      *plume.Customer // read on resume, when the email step needs it
}

// onboard runs the onboarding of row. The error is a *plume.OnboardError naming the step,
// or the *plume.ValidationError of a request refused before any call.
func (ru *run) onboard(ctx context.Context, row Row, e *Entry, steps *stepStates) error {
	if row.Onboard == nil {
		return &plume.ValidationError{Field: "Row.Onboard", Reason: "must be set for " + string(OpOnboard)}
	}
	req := *row.Onboard
	if err := req.Validate(); err != nil {
		return err
	}
	o := &onboarding{ru: ru, c: ru.cfg.Client, row: row, req: req, e: e, steps: steps}
	step, err := o.run(ctx)
	e.CustomerID, e.LocationID, e.Resumed = o.customerID, o.locationID, o.resumed
	if err != nil {
		e.Step = step
		return &plume.OnboardError{Step: step, Err: err}
	}
	return nil
}

// run runs the steps in Client.Onboard's order and returns the step that failed.
func (o *onboarding) run(ctx context.Context) (string, error) {
	req := o.req
	if req.VerifyNodesFirst {
		if step, err := verifyNodes(ctx, o.c, req); err != nil {
			return step, err
		}
	}
	if step, err := o.registerOrResume(ctx); err != nil {
		return step, err
	}
	if req.ServiceID != "" && (o.loc == nil || o.loc.ServiceID != req.ServiceID) {
		if _, err := o.c.Locations.SetServiceID(ctx, o.customerID, o.locationID, req.ServiceID); err != nil {
			return plume.StepServiceID, err
		}
	}
	if req.StaticIPv4 != nil {
		if err := o.staticIPv4(ctx); err != nil {
			return plume.StepStaticIPv4, err
		}
	}
	if req.Wifi != nil {
		if err := o.wifi(ctx); err != nil {
			return plume.StepWifi, err
		}
	}
	if step, err := o.claims(ctx); err != nil {
		return step, err
	}
	if err := o.checkpoint(ctx); err != nil {
		return plume.StepCheckpoint, err
	}
	if err := o.emailStep(ctx); err != nil {
		return plume.StepEmail, err
	}
	return "", nil
}

// registerOrResume registers the customer, or finds the one an earlier run registered and
// the location it worked on (the one with the service id, else the first).
func (o *onboarding) registerOrResume(ctx context.Context) (string, error) {
	reg, err := o.c.Customers.Register(ctx, plume.RegisterRequest{
		AccountID: o.req.AccountID,
		PartnerID: o.req.PartnerID,
		Email:     o.req.Email,
		Name:      o.req.Name,
		Profile:   o.req.Profile,
	})
	if err == nil {
		o.customerID, o.locationID, o.email = reg.ID, reg.LocationID, reg.Email
		// A customer just created has had nothing sent for it: steps journaled as begun
		// belong to an earlier customer of this account id, since deleted.
		*o.steps = stepStates{}
		if reg.LocationID != "" {
			return "", nil
		}
		// An answer without locationId: the location created with the customer is its only
		// one (as Client.Onboard reads it).
		locs, err := o.c.Locations.List(ctx, reg.ID)
		switch {
		case err != nil:
			return plume.StepRegister, err
		case len(locs) == 0:
			return plume.StepRegister, errNoLocation(reg.ID)
		}
		o.loc, o.locationID = &locs[0], locs[0].ID
		return "", nil
	}
	if !errors.Is(err, plume.ErrDuplicateAccount) {
		return plume.StepRegister, err
	}
	match, err := o.c.Customers.FindByAccountID(ctx, o.req.AccountID)
	if err != nil {
		return plume.StepFindCustomer, err
	}
	o.resumed = true
	o.customerID, o.email = match.ID, match.Email
	locs, err := o.c.Locations.List(ctx, match.ID)
	if err != nil {
		return plume.StepFindCustomer, err
	}
	if len(locs) == 0 {
		return plume.StepFindCustomer, errNoLocation(match.ID)
	}
	o.loc = &locs[0]
	for i := range locs {
		if o.req.ServiceID != "" && locs[i].ServiceID == o.req.ServiceID {
			o.loc = &locs[i]
			break
		}
	}
	o.locationID = o.loc.ID
	return "", nil
}

// staticIPv4 sets the static IPv4, unless a resumed location has it already.
func (o *onboarding) staticIPv4(ctx context.Context) error {
	if o.resumed {
		wan, err := o.c.Locations.GetWANConfiguration(ctx, o.customerID, o.locationID)
		if err != nil && !errors.Is(err, plume.ErrNotFound) {
			return err
		}
		if err == nil && wan.StaticIPv4 != nil && *wan.StaticIPv4 == *o.req.StaticIPv4 {
			return nil
		}
	}
	_, err := o.c.Locations.SetStaticIPv4(ctx, o.customerID, o.locationID, *o.req.StaticIPv4)
	return err
}

// wifi creates the WiFi network; an existing one is kept, or replaced with ReplaceWifi when it
// differs. A resumed location's network is read first rather than met with a 409.
func (o *onboarding) wifi(ctx context.Context) error {
	want := *o.req.Wifi
	if o.resumed {
		have, err := o.c.WifiNetworks.Get(ctx, o.customerID, o.locationID)
		switch {
		case errors.Is(err, plume.ErrNotFound):
		case err != nil:
			return err
		case !o.req.ReplaceWifi || sameWifi(have, want):
			return nil
		default:
			_, err = o.c.WifiNetworks.Replace(ctx, o.customerID, o.locationID, want)
			return err
		}
	}
	_, err := o.c.WifiNetworks.Create(ctx, o.customerID, o.locationID, want)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, plume.ErrWifiNetworkExists):
		return err
	case o.req.ReplaceWifi:
		_, err = o.c.WifiNetworks.Replace(ctx, o.customerID, o.locationID, want)
		return err
	}
	_, err = o.c.WifiNetworks.Get(ctx, o.customerID, o.locationID)
	return err
}

func sameWifi(have *plume.WifiNetwork, want plume.WifiNetworkRequest) bool {
	return have.SSID == want.SSID && have.EncryptionKey == want.EncryptionKey &&
		(want.WPAMode == "" || have.WPAMode == want.WPAMode)
}

// claims claims the gateway, then each extender; on a resumed location, those listed there
// already are not claimed again. A node that cannot be claimed stops the flow before the
// checkpoint.
func (o *onboarding) claims(ctx context.Context) (string, error) {
	serials := serialsOf(o.req)
	if len(serials) == 0 {
		return "", nil
	}
	present := map[string]bool{}
	if o.resumed {
		nodes, err := o.c.Nodes.List(ctx, o.customerID, o.locationID)
		if err != nil {
			return plume.StepClaim + " " + serials[0], err
		}
		for _, n := range nodes {
			present[strings.ToLower(n.ID)] = true
			present[strings.ToLower(n.SerialNumber)] = true
		}
	}
	for _, serial := range serials {
		if !present[strings.ToLower(serial)] {
			if err := o.claim(ctx, serial); err != nil {
				return plume.StepClaim + " " + serial, err
			}
		}
		o.e.Serials = append(o.e.Serials, serial)
	}
	return "", nil
}

// claim claims one serial; already claimed here is fine, and a 503 after the claim is checked
// against the location's nodes before it is called a failure (as Client.Onboard does).
func (o *onboarding) claim(ctx context.Context, serial string) error {
	_, err := o.c.Nodes.Claim(ctx, o.customerID, o.locationID, plume.ClaimRequest{SerialNumber: serial})
	if err == nil || !errors.Is(err, plume.ErrClaimIncomplete) {
		return err
	}
	nodes, listErr := o.c.Nodes.List(ctx, o.customerID, o.locationID)
	if listErr != nil {
		return err
	}
	for _, n := range nodes {
		if strings.EqualFold(n.ID, serial) || strings.EqualFold(n.SerialNumber, serial) {
			return nil
		}
	}
	return err
}

// checkpoint sets the onboarding checkpoint once: never again after a begin line whose
// request may have reached Plume.
func (o *onboarding) checkpoint(ctx context.Context) error {
	value := o.req.Checkpoint
	if value == "" {
		value = plume.OnboardingComplete
	}
	if o.sentBefore(stepCheckpoint, plume.StepCheckpoint) {
		return nil
	}
	return o.unconfirmable(ctx, stepCheckpoint, plume.StepCheckpoint, stepLine{LocationID: o.locationID}, func(ctx context.Context) error {
		_, err := o.c.Locations.SetOnboardingCheckpoint(ctx, o.customerID, o.locationID, value)
		return err
	})
}

// emailStep marks the email verified, or has Plume send the verification mail once. A
// resumed customer whose email is verified already needs neither.
func (o *onboarding) emailStep(ctx context.Context) error {
	switch o.req.EmailVerification {
	case plume.MarkEmailVerified:
		if o.resumed {
			if err := o.readCustomer(ctx); err != nil || o.customer.EmailVerified {
				return err
			}
		}
		_, err := o.c.Customers.MarkEmailVerified(ctx, o.customerID)
		return err
	case plume.SendEmailVerification:
		if o.sentBefore(stepEmail, plume.StepEmail) {
			return nil
		}
		if o.resumed {
			if err := o.readCustomer(ctx); err != nil || o.customer.EmailVerified {
				return err
			}
		}
		email := o.email
		if email == "" {
			email = o.req.Email
		}
		return o.unconfirmable(ctx, stepEmail, plume.StepEmail, stepLine{CustomerID: o.customerID}, func(ctx context.Context) error {
			err := o.c.Customers.ResendEmailVerification(ctx, email)
			if errors.Is(err, plume.ErrEmailAlreadyVerified) {
				return nil // nothing to send: the customer verified it meanwhile
			}
			return err
		})
	}
	return nil
}

func (o *onboarding) readCustomer(ctx context.Context) error {
	if o.customer != nil {
		return nil
	}
	c, err := o.c.Customers.Get(ctx, o.customerID)
	if err != nil {
		return err
	}
	o.customer = c
	if c.Email != "" {
		o.email = c.Email
	}
	return nil
}

// verifyNodes looks every serial up before anything is created (Client.Onboard's
// VerifyNodesFirst). A serial claimed by a customer other than this accountId's fails with
// ErrNodeOwnedElsewhere.
func verifyNodes(ctx context.Context, c *plume.Client, req plume.OnboardRequest) (string, error) {
	ownerOf := map[string]string{}
	for _, serial := range serialsOf(req) {
		found, err := c.Nodes.Lookup(ctx, serial)
		if err != nil {
			return plume.StepVerify + " " + serial, err
		}
		if found.Claimed() {
			ownerOf[serial] = found.CustomerID
		}
	}
	if len(ownerOf) == 0 {
		return "", nil
	}
	ours := ""
	match, err := c.Customers.FindByAccountID(ctx, req.AccountID)
	switch {
	case err == nil:
		ours = match.ID
	case !errors.Is(err, plume.ErrNotFound):
		return plume.StepFindCustomer, err
	}
	for _, serial := range serialsOf(req) {
		if owner, ok := ownerOf[serial]; ok && owner != ours {
			return plume.StepVerify + " " + serial, errOwnedElsewhere(serial)
		}
	}
	return "", nil
}

func errNoLocation(customerID string) error {
	return fmt.Errorf("batch: customer %s has no location to continue onboarding on: %w", customerID, plume.ErrNotFound)
}

func errOwnedElsewhere(serial string) error {
	return fmt.Errorf("batch: node %s is claimed by another customer: %w", serial, plume.ErrNodeOwnedElsewhere)
}

// serialsOf returns the gateway, then the extenders.
func serialsOf(req plume.OnboardRequest) []string {
	if req.Gateway == "" {
		return req.Extenders
	}
	return append([]string{req.Gateway}, req.Extenders...)
}
