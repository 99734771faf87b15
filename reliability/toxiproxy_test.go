package reliability_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

var update = flag.Bool("update", false, "write the fault matrix into ../RELIABILITY.md")

// The matrix: every network fault (a toxiproxy toxic between the SDK and the fake cloud) ×
// five operations, idempotent and not. Each cell runs against its own fake and proxy, and
// records the outcome, the attempts that reached the fake, the time taken, and the fake's
// state after the call: the proof that a non-idempotent call had no duplicate side effect.
//
// The token endpoint is reached directly (in the real cloud it is Okta's host, not the API's):
// the toxics act on the API only.

// retryPolicy is the budget of every cell: 1 + 2 attempts, short waits.
var retryPolicy = plume.RetryPolicy{MaxRetries: 2, MinWait: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond}

// toxicRow is a row of the matrix: the toxics, how long the call may take, and when they act.
type toxicRow struct {
	name     string
	toxics   []string // toxiproxy toxic JSON, added before the call
	deadline time.Duration
	// onAttempt runs before attempt n (from 1) is sent, afterHeaders when the headers of its
	// answer arrived: a row uses them to act on the first attempt only, or in the middle of a
	// body.
	onAttempt    func(p *toxiproxy.Proxy, n int) error
	afterHeaders func(p *toxiproxy.Proxy, n int) error
}

func toxicity(p *toxiproxy.Proxy, name string, v float32) error {
	_, err := p.Toxics.UpdateToxicJson(name, strings.NewReader(fmt.Sprintf(`{"toxicity":%g}`, v)))
	return err
}

// firstAttemptOnly disarms the toxic called name before the second attempt.
func firstAttemptOnly(name string) func(*toxiproxy.Proxy, int) error {
	return func(p *toxiproxy.Proxy, n int) error {
		if n == 2 {
			return toxicity(p, name, 0)
		}
		return nil
	}
}

var rows = []toxicRow{
	{name: "latency 100 ms each way", deadline: 10 * time.Second, toxics: []string{
		`{"name":"lat_down","type":"latency","stream":"downstream","attributes":{"latency":100}}`,
		`{"name":"lat_up","type":"latency","stream":"upstream","attributes":{"latency":100}}`}},
	{name: "bandwidth 2 KB/s down", deadline: 10 * time.Second, toxics: []string{
		`{"name":"bw","type":"bandwidth","stream":"downstream","attributes":{"rate":2}}`}},
	{name: "slicer 16±8 B, 1 ms apart, both ways", deadline: 10 * time.Second, toxics: []string{
		`{"name":"slice_down","type":"slicer","stream":"downstream","attributes":{"average_size":16,"size_variation":8,"delay":1000}}`,
		`{"name":"slice_up","type":"slicer","stream":"upstream","attributes":{"average_size":16,"size_variation":8,"delay":1000}}`}},
	{name: "timeout 0 down (answer stalls), 1 s deadline", deadline: time.Second, toxics: []string{
		`{"name":"stall","type":"timeout","stream":"downstream","attributes":{"timeout":0}}`}},
	{name: "reset_peer down, every attempt", deadline: 10 * time.Second, toxics: []string{
		`{"name":"rst","type":"reset_peer","stream":"downstream","attributes":{"timeout":0}}`}},
	{name: "reset_peer down, first attempt", deadline: 10 * time.Second, onAttempt: firstAttemptOnly("rst"), toxics: []string{
		`{"name":"rst","type":"reset_peer","stream":"downstream","attributes":{"timeout":0}}`}},
	{name: "reset_peer mid-body, first attempt", deadline: 10 * time.Second, toxics: []string{
		`{"name":"slow","type":"slicer","stream":"downstream","attributes":{"average_size":16,"size_variation":8,"delay":5000}}`,
		// Present from the connection's start so that toxiproxy sets SO_LINGER 0 (a close is
		// an RST), inert until armed once the headers of the first answer are in.
		`{"name":"rst","type":"reset_peer","stream":"downstream","toxicity":0,"attributes":{"timeout":0}}`},
		afterHeaders: func(p *toxiproxy.Proxy, n int) error {
			if n == 1 {
				return toxicity(p, "rst", 1)
			}
			return nil
		},
		onAttempt: firstAttemptOnly("rst")},
	{name: "reset_peer up (request lost), first attempt", deadline: 10 * time.Second, onAttempt: firstAttemptOnly("rst_up"), toxics: []string{
		`{"name":"rst_up","type":"reset_peer","stream":"upstream","attributes":{"timeout":0}}`}},
}

