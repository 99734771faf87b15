package batch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

// TestSweepResumeAfterACrashAtEveryByte runs a short sweep (a site by its ids, one by its
// service id and a service id no location carries, one worker) and kills its process at every byte offset of the journal it
// writes, end included: the process dies as it writes that byte, so everything before it is
// in the file, and it sends nothing after. Each crash is then resumed with the journal as the
// crash left it, and the resume's requests are counted at the fake by location: a location
// whose record was whole in the journal (its line and its line end) is never read again;
// every other one is read once. The journal then holds one done record per site, and
// ExportSweep one record per location.
//
// A sweep changes nothing, so the crashes share one fake and its locations, and every run
// writes the reference run's bytes (the fake's clock and the runner's are fixed).
func TestSweepResumeAfterACrashAtEveryByte(t *testing.T) {
	t.Parallel()
	srv, sites := newFleet(t, "x-")
	client := fastClient(srv, plume.WithHTTPClient(&http.Client{Transport: sweepCrashTransport{pooledHTTPClient().Transport}}))
	sites = sites[:2]
	text := "customer_id,location_id,service_id\n" + sites[0].customerID + "," + sites[0].locationID + ",\n" +
		",," + sites[1].serviceID + "\n,,x-svc-unknown\n"
	summaryPath := func(s *site) string {
		return "/api/Customers/" + s.customerID + "/locations/" + s.locationID + "/summary"
	}
	dir := t.TempDir()

	ref := &sweepCrash{cutAt: -1, path: filepath.Join(dir, "reference.jsonl")}
	runSweepUntilCrash(t, client, ref, text)
	journal := ref.journal
	lineEnds := lineEndsOf(journal)
	require.Len(t, lineEnds, 3, "one line per row")
	// The key of each line, in order: the rows run one after the other.
	keys := []string{keyOf(sites, 0), keyOf(sites, 1), "x-svc-unknown"}
	for i, k := range keys {
		start := 0
		if i > 0 {
			start = lineEnds[i-1] + 1
		}
		require.Contains(t, string(journal[start:lineEnds[i]]), `"key":"`+k+`"`)
	}

	offsets := sweepCutOffsets(journal)
	next := make(chan int)
	go func() {
		defer close(next)
		for _, b := range offsets {
			next <- b
		}
	}()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range sweepCrashWorkers {
		path := filepath.Join(dir, fmt.Sprintf("worker-%d.jsonl", w))
		wg.Go(func() {
			for cutAt := range next {
				t.Run(fmt.Sprintf("cut-at-byte-%04d", cutAt), func(t *testing.T) {
					require.NoError(t, os.WriteFile(path, nil, 0o600))
					c := &sweepCrash{cutAt: cutAt, path: path}
					runSweepUntilCrash(t, client, c, text)
					require.Equal(t, journal[:cutAt], c.journal, "the crashed run wrote the reference run's bytes")

					// The resume: a new process, with the journal the crash left.
					c.resume()
					j := openJournal(t, path)
					sum, err := (&batch.Runner{Client: client, Workers: 2, Journal: j}).Sweep(c.context(t.Context()), sweepRows(text), nil)
					require.NoError(t, err)
					require.NoError(t, j.Close())

					recorded := 0 // sites whose done line is whole in the cut journal
					for i := range sites {
						if lineEnds[i] < cutAt {
							recorded++
						}
					}
					assert.Equal(t, recorded, sum.Skipped)
					assert.Equal(t, len(sites)-recorded, sum.Done)
					assert.Equal(t, 1, sum.Failed, "the unknown service id is tried again")
					for i, s := range sites {
						want := 1
						if lineEnds[i] < cutAt {
							want = 0
						}
						assert.Equal(t, want, c.count(summaryPath(s)), "reports of %s in the resume", keys[i])
					}
					assert.Equal(t, 1, c.count("/api/Partners/locations/x-svc-unknown"))

					done := map[string]int{}
					f, err := os.Open(path)
					require.NoError(t, err)
					defer f.Close()
					for e, err := range batch.ReadJournal(f) {
						if err == nil && e.Outcome == batch.OutcomeDone {
							done[e.Key]++
						}
					}
					assert.Equal(t, map[string]int{keys[0]: 1, keys[1]: 1}, done)

					_, err = f.Seek(0, 0)
					require.NoError(t, err)
					var out bytes.Buffer
					counts, err := batch.ExportSweep(f, &out)
					require.NoError(t, err)
					assert.Equal(t, batch.SweepCounts{Online: 1, Degraded: 1, Errors: 1}, counts)
					assert.Len(t, lineEndsOf(out.Bytes()), 3, "one record per location")
				})
			}
		})
	}
	wg.Wait()
	t.Logf("%d crashes (at %d of the %d byte offsets of a %d-line journal, end included), each resumed, in %v",
		len(offsets), len(offsets), len(journal)+1, len(lineEnds), time.Since(start).Round(time.Millisecond))
}

