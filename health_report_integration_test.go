package plume_test

// health_report_integration_test.go: the monitoring reads (locations_health.go,
// locations_alerts.go, locations_optimizer.go) and Client.Health against the fake cloud over
// a real loopback socket (plumetest), on one manual clock shared by the fake and the client:
// the report's wording from the fake's states, its calls counted at the fake, its optional
// parts failing under injected faults, and the lookups of HealthBySerial and
// HealthByServiceID.
//
// Not here: exact requests, documented shapes and statuses (locations_health_test.go,
// locations_alerts_test.go, locations_optimizer_test.go, health_report_test.go, httpmock);
// the fake's own routes (internal/fakecloud).

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Routes of Health's four calls, as the fake counts them.
const (
	routeLocation  = "GET /Customers/{id}/locations/{id}"
	routeSummary   = "GET /Customers/{id}/locations/{id}/summary"
	routeAlerts    = "GET /Customers/{id}/locations/{id}/alerts"
	routeDashboard = "GET /Customers/{id}/locations/{id}/appFacade/dashboard"
)

// healthSite is a customer with a gateway "Hall" and a pod "Living Room" at its location, a
// WiFi network, and a slow speed test on the gateway, on a manual clock the fake and the
// client share. At 14:02 the pod goes offline; the clock then stands at 15:30.
type healthSite struct {
	srv        *plumetest.Server
	clock      *plumetest.ManualClock
	c          *plume.Client
	customerID string
	locationID string
	gw, pod    string
}

func newHealthSite(t *testing.T, account string, opts ...plume.Option) *healthSite {
	t.Helper()
	clock := plumetest.NewManualClock(time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC))
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now), plumetest.WithTokenTTL(48*time.Hour))
	s := &healthSite{srv: srv, clock: clock, gw: "GW" + account, pod: "POD" + account}
	srv.AddGateways(s.gw)
	srv.AddInventory(s.pod)
	s.c = srv.Client(append([]plume.Option{plume.WithRateLimit(math.Inf(1), 1)}, opts...)...)
	plume.SetClientClock(s.c, clock.Now)
	ctx := t.Context()

	reg, err := s.c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-" + account, Email: account + "@example.com", Name: "Ines Duarte"})
	require.NoError(t, err)
	s.customerID, s.locationID = reg.ID, reg.LocationID
	for serial, name := range map[string]string{s.gw: "Hall", s.pod: "Living Room"} {
		_, err := s.c.Nodes.Claim(ctx, s.customerID, s.locationID, plume.ClaimRequest{SerialNumber: serial, Nickname: name})
		require.NoError(t, err)
		_, err = s.c.Nodes.Rename(ctx, s.customerID, s.locationID, serial, name)
		require.NoError(t, err)
		srv.SetNodeOnline(serial, true)
	}
	_, err = s.c.WifiNetworks.Create(ctx, s.customerID, s.locationID, plume.WifiNetworkRequest{SSID: "Duarte", EncryptionKey: "correct horse battery"})
	require.NoError(t, err)

	srv.SetSpeedResult(s.gw, 12.3, 4.2, 18)
	require.NoError(t, s.c.Nodes.RunSpeedTest(ctx, s.customerID, s.locationID, s.gw, nil))
	clock.Advance(62 * time.Minute) // 14:02: the test is long done
	srv.SetNodeOnline(s.pod, false)
	clock.Advance(88 * time.Minute) // 15:30
	return s
}

func (s *healthSite) health(t *testing.T) *plume.HealthReport {
	t.Helper()
	r, err := s.c.Health(t.Context(), s.customerID, s.locationID)
	require.NoError(t, err)
	return r
}

func TestHealthAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newHealthSite(t, "hr0001")
	s.srv.RaiseNodeAlert(s.pod, "poorHealth")
	s.srv.RaiseNodeAlert(s.pod, "highInterference")
	s.srv.ResetCounts()

	r := s.health(t)

	assert.Equal(t, 4, s.srv.TotalRequests(), "Health makes exactly four calls")
	for _, route := range []string{routeLocation, routeSummary, routeAlerts, routeDashboard} {
		assert.Equal(t, 1, s.srv.RequestCount(route), route)
	}
	assert.Equal(t, []string{
		"extender Living Room offline since 14:02 UTC",
		"2 open alerts on Living Room: poorHealth, highInterference",
		"last speed test 12.3 Mbps down (below 25 Mbps)",
	}, r.Problems)
	assert.Empty(t, r.Missing)
	assert.Equal(t, plume.FullService, r.ServiceLevel)
	assert.Equal(t, s.gw, r.GatewayID)
	assert.True(t, r.GatewayOnline)
	require.Len(t, r.Nodes, 2)
	byID := map[string]plume.NodeStatus{}
	for _, n := range r.Nodes {
		byID[n.ID] = n
	}
	assert.Equal(t, "ethernet", byID[s.gw].BackhaulType)
	assert.Equal(t, "wifi", byID[s.pod].BackhaulType)
	assert.Equal(t, plumetest.DefaultFirmwareVersion, byID[s.pod].FirmwareVersion)
	assert.Equal(t, []string{s.gw}, byID[s.pod].LeafToRoot)
	require.NotNil(t, r.LastSpeedTest)
	assert.InDelta(t, 12.3, r.LastSpeedTest.DownloadMbps, 1e-9)
	assert.Equal(t, 18*time.Millisecond, r.LastSpeedTest.Latency)
	assert.Equal(t, s.clock.Now(), r.At, "the topology's timestamp, from the fake's clock")

	// A snoozed alert is no longer open; an alert type the fake does not know is a 422.
	require.NoError(t, s.c.Nodes.SnoozeAlert(t.Context(), s.customerID, s.locationID, s.pod, "poorHealth", plume.AlertSnooze))
	err := s.c.Nodes.SnoozeAlert(t.Context(), s.customerID, s.locationID, s.pod, "highInterference", plume.AlertSnooze)
	assert.ErrorIs(t, err, plume.ErrValidation)
	assert.Contains(t, s.health(t).Problems, "1 open alert on Living Room: highInterference")

	// The service and monitor mode come first.
	require.NoError(t, s.c.Suspend(t.Context(), s.customerID, s.locationID, plume.NoService))
	s.srv.SetMonitorMode(s.customerID, s.locationID, true)
	problems := s.health(t).Problems
	require.GreaterOrEqual(t, len(problems), 2)
	assert.Equal(t, []string{"service suspended (noService)", "monitor mode on"}, problems[:2])
}

func TestHealthOptionalPartsFailAtTheFake(t *testing.T) {
	t.Parallel()
	s := newHealthSite(t, "hr0002", plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, s.srv.InjectFault(plumetest.Fault{Method: http.MethodGet, Path: "/api/Customers/*/locations/*/alerts", Status: http.StatusServiceUnavailable}))
	require.NoError(t, s.srv.InjectFault(plumetest.Fault{Method: http.MethodGet, Path: "/api/Customers/*/locations/*/appFacade/dashboard", Status: http.StatusInternalServerError}))

	r := s.health(t)
	assert.Nil(t, r.Alerts)
	assert.Nil(t, r.LastSpeedTest)
	assert.Equal(t, []string{"alerts", "speed test"}, r.Missing)
	require.Len(t, r.Problems, 3)
	assert.Equal(t, "extender Living Room offline since 14:02 UTC", r.Problems[0])
	assert.Contains(t, r.Problems[1], "alerts unavailable: HTTP 503")
	assert.Contains(t, r.Problems[2], "speed test unavailable: HTTP 500")

	require.NoError(t, s.srv.InjectFault(plumetest.Fault{Method: http.MethodGet, Path: "/api/Customers/*/locations/*/summary", Status: http.StatusInternalServerError}))
	_, err := s.c.Health(t.Context(), s.customerID, s.locationID)
	assert.ErrorIs(t, err, plume.ErrServer, "the summary is required")
}

func TestHealthOfALocationWithoutNodes(t *testing.T) {
	t.Parallel()
	s := newHealthSite(t, "hr0003")
	empty, err := s.c.Locations.Create(t.Context(), s.customerID, plume.LocationCreate{Name: "Studio"})
	require.NoError(t, err)

	r, err := s.c.Health(t.Context(), s.customerID, empty.ID)
	require.NoError(t, err, "the fake answers 404 for a topology without nodes")
	assert.Equal(t, []string{"topology"}, r.Missing)
	require.NotEmpty(t, r.Problems)
	assert.Contains(t, r.Problems[0], "topology unknown (HTTP 404")
	assert.NotContains(t, r.Problems, "no speed test yet", "not a problem")
	assert.Equal(t, []string{"no speed test yet"}, r.Notes)

	_, err = s.c.Health(t.Context(), s.customerID, "5f0000000000000000000000")
	assert.ErrorIs(t, err, plume.ErrNotFound, "an unknown location")
}

