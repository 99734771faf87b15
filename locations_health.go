package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// NodeStatus is one node of a location's topology: its connection state, the way it reaches
// the gateway and what it serves (docs/plume-api.md §5.0, the node status shape). Raw keeps
// the whole object (wifiConfig, the full leafToRoot entries).
type NodeStatus struct {
	ID                      string    `json:"id"`
	Nickname                string    `json:"nickname"`
	DefaultName             string    `json:"defaultName"`
	ConnectionState         string    `json:"connectionState"` // "connected" or "disconnected"
	ConnectionStateChangeAt time.Time `json:"connectionStateChangeAt"`
	FirmwareVersion         string    `json:"firmwareVersion"`
	BackhaulType            string    `json:"backhaulType"` // "wifi" or "ethernet"
	ConnectedDeviceCount    int       `json:"connectedDeviceCount"`
	IP                      string    `json:"ip"`
	Channel                 string    `json:"channel"`   // a number or a string on the wire
	Channel2G               string    `json:"2gChannel"` // a number or a string on the wire
	Channel5G               string    `json:"5gChannel"`
	Channel6G               string    `json:"6gChannel"`
	// LeafToRoot is the chain of node ids from this node's parent up to the gateway, as the
	// API lists it (entries {"id":…} or bare ids); empty for the gateway itself.
	LeafToRoot         []string        `json:"leafToRoot"`
	ResidentialGateway bool            `json:"residentialGateway"` // when the answer says so
	Raw                json.RawMessage `json:"-"`
}

// Name is what a person calls the node: its nickname, else its default name, else its id.
func (n *NodeStatus) Name() string {
	switch {
	case n.Nickname != "":
		return n.Nickname
	case n.DefaultName != "":
		return n.DefaultName
	}
	return n.ID
}

// Connected reports whether the node's connection state is "connected" (in any case).
func (n *NodeStatus) Connected() bool { return strings.EqualFold(n.ConnectionState, "connected") }

// plainNodeStatus is NodeStatus without methods, for decoding (decode.go), with the members
// whose wire type varies read leniently.
type plainNodeStatus struct {
	plainNodeStatusFields
	ConnectionStateChangeAt looseStamp `json:"connectionStateChangeAt"`
	ConnectedDeviceCount    deviceInt  `json:"connectedDeviceCount"`
	Channel                 flexString `json:"channel"`
	Channel2G               flexString `json:"2gChannel"`
	Channel5G               flexString `json:"5gChannel"`
	Channel6G               flexString `json:"6gChannel"`
	LeafToRoot              nodeChain  `json:"leafToRoot"`
}

type plainNodeStatusFields NodeStatus

func (p *plainNodeStatus) with(raw json.RawMessage) NodeStatus {
	n := NodeStatus(p.plainNodeStatusFields)
	n.ConnectionStateChangeAt = time.Time(p.ConnectionStateChangeAt)
	n.ConnectedDeviceCount = int(p.ConnectedDeviceCount)
	n.Channel, n.Channel2G, n.Channel5G, n.Channel6G = string(p.Channel), string(p.Channel2G), string(p.Channel5G), string(p.Channel6G)
	n.LeafToRoot = p.LeafToRoot
	n.Raw = raw
	return n
}

// UnmarshalJSON decodes a node status object and keeps it whole in Raw.
func (n *NodeStatus) UnmarshalJSON(data []byte) error {
	return decodeRawInto(n, data, (*plainNodeStatus).with)
}

// Topology is how a location's nodes connect, as GET …/topology returns it
// (docs/plume-support-api.md §2). Raw keeps the whole object.
type Topology struct {
	GatewayConnectionState string          `json:"gatewayConnectionState"`
	NodeConnectedCount     int             `json:"nodeConnectedCount"`
	NodeClaimedCount       int             `json:"nodeClaimedCount"`
	ConnectedDeviceCount   int             `json:"connectedDeviceCount"`
	NetworkModeRealized    string          `json:"networkModeRealized"` // "router", "bridge", …
	Nodes                  []NodeStatus    `json:"topology"`            // never nil once decoded
	At                     time.Time       `json:"timestamp"`           // when the cloud took it; zero when not given
	Raw                    json.RawMessage `json:"-"`
}

// Gateway returns the gateway among Nodes, or nil when there are no nodes: the node the
// answer marks residentialGateway, else the root of the other nodes' leafToRoot chains, else
// the first node (the rule of docs/plume-support-api.md §12.2).
func (t *Topology) Gateway() *NodeStatus {
	for i := range t.Nodes {
		if t.Nodes[i].ResidentialGateway {
			return &t.Nodes[i]
		}
	}
	for _, n := range t.Nodes {
		if len(n.LeafToRoot) == 0 {
			continue
		}
		if root := t.node(n.LeafToRoot[len(n.LeafToRoot)-1]); root != nil {
			return root
		}
	}
	if len(t.Nodes) > 0 {
		return &t.Nodes[0]
	}
	return nil
}

