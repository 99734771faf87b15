package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// The handler tests run the portal over TLS (httptest), so that its Secure cookie travels
// as in a browser, against a seeded plumetest server.

const (
	testUser     = "alice"
	testPassword = "correct-horse-battery"
	otherUser    = "bob"
	otherPass    = "staple-battery-horse"
)

// harness is one portal against one fake cloud.
type harness struct {
	t      *testing.T
	fake   *plumetest.Server
	portal *Portal
	ts     *httptest.Server
	logs   *syncBuffer
	now    *testClock // the sessions' clock
	client *plume.Client
}

type harnessOpts struct {
	fakeOpts []plumetest.Option
}

// withClock runs the fake cloud on a manual clock: reboots, upgrades and speed tests end
// when the test advances it.
func withClock(c *plumetest.ManualClock) func(*harnessOpts) {
	return func(o *harnessOpts) { o.fakeOpts = append(o.fakeOpts, plumetest.WithClock(c.Now)) }
}

func newHarness(t *testing.T, opts ...func(*harnessOpts)) *harness {
	t.Helper()
	var ho harnessOpts
	for _, o := range opts {
		o(&ho)
	}
	fake := plumetest.NewServer(t, ho.fakeOpts...)
	client := fake.Client(append(ClientOptions(),
		plume.WithRateLimit(math.Inf(1), 1),
		plume.WithRetry(plume.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
		plume.WithPolling(10*time.Millisecond, 50*time.Millisecond), // reboots and speed tests poll quickly
	)...)
	if err := seedDemo(t.Context(), fake, client); err != nil {
		t.Fatal(err)
	}
	users, err := newUsersFromPasswords(map[string]string{testUser: testPassword, otherUser: otherPass}, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	portal, err := New(Config{Client: client, Users: users, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Now: clock.Now, Fake: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(portal)
	t.Cleanup(ts.Close)
	t.Cleanup(portal.Close)
	return &harness{t: t, fake: fake, portal: portal, ts: ts, logs: logs, now: clock, client: client}
}

// browser is one technician's cookie jar; it does not follow redirects.
type browser struct {
	h *harness
	c *http.Client
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := new(http.Client)
	*c = *h.ts.Client() // the server's TLS transport, with a jar of its own
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{h: h, c: c}
}

// loggedIn returns a browser logged in as user.
func (h *harness) loggedIn(user, password string) *browser {
	h.t.Helper()
	b := h.browser()
	res := b.post("/login", url.Values{"user": {user}, "password": {password}})
	if res.status != http.StatusSeeOther {
		h.t.Fatalf("login as %s: status %d\n%s", user, res.status, res.body)
	}
	return b
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(req *http.Request) response {
	b.h.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(body), location: res.Header.Get("Location"), header: res.Header}
}

func (b *browser) get(path string) response {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.ts.URL+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin page would (Sec-Fetch-Site: same-origin).
func (b *browser) post(path string, form url.Values, header ...string) response {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.h.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var tokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

// confirm posts an action's form, checks the confirmation page and confirms it; it returns
// the confirmation page and the answer to the confirmation.
func (b *browser) confirm(kind string, form url.Values) (confirmPage, done response) {
	b.h.t.Helper()
	confirmPage = b.post("/actions/"+kind, form)
	m := tokenRE.FindStringSubmatch(confirmPage.body)
	if confirmPage.status != http.StatusOK || m == nil {
		b.h.t.Fatalf("POST /actions/%s: status %d, no confirmation token\n%s", kind, confirmPage.status, confirmPage.body)
	}
	return confirmPage, b.post("/actions/confirm", url.Values{"token": {m[1]}})
}

// follow reads the page a redirect answer points at.
func (b *browser) follow(r response) response {
	b.h.t.Helper()
	if r.location == "" {
		b.h.t.Fatalf("no redirect: status %d\n%s", r.status, r.body)
	}
	return b.get(r.location)
}

// waitJob waits for the job a confirmation started and returns its page.
func (b *browser) waitJob(done response) response {
	b.h.t.Helper()
	id, ok := strings.CutPrefix(done.location, "/jobs/")
	if !ok {
		b.h.t.Fatalf("not a job: status %d location %q\n%s", done.status, done.location, done.body)
	}
	j := b.h.portal.jobs.get(id)
	if j == nil {
		b.h.t.Fatal("no such job")
	}
	waitFor(b.h.t, j, func(v jobView) bool { return v.Done })
	return b.get(done.location)
}

// waitFor waits, without sleeping, until cond holds for the job.
func waitFor(t *testing.T, j *job, cond func(jobView) bool) jobView {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		changed := j.wait()
		if v := j.view(); cond(v) {
			return v
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("job %q: condition not met: %+v", j.Title, j.view())
		}
	}
}

// customerID returns the fake's id of an account.
func (h *harness) customer(accountID string) plumetest.Customer {
	h.t.Helper()
	for _, c := range h.fake.Customers() {
		if c.AccountID == accountID {
			return c
		}
	}
	h.t.Fatalf("no customer %s", accountID)
	return plumetest.Customer{}
}

// home returns the customer and location ids of a demo account.
func (h *harness) home(accountID string) (customerID, locationID string) {
	h.t.Helper()
	c := h.customer(accountID)
	for _, l := range h.fake.Locations() {
		if l.CustomerID == c.ID {
			return c.ID, l.ID
		}
	}
	h.t.Fatalf("no location for %s", accountID)
	return "", ""
}

// auditLines returns the audit lines logged so far.
func (h *harness) auditLines() []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(h.logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "audit" {
			out = append(out, m)
		}
	}
	return out
}

// findAudit returns the last audit line with these fields.
func (h *harness) findAudit(fields map[string]string) map[string]any {
	lines := h.auditLines()
	for i := len(lines) - 1; i >= 0; i-- {
		ok := true
		for k, v := range fields {
			if lines[i][k] != v {
				ok = false
				break
			}
		}
		if ok {
			return lines[i]
		}
	}
	h.t.Errorf("no audit line with %v in:\n%s", fields, h.logs.String())
	return nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page contains %q", w)
		}
	}
}