// cell is one operation's run under one row's toxics.
type cell struct {
	srv                  *plumetest.Server
	customerID, location string
}

// opColumn is a column of the matrix: an operation, the route it is counted under at the
// fake, and what the fake's state says about its side effects.
type opColumn struct {
	name  string
	route string
	call  func(ctx context.Context, c *plume.Client, cl *cell) error
	state func(t *testing.T, cl *cell, reached int) string
}

const accountID = "crm-toxic-01"

var columns = []opColumn{
	{name: "GET customer", route: "GET /Customers/{id}",
		call: func(ctx context.Context, c *plume.Client, cl *cell) error {
			_, err := c.Customers.Get(ctx, cl.customerID)
			return err
		},
		state: func(*testing.T, *cell, int) string { return "read only" }},
	{name: "POST register", route: "POST /Customers/register",
		call: func(ctx context.Context, c *plume.Client, cl *cell) error {
			_, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: accountID})
			return err
		},
		state: func(t *testing.T, cl *cell, reached int) string {
			n := 0
			for _, cu := range cl.srv.Customers() {
				if cu.AccountID == accountID {
					n++
				}
			}
			assert.LessOrEqual(t, n, 1, "one customer per accountId")
			assert.Equal(t, min(reached, 1), n, "registered iff the request reached the fake")
			return fmt.Sprintf("%d customer with the accountId", n)
		}},
	{name: "POST claim", route: "POST /Customers/{id}/locations/{id}/nodes",
		call: func(ctx context.Context, c *plume.Client, cl *cell) error {
			_, err := c.Nodes.Claim(ctx, cl.customerID, cl.location, plume.ClaimRequest{SerialNumber: "GW0002"})
			return err
		},
		state: func(t *testing.T, cl *cell, reached int) string {
			node, _ := cl.srv.Node("GW0002")
			claimed := node.LocationID == cl.location
			assert.Equal(t, reached > 0, claimed, "claimed iff the request reached the fake")
			assert.Equal(t, 1+min(reached, 1), cl.srv.Licenses(), "one license per claimed node")
			return fmt.Sprintf("claimed %v, licenses %d", yes(claimed), cl.srv.Licenses())
		}},
	{name: "PATCH location", route: "PATCH /Customers/{id}/locations/{id}",
		call: func(ctx context.Context, c *plume.Client, cl *cell) error {
			name := "Office"
			_, err := c.Locations.Update(ctx, cl.customerID, cl.location, plume.LocationUpdate{Name: &name})
			return err
		},
		state: func(t *testing.T, cl *cell, reached int) string {
			loc, _ := cl.srv.Location(cl.location)
			assert.Equal(t, reached > 0, loc.Name == "Office")
			return fmt.Sprintf("renamed %v", yes(loc.Name == "Office"))
		}},
	{name: "DELETE node", route: "DELETE /Customers/{id}/locations/{id}/nodes/{id}",
		call: func(ctx context.Context, c *plume.Client, cl *cell) error {
			return c.Nodes.Unclaim(ctx, cl.customerID, cl.location, "GW0001", nil)
		},
		state: func(t *testing.T, cl *cell, reached int) string {
			node, _ := cl.srv.Node("GW0001")
			unclaimed := node.LocationID == ""
			assert.Equal(t, reached > 0, unclaimed)
			assert.Equal(t, 1-min(reached, 1), cl.srv.Licenses())
			return fmt.Sprintf("unclaimed %v, licenses %d", yes(unclaimed), cl.srv.Licenses())
		}},
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// expected outcomes and attempts at the fake, by row and column (in the order above).
type expect struct {
	outcome string
	reached int
}