// node returns the node of id, or nil.
func (t *Topology) node(id string) *NodeStatus {
	for i := range t.Nodes {
		if t.Nodes[i].ID == id {
			return &t.Nodes[i]
		}
	}
	return nil
}

// Summary is a location's topology with its provisioning state, as GET …/summary returns it
// (docs/plume-support-api.md §7.3). Raw (of the embedded Topology) keeps the whole object,
// optimization included.
type Summary struct {
	Topology
	OnboardingStatus       string `json:"onboardingStatus"`
	NetworkModeProvisioned string `json:"networkModeProvisioned"`
	WifiNetworkProvisioned bool   `json:"wifiNetworkProvisioned"`
	MonitorMode            bool   `json:"monitorMode"` // a bool, or {"enable":bool} as in the Location
}

// topologyWire is the wire shape of Topology and Summary, decoded in one pass.
type topologyWire struct {
	GatewayConnectionState string            `json:"gatewayConnectionState"`
	NodeConnectedCount     deviceInt         `json:"nodeConnectedCount"`
	NodeClaimedCount       deviceInt         `json:"nodeClaimedCount"`
	ConnectedDeviceCount   deviceInt         `json:"connectedDeviceCount"`
	NetworkModeRealized    string            `json:"networkModeRealized"`
	Nodes                  []plainNodeStatus `json:"topology"`
	Timestamp              looseStamp        `json:"timestamp"`

	OnboardingStatus       string    `json:"onboardingStatus"`
	NetworkModeProvisioned string    `json:"networkModeProvisioned"`
	WifiNetworkProvisioned looseBool `json:"wifiNetworkProvisioned"`
	MonitorMode            looseBool `json:"monitorMode"`
}

// decodeSummary decodes a topology or summary body. present is false when the body names
// no topology at all: neither a topology list nor a gateway state.
func decodeSummary(body []byte) (s Summary, present bool, err error) {
	var w topologyWire
	if err := json.Unmarshal(body, &w); err != nil {
		return Summary{}, false, err
	}
	present = w.Nodes != nil || w.GatewayConnectionState != ""
	var nodes []NodeStatus
	if w.Nodes != nil {
		arr, _ := jsonraw.Member(body, "topology")
		if nodes, err = withRaws(w.Nodes, jsonraw.Elements(arr), (*plainNodeStatus).with); err != nil {
			return Summary{}, false, err
		}
	}
	s = Summary{
		Topology: Topology{
			GatewayConnectionState: w.GatewayConnectionState,
			NodeConnectedCount:     int(w.NodeConnectedCount),
			NodeClaimedCount:       int(w.NodeClaimedCount),
			ConnectedDeviceCount:   int(w.ConnectedDeviceCount),
			NetworkModeRealized:    w.NetworkModeRealized,
			Nodes:                  nonNil(nodes),
			At:                     time.Time(w.Timestamp),
			Raw:                    keepRawJSON(body),
		},
		OnboardingStatus:       w.OnboardingStatus,
		NetworkModeProvisioned: w.NetworkModeProvisioned,
		WifiNetworkProvisioned: bool(w.WifiNetworkProvisioned),
		MonitorMode:            bool(w.MonitorMode),
	}
	return s, present, nil
}

// UnmarshalJSON decodes a topology object and keeps it whole in Raw.
func (t *Topology) UnmarshalJSON(data []byte) error {
	s, _, err := decodeSummary(data)
	if err == nil {
		*t = s.Topology
	}
	return err
}

// UnmarshalJSON decodes a summary object and keeps it whole in Raw.
func (s *Summary) UnmarshalJSON(data []byte) error {
	out, _, err := decodeSummary(data)
	if err == nil {
		*s = out
	}
	return err
}

// summaryAnswer is the answer of Topology and Summary: refused when it names no topology
// (an empty object, say), which a caller could not tell from a location without nodes.
type summaryAnswer struct {
	Summary
	present bool
}

func (a *summaryAnswer) decodeBody(body []byte) (err error) {
	a.Summary, a.present, err = decodeSummary(body)
	return err
}

func (a *summaryAnswer) missing() string {
	if !a.present {
		return "no topology"
	}
	return ""
}

// Topology returns how the nodes of a location connect: each node's state, backhaul,
// firmware and device count, and the location's counts. An answer with neither a topology
// list nor a gateway state is an error matching ErrUnexpectedResponse. The API marks the
// endpoint deprecated in favour of ForceGraph, whose fields are undocumented
// (docs/plume-support-api.md §7.1, §7.2). A 404 (ErrNotFound) means the customer, the
// location or its topology is unknown.
//
// API: GET /Customers/{id}/locations/{locationId}/topology
func (s *LocationsService) Topology(ctx context.Context, customerID, locationID string) (*Topology, error) {
	answer, err := s.summary(ctx, "Locations.Topology", "topology", customerID, locationID)
	if err != nil {
		return nil, err
	}
	return &answer.Topology, nil
}

