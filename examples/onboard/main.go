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
	"os"
	"os/signal"
	"strings"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/examples/internal/setup"
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
	gateway := flag.String("gateway", setup.FakeGateway, "serial of the gateway")
	pods := flag.String("pods", strings.Join(setup.FakePods, ","), "serials of the pods, comma separated")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := setup.Open(os.Stdout)
	if err != nil {
		return err
	}
	defer env.Close()

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
	res, err := env.Client.Onboard(ctx, req)
	printResult(res)
	var onboardErr *plume.OnboardError
	if errors.As(err, &onboardErr) {
		return fmt.Errorf("stopped at step %q (run again to resume): %w", onboardErr.Step, onboardErr.Err)
	}
	return err
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
