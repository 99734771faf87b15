package fakecloud

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unfrozen is the freeze object of a device nothing freezes.
var unfrozen = map[string]any{"frozen": false, "forever": false, "suspend": false, "autoExpire": nil, "templates": []any{}, "sources": []any{}}

func expiresIn(d time.Duration) map[string]any {
	return map[string]any{"expiresAt": testStart.Add(d).Format(time.RFC3339Nano)}
}

func TestDeviceFreezeForeverAndSuspend(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	freeze := s.path("/devices/" + macLaptop + "/freeze")
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))

	assert.JSONEq(t, `{}`, string(s.expect(200, "PUT", freeze+"/forever", nil).body), "enable defaults to true")
	assert.Equal(t, map[string]any{"frozen": true, "forever": true, "suspend": false, "autoExpire": nil, "templates": []any{}, "sources": []any{"device"}}, s.freezeOf(macLaptop))
	s.expect(200, "PUT", freeze+"/forever", map[string]any{"enable": "false"})
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))
	s.expect(200, "PUT", freeze+"/forever", map[string]any{"enable": true})
	assert.Empty(t, s.expect(204, "DELETE", freeze+"/forever", nil).body)
	s.expect(204, "DELETE", freeze+"/forever", nil) // absent: still 204
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))

	// deleteAllExceptSuspend clears the others first; DELETE …/freezes keeps suspend.
	s.expect(200, "PUT", freeze+"/suspend", nil)
	s.expect(200, "PUT", freeze+"/bedtime", map[string]any{"schedules": `[{"days":[1,2],"times":[{"start":"21:00","end":"07:00"}]}]`, "name": "Bedtime"})
	s.expect(200, "PUT", freeze+"/autoExpire", expiresIn(time.Hour))
	s.expect(200, "PUT", freeze+"/forever", map[string]any{"deleteAllExceptSuspend": true})
	view, _ := s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, FreezeView{Frozen: true, Forever: true, Suspend: true, Sources: []string{"device"}}, view.Freeze)
	s.expect(200, "PUT", freeze+"/schoolNights", nil)
	s.expect(204, "DELETE", s.path("/devices/"+macLaptop+"/freezes"), nil)
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, FreezeView{Frozen: true, Suspend: true, Sources: []string{"device"}}, view.Freeze)
	s.expect(204, "DELETE", freeze+"/suspend", nil)
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))

	// Hiding a device wipes its freezes.
	s.expect(200, "PUT", freeze+"/forever", nil)
	s.expect(204, "DELETE", s.path("/devices/"+macLaptop), nil)
	s.addDevice(Device{MAC: macLaptop, Connected: true})
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))
}

func TestDeviceFreezeStatuses(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	s.expect(204, "DELETE", s.path("/devices/"+macTV), map[string]any{"daysOffline": 365})
	freeze := s.path("/devices/" + macLaptop + "/freeze")
	unknown := s.path("/devices/aa:bb:cc:00:00:99/freeze")
	s.runStatusCases(t, []statusCase{
		{"PUT forever: unknown device", "PUT", unknown + "/forever", nil, 404},
		{"PUT forever: hidden device", "PUT", s.path("/devices/" + macTV + "/freeze/forever"), nil, 404},
		{"PUT forever: invalid MAC", "PUT", s.path("/devices/laptop/freeze/forever"), nil, 404},
		{"PUT forever: enable not a boolean", "PUT", freeze + "/forever", map[string]any{"enable": "maybe"}, 400},
		{"PUT suspend: unknown device", "PUT", unknown + "/suspend", nil, 404},
		{"DELETE forever: unknown device", "DELETE", unknown + "/forever", nil, 422},
		{"DELETE forever: invalid MAC", "DELETE", s.path("/devices/laptop/freeze/forever"), nil, 422},
		{"DELETE suspend: unknown device", "DELETE", unknown + "/suspend", nil, 422},
		{"DELETE template: unknown device", "DELETE", unknown + "/bedtime", nil, 422},
		{"DELETE autoExpire: unknown device", "DELETE", unknown + "/autoExpire", nil, 404},
		{"DELETE freezes: unknown device", "DELETE", s.path("/devices/aa:bb:cc:00:00:99/freezes"), nil, 404},
		{"PUT autoExpire: expiresAt missing", "PUT", freeze + "/autoExpire", map[string]any{}, 400},
		{"PUT autoExpire: unparsable", "PUT", freeze + "/autoExpire", map[string]any{"expiresAt": "tonight"}, 422},
		{"PUT autoExpire: past", "PUT", freeze + "/autoExpire", expiresIn(-time.Second), 422},
		{"PUT autoExpire: now", "PUT", freeze + "/autoExpire", expiresIn(0), 422},
		{"POST template: not seeded", "POST", freeze + "/no-such-schedule", nil, 404},
		{"POST template: unknown device", "POST", unknown + "/no-such-schedule", nil, 404},
		{"unknown location", "PUT", locPath(s.id, unknownID) + "/devices/" + macLaptop + "/freeze/forever", nil, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/devices/" + macLaptop + "/freeze/forever", nil, 401},
	})
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop), "a refused freeze changes nothing")
}

