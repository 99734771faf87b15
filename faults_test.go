package plume_test

// faults_test.go: server faults injected at the fake cloud (plumetest: InjectFault, WithWAF,
// WithTokenTTL) and what the SDK makes of each, whatever the method: 5xx storms, 429 and
// Retry-After, the WAF's window, a 403 of the API that is not the WAF, token endpoint
// failures, answers cut short, malformed, past the size cap or of the wrong content type, a
// 401 that never ends, an answer lost after its write applied. Every outcome is asserted on
// the error returned, on the requests that reached the fake (RequestCount) and on the fake's
// state; a new fault the fake can inject gets its case here.
//
// Not here: the retry and rate-limit rules over a bare loopback server (client_test.go); a
// method's documented statuses mapped to its sentinels (the service's _test.go, httpmock); a
// flow resuming after a failed step (flows_test.go); secrets in the resulting errors
// (secrets_test.go); the network faults (resets, stalls, slow links), in the reliability/
// module through toxiproxy.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Routes as the fake counts them.
const (
	routeGetCustomer = "GET /Customers/{id}"
	routeRegister    = "POST /Customers/register"
	routeClaim       = "POST /Customers/{id}/locations/{id}/nodes"
	routeUnclaim     = "DELETE /Customers/{id}/locations/{id}/nodes/{id}"
	routePatchLoc    = "PATCH /Customers/{id}/locations/{id}"
	tokenPath        = "/oauth2/default/v1/token"
)

// faultRetries is the retry budget of the fault tests: 1 + 2 attempts, waits of a few ms.
var faultRetries = plume.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

// faultSetup is a fake with one registered customer, a gateway claimed at its location, a pod
// in inventory, and a client with the fault retry budget and no client-side rate limit.
type faultSetup struct {
	srv        *plumetest.Server
	client     *plume.Client
	customerID string
	locationID string
}

func newFaultSetup(t *testing.T, srvOpts []plumetest.Option, opts ...plume.Option) *faultSetup {
	t.Helper()
	srv := plumetest.NewServer(t, srvOpts...)
	srv.AddGateways("GW0001")
	srv.AddInventory("POD001")
	c := srv.Client(append([]plume.Option{plume.WithRateLimit(math.Inf(1), 1), plume.WithRetry(faultRetries)}, opts...)...)
	reg, err := c.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-fault-1", Email: "fault@example.com"})
	require.NoError(t, err)
	_, err = c.Nodes.Claim(t.Context(), reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW0001"})
	require.NoError(t, err)
	srv.ResetCounts()
	return &faultSetup{srv: srv, client: c, customerID: reg.ID, locationID: reg.LocationID}
}

func (f *faultSetup) inject(t *testing.T, fault plumetest.Fault) {
	t.Helper()
	require.NoError(t, f.srv.InjectFault(fault))
}

func (f *faultSetup) customerPath() string { return "/api/Customers/" + f.customerID }

// customersWithAccount counts the stored customers carrying accountID.
func customersWithAccount(srv *plumetest.Server, accountID string) int {
	n := 0
	for _, c := range srv.Customers() {
		if c.AccountID == accountID {
			n++
		}
	}
	return n
}

func TestServerErrorStorms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		status   int
		times    int
		attempts int
		ok       bool
	}{
		{"503 twice then ok", 503, 2, 3, true},
		{"500 storm", 500, 10, 3, false},
		{"502 storm", 502, 10, 3, false},
		{"504 storm", 504, 10, 3, false},
		{"501 is not retried", 501, 10, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFaultSetup(t, nil)
			f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: tc.status, Times: tc.times})
			cu, err := f.client.Customers.Get(t.Context(), f.customerID)
			assert.Equal(t, tc.attempts, f.srv.RequestCount(routeGetCustomer), "attempts")
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, f.customerID, cu.ID)
				return
			}
			var apiErr *plume.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.ErrorIs(t, err, plume.ErrServer)
			assert.Equal(t, "GET", apiErr.Method)
			assert.Equal(t, f.customerPath(), apiErr.Path)
		})
	}
}