// sweepCutOffsets returns the byte offsets of journal to crash at: every one, 0 and the end
// included. Under the race detector, which makes each crash several times as slow, only those
// where what a resume reads changes (the first three bytes of each line and its last three)
// and every 16th of the others: go test without -race covers them all.
func sweepCutOffsets(journal []byte) []int {
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

// sweepCrash is the death of the process running a sweep: it writes the journal up to cutAt
// bytes (-1: no limit) and then sends nothing more. Once resumed (a new process), its
// requests go through and are counted by path.
type sweepCrash struct {
	cutAt int
	path  string

	mu       sync.Mutex
	dead     bool
	resumed  bool
	written  int
	requests map[string]int // the resume's, by path

	journal []byte // as the crash left it
}

type sweepCrashKey struct{}

func (c *sweepCrash) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, sweepCrashKey{}, c)
}

func (c *sweepCrash) resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resumed, c.requests = true, map[string]int{}
}

func (c *sweepCrash) count(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests[path]
}

func (c *sweepCrash) write(next func([]byte) (int, error), p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		return 0, errSweepCrashed
	}
	if c.cutAt >= 0 && c.written+len(p) > c.cutAt {
		n, _ := next(p[:c.cutAt-c.written])
		c.written += n
		c.dead = true
		return n, errSweepCrashed
	}
	n, err := next(p)
	c.written += n
	return n, err
}

// sweepCrashTransport refuses the requests of a dead process and counts those of a resumed one.
type sweepCrashTransport struct{ next http.RoundTripper }

func (t sweepCrashTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if c, _ := r.Context().Value(sweepCrashKey{}).(*sweepCrash); c != nil {
		c.mu.Lock()
		dead := c.dead && !c.resumed
		if c.resumed && strings.HasPrefix(r.URL.Path, "/api/") {
			c.requests[r.URL.Path]++
		}
		c.mu.Unlock()
		if dead {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, errSweepCrashed
		}
	}
	return t.next.RoundTrip(r)
}

// runSweepUntilCrash sweeps the rows of text with one worker and c's journal until c kills it.
func runSweepUntilCrash(t *testing.T, client *plume.Client, c *sweepCrash, text string) {
	t.Helper()
	journal, err := batch.OpenJournal(c.path)
	require.NoError(t, err)
	batch.HookJournal(journal, c.write, func(next func() error) error { return nil })
	runner := &batch.Runner{Client: client, Workers: 1, Journal: journal}
	batch.SetClock(runner, sweepRunClock)
	_, err = runner.Sweep(c.context(t.Context()), sweepRows(text), nil)
	if c.cutAt < 0 {
		require.NoError(t, err)
	}
	_ = journal.Close() // after a crash: only closes the file
	c.journal, err = os.ReadFile(c.path)
	require.NoError(t, err)
}

// The crash test's own fixtures (crash_test.go has the onboarding's).
const sweepCrashWorkers = 8 // crashes run at once: most of a crash is spent waiting on the fake

var (
	errSweepCrashed = errors.New("the process died")
	sweepRunClock   = func() time.Time { return time.Date(2026, 3, 4, 12, 5, 0, 0, time.UTC) }
)

// lineEndsOf returns the offsets of the '\n' in data.
func lineEndsOf(data []byte) []int {
	var out []int
	for i, b := range data {
		if b == '\n' {
			out = append(out, i)
		}
	}
	return out
}
