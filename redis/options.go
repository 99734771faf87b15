package redis

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/plumecloud/plume-go"
)

// Policy is what a TokenCache or a Limiter does while Redis cannot be reached. There is no
// default: the constructors take it as an argument so that the choice is visible where the
// client is wired.
type Policy int

const (
	// FailClosed refuses to work without Redis: TokenCache.Get and Limiter.Wait return an
	// *UnavailableError (errors.Is ErrUnavailable), so SDK calls fail and nothing is sent that
	// the fleet did not agree on. Choose it when staying under the shared WAF budget matters
	// more than availability.
	FailClosed Policy = iota + 1
	// FailOpen keeps working without Redis: the TokenCache reads as empty, so each replica
	// fetches and keeps its own token as a lone client does, and the Limiter falls back to a
	// local golang.org/x/time/rate limiter (WithFallbackRate). A warning goes to the logger
	// when Redis is lost and a record when it is back. Choose it when availability matters
	// more: for the outage the replicas together may exceed the shared budget.
	FailOpen
)

// String returns "fail-closed" or "fail-open".
func (p Policy) String() string {
	switch p {
	case FailClosed:
		return "fail-closed"
	case FailOpen:
		return "fail-open"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// Defaults of the options.
const (
	DefaultKeyPrefix     = "plume:"               // WithKeyPrefix
	DefaultCallTimeout   = 500 * time.Millisecond // WithCallTimeout
	DefaultRetryInterval = time.Second            // WithRetryInterval
	DefaultLockTTL       = 10 * time.Second       // WithLockTTL; WithLockWait defaults to the lock TTL
)

// Option configures a TokenCache or a Limiter. Options validate their input; one that applies
// to the other type only (WithRate on a TokenCache) is an error.
type Option func(*config) error

type kind int

const (
	kindTokenCache kind = iota + 1
	kindLimiter
)

type config struct {
	kind          kind
	policy        Policy
	logger        *slog.Logger
	prefix        string
	callTimeout   time.Duration
	retryInterval time.Duration

	lockTTL, lockWait time.Duration

	rps, fallbackRPS     float64
	burst, fallbackBurst int
	priority             func(context.Context) bool

	limiter *Limiter
}

func newConfig(k kind, policy Policy, opts []Option) (*config, error) {
	if policy != FailClosed && policy != FailOpen {
		return nil, invalid("Policy", "must be FailClosed or FailOpen")
	}
	c := &config{
		kind:          k,
		policy:        policy,
		prefix:        DefaultKeyPrefix,
		callTimeout:   DefaultCallTimeout,
		retryInterval: DefaultRetryInterval,
		lockTTL:       DefaultLockTTL,
		lockWait:      -1, // LockTTL unless set
		rps:           plume.DefaultRateLimit,
		burst:         plume.DefaultBurst,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.lockWait < 0 {
		c.lockWait = c.lockTTL
	}
	if c.fallbackRPS == 0 {
		c.fallbackRPS, c.fallbackBurst = c.rps, c.burst
	}
	return c, nil
}

func invalid(field, reason string) error {
	return &plume.ValidationError{Field: "redis." + field, Reason: reason}
}

func only(c *config, k kind, name string) error {
	if c.kind == k {
		return nil
	}
	target := "NewTokenCache"
	if k == kindLimiter {
		target = "NewLimiter"
	}
	return invalid(name, "applies to "+target+" only")
}

// WithLogger sets the logger of the Redis-lost and Redis-back records (slog.Default when not
// set). Records name the component, the policy and the Redis error; never a token or secret.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("WithLogger", "logger must not be nil")
		}
		c.logger = l
		return nil
	}
}

// WithKeyPrefix sets the prefix of every Redis key written (DefaultKeyPrefix when not set),
// to keep several applications apart in one Redis.
func WithKeyPrefix(prefix string) Option {
	return func(c *config) error {
		if strings.TrimSpace(prefix) == "" {
			return invalid("WithKeyPrefix", "prefix must not be empty")
		}
		c.prefix = prefix
		return nil
	}
}

