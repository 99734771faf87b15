package fakecloud

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// topologyNodes indexes a Topology's items by id.
func topologyNodes(t *testing.T, topo map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, item := range topo["topology"].([]any) {
		n := item.(map[string]any)
		out[n["id"].(string)] = n
	}
	return out
}

func TestTopology(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()

	topo := s.expect(200, "GET", s.path("/topology"), nil).object(t)
	for key, want := range map[string]any{
		"_version": schemaVersion, "timestamp": stampAt(0), "gatewayConnectionState": "connected",
		"nodeConnectedCount": 2.0, "nodeClaimedCount": 2.0, "connectedDeviceCount": 2.0, "networkModeRealized": "router",
	} {
		assert.Equal(t, want, topo[key], key)
	}
	nodes := topologyNodes(t, topo)
	require.Len(t, nodes, 2)
	gw, pod := nodes["GW1"], nodes["POD1"]
	assert.Equal(t, "ethernet", gw["backhaulType"])
	assert.Equal(t, []any{}, gw["leafToRoot"], "the gateway is the root")
	assert.EqualValues(t, 1, gw["connectedDeviceCount"], "the phone (no NodeID)")
	assert.Equal(t, "wifi", pod["backhaulType"])
	assert.Equal(t, []any{map[string]any{"id": "GW1"}}, pod["leafToRoot"])
	assert.EqualValues(t, 1, pod["connectedDeviceCount"], "the laptop")
	assert.Equal(t, "connected", pod["connectionState"])
	assert.Equal(t, s.node("POD1"), pod, "the same NodeStatus as GET …/nodes/{id}")

	// A node taken offline shows everywhere at once: topology, summary, forceGraph.
	s.clock.Advance(time.Minute)
	require.NoError(t, s.cloud.SetNodeOnline("POD1", false))
	topo = s.expect(200, "GET", s.path("/topology"), nil).object(t)
	assert.EqualValues(t, 1, topo["nodeConnectedCount"])
	assert.EqualValues(t, 2, topo["nodeClaimedCount"])
	pod = topologyNodes(t, topo)["POD1"]
	assert.Equal(t, "disconnected", pod["connectionState"])
	assert.Equal(t, stampAt(time.Minute), pod["connectionStateChangeAt"])
	summary := s.expect(200, "GET", s.path("/summary"), nil).object(t)
	assert.EqualValues(t, 1, summary["nodeConnectedCount"])
	assert.Equal(t, "connected", summary["gatewayConnectionState"])
	graph := s.expect(200, "GET", s.path("/forceGraph"), nil).object(t)
	assert.Contains(t, graph["vertices"], map[string]any{"id": "POD1", "type": "node", "name": "Pod POD1", "connectionState": "disconnected"})

	require.NoError(t, s.cloud.SetNodeOnline("GW1", false))
	topo = s.expect(200, "GET", s.path("/topology"), nil).object(t)
	assert.Equal(t, "disconnected", topo["gatewayConnectionState"])
	assert.EqualValues(t, 0, topo["nodeConnectedCount"])

	// A reboot window is read on the clock: down during it, back after, with no call between.
	require.NoError(t, s.cloud.SetNodeOnline("GW1", true))
	s.expect(204, "PUT", s.path("/nodes/GW1/reboot"), map[string]any{"delay": 10})
	assert.Equal(t, "connected", s.expect(200, "GET", s.path("/topology"), nil).object(t)["gatewayConnectionState"])
	s.clock.Advance(10 * time.Second)
	assert.Equal(t, "disconnected", s.expect(200, "GET", s.path("/topology"), nil).object(t)["gatewayConnectionState"])
	s.clock.Advance(DefaultReboot)
	assert.Equal(t, "connected", s.expect(200, "GET", s.path("/summary"), nil).object(t)["gatewayConnectionState"])

	fresh, freshLoc := s.register("account-2")
	s.runStatusCases(t, []statusCase{
		{"topology: no node claimed", "GET", locPath(fresh, freshLoc) + "/topology", nil, 404},
		{"summary: no node claimed", "GET", locPath(fresh, freshLoc) + "/summary", nil, 404},
		{"topology: unknown location", "GET", locPath(s.id, unknownID) + "/topology", nil, 404},
		{"topology: unknown customer", "GET", locPath(unknownID, s.loc) + "/topology", nil, 404},
		{"summary: unknown customer", "GET", locPath(unknownID, s.loc) + "/summary", nil, 404},
		{"forceGraph: unknown location", "GET", locPath(s.id, unknownID) + "/forceGraph", nil, 404},
		{"forceGraph: unknown customer", "GET", locPath(unknownID, s.loc) + "/forceGraph", nil, 404},
	})
}

