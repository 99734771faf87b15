package plume_test

// health_integration_test.go: the support flows RebootAndWait and SpeedTest against the fake
// cloud over a real loopback socket (plumetest), on the manual clock of supportSite
// (nodes_actions_integration_test.go). The flows' pauses move that clock instead of sleeping
// (plume.WithFlowPause), and the tests count the calls that reach the fake and the waits on
// the client's rate limiter.
//
// Not here: the flows' handling of each answer (health_test.go, httpmock); Health
// (health_report tests).

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Routes of the flows' calls, for RequestCount.
const (
	rebootRoute      = "PUT /Customers/{id}/locations/{id}/nodes/{id}/reboot"
	nodeGetRoute     = "GET /Customers/{id}/locations/{id}/nodes/{id}"
	speedStartRoute  = "POST /Customers/{id}/locations/{id}/nodes/{id}/speedTest"
	speedResultRoute = "GET /Customers/{id}/locations/{id}/nodes/{id}/speedTestResults/{id}"
)

// countingLimiter lets every call through and counts the waits.
type countingLimiter struct{ waits atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	return ctx.Err()
}

// flowClient returns a client of the site's fake, on its clock, behind a counting limiter,
// with the fake's counts zeroed, and a context whose flow pauses move the clock.
func (s *supportSite) flowClient(t *testing.T) (*plume.Client, *countingLimiter, context.Context) {
	t.Helper()
	lim := &countingLimiter{}
	c := s.srv.Client(plume.WithRateLimiter(lim))
	plume.SetClientClock(c, s.clock.Now)
	s.srv.ResetCounts()
	return c, lim, plume.WithFlowPause(t.Context(), s.pause)
}

func TestRebootAndWaitAgainstTheFake(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    []plumetest.Option
		reboot  *plume.RebootOptions
		polls   int           // pauses 2, 4, 8, 16, 30, 30, …: polls at 2, 6, 14, 30, 60, 90, … s
		elapsed time.Duration // on the clock when the node is seen back
	}{
		{"down at once for 60 s", nil, nil, 5, 60 * time.Second},                                                                               // down 0–60 s
		{"30 s delay", nil, &plume.RebootOptions{Delay: 30}, 6, 90 * time.Second},                                                              // down 30–90 s
		{"5 minute reboot", []plumetest.Option{plumetest.WithTimings(plumetest.Timings{Reboot: 5 * time.Minute})}, nil, 13, 300 * time.Second}, // down 0–300 s
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSupportSite(t, "80040"+string(rune('1'+i)), tc.opts...)
			c, lim, ctx := s.flowClient(t)

			n, err := c.RebootAndWait(ctx, s.customerID, s.home, s.pod, tc.reboot)
			require.NoError(t, err)
			assert.Equal(t, s.pod, n.ID)
			assert.Equal(t, "connected", n.ConnectionState)
			assert.Equal(t, s.start.Add(tc.elapsed), s.clock.Now())

			assert.Equal(t, 1, s.srv.RequestCount(rebootRoute))
			assert.Equal(t, tc.polls, s.srv.RequestCount(nodeGetRoute))
			assert.Equal(t, 1+tc.polls, s.srv.TotalRequests(), "1 reboot + N polls, nothing else")
			assert.Equal(t, int64(s.srv.TotalRequests()+s.srv.TokenFetches()), lim.waits.Load(), "every call waited on the limiter")
			view, _ := s.srv.Node(s.pod)
			assert.Equal(t, 1, view.Reboots)
		})
	}
}

func TestRebootAndWaitContextEndsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800411")
	s.srv.SetNodeOnline(s.pod, false) // it never comes back
	c, _, _ := s.flowClient(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pauses := 0
	ctx = plume.WithFlowPause(ctx, func(ctx context.Context, d time.Duration) error {
		if pauses++; pauses == 10 {
			cancel()
		}
		s.clock.Advance(d)
		return nil
	})

	n, err := c.RebootAndWait(ctx, s.customerID, s.home, s.pod, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, n)
	assert.Equal(t, "disconnected", n.ConnectionState)
	assert.Equal(t, 1+9, s.srv.TotalRequests())

	_, err = c.RebootAndWait(plume.WithFlowPause(t.Context(), s.pause), s.customerID, s.home, "NOSUCHNODE", nil)
	assert.ErrorIs(t, err, plume.ErrNotFound)
}

func TestSpeedTestFlowAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800421")
	s.srv.SetSpeedResult(s.pod, 310.5, 35.5, 11)
	c, lim, ctx := s.flowClient(t)

	r, err := c.SpeedTest(ctx, s.customerID, s.home, s.pod)
	require.NoError(t, err)
	assert.Equal(t, "completed", r.Status)
	assert.InDelta(t, 310.5, r.DownloadMbps, 1e-9)
	assert.InDelta(t, 35.5, r.UploadMbps, 1e-9)
	assert.Equal(t, 11*time.Millisecond, r.Latency)
	assert.Equal(t, s.start, r.StartedAt)
	assert.Equal(t, s.start.Add(30*time.Second), s.clock.Now(), "polls at 2, 6, 14, 30 s")

	assert.Equal(t, 1, s.srv.RequestCount(speedStartRoute))
	assert.Equal(t, 4, s.srv.RequestCount(speedResultRoute))
	assert.Equal(t, 1+4, s.srv.TotalRequests(), "1 start + N polls, nothing else")
	assert.Equal(t, int64(s.srv.TotalRequests()+s.srv.TokenFetches()), lim.waits.Load())
	tests := s.srv.SpeedTests(s.home)
	require.Len(t, tests, 1)
}

func TestSpeedTestFlowFailsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800422")
	s.srv.SetNodeOnline(s.pod, false)
	c, _, ctx := s.flowClient(t)

	r, err := c.SpeedTest(ctx, s.customerID, s.home, s.pod)
	require.ErrorIs(t, err, plume.ErrSpeedTestFailed)
	require.NotNil(t, r)
	assert.Equal(t, "failed", r.Status)
	assert.Contains(t, err.Error(), r.RequestID)
	assert.Equal(t, 1+1, s.srv.TotalRequests())

	_, err = c.SpeedTest(ctx, s.customerID, s.other, s.pod)
	assert.ErrorIs(t, err, plume.ErrNotFound, "not claimed at that location: no poll")
}

// TestSupportFixturesAndFakeDecodeAlike decodes the fixtures of the support actions and the
// fake's answers for the same objects: every typed field a fixture fills, the fake fills too
// (as TestFixturesAndFakeDecodeAlike does for the provisioning half).
func TestSupportFixturesAndFakeDecodeAlike(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800431")
	ctx := t.Context()
	_, err := s.c.Nodes.Rename(ctx, s.customerID, s.home, s.pod, "Bedroom")
	require.NoError(t, err)
	s.srv.AddDevice(s.customerID, s.home, plumetest.Device{MAC: "3c:22:fb:4a:91:0e", Name: "Phone", NodeID: s.pod, FreqBand: "5G", Connected: true})

	found, err := s.c.Nodes.Find(ctx, s.customerID, s.pod)
	require.NoError(t, err)
	id, err := s.c.Nodes.StartSpeedTest(ctx, s.customerID, s.home, s.pod, &plume.SpeedTestRequest{ServerID: 4711, UplinkType: "wifi"})
	require.NoError(t, err)
	s.clock.Advance(time.Minute)
	speed, err := s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.pod, id)
	require.NoError(t, err)
	requested, err := s.c.Locations.RequestFirmwareUpgrade(ctx, s.customerID, s.home)
	require.NoError(t, err)
	s.clock.Advance(time.Hour)
	fw, err := s.c.Locations.FirmwareStatus(ctx, s.customerID, s.home)
	require.NoError(t, err)
	results, err := s.c.Nodes.SpeedTestResults(ctx, s.customerID, s.home, s.pod, nil)
	require.NoError(t, err)
	require.Len(t, results, 1)

	for _, tc := range []struct {
		fixture string
		doc     any
		fake    any
	}{
		{"node_status_find.json", decodeFixture[plume.Node](t, "node_status_find.json"), *found},
		{"speedtest_result.json", decodeFixture[plume.SpeedTestResult](t, "speedtest_result.json"), *speed},
		{"speedtest_results.json", decodeFixture[[]plume.SpeedTestResult](t, "speedtest_results.json")[1], results[0]},
		{"firmware_status.json", decodeFixture[plume.FirmwareStatus](t, "firmware_status.json").Nodes[0], fw.Nodes[0]},
		{"firmware_requested.json", decodeFixture[plume.FirmwareStatus](t, "firmware_requested.json").Nodes[0], requested.Nodes[0]},
	} {
		docFields := setFields(reflect.ValueOf(tc.doc))
		require.NotEmpty(t, docFields, tc.fixture)
		assert.Subset(t, setFields(reflect.ValueOf(tc.fake)), docFields, "%s: typed fields the fake leaves empty", tc.fixture)
	}
}
