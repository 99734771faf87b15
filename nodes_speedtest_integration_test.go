package plume_test

// nodes_speedtest_integration_test.go: node and ISP speed tests against the fake cloud over a
// real loopback socket (plumetest), on the manual clock of supportSite
// (nodes_actions_integration_test.go): a test running then completed as the clock moves,
// results set with SetSpeedResult, a failed test, the list's window, and the 404s.
//
// Not here: exact requests, documented shapes and statuses (nodes_speedtest_test.go,
// httpmock); the SpeedTest flow (health_integration_test.go).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
)

func TestNodeSpeedTestAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800201")
	ctx := t.Context()

	id, err := s.c.Nodes.StartSpeedTest(ctx, s.customerID, s.home, s.pod, &plume.SpeedTestRequest{ServerID: 4711, UplinkType: "wifi"})
	require.NoError(t, err)
	require.NotEmpty(t, id, "the fake answers a requestId")

	r, err := s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.pod, id)
	require.NoError(t, err)
	assert.Equal(t, "running", r.Status)
	assert.Zero(t, r.DownloadMbps, "null while running")
	assert.True(t, r.EndedAt.IsZero())
	assert.Equal(t, s.start, r.StartedAt)
	assert.Equal(t, s.start, r.At)

	s.clock.Advance(30 * time.Second)
	r, err = s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.pod, id)
	require.NoError(t, err)
	assert.Equal(t, "completed", r.Status)
	assert.Equal(t, id, r.RequestID)
	assert.Equal(t, s.pod, r.NodeID)
	assert.Equal(t, s.home, r.LocationID)
	assert.Equal(t, "node", r.Type)
	assert.Equal(t, 4711, r.ServerID)
	assert.Equal(t, "wifi", r.UplinkType)
	assert.InDelta(t, 480.0, r.DownloadMbps, 1e-9, "a pod's default")
	assert.InDelta(t, 40.0, r.UploadMbps, 1e-9)
	assert.Equal(t, 14*time.Millisecond, r.Latency)
	assert.Equal(t, s.start.Add(30*time.Second), r.EndedAt)

	s.srv.SetSpeedResult(s.pod, 123.5, 21.25, 7.5)
	s.clock.Advance(time.Hour)
	require.NoError(t, s.c.Nodes.RunSpeedTest(ctx, s.customerID, s.home, s.pod, nil))
	s.clock.Advance(30 * time.Second)
	results, err := s.c.Nodes.SpeedTestResults(ctx, s.customerID, s.home, s.pod, nil)
	require.NoError(t, err)
	require.Len(t, results, 2)
	assert.InDelta(t, 123.5, results[0].DownloadMbps, 1e-9, "newest first, with SetSpeedResult's numbers")
	assert.Equal(t, 7500*time.Microsecond, results[0].Latency)
	assert.Equal(t, id, results[1].RequestID)

	recent, err := s.c.Nodes.SpeedTestResults(ctx, s.customerID, s.home, s.pod, &plume.SpeedTestQuery{Granularity: plume.SpeedTestMinutes, Limit: 5})
	require.NoError(t, err)
	require.Len(t, recent, 1, "only the test of the last five minutes")
	assert.NotEqual(t, id, recent[0].RequestID)

	_, err = s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.pod, "000000000000000000000000")
	assert.ErrorIs(t, err, plume.ErrNotFound, "unknown request id")
	_, err = s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.gw, id)
	assert.ErrorIs(t, err, plume.ErrNotFound, "an id of another node")
	_, err = s.c.Nodes.StartSpeedTest(ctx, s.customerID, s.home, "NOSUCHNODE", nil)
	assert.ErrorIs(t, err, plume.ErrNotFound)
	_, err = s.c.Nodes.StartSpeedTest(ctx, s.customerID, s.other, s.pod, nil)
	assert.ErrorIs(t, err, plume.ErrNotFound, "not claimed at that location")
}

func TestNodeSpeedTestFailsOfflineAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800202")
	ctx := t.Context()
	s.srv.SetNodeOnline(s.pod, false)
	id, err := s.c.Nodes.StartSpeedTest(ctx, s.customerID, s.home, s.pod, nil)
	require.NoError(t, err)
	r, err := s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.pod, id)
	require.NoError(t, err)
	assert.Equal(t, "failed", r.Status)
	assert.Zero(t, r.DownloadMbps)
	assert.Zero(t, r.Latency)
}

func TestISPSpeedTestAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800203")
	ctx := t.Context()

	id, err := s.c.Locations.StartISPSpeedTest(ctx, s.customerID, s.home, &plume.SpeedTestRequest{RequestID: "isp-run-1", ServerID: 9})
	require.NoError(t, err)
	assert.Equal(t, "isp-run-1", id)
	again, err := s.c.Locations.StartISPSpeedTest(ctx, s.customerID, s.home, &plume.SpeedTestRequest{RequestID: "isp-run-1"})
	require.NoError(t, err)
	assert.Equal(t, "isp-run-1", again, "an id already used changes nothing")
	assert.Len(t, s.srv.SpeedTests(s.home), 1)

	s.clock.Advance(30 * time.Second)
	r, err := s.c.Nodes.SpeedTestResult(ctx, s.customerID, s.home, s.gw, id)
	require.NoError(t, err, "the ISP test's result is under the gateway")
	assert.Equal(t, "isp", r.Type)
	assert.Equal(t, "completed", r.Status)
	assert.InDelta(t, 940.0, r.DownloadMbps, 1e-9)

	generated, err := s.c.Locations.StartISPSpeedTest(ctx, s.customerID, s.home, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, generated)
	require.NoError(t, s.c.Locations.RunISPSpeedTest(ctx, s.customerID, s.home, nil))
	assert.Len(t, s.srv.SpeedTests(s.home), 3)

	err = s.c.Locations.RunISPSpeedTest(ctx, s.customerID, s.other, nil)
	assert.ErrorIs(t, err, plume.ErrNotFound, "no claimed node")

	require.NoError(t, s.c.Locations.SetISPSpeedTestSchedule(ctx, s.customerID, s.home, true))
	loc, _ := s.srv.Location(s.home)
	assert.True(t, loc.ISPSpeedTest)
	require.NoError(t, s.c.Locations.SetISPSpeedTestSchedule(ctx, s.customerID, s.home, false))
	loc, _ = s.srv.Location(s.home)
	assert.False(t, loc.ISPSpeedTest)
	assert.ErrorIs(t, s.c.Locations.SetISPSpeedTestSchedule(ctx, s.customerID, "000000000000000000000000", true), plume.ErrNotFound)
}
