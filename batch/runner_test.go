package batch_test

import (
	"context"
	"math/rand/v2"
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

// assertOnboarded checks the fake holds rows 1..n exactly once: one customer per account id,
// one active location with its service id, WiFi network and completed checkpoint, and the
// row's gateway and pod claimed there.
func assertOnboarded(t *testing.T, srv *plumetest.Server, n int) {
	t.Helper()
	customers := srv.Customers()
	require.Len(t, customers, n, "one customer per row")
	byAccount := map[string]plumetest.Customer{}
	for _, c := range customers {
		_, dup := byAccount[c.AccountID]
		require.False(t, dup, "account %s registered twice", c.AccountID)
		byAccount[c.AccountID] = c
	}
	active := map[string][]plumetest.Location{}
	for _, l := range srv.Locations() {
		if !l.Archived {
			active[l.CustomerID] = append(active[l.CustomerID], l)
		}
	}
	nodes := map[string]plumetest.Node{}
	for _, node := range srv.Nodes() {
		nodes[node.Serial] = node
	}
	for i := 1; i <= n; i++ {
		c, ok := byAccount[accountOf(i)]
		require.True(t, ok, "account %s missing", accountOf(i))
		locs := active[c.ID]
		require.Len(t, locs, 1, "account %s", accountOf(i))
		loc := locs[0]
		assert.Equal(t, serviceOf(i), loc.ServiceID)
		assert.Equal(t, string(plume.OnboardingComplete), loc.Checkpoint)
		if assert.NotNil(t, loc.Wifi) {
			assert.Equal(t, wifiKeyOf(i), loc.Wifi.EncryptionKey)
		}
		for _, serial := range []string{gatewayOf(i), podOf(i)} {
			assert.Equal(t, loc.ID, nodes[serial].LocationID, "serial %s", serial)
		}
	}
}

// assertJournalDoneOnce checks that the journal has each of rows 1..n done exactly once, with
// its ids and serials.
func assertJournalDoneOnce(t *testing.T, entries []batch.Entry, n int) {
	t.Helper()
	done := map[string]int{}
	for _, e := range entries {
		if e.Outcome != batch.OutcomeDone {
			continue
		}
		done[e.Key]++
		assert.NotEmpty(t, e.CustomerID, e.Key)
		assert.NotEmpty(t, e.LocationID, e.Key)
		assert.Len(t, e.Serials, 2, e.Key)
		assert.Positive(t, e.Attempts, e.Key)
	}
	for i := 1; i <= n; i++ {
		assert.Equal(t, 1, done[accountOf(i)], "done lines of %s", accountOf(i))
	}
	assert.Len(t, done, n)
}

func TestRunOnboardsThousandRows(t *testing.T) {
	t.Parallel()
	const n = 1000
	srv := newFake(t, n)
	path := journalPath(t)
	journal := openJournal(t, path)
	var progressCalls atomic.Int64
	var last batch.Progress
	runner := &batch.Runner{
		Client:  fastClient(srv),
		Workers: 8,
		Journal: journal,
		Total:   n,
		Progress: func(p batch.Progress) {
			progressCalls.Add(1)
			last = p
		},
	}

	sum, err := runner.Run(t.Context(), onboardRows(csvText(n)))
	require.NoError(t, err)
	require.NoError(t, journal.Close())

	assert.Equal(t, n, sum.Read)
	assert.Equal(t, n, sum.Done)
	assert.True(t, sum.OK())
	assert.Zero(t, sum.Failed+sum.Interrupted+sum.Skipped+sum.NotStarted)
	assert.Positive(t, sum.Rate())
	assert.GreaterOrEqual(t, progressCalls.Load(), int64(n))
	assert.Equal(t, batch.Progress{Done: n, Total: n, Rate: last.Rate, Elapsed: last.Elapsed}, last)
	assertOnboarded(t, srv, n)
	entries := rowEntries(t, path)
	assert.Len(t, entries, n, "one row line per row")
	assertJournalDoneOnce(t, entries, n)
	steps := map[string]int{}
	for _, e := range readEntries(t, path) {
		if e.IsStep() {
			assert.Equal(t, plume.StepCheckpoint, e.Step, "the only step the API cannot show, without a verification mail")
			assert.Empty(t, e.Kind)
			steps[e.Key+" "+string(e.Outcome)]++
		}
	}
	assert.Len(t, steps, 2*n, "a begin and a step line per row")
	for _, e := range entries {
		assert.Equal(t, 1, e.Attempts)
		assert.Equal(t, batch.OpOnboard, e.Op)
		assert.Positive(t, e.Line)
	}
}

// TestRunCancelledThenRerun cancels a run of 1,000 rows at a random (seeded) point, then
// reruns it with the same journal: every row ends in the fake exactly once, the rows done
// in the first run are skipped, and no row that reached the fake lacks a journal line.
func TestRunCancelledThenRerun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		grace time.Duration
		seed  uint64
	}{
		{"in-flight rows finish", time.Minute, 1},
		{"in-flight rows interrupted", -1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const n = 1000
			srv := newFake(t, n)
			client := fastClient(srv)
			path := journalPath(t)
			rng := rand.New(rand.NewPCG(tc.seed, 0))
			stopAt := 100 + rng.IntN(n-200)

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			journal := openJournal(t, path)
			first := &batch.Runner{
				Client: client, Workers: 8, Journal: journal, Grace: tc.grace,
				Progress: func(p batch.Progress) {
					if p.Finished() >= stopAt {
						cancel()
					}
				},
			}
			sum1, err := first.Run(ctx, onboardRows(csvText(n)))
			require.ErrorIs(t, err, context.Canceled)
			require.NoError(t, journal.Close())
			t.Logf("stopped at %d: %d done, %d interrupted, %d not started", stopAt, sum1.Done, sum1.Interrupted, sum1.NotStarted)
			assert.GreaterOrEqual(t, sum1.Done+sum1.Interrupted, stopAt)
			assert.Less(t, sum1.Done, n)
			assert.Zero(t, sum1.Failed)
			if tc.grace > 0 {
				assert.Zero(t, sum1.Interrupted, "in-flight rows had time to finish")
			}

			// No lost line: a customer exists only for a row that started, and every started
			// row has a line.
			journaled := map[string]bool{}
			for _, e := range readEntries(t, path) {
				journaled[e.Key] = true
			}
			assert.Len(t, journaled, sum1.Done+sum1.Interrupted)
			for _, c := range srv.Customers() {
				assert.True(t, journaled[c.AccountID], "customer %s has no journal line", c.AccountID)
			}

			journal = openJournal(t, path)
			second := &batch.Runner{Client: client, Workers: 8, Journal: journal}
			sum2, err := second.Run(t.Context(), onboardRows(csvText(n)))
			require.NoError(t, err)
			require.NoError(t, journal.Close())
			assert.Equal(t, sum1.Done, sum2.Skipped)
			assert.Equal(t, n-sum1.Done, sum2.Done)
			assert.True(t, sum2.OK())

			assertOnboarded(t, srv, n)
			assertJournalDoneOnce(t, readEntries(t, path), n)
		})
	}
}

