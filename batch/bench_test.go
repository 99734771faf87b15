package batch_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// fakeHelperEnv makes the test binary serve a fake with the inventory of that many rows
// instead of running tests: the benchmarks run the fake in its own process, so that the
// memory they measure is the runner's, not the fake's (which grows with every customer).
const fakeHelperEnv = "BATCH_BENCH_FAKE_ROWS"

// TestMain serves the benchmarks' fake when asked to, and otherwise runs the tests and fails
// the package when a goroutine outlives them (a worker, a pause timer, a connection reader).
func TestMain(m *testing.M) {
	if rows := os.Getenv(fakeHelperEnv); rows != "" {
		os.Exit(serveFake(rows))
	}
	goleak.VerifyTestMain(m)
}

// fakeAddress is what the helper prints: where the fake listens and how to log in. The
// credentials go field by field: plume.Credentials masks its secret in JSON.
type fakeAddress struct {
	URL                                       string
	TokenURL, ClientID, ClientSecret, Partner string
}

// serveFake runs the helper: it prints the fake's address as one JSON line, then serves until
// its standard input closes.
func serveFake(rows string) int {
	n, err := strconv.Atoi(rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	srv, err := plumetest.Start(plumetest.WithWAF(0, 0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	seed(srv, n)
	creds := srv.Credentials()
	addr := fakeAddress{URL: srv.URL, TokenURL: creds.TokenURL, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, Partner: creds.PartnerID}
	if err := json.NewEncoder(os.Stdout).Encode(addr); err != nil {
		return 1
	}
	_, _ = bufio.NewReader(os.Stdin).ReadString(0) // until EOF
	return 0
}

// startFakeProcess starts the helper for n rows and returns a client of it (no rate limit)
// and a function that stops it.
func startFakeProcess(b *testing.B, n int) (*plume.Client, func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), fakeHelperEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var addr fakeAddress
	if err := json.NewDecoder(stdout).Decode(&addr); err != nil {
		b.Fatal(err)
	}
	client, err := plume.NewClient(plume.WithBaseURL(addr.URL), plume.WithCredentials(plume.Credentials{TokenURL: addr.TokenURL, ClientID: addr.ClientID, ClientSecret: addr.ClientSecret, PartnerID: addr.Partner}),
		plume.WithRateLimit(math.Inf(1), 1), plume.WithHTTPClient(pooledHTTPClient()))
	if err != nil {
		b.Fatal(err)
	}
	return client, func() {
		stdin.Close()
		_ = cmd.Wait()
	}
}

// heapSampler records the peak of HeapInuse while it runs.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(every)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			h.peak = max(h.peak, ms.HeapInuse)
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	<-h.done
	return h.peak
}

// benchmarkOnboard onboards n generated rows from a streamed CSV into a fake in its own
// process, with a journal, and reports rows/s, the peak heap in use and the bytes allocated
// per row.
func benchmarkOnboard(b *testing.B, n int) {
	var peak, allocated uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		client, stop := startFakeProcess(b, n)
		journal, err := batch.OpenJournal(filepath.Join(b.TempDir(), fmt.Sprintf("journal-%d.jsonl", i)))
		if err != nil {
			b.Fatal(err)
		}
		runner := &batch.Runner{Client: client, Workers: 8, Journal: journal, Total: n}
		rows := batch.RowsOf(batch.ReadCSV(newGeneratedCSV(n)), batch.OpOnboard, batch.RowOptions{})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sampler := sampleHeap(5 * time.Millisecond)
		b.StartTimer()

		sum, err := runner.Run(context.Background(), rows)

		b.StopTimer()
		peak = max(peak, sampler.Stop())
		runtime.ReadMemStats(&after)
		allocated += after.TotalAlloc - before.TotalAlloc
		if err != nil || sum.Done != n {
			b.Fatalf("%d of %d rows done: %v", sum.Done, n, err)
		}
		journal.Close()
		stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(allocated)/float64(n*b.N), "alloc-B/row")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkOnboard1k onboards 1,000 rows with the limiter off.
func BenchmarkOnboard1k(b *testing.B) { benchmarkOnboard(b, 1_000) }

// BenchmarkOnboard10k onboards 10,000 rows with the limiter off.
func BenchmarkOnboard10k(b *testing.B) { benchmarkOnboard(b, 10_000) }

// BenchmarkOnboard100k onboards 100,000 rows, to compare its peak heap with 10k's. It takes
// about a minute, so it runs only when -bench names it.
func BenchmarkOnboard100k(b *testing.B) {
	onlyWhenNamed(b, "Onboard100k")
	benchmarkOnboard(b, 100_000)
}

// BenchmarkLimiterAccuracy60s onboards at the default 6 requests/s with burst 6 for 60 s and
// counts, every second, the requests the fake received (see checkLimiter). It runs only when
// -bench names it.
func BenchmarkLimiterAccuracy60s(b *testing.B) {
	onlyWhenNamed(b, "LimiterAccuracy60s")
	const seconds = 60
	for range b.N {
		srv := plumetest.NewServer(b) // the default WAF: 2000 requests per 5 minutes
		seed(srv, 200)
		gate, err := batch.NewRateGate(plume.DefaultRateLimit, plume.DefaultBurst)
		if err != nil {
			b.Fatal(err)
		}
		client := srv.Client(plume.WithRateLimiter(gate), plume.WithHTTPClient(pooledHTTPClient()))
		runner := &batch.Runner{Client: client, Gate: gate, Workers: 8, Grace: -1}
		ctx, cancel := context.WithTimeout(context.Background(), seconds*time.Second+500*time.Millisecond)
		counts := countEverySecond(srv, seconds)
		_, _ = runner.Run(ctx, batch.RowsOf(batch.ReadCSV(newGeneratedCSV(200)), batch.OpOnboard, batch.RowOptions{}))
		cancel()
		checkLimiter(b, counts(), seconds)
	}
}

// countEverySecond samples srv.TotalRequests() now and at each of the next seconds; the
// function it returns waits for the last sample.
func countEverySecond(srv *plumetest.Server, seconds int) func() []int {
	var wg sync.WaitGroup
	counts := make([]int, seconds+1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		counts[0] = srv.TotalRequests()
		for k := 1; k <= seconds; k++ {
			time.Sleep(time.Until(start.Add(time.Duration(k) * time.Second)))
			counts[k] = srv.TotalRequests()
		}
	}()
	return func() []int {
		wg.Wait()
		return counts
	}
}

// checkLimiter checks the per-second counts against the token bucket: at most limit·w + burst
// requests in any w seconds (w = 1, 10, all), and, beyond the burst the bucket starts with,
// at least 97% of the limit.
func checkLimiter(b *testing.B, counts []int, seconds int) {
	limit, burst := float64(plume.DefaultRateLimit), plume.DefaultBurst
	total := counts[seconds] - counts[0]
	achieved := float64(total) / float64(seconds)
	sustained := float64(total-burst) / float64(seconds)
	worst := map[int]int{} // window length → most requests in such a window
	for _, w := range []int{1, 10, seconds} {
		for k := 0; k+w <= seconds; k++ {
			worst[w] = max(worst[w], counts[k+w]-counts[k])
		}
		if allowed := int(limit)*w + burst; worst[w] > allowed {
			b.Errorf("%d requests in %d s: the bucket allows %d", worst[w], w, allowed)
		}
	}
	if sustained < 0.97*limit {
		b.Errorf("sustained %.3f requests/s beyond the burst, under 97%% of %.0f", sustained, limit)
	}
	b.Logf("%d requests in %d s: %.3f/s (%.1f%% of the limit), %.3f/s beyond the initial burst of %d (%.1f%%); most in 1 s: %d (bound %d), in 10 s: %d (bound %d)",
		total, seconds, achieved, 100*achieved/limit, sustained, burst, 100*sustained/limit,
		worst[1], int(limit)+burst, worst[10], int(limit)*10+burst)
	b.ReportMetric(achieved, "req/s")
	b.ReportMetric(100*sustained/limit, "%-of-limit-beyond-burst")
	b.ReportMetric(float64(worst[1]), "max-req-in-1s")
	b.ReportMetric(float64(worst[10]), "max-req-in-10s")
	b.ReportMetric(0, "ns/op")
}

// onlyWhenNamed skips a benchmark that takes minutes unless -bench names it (make bench runs
// every benchmark with -bench .).
func onlyWhenNamed(b *testing.B, name string) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), name) {
		b.Skipf("takes minutes: run it with -bench %s", name)
	}
}
