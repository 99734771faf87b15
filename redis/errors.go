package redis

import (
	"context"
	"errors"
)

// ErrUnavailable is the sentinel every *UnavailableError unwraps to: Redis could not be
// reached, or did not answer in time, and the policy is FailClosed.
var ErrUnavailable = errors.New("plume/redis: Redis unavailable")

// errCallTimeout stands for a Redis call that outlived its per-call timeout. It is not
// context.DeadlineExceeded on purpose: the caller's own context is still alive, and the SDK
// treats a context error as the caller's, not as a failure to report.
var errCallTimeout = errors.New("no answer within the per-call timeout")

// UnavailableError is returned under FailClosed when Redis cannot serve a call. It unwraps to
// ErrUnavailable and to the cause (a go-redis or network error). Its text never holds a token.
type UnavailableError struct {
	Op  string // "token cache get", "token cache put", "rate limiter wait"
	Err error  // the cause
}

// Error describes the failed operation and its cause.
func (e *UnavailableError) Error() string {
	return "plume/redis: " + e.Op + ": Redis unavailable: " + e.Err.Error()
}

// Unwrap returns ErrUnavailable and the cause.
func (e *UnavailableError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// causeOf keeps a Redis failure from reading as the caller's context error (see errCallTimeout).
func causeOf(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return errCallTimeout
	}
	return err
}