func TestRunReportsMalformedRowsAndGoesOn(t *testing.T) {
	t.Parallel()
	const n = 20
	srv := newFake(t, n)
	path := journalPath(t)
	bad := []string{
		",No Account,x@example.com,svc-x,auto,,,,,\n",                                               // line 22
		"acct-bad-02,Bad Key,y@example.com,svc-y,auto,Net,short,psk2,,\n",                           // line 23
		"acct-bad-03,Too,Few,Fields\n",                                                              // line 24
		"acct-bad-04,Bad \"Quote,z@example.com,,,,,,,\n",                                            // line 25
		"acct-bad-05,Bad Mode,w@example.com,,,Net,longenough,wep,,\n",                               // line 26
		"acct-bad-06,Twice,v@example.com,,,,,,GW-000001,GW-000001\n",                                // line 27
		"acct-bad-07,Bad Profile,u@example.com,,property,,,,,\n",                                    // line 28
		"acct-bad-08,Bad Email,not-an-email,,,,,,,\n",                                               // line 29
		"acct-bad-09,Key No SSID,t@example.com,,,,longenough-key,,,\n",                              // line 30
		"acct-bad-10,\"Name \"\"quoted\"\"\",s@example.com,,,,,,,\n",                                // line 31
		"acct-bad-11,Spaced Serial,r@example.com,,,,,,GW 01,\n",                                     // line 32
		"acct-bad-12,Pod Twice,q@example.com,,,,,,,POD-000001;POD-000001\n",                         // line 33
		"acct-bad-13,Long SSID,p@example.com,,,Net-" + strings.Repeat("x", 40) + ",longenough,,,\n", // line 34
	}
	want := map[int]string{
		22: "account_id", 23: "wifi_key", 24: "", 25: "", 26: "wpa_mode", 27: "extenders",
		28: "profile", 29: "email", 30: "ssid", 31: "name", 32: "gateway", 33: "extenders", 34: "ssid",
	}
	text := csvText(n, bad...)
	runner := &batch.Runner{Client: fastClient(srv), Journal: openJournal(t, path), MaxFailures: -1}

	sum, err := runner.Run(t.Context(), onboardRows(text))
	require.NoError(t, err)
	assert.Equal(t, n, sum.Done)
	assert.Equal(t, len(bad), sum.Failed)
	assert.Equal(t, map[batch.ErrorKind]int{batch.KindInvalidInput: len(bad)}, sum.Kinds)
	assert.Empty(t, sum.Failures, "MaxFailures < 0 keeps none")
	assert.Len(t, srv.Customers(), n, "no malformed row reached the fake")

	got := map[int]string{}
	for _, e := range readEntries(t, path) {
		if e.Outcome == batch.OutcomeFailed {
			got[e.Line] = e.Column
			assert.Equal(t, batch.KindInvalidInput, e.Kind)
			assert.Contains(t, e.Error, "line ")
			assert.False(t, strings.Contains(e.Error, "short"), "a WiFi key is never printed")
			assert.NotContains(t, e.Error, "longenough")
			assert.Zero(t, e.Attempts)
		}
	}
	assert.Equal(t, want, got)

	// A rerun tries the malformed rows again (they fail again) and skips the others.
	runner.Journal = openJournal(t, path)
	sum, err = runner.Run(t.Context(), onboardRows(text))
	require.NoError(t, err)
	assert.Equal(t, n, sum.Skipped)
	assert.Equal(t, len(bad), sum.Failed)
}

