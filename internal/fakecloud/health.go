package fakecloud

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Health (plume-support-api.md §7.1–§7.5, §12.9): the topology, the summary, the force graph
// and the node alerts. Nothing of it is stored but the alerts: every report is derived at
// the clock's time from the claimed nodes (their connectionState, node_state.go) and the
// seeded devices, so the reports agree with each other and with GET …/nodes and …/devices.
//
// The mesh is a star: the location's gateway (gatewayOf: its residentialGateway, else its
// first claimed node) is on ethernet, every other node hangs off it over Wi-Fi, and a device
// hangs off its NodeID (the gateway when none).

// Topology values (§2, §12.2).
const (
	networkModeRealized = "router"
	backhaulEthernet    = "ethernet"
	backhaulWifi        = "wifi"
)

// Alert types and states (§7.5, §12.9, §13.14). An alert is raised active; a snooze PUT
// sets one of the other states, and reset sets it active again.
const (
	alertPoorHealth = "poorHealth"
	alertActive     = "active"
	alertReset      = "reset"
)

// snoozeStates are the body states of PUT …/nodes/{id}/alerts/{type}.
var snoozeStates = []string{"snooze", "ignore", "performanceAcceptable", alertReset}

// nodeAlert is one alert of a node: raised by RaiseNodeAlert, or stored by a snooze.
type nodeAlert struct {
	kind, state string
	updatedAt   time.Time
}

// backhaulType is ethernet for the location's gateway and wifi for the other nodes; an
// unclaimed node answers by its kind.
func (c *Cloud) backhaulType(n *node) string {
	if l := c.locations[n.locationID]; n.claimed() && l != nil {
		if c.gatewayOf(l) == n {
			return backhaulEthernet
		}
		return backhaulWifi
	}
	if n.gateway {
		return backhaulEthernet
	}
	return backhaulWifi
}

// nodeLeafToRoot is the node's parent chain up to the gateway: [{id:gateway}] for any other
// claimed node, [] for the gateway itself and for an unclaimed node.
func (c *Cloud) nodeLeafToRoot(n *node) []obj {
	path := []obj{}
	if l := c.locations[n.locationID]; n.claimed() && l != nil {
		if gw := c.gatewayOf(l); gw != nil && gw != n {
			path = append(path, obj{"id": gw.serial})
		}
	}
	return path
}

// nodeName is the name a report gives a node: its nickname, else its default name.
func nodeName(n *node) string {
	if n.nickname != "" {
		return n.nickname
	}
	return defaultNodeName(n)
}

// topologyJSON is the Topology (§2) at now. The location's connectedDeviceCount is the sum
// of its nodes' counts, so that the two never disagree.
func (c *Cloud) topologyJSON(l *location, now time.Time) obj {
	nodes := c.claimedAt(l.id)
	items := make([]obj, 0, len(nodes))
	connected, devices := 0, 0
	for _, n := range nodes {
		items = append(items, c.refNodeStatus(c.nodeStatusJSON(n, now)))
		if c.connected(n, now) {
			connected++
		}
		devices += c.connectedDevices(n)
	}
	gatewayState := stateDisconnected
	if gw := c.gatewayOf(l); gw != nil {
		gatewayState, _ = c.connection(gw, now)
	}
	return obj{
		"_version":               schemaVersion,
		"timestamp":              stamp(now),
		"topology":               items,
		"gatewayConnectionState": gatewayState,
		"nodeConnectedCount":     connected,
		"nodeClaimedCount":       len(nodes),
		"connectedDeviceCount":   devices,
		"networkModeRealized":    networkModeRealized,
	}
}

// topologyOf resolves the location of a health read (an unknown customer is 404, §13.13)
// and requires a topology: no node claimed there is 404.
func (c *Cloud) topologyOf(rq *request) (*location, *reply) {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return nil, bad
	}
	if len(c.claimedNodes[l.id]) == 0 {
		return nil, errorf(http.StatusNotFound, "topology unknown: no node is claimed at location %q", l.id)
	}
	return l, nil
}

// getTopology answers the Topology. GET …/topology (§7.1, §12.9)
func (c *Cloud) getTopology(rq *request) *reply {
	l, bad := c.topologyOf(rq)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, c.topologyJSON(l, c.now()))
}

// getSummary answers the Topology with the provisioning state. GET …/summary (§7.3, §12.9)
func (c *Cloud) getSummary(rq *request) *reply {
	l, bad := c.topologyOf(rq)
	if bad != nil {
		return bad
	}
	o := c.topologyJSON(l, c.now())
	o["wifiNetworkProvisioned"] = l.wifi != nil
	o["onboardingStatus"] = onboardingStatus(l)
	o["monitorMode"] = l.monitorMode
	o["networkModeProvisioned"] = "auto"
	o["optimization"] = optimizationSummary(l)
	return jsonReply(http.StatusOK, o)
}

