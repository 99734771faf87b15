package batch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// TestResumeAfterACrashAtEveryByte runs a short onboarding batch (three rows, one worker) and
// kills its process at every point where a crash leaves a different state behind:
//
//   - at every byte offset of the journal the run writes, end included: the process dies as
//     it writes that byte, so everything before it is in the file and every request sent
//     before that write reached the fake, and nothing after;
//   - as each request that changes state is about to leave: the journal holds what was
//     written before it.
//
// A crash anywhere else leaves the state of one of these. Each crash is then resumed with the
// journal as the crash left it, in the same fake, and every side effect of the two runs
// together is counted at the fake: customers, claims, WiFi networks, service ids, checkpoints,
// emails marked verified, verification mails. Each must have happened exactly once.
//
// The one exception is the hole no journal can close: the process dies after the begin line
// of a step the API cannot show afterwards (the checkpoint, the verification mail) is on
// disk and before its request leaves. The resume cannot know the request never left, so it
// does not send it (never twice) and reports the step as unconfirmed in the row's entry. The
// test asserts that this happens there, and only there, with a count of zero.
//
// The crashes share one fake and one client; each has its own rows (its prefix "pNNNN-" on
// account ids, serials, emails and service ids, of one width, so that every run writes lines
// of the same lengths), its own journal, and its crash, which the client's transport finds in
// the context of the requests.
func TestResumeAfterACrashAtEveryByte(t *testing.T) {
	t.Parallel()
	fx := &effects{byCustomer: map[string]map[string]int{}}
	srv := plumetest.NewServer(t, plumetest.WithWAF(0, 0), plumetest.WithRequestHook(fx.hook))
	client := fastClient(srv, plume.WithHTTPClient(&http.Client{Transport: crashTransport{pooledHTTPClient().Transport}}))
	// One journal file per worker, emptied for each crash: creating thousands of files costs
	// more than the crashes on some file systems.
	dir := t.TempDir()
	newCrash := func(n, cutAt, beforeRequest int) *crash {
		c := &crash{cutAt: cutAt, beforeRequest: beforeRequest, rows: crashRows(fmt.Sprintf("p%04d-", n))}
		for _, r := range c.rows {
			srv.AddGateways(r.serials[0])
			srv.AddInventory(r.serials[1:]...)
		}
		return c
	}

	ref := newCrash(0, -1, 0)
	ref.path = filepath.Join(dir, "reference.jsonl")
	runUntilCrash(t, client, ref)
	journal, requests := ref.journal, ref.requests
	require.Len(t, requests, 15, "register, service id, WiFi, 2 claims, checkpoint, mail; register, claim, checkpoint, mark; register, claim, checkpoint, mail")
	require.Len(t, newlines(journal), 13, "rows 1 and 3: 2 steps × (begin, step) + done; row 2: 1 step + done")
	rowOf := make([]int, len(requests)) // the rows run one after the other, each from its register
	for i, row := 0, -1; i < len(requests); i++ {
		if requests[i] == "POST /api/Customers/register" {
			row++
		}
		rowOf[i] = row
	}

	var crashes []*crash
	for _, b := range crashOffsets(journal) {
		crashes = append(crashes, newCrash(len(crashes)+1, b, 0))
	}
	for m := 1; m <= len(requests); m++ {
		crashes = append(crashes, newCrash(len(crashes)+1, -1, m))
	}
	var unconfirmed, holes atomic.Int64
	start := time.Now()
	// crashWorkers subtests at a time: most of a crash's time is spent waiting on the fake
	// over the loopback, so more than GOMAXPROCS (go test's -parallel) keep the cores busy.
	next := make(chan *crash)
	go func() {
		defer close(next)
		for _, c := range crashes {
			next <- c
		}
	}()
	var wg sync.WaitGroup
	for w := range crashWorkers {
		path := filepath.Join(dir, fmt.Sprintf("worker-%d.jsonl", w))
		wg.Go(func() {
			for c := range next {
				c.path = path
				t.Run(c.name(), func(t *testing.T) {
					require.NoError(t, os.WriteFile(path, nil, 0o600))
					// The hole: the begin line of a step the API cannot show is on disk, its
					// request never left.
					hole, holeStep := -1, ""
					if c.beforeRequest > 0 {
						switch r := requests[c.beforeRequest-1]; {
						case strings.HasSuffix(r, "/onboardingCheckpoint"):
							hole, holeStep = rowOf[c.beforeRequest-1], plume.StepCheckpoint
						case r == "POST /api/Customers/resendEmailVerification":
							hole, holeStep = rowOf[c.beforeRequest-1], plume.StepEmail
						}
					}
					runUntilCrash(t, client, c)
					// The crash left the journal where the reference run had it at that point.
					n := len(c.journal)
					if c.cutAt >= 0 {
						require.Equal(t, c.cutAt, n)
					} else {
						require.LessOrEqual(t, n, len(journal))
						require.True(t, n == 0 || c.journal[n-1] == '\n', "a request leaves between two lines")
					}
					require.Equal(t, newlines(journal[:n]), newlines(c.journal), "the crashed run wrote the reference run's lines")

					// The resume: a new process, with the journal the crash left.
					c.mu.Lock()
					c.resumed = true
					c.mu.Unlock()
					j := openJournal(t, c.path)
					batch.HookJournal(j, func(next func([]byte) (int, error), p []byte) (int, error) { return next(p) }, func(func() error) error { return nil })
					resume := &batch.Runner{Client: client, Workers: 2, Journal: j}
					sum, err := resume.Run(c.context(t.Context()), crashRowSeq(c.rows))
					require.NoError(t, err)
					require.True(t, sum.OK(), "%+v", sum)
					require.NoError(t, j.Close())
					c.hole, c.holeStep = hole, holeStep
					checkJournal(t, c)

					if sum.Unconfirmed > 0 {
						unconfirmed.Add(1)
					}
					if hole >= 0 {
						holes.Add(1)
						assert.Equal(t, 1, sum.Unconfirmed)
					}
					assert.LessOrEqual(t, sum.Unconfirmed, 1, "one request at most is in flight when the process dies")
				})
			}
		})
	}
	wg.Wait()
	// Count at the fake, once every crash is resumed (its views copy every customer).
	fake := viewOf(srv)
	for _, c := range crashes {
		if c.resumed && !t.Failed() {
			checkExactlyOnce(t, fake, fx, c)
		}
	}
	t.Logf("%d crashes (at %d byte offsets of the %d of a %d-line journal, end included, and before each of %d state-changing requests), each resumed, in %v; %d resumes reported a step unconfirmed, %d of them where it had not been sent",
		len(crashes), len(crashOffsets(journal)), len(journal)+1, len(newlines(journal)), len(requests), time.Since(start).Round(time.Millisecond), unconfirmed.Load(), holes.Load())
}

