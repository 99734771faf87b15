package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocationsAlerts(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "alerts.json")

	alerts, err := c.Locations.Alerts(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/alerts", "", "")
	require.Len(t, alerts.Nodes, 2)
	pod := alerts.Nodes[0]
	assert.Equal(t, "PD9Z8Y7X6W5V", pod.ID)
	assert.Equal(t, []string{"poorHealth", "highInterference"}, pod.Types)
	assert.Equal(t, []AlertDetail{
		{Type: "poorHealth", State: "active", UpdatedAt: locTestTime(t, "2026-12-04T14:05:00.000Z")},
		{Type: "highInterference", State: "active", UpdatedAt: locTestTime(t, "2026-12-04T14:06:00.000Z")},
	}, pod.Details)
	assert.Equal(t, []string{"poorHealth", "highInterference"}, pod.OpenTypes())
	assert.JSONEq(t, mustMember(t, json.RawMessage(fixture(t, "alerts.json")), "nodes", 0), string(pod.Raw))

	gw := alerts.Nodes[1]
	assert.Equal(t, "GW1A2B3C4D5E", gw.ID)
	assert.Equal(t, []string{"poorHealth"}, gw.Types)
	assert.Equal(t, AlertSnooze, gw.Details[0].State)
	assert.Empty(t, gw.OpenTypes(), "a snoozed alert is not open")

	require.Len(t, alerts.Devices, 1)
	dev := alerts.Devices[0]
	assert.Equal(t, "aa:bb:cc:dd:ee:01", dev.ID, "a device is keyed by its MAC")
	assert.Equal(t, []string{"poorHealth"}, dev.Types, "a bare type")
	assert.Equal(t, []string{"poorHealth"}, dev.OpenTypes(), "no state is open")
	assert.JSONEq(t, fixture(t, "alerts.json"), string(alerts.Raw))
}

func TestLocationsAlertsLenientShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		body           string
		nodes, devices int
		firstID        string
		firstOpenTypes []string
	}{
		{"none", fixture(t, "alerts_none.json"), 0, 0, "", nil},
		{"empty object (the reference's example)", `{}`, 0, 0, "", nil},
		{"null lists", `{"nodes":null,"devices":null}`, 0, 0, "", nil},
		{"a single node object", `{"nodes":{"nodeId":"N1","alerts":[{"type":"poorHealth","state":"reset"}]}}`, 1, 0, "N1", []string{"poorHealth"}},
		{"ignored and accepted", `{"nodes":[{"id":"N1","alerts":[{"type":"a","state":"ignore"},{"type":"b","state":"performanceAcceptable"}]}]}`, 1, 0, "N1", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			alerts, err := c.Locations.Alerts(t.Context(), locTestCustomer, locTestLocation)
			require.NoError(t, err)
			require.NotNil(t, alerts.Nodes)
			require.NotNil(t, alerts.Devices)
			assert.Len(t, alerts.Nodes, tc.nodes)
			assert.Len(t, alerts.Devices, tc.devices)
			if tc.nodes > 0 {
				assert.Equal(t, tc.firstID, alerts.Nodes[0].ID)
				assert.Equal(t, tc.firstOpenTypes, alerts.Nodes[0].OpenTypes())
			}
		})
	}
}

func TestLocationsAlertsBadShapes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`[]`, `"alerts"`, `{"nodes":"x"}`, `{"nodes":[{"alerts":[[]]}]}`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Locations.Alerts(t.Context(), locTestCustomer, locTestLocation)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "Locations.Alerts", body)
	}
	c, m := newMockClient(t)
	m.reply(200, `null`)
	_, err := c.Locations.Alerts(t.Context(), locTestCustomer, locTestLocation)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

func TestLocationsAlertsErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Alerts", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Alerts(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Alerts(ctx, "", locTestLocation)
		return err
	})
}

func TestNodesSnoozeAlert(t *testing.T) {
	t.Parallel()
	for _, state := range []AlertState{AlertSnooze, AlertIgnore, AlertPerformanceAcceptable, AlertReset} {
		t.Run(string(state), func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "node_renamed.json")
			err := c.Nodes.SnoozeAlert(t.Context(), locTestCustomer, locTestLocation, "PD9Z8Y7X6W5V", "poorHealth", state)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPut, locTestPath+"/nodes/PD9Z8Y7X6W5V/alerts/poorHealth", "", `{"state":"`+string(state)+`"}`)
		})
	}
}

func TestNodesSnoozeAlertPassesTypeThrough(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{}`)
	require.NoError(t, c.Nodes.SnoozeAlert(t.Context(), locTestCustomer, locTestLocation, "N1", "some/new Type", AlertSnooze))
	assertRequest(t, m.only(), http.MethodPut, locTestPath+"/nodes/N1/alerts/some%2Fnew%20Type", "", `{"state":"snooze"}`)
}

func TestNodesSnoozeAlertErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.SnoozeAlert", locWithStatuses(statusCase{422, []error{ErrValidation}}), func(ctx context.Context, c *Client) error {
		return c.Nodes.SnoozeAlert(ctx, locTestCustomer, locTestLocation, "N1", "poorHealth", AlertSnooze)
	})
	for _, state := range []AlertState{"", "active", "Snooze"} {
		assertNoRequest(t, "AlertState", func(ctx context.Context, c *Client) error {
			return c.Nodes.SnoozeAlert(ctx, locTestCustomer, locTestLocation, "N1", "poorHealth", state)
		})
	}
	assertNoRequest(t, "alertType", func(ctx context.Context, c *Client) error {
		return c.Nodes.SnoozeAlert(ctx, locTestCustomer, locTestLocation, "N1", "", AlertSnooze)
	})
	assertNoRequest(t, "nodeID", func(ctx context.Context, c *Client) error {
		return c.Nodes.SnoozeAlert(ctx, locTestCustomer, locTestLocation, "..", "poorHealth", AlertSnooze)
	})
}
