package fakecloud

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// firmwareItems answers GET …/firmware by node id.
func (s *site) firmwareItems(method string) map[string]map[string]any {
	s.t.Helper()
	res := s.api(method, s.path("/firmware"), nil)
	require.Equal(s.t, http.StatusOK, res.status, "body: %s", res.body)
	out := map[string]map[string]any{}
	for _, item := range res.array(s.t) {
		m := item.(map[string]any)
		out[m["nodeId"].(string)] = m
	}
	return out
}

func TestFirmwareUpgrade(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.cloud.AddInventory(DefaultPartnerID, "OFF1", "DONE1")
	s.claim("OFF1", "DONE1")
	require.NoError(t, s.cloud.SetNodeOnline("OFF1", false))
	require.NoError(t, s.cloud.SetFirmware("DONE1", DefaultFirmwareTarget))

	before := s.firmwareItems(http.MethodGet)
	require.Len(t, before, 4)
	assert.Equal(t, map[string]any{
		"nodeId": "GW1", "firmwareVersion": "1.0.0", "targetVersion": "1.1.0", "status": "idle", "updatedAt": stampAt(0),
	}, before["GW1"])

	// t: requested (upToDate when already on the target); the offline node is requested too.
	steps := []struct {
		at                      time.Duration
		method                  string
		gw, off, done           string
		gwVersion, gwConnection string
	}{
		{0, http.MethodPut, "requested", "requested", "upToDate", "1.0.0", "connected"},
		{9 * time.Second, http.MethodGet, "requested", "requested", "upToDate", "1.0.0", "connected"},
		{10 * time.Second, http.MethodGet, "upgrading", "failed", "upToDate", "1.0.0", "disconnected"},
		{20 * time.Second, http.MethodPut, "upgrading", "failed", "upToDate", "1.0.0", "disconnected"}, // in flight: no change
		{129 * time.Second, http.MethodGet, "upgrading", "failed", "upToDate", "1.0.0", "disconnected"},
		{130 * time.Second, http.MethodGet, "completed", "failed", "upToDate", "1.1.0", "connected"},
	}
	for _, step := range steps {
		s.clock.Set(testStart.Add(step.at))
		items := s.firmwareItems(step.method)
		assert.Equal(t, step.gw, items["GW1"]["status"], "GW1 at +%s", step.at)
		assert.Equal(t, step.off, items["OFF1"]["status"], "OFF1 at +%s", step.at)
		assert.Equal(t, step.done, items["DONE1"]["status"], "DONE1 at +%s", step.at)
		assert.Equal(t, step.gwVersion, items["GW1"]["firmwareVersion"], "at +%s", step.at)
		gw := s.node("GW1")
		assert.Equal(t, step.gwConnection, gw["connectionState"], "at +%s", step.at)
		assert.Equal(t, step.gwVersion, gw["firmwareVersion"], "at +%s", step.at)
	}
	gw := s.node("GW1")
	assert.Equal(t, stampAt(130*time.Second), gw["connectionStateChangeAt"])
	items := s.firmwareItems(http.MethodGet)
	assert.Equal(t, stampAt(130*time.Second), items["GW1"]["updatedAt"])
	assert.Equal(t, stampAt(10*time.Second), items["OFF1"]["updatedAt"])
	assert.Equal(t, "1.0.0", items["OFF1"]["firmwareVersion"], "a failed upgrade keeps the version")
	view, _ := s.cloud.Node("GW1")
	assert.Equal(t, "completed", view.FirmwareStatus)
	assert.Equal(t, "1.1.0", view.FirmwareVersion)

	// The next request: the upgraded node is on the target now, the failed one tries again.
	s.clock.Set(testStart.Add(time.Hour))
	require.NoError(t, s.cloud.SetFirmwareTarget("2.0.0"))
	require.NoError(t, s.cloud.SetNodeOnline("OFF1", true))
	items = s.firmwareItems(http.MethodPut)
	assert.Equal(t, "requested", items["GW1"]["status"])
	assert.Equal(t, "1.1.0", items["GW1"]["firmwareVersion"])
	assert.Equal(t, "2.0.0", items["GW1"]["targetVersion"])
	assert.Equal(t, stamp(testStart.Add(130*time.Second)), s.node("GW1")["connectionStateChangeAt"], "history survives the new job")

	require.NoError(t, s.cloud.SetFirmwareTarget("3.0.0"))
	assert.Equal(t, "2.0.0", s.firmwareItems(http.MethodGet)["GW1"]["targetVersion"], "a requested job keeps its target")
	require.NoError(t, s.cloud.SetFirmware("GW1", "2.5.0"))
	items = s.firmwareItems(http.MethodGet)
	assert.Equal(t, "idle", items["GW1"]["status"], "SetFirmware ends the job")
	assert.Equal(t, "2.5.0", items["GW1"]["firmwareVersion"])
	assert.Equal(t, "3.0.0", items["GW1"]["targetVersion"])
}

func TestFirmwareUpgradeCutShort(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{Timings: Timings{FirmwareQueue: time.Second, FirmwareUpgrade: time.Minute}})
	require.Equal(t, http.StatusOK, s.api(http.MethodPut, s.path("/firmware"), nil).status)
	s.clock.Set(testStart.Add(30 * time.Second))
	assert.Equal(t, "disconnected", s.node("POD1")["connectionState"])
	require.NoError(t, s.cloud.SetFirmware("POD1", "9.9.9"))
	pod := s.node("POD1")
	assert.Equal(t, "connected", pod["connectionState"], "SetFirmware ends the upgrade")
	assert.Equal(t, stampAt(30*time.Second), pod["connectionStateChangeAt"])
	assert.Equal(t, "9.9.9", pod["firmwareVersion"])

	require.NoError(t, s.cloud.SetNodeOnline("GW1", false))
	require.Equal(t, http.StatusNoContent, s.api(http.MethodDelete, nodesPath(s.id, s.loc)+"/GW1", nil).status)
	gw, _ := s.cloud.Node("GW1")
	assert.Equal(t, "idle", gw.FirmwareStatus, "an unclaim ends the job")
	assert.Equal(t, DefaultFirmwareVersion, gw.FirmwareVersion)
}

func TestFirmwareStatuses(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.runStatusCases(t, []statusCase{
		{"GET: unknown customer", "GET", locPath(unknownID, s.loc) + "/firmware", nil, 404},
		{"GET: unknown location", "GET", locPath(s.id, unknownID) + "/firmware", nil, 404},
		{"PUT: unknown customer", "PUT", locPath(unknownID, s.loc) + "/firmware", nil, 401},
		{"PUT: unknown location", "PUT", locPath(s.id, unknownID) + "/firmware", nil, 404},
	})
	empty := s.api(http.MethodPost, "/Customers/"+s.id+"/locations", map[string]any{"name": "Empty"}).object(t)["id"].(string)
	res := s.api(http.MethodPut, locPath(s.id, empty)+"/firmware", map[string]any{})
	require.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, res.array(t), "no claimed node, nothing to upgrade")
	assert.Error(t, s.cloud.SetFirmware("NOSUCH", "1.0.0"))
	assert.Error(t, s.cloud.SetFirmware("GW1", ""))
	assert.Error(t, s.cloud.SetFirmwareTarget(""))
	assert.Equal(t, DefaultFirmwareTarget, s.cloud.FirmwareTarget())
}
