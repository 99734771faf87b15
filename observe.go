package plume

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/retry"
)

// Observer is told what the client does, for traces and metrics: each operation (a service
// method's API call), each HTTP attempt of it, each rate-limiter wait and each token fetch.
// The module github.com/plumecloud/plume-go/otel turns it into OpenTelemetry spans and
// metrics; any field may be nil.
//
// Guarantees:
//   - Every function is called synchronously, on the goroutine making the call, and must
//     return quickly. OperationStart's context is the one the rest of the operation runs with
//     (its attempts, waits and a token fetch it triggers), so a span started there is the
//     parent of theirs, and the caller's span, in the context the method was given, is the
//     parent of the operation's.
//   - Nothing passed carries a secret, an id, a header, a body, a query or a URL: routes are
//     templates ("/Customers/{id}/locations/{locationId}/nodes"), and failures are named by
//     kind (ErrorKind…), never by an error's text, which may name the path's ids.
//   - A token fetch shared by concurrent callers is reported once, in the context of the
//     caller that made it.
//   - With no Observer, nothing is timed or allocated for it.
type Observer struct {
	// OperationStart is called before the operation's first attempt; the context it returns
	// (ctx, or one derived from it) is used for the rest of the operation.
	OperationStart func(ctx context.Context, op Operation) context.Context
	// OperationEnd is called once when the operation ends, with the context OperationStart
	// returned.
	OperationEnd func(ctx context.Context, op Operation, res OperationResult)
	// Attempt is called after each HTTP attempt, the token request's included (Op "token").
	Attempt func(ctx context.Context, op Operation, a Attempt)
	// LimiterWait is called after each wait on the rate limiter (one before every attempt).
	LimiterWait func(ctx context.Context, op Operation, w LimiterWait)
	// TokenFetch is called after each token request to the token endpoint.
	TokenFetch func(ctx context.Context, f TokenFetch)
}

// Operation describes one API operation.
type Operation struct {
	Name   string // the SDK operation: "Nodes.Claim"; "token" for the token request
	Method string // HTTP method
	Route  string // the path template below the base URL, without ids: "/Customers/{id}/locations/{locationId}/nodes"
}

// OperationResult is how an operation ended.
type OperationResult struct {
	StatusCode int           // the last answer's status; 0 when none came
	ErrorKind  string        // "" on success, else one of the ErrorKind values
	RequestID  string        // the last answer's request id, when it had one
	Attempts   int           // HTTP attempts made (token requests not counted)
	Duration   time.Duration // from OperationStart to OperationEnd
}

// Attempt is one HTTP attempt.
type Attempt struct {
	Number      int           // 1 for the first attempt
	Wait        time.Duration // the pause before it since the previous attempt ended (backoff), limiter wait excluded
	RetryReason string        // why it was retried: "status 503", "status 429", "WAF block", "connection error", "dial error", "token refresh"; "" for the first
	Duration    time.Duration // from sending to the answer's headers
	StatusCode  int           // 0 when no answer came
	ErrorKind   string        // when no answer came: "connection error", "dial error", "canceled", "token", "limiter"
	WAFBlock    bool          // the answer is the WAF's HTML block page (a 403 that is not the API's)
}

// LimiterWait is one wait on the rate limiter.
type LimiterWait struct {
	Wait      time.Duration
	ErrorKind string // "" when the wait ended with a go; "canceled" (a deadline it would pass included) or "limiter" (a shared limiter down)
}

// TokenFetch is one request to the token endpoint.
type TokenFetch struct {
	Duration   time.Duration
	StatusCode int    // 0 when no answer came
	ErrorKind  string // "" when a token came, else ErrorKindAuth, ErrorKindRateLimited, ErrorKindTransport or ErrorKindCanceled
}

// Error kinds of OperationResult.ErrorKind: what went wrong, by the sentinel it matches.
const (
	ErrorKindCanceled           = "canceled"
	ErrorKindInvalidInput       = "invalid_input"
	ErrorKindRateLimited        = "rate_limited"
	ErrorKindAuth               = "auth"
	ErrorKindUnauthorized       = "unauthorized"
	ErrorKindForbidden          = "forbidden"
	ErrorKindNotFound           = "not_found"
	ErrorKindConflict           = "conflict"
	ErrorKindValidation         = "validation"
	ErrorKindBadRequest         = "bad_request"
	ErrorKindServer             = "server"
	ErrorKindUnexpectedResponse = "unexpected_response"
	ErrorKindTransport          = "transport"
	ErrorKindOther              = "other"
)

// WithObserver sets the observer of the client's operations (see Observer).
func WithObserver(o *Observer) Option {
	return func(cfg *config) error {
		cfg.observer = o
		return nil
	}
}

