package plumetest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

func TestLANPrefixHooks(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithDefaultLANPrefix("10.1.2.0/24"))
	reg := household(t, srv, srv.Client(fast...))
	w := newWire(t, srv)
	gw, _ := srv.Node("GW1")
	assert.Equal(t, "10.1.2.1", gw.IP)
	loc, _ := srv.Location(reg.LocationID)
	assert.Equal(t, "10.1.2.0/24", loc.LANPrefix, "known: the gateway is claimed and connected")

	reservation := locationPath(reg) + "/networkConfiguration/dhcpReservations/AA:BB:CC:DD:EE:01"
	status, body := w.call(http.MethodPut, reservation, map[string]any{"ip": "10.1.2.50", "hostName": "nas"})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	status, body = w.call(http.MethodPost, reservation+"/portForward", map[string]any{"externalPort": 443})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	assert.Equal(t, []plumetest.DHCPReservationView{{
		MAC: "aa:bb:cc:dd:ee:01", Hostname: "nas", IP: "10.1.2.50",
		PortForwards: []plumetest.PortForwardView{{ExternalPort: 443, InternalPort: 443, Protocol: "tcp", NATLoopback: "auto"}},
	}}, srv.DHCPReservations(reg.LocationID))

	srv.SetLANPrefix(reg.ID, reg.LocationID, "")
	status, body = w.call(http.MethodPut, reservation, map[string]any{"ip": "10.1.2.51"})
	assert.Equal(t, http.StatusPreconditionFailed, status, "body: %s", body)
	loc, _ = srv.Location(reg.LocationID)
	assert.Equal(t, "", loc.LANPrefix)

	srv.SetLANPrefix(reg.ID, reg.LocationID, "172.20.0.0/24")
	pod, _ := srv.Node("POD1")
	assert.Equal(t, "172.20.0.2", pod.IP, "renumbered")
	status, body = w.call(http.MethodPut, reservation, map[string]any{"ip": "172.20.0.50"})
	assert.Equal(t, http.StatusOK, status, "body: %s", body)

	assert.Panics(t, func() { plumetest.WithDefaultLANPrefix("10.0.0.0/31") })
	assert.Panics(t, func() { plumetest.WithDefaultLANPrefix("not a prefix") })
}

func TestHomePassViews(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	reg := household(t, srv, srv.Client(fast...))
	w := newWire(t, srv)
	assert.Empty(t, srv.Keys(reg.LocationID), "no WiFi network yet")

	status, body := w.call(http.MethodPost, locationPath(reg)+"/wifiNetwork", map[string]any{"ssid": "Home", "encryptionKey": "password-1"})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	status, body = w.call(http.MethodPost, locationPath(reg)+"/wifiNetwork/accessZones/guests/keys", map[string]any{
		"encryptionKey": "guest-pass", "format": "encryptionKey", "enable": true,
	})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	keys := srv.Keys(reg.LocationID)
	require.Len(t, keys, 2)
	assert.Equal(t, plumetest.KeyView{ID: 0, AccessZone: "home", AccessZoneID: 1, Format: "encryptionKey", EncryptionKey: "password-1", Enable: true, Content: []string{}, ReadOnly: true}, keys[0])
	assert.Equal(t, 2, keys[1].AccessZoneID)
	assert.False(t, strings.Contains(fmt.Sprint(keys), "password-1"), "keys print hidden")
	zones := srv.AccessZones(reg.LocationID)
	require.Len(t, zones, 3)
	assert.Equal(t, plumetest.AccessZoneView{ID: 3, Type: "internetAccessOnly", Description: "Internet only", AccessibleDevices: []string{}, ReadOnly: true}, zones[2])
}
