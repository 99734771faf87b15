package plume_test

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// limiterSecondsEnv overrides how long each BenchmarkLimiterAccuracy case runs (60 s when unset).
const limiterSecondsEnv = "PLUME_LIMITER_SECONDS"

// limiterGoroutines is how many goroutines share the client: far more than the limiter lets
// through at once, so that it always has waiters and the bucket never idles.
const limiterGoroutines = 50

// BenchmarkLimiterAccuracy measures the client-side token bucket under contention (issue 8):
// 50 goroutines call Customers.Get through one client in a loop against the fake cloud for
// 60 s, and the requests the fake receives are counted every second. Each case checks the
// bucket's bound, at most rate·w + burst requests in any window of w = 1, 10 and 60 s, and
// that beyond the initial burst the client sustains at least 97% of the configured rate; it
// reports req/s, %-of-limit-beyond-burst, max-req-in-1s and max-req-in-10s.
//
// Cases:
//   - 6rps: the SDK defaults, plume.DefaultRateLimit and plume.DefaultBurst, with the fake's
//     default WAF (2000 requests per 5 minutes, which 6/s for a minute stays far under).
//   - 200rps: burst 20, a tenth of a second of the rate, the same proportion as the
//     500-goroutine test's 400/40: large enough to absorb a stall of a few scheduler ticks,
//     small enough that the busiest second stays within 10% of the rate. The WAF is off:
//     200/s for a minute is 12,000 requests, six times its quota.
//
// The counts cover every request the limiter let through, the token endpoint's included (the
// client waits on the limiter before a token request too; one token lasts the whole run).
//
// Each case takes a minute, so the benchmark is skipped unless -bench names it:
//
//	go test -run '^$' -bench LimiterAccuracy -benchtime 1x -v .
//
// and PLUME_LIMITER_SECONDS=10 shortens each case to 10 s for a quick check.
func BenchmarkLimiterAccuracy(b *testing.B) {
	onlyWhenBenchNamed(b, "LimiterAccuracy")
	seconds := 60
	if s := os.Getenv(limiterSecondsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2 {
			b.Fatalf("%s=%q: want a whole number of seconds, 2 or more", limiterSecondsEnv, s)
		}
		seconds = n
	}
	b.Run("6rps", func(b *testing.B) {
		benchmarkLimiterAccuracy(b, plume.DefaultRateLimit, plume.DefaultBurst, seconds)
	})
	b.Run("200rps", func(b *testing.B) {
		benchmarkLimiterAccuracy(b, 200, 20, seconds, plumetest.WithWAF(0, 0))
	})
}

func benchmarkLimiterAccuracy(b *testing.B, limit float64, burst, seconds int, opts ...plumetest.Option) {
	for range b.N {
		srv := plumetest.NewServer(b, opts...)
		// The customer is registered by a client of its own, so that the measured client
		// starts with a full bucket and no token; then the counts start from zero.
		reg, err := srv.Client().Customers.Register(context.Background(), plume.RegisterRequest{AccountID: "crm-limiter-1", Email: "limiter@example.com"})
		if err != nil {
			b.Fatal(err)
		}
		srv.ResetCounts()

		hc := limiterHTTPClient()
		client := srv.Client(plume.WithRateLimit(limit, burst), plume.WithHTTPClient(hc))
		// The context has no deadline, which would make the limiter refuse the waits that
		// end past it; it is cancelled once the last count is taken, which ends every wait.
		ctx, cancel := context.WithCancel(context.Background())
		counts := countPassedEverySecond(srv, seconds)
		var (
			wg       sync.WaitGroup
			calls    atomic.Int64
			failures atomic.Int64
			firstErr atomic.Value
		)
		for range limiterGoroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					_, err := client.Customers.Get(ctx, reg.ID)
					switch {
					case err == nil:
						calls.Add(1)
					case ctx.Err() == nil || !errors.Is(err, context.Canceled):
						failures.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
				}
			}()
		}
		got := counts()
		cancel()
		wg.Wait()
		hc.CloseIdleConnections()

		if n := failures.Load(); n > 0 {
			b.Errorf("%d of %d calls failed, the first: %v", n, n+calls.Load(), firstErr.Load())
		}
		b.Logf("%d goroutines, rate %.0f/s, burst %d, %d s: %d calls, %d token requests", limiterGoroutines, limit, burst, seconds,
			calls.Load(), srv.RequestCount(plumetest.TokenRoute))
		checkLimiterCounts(b, got, limit, burst, seconds)
	}
}

