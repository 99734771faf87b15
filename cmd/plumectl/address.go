package main

// What the support commands (devices, reboot, steer, firmware, speedtest) share: the flags that
// say which location they act on and how it is found, the fake they run against with --fake,
// the exit status of an SDK error, and the progress line while a flow waits.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// addressFlags say which location a support command acts on: by its ids, by the serial of a
// node claimed there (Nodes.Lookup), or by its service id (Locations.FindByServiceID).
type addressFlags struct {
	customerID, locationID string
	serial                 string
	serviceID              string
}

// addressHelp is the paragraph of each support command's help on its addressing and --fake.
const addressHelp = `The location is given by its ids (--customer ID --location ID), by the serial of a node
claimed there (--serial SERIAL), or by its service id (--service-id ID).

With --fake it runs against a built-in fake Plume Cloud holding one demo subscriber (service
id svc-demo-0001, gateway GW-DEMO-0001, extenders POD-DEMO-0001 and POD-DEMO-0002), or with
--csv FILE the file's rows instead, each location with a few client devices. In the fake a
reboot keeps a node down for 3 s, a speed test runs for 1 s and a firmware upgrade waits 1 s
then runs for 3 s, so that nothing waits for real.`

// Seeds of the fake: the demo subscriber, and how long its timed states last.
const (
	demoAccount   = "crm-demo-0001"
	demoServiceID = "svc-demo-0001"
	demoGateway   = "GW-DEMO-0001"
	demoWifiKey   = "demo-wifi-key-1843" // never printed
)

var (
	demoPods    = []string{"POD-DEMO-0001", "POD-DEMO-0002"}
	fakeTimings = plumetest.Timings{
		// Longer than the first pause (2 s) of Client.RebootAndWait, so that its first poll
		// sees the node down and its second (6 s after the reboot) sees it back.
		Reboot:          3 * time.Second,
		SpeedTest:       time.Second, // done by Client.SpeedTest's first poll, 2 s after the start
		FirmwareQueue:   time.Second,
		FirmwareUpgrade: 3 * time.Second,
	}
)

func (f *addressFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.customerID, "customer", "", "the customer's `id` (with --location)")
	cmd.Flags().StringVar(&f.locationID, "location", "", "the location's `id` (with --customer)")
	cmd.Flags().StringVar(&f.serial, "serial", "", "the `serial` of a node claimed at the location")
	cmd.Flags().StringVar(&f.serviceID, "service-id", "", "the location's service `id`")
}

// check returns a usage error unless exactly one way of finding the location is given.
func (f *addressFlags) check(cmd *cobra.Command) error {
	ways := 0
	if f.customerID != "" || f.locationID != "" {
		if f.customerID == "" || f.locationID == "" {
			return usageErrorf(cmd, "--customer and --location go together")
		}
		ways++
	}
	if f.serial != "" {
		ways++
	}
	if f.serviceID != "" {
		ways++
	}
	if ways != 1 {
		return usageErrorf(cmd, "give one of --customer ID --location ID, --serial SERIAL, --service-id ID")
	}
	return nil
}

// place is a location found: its ids, and the node serial it was found by, if any.
type place struct {
	CustomerID string `json:"customer_id"`
	LocationID string `json:"location_id"`
	Serial     string `json:"-"` // --serial: the node named, which node commands default to
	byIDs      bool   // --customer and --location: ids the API has not confirmed
}

func (p place) String() string {
	return fmt.Sprintf("location %s of customer %s", p.LocationID, p.CustomerID)
}

// resolve finds the location. What is not found is exit status 1.
func (f *addressFlags) resolve(ctx context.Context, cmd *cobra.Command, client *plume.Client) (place, error) {
	switch {
	case f.serial != "":
		n, err := client.Nodes.Lookup(ctx, f.serial)
		if err != nil {
			return place{}, sdkError(cmd, err, fmt.Sprintf("serial %q is not in your inventory", f.serial))
		}
		if !n.Claimed() {
			return place{}, &statusError{status: exitFailed, err: fmt.Errorf("%s: serial %q is not claimed at any location", cmd.Name(), f.serial)}
		}
		return place{CustomerID: n.CustomerID, LocationID: n.LocationID, Serial: f.serial}, nil
	case f.serviceID != "":
		l, err := client.Locations.FindByServiceID(ctx, f.serviceID)
		if err != nil {
			return place{}, sdkError(cmd, err, fmt.Sprintf("no location has service id %q", f.serviceID))
		}
		return place{CustomerID: l.CustomerID, LocationID: l.ID}, nil
	}
	return place{CustomerID: f.customerID, LocationID: f.locationID, byIDs: true}, nil
}

