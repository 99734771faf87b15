package fakecloud

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const unknownID = "0123456789abcdef01234567"

func TestNodeStatusFields(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.cloud.AddInventory(DefaultPartnerID, "POD2")
	s.claim("POD2")
	s.clock.Advance(time.Minute)

	list := s.api(http.MethodGet, s.path("/nodes"), nil).object(t)["nodes"].([]any)
	require.Len(t, list, 3)
	gw := list[0].(map[string]any)
	assert.Equal(t, "GW1", gw["id"])
	assert.Equal(t, "connected", gw["connectionState"])
	assert.Equal(t, stampAt(0), gw["connectionStateChangeAt"], "connected since it went online right after its claim")
	assert.Equal(t, DefaultFirmwareVersion, gw["firmwareVersion"])
	assert.Equal(t, "192.168.1.1", gw["ip"], "a gateway takes .1")
	for key, want := range map[string]string{"channel": "44", "2gChannel": "6", "5gChannel": "44", "6gChannel": "37"} {
		assert.Equal(t, want, gw[key], key)
	}
	assert.Equal(t, "192.168.1.2", list[1].(map[string]any)["ip"])
	assert.Equal(t, "192.168.1.3", list[2].(map[string]any)["ip"])

	require.NoError(t, s.cloud.SetNodeOnline("POD2", false))
	pod2 := s.node("POD2")
	assert.Equal(t, "disconnected", pod2["connectionState"])
	assert.Equal(t, stampAt(time.Minute), pod2["connectionStateChangeAt"])
	view, _ := s.cloud.Node("POD2")
	assert.Equal(t, "disconnected", view.ConnectionState)
	assert.Equal(t, testStart.Add(time.Minute), view.ConnectionStateChangeAt)
	assert.Equal(t, "192.168.1.3", view.IP)

	res := s.api(http.MethodPost, s.path("/nodes/POD1"), map[string]any{"nickname": "Attic", "emitMessage": "on"})
	require.Equal(t, http.StatusOK, res.status)
	full := res.object(t)
	assert.Equal(t, DefaultFirmwareVersion, full["platformVersion"])
	assert.Equal(t, "connected", full["connectionState"])
	view, _ = s.cloud.Node("POD1")
	assert.Equal(t, ledLocate, view.LEDMode, "emitMessage on switches the LED")

	require.Equal(t, http.StatusNoContent, s.api(http.MethodDelete, nodesPath(s.id, s.loc)+"/POD2", nil).status)
	view, _ = s.cloud.Node("POD2")
	assert.Empty(t, view.IP)
	assert.Equal(t, "disconnected", view.ConnectionState)
	assert.True(t, view.ConnectionStateChangeAt.IsZero())
	s.claim("POD2")
	assert.Equal(t, "192.168.1.3", s.node("POD2")["ip"], "the lowest free address")
}

func TestReboot(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{Timings: Timings{Reboot: 40 * time.Second}})
	s.cloud.AddInventory(DefaultPartnerID, "OFF1")
	s.claim("OFF1")
	require.NoError(t, s.cloud.SetNodeOnline("OFF1", false))

	res := s.api(http.MethodPut, s.path("/nodes/POD1/reboot"), map[string]any{"delay": "30"})
	require.Equal(t, http.StatusNoContent, res.status, "body: %s", res.body)
	assert.Empty(t, res.body)

	steps := []struct {
		at        time.Duration
		state     string
		changedAt time.Duration
	}{
		{29 * time.Second, "connected", 0},
		{30 * time.Second, "disconnected", 30 * time.Second},
		{69 * time.Second, "disconnected", 30 * time.Second},
		{70 * time.Second, "connected", 70 * time.Second},
	}
	for _, step := range steps {
		s.clock.Set(testStart.Add(step.at))
		pod := s.node("POD1")
		assert.Equal(t, step.state, pod["connectionState"], "at +%s", step.at)
		assert.Equal(t, stampAt(step.changedAt), pod["connectionStateChangeAt"], "at +%s", step.at)
	}
	view, _ := s.cloud.Node("POD1")
	assert.Equal(t, 1, view.Reboots)
	assert.Equal(t, testStart.Add(30*time.Second), view.RebootAt)

	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, s.path("/nodes/OFF1/reboot"), nil).status)
	off, _ := s.cloud.Node("OFF1")
	assert.Zero(t, off.Reboots, "an offline node's state does not change")
	assert.True(t, off.RebootAt.IsZero())

	// A pending reboot is replaced by a new one; the location reboot takes every online node.
	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, s.path("/nodes/GW1/reboot"), map[string]any{"delay": 100}).status)
	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, s.path("/reboot"), map[string]any{"delay": 5}).status)
	now := testStart.Add(70 * time.Second)
	for serial, reboots := range map[string]int{"GW1": 2, "POD1": 2, "OFF1": 0} {
		v, _ := s.cloud.Node(serial)
		assert.Equal(t, reboots, v.Reboots, serial)
		if reboots > 0 {
			assert.Equal(t, now.Add(5*time.Second), v.RebootAt, serial)
		}
	}
	s.clock.Set(now.Add(5 * time.Second))
	assert.Equal(t, "disconnected", s.node("GW1")["connectionState"])
	s.clock.Set(now.Add(100 * time.Second))
	assert.Equal(t, "connected", s.node("GW1")["connectionState"], "the replaced reboot never happens")
	assert.Equal(t, stamp(now.Add(45*time.Second)), s.node("GW1")["connectionStateChangeAt"])
}

