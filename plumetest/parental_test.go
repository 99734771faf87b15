package plumetest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

func TestFreezeHooks(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now), plumetest.WithTokenTTL(24*time.Hour))
	reg := household(t, srv, srv.Client(fast...))
	const mac = "aa:bb:cc:dd:ee:01"
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: mac, Name: "tablet", Connected: true})
	w := newWire(t, srv)
	device := locationPath(reg) + "/devices/" + mac

	// A freeze until a time lapses on the Server's clock, with no call.
	status, body := w.call(http.MethodPut, device+"/freeze/autoExpire", map[string]any{"expiresAt": start.Add(time.Hour).Format(time.RFC3339)})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	d, _ := srv.Device(reg.LocationID, mac)
	assert.Equal(t, plumetest.FreezeView{Frozen: true, AutoExpire: start.Add(time.Hour), Sources: []string{"device"}}, d.Freeze)
	clock.Advance(time.Hour)
	d, _ = srv.Device(reg.LocationID, mac)
	assert.Equal(t, plumetest.FreezeView{}, d.Freeze)

	// Shared schedules: seeded ids apply by POST; shared mode makes template PUTs 501.
	status, _ = w.call(http.MethodPost, device+"/freeze/shared-1", nil)
	assert.Equal(t, http.StatusNotFound, status, "not seeded yet")
	srv.AddSharedSchedule(reg.LocationID, "shared-1")
	status, body = w.call(http.MethodPost, device+"/freeze/shared-1", nil)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	srv.SetSharedFreezeSchedules(reg.LocationID, true)
	status, _ = w.call(http.MethodPut, device+"/freeze/bedtime", map[string]any{"schedules": []any{}})
	assert.Equal(t, http.StatusNotImplemented, status)
	loc, _ := srv.Location(reg.LocationID)
	assert.True(t, loc.SharedFreezeSchedules)
	assert.Equal(t, []string{"shared-1"}, loc.SharedSchedules)
	d, _ = srv.Device(reg.LocationID, mac)
	assert.Equal(t, []string{"shared-1"}, d.Freeze.Templates)

	// Persons own devices; a person's freeze freezes them.
	status, body = w.call(http.MethodPost, locationPath(reg)+"/persons", map[string]any{"nickname": "Kid", "imageId": "PROFILE_MAN", "assignedDevices": []string{mac}})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	persons := srv.Persons(reg.LocationID)
	require.Len(t, persons, 1)
	assert.Equal(t, []string{mac}, persons[0].AssignedDevices)
	status, body = w.call(http.MethodPut, locationPath(reg)+"/persons/"+persons[0].ID+"/freeze/forever", nil)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	d, _ = srv.Device(reg.LocationID, mac)
	assert.Equal(t, persons[0].ID, d.PersonID)
	assert.Equal(t, []string{"person"}, d.Freeze.Sources)
	assert.True(t, srv.Persons(reg.LocationID)[0].Freeze.Forever)

	status, body = w.call(http.MethodPatch, locationPath(reg)+"/freeze/autoExpire", map[string]any{"expiresAt": clock.Now().Add(time.Minute).Format(time.RFC3339)})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	loc, _ = srv.Location(reg.LocationID)
	assert.Equal(t, &plumetest.LocationFreezeView{ExpiresAt: clock.Now().Add(time.Minute), DeviceMACs: []string{}, PersonIDs: []string{}}, loc.Freeze)
}