// crashOffsets returns the byte offsets of journal to crash at: every one, 0 and the end
// included. Under the race detector, which makes each crash five times as slow and has
// little to find in a run of one worker, only those where what a resume reads changes — the
// first three bytes of each line and its last three (the line whole but for its '\n', and
// whole) — and every 16th of the others: go test without -race covers them all.
func crashOffsets(journal []byte) []int {
	var out []int
	start := 0
	for b := 0; b <= len(journal); b++ {
		end := len(journal)
		if i := bytes.IndexByte(journal[start:], '\n'); i >= 0 {
			end = start + i + 1
		}
		if !raceDetector || b-start < 3 || end-b < 3 || b%16 == 0 {
			out = append(out, b)
		}
		if b == end {
			start = end
		}
	}
	return out
}

// crashRow is a row of the crash test and what it must end with.
type crashRow struct {
	row     batch.Row
	serials []string
	mails   int  // verification mails
	marked  bool // emailVerified set by PATCH
}

// crashRows returns the three rows of a crash, every name and serial prefixed.
func crashRows(prefix string) []crashRow {
	req := func(i int) plume.OnboardRequest {
		return plume.OnboardRequest{
			AccountID: fmt.Sprintf("%sacct-%02d", prefix, i),
			Name:      fmt.Sprintf("Subscriber %d", i),
			Email:     fmt.Sprintf("%suser%02d@example.com", prefix, i),
			Gateway:   fmt.Sprintf("%sGW-%02d", prefix, i),
		}
	}
	r1 := req(1) // everything: service id, WiFi, a gateway and a pod, the verification mail
	r1.ServiceID = prefix + "svc-01"
	r1.Wifi = &plume.WifiNetworkRequest{SSID: "Home-01", EncryptionKey: "secret-key-01", WPAMode: plume.WPAPSK2}
	r1.Extenders = []string{prefix + "POD-01"}
	r1.EmailVerification = plume.SendEmailVerification
	r2 := req(2) // the email marked verified by the ISP, the PodsAdded checkpoint
	r2.EmailVerification = plume.MarkEmailVerified
	r2.Checkpoint = plume.PodsAdded
	r3 := req(3) // a gateway and the verification mail
	r3.EmailVerification = plume.SendEmailVerification
	var rows []crashRow
	for i, r := range []plume.OnboardRequest{r1, r2, r3} {
		rows = append(rows, crashRow{
			row:     batch.Row{Key: r.AccountID, Op: batch.OpOnboard, Line: i + 2, AccountID: r.AccountID, Onboard: &r},
			serials: append([]string{r.Gateway}, r.Extenders...),
			mails:   map[bool]int{true: 1}[r.EmailVerification == plume.SendEmailVerification],
			marked:  r.EmailVerification == plume.MarkEmailVerified,
		})
	}
	return rows
}

