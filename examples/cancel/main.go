// Command cancel walks a location through the end of its life: suspend (noService), resume,
// cancel the service at the location, then cancel the whole account. Against the built-in fake
// it first onboards a demo customer; against a real cloud it needs -customer and -location and
// asks for -yes before cancelling anything.
//
//	go run ./examples/cancel
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/examples/internal/setup"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cancel:", err)
		os.Exit(1)
	}
}

func run() error {
	customerID := flag.String("customer", "", "customer id")
	locationID := flag.String("location", "", "location id")
	yes := flag.Bool("yes", false, "really cancel (required against a real cloud)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := setup.Open(os.Stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	c := env.Client

	if env.Fake {
		res, err := c.Onboard(ctx, plume.OnboardRequest{AccountID: "crm-demo-cancel-01", Gateway: setup.FakeGateway, Extenders: setup.FakePods})
		if err != nil {
			return err
		}
		*customerID, *locationID, *yes = res.CustomerID, res.LocationID, true
		fmt.Printf("Onboarded demo customer %s, location %s\n", res.CustomerID, res.LocationID)
	}
	if *customerID == "" || *locationID == "" {
		return fmt.Errorf("-customer and -location are required against a real cloud")
	}
	if !*yes {
		return fmt.Errorf("refusing to cancel without -yes")
	}

	steps := []struct {
		what string
		do   func() error
	}{
		{"Suspended (noService)", func() error { return c.Suspend(ctx, *customerID, *locationID, plume.NoService) }},
		{"Resumed (fullService)", func() error { return c.Resume(ctx, *customerID, *locationID) }},
		{"Cancelled service at the location (archived, nodes unclaimed)", func() error { return c.CancelService(ctx, *customerID, *locationID) }},
		{"Cancelled it again: already archived counts as done", func() error { return c.CancelService(ctx, *customerID, *locationID) }},
		{"Cancelled the account", func() error { return c.CancelAccount(ctx, *customerID) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return err
		}
		fmt.Println(s.what)
	}
	return nil
}
