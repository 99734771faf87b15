package plume_test

// homepass_integration_test.go: the HomePass service against the fake cloud over a real
// loopback socket (plumetest): keys and access zones end to end, read back through the fake's
// views, the read-only key and zones, and the key kept out of every error. The site helper
// (i18Site) serves network_, persons_ and locations_admin_integration_test.go too.
//
// Not here: exact requests, documented shapes and statuses (homepass_test.go, httpmock); the
// fake's own routes (internal/fakecloud).

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Client devices of an i18Site.
const (
	sitePhone  = "3c:22:fb:4a:91:0e" // Wi-Fi, connected
	siteTV     = "a4:5e:60:d1:02:7b" // ethernet, connected
	siteLaptop = "f0:18:98:00:00:01" // Wi-Fi, offline
	sitePSK    = "Home-Psk-8842"
)

// i18Site is a customer with a gateway online (so its LAN prefix, 192.168.1.0/24, is known), a WiFi network and three devices, on a
// manual clock the fake and the client share.
type i18Site struct {
	srv        *plumetest.Server
	clock      *plumetest.ManualClock
	c          *plume.Client
	customerID string
	locationID string
	gateway    string
	start      time.Time
}

func newI18Site(t *testing.T, account string) *i18Site {
	t.Helper()
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now), plumetest.WithTokenTTL(24*time.Hour))
	gw := "GW" + account
	srv.AddGateways(gw)
	c := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	plume.SetClientClock(c, clock.Now)
	ctx := t.Context()
	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-" + account, Email: account + "@example.com", Name: "Maya Lindqvist"})
	require.NoError(t, err)
	_, err = c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: gw})
	require.NoError(t, err)
	srv.SetNodeOnline(gw, true) // the cloud learns the LAN prefix (plumetest.DefaultLANPrefix) from it
	_, err = c.WifiNetworks.Create(ctx, reg.ID, reg.LocationID, plume.WifiNetworkRequest{SSID: "Lindqvist", EncryptionKey: sitePSK})
	require.NoError(t, err)
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: sitePhone, Name: "Maya's iPhone", IP: "192.168.1.57", FreqBand: "5G", Connected: true})
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: siteTV, Name: "Living room TV", IP: "192.168.1.80", Medium: "ethernet", Connected: true})
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{MAC: siteLaptop, Name: "Old laptop", IP: "192.168.1.90", FreqBand: "2.4G"})
	return &i18Site{srv: srv, clock: clock, c: c, customerID: reg.ID, locationID: reg.LocationID, gateway: gw, start: start}
}

func keyIDs(keys []plume.Key) []int {
	ids := []int{}
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	return ids
}

func TestHomePassKeysAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180001")
	ctx := t.Context()
	hp := s.c.HomePass

	home, err := hp.Keys(ctx, s.customerID, s.locationID, plume.AccessZoneHome)
	require.NoError(t, err)
	require.Len(t, home, 1, "the network's own key")
	assert.Equal(t, 0, home[0].ID)
	assert.Equal(t, sitePSK, home[0].EncryptionKey)
	assert.Equal(t, plume.KeyFormatEncryptionKey, home[0].KeyFormat)
	assert.True(t, home[0].Enabled)
	guests, err := hp.Keys(ctx, s.customerID, s.locationID, plume.AccessZoneGuests)
	require.NoError(t, err)
	assert.Empty(t, guests)

	expires := s.start.Add(48 * time.Hour)
	all, err := hp.CreateKey(ctx, s.customerID, s.locationID, plume.AccessZoneGuests,
		plume.KeyRequest{EncryptionKey: "Guest-Pass-2025", Enabled: true, ExpiresAt: &expires, Content: []string{"adultAndSensitive"}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1}, keyIDs(all), "the full array, sorted by id")
	guest := all[1]
	assert.Equal(t, plume.AccessZoneGuests, guest.AccessZone)
	assert.Equal(t, 2, guest.AccessZoneID)
	assert.Equal(t, "Guest-Pass-2025", guest.EncryptionKey)
	require.NotNil(t, guest.ExpiresAt)
	assert.True(t, expires.Equal(*guest.ExpiresAt))
	assert.Equal(t, []string{"adultAndSensitive"}, guest.Content)

	all, err = hp.CreateKey(ctx, s.customerID, s.locationID, plume.AccessZoneInternetOnly,
		plume.KeyRequest{EncryptionKey: "+46701234567", KeyFormat: plume.KeyFormatPhoneNumber, Enabled: true})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2}, keyIDs(all))
	only, err := hp.Keys(ctx, s.customerID, s.locationID, plume.AccessZoneInternetOnly)
	require.NoError(t, err)
	require.Len(t, only, 1)
	assert.Equal(t, plume.KeyFormatPhoneNumber, only[0].KeyFormat)

	all, err = hp.UpdateKey(ctx, s.customerID, s.locationID, plume.AccessZoneGuests, 1, plume.KeyRequest{EncryptionKey: "Guest-Pass-2026", Enabled: false})
	require.NoError(t, err)
	assert.False(t, all[1].Enabled)
	views := s.srv.Keys(s.locationID)
	require.Len(t, views, 3)
	assert.Equal(t, "Guest-Pass-2026", views[1].EncryptionKey)
	assert.False(t, views[1].Enable)

	// Key 0 is read-only: it cannot be turned off or deleted; other changes are allowed.
	_, err = hp.UpdateKey(ctx, s.customerID, s.locationID, plume.AccessZoneHome, 0, plume.KeyRequest{EncryptionKey: sitePSK, Enabled: false})
	assert.ErrorIs(t, err, plume.ErrReadOnly)
	assert.ErrorIs(t, hp.DeleteKey(ctx, s.customerID, s.locationID, plume.AccessZoneHome, 0), plume.ErrReadOnly)

	// A key in use is refused, and the error never carries it.
	_, err = hp.CreateKey(ctx, s.customerID, s.locationID, plume.AccessZoneGuests, plume.KeyRequest{EncryptionKey: "Guest-Pass-2026", Enabled: true})
	require.ErrorIs(t, err, plume.ErrValidation)
	assertNoKeyIn(t, err, "Guest-Pass-2026")
	// A key id the zone does not have.
	_, err = hp.UpdateKey(ctx, s.customerID, s.locationID, plume.AccessZoneGuests, 7, plume.KeyRequest{EncryptionKey: "Another-Pass-1", Enabled: true})
	assert.ErrorIs(t, err, plume.ErrNotFound)

	require.NoError(t, hp.DeleteKey(ctx, s.customerID, s.locationID, plume.AccessZoneInternetOnly, 2))
	left, err := hp.Keys(ctx, s.customerID, s.locationID, plume.AccessZoneInternetOnly)
	require.NoError(t, err)
	assert.Empty(t, left)
	assert.Len(t, s.srv.Keys(s.locationID), 2)

	all, err = hp.AllKeys(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1}, keyIDs(all), "every zone's keys in one call")
	assert.Equal(t, plume.AccessZoneGuests, all[1].AccessZone)
}

func TestHomePassTenKeysAtMost(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180002")
	ctx := t.Context()
	for i := 1; i <= 9; i++ {
		all, err := s.c.HomePass.CreateKey(ctx, s.customerID, s.locationID, plume.AccessZoneGuests, plume.KeyRequest{EncryptionKey: fmt.Sprintf("Guest-Key-%02d", i), Enabled: true})
		require.NoError(t, err)
		assert.Len(t, all, i+1)
	}
	_, err := s.c.HomePass.CreateKey(ctx, s.customerID, s.locationID, plume.AccessZoneGuests, plume.KeyRequest{EncryptionKey: "Guest-Key-10", Enabled: true})
	assert.ErrorIs(t, err, plume.ErrValidation, "no id left")
}

func TestHomePassAccessZonesAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180003")
	ctx := t.Context()
	hp := s.c.HomePass

	zones, err := hp.AccessZones(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	require.Len(t, zones, 3)
	assert.Equal(t, []plume.AccessZoneType{plume.AccessZoneHome, plume.AccessZoneGuests, plume.AccessZoneInternetOnly},
		[]plume.AccessZoneType{zones[0].Type, zones[1].Type, zones[2].Type})

	zones, err = hp.CreateAccessZone(ctx, s.customerID, s.locationID, plume.AccessZoneRequest{Description: "Airbnb", AccessibleDevices: []string{"A4-5E-60-D1-02-7B"}})
	require.NoError(t, err)
	require.Len(t, zones, 4)
	airbnb := zones[3]
	assert.Equal(t, 4, airbnb.ID)
	assert.Equal(t, plume.AccessZoneGuests, airbnb.Type)
	assert.Equal(t, "Airbnb", airbnb.Description)
	assert.Equal(t, []string{siteTV}, airbnb.AccessibleDevices)

	zones, err = hp.UpdateAccessZone(ctx, s.customerID, s.locationID, 4, plume.AccessZoneRequest{Description: "Holiday let"})
	require.NoError(t, err)
	require.Len(t, zones, 4)
	assert.Equal(t, "Holiday let", zones[3].Description)
	assert.Equal(t, []string{siteTV}, zones[3].AccessibleDevices, "nil leaves the devices")
	zones, err = hp.UpdateAccessZone(ctx, s.customerID, s.locationID, 4, plume.AccessZoneRequest{Description: "Holiday let", AccessibleDevices: []string{}})
	require.NoError(t, err)
	assert.Empty(t, zones[3].AccessibleDevices, "[] clears them")
	views := s.srv.AccessZones(s.locationID)
	require.Len(t, views, 4)
	assert.Equal(t, "Holiday let", views[3].Description)

	for id := 1; id <= 3; id++ {
		assert.ErrorIs(t, hp.DeleteAccessZone(ctx, s.customerID, s.locationID, id), plume.ErrReadOnly, "zone %d", id)
	}
	_, err = hp.CreateAccessZone(ctx, s.customerID, s.locationID, plume.AccessZoneRequest{Description: "x", AccessibleDevices: []string{}})
	require.NoError(t, err)
	require.NoError(t, hp.DeleteAccessZone(ctx, s.customerID, s.locationID, 4))
	zones, err = hp.AccessZones(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Len(t, zones, 4, "4 gone, 5 left")
	assert.ErrorIs(t, hp.DeleteAccessZone(ctx, s.customerID, s.locationID, 4), plume.ErrNotFound)
}

func TestHomePassWithoutAWifiNetwork(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180004")
	loc, err := s.c.Locations.Create(t.Context(), s.customerID, plume.LocationCreate{Name: "Cabin"})
	require.NoError(t, err)
	_, err = s.c.HomePass.Keys(t.Context(), s.customerID, loc.ID, plume.AccessZoneHome)
	assert.ErrorIs(t, err, plume.ErrNotFound)
	_, err = s.c.HomePass.CreateKey(t.Context(), s.customerID, loc.ID, plume.AccessZoneGuests, plume.KeyRequest{EncryptionKey: "Guest-Pass-2025", Enabled: true})
	assert.ErrorIs(t, err, plume.ErrNotFound)
	_, err = s.c.HomePass.AccessZones(t.Context(), s.customerID, loc.ID)
	assert.ErrorIs(t, err, plume.ErrNotFound)
}

// assertNoKeyIn checks err, every error along its chain and its *plume.Error's fields for key.
func assertNoKeyIn(t *testing.T, err error, key string) {
	t.Helper()
	texts := []string{err.Error(), fmt.Sprintf("%+v %#v", err, err)}
	var apiErr *plume.Error
	if errors.As(err, &apiErr) {
		texts = append(texts, apiErr.Message, apiErr.Name, string(apiErr.Body))
	}
	for _, text := range texts {
		if strings.Contains(text, key) {
			t.Error("an error carries the key") // never the text itself
		}
	}
}
