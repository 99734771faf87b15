package plume

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routedAPI answers by path: each route is a path (below the host, /api included) and its
// answer; a path without a route answers 404. It records every request. With barrier > 0,
// no request is answered before that many have arrived: a test of calls made concurrently
// (it fails, rather than hang, when they do not all come).
type routedAPI struct {
	t       testing.TB
	mu      sync.Mutex
	routes  map[string]queued
	reqs    []recorded
	barrier int
	all     chan struct{} // closed when barrier requests have arrived
}

// newRoutedClient returns a client like newMockClient's whose API answers by path.
func newRoutedClient(t testing.TB, routes map[string]queued) (*Client, *routedAPI) {
	t.Helper()
	r := &routedAPI{t: t, routes: routes, all: make(chan struct{})}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(r.respond)
	c, _ := newMockClient(t, WithHTTPClient(&http.Client{Transport: mt}))
	return c, r
}

func (r *routedAPI) respond(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Header: req.Header.Clone()})
	answer, ok := r.routes[req.URL.EscapedPath()]
	waiting := r.barrier > 0
	if waiting && len(r.reqs) == r.barrier {
		close(r.all)
	}
	r.mu.Unlock()
	if waiting {
		timeout := time.NewTimer(10 * time.Second)
		defer timeout.Stop()
		select {
		case <-r.all:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-timeout.C:
			r.t.Errorf("only %d of %d requests arrived together: the calls are not concurrent", len(r.requests()), r.barrier)
			return nil, errors.New("barrier timeout")
		}
	}
	if !ok {
		answer = queued{http.StatusNotFound, loopbackError(404, "Error", "no route "+req.URL.EscapedPath())}
	}
	resp := httpmock.NewStringResponse(answer.status, answer.body)
	resp.Header.Set("Content-Type", "application/json")
	resp.Request = req
	return resp, nil
}

func (r *routedAPI) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// Paths of the location under test.
const (
	hrLocation  = locTestPath
	hrSummary   = locTestPath + "/summary"
	hrAlerts    = locTestPath + "/alerts"
	hrDashboard = locTestPath + "/appFacade/dashboard"
)

// hrLocationBody is a location at full service, monitor mode off.
const hrLocationBody = `{"id":"` + locTestLocation + `","name":"Home","serviceId":"SVC-000123","customerId":"` + locTestCustomer + `","serviceLevel":{"status":"fullService"},"monitorMode":{"enable":false}}`

