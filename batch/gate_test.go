package batch_test

import (
	"context"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return ctx.Err()
}

func TestGatePassesToItsLimiter(t *testing.T) {
	t.Parallel()
	limiter := &countingLimiter{}
	gate := batch.NewGate(limiter)
	require.NoError(t, gate.Wait(t.Context()))
	require.NoError(t, gate.Wait(t.Context()))
	assert.Equal(t, int64(2), limiter.n.Load())
	assert.True(t, gate.PausedUntil().IsZero())
	require.NoError(t, batch.NewGate(nil).Wait(t.Context()), "a gate without limiter")
}

func TestGatePauseHoldsEveryWaiter(t *testing.T) {
	t.Parallel()
	gate := batch.NewGate(nil)
	start := time.Now()
	gate.Pause(150 * time.Millisecond)
	gate.Pause(10 * time.Millisecond) // a shorter pause keeps the longer one
	until := gate.PausedUntil()
	assert.WithinDuration(t, start.Add(150*time.Millisecond), until, 20*time.Millisecond)

	done := make(chan time.Duration, 3)
	for range 3 {
		go func() {
			_ = gate.Wait(context.Background())
			done <- time.Since(start)
		}()
	}
	for range 3 {
		assert.GreaterOrEqual(t, <-done, 150*time.Millisecond)
	}
	assert.True(t, gate.PausedUntil().IsZero(), "the pause is over")
}

func TestGateWaitEndsWithItsContext(t *testing.T) {
	t.Parallel()
	gate := batch.NewGate(&countingLimiter{})
	gate.Pause(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	err := gate.Wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestNewRateGate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rps   float64
		burst int
	}{{0, 1}, {-1, 1}, {math.NaN(), 1}, {6, 0}} {
		_, err := batch.NewRateGate(tc.rps, tc.burst)
		assert.ErrorIs(t, err, plume.ErrInvalidInput, "%v %v", tc.rps, tc.burst)
	}
	unlimited, err := batch.NewRateGate(math.Inf(1), 1)
	require.NoError(t, err)
	for range 1000 {
		require.NoError(t, unlimited.Wait(t.Context()))
	}

	// 100/s with a burst of 5: 5 at once, the next 10 over 100 ms.
	gate, err := batch.NewRateGate(100, 5)
	require.NoError(t, err)
	start := time.Now()
	for range 15 {
		require.NoError(t, gate.Wait(t.Context()))
	}
	assert.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond)
}
