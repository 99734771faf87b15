package main

// The fake that status and sweep run against with --fake: a small fleet whose reports differ,
// on a clock of the fake's own, so that speed tests have finished and nodes have been offline
// for a while when the command reads them.

import (
	"context"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// fleetSite is a location of the demo fleet.
type fleetSite struct {
	account, serviceID, gateway string
	pods                        []string
	down                        []string // serials offline since fleetDownAgo
	slowMbps                    float64  // the line's download speed, when slow
}

// demoFleet is the fleet of the fake: svc-demo-0001 is the support commands' demo subscriber.
var demoFleet = []fleetSite{
	{account: demoAccount, serviceID: demoServiceID, gateway: demoGateway, pods: demoPods, down: demoPods[1:]},                                                        // degraded
	{account: "crm-demo-0002", serviceID: "svc-demo-0002", gateway: "GW-DEMO-0002", pods: []string{"POD-DEMO-0003"}},                                                  // online
	{account: "crm-demo-0003", serviceID: "svc-demo-0003", gateway: "GW-DEMO-0003", pods: []string{"POD-DEMO-0004"}, down: []string{"GW-DEMO-0003", "POD-DEMO-0004"}}, // offline
	{account: "crm-demo-0004", serviceID: "svc-demo-0004", gateway: "GW-DEMO-0004", slowMbps: 18},                                                                     // degraded: a slow line
}

// fleetDownAgo is how long before plumectl started the fleet's offline nodes went down; the
// speed tests ran a minute before that.
const fleetDownAgo = 9 * time.Minute

// healthConnOptions say how status and sweep connect.
type healthConnOptions struct {
	fake    bool
	rate    float64
	workers int
	seedCSV string // with fake: a CSV to onboard into the fake too, when it is an onboarding file
}

// connectHealth connects status or sweep: to the cloud of the PLUME_* variables, or to a fake
// holding the demo fleet (and the --csv file's rows, when it is an onboarding file), every
// node online but those of demoFleet.down, five client devices at each location and a speed
// test on each gateway. Its limiter is a batch.Gate at o.rate.
func (a *app) connectHealth(ctx context.Context, o healthConnOptions) (*conn, error) {
	if !o.fake {
		return a.connect(ctx, connOptions{rate: o.rate, workers: o.workers})
	}
	gate, err := batch.NewRateGate(o.rate, burstFor(o.rate))
	if err != nil {
		return nil, err
	}
	clock := plumetest.NewManualClock(time.Now().UTC().Add(-fleetDownAgo - time.Minute))
	srv, err := plumetest.Start(plumetest.WithWAF(0, 0), plumetest.WithClock(clock.Now))
	if err != nil {
		return nil, fmt.Errorf("starting the fake Plume Cloud: %w", err)
	}
	c := &conn{
		client: srv.Client(plume.WithRateLimiter(gate), plume.WithHTTPClient(pooledHTTPClient(o.workers)),
			plume.WithUserAgent("plumectl/"+plume.Version)),
		gate: gate, fake: srv, apiURL: srv.URL, partnerID: srv.Credentials().PartnerID,
	}
	fmt.Fprintf(a.stderr, "Using a built-in fake Plume Cloud at %s (the demo fleet: svc-demo-0001 to svc-demo-%04d)\n", srv.URL, len(demoFleet))
	if err := a.seedFleet(ctx, srv, clock, o.seedCSV); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// seedFleet onboards the demo fleet (and an onboarding CSV's rows), brings the nodes online,
// seeds devices, runs a speed test on every gateway, then a minute later takes the fleet's
// down nodes offline and moves the clock to now.
func (a *app) seedFleet(ctx context.Context, srv *plumetest.Server, clock *plumetest.ManualClock, csv string) error {
	client := srv.Client(plume.WithRateLimit(math.Inf(1), 1), plume.WithHTTPClient(pooledHTTPClient(8)))
	for _, s := range demoFleet {
		srv.AddGateways(s.gateway)
		srv.AddInventory(s.pods...)
		_, err := client.Onboard(ctx, plume.OnboardRequest{
			AccountID: s.account, Name: "Demo " + s.serviceID, ServiceID: s.serviceID,
			Wifi:    &plume.WifiNetworkRequest{SSID: "Demo-Home", EncryptionKey: demoWifiKey, WPAMode: plume.WPAPSK2},
			Gateway: s.gateway, Extenders: s.pods,
		})
		if err != nil {
			return fmt.Errorf("seeding the fake: %w", err)
		}
		if s.slowMbps > 0 {
			srv.SetSpeedResult(s.gateway, s.slowMbps, s.slowMbps/4, 35)
		}
	}
	if csv != "" && isOnboardingCSV(csv) {
		if err := a.seedFake(ctx, srv, connOptions{seedCSV: csv, seedOnboard: true}); err != nil {
			return err
		}
	}
	seedSupport(srv)
	gateways := map[string]string{} // location id → its gateway: the first gateway claimed there
	for _, n := range srv.Nodes() {
		if n.LocationID != "" && n.Gateway && gateways[n.LocationID] == "" {
			gateways[n.LocationID] = n.Serial
		}
	}
	for _, l := range srv.Locations() {
		if gw := gateways[l.ID]; gw != "" && !l.Archived {
			if _, err := client.Nodes.StartSpeedTest(ctx, l.CustomerID, l.ID, gw, nil); err != nil {
				return fmt.Errorf("seeding the fake: %w", err)
			}
		}
	}
	clock.Advance(time.Minute) // the speed tests have finished
	for _, s := range demoFleet {
		for _, serial := range s.down {
			srv.SetNodeOnline(serial, false)
		}
	}
	clock.Advance(fleetDownAgo)
	return nil
}

// isOnboardingCSV reports whether the file reads as an onboarding CSV with a gateway column:
// its rows can be onboarded into the fake.
func isOnboardingCSV(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for rec, err := range batch.ReadCSV(f) {
		return err == nil && rec.AccountID != "" && rec.Gateway != ""
	}
	return false
}
