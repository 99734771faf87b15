package limit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestBucketHoldsItsRateUnderContention(t *testing.T) {
	t.Parallel()
	const (
		perSecond = 2000
		burst     = 20
		waiters   = 300
		run       = 1500 * time.Millisecond
	)
	b := New(perSecond, burst)
	var passed atomic.Int64
	start := time.Now()
	stop := start.Add(run)
	var wg sync.WaitGroup
	for range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if b.Wait(context.Background()) == nil {
					passed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// Every slot was handed out between start and now: the bound is exact.
	assert.LessOrEqual(t, passed.Load(), int64(burst+perSecond*elapsed.Seconds()))
	assert.Greater(t, passed.Load(), int64(burst), "the bucket refilled")
}

func TestBucketRefusesAWaitPastTheDeadline(t *testing.T) {
	t.Parallel()
	b := New(1, 1)
	require.NoError(t, b.Wait(t.Context()))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, b.Wait(ctx), ErrWouldPassDeadline, "refused at once: the slot is a second away")
}

func TestBucketGivesBackTheSlotOfACancelledWait(t *testing.T) {
	t.Parallel()
	b := New(rate.Every(time.Hour), 1)
	require.NoError(t, b.Wait(t.Context()))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.Wait(ctx) }()
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	// The cancelled waiter had reserved the next slot, an hour away; giving it back leaves
	// the next waiter at the same hour, not two.
	r := b.lim.Reserve()
	assert.LessOrEqual(t, r.Delay(), time.Hour)
	r.Cancel()
}

func TestBucketInfiniteRateNeverWaits(t *testing.T) {
	t.Parallel()
	b := New(rate.Inf, 1)
	for range 1000 {
		require.NoError(t, b.Wait(t.Context()))
	}
}

func TestBucketEndedContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, New(rate.Inf, 1).Wait(ctx), context.Canceled)
}
