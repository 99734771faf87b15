package plume

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Secrets used by the pipeline tests; none may ever show in an error or a log record.
const (
	testClientID     = "0oa1y13epa9NeXecM0h8"
	testClientSecret = "s3cr3t-client-value-XYZ"
	testPartnerID    = "partner-1"
)

// pipeline is a real loopback server with an OAuth token endpoint and an API handler.
type pipeline struct {
	srv         *httptest.Server
	tokenCalls  atomic.Int64
	apiCalls    atomic.Int64
	tokenTTL    int64 // expires_in
	tokenStatus int   // when not 0 and not 200, the token endpoint answers it
	tokenBody   string

	mu         sync.Mutex
	tokenForms []string
	tokenAuth  []string
	issued     []string
	api        http.HandlerFunc
}

func newPipeline(t *testing.T, api http.HandlerFunc) *pipeline {
	t.Helper()
	p := &pipeline{tokenTTL: 600, api: api}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/default/v1/token", p.token)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		p.apiCalls.Add(1)
		p.api(w, r)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *pipeline) token(w http.ResponseWriter, r *http.Request) {
	n := p.tokenCalls.Add(1)
	_ = r.ParseForm()
	p.mu.Lock()
	p.tokenForms = append(p.tokenForms, r.PostForm.Encode())
	p.tokenAuth = append(p.tokenAuth, r.Header.Get("Authorization"))
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if p.tokenStatus != 0 && p.tokenStatus != http.StatusOK {
		w.WriteHeader(p.tokenStatus)
		_, _ = io.WriteString(w, p.tokenBody)
		return
	}
	tok := fmt.Sprintf("access-token-%d-abcdef", n)
	p.mu.Lock()
	p.issued = append(p.issued, tok)
	p.mu.Unlock()
	fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":%d,"access_token":%q,"scope":%q}`, p.tokenTTL, tok, r.PostForm.Get("scope"))
}

func (p *pipeline) creds() Credentials {
	return Credentials{TokenURL: p.srv.URL + "/oauth2/default/v1/token", ClientID: testClientID, ClientSecret: testClientSecret, PartnerID: testPartnerID}
}

// client returns a client for p with fast retries and no rate limit, then opts.
func (p *pipeline) client(t testing.TB, opts ...Option) *Client {
	t.Helper()
	base := []Option{
		WithBaseURL(p.srv.URL + "/api"),
		WithCredentials(p.creds()),
		WithRateLimit(math.Inf(1), 1),
		WithRetry(RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
	}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

func getCall(path string) *request {
	return &request{op: "Test.Get", method: http.MethodGet, path: path}
}

func TestTokenRequestFormHeaderAndScope(t *testing.T) {
	t.Parallel()
	var gotAuth string
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		_, _ = io.WriteString(w, `{}`)
	})
	c := p.client(t)
	_, err := c.do(t.Context(), getCall("/Customers/x"), nil)
	require.NoError(t, err)

	require.Len(t, p.tokenForms, 1)
	assert.Equal(t, "grant_type=client_credentials&scope=partnerId%3Apartner-1+role%3ApartnerIdAdmin", p.tokenForms[0])
	assert.Equal(t, basicHeader(testClientID, testClientSecret), p.tokenAuth[0])
	assert.Equal(t, "Bearer "+p.issued[0], gotAuth)
}

func TestAuthHeaderIsSentVerbatim(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	issued := basicHeader("id-from-portal", "secret-from-portal")
	for _, h := range []string{issued, strings.TrimPrefix(issued, "Basic ")} {
		c, err := NewClient(WithBaseURL(p.srv.URL+"/api"), WithAuthHeader(p.creds().TokenURL, h, testPartnerID))
		require.NoError(t, err)
		_, err = c.do(t.Context(), getCall("/x"), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{issued, issued}, p.tokenAuth)
}

func TestConcurrentCallsShareOneTokenFetch(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	c := p.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.do(t.Context(), getCall("/x"), nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, p.tokenCalls.Load())
	assert.EqualValues(t, 100, p.apiCalls.Load())
}

func TestUnauthorizedRefreshesOnceAndRetriesOnce(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, loopbackError(401, "Error", "Authorization Required"))
			return
		}
		_, _ = io.WriteString(w, `{}`)
	})
	c := p.client(t)
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, p.tokenCalls.Load())
	assert.EqualValues(t, 2, p.apiCalls.Load())
}

func TestPersistentUnauthorizedStops(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, loopbackError(401, "Error", "Authorization Required"))
	})
	c := p.client(t)
	_, err := c.do(t.Context(), getCall("/x"), nil)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.EqualValues(t, 2, p.tokenCalls.Load(), "one fetch and one refresh")
	assert.EqualValues(t, 2, p.apiCalls.Load(), "the call and one retry")
}