// onboardingStatus is the last onboarding checkpoint, lower camel case (podsAdded,
// onboardingComplete), or "none" before any.
func onboardingStatus(l *location) string {
	if l.checkpoint == nil || l.checkpoint.value == "" {
		return "none"
	}
	v := l.checkpoint.value
	return strings.ToLower(v[:1]) + v[1:]
}

// getForceGraph answers the graph as JSON whatever the Accept header; the query options
// (PubNub keys, view, allSSIDs, showPartnerComponent) are accepted and ignored.
// GET …/forceGraph (§7.2, §12.9)
func (c *Cloud) getForceGraph(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	now := c.now()
	vertices, edges := []obj{}, []obj{}
	gw := c.gatewayOf(l)
	for _, n := range c.claimedAt(l.id) {
		state, _ := c.connection(n, now)
		vertices = append(vertices, obj{"id": n.serial, "type": "node", "name": nodeName(n), "connectionState": state})
		if gw != nil && n != gw {
			edges = append(edges, obj{"source": gw.serial, "target": n.serial})
		}
	}
	for _, d := range sortedDevices(l) {
		if d.hidden {
			continue
		}
		state := stateDisconnected
		if d.connected {
			state = stateConnected
		}
		vertices = append(vertices, obj{"id": d.mac, "type": "device", "name": d.displayName(), "connectionState": state})
		if serving := c.servingNode(l, d); serving != "" {
			edges = append(edges, obj{"source": serving, "target": d.mac})
		}
	}
	return jsonReply(http.StatusOK, obj{"vertices": vertices, "edges": edges})
}

// getAlerts answers the alerts of the location's claimed nodes, those with any, in claim
// order; devices have none. GET …/alerts (§7.4, §12.9)
func (c *Cloud) getAlerts(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	nodes := []obj{}
	for _, n := range c.claimedAt(l.id) {
		if len(n.alerts) == 0 {
			continue
		}
		alerts := make([]obj, 0, len(n.alerts))
		for _, a := range n.alerts {
			alerts = append(alerts, obj{"type": a.kind, "state": a.state, "updatedAt": stamp(a.updatedAt)})
		}
		nodes = append(nodes, obj{"id": n.serial, "alerts": alerts})
	}
	return jsonReply(http.StatusOK, obj{"nodes": nodes, "devices": []obj{}})
}

// snoozeAlert sets the state of a node alert, storing it when it was never raised; reset
// makes it active. The answer is the full node record. Checks: location and node (404), then
// type and state (422). PUT …/nodes/{id}/alerts/{type} (§7.5, §12.9)
func (c *Cloud) snoozeAlert(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	kind, state := rq.params[3], f.str("state")
	switch {
	case kind != alertPoorHealth:
		return errorf(http.StatusUnprocessableEntity, "alert type %q is not %s", kind, alertPoorHealth)
	case f.err != nil || state == nil || !slices.Contains(snoozeStates, *state):
		return errorReply(http.StatusUnprocessableEntity, "state must be snooze, ignore, performanceAcceptable or reset")
	}
	next := *state
	if next == alertReset {
		next = alertActive
	}
	now := c.now()
	n.setAlert(kind, next, now)
	return jsonReply(http.StatusOK, c.fullNodeJSON(n, now))
}

// setAlert sets the state of the node's alert of that type, adding it when absent.
func (n *node) setAlert(kind, state string, now time.Time) {
	for _, a := range n.alerts {
		if a.kind == kind {
			a.state, a.updatedAt = state, now
			return
		}
	}
	n.alerts = append(n.alerts, &nodeAlert{kind: kind, state: state, updatedAt: now})
}

// RaiseNodeAlert raises an alert of any type (poorHealth, highInterference, …) on a claimed
// node: it shows in GET …/alerts as active, at the clock's time. Raising it again makes it
// active again. Unclaiming the node clears its alerts.
func (c *Cloud) RaiseNodeAlert(serial, alertType string) error {
	if alertType == "" {
		return fmt.Errorf("fakecloud: node %q: an alert needs a type", serial)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	switch {
	case n == nil:
		return fmt.Errorf("fakecloud: no node %q in inventory", serial)
	case !n.claimed():
		return fmt.Errorf("fakecloud: node %q is not claimed: its alerts would show nowhere", serial)
	}
	n.setAlert(alertType, alertActive, c.now())
	return nil
}

// AlertView is one alert of a node.
type AlertView struct {
	Type      string    // poorHealth, or any type RaiseNodeAlert was given
	State     string    // active, snooze, ignore or performanceAcceptable
	UpdatedAt time.Time // when it was raised or its state last set
}

func alertSnapshot(n *node) []AlertView {
	var out []AlertView
	for _, a := range n.alerts {
		out = append(out, AlertView{Type: a.kind, State: a.state, UpdatedAt: a.updatedAt})
	}
	return out
}