// healthRoutes are the four answers of a location with one extender down.
func healthRoutes(t *testing.T) map[string]queued {
	return map[string]queued{
		hrLocation:  {200, hrLocationBody},
		hrSummary:   {200, fixture(t, "summary.json")},
		hrAlerts:    {200, fixture(t, "alerts.json")},
		hrDashboard: {200, fixture(t, "dashboard.json")},
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	c, api := newRoutedClient(t, healthRoutes(t))

	r, err := c.Health(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assert.Equal(t, locTestCustomer, r.CustomerID)
	assert.Equal(t, locTestLocation, r.LocationID)
	assert.Equal(t, "Home", r.LocationName)
	assert.Equal(t, "SVC-000123", r.ServiceID, "from the location read")
	assert.Equal(t, FullService, r.ServiceLevel)
	assert.False(t, r.MonitorMode)
	assert.Equal(t, "onboardingComplete", r.OnboardingStatus)
	assert.Equal(t, "GW1A2B3C4D5E", r.GatewayID)
	assert.True(t, r.GatewayOnline)
	require.Len(t, r.Nodes, 3)
	assert.Equal(t, "ethernet", r.Nodes[0].BackhaulType)
	assert.Equal(t, "wifi", r.Nodes[1].BackhaulType)
	assert.Equal(t, "4.8.0-98-g1a2b3", r.Nodes[1].FirmwareVersion)
	assert.Equal(t, 8, r.ConnectedDevices, "the topology's count")
	require.NotNil(t, r.Alerts)
	assert.Len(t, r.Alerts.Nodes, 2)
	require.NotNil(t, r.LastSpeedTest)
	assert.Equal(t, "6570a1b2c3d4e5f60718293a", r.LastSpeedTest.RequestID)
	assert.Equal(t, locTestTime(t, "2026-12-04T15:30:00.000Z"), r.At)
	assert.Empty(t, r.Missing)
	assert.Equal(t, []string{
		"extender Living Room offline since 14:02 UTC",
		"2 open alerts on Living Room: poorHealth, highInterference",
		"1 open alert on device aa:bb:cc:dd:ee:01: poorHealth",
		"last speed test 12.3 Mbps down (below 25 Mbps)",
	}, r.Problems)

	reqs := api.requests()
	require.Len(t, reqs, 4, "exactly four calls")
	got := map[string]string{}
	for _, req := range reqs {
		assert.Equal(t, http.MethodGet, req.Method)
		got[req.Path] = req.Query
	}
	assert.Equal(t, map[string]string{hrLocation: "", hrSummary: "", hrAlerts: "", hrDashboard: "excludeDevices=true"}, got)
}

func TestHealthCallsConcurrently(t *testing.T) {
	t.Parallel()
	c, api := newRoutedClient(t, healthRoutes(t))
	api.barrier = 4 // no answer before all four requests are in flight
	_, err := c.Health(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Len(t, api.requests(), 4)
}

func TestHealthOptionalPartsFail(t *testing.T) {
	t.Parallel()
	routes := map[string]queued{
		hrLocation:  {200, `{"id":"` + locTestLocation + `","name":"Home","serviceLevel":{"status":"noService"},"monitorMode":{"enable":true}}`},
		hrSummary:   {200, fixture(t, "summary_problems.json")},
		hrAlerts:    {503, loopbackError(503, "Error", "alerts service down")},
		hrDashboard: {404, loopbackError(404, "Error", "NetworkMode unknown")},
	}
	c, _ := newRoutedClient(t, routes)

	r, err := c.Health(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err, "alerts and the speed test are optional")

	assert.Nil(t, r.Alerts)
	assert.Nil(t, r.LastSpeedTest)
	assert.Equal(t, []string{"alerts", "speed test"}, r.Missing)
	assert.Equal(t, NoService, r.ServiceLevel)
	assert.True(t, r.MonitorMode)
	assert.False(t, r.GatewayOnline)
	assert.Equal(t, 2, r.ConnectedDevices, "the sum of the nodes' counts when the topology has none")
	assert.Equal(t, []string{
		"service suspended (noService)",
		"monitor mode on",
		"no WiFi network provisioned",
		"gateway Hall offline since 2026-12-03 22:45 UTC",
		"extender PD9Z8Y7X6W5V offline",
		"alerts unavailable: HTTP 503: alerts service down",
		"speed test unavailable: HTTP 404: NetworkMode unknown",
	}, r.Problems)
}

func TestHealthRequiredPartsFail(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		route  string
		answer queued
		want   error
		op     string
	}{
		{"location unknown", hrLocation, queued{404, loopbackError(404, "Error", "no location")}, ErrNotFound, "Locations.Get"},
		{"location refused", hrLocation, queued{401, loopbackError(401, "Error", "no customer")}, ErrUnauthorized, "Locations.Get"},
		{"summary fails", hrSummary, queued{500, loopbackError(500, "Error", "boom")}, ErrServer, "Locations.Summary"},
		{"summary unusable", hrSummary, queued{200, `{}`}, ErrUnexpectedResponse, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			routes := healthRoutes(t)
			routes[tc.route] = tc.answer
			c, _ := newRoutedClient(t, routes)
			r, err := c.Health(t.Context(), locTestCustomer, locTestLocation)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, r)
			var apiErr *Error
			if tc.op != "" && assert.ErrorAs(t, err, &apiErr) {
				assert.Equal(t, tc.op, apiErr.Op)
			}
		})
	}
}