var expected = map[string][]expect{
	"latency 100 ms each way":                      {{"ok", 1}, {"ok", 1}, {"ok", 1}, {"ok", 1}, {"ok", 1}},
	"bandwidth 2 KB/s down":                        {{"ok", 1}, {"ok", 1}, {"ok", 1}, {"ok", 1}, {"ok", 1}},
	"slicer 16±8 B, 1 ms apart, both ways":         {{"ok", 1}, {"ok", 1}, {"ok", 1}, {"ok", 1}, {"ok", 1}},
	"timeout 0 down (answer stalls), 1 s deadline": {{"deadline exceeded", 1}, {"deadline exceeded", 1}, {"deadline exceeded", 1}, {"deadline exceeded", 1}, {"deadline exceeded", 1}},
	"reset_peer down, every attempt":               {{"connection reset", 3}, {"connection reset", 1}, {"connection reset", 1}, {"connection reset", 3}, {"connection reset", 3}},
	"reset_peer down, first attempt":               {{"ok", 2}, {"connection reset", 1}, {"connection reset", 1}, {"ok", 2}, {"ErrNotFound (HTTP 404)", 2}},
	"reset_peer mid-body, first attempt":           {{"ok", 2}, {"connection reset", 1}, {"connection reset", 1}, {"ok", 2}, {"ok", 1}},
	"reset_peer up (request lost), first attempt":  {{"ok", 1}, {"connection reset", 0}, {"connection reset", 0}, {"ok", 1}, {"ok", 1}},
}

// outcome names an error by its kind.
func outcome(err error) string {
	var apiErr *plume.Error
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case errors.As(err, &apiErr):
		for _, k := range []struct {
			name string
			err  error
		}{{"ErrNodeNotClaimed", plume.ErrNodeNotClaimed}, {"ErrNotFound", plume.ErrNotFound}, {"ErrServer", plume.ErrServer}} {
			if errors.Is(err, k.err) {
				return fmt.Sprintf("%s (HTTP %d)", k.name, apiErr.StatusCode)
			}
		}
		return fmt.Sprintf("HTTP %d", apiErr.StatusCode)
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "body cut (unexpected EOF)"
	case errors.Is(err, io.EOF):
		return "EOF"
	}
	return err.Error()
}

// attemptHook is the transport under the SDK: it counts the attempts sent to the proxy and
// lets the row act around them.
type attemptHook struct {
	base     *http.Transport
	host     string
	proxy    *toxiproxy.Proxy
	row      *toxicRow
	attempts atomic.Int32
	err      atomic.Value // the first error of a row's hook
}

func (h *attemptHook) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != h.host {
		return h.base.RoundTrip(r)
	}
	n := int(h.attempts.Add(1))
	if h.row != nil && h.row.onAttempt != nil {
		h.keep(h.row.onAttempt(h.proxy, n))
	}
	resp, err := h.base.RoundTrip(r)
	if err == nil && h.row != nil && h.row.afterHeaders != nil {
		h.keep(h.row.afterHeaders(h.proxy, n))
	}
	return resp, err
}

func (h *attemptHook) keep(err error) {
	if err != nil {
		h.err.CompareAndSwap(nil, err)
	}
}

// result is one cell of the table.
type result struct {
	row, col  int
	outcome   string
	sent      int
	reached   int
	elapsed   time.Duration
	state     string
	errorText string
}

var api = toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())

func TestToxiproxyMatrix(t *testing.T) {
	zerolog.SetGlobalLevel(zerolog.Disabled) // the toxics' own logger is global
	var (
		mu      sync.Mutex
		results []result
	)
	start := time.Now()
	t.Run("cells", func(t *testing.T) {
		for ri := range rows {
			for ci := range columns {
				t.Run(rows[ri].name+"/"+columns[ci].name, func(t *testing.T) {
					t.Parallel()
					res := runCell(t, ri, ci)
					mu.Lock()
					results = append(results, res)
					mu.Unlock()
				})
			}
		}
	})
	table := renderTable(results)
	t.Logf("fault matrix in %v:\n%s", time.Since(start).Round(time.Millisecond), table)
	if *update {
		require.NoError(t, writeSection("../RELIABILITY.md", "toxiproxy-matrix", table))
	}
}

