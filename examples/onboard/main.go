// Command onboard provisions one subscriber end to end with Client.Onboard: register, set the
// service id, create the WiFi network, claim the gateway and the pods, complete onboarding
// and mark the email verified. Run again with the same flags, it resumes instead of
// duplicating anything.
//
//	go run ./examples/onboard                       # against the built-in fake Plume Cloud
//	PLUME_API_URL=... go run ./examples/onboard -account crm-1 -gateway GW... -pods POD1,POD2
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "onboard:", err)
		os.Exit(1)
	}
}

func run() error {
	account := flag.String("account", "crm-demo-000001", "the subscriber's account id in your CRM")
	name := flag.String("name", "Ada Lovelace", "the subscriber's name")
	email := flag.String("email", "ada.lovelace@example.com", "the subscriber's email")
	serviceID := flag.String("service-id", "svc-demo-000001", "your service id for the location")
	ssid := flag.String("ssid", "Lovelace-Home", "WiFi network name")
	key := flag.String("wifi-key", "analytical-engine-1843", "WiFi passphrase (8 to 63 characters)")
	gateway := flag.String("gateway", "GW-DEMO-0001", "serial of the gateway")
	pods := flag.String("pods", "POD-DEMO-0001,POD-DEMO-0002", "serials of the pods, comma separated")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	client, closeFake, err := newClient(*gateway, splitList(*pods))
	if err != nil {
		return err
	}
	defer closeFake()

	req := plume.OnboardRequest{
		AccountID:         *account,
		Name:              *name,
		Email:             *email,
		ServiceID:         *serviceID,
		Wifi:              &plume.WifiNetworkRequest{SSID: *ssid, EncryptionKey: *key, WPAMode: plume.WPAPSK2},
		Gateway:           *gateway,
		Extenders:         splitList(*pods),
		EmailVerification: plume.MarkEmailVerified,
	}
	res, err := client.Onboard(ctx, req)
	printResult(res)
	var onboardErr *plume.OnboardError
	if errors.As(err, &onboardErr) {
		return fmt.Errorf("stopped at step %q (run again to resume): %w", onboardErr.Step, onboardErr.Err)
	}
	return err
}

// newClient builds the client: against the Plume Cloud named by the PLUME_* variables when
// they are set (plume.NewClientFromEnv), else against the built-in fake Plume Cloud
// (plumetest), with the gateway and pods in its inventory. A real integration needs only the
// first branch; the second shows the options every client is made of.
func newClient(gateway string, pods []string) (*plume.Client, func(), error) {
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
	var fakeOpts []plumetest.Option
	if os.Getenv("PLUME_FAKE_SHAPES") == "reference" { // answer in the shapes of Plume's reference
		fakeOpts = append(fakeOpts, plumetest.WithReferenceShapes())
	}
	srv, err := plumetest.Start(fakeOpts...)
	if err != nil {
		return nil, nil, fmt.Errorf("starting the fake Plume Cloud: %w", err)
	}
	srv.AddGateways(gateway)
	srv.AddInventory(pods...)
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

func printResult(res *plume.OnboardResult) {
	if res == nil {
		return
	}
	if res.Resumed {
		fmt.Println("Customer existed already: continued the earlier onboarding")
	}
	fmt.Printf("Customer:    %s\n", res.CustomerID)
	fmt.Printf("Location:    %s\n", res.LocationID)
	if res.Wifi != nil {
		kept := ""
		if res.WifiKept {
			kept = " (existing network kept)"
		}
		fmt.Printf("WiFi:        SSID %q, %s%s\n", res.Wifi.SSID, res.Wifi.WPAMode, kept)
	}
	for _, n := range res.Nodes {
		switch {
		case n.Err != nil:
			fmt.Printf("Node:        %s NOT claimed: %v\n", n.Serial, n.Err)
		case n.AlreadyClaimed:
			fmt.Printf("Node:        %s already claimed here\n", n.Serial)
		default:
			fmt.Printf("Node:        %s claimed\n", n.Serial)
		}
	}
	if res.Checkpoint != nil {
		fmt.Printf("Checkpoint:  %s\n", res.Checkpoint.Value)
	}
	switch {
	case res.EmailVerified:
		fmt.Printf("Email:       %s verified\n", res.Email)
	case res.VerificationSent:
		fmt.Printf("Email:       verification sent to %s\n", res.Email)
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