func crashRowSeq(rows []crashRow) iter.Seq2[batch.Row, error] {
	return func(yield func(batch.Row, error) bool) {
		for _, r := range rows {
			if !yield(r.row, nil) {
				return
			}
		}
	}
}

var errCrashed = errors.New("the process died")

// crash is the death of the process running a batch: it writes the journal up to cutAt
// bytes (-1: no limit), or sends the state-changing requests before the beforeRequest-th
// (0: all), and nothing after. Once resumed (a new process), its requests go through.
type crash struct {
	cutAt, beforeRequest int
	rows                 []crashRow

	mu        sync.Mutex
	dead      bool
	resumed   bool
	written   int
	unsynced  bool     // a line was written since the last sync
	requests  []string // the state-changing requests the crashed run sent, "METHOD path"
	registers int      // register requests that reached the fake, both runs
	mails     int      // resendEmailVerification requests that reached the fake, both runs
	early     []string // requests the API cannot show that left before their begin line was synced

	path    string // the journal
	journal []byte // as the crash left it

	hole     int    // the row whose step the crash left begun but unsent; -1: none
	holeStep string // that step
}

func (c *crash) name() string {
	switch {
	case c.beforeRequest > 0:
		return fmt.Sprintf("before-request-%02d", c.beforeRequest)
	case c.cutAt >= 0:
		return fmt.Sprintf("cut-at-byte-%04d", c.cutAt)
	}
	return "no-crash"
}

type crashKey struct{}

// context returns ctx carrying c, for crashTransport.
func (c *crash) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, crashKey{}, c)
}

func (c *crash) write(next func([]byte) (int, error), p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		return 0, errCrashed
	}
	if c.cutAt >= 0 && c.written+len(p) > c.cutAt {
		n, _ := next(p[:c.cutAt-c.written])
		c.written += n
		c.dead = true
		return n, errCrashed
	}
	n, err := next(p)
	c.written += n
	c.unsynced = true
	return n, err
}

// sync notes the fsync without making it: a process that dies loses nothing it wrote, and
// 20,000 real fsyncs would have the test wait for the disk. Their order is checked instead:
// see early.
func (c *crash) sync(func() error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		return errCrashed
	}
	c.unsynced = false
	return nil
}

