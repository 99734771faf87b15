package fakecloud

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientSteering(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	steer := s.path("/devices/" + macLaptop + "/clientSteering")

	res := s.api(http.MethodPatch, steer, map[string]any{"auto": false})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, map[string]any{"auto": false, "updatedAt": stampAt(0)}, res.object(t))
	s.clock.Advance(time.Second)
	res = s.api(http.MethodPatch, steer, map[string]any{"steeringClass": "phone"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, map[string]any{"auto": false, "updatedAt": stampAt(time.Second)}, res.object(t), "auto is kept")

	dev := s.api(http.MethodGet, s.path("/devices/"+macLaptop), nil).object(t)
	assert.Equal(t, map[string]any{"auto": false, "steeringClass": "phone", "updatedAt": stampAt(time.Second)}, dev["clientSteering"])
	view, _ := s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, &ClientSteeringView{Auto: false, SteeringClass: "phone", UpdatedAt: testStart.Add(time.Second)}, view.ClientSteering)

	res = s.api(http.MethodPatch, s.path("/devices/AA:BB:CC:00:00:99/clientSteering"), map[string]any{"steeringClass": "tv"})
	require.Equal(t, http.StatusOK, res.status, "the device need not exist")
	assert.Equal(t, true, res.object(t)["auto"], "auto is true until set")

	require.Equal(t, http.StatusNoContent, s.api(http.MethodDelete, s.path("/devices/"+macLaptop), nil).status)
	s.addDevice(Device{MAC: macLaptop})
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.Nil(t, view.ClientSteering, "hiding wipes the steering")

	s.runStatusCases(t, []statusCase{
		{"empty body", "PATCH", steer, nil, 400},
		{"empty object", "PATCH", steer, map[string]any{}, 400},
		{"only unknown fields", "PATCH", steer, map[string]any{"mode": "auto"}, 400},
		{"auto not a boolean", "PATCH", steer, map[string]any{"auto": "on"}, 400},
		{"invalid MAC", "PATCH", s.path("/devices/nope/clientSteering"), map[string]any{"auto": true}, 422},
		{"unknown location", "PATCH", locPath(s.id, unknownID) + "/devices/" + macLaptop + "/clientSteering", map[string]any{"auto": true}, 404},
		{"unknown customer", "PATCH", locPath(unknownID, s.loc) + "/devices/" + macLaptop + "/clientSteering", map[string]any{"auto": true}, 401},
	})
}

// TestForcedSteerChecks walks the checks of §12.5 in order: each case fails exactly one
// check and passes all earlier ones.
func TestForcedSteerChecks(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	s.addDevice(Device{MAC: "aa:bb:cc:00:00:31", FreqBand: "5G", LastSeen: testStart.Add(-31 * 24 * time.Hour)})
	s.addDevice(Device{MAC: "aa:bb:cc:00:00:32", FreqBand: "5G", LastSeen: testStart.Add(-31*24*time.Hour - time.Second)})
	steer := func(mac string) string { return s.path("/devices/" + mac + "/forcedSteer") }
	at := func(d time.Duration) map[string]any {
		return map[string]any{"expiresAt": testStart.Add(d).Format(time.RFC3339Nano)}
	}
	good := at(10 * time.Minute)

	s.runStatusCases(t, []statusCase{
		{"unknown device, bad expiresAt", "PUT", steer("aa:bb:cc:00:00:99"), map[string]any{"expiresAt": "soon"}, 404},
		{"malformed MAC", "PUT", steer("laptop"), good, 404},
		{"offline for more than 31 days, no expiresAt", "PUT", steer("aa:bb:cc:00:00:32"), map[string]any{}, 404},
		{"unknown location", "PUT", locPath(s.id, unknownID) + "/devices/" + macLaptop + "/forcedSteer", good, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/devices/" + macLaptop + "/forcedSteer", good, 404},
		{"expiresAt missing", "PUT", steer(macLaptop), map[string]any{}, 422},
		{"expiresAt unparsable", "PUT", steer(macLaptop), map[string]any{"expiresAt": "2024-03-27 15:00"}, 422},
		{"expiresAt not a string", "PUT", steer(macLaptop), map[string]any{"expiresAt": 1711551718}, 422},
		{"expiresAt in the past", "PUT", steer(macLaptop), at(-time.Minute), 422},
		{"expiresAt now", "PUT", steer(macLaptop), at(0), 422},
		{"expiresAt under 5 minutes ahead", "PUT", steer(macLaptop), at(5*time.Minute - time.Millisecond), 422},
		{"expiresAt over 60 minutes ahead", "PUT", steer(macLaptop), at(60*time.Minute + time.Millisecond), 422},
		{"DELETE: unknown device", "DELETE", steer("aa:bb:cc:00:00:99"), nil, 404},
		{"DELETE: offline for more than 31 days", "DELETE", steer("aa:bb:cc:00:00:32"), nil, 404},
	})
	for name, body := range map[string]map[string]any{
		"5 minutes, inclusive":                at(5 * time.Minute),
		"60 minutes, inclusive":               at(60 * time.Minute),
		"an offset instead of Z":              {"expiresAt": testStart.Add(30 * time.Minute).In(time.FixedZone("", 2*3600)).Format(time.RFC3339)},
		"offline exactly 31 days is not more": at(10 * time.Minute),
	} {
		mac := macLaptop
		if name == "offline exactly 31 days is not more" {
			mac = "aa:bb:cc:00:00:31"
		}
		res := s.api(http.MethodPut, steer(mac), body)
		assert.Equal(t, http.StatusNoContent, res.status, "%s: %s", name, res.body)
		assert.Empty(t, res.body)
	}
}

func TestForcedSteerLifecycle(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	steer := s.path("/devices/" + macLaptop + "/forcedSteer")
	until := testStart.Add(10 * time.Minute)

	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, steer, map[string]any{"expiresAt": "2024-03-27T14:51:58.312+00:00"}).status)
	dev := s.api(http.MethodGet, s.path("/devices/"+macLaptop), nil).object(t)
	assert.Equal(t, map[string]any{"expiresAt": stamp(until)}, dev["forcedSteer"])
	assert.Equal(t, "2.4G", dev["freqBand"], "held on 2.4 GHz")
	assert.EqualValues(t, 6, dev["channel"])
	view, _ := s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, until, view.ForcedSteerUntil)
	assert.Equal(t, "2.4G", view.FreqBand)

	s.clock.Set(until)
	dev = s.api(http.MethodGet, s.path("/devices/"+macLaptop), nil).object(t)
	assert.NotContains(t, dev, "forcedSteer", "reverts at expiry")
	assert.Equal(t, "5G", dev["freqBand"])
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.True(t, view.ForcedSteerUntil.IsZero())

	// A new PUT replaces the last one; DELETE ends it early, and answers 204 with none active.
	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, steer, map[string]any{"expiresAt": stamp(until.Add(30 * time.Minute))}).status)
	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, steer, map[string]any{"expiresAt": stamp(until.Add(20 * time.Minute))}).status)
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, until.Add(20*time.Minute), view.ForcedSteerUntil)
	res := s.api(http.MethodDelete, steer, nil)
	require.Equal(t, http.StatusNoContent, res.status)
	assert.Empty(t, res.body)
	assert.NotContains(t, s.api(http.MethodGet, s.path("/devices/"+macLaptop), nil).object(t), "forcedSteer")
	assert.Equal(t, http.StatusNoContent, s.api(http.MethodDelete, steer, nil).status)

	// A wired device shows the steer but keeps its band.
	require.Equal(t, http.StatusNoContent, s.api(http.MethodPut, s.path("/devices/"+macTV+"/forcedSteer"), map[string]any{"expiresAt": stamp(until.Add(10 * time.Minute))}).status)
	tv := s.api(http.MethodGet, s.path("/devices/"+macTV), nil).object(t)
	assert.Contains(t, tv, "forcedSteer")
	assert.Equal(t, "", tv["freqBand"])
}

