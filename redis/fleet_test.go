package redis_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
	plumeredis "github.com/plumecloud/plume-go/redis"
)

// fleetHelperEnv, set to a JSON fleetParams, turns the test binary into one replica of
// TestFleet (see TestMain).
const fleetHelperEnv = "PLUME_REDIS_FLEET_HELPER"

// fleetParams is what a replica process is told.
type fleetParams struct {
	ID     int
	Redis  string
	Prefix string
	APIURL string
	Creds  plume.Credentials // its JSON masks the secret: ClientSecret carries it
	// ClientSecret is Creds.ClientSecret in clear: plume.Credentials marshals masked, so that
	// no secret leaks through JSON, and the replica puts it back.
	ClientSecret string
	Rate         float64
	Burst        int
	Duration     time.Duration
	Goroutines   int
}

// fleetReport is what a replica process answers, as the last line of its output.
type fleetReport struct {
	ID         int
	OK         int             // calls that succeeded
	Errors     map[string]int  // calls that failed, by error, the run's end excepted
	AtDeadline int             // calls cut short by the end of the run
	ToldFetch  int             // TokenCache.Get calls that answered "fetch now"
	Puts       int             // tokens this replica fetched and stored
	Obtained   []obtainedToken // every token the replica got from Get or fetched itself
}

// obtainedToken is a token a replica got, by hash.
type obtainedToken struct {
	Hash    string
	Fetched bool  // this replica fetched it (Put), rather than read it (Get)
	At      int64 // Unix nanoseconds
}

