// Package transport is the http.RoundTripper under plume-go's retrying client: every attempt
// waits on the rate limiter, carries the bearer token only to the API host, and leaves one
// slog debug record.
package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/limit"
	"github.com/plumecloud/plume-go/internal/retry"
)

// Limiter is waited on before every attempt.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Transport waits on Limiter, then attaches the bearer that the call in the request context
// gives (retry.Call.Bearer) when the request goes to APIHost, and logs each attempt at debug
// level.
type Transport struct {
	Base    http.RoundTripper
	Limiter Limiter
	APIHost string // host[:port] of the API, compared case-insensitively
	Logger  *slog.Logger
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	call := retry.CallFrom(ctx)
	if call != nil && call.Observe != nil {
		return t.observedRoundTrip(ctx, req, call)
	}
	if err := t.wait(ctx); err != nil {
		closeBody(req)
		return nil, err
	}
	attempt := 1
	if call != nil {
		call.Attempts++
		attempt = call.Attempts
	}
	return t.send(ctx, req, call, attempt)
}

// observedRoundTrip is RoundTrip with the limiter wait and the attempt reported to
// call.Observe, timed on the clock.
func (t *Transport) observedRoundTrip(ctx context.Context, req *http.Request, call *retry.Call) (*http.Response, error) {
	waitStart := time.Now()
	pause := time.Duration(0)
	if !call.LastEnd.IsZero() {
		pause = waitStart.Sub(call.LastEnd)
	}
	err := t.wait(ctx)
	waited := time.Since(waitStart)
	call.Observe(ctx, retry.Event{Kind: retry.EventLimiterWait, Attempt: call.Attempts + 1, Wait: waited, Err: err})
	if err != nil {
		closeBody(req)
		return nil, err
	}
	call.Attempts++
	reason := ""
	if call.Attempts > 1 {
		reason = call.RetryReason
	}
	start := time.Now()
	resp, err := t.send(ctx, req, call, call.Attempts)
	call.LastEnd = time.Now()
	ev := retry.Event{Kind: retry.EventAttempt, Attempt: call.Attempts, Wait: pause, Duration: call.LastEnd.Sub(start), RetryReason: reason, Err: err}
	if resp != nil {
		ev.StatusCode = resp.StatusCode
		ev.WAFBlock = resp.StatusCode == http.StatusForbidden && retry.IsWAF(resp)
	}
	call.Observe(ctx, ev)
	return resp, err
}

// send attaches the bearer where it belongs and makes the attempt.
func (t *Transport) send(ctx context.Context, req *http.Request, call *retry.Call, attempt int) (*http.Response, error) {
	if call != nil && call.Bearer != nil && strings.EqualFold(req.URL.Host, t.APIHost) {
		token, err := call.Bearer(ctx)
		if err != nil {
			closeBody(req)
			return nil, &retry.TokenError{Err: err}
		}
		call.UsedBearer = token
		r2 := *req
		r2.Header = req.Header.Clone()
		r2.Header.Set("Authorization", "Bearer "+token)
		req = &r2
	}
	if t.Logger == nil || !t.Logger.Enabled(ctx, slog.LevelDebug) {
		return t.Base.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.Base.RoundTrip(req)
	t.log(ctx, req, resp, err, attempt, time.Since(start))
	return resp, err
}

func (t *Transport) wait(ctx context.Context) error {
	if t.Limiter == nil {
		return nil
	}
	err := t.Limiter.Wait(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, ok := ctx.Deadline(); ok && wouldPassDeadline(err) {
		return fmt.Errorf("plume: rate limiter wait would pass the context deadline: %w", context.DeadlineExceeded)
	}
	// Any other error is the limiter's own: a shared limiter's *redis.UnavailableError, say.
	return &retry.LimiterError{Err: err}
}

// wouldPassDeadline recognises a limiter's refusal to wait past the context's deadline: the
// SDK's own bucket, a limiter whose error wraps context.DeadlineExceeded, and x/time/rate,
// whose error says so in words only.
func wouldPassDeadline(err error) bool {
	return errors.Is(err, limit.ErrWouldPassDeadline) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "would exceed context deadline")
}

// log leaves the debug record of one attempt; RoundTrip calls it only when the logger takes
// debug records.
func (t *Transport) log(ctx context.Context, req *http.Request, resp *http.Response, err error, attempt int, d time.Duration) {
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.EscapedPath()),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if id := RequestID(resp.Header); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorKind(err)))
	}
	t.Logger.LogAttrs(ctx, slog.LevelDebug, "plume: http attempt", attrs...)
}

// errorKind describes a transport error without its text, which may quote a URL.
func errorKind(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "context canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case retry.IsDialError(err):
		return "dial error"
	}
	return "connection error"
}

// RequestID is the first of the X-Request-Id, X-Amzn-RequestId and X-Amzn-Trace-Id headers.
func RequestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Amzn-RequestId", "X-Amzn-Trace-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