func TestServerErrorStormOnPostsSendsEachOnce(t *testing.T) {
	t.Parallel()
	f := newFaultSetup(t, nil)
	f.inject(t, plumetest.Fault{Method: "POST", Status: 503, Times: 10})

	_, err := f.client.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-storm-1"})
	assert.ErrorIs(t, err, plume.ErrServer)
	_, err = f.client.Nodes.Claim(t.Context(), f.customerID, f.locationID, plume.ClaimRequest{SerialNumber: "POD001"})
	assert.ErrorIs(t, err, plume.ErrClaimIncomplete, "a claim answered 503 may have applied")
	assert.ErrorIs(t, err, plume.ErrServer)

	assert.Equal(t, 1, f.srv.RequestCount(routeRegister))
	assert.Equal(t, 1, f.srv.RequestCount(routeClaim))
	assert.Zero(t, customersWithAccount(f.srv, "crm-storm-1"))
	assert.Equal(t, 1, f.srv.Licenses(), "the gateway only")
}

func TestTooManyRequestsRetryAfter(t *testing.T) {
	t.Parallel()
	t.Run("seconds are honoured", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil, plume.WithRetry(plume.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Second}))
		f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: 429, Header: http.Header{"Retry-After": {"1"}}})
		start := time.Now()
		_, err := f.client.Customers.Get(t.Context(), f.customerID)
		require.NoError(t, err)
		assert.Equal(t, 2, f.srv.RequestCount(routeGetCustomer))
		// A lower bound only: the retry cannot come before the server's Retry-After.
		assert.GreaterOrEqual(t, time.Since(start), time.Second)
	})
	t.Run("seconds are capped by MaxWait", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil)
		f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: 429, Header: http.Header{"Retry-After": {"3600"}}})
		_, err := f.client.Customers.Get(t.Context(), f.customerID)
		require.NoError(t, err, "an hour's Retry-After is cut to MaxWait (5 ms)")
		assert.Equal(t, 2, f.srv.RequestCount(routeGetCustomer))
	})
	t.Run("POST is retried on 429", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil)
		f.inject(t, plumetest.Fault{Method: "POST", Path: "/api/Customers/register", Status: 429, Header: http.Header{"Retry-After": {"0"}}})
		_, err := f.client.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-429-01"})
		require.NoError(t, err)
		assert.Equal(t, 2, f.srv.RequestCount(routeRegister))
		assert.Equal(t, 1, customersWithAccount(f.srv, "crm-429-01"))
	})
	for _, tc := range []struct {
		name     string
		value    func() string
		min, max time.Duration
	}{
		{"seconds reported", func() string { return "120" }, 120 * time.Second, 120 * time.Second},
		// An HTTP date has a resolution of one second.
		{"http-date reported", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }, time.Hour - time.Minute, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFaultSetup(t, nil, plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
			f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: 429, Header: http.Header{"Retry-After": {tc.value()}}})
			_, err := f.client.Customers.Get(t.Context(), f.customerID)
			var rl *plume.RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.ErrorIs(t, err, plume.ErrRateLimited)
			assert.NotErrorIs(t, err, plume.ErrForbidden)
			assert.Equal(t, 429, rl.StatusCode)
			assert.GreaterOrEqual(t, rl.RetryAfter, tc.min)
			assert.LessOrEqual(t, rl.RetryAfter, tc.max)
			assert.Equal(t, 1, f.srv.RequestCount(routeGetCustomer))
		})
	}
}

func TestWAFWindowExhausted(t *testing.T) {
	t.Parallel()
	// A quota of 4 API requests an hour: the setup spends 2 (register, claim).
	f := newFaultSetup(t, []plumetest.Option{plumetest.WithWAF(4, time.Hour)})
	for range 2 {
		_, err := f.client.Customers.Get(t.Context(), f.customerID)
		require.NoError(t, err)
	}
	_, err := f.client.Customers.Get(t.Context(), f.customerID)
	var rl *plume.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, http.StatusForbidden, rl.StatusCode)
	assert.ErrorIs(t, err, plume.ErrRateLimited)
	assert.NotErrorIs(t, err, plume.ErrForbidden)
	assert.Equal(t, 2+3, f.srv.RequestCount(routeGetCustomer), "the WAF's 403 is retried: 1 + 2 attempts")

	// A POST blocked by the WAF provably did not reach the API: it is retried, and applies nowhere.
	_, err = f.client.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-waf-01"})
	assert.ErrorIs(t, err, plume.ErrRateLimited)
	assert.Equal(t, 3, f.srv.RequestCount(routeRegister))
	assert.Zero(t, customersWithAccount(f.srv, "crm-waf-01"))
	assert.Zero(t, f.srv.TokenFetches(), "the token endpoint is not behind the API's WAF")
}

