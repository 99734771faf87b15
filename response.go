package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/plumecloud/plume-go/internal/redact"
	"github.com/plumecloud/plume-go/internal/retry"
	"github.com/plumecloud/plume-go/internal/transport"
)

// decodeInto decodes a 2xx answer into out under the one rule every call follows: an empty,
// whitespace-only or null body is an *UnexpectedResponseError unless out is an
// optionalAnswer, and so is an answer that decodes but lacks what a checkedAnswer needs.
func (c *Client) decodeInto(r *request, path string, raw *rawResponse, out any) error {
	body := bytes.TrimSpace(raw.Body)
	if len(body) == 0 || string(body) == "null" {
		if _, ok := out.(optionalAnswer); ok {
			return nil
		}
		reason := "empty body"
		if len(body) > 0 {
			reason = "null"
		}
		return c.unexpected(r, path, raw, reason)
	}
	if err := decodeAnswer(raw.Body, out); err != nil {
		return c.decodeError(r, fmt.Sprintf("decoding response (HTTP %d)", raw.StatusCode), err)
	}
	if checked, ok := out.(checkedAnswer); ok {
		if reason := checked.missing(); reason != "" {
			return c.unexpected(r, path, raw, reason)
		}
	}
	return nil
}

// unexpected builds the *UnexpectedResponseError of a 2xx answer.
func (c *Client) unexpected(r *request, path string, raw *rawResponse, reason string) error {
	return &UnexpectedResponseError{
		StatusCode: raw.StatusCode,
		Op:         r.op,
		Method:     r.method,
		Path:       path,
		RequestID:  transport.RequestID(raw.Header),
		Reason:     reason,
	}
}

// transportError wraps a failure to get an answer.
func (c *Client) transportError(r *request, path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("plume: %s %s %s: %w", r.op, r.method, path, err)
	}
	msg := c.redactText(err.Error(), r.secrets)
	return &redactedError{msg: "plume: " + r.op + " " + r.method + " " + path + ": " + msg, err: c.redactChain(err, r.secrets)}
}

// decodeError wraps a failure to decode an answer. encoding/json and time quote the value
// they could not parse ("parsing time \"<value>\""), which may be a secret of the call.
func (c *Client) decodeError(r *request, what string, err error) error {
	return &redactedError{msg: "plume: " + r.op + ": " + what + ": " + c.redactText(err.Error(), r.secrets), err: c.redactChain(err, r.secrets)}
}

// redactedError keeps the cause for errors.Is/As while its text is redacted: the text of a
// transport or decoding error may quote a URL or a value of the answer. Its cause is
// redacted too (redactChain), so that no Unwrap or As along the chain prints a secret.
type redactedError struct {
	msg string
	err error
}

// redactChain returns err with every text along its Unwrap chain redacted. A *url.Error keeps
// its type, with the URL redacted, so that errors.As still finds it; any other error whose
// text (or whose causes' text) would change is replaced by a redactedError carrying the
// redacted text and the redacted rest of the chain. Sentinels such as context.Canceled and
// io.ErrUnexpectedEOF print no secret and are kept as they are, so errors.Is still holds.
func (c *Client) redactChain(err error, extra []string) error {
	if err == nil || c.chainClean(err, extra) {
		return err
	}
	if u, ok := err.(*url.Error); ok {
		return &url.Error{Op: u.Op, URL: c.redactText(u.URL, extra), Err: c.redactChain(u.Err, extra)}
	}
	return &redactedError{msg: c.redactText(err.Error(), extra), err: c.redactChain(errors.Unwrap(err), extra)}
}

// chainClean reports whether no error along err's Unwrap chain prints a secret.
func (c *Client) chainClean(err error, extra []string) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if text := err.Error(); c.redactText(text, extra) != text {
			return false
		}
	}
	return true
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// apiError turns a non-2xx answer into an *Error or a *RateLimitError.
func (c *Client) apiError(r *request, path string, raw *rawResponse) error {
	requestID := transport.RequestID(raw.Header)
	if raw.StatusCode == http.StatusTooManyRequests || (raw.StatusCode == http.StatusForbidden && retry.IsWAFAnswer(raw.Header, raw.Body)) {
		wait, _ := retry.RetryAfter(raw.Header.Get("Retry-After"), time.Now())
		return &RateLimitError{StatusCode: raw.StatusCode, RetryAfter: wait, Op: r.op, Method: r.method, Path: path, RequestID: requestID}
	}
	e := &Error{
		StatusCode: raw.StatusCode,
		Op:         r.op,
		Method:     r.method,
		Path:       path,
		RequestID:  requestID,
		meaning:    r.meanings[raw.StatusCode],
	}
	var lb struct {
		Error struct {
			Name    string `json:"name"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw.Body, &lb) == nil {
		e.Name = c.redactText(lb.Error.Name, r.secrets)
		e.Message = c.redactText(lb.Error.Message, r.secrets)
	}
	e.Body = c.errorBody(raw.Body, r.secrets)
	return e
}

// redactWindow is how much of an error body is redacted before it is cut to maxErrorBody:
// enough for a secret that starts before the cut to be masked whole.
const redactWindow = 4 * maxErrorBody

// errorBody returns the first maxErrorBody bytes of body, redacted. It redacts before it
// cuts: cut first, a secret straddling the cut would survive in part, and masks longer than
// the values they replace would push the text past maxErrorBody.
func (c *Client) errorBody(body []byte, secrets []string) []byte {
	if len(body) > redactWindow {
		body = body[:redactWindow]
	}
	text := c.redactText(string(body), secrets)
	if len(text) > maxErrorBody {
		text = text[:maxErrorBody]
	}
	return []byte(text)
}

// redactText masks the client's secrets, this call's secrets and secret-named fields.
func (c *Client) redactText(s string, extra []string) string {
	return redact.Fields(c.secrets.String(s, extra...))
}
