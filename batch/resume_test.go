package batch_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// mailing is the template of rows whose customers get the verification mail.
var mailing = batch.RowOptions{Onboard: plume.OnboardRequest{EmailVerification: plume.SendEmailVerification}}

// checkpointsAndMails counts, per account, the checkpoint requests that reached the fake
// and the verification mails it sent.
func checkpointsAndMails(t *testing.T, srv *plumetest.Server, posts *routeCounter) (checkpoints, mails map[string]int) {
	t.Helper()
	checkpoints, mails = map[string]int{}, map[string]int{}
	for _, c := range srv.Customers() {
		mails[c.AccountID] = c.VerificationEmails
		for _, l := range srv.Locations() {
			if l.CustomerID == c.ID {
				checkpoints[c.AccountID] += posts.count("POST /api/Customers/" + c.ID + "/locations/" + l.ID + "/onboardingCheckpoint")
			}
		}
	}
	return checkpoints, mails
}

// routeCounter counts the requests that reach a fake, by "METHOD path".
type routeCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *routeCounter) hook(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.Method+" "+r.URL.Path]++
}

func (c *routeCounter) count(route string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[route]
}

// TestRerunAfterACrashDoesNotMailTwice is the report of issue 14: a run whose process died
// while it wrote the last row's line left that line cut short; the rerun ran the row's whole
// flow again, and the customer got a second verification mail and a second checkpoint.
func TestRerunAfterACrashDoesNotMailTwice(t *testing.T) {
	t.Parallel()
	const n = 3
	posts := &routeCounter{}
	srv := newFake(t, n, plumetest.WithRequestHook(posts.hook))
	client := fastClient(srv)
	path := journalPath(t)
	text := csvText(n)
	_, err := (&batch.Runner{Client: client, Workers: 1, Journal: openJournal(t, path)}).Run(t.Context(), batch.RowsOf(batch.ReadCSV(strings.NewReader(text)), batch.OpOnboard, mailing))
	require.NoError(t, err)

	// The crash: the last line, the last row's, cut in its middle.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	last := bytes.LastIndexByte(data[:len(data)-1], '\n') + 1
	require.Contains(t, string(data[last:]), `"outcome":"done"`)
	require.NoError(t, os.WriteFile(path, data[:last+(len(data)-last)/2], 0o600))

	sum, err := (&batch.Runner{Client: client, Journal: openJournal(t, path)}).Run(t.Context(), batch.RowsOf(batch.ReadCSV(strings.NewReader(text)), batch.OpOnboard, mailing))
	require.NoError(t, err)
	assert.Equal(t, n-1, sum.Skipped)
	assert.Equal(t, 1, sum.Done)
	assert.Zero(t, sum.Unconfirmed, "both steps had their answer journaled")
	assertOnboarded(t, srv, n)
	checkpoints, mails := checkpointsAndMails(t, srv, posts)
	for i := 1; i <= n; i++ {
		assert.Equal(t, 1, checkpoints[accountOf(i)], "checkpoints of %s", accountOf(i))
		assert.Equal(t, 1, mails[accountOf(i)], "verification mails of %s", accountOf(i))
	}
	assert.Equal(t, 2, posts.count("POST /api/Customers/"+customerOf(t, srv, n)+"/locations/"+locationOf(t, srv, n)+"/nodes"),
		"the first run's 2 claims: the resumed row listed its nodes instead of claiming them again")
}

func customerOf(t *testing.T, srv *plumetest.Server, i int) string {
	t.Helper()
	for _, c := range srv.Customers() {
		if c.AccountID == accountOf(i) {
			return c.ID
		}
	}
	t.Fatalf("no customer %s", accountOf(i))
	return ""
}

func locationOf(t *testing.T, srv *plumetest.Server, i int) string {
	t.Helper()
	id := customerOf(t, srv, i)
	for _, l := range srv.Locations() {
		if l.CustomerID == id {
			return l.ID
		}
	}
	t.Fatalf("no location for %s", accountOf(i))
	return ""
}

