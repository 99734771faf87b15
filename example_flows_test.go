package plume_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Onboard brings a subscriber from nothing to an onboarded location in one call; run again
// after a failure, it resumes where the first run stopped.
func ExampleClient_Onboard() {
	srv, err := plumetest.Start() // a fake Plume Cloud; use plume.NewClientFromEnv() for the real one
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddGateways("GW0001")
	srv.AddInventory("POD001", "POD002")
	client := srv.Client()

	res, err := client.Onboard(context.Background(), plume.OnboardRequest{
		AccountID:         "crm-000123",
		Name:              "Ada Lovelace",
		Email:             "ada@example.com",
		ServiceID:         "svc-000123",
		Wifi:              &plume.WifiNetworkRequest{SSID: "Lovelace", EncryptionKey: "correct-horse-9", WPAMode: plume.WPAPSK2},
		Gateway:           "GW0001",
		Extenders:         []string{"POD001", "POD002"},
		EmailVerification: plume.MarkEmailVerified,
	})
	var onboardErr *plume.OnboardError
	if errors.As(err, &onboardErr) {
		log.Fatalf("stopped at %s (run again to resume): %v", onboardErr.Step, onboardErr.Err)
	}
	for _, n := range res.Nodes {
		fmt.Println("claimed", n.Serial)
	}
	fmt.Println("SSID", res.Wifi.SSID)
	fmt.Println("checkpoint", res.Checkpoint.Value)
	fmt.Println("email verified", res.EmailVerified)
	fmt.Println("API calls", srv.TotalRequests())
	// Output:
	// claimed GW0001
	// claimed POD001
	// claimed POD002
	// SSID Lovelace
	// checkpoint OnboardingComplete
	// email verified true
	// API calls 8
}

// UnclaimForRMA frees a node for return wherever it is claimed; a second run is a no-op.
func ExampleClient_UnclaimForRMA() {
	srv, err := plumetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddGateways("GW0001")
	client := srv.Client()
	ctx := context.Background()
	if _, err := client.Onboard(ctx, plume.OnboardRequest{AccountID: "crm-000124", Gateway: "GW0001"}); err != nil {
		log.Fatal(err)
	}

	for range 2 {
		res, err := client.UnclaimForRMA(ctx, "GW0001")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("already unclaimed:", res.AlreadyUnclaimed)
	}
	// Output:
	// already unclaimed: false
	// already unclaimed: true
}