func TestAPIForbiddenIsNotRateLimited(t *testing.T) {
	t.Parallel()
	f := newFaultSetup(t, nil)
	f.srv.AddPartner(plumetest.DefaultPartnerID, true)
	_, err := f.client.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-lock-1"})
	assert.ErrorIs(t, err, plume.ErrPartnerLocked)
	assert.ErrorIs(t, err, plume.ErrForbidden)
	assert.NotErrorIs(t, err, plume.ErrRateLimited)
	assert.Equal(t, 1, f.srv.RequestCount(routeRegister), "the API's JSON 403 is not retried")
}

func TestTokenEndpointFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		fault   plumetest.Fault
		ctx     time.Duration // a deadline for the call, when not 0
		fetches int           // token requests that reached the fake
		check   func(t *testing.T, err error)
	}{
		{"down (connection dropped)", plumetest.Fault{Drop: true, Times: 10}, 0, 3, func(t *testing.T, err error) {
			var authErr *plume.AuthError
			assert.False(t, errors.As(err, &authErr), "not a refusal: no answer came")
			assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isConnReset(err), "%v", err)
		}},
		{"slow", plumetest.Fault{Delay: time.Minute}, 200 * time.Millisecond, 1, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		}},
		{"answering 500", plumetest.Fault{Status: 500, Times: 10}, 0, 3, func(t *testing.T, err error) {
			var authErr *plume.AuthError
			require.ErrorAs(t, err, &authErr)
			assert.Equal(t, 500, authErr.StatusCode)
			assert.ErrorIs(t, err, plume.ErrAuth)
			assert.ErrorIs(t, err, plume.ErrServer)
		}},
		{"answering 500 once", plumetest.Fault{Status: 500}, 0, 2, func(t *testing.T, err error) {
			assert.NoError(t, err, "the token request is safe to repeat")
		}},
		{"invalid JSON", plumetest.Fault{Status: 200, Body: "not json"}, 0, 1, func(t *testing.T, err error) {
			var authErr *plume.AuthError
			require.ErrorAs(t, err, &authErr)
			assert.Equal(t, 200, authErr.StatusCode)
			assert.ErrorIs(t, err, plume.ErrAuth)
		}},
		{"truncated", plumetest.Fault{Truncate: true}, 0, 2, func(t *testing.T, err error) {
			assert.NoError(t, err, "a token answer cut short is fetched again")
		}},
		{"refusing the client", plumetest.Fault{Status: 401, Body: `{"error":"invalid_client","error_description":"Client authentication failed."}`}, 0, 1, func(t *testing.T, err error) {
			var authErr *plume.AuthError
			require.ErrorAs(t, err, &authErr)
			assert.Equal(t, "invalid_client", authErr.Code)
			assert.ErrorIs(t, err, plume.ErrAuth)
			assert.NotErrorIs(t, err, plume.ErrServer)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := plumetest.NewServer(t)
			c := srv.Client(plume.WithRateLimit(math.Inf(1), 1), plume.WithRetry(faultRetries))
			fault := tc.fault
			fault.Method, fault.Path = "POST", tokenPath
			require.NoError(t, srv.InjectFault(fault))
			ctx := t.Context()
			if tc.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctx)
				defer cancel()
			}
			_, err := c.Customers.List(ctx, nil)
			tc.check(t, err)
			assert.Equal(t, tc.fetches, srv.RequestCount(plumetest.TokenRoute), "token requests")
			if err != nil {
				assert.Zero(t, srv.TotalRequests(), "no API request without a token")
			}
		})
	}
}

