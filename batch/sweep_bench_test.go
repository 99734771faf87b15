package batch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// sweepFakeEnv makes the test binary serve a fake holding that many locations instead of
// running tests (see serveSweepFake): the sweep benchmarks run the fake in its own process, so
// that the heap they measure is the sweep's, not the fake's.
const sweepFakeEnv = "BATCH_BENCH_SWEEP_LOCATIONS"

// init serves the sweep benchmarks' fake when asked to; it runs before TestMain.
func init() {
	if n := os.Getenv(sweepFakeEnv); n != "" {
		os.Exit(serveSweepFake(n))
	}
}

// sweepServiceOf is the service id of generated location i (from 1).
func sweepServiceOf(i int) string { return fmt.Sprintf("svc-%07d", i) }

// seedLocations onboards n locations into srv, location i with service id sweepServiceOf(i)
// and gateway GW-S%07d, online but every tenth, through client.
func seedLocations(ctx context.Context, srv *plumetest.Server, client *plume.Client, n int) error {
	gateways := make([]string, n)
	for i := range n {
		gateways[i] = fmt.Sprintf("GW-S%07d", i+1)
	}
	srv.AddGateways(gateways...)
	rows := func(yield func(batch.Row, error) bool) {
		for i := 1; i <= n; i++ {
			req := &plume.OnboardRequest{AccountID: fmt.Sprintf("acct-s%07d", i), ServiceID: sweepServiceOf(i), Gateway: gateways[i-1]}
			if !yield(batch.Row{Key: req.AccountID, Op: batch.OpOnboard, Onboard: req}, nil) {
				return
			}
		}
	}
	sum, err := (&batch.Runner{Client: client, Workers: 8}).Run(ctx, rows)
	if err != nil || sum.Done != n {
		return fmt.Errorf("seeding: %d of %d locations: %v", sum.Done, n, err)
	}
	for i, gw := range gateways {
		srv.SetNodeOnline(gw, i%10 != 9)
	}
	return nil
}

// serveSweepFake runs the helper: it seeds the locations, prints the fake's address as one
// JSON line (fakeAddress), then serves until its standard input closes.
func serveSweepFake(locations string) int {
	n, err := strconv.Atoi(locations)
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
	client := srv.Client(plume.WithRateLimit(math.Inf(1), 1), plume.WithHTTPClient(pooledHTTPClient()))
	if err := seedLocations(context.Background(), srv, client, n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	creds := srv.Credentials()
	addr := fakeAddress{URL: srv.URL, TokenURL: creds.TokenURL, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, Partner: creds.PartnerID}
	if err := json.NewEncoder(os.Stdout).Encode(addr); err != nil {
		return 1
	}
	_, _ = io.Copy(io.Discard, os.Stdin) // until EOF
	return 0
}

// startSweepFake starts the helper for n locations and returns a client of it (no rate limit)
// and a function that stops it.
func startSweepFake(b *testing.B, n int) (*plume.Client, func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), sweepFakeEnv+"="+strconv.Itoa(n))
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
	client, err := plume.NewClient(plume.WithBaseURL(addr.URL),
		plume.WithCredentials(plume.Credentials{TokenURL: addr.TokenURL, ClientID: addr.ClientID, ClientSecret: addr.ClientSecret, PartnerID: addr.Partner}),
		plume.WithRateLimit(math.Inf(1), 1), plume.WithHTTPClient(pooledHTTPClient()))
	if err != nil {
		b.Fatal(err)
	}
	return client, func() {
		stdin.Close()
		_ = cmd.Wait()
	}
}

// sweepCSV is a CSV of the service ids of n generated locations, made as it is read.
type sweepCSV struct {
	n, next int
	pending []byte
}

func (g *sweepCSV) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch {
		case g.next > g.n:
			return 0, io.EOF
		case g.next == 0:
			g.pending = []byte("service_id\n")
		default:
			g.pending = append(append(g.pending[:0], sweepServiceOf(g.next)...), '\n')
		}
		g.next++
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

func sweepRowsOf(n int) iter.Seq2[batch.Row, error] { return batch.ReadSweepCSV(&sweepCSV{n: n}) }

// BenchmarkHealthCalls counts the API calls of one report at the fake, by each way of naming
// the location (the token endpoint is not counted; the client's token is cached).
func BenchmarkHealthCalls(b *testing.B) {
	srv := plumetest.NewServer(b, plumetest.WithWAF(0, 0))
	client := fastClient(srv)
	if err := seedLocations(b.Context(), srv, client, 1); err != nil {
		b.Fatal(err)
	}
	loc := srv.Locations()[0]
	for _, by := range []struct {
		name   string
		health func(context.Context) (*plume.HealthReport, error)
	}{
		{"ids", func(ctx context.Context) (*plume.HealthReport, error) {
			return client.Health(ctx, loc.CustomerID, loc.ID)
		}},
		{"service-id", func(ctx context.Context) (*plume.HealthReport, error) {
			return client.HealthByServiceID(ctx, loc.ServiceID)
		}},
		{"serial", func(ctx context.Context) (*plume.HealthReport, error) {
			return client.HealthBySerial(ctx, "GW-S0000001")
		}},
	} {
		b.Run(by.name, func(b *testing.B) {
			srv.ResetCounts()
			for b.Loop() {
				if _, err := by.health(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.TotalRequests())/float64(b.N), "calls/health")
		})
	}
}