// TestCheckpointOfUnknownFateIsNotSentAgain: a checkpoint the fake applied and answered 503
// fails the row; the rerun does not send it again (Plume may have acted on it, and cannot
// say) and reports it unconfirmed. A checkpoint refused before the fake acted (400) is sent
// again by the rerun.
func TestCheckpointOfUnknownFateIsNotSentAgain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		fault       plumetest.Fault
		kind        batch.ErrorKind
		unconfirmed []string
	}{
		{"applied, then 503", plumetest.Fault{Status: 503, AfterState: true}, batch.KindServer, []string{plume.StepCheckpoint}},
		{"refused with 400", plumetest.Fault{Status: 400}, batch.KindBadRequest, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			posts := &routeCounter{}
			srv := newFake(t, 1, plumetest.WithRequestHook(posts.hook))
			fault := tc.fault
			fault.Method, fault.Path = "POST", "/api/Customers/*/locations/*/onboardingCheckpoint"
			require.NoError(t, srv.InjectFault(fault))
			client := fastClient(srv)
			path := journalPath(t)
			rows := func() iterRows { return onboardRowsWith(csvText(1), mailing) }

			sum, err := (&batch.Runner{Client: client, Journal: openJournal(t, path)}).Run(t.Context(), rows())
			require.NoError(t, err)
			require.Equal(t, 1, sum.Failed)
			assert.Equal(t, tc.kind, sum.Failures[0].Kind)
			assert.Equal(t, plume.StepCheckpoint, sum.Failures[0].Step)

			sum, err = (&batch.Runner{Client: client, Journal: openJournal(t, path)}).Run(t.Context(), rows())
			require.NoError(t, err)
			require.Equal(t, 1, sum.Done)
			assert.Equal(t, len(tc.unconfirmed), sum.Unconfirmed)
			entries := rowEntries(t, path)
			assert.Equal(t, tc.unconfirmed, entries[len(entries)-1].Unconfirmed)

			loc, _ := srv.Location(locationOf(t, srv, 1))
			assert.Equal(t, string(plume.OnboardingComplete), loc.Checkpoint, "applied once, by one run or the other")
			checkpoints, mails := checkpointsAndMails(t, srv, posts)
			assert.Equal(t, 2-len(tc.unconfirmed), checkpoints[accountOf(1)], "requests that reached the fake")
			assert.Equal(t, 1, mails[accountOf(1)])
		})
	}
}

type iterRows = func(func(batch.Row, error) bool)

func onboardRowsWith(text string, opts batch.RowOptions) iterRows {
	return batch.RowsOf(batch.ReadCSV(strings.NewReader(text)), batch.OpOnboard, opts)
}

// TestBeginLinesAreOnDiskBeforeTheirRequests runs 40 mailing rows on 8 workers and checks, as
// each checkpoint and verification request leaves, that the begin line announcing it was
// synced (one fsync may cover the lines of several workers).
func TestBeginLinesAreOnDiskBeforeTheirRequests(t *testing.T) {
	t.Parallel()
	const n = 40
	srv := newFake(t, n)
	o := &syncOrder{begun: map[string]int{}, emails: map[string]string{}}
	client := fastClient(srv, plume.WithHTTPClient(&http.Client{Transport: o}))
	j := openJournal(t, journalPath(t))
	batch.HookJournal(j, o.write, o.sync)
	sum, err := (&batch.Runner{Client: client, Workers: 8, Journal: j}).Run(t.Context(), onboardRowsWith(csvText(n), mailing))
	require.NoError(t, err)
	require.Equal(t, n, sum.Done)
	o.mu.Lock()
	defer o.mu.Unlock()
	assert.Equal(t, 2*n, o.checked, "a checkpoint and a mail per row")
	assert.Empty(t, o.early)
	assert.Less(t, o.syncs, 2*n+2, "no more fsyncs than begin lines, and one at the end")
	t.Logf("%d begin lines, %d fsyncs", 2*n, o.syncs)
}

// syncOrder follows the journal's writes and fsyncs, and the requests the API cannot show.
type syncOrder struct {
	mu      sync.Mutex
	written int               // lines written
	synced  int               // lines on disk: written before an fsync that returned
	syncs   int               // fsyncs
	begun   map[string]int    // "location id" or "customer id" of a begin line → its line number
	emails  map[string]string // email → customer id, from the register answers
	checked int
	early   []string
}

func (o *syncOrder) write(next func([]byte) (int, error), p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := next(p)
	o.written++
	var l struct{ Outcome, Location_ID, Customer_ID string }
	if json.Unmarshal(p, &l) == nil && l.Outcome == "begin" {
		o.begun[l.Location_ID+l.Customer_ID] = o.written
	}
	return n, err
}

func (o *syncOrder) sync(next func() error) error {
	o.mu.Lock()
	covered := o.written
	o.mu.Unlock()
	err := next()
	o.mu.Lock()
	o.synced, o.syncs = max(o.synced, covered), o.syncs+1
	o.mu.Unlock()
	return err
}

func (o *syncOrder) RoundTrip(r *http.Request) (*http.Response, error) {
	var id string
	switch {
	case strings.HasSuffix(r.URL.Path, "/onboardingCheckpoint"):
		id = strings.Split(r.URL.Path, "/")[5] // /api/Customers/{id}/locations/{id}/...
	case r.URL.Path == "/api/Customers/resendEmailVerification":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var b struct{ Email string }
		_ = json.Unmarshal(body, &b)
		o.mu.Lock()
		id = o.emails[b.Email]
		o.mu.Unlock()
	}
	if id != "" {
		o.mu.Lock()
		line, ok := o.begun[id]
		o.checked++
		if !ok || line > o.synced {
			o.early = append(o.early, r.URL.Path)
		}
		o.mu.Unlock()
	}
	resp, err := loopback.RoundTrip(r)
	if err != nil || r.URL.Path != "/api/Customers/register" || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	// Note the customer of each email, from the register answers.
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var c struct{ ID, Email string }
	if json.Unmarshal(body, &c) == nil {
		o.mu.Lock()
		o.emails[c.Email] = c.ID
		o.mu.Unlock()
	}
	return resp, nil
}

// loopback is the transport under syncOrder's.
var loopback = pooledHTTPClient().Transport
