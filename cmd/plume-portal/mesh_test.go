package main

import (
	"strings"
	"testing"
)

func TestLayoutMeshPutsExtendersUnderTheirParent(t *testing.T) {
	t.Parallel()
	pic := layoutMesh([]meshNode{
		{ID: "POD-2", Name: "Bedroom", Parent: "POD-1", Online: false, State: "disconnected", Backhaul: "wifi", Devices: 0},
		{ID: "GW", Name: "Hall", Gateway: true, Online: true, State: "connected", Backhaul: "ethernet", Devices: 3},
		{ID: "POD-1", Name: "Living Room", Parent: "GW", Online: true, State: "connected", Backhaul: "wifi", Devices: 2},
		{ID: "POD-3", Name: "Office", Parent: "GW", Online: true, State: "connected", Backhaul: "ethernet", Devices: 1},
		{ID: "POD-4", Name: "Loop", Parent: "POD-5", State: "connected", Online: true},
		{ID: "POD-5", Name: "Loop too", Parent: "POD-4", State: "connected", Online: true},
		{ID: "POD-6", Name: "Orphan", Parent: "POD-404", State: ""},
	})
	at := map[string]meshBox{}
	for _, n := range pic.Nodes {
		at[n.ID] = n
	}
	below := func(child, parent string) {
		t.Helper()
		if at[child].Y <= at[parent].Y {
			t.Errorf("%s (y %d) is not below %s (y %d)", child, at[child].Y, parent, at[parent].Y)
		}
	}
	below("POD-1", "GW")
	below("POD-2", "POD-1")
	below("POD-3", "GW")
	below("POD-6", "GW")
	if at["POD-2"].Y != at["POD-1"].Y+meshLevel || at["POD-1"].Y != at["GW"].Y+meshLevel {
		t.Errorf("levels: GW %d, POD-1 %d, POD-2 %d", at["GW"].Y, at["POD-1"].Y, at["POD-2"].Y)
	}
	if !at["GW"].Gateway || at["POD-1"].Gateway {
		t.Error("gateway not marked")
	}
	if at["POD-2"].Class != "node offline" || at["POD-6"].Class != "node unknown" || at["GW"].Class != "node online gateway" {
		t.Errorf("classes: %q %q %q", at["POD-2"].Class, at["POD-6"].Class, at["GW"].Class)
	}
	for _, n := range pic.Nodes {
		if n.X <= 0 || n.X >= pic.Width || n.Y <= 0 || n.Y >= pic.Height {
			t.Errorf("%s at (%d,%d) outside %dx%d", n.ID, n.X, n.Y, pic.Width, pic.Height)
		}
	}
	if len(pic.Edges) != len(pic.Nodes) { // one per node: the WAN, and each node to its parent
		t.Errorf("%d edges for %d nodes", len(pic.Edges), len(pic.Nodes))
	}
	for _, e := range pic.Edges {
		if e.X2 == at["POD-2"].X && e.Y2 == at["POD-2"].Y-meshRadius && e.Class != "link wifi down" {
			t.Errorf("edge to POD-2: class %q", e.Class)
		}
	}
	for _, w := range []string{"gateway Hall, online, 3 devices", "extender Bedroom, offline, through Living Room over wifi, 0 devices"} {
		if !strings.Contains(pic.Summary, w) {
			t.Errorf("summary lacks %q: %s", w, pic.Summary)
		}
	}
	if layoutMesh(nil) != nil {
		t.Error("a picture of nothing")
	}
}