func TestRunRetriesFailedRowsOnRerun(t *testing.T) {
	t.Parallel()
	const n = 10
	srv := newFake(t, n)
	path := journalPath(t)
	// The pod claim of one row fails once with a 500 before the state changes.
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Times: 1, Status: 500}))
	runner := &batch.Runner{Client: fastClient(srv), Workers: 1, Journal: openJournal(t, path)}

	sum, err := runner.Run(t.Context(), onboardRows(csvText(n)))
	require.NoError(t, err)
	assert.Equal(t, n-1, sum.Done)
	assert.Equal(t, 1, sum.Failed)
	require.Len(t, sum.Failures, 1)
	failed := sum.Failures[0]
	assert.Equal(t, batch.KindServer, failed.Kind)
	assert.Equal(t, "claim "+gatewayOf(1), failed.Step)
	assert.NotEmpty(t, failed.CustomerID, "the partial result's ids are journaled")
	assert.False(t, sum.OK())

	runner.Journal = openJournal(t, path)
	sum, err = runner.Run(t.Context(), onboardRows(csvText(n)))
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Done)
	assert.Equal(t, n-1, sum.Skipped)
	assertOnboarded(t, srv, n)
	var resumed int
	for _, e := range readEntries(t, path) {
		if e.Outcome == batch.OutcomeDone && e.Resumed {
			resumed++
			assert.Equal(t, failed.Key, e.Key)
			assert.Equal(t, failed.CustomerID, e.CustomerID)
		}
	}
	assert.Equal(t, 1, resumed)
}

// recordingLimiter notes when each HTTP attempt passes it.
type recordingLimiter struct {
	mu    sync.Mutex
	times []time.Time
}

func (l *recordingLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.times = append(l.times, time.Now())
	return ctx.Err()
}

func (l *recordingLimiter) within(from, to time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, at := range l.times {
		if at.After(from) && at.Before(to) {
			n++
		}
	}
	return n
}