// crashTransport lets a request through unless the process of the crash in its context is
// dead, or dies as it sends it.
type crashTransport struct{ next http.RoundTripper }

func (t crashTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c, _ := r.Context().Value(crashKey{}).(*crash)
	if c == nil || !changesState(r) {
		return t.next.RoundTrip(r)
	}
	c.mu.Lock()
	switch {
	case c.resumed:
	case c.dead:
	case len(c.requests)+1 == c.beforeRequest:
		c.dead = true
	default:
		if unconfirmable(r) && c.unsynced {
			c.early = append(c.early, r.Method+" "+r.URL.Path)
		}
		c.requests = append(c.requests, r.Method+" "+r.URL.Path)
	}
	dead := c.dead && !c.resumed
	if !dead {
		switch r.URL.Path {
		case "/api/Customers/register":
			c.registers++
		case "/api/Customers/resendEmailVerification":
			c.mails++
		}
	}
	c.mu.Unlock()
	if dead {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errCrashed
	}
	return t.next.RoundTrip(r)
}

// unconfirmable reports whether r is a request the API cannot show afterwards.
func unconfirmable(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/onboardingCheckpoint") || r.URL.Path == "/api/Customers/resendEmailVerification"
}

func changesState(r *http.Request) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(r.URL.Path, "/api/")
}

// effects counts the state-changing requests that reached the fake under each customer
// (/api/Customers/{id}/...), by "METHOD path".
type effects struct {
	mu         sync.Mutex
	byCustomer map[string]map[string]int
}

func (e *effects) hook(r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/Customers/")
	if !ok || !changesState(r) {
		return
	}
	id, _, _ := strings.Cut(rest, "/")
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byCustomer[id] == nil {
		e.byCustomer[id] = map[string]int{}
	}
	e.byCustomer[id][r.Method+" "+r.URL.Path]++
}

// under returns the counts of the routes under the customers.
func (e *effects) under(ids []string) map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for _, id := range ids {
		for route, n := range e.byCustomer[id] {
			out[route] = n
		}
	}
	return out
}

// crashWorkers is the number of crashes run at once.
const crashWorkers = 8

var crashClock = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// runUntilCrash runs c's rows with one worker and its own journal until c kills it.
func runUntilCrash(t *testing.T, client *plume.Client, c *crash) {
	t.Helper()
	journal, err := batch.OpenJournal(c.path)
	require.NoError(t, err)
	batch.HookJournal(journal, c.write, c.sync)
	runner := &batch.Runner{Client: client, Workers: 1, Journal: journal}
	batch.SetClock(runner, crashClock)
	sum, err := runner.Run(c.context(t.Context()), crashRowSeq(c.rows))
	if c.cutAt < 0 && c.beforeRequest == 0 {
		require.NoError(t, err)
		require.True(t, sum.OK())
	}
	_ = journal.Close() // after a crash: only closes the file
	assert.Empty(t, c.early, "requests sent before their begin line was synced")
	c.journal, err = os.ReadFile(c.path)
	require.NoError(t, err)
}

// newlines returns the offsets of the '\n' in data.
func newlines(data []byte) []int {
	var out []int
	for i, b := range data {
		if b == '\n' {
			out = append(out, i)
		}
	}
	return out
}

// fakeView is the fake's state, read once.
type fakeView struct {
	srv       *plumetest.Server
	customers map[string][]plumetest.Customer // by account id
	locations map[string][]plumetest.Location // by customer id
}

func viewOf(srv *plumetest.Server) *fakeView {
	v := &fakeView{srv: srv, customers: map[string][]plumetest.Customer{}, locations: map[string][]plumetest.Location{}}
	for _, c := range srv.Customers() {
		v.customers[c.AccountID] = append(v.customers[c.AccountID], c)
	}
	for _, l := range srv.Locations() {
		v.locations[l.CustomerID] = append(v.locations[l.CustomerID], l)
	}
	return v
}

