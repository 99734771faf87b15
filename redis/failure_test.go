package redis_test

import (
	"context"
	"slices"
	"strings"
	"sync"
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

// The failure tests use a short per-call timeout and retry interval, so that they measure the
// policy rather than the defaults.
const (
	callTimeout   = 200 * time.Millisecond
	retryInterval = 300 * time.Millisecond
	// bounded is the longest any call may take while Redis is down or frozen: one call
	// timeout, and slack for a busy machine running the race detector. It stays well below
	// go-redis's own 3 s read timeout, which the frozen-Redis test would otherwise meet.
	bounded = callTimeout + time.Second
)

// pair is a TokenCache and a Limiter of one policy on a Redis of the test's own.
type pair struct {
	cache   *plumeredis.TokenCache
	limiter *plumeredis.Limiter
	logs    *logBuffer
}

func newPair(t *testing.T, rdb goredis.UniversalClient, policy plumeredis.Policy) pair {
	t.Helper()
	logger, logs := newLogger()
	common := []plumeredis.Option{
		plumeredis.WithLogger(logger),
		plumeredis.WithCallTimeout(callTimeout),
		plumeredis.WithRetryInterval(retryInterval),
	}
	limiter, err := plumeredis.NewLimiter(rdb, "egress", policy, append(common, plumeredis.WithRate(50, 10))...)
	require.NoError(t, err)
	cache, err := plumeredis.NewTokenCache(rdb, testCreds, policy, append(common, plumeredis.WithLimiter(limiter))...)
	require.NoError(t, err)
	return pair{cache: cache, limiter: limiter, logs: logs}
}

// timed runs f and fails the test if it takes longer than bounded.
func timed(t *testing.T, what string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if d := time.Since(start); d > bounded {
		t.Errorf("%s took %v, more than %v", what, d, bounded)
	}
}

func TestFailOpenWorksWithoutRedis(t *testing.T) {
	t.Parallel()
	srv := newRedisServer(t)
	p := newPair(t, newClient(t, srv.Addr), plumeredis.FailOpen)
	ctx := t.Context()
	require.NoError(t, p.limiter.Wait(ctx))
	require.NoError(t, p.cache.Put(ctx, token("shared-token", time.Hour)))

	srv.Stop()
	for i := range 20 {
		timed(t, "Limiter.Wait", func() { assert.NoError(t, p.limiter.Wait(ctx), "wait %d", i) })
	}
	timed(t, "TokenCache.Get", func() {
		got, err := p.cache.Get(ctx)
		assert.NoError(t, err)
		assert.Nil(t, got, "without Redis the replica fetches its own token")
	})
	timed(t, "TokenCache.Put", func() { assert.NoError(t, p.cache.Put(ctx, token("local-token", time.Hour))) })

	logs := p.logs.String()
	assert.Equal(t, 2, strings.Count(logs, `"level":"WARN"`), "one warning per component, not one per call:\n%s", logs)
	assert.Contains(t, logs, "each replica limits itself to 50 requests/s")
	assert.Contains(t, logs, "each replica fetches its own token")
	assert.Contains(t, logs, `"policy":"fail-open"`)
	for _, secret := range []string{testCreds.ClientSecret, "shared-token", "local-token"} {
		assert.False(t, strings.Contains(logs, secret), "a secret leaked")
	}

	// Redis is back: once the retry interval has passed, the shared budget is used again.
	require.NoError(t, srv.Restart())
	rdb := newClient(t, srv.Addr)
	assert.Eventually(t, func() bool {
		if p.limiter.Wait(ctx) != nil {
			return false
		}
		n, err := rdb.Exists(ctx, "rate:"+p.limiter.Key()).Result()
		return err == nil && n == 1
	}, 5*time.Second, retryInterval, "the limiter is back on Redis")
	assert.Contains(t, p.logs.String(), "Redis reachable again")
}

func TestFailClosedRefusesWithoutRedis(t *testing.T) {
	t.Parallel()
	srv := newRedisServer(t)
	p := newPair(t, newClient(t, srv.Addr), plumeredis.FailClosed)
	ctx := t.Context()
	require.NoError(t, p.limiter.Wait(ctx))

	srv.Stop()
	var unavailable *plumeredis.UnavailableError
	timed(t, "Limiter.Wait", func() {
		err := p.limiter.Wait(ctx)
		require.ErrorAs(t, err, &unavailable)
		assert.ErrorIs(t, err, plumeredis.ErrUnavailable)
		assert.Equal(t, "rate limiter wait", unavailable.Op)
		assert.NotErrorIs(t, err, context.DeadlineExceeded, "Redis's failure must not read as the caller's deadline")
	})
	timed(t, "TokenCache.Get", func() {
		got, err := p.cache.Get(ctx)
		assert.Nil(t, got)
		assert.ErrorIs(t, err, plumeredis.ErrUnavailable)
	})
	timed(t, "TokenCache.Put", func() {
		assert.ErrorIs(t, p.cache.Put(ctx, token("t", time.Hour)), plumeredis.ErrUnavailable)
	})
	// Within the retry interval calls fail at once, without trying Redis: 50 calls take less
	// than 5 call timeouts.
	start := time.Now()
	for range 50 {
		assert.ErrorIs(t, p.limiter.Wait(ctx), plumeredis.ErrUnavailable)
	}
	assert.Less(t, time.Since(start), 5*callTimeout)

	require.NoError(t, srv.Restart())
	assert.Eventually(t, func() bool { return p.limiter.Wait(ctx) == nil }, 5*time.Second, retryInterval,
		"back to work once Redis is")
}

// TestNothingHangsWhenRedisFreezes stops the Redis process (SIGSTOP): connections stay open and
// nothing answers, the worst case for a client. The go-redis client keeps its defaults, which
// ignore context deadlines; the per-call timeout still bounds every call.
func TestNothingHangsWhenRedisFreezes(t *testing.T) {
	t.Parallel()
	srv := newRedisServer(t)
	rdb := newClient(t, srv.Addr)
	open, closed := newPair(t, rdb, plumeredis.FailOpen), newPair(t, rdb, plumeredis.FailClosed)
	ctx := t.Context()
	require.NoError(t, open.limiter.Wait(ctx))
	require.NoError(t, closed.limiter.Wait(ctx))

	require.NoError(t, srv.Pause())
	defer srv.Resume()
	timed(t, "fail-open Limiter.Wait", func() { assert.NoError(t, open.limiter.Wait(ctx)) })
	timed(t, "fail-open TokenCache.Get", func() {
		got, err := open.cache.Get(ctx)
		assert.NoError(t, err)
		assert.Nil(t, got)
	})
	timed(t, "fail-closed Limiter.Wait", func() {
		err := closed.limiter.Wait(ctx)
		assert.ErrorIs(t, err, plumeredis.ErrUnavailable)
		assert.ErrorContains(t, err, "no answer within the per-call timeout")
	})
	timed(t, "fail-closed TokenCache.Get", func() {
		_, err := closed.cache.Get(ctx)
		assert.ErrorIs(t, err, plumeredis.ErrUnavailable)
	})
	// A caller's deadline shorter than the per-call timeout wins, as the caller's error.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	time.Sleep(retryInterval) // let the guard try Redis again
	_, err := closed.cache.Get(short)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, plumeredis.ErrUnavailable)
}

