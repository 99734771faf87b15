package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/plumecloud/plume-go/internal/retry"
	"github.com/plumecloud/plume-go/internal/transport"
)

// The request pipeline: every API call of every service takes the same path.
//
// A service method is three steps: check its input, describe the request, and hand it to
// call (an answer to decode), exec (an answer to ignore) or, rarely, Client.do (the method
// needs the status or the raw body):
//
//	func (s *NodesService) Get(ctx context.Context, customerID, locationID, nodeID string) (*Node, error) {
//		if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
//			return nil, err
//		}
//		return call[Node](ctx, s.client, &request{
//			op: "Nodes.Get", method: http.MethodGet,
//			path: buildPath("Customers", customerID, "locations", locationID, "nodes", nodeID),
//		})
//	}
//
// From there the stages are, in order:
//
//  1. validate: done by the method, before anything is sent; a *ValidationError (validate.go).
//  2. path: buildPath escapes every id; do encodes the query and the JSON body once.
//  3. limiter: every attempt, retries and token requests included, waits on the client's
//     Limiter (internal/transport).
//  4. token: do takes the bearer before the wait and the transport checks it after (auth.go),
//     so that a long queue never sends an expired token.
//  5. send: sendWith makes one exchange that go-retryablehttp retries by internal/retry's
//     policy; a 401 drops the token and do tries once more with a new one.
//  6. classify: a non-2xx answer becomes an *Error or a *RateLimitError (response.go).
//  7. decode: a 2xx body goes into the answer type in one pass (decode.go); a decoding error
//     is redacted like every other error (response.go).

// request is one API call as a service describes it.
type request struct {
	op       string        // "Nodes.Claim"
	method   string        // HTTP method
	path     string        // below the base URL, escaped with buildPath, starting with "/"
	query    url.Values    // may be nil
	body     any           // JSON-encoded when non-nil
	meanings map[int]error // per-operation sentinel by HTTP status
	secrets  []string      // values of this call to redact from errors (a WiFi key)
	// once sends the request at most once where it may have reached the API: no retry after
	// a 5xx or a connection lost mid-exchange (a destructive call, FactoryReset). Retries
	// where it provably did not (a dial error, 429, the WAF's 403) stay.
	once bool
}

// call sends r and returns its 2xx answer decoded into a new T.
func call[T any](ctx context.Context, c *Client, r *request) (*T, error) {
	out := new(T)
	if _, err := c.do(ctx, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// exec sends r for its effect: the body of a 2xx answer, if any, is not read.
func exec(ctx context.Context, c *Client, r *request) error {
	_, err := c.do(ctx, r, nil)
	return err
}

// response is a 2xx answer.
type response struct {
	StatusCode int
	Body       []byte
}

// do sends r through the pipeline (token, limiter, retries, one refresh on 401) and decodes a
// 2xx body into out when out is non-nil and the body is not empty. Any other answer is an
// *Error or a *RateLimitError.
func (c *Client) do(ctx context.Context, r *request, out any) (*response, error) {
	if c.observer == nil {
		resp, _, err := c.run(ctx, r, out, nil)
		return resp, err
	}
	o := c.observer
	op := Operation{Name: r.op, Method: r.method, Route: routeOf(r.path)}
	if o.OperationStart != nil {
		if octx := o.OperationStart(ctx, op); octx != nil {
			ctx = octx
		}
	}
	start := time.Now()
	resp, last, err := c.run(ctx, r, out, o.observeCall(op))
	if o.OperationEnd != nil {
		res := OperationResult{Duration: time.Since(start), ErrorKind: errorKind(err)}
		if last != nil {
			res.StatusCode, res.Attempts, res.RequestID = last.StatusCode, last.Attempts, transport.RequestID(last.Header)
		}
		o.OperationEnd(ctx, op, res)
	}
	return resp, err
}

// run is do's pipeline; observe, when not nil, is told of each limiter wait and attempt. It
// also returns the last raw answer (nil when none came), for the observer.
func (c *Client) run(ctx context.Context, r *request, out any, observe func(context.Context, retry.Event)) (*response, *rawResponse, error) {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, nil, fmt.Errorf("plume: %s: encoding request: %w", r.op, err)
		}
	}
	// r.path is escaped already (buildPath), so the URL is a concatenation.
	path := c.basePath + r.path
	target := c.origin + path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	var (
		raw      *rawResponse
		rejected string // the token a 401 refused: the next attempt needs another
		attempts int    // attempts sent before a 401's new token
	)
	for range 2 {
		tok, err := c.tokens.current(ctx, rejected)
		if err != nil {
			return nil, nil, fmt.Errorf("plume: %s: %w", r.op, err)
		}
		refused := rejected
		bearer := func(ctx context.Context) (string, error) { return c.tokens.forSend(ctx, tok, refused) }
		raw, err = c.sendWith(ctx, exchange{method: r.method, once: r.once, bearer: bearer, observe: observe, attempts: attempts}, target, payload, "application/json", nil)
		var tokenErr *retry.TokenError
		if errors.As(err, &tokenErr) {
			return nil, nil, fmt.Errorf("plume: %s: %w", r.op, tokenErr.Err)
		}
		if err != nil {
			return nil, nil, c.transportError(r, path, err)
		}
		if raw.StatusCode != http.StatusUnauthorized {
			break
		}
		rejected = raw.Bearer
		attempts = raw.Attempts
	}
	if raw.StatusCode >= 200 && raw.StatusCode < 300 {
		if out != nil {
			if err := c.decodeInto(r, path, raw, out); err != nil {
				return nil, raw, err
			}
		}
		return &response{StatusCode: raw.StatusCode, Body: raw.Body}, raw, nil
	}
	return nil, raw, c.apiError(r, path, raw)
}

