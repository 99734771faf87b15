// Package retry holds plume-go's retry policy: which answers are retried for which method,
// and how long to wait between attempts.
package retry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

type ctxKey struct{}

// Call is what the policy knows about the call being retried. It travels in the request
// context because go-retryablehttp's CheckRetry does not see the request when the transport
// fails.
type Call struct {
	Method string
	// Idempotent marks a POST that is safe to repeat (the token request).
	Idempotent bool
	// Once marks a request never to repeat after it may have reached the API, whatever its
	// method (a destructive DELETE): only the retries of a request that provably did not
	// reach it (a dial error, 429, the WAF's 403) are made.
	Once bool
	// Attempts counts the attempts sent so far (set by the transport).
	Attempts int
	// Bearer gives the token for a request to the API host; the transport asks it after the
	// rate limiter let the attempt go, so that a long wait never sends a stale token.
	Bearer func(context.Context) (string, error)
	// UsedBearer is the token the last attempt carried (set by the transport).
	UsedBearer string
	// Observe, when set, is told of each limiter wait and each attempt, after it, on the
	// goroutine making the call (set by the client when an observer is configured).
	Observe func(ctx context.Context, ev Event)
	// RetryReason is why CheckRetry decided to retry the last attempt (set by CheckRetry).
	RetryReason string
	// LastEnd is when the last attempt ended (set by the transport while observed).
	LastEnd time.Time
}

// EventKind tells the events of Call.Observe apart.
type EventKind int

// The kinds of Event.
const (
	EventLimiterWait EventKind = iota + 1
	EventAttempt
)

// Event is one limiter wait or one attempt of a call. It carries no URL, header or body.
type Event struct {
	Kind        EventKind
	Attempt     int           // 1 for the first attempt
	Wait        time.Duration // limiter: time waited; attempt: the pause since the previous attempt ended, limiter wait excluded
	Duration    time.Duration // attempt: from sending to the answer's headers
	StatusCode  int           // attempt: the answer's status, 0 when none came
	RetryReason string        // attempt: why it is a retry ("" for the first)
	WAFBlock    bool          // attempt: the answer is the WAF's block page (a 403 that is not the API's)
	Err         error         // the wait's or the attempt's error
}

// setReason records why the call is retried, for the observer.
func (c *Call) setReason(retrying bool, reason string) {
	if c != nil && retrying {
		c.RetryReason = reason
	}
}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// CallFrom returns the *Call in ctx, or nil.
func CallFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(ctxKey{}).(*Call)
	return c
}

// retriesAfterSend reports whether a request of this method may be sent again after it
// may have reached the API.
func (c *Call) retriesAfterSend() bool {
	if c == nil || c.Once {
		return false
	}
	switch c.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return c.Idempotent
}

// CheckRetry is the go-retryablehttp CheckRetry of plume-go. GET, HEAD, PUT, PATCH and DELETE
// retry on connection errors, 429, the WAF's 403, 500, 502, 503 and 504. POST retries only where
// the request provably did not reach the API: dial errors, 429 and the WAF's 403.
func CheckRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	call := CallFrom(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return false, err
		}
		if IsDialError(err) {
			call.setReason(true, "dial error")
			return true, nil
		}
		var lim *LimiterError
		var tok *TokenError
		var redirect *RedirectError
		if errors.As(err, &lim) || errors.As(err, &tok) || errors.As(err, &redirect) {
			return false, err
		}
		retrying := call.retriesAfterSend()
		call.setReason(retrying, "connection error")
		return retrying, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		call.setReason(true, "status 429")
		return true, nil
	case http.StatusForbidden:
		waf := IsWAF(resp)
		call.setReason(waf, "WAF block")
		return waf, nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		retrying := call.retriesAfterSend()
		call.setReason(retrying, "status "+strconv.Itoa(resp.StatusCode))
		return retrying, nil
	}
	return false, nil
}

// ErrCrossOriginRedirect is a redirect to another origin (scheme, host or port) that would
// carry a request body or an Authorization header there; it is refused, never retried.
var ErrCrossOriginRedirect = errors.New("plume: redirect to another origin refused")

