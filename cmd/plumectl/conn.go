package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"math"
	"net/http"
	"os"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// conn is the cloud a command talks to.
type conn struct {
	client    *plume.Client
	gate      *batch.Gate // the client's limiter, paused by the batch on a rate limit
	fake      *plumetest.Server
	apiURL    string
	partnerID string
}

// Close stops the fake, if one was started.
func (c *conn) Close() {
	if c.fake != nil {
		c.fake.Close()
	}
}

// connOptions say how to connect.
type connOptions struct {
	fake        bool
	rate        float64 // requests per second
	workers     int
	seedCSV     string // with fake: the CSV whose serials seed the inventory ("" for none)
	seedOnboard bool   // with fake: onboard the CSV's rows too, for commands that need customers
}

// connect returns a client of the cloud the PLUME_* variables name, or of a fake started and
// seeded for the occasion. Its rate limiter is a batch.Gate.
func (a *app) connect(ctx context.Context, o connOptions) (*conn, error) {
	gate, err := batch.NewRateGate(o.rate, burstFor(o.rate))
	if err != nil {
		return nil, err
	}
	opts := []plume.Option{
		plume.WithRateLimiter(gate),
		plume.WithHTTPClient(pooledHTTPClient(o.workers)),
		plume.WithUserAgent("plumectl/" + plume.Version),
	}
	if !o.fake {
		client, err := plume.NewClientFromEnv(opts...)
		if err != nil {
			return nil, fmt.Errorf("%w (or try --fake)", err)
		}
		return &conn{client: client, gate: gate, apiURL: os.Getenv(plume.EnvAPIURL), partnerID: os.Getenv(plume.EnvPartnerID)}, nil
	}
	srv, err := plumetest.Start(plumetest.WithWAF(0, 0))
	if err != nil {
		return nil, fmt.Errorf("starting the fake Plume Cloud: %w", err)
	}
	c := &conn{client: srv.Client(opts...), gate: gate, fake: srv, apiURL: srv.URL, partnerID: srv.Credentials().PartnerID}
	fmt.Fprintf(a.stderr, "Using a built-in fake Plume Cloud at %s\n", srv.URL)
	if o.seedCSV != "" {
		if err := a.seedFake(ctx, srv, o); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// connectSingle connects a command on one customer, location or node: at the SDK's default
// rate, and with --fake --csv FILE onboarding the file's rows into the fake first.
func (a *app) connectSingle(ctx context.Context, f *singleFlags) (*conn, error) {
	return a.connect(ctx, connOptions{fake: f.fake, rate: plume.DefaultRateLimit, workers: 1, seedCSV: f.seedCSV, seedOnboard: true})
}

// burstFor is the burst of a rate: one second's worth (the SDK's default is 6 at 6/s).
func burstFor(rps float64) int {
	if math.IsInf(rps, 1) {
		return 1
	}
	return max(1, int(math.Ceil(rps)))
}

// pooledHTTPClient is the SDK's default transport (TLS 1.2 or newer, 2-minute header timeout)
// keeping an idle connection per worker: with the default two per host, every other worker
// would open a new connection, and do a TLS handshake, per request.
func pooledHTTPClient(workers int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	tr.ResponseHeaderTimeout = 2 * time.Minute
	tr.MaxIdleConnsPerHost = max(workers, 1) + 2
	return &http.Client{Transport: tr}
}

// seedFake puts the CSV's gateways and extenders in the fake's inventory and, when asked,
// onboards its rows.
func (a *app) seedFake(ctx context.Context, srv *plumetest.Server, o connOptions) error {
	f, err := os.Open(o.seedCSV)
	if err != nil {
		return err
	}
	defer f.Close()
	for rec, err := range batch.ReadCSV(f) {
		if err != nil {
			return fmt.Errorf("%s: %w", o.seedCSV, err)
		}
		if rec.Gateway != "" {
			srv.AddGateways(rec.Gateway)
		}
		srv.AddInventory(rec.Extenders...)
	}
	if !o.seedOnboard {
		return nil
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	runner := &batch.Runner{
		Client:  srv.Client(plume.WithRateLimit(math.Inf(1), 1), plume.WithHTTPClient(pooledHTTPClient(8))),
		Workers: 8,
	}
	sum, err := runner.Run(ctx, batch.RowsOf(batch.ReadCSV(f), batch.OpOnboard, batch.RowOptions{}))
	if err != nil {
		return fmt.Errorf("seeding the fake: %w", err)
	}
	fmt.Fprintf(a.stderr, "Seeded the fake: onboarded %d rows of %s\n", sum.Done, o.seedCSV)
	return nil
}