func TestFreezeAutoExpireLapses(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	s.expect(200, "PUT", s.path("/devices/"+macLaptop+"/freeze/autoExpire"), map[string]any{"expiresAt": "2024-03-27T16:41:58.312+01:00"})
	until := testStart.Add(time.Hour)
	f := s.freezeOf(macLaptop)
	assert.Equal(t, true, f["frozen"])
	assert.Equal(t, stamp(until), f["autoExpire"])
	view, _ := s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, until, view.Freeze.AutoExpire)

	s.clock.Set(until.Add(-time.Millisecond))
	assert.Equal(t, true, s.freezeOf(macLaptop)["frozen"])
	s.clock.Set(until) // no call at expiresAt: the next read finds it lapsed
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, FreezeView{}, view.Freeze)

	s.expect(200, "PUT", s.path("/devices/"+macLaptop+"/freeze/autoExpire"), expiresIn(2*time.Hour))
	s.expect(204, "DELETE", s.path("/devices/"+macLaptop+"/freeze/autoExpire"), nil)
	assert.Equal(t, unfrozen, s.freezeOf(macLaptop))
}

func TestFreezeTemplates(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	freeze := s.path("/devices/" + macLaptop + "/freeze")

	s.expect(200, "PUT", freeze+"/untilMidinight", map[string]any{"name": `"Until midnight"`, "schedules": []any{}})
	s.expect(200, "PUT", freeze+"/bedtime", map[string]any{"enable": false})
	f := s.freezeOf(macLaptop)
	assert.Equal(t, []any{"bedtime", "untilMidinight"}, f["templates"])
	assert.Equal(t, false, f["frozen"], "schedules are not evaluated")
	s.expect(204, "DELETE", freeze+"/bedtime", nil)
	assert.Equal(t, []any{"untilMidinight"}, s.freezeOf(macLaptop)["templates"])

	// Shared schedules: POST applies a seeded one; SetSharedFreezeSchedules makes PUT 501.
	require.NoError(t, s.cloud.AddSharedSchedule(s.loc, "5f1b2c3d-shared"))
	assert.JSONEq(t, `{}`, string(s.expect(200, "POST", freeze+"/5f1b2c3d-shared", nil).body))
	assert.Equal(t, []any{"5f1b2c3d-shared", "untilMidinight"}, s.freezeOf(macLaptop)["templates"])
	require.NoError(t, s.cloud.SetSharedFreezeSchedules(s.loc, true))
	s.api("PUT", freeze+"/bedtime", nil).requireLoopBackError(t, 501)
	s.api("PUT", s.path("/persons/"+s.addPerson("Ada")+"/freeze/bedtime"), nil).requireLoopBackError(t, 501)
	assert.Equal(t, true, s.location()["isUtilizingSharedLocationFreezeSchedules"])
	view, _ := s.cloud.Location(s.loc)
	assert.True(t, view.SharedFreezeSchedules)
	assert.Equal(t, []string{"5f1b2c3d-shared"}, view.SharedSchedules)
	require.NoError(t, s.cloud.SetSharedFreezeSchedules(s.loc, false))
	s.expect(200, "PUT", freeze+"/bedtime", nil)

	// A device whose person has an active freeze cannot take a shared schedule.
	ada := s.addPerson("Ada", macPhone)
	s.expect(200, "POST", s.path("/devices/"+macPhone+"/freeze/5f1b2c3d-shared"), nil)
	s.expect(200, "PUT", s.path("/persons/"+ada+"/freeze/bedtime"), nil)
	s.api("POST", s.path("/devices/"+macPhone+"/freeze/5f1b2c3d-shared"), nil).requireLoopBackError(t, 422)
	s.expect(204, "DELETE", s.path("/persons/"+ada+"/freeze/bedtime"), nil)
	s.expect(200, "PUT", s.path("/persons/"+ada+"/freeze/suspend"), nil)
	s.api("POST", s.path("/devices/"+macPhone+"/freeze/5f1b2c3d-shared"), nil).requireLoopBackError(t, 422)

	assert.Error(t, s.cloud.AddSharedSchedule(unknownID, "x"))
	assert.Error(t, s.cloud.AddSharedSchedule(s.loc, ""))
	assert.Error(t, s.cloud.SetSharedFreezeSchedules(unknownID, true))
}

