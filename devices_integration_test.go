package plume_test

// devices_integration_test.go: the Devices service and band steering against the fake cloud
// over a real loopback socket (plumetest), on one manual clock shared by the fake and the
// client: every method of devices.go, devices_steering.go and locations_steering.go, the
// forced steer's 2.4 GHz period and its end, hiding, and the customer-wide rename.
//
// Not here: exact requests, documented shapes and statuses (devices_test.go,
// devices_steering_test.go, httpmock); the fake's own routes (internal/fakecloud).

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// MACs of the seeded devices, in the order the fake lists them (by MAC).
const (
	devPhone  = "3c:22:fb:4a:91:0e" // Wi-Fi 5 GHz, behind the pod
	devTV     = "a4:5e:60:d1:02:7b" // ethernet
	devTablet = "f0:18:98:00:00:01" // Wi-Fi, offline for ten days
)

// deviceSite is a customer with two locations, a gateway and a pod at the first, and seeded
// devices, on a manual clock that the fake and the client share.
type deviceSite struct {
	srv        *plumetest.Server
	clock      *plumetest.ManualClock
	c          *plume.Client
	customerID string
	home       string // the registered location, with the devices
	cabin      string // a second location, where the phone is known too
	start      time.Time
}

func newDeviceSite(t *testing.T, account string) *deviceSite {
	t.Helper()
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now), plumetest.WithTokenTTL(24*time.Hour))
	gw, pod := "GW"+account, "POD"+account
	srv.AddGateways(gw)
	srv.AddInventory(pod)
	c := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	plume.SetClientClock(c, clock.Now)
	ctx := t.Context()

	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-" + account, Email: account + "@example.com", Name: "Maya Lindqvist"})
	require.NoError(t, err)
	for _, serial := range []string{gw, pod} {
		_, err := c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: serial})
		require.NoError(t, err)
	}
	cabin, err := c.Locations.Create(ctx, reg.ID, plume.LocationCreate{Name: "Cabin"})
	require.NoError(t, err)

	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: devPhone, Name: "Maya's iPhone", IP: "192.168.12.57", NodeID: pod, Medium: "wifi", FreqBand: "5G", Connected: true})
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: "A4:5E:60:D1:02:7B", Name: "Living room TV", IP: "192.168.12.80", Medium: "ethernet", Connected: true})
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: devTablet, Name: "Old tablet", IP: "192.168.12.90", FreqBand: "5G", LastSeen: start.Add(-10 * 24 * time.Hour)})
	srv.AddDevice(reg.ID, cabin.ID, plumetest.Device{MAC: devPhone, Name: "Maya's iPhone", FreqBand: "2.4G", Connected: true})
	return &deviceSite{srv: srv, clock: clock, c: c, customerID: reg.ID, home: reg.LocationID, cabin: cabin.ID, start: start}
}

func (s *deviceSite) get(t *testing.T, locationID, mac string) *plume.Device {
	t.Helper()
	d, err := s.c.Devices.Get(t.Context(), s.customerID, locationID, mac)
	require.NoError(t, err)
	return d
}

// rawMember returns a member of a device's Raw, nil when absent.
func rawMember(t *testing.T, d *plume.Device, name string) any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(d.Raw, &m))
	return m[name]
}

func TestDevicesListAndGetAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newDeviceSite(t, "700001")
	ctx := t.Context()

	devices, err := s.c.Devices.List(ctx, s.customerID, s.home, nil)
	require.NoError(t, err)
	require.Len(t, devices, 3)
	phone, tv, tablet := devices[0], devices[1], devices[2]
	assert.Equal(t, devPhone, phone.MAC)
	assert.Equal(t, devPhone, phone.ID)
	assert.Equal(t, "Maya's iPhone", phone.Name)
	assert.Equal(t, "192.168.12.57", phone.IP)
	assert.Equal(t, "connected", phone.ConnectionState)
	assert.Equal(t, "5G", phone.FreqBand)
	assert.Equal(t, "wifi", phone.Medium)
	assert.Equal(t, "home", phone.AccessZone)
	assert.Positive(t, phone.Channel)
	assert.True(t, s.start.Equal(phone.ConnectionStateChangeAt), "seeded at the clock's time")
	assert.Equal(t, devTV, tv.MAC, "seeded in upper case, answered in lower")
	assert.Equal(t, "ethernet", tv.Medium)
	assert.Empty(t, tv.FreqBand)
	assert.Equal(t, "disconnected", tablet.ConnectionState)
	assert.True(t, s.start.Add(-10*24*time.Hour).Equal(tablet.ConnectionStateChangeAt))

	recent, err := s.c.Devices.List(ctx, s.customerID, s.home, &plume.DeviceListOptions{DaysOffline: 7, AllSSIDs: true})
	require.NoError(t, err)
	assert.Equal(t, []string{devPhone, devTV}, macsOf(recent), "the tablet is offline for longer than 7 days")

	for _, notation := range []string{devPhone, "3C-22-FB-4A-91-0E", "3c22.fb4a.910e", " 3C22FB4A910E "} {
		d := s.get(t, s.home, notation)
		assert.Equal(t, devPhone, d.MAC, notation)
		assert.Equal(t, "5G", d.FreqBand, notation)
	}

	s.clock.Advance(time.Hour)
	s.srv.SetDeviceConnected(s.home, devPhone, false)
	d := s.get(t, s.home, devPhone)
	assert.Equal(t, "disconnected", d.ConnectionState)
	assert.True(t, s.start.Add(time.Hour).Equal(d.ConnectionStateChangeAt))

	_, err = s.c.Devices.Get(ctx, s.customerID, s.home, "aa:bb:cc:dd:ee:ff")
	assert.ErrorIs(t, err, plume.ErrNotFound, "a device never seen")
	_, err = s.c.Devices.List(ctx, s.customerID, "6418c49c1a2b3c4d5e6f0000", nil)
	assert.ErrorIs(t, err, plume.ErrNotFound, "an unknown location")
}

func TestDevicesNamesAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newDeviceSite(t, "700002")
	ctx := t.Context()

	nick, yes := "Maya phone", true
	d, err := s.c.Devices.Update(ctx, s.customerID, s.home, "3C:22:FB:4A:91:0E", plume.DeviceUpdate{Nickname: &nick, Favorite: &yes})
	require.NoError(t, err)
	assert.Equal(t, "Maya phone", d.Nickname)
	assert.True(t, d.Favorite)
	cabinPhone := s.get(t, s.cabin, devPhone)
	assert.Empty(t, cabinPhone.Nickname, "the same MAC at the cabin: Update names it at this location only")
	assert.Equal(t, "Maya's iPhone", cabinPhone.Name)

	// Rename is customer-wide: every location where the MAC is known, and devices seeded later.
	cust, err := s.c.Devices.Rename(ctx, s.customerID, "3c22.fb4a.910e", "Maya's phone")
	require.NoError(t, err)
	assert.Equal(t, s.customerID, cust.ID)
	assert.Equal(t, "Maya Lindqvist", cust.Name)
	assert.Equal(t, "Maya's phone", s.get(t, s.home, devPhone).Nickname)
	assert.Equal(t, "Maya's phone", s.get(t, s.cabin, devPhone).Nickname)

	_, err = s.c.Devices.Rename(ctx, s.customerID, "02:00:00:00:00:99", "Guest laptop")
	require.NoError(t, err, "a MAC never seen is named all the same")
	s.srv.AddDevice(s.customerID, s.cabin, plumetest.Device{MAC: "02:00:00:00:00:99", Name: "laptop", Connected: true})
	assert.Equal(t, "Guest laptop", s.get(t, s.cabin, "02-00-00-00-00-99").Nickname)

	before := s.srv.TotalRequests()
	_, err = s.c.Devices.Rename(ctx, s.customerID, devPhone, strings.Repeat("é", 32))
	require.NoError(t, err, "32 characters")
	_, err = s.c.Devices.Rename(ctx, s.customerID, devPhone, strings.Repeat("é", 33))
	assert.ErrorIs(t, err, plume.ErrInvalidInput)
	_, err = s.c.Devices.Update(ctx, s.customerID, s.home, devPhone, plume.DeviceUpdate{})
	assert.ErrorIs(t, err, plume.ErrInvalidInput)
	_, err = s.c.Devices.Get(ctx, s.customerID, s.home, "3c:22:fb:4a:91")
	assert.ErrorIs(t, err, plume.ErrInvalidInput)
	assert.Equal(t, before+1, s.srv.TotalRequests(), "refused input sends nothing")

	_, err = s.c.Devices.Rename(ctx, "6418c49b0f1e2d3c4b5a0000", devPhone, "Phone")
	assert.ErrorIs(t, err, plume.ErrNotFound, "an unknown customer")
}

func TestDevicesSteeringAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newDeviceSite(t, "700003")
	ctx := t.Context()

	cs, err := s.c.Devices.SetClientSteering(ctx, s.customerID, s.home, devPhone, plume.ClientSteering{Auto: false, SteeringClass: "phone"})
	require.NoError(t, err)
	assert.Equal(t, plume.ClientSteering{Auto: false, SteeringClass: "phone", UpdatedAt: s.start}, *cs)
	view, ok := s.srv.Device(s.home, devPhone)
	require.True(t, ok)
	require.NotNil(t, view.ClientSteering)
	assert.False(t, view.ClientSteering.Auto)
	assert.Equal(t, "phone", view.ClientSteering.SteeringClass)
	cs, err = s.c.Devices.SetClientSteering(ctx, s.customerID, s.home, devPhone, plume.ClientSteering{Auto: true})
	require.NoError(t, err)
	assert.True(t, cs.Auto)

	// Forced steer: 2.4G while active, the seeded band after, on the shared clock.
	require.NoError(t, s.c.Devices.ForceSteer(ctx, s.customerID, s.home, "3C-22-FB-4A-91-0E", s.clock.Now().Add(30*time.Minute)))
	d := s.get(t, s.home, devPhone)
	assert.Equal(t, "2.4G", d.FreqBand)
	assert.NotNil(t, rawMember(t, d, "forcedSteer"))
	s.clock.Advance(29*time.Minute + 59*time.Second)
	assert.Equal(t, "2.4G", s.get(t, s.home, devPhone).FreqBand, "still active a second before the end")
	s.clock.Advance(time.Second)
	d = s.get(t, s.home, devPhone)
	assert.Equal(t, "5G", d.FreqBand, "reverts at expiry with no call")
	assert.Nil(t, rawMember(t, d, "forcedSteer"))

	// Ended early.
	require.NoError(t, s.c.Devices.ForceSteer(ctx, s.customerID, s.home, devPhone, s.clock.Now().Add(plume.MaxForcedSteer)))
	assert.Equal(t, "2.4G", s.get(t, s.home, devPhone).FreqBand)
	require.NoError(t, s.c.Devices.EndForcedSteer(ctx, s.customerID, s.home, devPhone))
	assert.Equal(t, "5G", s.get(t, s.home, devPhone).FreqBand)

	// An ethernet device keeps its (empty) band.
	require.NoError(t, s.c.Devices.ForceSteer(ctx, s.customerID, s.home, devTV, s.clock.Now().Add(10*time.Minute)))
	assert.Empty(t, s.get(t, s.home, devTV).FreqBand)

	// The window is checked on the client's clock before sending.
	before := s.srv.TotalRequests()
	for _, ahead := range []time.Duration{-time.Minute, 0, 4 * time.Minute, 61 * time.Minute} {
		err := s.c.Devices.ForceSteer(ctx, s.customerID, s.home, devPhone, s.clock.Now().Add(ahead))
		assert.ErrorIs(t, err, plume.ErrInvalidInput, "%s ahead", ahead)
	}
	assert.Equal(t, before, s.srv.TotalRequests(), "refused input sends nothing")

	// A client whose clock runs 10 minutes slow passes its own check; the API refuses.
	slow := s.srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	plume.SetClientClock(slow, func() time.Time { return s.clock.Now().Add(-10 * time.Minute) })
	err = slow.Devices.ForceSteer(ctx, s.customerID, s.home, devPhone, s.clock.Now().Add(3*time.Minute))
	var apiErr *plume.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 422, apiErr.StatusCode)
	assert.ErrorIs(t, err, plume.ErrValidation)

	err = s.c.Devices.ForceSteer(ctx, s.customerID, s.home, "02:00:00:00:00:42", s.clock.Now().Add(10*time.Minute))
	assert.ErrorIs(t, err, plume.ErrNotFound, "an unknown device")
	err = s.c.Devices.EndForcedSteer(ctx, s.customerID, s.home, "02:00:00:00:00:42")
	assert.ErrorIs(t, err, plume.ErrNotFound, "an unknown device")
	s.clock.Advance(32 * 24 * time.Hour) // the tablet: offline for 42 days now
	err = s.c.Devices.ForceSteer(ctx, s.customerID, s.home, devTablet, s.clock.Now().Add(10*time.Minute))
	assert.ErrorIs(t, err, plume.ErrNotFound, "a device not online in the last 31 days")
}

func TestLocationsBandSteeringAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newDeviceSite(t, "700004")
	ctx := t.Context()

	for i, mode := range []plume.BandSteeringMode{plume.BandSteeringEnable, plume.BandSteeringDisable, plume.BandSteeringAuto} {
		s.clock.Advance(time.Minute)
		bs, err := s.c.Locations.SetBandSteering(ctx, s.customerID, s.home, mode)
		require.NoError(t, err, mode)
		assert.Equal(t, mode, bs.Mode)
		assert.Equal(t, mode == plume.BandSteeringAuto, bs.Auto, mode)
		assert.True(t, s.start.Add(time.Duration(i+1)*time.Minute).Equal(bs.UpdatedAt), mode)
	}
	loc, err := s.c.Locations.Get(ctx, s.customerID, s.home)
	require.NoError(t, err)
	var raw struct {
		BandSteering plume.BandSteering `json:"bandSteering"`
	}
	require.NoError(t, json.Unmarshal(loc.Raw, &raw))
	assert.Equal(t, plume.BandSteeringAuto, raw.BandSteering.Mode, "the location shows the write")

	_, err = s.c.Locations.SetBandSteering(ctx, s.customerID, s.home, "on")
	assert.ErrorIs(t, err, plume.ErrInvalidInput)
	_, err = s.c.Locations.SetBandSteering(ctx, s.customerID, "6418c49c1a2b3c4d5e6f0000", plume.BandSteeringAuto)
	assert.ErrorIs(t, err, plume.ErrNotFound)
}

func TestDevicesHideAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newDeviceSite(t, "700005")
	ctx := t.Context()

	nick := "TV"
	_, err := s.c.Devices.Update(ctx, s.customerID, s.home, devTV, plume.DeviceUpdate{Nickname: &nick})
	require.NoError(t, err)
	require.NoError(t, s.c.Devices.Hide(ctx, s.customerID, s.home, "A4-5E-60-D1-02-7B"))

	_, err = s.c.Devices.Get(ctx, s.customerID, s.home, devTV)
	assert.ErrorIs(t, err, plume.ErrNotFound, "hidden: 404 on GET")
	_, err = s.c.Devices.Update(ctx, s.customerID, s.home, devTV, plume.DeviceUpdate{Nickname: &nick})
	assert.ErrorIs(t, err, plume.ErrNotFound, "hidden: 404 on PATCH")
	assert.ErrorIs(t, s.c.Devices.Hide(ctx, s.customerID, s.home, devTV), plume.ErrNotFound, "hidden: 404 on DELETE")
	devices, err := s.c.Devices.List(ctx, s.customerID, s.home, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{devPhone, devTablet}, macsOf(devices), "hidden: not listed")

	s.srv.AddDevice(s.customerID, s.home, plumetest.Device{MAC: devTV, Name: "Living room TV", Medium: "ethernet", Connected: true})
	d := s.get(t, s.home, devTV)
	assert.Empty(t, d.Nickname, "hiding wiped the nickname")

	s.clock.Advance(22 * 24 * time.Hour) // the tablet: offline for 32 days now
	assert.ErrorIs(t, s.c.Devices.Hide(ctx, s.customerID, s.home, devTablet), plume.ErrNotFound, "offline for longer than the default 31 days")
}

// TestDeviceFixtureAndFakeDecodeAlike: every typed field testdata/device_get.json fills, the
// fake fills too, but for keyId (the fake joins every device with key 0) and personId (set only
// by assigning the device to a person).
func TestDeviceFixtureAndFakeDecodeAlike(t *testing.T) {
	t.Parallel()
	s := newDeviceSite(t, "700006")
	nick, yes, uuid := "Maya phone", true, "5f1c2b7e-3d9a-4e61-a8c4-0b6d2f9e7a13"
	fake, err := s.c.Devices.Update(t.Context(), s.customerID, s.home, devPhone, plume.DeviceUpdate{Nickname: &nick, Favorite: &yes, MobileAppDeviceUUID: &uuid})
	require.NoError(t, err)

	doc := decodeFixture[plume.Device](t, "device_get.json")
	var want []string
	for _, f := range setFields(reflect.ValueOf(doc)) {
		if f != "KeyID" && f != "PersonID" {
			want = append(want, f)
		}
	}
	require.NotEmpty(t, want)
	assert.Subset(t, setFields(reflect.ValueOf(*fake)), want, "typed fields the fake leaves empty")
}

func macsOf(devices []plume.Device) []string {
	out := []string{}
	for _, d := range devices {
		out = append(out, d.MAC)
	}
	return out
}
