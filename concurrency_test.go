package plume_test

// concurrency_test.go: one client shared by many goroutines under load against the fake
// (plumetest), checking the pipeline as a whole: no call fails or gets another's answer,
// concurrent callers share one token fetch per expiry, and the client-side limiter is never
// exceeded. Run under -race (make test) it is also the data race check of the pipeline
// (token source, limiter, retries, logger). It takes seconds, so it is skipped with -short.
//
// Not here: one rule checked on its own, such as concurrent calls sharing one token fetch
// (TestConcurrentCallsShareOneTokenFetch) or the default limiter's rate
// (TestDefaultLimiterHoldsSixPerSecond), both in client_test.go; batch workers (batch/);
// speeds, which are benchmarks (*_bench_test.go), never timed assertions.

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// arrivals records when requests reach the fake, API and token endpoint apart.
type arrivals struct {
	mu     sync.Mutex
	api    []time.Time
	tokens []time.Time
}

func (a *arrivals) hook(r *http.Request) {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if r.URL.Path == tokenPath {
		a.tokens = append(a.tokens, now)
		return
	}
	a.api = append(a.api, now)
}

// maxInWindow is the largest number of times within any window of length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	sorted := slices.Clone(times)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	most, lo := 0, 0
	for hi, t := range sorted {
		for t.Sub(sorted[lo]) > w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// TestFiveHundredGoroutinesShareOneClient runs 500 goroutines calling through one client for
// about 7 s while the token runs out every 3 s: expires_in is 33 s and the SDK stops using a
// token 30 s before it expires. Run under -race it is also the data race check of the
// pipeline (token source, limiter, retries, logger).
func TestFiveHundredGoroutinesShareOneClient(t *testing.T) {
	if testing.Short() {
		t.Skip("7 s of load")
	}
	const (
		goroutines = 500
		run        = 7 * time.Second
		ttl        = 33 * time.Second
		validity   = ttl - 30*time.Second // how long the SDK uses a token
		rps        = 400
		burst      = 40
	)
	var seen arrivals
	srv := plumetest.NewServer(t,
		plumetest.WithTokenTTL(ttl),
		plumetest.WithWAF(0, time.Minute), // off: this measures the client's own limiter
		plumetest.WithRequestHook(seen.hook))
	setup := srv.Client()
	reg, err := setup.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-load-01"})
	require.NoError(t, err)
	seen.mu.Lock()
	seen.api, seen.tokens = nil, nil
	seen.mu.Unlock()
	srv.ResetCounts()

	c := srv.Client(plume.WithRateLimit(rps, burst), plume.WithRetry(plume.RetryPolicy{MaxRetries: 2, MinWait: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond}))
	// Calls start until stop; the context outlives it so that the limiter, which refuses a
	// wait that would pass the deadline, never cuts a call short.
	ctx, cancel := context.WithTimeout(t.Context(), run+time.Minute)
	defer cancel()
	start := time.Now()
	stop := start.Add(run)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   []error
		calls  int
		wrongs int
	)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				cu, err := c.Customers.Get(ctx, reg.ID)
				mu.Lock()
				calls++
				if err != nil {
					errs = append(errs, err)
				} else if cu.ID != reg.ID {
					wrongs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	require.Empty(t, errs, "no call may fail")
	assert.Zero(t, wrongs)
	seen.mu.Lock()
	defer seen.mu.Unlock()
	apiRequests, tokenRequests := len(seen.api), len(seen.tokens)
	assert.Equal(t, calls, apiRequests, "one request per call: no 401 refresh, no retry")

	// One token fetch per expiry: the first one, then one each time the token runs out.
	maxFetches := int(elapsed/validity) + 2
	assert.LessOrEqual(t, srv.TokenFetches(), maxFetches)
	assert.GreaterOrEqual(t, srv.TokenFetches(), 2, "the token did run out during the run")
	assert.Equal(t, srv.TokenFetches(), tokenRequests)
	// Concurrent callers share one fetch: consecutive fetches are a token's life apart, less
	// the time a fetch may queue at the limiter (500 waiting calls at 400/s: 1.25 s).
	for i := 1; i < len(seen.tokens); i++ {
		assert.GreaterOrEqual(t, seen.tokens[i].Sub(seen.tokens[i-1]), time.Second, "token fetches %d and %d", i-1, i)
	}

	// The limiter is never exceeded. Every request passed the limiter between start and the
	// end, so the total is bounded exactly; a window at the fake is bounded up to the
	// scheduling delay between the limiter and the fake, allowed a generous second.
	total := apiRequests + tokenRequests
	assert.LessOrEqual(t, total, burst+int(rps*elapsed.Seconds())+1)
	all := append(slices.Clone(seen.api), seen.tokens...)
	busiest := maxInWindow(all, time.Second)
	assert.LessOrEqual(t, busiest, burst+rps*2, "busiest second")
	t.Logf("%d goroutines, %v: %d calls, %d API requests, %d token fetches (at most %d allowed), busiest second at the fake %d requests (limit %d/s, burst %d)",
		goroutines, elapsed.Round(time.Millisecond), calls, apiRequests, srv.TokenFetches(), maxFetches, busiest, rps, burst)
}