func TestTokenEndpointRefusingConnections(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedURL := "http://" + ln.Addr().String() + tokenPath
	require.NoError(t, ln.Close())

	srv := plumetest.NewServer(t)
	creds := srv.Credentials()
	creds.TokenURL = closedURL
	c, err := plume.NewClient(plume.WithBaseURL(srv.URL), plume.WithCredentials(creds),
		plume.WithRateLimit(math.Inf(1), 1), plume.WithRetry(faultRetries))
	require.NoError(t, err)
	_, err = c.Customers.List(t.Context(), nil)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr)
	assert.Equal(t, "dial", opErr.Op)
	assert.Zero(t, srv.TotalRequests())
}

func TestTruncatedAnswers(t *testing.T) {
	t.Parallel()
	t.Run("GET cut once is retried", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil)
		f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Truncate: true})
		cu, err := f.client.Customers.Get(t.Context(), f.customerID)
		require.NoError(t, err)
		assert.Equal(t, f.customerID, cu.ID)
		assert.Equal(t, 2, f.srv.RequestCount(routeGetCustomer))
	})
	t.Run("GET cut every time", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil)
		f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Truncate: true, Times: 10})
		_, err := f.client.Customers.Get(t.Context(), f.customerID)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, 3, f.srv.RequestCount(routeGetCustomer))
	})
	t.Run("register cut is not sent again", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil)
		f.inject(t, plumetest.Fault{Method: "POST", Path: "/api/Customers/register", Truncate: true})
		_, err := f.client.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-cut-01"})
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, 1, f.srv.RequestCount(routeRegister))
		assert.Equal(t, 1, customersWithAccount(f.srv, "crm-cut-01"), "the register applied once")

		_, err = f.client.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-cut-01"})
		assert.ErrorIs(t, err, plume.ErrDuplicateAccount, "running it again finds it, and creates nothing")
		assert.Equal(t, 1, customersWithAccount(f.srv, "crm-cut-01"))
	})
	t.Run("claim cut is not sent again", func(t *testing.T) {
		t.Parallel()
		f := newFaultSetup(t, nil)
		f.inject(t, plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Truncate: true})
		_, err := f.client.Nodes.Claim(t.Context(), f.customerID, f.locationID, plume.ClaimRequest{SerialNumber: "POD001"})
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, 1, f.srv.RequestCount(routeClaim))
		assert.Equal(t, 2, f.srv.Licenses(), "gateway and pod, each once")

		res, err := f.client.Nodes.Claim(t.Context(), f.customerID, f.locationID, plume.ClaimRequest{SerialNumber: "POD001"})
		require.NoError(t, err)
		assert.True(t, res.AlreadyClaimed)
		assert.Equal(t, 2, f.srv.Licenses())
	})
}

func TestMalformedAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		check      func(t *testing.T, err error)
	}{
		{"cut JSON", `{"id":"abc","accountId":`, func(t *testing.T, err error) {
			var syntax *json.SyntaxError
			assert.ErrorAs(t, err, &syntax)
		}},
		{"wrong JSON type", `{"id":5}`, func(t *testing.T, err error) {
			var typeErr *json.UnmarshalTypeError
			assert.ErrorAs(t, err, &typeErr)
		}},
		{"not JSON", `<html><body>Service Unavailable</body></html>`, func(t *testing.T, err error) {
			var syntax *json.SyntaxError
			assert.ErrorAs(t, err, &syntax)
		}},
		{"array for an object", `[1,2,3]`, func(t *testing.T, err error) {
			var typeErr *json.UnmarshalTypeError
			assert.ErrorAs(t, err, &typeErr)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFaultSetup(t, nil)
			f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: 200, Body: tc.body, Times: 10})
			cu, err := f.client.Customers.Get(t.Context(), f.customerID)
			require.Error(t, err)
			assert.Nil(t, cu)
			assert.Contains(t, err.Error(), "Customers.Get")
			assert.Contains(t, err.Error(), "decoding response")
			tc.check(t, err)
			assert.Equal(t, 1, f.srv.RequestCount(routeGetCustomer), "a 200 that does not decode is not retried")
		})
	}
}

