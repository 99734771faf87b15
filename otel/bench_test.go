package plumeotel_test

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
	plumeotel "github.com/plumecloud/plume-go/otel"
)

// BenchmarkOTelObserver makes Customers.Get with no observer and with the OpenTelemetry one
// (SDK tracer sampling every span into an in-memory recorder, SDK meter with a manual reader),
// alternately in every iteration, and reports on/off.
func BenchmarkOTelObserver(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"6418c49c0a1b2c3d4e5f6071","accountId":"crm-000001","name":"Ada","email":"ada@example.com","createdAt":"2026-01-02T03:04:05.000Z"}`)
	}))
	b.Cleanup(srv.Close)
	newClient := func(opts ...plume.Option) *plume.Client {
		c, err := plume.NewClient(append([]plume.Option{plume.WithBaseURL(srv.URL + "/api"),
			plume.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bench"})),
			plume.WithRateLimit(math.Inf(1), 1)}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	recorder := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	plain := newClient()
	observed := newClient(plume.WithObserver(plumeotel.NewObserver(plumeotel.WithTracerProvider(tp), plumeotel.WithMeterProvider(mp))))
	get := func(c *plume.Client) time.Duration {
		t0 := time.Now()
		if _, err := c.Customers.Get(b.Context(), "6418c49c0a1b2c3d4e5f6071"); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var off, on time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i%2 == 0 {
			off += get(plain)
			on += get(observed)
		} else {
			on += get(observed)
			off += get(plain)
		}
		i++
		if i%1000 == 0 {
			recorder.Reset()
		}
	}
	b.ReportMetric(float64(off.Nanoseconds())/float64(i), "off-ns/call")
	b.ReportMetric(float64(on.Nanoseconds())/float64(i), "on-ns/call")
	b.ReportMetric(float64(on)/float64(off), "on/off")
}