func TestTokenCachedUntilMarginBeforeExpiry(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	p.tokenTTL = 60
	c := p.client(t)
	now := time.Now()
	var mu sync.Mutex
	c.tokens.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	advance(29 * time.Second) // 31 s left: still good
	_, err = c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 1, p.tokenCalls.Load())
	advance(2 * time.Second) // 29 s left: inside the 30 s margin
	_, err = c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, p.tokenCalls.Load())
}

func TestTokenRequestUsesCallersContextAndClient(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	var viaOurs atomic.Int64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		viaOurs.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := p.client(t, WithHTTPClient(hc))
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, viaOurs.Load(), "token request and API request both through the given client")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c2 := p.client(t)
	_, err = c2.do(ctx, getCall("/x"), nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1, p.tokenCalls.Load(), "a cancelled context sends no token request")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTokenEndpointRefusalIsAuthError(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	p.tokenStatus = http.StatusUnauthorized
	p.tokenBody = `{"error":"invalid_client","error_description":"Invalid value for 'client_secret': ` + testClientSecret + `"}`
	c := p.client(t)
	_, err := c.do(t.Context(), getCall("/x"), nil)
	var authErr *AuthError
	require.ErrorAs(t, err, &authErr)
	assert.ErrorIs(t, err, ErrAuth)
	assert.Equal(t, "invalid_client", authErr.Code)
	assert.Equal(t, 401, authErr.StatusCode)
	assert.False(t, strings.Contains(err.Error(), testClientSecret), "a secret leaked")
	assert.False(t, strings.Contains(authErr.Description, testClientSecret), "a secret leaked")
	assert.EqualValues(t, 0, p.apiCalls.Load())
}

// retryCase is one cell of the retry matrix.
type retryCase struct {
	method   string
	status   int
	body     string
	attempts int64
}

func TestRetryMatrix(t *testing.T) {
	t.Parallel()
	lb := func(s int) string { return loopbackError(s, "Error", "x") }
	waf := "<html><body>Request blocked</body></html>"
	var cases []retryCase
	for _, m := range []string{"GET", "HEAD", "PUT", "PATCH", "DELETE", "POST"} {
		idempotent := m != "POST"
		retried := func(yes bool) int64 {
			if yes {
				return 3
			}
			return 1
		}
		cases = append(cases,
			retryCase{m, 429, lb(429), 3},
			retryCase{m, 403, waf, 3},
			retryCase{m, 403, lb(403), 1},
			retryCase{m, 500, lb(500), retried(idempotent)},
			retryCase{m, 502, lb(502), retried(idempotent)},
			retryCase{m, 503, lb(503), retried(idempotent)},
			retryCase{m, 504, lb(504), retried(idempotent)},
			retryCase{m, 501, lb(501), 1},
			retryCase{m, 400, lb(400), 1},
			retryCase{m, 404, lb(404), 1},
			retryCase{m, 409, lb(409), 1},
			retryCase{m, 422, lb(422), 1},
		)
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%s-%d", tc.method, tc.status)
		if strings.HasPrefix(tc.body, "<") {
			name += "-waf"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(tc.body, "{") {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			c := p.client(t)
			_, err := c.do(t.Context(), &request{op: "Test", method: tc.method, path: "/x", body: map[string]string{"a": "b"}}, nil)
			require.Error(t, err)
			assert.Equal(t, tc.attempts, p.apiCalls.Load(), "attempts")
		})
	}
}

func TestRegisterAnswered500IsSentOnce(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, loopbackError(500, "Error", "boom"))
	})
	c := p.client(t, WithRetry(RetryPolicy{MaxRetries: 4, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	_, err := c.Customers.Register(t.Context(), RegisterRequest{AccountID: "acct-000001", Email: "a@example.com"})
	assert.ErrorIs(t, err, ErrServer)
	assert.EqualValues(t, 1, p.apiCalls.Load())
}

func TestConnectionErrorsRetryOnlyWhereSafe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method   string
		dial     bool
		attempts int64
	}{
		{"GET", false, 3}, {"DELETE", false, 3}, {"POST", false, 1}, {"POST", true, 3}, {"GET", true, 3},
	} {
		t.Run(fmt.Sprintf("%s-dial=%v", tc.method, tc.dial), func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int64
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				attempts.Add(1)
				if tc.dial {
					return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
				}
				return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
			})}
			c := newStaticClient(t, WithHTTPClient(hc), WithRetry(RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
			_, err := c.do(t.Context(), &request{op: "Test", method: tc.method, path: "/x"}, nil)
			require.Error(t, err)
			var op *net.OpError
			assert.ErrorAs(t, err, &op)
			assert.Equal(t, tc.attempts, attempts.Load())
		})
	}
}

