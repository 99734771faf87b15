// Command otel shows plume-go's OpenTelemetry instrumentation: it registers a customer, claims
// a gateway and reads the location's nodes with one retried answer, against the built-in fake
// Plume Cloud (or the real one when the PLUME_* variables are set), and prints every span to
// stdout as JSON.
//
//	go run .           # from examples/otel (a module of its own, so the SDK needs no OpenTelemetry)
package main

import (
	"context"
	"fmt"
	"os"

	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/plumecloud/plume-go"
	plumeotel "github.com/plumecloud/plume-go/otel"
	"github.com/plumecloud/plume-go/plumetest"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "otel:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// Spans go to stdout; a real service would use an OTLP exporter here.
	exporter, err := stdouttrace.New(stdouttrace.WithPrettyPrint())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer func() { _ = tp.Shutdown(ctx) }()

	observer := plumeotel.NewObserver(plumeotel.WithTracerProvider(tp))
	client, srv, err := newClient(plume.WithObserver(observer))
	if err != nil {
		return err
	}
	if srv != nil {
		defer srv.Close()
		srv.AddGateways("GW-OTEL-0001")
		// One 503 on the node list: its span shows two attempts, the second a retry.
		if err := srv.InjectFault(plumetest.Fault{Method: "GET", Path: "/api/Customers/*/locations/*/nodes", Status: 503}); err != nil {
			return err
		}
	}

	// The caller's span is the parent of the SDK's.
	ctx, span := tp.Tracer("examples/otel").Start(ctx, "provision subscriber")
	defer span.End()
	reg, err := client.Customers.Register(ctx, plume.RegisterRequest{AccountID: "otel-demo-0001", Email: "otel@example.com"})
	if err != nil {
		return err
	}
	if _, err := client.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW-OTEL-0001"}); err != nil {
		return err
	}
	nodes, err := client.Nodes.List(ctx, reg.ID, reg.LocationID)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "customer %s: %d node(s); the spans are above\n", reg.ID, len(nodes))
	return nil
}

// newClient is the real cloud's client when NewClientFromEnv's variables are set, else one on
// the built-in fake (returned, to be closed).
func newClient(opts ...plume.Option) (*plume.Client, *plumetest.Server, error) {
	if plume.EnvConfigured() {
		c, err := plume.NewClientFromEnv(opts...)
		return c, nil, err
	}
	srv, err := plumetest.Start()
	if err != nil {
		return nil, nil, err
	}
	return srv.Client(opts...), srv, nil
}