// RedirectError is a refused redirect; From and To are origins (scheme://host:port), never
// whole URLs, so that it prints no path, query or secret.
type RedirectError struct{ From, To string }

func (e *RedirectError) Error() string {
	return "plume: refused a redirect from " + e.From + " to " + e.To + ": it would carry credentials or a request body to another origin"
}

// Unwrap returns ErrCrossOriginRedirect.
func (e *RedirectError) Unwrap() error { return ErrCrossOriginRedirect }

// CheckRedirect returns an http.Client CheckRedirect that refuses, with a *RedirectError, a
// redirect to another origin than the first request's when the new request would carry a
// body (a 307 or 308 sends it again) or an Authorization header (the token request's Basic
// header, which net/http keeps for the same host on another port). A body-less request
// without credentials may follow it. next, when not nil, is asked after that check (the
// caller's own policy); without it, at most 10 redirects are followed, as net/http does.
func CheckRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !SameOrigin(via[0].URL, req.URL) {
			hasBody := req.ContentLength != 0 || (req.Body != nil && req.Body != http.NoBody)
			if hasBody || req.Header.Get("Authorization") != "" {
				return &RedirectError{From: Origin(via[0].URL), To: Origin(req.URL)}
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// Origin returns scheme://host:port of u, the port made explicit.
func Origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port(u)
}

// SameOrigin reports whether a and b have the same scheme, host and port.
func SameOrigin(a, b *url.URL) bool { return Origin(a) == Origin(b) }

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// LimiterError is a failure of the rate limiter's Wait; it is never retried.
type LimiterError struct{ Err error }

func (e *LimiterError) Error() string { return "plume: rate limiter: " + e.Err.Error() }
func (e *LimiterError) Unwrap() error { return e.Err }

// TokenError is a failure to get the bearer token for an attempt; it is never retried here
// (the token request has retries of its own).
type TokenError struct{ Err error }

func (e *TokenError) Error() string { return e.Err.Error() }
func (e *TokenError) Unwrap() error { return e.Err }

// IsDialError reports whether err happened while connecting, before any byte was sent.
func IsDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// Backoff is exponential backoff with full jitter: a random wait in [0, min·2^attempt], capped
// at max. A Retry-After sent with a 429, 503 or the WAF's 403 replaces it, capped at max.
func Backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	ceiling := minWait
	for i := 0; i < attempt && ceiling < maxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, maxWait)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// RetryAfter parses a Retry-After value: delay seconds or an HTTP date.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// IsWAF reports whether a 403 is the WAF's block page rather than the API's LoopBack JSON
// error. It peeks at the body and puts it back.
func IsWAF(resp *http.Response) bool {
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		return false
	}
	var body []byte
	if resp.Body != nil {
		var err error
		if body, err = readAndRestore(resp, 64<<10); err != nil {
			return false
		}
	}
	return IsWAFAnswer(resp.Header, body)
}

// IsWAFAnswer reports whether a 403 is not a LoopBack JSON error ({"error":{...}}): the WAF's
// block page. A body-less 403 (a HEAD) counts as the API's when it is labelled JSON.
func IsWAFAnswer(header http.Header, body []byte) bool {
	var lb struct {
		Error json.RawMessage `json:"error"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return !strings.Contains(header.Get("Content-Type"), "json")
	}
	if trimmed[0] != '{' {
		return true
	}
	if err := json.Unmarshal(trimmed, &lb); err != nil {
		return true
	}
	e := bytes.TrimSpace(lb.Error)
	return len(e) == 0 || (e[0] != '{' && e[0] != '"')
}

// readAndRestore reads up to limit bytes of resp.Body and puts back a body that yields the
// same bytes followed by whatever was not read.
func readAndRestore(resp *http.Response, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	resp.Body = &prefixBody{Reader: io.MultiReader(bytes.NewReader(data), resp.Body), closer: resp.Body}
	return data, err
}

type prefixBody struct {
	io.Reader
	closer io.Closer
}

func (p *prefixBody) Close() error { return p.closer.Close() }
