package fakecloud

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestOptimizations(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	path := s.path("/optimizations")
	auto := map[string]any{"maxBandwidth24g": bandwidthAuto, "maxBandwidth5g": bandwidthAuto, "maxBandwidth6g": bandwidthAuto}
	assert.Equal(t, map[string]any{
		"_version": schemaVersion, "auto": true, "enable": true, "dfsMode": "auto", "prefer160MhzMode": "auto",
		"zeroWaitDfsMode": "auto", "hopPenalty": "auto", "preCACScheduler": "auto", "updatedAt": stampAt(0), "maxBandwidth": auto,
	}, s.location()["optimizations"], "the defaults, in Location.optimizations")

	// PATCH merges: auto is kept when absent; maxBandwidth may come as a string holding JSON.
	s.clock.Advance(time.Second)
	got := s.expect(200, "PATCH", path, map[string]any{
		"dfsMode": "HomeNonDFSChannels", "zeroWaitDfsMode": "enable",
		"maxBandwidth": `{"maxBandwidth5g":"CHANNEL_BANDWIDTH_80MHZ"}`,
	}).object(t)
	assert.Equal(t, true, got["auto"])
	assert.Equal(t, "HomeNonDFSChannels", got["dfsMode"])
	assert.Equal(t, "enable", got["zeroWaitDfsMode"])
	assert.Equal(t, "CHANNEL_BANDWIDTH_80MHZ", got["maxBandwidth"].(map[string]any)["maxBandwidth5g"])
	assert.Equal(t, bandwidthAuto, got["maxBandwidth"].(map[string]any)["maxBandwidth24g"])
	assert.Equal(t, stampAt(time.Second), got["updatedAt"])
	got = s.expect(200, "PATCH", path, map[string]any{"auto": "false", "hopPenalty": "high"}).object(t)
	assert.Equal(t, false, got["auto"], "a string holding a boolean")
	assert.Equal(t, false, got["enable"], "enable mirrors auto")
	assert.Equal(t, "HomeNonDFSChannels", got["dfsMode"], "kept")
	assert.Equal(t, s.location()["optimizations"], got)

	// PUT replaces: what is not sent goes back to auto, zeroWaitDfsMode (PATCH only) included.
	got = s.expect(200, "PUT", path, map[string]any{
		"auto": true, "prefer160MhzMode": "disable", "zeroWaitDfsMode": "disable",
		"maxBandwidth": map[string]any{"maxBandwidth6g": "CHANNEL_BANDWIDTH_160MHZ"},
	}).object(t)
	assert.Equal(t, map[string]any{
		"_version": schemaVersion, "auto": true, "enable": true, "dfsMode": "auto", "prefer160MhzMode": "disable",
		"zeroWaitDfsMode": "auto", "hopPenalty": "auto", "preCACScheduler": "auto", "updatedAt": stampAt(time.Second),
		"maxBandwidth": map[string]any{"maxBandwidth24g": bandwidthAuto, "maxBandwidth5g": bandwidthAuto, "maxBandwidth6g": "CHANNEL_BANDWIDTH_160MHZ"},
	}, got)
	view, _ := s.cloud.Location(s.loc)
	assert.Equal(t, OptimizationsView{
		Auto: true, DFSMode: "auto", Prefer160MhzMode: "disable", ZeroWaitDFSMode: "auto", HopPenalty: "auto", PreCACScheduler: "auto",
		MaxBandwidth24G: bandwidthAuto, MaxBandwidth5G: bandwidthAuto, MaxBandwidth6G: "CHANNEL_BANDWIDTH_160MHZ",
		UpdatedAt: testStart.Add(time.Second),
	}, view.Optimizations)

	before := s.location()["optimizations"]
	s.runStatusCases(t, []statusCase{
		{"PUT without auto", "PUT", path, map[string]any{"dfsMode": "auto"}, 400},
		{"auto not a boolean", "PATCH", path, map[string]any{"auto": "sometimes"}, 400},
		{"dfsMode not a string", "PATCH", path, map[string]any{"dfsMode": 1}, 400},
		{"maxBandwidth not an object", "PATCH", path, map[string]any{"maxBandwidth": "wide"}, 400},
		{"maxBandwidth value not a string", "PATCH", path, map[string]any{"maxBandwidth": map[string]any{"maxBandwidth5g": 80}}, 400},
		{"unknown dfsMode", "PATCH", path, map[string]any{"dfsMode": "always"}, 422},
		{"unknown hopPenalty", "PUT", path, map[string]any{"auto": true, "hopPenalty": "extreme"}, 422},
		{"unknown preCACScheduler", "PATCH", path, map[string]any{"preCACScheduler": "on"}, 422},
		{"unknown zeroWaitDfsMode", "PATCH", path, map[string]any{"zeroWaitDfsMode": "on"}, 422},
		{"bandwidth without its prefix", "PATCH", path, map[string]any{"maxBandwidth": map[string]any{"maxBandwidth24g": "20MHZ"}}, 422},
		{"unknown location", "PATCH", locPath(s.id, unknownID) + "/optimizations", map[string]any{"auto": true}, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/optimizations", map[string]any{"auto": true}, 401},
	})
	assert.Equal(t, before, s.location()["optimizations"], "a refused write changes nothing")
}
