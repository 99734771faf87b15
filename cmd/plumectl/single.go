package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/plumecloud/plume-go"
)

// singleFlags are the flags of rma, lookup and token.
type singleFlags struct {
	output  string
	fake    bool
	seedCSV string
}

func (a *app) singleFlagSet(name string, f *singleFlags) *flag.FlagSet {
	fs := a.newFlags(name)
	fs.StringVar(&f.output, "output", "text", "`format`: text or json")
	fs.BoolVar(&f.fake, "fake", false, "run against a built-in fake Plume Cloud")
	if name != "token" {
		fs.StringVar(&f.seedCSV, "csv", "", "with --fake: onboard this CSV `file` into the fake first")
	}
	return fs
}

func (f *singleFlags) check() error {
	if f.output != "text" && f.output != "json" {
		return fmt.Errorf("--output must be text or json, not %q", f.output)
	}
	if f.seedCSV != "" && !f.fake {
		return errors.New("--csv goes with --fake")
	}
	return nil
}

func (a *app) connectSingle(ctx context.Context, f *singleFlags) (*conn, error) {
	return a.connect(ctx, connOptions{fake: f.fake, rate: plume.DefaultRateLimit, workers: 1, seedCSV: f.seedCSV, seedOnboard: true})
}

// writeJSON prints v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// rmaOutcome is one serial of plumectl rma.
type rmaOutcome struct {
	Serial           string `json:"serial"`
	CustomerID       string `json:"customer_id,omitempty"`
	LocationID       string `json:"location_id,omitempty"`
	AlreadyUnclaimed bool   `json:"already_unclaimed,omitempty"`
	Error            string `json:"error,omitempty"`
}