// benchmarkSweep sweeps n generated locations, by service id (5 calls each), from a streamed
// CSV, 8 workers, with a journal, against a fake in its own process with the limiter off, and
// reports locations/s, the peak heap in use and the bytes allocated per location.
func benchmarkSweep(b *testing.B, n int) {
	var peak, allocated uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		client, stop := startSweepFake(b, n)
		journal, err := batch.OpenJournal(filepath.Join(b.TempDir(), fmt.Sprintf("sweep-%d.jsonl", i)))
		if err != nil {
			b.Fatal(err)
		}
		runner := &batch.Runner{Client: client, Workers: 8, Journal: journal, Total: n}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sampler := sampleHeap(5 * time.Millisecond)
		b.StartTimer()

		sum, err := runner.Sweep(context.Background(), sweepRowsOf(n), nil)

		b.StopTimer()
		peak = max(peak, sampler.Stop())
		runtime.ReadMemStats(&after)
		allocated += after.TotalAlloc - before.TotalAlloc
		if err != nil || sum.Done != n || sum.Offline != n/10 {
			b.Fatalf("%d of %d locations done, %d offline: %v", sum.Done, n, sum.Offline, err)
		}
		journal.Close()
		stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "locations/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(allocated)/float64(n*b.N), "alloc-B/location")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSweep10k sweeps 10,000 locations with the limiter off.
func BenchmarkSweep10k(b *testing.B) { benchmarkSweep(b, 10_000) }

// BenchmarkSweep100k sweeps 100,000 locations, to compare its peak heap with 10k's. Seeding
// its fake takes about a minute, so it runs only when -bench names it.
func BenchmarkSweep100k(b *testing.B) {
	onlyWhenNamed(b, "Sweep100k")
	benchmarkSweep(b, 100_000)
}

// BenchmarkSweepRate60s sweeps at the SDK's default 6 requests/s with burst 6 for 60 s,
// through a batch.Gate in front of the client's limiter, against a fake with the cloud's WAF
// (2000 requests per 5 minutes), and counts the requests it received every second: achieved /
// budget must be at least 0.98 beyond the initial burst, with no WAF block and no pause. It
// runs only when -bench names it.
func BenchmarkSweepRate60s(b *testing.B) {
	onlyWhenNamed(b, "SweepRate60s")
	const seconds = 60
	limit, burst := float64(plume.DefaultRateLimit), plume.DefaultBurst
	for range b.N {
		srv := plumetest.NewServer(b) // the default WAF
		if err := seedLocations(b.Context(), srv, fastClient(srv), 200); err != nil {
			b.Fatal(err)
		}
		gate, err := batch.NewRateGate(limit, burst)
		if err != nil {
			b.Fatal(err)
		}
		client := srv.Client(plume.WithRateLimiter(gate), plume.WithHTTPClient(pooledHTTPClient()))
		runner := &batch.Runner{Client: client, Gate: gate, Workers: 8, Grace: -1}
		ctx, cancel := context.WithTimeout(context.Background(), seconds*time.Second+500*time.Millisecond)
		counts := countEverySecond(srv, seconds)
		sum, _ := runner.Sweep(ctx, sweepRowsOf(200), nil)
		cancel()
		c := counts()
		total := c[seconds] - c[0]
		budget := limit * seconds
		sustained := float64(total-burst) / budget
		worst := 0
		for k := 0; k < seconds; k++ {
			worst = max(worst, c[k+1]-c[k])
		}
		if sustained < 0.98 {
			b.Errorf("%d requests in %d s: %.3f of the budget beyond the burst, under 0.98", total, seconds, sustained)
		}
		if sum.Kinds[batch.KindRateLimited] > 0 || sum.Pauses > 0 {
			b.Errorf("rate limited: %d locations, %d pauses", sum.Kinds[batch.KindRateLimited], sum.Pauses)
		}
		b.Logf("%d requests in %d s (%d locations reported): achieved/budget %.3f (%.3f beyond the burst of %d); busiest second %d (bound %d); %d rate-limit pauses, %d locations rate limited",
			total, seconds, sum.Done, float64(total)/budget, sustained, burst, worst, int(limit)+burst, sum.Pauses, sum.Kinds[batch.KindRateLimited])
		b.ReportMetric(float64(total)/seconds, "req/s")
		b.ReportMetric(sustained, "achieved/budget-beyond-burst")
		b.ReportMetric(float64(sum.Done)/seconds, "locations/s")
		b.ReportMetric(0, "ns/op")
	}
}