// checkExactlyOnce checks the fake after a crashed run and its resumption: every row of c
// onboarded, by one customer, with each state-changing request that reached the fake sent
// once; at the hole (c.hole, c.holeStep) that step is missing and the row's journal entry
// says so.
func checkExactlyOnce(t *testing.T, fake *fakeView, fx *effects, c *crash) {
	t.Helper()
	hole, holeStep := c.hole, c.holeStep
	var ids []string
	want := map[string]int{} // state-changing requests under the customers
	mails := 0
	for i, r := range c.rows {
		req := r.row.Onboard
		require.Len(t, fake.customers[req.AccountID], 1, "%s: %s: one customer", c.name(), req.AccountID)
		cu := fake.customers[req.AccountID][0]
		ids = append(ids, cu.ID)
		require.Len(t, fake.locations[cu.ID], 1, "%s: %s: one location, the registered one", c.name(), req.AccountID)
		l := fake.locations[cu.ID][0]
		require.False(t, l.Archived)
		at := "/api/Customers/" + cu.ID + "/locations/" + l.ID
		checkpoints, mailed := 1, r.mails
		switch {
		case hole == i && holeStep == plume.StepCheckpoint:
			checkpoints = 0
		case hole == i && holeStep == plume.StepEmail:
			mailed = 0
		}
		mails += mailed
		b2i := map[bool]int{true: 1}
		for route, n := range map[string]int{
			"POST " + at + "/nodes":                len(r.serials), // the claims
			"POST " + at + "/onboardingCheckpoint": checkpoints,
			"PATCH " + at:                          b2i[req.ServiceID != ""],
			"POST " + at + "/wifiNetwork":          b2i[req.Wifi != nil],
			"PATCH /api/Customers/" + cu.ID:        b2i[r.marked], // emailVerified
		} {
			if n > 0 {
				want[route] = n
			}
		}
		assert.Equal(t, mailed, cu.VerificationEmails, "%s: verification mails", req.AccountID)
		assert.Equal(t, r.marked, cu.EmailVerified, req.AccountID)
		assert.Equal(t, req.ServiceID, l.ServiceID, req.AccountID)
		if checkpoints == 1 {
			value := string(req.Checkpoint)
			if value == "" {
				value = string(plume.OnboardingComplete)
			}
			assert.Equal(t, value, l.Checkpoint, req.AccountID)
		} else {
			assert.Empty(t, l.Checkpoint, req.AccountID)
		}
		assert.Equal(t, req.Wifi != nil, l.Wifi != nil, req.AccountID)
		if req.Wifi != nil && l.Wifi != nil {
			assert.Equal(t, req.Wifi.SSID, l.Wifi.SSID, req.AccountID)
		}
		for _, serial := range r.serials {
			node, _ := fake.srv.Node(serial)
			assert.Equal(t, l.ID, node.LocationID, serial)
		}
	}
	assert.Equal(t, want, fx.under(ids), "%s: every state-changing request under the customers, once", c.name())
	c.mu.Lock()
	assert.Equal(t, mails, c.mails, "resendEmailVerification requests")
	assert.LessOrEqual(t, c.registers, len(c.rows)+1, "a register per row, and at most one more answered 409")
	c.mu.Unlock()
}

// checkJournal checks the journal after a crashed run and its resumption: one done line per
// row; the hole's says its step is unconfirmed.
func checkJournal(t *testing.T, c *crash) {
	t.Helper()
	hole, holeStep := c.hole, c.holeStep
	f, err := os.Open(c.path)
	require.NoError(t, err)
	defer f.Close()
	done := map[string]int{}
	for e, err := range batch.ReadJournal(f) {
		if err != nil || e.Outcome != batch.OutcomeDone {
			continue // the line the crash cut
		}
		done[e.Key]++
		if hole >= 0 && e.Key == c.rows[hole].row.Key {
			assert.Equal(t, []string{holeStep}, e.Unconfirmed)
		}
	}
	for _, r := range c.rows {
		assert.Equal(t, 1, done[r.row.Key], "done lines of %s", r.row.Key)
	}
}
