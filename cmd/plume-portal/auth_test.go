package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestEveryPageNeedsALogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	customerID, _ := h.home("crm-000101")
	for _, path := range []string{"/", "/?q=crm-000101", "/subscribers/" + customerID, "/onboard", "/rma", "/jobs/x"} {
		res := b.get(path)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login?next=") {
			t.Errorf("GET %s without a session: status %d, location %q", path, res.status, res.location)
		}
	}
	for _, path := range []string{"/actions/suspend", "/actions/confirm", "/logout"} {
		res := b.post(path, url.Values{"customer": {customerID}})
		if res.status != http.StatusUnauthorized {
			t.Errorf("POST %s without a session: status %d", path, res.status)
		}
	}
	// The login page and the stylesheet are public.
	if res := b.get("/login"); res.status != http.StatusOK {
		t.Errorf("GET /login: %d", res.status)
	}
	if res := b.get("/static/portal.css"); res.status != http.StatusOK {
		t.Errorf("GET /static/portal.css: %d", res.status)
	}
}

func TestLoginSetsAStrictSecureCookieAndGoesBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	res := b.post("/login", url.Values{"user": {testUser}, "password": {testPassword}, "next": {"/rma"}})
	if res.status != http.StatusSeeOther || res.location != "/rma" {
		t.Fatalf("login: status %d, location %q", res.status, res.location)
	}
	cookies := (&http.Response{Header: res.header}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies: %v", cookies)
	}
	c := cookies[0]
	if c.Name != "__Host-plume-portal" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" {
		t.Errorf("cookie %+v: want __Host-, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain", c)
	}
	if len(c.Value) < 40 {
		t.Errorf("session id %q is short", c.Value)
	}
	// A second login gets another id.
	again := h.browser().post("/login", url.Values{"user": {testUser}, "password": {testPassword}})
	if c2 := (&http.Response{Header: again.header}).Cookies(); len(c2) != 1 || c2[0].Value == c.Value {
		t.Errorf("second session id not fresh")
	}
	if page := b.get("/"); page.status != http.StatusOK || !strings.Contains(page.body, "Log out "+testUser) {
		t.Errorf("after login: status %d", page.status)
	}
	h.findAudit(map[string]string{"action": "login", "technician": testUser, "outcome": "ok"})
}

func TestLoginRefusesOpenRedirects(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		res := h.browser().post("/login", url.Values{"user": {testUser}, "password": {testPassword}, "next": {next}})
		if res.location != "/" {
			t.Errorf("next %q: redirected to %q", next, res.location)
		}
	}
}

func TestWrongPasswordIsRefusedAndAudited(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, creds := range [][2]string{{testUser, "wrong-password"}, {"mallory", testPassword}, {"", ""}} {
		res := h.browser().post("/login", url.Values{"user": {creds[0]}, "password": {creds[1]}})
		if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Wrong name or password.") {
			t.Errorf("login %q: status %d", creds[0], res.status)
		}
		if len(res.header.Values("Set-Cookie")) != 0 {
			t.Errorf("login %q: a cookie was set", creds[0])
		}
	}
	h.findAudit(map[string]string{"action": "login", "technician": "mallory", "outcome": "refused"})
	if strings.Contains(h.logs.String(), "wrong-password") || strings.Contains(h.logs.String(), testPassword) {
		t.Error("a password reached the log")
	}
}

func TestLoginAttemptsAreThrottled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	var last response
	for range 11 {
		last = b.post("/login", url.Values{"user": {testUser}, "password": {"guess-guess"}})
	}
	if last.status != http.StatusTooManyRequests {
		t.Errorf("11th attempt in a row: status %d, want 429", last.status)
	}
	// Even the right password waits.
	if res := b.post("/login", url.Values{"user": {testUser}, "password": {testPassword}}); res.status != http.StatusTooManyRequests {
		t.Errorf("right password while throttled: status %d", res.status)
	}
}

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	h.now.Advance(29 * time.Minute)
	if res := b.get("/"); res.status != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", res.status)
	}
	h.now.Advance(31 * time.Minute)
	if res := b.get("/"); res.status != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: status %d, want the login page", res.status)
	}

	// Busy or not, a session ends after its lifetime.
	b = h.loggedIn(testUser, testPassword)
	for range 21 {
		h.now.Advance(29 * time.Minute)
		b.get("/")
	}
	if res := b.get("/"); res.status != http.StatusSeeOther {
		t.Errorf("after more than 10 hours: status %d", res.status)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.loggedIn(testUser, testPassword)
	stolen := b.c.Jar.Cookies(mustURL(t, h.ts.URL))
	if res := b.post("/logout", nil); res.status != http.StatusSeeOther || res.location != "/login" {
		t.Fatalf("logout: %d %q", res.status, res.location)
	}
	// The old id is worth nothing, even sent again by hand.
	other := h.browser()
	other.c.Jar.SetCookies(mustURL(t, h.ts.URL), stolen)
	if res := other.get("/"); res.status != http.StatusSeeOther {
		t.Errorf("old session id after logout: status %d", res.status)
	}
	h.findAudit(map[string]string{"action": "logout", "technician": testUser})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.loggedIn(testUser, testPassword).get("/")
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.Contains(res.header.Get(k), want) {
			t.Errorf("%s = %q, want %q", k, res.header.Get(k), want)
		}
	}
}

func TestLoadUsers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Hashes of "a-long-password", made once: bcrypt at cost 10 is slow under -race.
	good := []byte("$2a$10$8JOgfg/ArumlvpSvwU0mqePQBFjgePmjq1kkd74ZLH54Z.ULHbn2S")
	weak := []byte("$2a$04$E27OCPfo6YlvVoE2u7pCXey.OebUbo/3oZgJ3RRKU7THcMSkIiSea")
	htpasswd := "$2y$" + strings.TrimPrefix(string(good), "$2a$") // as htpasswd -B writes it
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	users, err := LoadUsers(write("ok", "# technicians\n\nada:"+string(good)+"\ngrace:"+htpasswd+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !users.Check("grace", "a-long-password") {
		t.Error("a right password was refused")
	}
	open := write("open", "ada:"+string(good)+"\n")
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadUsers(open); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a users file readable by others: %v", err)
	}
	for name, content := range map[string]string{
		"weak":  "ada:" + string(weak) + "\n",
		"plain": "ada:a-long-password\n",
		"dup":   "ada:" + string(good) + "\nada:" + string(good) + "\n",
		"name":  "a d a:" + string(good) + "\n",
		"empty": "# nobody\n",
	} {
		if _, err := LoadUsers(write(name, content)); err == nil {
			t.Errorf("%s: loaded", name)
		} else if strings.Contains(err.Error(), "a-long-password") {
			t.Errorf("%s: error quotes the password: %v", name, err)
		}
	}
}

func TestHashPassword(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := printHash(strings.NewReader("a-long-password\n"), &out); err != nil {
		t.Fatal(err)
	}
	hash := strings.TrimSpace(out.String())
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != bcrypt.DefaultCost || !strings.HasPrefix(hash, "$2a$") {
		t.Errorf("hash %q: cost %d, %v", hash, cost, err) // Users.Check compares it (TestLoadUsers)
	}
	if err := printHash(strings.NewReader("short\n"), &out); err == nil {
		t.Error("a short password was hashed")
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
