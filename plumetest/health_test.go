package plumetest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

func TestRaiseNodeAlert(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
	reg := household(t, srv, srv.Client(fast...))
	w := newWire(t, srv)

	srv.RaiseNodeAlert("POD1", "poorHealth")
	clock.Advance(time.Minute)
	srv.RaiseNodeAlert("POD1", "highInterference")
	status, body := w.call(http.MethodGet, locationPath(reg)+"/alerts", nil)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	assert.JSONEq(t, `{"nodes":[{"id":"POD1","alerts":[
		{"type":"poorHealth","state":"active","updatedAt":"2025-06-01T09:00:00.000Z"},
		{"type":"highInterference","state":"active","updatedAt":"2025-06-01T09:01:00.000Z"}]}],"devices":[]}`, string(body))

	status, body = w.call(http.MethodPut, locationPath(reg)+"/nodes/POD1/alerts/poorHealth", map[string]any{"state": "snooze"})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	pod, _ := srv.Node("POD1")
	assert.Equal(t, []plumetest.AlertView{
		{Type: "poorHealth", State: "snooze", UpdatedAt: start.Add(time.Minute)},
		{Type: "highInterference", State: "active", UpdatedAt: start.Add(time.Minute)},
	}, pod.Alerts)
}

// TestHealthFollowsTheHooks: a node taken offline with SetNodeOnline shows in the topology,
// the summary's counts and the force graph, on the Server's clock.
func TestHealthFollowsTheHooks(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
	reg := household(t, srv, srv.Client(fast...))
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: "aa:bb:cc:dd:ee:01", Name: "laptop", NodeID: "POD1", Connected: true})
	w := newWire(t, srv)
	var topo struct {
		GatewayConnectionState string `json:"gatewayConnectionState"`
		NodeConnectedCount     int    `json:"nodeConnectedCount"`
		ConnectedDeviceCount   int    `json:"connectedDeviceCount"`
		Topology               []struct {
			ID, ConnectionState, BackhaulType string
			LeafToRoot                        []map[string]string `json:"leafToRoot"`
		} `json:"topology"`
	}
	read := func(path string) {
		t.Helper()
		status, body := w.call(http.MethodGet, locationPath(reg)+path, nil)
		require.Equal(t, http.StatusOK, status, "body: %s", body)
		require.NoError(t, json.Unmarshal(body, &topo))
	}
	read("/topology")
	assert.Equal(t, 2, topo.NodeConnectedCount)
	assert.Equal(t, 1, topo.ConnectedDeviceCount)
	require.Len(t, topo.Topology, 2)
	assert.Equal(t, "ethernet", topo.Topology[0].BackhaulType)
	assert.Equal(t, []map[string]string{{"id": "GW1"}}, topo.Topology[1].LeafToRoot)

	clock.Advance(time.Minute)
	srv.SetNodeOnline("POD1", false)
	read("/summary")
	assert.Equal(t, 1, topo.NodeConnectedCount)
	assert.Equal(t, "disconnected", topo.Topology[1].ConnectionState)
	srv.SetNodeOnline("GW1", false)
	read("/topology")
	assert.Equal(t, "disconnected", topo.GatewayConnectionState)
	status, body := w.call(http.MethodGet, locationPath(reg)+"/forceGraph", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `{"connectionState":"disconnected","id":"GW1","name":"Gateway GW1","type":"node"}`)
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
	reg := household(t, srv, srv.Client(fast...))
	w := newWire(t, srv)
	clock.Advance(time.Second)
	status, body := w.call(http.MethodPut, locationPath(reg)+"/monitorMode", map[string]any{"enable": false})
	require.Equal(t, http.StatusOK, status, "body: %s", body)

	trail := srv.AuditTrail(reg.ID)
	require.Len(t, trail, 3, "two claims and monitorMode")
	assert.Equal(t, plumetest.AuditEntry{
		At: start.Add(time.Second), Method: "PUT", Path: locationPath(reg) + "/monitorMode", Status: 200, LocationID: reg.LocationID,
	}, trail[0])
	assert.True(t, strings.HasSuffix(trail[2].Path, "/nodes"))
}

func TestSectionSevenToElevenMistakesAreReported(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	srv := plumetest.NewServer(rec)
	srv.RaiseNodeAlert("NOSUCH", "poorHealth")
	assert.Nil(t, srv.AuditTrail("nope"))
	srv.SetLANPrefix("nope", "nope", "10.0.0.0/24")
	assert.Nil(t, srv.DHCPReservations("nope"))
	assert.Nil(t, srv.Keys("nope"))
	assert.Nil(t, srv.AccessZones("nope"))
	srv.AddSharedSchedule("nope", "shared-1")
	srv.SetSharedFreezeSchedules("nope", true)
	assert.Nil(t, srv.Persons("nope"))
	require.Len(t, rec.errors, 9)
	for _, e := range rec.errors {
		assert.True(t, strings.HasPrefix(e, "plumetest: "), e)
	}
}