func TestDroppedConnectionIsRetriedForGet(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			require.NoError(t, err)
			conn.Close()
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	c := p.client(t)
	var out struct{ OK bool }
	_, err := c.do(t.Context(), getCall("/x"), &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.EqualValues(t, 2, calls.Load())
}

func TestRateLimitErrorCarriesRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header string
		min, max     time.Duration
	}{
		{"seconds", "7", 7 * time.Second, 7 * time.Second},
		{"http-date", "date", time.Hour - time.Minute, time.Hour + time.Second},
		{"none", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
				switch tc.header {
				case "":
				case "date": // written when answering, so that a slow run does not shorten it
					w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
				default:
					w.Header().Set("Retry-After", tc.header)
				}
				w.WriteHeader(http.StatusTooManyRequests)
			})
			c := p.client(t, WithRetry(RetryPolicy{MaxRetries: 0}))
			_, err := c.do(t.Context(), getCall("/x"), nil)
			var rl *RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.ErrorIs(t, err, ErrRateLimited)
			assert.Equal(t, 429, rl.StatusCode)
			assert.GreaterOrEqual(t, rl.RetryAfter, tc.min)
			assert.LessOrEqual(t, rl.RetryAfter, tc.max)
		})
	}
}

func TestWAFForbiddenVersusAPIForbidden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, contentType, body string
		waf                     bool
	}{
		{"html", "text/html", "<html><h1>403 Forbidden</h1></html>", true},
		{"empty", "", "", true},
		{"loopback", "application/json", loopbackError(403, "Error", "not your customer"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, tc.body)
			})
			c := p.client(t, WithRetry(RetryPolicy{MaxRetries: 0}))
			_, err := c.do(t.Context(), getCall("/x"), nil)
			if tc.waf {
				var rl *RateLimitError
				assert.ErrorAs(t, err, &rl)
				assert.ErrorIs(t, err, ErrRateLimited)
				assert.NotErrorIs(t, err, ErrForbidden)
				return
			}
			assert.ErrorIs(t, err, ErrForbidden)
			assert.NotErrorIs(t, err, ErrRateLimited)
		})
	}
}

func TestCancelDuringBackoffReturnsAtOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	answered := make(chan struct{}, 1)
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
		answered <- struct{}{}
	})
	c := p.client(t, WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Hour, MaxWait: time.Hour}))
	go func() {
		<-answered
		cancel()
	}()
	start := time.Now()
	_, err := c.do(ctx, getCall("/x"), nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1, p.apiCalls.Load())
	// The backoff was an hour: returning at all shows the sleep ended with the context.
	assert.Less(t, time.Since(start), 30*time.Minute)
}

func TestHTTPRefusedForNonLoopbackHost(t *testing.T) {
	t.Parallel()
	ts := WithTokenSource(staticTokens("t"))
	_, err := NewClient(WithBaseURL("http://plume.example.com/api"), ts)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "BaseURL", verr.Field)

	for _, u := range []string{"http://127.0.0.1:8080/api", "http://localhost/api", "http://[::1]:9/api", "http://127.8.9.10/api"} {
		_, err := NewClient(WithBaseURL(u), ts)
		assert.NoError(t, err, u)
	}
	_, err = NewClient(WithInsecureHTTP(), WithBaseURL("http://plume.example.com/api"), ts)
	assert.NoError(t, err, "WithInsecureHTTP allows it, in any option order")

	_, err = NewClient(WithBaseURL("https://plume.example.com/api"),
		WithCredentials(Credentials{TokenURL: "http://sso.example.com/v1/token", ClientID: "a", ClientSecret: "b", PartnerID: "p"}))
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "TokenURL", verr.Field)
}

func TestNoAuthorizationAfterCrossHostRedirect(t *testing.T) {
	t.Parallel()
	var gotAuth atomic.Value
	gotAuth.Store("unset")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(other.Close)
	// The same loopback server under another host name is another host.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+"/elsewhere", http.StatusFound)
	})
	c := p.client(t)
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.Equal(t, "", gotAuth.Load())
}

func TestLimiterWaitsForEveryAttemptAndTokenFetch(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	})
	lim := &countingLimiter{}
	c := p.client(t, WithRateLimiter(lim))
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 3, lim.n.Load(), "token fetch + first attempt + retry")
}

type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error { l.n.Add(1); return ctx.Err() }

func TestDefaultLimiterHoldsSixPerSecond(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t, WithRateLimit(DefaultRateLimit, DefaultBurst))
	// With a burst of 6 and 6/s, 8 requests cannot all pass before a quarter second: show it
	// through the limiter's own reservation, not the clock.
	for range 6 {
		_, err := c.do(t.Context(), getCall("/x"), nil)
		require.NoError(t, err)
	}
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(50*time.Millisecond))
	defer cancel()
	_, err := c.do(ctx, getCall("/x"), nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the seventh request must wait past 50 ms")
	assert.Len(t, m.requests(), 6)
}