// fail is sdkError for a call at p. Addressed by ids the API has not confirmed, a 401 is also
// "not found": the API answers 401, once the SDK has fetched a new token and tried again, for
// a customer id that is unknown or outside the partner's scope (docs/plume-api.md §13.7).
func (p place) fail(cmd *cobra.Command, err error, notFound string) error {
	if p.byIDs && errors.Is(err, plume.ErrUnauthorized) {
		return &statusError{status: exitFailed, err: fmt.Errorf("%s: %s (the API answered 401: customer %s is unknown, or not your partner's)", cmd.Name(), notFound, p.CustomerID)}
	}
	return sdkError(cmd, err, notFound)
}

// sdkError gives an SDK call's error its exit status: input the SDK refused before sending
// (an id, a MAC, a delay) is a bad command line, 2, and so is a value the API refused with a
// 422 (ErrValidation: a port already forwarded, a key in use, a time outside the window); the
// API's not found is 1 with the message notFound; any other error is returned as it is (3, or
// 130 after Ctrl-C).
func sdkError(cmd *cobra.Command, err error, notFound string) error {
	var invalid *plume.ValidationError
	if errors.As(err, &invalid) {
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: %w", cmd.Name(), err)}
	}
	if errors.Is(err, plume.ErrValidation) {
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: the API refused a value: %w", cmd.Name(), err)}
	}
	return foundNothing(cmd, err, notFound)
}

// checkAt checks the flags of a command on one location, before anything is sent: --output,
// --fake and --csv (singleFlags), then the address (addressFlags).
func checkAt(cmd *cobra.Command, f *singleFlags, where *addressFlags) error {
	if err := f.check(cmd); err != nil {
		return err
	}
	return where.check(cmd)
}

// connectAt connects a support command (connectSupport) and finds the location its address
// flags name. The caller closes the conn; on an error there is none to close.
func (a *app) connectAt(cmd *cobra.Command, f *singleFlags, where *addressFlags) (*conn, place, error) {
	c, err := a.connectSupport(cmd.Context(), f)
	if err != nil {
		return nil, place{}, err
	}
	at, err := where.resolve(cmd.Context(), cmd, c.client)
	if err != nil {
		c.Close()
		return nil, place{}, err
	}
	return c, at, nil
}

