package plume_test

// nodes_actions_integration_test.go: node and location actions against the fake cloud over a
// real loopback socket (plumetest), on one manual clock shared by the fake and the client:
// reboots that take nodes offline and bring them back as the clock moves, the LED mode with
// its 404/422/425 answers, and Nodes.Find. supportSite, shared by the support integration
// tests (nodes_speedtest_, locations_support_ and health_integration_test.go), is here.
//
// Not here: exact requests, documented shapes and statuses (nodes_actions_test.go, httpmock);
// the fake's own routes (internal/fakecloud).

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// supportSite is a customer with a gateway and a pod claimed and online at its registered
// location, and a second, empty location, on a manual clock the fake and the client share.
type supportSite struct {
	srv        *plumetest.Server
	clock      *plumetest.ManualClock
	c          *plume.Client
	customerID string
	home       string // the registered location, with the nodes
	other      string // a second location of the customer, without nodes
	gw, pod    string
	start      time.Time
}

func newSupportSite(t *testing.T, account string, opts ...plumetest.Option) *supportSite {
	t.Helper()
	start := time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC)
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, append([]plumetest.Option{plumetest.WithClock(clock.Now), plumetest.WithTokenTTL(24 * time.Hour)}, opts...)...)
	gw, pod := "GW"+account, "POD"+account
	srv.AddGateways(gw)
	srv.AddInventory(pod)
	c := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	plume.SetClientClock(c, clock.Now)
	ctx := t.Context()

	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-" + account, Email: account + "@example.com", Name: "Ada Support"})
	require.NoError(t, err)
	for _, serial := range []string{gw, pod} {
		_, err := c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: serial})
		require.NoError(t, err)
		srv.SetNodeOnline(serial, true)
	}
	other, err := c.Locations.Create(ctx, reg.ID, plume.LocationCreate{Name: "Cabin"})
	require.NoError(t, err)
	return &supportSite{srv: srv, clock: clock, c: c, customerID: reg.ID, home: reg.LocationID, other: other.ID, gw: gw, pod: pod, start: start}
}

// state returns a node's connectionState as Nodes.Get reads it.
func (s *supportSite) state(t *testing.T, nodeID string) string {
	t.Helper()
	n, err := s.c.Nodes.Get(t.Context(), s.customerID, s.home, nodeID)
	require.NoError(t, err)
	return n.ConnectionState
}

// pause is a flow pause that moves the site's clock instead of sleeping.
func (s *supportSite) pause(_ context.Context, d time.Duration) error {
	s.clock.Advance(d)
	return nil
}

func TestNodesRebootAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800101")
	ctx := t.Context()
	require.Equal(t, "connected", s.state(t, s.pod))

	require.NoError(t, s.c.Nodes.Reboot(ctx, s.customerID, s.home, s.pod, nil))
	assert.Equal(t, "disconnected", s.state(t, s.pod), "no delay: down at once")
	assert.Equal(t, "connected", s.state(t, s.gw), "only the pod")
	s.clock.Advance(59 * time.Second)
	assert.Equal(t, "disconnected", s.state(t, s.pod))
	s.clock.Advance(time.Second)
	assert.Equal(t, "connected", s.state(t, s.pod), "back after the fake's 60 s")

	require.NoError(t, s.c.Nodes.Reboot(ctx, s.customerID, s.home, s.pod, &plume.RebootOptions{Delay: 30}))
	assert.Equal(t, "connected", s.state(t, s.pod), "the delay has not run out")
	s.clock.Advance(30 * time.Second)
	assert.Equal(t, "disconnected", s.state(t, s.pod))
	s.clock.Advance(60 * time.Second)
	assert.Equal(t, "connected", s.state(t, s.pod))
	view, ok := s.srv.Node(s.pod)
	require.True(t, ok)
	assert.Equal(t, 2, view.Reboots)

	err := s.c.Nodes.Reboot(ctx, s.customerID, s.home, "NOSUCHNODE", nil)
	assert.ErrorIs(t, err, plume.ErrNotFound)
	err = s.c.Nodes.Reboot(ctx, s.customerID, s.other, s.pod, nil)
	assert.ErrorIs(t, err, plume.ErrNotFound, "not claimed at that location")
	assert.ErrorIs(t, s.c.Nodes.Reboot(ctx, s.customerID, s.home, s.pod, &plume.RebootOptions{Delay: plume.MaxRebootDelay + 1}), plume.ErrInvalidInput)
}

func TestLocationsRebootAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800102")
	require.NoError(t, s.c.Locations.Reboot(t.Context(), s.customerID, s.home, &plume.RebootOptions{Delay: 10}))
	s.clock.Advance(10 * time.Second)
	assert.Equal(t, "disconnected", s.state(t, s.gw))
	assert.Equal(t, "disconnected", s.state(t, s.pod))
	s.clock.Advance(time.Minute)
	assert.Equal(t, "connected", s.state(t, s.gw))
	assert.Equal(t, "connected", s.state(t, s.pod))

	assert.ErrorIs(t, s.c.Locations.Reboot(t.Context(), s.customerID, "000000000000000000000000", nil), plume.ErrNotFound)
}

func TestNodesLocateAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800103")
	ctx := t.Context()
	s.srv.AddInventory("POD800199") // in the inventory, claimed nowhere

	require.NoError(t, s.c.Nodes.Locate(ctx, s.customerID, s.home, s.pod, plume.LEDLocate))
	view, _ := s.srv.Node(s.pod)
	assert.Equal(t, "locate", view.LEDMode)
	s.clock.Advance(time.Hour)
	view, _ = s.srv.Node(s.pod)
	assert.Equal(t, "locate", view.LEDMode, "it does not revert by itself")
	require.NoError(t, s.c.Nodes.Locate(ctx, s.customerID, s.home, s.pod, plume.LEDNormal))
	view, _ = s.srv.Node(s.pod)
	assert.Equal(t, "normal", view.LEDMode)

	err := s.c.Nodes.Locate(ctx, s.customerID, s.other, s.pod, plume.LEDLocate)
	assert.ErrorIs(t, err, plume.ErrNodeNotInLocation, "claimed at another location: 425")
	err = s.c.Nodes.Locate(ctx, s.customerID, s.home, "POD800199", plume.LEDLocate)
	assert.ErrorIs(t, err, plume.ErrNodeNotInLocation, "claimed nowhere: 425")
	err = s.c.Nodes.Locate(ctx, s.customerID, s.home, "NOSUCHNODE", plume.LEDLocate)
	assert.ErrorIs(t, err, plume.ErrNotFound, "unknown to the cloud: 404")
	err = s.c.Nodes.Locate(ctx, s.customerID, s.home, s.pod, "blink")
	assert.ErrorIs(t, err, plume.ErrValidation, "a mode passed through and refused: 422")
	var apiErr *plume.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 422, apiErr.StatusCode)
}

func TestNodesFindAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800104")
	ctx := t.Context()
	n, err := s.c.Nodes.Find(ctx, s.customerID, s.pod)
	require.NoError(t, err)
	assert.Equal(t, s.pod, n.ID)
	assert.Equal(t, s.home, n.LocationID)
	assert.Equal(t, "connected", n.ConnectionState)
	assert.Equal(t, plumetest.DefaultFirmwareVersion, n.FirmwareVersion)

	_, err = s.c.Nodes.Find(ctx, s.customerID, "NOSUCHNODE")
	assert.ErrorIs(t, err, plume.ErrNotFound)
	other, err := s.c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-800105"})
	require.NoError(t, err)
	_, err = s.c.Nodes.Find(ctx, other.ID, s.pod)
	assert.ErrorIs(t, err, plume.ErrNotFound, "claimed to another customer")
}
