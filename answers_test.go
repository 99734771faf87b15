package plume

// answers_test.go: the one rule every method follows for a 2xx answer (decodeInto): an empty,
// whitespace-only or null body where an object or array is promised, or an object without
// what the caller needs, is an *UnexpectedResponseError; never a zero value, never
// ErrNotFound, never a flow's success. Per-method shapes belong in the service's _test.go.

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readCall is one method that must answer with an object or an array.
type readCall struct {
	op   string
	call func(ctx context.Context, c *Client) (any, error)
}

func objectCalls() []readCall {
	key := "correct-horse-battery"
	return []readCall{
		{"Customers.Register", func(ctx context.Context, c *Client) (any, error) {
			return c.Customers.Register(ctx, RegisterRequest{AccountID: "acct-000001"})
		}},
		{"Customers.Get", func(ctx context.Context, c *Client) (any, error) { return c.Customers.Get(ctx, "c1") }},
		{"Customers.List", func(ctx context.Context, c *Client) (any, error) { return c.Customers.List(ctx, nil) }},
		{"Customers.Update", func(ctx context.Context, c *Client) (any, error) {
			name := "Ada"
			return c.Customers.Update(ctx, "c1", CustomerUpdate{Name: &name})
		}},
		{"Customers.SetAccountID", func(ctx context.Context, c *Client) (any, error) {
			return c.Customers.SetAccountID(ctx, "c1", "acct-000002")
		}},
		{"Customers.MarkEmailVerified", func(ctx context.Context, c *Client) (any, error) { return c.Customers.MarkEmailVerified(ctx, "c1") }},
		{"Customers.Search", func(ctx context.Context, c *Client) (any, error) {
			return c.Customers.Search(ctx, SearchOptions{Field: SearchByName, Keyword: "Ada"})
		}},
		{"Customers.Search", func(ctx context.Context, c *Client) (any, error) {
			return c.Customers.FindByAccountID(ctx, "acct-000001")
		}},
		{"Locations.List", func(ctx context.Context, c *Client) (any, error) { return c.Locations.List(ctx, "c1") }},
		{"Locations.Get", func(ctx context.Context, c *Client) (any, error) { return c.Locations.Get(ctx, "c1", "l1") }},
		{"Locations.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.Locations.Create(ctx, "c1", LocationCreate{Name: "Cabin"})
		}},
		{"Locations.Update", func(ctx context.Context, c *Client) (any, error) {
			name := "Cabin"
			return c.Locations.Update(ctx, "c1", "l1", LocationUpdate{Name: &name})
		}},
		{"Locations.SetServiceID", func(ctx context.Context, c *Client) (any, error) {
			return c.Locations.SetServiceID(ctx, "c1", "l1", "S-1")
		}},
		{"Locations.GetServiceLevel", func(ctx context.Context, c *Client) (any, error) { return c.Locations.GetServiceLevel(ctx, "c1", "l1") }},
		{"Locations.SetServiceLevel", func(ctx context.Context, c *Client) (any, error) {
			return c.Locations.SetServiceLevel(ctx, "c1", "l1", NoService)
		}},
		{"Locations.SetOnboardingCheckpoint", func(ctx context.Context, c *Client) (any, error) {
			return c.Locations.SetOnboardingCheckpoint(ctx, "c1", "l1", OnboardingComplete)
		}},
		{"Locations.GetWANConfiguration", func(ctx context.Context, c *Client) (any, error) {
			return c.Locations.GetWANConfiguration(ctx, "c1", "l1")
		}},
		{"Locations.SetStaticIPv4", func(ctx context.Context, c *Client) (any, error) {
			return c.Locations.SetStaticIPv4(ctx, "c1", "l1", StaticIPv4{})
		}},
		{"Locations.FindByServiceID", func(ctx context.Context, c *Client) (any, error) { return c.Locations.FindByServiceID(ctx, "S-1") }},
		{"Nodes.List", func(ctx context.Context, c *Client) (any, error) { return c.Nodes.List(ctx, "c1", "l1") }},
		{"Nodes.Get", func(ctx context.Context, c *Client) (any, error) { return c.Nodes.Get(ctx, "c1", "l1", "n1") }},
		{"Nodes.Rename", func(ctx context.Context, c *Client) (any, error) { return c.Nodes.Rename(ctx, "c1", "l1", "n1", "Den") }},
		{"Nodes.Lookup", func(ctx context.Context, c *Client) (any, error) { return c.Nodes.Lookup(ctx, "SER1") }},
		{"WifiNetworks.Get", func(ctx context.Context, c *Client) (any, error) { return c.WifiNetworks.Get(ctx, "c1", "l1") }},
		{"WifiNetworks.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.WifiNetworks.Create(ctx, "c1", "l1", WifiNetworkRequest{SSID: "Home", EncryptionKey: key})
		}},
		{"WifiNetworks.Replace", func(ctx context.Context, c *Client) (any, error) {
			return c.WifiNetworks.Replace(ctx, "c1", "l1", WifiNetworkRequest{SSID: "Home", EncryptionKey: key})
		}},
		{"WifiNetworks.Update", func(ctx context.Context, c *Client) (any, error) {
			ssid := "Home"
			return c.WifiNetworks.Update(ctx, "c1", "l1", WifiNetworkUpdate{SSID: &ssid})
		}},
	}
}

