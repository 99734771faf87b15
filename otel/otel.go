// Package plumeotel turns plume-go's Observer into OpenTelemetry traces and metrics: one
// span per API operation (Nodes.Claim, …) with a child span per HTTP attempt and per token
// fetch, events for rate-limiter waits, and metrics for operation durations, attempts,
// retries by reason, rate-limiter waits, token fetches and WAF blocks.
//
//	client, err := plume.NewClientFromEnv(plume.WithObserver(plumeotel.NewObserver()))
//
// Spans and metrics carry route templates (/Customers/{id}/locations/{locationId}/nodes),
// never ids, keys, tokens or error texts: the SDK's Observer hands over nothing else. The
// caller's span, in the context a method is given, is the parent of the operation's span.
package plumeotel

import (
	"context"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/plumecloud/plume-go"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/plumecloud/plume-go/otel"

// Attribute keys: OpenTelemetry's semantic conventions for HTTP clients where one fits, and
// plume.* for the rest.
const (
	keyMethod      = attribute.Key("http.request.method")
	keyStatus      = attribute.Key("http.response.status_code")
	keyResendCount = attribute.Key("http.request.resend_count")
	keyURLTemplate = attribute.Key("url.template")
	keyErrorType   = attribute.Key("error.type")
	keyOperation   = attribute.Key("plume.operation")
	keyRequestID   = attribute.Key("plume.request_id")
	keyAttempts    = attribute.Key("plume.attempts")
	keyRetryReason = attribute.Key("plume.retry.reason")
	keyWAFBlock    = attribute.Key("plume.waf_block")
	keyWait        = attribute.Key("plume.wait_seconds")
)

// Option configures NewObserver.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the tracer provider (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets the meter provider (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// instruments are the observer's metrics.
type instruments struct {
	duration    metric.Float64Histogram
	attempts    metric.Int64Counter
	retries     metric.Int64Counter
	limiterWait metric.Float64Histogram
	tokens      metric.Int64Counter
	wafBlocks   metric.Int64Counter
}

// NewObserver returns a plume.Observer that records spans and metrics through the given (or
// the global) providers. Instruments that cannot be created are replaced by no-ops, as the
// OpenTelemetry API does.
func NewObserver(opts ...Option) *plume.Observer {
	cfg := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, opt := range opts {
		opt(&cfg)
	}
	tracer := cfg.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(plume.Version))
	meter := cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(plume.Version))
	in := newInstruments(meter)
	o := &observer{tracer: tracer, in: in}
	return &plume.Observer{
		OperationStart: o.operationStart,
		OperationEnd:   o.operationEnd,
		Attempt:        o.attempt,
		LimiterWait:    o.limiterWait,
		TokenFetch:     o.tokenFetch,
	}
}

func newInstruments(meter metric.Meter) instruments {
	var in instruments
	in.duration, _ = meter.Float64Histogram("plume.client.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of plume-go API operations, retries and rate-limiter waits included."))
	in.attempts, _ = meter.Int64Counter("plume.client.attempts", metric.WithUnit("{attempt}"),
		metric.WithDescription("HTTP attempts sent, token requests included."))
	in.retries, _ = meter.Int64Counter("plume.client.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("HTTP attempts that were retries, by reason."))
	in.limiterWait, _ = meter.Float64Histogram("plume.client.rate_limiter.wait", metric.WithUnit("s"),
		metric.WithDescription("Time spent waiting on the client's rate limiter before an attempt."))
	in.tokens, _ = meter.Int64Counter("plume.client.token.fetches", metric.WithUnit("{fetch}"),
		metric.WithDescription("Requests to the OAuth token endpoint."))
	in.wafBlocks, _ = meter.Int64Counter("plume.client.waf.blocks", metric.WithUnit("{block}"),
		metric.WithDescription("Answers that were the WAF's block page (Plume's 2000 requests per 5 minutes)."))
	return in
}

type observer struct {
	tracer trace.Tracer
	in     instruments
}

// opSpanKey marks the context of an operation span, so that attempts and token fetches are
// recorded as its children.
type opSpanKey struct{}

func operationAttrs(op plume.Operation) []attribute.KeyValue {
	return []attribute.KeyValue{keyOperation.String(op.Name), keyMethod.String(op.Method), keyURLTemplate.String(op.Route)}
}

func (o *observer) operationStart(ctx context.Context, op plume.Operation) context.Context {
	ctx, _ = o.tracer.Start(ctx, op.Name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(operationAttrs(op)...))
	return context.WithValue(ctx, opSpanKey{}, op.Name)
}