func TestBodiesPastTheCap(t *testing.T) {
	t.Parallel()
	f := newFaultSetup(t, nil, plume.WithMaxResponseBytes(4096))
	big := `{"id":"c1","name":"` + strings.Repeat("x", 8192) + `"}`
	f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: 200, Body: big})
	_, err := f.client.Customers.Get(t.Context(), f.customerID)
	assert.ErrorIs(t, err, plume.ErrResponseTooLarge)
	assert.Equal(t, 1, f.srv.RequestCount(routeGetCustomer), "too large is not a reason to ask again")

	f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: 404, Body: big})
	_, err = f.client.Customers.Get(t.Context(), f.customerID)
	assert.ErrorIs(t, err, plume.ErrResponseTooLarge, "error bodies are capped too")

	cu, err := f.client.Customers.Get(t.Context(), f.customerID)
	require.NoError(t, err, "an answer under the cap still passes")
	assert.Equal(t, f.customerID, cu.ID)
}

func TestWrongContentTypes(t *testing.T) {
	t.Parallel()
	lb403 := `{"error":{"statusCode":403,"name":"Error","message":"not your customer"}}`
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		check       func(t *testing.T, cu *plume.Customer, err error)
	}{
		{"JSON labelled text/plain is read", 200, "text/plain", `{"id":"c1","accountId":"a1"}`, func(t *testing.T, cu *plume.Customer, err error) {
			require.NoError(t, err)
			assert.Equal(t, "c1", cu.ID)
		}},
		{"HTML labelled JSON is an error", 200, "application/json", `<!DOCTYPE html><html></html>`, func(t *testing.T, cu *plume.Customer, err error) {
			var syntax *json.SyntaxError
			assert.ErrorAs(t, err, &syntax)
		}},
		{"LoopBack 403 labelled HTML is the API's", 403, "text/html", lb403, func(t *testing.T, cu *plume.Customer, err error) {
			assert.ErrorIs(t, err, plume.ErrForbidden)
			assert.NotErrorIs(t, err, plume.ErrRateLimited)
		}},
		{"HTML 403 labelled JSON is the WAF", 403, "application/json", `<html>blocked</html>`, func(t *testing.T, cu *plume.Customer, err error) {
			assert.ErrorIs(t, err, plume.ErrRateLimited)
			assert.NotErrorIs(t, err, plume.ErrForbidden)
		}},
		{"HTML 500 keeps its status", 500, "text/html", `<html>oops</html>`, func(t *testing.T, cu *plume.Customer, err error) {
			var apiErr *plume.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 500, apiErr.StatusCode)
			assert.Empty(t, apiErr.Message)
			assert.Equal(t, `<html>oops</html>`, string(apiErr.Body))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFaultSetup(t, nil, plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
			f.inject(t, plumetest.Fault{Method: "GET", Path: f.customerPath(), Status: tc.status, Body: tc.body, Header: http.Header{"Content-Type": {tc.contentType}}})
			cu, err := f.client.Customers.Get(t.Context(), f.customerID)
			tc.check(t, cu, err)
		})
	}
}

func TestUnauthorizedForever(t *testing.T) {
	t.Parallel()
	f := newFaultSetup(t, nil)
	fetched := f.srv.TokenFetches()
	f.inject(t, plumetest.Fault{Method: "GET", Status: 401, Times: 100})
	_, err := f.client.Customers.Get(t.Context(), f.customerID)
	var apiErr *plume.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 401, apiErr.StatusCode)
	assert.ErrorIs(t, err, plume.ErrUnauthorized)
	assert.Equal(t, 2, f.srv.RequestCount(routeGetCustomer), "the call and one retry")
	assert.Equal(t, fetched+1, f.srv.TokenFetches(), "exactly one refresh")
}

func TestUnclaimForRMAWhoseAnswerIsLost(t *testing.T) {
	t.Parallel()
	// The DELETE applies, its answer never arrives, the retry finds the location without
	// nodes (404): the node is unclaimed all the same, and the flow must say so.
	f := newFaultSetup(t, nil)
	f.inject(t, plumetest.Fault{Method: "DELETE", Drop: true, AfterState: true})
	res, err := f.client.UnclaimForRMA(t.Context(), "GW0001")
	require.NoError(t, err)
	assert.Equal(t, "GW0001", res.Serial)
	assert.Equal(t, 2, f.srv.RequestCount(routeUnclaim))
	node, ok := f.srv.Node("GW0001")
	require.True(t, ok)
	assert.Empty(t, node.LocationID)
	assert.Zero(t, f.srv.Licenses())
}

// isConnReset reports whether err is a connection reset, as a dropped connection may read.
func isConnReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}