func TestHealthBySerialAndServiceIDAtTheFake(t *testing.T) {
	t.Parallel()
	s := newHealthSite(t, "hr0004")
	_, err := s.c.Locations.SetServiceID(t.Context(), s.customerID, s.locationID, "SVC-HR-0004")
	require.NoError(t, err)
	s.srv.AddInventory("PODHR9999")

	s.srv.ResetCounts()
	r, err := s.c.HealthBySerial(t.Context(), s.pod)
	require.NoError(t, err)
	assert.Equal(t, s.locationID, r.LocationID)
	assert.Equal(t, 5, s.srv.TotalRequests(), "one lookup, then Health's four")
	assert.Equal(t, 1, s.srv.RequestCount("GET /Partners/nodes/{id}"))

	s.srv.ResetCounts()
	r, err = s.c.HealthByServiceID(t.Context(), "SVC-HR-0004")
	require.NoError(t, err)
	assert.Equal(t, s.customerID, r.CustomerID)
	assert.Equal(t, 5, s.srv.TotalRequests(), "one search, then Health's four")

	_, err = s.c.HealthBySerial(t.Context(), "PODHR9999")
	assert.ErrorIs(t, err, plume.ErrNotFound, "in the inventory, not claimed")
	_, err = s.c.HealthByServiceID(t.Context(), "SVC-none")
	assert.ErrorIs(t, err, plume.ErrNotFound)
}

func TestMonitoringReadsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newHealthSite(t, "hr0005")
	ctx := t.Context()
	s.srv.AddDevice(s.customerID, s.locationID, plumetest.Device{MAC: "3c:22:fb:4a:91:0e", Name: "Phone", NodeID: s.gw, FreqBand: "5G", Connected: true})

	topo, err := s.c.Locations.Topology(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Equal(t, 2, topo.NodeClaimedCount)
	assert.Equal(t, 1, topo.NodeConnectedCount)
	assert.Equal(t, 1, topo.ConnectedDeviceCount)
	assert.Equal(t, "connected", topo.GatewayConnectionState)
	require.NotNil(t, topo.Gateway())
	assert.Equal(t, s.gw, topo.Gateway().ID)
	assert.True(t, topo.Gateway().ResidentialGateway)

	sum, err := s.c.Locations.Summary(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.True(t, sum.WifiNetworkProvisioned)
	assert.False(t, sum.MonitorMode)
	assert.Len(t, sum.Nodes, 2)

	graph, err := s.c.Locations.ForceGraph(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	var g struct {
		Vertices []map[string]any `json:"vertices"`
		Edges    []map[string]any `json:"edges"`
	}
	require.NoError(t, json.Unmarshal(graph, &g))
	assert.Len(t, g.Vertices, 3, "two nodes and a device")

	dash, err := s.c.Locations.Dashboard(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	require.Len(t, dash.MostActiveDevices, 1)
	assert.Equal(t, "3c:22:fb:4a:91:0e", dash.MostActiveDevices[0].MAC)
	require.NotNil(t, dash.SpeedTest)

	id, err := s.c.Locations.OptimizeNow(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Len(t, id, 24)
	require.NoError(t, s.c.Locations.Optimize(ctx, s.customerID, s.locationID))

	set, err := s.c.Locations.SetOptimizerSettings(ctx, s.customerID, s.locationID, plume.OptimizerSettings{Auto: true, DFSMode: plume.DFSModeUSDFS, HopPenalty: plume.HopPenaltyHigh})
	require.NoError(t, err)
	assert.Equal(t, plume.DFSModeUSDFS, set.DFSMode)
	assert.True(t, set.Auto)
	got, err := s.c.Locations.OptimizerSettings(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Equal(t, plume.DFSModeUSDFS, got.DFSMode)
	assert.Equal(t, plume.HopPenaltyHigh, got.HopPenalty)

	_, err = s.c.Locations.Alerts(ctx, s.customerID, "5f0000000000000000000000")
	assert.ErrorIs(t, err, plume.ErrNotFound)
}