// TestFleet runs 4 replica processes × 50 goroutines against one fake Plume Cloud through one
// Redis, for 8 s (PLUME_FLEET_DURATION), and checks that the fleet behaves as one client:
//
//   - the shared budget (100/s, burst 10: PLUME_FLEET_RATE, PLUME_FLEET_BURST) holds: Redis
//     grants at most rate + burst slots in any 1 s window, and the fake receives at most that
//     many requests in any 1 s window, give or take what the measured spread of transit delays
//     can pile up (near zero on an idle machine, more on a busy one: the log says how much);
//   - tokens, which live 33 s of which the SDK uses 3 s (PLUME_FLEET_TOKEN_TTL), are fetched
//     once per expiry by the whole fleet, and every replica gets each of them.
//
// The rate is 100/s rather than the SDK's 6/s so that 8 s give some 800 requests to measure;
// PLUME_FLEET_RATE=6 PLUME_FLEET_BURST=6 runs the SDK's default. The log gives the figures:
// requests per window at Redis and at the fake, fetch times, which replicas got and used each
// token.
func TestFleet(t *testing.T) {
	t.Parallel()
	const replicas, goroutines = 4, 50
	rate := envFloat(t, "PLUME_FLEET_RATE", 100)
	burst := int(envFloat(t, "PLUME_FLEET_BURST", 10))
	duration := time.Duration(envFloat(t, "PLUME_FLEET_DURATION", 8) * float64(time.Second))
	tokenTTL := time.Duration(envFloat(t, "PLUME_FLEET_TOKEN_TTL", 33)) * time.Second
	usable := tokenTTL - 30*time.Second
	limit := int(math.Ceil(rate)) + burst

	srv := plumetest.NewServer(t, plumetest.WithTokenTTL(tokenTTL))
	rec := newRecorder(t, srv)
	creds := srv.Credentials()
	creds.TokenURL = rec.tokenURL
	params := fleetParams{
		Redis: sharedRedis.Addr, Prefix: uniquePrefix(), APIURL: rec.apiURL, Creds: creds, ClientSecret: creds.ClientSecret,
		Rate: rate, Burst: burst, Duration: duration, Goroutines: goroutines,
	}
	// redis_rate keeps the budget under "rate:" + Limiter.Key().
	monitor := startMonitor(t, sharedRedis.Addr, "rate:"+params.Prefix+"limit:fleet")

	procs := make([]*fleetProc, replicas)
	for i := range procs {
		params.ID = i
		procs[i] = startFleetProc(t, params)
	}
	for _, p := range procs {
		p.waitReady(t)
	}
	start := time.Now()
	for _, p := range procs {
		p.release()
	}
	var reports []fleetReport
	for _, p := range procs {
		reports = append(reports, p.report(t, duration+30*time.Second))
	}
	elapsed := time.Since(start)
	grants := monitor.stop()

	// What the fake received.
	events := rec.snapshot()
	var arrivals, fetches []time.Time
	var minTransit, maxTransit time.Duration = math.MaxInt64, 0
	statuses := map[int]int{}
	usedBy := map[string]map[int]bool{} // token hash → replicas that sent it
	for _, e := range events {
		arrivals = append(arrivals, e.at)
		statuses[e.status]++
		if !e.sent.IsZero() {
			transit := e.at.Sub(e.sent)
			minTransit, maxTransit = min(minTransit, transit), max(maxTransit, transit)
		}
		if e.token {
			fetches = append(fetches, e.at)
			continue
		}
		if usedBy[e.bearer] == nil {
			usedBy[e.bearer] = map[int]bool{}
		}
		usedBy[e.bearer][e.replica] = true
	}
	// A request granted at g reaches the fake at g + d; with d varying by at most the transit
	// spread, a 1 s window at the fake can hold the grants of a window that much longer.
	spread := maxTransit - minTransit
	allowance := int(math.Ceil(rate * spread.Seconds()))
	maxGrants, maxArrivals := maxInWindow(grants, time.Second), maxInWindow(arrivals, time.Second)

	// What the replicas got.
	var told, puts, ok int
	gotBy := map[string]map[int]bool{} // token hash → replicas that got it
	fetchedAt := map[string]int64{}
	for _, r := range reports {
		told, puts, ok = told+r.ToldFetch, puts+r.Puts, ok+r.OK
		assert.Empty(t, r.Errors, "replica %d: calls failed", r.ID)
		for _, o := range r.Obtained {
			if gotBy[o.Hash] == nil {
				gotBy[o.Hash] = map[int]bool{}
			}
			gotBy[o.Hash][r.ID] = true
			if o.Fetched {
				fetchedAt[o.Hash] = o.At
			}
		}
	}
	tokens := slices.SortedFunc(maps.Keys(gotBy), func(a, b string) int { return cmp.Compare(fetchedAt[a], fetchedAt[b]) })

	t.Logf("fleet: %d replicas × %d goroutines for %v; budget %g/s burst %d (at most %d in 1 s); tokens used %v",
		replicas, goroutines, elapsed.Round(time.Millisecond), rate, burst, limit, usable)
	t.Logf("fleet: Redis granted %d slots, at most %d in any 1 s window", len(grants), maxGrants)
	t.Logf("fleet: the fake received %d requests (%.1f/s; %d calls ok), at most %d in any 1 s window; transit %v–%v, allowance %d",
		len(arrivals), float64(len(arrivals))/elapsed.Seconds(), ok, maxArrivals, minTransit, maxTransit, allowance)
	t.Logf("fleet: %d token fetches at %v; Get answered \"fetch\" %d times, %d tokens stored; statuses %v",
		len(fetches), offsets(start, fetches), told, puts, statuses)
	for i, h := range tokens {
		t.Logf("fleet: token %d: got by replicas %v, used by replicas %v", i+1,
			slices.Sorted(maps.Keys(gotBy[h])), slices.Sorted(maps.Keys(usedBy[h])))
	}

	// The budget.
	assert.LessOrEqual(t, maxGrants, limit, "slots Redis granted in one 1 s window")
	assert.GreaterOrEqual(t, len(grants), len(arrivals), "every request took a slot")
	assert.LessOrEqual(t, maxArrivals, limit+allowance, "requests the fake received in one 1 s window")
	assert.Equal(t, len(arrivals), statuses[http.StatusOK]+statuses[statusClientGone],
		"every request answered 200 (no 401, no WAF 403) or was cut by the run's end")

	// The tokens: one fetch per expiry for the whole fleet, and every replica gets each token.
	require.Equal(t, len(fetches), srv.TokenFetches())
	assert.Equal(t, len(fetches), puts, "every fetch was stored")
	assert.Len(t, tokens, len(fetches), "the replicas got the fetched tokens and no other")
	assert.GreaterOrEqual(t, len(fetches), 2, "the run should see at least one expiry")
	assert.LessOrEqual(t, len(fetches), int(elapsed/usable)+1, "at most one fetch per %v of token use", usable)
	for i := 1; i < len(fetches); i++ {
		assert.Greater(t, fetches[i].Sub(fetches[i-1]), usable/2, "fetches %d and %d are for one expiry", i, i+1)
	}
	for i, h := range tokens {
		if i == len(tokens)-1 {
			break // the last token may have come as the run ended
		}
		assert.Len(t, gotBy[h], replicas, "token %d did not reach every replica", i+1)
	}
}

func offsets(start time.Time, ts []time.Time) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%.2fs", t.Sub(start).Seconds()))
	}
	return out
}

// maxInWindow returns the largest number of times (sorted) within any window of length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	best, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

