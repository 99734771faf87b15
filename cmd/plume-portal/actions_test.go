package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func serviceLevel(t *testing.T, h *harness, locationID string) plume.ServiceLevelStatus {
	t.Helper()
	l, ok := h.fake.Location(locationID)
	if !ok {
		t.Fatalf("no location %s", locationID)
	}
	return plume.ServiceLevelStatus(l.ServiceLevel)
}

func TestSuspendAndResumeAfterConfirmation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	form := url.Values{"customer": {customerID}, "location": {locationID}, "subscriber": {"Ada Lovelace"}, "level": {"noService"}}

	// The first POST only asks.
	confirmPage := b.post("/actions/suspend", form)
	if confirmPage.status != http.StatusOK {
		t.Fatalf("suspend: %d\n%s", confirmPage.status, confirmPage.body)
	}
	mustContain(t, confirmPage.body, "Suspend service?", "Ada Lovelace", "no service (suspended)", `action="/actions/confirm"`)
	if got := serviceLevel(t, h, locationID); got == plume.NoService {
		t.Fatal("suspended before the confirmation")
	}

	_, done := b.confirm("suspend", form)
	if done.status != http.StatusSeeOther || !strings.HasPrefix(done.location, "/subscribers/"+customerID) {
		t.Fatalf("confirm: %d %q", done.status, done.location)
	}
	if got := serviceLevel(t, h, locationID); got != plume.NoService {
		t.Errorf("service level %q after suspend", got)
	}
	page := b.follow(done)
	mustContain(t, page.body, "Service lowered to no service (suspended).", "Resume full service")
	h.findAudit(map[string]string{"action": "suspend", "technician": testUser, "customer": customerID, "location": locationID, "target": "noService", "outcome": "ok"})

	_, done = b.confirm("resume", url.Values{"customer": {customerID}, "location": {locationID}})
	if got := serviceLevel(t, h, locationID); got != plume.FullService {
		t.Errorf("service level %q after resume", got)
	}
	mustContain(t, b.follow(done).body, "Full service resumed.")
	h.findAudit(map[string]string{"action": "resume", "technician": testUser, "customer": customerID, "outcome": "ok"})
}

func TestConfirmationsAreOneTimeAndPerSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.loggedIn(testUser, testPassword)
	bob := h.loggedIn(otherUser, otherPass)
	customerID, locationID := h.home("crm-000101")
	form := url.Values{"customer": {customerID}, "location": {locationID}, "level": {"basicService"}}

	page := alice.post("/actions/suspend", form)
	token := tokenRE.FindStringSubmatch(page.body)[1]
	// Another technician cannot use Alice's confirmation.
	if res := bob.post("/actions/confirm", url.Values{"token": {token}}); res.status != http.StatusBadRequest {
		t.Errorf("Bob with Alice's token: %d", res.status)
	}
	if got := serviceLevel(t, h, locationID); got == plume.BasicService {
		t.Fatal("changed with another session's token")
	}
	h.findAudit(map[string]string{"action": "confirm", "technician": otherUser, "outcome": "refused"})
	// Alice's confirmation still stands, once.
	if res := alice.post("/actions/confirm", url.Values{"token": {token}}); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	if res := alice.post("/actions/confirm", url.Values{"token": {token}}); res.status != http.StatusBadRequest {
		t.Errorf("second use of a token: %d", res.status)
	}
	// A stale confirmation is refused.
	page = alice.post("/actions/resume", form)
	token = tokenRE.FindStringSubmatch(page.body)[1]
	h.now.Advance(6 * 60e9)
	if res := alice.post("/actions/confirm", url.Values{"token": {token}}); res.status != http.StatusBadRequest {
		t.Errorf("token after 6 minutes: %d", res.status)
	}
	if got := serviceLevel(t, h, locationID); got != plume.BasicService {
		t.Errorf("service level %q", got)
	}
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	form := url.Values{"customer": {customerID}, "location": {locationID}, "level": {"noService"}}
	page := b.post("/actions/suspend", form)
	token := tokenRE.FindStringSubmatch(page.body)[1]

	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"}, // another port of the same host
		{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		res := b.post("/actions/confirm", url.Values{"token": {token}}, hdr...)
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "came from another site") {
			t.Errorf("%v: status %d", hdr, res.status)
		}
		if res := b.post("/actions/suspend", form, hdr...); res.status != http.StatusForbidden {
			t.Errorf("%v on the first step: status %d", hdr, res.status)
		}
	}
	if got := serviceLevel(t, h, locationID); got == plume.NoService {
		t.Error("a cross-origin write went through")
	}
	h.findAudit(map[string]string{"action": "cross-origin-request", "technician": testUser, "outcome": "refused"})
	// The token was never taken by the refused requests: the real page still works.
	if res := b.post("/actions/confirm", url.Values{"token": {token}}); res.status != http.StatusSeeOther {
		t.Errorf("same-origin confirm: %d", res.status)
	}
}

func TestBadActionFormsAreRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	const patch = "PATCH /Customers/{id}/locations/{id}/serviceLevel"
	before := h.fake.RequestCount(patch)
	for _, tc := range []struct {
		kind string
		form url.Values
	}{
		{"suspend", url.Values{"customer": {customerID}, "location": {locationID}, "level": {"fullService"}}},
		{"suspend", url.Values{"customer": {"../x"}, "location": {locationID}, "level": {"noService"}}},
		{"resume", url.Values{"customer": {customerID}}},
	} {
		res := b.post("/actions/"+tc.kind, tc.form)
		if res.status != http.StatusSeeOther {
			t.Errorf("%s %v: %d", tc.kind, tc.form, res.status)
			continue
		}
		if page := b.follow(res); !strings.Contains(page.body, `class="flash error"`) {
			t.Errorf("%s %v: no error shown", tc.kind, tc.form)
		}
	}
	if res := b.post("/actions/format-disk", nil); res.status != http.StatusNotFound {
		t.Errorf("unknown action: %d", res.status)
	}
	if n := h.fake.RequestCount(patch) - before; n != 0 {
		t.Errorf("%d service level changes sent", n)
	}
}

func TestRMAUnclaimsBySerial(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	customerID, locationID := h.home("crm-000101")
	h.fake.SetNodeOnline("POD-1002", false) // the cloud refuses to unclaim an online node

	confirmPage, done := b.confirm("rma", url.Values{"serial": {"POD-1002"}})
	mustContain(t, confirmPage.body, "Serial: POD-1002", "Claimed by customer "+customerID+" at location "+locationID)
	if done.status != http.StatusSeeOther || done.location != "/rma" {
		t.Fatalf("confirm: %d %q", done.status, done.location)
	}
	mustContain(t, b.follow(done).body, "Node POD-1002 unclaimed from customer "+customerID)
	if n, _ := h.fake.Node("POD-1002"); n.CustomerID != "" {
		t.Errorf("POD-1002 still claimed by %s", n.CustomerID)
	}
	h.findAudit(map[string]string{"action": "rma", "technician": testUser, "target": "POD-1002", "outcome": "ok"})

	// Not in the inventory: said on the form, nothing to confirm.
	res := b.post("/actions/rma", url.Values{"serial": {"NOPE-0001"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown serial: %d", res.status)
	}
	mustContain(t, res.body, "No node with serial NOPE-0001 is in your inventory.", `value="NOPE-0001"`)

	// An online node: the cloud's refusal, in plain words.
	_, done = b.confirm("rma", url.Values{"serial": {"POD-1001"}})
	page := b.follow(done)
	mustContain(t, page.body, "Unclaim a node for an RMA failed.", "refused the portal access")
	h.findAudit(map[string]string{"action": "rma", "target": "POD-1001", "outcome": "failed", "error_kind": "forbidden"})
}

func TestOnboardShowsItsSteps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	const key = "secret-wifi-key-4242"
	form := url.Values{
		"accountId": {"crm-000555"}, "name": {"Katherine Johnson"}, "email": {"kj@example.com"},
		"serviceId": {"svc-000555"}, "profile": {"auto"}, "ssid": {"Johnson-Home"}, "wifiKey": {key},
		"gateway": {"GW-2001"}, "extenders": {"POD-2001, POD-2002"}, "emailVerification": {"markEmailVerified"},
		"verifyFirst": {"1"},
	}
	confirmPage, done := b.confirm("onboard", form)
	mustContain(t, confirmPage.body, "Account id: crm-000555", "WiFi network: Johnson-Home (WPA2, key set, not shown)", "Extenders: POD-2001, POD-2002")
	page := b.waitJob(done)
	mustContain(t, page.body, "Onboard crm-000555", "Check node GW-2001 in the inventory", "Register the subscriber",
		"Create the WiFi network", "Claim node GW-2001", "Claim node POD-2002", "Mark onboarding complete", "Mark the email verified",
		"Done.", "Node POD-2001 claimed", "Back to the subscriber")
	mustNotContain(t, page.body, `class="step failed"`, `data-failed="true"`)
	c := h.customer("crm-000555")
	if n, _ := h.fake.Node("POD-2002"); n.CustomerID != c.ID {
		t.Errorf("POD-2002 claimed by %q", n.CustomerID)
	}
	h.findAudit(map[string]string{"action": "onboard", "technician": testUser, "target": "crm-000555", "outcome": "ok", "customer": c.ID})
	for _, where := range []string{confirmPage.body, page.body, h.logs.String()} {
		if strings.Contains(where, key) {
			t.Error("the WiFi key was shown or logged")
		}
	}
	// The subscriber page it links to.
	sub := b.get("/subscribers/" + url.PathEscape(c.ID))
	mustContain(t, sub.body, "Katherine Johnson", "Johnson-Home")
	mustNotContain(t, sub.body, key)
}

func TestOnboardErrorsAreExplained(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	const key = "another-secret-key"
	base := url.Values{"accountId": {"crm-000777"}, "profile": {"auto"}, "emailVerification": {""}, "gateway": {"GW-2002"}, "ssid": {"Home"}, "wifiKey": {key}, "verifyFirst": {"1"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range base {
			f[kk] = vv
		}
		f.Set(k, v)
		return f
	}

	// Refused before anything is sent, the form shown again without the key.
	res := b.post("/actions/onboard", with("wifiKey", "short"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("short key: %d", res.status)
	}
	mustContain(t, res.body, "Check the form: EncryptionKey", `value="crm-000777"`)
	mustNotContain(t, res.body, "short\"")
	res = b.post("/actions/onboard", with("gateway", ""))
	mustContain(t, res.body, "Type the gateway&#39;s serial number.")
	if _, ok := func() (plumetest.Customer, bool) {
		for _, c := range h.fake.Customers() {
			if c.AccountID == "crm-000777" {
				return c, true
			}
		}
		return plumetest.Customer{}, false
	}(); ok {
		t.Fatal("registered despite the refusal")
	}

	// A gateway that belongs to Ada: stopped at the check, before anything is created.
	_, done := b.confirm("onboard", with("gateway", "GW-1001"))
	page := b.waitJob(done)
	mustContain(t, page.body, "Onboarding stopped at step &#34;verify GW-1001&#34;: This node belongs to another customer.", "Running the same onboarding again resumes")
	h.findAudit(map[string]string{"action": "onboard", "outcome": "failed", "error_kind": "node_owned_elsewhere", "step": "verify GW-1001"})
	if strings.Contains(page.body, key) || strings.Contains(h.logs.String(), key) {
		t.Error("the WiFi key was shown or logged")
	}
}

func TestJobsAreTheirOwnersOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.loggedIn(testUser, testPassword)
	_, done := alice.confirm("onboard", url.Values{"accountId": {"crm-000888"}, "profile": {"auto"}, "gateway": {"GW-2003"}})
	alice.waitJob(done)
	if res := h.loggedIn(otherUser, otherPass).get(done.location); res.status != http.StatusNotFound {
		t.Errorf("Bob reads Alice's job: %d", res.status)
	}
	if res := alice.get("/jobs/nope"); res.status != http.StatusNotFound {
		t.Errorf("unknown job: %d", res.status)
	}
}