// WithCallTimeout bounds each Redis call (DefaultCallTimeout when not set). A call that
// outlives it counts as Redis unavailable, whatever go-redis's own timeouts are.
func WithCallTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithCallTimeout", "must be above 0")
		}
		c.callTimeout = d
		return nil
	}
}

// WithRetryInterval sets how long Redis is left alone after a failure (DefaultRetryInterval
// when not set): meanwhile calls take the policy's path at once instead of waiting for another
// timeout, and the first call after it tries Redis again.
func WithRetryInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithRetryInterval", "must be above 0")
		}
		c.retryInterval = d
		return nil
	}
}

// WithLockTTL sets how long the fetch lock lives (DefaultLockTTL when not set): the longest a
// token fetch, rate-limiter wait included, is expected to take. Past it another replica may
// take the lock and fetch too. TokenCache only.
func WithLockTTL(d time.Duration) Option {
	return func(c *config) error {
		if err := only(c, kindTokenCache, "WithLockTTL"); err != nil {
			return err
		}
		if d < 10*time.Millisecond {
			return invalid("WithLockTTL", "must be at least 10ms")
		}
		c.lockTTL = d
		return nil
	}
}

// WithLockWait sets how long Get waits for another replica's fetch before it lets its own
// client fetch (the lock TTL when not set). The caller's context bounds the wait too.
// TokenCache only.
func WithLockWait(d time.Duration) Option {
	return func(c *config) error {
		if err := only(c, kindTokenCache, "WithLockWait"); err != nil {
			return err
		}
		if d < 0 {
			return invalid("WithLockWait", "must not be negative")
		}
		c.lockWait = d
		return nil
	}
}

// WithLimiter tells the TokenCache which Limiter its replica's client waits on (the one
// passed to plume.WithRateLimiter). When Get tells the replica to fetch, it first takes a
// slot of that budget for the token request, ahead of the calls already queued in the
// process: the SDK sends the token request through the limiter, and behind a long queue it
// would hold up every new call of the process, and the other replicas waiting on the lock,
// for as long as the queue takes to drain. Recommended whenever both are used. TokenCache only.
func WithLimiter(l *Limiter) Option {
	return func(c *config) error {
		if err := only(c, kindTokenCache, "WithLimiter"); err != nil {
			return err
		}
		if l == nil {
			return invalid("WithLimiter", "limiter must not be nil")
		}
		c.limiter = l
		return nil
	}
}

// WithRate sets the shared budget: rps requests per second with bursts of burst, for the whole
// fleet (plume.DefaultRateLimit and plume.DefaultBurst when not set). Limiter only.
func WithRate(rps float64, burst int) Option {
	return func(c *config) error {
		if err := only(c, kindLimiter, "WithRate"); err != nil {
			return err
		}
		if err := validRate("WithRate", rps, burst); err != nil {
			return err
		}
		c.rps, c.burst = rps, burst
		return nil
	}
}

// WithFallbackRate sets the local limit each replica applies under FailOpen while Redis is
// unreachable (the shared rate when not set; the shared rate divided by the number of replicas
// keeps the fleet within its budget). Limiter only.
func WithFallbackRate(rps float64, burst int) Option {
	return func(c *config) error {
		if err := only(c, kindLimiter, "WithFallbackRate"); err != nil {
			return err
		}
		if err := validRate("WithFallbackRate", rps, burst); err != nil {
			return err
		}
		c.fallbackRPS, c.fallbackBurst = rps, burst
		return nil
	}
}

// WithPriority lets the Wait calls whose context f reports true go ahead of the calls of this
// process already queued on the Limiter; they still take their turn in the shared budget.
// Use it for requests that everything else waits on, such as the token request. Limiter only.
func WithPriority(f func(ctx context.Context) bool) Option {
	return func(c *config) error {
		if err := only(c, kindLimiter, "WithPriority"); err != nil {
			return err
		}
		if f == nil {
			return invalid("WithPriority", "function must not be nil")
		}
		c.priority = f
		return nil
	}
}

func validRate(name string, rps float64, burst int) error {
	if !(rps > 0) || math.IsInf(rps, 1) {
		return invalid(name, "requests per second must be above 0 and finite")
	}
	if burst < 1 {
		return invalid(name, "burst must be at least 1")
	}
	return nil
}
