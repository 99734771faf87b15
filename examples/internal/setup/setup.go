// Package setup gives the examples their client: the real Plume Cloud when the PLUME_*
// variables are set, else the built-in fake with seeded inventory.
package setup

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Serials seeded into the fake's inventory.
var (
	FakeGateway = "GW-DEMO-0001"
	FakePods    = []string{"POD-DEMO-0001", "POD-DEMO-0002"}
)

// Env is where an example runs.
type Env struct {
	Client *plume.Client
	Fake   bool // the built-in fake Plume Cloud
	close  func()
}

// Close stops the fake, if one was started.
func (e *Env) Close() {
	if e.close != nil {
		e.close()
	}
}

// Open returns the real cloud's client when NewClientFromEnv's variables are set, and
// otherwise starts the fake and says so on out's first line. PLUME_DEBUG=1 logs each HTTP
// attempt to stderr.
func Open(out io.Writer) (*Env, error) {
	var opts []plume.Option
	if os.Getenv("PLUME_DEBUG") != "" {
		opts = append(opts, plume.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if plume.EnvConfigured() {
		c, err := plume.NewClientFromEnv(opts...)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "Using the Plume Cloud at %s\n", os.Getenv(plume.EnvAPIURL))
		return &Env{Client: c}, nil
	}
	srv, err := plumetest.Start(FakeOptions()...)
	if err != nil {
		return nil, fmt.Errorf("starting the fake Plume Cloud: %w", err)
	}
	srv.AddGateways(FakeGateway)
	srv.AddInventory(FakePods...)
	fmt.Fprintf(out, "Using the built-in fake Plume Cloud at %s (set PLUME_API_URL, PLUME_AUTH_URL, PLUME_PARTNER_ID and PLUME_AUTH_HASH to use a real one)\n", srv.URL)
	return &Env{Client: srv.Client(opts...), Fake: true, close: srv.Close}, nil
}

// EnvFakeShapes names the environment variable that makes the built-in fake answer in the
// shapes of Plume's reference ("reference") instead of its guides': every example runs
// against both (examples_test.go).
const EnvFakeShapes = "PLUME_FAKE_SHAPES"

// FakeOptions are the options of the built-in fake: plumetest.WithReferenceShapes when
// PLUME_FAKE_SHAPES is "reference".
func FakeOptions() []plumetest.Option {
	if os.Getenv(EnvFakeShapes) == "reference" {
		return []plumetest.Option{plumetest.WithReferenceShapes()}
	}
	return nil
}
