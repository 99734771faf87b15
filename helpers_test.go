package plume

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// testBase is the base URL of the mocked API.
const testBase = "https://plume.test/api"

// testToken is the bearer the mocked client sends.
const testToken = "test-bearer-token"

// recorded is one request the mocked API received.
type recorded struct {
	Method string
	Path   string // escaped path, base path included
	Query  string // raw query
	Header http.Header
	Body   []byte
}

// mockAPI answers every request with the reply set last and records what it got.
type mockAPI struct {
	t      testing.TB
	mu     sync.Mutex
	reqs   []recorded
	status int
	header http.Header
	body   string
	queue  []queued // answered first, in order, before the reply set last
}

// queued is one answer of mockAPI.then.
type queued struct {
	status int
	body   string
}

// then queues answers for the next requests, in order; after them the reply set last answers.
func (m *mockAPI) then(status int, body string) *mockAPI {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queue = append(m.queue, queued{status, body})
	return m
}

// newMockClient returns a client over an httpmock transport (never the global one) with a
// static token, no rate limit and no retries, and the mock behind it.
func newMockClient(t testing.TB, opts ...Option) (*Client, *mockAPI) {
	t.Helper()
	m := &mockAPI{t: t, status: http.StatusOK, body: "{}"}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(m.respond)
	base := []Option{
		WithBaseURL(testBase),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(math.Inf(1), 1),
		WithRetry(RetryPolicy{MaxRetries: 0}),
		WithPartnerID("partner-1"),
	}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c, m
}

func (m *mockAPI) respond(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reqs = append(m.reqs, recorded{
		Method: req.Method,
		Path:   req.URL.EscapedPath(),
		Query:  req.URL.RawQuery,
		Header: req.Header.Clone(),
		Body:   body,
	})
	status, text := m.status, m.body
	if len(m.queue) > 0 {
		status, text = m.queue[0].status, m.queue[0].body
		m.queue = m.queue[1:]
	}
	resp := httpmock.NewStringResponse(status, text)
	for k, v := range m.header {
		resp.Header[k] = v
	}
	if resp.Header.Get("Content-Type") == "" && text != "" {
		resp.Header.Set("Content-Type", "application/json")
	}
	resp.Request = req
	return resp, nil
}

// reply sets the answer to every following request.
func (m *mockAPI) reply(status int, body string) *mockAPI {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.status, m.body = status, body
	return m
}

// replyFixture answers with testdata/name.
func (m *mockAPI) replyFixture(status int, name string) *mockAPI {
	return m.reply(status, fixture(m.t, name))
}

// requests returns what was received so far.
func (m *mockAPI) requests() []recorded {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]recorded(nil), m.reqs...)
}

// only returns the one request received, failing the test when there was not exactly one.
func (m *mockAPI) only() recorded {
	m.t.Helper()
	reqs := m.requests()
	require.Len(m.t, reqs, 1, "requests sent")
	return reqs[0]
}

// assertRequest checks the method, escaped path, raw query and JSON body (empty wantBody:
// no body) of r.
func assertRequest(t testing.TB, r recorded, method, path, query, wantBody string) {
	t.Helper()
	assert.Equal(t, method, r.Method, "method")
	assert.Equal(t, path, r.Path, "path")
	assert.Equal(t, query, r.Query, "query")
	if wantBody == "" {
		assert.Empty(t, bytes.TrimSpace(r.Body), "body")
		return
	}
	assert.JSONEq(t, wantBody, string(r.Body), "body")
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
}

// fixture returns the contents of testdata/name.
func fixture(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// loopbackError is a LoopBack 3 error body.
func loopbackError(status int, name, message string) string {
	return fmt.Sprintf(`{"error":{"statusCode":%d,"name":%q,"message":%q}}`, status, name, message)
}

// statusCase is one documented error status of an endpoint and the sentinels it must match.
type statusCase struct {
	status int
	want   []error
}

// assertStatusErrors answers call with each status (a LoopBack body) and checks the error is
// an *Error of that status matching every wanted sentinel.
func assertStatusErrors(t *testing.T, op string, cases []statusCase, call func(ctx context.Context, c *Client) error) {
	t.Helper()
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(tc.status, loopbackError(tc.status, "Error", "documented failure"))
			err := call(t.Context(), c)
			require.Error(t, err)
			var apiErr *Error
			require.True(t, errors.As(err, &apiErr), "want *Error, got %T: %v", err, err)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, op, apiErr.Op)
			assert.Equal(t, "documented failure", apiErr.Message)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
		})
	}
}

// assertNoRequest checks that call fails with a *ValidationError and sends nothing.
func assertNoRequest(t *testing.T, field string, call func(ctx context.Context, c *Client) error) {
	t.Helper()
	c, m := newMockClient(t)
	err := call(t.Context(), c)
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "want *ValidationError, got %T: %v", err, err)
	assert.ErrorIs(t, err, ErrInvalidInput)
	if field != "" {
		assert.Equal(t, field, verr.Field)
	}
	assert.Empty(t, m.requests(), "no request may be sent")
}