// connectSupport connects a support command: to the cloud of the PLUME_* variables, or to a
// fake started with short timings, seeded with the demo subscriber or the --csv file's rows,
// their nodes online, a few client devices at each location, one of them with a DHCP
// reservation and port forwards, two of them held by a person.
func (a *app) connectSupport(ctx context.Context, f *singleFlags) (*conn, error) {
	if !f.fake {
		return a.connectSingle(ctx, f)
	}
	srv, err := plumetest.Start(plumetest.WithWAF(0, 0), plumetest.WithTimings(fakeTimings))
	if err != nil {
		return nil, fmt.Errorf("starting the fake Plume Cloud: %w", err)
	}
	c := &conn{
		client: srv.Client(plume.WithHTTPClient(pooledHTTPClient(1)), plume.WithUserAgent("plumectl/"+plume.Version),
			plume.WithPolling(250*time.Millisecond, time.Second)), // the fake's short timings
		fake:      srv,
		apiURL:    srv.URL,
		partnerID: srv.Credentials().PartnerID,
	}
	fmt.Fprintf(a.stderr, "Using a built-in fake Plume Cloud at %s (reboots take 3 s, speed tests 1 s)\n", srv.URL)
	if f.seedCSV != "" {
		err = a.seedFake(ctx, srv, connOptions{seedCSV: f.seedCSV, seedOnboard: true})
	} else {
		err = seedDemo(ctx, srv)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	seedSupport(srv)
	// What plumectl portforward and freeze show: a reserved device with two port forwards,
	// and a person holding two devices, at each location.
	if err := seedPortForwards(ctx, srv); err != nil {
		c.Close()
		return nil, err
	}
	if err := seedFreezePersons(ctx, srv); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// seedDemo onboards the demo subscriber into the fake.
func seedDemo(ctx context.Context, srv *plumetest.Server) error {
	srv.AddGateways(demoGateway)
	srv.AddInventory(demoPods...)
	client := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	_, err := client.Onboard(ctx, plume.OnboardRequest{
		AccountID: demoAccount,
		Name:      "Demo Subscriber",
		Email:     "demo@example.com",
		ServiceID: demoServiceID,
		Wifi:      &plume.WifiNetworkRequest{SSID: "Demo-Home", EncryptionKey: demoWifiKey, WPAMode: plume.WPAPSK2},
		Gateway:   demoGateway,
		Extenders: demoPods,
	})
	if err != nil {
		return fmt.Errorf("seeding the fake: %w", err)
	}
	return nil
}

// seedSupport brings every claimed node of the fake online and gives each location a few
// client devices: on the gateway and the first extender, on each band and on ethernet, and one
// offline for ten days (which --days-offline 5 leaves out).
func seedSupport(srv *plumetest.Server) {
	pods := map[string]string{} // location id → its first extender
	for _, n := range srv.Nodes() {
		if n.LocationID == "" {
			continue
		}
		srv.SetNodeOnline(n.Serial, true)
		if !n.Gateway && pods[n.LocationID] == "" {
			pods[n.LocationID] = n.Serial
		}
	}
	for i, l := range srv.Locations() {
		if l.Archived {
			continue
		}
		mac := func(d int) string { return fmt.Sprintf("02:5c:%02x:%02x:00:%02x", (i>>8)&0xff, i&0xff, d) }
		pod := pods[l.ID] // "" serves from the gateway
		for d, dev := range []plumetest.Device{
			{Name: "Pixel 8", IP: "192.168.1.20", FreqBand: "5G", Connected: true},
			{Name: "MacBook Air", IP: "192.168.1.21", FreqBand: "6G", NodeID: pod, Connected: true},
			{Name: "Living room TV", IP: "192.168.1.22", FreqBand: "2.4G", NodeID: pod, Connected: true},
			{Name: "Printer", IP: "192.168.1.23", Medium: "ethernet", Connected: true},
			{Name: "Old tablet", FreqBand: "2.4G", LastSeen: time.Now().Add(-10 * 24 * time.Hour)},
		} {
			dev.MAC = mac(d + 1)
			srv.AddDevice(l.CustomerID, l.ID, dev)
		}
	}
}

// waitLine shows that a flow is waiting: a line on stderr when it starts, then, on a
// terminal, the seconds waited redrawn each second, else a line every waitLineEvery. done
// ends it; nothing is written after done returns.
func (a *app) waitLine(what string) (done func()) {
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	fmt.Fprintf(a.stderr, "%s…", what)
	if !a.progress {
		fmt.Fprintln(a.stderr)
	}
	wg.Go(func() {
		every := waitLineEvery
		if a.progress {
			every = time.Second
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				waited := time.Since(start).Round(time.Second)
				if a.progress {
					fmt.Fprintf(a.stderr, "\r%s… %s", what, waited)
				} else {
					fmt.Fprintf(a.stderr, "%s… still waiting (%s)\n", what, waited)
				}
			}
		}
	})
	return sync.OnceFunc(func() {
		close(stop)
		wg.Wait()
		if a.progress {
			fmt.Fprintln(a.stderr)
		}
	})
}

// waitLineEvery is how often waitLine writes a line when stderr is not a terminal.
const waitLineEvery = 10 * time.Second

// nodeOrDefault is the node a node command acts on: --node, else the serial the location was
// found by, else "".
func nodeOrDefault(node string, p place) string {
	if node != "" {
		return node
	}
	return p.Serial
}

// rfc3339 formats t in UTC to the second, "" when zero.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
