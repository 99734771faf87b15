package plume_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/plumecloud/plume-go"
)

// registerStandIn stands in for the Plume Cloud and its Okta token endpoint: it issues a
// token, registers customers, and answers 409 for the accountId "A-taken".
func registerStandIn() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/default/v1/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"token_type":"Bearer","expires_in":600,"access_token":"example-token","scope":"partnerId:acme role:partnerIdAdmin"}`)
	})
	mux.HandleFunc("POST /api/Customers/register", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			AccountID string `json:"accountId"`
			PartnerID string `json:"partnerId"`
			Name      string `json:"name"`
			Email     string `json:"email"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		w.Header().Set("Content-Type", "application/json")
		if req.AccountID == "A-taken" {
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, `{"error":{"statusCode":409,"name":"Error","message":"Duplicate key"}}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "6418c49c2f1e4a0012ab34cd", "locationId": "6418c49c2f1e4a0012ab34ce",
			"accountId": req.AccountID, "partnerId": req.PartnerID, "name": req.Name, "email": req.Email,
			"createdAt": "2023-03-27T14:41:58.312Z",
		})
	})
	return httptest.NewServer(mux)
}

func ExampleNewClient() {
	srv := registerStandIn()
	defer srv.Close()

	// In production the base URL is the cloud host Plume issued ("https://<host>/api") and the
	// credentials come from the Plume Portal; NewClientFromEnv reads them from PLUME_* variables.
	client, err := plume.NewClient(
		plume.WithBaseURL(srv.URL+"/api"),
		plume.WithCredentials(plume.Credentials{
			TokenURL:     srv.URL + "/oauth2/default/v1/token",
			ClientID:     "0oa1y13epa9NeXecM0h8",
			ClientSecret: "example-secret",
			PartnerID:    "acme",
		}),
	)
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Customers.Register(context.Background(), plume.RegisterRequest{AccountID: "A-taken"})
	var apiErr *plume.Error
	switch {
	case errors.Is(err, plume.ErrDuplicateAccount):
		fmt.Println("already registered; conflict:", errors.Is(err, plume.ErrConflict))
	case errors.Is(err, plume.ErrRateLimited):
		fmt.Println("slow down")
	case errors.As(err, &apiErr):
		fmt.Println("API answered", apiErr.StatusCode)
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// already registered; conflict: true
}

func ExampleCustomersService_Register() {
	srv := registerStandIn()
	defer srv.Close()
	client, err := plume.NewClient(
		plume.WithBaseURL(srv.URL+"/api"),
		plume.WithCredentials(plume.Credentials{
			TokenURL: srv.URL + "/oauth2/default/v1/token", ClientID: "0oa1y13epa9NeXecM0h8",
			ClientSecret: "example-secret", PartnerID: "acme",
		}),
	)
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	customer, err := client.Customers.Register(ctx, plume.RegisterRequest{
		AccountID: "7d3f0a52-9c1e-4b7a-8e55-1f2a3b4c5d6e", // the CRM key; PartnerID defaults to the client's
		Name:      "Jane Doe",
		Email:     "jane.doe@isp.example",
		Profile:   plume.ProfileAuto, // HomePass; ProfileSmallBusiness for WorkPass
	})
	if errors.Is(err, plume.ErrDuplicateAccount) {
		// Registered before: continue with client.Customers.FindByAccountID.
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("customer:", customer.ID, "partner:", customer.PartnerID)
	fmt.Println("first location:", customer.LocationID)
	// Output:
	// customer: 6418c49c2f1e4a0012ab34cd partner: acme
	// first location: 6418c49c2f1e4a0012ab34ce
}