func TestPersonFreezes(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	ada := s.addPerson("Ada", macLaptop, macPhone)
	freeze := s.path("/persons/" + ada + "/freeze")

	s.expect(200, "PUT", freeze+"/forever", nil)
	for _, mac := range []string{macLaptop, macPhone} {
		assert.Equal(t, map[string]any{"frozen": true, "forever": false, "suspend": false, "autoExpire": nil, "templates": []any{}, "sources": []any{"person"}}, s.freezeOf(mac), mac)
	}
	assert.Equal(t, unfrozen, s.freezeOf(macTV), "not Ada's")
	person := s.expect(200, "GET", s.path("/persons"), nil).objects(t)[0]
	assert.Equal(t, map[string]any{"frozen": true, "forever": true, "suspend": false, "autoExpire": nil, "templates": []any{}, "sources": []any{"person"}}, person["freeze"])

	s.expect(200, "PUT", s.path("/devices/"+macLaptop+"/freeze/suspend"), nil)
	assert.Equal(t, []any{"device", "person"}, s.freezeOf(macLaptop)["sources"])

	s.expect(200, "PUT", freeze+"/autoExpire", expiresIn(time.Minute))
	s.expect(200, "PUT", freeze+"/weekend", map[string]any{"deleteAllExceptSuspend": true})
	views, _ := s.cloud.Persons(s.loc)
	assert.Equal(t, FreezeView{Templates: []string{"weekend"}}, views[0].Freeze, "deleteAllExceptSuspend cleared forever and autoExpire")
	s.expect(200, "PUT", freeze+"/suspend", nil)
	s.expect(204, "DELETE", s.path("/persons/"+ada+"/freezes"), nil)
	views, _ = s.cloud.Persons(s.loc)
	assert.Equal(t, FreezeView{Frozen: true, Suspend: true, Sources: []string{"person"}}, views[0].Freeze)
	for _, op := range []string{"/freeze/suspend", "/freeze/forever", "/freeze/autoExpire", "/freeze/weekend"} {
		s.expect(204, "DELETE", s.path("/persons/"+ada+op), nil)
	}
	views, _ = s.cloud.Persons(s.loc)
	assert.Equal(t, FreezeView{}, views[0].Freeze)

	require.NoError(t, s.cloud.AddSharedSchedule(s.loc, "shared-1"))
	s.expect(200, "POST", freeze+"/shared-1", nil)
	s.runStatusCases(t, []statusCase{
		{"unknown person", "PUT", s.path("/persons/" + unknownID + "/freeze/forever"), nil, 404},
		{"unknown person: freezes", "DELETE", s.path("/persons/" + unknownID + "/freezes"), nil, 404},
		{"unknown person: template POST", "POST", s.path("/persons/" + unknownID + "/freeze/shared-1"), nil, 404},
		{"template not seeded", "POST", freeze + "/shared-2", nil, 404},
		{"autoExpire in the past", "PUT", freeze + "/autoExpire", expiresIn(-time.Hour), 422},
		{"autoExpire missing", "PUT", freeze + "/autoExpire", nil, 400},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/persons/" + ada + "/freeze/forever", nil, 401},
	})
}