func TestResponseBodyIsCapped(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"name":"`+strings.Repeat("x", 4096)+`"}`)
	})
	c := p.client(t, WithMaxResponseBytes(1024))
	_, err := c.do(t.Context(), getCall("/x"), nil)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestErrorCarriesPathRequestIDAndLoopBackFields(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(404, loopbackError(404, "NotFoundError", "Unknown location"))
	m.header = http.Header{"X-Amzn-Requestid": {"req-42"}}
	_, err := c.do(t.Context(), &request{op: "Locations.Get", method: "GET", path: buildPath("Customers", "c/1", "locations", "l?2")}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/api/Customers/c%2F1/locations/l%3F2", apiErr.Path)
	assert.Equal(t, "GET", apiErr.Method)
	assert.Equal(t, "NotFoundError", apiErr.Name)
	assert.Equal(t, "Unknown location", apiErr.Message)
	assert.Equal(t, "req-42", apiErr.RequestID)
	assert.Contains(t, apiErr.Error(), "Locations.Get")
	assert.Contains(t, apiErr.Error(), "404")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "/api/Customers/c%2F1/locations/l%3F2", m.only().Path)
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const wifiKey = "wifi-key-Secret-123"
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var issued string
	p := newPipeline(t, nil)
	p.api = func(w http.ResponseWriter, r *http.Request) {
		issued = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"error":{"statusCode":422,"name":"ValidationError","message":"bad key %s for token %s and %s","details":{"encryptionKey":%q,"password":"hunter2-hunter2"}}}`,
			wifiKey, issued, basicHeader(testClientID, testClientSecret), wifiKey)
	}
	c := p.client(t, WithLogger(logger))
	_, err := c.do(t.Context(), &request{op: "WifiNetworks.Create", method: "POST", path: "/x", body: map[string]string{"encryptionKey": wifiKey}, secrets: []string{wifiKey}}, nil)
	require.Error(t, err)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	require.NotEmpty(t, issued)

	secrets := []string{wifiKey, issued, testClientSecret, basicHeader(testClientID, testClientSecret), "hunter2-hunter2"}
	texts := []string{err.Error(), apiErr.Message, string(apiErr.Body), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", apiErr), logs.String()}
	for _, s := range secrets {
		for _, text := range texts {
			assert.NotContains(t, text, s)
		}
	}
	assert.Contains(t, logs.String(), `"status":422`)
	assert.Contains(t, logs.String(), `"attempt":1`)
	assert.Contains(t, logs.String(), `"method":"POST"`)
}

func TestDebugLogRecordsEachAttempt(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var calls atomic.Int64
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", fmt.Sprintf("rid-%d", calls.Add(1)))
		if calls.Load() == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	})
	c := p.client(t, WithLogger(logger))
	_, err := c.do(t.Context(), getCall("/Customers/abc"), nil)
	require.NoError(t, err)
	out := logs.String()
	assert.Contains(t, out, `"path":"/api/Customers/abc","attempt":1`)
	assert.Contains(t, out, `"status":502,"request_id":"rid-1"`)
	assert.Contains(t, out, `"attempt":2`)
	assert.Contains(t, out, `"request_id":"rid-2"`)
	assert.NotContains(t, out, "Bearer")
}

// staticTokens is a token source that always answers the same token.
type staticTokens string

func newStaticClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithBaseURL(testBase), WithTokenSource(staticTokens(testToken)), WithRateLimit(math.Inf(1), 1)}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// clockLimiter lets every wait through and runs onWait with the wait's number (1-based).
type clockLimiter struct {
	n      atomic.Int64
	onWait func(n int64)
}

func (l *clockLimiter) Wait(ctx context.Context) error {
	l.onWait(l.n.Add(1))
	return ctx.Err()
}

func TestTokenExpiringDuringTheLimiterWaitIsReplacedBeforeSending(t *testing.T) {
	t.Parallel()
	var gotAuth atomic.Value
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{}`)
	})
	p.tokenTTL = 60
	var mu sync.Mutex
	now := time.Now()
	lim := &clockLimiter{onWait: func(n int64) {
		if n == 2 { // the API attempt's wait: a long queue, the token runs out meanwhile
			mu.Lock()
			now = now.Add(58 * time.Second)
			mu.Unlock()
		}
	}}
	c := p.client(t, WithRateLimiter(lim))
	c.tokens.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, p.tokenCalls.Load(), "the token taken before the wait was replaced after it")
	assert.Equal(t, "Bearer "+p.issued[1], gotAuth.Load())
	assert.EqualValues(t, 1, p.apiCalls.Load(), "no 401 round trip")
}
