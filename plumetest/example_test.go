package plumetest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// provisionHousehold is the code under test: a user's own function that registers a CRM
// account and claims its gateway.
func provisionHousehold(ctx context.Context, c *plume.Client, accountID, gateway string) (locationID string, err error) {
	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: accountID})
	if err != nil {
		return "", err
	}
	if _, err := c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: gateway}); err != nil {
		return "", err
	}
	return reg.LocationID, nil
}

// Testing one's own code against the fake cloud: seed the inventory, run the code with the
// server's client, then inspect what the cloud stored. In a test, plumetest.NewServer(t)
// replaces Start and Close.
func Example() {
	srv, err := plumetest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.AddGateways("GW-0001")

	locationID, err := provisionHousehold(context.Background(), srv.Client(), "crm-000042", "GW-0001")
	if err != nil {
		fmt.Println(err)
		return
	}

	gateway, _ := srv.Node("GW-0001")
	fmt.Println("claimed at the new location:", gateway.LocationID == locationID)
	fmt.Println("customers:", len(srv.Customers()), "licenses:", srv.Licenses())
	fmt.Println("register calls:", srv.RequestCount("POST /Customers/register"))
	// Output:
	// claimed at the new location: true
	// customers: 1 licenses: 1
	// register calls: 1
}

// A fault that lets the claim apply, then answers 503: the SDK reports ErrClaimIncomplete.
func ExampleServer_InjectFault() {
	srv, err := plumetest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.AddGateways("GW-0001")
	_ = srv.InjectFault(plumetest.Fault{
		Method:     "POST",
		Path:       "/api/Customers/*/locations/*/nodes",
		Status:     503,
		AfterState: true,
	})

	_, err = provisionHousehold(context.Background(), srv.Client(), "crm-000042", "GW-0001")
	gateway, _ := srv.Node("GW-0001")
	fmt.Println("claim incomplete:", errors.Is(err, plume.ErrClaimIncomplete))
	fmt.Println("claimed all the same:", gateway.LocationID != "")
	// Output:
	// claim incomplete: true
	// claimed all the same: true
}
