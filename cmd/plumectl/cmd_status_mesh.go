package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/plumecloud/plume-go"
)

// meshNode is a node of the mesh as plumectl status draws it: under the node it connects
// through.
type meshNode struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`            // gateway or extender
	State    string `json:"state"`           // the API's connectionState; "" when unknown
	Since    string `json:"since,omitempty"` // when it last changed, RFC 3339
	Backhaul string `json:"backhaul,omitempty"`
	Devices  int    `json:"connected_devices"`
	Firmware string `json:"firmware,omitempty"`
	// Via is the parent the topology names when it is not a node of the topology (or the
	// chain loops): the node is then drawn at the top level.
	Via      string      `json:"via,omitempty"`
	Children []*meshNode `json:"children,omitempty"`

	since time.Time
}

// buildMesh arranges the report's nodes as trees: each node under the first id of its
// leafToRoot (its parent), the gateway first; a node whose parent is not in the topology, or
// whose chain loops, starts a tree of its own. Each node is drawn once, in topology order
// among its siblings.
func buildMesh(r *plume.HealthReport) []*meshNode {
	byID := map[string]*meshNode{}
	nodes := make([]*meshNode, 0, len(r.Nodes))
	parentOf := map[*meshNode]string{}
	for i := range r.Nodes {
		n := &r.Nodes[i]
		m := &meshNode{
			ID: n.ID, Name: n.Name(), Role: "extender", State: n.ConnectionState,
			Backhaul: n.BackhaulType, Devices: n.ConnectedDeviceCount, Firmware: n.FirmwareVersion,
			since: n.ConnectionStateChangeAt, Since: rfc3339(n.ConnectionStateChangeAt),
		}
		if n.ID == r.GatewayID || n.ResidentialGateway {
			m.Role = "gateway"
		}
		if len(n.LeafToRoot) > 0 && n.LeafToRoot[0] != n.ID {
			parentOf[m] = n.LeafToRoot[0]
		}
		if _, dup := byID[n.ID]; !dup {
			byID[n.ID] = m
		}
		nodes = append(nodes, m)
	}
	children := map[*meshNode][]*meshNode{}
	var roots []*meshNode
	for _, m := range nodes {
		if p := byID[parentOf[m]]; p != nil {
			children[p] = append(children[p], m)
		} else {
			m.Via = parentOf[m]
			roots = append(roots, m)
		}
	}
	slices.SortStableFunc(roots, func(a, b *meshNode) int { return boolRank(a.Role == "gateway") - boolRank(b.Role == "gateway") })
	drawn := map[*meshNode]bool{}
	var attach func(m *meshNode)
	attach = func(m *meshNode) {
		drawn[m] = true
		for _, c := range children[m] {
			if !drawn[c] {
				m.Children = append(m.Children, c)
				attach(c)
			}
		}
	}
	for _, m := range roots {
		attach(m)
	}
	for _, m := range nodes { // in a loop of parents: no root reaches them
		if !drawn[m] {
			m.Via = parentOf[m]
			roots = append(roots, m)
			attach(m)
		}
	}
	return roots
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// print writes the node and, below it, its children, as tabwriter lines: lead is the
// node's own prefix, indent that of the lines below it.
func (m *meshNode) print(w io.Writer, lead, indent string, at time.Time) {
	name := m.Name
	if !strings.Contains(name, m.ID) {
		name += " (" + m.ID + ")"
	}
	if m.Role == "gateway" && !strings.Contains(strings.ToLower(name), "gateway") {
		name += ", gateway"
	}
	if m.Via != "" {
		name += ", via " + m.Via
	}
	state := dash(m.State)
	if m.State != "" && m.State != "connected" && !m.since.IsZero() {
		state += " since " + sinceText(m.since, at)
	}
	fmt.Fprintf(w, "%s%s\t%s\t%s\t%d\t%s\n", lead, name, state, dash(m.Backhaul), m.Devices, dash(m.Firmware))
	for i, c := range m.Children {
		branch, next := "├─ ", "│  "
		if i == len(m.Children)-1 {
			branch, next = "└─ ", "   "
		}
		c.print(w, indent+branch, indent+next, at)
	}
}

// sinceText is the time of a state change: its hour on the report's day, else its date too.
func sinceText(t, at time.Time) string {
	t = t.UTC()
	if y, m, d := t.Date(); !at.IsZero() {
		if ay, am, ad := at.UTC().Date(); ay == y && am == m && ad == d {
			return t.Format("15:04 UTC")
		}
	}
	return t.Format("2006-01-02 15:04 UTC")
}
