// Command support walks through a support call: find the subscriber by the service id on the
// ticket, list the devices at home, reboot an extender and wait until it is back
// (Client.RebootAndWait), run a speed test and wait for its result (Client.SpeedTest), and
// print the firmware status of the nodes.
//
//	go run ./examples/support                 # against the built-in fake Plume Cloud
//	PLUME_API_URL=... go run ./examples/support -service-id svc-1 [-extender POD...]
//
// Plume documents no log-pull endpoint, so there is no "fetch the logs" step:
// Locations.SetLogDestination only chooses where the nodes write their logs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// The subscriber the built-in fake is seeded with.
const (
	fakeServiceID = "svc-demo-support-01"
	fakeGateway   = "GW-DEMO-0001"
	fakeExtender  = "POD-DEMO-0001"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "support:", err)
		os.Exit(1)
	}
}

func run() error {
	serviceID := flag.String("service-id", fakeServiceID, "the service id on the ticket")
	extender := flag.String("extender", "", "serial of the extender to reboot (default: the location's first node that is not its gateway)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	client, closeFake, err := newClient()
	if err != nil {
		return err
	}
	defer closeFake()

	// 1. The subscriber, by the service id on the ticket.
	loc, err := client.Locations.FindByServiceID(ctx, *serviceID)
	if errors.Is(err, plume.ErrNotFound) {
		return fmt.Errorf("no location has service id %q", *serviceID)
	} else if err != nil {
		return err
	}
	customerID, locationID := loc.CustomerID, loc.ID
	fmt.Printf("Subscriber: %s (account %s), location %q (%s)\n", loc.CustomerName, loc.AccountID, loc.Name, locationID)

	// 2. The devices at home, offline for a week at most.
	devices, err := client.Devices.List(ctx, customerID, locationID, &plume.DeviceListOptions{DaysOffline: 7})
	if err != nil {
		return err
	}
	printDevices(devices)

	// 3. Reboot an extender and wait until it is back. RebootAndWait polls the node inside the
	// client's rate budget, after 2, 4, 8, 16 s and then every 30 s.
	nodes, err := client.Nodes.List(ctx, customerID, locationID)
	if err != nil {
		return err
	}
	gateway, pod := gatewayAndExtender(nodes)
	if *extender != "" {
		pod = *extender
	}
	if pod == "" {
		fmt.Println("Reboot:      no extender at this location")
	} else {
		fmt.Printf("Reboot:      %s, waiting for it to come back…\n", pod)
		start := time.Now()
		node, err := client.RebootAndWait(ctx, customerID, locationID, pod, nil)
		if err != nil {
			return err
		}
		fmt.Printf("Reboot:      %s is %s again after %s\n", pod, node.ConnectionState, time.Since(start).Round(time.Second))
	}

	// 4. A speed test on the gateway, waiting for its result.
	fmt.Printf("Speed test:  on %s, waiting for the result…\n", gateway)
	res, err := client.SpeedTest(ctx, customerID, locationID, gateway)
	switch {
	case errors.Is(err, plume.ErrSpeedTestFailed):
		fmt.Printf("Speed test:  failed (%s)\n", res.Status)
	case err != nil:
		return err
	default:
		fmt.Printf("Speed test:  download %.0f Mbps, upload %.0f Mbps, latency %s\n", res.DownloadMbps, res.UploadMbps, res.Latency)
	}

	// 5. Firmware. Plume documents no target version and no downgrade: an upgrade
	// (Locations.RequestFirmwareUpgrade) takes every node to the version the cloud chooses.
	fw, err := client.Locations.FirmwareStatus(ctx, customerID, locationID)
	if err != nil {
		return err
	}
	printFirmware(fw)
	return nil
}

// gatewayAndExtender picks the gateway (the node marked residentialGateway, else the first)
// and the first other node.
func gatewayAndExtender(nodes []plume.Node) (gateway, extender string) {
	if len(nodes) == 0 {
		return "", ""
	}
	gateway = nodes[0].ID
	for _, n := range nodes {
		if n.ResidentialGateway {
			gateway = n.ID
		}
	}
	for _, n := range nodes {
		if n.ID != gateway {
			return gateway, n.ID
		}
	}
	return gateway, ""
}

func printDevices(devices []plume.Device) {
	fmt.Printf("Devices:     %d\n", len(devices))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tMAC\tIP\tBAND\tSTATE")
	for _, d := range devices {
		name, band := d.Name, d.FreqBand
		if d.Nickname != "" {
			name = d.Nickname
		}
		if d.Medium == "ethernet" {
			band = "ethernet"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", name, d.MAC, d.IP, band, d.ConnectionState)
	}
	tw.Flush()
}

func printFirmware(fw *plume.FirmwareStatus) {
	if len(fw.Nodes) == 0 { // the reference documents no shape for the answer: show it as sent
		fmt.Printf("Firmware:    %s\n", fw.Raw)
		return
	}
	for _, n := range fw.Nodes {
		fmt.Printf("Firmware:    %s at %s (status %s", n.NodeID, n.FirmwareVersion, n.Status)
		if n.TargetVersion != "" && n.TargetVersion != n.FirmwareVersion {
			fmt.Printf(", target %s", n.TargetVersion)
		}
		fmt.Println(")")
	}
}

// newClient builds the client: against the Plume Cloud named by the PLUME_* variables when
// they are set (plume.NewClientFromEnv), else against the built-in fake Plume Cloud
// (plumetest), seeded with a subscriber to support. A real integration needs only the first
// branch; the second shows the options every client is made of.
func newClient() (*plume.Client, func(), error) {
	var opts []plume.Option
	if os.Getenv("PLUME_DEBUG") != "" { // one debug line per HTTP attempt, never a secret
		opts = append(opts, plume.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if plume.EnvConfigured() {
		client, err := plume.NewClientFromEnv(opts...)
		if err != nil {
			return nil, nil, err
		}
		fmt.Printf("Using the Plume Cloud at %s\n", os.Getenv(plume.EnvAPIURL))
		return client, func() {}, nil
	}
	// Short timings, so that nothing waits for long: a rebooted node is down for 3 s (the
	// first poll, after 2 s, sees it down; the second, after 4 s more, sees it back), and a
	// speed test runs for 1 s.
	fakeOpts := []plumetest.Option{plumetest.WithTimings(plumetest.Timings{Reboot: 3 * time.Second, SpeedTest: time.Second})}
	if os.Getenv("PLUME_FAKE_SHAPES") == "reference" { // answer in the shapes of Plume's reference
		fakeOpts = append(fakeOpts, plumetest.WithReferenceShapes())
	}
	srv, err := plumetest.Start(fakeOpts...)
	if err != nil {
		return nil, nil, fmt.Errorf("starting the fake Plume Cloud: %w", err)
	}
	if err := seedFake(srv); err != nil {
		srv.Close()
		return nil, nil, err
	}
	client, err := plume.NewClient(append([]plume.Option{
		plume.WithBaseURL(srv.URL),               // the API base URL, /api included
		plume.WithCredentials(srv.Credentials()), // token URL, client id and secret, partner id
	}, opts...)...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Printf("Using the built-in fake Plume Cloud at %s (set PLUME_API_URL, PLUME_AUTH_URL, PLUME_PARTNER_ID and PLUME_AUTH_HASH to use a real one)\n", srv.URL)
	return client, srv.Close, nil
}

// seedFake gives the fake a subscriber to support: onboarded with a gateway and an extender,
// both online, and a few client devices.
func seedFake(srv *plumetest.Server) error {
	srv.AddGateways(fakeGateway)
	srv.AddInventory(fakeExtender)
	seeder := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	res, err := seeder.Onboard(context.Background(), plume.OnboardRequest{
		AccountID: "crm-demo-support-01", Name: "Katherine Johnson", ServiceID: fakeServiceID,
		Gateway: fakeGateway, Extenders: []string{fakeExtender},
	})
	if err != nil {
		return fmt.Errorf("seeding the fake: %w", err)
	}
	srv.SetNodeOnline(fakeGateway, true)
	srv.SetNodeOnline(fakeExtender, true)
	for _, d := range []plumetest.Device{
		{MAC: "02:00:00:00:00:01", Name: "Phone", IP: "192.168.1.20", FreqBand: "5G", Connected: true},
		{MAC: "02:00:00:00:00:02", Name: "Laptop", IP: "192.168.1.21", FreqBand: "6G", NodeID: fakeExtender, Connected: true},
		{MAC: "02:00:00:00:00:03", Name: "TV", IP: "192.168.1.22", FreqBand: "2.4G", NodeID: fakeExtender, Connected: true},
		{MAC: "02:00:00:00:00:04", Name: "Printer", IP: "192.168.1.23", Medium: "ethernet", Connected: true},
	} {
		srv.AddDevice(res.CustomerID, res.LocationID, d)
	}
	return nil
}