func runCell(t *testing.T, ri, ci int) result {
	row, col := &rows[ri], columns[ci]
	srv := plumetest.NewServer(t)
	srv.AddGateways("GW0001", "GW0002")
	direct := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	reg, err := direct.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-seed-01"})
	require.NoError(t, err)
	_, err = direct.Nodes.Claim(t.Context(), reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW0001"})
	require.NoError(t, err)
	cl := &cell{srv: srv, customerID: reg.ID, location: reg.LocationID}

	upstream, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := toxiproxy.NewProxy(api, fmt.Sprintf("cell-%d-%d", ri, ci), "127.0.0.1:0", upstream.Host)
	require.NoError(t, proxy.Start())
	t.Cleanup(proxy.Stop)

	hook := &attemptHook{base: http.DefaultTransport.(*http.Transport).Clone(), host: proxy.Listen, proxy: proxy}
	t.Cleanup(hook.base.CloseIdleConnections)
	c, err := plume.NewClient(
		plume.WithBaseURL("http://"+proxy.Listen+"/api"),
		plume.WithCredentials(srv.Credentials()),
		plume.WithHTTPClient(&http.Client{Transport: hook}),
		plume.WithRateLimit(math.Inf(1), 1),
		plume.WithRetry(retryPolicy))
	require.NoError(t, err)
	// Fetch the token, then drop the connection: the call's attempts open new ones, which
	// the toxics act on from their first byte.
	_, err = c.Customers.Get(t.Context(), reg.ID)
	require.NoError(t, err)
	hook.base.CloseIdleConnections()
	srv.ResetCounts()
	hook.attempts.Store(0)

	for _, toxic := range row.toxics {
		_, err := proxy.Toxics.AddToxicJson(strings.NewReader(toxic))
		require.NoError(t, err, toxic)
	}
	hook.row = row
	ctx, cancel := context.WithTimeout(t.Context(), row.deadline)
	defer cancel()
	began := time.Now()
	callErr := col.call(ctx, c, cl)
	elapsed := time.Since(began)
	// Stop the proxy and its stalled connections before reading the state: a stalled request
	// may still be applying at the fake. Stop alone closes every link; ResetToxics is not
	// called because it can deadlock in toxiproxy v2.5.0 (it waits for a link's writer under
	// the collection's lock while that writer needs the lock to remove itself).
	proxy.Stop()
	if herr, _ := hook.err.Load().(error); herr != nil {
		t.Fatalf("row hook: %v", herr)
	}

	reached := srv.RequestCount(col.route)
	res := result{row: ri, col: ci, outcome: outcome(callErr), sent: int(hook.attempts.Load()), reached: reached,
		elapsed: elapsed, state: col.state(t, cl, reached)}
	if callErr != nil {
		res.errorText = callErr.Error()
	}
	want := expected[row.name][ci]
	assert.Equal(t, want.outcome, res.outcome, "outcome; error: %v", callErr)
	assert.Equal(t, want.reached, reached, "attempts that reached the fake")
	assert.GreaterOrEqual(t, res.sent, reached, "attempts sent")
	assert.LessOrEqual(t, res.sent, 1+retryPolicy.MaxRetries, "attempts sent")
	return res
}

func renderTable(results []result) string {
	byCell := map[[2]int]result{}
	for _, r := range results {
		byCell[[2]int{r.row, r.col}] = r
	}
	var b strings.Builder
	b.WriteString("| fault | operation | outcome | attempts sent / at the fake | elapsed | state at the fake after the call |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for ri, row := range rows {
		for ci, col := range columns {
			r, ok := byCell[[2]int{ri, ci}]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d / %d | %v | %s |\n", row.name, col.name, r.outcome, r.sent, r.reached,
				r.elapsed.Round(time.Millisecond), r.state)
		}
	}
	return b.String()
}

// writeSection replaces the text between <!-- name:begin --> and <!-- name:end --> in path.
func writeSection(path, name, text string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	doc := string(data)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %s markers", path, name)
	}
	return os.WriteFile(path, []byte(doc[:i+len(begin)]+text+doc[j:]), 0o644)
}
