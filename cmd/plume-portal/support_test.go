package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/plumecloud/plume-go/plumetest"
)

// The support actions run against a fake on a manual clock: a reboot or a speed test ends
// when the test moves the clock, once the SDK's first poll has seen it under way; the
// harness's client polls every few milliseconds (plume.WithPolling).

func newClockHarness(t *testing.T) (*harness, *plumetest.ManualClock) {
	clock := plumetest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	return newHarness(t, withClock(clock)), clock
}

// checks counts a job's finished steps whose label starts with prefix.
func checks(v jobView, prefix string) int {
	n := 0
	for _, s := range v.Steps {
		if strings.HasPrefix(s.Label, prefix) && s.Status == "ok" {
			n++
		}
	}
	return n
}

func TestRebootWaitsUntilTheNodeIsBack(t *testing.T) {
	t.Parallel()
	h, clock := newClockHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	form := url.Values{"customer": {customerID}, "location": {locationID}, "node": {"POD-1001"}, "nodeName": {"Pod 1001"}, "subscriber": {"Ada Lovelace"}}

	confirmPage, done := b.confirm("reboot", form)
	mustContain(t, confirmPage.body, "Reboot a node?", "Node: Pod 1001 (POD-1001)", "offline for about a minute")
	id, _ := strings.CutPrefix(done.location, "/jobs/")
	j := h.portal.jobs.get(id)
	if j == nil {
		t.Fatalf("no job: %d %q", done.status, done.location)
	}
	// The first poll finds the node down; the page says it is waiting.
	waitFor(t, j, func(v jobView) bool { return checks(v, "Check whether the node is back") >= 1 })
	if n, _ := h.fake.Node("POD-1001"); n.ConnectionState != "disconnected" {
		t.Fatalf("node %s during the reboot", n.ConnectionState)
	}
	page := b.get(done.location)
	mustContain(t, page.body, "Reboot Pod 1001", "Send the reboot", "Check whether the node is back (check", `http-equiv="refresh"`)
	if n := strings.Count(page.body, "Check whether the node is back"); n != 1 {
		t.Errorf("the checks take %d lines, want 1", n)
	}

	clock.Advance(61 * time.Second) // the fake's reboot lasts 60 s
	page = b.waitJob(done)
	mustContain(t, page.body, "Done.", "Pod 1001 is back online since 2026-03-02 09:01 UTC.")
	mustNotContain(t, page.body, `http-equiv="refresh"`)
	if n, _ := h.fake.Node("POD-1001"); n.Reboots != 1 {
		t.Errorf("%d reboots", n.Reboots)
	}
	h.findAudit(map[string]string{"action": "reboot", "technician": testUser, "customer": customerID, "target": "POD-1001", "outcome": "ok"})
}

func TestSpeedTestShowsTheResult(t *testing.T) {
	t.Parallel()
	h, clock := newClockHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	h.fake.SetSpeedResult("GW-1001", 912.5, 41.2, 8)
	_, done := b.confirm("speedtest", url.Values{"customer": {customerID}, "location": {locationID}, "node": {"GW-1001"}, "nodeName": {"Gateway 1001"}})
	id, _ := strings.CutPrefix(done.location, "/jobs/")
	j := h.portal.jobs.get(id)
	waitFor(t, j, func(v jobView) bool { return checks(v, "Read the speed test") >= 1 })
	clock.Advance(31 * time.Second)
	page := b.waitJob(done)
	mustContain(t, page.body, "Speed test on Gateway 1001", "Download 912.5 Mbps", "Upload 41.2 Mbps", "Latency 8 ms")
	h.findAudit(map[string]string{"action": "speedtest", "target": "GW-1001", "outcome": "ok"})
}

func TestLocateAndFirmwareUpgrade(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	node := url.Values{"customer": {customerID}, "location": {locationID}, "node": {"POD-1002"}, "nodeName": {"Pod 1002"}}

	locate := url.Values{"mode": {"locate"}}
	for k, v := range node {
		locate[k] = v
	}
	_, done := b.confirm("locate", locate)
	mustContain(t, b.follow(done).body, "Pod 1002&#39;s LED is blinking.")
	if n, _ := h.fake.Node("POD-1002"); n.LEDMode != "locate" {
		t.Errorf("LED %q", n.LEDMode)
	}
	locate.Set("mode", "normal")
	_, done = b.confirm("locate", locate)
	mustContain(t, b.follow(done).body, "LED is back to normal.")
	locate.Set("mode", "disco")
	if res := b.post("/actions/locate", locate); res.status != 303 || !strings.Contains(b.follow(res).body, "Choose to blink the LED") {
		t.Errorf("bad mode: %d", res.status)
	}

	h.fake.SetFirmwareTarget("2.0.0")
	page := b.get("/subscribers/" + customerID)
	mustContain(t, page.body, `id="firmware"`, "1.0.0", `action="/actions/firmware"`)
	_, done = b.confirm("firmware", url.Values{"customer": {customerID}, "location": {locationID}})
	mustContain(t, b.follow(done).body, "Firmware upgrade requested for 3 nodes.")
	if n, _ := h.fake.Node("GW-1001"); n.FirmwareStatus != "requested" {
		t.Errorf("firmware status %q", n.FirmwareStatus)
	}
	h.findAudit(map[string]string{"action": "firmware", "customer": customerID, "outcome": "ok"})
	h.findAudit(map[string]string{"action": "locate", "target": "POD-1002", "outcome": "ok"})
}
