package fakecloud

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	macLaptop = "aa:bb:cc:00:00:01"
	macPhone  = "aa:bb:cc:00:00:02"
	macTV     = "aa:bb:cc:00:00:03"
)

// seedHome seeds a laptop on POD1 (5 GHz), a phone on the gateway (2.4 GHz) and a TV on
// ethernet that has been disconnected for 10 days.
func (s *site) seedHome() {
	s.t.Helper()
	s.addDevice(Device{MAC: "AA:BB:CC:00:00:01", Name: "laptop", IP: "192.168.1.20", NodeID: "POD1", FreqBand: "5G", Connected: true})
	s.addDevice(Device{MAC: macPhone, Name: "phone", IP: "192.168.1.21", FreqBand: "2.4G", Connected: true})
	s.addDevice(Device{MAC: macTV, Name: "tv", Medium: "ethernet", LastSeen: testStart.Add(-10 * 24 * time.Hour)})
}

// devices answers GET …/devices?query as a list of objects.
func (s *site) devices(query string) []map[string]any {
	s.t.Helper()
	res := s.api(http.MethodGet, s.path("/devices"+query), nil)
	require.Equal(s.t, http.StatusOK, res.status, "body: %s", res.body)
	inner, ok := res.object(s.t)["devices"].(map[string]any)
	require.True(s.t, ok, "doubly wrapped: %s", res.body)
	var out []map[string]any
	for _, d := range inner["devices"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

func macs(devices []map[string]any) []string {
	var out []string
	for _, d := range devices {
		out = append(out, d["mac"].(string))
	}
	return out
}

func TestDeviceList(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()

	list := s.devices("")
	require.Equal(t, []string{macLaptop, macPhone, macTV}, macs(list), "by MAC, lowercased")
	laptop := list[0]
	for key, want := range map[string]any{
		"id": macLaptop, "name": "laptop", "accessZone": "home", "medium": "wifi", "ip": "192.168.1.20",
		"freqBand": "5G", "connectionState": "connected", "connectionStateChangeAt": stampAt(0), "favorite": false,
	} {
		assert.Equal(t, want, laptop[key], key)
	}
	assert.EqualValues(t, 44, laptop["channel"])
	assert.EqualValues(t, 0, laptop["keyId"])
	assert.Equal(t, []any{map[string]any{"id": "POD1"}, map[string]any{"id": "GW1"}}, laptop["leafToRoot"])
	assert.Equal(t, []any{map[string]any{"id": "GW1"}}, list[1]["leafToRoot"], "no NodeID: the gateway")
	assert.NotContains(t, laptop, "forcedSteer")
	tv := list[2]
	assert.Equal(t, "disconnected", tv["connectionState"])
	assert.Equal(t, "", tv["freqBand"])
	assert.EqualValues(t, 0, tv["channel"])
	assert.Equal(t, stampAt(-10*24*time.Hour), tv["connectionStateChangeAt"])

	assert.Equal(t, []string{macLaptop, macPhone}, macs(s.devices("?daysOffline=5")), "offline longer than 5 days")
	assert.Equal(t, []string{macLaptop, macPhone, macTV}, macs(s.devices("?daysOffline=10")), "not longer than 10")
	assert.Len(t, s.devices("?allSSIDs=true&showPartnerComponent=false"), 3)

	assert.EqualValues(t, 1, s.node("POD1")["connectedDeviceCount"])
	assert.EqualValues(t, 1, s.node("GW1")["connectedDeviceCount"])
	require.NoError(t, s.cloud.SetDeviceConnected(s.loc, macPhone, false))
	assert.EqualValues(t, 0, s.node("GW1")["connectedDeviceCount"])
	s.clock.Advance(2 * 24 * time.Hour)
	assert.Equal(t, []string{macLaptop, macPhone}, macs(s.devices("?daysOffline=2")))
	assert.Equal(t, []string{macLaptop}, macs(s.devices("?daysOffline=1.5")))

	empty := s.api(http.MethodPost, "/Customers/"+s.id+"/locations", map[string]any{"name": "Empty"}).object(t)["id"].(string)
	res := s.api(http.MethodGet, locPath(s.id, empty)+"/devices", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.JSONEq(t, `{"devices":{"devices":[]}}`, string(res.body))
}

func TestDeviceGetPatchHide(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	devicePath := s.path("/devices/" + macLaptop)

	res := s.api(http.MethodGet, s.path("/devices/AA:BB:CC:00:00:01?include=bandwidthData,chartsData"), nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, macLaptop, res.object(t)["mac"], "a bare Device; the MAC is lowercased")
	assert.Equal(t, http.StatusOK, s.api(http.MethodGet, s.path("/devices/"+url.PathEscape(macLaptop)), nil).status, "escaped colons")

	res = s.api(http.MethodPatch, devicePath, map[string]any{"nickname": "Work laptop", "favorite": true, "mobileAppDeviceUuid": "uuid-1"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	m := res.object(t)
	assert.Equal(t, "Work laptop", m["nickname"])
	assert.Equal(t, "Work laptop", m["name"], "the nickname is the name")
	assert.Equal(t, true, m["favorite"])
	assert.Equal(t, "uuid-1", m["mobileAppDeviceUuid"])
	res = s.api(http.MethodPatch, devicePath, map[string]any{})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Work laptop", res.object(t)["nickname"], "nothing sent, nothing changed")
	view, ok := s.cloud.Device(s.loc, "AA:BB:CC:00:00:01")
	require.True(t, ok)
	assert.Equal(t, "laptop", view.Name)
	assert.Equal(t, "Work laptop", view.Nickname)
	assert.True(t, view.Favorite)

	res = s.api(http.MethodDelete, devicePath, nil)
	require.Equal(t, http.StatusNoContent, res.status, "body: %s", res.body)
	assert.Empty(t, res.body)
	s.api(http.MethodGet, devicePath, nil).requireLoopBackError(t, 404)
	s.api(http.MethodPatch, devicePath, map[string]any{"favorite": false}).requireLoopBackError(t, 404)
	s.api(http.MethodDelete, devicePath, nil).requireLoopBackError(t, 404)
	assert.Equal(t, []string{macPhone, macTV}, macs(s.devices("")))
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.True(t, view.Hidden)
	assert.Empty(t, view.Nickname, "the configuration is wiped")
	assert.False(t, view.Favorite)

	s.addDevice(Device{MAC: macLaptop, Name: "laptop", Connected: true})
	res = s.api(http.MethodGet, devicePath, nil)
	require.Equal(t, http.StatusOK, res.status, "AddDevice shows it again")
	assert.Equal(t, "laptop", res.object(t)["name"])

	// The TV has been offline 10 days: GET with a smaller daysOffline, DELETE past 31.
	tvPath := s.path("/devices/" + macTV)
	s.api(http.MethodGet, tvPath+"?daysOffline=9", nil).requireLoopBackError(t, 404)
	assert.Equal(t, http.StatusOK, s.api(http.MethodGet, tvPath+"?daysOffline=10", nil).status)
	s.clock.Advance(22 * 24 * time.Hour)
	s.api(http.MethodDelete, tvPath, nil).requireLoopBackError(t, 404)
	s.api(http.MethodDelete, tvPath+"?daysOffline=30", nil).requireLoopBackError(t, 404)
	s.api(http.MethodDelete, tvPath+"?daysOffline=40", map[string]any{"daysOffline": "31"}).requireLoopBackError(t, 404)
	assert.Equal(t, http.StatusNoContent, s.api(http.MethodDelete, tvPath+"?daysOffline=1", map[string]any{"daysOffline": 32}).status, "the body first")
}

func TestDeviceStatuses(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	dev := s.path("/devices/" + macLaptop)
	unknownLoc, unknownCustomer := locPath(s.id, unknownID), locPath(unknownID, s.loc)
	s.runStatusCases(t, []statusCase{
		{"list: unknown location", "GET", unknownLoc + "/devices", nil, 404},
		{"list: unknown customer", "GET", unknownCustomer + "/devices", nil, 401},
		{"list: daysOffline not a number", "GET", s.path("/devices?daysOffline=week"), nil, 400},
		{"list: negative daysOffline", "GET", s.path("/devices?daysOffline=-1"), nil, 400},
		{"list: allSSIDs not a boolean", "GET", s.path("/devices?allSSIDs=maybe"), nil, 400},
		{"get: unknown device", "GET", s.path("/devices/aa:bb:cc:00:00:99"), nil, 404},
		{"get: malformed MAC", "GET", s.path("/devices/laptop"), nil, 404},
		{"get: unknown location", "GET", unknownLoc + "/devices/" + macLaptop, nil, 404},
		{"get: unknown customer", "GET", unknownCustomer + "/devices/" + macLaptop, nil, 404},
		{"patch: unknown device", "PATCH", s.path("/devices/aa:bb:cc:00:00:99"), map[string]any{"favorite": true}, 404},
		{"patch: unknown customer", "PATCH", unknownCustomer + "/devices/" + macLaptop, map[string]any{"favorite": true}, 404},
		{"patch: favorite not a boolean", "PATCH", dev, map[string]any{"favorite": "yes"}, 400},
		{"patch: nickname not a string", "PATCH", dev, map[string]any{"nickname": 7}, 400},
		{"delete: unknown device", "DELETE", s.path("/devices/aa:bb:cc:00:00:99"), nil, 404},
		{"delete: unknown location", "DELETE", unknownLoc + "/devices/" + macLaptop, nil, 404},
		{"delete: daysOffline not a number", "DELETE", dev, map[string]any{"daysOffline": "month"}, 400},
		{"rename: nickname missing", "PUT", "/Customers/" + s.id + "/devices/" + macLaptop, map[string]any{}, 400},
		{"rename: nickname empty", "PUT", "/Customers/" + s.id + "/devices/" + macLaptop, map[string]any{"nickname": ""}, 400},
		{"rename: 33 characters", "PUT", "/Customers/" + s.id + "/devices/" + macLaptop, map[string]any{"nickname": strings.Repeat("é", 33)}, 422},
		{"rename: unknown customer", "PUT", "/Customers/" + unknownID + "/devices/" + macLaptop, map[string]any{"nickname": "x"}, 404},
		{"rename: malformed MAC", "PUT", "/Customers/" + s.id + "/devices/aa-bb", map[string]any{"nickname": "x"}, 404},
	})
}

func TestRenameDeviceEverywhere(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	cabin := s.api(http.MethodPost, "/Customers/"+s.id+"/locations", map[string]any{"name": "Cabin"}).object(t)["id"].(string)
	require.NoError(t, s.cloud.AddDevice(s.id, cabin, Device{MAC: macLaptop, Name: "laptop"}))

	name := strings.Repeat("é", 32)
	res := s.api(http.MethodPut, "/Customers/"+s.id+"/devices/AA:BB:CC:00:00:01", map[string]any{"nickname": name})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	customer := res.object(t)
	assert.Equal(t, s.id, customer["id"], "the answer is the Customer")
	assert.Equal(t, "account-1", customer["accountId"])
	for _, loc := range []string{s.loc, cabin} {
		view, _ := s.cloud.Device(loc, macLaptop)
		assert.Equal(t, name, view.Nickname, loc)
	}

	res = s.api(http.MethodPut, "/Customers/"+s.id+"/devices/"+"aa:bb:cc:00:00:77", map[string]any{"nickname": "Tablet"})
	require.Equal(t, http.StatusOK, res.status, "an unknown MAC is stored all the same")
	s.addDevice(Device{MAC: "aa:bb:cc:00:00:77", Name: "tablet"})
	assert.Equal(t, "Tablet", s.api(http.MethodGet, s.path("/devices/aa:bb:cc:00:00:77"), nil).object(t)["name"], "remembered for later seeding")
}

func TestDeviceSeeding(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	_, other := s.register("account-2")
	tests := []struct {
		name     string
		customer string
		location string
		device   Device
	}{
		{"malformed MAC", s.id, s.loc, Device{MAC: "aa:bb:cc:dd:ee"}},
		{"MAC with dashes", s.id, s.loc, Device{MAC: "aa-bb-cc-dd-ee-ff"}},
		{"unknown medium", s.id, s.loc, Device{MAC: macLaptop, Medium: "bluetooth"}},
		{"unknown band", s.id, s.loc, Device{MAC: macLaptop, FreqBand: "60G"}},
		{"ethernet with a band", s.id, s.loc, Device{MAC: macLaptop, Medium: "ethernet", FreqBand: "5G"}},
		{"bad IP", s.id, s.loc, Device{MAC: macLaptop, IP: "192.168.1.300"}},
		{"unknown node", s.id, s.loc, Device{MAC: macLaptop, NodeID: "NOSUCH"}},
		{"another customer's location", s.id, other, Device{MAC: macLaptop}},
		{"unknown location", s.id, unknownID, Device{MAC: macLaptop}},
	}
	t.Run("refused", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				assert.Error(t, s.cloud.AddDevice(tc.customer, tc.location, tc.device))
			})
		}
	})
	devices, err := s.cloud.Devices(s.id, s.loc)
	require.NoError(t, err)
	assert.Empty(t, devices, "a refused seed stores nothing")
	assert.Error(t, s.cloud.SetDeviceConnected(s.loc, macLaptop, true))
	assert.Error(t, s.cloud.SetDeviceConnected(unknownID, macLaptop, true))
	_, err = s.cloud.Devices(s.id, unknownID)
	assert.Error(t, err)
	_, ok := s.cloud.Device(s.loc, macLaptop)
	assert.False(t, ok)

	s.addDevice(Device{MAC: macLaptop, Name: "laptop"})
	view, _ := s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, DeviceView{MAC: macLaptop, Name: "laptop", Medium: "wifi", ConnectionStateChangeAt: testStart}, view)
	s.clock.Advance(time.Minute)
	require.NoError(t, s.cloud.SetDeviceConnected(s.loc, "AA:BB:CC:00:00:01", true))
	require.NoError(t, s.cloud.SetDeviceConnected(s.loc, macLaptop, true))
	view, _ = s.cloud.Device(s.loc, macLaptop)
	assert.True(t, view.Connected)
	assert.Equal(t, testStart.Add(time.Minute), view.ConnectionStateChangeAt, "only a change moves it")
}
