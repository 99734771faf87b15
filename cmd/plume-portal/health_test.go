package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func TestHealthViewAndNodesFromTheReport(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 14, 2, 0, 0, time.UTC)
	rep := &plume.HealthReport{
		GatewayID: "GW", GatewayOnline: true, ConnectedDevices: 7, OnboardingStatus: "complete", At: at,
		Nodes: []plume.NodeStatus{
			{ID: "GW", Nickname: "Hall", ConnectionState: "connected", BackhaulType: "ethernet", ConnectedDeviceCount: 4, FirmwareVersion: "1.0.0"},
			{ID: "POD-1", DefaultName: "Pod 1", ConnectionState: "connected", BackhaulType: "wifi", ConnectedDeviceCount: 3, LeafToRoot: []string{"GW"}},
			{ID: "POD-2", Nickname: "Bedroom", ConnectionState: "disconnected", ConnectionStateChangeAt: at, BackhaulType: "wifi", LeafToRoot: []string{"POD-1", "GW"}},
		},
		Alerts:        &plume.Alerts{Nodes: []plume.Alert{{ID: "POD-2", Details: []plume.AlertDetail{{Type: "poorHealth", State: "active"}, {Type: "x", State: plume.AlertSnooze}}}}},
		LastSpeedTest: &plume.SpeedTestResult{Status: "completed", DownloadMbps: 12.3, UploadMbps: 4, Latency: 21 * time.Millisecond, At: at},
		Problems: []string{
			"extender Bedroom offline since 14:02 UTC",
			"1 open alert on Bedroom: poorHealth",
			"speed test unavailable: HTTP 503: Service Unavailable /api/Customers/x",
			"last speed test 12.3 Mbps down (below 25 Mbps)",
		},
		Missing: []string{"speed test"},
	}
	v := newHealthView(rep)
	if !v.TopologyKnown || v.NodesOnline != 2 || v.NodesTotal != 3 || v.OpenAlerts != 1 || v.SpeedTest.Down != "12.3 Mbps" || v.SpeedTest.Latency != "21 ms" {
		t.Errorf("view: %+v %+v", v, v.SpeedTest)
	}
	want := []string{"extender Bedroom offline since 14:02 UTC", "1 open alert on Bedroom: poorHealth",
		"speed test could not be read just now: reload in a minute", "last speed test 12.3 Mbps down (below 25 Mbps)"}
	if strings.Join(v.Problems, "|") != strings.Join(want, "|") {
		t.Errorf("problems:\n%q\nwant\n%q", v.Problems, want)
	}
	rows, pic := healthNodes(rep)
	if len(rows) != 3 || !rows[0].Gateway || rows[2].Name != "Bedroom" || rows[2].Online || rows[1].Name != "Pod 1" {
		t.Errorf("rows: %+v", rows)
	}
	y := map[string]int{}
	for _, n := range pic.Nodes {
		y[n.ID] = n.Y
	}
	if !(y["GW"] < y["POD-1"] && y["POD-1"] < y["POD-2"]) {
		t.Errorf("Bedroom is not drawn under Pod 1 under the gateway: %v", y)
	}

	fresh := newHealthView(&plume.HealthReport{GatewayOnline: true, Problems: []string{}, Notes: []string{"no speed test yet"}})
	if len(fresh.Problems) != 0 || strings.Join(fresh.Notes, "|") != "no speed test yet" {
		t.Errorf("a location without a speed test: problems %q, notes %q", fresh.Problems, fresh.Notes)
	}

	unknown := newHealthView(&plume.HealthReport{Missing: []string{"topology"}, Problems: []string{"topology unknown (HTTP 404: There is no method to handle GET /api/x)"}})
	if unknown.TopologyKnown || strings.Contains(unknown.Problems[0], "HTTP") || !strings.HasPrefix(unknown.Problems[0], "topology unknown:") {
		t.Errorf("unknown topology: %+v", unknown)
	}
}

func TestSubscriberPageShowsHealthFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, _ := h.home("crm-000102")
	// Whatever the alerts answer, the page says it plainly.
	if err := h.fake.InjectFault(plumetest.Fault{Method: "GET", Path: "/api/Customers/*/locations/*/alerts", Status: http.StatusServiceUnavailable, Times: 4}); err != nil {
		t.Fatal(err)
	}
	page := b.get("/subscribers/" + customerID)
	health, service := strings.Index(page.body, `id="problems"`), strings.Index(page.body, "<h2>Service</h2>")
	if health < 0 || service < 0 || health > service {
		t.Fatalf("the health report does not come first (at %d, service at %d):\n%s", health, service, page.body)
	}
	mustContain(t, page.body, "alerts could not be read just now", "<li>extender Pod 1003 offline since ", `id="nodes-online">1 of 2<`,
		`id="node-POD-1003"`, `class="node offline" data-node="POD-1003"`)
	mustNotContain(t, page.body, "HTTP 503", "HTTP 404", "/api/", "There is no method")
}