// Summary returns the topology of a location with its onboarding status, whether a WiFi
// network is provisioned, and monitor mode (docs/plume-support-api.md §7.3; deprecated by the
// API like Topology). Errors as for Topology.
//
// API: GET /Customers/{id}/locations/{locationId}/summary
func (s *LocationsService) Summary(ctx context.Context, customerID, locationID string) (*Summary, error) {
	answer, err := s.summary(ctx, "Locations.Summary", "summary", customerID, locationID)
	if err != nil {
		return nil, err
	}
	return &answer.Summary, nil
}

func (s *LocationsService) summary(ctx context.Context, op, resource, customerID, locationID string) (*summaryAnswer, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return call[summaryAnswer](ctx, s.client, &request{
		op:     op,
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, resource),
	})
}

// ForceGraph returns the location's graph of nodes and devices (vertices[] and edges[],
// fields undocumented) as raw JSON. It asks for JSON (Accept: application/json, as every
// call does) and sends none of the PubNub or view parameters (docs/plume-support-api.md
// §7.2); an answer that is not JSON (the HTML view) is a decoding error. A 404 is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/forceGraph
func (s *LocationsService) ForceGraph(ctx context.Context, customerID, locationID string) (json.RawMessage, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	graph, err := call[json.RawMessage](ctx, s.client, &request{
		op:     "Locations.ForceGraph",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "forceGraph"),
	})
	if err != nil {
		return nil, err
	}
	return *graph, nil
}

// Dashboard is the app's dashboard of a location: the latest speed test and the most active
// devices (docs/plume-support-api.md §6.6, whose example is {}; the typed fields follow the
// shape of §12.4). Raw keeps the whole answer.
type Dashboard struct {
	SpeedTest         *SpeedTestResult `json:"speedTest"` // nil when there is none yet
	MostActiveDevices []Device         `json:"mostActiveDevices"`
	Raw               json.RawMessage  `json:"-"`
}

// UnmarshalJSON decodes a dashboard answer and keeps it whole in Raw.
func (d *Dashboard) UnmarshalJSON(data []byte) error { return d.decodeBody(data) }

func (d *Dashboard) decodeBody(body []byte) error {
	var w struct {
		SpeedTest         *SpeedTestResult `json:"speedTest"`
		MostActiveDevices []plainDevice    `json:"mostActiveDevices"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return err
	}
	if body = bytes.TrimSpace(body); body[0] != '{' {
		return errDashboardShape
	}
	arr, _ := jsonraw.Member(body, "mostActiveDevices")
	devices, err := withRaws(w.MostActiveDevices, jsonraw.Elements(arr), (*plainDevice).with)
	if err != nil {
		return err
	}
	if st := w.SpeedTest; st != nil && st.RequestID == "" && st.Status == "" && st.At.IsZero() && st.DownloadMbps == 0 && st.UploadMbps == 0 {
		w.SpeedTest = nil // {}: no test to show
	}
	*d = Dashboard{SpeedTest: w.SpeedTest, MostActiveDevices: nonNil(devices), Raw: keepRawJSON(body)}
	return nil
}

// errDashboardShape is a dashboard answer that is not an object.
var errDashboardShape = errors.New("dashboard: not an object")

// Dashboard returns the latest speed test of a location and its most active devices. A 404
// (ErrNotFound) means the location, or its network mode, is unknown.
//
// API: GET /Customers/{id}/locations/{locationId}/appFacade/dashboard
func (s *LocationsService) Dashboard(ctx context.Context, customerID, locationID string) (*Dashboard, error) {
	return s.dashboard(ctx, customerID, locationID, false)
}

// dashboard is Dashboard, without the devices when excludeDevices is set (Health's case).
func (s *LocationsService) dashboard(ctx context.Context, customerID, locationID string, excludeDevices bool) (*Dashboard, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	var query url.Values
	if excludeDevices {
		query = url.Values{"excludeDevices": {"true"}}
	}
	return call[Dashboard](ctx, s.client, &request{
		op:     "Locations.Dashboard",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "appFacade", "dashboard"),
		query:  query,
	})
}

// looseBool decodes true, "true", or an object with "enable": true (monitorMode in the
// Location's shape) as true; anything else is false.
type looseBool bool

func (b *looseBool) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var w struct {
			Enable looseBool `json:"enable"`
		}
		_ = json.Unmarshal(data, &w)
		*b = w.Enable
		return nil
	}
	*b = looseBool(string(data) == "true" || string(data) == `"true"`)
	return nil
}

// nodeChain decodes leafToRoot: a list of {"id":…} objects or of bare ids; entries without an
// id are left out, and a value that is not a list is no chain.
type nodeChain []string

func (c *nodeChain) UnmarshalJSON(data []byte) error {
	*c = nil
	var entries []json.RawMessage
	if json.Unmarshal(data, &entries) != nil {
		return nil
	}
	for _, e := range entries {
		var id flexString
		if len(e) > 0 && e[0] == '{' {
			var w struct {
				ID flexString `json:"id"`
			}
			_ = json.Unmarshal(e, &w)
			id = w.ID
		} else if id.UnmarshalJSON(e) != nil {
			continue
		}
		if id != "" {
			*c = append(*c, string(id))
		}
	}
	return nil
}