func TestEveryMethodRefusesAnEmptyAnswer(t *testing.T) {
	t.Parallel()
	for _, rc := range objectCalls() {
		for _, body := range []string{"", " \r\n\t", "null", " null\n"} {
			t.Run(rc.op+"/"+body, func(t *testing.T) {
				t.Parallel()
				c, m := newMockClient(t)
				m.reply(http.StatusOK, body)
				m.header = http.Header{"X-Request-Id": {"req-42"}}
				got, err := rc.call(t.Context(), c)
				require.ErrorIs(t, err, ErrUnexpectedResponse)
				assert.NotErrorIs(t, err, ErrNotFound, "an unreadable answer is never a not-found")
				var ue *UnexpectedResponseError
				require.True(t, errors.As(err, &ue))
				assert.Equal(t, rc.op, ue.Op)
				assert.Equal(t, http.StatusOK, ue.StatusCode)
				assert.Equal(t, "req-42", ue.RequestID)
				assert.NotEmpty(t, ue.Reason)
				assert.Contains(t, err.Error(), rc.op)
				assert.True(t, isNilResult(got), "no zero value beside the error: %#v", got)
			})
		}
	}
}

// isNilResult reports whether a method's first result is a nil pointer or a nil slice.
func isNilResult(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case *Customer:
		return v == nil
	case *RegisteredCustomer:
		return v == nil
	case *Location:
		return v == nil
	case *LocationMatch:
		return v == nil
	case *CustomerMatch:
		return v == nil
	case *ServiceLevel:
		return v == nil
	case *OnboardingCheckpoint:
		return v == nil
	case *WANConfiguration:
		return v == nil
	case *Node:
		return v == nil
	case *NodeLookup:
		return v == nil
	case *WifiNetwork:
		return v == nil
	case []Customer:
		return v == nil
	case []CustomerMatch:
		return v == nil
	case []Location:
		return v == nil
	case []Node:
		return v == nil
	}
	return false
}

// An object that decodes but lacks the id or status the caller needs is refused too.
func TestObjectsWithoutWhatTheCallerNeeds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		op   string
		body string
		call func(ctx context.Context, c *Client) (any, error)
	}{
		{"Customers.Get", `{"name":"Ada"}`, func(ctx context.Context, c *Client) (any, error) { return c.Customers.Get(ctx, "c1") }},
		{"Customers.Register", `{"accountId":"acct-000001"}`, func(ctx context.Context, c *Client) (any, error) {
			return c.Customers.Register(ctx, RegisterRequest{AccountID: "acct-000001"})
		}},
		{"Locations.Get", `{}`, func(ctx context.Context, c *Client) (any, error) { return c.Locations.Get(ctx, "c1", "l1") }},
		{"Locations.GetServiceLevel", `{}`, func(ctx context.Context, c *Client) (any, error) { return c.Locations.GetServiceLevel(ctx, "c1", "l1") }},
		{"Locations.FindByServiceID", `{"name":"Home"}`, func(ctx context.Context, c *Client) (any, error) { return c.Locations.FindByServiceID(ctx, "S-1") }},
		{"Nodes.Get", `{"nickname":"Den"}`, func(ctx context.Context, c *Client) (any, error) { return c.Nodes.Get(ctx, "c1", "l1", "n1") }},
		{"Nodes.Lookup", `{}`, func(ctx context.Context, c *Client) (any, error) { return c.Nodes.Lookup(ctx, "SER1") }},
		{"WifiNetworks.Get", `{"wifiNetwork":{"id":"w1"}}`, func(ctx context.Context, c *Client) (any, error) { return c.WifiNetworks.Get(ctx, "c1", "l1") }},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(http.StatusOK, tc.body)
			got, err := tc.call(t.Context(), c)
			require.ErrorIs(t, err, ErrUnexpectedResponse)
			assert.True(t, isNilResult(got))
		})
	}
}

// Where the call knows what the answer left out, it fills it in instead of failing.
func TestAnswersFilledInFromTheCall(t *testing.T) {
	t.Parallel()
	t.Run("service level status", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.reply(http.StatusOK, `{}`)
		level, err := c.Locations.SetServiceLevel(t.Context(), "c1", "l1", BasicService)
		require.NoError(t, err)
		assert.Equal(t, BasicService, level.Status)
	})
	t.Run("WAN location and configuration", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.reply(http.StatusOK, `{}`)
		cfg := StaticIPv4{Enabled: true, IP: "203.0.113.10", Subnet: "255.255.255.0", Gateway: "203.0.113.1"}
		wan, err := c.Locations.SetStaticIPv4(t.Context(), "c1", "l1", cfg)
		require.NoError(t, err)
		assert.Equal(t, "l1", wan.LocationID)
		require.NotNil(t, wan.StaticIPv4)
		assert.Equal(t, cfg, *wan.StaticIPv4)
		got, err := c.Locations.GetWANConfiguration(t.Context(), "c1", "l1")
		require.NoError(t, err)
		assert.Equal(t, "l1", got.LocationID)
		assert.Nil(t, got.StaticIPv4, "a read never makes up a configuration")
	})
	t.Run("checkpoint value", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.reply(http.StatusOK, `{"checkpoint":{"checkpoint":{}}}`)
		cp, err := c.Locations.SetOnboardingCheckpoint(t.Context(), "c1", "l1", PodsAdded)
		require.NoError(t, err)
		assert.Equal(t, PodsAdded, cp.Value)
		assert.Equal(t, "l1", cp.LocationID)
	})
}

// UnclaimForRMA never reports "already unclaimed" after a lookup that answered nothing.
func TestUnclaimForRMAAfterAnEmptyLookup(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "null", "{}"} {
		c, m := newMockClient(t)
		m.reply(http.StatusOK, body)
		res, err := c.UnclaimForRMA(t.Context(), "SER1")
		require.ErrorIs(t, err, ErrUnexpectedResponse, "body %q", body)
		assert.Nil(t, res)
		assert.Len(t, m.requests(), 1, "no unclaim after an unreadable lookup")
	}
}