func TestHealthTopologyUnknown(t *testing.T) {
	t.Parallel()
	routes := healthRoutes(t)
	routes[hrSummary] = queued{404, loopbackError(404, "Error", "topology not found")}
	c, _ := newRoutedClient(t, routes)
	at := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return at }

	r, err := c.Health(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err, "the location exists: its topology is what is unknown")
	assert.Equal(t, []string{"topology"}, r.Missing)
	assert.Empty(t, r.Nodes)
	assert.NotNil(t, r.Nodes)
	assert.False(t, r.GatewayOnline)
	assert.Equal(t, at, r.At, "no topology timestamp: the client's clock")
	assert.Equal(t, "topology unknown (HTTP 404: topology not found)", r.Problems[0])
	assert.Equal(t, "2 open alerts on PD9Z8Y7X6W5V: poorHealth, highInterference", r.Problems[1], "no topology to name the node")

	routes[hrLocation] = queued{404, loopbackError(404, "Error", "no location")}
	c, _ = newRoutedClient(t, routes)
	_, err = c.Health(t.Context(), locTestCustomer, locTestLocation)
	assert.ErrorIs(t, err, ErrNotFound, "both 404: the location is unknown")
}

func TestHealthNoNodesNoSpeedTest(t *testing.T) {
	t.Parallel()
	routes := healthRoutes(t)
	routes[hrSummary] = queued{200, `{"topology":[],"gatewayConnectionState":"","nodeClaimedCount":0,"connectedDeviceCount":0}`}
	routes[hrAlerts] = queued{200, fixture(t, "alerts_none.json")}
	routes[hrDashboard] = queued{200, fixture(t, "dashboard_empty.json")}
	c, _ := newRoutedClient(t, routes)

	r, err := c.Health(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Equal(t, []string{"no nodes claimed"}, r.Problems)
	assert.Equal(t, []string{"no speed test yet"}, r.Notes, "a note, not a problem")
	assert.Empty(t, r.Missing)
	assert.Empty(t, r.GatewayID)
	assert.NotNil(t, r.Alerts)
}

func TestHealthCancelled(t *testing.T) {
	t.Parallel()
	c, api := newRoutedClient(t, healthRoutes(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r, err := c.Health(ctx, locTestCustomer, locTestLocation)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, r)
	assert.Empty(t, api.requests())
}

func TestHealthRefusesBadIDs(t *testing.T) {
	t.Parallel()
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Health(ctx, "", locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Health(ctx, locTestCustomer, "..")
		return err
	})
	assertNoRequest(t, "serviceID", func(ctx context.Context, c *Client) error {
		_, err := c.HealthByServiceID(ctx, " ")
		return err
	})
	assertNoRequest(t, "serial", func(ctx context.Context, c *Client) error {
		_, err := c.HealthBySerial(ctx, "")
		return err
	})
}

func TestHealthByServiceID(t *testing.T) {
	t.Parallel()
	routes := healthRoutes(t)
	routes["/api/Partners/locations/SVC-000123"] = queued{200, fixture(t, "location_match.json")}
	c, api := newRoutedClient(t, routes)

	r, err := c.HealthByServiceID(t.Context(), "SVC-000123")
	require.NoError(t, err)
	assert.Equal(t, locTestCustomer, r.CustomerID)
	assert.Equal(t, locTestLocation, r.LocationID)
	reqs := api.requests()
	require.Len(t, reqs, 5, "the search, then Health's four")
	assert.Equal(t, "/api/Partners/locations/SVC-000123", reqs[0].Path)

	c, api = newRoutedClient(t, map[string]queued{})
	_, err = c.HealthByServiceID(t.Context(), "SVC-none")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Len(t, api.requests(), 1)

	c, _ = newRoutedClient(t, map[string]queued{"/api/Partners/locations/SVC-1": {200, `{"id":"l1","name":"Home"}`}})
	_, err = c.HealthByServiceID(t.Context(), "SVC-1")
	assert.ErrorIs(t, err, ErrUnexpectedResponse, "a match without its customer")
}

func TestHealthBySerial(t *testing.T) {
	t.Parallel()
	routes := healthRoutes(t)
	routes["/api/Partners/nodes/PD9Z8Y7X6W5V"] = queued{200, fixture(t, "lookup_claimed.json")}
	routes["/api/Partners/nodes/PD0000000000"] = queued{200, fixture(t, "lookup_unclaimed.json")}
	c, api := newRoutedClient(t, routes)

	r, err := c.HealthBySerial(t.Context(), "PD9Z8Y7X6W5V")
	require.NoError(t, err)
	assert.Equal(t, locTestLocation, r.LocationID)
	reqs := api.requests()
	require.Len(t, reqs, 5, "the lookup, then Health's four")
	assert.Equal(t, "/api/Partners/nodes/PD9Z8Y7X6W5V", reqs[0].Path)

	_, err = c.HealthBySerial(t.Context(), "PD0000000000")
	assert.ErrorIs(t, err, ErrNotFound, "an unclaimed serial")
	assert.Contains(t, err.Error(), "not claimed")
	assert.Len(t, api.requests(), 6, "nothing after the lookup")

	_, err = c.HealthBySerial(t.Context(), "PD-unknown")
	assert.ErrorIs(t, err, ErrNotFound, "an unknown serial")
}

func TestHealthReportWording(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 12, 4, 15, 30, 0, 0, time.UTC)
	cases := []struct {
		name  string
		parts healthParts
		want  []string
	}{
		{
			"gateway state known only at the location level",
			healthParts{summary: &Summary{Topology: Topology{GatewayConnectionState: "disconnected", NodeClaimedCount: 1, Raw: []byte(`{}`)}}},
			[]string{"gateway offline"},
		},
		{
			"residential gateway and a nickname-less extender",
			healthParts{summary: &Summary{Topology: Topology{At: day, Raw: []byte(`{}`), Nodes: []NodeStatus{
				{ID: "E1", DefaultName: "Pod 7", ConnectionState: "disconnected", ConnectionStateChangeAt: day.Add(-time.Hour)},
				{ID: "G1", ResidentialGateway: true, ConnectionState: "Connected"},
				{ID: "E2", ConnectionState: ""},
			}}}},
			[]string{"extender Pod 7 offline since 14:30 UTC"},
		},
		{
			"a fast test and a failed one",
			healthParts{summary: &Summary{Topology: Topology{NodeClaimedCount: 1, Raw: []byte(`{}`)}}, dashboard: &Dashboard{SpeedTest: &SpeedTestResult{Status: "completed", DownloadMbps: 480}}},
			[]string{},
		},
		{
			"failed speed test",
			healthParts{summary: &Summary{Topology: Topology{NodeClaimedCount: 1, Raw: []byte(`{}`)}}, dashboard: &Dashboard{SpeedTest: &SpeedTestResult{Status: "failed"}}},
			[]string{"last speed test failed"},
		},
		{
			"running speed test and a rate-limited alerts call",
			healthParts{
				summary:   &Summary{Topology: Topology{NodeClaimedCount: 1, Raw: []byte(`{}`)}},
				alertsErr: &RateLimitError{StatusCode: 429},
				dashboard: &Dashboard{SpeedTest: &SpeedTestResult{Status: "running"}},
			},
			[]string{"alerts unavailable: rate limited (HTTP 429)"},
		},
		{
			"basic service is no problem; an unusable dashboard is",
			healthParts{
				location:     &Location{ID: "l", ServiceLevel: &ServiceLevel{Status: BasicService}},
				summary:      &Summary{Topology: Topology{NodeClaimedCount: 1, Raw: []byte(`{}`)}},
				dashboardErr: &UnexpectedResponseError{Reason: "null"},
			},
			[]string{"speed test unavailable: unexpected answer: null"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.parts.report("c", "l", day)
			assert.Equal(t, tc.want, r.Problems)
			if tc.parts.dashboard == nil && tc.parts.dashboardErr == nil {
				assert.Equal(t, []string{"no speed test yet"}, r.Notes)
			} else {
				assert.Empty(t, r.Notes)
			}
		})
	}
}

func TestProblemCause(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "HTTP 500", problemCause(&Error{StatusCode: 500}))
	assert.Equal(t, "dial tcp: refused", problemCause(errors.New("plume: dial tcp: refused")))
	assert.Equal(t, "no answer", problemCause(nil))
	assert.False(t, strings.HasPrefix(problemCause(context.DeadlineExceeded), "plume: "))
}
