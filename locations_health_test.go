package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertFixtureTopology checks every typed field of testdata/topology.json (and of the
// topology part of summary.json).
func assertFixtureTopology(t *testing.T, topo *Topology) {
	t.Helper()
	assert.Equal(t, "connected", topo.GatewayConnectionState)
	assert.Equal(t, 2, topo.NodeConnectedCount)
	assert.Equal(t, 3, topo.NodeClaimedCount)
	assert.Equal(t, 8, topo.ConnectedDeviceCount)
	assert.Equal(t, "router", topo.NetworkModeRealized)
	assert.Equal(t, locTestTime(t, "2026-12-04T15:30:00.000Z"), topo.At)
	require.Len(t, topo.Nodes, 3)

	gw := topo.Nodes[0]
	assert.Equal(t, "GW1A2B3C4D5E", gw.ID)
	assert.Equal(t, "Hall", gw.Nickname)
	assert.Equal(t, "Gateway", gw.DefaultName)
	assert.Equal(t, "connected", gw.ConnectionState)
	assert.True(t, gw.Connected())
	assert.Equal(t, locTestTime(t, "2026-12-01T08:00:00.000Z"), gw.ConnectionStateChangeAt)
	assert.Equal(t, "4.8.1-112-g6c1f0", gw.FirmwareVersion)
	assert.Equal(t, "ethernet", gw.BackhaulType)
	assert.Equal(t, 5, gw.ConnectedDeviceCount)
	assert.Equal(t, "192.168.12.1", gw.IP)
	assert.Equal(t, "44", gw.Channel)
	assert.Equal(t, "6", gw.Channel2G)
	assert.Equal(t, "44", gw.Channel5G, "a number on the wire")
	assert.Equal(t, "37", gw.Channel6G)
	assert.Empty(t, gw.LeafToRoot)
	assert.False(t, gw.ResidentialGateway)
	assert.Equal(t, "Hall", gw.Name())

	pod := topo.Nodes[1]
	assert.Equal(t, "PD9Z8Y7X6W5V", pod.ID)
	assert.Equal(t, "Living Room", pod.Name())
	assert.Equal(t, "disconnected", pod.ConnectionState)
	assert.False(t, pod.Connected())
	assert.Equal(t, locTestTime(t, "2026-12-04T14:02:11.500Z"), pod.ConnectionStateChangeAt)
	assert.Equal(t, "4.8.0-98-g1a2b3", pod.FirmwareVersion)
	assert.Equal(t, "wifi", pod.BackhaulType)
	assert.Equal(t, "149", pod.Channel, "a number on the wire")
	assert.Equal(t, "149", pod.Channel5G)
	assert.Equal(t, "", pod.Channel6G)
	assert.Equal(t, []string{"GW1A2B3C4D5E"}, pod.LeafToRoot)
	assert.JSONEq(t, `{"id":"GW1A2B3C4D5E","nickname":"Hall"}`, mustMember(t, pod.Raw, "leafToRoot", 0))

	pod2 := topo.Nodes[2]
	assert.Equal(t, "Pod 2", pod2.Name(), "default name when no nickname")
	assert.Equal(t, 3, pod2.ConnectedDeviceCount, "a numeric string on the wire")
	assert.Equal(t, []string{"PD9Z8Y7X6W5V", "GW1A2B3C4D5E"}, pod2.LeafToRoot, "objects and bare ids")
	assert.True(t, pod2.ConnectionStateChangeAt.IsZero())

	assert.Same(t, &topo.Nodes[0], topo.Gateway(), "the root of the leafToRoot chains")
}

// mustMember returns element i of the array member name of the object raw.
func mustMember(t *testing.T, raw json.RawMessage, name string, i int) string {
	t.Helper()
	var obj map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &obj))
	var list []json.RawMessage
	require.NoError(t, json.Unmarshal(obj[name], &list))
	require.Greater(t, len(list), i)
	return string(list[i])
}

func TestLocationsTopology(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "topology.json")

	topo, err := c.Locations.Topology(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/topology", "", "")
	assertFixtureTopology(t, topo)
	assert.JSONEq(t, fixture(t, "topology.json"), string(topo.Raw))
	var first map[string]any
	require.NoError(t, json.Unmarshal(topo.Nodes[0].Raw, &first))
	assert.Equal(t, "GW1A2B3C4D5E", first["id"], "each node keeps its own Raw")
	assert.Contains(t, first, "wifiConfig")
}

