package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// The browser tests drive Debian's chromium (headless) through chromedp against the portal
// served over plain HTTP on 127.0.0.1, which browsers treat as a secure context: the
// session cookie is Secure and __Host- as in production. .ci/run installs chromium; where
// no chromium binary exists the tests skip, saying so.

// chromiumPath finds the browser: $CHROMIUM, else chromium on the PATH (Debian's package),
// else the other names it goes by.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless chromium for the test and returns its first tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("browser tests skipped: no chromium binary on this machine (apt-get install chromium, as .ci/run does)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 1000),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// step runs browser actions with a deadline, failing the test with what the page shows.
func step(t *testing.T, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 45*time.Second) // generous: CI machines are shared
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v\npage: %s", what, err, pageText(tab))
	}
}

// text returns the visible text of the first element matching sel.
func text(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 45*time.Second) // generous: CI machines are shared
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v\npage: %s", sel, err, pageText(tab))
	}
	return s
}

func pageText(tab context.Context) string {
	ctx, cancel := context.WithTimeout(tab, 2*time.Second)
	defer cancel()
	url, _ := chromedp.Run(ctx, chromedp.Location())
	s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	return url + "\n" + s
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	tab := newBrowser(t)
	clock := plumetest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, withClock(clock))
	web := httptest.NewServer(h.portal)
	t.Cleanup(web.Close)
	graceID, graceLoc := h.home("crm-000102")

	t.Run("log in", func(t *testing.T) {
		step(t, tab, "open the portal",
			chromedp.Navigate(web.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS("#user")),
			chromedp.SendKeys(chromedp.CSS("#user"), testUser),
			chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
			chromedp.Click(chromedp.CSS("#login")),
			chromedp.WaitVisible(chromedp.CSS("#q")),
		)
		if got := text(t, tab, "header nav"); !strings.Contains(got, "Log out "+testUser) {
			t.Errorf("header: %q", got)
		}
	})

	t.Run("search a subscriber", func(t *testing.T) {
		step(t, tab, "search",
			chromedp.SendKeys(chromedp.CSS("#q"), "svc-000102"),
			chromedp.Click(chromedp.CSS("#search")),
			chromedp.WaitVisible(chromedp.CSS("#subscriber-name")),
		)
		if got := text(t, tab, "#subscriber-name"); got != "Grace Hopper" {
			t.Errorf("subscriber: %q", got)
		}
		if got := text(t, tab, "#account-id"); got != "crm-000102" {
			t.Errorf("account id: %q", got)
		}
	})

	t.Run("read the health page", func(t *testing.T) {
		step(t, tab, "the health report", chromedp.WaitVisible(chromedp.CSS("#problems li")))
		if got := text(t, tab, "#problems"); !strings.Contains(got, "extender Pod 1003 offline since") || strings.Contains(got, "HTTP") {
			t.Errorf("problems: %q", got)
		}
		step(t, tab, "the mesh", chromedp.WaitVisible(chromedp.CSS(`#mesh g.node.offline[data-node="POD-1003"]`)))
		if got := text(t, tab, "#devices"); !strings.Contains(got, "Grace's desktop") {
			t.Errorf("devices: %q", got)
		}
	})

	t.Run("reboot an extender and see it come back", func(t *testing.T) {
		step(t, tab, "ask for the reboot",
			chromedp.Navigate(web.URL+"/?q=POD-1001&kind=serial"),
			chromedp.WaitVisible(chromedp.CSS("#reboot-POD-1001")),
			chromedp.Click(chromedp.CSS("#reboot-POD-1001")),
			chromedp.WaitVisible(chromedp.CSS("#confirm")),
		)
		if got := text(t, tab, "ul.summary"); !strings.Contains(got, "(POD-1001)") {
			t.Errorf("confirmation: %q", got)
		}
		step(t, tab, "confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#job")))
		loc, err := chromedp.Run(tab, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		_, id, _ := strings.Cut(loc, "/jobs/")
		j := h.portal.jobs.get(id)
		if j == nil {
			t.Fatalf("no job at %s", loc)
		}
		// The SDK's first poll sees the node down; then the fake's minute passes at once.
		waitFor(t, j, func(v jobView) bool { return checks(v, "Check whether the node is back") >= 1 })
		clock.Advance(61 * time.Second)
		step(t, tab, "the job page refreshes until the node is back", chromedp.WaitVisible(chromedp.CSS("#job-result")))
		if got := text(t, tab, "#job"); !strings.Contains(got, "is back online") {
			t.Errorf("job: %q", got)
		}
		step(t, tab, "back to the subscriber", chromedp.Click(chromedp.CSS("#back")), chromedp.WaitVisible(chromedp.CSS("#subscriber-name")))
		if got := text(t, tab, "#node-POD-1001"); !strings.Contains(got, "connected") || strings.Contains(got, "disconnected") {
			t.Errorf("node row: %q", got)
		}
	})

	t.Run("onboard a new subscriber", func(t *testing.T) {
		step(t, tab, "fill the form",
			chromedp.Navigate(web.URL+"/onboard"),
			chromedp.WaitVisible(chromedp.CSS("#accountId")),
			chromedp.SendKeys(chromedp.CSS("#accountId"), "crm-000900"),
			chromedp.SendKeys(chromedp.CSS("#name"), "Hedy Lamarr"),
			chromedp.SendKeys(chromedp.CSS("#email"), "hedy@example.com"),
			chromedp.SendKeys(chromedp.CSS("#serviceId"), "svc-000900"),
			chromedp.SendKeys(chromedp.CSS("#ssid"), "Lamarr-Home"),
			chromedp.SendKeys(chromedp.CSS("#wifiKey"), "frequency-hopping-1942"),
			chromedp.SendKeys(chromedp.CSS("#gateway"), "GW-2001"),
			chromedp.SendKeys(chromedp.CSS("#extenders"), "POD-2001\nPOD-2002"),
			chromedp.Click(chromedp.CSS("#onboard")),
			chromedp.WaitVisible(chromedp.CSS("#confirm")),
		)
		if got := text(t, tab, "ul.summary"); !strings.Contains(got, "Extenders: POD-2001, POD-2002") || strings.Contains(got, "frequency-hopping") {
			t.Errorf("confirmation: %q", got)
		}
		step(t, tab, "confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#job-result")))
		if got := text(t, tab, "#job"); !strings.Contains(got, "Done.") || !strings.Contains(got, "Claim node POD-2002") {
			t.Errorf("job: %q", got)
		}
		step(t, tab, "go to the subscriber", chromedp.Click(chromedp.CSS("#back")), chromedp.WaitVisible(chromedp.CSS("#subscriber-name")))
		if got := text(t, tab, "#subscriber-name"); got != "Hedy Lamarr" {
			t.Errorf("subscriber: %q", got)
		}
	})

	t.Run("a write from another origin is refused", func(t *testing.T) {
		// Another site on the same host (another port: same-site, so the browser sends the
		// SameSite=Strict cookie) posts a suspension to the portal.
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `<!doctype html><title>Win a prize</title>
<form method="post" action="%s/actions/suspend">
<input type="hidden" name="customer" value="%s"><input type="hidden" name="location" value="%s">
<input type="hidden" name="level" value="noService"><button id="go">Claim your prize</button></form>`, web.URL, graceID, graceLoc)
		}))
		t.Cleanup(evil.Close)
		step(t, tab, "the other site's form",
			chromedp.Navigate(evil.URL+"/"),
			chromedp.Click(chromedp.CSS("#go")),
			chromedp.WaitVisible(chromedp.CSS("#error-message")),
		)
		if got := text(t, tab, "#error-message"); !strings.Contains(got, "came from another site and was refused") {
			t.Errorf("answer: %q", got)
		}
		if l, _ := h.fake.Location(graceLoc); plume.ServiceLevelStatus(l.ServiceLevel) == plume.NoService {
			t.Error("the cross-origin suspension went through")
		}
		// The browser did send the session cookie: the refusal is the origin check's.
		h.findAudit(map[string]string{"action": "cross-origin-request", "technician": testUser, "outcome": "refused"})
	})
}

// TestScreenshot writes the README's picture of the portal (docs/portal.png) with headless
// chromium when PORTAL_SCREENSHOT names the file:
//
//	PORTAL_SCREENSHOT=$PWD/docs/portal.png go test -run TestScreenshot ./cmd/plume-portal
func TestScreenshot(t *testing.T) {
	out := os.Getenv("PORTAL_SCREENSHOT")
	if out == "" {
		t.Skip("set PORTAL_SCREENSHOT to the PNG file to write")
	}
	tab := newBrowser(t)
	h := newHarness(t)
	web := httptest.NewServer(h.portal)
	t.Cleanup(web.Close)
	var png []byte
	step(t, tab, "log in and open a subscriber",
		chromedp.EmulateViewport(1200, 1060),
		chromedp.Navigate(web.URL+"/login?next=%2F%3Fq%3Dcrm-000102"),
		chromedp.WaitVisible(chromedp.CSS("#user")),
		chromedp.SendKeys(chromedp.CSS("#user"), testUser),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#mesh")),
		chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) (err error) {
			png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
			return err
		}),
	)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
