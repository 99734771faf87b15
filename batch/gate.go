package batch

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/internal/limit"
)

// Gate holds every worker of a Runner while a rate-limit pause lasts. It is also a
// plume.Limiter over another limiter: give it to the client with plume.WithRateLimiter, and
// the requests of flows already in flight wait out the pause too, not only the rows about to
// start. Its methods are safe for concurrent use.
type Gate struct {
	limiter plume.Limiter // may be nil

	mu    sync.Mutex
	until time.Time
}

// NewGate returns a Gate in front of limiter (nil for none).
func NewGate(limiter plume.Limiter) *Gate { return &Gate{limiter: limiter} }

// NewRateGate returns a Gate in front of a token bucket of rps requests per second with
// bursts of burst, the bucket plume.WithRateLimit builds (which, unlike a bare rate.Limiter,
// lets no more than burst + rps×time requests pass however many goroutines wait on it).
// math.Inf(1) means no limit.
func NewRateGate(rps float64, burst int) (*Gate, error) {
	switch {
	case !(rps > 0):
		return nil, &plume.ValidationError{Field: "RateLimit", Reason: "requests per second must be above 0"}
	case burst < 1:
		return nil, &plume.ValidationError{Field: "RateLimit", Reason: "burst must be at least 1"}
	case math.IsInf(rps, 1):
		return NewGate(nil), nil
	}
	return NewGate(limit.New(rate.Limit(rps), burst)), nil
}

// Wait waits for the end of the pause in force, if any, then on the limiter. It is the
// plume.Limiter method; the error matches ctx.Err() when ctx ends first.
func (g *Gate) Wait(ctx context.Context) error {
	if err := g.hold(ctx); err != nil {
		return err
	}
	if g.limiter == nil {
		return nil
	}
	return g.limiter.Wait(ctx)
}

// Pause holds every caller of Wait for d from now. A pause already in force that ends later
// is kept.
func (g *Gate) Pause(d time.Duration) { g.extend(d) }

// PausedUntil returns the end of the pause in force, or the zero time when there is none.
func (g *Gate) PausedUntil() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !time.Now().Before(g.until) {
		return time.Time{}
	}
	return g.until
}

// extend pauses for d from now. It returns how much later the pause now ends, and whether
// no pause was in force before.
func (g *Gate) extend(d time.Duration) (added time.Duration, started bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	until := now.Add(d)
	if !until.After(g.until) {
		return 0, false
	}
	started = !g.until.After(now)
	added = until.Sub(now)
	if !started {
		added = until.Sub(g.until)
	}
	g.until = until
	return added, started
}

// hold waits until no pause is in force, without taking from the limiter. A pause extended
// while it waits is waited out too.
func (g *Gate) hold(ctx context.Context) error {
	for {
		g.mu.Lock()
		wait := time.Until(g.until)
		g.mu.Unlock()
		if wait <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
