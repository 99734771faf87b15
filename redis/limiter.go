package redis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/plumecloud/plume-go"
)

// Limiter is a plume.Limiter whose budget lives in Redis and is shared by every replica that
// uses the same key: the fleet as a whole sends at most the configured rate, as one client
// would (Plume's WAF counts 2000 requests per 5 minutes per source IP, so replicas behind one
// NAT address share one budget). Pass it to plume.WithRateLimiter.
//
// The budget is a GCRA (generic cell rate algorithm) in Redis, through
// github.com/go-redis/redis_rate: each request asks Redis whether it may go now and, if not,
// sleeps for the time Redis names. Within a process the waiting callers queue, first come
// first served (WithPriority lets some skip the queue), so that one of them at a time asks
// Redis: a replica costs Redis a few calls per permitted request, whatever its concurrency.
type Limiter struct {
	rdb      *redis_rate.Limiter
	key      string
	limit    redis_rate.Limit
	cfg      *config
	guard    *guard
	local    *rate.Limiter // FailOpen's fallback
	turn     chan struct{} // the process's queue: whoever holds it asks Redis
	priority func(context.Context) bool

	mu         sync.Mutex
	ticket     *ticket       // a slot taken ahead for the token request; see reserve
	urgent     int           // callers of acquireUrgent waiting
	urgentDone chan struct{} // closed when urgent drops to 0
}

// ticket is a slot of the budget already granted, kept for the next Wait under one context.
type ticket struct {
	done  <-chan struct{} // the context's Done channel; nil matches any context
	until time.Time
}

// ticketLife is how long a reserved slot waits for its Wait; the SDK sends the token request
// right after TokenCache.Get answers, so a ticket older than this went unused.
const ticketLife = time.Second

var _ plume.Limiter = (*Limiter)(nil)

// NewLimiter returns a Limiter of the budget named key in rdb, with policy deciding what
// happens while Redis is unreachable. Every replica that must share one budget uses the same
// key: for Plume's WAF, one per egress IP address (or one per partner id when all replicas
// share one address). It does no network I/O.
func NewLimiter(rdb goredis.UniversalClient, key string, policy Policy, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, invalid("NewLimiter", "Redis client must not be nil")
	}
	if strings.TrimSpace(key) == "" {
		return nil, invalid("NewLimiter", "key must not be empty")
	}
	cfg, err := newConfig(kindLimiter, policy, opts)
	if err != nil {
		return nil, err
	}
	return &Limiter{
		rdb:      redis_rate.NewLimiter(rdb),
		key:      cfg.prefix + "limit:" + key,
		limit:    gcraLimit(cfg.rps, cfg.burst),
		cfg:      cfg,
		guard:    newGuard("rate limiter", fmt.Sprintf("each replica limits itself to %g requests/s", cfg.fallbackRPS), cfg),
		local:    rate.NewLimiter(rate.Limit(cfg.fallbackRPS), cfg.fallbackBurst),
		turn:     make(chan struct{}, 1),
		priority: cfg.priority,
	}, nil
}

// gcraLimit expresses rps as redis_rate's Rate per Period: whole rates per second as they
// are, others as one request per emission interval.
func gcraLimit(rps float64, burst int) redis_rate.Limit {
	if rps == math.Trunc(rps) && rps <= math.MaxInt32 {
		return redis_rate.Limit{Rate: int(rps), Burst: burst, Period: time.Second}
	}
	return redis_rate.Limit{Rate: 1, Burst: burst, Period: time.Duration(float64(time.Second) / rps)}
}

// Key returns the Redis key of the budget, without redis_rate's own "rate:" prefix.
func (l *Limiter) Key() string { return l.key }

// Wait blocks until the shared budget allows one more request, or ctx ends. Like
// golang.org/x/time/rate, it returns at once, with an error that wraps
// context.DeadlineExceeded, when the budget's answer is to wait past ctx's deadline. While
// Redis is unreachable, FailOpen waits on the local fallback limiter and FailClosed returns an
// *UnavailableError.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.useTicket(ctx) {
		return nil
	}
	if l.priority != nil && l.priority(ctx) {
		return l.acquireUrgent(ctx)
	}
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l.turn }()
	return l.acquire(ctx, false)
}

// reserve takes a slot of the shared budget ahead of the callers queued in this process and
// keeps it for the next Wait made under ctx. A TokenCache wired WithLimiter calls it when it
// tells its replica to fetch: the SDK's token request goes through the limiter, and behind a
// full queue it could wait longer than the old token lasts, while every new call of the
// process waits for it. Should another call take the slot, it is still within the budget,
// and the token request queues as usual.
func (l *Limiter) reserve(ctx context.Context) error {
	if err := l.acquireUrgent(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	l.ticket = &ticket{done: ctx.Done(), until: time.Now().Add(ticketLife)}
	l.mu.Unlock()
	return nil
}

func (l *Limiter) useTicket(ctx context.Context) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.ticket
	switch {
	case t == nil:
		return false
	case time.Now().After(t.until):
		l.ticket = nil
		return false
	case t.done != nil && ctx.Done() != t.done:
		return false
	}
	l.ticket = nil
	return true
}

// acquireUrgent is acquire ahead of the process's queue: while it waits, the queue's caller
// does not ask Redis, so that the next slot this process wins is the urgent one's.
func (l *Limiter) acquireUrgent(ctx context.Context) error {
	l.mu.Lock()
	if l.urgent == 0 {
		l.urgentDone = make(chan struct{})
	}
	l.urgent++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		if l.urgent--; l.urgent == 0 {
			close(l.urgentDone)
		}
		l.mu.Unlock()
	}()
	return l.acquire(ctx, true)
}

// urgentPending returns a channel closed when no urgent caller waits, or nil if none does.
func (l *Limiter) urgentPending() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.urgent == 0 {
		return nil
	}
	return l.urgentDone
}

// acquire asks Redis for a slot until it gets one, sleeping as long as Redis says. The
// queue's caller (urgent false) stands aside while an urgent caller waits.
func (l *Limiter) acquire(ctx context.Context, urgent bool) error {
	for {
		if !urgent {
			if pending := l.urgentPending(); pending != nil {
				select {
				case <-pending:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		res, err := call(ctx, l.guard, "rate limiter wait", func(ctx context.Context) (*redis_rate.Result, error) {
			return l.rdb.Allow(ctx, l.key, l.limit)
		})
		var unavailable *UnavailableError
		switch {
		case errors.As(err, &unavailable) && l.cfg.policy == FailOpen:
			return l.local.Wait(ctx)
		case err != nil:
			return err
		case res.Allowed > 0:
			return nil
		}
		pause := max(res.RetryAfter, time.Millisecond)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < pause {
			return fmt.Errorf("plume/redis: rate limit wait of %v would pass the context deadline: %w", pause.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
}
