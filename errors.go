package plume

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/retry"
)

// Sentinels of the kind of failure. An *Error unwraps to the one that matches its HTTP status.
var (
	ErrBadRequest   = errors.New("plume: bad request")           // 400
	ErrUnauthorized = errors.New("plume: unauthorized")          // 401
	ErrForbidden    = errors.New("plume: forbidden")             // 403 that is not the WAF
	ErrNotFound     = errors.New("plume: not found")             // 404
	ErrConflict     = errors.New("plume: conflict")              // 409
	ErrValidation   = errors.New("plume: validation failed")     // 422
	ErrServer       = errors.New("plume: server error")          // 5xx
	ErrRateLimited  = errors.New("plume: rate limited")          // 429 or the WAF's 403
	ErrAuth         = errors.New("plume: authentication failed") // the token endpoint refused
	ErrInvalidInput = errors.New("plume: invalid input")         // rejected before any request

	// ErrUnexpectedResponse is a 2xx answer the call cannot use: empty, whitespace only or
	// null where the contract promises an object or an array, or an object without what the
	// caller needs to go on (an id, a status). The error is an *UnexpectedResponseError.
	ErrUnexpectedResponse = errors.New("plume: unexpected response")

	// ErrCrossOriginRedirect is a redirect to another origin (scheme, host or port) that the
	// SDK refused to follow because the request would have carried a body (a WiFi key, say)
	// or an Authorization header (the token request's Basic header) there. Body-less API
	// reads may follow a redirect to another origin, without the bearer token; same-origin
	// redirects are followed as before. Never retried.
	ErrCrossOriginRedirect = retry.ErrCrossOriginRedirect
)

// UnexpectedResponseError is a 2xx answer the call cannot use (see ErrUnexpectedResponse).
// It unwraps to ErrUnexpectedResponse. The call may have taken effect: a write answered
// with nothing usable is not known to have failed.
type UnexpectedResponseError struct {
	StatusCode int    // the 2xx status
	Op         string // SDK operation, e.g. "Locations.Get"
	Method     string // HTTP method
	Path       string // URL path as sent, base path included; no host, no query
	RequestID  string // first of X-Request-Id, X-Amzn-RequestId, X-Amzn-Trace-Id
	Reason     string // what was missing: "empty body", "null", "no id"
}

// Error describes the answer; it never carries a secret (it quotes no part of the body).
func (e *UnexpectedResponseError) Error() string {
	msg := fmt.Sprintf("plume: %s: %s %s: %d: unexpected response: %s", e.Op, e.Method, e.Path, e.StatusCode, e.Reason)
	if e.RequestID != "" {
		msg += " [request id " + e.RequestID + "]"
	}
	return msg
}

// Unwrap returns ErrUnexpectedResponse.
func (e *UnexpectedResponseError) Unwrap() error { return ErrUnexpectedResponse }

// Per-operation meanings. Each wraps the sentinel of its kind, and an *Error carrying one
// unwraps to both, so errors.Is(err, ErrNodeOwnedElsewhere) and errors.Is(err, ErrConflict)
// hold together.
var (
	ErrDuplicateAccount     = fmt.Errorf("plume: accountId already registered for this partner: %w", ErrConflict)
	ErrPartnerLocked        = fmt.Errorf("plume: partner is locked for new accounts: %w", ErrForbidden)
	ErrPartnerNotFound      = fmt.Errorf("plume: partner does not exist in this cloud: %w", ErrNotFound)
	ErrNodeOwnedElsewhere   = fmt.Errorf("plume: node is owned by another customer: %w", ErrConflict)
	ErrClaimRejected        = fmt.Errorf("plume: claim rejected (pod quota or monitor mode): %w", ErrValidation)
	ErrClaimIncomplete      = fmt.Errorf("plume: error after the claim; nodes may be claimed: %w", ErrServer)
	ErrNodeNotClaimed       = fmt.Errorf("plume: node is not claimed at this location: %w", ErrBadRequest)
	ErrLocationArchived     = fmt.Errorf("plume: location is already archived: %w", ErrConflict)
	ErrWifiNetworkExists    = fmt.Errorf("plume: location already has a WiFi network: %w", ErrConflict)
	ErrEmailAlreadyVerified = fmt.Errorf("plume: email is already verified: %w", ErrConflict)
	// ErrProfileNotAllowed is the 422 of a register or location write that sets ProfileProperty
	// with a role that may not: only the integration role can.
	ErrProfileNotAllowed = fmt.Errorf("plume: only the integration role may set profile %q: %w", "property", ErrValidation)

	// Sentinels of the support half. Each is the meaning of an *Error with its status (405,
	// 412, 425); none is retried.
	ErrReadOnly          = errors.New("plume: read-only key or access zone (HTTP 405)")
	ErrLANPrefixUnknown  = errors.New("plume: the gateway has not reported its LAN prefix yet (HTTP 412)")
	ErrNodeNotInLocation = errors.New("plume: node is not claimed at this location (HTTP 425)")
)

// maxErrorBody is the most of a response body an *Error keeps.
const maxErrorBody = 4 << 10

