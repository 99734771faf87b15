package redis_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	plumeredis "github.com/plumecloud/plume-go/redis"
)

// newLimiter returns a Limiter of the budget key in the shared Redis under prefix.
func newLimiter(t *testing.T, prefix, key string, opts ...plumeredis.Option) *plumeredis.Limiter {
	t.Helper()
	opts = append([]plumeredis.Option{plumeredis.WithKeyPrefix(prefix)}, opts...)
	l, err := plumeredis.NewLimiter(sharedClient(t), key, plumeredis.FailClosed, opts...)
	require.NoError(t, err)
	return l
}

// permits runs callers goroutines on each limiter, each calling Wait until ctx ends, and
// returns how many Waits succeeded.
func permits(ctx context.Context, callers int, limiters ...*plumeredis.Limiter) int {
	var (
		mu    sync.Mutex
		count int
		wg    sync.WaitGroup
	)
	for _, l := range limiters {
		for range callers {
			wg.Go(func() {
				for l.Wait(ctx) == nil {
					mu.Lock()
					count++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return count
}

func TestLimiterBudgetIsSharedByReplicas(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	// Three replicas of 10 callers each share 20/s with a burst of 5: in 1.5 s, 5 + 30.
	var replicas []*plumeredis.Limiter
	for range 3 {
		replicas = append(replicas, newLimiter(t, prefix, "egress", plumeredis.WithRate(20, 5)))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	got := permits(ctx, 10, replicas...)
	// At most 5 + 30 (and one for a window that closes right after a slot); fewer only if the
	// machine starves the callers.
	assert.LessOrEqual(t, got, 36, "permits in 1.5 s at 20/s, burst 5, across 3 replicas")
	assert.GreaterOrEqual(t, got, 25)
}

func TestLimiterKeysAreSeparateBudgets(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	a := newLimiter(t, prefix, "egress-a", plumeredis.WithRate(1, 4))
	b := newLimiter(t, prefix, "egress-b", plumeredis.WithRate(1, 4))
	ctx, cancel := context.WithTimeout(t.Context(), 800*time.Millisecond) // the 5th slot of a key comes at 1 s
	defer cancel()
	assert.Equal(t, 8, permits(ctx, 2, a, b), "each key has its own burst of 4")
}

func TestLimiterDefaultsToTheSDKRate(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, uniquePrefix(), "default")
	ctx, cancel := context.WithTimeout(t.Context(), 1100*time.Millisecond)
	defer cancel()
	// Burst 6, then one every 1/6 s: 12 in 1.1 s.
	got := permits(ctx, 4, l)
	assert.LessOrEqual(t, got, plume.DefaultBurst+plume.DefaultRateLimit+1)
	assert.GreaterOrEqual(t, got, plume.DefaultBurst+plume.DefaultRateLimit-3)
}

func TestLimiterFractionalRate(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, uniquePrefix(), "slow", plumeredis.WithRate(2.5, 1))
	start := time.Now()
	for range 3 {
		require.NoError(t, l.Wait(t.Context()))
	}
	assert.GreaterOrEqual(t, time.Since(start), 750*time.Millisecond, "3 permits at 2.5/s take 2 intervals of 0.4 s")
	assert.Less(t, time.Since(start), 1500*time.Millisecond)
}

func TestLimiterWaitThatWouldPassTheDeadline(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, uniquePrefix(), "deadline", plumeredis.WithRate(1, 1))
	require.NoError(t, l.Wait(t.Context()))

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 150*time.Millisecond, "refused at once, as x/time/rate does")
	assert.NoError(t, ctx.Err())
}

func TestLimiterWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, uniquePrefix(), "cancel", plumeredis.WithRate(0.5, 1))
	require.NoError(t, l.Wait(t.Context()))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	assert.ErrorIs(t, l.Wait(ctx), context.Canceled)
	assert.Less(t, time.Since(start), time.Second, "the next slot is 2 s away")
}

type urgentKey struct{}

func TestLimiterPriority(t *testing.T) {
	t.Parallel()
	urgent := func(ctx context.Context) bool { return ctx.Value(urgentKey{}) != nil }
	l := newLimiter(t, uniquePrefix(), "priority", plumeredis.WithRate(10, 1), plumeredis.WithPriority(urgent))

	// 20 callers queue for 2 s of budget.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	go permits(ctx, 20, l)
	time.Sleep(200 * time.Millisecond)

	start := time.Now()
	require.NoError(t, l.Wait(context.WithValue(t.Context(), urgentKey{}, true)))
	assert.Less(t, time.Since(start), time.Second, "an urgent call skips the 2 s queue")
}

func TestTokenCacheWithLimiterReservesTheTokenRequestSlot(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	limiter := newLimiter(t, prefix, "egress", plumeredis.WithRate(4, 1))
	cache := newCache(t, prefix, plumeredis.WithLimiter(limiter))

	// 10 callers of this replica queue for 2.5 s of budget.
	queued, cancel := context.WithTimeout(t.Context(), 4*time.Second)
	defer cancel()
	go permits(queued, 10, limiter)
	time.Sleep(100 * time.Millisecond)

	// The cache tells this replica to fetch, with a slot for the token request taken ahead
	// of the queue: the request goes at once.
	fetch := context.WithoutCancel(t.Context()) // a context of its own, as a caller's would be
	fetch, stop := context.WithCancel(fetch)
	defer stop()
	start := time.Now()
	tok, err := cache.Get(fetch)
	require.NoError(t, err)
	require.Nil(t, tok)
	require.NoError(t, limiter.Wait(fetch))
	assert.Less(t, time.Since(start), 1200*time.Millisecond, "the token request waited in the 2.5 s queue")
}

func TestNewLimiterValidates(t *testing.T) {
	t.Parallel()
	rdb := sharedClient(t)
	cases := map[string]func() error{
		"nil client": func() error { _, err := plumeredis.NewLimiter(nil, "k", plumeredis.FailOpen); return err },
		"empty key":  func() error { _, err := plumeredis.NewLimiter(rdb, " ", plumeredis.FailOpen); return err },
		"no policy":  func() error { _, err := plumeredis.NewLimiter(rdb, "k", plumeredis.Policy(7)); return err },
		"zero rate": func() error {
			_, err := plumeredis.NewLimiter(rdb, "k", plumeredis.FailOpen, plumeredis.WithRate(0, 1))
			return err
		},
		"zero burst": func() error {
			_, err := plumeredis.NewLimiter(rdb, "k", plumeredis.FailOpen, plumeredis.WithFallbackRate(1, 0))
			return err
		},
		"cache option": func() error {
			_, err := plumeredis.NewLimiter(rdb, "k", plumeredis.FailOpen, plumeredis.WithLockTTL(time.Second))
			return err
		},
		"nil priority": func() error {
			_, err := plumeredis.NewLimiter(rdb, "k", plumeredis.FailOpen, plumeredis.WithPriority(nil))
			return err
		},
	}
	for name, build := range cases {
		assert.ErrorIs(t, build(), plume.ErrInvalidInput, name)
	}
}