func TestTopologyWithoutResidentialGateway(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "PODA", "PODB")
	s := &site{harness: h}
	s.id, s.loc = h.register("account-1")
	s.claim("PODA", "PODB")
	nodes := topologyNodes(t, s.expect(200, "GET", s.path("/topology"), nil).object(t))
	assert.Equal(t, "ethernet", nodes["PODA"]["backhaulType"], "the first claimed node is the root")
	assert.Equal(t, []any{map[string]any{"id": "PODA"}}, nodes["PODB"]["leafToRoot"])
}

func TestSummary(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	summary := s.expect(200, "GET", s.path("/summary"), nil).object(t)
	for key, want := range map[string]any{
		"wifiNetworkProvisioned": false, "onboardingStatus": "none", "monitorMode": false,
		"networkModeProvisioned": "auto", "networkModeRealized": "router", "nodeClaimedCount": 2.0,
		"optimization": map[string]any{"enable": true, "state": "idle", "id": nil, "triggeredAt": nil},
	} {
		assert.Equal(t, want, summary[key], key)
	}

	s.createWifi("password-1")
	s.expect(200, "POST", s.path("/onboardingCheckpoint"), map[string]any{"checkpoint": "OnboardingComplete"})
	s.expect(200, "PUT", s.path("/monitorMode"), map[string]any{"enable": true})
	s.clock.Advance(time.Second)
	id := s.expect(200, "POST", s.path("/optimize"), nil).body
	summary = s.expect(200, "GET", s.path("/summary"), nil).object(t)
	assert.Equal(t, true, summary["wifiNetworkProvisioned"])
	assert.Equal(t, "onboardingComplete", summary["onboardingStatus"])
	assert.Equal(t, true, summary["monitorMode"])
	assert.Equal(t, map[string]any{"enable": true, "state": "idle", "id": string(id[1 : len(id)-1]), "triggeredAt": stampAt(time.Second)}, summary["optimization"])
	assert.Equal(t, stampAt(time.Second), summary["timestamp"])
}

func TestForceGraph(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	s.expect(200, "POST", s.path("/nodes/POD1"), map[string]any{"nickname": "Kitchen"})
	s.expect(204, "DELETE", s.path("/devices/"+macTV), map[string]any{"daysOffline": 365})

	res := s.api(http.MethodGet, s.path("/forceGraph?view=x&allSSIDs=true"), nil)
	require.Equal(t, 200, res.status, "body: %s", res.body)
	assert.Contains(t, res.header.Get("Content-Type"), "application/json", "JSON whatever the Accept header")
	assert.Equal(t, map[string]any{
		"vertices": []any{
			map[string]any{"id": "GW1", "type": "node", "name": "Gateway GW1", "connectionState": "connected"},
			map[string]any{"id": "POD1", "type": "node", "name": "Kitchen", "connectionState": "connected"},
			map[string]any{"id": macLaptop, "type": "device", "name": "laptop", "connectionState": "connected"},
			map[string]any{"id": macPhone, "type": "device", "name": "phone", "connectionState": "connected"},
		},
		"edges": []any{
			map[string]any{"source": "GW1", "target": "POD1"},
			map[string]any{"source": "POD1", "target": macLaptop},
			map[string]any{"source": "GW1", "target": macPhone},
		},
	}, res.object(t), "the hidden TV is left out")
}

