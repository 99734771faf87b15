package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocationsReboot(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts *RebootOptions
		body string
	}{{nil, ""}, {&RebootOptions{Delay: 10}, `{"delay":10}`}} {
		c, m := newMockClient(t)
		m.reply(http.StatusNoContent, "")
		require.NoError(t, c.Locations.Reboot(t.Context(), locTestCustomer, locTestLocation, tc.opts))
		assertRequest(t, m.only(), http.MethodPut, locTestPath+"/reboot", "", tc.body)
	}
	assertNoRequest(t, "Delay", func(ctx context.Context, c *Client) error {
		return c.Locations.Reboot(ctx, locTestCustomer, locTestLocation, &RebootOptions{Delay: 100001})
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Locations.Reboot(ctx, locTestCustomer, "", nil)
	})
	assertStatusErrors(t, "Locations.Reboot", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		return c.Locations.Reboot(ctx, locTestCustomer, locTestLocation, nil)
	})
}

func TestLocationsFirmwareStatus(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "firmware_status.json")
	fw, err := c.Locations.FirmwareStatus(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/firmware", "", "")

	assert.JSONEq(t, fixture(t, "firmware_status.json"), string(fw.Raw))
	require.Len(t, fw.Nodes, 2)
	gw, pod := fw.Nodes[0], fw.Nodes[1]
	assert.Equal(t, "GW1A2B3C4D5E", gw.NodeID)
	assert.Equal(t, "1.1.0", gw.FirmwareVersion)
	assert.Equal(t, "1.1.0", gw.TargetVersion)
	assert.Equal(t, "completed", gw.Status)
	assert.Equal(t, locTestTime(t, "2026-12-04T13:02:10.000Z"), gw.UpdatedAt)
	assert.Equal(t, "PD9Z8Y7X6W5V", pod.NodeID)
	assert.Equal(t, "1.0.0", pod.FirmwareVersion)
	assert.Equal(t, "upgrading", pod.Status)
	assert.Contains(t, string(pod.Raw), `"upgrading"`)
	assert.NotContains(t, string(pod.Raw), "GW1A2B3C4D5E", "each Raw is its own item")
}

func TestLocationsRequestFirmwareUpgrade(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "firmware_requested.json")
	fw, err := c.Locations.RequestFirmwareUpgrade(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPut, locTestPath+"/firmware", "", "")
	require.Len(t, fw.Nodes, 2)
	assert.Equal(t, "requested", fw.Nodes[0].Status)
	assert.Equal(t, "upToDate", fw.Nodes[1].Status)
	assert.Equal(t, "1.1.0", fw.Nodes[0].TargetVersion)
}

func TestLocationsFirmwareShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		status    int
		body      string
		wantNodes []string
		wantRaw   string
	}{
		{"reference example", 200, fixture(t, "firmware_reference.json"), []string{""}, `[{}]`},
		{"empty array", 200, `[]`, []string{}, `[]`},
		{"no body", 200, ``, []string{}, ``},
		{"204", 204, ``, []string{}, ``},
		{"single item object", 200, `{"nodeId":"GW1","status":"idle"}`, []string{"GW1"}, `{"nodeId":"GW1","status":"idle"}`},
		{"odd items", 200, `[null,"x",{"nodeId":5,"status":{"a":1},"updatedAt":"soon"}]`, []string{"", "", "5"}, `[null,"x",{"nodeId":5,"status":{"a":1},"updatedAt":"soon"}]`},
		{"a string", 200, `"queued"`, []string{}, `"queued"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(tc.status, tc.body)
			fw, err := c.Locations.RequestFirmwareUpgrade(t.Context(), locTestCustomer, locTestLocation)
			require.NoError(t, err)
			require.NotNil(t, fw.Nodes)
			ids := []string{}
			for _, n := range fw.Nodes {
				ids = append(ids, n.NodeID)
				if n.NodeID == "5" {
					assert.Empty(t, n.Status, "a status of another type is left empty")
					assert.True(t, n.UpdatedAt.IsZero(), "an unreadable time is left zero")
				}
			}
			assert.Equal(t, tc.wantNodes, ids)
			if tc.wantRaw == "" {
				assert.Empty(t, fw.Raw)
			} else {
				assert.JSONEq(t, tc.wantRaw, string(fw.Raw))
			}
		})
	}
	c, m := newMockClient(t)
	m.reply(200, `[{"nodeId":`)
	_, err := c.Locations.FirmwareStatus(t.Context(), locTestCustomer, locTestLocation)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Locations.FirmwareStatus")
}

func TestLocationsFirmwareStatuses(t *testing.T) {
	t.Parallel()
	for op, call := range map[string]func(ctx context.Context, c *Client, customerID, locationID string) error{
		"Locations.FirmwareStatus": func(ctx context.Context, c *Client, customerID, locationID string) error {
			_, err := c.Locations.FirmwareStatus(ctx, customerID, locationID)
			return err
		},
		"Locations.RequestFirmwareUpgrade": func(ctx context.Context, c *Client, customerID, locationID string) error {
			_, err := c.Locations.RequestFirmwareUpgrade(ctx, customerID, locationID)
			return err
		},
		"Locations.FirmwareModules": func(ctx context.Context, c *Client, customerID, locationID string) error {
			_, err := c.Locations.FirmwareModules(ctx, customerID, locationID)
			return err
		},
	} {
		assertStatusErrors(t, op, actWithStatuses(statusCase{404, []error{ErrNotFound}}), func(ctx context.Context, c *Client) error {
			return call(ctx, c, locTestCustomer, locTestLocation)
		})
		assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
			return call(ctx, c, "", locTestLocation)
		})
		assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
			return call(ctx, c, locTestCustomer, "..")
		})
	}
}

func TestLocationsFirmwareModules(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"modules":[{"name":"wifi"}]}`)
	raw, err := c.Locations.FirmwareModules(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/firmware/modules", "", "")
	assert.JSONEq(t, `{"modules":[{"name":"wifi"}]}`, string(raw))
}

func TestLocationsSetLogDestination(t *testing.T) {
	t.Parallel()
	for _, dest := range []LogDestination{LogDestinationFlash, LogDestinationFlashRamoops, LogDestinationRamoops, LogDestinationOff, LogDestinationDefault} {
		c, m := newMockClient(t)
		m.reply(http.StatusAccepted, "")
		require.NoError(t, c.Locations.SetLogDestination(t.Context(), locTestCustomer, locTestLocation, dest))
		assertRequest(t, m.only(), http.MethodPatch, locTestPath+"/config/flashLogging", "", `{"forceDestination":"`+string(dest)+`"}`)
	}
	assert.Equal(t, LogDestination("NODE_LOGGING_DESTINATION_FLASH_RAMOOPS"), LogDestinationFlashRamoops)

	c, m := newMockClient(t)
	m.reply(http.StatusAccepted, "")
	require.NoError(t, c.Locations.SetLogDestination(t.Context(), locTestCustomer, locTestLocation, ""))
	assertRequest(t, m.only(), http.MethodDelete, locTestPath+"/config/flashLogging", "", "")

	assertNoRequest(t, "Destination", func(ctx context.Context, c *Client) error {
		return c.Locations.SetLogDestination(ctx, locTestCustomer, locTestLocation, "flash")
	})
	assertStatusErrors(t, "Locations.SetLogDestination", actWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		return c.Locations.SetLogDestination(ctx, locTestCustomer, locTestLocation, LogDestinationOff)
	})
	assertStatusErrors(t, "Locations.SetLogDestination", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
	), func(ctx context.Context, c *Client) error {
		return c.Locations.SetLogDestination(ctx, locTestCustomer, locTestLocation, "")
	})
}

func TestLocationsTaskStatuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"204", http.StatusNoContent, "", ""},
		{"200 without body", http.StatusOK, "", ""},
		{"reference example", http.StatusOK, fixture(t, "task_statuses.json"), `{}`},
		{"200 with a body", http.StatusOK, `[{"nodeId":"GW1","task":"upgrade","state":"done"}]`, `[{"nodeId":"GW1","task":"upgrade","state":"done"}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(tc.status, tc.body)
			raw, err := c.Locations.TaskStatuses(t.Context(), locTestCustomer, locTestLocation)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodGet, locTestPath+"/taskStatuses", "", "")
			if tc.want == "" {
				assert.Empty(t, raw)
				return
			}
			assert.JSONEq(t, tc.want, string(raw))
		})
	}
	c, m := newMockClient(t)
	m.reply(200, `{"a":`)
	_, err := c.Locations.TaskStatuses(t.Context(), locTestCustomer, locTestLocation)
	require.Error(t, err)
	assertStatusErrors(t, "Locations.TaskStatuses", actWithStatuses(statusCase{404, []error{ErrNotFound}}), func(ctx context.Context, c *Client) error {
		_, err := c.Locations.TaskStatuses(ctx, locTestCustomer, locTestLocation)
		return err
	})
}

func TestLocationsISPSpeedTest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		req    *SpeedTestRequest
		sent   string
		answer string
		wantID string
	}{
		{"nil request, fake answer", nil, "", `{"requestId":"gen-1"}`, "gen-1"},
		{"own id, reference answer", &SpeedTestRequest{RequestID: "mine-1", ServerID: 3, UplinkType: "wan"}, `{"requestId":"mine-1","serverId":3,"uplinkType":"wan"}`, `{}`, "mine-1"},
		{"own id echoed", &SpeedTestRequest{RequestID: "mine-2"}, `{"requestId":"mine-2"}`, `{"requestId":"mine-2"}`, "mine-2"},
		{"no id anywhere", &SpeedTestRequest{}, `{}`, ``, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.answer)
			id, err := c.Locations.StartISPSpeedTest(t.Context(), locTestCustomer, locTestLocation, tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.wantID, id)
			assertRequest(t, m.only(), http.MethodPost, locTestPath+"/ispSpeedTest", "", tc.sent)
		})
	}
	c, m := newMockClient(t)
	m.reply(200, `{}`)
	require.NoError(t, c.Locations.RunISPSpeedTest(t.Context(), locTestCustomer, locTestLocation, &SpeedTestRequest{ServerID: 9}))
	assertRequest(t, m.only(), http.MethodPost, locTestPath+"/ispSpeedTest", "", `{"serverId":9}`)
	assertNoRequest(t, "ServerID", func(ctx context.Context, c *Client) error {
		return c.Locations.RunISPSpeedTest(ctx, locTestCustomer, locTestLocation, &SpeedTestRequest{ServerID: -3})
	})
	assertStatusErrors(t, "Locations.StartISPSpeedTest", actWithStatuses(statusCase{404, []error{ErrNotFound}}), func(ctx context.Context, c *Client) error {
		return c.Locations.RunISPSpeedTest(ctx, locTestCustomer, locTestLocation, nil)
	})
}

func TestLocationsSetISPSpeedTestSchedule(t *testing.T) {
	t.Parallel()
	for _, enable := range []bool{true, false} {
		c, m := newMockClient(t)
		m.reply(200, `{"ispSpeedTestConfiguration":{"enable":true,"speedCapable":true,"enableAllNodes":false}}`)
		require.NoError(t, c.Locations.SetISPSpeedTestSchedule(t.Context(), locTestCustomer, locTestLocation, enable))
		want, _ := json.Marshal(map[string]bool{"enable": enable})
		assertRequest(t, m.only(), http.MethodPut, locTestPath+"/ispSpeedTestConfiguration", "", string(want))
	}
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		return c.Locations.SetISPSpeedTestSchedule(ctx, "..", locTestLocation, true)
	})
	assertStatusErrors(t, "Locations.SetISPSpeedTestSchedule", actWithStatuses(statusCase{404, []error{ErrNotFound}}), func(ctx context.Context, c *Client) error {
		return c.Locations.SetISPSpeedTestSchedule(ctx, locTestCustomer, locTestLocation, true)
	})
}