// TestRunRateLimitPausesEveryWorker answers one register 429 with Retry-After: 1. Every
// worker must hold for that second (no request passes the gate meanwhile), then the row is
// tried again and succeeds.
func TestRunRateLimitPausesEveryWorker(t *testing.T) {
	t.Parallel()
	const n = 40
	srv := newFake(t, n)
	require.NoError(t, srv.InjectFault(plumetest.Fault{
		Method: "POST", Path: "/api/Customers/register", Times: 1, Status: 429,
		Header: map[string][]string{"Retry-After": {"1"}},
	}))
	recorder := &recordingLimiter{}
	gate := batch.NewGate(recorder)
	runner := &batch.Runner{Client: fastClient(srv, plume.WithRateLimiter(gate)), Gate: gate, Workers: 8}

	var pausedUntil time.Time
	var mu sync.Mutex
	runner.Progress = func(p batch.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if pausedUntil.IsZero() && !p.PausedUntil.IsZero() {
			pausedUntil = p.PausedUntil
		}
	}
	start := time.Now()
	sum, err := runner.Run(t.Context(), onboardRows(csvText(n)))
	require.NoError(t, err)
	assert.Equal(t, n, sum.Done)
	assert.Equal(t, 1, sum.Pauses)
	assert.InDelta(t, time.Second, sum.Paused, float64(100*time.Millisecond))
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
	require.False(t, pausedUntil.IsZero(), "progress showed the pause")
	// Leave 50 ms at the start for requests that had passed the gate as the 429 arrived.
	pauseStart := pausedUntil.Add(-time.Second)
	assert.Zero(t, recorder.within(pauseStart.Add(50*time.Millisecond), pausedUntil.Add(-time.Millisecond)), "a request passed the gate during the pause")
	assert.Len(t, srv.Customers(), n)
}

func TestRunGivesUpOnARowStillRateLimited(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/register", Times: 3, Status: 429}))
	runner := &batch.Runner{Client: fastClient(srv), MaxAttempts: 3, RateLimitPause: 10 * time.Millisecond}
	sum, err := runner.Run(t.Context(), onboardRows(csvText(1)))
	require.NoError(t, err)
	require.Equal(t, 1, sum.Failed)
	assert.Equal(t, batch.KindRateLimited, sum.Failures[0].Kind)
	assert.Equal(t, 3, sum.Failures[0].Attempts)
	assert.Equal(t, 3, sum.Pauses, "every rate limit pauses the workers")
}

func TestRunStopsWhenTheCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	const n = 50
	srv := newFake(t, n)
	creds := srv.Credentials()
	creds.ClientSecret = "wrong-secret"
	client, err := plume.NewClient(plume.WithBaseURL(srv.URL), plume.WithCredentials(creds),
		plume.WithRateLimit(1000, 1), plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)
	runner := &batch.Runner{Client: client, Workers: 2}

	sum, err := runner.Run(t.Context(), onboardRows(csvText(n)))
	require.ErrorIs(t, err, plume.ErrAuth)
	assert.False(t, strings.Contains(err.Error(), "wrong-secret"), "a secret leaked")
	assert.Equal(t, map[batch.ErrorKind]int{batch.KindAuth: sum.Failed}, sum.Kinds)
	assert.LessOrEqual(t, sum.Failed, 2+1, "at most the rows in flight fail")
	assert.Positive(t, sum.NotStarted)
	assert.Zero(t, srv.TotalRequests())
}

func TestRunSourceErrorStopsTheRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	runner := &batch.Runner{Client: fastClient(srv)}
	sum, err := runner.Run(t.Context(), onboardRows("acount_id,name\nx,y\n"))
	require.ErrorContains(t, err, `unknown column "acount_id"`)
	assert.Zero(t, sum.Read)
}

func TestRunDryRunSendsNothing(t *testing.T) {
	t.Parallel()
	const n = 30
	srv := newFake(t, n)
	path := journalPath(t)
	runner := &batch.Runner{Client: fastClient(srv), Journal: openJournal(t, path)}
	_, err := runner.Run(t.Context(), onboardRows(csvText(10)))
	require.NoError(t, err)
	srv.ResetCounts()

	dry := &batch.Runner{Journal: openJournal(t, path), DryRun: true}
	sum, err := dry.Run(t.Context(), onboardRows(csvText(n, "bad,\n")))
	require.NoError(t, err)
	assert.Equal(t, 10, sum.Skipped)
	assert.Equal(t, n-10, sum.WouldRun)
	assert.Equal(t, 1, sum.Failed)
	assert.Zero(t, srv.TotalRequests())
	assert.Len(t, rowEntries(t, path), 10, "a dry run journals nothing")
}

// TestRunSameKeyTwice runs a row listed twice: the two never run at once, and the fake ends
// with one customer.
func TestRunSameKeyTwice(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	text := csvText(1) + strings.TrimPrefix(csvText(1), csvHeader)
	sum, err := (&batch.Runner{Client: fastClient(srv), Workers: 4}).Run(t.Context(), onboardRows(text))
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Done)
	assertOnboarded(t, srv, 1)
}

