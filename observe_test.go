package plume

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRouteOf(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/Customers/c1":                                                  "/Customers/{id}",
		"/Customers/register":                                            "/Customers/register",
		"/Customers/exists":                                              "/Customers/exists",
		"/Customers/c1/locations":                                        "/Customers/{id}/locations",
		"/Customers/c1/locations/l1/nodes/GW1/reboot":                    "/Customers/{id}/locations/{locationId}/nodes/{nodeId}/reboot",
		"/Customers/reboot/locations/nodes/nodes/x":                      "/Customers/{id}/locations/{locationId}/nodes/{nodeId}",
		"/Customers/c1/locations/l1/devices/aa%3Abb/freeze/forever":      "/Customers/{id}/locations/{locationId}/devices/{mac}/freeze/forever",
		"/Customers/c1/locations/l1/devices/aa/freeze/t-1":               "/Customers/{id}/locations/{locationId}/devices/{mac}/freeze/{freezeTemplateId}",
		"/Customers/c1/locations/l1/wifiNetwork/accessZones/home/keys/3": "/Customers/{id}/locations/{locationId}/wifiNetwork/accessZones/{zoneId}/keys/{keyId}",
		"/Customers/c1/locations/l1/networkConfiguration/dhcpReservations/aa/portForward/8080": "/Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}/portForward/{externalPort}",
		"/Partners/customers/search/Ada%20Lovelace":                                            "/Partners/customers/search/{keyword}",
		"/Partners/nodes/GW1": "/Partners/nodes/{nodeId}",
		"/Customers/c1/locations/l1/nodes/n1/alerts/poorHealth": "/Customers/{id}/locations/{locationId}/nodes/{nodeId}/alerts/{type}",
		"/Customers/c1/locations/l1/secret-key-value":           "/Customers/{id}/locations/{locationId}/{id}",
	}
	for path, want := range cases {
		assert.Equal(t, want, routeOf(path), path)
	}
}

// recorder is an Observer that records every call as a line.
type recorder struct {
	mu     sync.Mutex
	events []string
	ends   []OperationResult
}

type ctxMark struct{}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
}

func (r *recorder) observer() *Observer {
	return &Observer{
		OperationStart: func(ctx context.Context, op Operation) context.Context {
			r.add("start %s %s %s", op.Name, op.Method, op.Route)
			return context.WithValue(ctx, ctxMark{}, op.Name)
		},
		OperationEnd: func(ctx context.Context, op Operation, res OperationResult) {
			r.add("end %s status=%d kind=%s attempts=%d marked=%v", op.Name, res.StatusCode, res.ErrorKind, res.Attempts, ctx.Value(ctxMark{}) == op.Name)
			r.mu.Lock()
			r.ends = append(r.ends, res)
			r.mu.Unlock()
		},
		Attempt: func(ctx context.Context, op Operation, a Attempt) {
			r.add("attempt %s #%d status=%d reason=%q marked=%v", op.Name, a.Number, a.StatusCode, a.RetryReason, op.Name == "token" || ctx.Value(ctxMark{}) == op.Name)
		},
		LimiterWait: func(ctx context.Context, op Operation, w LimiterWait) {
			r.add("wait %s", op.Name)
		},
		TokenFetch: func(ctx context.Context, f TokenFetch) {
			r.add("token status=%d err=%q marked=%v", f.StatusCode, f.ErrorKind, ctx.Value(ctxMark{}) != nil)
		},
	}
}

func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func TestObserverSeesRetriesTokenFetchesAndWaits(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Request-Id", "req-7")
		_, _ = io.WriteString(w, `{"id":"c1"}`)
	})
	rec := &recorder{}
	c := p.client(t, WithObserver(rec.observer()))
	_, err := c.Customers.Get(t.Context(), "c1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"start Customers.Get GET /Customers/{id}",
		"wait token",
		"attempt token #1 status=200 reason=\"\" marked=true",
		"token status=200 err=\"\" marked=true",
		"wait Customers.Get",
		"attempt Customers.Get #1 status=503 reason=\"\" marked=true",
		"wait Customers.Get",
		"attempt Customers.Get #2 status=200 reason=\"status 503\" marked=true",
		"end Customers.Get status=200 kind= attempts=2 marked=true",
	}, rec.lines())
	require.Len(t, rec.ends, 1)
	assert.Equal(t, "req-7", rec.ends[0].RequestID)
	assert.Positive(t, rec.ends[0].Duration)
}

func TestObserverSeesATokenRefreshAndAWAFBlock(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"statusCode":401,"name":"Error","message":"expired"}}`)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `<html>Request blocked</html>`)
		}
	})
	rec := &recorder{}
	c := p.client(t, WithObserver(rec.observer()), WithRetry(RetryPolicy{MaxRetries: 1}))
	_, err := c.Nodes.Get(t.Context(), "c1", "l1", "GW1")
	require.ErrorIs(t, err, ErrRateLimited)
	lines := rec.lines()
	assert.Contains(t, lines, "attempt Nodes.Get #1 status=401 reason=\"\" marked=true")
	assert.Contains(t, lines, "attempt Nodes.Get #2 status=403 reason=\"token refresh\" marked=true")
	assert.Contains(t, lines, "attempt Nodes.Get #3 status=403 reason=\"WAF block\" marked=true")
	assert.Equal(t, "end Nodes.Get status=403 kind=rate_limited attempts=3 marked=true", lines[len(lines)-1])
	tokens := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "token ") {
			tokens++
		}
	}
	assert.Equal(t, 2, tokens, "the first token and the one after the 401")
}

// Nothing an observer is handed carries a secret, an id of the path or a query.
func TestObserverNeverSeesSecretsOrIDs(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"error":{"statusCode":422,"name":"Error","message":"bad key `+wifiFixtureKey+`"}}`)
	})
	var mu sync.Mutex
	var seen []string
	add := func(v ...any) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, fmt.Sprintf("%+v", v))
	}
	c := p.client(t, WithObserver(&Observer{
		OperationStart: func(ctx context.Context, op Operation) context.Context { add(op); return ctx },
		OperationEnd:   func(ctx context.Context, op Operation, res OperationResult) { add(op, res) },
		Attempt:        func(ctx context.Context, op Operation, a Attempt) { add(op, a) },
		LimiterWait:    func(ctx context.Context, op Operation, w LimiterWait) { add(op, w) },
		TokenFetch:     func(ctx context.Context, f TokenFetch) { add(f) },
	}))
	_, err := c.WifiNetworks.Create(t.Context(), "customer-4711", "location-0815", WifiNetworkRequest{SSID: "Home", EncryptionKey: wifiFixtureKey})
	require.ErrorIs(t, err, ErrValidation)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, seen)
	for _, s := range seen {
		for _, secret := range []string{wifiFixtureKey, testClientSecret, "customer-4711", "location-0815", "access-token-"} {
			assert.False(t, strings.Contains(s, secret), "a secret leaked")
		}
	}
}
