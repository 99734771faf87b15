package redis

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// guard runs every Redis call of one TokenCache or Limiter: bounded by the caller's context and
// the per-call timeout, and, after a failure, skipped for the retry interval so that an outage
// costs one timeout, not one per call. It logs when Redis is lost and when it is back, once
// each, never per call.
type guard struct {
	component string // "token cache" or "rate limiter", for the records
	fallback  string // what FailOpen does meanwhile, for the warning
	cfg       *config
	now       func() time.Time

	mu      sync.Mutex
	down    bool
	lastErr error
	retryAt time.Time
}

func newGuard(component, fallback string, cfg *config) *guard {
	return &guard{component: component, fallback: fallback, cfg: cfg, now: time.Now}
}

// call runs fn against Redis. It returns fn's result, the caller's context error, or an
// *UnavailableError. fn runs on its own goroutine so that a client configured to ignore
// context deadlines cannot hold the caller past the timeout; its result goes through a
// channel, never through shared variables.
func call[T any](ctx context.Context, g *guard, op string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	if err := g.resting(op); err != nil {
		return zero, err
	}
	cctx, cancel := context.WithTimeout(ctx, g.cfg.callTimeout)
	defer cancel()
	type result struct {
		val T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn(cctx)
		done <- result{v, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-cctx.Done():
		res.err = cctx.Err()
	}
	if res.err == nil {
		g.up(ctx)
		return res.val, nil
	}
	if err := ctx.Err(); err != nil {
		return zero, err // the caller gave up: not Redis's failure
	}
	return zero, g.fail(ctx, op, causeOf(res.err))
}

// resting returns an *UnavailableError while Redis is left alone after a failure.
func (g *guard) resting(op string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down && g.now().Before(g.retryAt) {
		return &UnavailableError{Op: op, Err: g.lastErr}
	}
	return nil
}

func (g *guard) up(ctx context.Context) {
	g.mu.Lock()
	was := g.down
	g.down, g.lastErr = false, nil
	g.mu.Unlock()
	if was {
		g.cfg.logger.LogAttrs(ctx, slog.LevelInfo, "plume/redis: Redis reachable again",
			slog.String("component", g.component))
	}
}

func (g *guard) fail(ctx context.Context, op string, cause error) error {
	g.mu.Lock()
	was := g.down
	g.down, g.lastErr, g.retryAt = true, cause, g.now().Add(g.cfg.retryInterval)
	g.mu.Unlock()
	if !was {
		// go-redis errors name the address and the failure, never a command's arguments: the
		// token and the lock value stay out of this record.
		attrs := []slog.Attr{
			slog.String("component", g.component),
			slog.String("policy", g.cfg.policy.String()),
			slog.String("error", cause.Error()),
		}
		msg := "plume/redis: Redis unreachable; calls fail until it is back"
		if g.cfg.policy == FailOpen {
			msg = "plume/redis: Redis unreachable; " + g.fallback + " until it is back"
		}
		g.cfg.logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
	}
	return &UnavailableError{Op: op, Err: cause}
}