func TestRunOffboardingOperations(t *testing.T) {
	t.Parallel()
	const n = 6
	srv := newFake(t, n)
	client := fastClient(srv)
	_, err := (&batch.Runner{Client: client}).Run(t.Context(), onboardRows(csvText(n)))
	require.NoError(t, err)
	locationOf := func(i int) plumetest.Location {
		for _, l := range srv.Locations() {
			if l.ServiceID == serviceOf(i) {
				return l
			}
		}
		t.Fatalf("no location for %s", serviceOf(i))
		return plumetest.Location{}
	}
	run := func(op batch.Operation, text string, opts batch.RowOptions) *batch.Summary {
		t.Helper()
		rows := batch.RowsOf(batch.ReadCSV(strings.NewReader(text)), op, opts)
		sum, err := (&batch.Runner{Client: client}).Run(t.Context(), rows)
		require.NoError(t, err)
		return sum
	}

	// Suspend rows 1 and 2 (by service id, then by ids), resume row 1.
	loc2 := locationOf(2)
	sum := run(batch.OpSuspend, "service_id,customer_id,location_id\n"+serviceOf(1)+",,\n,"+loc2.CustomerID+","+loc2.ID+"\n",
		batch.RowOptions{Level: plume.BasicService})
	assert.Equal(t, 2, sum.Done)
	assert.Equal(t, string(plume.BasicService), locationOf(1).ServiceLevel)
	assert.Equal(t, string(plume.BasicService), locationOf(2).ServiceLevel)
	sum = run(batch.OpResume, "service_id\n"+serviceOf(1)+"\n", batch.RowOptions{})
	assert.Equal(t, 1, sum.Done)
	assert.Equal(t, string(plume.FullService), locationOf(1).ServiceLevel)

	// RMA of row 3's two serials, and of one never claimed.
	srv.AddInventory("POD-SPARE")
	sum = run(batch.OpUnclaimForRMA, "gateway,extenders\n"+gatewayOf(3)+","+podOf(3)+"\n,POD-SPARE\n", batch.RowOptions{})
	assert.Equal(t, 3, sum.Done)
	for _, serial := range []string{gatewayOf(3), podOf(3)} {
		node, _ := srv.Node(serial)
		assert.Empty(t, node.LocationID, serial)
	}

	// Cancel rows 4 and 5, and a service id nobody has.
	loc4 := locationOf(4)
	text := csvHeader + string(appendRow(nil, 4)) + string(appendRow(nil, 5)) + "x,,,svc-none,,,,,,\n"
	sum = run(batch.OpCancelService, text, batch.RowOptions{})
	assert.Equal(t, 2, sum.Done)
	require.Equal(t, 1, sum.Failed)
	assert.Equal(t, batch.KindNotFound, sum.Failures[0].Kind)
	assert.Equal(t, batch.StepFindLocation, sum.Failures[0].Step)
	archived, _ := srv.Location(loc4.ID)
	assert.True(t, archived.Archived)
	node, _ := srv.Node(gatewayOf(4))
	assert.Empty(t, node.LocationID, "cancelling unclaims the nodes")
}

// TestRunInterruptCancelsRowsInFlight stalls every claim, cancels the run (rows in flight
// have an hour of grace), then closes Interrupt: the stalled rows are cancelled at once and
// journaled as interrupted, with the step they were at.
func TestRunInterruptCancelsRowsInFlight(t *testing.T) {
	t.Parallel()
	const n, workers = 20, 4
	srv := newFake(t, n)
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Times: n, Delay: time.Hour}))
	path := journalPath(t)
	interrupt := make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runner := &batch.Runner{Client: fastClient(srv), Workers: workers, Journal: openJournal(t, path), Grace: time.Hour, Interrupt: interrupt}
	go func() {
		claims := func() bool { return srv.RequestCount("POST /Customers/{id}/locations/{id}/nodes") >= workers }
		for !claims() {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		time.Sleep(50 * time.Millisecond)
		close(interrupt)
	}()

	sum, err := runner.Run(ctx, onboardRows(csvText(n)))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, workers, sum.Interrupted)
	assert.Zero(t, sum.Done+sum.Failed)
	assert.Equal(t, sum.Read-workers, sum.NotStarted)
	for _, e := range sum.Failures {
		assert.Equal(t, batch.OutcomeInterrupted, e.Outcome)
		assert.Equal(t, batch.KindCanceled, e.Kind)
		assert.True(t, strings.HasPrefix(e.Step, "claim GW-"), e.Step)
	}
	require.NoError(t, runner.Journal.Close())
	assert.Len(t, readEntries(t, path), workers)
}
