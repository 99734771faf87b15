package plume_test

// persons_integration_test.go: persons and freezes against the fake cloud over a real
// loopback socket (plumetest), on the fake's clock: persons and their devices, device and
// person freezes (forever, suspend, until a time that lapses), schedule templates and shared
// schedules, and the location-wide freeze, each read back through the fake's views. The site
// is homepass_integration_test.go's i18Site.
//
// Not here: exact requests, documented shapes and statuses (persons_test.go,
// devices_freeze_test.go, locations_admin_test.go, httpmock); the fake's own routes.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// freezeOf returns the fake's freeze state of a device.
func freezeOf(t *testing.T, s *i18Site, mac string) plumetest.FreezeView {
	t.Helper()
	d, ok := s.srv.Device(s.locationID, mac)
	require.True(t, ok, mac)
	return d.Freeze
}

func TestPersonsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180201")
	ctx := t.Context()

	maya, err := s.c.Persons.Create(ctx, s.customerID, s.locationID, plume.PersonRequest{
		Nickname: "Maya", ImageID: "PROFILE_WOMAN", Email: "maya@example.com",
		AssignedDevices: []string{"3C22FB4A910E", siteLaptop}, PrimaryDevice: "3c-22-fb-4a-91-0e",
	})
	require.NoError(t, err)
	assert.Len(t, maya.ID, 24)
	assert.Equal(t, "Maya", maya.Nickname)
	assert.Equal(t, "PROFILE_WOMAN", maya.ImageID)
	assert.Equal(t, sitePhone, maya.PrimaryDevice)
	assert.Equal(t, []string{sitePhone, siteLaptop}, maya.AssignedDevices)
	assert.Equal(t, "default", maya.NetworkID)

	leo, err := s.c.Persons.Create(ctx, s.customerID, s.locationID, plume.PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN"})
	require.NoError(t, err)
	persons, err := s.c.Persons.List(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	require.Len(t, persons, 2)
	assert.Equal(t, []string{maya.ID, leo.ID}, []string{persons[0].ID, persons[1].ID})
	d, ok := s.srv.Device(s.locationID, sitePhone)
	require.True(t, ok)
	assert.Equal(t, maya.ID, d.PersonID)

	_, err = s.c.Persons.Create(ctx, s.customerID, s.locationID, plume.PersonRequest{Nickname: "Ada", ImageID: "P", PrimaryDevice: siteTV})
	assert.ErrorIs(t, err, plume.ErrValidation, "a primary device that is not assigned (the fake's rule)")
	assert.ErrorIs(t, s.c.Persons.Freeze(ctx, s.customerID, s.locationID, "000000000000000000000000", plume.Freeze{Kind: plume.FreezeForever}), plume.ErrNotFound)
}

func TestFreezesAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180202")
	ctx := t.Context()
	dev := s.c.Devices

	require.NoError(t, dev.Freeze(ctx, s.customerID, s.locationID, "3C-22-FB-4A-91-0E", plume.Freeze{Kind: plume.FreezeForever}))
	f := freezeOf(t, s, sitePhone)
	assert.True(t, f.Frozen)
	assert.True(t, f.Forever)
	assert.Equal(t, []string{"device"}, f.Sources)
	require.NoError(t, dev.Freeze(ctx, s.customerID, s.locationID, sitePhone, plume.Freeze{Kind: plume.FreezeSuspend, DeleteAllExceptSuspend: true}))
	f = freezeOf(t, s, sitePhone)
	assert.False(t, f.Forever, "the other freezes went first")
	assert.True(t, f.Suspend)
	require.NoError(t, dev.ClearFreezes(ctx, s.customerID, s.locationID, sitePhone))
	assert.True(t, freezeOf(t, s, sitePhone).Suspend, "ClearFreezes keeps a suspend (the fake's reading)")
	require.NoError(t, dev.Unfreeze(ctx, s.customerID, s.locationID, sitePhone, plume.FreezeSuspend))
	require.NoError(t, dev.Unfreeze(ctx, s.customerID, s.locationID, sitePhone, plume.FreezeSuspend), "absent: still 204")
	assert.False(t, freezeOf(t, s, sitePhone).Frozen)

	until := s.start.Add(2 * time.Hour)
	require.NoError(t, dev.Freeze(ctx, s.customerID, s.locationID, siteTV, plume.Freeze{Kind: plume.FreezeUntil, Until: until}))
	f = freezeOf(t, s, siteTV)
	assert.True(t, f.Frozen)
	assert.True(t, until.Equal(f.AutoExpire))
	s.clock.Advance(2*time.Hour + time.Second)
	assert.False(t, freezeOf(t, s, siteTV).Frozen, "lapsed by itself")
	err := dev.Freeze(ctx, s.customerID, s.locationID, siteTV, plume.Freeze{Kind: plume.FreezeUntil, Until: until})
	assert.ErrorIs(t, err, plume.ErrInvalidInput, "now in the past by the shared clock: refused before sending")

	// Schedule templates: set, removed; shared schedules applied by id; 501 when shared.
	require.NoError(t, dev.SetFreezeSchedule(ctx, s.customerID, s.locationID, sitePhone, "schoolNights",
		plume.FreezeSchedule{Name: []byte(`"School nights"`), Schedules: []byte(`[{"days":[1,2,3,4,7]}]`)}))
	f = freezeOf(t, s, sitePhone)
	assert.Equal(t, []string{"schoolNights"}, f.Templates)
	assert.False(t, f.Frozen, "schedules are not evaluated")
	require.NoError(t, dev.RemoveFreezeSchedule(ctx, s.customerID, s.locationID, sitePhone, "schoolNights"))
	assert.Empty(t, freezeOf(t, s, sitePhone).Templates)
	assert.ErrorIs(t, dev.ApplyFreezeSchedule(ctx, s.customerID, s.locationID, sitePhone, "shared-1"), plume.ErrNotFound)
	s.srv.AddSharedSchedule(s.locationID, "shared-1")
	require.NoError(t, dev.ApplyFreezeSchedule(ctx, s.customerID, s.locationID, sitePhone, "shared-1"))
	s.srv.SetSharedFreezeSchedules(s.locationID, true)
	err = dev.SetFreezeSchedule(ctx, s.customerID, s.locationID, sitePhone, "bedtime", plume.FreezeSchedule{})
	assert.ErrorIs(t, err, plume.ErrSharedFreezeSchedules)
	assert.ErrorIs(t, err, plume.ErrServer)

	// A person's freeze freezes the person's devices.
	leo, err := s.c.Persons.Create(ctx, s.customerID, s.locationID, plume.PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN", AssignedDevices: []string{siteLaptop}})
	require.NoError(t, err)
	require.NoError(t, s.c.Persons.Freeze(ctx, s.customerID, s.locationID, leo.ID, plume.Freeze{Kind: plume.FreezeForever}))
	f = freezeOf(t, s, siteLaptop)
	assert.True(t, f.Frozen)
	assert.Equal(t, []string{"person"}, f.Sources)
	persons := s.srv.Persons(s.locationID)
	require.Len(t, persons, 1)
	assert.True(t, persons[0].Freeze.Forever)
	require.NoError(t, s.c.Persons.ClearFreezes(ctx, s.customerID, s.locationID, leo.ID))
	assert.False(t, freezeOf(t, s, siteLaptop).Frozen)
	require.NoError(t, s.c.Persons.Freeze(ctx, s.customerID, s.locationID, leo.ID, plume.Freeze{Kind: plume.FreezeUntil, Until: s.clock.Now().Add(time.Hour)}))
	assert.True(t, freezeOf(t, s, siteLaptop).Frozen)
	require.NoError(t, s.c.Persons.Unfreeze(ctx, s.customerID, s.locationID, leo.ID, plume.FreezeUntil))
	assert.False(t, freezeOf(t, s, siteLaptop).Frozen)
}

func TestLocationFreezeAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180203")
	ctx := t.Context()
	loc := s.c.Locations

	status, err := loc.FreezeStatus(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.True(t, status.ExpiresAt.IsZero(), "none in force")

	leo, err := s.c.Persons.Create(ctx, s.customerID, s.locationID, plume.PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN", AssignedDevices: []string{siteLaptop}})
	require.NoError(t, err)
	until := s.start.Add(3 * time.Hour)
	frozen, err := loc.Freeze(ctx, s.customerID, s.locationID, plume.LocationFreezeRequest{Until: until, DeviceMACs: []string{"A4:5E:60:D1:02:7B"}, PersonIDs: []string{leo.ID}})
	require.NoError(t, err)
	assert.True(t, until.Equal(frozen.ExpiresAt))
	assert.Equal(t, []string{siteTV}, frozen.DeviceMACs)
	assert.Equal(t, []string{leo.ID}, frozen.PersonIDs)
	assert.True(t, freezeOf(t, s, siteTV).Frozen)
	assert.True(t, freezeOf(t, s, siteLaptop).Frozen, "through its person")
	assert.False(t, freezeOf(t, s, sitePhone).Frozen, "the listed ones are frozen, not the others (docs §13.8)")
	view, ok := s.srv.Location(s.locationID)
	require.True(t, ok)
	require.NotNil(t, view.Freeze)

	status, err = loc.FreezeStatus(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.True(t, until.Equal(status.ExpiresAt))
	assert.Equal(t, []string{siteTV}, status.DeviceMACs)

	require.NoError(t, loc.Unfreeze(ctx, s.customerID, s.locationID))
	assert.False(t, freezeOf(t, s, siteTV).Frozen)

	_, err = loc.Freeze(ctx, s.customerID, s.locationID, plume.LocationFreezeRequest{Until: s.start.Add(time.Hour)})
	require.NoError(t, err)
	for _, mac := range []string{sitePhone, siteTV, siteLaptop} {
		assert.True(t, freezeOf(t, s, mac).Frozen, "both lists empty: every device (%s)", mac)
	}
	s.clock.Advance(time.Hour + time.Second)
	assert.False(t, freezeOf(t, s, sitePhone).Frozen, "lapsed")
}