func TestMaxInWindow(t *testing.T) {
	t.Parallel()
	base := time.Unix(0, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, base.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	assert.Equal(t, 0, maxInWindow(nil, time.Second))
	assert.Equal(t, 3, maxInWindow(at(0, 10, 999, 1000, 1500), time.Second))
	assert.Equal(t, 3, maxInWindow(at(0, 1000, 1200, 1999, 3000), time.Second))
}

func envFloat(t *testing.T, name string, def float64) float64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	require.NoError(t, err, name)
	return f
}

// countingCache notes what the SDK is told and stores.
type countingCache struct {
	*plumeredis.TokenCache
	told, puts atomic.Int64

	mu       sync.Mutex
	obtained []obtainedToken
}

func (c *countingCache) Get(ctx context.Context) (*oauth2.Token, error) {
	tok, err := c.TokenCache.Get(ctx)
	switch {
	case tok == nil && err == nil:
		c.told.Add(1)
	case tok != nil:
		c.note(tok, false)
	}
	return tok, err
}

func (c *countingCache) Put(ctx context.Context, t *oauth2.Token) error {
	c.puts.Add(1)
	c.note(t, true)
	return c.TokenCache.Put(ctx, t)
}

func (c *countingCache) note(t *oauth2.Token, fetched bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.obtained = append(c.obtained, obtainedToken{Hash: tokenHash(t.AccessToken), Fetched: fetched, At: time.Now().UnixNano()})
}

// fleetHelper is one replica: a plume.Client with the Redis TokenCache and Limiter, and
// Goroutines callers listing customers until the run ends. It prints "ready", waits for a line
// on stdin, runs, and prints its fleetReport.
func fleetHelper() int {
	var p fleetParams
	if err := json.Unmarshal([]byte(os.Getenv(fleetHelperEnv)), &p); err != nil {
		fmt.Fprintln(os.Stderr, "fleet helper:", err)
		return 2
	}
	p.Creds.ClientSecret = p.ClientSecret
	rdb := goredis.NewClient(&goredis.Options{Addr: p.Redis, ContextTimeoutEnabled: true, PoolSize: p.Goroutines})
	defer rdb.Close()
	// FailClosed, so that any Redis trouble shows as failed calls; a per-call timeout above the
	// default, because four race-detector processes may share two busy cores.
	common := []plumeredis.Option{plumeredis.WithKeyPrefix(p.Prefix), plumeredis.WithCallTimeout(2 * time.Second)}
	limiter, err := plumeredis.NewLimiter(rdb, "fleet", plumeredis.FailClosed,
		append(common, plumeredis.WithRate(p.Rate, p.Burst))...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet helper:", err)
		return 2
	}
	cache, err := plumeredis.NewTokenCache(rdb, p.Creds, plumeredis.FailClosed, append(common, plumeredis.WithLimiter(limiter))...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet helper:", err)
		return 2
	}
	counting := &countingCache{TokenCache: cache}
	client, err := plume.NewClient(
		plume.WithBaseURL(p.APIURL),
		plume.WithCredentials(p.Creds),
		plume.WithTokenCache(counting),
		plume.WithRateLimiter(limiter),
		plume.WithHTTPClient(&http.Client{Transport: stampTransport{base: http.DefaultTransport.(*http.Transport).Clone()}}),
		plume.WithUserAgent(fmt.Sprintf("fleet-replica-%d", p.ID)),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet helper:", err)
		return 2
	}

	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "fleet helper: no start signal:", err)
		return 2
	}
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), p.Duration)
	defer cancel()

	var (
		mu     sync.Mutex
		report = fleetReport{ID: p.ID, Errors: map[string]int{}}
		wg     sync.WaitGroup
	)
	for range p.Goroutines {
		wg.Go(func() {
			for ctx.Err() == nil {
				_, err := client.Customers.List(ctx, &plume.ListOptions{Limit: 1})
				mu.Lock()
				switch {
				case err == nil:
					report.OK++
				case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
					report.AtDeadline++
				default:
					report.Errors[fmt.Sprintf("%.1fs: %v", time.Since(begin).Seconds(), err)]++
				}
				mu.Unlock()
				if err != nil && ctx.Err() == nil {
					time.Sleep(50 * time.Millisecond) // as a caller would, rather than spin
				}
			}
		})
	}
	wg.Wait()
	report.ToldFetch = int(counting.told.Load())
	report.Puts = int(counting.puts.Load())
	counting.mu.Lock()
	report.Obtained = counting.obtained
	counting.mu.Unlock()
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
	return 0
}
