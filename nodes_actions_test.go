package plume

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	actTestNode = "PD9Z8Y7X6W5V"
	actTestPath = nodeTestPath + "/" + actTestNode
)

// actStatuses are the statuses every support endpoint can answer (docs/plume-support-api.md §1).
var actStatuses = []statusCase{
	{401, []error{ErrUnauthorized}},
	{500, []error{ErrServer}},
}

func actWithStatuses(extra ...statusCase) []statusCase {
	return append(append([]statusCase(nil), extra...), actStatuses...)
}

func TestNodesReboot(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts *RebootOptions
		body string
	}{
		{"nil options send no body", nil, ""},
		{"zero delay is sent", &RebootOptions{}, `{"delay":0}`},
		{"delay", &RebootOptions{Delay: 30}, `{"delay":30}`},
		{"largest delay", &RebootOptions{Delay: MaxRebootDelay}, `{"delay":100000}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(http.StatusNoContent, "")
			require.NoError(t, c.Nodes.Reboot(t.Context(), locTestCustomer, locTestLocation, actTestNode, tc.opts))
			assertRequest(t, m.only(), http.MethodPut, actTestPath+"/reboot", "", tc.body)
		})
	}
}

func TestNodesRebootValidation(t *testing.T) {
	t.Parallel()
	for _, delay := range []int{-1, MaxRebootDelay + 1} {
		assertNoRequest(t, "Delay", func(ctx context.Context, c *Client) error {
			return c.Nodes.Reboot(ctx, locTestCustomer, locTestLocation, actTestNode, &RebootOptions{Delay: delay})
		})
	}
	assert.NoError(t, RebootOptions{Delay: 0}.Validate())
	assert.ErrorIs(t, RebootOptions{Delay: -5}.Validate(), ErrInvalidInput)
	for _, ids := range [][3]string{{"", locTestLocation, actTestNode}, {locTestCustomer, " ", actTestNode}, {locTestCustomer, locTestLocation, ".."}} {
		assertNoRequest(t, "", func(ctx context.Context, c *Client) error {
			return c.Nodes.Reboot(ctx, ids[0], ids[1], ids[2], nil)
		})
	}
}

func TestNodesRebootStatuses(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Reboot", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		return c.Nodes.Reboot(ctx, locTestCustomer, locTestLocation, actTestNode, &RebootOptions{Delay: 5})
	})
}

func TestNodesRebootEscapesIDs(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusNoContent, "")
	require.NoError(t, c.Nodes.Reboot(t.Context(), locTestOddID, locTestOddID, locTestOddID, nil))
	odd := "/api/Customers/" + locTestOddEscaped + "/locations/" + locTestOddEscaped + "/nodes/" + locTestOddEscaped + "/reboot"
	assertRequest(t, m.only(), http.MethodPut, odd, "", "")
}

func TestNodesLocate(t *testing.T) {
	t.Parallel()
	for _, mode := range []LEDMode{LEDLocate, LEDNormal, "wps"} { // other values pass through
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, `{"mode":"`+string(mode)+`"}`)
			require.NoError(t, c.Nodes.Locate(t.Context(), locTestCustomer, locTestLocation, actTestNode, mode))
			assertRequest(t, m.only(), http.MethodPut, actTestPath+"/ledMode", "", `{"mode":"`+string(mode)+`"}`)
		})
	}
	assertNoRequest(t, "Mode", func(ctx context.Context, c *Client) error {
		return c.Nodes.Locate(ctx, locTestCustomer, locTestLocation, actTestNode, "")
	})
}

func TestNodesLocateStatuses(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Locate", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
		statusCase{425, []error{ErrNodeNotInLocation}},
	), func(ctx context.Context, c *Client) error {
		return c.Nodes.Locate(ctx, locTestCustomer, locTestLocation, actTestNode, LEDLocate)
	})
}

// TestNodesLocate425 checks that a 425 is not retried and matches no status kind.
func TestNodesLocate425(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t, WithRetry(RetryPolicy{MaxRetries: 3}))
	m.reply(http.StatusTooEarly, loopbackError(425, "Error", "node does not belong to this location"))
	err := c.Nodes.Locate(t.Context(), locTestCustomer, locTestLocation, actTestNode, LEDLocate)
	require.ErrorIs(t, err, ErrNodeNotInLocation)
	for _, kind := range []error{ErrNotFound, ErrValidation, ErrServer, ErrConflict} {
		assert.NotErrorIs(t, err, kind)
	}
	assert.Len(t, m.requests(), 1, "425 is not retried")
	assert.Contains(t, err.Error(), "not claimed at this location")
}

func TestNodesFind(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "node_status_find.json")

	n, err := c.Nodes.Find(t.Context(), locTestCustomer, actTestNode)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/"+locTestCustomer+"/nodes/"+actTestNode, "", "")
	assert.Equal(t, actTestNode, n.ID)
	assert.Equal(t, locTestLocation, n.LocationID)
	assert.Equal(t, "Bedroom", n.Nickname)
	assert.Equal(t, "Pod 1", n.DefaultName)
	assert.Equal(t, "connected", n.ConnectionState)
	assert.Equal(t, locTestTime(t, "2026-12-04T12:58:41.120Z"), n.ConnectionStateChangeAt)
	assert.Equal(t, "4.8.1-112-g6c1f0", n.FirmwareVersion)
	assert.Equal(t, "wifi", n.BackhaulType)
	assert.Equal(t, 3, n.ConnectedDeviceCount)
	assert.Equal(t, "44", n.Channel)
	assert.JSONEq(t, fixture(t, "node_status_find.json"), string(n.Raw))
}

func TestNodesFindIncomplete(t *testing.T) {
	t.Parallel()
	for body, reason := range map[string]string{
		`{"id":"PD9Z8Y7X6W5V"}`:               "no locationId",
		`{"locationId":"loc","nickname":"x"}`: "no id",
		`{}`:                                  "no id",
		``:                                    "empty body",
	} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Nodes.Find(t.Context(), locTestCustomer, actTestNode)
		var unexpected *UnexpectedResponseError
		require.True(t, errors.As(err, &unexpected), "%q: %v", body, err)
		assert.Equal(t, reason, unexpected.Reason, body)
		assert.Equal(t, "Nodes.Find", unexpected.Op)
	}
}

func TestNodesFindStatuses(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Find", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Find(ctx, locTestCustomer, actTestNode)
		return err
	})
}

func TestNodesFindValidation(t *testing.T) {
	t.Parallel()
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Find(ctx, "", actTestNode)
		return err
	})
	assertNoRequest(t, "nodeID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Find(ctx, locTestCustomer, ".")
		return err
	})
}

// TestSupportActionRoutes checks the route templates the Observer reports for the paths of
// nodes_actions.go, nodes_speedtest.go and locations_support.go: no id in any of them.
func TestSupportActionRoutes(t *testing.T) {
	t.Parallel()
	loc := "/Customers/{id}/locations/{locationId}"
	node := loc + "/nodes/{nodeId}"
	for path, want := range map[string]string{
		nodePath("c1", "l1", "n1", "reboot"):                  node + "/reboot",
		nodePath("c1", "l1", "n1", "ledMode"):                 node + "/ledMode",
		nodePath("c1", "l1", "n1", "speedTest"):               node + "/speedTest",
		nodePath("c1", "l1", "n1", "speedTestResults"):        node + "/speedTestResults",
		nodePath("c1", "l1", "n1", "speedTestResults", "r1"):  node + "/speedTestResults/{requestId}",
		buildPath("Customers", "c1", "nodes", "n1"):           "/Customers/{id}/nodes/{nodeId}",
		locationPath("c1", "l1", "reboot"):                    loc + "/reboot",
		locationPath("c1", "l1", "firmware"):                  loc + "/firmware",
		locationPath("c1", "l1", "firmware", "modules"):       loc + "/firmware/modules",
		locationPath("c1", "l1", "config", "flashLogging"):    loc + "/config/flashLogging",
		locationPath("c1", "l1", "taskStatuses"):              loc + "/taskStatuses",
		locationPath("c1", "l1", "ispSpeedTest"):              loc + "/ispSpeedTest",
		locationPath("c1", "l1", "ispSpeedTestConfiguration"): loc + "/ispSpeedTestConfiguration",
	} {
		assert.Equal(t, want, routeOf(path), path)
	}
}
