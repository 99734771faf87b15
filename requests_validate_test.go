package plume

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validatable is every request type with an exported Validate: the methods and the batch
// package call the same checks.
type validatable interface{ Validate() error }

func TestRequestTypesValidate(t *testing.T) {
	t.Parallel()
	name, empty := "Cabin", ""
	badMode := WPAMode("wep")
	cases := []struct {
		name  string
		good  validatable
		bad   validatable
		field string
	}{
		{"RegisterRequest", RegisterRequest{AccountID: "acct-000001"}, RegisterRequest{AccountID: `a"b`}, "AccountID"},
		{"CustomerUpdate", CustomerUpdate{Name: &name}, CustomerUpdate{}, ""},
		{"LocationCreate", LocationCreate{Name: "Home"}, LocationCreate{Name: "Home", Profile: "castle"}, "Profile"},
		{"LocationUpdate", LocationUpdate{Name: &name}, LocationUpdate{Name: &empty}, "Name"},
		{"StaticIPv4", StaticIPv4{}, StaticIPv4{Enabled: true, IP: "10.0.0.2"}, "StaticIPv4.Subnet"},
		{"WifiNetworkRequest", WifiNetworkRequest{SSID: "Home", EncryptionKey: "long-enough"}, WifiNetworkRequest{SSID: "Home", EncryptionKey: "short"}, "EncryptionKey"},
		{"WifiNetworkUpdate", WifiNetworkUpdate{SSID: &name}, WifiNetworkUpdate{WPAMode: &badMode}, "WPAMode"},
		{"ClaimRequest", ClaimRequest{SerialNumber: "GW1"}, ClaimRequest{SerialNumber: " "}, "SerialNumber"},
		{"*OnboardRequest", &OnboardRequest{AccountID: "acct-000001"}, &OnboardRequest{AccountID: "acct-000001", Gateway: "GW1", Extenders: []string{"GW1"}}, "Extenders"},
		{"*ListOptions", &ListOptions{Limit: 5}, &ListOptions{Limit: -1}, "ListOptions.Limit"},
		{"SearchOptions", SearchOptions{Field: SearchByName, Keyword: "Ada"}, SearchOptions{Field: "shoeSize", Keyword: "Ada"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, tc.good.Validate())
			err := tc.bad.Validate()
			require.ErrorIs(t, err, ErrInvalidInput)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			if tc.field != "" {
				assert.Equal(t, tc.field, ve.Field)
			}
		})
	}
}

// The methods refuse what Validate refuses, before any request.
func TestMethodsCallValidate(t *testing.T) {
	t.Parallel()
	calls := map[string]func(ctx context.Context, c *Client) error{
		"Claim": func(ctx context.Context, c *Client) error {
			_, err := c.Nodes.Claim(ctx, "c1", "l1", ClaimRequest{SerialNumber: ".."})
			return err
		},
		"Onboard": func(ctx context.Context, c *Client) error {
			_, err := c.Onboard(ctx, OnboardRequest{AccountID: "acct-000001", Wifi: &WifiNetworkRequest{SSID: "x", EncryptionKey: "short"}})
			return err
		},
		"Register without any partner": func(ctx context.Context, c *Client) error {
			c.partnerID = ""
			_, err := c.Customers.Register(ctx, RegisterRequest{AccountID: "acct-000001"})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			require.ErrorIs(t, call(t.Context(), c), ErrInvalidInput)
			assert.Empty(t, m.requests())
		})
	}
}