func TestBandSteering(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	assert.Equal(t, map[string]any{"_version": schemaVersion, "auto": true, "mode": "auto", "updatedAt": stampAt(0)},
		s.api(http.MethodGet, s.path(""), nil).object(t)["bandSteering"], "the default, in the Location")

	s.clock.Advance(time.Second)
	res := s.api(http.MethodPatch, s.path("/bandSteering"), map[string]any{"mode": "enable"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	want := map[string]any{"_version": schemaVersion, "auto": false, "mode": "enable", "updatedAt": stampAt(time.Second)}
	assert.Equal(t, want, res.object(t))
	assert.Equal(t, want, s.api(http.MethodGet, s.path(""), nil).object(t)["bandSteering"])
	loc, _ := s.cloud.Location(s.loc)
	assert.Equal(t, "enable", loc.BandSteering)

	for _, tc := range []struct {
		auto bool
		mode string
	}{{false, "disable"}, {true, "auto"}} {
		res = s.api(http.MethodPut, s.path("/bandSteering"), map[string]any{"auto": tc.auto})
		require.Equal(t, http.StatusOK, res.status)
		m := res.object(t)
		assert.Equal(t, tc.mode, m["mode"])
		assert.Equal(t, tc.auto, m["auto"])
	}
	assert.Equal(t, true, s.api(http.MethodPatch, s.path("/bandSteering"), map[string]any{"mode": "auto"}).object(t)["auto"])

	s.runStatusCases(t, []statusCase{
		{"PATCH: mode missing", "PATCH", s.path("/bandSteering"), map[string]any{}, 400},
		{"PATCH: invalid mode", "PATCH", s.path("/bandSteering"), map[string]any{"mode": "on"}, 422},
		{"PATCH: unknown location", "PATCH", locPath(s.id, unknownID) + "/bandSteering", map[string]any{"mode": "auto"}, 404},
		{"PATCH: unknown customer", "PATCH", locPath(unknownID, s.loc) + "/bandSteering", map[string]any{"mode": "auto"}, 401},
		{"PUT: auto missing", "PUT", s.path("/bandSteering"), map[string]any{"mode": "auto"}, 400},
		{"PUT: auto not a boolean", "PUT", s.path("/bandSteering"), map[string]any{"auto": "yes"}, 400},
		{"PUT: unknown location", "PUT", locPath(s.id, unknownID) + "/bandSteering", map[string]any{"auto": true}, 404},
	})
}
