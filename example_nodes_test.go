package plume_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
)

// claimStandIn answers claims the way the Plume Cloud does: a new node is 200 with its
// record, a node already at this location is 204, a node of another customer is 409.
func claimStandIn(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SerialNumber string `json:"serialNumber"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	w.Header().Set("Content-Type", "application/json")
	switch req.SerialNumber {
	case "GW1A2B3C4D5E":
		fmt.Fprintf(w, `{"claimed":[{"id":%[1]q,"serialNumber":%[1]q,"residentialGateway":true}]}`, req.SerialNumber)
	case "PD1122334455":
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusConflict)
		fmt.Fprint(w, `{"error":{"statusCode":409,"name":"Error","message":"Node is claimed by another customer"}}`)
	}
}

func ExampleNodesService_Claim() {
	srv := httptest.NewServer(http.HandlerFunc(claimStandIn))
	defer srv.Close()

	// In production: plume.NewClientFromEnv() or plume.WithCredentials(...).
	client, err := plume.NewClient(
		plume.WithBaseURL(srv.URL+"/api"),
		plume.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "example"})),
	)
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	customerID, locationID := "6418c49b0f1e2d3c4b5a6978", "6418c49c1a2b3c4d5e6f7a8b"
	for _, serial := range []string{"GW1A2B3C4D5E", "PD1122334455", "PD9988776655"} {
		res, err := client.Nodes.Claim(ctx, customerID, locationID, plume.ClaimRequest{SerialNumber: serial})
		switch {
		case errors.Is(err, plume.ErrNodeOwnedElsewhere):
			fmt.Println(serial, "belongs to another customer: unclaim it there first")
		case err != nil:
			fmt.Println(serial, "failed:", err)
		case res.AlreadyClaimed:
			fmt.Println(serial, "was already claimed at this location")
		default:
			for _, n := range res.Claimed {
				fmt.Println(n.SerialNumber, "claimed, gateway:", n.ResidentialGateway)
			}
		}
	}
	// Output:
	// GW1A2B3C4D5E claimed, gateway: true
	// PD1122334455 was already claimed at this location
	// PD9988776655 belongs to another customer: unclaim it there first
}
