package batch_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

func ExampleRunner() {
	srv, err := plumetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.AddGateways("GW-0001", "GW-0002")
	srv.AddInventory("POD-0001")

	// One gate, given to the client and to the runner: a rate limit pauses every request.
	gate, err := batch.NewRateGate(plume.DefaultRateLimit, plume.DefaultBurst)
	if err != nil {
		panic(err)
	}
	client := srv.Client(plume.WithRateLimiter(gate))
	csv := `account_id,name,email,ssid,wifi_key,gateway,extenders
crm-000001,Ada Lovelace,ada@example.com,Lovelace,analytical-1843,GW-0001,POD-0001
crm-000002,Grace Hopper,grace@example.com,Hopper,compiler-1952,GW-0002,
crm-000003,Alan Turing,alan@example.com,Turing,short,,
`
	rows := batch.RowsOf(batch.ReadCSV(strings.NewReader(csv)), batch.OpOnboard, batch.RowOptions{
		Onboard: plume.OnboardRequest{EmailVerification: plume.MarkEmailVerified},
	})
	runner := &batch.Runner{Client: client, Gate: gate, Workers: 2}
	summary, err := runner.Run(context.Background(), rows)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d done, %d failed\n", summary.Done, summary.Failed)
	for _, f := range summary.Failures {
		fmt.Printf("%s: %s: %s\n", f.Key, f.Kind, f.Error)
	}
	// Output:
	// 2 done, 1 failed
	// crm-000003: invalid_input: line 4, column wifi_key: must be 8 to 63 characters, got 5
}