// errorKind names the kind of err for OperationResult.ErrorKind.
func errorKind(err error) string {
	var apiErr *Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ErrorKindCanceled
	case errors.Is(err, ErrInvalidInput):
		return ErrorKindInvalidInput
	case errors.Is(err, ErrRateLimited):
		return ErrorKindRateLimited
	case errors.Is(err, ErrAuth):
		return ErrorKindAuth
	case errors.Is(err, ErrUnexpectedResponse):
		return ErrorKindUnexpectedResponse
	case errors.As(err, &apiErr):
		switch {
		case apiErr.StatusCode == http.StatusUnauthorized:
			return ErrorKindUnauthorized
		case apiErr.StatusCode == http.StatusForbidden:
			return ErrorKindForbidden
		case apiErr.StatusCode == http.StatusNotFound:
			return ErrorKindNotFound
		case apiErr.StatusCode == http.StatusConflict:
			return ErrorKindConflict
		case apiErr.StatusCode == http.StatusUnprocessableEntity:
			return ErrorKindValidation
		case apiErr.StatusCode >= 500:
			return ErrorKindServer
		case apiErr.StatusCode >= 400:
			return ErrorKindBadRequest
		}
		return ErrorKindOther
	}
	var redacted *redactedError
	if errors.As(err, &redacted) {
		return ErrorKindTransport
	}
	return ErrorKindOther
}

// attemptErrorKind names a transport-level failure without its text.
func attemptErrorKind(err error) string {
	var lim *retry.LimiterError
	var tok *retry.TokenError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ErrorKindCanceled
	case errors.As(err, &lim):
		return "limiter"
	case errors.As(err, &tok):
		return "token"
	case retry.IsDialError(err):
		return "dial error"
	}
	return "connection error"
}

// routeParams names the id that follows each literal segment of an API path.
var routeParams = map[string]string{
	"Customers": "{id}", "locations": "{locationId}", "nodes": "{nodeId}", "devices": "{mac}",
	"dhcpReservations": "{mac}", "portForward": "{externalPort}", "keys": "{keyId}",
	"accessZones": "{zoneId}", "persons": "{personId}", "speedTestResults": "{requestId}",
	"alerts": "{type}", "search": "{keyword}", "freeze": "{freezeTemplateId}",
}

// routeLiterals are the fixed segments of the API's paths; every other segment is an id.
var routeLiterals = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`Customers Partners partners customers locations nodes devices
		register resendEmailVerification exists search wifiNetwork accessZones keys serviceLevel
		onboardingCheckpoint wanConfiguration authorizations reboot ledMode firmware modules config
		flashLogging taskStatuses speedTest speedTestResults ispSpeedTest ispSpeedTestConfiguration
		appFacade dashboard topology forceGraph summary alerts optimize optimizations
		networkConfiguration dhcpReservations portForward portForwards dhcpLeases freeze freezes
		forever suspend autoExpire persons monitorMode auditTrail factoryReset clientSteering
		forcedSteer bandSteering`) {
		routeLiterals[w] = true
	}
}

// routeChildren are the literals that may follow an id-bearing literal in place of its id
// ("/Customers/register", "/devices/{mac}/freeze/forever").
var routeChildren = map[string]map[string]bool{
	"Customers": {"register": true, "exists": true, "resendEmailVerification": true},
	"freeze":    {"forever": true, "suspend": true, "autoExpire": true},
}

// routeOf turns an escaped request path ("/Customers/c1/locations/l1/nodes") into its
// template ("/Customers/{id}/locations/{locationId}/nodes"). After a literal that takes an id
// (routeParams) the next segment is that id, unless it is one of the literal's known children;
// anywhere else a segment that is not a literal of the API is an id too. So a template never
// carries an id, a serial, a MAC or a key.
func routeOf(path string) string {
	var b strings.Builder
	expectID := ""
	parent := ""
	for seg := range strings.SplitSeq(strings.TrimPrefix(path, "/"), "/") {
		b.WriteByte('/')
		switch {
		case expectID != "" && !routeChildren[parent][seg]:
			b.WriteString(expectID)
			expectID, parent = "", ""
			continue
		case routeLiterals[seg]:
			b.WriteString(seg)
			expectID, parent = routeParams[seg], seg
			continue
		}
		b.WriteString("{id}")
		expectID, parent = "", ""
	}
	return b.String()
}

// observeCall returns the retry.Call observer that forwards limiter waits and attempts of op
// to o.
func (o *Observer) observeCall(op Operation) func(ctx context.Context, ev retry.Event) {
	return func(ctx context.Context, ev retry.Event) {
		switch ev.Kind {
		case retry.EventLimiterWait:
			if o.LimiterWait != nil {
				o.LimiterWait(ctx, op, LimiterWait{Wait: ev.Wait, ErrorKind: attemptErrorKind(ev.Err)})
			}
		case retry.EventAttempt:
			if o.Attempt != nil {
				o.Attempt(ctx, op, Attempt{Number: ev.Attempt, Wait: ev.Wait, RetryReason: ev.RetryReason,
					Duration: ev.Duration, StatusCode: ev.StatusCode, ErrorKind: attemptErrorKind(ev.Err), WAFBlock: ev.WAFBlock})
			}
		}
	}
}
