package main

import (
	"context"
	"slices"
	"strings"

	"github.com/plumecloud/plume-go"
)

// The Health report on the subscriber page: problems first, then the facts, and the nodes
// and the mesh from the report's topology (each extender under the node it connects
// through).

// healthView is the Health report as the page shows it, problems first.
type healthView struct {
	Problems         []string
	Notes            []string // what the report cannot tell and needs no action
	Missing          []string
	TopologyKnown    bool
	AlertsKnown      bool
	GatewayOnline    bool
	HasGateway       bool
	NodesOnline      int
	NodesTotal       int
	ConnectedDevices int
	OpenAlerts       int
	Onboarding       string
	SpeedTest        *speedView
	At               string
}

func newHealthView(rep *plume.HealthReport) *healthView {
	v := &healthView{
		Problems: plainProblems(rep.Problems), Notes: rep.Notes, Missing: rep.Missing, TopologyKnown: !slices.Contains(rep.Missing, "topology"),
		AlertsKnown: rep.Alerts != nil, GatewayOnline: rep.GatewayOnline, HasGateway: rep.GatewayID != "",
		NodesTotal: len(rep.Nodes), ConnectedDevices: rep.ConnectedDevices, Onboarding: rep.OnboardingStatus, At: sinceText(rep.At),
	}
	for _, n := range rep.Nodes {
		if n.Connected() {
			v.NodesOnline++
		}
	}
	if rep.Alerts != nil {
		for _, group := range [][]plume.Alert{rep.Alerts.Nodes, rep.Alerts.Devices} {
			for i := range group {
				v.OpenAlerts += len(group[i].OpenTypes())
			}
		}
	}
	if st := rep.LastSpeedTest; st != nil {
		v.SpeedTest = newSpeedView(st)
	}
	return v
}

// plainProblems keeps the report's problems, but says a part that could not be read in
// plain words instead of quoting the cloud's error ("alerts unavailable: HTTP 503: …").
func plainProblems(problems []string) []string {
	out := make([]string, 0, len(problems))
	for _, p := range problems {
		switch {
		case strings.HasPrefix(p, "topology unknown ("):
			p = "topology unknown: the Plume Cloud has none for this location yet (a gateway that never came online), or could not give it"
		case strings.Contains(p, " unavailable: "):
			part, _, _ := strings.Cut(p, " unavailable: ")
			p = part + " could not be read just now: reload in a minute"
		}
		out = append(out, p)
	}
	return out
}

// healthNodes turns the report's nodes into table rows and the picture: each extender under
// the node it connects through (the first id of its leaf-to-root chain).
func healthNodes(rep *plume.HealthReport) ([]nodeRow, *meshPicture) {
	var rows []nodeRow
	var mesh []meshNode
	for _, n := range rep.Nodes {
		parent := ""
		if len(n.LeafToRoot) > 0 {
			parent = n.LeafToRoot[0]
		}
		gateway := n.ID == rep.GatewayID
		rows = append(rows, nodeRow{
			ID: n.ID, Name: n.Name(), State: firstNonEmpty(n.ConnectionState, "unknown"), Since: sinceText(n.ConnectionStateChangeAt),
			Firmware: n.FirmwareVersion, Backhaul: n.BackhaulType, IP: n.IP, Devices: n.ConnectedDeviceCount,
			Gateway: gateway, Online: n.Connected(),
		})
		mesh = append(mesh, meshNode{ID: n.ID, Name: n.Name(), Parent: parent, Gateway: gateway, Online: n.Connected(),
			State: n.ConnectionState, Backhaul: n.BackhaulType, Devices: n.ConnectedDeviceCount})
	}
	return rows, layoutMesh(mesh)
}

// loadHealth fills the Health section of the subscriber page, and from the report the nodes
// and the mesh. When Health fails, or its topology is unknown, the nodes come from the nodes
// list, so that the technician can still act on them.
func (p *Portal) loadHealth(ctx context.Context, data *subscriberData, customerID, locationID string) {
	rep, err := p.client.Health(ctx, customerID, locationID)
	if err != nil {
		data.HealthErr = explain(err)
		nodes, err := p.client.Nodes.List(ctx, customerID, locationID)
		if err != nil {
			data.NodesErr = explain(err)
			return
		}
		data.Nodes, data.Mesh = nodeRows(nodes)
		return
	}
	data.Health = newHealthView(rep)
	if !data.Health.TopologyKnown { // the nodes list still says what is claimed
		if nodes, err := p.client.Nodes.List(ctx, customerID, locationID); err == nil {
			data.Nodes, data.Mesh = nodeRows(nodes)
			return
		}
	}
	data.Nodes, data.Mesh = healthNodes(rep)
}