func TestLocationsTopologyNoNodes(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"topology":[],"gatewayConnectionState":"","nodeClaimedCount":0}`)
	topo, err := c.Locations.Topology(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.NotNil(t, topo.Nodes)
	assert.Empty(t, topo.Nodes)
	assert.Nil(t, topo.Gateway())
	assert.True(t, topo.At.IsZero())
}

func TestLocationsTopologyRefusesWhatIsNoTopology(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `null`, `{}`, `{"_version":"2"}`, `{"topology":null}`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, body)
			_, err := c.Locations.Topology(t.Context(), locTestCustomer, locTestLocation)
			assert.ErrorIs(t, err, ErrUnexpectedResponse)
		})
	}
	c, m := newMockClient(t)
	m.reply(200, `[]`)
	_, err := c.Locations.Topology(t.Context(), locTestCustomer, locTestLocation)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Locations.Topology")
}

func TestTopologyLenientValues(t *testing.T) {
	t.Parallel()
	var topo Topology
	require.NoError(t, json.Unmarshal([]byte(`{
		"timestamp": 1796398200000,
		"topology": [
			{"id":"a","connectionStateChangeAt":"yesterday","leafToRoot":{"id":"x"},"connectedDeviceCount":null},
			{"id":"b","residentialGateway":true,"leafToRoot":[{"nickname":"no id"},null,7]}
		]}`), &topo))
	assert.Equal(t, time.UnixMilli(1796398200000).UTC(), topo.At, "milliseconds since the epoch")
	assert.True(t, topo.Nodes[0].ConnectionStateChangeAt.IsZero(), "text that is no time")
	assert.Nil(t, topo.Nodes[0].LeafToRoot, "not a list")
	assert.Equal(t, []string{"7"}, topo.Nodes[1].LeafToRoot)
	assert.Equal(t, "b", topo.Gateway().ID, "residentialGateway wins")

	first := Topology{Nodes: []NodeStatus{{ID: "x"}, {ID: "y"}}}
	assert.Equal(t, "x", first.Gateway().ID, "else the first node")
}

func TestLocationsTopologyErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Topology", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Topology(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Topology(ctx, "", locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Topology(ctx, locTestCustomer, "..")
		return err
	})
}

func TestLocationsSummary(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "summary.json")

	sum, err := c.Locations.Summary(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/summary", "", "")
	assertFixtureTopology(t, &sum.Topology)
	assert.Equal(t, "onboardingComplete", sum.OnboardingStatus)
	assert.Equal(t, "auto", sum.NetworkModeProvisioned)
	assert.True(t, sum.WifiNetworkProvisioned)
	assert.False(t, sum.MonitorMode)
	assert.JSONEq(t, fixture(t, "summary.json"), string(sum.Raw))
}

func TestLocationsSummaryMonitorModeObject(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "summary_problems.json")
	sum, err := c.Locations.Summary(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.True(t, sum.MonitorMode, `{"enable":true} as in the Location`)
	assert.False(t, sum.WifiNetworkProvisioned)
	assert.Equal(t, "podsAdded", sum.OnboardingStatus)

	var direct Summary
	require.NoError(t, json.Unmarshal([]byte(`{"topology":[],"monitorMode":"true","wifiNetworkProvisioned":true}`), &direct))
	assert.True(t, direct.MonitorMode)
	assert.True(t, direct.WifiNetworkProvisioned)
}

func TestLocationsSummaryErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Summary", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Summary(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Summary(ctx, locTestCustomer, " ")
		return err
	})
}

func TestLocationsForceGraph(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "forcegraph.json")

	graph, err := c.Locations.ForceGraph(t.Context(), locTestOddID, locTestLocation)
	require.NoError(t, err)

	r := m.only()
	assertRequest(t, r, http.MethodGet, "/api/Customers/"+locTestOddEscaped+"/locations/"+locTestLocation+"/forceGraph", "", "")
	assert.Equal(t, "application/json", r.Header.Get("Accept"), "JSON, not the HTML view")
	assert.JSONEq(t, fixture(t, "forcegraph.json"), string(graph))
}

func TestLocationsForceGraphRefusesHTML(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `<html><body>graph</body></html>`)
	_, err := c.Locations.ForceGraph(t.Context(), locTestCustomer, locTestLocation)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Locations.ForceGraph")

	m.reply(200, ``)
	_, err = c.Locations.ForceGraph(t.Context(), locTestCustomer, locTestLocation)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

func TestLocationsForceGraphErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.ForceGraph", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.ForceGraph(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.ForceGraph(ctx, ".", locTestLocation)
		return err
	})
}

func TestLocationsDashboard(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "dashboard.json")

	dash, err := c.Locations.Dashboard(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/appFacade/dashboard", "", "")
	require.NotNil(t, dash.SpeedTest)
	st := dash.SpeedTest
	assert.Equal(t, "6570a1b2c3d4e5f60718293a", st.RequestID)
	assert.InDelta(t, 12.3, st.DownloadMbps, 1e-9)
	assert.InDelta(t, 4.2, st.UploadMbps, 1e-9)
	assert.Equal(t, 18*time.Millisecond, st.Latency)
	assert.Equal(t, "completed", st.Status)
	assert.False(t, st.At.IsZero())
	assert.NotEmpty(t, st.Raw)
	require.Len(t, dash.MostActiveDevices, 1)
	d := dash.MostActiveDevices[0]
	assert.Equal(t, "aa:bb:cc:dd:ee:01", d.MAC)
	assert.Equal(t, "Laptop", d.Name)
	assert.Equal(t, 149, d.Channel)
	assert.Equal(t, "5G", d.FreqBand)
	assert.JSONEq(t, mustMember(t, json.RawMessage(fixture(t, "dashboard.json")), "mostActiveDevices", 0), string(d.Raw))
	assert.JSONEq(t, fixture(t, "dashboard.json"), string(dash.Raw))
}

func TestLocationsDashboardWithoutSpeedTest(t *testing.T) {
	t.Parallel()
	for _, body := range []string{fixture(t, "dashboard_empty.json"), `{}`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		dash, err := c.Locations.Dashboard(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.Nil(t, dash.SpeedTest, body)
		assert.NotNil(t, dash.MostActiveDevices, body)
		assert.Empty(t, dash.MostActiveDevices, body)
	}
	c, m := newMockClient(t)
	m.reply(200, `[]`)
	_, err := c.Locations.Dashboard(t.Context(), locTestCustomer, locTestLocation)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Locations.Dashboard")
}

func TestLocationsDashboardErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Dashboard", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Dashboard(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Dashboard(ctx, "", locTestLocation)
		return err
	})
}

func TestLocationsDashboardExcludingDevices(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"speedTest":null}`)
	_, err := c.Locations.dashboard(t.Context(), locTestCustomer, locTestLocation, true)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/appFacade/dashboard", "excludeDevices=true", "")
}