// exchange describes one retried HTTP exchange.
type exchange struct {
	method     string
	idempotent bool                                  // a POST that is safe to repeat (the token request)
	once       bool                                  // never repeated once it may have reached the API (request.once)
	bearer     func(context.Context) (string, error) // the token of each attempt to the API host; nil for none
	observe    func(context.Context, retry.Event)    // told of each limiter wait and attempt; nil for none
	attempts   int                                   // attempts of the same operation before this exchange (a 401's refresh)
}

// rawResponse is the last answer of an exchange.
type rawResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte // capped at the client's maximum
	Attempts   int    // attempts sent, the last included
	Bearer     string // the token the last attempt carried, "" when none
}

// sendWith makes one retried HTTP exchange and returns the last answer with its capped body.
//
// go-retryablehttp's CheckRetry and the transport see only the request's context, so the
// exchange travels there as a *retry.Call; the transport counts attempts and records the
// token it attached on it. sendWith is the one place that reads them back, into the result.
func (c *Client) sendWith(ctx context.Context, ex exchange, target string, payload []byte, contentType string, header http.Header) (*rawResponse, error) {
	call := &retry.Call{Method: ex.method, Idempotent: ex.idempotent, Once: ex.once, Bearer: ex.bearer, Observe: ex.observe, Attempts: ex.attempts}
	if ex.attempts > 0 {
		call.RetryReason = "token refresh" // the API answered 401 to the previous token
	}
	raw, err := c.roundTrip(retry.WithCall(ctx, call), call.Method, target, payload, contentType, header)
	if raw != nil {
		raw.Attempts, raw.Bearer = call.Attempts, call.UsedBearer
	}
	return raw, err
}

// roundTrip runs the retried exchange for sendWith.
func (c *Client) roundTrip(ctx context.Context, method, target string, payload []byte, contentType string, header http.Header) (*rawResponse, error) {
	var body any
	if payload != nil {
		body = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.SetResponseHandler(c.bufferBody)
	resp, err := c.retrying.Do(req)
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	defer drainAndClose(resp.Body)
	var data []byte
	if buffered, ok := resp.Body.(*bufferedBody); ok {
		data = buffered.data
	} else if data, err = readCapped(resp, c.maxBody); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("reading response (HTTP %d): %w", resp.StatusCode, err)
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("response body (HTTP %d) exceeds %d bytes: %w", resp.StatusCode, c.maxBody, ErrResponseTooLarge)
	}
	return &rawResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// bufferBody reads the body of an answer the retry policy keeps into memory, inside the
// attempt: a connection cut in the middle of the body is then a failed attempt, which
// CheckRetry may retry (GET, PUT, PATCH, DELETE, the token request), rather than an error
// found after the retries are over. It reads at most the cap and one byte, and leaves the
// size check to sendWith.
func (c *Client) bufferBody(resp *http.Response) error {
	data, err := readCapped(resp, c.maxBody)
	drainAndClose(resp.Body)
	if err != nil {
		resp.Body = http.NoBody
		return fmt.Errorf("reading response (HTTP %d): %w", resp.StatusCode, err)
	}
	buffered := &bufferedBody{data: data}
	buffered.Reset(data)
	resp.Body = buffered
	return nil
}

// bufferedBody is a body bufferBody read into memory; sendWith takes its bytes as they are
// instead of reading them into a second buffer.
type bufferedBody struct {
	bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// readCapped reads at most limit+1 bytes of resp's body (one more than allowed, so that the
// caller can tell a body over the limit), in one allocation when the length is announced.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n <= limit {
		buf := make([]byte, 0, n+1)
		for {
			if len(buf) == cap(buf) {
				buf = slices.Grow(buf, 512) // longer than announced
			}
			m, err := resp.Body.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+m]
			if int64(len(buf)) > limit {
				return buf, nil
			}
			if err == io.EOF {
				return buf, nil
			}
			if err != nil {
				return buf, err
			}
		}
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit+1))
}

// reused) and closes it. A body bufferBody read into memory holds no connection.
func drainAndClose(body io.ReadCloser) {
	if _, inMemory := body.(*bufferedBody); inMemory {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 256<<10))
	_ = body.Close()
}

// transportError wraps a failure to get an answer.
