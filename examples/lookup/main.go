// Command lookup finds a customer by account id, a node's customer and location by serial,
// and a location by service id. Against the built-in fake it first onboards a demo customer
// to find.
//
//	go run ./examples/lookup
//	PLUME_API_URL=... go run ./examples/lookup -account crm-1 -serial GW... -service-id svc-1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/examples/internal/setup"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lookup:", err)
		os.Exit(1)
	}
}

func run() error {
	account := flag.String("account", "crm-demo-lookup-01", "account id to find")
	serial := flag.String("serial", setup.FakeGateway, "node serial to find")
	serviceID := flag.String("service-id", "svc-demo-lookup-01", "service id to find")
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
		if _, err := c.Onboard(ctx, plume.OnboardRequest{AccountID: *account, Name: "Grace Hopper", ServiceID: *serviceID, Gateway: setup.FakeGateway}); err != nil {
			return err
		}
	}

	match, err := c.Customers.FindByAccountID(ctx, *account)
	switch {
	case errors.Is(err, plume.ErrNotFound):
		fmt.Printf("Account %s: no such customer\n", *account)
	case err != nil:
		return err
	default:
		fmt.Printf("Account %s: customer %s (%s, %s), locations %v\n", *account, match.ID, match.Name, match.Email, match.LocationIDs)
	}

	node, err := c.Nodes.Lookup(ctx, *serial)
	switch {
	case errors.Is(err, plume.ErrNotFound):
		fmt.Printf("Serial %s: not in your inventory\n", *serial)
	case err != nil:
		return err
	case node.Claimed():
		fmt.Printf("Serial %s: claimed by customer %s at location %s\n", *serial, node.CustomerID, node.LocationID)
	default:
		fmt.Printf("Serial %s: in inventory, not claimed\n", *serial)
	}

	loc, err := c.Locations.FindByServiceID(ctx, *serviceID)
	switch {
	case errors.Is(err, plume.ErrNotFound):
		fmt.Printf("Service id %s: no such location\n", *serviceID)
	case err != nil:
		return err
	default:
		fmt.Printf("Service id %s: location %s (%q) of customer %s (%s)\n", *serviceID, loc.ID, loc.Name, loc.CustomerID, loc.AccountID)
	}
	return nil
}