// limiterHTTPClient keeps an idle connection for every goroutine: the default two per host
// would make the others dial a connection per request (the idea of batch's pooledHTTPClient).
func limiterHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
}

// passedRequests is every request the fake received, the token endpoint's included, from one
// snapshot of its route counts.
func passedRequests(srv *plumetest.Server) int {
	total := 0
	for _, n := range srv.RequestCounts() {
		total += n
	}
	return total
}

// countPassedEverySecond samples passedRequests now and at each of the next seconds; the
// function it returns waits for the last sample (batch's countEverySecond, except that the
// first sample is taken before it returns, so that no request the caller then sends can
// reach the fake before it).
func countPassedEverySecond(srv *plumetest.Server, seconds int) func() []int {
	var wg sync.WaitGroup
	counts := make([]int, seconds+1)
	start := time.Now()
	counts[0] = passedRequests(srv)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 1; k <= seconds; k++ {
			time.Sleep(time.Until(start.Add(time.Duration(k) * time.Second)))
			counts[k] = passedRequests(srv)
		}
	}()
	return func() []int {
		wg.Wait()
		return counts
	}
}

// checkLimiterCounts checks the per-second counts against the token bucket, as batch's
// checkLimiter does: at most limit·w + burst requests in any w seconds (w = 1, 10, all), and,
// beyond the burst the bucket starts with, at least 97% of the limit.
func checkLimiterCounts(b *testing.B, counts []int, limit float64, burst, seconds int) {
	total := counts[seconds] - counts[0]
	achieved := float64(total) / float64(seconds)
	sustained := float64(total-burst) / float64(seconds)
	worst := map[int]int{} // window length → most requests in such a window
	windows := []int{1}
	if seconds > 10 {
		windows = append(windows, 10)
	}
	for _, w := range append(windows, seconds) {
		for k := 0; k+w <= seconds; k++ {
			worst[w] = max(worst[w], counts[k+w]-counts[k])
		}
		if allowed := int(limit*float64(w)) + burst; worst[w] > allowed {
			b.Errorf("%d requests in %d s: the bucket allows %d", worst[w], w, allowed)
		}
	}
	if sustained < 0.97*limit {
		b.Errorf("sustained %.3f requests/s beyond the burst, under 97%% of %.0f", sustained, limit)
	}
	b.Logf("%d requests in %d s: %.3f/s (%.1f%% of the limit), %.3f/s beyond the initial burst of %d (%.1f%%); most in 1 s: %d (bound %d), in 10 s: %d (bound %d)",
		total, seconds, achieved, 100*achieved/limit, sustained, burst, 100*sustained/limit,
		worst[1], int(limit)+burst, worst[10], int(limit*10)+burst)
	b.ReportMetric(achieved, "req/s")
	b.ReportMetric(100*sustained/limit, "%-of-limit-beyond-burst")
	b.ReportMetric(float64(worst[1]), "max-req-in-1s")
	if seconds >= 10 {
		b.ReportMetric(float64(worst[10]), "max-req-in-10s")
	}
	b.ReportMetric(0, "ns/op")
}

// onlyWhenBenchNamed skips a benchmark that takes minutes unless -bench names it (make bench
// runs every benchmark with -bench .).
func onlyWhenBenchNamed(b *testing.B, name string) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), name) {
		b.Skipf("takes minutes: run it with -bench %s", name)
	}
}