func TestRebootStatuses(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	_, other := s.register("account-2")
	s.runStatusCases(t, []statusCase{
		{"negative delay", "PUT", s.path("/nodes/POD1/reboot"), map[string]any{"delay": -1}, 422},
		{"delay above 100000", "PUT", s.path("/nodes/POD1/reboot"), map[string]any{"delay": 100001}, 422},
		{"fractional delay", "PUT", s.path("/nodes/POD1/reboot"), map[string]any{"delay": 1.5}, 422},
		{"delay not a number", "PUT", s.path("/nodes/POD1/reboot"), map[string]any{"delay": "soon"}, 422},
		{"delay a boolean", "PUT", s.path("/nodes/POD1/reboot"), map[string]any{"delay": true}, 422},
		{"unknown node", "PUT", s.path("/nodes/NOSUCH/reboot"), nil, 404},
		{"unknown location", "PUT", locPath(s.id, unknownID) + "/nodes/POD1/reboot", nil, 404},
		{"another customer's location", "PUT", locPath(s.id, other) + "/nodes/POD1/reboot", nil, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/nodes/POD1/reboot", nil, 401},
		{"location reboot: delay out of range", "PUT", s.path("/reboot"), map[string]any{"delay": "100001"}, 422},
		{"location reboot: unknown location", "PUT", locPath(s.id, unknownID) + "/reboot", nil, 404},
		{"location reboot: unknown customer", "PUT", locPath(unknownID, s.loc) + "/reboot", nil, 401},
		{"malformed body", "PUT", s.path("/reboot"), "[1]", 400},
	})
	assert.Equal(t, http.StatusNoContent, s.api(http.MethodPut, s.path("/nodes/POD1/reboot"), map[string]any{"delay": 100000}).status)
	assert.Equal(t, http.StatusNoContent, s.api(http.MethodPut, s.path("/reboot"), map[string]any{"delay": "0"}).status)
}

func TestLEDMode(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.cloud.AddInventory(DefaultPartnerID, "ELSEWHERE", "SPARE")
	otherID, otherLoc := s.register("account-2")
	require.Equal(t, http.StatusOK, s.api(http.MethodPost, nodesPath(otherID, otherLoc), claimBody("ELSEWHERE")).status)

	res := s.api(http.MethodPut, s.path("/nodes/POD1/ledMode"), map[string]any{"mode": "locate"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, map[string]any{"mode": "locate"}, res.object(t))
	s.clock.Advance(time.Hour)
	view, _ := s.cloud.Node("POD1")
	assert.Equal(t, "locate", view.LEDMode, "never reverts by itself")
	assert.Equal(t, "normal", s.api(http.MethodPut, s.path("/nodes/POD1/ledMode"), map[string]any{"mode": "normal"}).object(t)["mode"])

	s.runStatusCases(t, []statusCase{
		{"mode missing", "PUT", s.path("/nodes/POD1/ledMode"), map[string]any{}, 422},
		{"mode of the parameter text", "PUT", s.path("/nodes/POD1/ledMode"), map[string]any{"mode": "on"}, 422},
		{"node unknown to the cloud", "PUT", s.path("/nodes/NOSUCH/ledMode"), map[string]any{"mode": "locate"}, 404},
		{"node of another location", "PUT", s.path("/nodes/ELSEWHERE/ledMode"), map[string]any{"mode": "locate"}, 425},
		{"node not claimed", "PUT", s.path("/nodes/SPARE/ledMode"), map[string]any{"mode": "locate"}, 425},
		{"unknown location", "PUT", locPath(s.id, unknownID) + "/nodes/POD1/ledMode", map[string]any{"mode": "locate"}, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/nodes/POD1/ledMode", map[string]any{"mode": "locate"}, 401},
	})
}

func TestFlashLogging(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	res := s.api(http.MethodPatch, s.path("/config/flashLogging"), map[string]any{"forceDestination": "NODE_LOGGING_DESTINATION_FLASH_RAMOOPS"})
	require.Equal(t, http.StatusAccepted, res.status, "body: %s", res.body)
	assert.Empty(t, res.body)
	loc, _ := s.cloud.Location(s.loc)
	assert.Equal(t, "NODE_LOGGING_DESTINATION_FLASH_RAMOOPS", loc.LogDestination)

	res = s.api(http.MethodDelete, s.path("/config/flashLogging"), nil)
	require.Equal(t, http.StatusAccepted, res.status)
	assert.Empty(t, res.body)
	loc, _ = s.cloud.Location(s.loc)
	assert.Empty(t, loc.LogDestination)

	s.runStatusCases(t, []statusCase{
		{"missing", "PATCH", s.path("/config/flashLogging"), map[string]any{}, 400},
		{"invalid", "PATCH", s.path("/config/flashLogging"), map[string]any{"forceDestination": "NODE_LOGGING_DESTINATION_CLOUD"}, 422},
		{"unknown location", "PATCH", locPath(s.id, unknownID) + "/config/flashLogging", map[string]any{"forceDestination": "NODE_LOGGING_DESTINATION_OFF"}, 404},
		{"unknown customer", "DELETE", locPath(unknownID, s.loc) + "/config/flashLogging", nil, 401},
		{"reset at unknown location", "DELETE", locPath(s.id, unknownID) + "/config/flashLogging", nil, 404},
	})
}

func TestFindNode(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.cloud.AddInventory(DefaultPartnerID, "THEIRS", "SPARE")
	cabin := s.api(http.MethodPost, "/Customers/"+s.id+"/locations", map[string]any{"name": "Cabin"}).object(t)["id"].(string)
	s.cloud.AddInventory(DefaultPartnerID, "POD2")
	require.Equal(t, http.StatusOK, s.api(http.MethodPost, nodesPath(s.id, cabin), claimBody("POD2")).status)
	otherID, otherLoc := s.register("account-2")
	require.Equal(t, http.StatusOK, s.api(http.MethodPost, nodesPath(otherID, otherLoc), claimBody("THEIRS")).status)

	for serial, loc := range map[string]string{"POD1": s.loc, "POD2": cabin} {
		res := s.api(http.MethodGet, "/Customers/"+s.id+"/nodes/"+serial, nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		m := res.object(t)
		assert.Equal(t, serial, m["id"])
		assert.Equal(t, loc, m["locationId"])
		assert.Contains(t, m, "connectionState")
	}
	s.runStatusCases(t, []statusCase{
		{"another customer's node", "GET", "/Customers/" + s.id + "/nodes/THEIRS", nil, 404},
		{"unclaimed node", "GET", "/Customers/" + s.id + "/nodes/SPARE", nil, 404},
		{"unknown node", "GET", "/Customers/" + s.id + "/nodes/NOSUCH", nil, 404},
		{"unknown customer", "GET", "/Customers/" + unknownID + "/nodes/POD1", nil, 404},
		{"delete the node model", "DELETE", "/Customers/" + s.id + "/nodes/POD1", nil, 405},
	})
	view, _ := s.cloud.Node("POD1")
	assert.Equal(t, s.loc, view.LocationID, "the 405 changed nothing")
}

func TestTaskStatusesAndModules(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	res := s.api(http.MethodGet, s.path("/taskStatuses"), nil)
	assert.Equal(t, http.StatusNoContent, res.status)
	assert.Empty(t, res.body)
	res = s.api(http.MethodGet, s.path("/firmware/modules"), nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, map[string]any{}, res.object(t))
	s.runStatusCases(t, []statusCase{
		{"taskStatuses of unknown customer", "GET", locPath(unknownID, s.loc) + "/taskStatuses", nil, 404},
		{"taskStatuses of unknown location", "GET", locPath(s.id, unknownID) + "/taskStatuses", nil, 404},
		{"modules of unknown customer", "GET", locPath(unknownID, s.loc) + "/firmware/modules", nil, 401},
		{"modules of unknown location", "GET", locPath(s.id, unknownID) + "/firmware/modules", nil, 404},
	})
}