// Error is an answer of the Plume API outside 2xx.
type Error struct {
	StatusCode int    // HTTP status
	Op         string // SDK operation, e.g. "Nodes.Claim"
	Method     string // HTTP method
	Path       string // URL path as sent, base path included; no host, no query
	Name       string // LoopBack error name, when the body had one
	Message    string // LoopBack error message, redacted
	RequestID  string // first of X-Request-Id, X-Amzn-RequestId, X-Amzn-Trace-Id
	Body       []byte // at most 4 KiB of the body, redacted

	meaning error // per-operation sentinel, may be nil
}

// Error describes the failure; it never carries a secret.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("plume: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.meaning != nil {
		b.WriteString(" (")
		b.WriteString(strings.TrimPrefix(meaningText(e.meaning), "plume: "))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" [request id ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	return b.String()
}

// meaningText is the text of a per-operation sentinel without the kind it wraps.
func meaningText(err error) string {
	s := err.Error()
	if kind := errors.Unwrap(err); kind != nil {
		s = strings.TrimSuffix(s, ": "+kind.Error())
	}
	return s
}

// Unwrap returns the per-operation meaning (if any) and the kind of the status.
func (e *Error) Unwrap() []error {
	kind := kindOf(e.StatusCode)
	switch {
	case e.meaning != nil && kind != nil:
		return []error{e.meaning, kind}
	case e.meaning != nil:
		return []error{e.meaning}
	case kind != nil:
		return []error{kind}
	}
	return nil
}

// kindOf maps an HTTP status to its sentinel.
func kindOf(status int) error {
	switch {
	case status == 400:
		return ErrBadRequest
	case status == 401:
		return ErrUnauthorized
	case status == 403:
		return ErrForbidden
	case status == 404:
		return ErrNotFound
	case status == 409:
		return ErrConflict
	case status == 422:
		return ErrValidation
	case status >= 500:
		return ErrServer
	}
	return nil
}

// RateLimitError is a 429, or a 403 whose body is not a LoopBack JSON error: the WAF's block
// page (2000 requests per 5 minutes per source IP). It unwraps to ErrRateLimited and not to
// ErrForbidden.
type RateLimitError struct {
	StatusCode int
	RetryAfter time.Duration // the server's Retry-After, or 0 when it sent none
	Op         string
	Method     string
	Path       string
	RequestID  string
}

// Error describes the failure; it never carries a secret.
func (e *RateLimitError) Error() string {
	s := "plume: "
	if e.Op != "" {
		s += e.Op + ": "
	}
	if e.Method != "" {
		s += e.Method + " " + e.Path + ": "
	}
	s += "rate limited (HTTP " + strconv.Itoa(e.StatusCode) + ")"
	if e.RetryAfter > 0 {
		s += ", retry after " + e.RetryAfter.String()
	}
	return s
}

// Unwrap returns ErrRateLimited.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// AuthError is a refusal of the token endpoint (OAuth 2.0 error body {"error","error_description"}).
type AuthError struct {
	StatusCode  int
	Code        string // "invalid_client", "invalid_scope", ...
	Description string // redacted
}

// Error describes the failure; it never carries a secret.
func (e *AuthError) Error() string {
	s := "plume: token request refused (HTTP " + strconv.Itoa(e.StatusCode) + ")"
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Unwrap returns ErrAuth, and ErrServer for a 5xx of the token endpoint.
func (e *AuthError) Unwrap() []error {
	if e.StatusCode >= 500 {
		return []error{ErrAuth, ErrServer}
	}
	return []error{ErrAuth}
}

// ValidationError is input the SDK refused before sending any request.
type ValidationError struct {
	Field  string
	Reason string
}

// Error describes the failure; it never carries a secret.
func (e *ValidationError) Error() string {
	return "plume: invalid " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrInvalidInput.
func (e *ValidationError) Unwrap() error { return ErrInvalidInput }

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ErrResponseTooLarge is returned when a response body passes the cap (WithMaxResponseBytes).
var ErrResponseTooLarge = errors.New("plume: response body too large")

// drainAndClose reads what is left of a body (up to a bound, so that the connection can be

// OnboardError names the step at which Onboard stopped. It unwraps to the cause.
type OnboardError struct {
	Step string
	Err  error
}

// Error describes the failure; it never carries a secret.
func (e *OnboardError) Error() string { return "plume: onboard: " + e.Step + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *OnboardError) Unwrap() error { return e.Err }

// ErrSharedFreezeSchedules is the 501 of SetFreezeSchedule (Devices and Persons): the location
// uses shared location freeze schedules, so a schedule cannot be set on one device or person;
// apply a shared one with ApplyFreezeSchedule instead (docs/plume-support-api.md §10.1).
var ErrSharedFreezeSchedules = fmt.Errorf("plume: the location uses shared freeze schedules: %w", ErrServer)

// ErrSpeedTestFailed is the error of a speed test whose result says it failed; SpeedTest
// returns the result with it.
var ErrSpeedTestFailed = errors.New("plume: speed test failed")
