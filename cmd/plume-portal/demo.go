package main

import (
	"context"
	"fmt"
	"math"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// The built-in fake's subscribers: enough to show every page. Ada's home is healthy, Grace's
// has an extender offline, Alan's business is suspended. The spare serials are for trying
// onboarding and RMA.
type demoSubscriber struct {
	req     plume.OnboardRequest
	offline []string // serials left offline
	suspend bool
	devices []plumetest.Device
}

var demoSubscribers = []demoSubscriber{
	{req: plume.OnboardRequest{
		AccountID: "crm-000101", Name: "Ada Lovelace", Email: "ada.lovelace@example.com", ServiceID: "svc-000101",
		Wifi:    &plume.WifiNetworkRequest{SSID: "Lovelace-Home", EncryptionKey: "analytical-engine-1843"},
		Gateway: "GW-1001", Extenders: []string{"POD-1001", "POD-1002"},
	}, devices: []plumetest.Device{
		{MAC: "3c:22:fb:10:00:01", Name: "Ada's laptop", IP: "192.168.1.20", FreqBand: "5G", Connected: true},
		{MAC: "3c:22:fb:10:00:02", Name: "Living room TV", IP: "192.168.1.21", NodeID: "POD-1001", Medium: "ethernet", Connected: true},
		{MAC: "3c:22:fb:10:00:03", Name: "Kitchen speaker", IP: "192.168.1.22", NodeID: "POD-1002", FreqBand: "2.4G", Connected: true},
		{MAC: "3c:22:fb:10:00:04", Name: "Phone", IP: "192.168.1.23", NodeID: "POD-1001", FreqBand: "5G", Connected: true},
		{MAC: "3c:22:fb:10:00:05", Name: "Old tablet", FreqBand: "2.4G"},
	}},
	{req: plume.OnboardRequest{
		AccountID: "crm-000102", Name: "Grace Hopper", Email: "grace.hopper@example.com", ServiceID: "svc-000102",
		Wifi:    &plume.WifiNetworkRequest{SSID: "Hopper-Home", EncryptionKey: "nanosecond-wire-1952"},
		Gateway: "GW-1002", Extenders: []string{"POD-1003"},
	}, offline: []string{"POD-1003"}, devices: []plumetest.Device{
		{MAC: "3c:22:fb:20:00:01", Name: "Grace's desktop", IP: "192.168.1.30", Medium: "ethernet", Connected: true},
		{MAC: "3c:22:fb:20:00:02", Name: "Printer", IP: "192.168.1.31", NodeID: "POD-1003", FreqBand: "2.4G"},
	}},
	{req: plume.OnboardRequest{
		AccountID: "crm-000103", Name: "Turing Bakery", Email: "alan@bakery.example.com", ServiceID: "svc-000103",
		Profile: plume.ProfileSmallBusiness,
		Wifi:    &plume.WifiNetworkRequest{SSID: "Bakery", EncryptionKey: "enigma-crumbs-1936"},
		Gateway: "GW-1003",
	}, suspend: true, devices: []plumetest.Device{
		{MAC: "3c:22:fb:30:00:01", Name: "Till", IP: "192.168.1.40", Medium: "ethernet", Connected: true},
	}},
}

// Spare inventory of the fake, for onboarding and RMA.
var (
	demoSpareGateways = []string{"GW-2001", "GW-2002", "GW-2003"}
	demoSparePods     = []string{"POD-2001", "POD-2002", "POD-2003", "POD-2004"}
)

// seedDemo fills a fake cloud with the demo subscribers, through the SDK like any
// integration would (a separate client without the rate limit, so that start-up is quick).
func seedDemo(ctx context.Context, fake *plumetest.Server, _ *plume.Client) error {
	seeder := fake.Client(plume.WithRateLimit(math.Inf(1), 1))
	for _, s := range demoSubscribers {
		fake.AddGateways(s.req.Gateway)
		fake.AddInventory(s.req.Extenders...)
	}
	fake.AddGateways(demoSpareGateways...)
	fake.AddInventory(demoSparePods...)
	for _, s := range demoSubscribers {
		req := s.req
		req.EmailVerification = plume.MarkEmailVerified
		res, err := seeder.Onboard(ctx, req)
		if err != nil {
			return fmt.Errorf("onboarding %s: %w", req.AccountID, err)
		}
		offline := map[string]bool{}
		for _, serial := range s.offline {
			offline[serial] = true
		}
		for _, serial := range append([]string{req.Gateway}, req.Extenders...) {
			if !offline[serial] {
				fake.SetNodeOnline(serial, true)
			}
		}
		for _, d := range s.devices {
			fake.AddDevice(res.CustomerID, res.LocationID, d)
		}
		if s.suspend {
			if err := seeder.Suspend(ctx, res.CustomerID, res.LocationID, plume.NoService); err != nil {
				return err
			}
		}
	}
	return nil
}