func TestLocationFreeze(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	ada := s.addPerson("Ada", macPhone)
	path := s.path("/freeze/autoExpire")
	assert.JSONEq(t, `{}`, string(s.expect(200, "GET", path, nil).body))

	got := s.expect(200, "PATCH", path, map[string]any{"includedDeviceMacs": `["AA:BB:CC:00:00:01"]`, "expiresAt": stampAt(time.Hour)}).object(t)
	want := map[string]any{"expiresAt": stampAt(time.Hour), "includedDeviceMacs": []any{macLaptop}, "includedPersonIds": []any{}}
	assert.Equal(t, want, got)
	assert.Equal(t, want, s.expect(200, "GET", path, nil).object(t))
	assert.Equal(t, []any{"location"}, s.freezeOf(macLaptop)["sources"])
	assert.Equal(t, false, s.freezeOf(macPhone)["frozen"])

	// PATCH merges; a listed person's devices are frozen too.
	got = s.expect(200, "PATCH", path, map[string]any{"includedPersonIds": []string{ada}}).object(t)
	assert.Equal(t, stampAt(time.Hour), got["expiresAt"], "kept")
	assert.Equal(t, []any{"location"}, s.freezeOf(macPhone)["sources"])
	assert.Equal(t, false, s.freezeOf(macTV)["frozen"])
	view, _ := s.cloud.Location(s.loc)
	assert.Equal(t, &LocationFreezeView{ExpiresAt: testStart.Add(time.Hour), DeviceMACs: []string{macLaptop}, PersonIDs: []string{ada}}, view.Freeze)

	// Both lists empty: every device. It lapses at expiresAt with no call.
	s.expect(200, "PATCH", path, map[string]any{"includedDeviceMacs": []string{}, "includedPersonIds": []string{}})
	assert.Equal(t, true, s.freezeOf(macTV)["frozen"])
	s.clock.Set(testStart.Add(time.Hour))
	assert.JSONEq(t, `{}`, string(s.expect(200, "GET", path, nil).body))
	assert.Equal(t, unfrozen, s.freezeOf(macTV))
	view, _ = s.cloud.Location(s.loc)
	assert.Nil(t, view.Freeze)

	s.api("PATCH", path, map[string]any{"includedDeviceMacs": []string{macTV}}).requireLoopBackError(t, 422) // none active: expiresAt needed
	s.expect(200, "PATCH", path, map[string]any{"expiresAt": stampAt(2 * time.Hour)})
	assert.JSONEq(t, `{}`, string(s.expect(200, "DELETE", path, nil).body))
	assert.JSONEq(t, `{}`, string(s.expect(200, "GET", path, nil).body))

	s.runStatusCases(t, []statusCase{
		{"invalid MAC", "PATCH", path, map[string]any{"includedDeviceMacs": []string{"tv"}, "expiresAt": stampAt(2 * time.Hour)}, 422},
		{"unknown person", "PATCH", path, map[string]any{"includedPersonIds": []string{unknownID}, "expiresAt": stampAt(2 * time.Hour)}, 422},
		{"past expiresAt", "PATCH", path, map[string]any{"expiresAt": stampAt(0)}, 422},
		{"unparsable expiresAt", "PATCH", path, map[string]any{"expiresAt": "later"}, 422},
		{"macs not an array", "PATCH", path, map[string]any{"includedDeviceMacs": 5}, 400},
		{"unknown location", "GET", locPath(s.id, unknownID) + "/freeze/autoExpire", nil, 404},
		{"unknown customer", "DELETE", locPath(unknownID, s.loc) + "/freeze/autoExpire", nil, 401},
	})
}