// TestSDKClientWhenRedisStops runs SDK clients against the fake cloud and stops Redis under
// them: fail-open clients carry on alone, fail-closed ones fail with ErrUnavailable, and no
// call waits long either way.
func TestSDKClientWhenRedisStops(t *testing.T) {
	t.Parallel()
	cloud := plumetest.NewServer(t)
	srv := newRedisServer(t)
	rdb := newClient(t, srv.Addr)
	build := func(policy plumeredis.Policy) (*plume.Client, *logBuffer, *recordingCache) {
		logger, logs := newLogger()
		opts := []plumeredis.Option{
			plumeredis.WithLogger(logger), plumeredis.WithKeyPrefix(policy.String() + ":"),
			plumeredis.WithCallTimeout(callTimeout), plumeredis.WithRetryInterval(retryInterval),
		}
		limiter, err := plumeredis.NewLimiter(rdb, "egress", policy, append(opts, plumeredis.WithRate(100, 10))...)
		require.NoError(t, err)
		cache, err := plumeredis.NewTokenCache(rdb, cloud.Credentials(), policy, append(opts, plumeredis.WithLimiter(limiter))...)
		require.NoError(t, err)
		recording := &recordingCache{TokenCache: cache}
		return cloud.Client(plume.WithTokenCache(recording), plume.WithRateLimiter(limiter), plume.WithLogger(logger)), logs, recording
	}
	openClient, openLogs, openTokens := build(plumeredis.FailOpen)
	closedClient, _, _ := build(plumeredis.FailClosed)
	list := func(c *plume.Client) error {
		_, err := c.Customers.List(t.Context(), &plume.ListOptions{Limit: 1})
		return err
	}
	require.NoError(t, list(openClient))
	require.NoError(t, list(closedClient))
	require.Equal(t, 2, cloud.TokenFetches())

	srv.Stop()
	timed(t, "fail-open call", func() { assert.NoError(t, list(openClient)) })
	timed(t, "fail-closed call", func() {
		err := list(closedClient)
		assert.ErrorIs(t, err, plumeredis.ErrUnavailable)
		var unavailable *plumeredis.UnavailableError
		assert.ErrorAs(t, err, &unavailable)
	})
	logs := openLogs.String()
	assert.Contains(t, logs, "Redis unreachable")
	assert.False(t, strings.Contains(logs, cloud.Credentials().ClientSecret), "a secret leaked")
	require.NotEmpty(t, openTokens.stored())
	for _, tok := range openTokens.stored() {
		assert.NotContains(t, logs, tok)
	}
}

// recordingCache remembers the tokens stored through it, so that the test can look for them
// in the logs.
type recordingCache struct {
	*plumeredis.TokenCache
	mu     sync.Mutex
	tokens []string
}

func (c *recordingCache) Put(ctx context.Context, t *oauth2.Token) error {
	c.mu.Lock()
	c.tokens = append(c.tokens, t.AccessToken)
	c.mu.Unlock()
	return c.TokenCache.Put(ctx, t)
}

func (c *recordingCache) stored() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tokens)
}