func (o *observer) operationEnd(ctx context.Context, op plume.Operation, res plume.OperationResult) {
	attrs := operationAttrs(op)
	if res.StatusCode != 0 {
		attrs = append(attrs, keyStatus.Int(res.StatusCode))
	}
	if res.ErrorKind != "" {
		attrs = append(attrs, keyErrorType.String(res.ErrorKind))
	}
	o.in.duration.Record(ctx, res.Duration.Seconds(), metric.WithAttributes(attrs...))
	span := trace.SpanFromContext(ctx)
	if ctx.Value(opSpanKey{}) != op.Name {
		return // not a span this observer started
	}
	span.SetAttributes(keyAttempts.Int(res.Attempts))
	if res.StatusCode != 0 {
		span.SetAttributes(keyStatus.Int(res.StatusCode))
	}
	if res.RequestID != "" {
		span.SetAttributes(keyRequestID.String(res.RequestID))
	}
	if res.ErrorKind != "" {
		span.SetAttributes(keyErrorType.String(res.ErrorKind))
		span.SetStatus(codes.Error, res.ErrorKind)
	}
	span.End()
}

func (o *observer) attempt(ctx context.Context, op plume.Operation, a plume.Attempt) {
	attrs := []attribute.KeyValue{keyOperation.String(op.Name), keyMethod.String(op.Method)}
	o.in.attempts.Add(ctx, 1, metric.WithAttributes(attrs...))
	if a.RetryReason != "" {
		o.in.retries.Add(ctx, 1, metric.WithAttributes(keyOperation.String(op.Name), keyRetryReason.String(a.RetryReason)))
	}
	if a.WAFBlock {
		o.in.wafBlocks.Add(ctx, 1, metric.WithAttributes(keyOperation.String(op.Name)))
	}
	end := time.Now()
	spanAttrs := []attribute.KeyValue{keyMethod.String(op.Method), keyURLTemplate.String(op.Route), keyOperation.String(op.Name)}
	if a.Number > 1 {
		spanAttrs = append(spanAttrs, keyResendCount.Int(a.Number-1))
	}
	if a.RetryReason != "" {
		spanAttrs = append(spanAttrs, keyRetryReason.String(a.RetryReason))
	}
	if a.Wait > 0 {
		spanAttrs = append(spanAttrs, keyWait.Float64(a.Wait.Seconds()))
	}
	if a.StatusCode != 0 {
		spanAttrs = append(spanAttrs, keyStatus.Int(a.StatusCode))
	}
	if a.WAFBlock {
		spanAttrs = append(spanAttrs, keyWAFBlock.Bool(true))
	}
	_, span := o.tracer.Start(ctx, strings.TrimSpace("HTTP "+op.Method), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(end.Add(-a.Duration)), trace.WithAttributes(spanAttrs...))
	switch {
	case a.ErrorKind != "":
		span.SetAttributes(keyErrorType.String(a.ErrorKind))
		span.SetStatus(codes.Error, a.ErrorKind)
	case a.StatusCode >= 400:
		span.SetAttributes(keyErrorType.Int(a.StatusCode))
		span.SetStatus(codes.Error, "")
	}
	span.End(trace.WithTimestamp(end))
}

func (o *observer) limiterWait(ctx context.Context, op plume.Operation, w plume.LimiterWait) {
	o.in.limiterWait.Record(ctx, w.Wait.Seconds(), metric.WithAttributes(keyOperation.String(op.Name)))
	if w.Wait <= 0 && w.ErrorKind == "" {
		return
	}
	attrs := []attribute.KeyValue{keyWait.Float64(w.Wait.Seconds())}
	if w.ErrorKind != "" {
		attrs = append(attrs, keyErrorType.String(w.ErrorKind))
	}
	trace.SpanFromContext(ctx).AddEvent("plume.rate_limiter.wait", trace.WithAttributes(attrs...))
}

func (o *observer) tokenFetch(ctx context.Context, f plume.TokenFetch) {
	attrs := []attribute.KeyValue{}
	if f.ErrorKind != "" {
		attrs = append(attrs, keyErrorType.String(f.ErrorKind))
	}
	o.in.tokens.Add(ctx, 1, metric.WithAttributes(attrs...))
	end := time.Now()
	spanAttrs := []attribute.KeyValue{keyMethod.String("POST"), keyOperation.String("token")}
	if f.StatusCode != 0 {
		spanAttrs = append(spanAttrs, keyStatus.Int(f.StatusCode))
	}
	_, span := o.tracer.Start(ctx, "plume.token", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(end.Add(-f.Duration)), trace.WithAttributes(spanAttrs...))
	if f.ErrorKind != "" {
		span.SetAttributes(keyErrorType.String(f.ErrorKind))
		span.SetStatus(codes.Error, f.ErrorKind)
	}
	span.End(trace.WithTimestamp(end))
}
