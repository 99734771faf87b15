package plumeotel_test

import (
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/plumecloud/plume-go"
	plumeotel "github.com/plumecloud/plume-go/otel"
	"github.com/plumecloud/plume-go/plumetest"
)

// harness is a client against plumetest observed through an in-memory span recorder and a
// manual metric reader.
type harness struct {
	srv     *plumetest.Server
	client  *plume.Client
	spans   *tracetest.SpanRecorder
	tp      *sdktrace.TracerProvider
	metrics *sdkmetric.ManualReader
}

func newHarness(t *testing.T, opts ...plumetest.Option) *harness {
	t.Helper()
	h := &harness{srv: plumetest.NewServer(t, opts...), spans: tracetest.NewSpanRecorder(), metrics: sdkmetric.NewManualReader()}
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.metrics))
	h.client = h.srv.Client(
		plume.WithObserver(plumeotel.NewObserver(plumeotel.WithTracerProvider(h.tp), plumeotel.WithMeterProvider(mp))),
		plume.WithRateLimit(math.Inf(1), 1),
		plume.WithRetry(plume.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
	)
	return h
}

func (h *harness) ended() []sdktrace.ReadOnlySpan { return h.spans.Ended() }

func (h *harness) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range h.ended() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no span %q", name)
	return nil
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	out := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		out[kv.Key] = kv.Value
	}
	return out
}

// sum returns the total of an Int64 counter, filtered by an attribute when key is not "".
func (h *harness) sum(t *testing.T, name string, key attribute.Key, value string) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, h.metrics.Collect(t.Context(), &rm))
	var total int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				if v, ok := dp.Attributes.Value(key); key == "" || ok && v.String() == value {
					total += dp.Value
				}
			}
		}
	}
	return total
}

func (h *harness) histogramCount(t *testing.T, name string) uint64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, h.metrics.Collect(t.Context(), &rm))
	var n uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
					n += dp.Count
				}
			}
		}
	}
	return n
}

func TestSpanPerOperationWithAttemptsAndTokenFetch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.AddGateways("GW0001")
	ctx, parent := h.tp.Tracer("test").Start(t.Context(), "caller")
	reg, err := h.client.Customers.Register(ctx, plume.RegisterRequest{AccountID: "acct-000001", Email: "ada@example.com"})
	require.NoError(t, err)
	h.srv.InjectFault(plumetest.Fault{Method: "GET", Path: "/api/Customers/*/locations/*/nodes", Status: 503, Times: 1})
	_, err = h.client.Nodes.List(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	parent.End()

	register := h.span(t, "Customers.Register")
	assert.Equal(t, parent.SpanContext().SpanID(), register.Parent().SpanID(), "the caller's span is the parent")
	a := attrs(register)
	assert.Equal(t, "/Customers/register", a["url.template"].AsString())
	assert.Equal(t, "POST", a["http.request.method"].AsString())
	assert.EqualValues(t, 200, a["http.response.status_code"].AsInt64())

	token := h.span(t, "plume.token")
	assert.Equal(t, register.SpanContext().SpanID(), token.Parent().SpanID(), "the token fetch is a child of the operation that needed it")

	list := h.span(t, "Nodes.List")
	assert.Equal(t, "/Customers/{id}/locations/{locationId}/nodes", attrs(list)["url.template"].AsString())
	assert.EqualValues(t, 2, attrs(list)["plume.attempts"].AsInt64())
	var tries []sdktrace.ReadOnlySpan
	for _, s := range h.ended() {
		if s.Name() == "HTTP GET" && s.Parent().SpanID() == list.SpanContext().SpanID() {
			tries = append(tries, s)
		}
	}
	require.Len(t, tries, 2, "one child span per attempt")
	assert.EqualValues(t, 503, attrs(tries[0])["http.response.status_code"].AsInt64())
	assert.Equal(t, codes.Error, tries[0].Status().Code)
	assert.EqualValues(t, 1, attrs(tries[1])["http.request.resend_count"].AsInt64())
	assert.Equal(t, "status 503", attrs(tries[1])["plume.retry.reason"].AsString())

	assert.EqualValues(t, 1, h.sum(t, "plume.client.retries", "plume.retry.reason", "status 503"))
	assert.EqualValues(t, 1, h.sum(t, "plume.client.token.fetches", "", ""))
	assert.EqualValues(t, 4, h.sum(t, "plume.client.attempts", "", ""), "token, register, and the list twice")
	assert.EqualValues(t, 2, h.histogramCount(t, "plume.client.operation.duration"))
	assert.EqualValues(t, 4, h.histogramCount(t, "plume.client.rate_limiter.wait"))

	for _, s := range h.ended() {
		for _, kv := range s.Attributes() {
			v := kv.Value.String()
			assert.False(t, strings.Contains(v, reg.ID), "no customer id in %s %s", s.Name(), kv.Key)
			assert.NotContains(t, v, reg.LocationID)
			assert.False(t, strings.Contains(v, h.srv.Credentials().ClientSecret), "a secret leaked")
		}
	}
}

func TestWAFBlockAndTokenRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t, plumetest.WithWAF(3, time.Hour))
	_, _ = h.client.Customers.List(t.Context(), nil) // a token fetch and one call
	// Past the WAF's quota every answer is its HTML 403.
	var err error
	for range 3 {
		_, err = h.client.Customers.List(t.Context(), nil)
	}
	require.ErrorIs(t, err, plume.ErrRateLimited)
	assert.Positive(t, h.sum(t, "plume.client.waf.blocks", "", ""))
	var blocked sdktrace.ReadOnlySpan
	for _, s := range h.ended() {
		if s.Name() == "Customers.List" && attrs(s)["error.type"].AsString() == "rate_limited" {
			blocked = s
		}
	}
	require.NotNil(t, blocked, "a Customers.List span ended rate_limited")
	assert.Equal(t, codes.Error, blocked.Status().Code)
	assert.True(t, strings.Contains(attrs(blocked)["url.template"].AsString(), "/Customers"))
}

func TestTokenRefreshAfter401(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	h := newHarness(t, plumetest.WithTokenTTL(time.Hour), plumetest.WithClock(func() time.Time { return time.Unix(0, now.Load()) }))
	_, err := h.client.Customers.List(t.Context(), nil)
	require.NoError(t, err)
	now.Add(int64(2 * time.Hour)) // the fake's token has expired; the client's clock does not know: a 401
	_, err = h.client.Customers.List(t.Context(), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, h.sum(t, "plume.client.token.fetches", "", ""))
	assert.EqualValues(t, 1, h.sum(t, "plume.client.retries", "plume.retry.reason", "token refresh"))
	var refreshed int
	for _, s := range h.ended() {
		if s.Name() == "HTTP GET" && attrs(s)["plume.retry.reason"].AsString() == "token refresh" {
			refreshed++
		}
	}
	assert.Equal(t, 1, refreshed)
}