// rma unclaims each serial for return, wherever it is claimed.
func (a *app) rma(ctx context.Context, args []string) int {
	var f singleFlags
	fs := a.singleFlagSet("rma", &f)
	serials, err := parse(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if err := f.check(); err != nil {
		return a.usageError("rma: %v", err)
	}
	if len(serials) == 0 {
		return a.usageError("rma: a SERIAL is required")
	}
	c, err := a.connectSingle(ctx, &f)
	if err != nil {
		return a.fail(ctx, err)
	}
	defer c.Close()
	status := exitOK
	var outcomes []rmaOutcome
	for _, serial := range serials {
		out := rmaOutcome{Serial: serial}
		res, err := c.client.UnclaimForRMA(ctx, serial)
		if res != nil {
			out.CustomerID, out.LocationID, out.AlreadyUnclaimed = res.CustomerID, res.LocationID, res.AlreadyUnclaimed
		}
		if err != nil {
			out.Error = err.Error()
			status = exitFailed
		}
		outcomes = append(outcomes, out)
		if f.output == "text" {
			fmt.Fprintln(a.stdout, out.text())
		}
	}
	if f.output == "json" {
		if err := writeJSON(a.stdout, outcomes); err != nil {
			return a.fail(ctx, err)
		}
	}
	if ctx.Err() != nil {
		return exitInterrupted
	}
	return status
}

func (o rmaOutcome) text() string {
	switch {
	case o.Error != "":
		return fmt.Sprintf("%s: NOT unclaimed: %s", o.Serial, o.Error)
	case o.AlreadyUnclaimed:
		return fmt.Sprintf("%s: not claimed anywhere: nothing to do", o.Serial)
	}
	return fmt.Sprintf("%s: unclaimed from customer %s, location %s", o.Serial, o.CustomerID, o.LocationID)
}

// lookup finds a customer by account id, a node by serial, or a location by service id.
func (a *app) lookup(ctx context.Context, args []string) int {
	var f singleFlags
	var account, serial, serviceID string
	fs := a.singleFlagSet("lookup", &f)
	fs.StringVar(&account, "account", "", "the customer's account `id`")
	fs.StringVar(&serial, "serial", "", "a node's `serial`")
	fs.StringVar(&serviceID, "service-id", "", "a location's service `id`")
	positional, err := parse(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if err := f.check(); err != nil {
		return a.usageError("lookup: %v", err)
	}
	given := 0
	for _, v := range []string{account, serial, serviceID} {
		if v != "" {
			given++
		}
	}
	if given != 1 || len(positional) > 0 {
		return a.usageError("lookup: give one of --account ID, --serial SERIAL, --service-id ID")
	}
	c, err := a.connectSingle(ctx, &f)
	if err != nil {
		return a.fail(ctx, err)
	}
	defer c.Close()

	var found any
	var text string
	switch {
	case account != "":
		found, text, err = lookupAccount(ctx, c.client, account)
	case serial != "":
		found, text, err = lookupSerial(ctx, c.client, serial)
	default:
		found, text, err = lookupServiceID(ctx, c.client, serviceID)
	}
	if errors.Is(err, plume.ErrNotFound) {
		fmt.Fprintln(a.stderr, "plumectl: lookup:", text)
		return exitFailed
	}
	if err != nil {
		return a.fail(ctx, err)
	}
	if f.output == "json" {
		if err := writeJSON(a.stdout, found); err != nil {
			return a.fail(ctx, err)
		}
		return exitOK
	}
	fmt.Fprintln(a.stdout, text)
	return exitOK
}

type customerFound struct {
	CustomerID  string   `json:"customer_id"`
	AccountID   string   `json:"account_id"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	LocationIDs []string `json:"location_ids"`
}

func lookupAccount(ctx context.Context, client *plume.Client, account string) (any, string, error) {
	m, err := client.Customers.FindByAccountID(ctx, account)
	if err != nil {
		return nil, fmt.Sprintf("no customer has account id %q", account), err
	}
	found := customerFound{CustomerID: m.ID, AccountID: m.AccountID, Name: m.Name, Email: m.Email, LocationIDs: m.LocationIDs}
	return found, fmt.Sprintf("Customer %s: account %s, name %q, email %s, locations %v", m.ID, m.AccountID, m.Name, m.Email, m.LocationIDs), nil
}

type nodeFound struct {
	Serial     string `json:"serial"`
	Claimed    bool   `json:"claimed"`
	CustomerID string `json:"customer_id,omitempty"`
	LocationID string `json:"location_id,omitempty"`
	PackID     string `json:"pack_id,omitempty"`
	PartnerID  string `json:"partner_id,omitempty"`
}

func lookupSerial(ctx context.Context, client *plume.Client, serial string) (any, string, error) {
	n, err := client.Nodes.Lookup(ctx, serial)
	if err != nil {
		return nil, fmt.Sprintf("serial %q is not in your inventory", serial), err
	}
	found := nodeFound{Serial: serial, Claimed: n.Claimed(), CustomerID: n.CustomerID, LocationID: n.LocationID, PackID: n.PackID, PartnerID: n.PartnerID}
	if !n.Claimed() {
		return found, fmt.Sprintf("Serial %s: in inventory, not claimed", serial), nil
	}
	return found, fmt.Sprintf("Serial %s: claimed by customer %s at location %s", serial, n.CustomerID, n.LocationID), nil
}

type locationFound struct {
	LocationID   string `json:"location_id"`
	Name         string `json:"name"`
	ServiceID    string `json:"service_id"`
	CustomerID   string `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	AccountID    string `json:"account_id"`
}

func lookupServiceID(ctx context.Context, client *plume.Client, serviceID string) (any, string, error) {
	l, err := client.Locations.FindByServiceID(ctx, serviceID)
	if err != nil {
		return nil, fmt.Sprintf("no location has service id %q", serviceID), err
	}
	found := locationFound{LocationID: l.ID, Name: l.Name, ServiceID: l.ServiceID, CustomerID: l.CustomerID, CustomerName: l.CustomerName, AccountID: l.AccountID}
	return found, fmt.Sprintf("Service id %s: location %s (%q) of customer %s (account %s)", serviceID, l.ID, l.Name, l.CustomerID, l.AccountID), nil
}

// tokenReport is what plumectl token prints: never the token.
type tokenReport struct {
	APIURL           string    `json:"api_url"`
	PartnerID        string    `json:"partner_id"`
	ExpiresAt        time.Time `json:"expires_at,omitzero"`
	ExpiresInSeconds float64   `json:"expires_in_seconds,omitempty"`
	APIAnswered      bool      `json:"api_answered"`
}

// token checks the credentials: it gets a token (and prints its expiry, never the token),
// then makes one cheap API call with it.
func (a *app) token(ctx context.Context, args []string) int {
	var f singleFlags
	fs := a.singleFlagSet("token", &f)
	positional, err := parse(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if err := f.check(); err != nil {
		return a.usageError("token: %v", err)
	}
	if len(positional) > 0 {
		return a.usageError("token: unexpected argument %q", positional[0])
	}
	c, err := a.connectSingle(ctx, &f)
	if err != nil {
		return a.fail(ctx, err)
	}
	defer c.Close()
	expiry, err := c.client.TokenExpiry(ctx)
	if err != nil {
		return a.fail(ctx, fmt.Errorf("the token endpoint refused: %w", err))
	}
	rep := tokenReport{APIURL: c.apiURL, PartnerID: c.partnerID, ExpiresAt: expiry.UTC()}
	if !expiry.IsZero() {
		rep.ExpiresInSeconds = time.Until(expiry).Round(time.Second).Seconds()
	}
	if _, err := c.client.Customers.List(ctx, &plume.ListOptions{Limit: 1, Fields: []string{"id"}}); err != nil {
		return a.fail(ctx, fmt.Errorf("got a token, but the API refused it: %w", err))
	}
	rep.APIAnswered = true
	if f.output == "json" {
		if err := writeJSON(a.stdout, rep); err != nil {
			return a.fail(ctx, err)
		}
		return exitOK
	}
	expires := "no expiry given"
	if !expiry.IsZero() {
		expires = fmt.Sprintf("expires %s (in %s)", rep.ExpiresAt.Format(time.RFC3339), time.Duration(rep.ExpiresInSeconds)*time.Second)
	}
	fmt.Fprintf(a.stdout, "Credentials OK for partner %s: token %s; %s answered.\n", c.partnerID, expires, c.apiURL)
	return exitOK
}
