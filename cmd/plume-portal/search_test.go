package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/plumecloud/plume-go/plumetest"
)

func TestSearchFindsASubscriberByEachKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000102")
	want := "/subscribers/" + customerID + "?location=" + locationID
	for _, tc := range []struct{ q, kind string }{
		{"crm-000102", "account"},
		{"crm-000102", "any"},
		{"grace.hopper@example.com", "email"},
		{"grace.hopper@example.com", "any"},
		{"POD-1003", "serial"},
		{"POD-1003", "any"},
		{"svc-000102", "service"},
		{"svc-000102", "any"},
	} {
		res := b.get("/?" + url.Values{"q": {tc.q}, "kind": {tc.kind}}.Encode())
		if res.status != http.StatusSeeOther || res.location != want {
			t.Errorf("%s by %s: status %d, location %q, want %q", tc.q, tc.kind, res.status, res.location, want)
		}
	}
	h.findAudit(map[string]string{"action": "search", "technician": testUser, "target": "service:svc-000102", "outcome": "found"})
}

func TestSearchSaysWhatItTried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	res := b.get("/?q=nobody-here")
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	mustContain(t, res.body, "No subscriber found for “nobody-here” (looked for it as account id, node serial, service id).")
	res = b.get("/?q=GW-2001&kind=serial") // in the inventory, not claimed
	mustContain(t, res.body, "Node GW-2001 is in your inventory but not claimed by any subscriber.")
	res = b.get("/?q=%3Cscript%3E&kind=account")
	mustNotContain(t, res.body, "<script>")
}

func TestSearchErrorsAreExplained(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	if err := h.fake.InjectFault(plumetest.Fault{Method: "GET", Path: "/api/Partners/customers/search/*", Status: 429, Times: 2,
		Header: http.Header{"Retry-After": {"40"}}}); err != nil {
		t.Fatal(err)
	}
	res := b.get("/?q=crm-000101&kind=account")
	mustContain(t, res.body, "The Plume Cloud request budget (its WAF limit) is spent: retry in 40 s.")

	if err := h.fake.InjectFault(plumetest.Fault{Method: "GET", Path: "/api/Partners/locations/*", Status: 500, Times: 2,
		Body: `{"error":{"message":"stack trace: panic at db.go:42 internal-secret-xyz"}}`}); err != nil {
		t.Fatal(err)
	}
	res = b.get("/?q=svc-000101&kind=service")
	mustContain(t, res.body, "The Plume Cloud had an internal error: try again in a few minutes.")
	mustNotContain(t, res.body, "internal-secret-xyz", "db.go", "stack")
}

func TestSubscriberPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000102")
	res := b.get("/subscribers/" + customerID)
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	mustContain(t, res.body, "Grace Hopper", "crm-000102", "svc-000102", "full service", "Hopper-Home",
		`<option value="`+locationID+`" selected>`, `<svg`, `data-node="GW-1002"`, `data-node="POD-1003"`,
		`class="node offline" data-node="POD-1003"`, `action="/actions/suspend"`)
	mustNotContain(t, res.body, "nanosecond-wire-1952") // the WiFi key
	mustContain(t, res.body, "Devices <small>(1 of 2 connected)</small>", "Grace&#39;s desktop", "3c:22:fb:20:00:02", "wifi 2.4G")
	if strings.Index(res.body, "Grace&#39;s desktop") > strings.Index(res.body, "Printer") {
		t.Error("a disconnected device is listed before a connected one")
	}

	// The suspended business offers resume.
	bakery, _ := h.home("crm-000103")
	mustContain(t, b.get("/subscribers/"+bakery).body, "no service (suspended)", `action="/actions/resume"`)

	h.findAudit(map[string]string{"action": "view-subscriber", "technician": testUser, "customer": customerID, "location": locationID})
	if res := b.get("/subscribers/nope-nope"); res.status != http.StatusNotFound || !strings.Contains(res.body, "No subscriber with this id") {
		t.Errorf("unknown subscriber: %d", res.status)
	}
	if res := b.get("/subscribers/" + customerID + "?location=elsewhere"); !strings.Contains(res.body, "This subscriber has no such location.") {
		t.Errorf("unknown location not said")
	}
}
