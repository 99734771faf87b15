// Package limit is plume-go's client-side token bucket: golang.org/x/time/rate, with the
// clock read under the bucket's lock.
package limit

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ErrWouldPassDeadline is returned by Wait when the wait would end after the context's
// deadline; the slot is given back at once rather than waited for in vain.
var ErrWouldPassDeadline = errors.New("rate limiter wait would pass the context deadline")

// Bucket is a token bucket for many concurrent waiters. rate.Limiter.Wait reads the clock
// before it takes its lock: under contention, a waiter holding an older time sets the
// bucket's last update back, the next one credits that interval a second time, and more than
// burst + rate×time requests pass (golang/go#65508, measured by the 500-goroutine test).
// Bucket reads the clock and reserves under one lock, so the limiter never sees time go back.
type Bucket struct {
	mu  sync.Mutex
	lim *rate.Limiter
}

// New returns a bucket of burst slots refilled at r per second, full at first.
func New(r rate.Limit, burst int) *Bucket {
	return &Bucket{lim: rate.NewLimiter(r, burst)}
}

// Wait blocks until a slot is free or ctx ends.
func (b *Bucket) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	now := time.Now()
	r := b.lim.ReserveN(now, 1)
	b.mu.Unlock()
	if !r.OK() {
		return errors.New("rate limiter refused the reservation")
	}
	delay := r.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
		b.cancel(r)
		return ErrWouldPassDeadline
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		b.cancel(r)
		return ctx.Err()
	}
}

// cancel gives a reservation's slot back, with the clock read under the lock too.
func (b *Bucket) cancel(r *rate.Reservation) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r.CancelAt(time.Now())
}
