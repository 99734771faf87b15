// Command rma unclaims one node, wherever it is claimed, so that it can be returned
// (Client.UnclaimForRMA). Against the built-in fake it first onboards a demo customer so that
// there is a node to return; it then returns it twice to show that the second run is a no-op.
//
//	go run ./examples/rma
//	PLUME_API_URL=... go run ./examples/rma -serial POD...
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
		fmt.Fprintln(os.Stderr, "rma:", err)
		os.Exit(1)
	}
}

func run() error {
	serial := flag.String("serial", "", "serial of the node to return (the fake's demo pod by default)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := setup.Open(os.Stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	if env.Fake {
		if *serial == "" {
			*serial = setup.FakePods[0]
		}
		res, err := env.Client.Onboard(ctx, plume.OnboardRequest{AccountID: "crm-demo-rma-01", Gateway: setup.FakeGateway, Extenders: setup.FakePods})
		if err != nil {
			return err
		}
		fmt.Printf("Onboarded demo customer %s with %s and %v\n", res.CustomerID, setup.FakeGateway, setup.FakePods)
	}
	if *serial == "" {
		return fmt.Errorf("-serial is required against a real cloud")
	}
	runs := 1
	if env.Fake {
		runs = 2
	}
	for range runs {
		res, err := env.Client.UnclaimForRMA(ctx, *serial)
		if err != nil {
			return err
		}
		if res.AlreadyUnclaimed {
			fmt.Printf("%s is not claimed anywhere: nothing to do\n", res.Serial)
			continue
		}
		fmt.Printf("%s unclaimed from customer %s, location %s\n", res.Serial, res.CustomerID, res.LocationID)
	}
	return nil
}
