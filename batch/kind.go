package batch

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/plumecloud/plume-go"
)

// ErrorKind is the kind of a row's failure, as the journal records it: one stable word,
// derived from the error with errors.Is, to count and filter failures by.
type ErrorKind string

// Error kinds, from the most specific test to the least.
const (
	KindCanceled     ErrorKind = "canceled"      // the run was cancelled while the row was in flight
	KindRateLimited  ErrorKind = "rate_limited"  // 429 or the WAF's 403, still after the pauses
	KindInvalidInput ErrorKind = "invalid_input" // refused before any request: a malformed CSV row, SDK validation
	KindServer       ErrorKind = "server"        // 5xx (the token endpoint's included), an answer too large
	KindAuth         ErrorKind = "auth"          // the token endpoint refused the credentials, or the API answered 401
	KindForbidden    ErrorKind = "forbidden"     // 403: another partner's resource, a locked partner, an online node
	KindNotFound     ErrorKind = "not_found"     // 404: unknown customer, location, serial or service id
	KindConflict     ErrorKind = "conflict"      // 409: a node owned by another customer, a duplicate key
	KindValidation   ErrorKind = "validation"    // 422: the API refused a value (pod quota, monitor mode, email)
	KindBadRequest   ErrorKind = "bad_request"   // 400
	KindNetwork      ErrorKind = "network"       // no complete answer: connection refused or reset, timeout
	KindOther        ErrorKind = "other"         // none of the above
)

// kindTests maps sentinels to kinds, in the order they are tried: a cancelled rate-limit
// wait is a cancellation, a token endpoint's 5xx (ErrAuth and ErrServer) is the server's.
var kindTests = []struct {
	target error
	kind   ErrorKind
}{
	{context.Canceled, KindCanceled},
	{context.DeadlineExceeded, KindCanceled},
	{plume.ErrRateLimited, KindRateLimited},
	{plume.ErrInvalidInput, KindInvalidInput},
	{plume.ErrServer, KindServer},
	{plume.ErrResponseTooLarge, KindServer},
	{plume.ErrAuth, KindAuth},
	{plume.ErrUnauthorized, KindAuth},
	{plume.ErrForbidden, KindForbidden},
	{plume.ErrNotFound, KindNotFound},
	{plume.ErrConflict, KindConflict},
	{plume.ErrValidation, KindValidation},
	{plume.ErrBadRequest, KindBadRequest},
	{io.ErrUnexpectedEOF, KindNetwork},
	{io.EOF, KindNetwork},
}

// KindOf returns the kind of err, "" for nil.
func KindOf(err error) ErrorKind {
	if err == nil {
		return ""
	}
	for _, t := range kindTests {
		if errors.Is(err, t.target) {
			return t.kind
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return KindNetwork
	}
	return KindOther
}