func TestAlerts(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	alerts := s.path("/alerts")
	assert.JSONEq(t, `{"nodes":[],"devices":[]}`, string(s.expect(200, "GET", alerts, nil).body))

	require.NoError(t, s.cloud.RaiseNodeAlert("POD1", "poorHealth"))
	s.clock.Advance(time.Second)
	require.NoError(t, s.cloud.RaiseNodeAlert("POD1", "highInterference"))
	assert.Equal(t, map[string]any{
		"nodes": []any{map[string]any{"id": "POD1", "alerts": []any{
			map[string]any{"type": "poorHealth", "state": "active", "updatedAt": stampAt(0)},
			map[string]any{"type": "highInterference", "state": "active", "updatedAt": stampAt(time.Second)},
		}}},
		"devices": []any{},
	}, s.expect(200, "GET", alerts, nil).object(t))

	// Snooze answers the full node record; reset makes the alert active again.
	s.clock.Advance(time.Second)
	node := s.expect(200, "PUT", s.path("/nodes/POD1/alerts/poorHealth"), map[string]any{"state": "snooze"}).object(t)
	assert.Equal(t, "POD1", node["id"])
	assert.Equal(t, "POD1", node["serialNumber"])
	assert.Contains(t, node, "packId", "the full record: claim record and status")
	assert.Contains(t, node, "connectionState")
	view, _ := s.cloud.Node("POD1")
	assert.Equal(t, []AlertView{
		{Type: "poorHealth", State: "snooze", UpdatedAt: testStart.Add(2 * time.Second)},
		{Type: "highInterference", State: "active", UpdatedAt: testStart.Add(time.Second)},
	}, view.Alerts)
	for _, state := range []string{"ignore", "performanceAcceptable", "reset"} {
		s.expect(200, "PUT", s.path("/nodes/POD1/alerts/poorHealth"), map[string]any{"state": state})
	}
	view, _ = s.cloud.Node("POD1")
	assert.Equal(t, "active", view.Alerts[0].State, "reset is active")

	// A snooze of an alert never raised is stored; raising it again makes it active.
	s.expect(200, "PUT", s.path("/nodes/GW1/alerts/poorHealth"), map[string]any{"state": "ignore"})
	nodes := s.expect(200, "GET", alerts, nil).object(t)["nodes"].([]any)
	require.Len(t, nodes, 2)
	assert.Equal(t, "GW1", nodes[0].(map[string]any)["id"], "claim order")
	require.NoError(t, s.cloud.RaiseNodeAlert("GW1", "poorHealth"))
	view, _ = s.cloud.Node("GW1")
	assert.Equal(t, []AlertView{{Type: "poorHealth", State: "active", UpdatedAt: testStart.Add(2 * time.Second)}}, view.Alerts)

	s.cloud.AddInventory(DefaultPartnerID, "SPARE")
	assert.Error(t, s.cloud.RaiseNodeAlert("SPARE", "poorHealth"), "not claimed")
	assert.Error(t, s.cloud.RaiseNodeAlert("NOPE", "poorHealth"), "unknown")
	assert.Error(t, s.cloud.RaiseNodeAlert("POD1", ""), "no type")

	snooze := s.path("/nodes/POD1/alerts/poorHealth")
	s.runStatusCases(t, []statusCase{
		{"type other than poorHealth", "PUT", s.path("/nodes/POD1/alerts/highInterference"), map[string]any{"state": "snooze"}, 422},
		{"unknown state", "PUT", snooze, map[string]any{"state": "later"}, 422},
		{"no state", "PUT", snooze, map[string]any{}, 422},
		{"state not a string", "PUT", snooze, map[string]any{"state": true}, 422},
		{"node not claimed here", "PUT", s.path("/nodes/SPARE/alerts/poorHealth"), map[string]any{"state": "snooze"}, 404},
		{"unknown location", "PUT", locPath(s.id, unknownID) + "/nodes/POD1/alerts/poorHealth", map[string]any{"state": "snooze"}, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/nodes/POD1/alerts/poorHealth", map[string]any{"state": "snooze"}, 401},
		{"alerts: unknown location", "GET", locPath(s.id, unknownID) + "/alerts", nil, 404},
		{"alerts: unknown customer", "GET", locPath(unknownID, s.loc) + "/alerts", nil, 404},
	})

	// Unclaiming a node clears its alerts.
	require.NoError(t, s.cloud.SetNodeOnline("POD1", false))
	s.expect(204, "DELETE", s.path("/nodes/POD1"), nil)
	view, _ = s.cloud.Node("POD1")
	assert.Empty(t, view.Alerts)
}

func TestOptimize(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	res := s.expect(200, "POST", s.path("/optimize"), map[string]any{"forcePcs": "true"})
	assert.Regexp(t, regexp.MustCompile(`^"[0-9a-f]{24}"$`), string(res.body), "a JSON string")
	view, _ := s.cloud.Location(s.loc)
	assert.Equal(t, string(res.body[1:25]), view.Optimizations.LastOptimizeID)
	assert.True(t, view.Optimizations.LastForcePcs)
	assert.Equal(t, testStart, view.Optimizations.LastOptimizeAt)
	second := s.expect(200, "POST", s.path("/optimize"), nil).body
	assert.NotEqual(t, res.body, second, "a new id each time")

	s.runStatusCases(t, []statusCase{
		{"forcePcs not a boolean", "POST", s.path("/optimize"), map[string]any{"forcePcs": "yes"}, 400},
		{"unknown location", "POST", locPath(s.id, unknownID) + "/optimize", nil, 404},
		{"unknown customer", "POST", locPath(unknownID, s.loc) + "/optimize", nil, 401},
	})
}
