package fakecloud

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMonitorMode(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.cloud.AddInventory(DefaultPartnerID, "POD2")
	s.clock.Advance(time.Second)
	got := s.expect(200, "PUT", s.path("/monitorMode"), map[string]any{"enable": "true"}).object(t)
	assert.Equal(t, map[string]any{"_version": schemaVersion, "enable": true, "updatedAt": stampAt(time.Second)}, got)
	assert.Equal(t, got, s.location()["monitorMode"])
	s.api("POST", nodesPath(s.id, s.loc), claimBody("POD2")).requireLoopBackError(t, 422)
	s.expect(200, "PUT", s.path("/monitorMode"), map[string]any{"enable": false})
	s.expect(200, "POST", nodesPath(s.id, s.loc), claimBody("POD2"))
	view, _ := s.cloud.Location(s.loc)
	assert.False(t, view.MonitorMode)

	s.runStatusCases(t, []statusCase{
		{"enable missing", "PUT", s.path("/monitorMode"), map[string]any{}, 400},
		{"enable not a boolean", "PUT", s.path("/monitorMode"), map[string]any{"enable": "on"}, 400},
		{"unknown location", "PUT", locPath(s.id, unknownID) + "/monitorMode", map[string]any{"enable": true}, 404},
		{"unknown customer", "PUT", locPath(unknownID, s.loc) + "/monitorMode", map[string]any{"enable": true}, 401},
	})
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{}) // the claims of GW1 and POD1 are in the trail already
	other := s.expect(200, "POST", "/Customers/"+s.id+"/locations", map[string]any{"name": "Cabin"}).object(t)["id"].(string)
	s.clock.Advance(time.Second)
	s.expect(200, "PUT", s.path("/monitorMode"), map[string]any{"enable": false})
	s.api("PUT", s.path("/monitorMode"), map[string]any{}).requireLoopBackError(t, 400) // refused: not recorded
	s.expect(200, "GET", s.path("/summary"), nil)                                       // a read: not recorded
	s.clock.Advance(time.Second)
	s.expect(200, "PATCH", "/Customers/"+s.id, map[string]any{"name": "Ada"})
	s.expect(204, "PUT", locPath(s.id, other)+"/reboot", nil)

	trail := s.expect(200, "GET", "/Customers/"+s.id+"/auditTrail", nil).objects(t)
	require.Len(t, trail, 6, "2 claims, the location, monitorMode, the customer, the reboot: %v", trail)
	assert.Equal(t, map[string]any{"timestamp": stampAt(2 * time.Second), "method": "PUT", "path": locPath(s.id, other) + "/reboot", "status": 204.0}, trail[0], "newest first")
	assert.Equal(t, map[string]any{"timestamp": stampAt(2 * time.Second), "method": "PATCH", "path": "/Customers/" + s.id, "status": 200.0}, trail[1])
	assert.Equal(t, map[string]any{"timestamp": stampAt(time.Second), "method": "PUT", "path": s.path("/monitorMode"), "status": 200.0}, trail[2])
	assert.Equal(t, "POST", trail[3]["method"])
	assert.Equal(t, nodesPath(s.id, s.loc), trail[5]["path"])

	here := s.expect(200, "GET", s.path("/auditTrail"), nil).objects(t)
	assert.Equal(t, []any{s.path("/monitorMode"), nodesPath(s.id, s.loc), nodesPath(s.id, s.loc)}, field(here, "path"), "the location's paths only")
	assert.Equal(t, []any{locPath(s.id, other) + "/reboot"}, field(s.expect(200, "GET", locPath(s.id, other)+"/auditTrail", nil).objects(t), "path"))

	views, err := s.cloud.AuditTrail(s.id)
	require.NoError(t, err)
	require.Len(t, views, 6)
	assert.Equal(t, AuditEntry{At: testStart.Add(time.Second), Method: "PUT", Path: s.path("/monitorMode"), Status: 200, LocationID: s.loc}, views[2])
	assert.Equal(t, "", views[1].LocationID)
	_, err = s.cloud.AuditTrail(unknownID)
	assert.Error(t, err)

	s.runStatusCases(t, []statusCase{
		{"unknown customer", "GET", "/Customers/" + unknownID + "/auditTrail", nil, 404},
		{"location: unknown customer", "GET", locPath(unknownID, s.loc) + "/auditTrail", nil, 404},
		{"location: unknown location", "GET", locPath(s.id, unknownID) + "/auditTrail", nil, 404},
	})
	assert.Len(t, s.expect(200, "GET", "/Customers/"+s.id+"/auditTrail", nil).objects(t), 6, "reads add nothing")
}

func TestAuditTrailBounded(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	path := APIPrefix + s.path("/monitorMode")
	ep := resolve("PUT", path)
	s.cloud.mu.Lock()
	for range maxAuditEntries { // as serveAPI records each successful PUT, without 1000 round trips
		s.cloud.recordAudit(ep, "PUT", path, 200)
	}
	s.cloud.mu.Unlock()
	views, _ := s.cloud.AuditTrail(s.id)
	assert.Len(t, views, maxAuditEntries)
	assert.Equal(t, "PUT", views[len(views)-1].Method, "the oldest (the claims) went first")
}

// resetSite is a site with something of everything §11.5 resets.
func resetSite(t *testing.T) (*site, string) {
	s := newSite(t, Config{})
	s.seedHome()
	s.createWifi("password-1")
	s.expect(200, "POST", s.path("/wifiNetwork/accessZones/guests/keys"), keyBody("guest-pass", "encryptionKey", true))
	s.expect(200, "POST", s.path("/onboardingCheckpoint"), map[string]any{"checkpoint": "PodsAdded"})
	ada := s.expect(200, "POST", s.path("/persons"), map[string]any{
		"nickname": "Ada", "imageId": "PROFILE_WOMAN", "assignedDevices": []string{macPhone},
		"email": "ada@example.com", "permission": map[string]any{"role": "manager"},
	}).object(t)["id"].(string)
	s.expect(200, "PUT", s.path("/persons/"+ada+"/freeze/forever"), nil)
	s.expect(200, "PATCH", s.path("/devices/"+macLaptop), map[string]any{"nickname": "Work laptop", "favorite": true})
	s.expect(200, "PATCH", s.path("/devices/"+macLaptop+"/clientSteering"), map[string]any{"auto": false})
	s.expect(204, "PUT", s.path("/devices/"+macLaptop+"/forcedSteer"), expiresIn(10*time.Minute))
	s.expect(200, "PUT", s.path("/devices/"+macLaptop+"/freeze/suspend"), nil)
	s.expect(204, "DELETE", s.path("/devices/"+macTV), map[string]any{"daysOffline": 365})
	s.expect(200, "PATCH", s.path("/freeze/autoExpire"), expiresIn(time.Hour))
	s.expect(200, "PUT", s.path(dhcp+"/"+macLaptop), reserve("192.168.1.20"))
	s.expect(200, "POST", s.path(dhcp+"/"+macLaptop+"/portForward"), map[string]any{"externalPort": 443})
	s.expect(200, "PUT", s.path("/wanConfiguration"), map[string]any{"staticIPv4": map[string]any{
		"enabled": true, "ip": "203.0.113.5", "subnet": "255.255.255.0", "gateway": "203.0.113.1", "primaryDns": "1.1.1.1",
	}})
	return s, ada
}

func TestFactoryResetEverything(t *testing.T) {
	t.Parallel()
	s, _ := resetSite(t)
	s.clock.Advance(time.Second)
	all := map[string]any{}
	for _, flag := range resetFlags {
		all[flag] = true
	}
	res := s.expect(204, "DELETE", s.path("/factoryReset"), all)
	assert.Empty(t, res.body)

	s.api("GET", s.path("/wifiNetwork"), nil).requireLoopBackError(t, 404)
	keys, _ := s.cloud.Keys(s.loc)
	assert.Empty(t, keys)
	assert.JSONEq(t, `[]`, string(s.expect(200, "GET", s.path("/persons"), nil).body))
	assert.JSONEq(t, `[]`, string(s.expect(200, "GET", s.path(dhcp), nil).body))
	assert.JSONEq(t, `{}`, string(s.expect(200, "GET", s.path("/freeze/autoExpire"), nil).body))
	laptop, _ := s.cloud.Device(s.loc, macLaptop)
	assert.Equal(t, DeviceView{
		MAC: macLaptop, Name: "laptop", IP: "192.168.1.20", NodeID: "POD1", Medium: "wifi", FreqBand: "5G", Connected: true,
		ConnectionStateChangeAt: testStart,
	}, laptop, "nickname, favourite, steering and freezes cleared")
	tv, _ := s.cloud.Device(s.loc, macTV)
	assert.False(t, tv.Hidden, "shown again")
	wan := s.expect(200, "GET", s.path("/wanConfiguration"), nil).object(t)
	assert.Equal(t, false, wan["staticIPv4"].(map[string]any)["enabled"])
	view, _ := s.cloud.Location(s.loc)
	assert.Equal(t, "", view.Checkpoint)
	assert.Equal(t, DefaultLANPrefix, view.LANPrefix, "the LAN prefix stays")

	// networkConfiguration and wifiNetwork reboot the location at once; the claims stay.
	for _, serial := range []string{"GW1", "POD1"} {
		node, _ := s.cloud.Node(serial)
		assert.Equal(t, s.loc, node.LocationID)
		assert.Equal(t, "disconnected", node.ConnectionState, serial)
		assert.Equal(t, testStart.Add(time.Second), node.RebootAt)
	}
	s.clock.Advance(DefaultReboot)
	node, _ := s.cloud.Node("GW1")
	assert.Equal(t, "connected", node.ConnectionState)
}

func TestFactoryResetFlags(t *testing.T) {
	t.Parallel()
	cases := map[string]func(t *testing.T, s *site, ada string){
		"persons": func(t *testing.T, s *site, _ string) {
			persons, _ := s.cloud.Persons(s.loc)
			assert.Empty(t, persons)
			phone, _ := s.cloud.Device(s.loc, macPhone)
			assert.Equal(t, "", phone.PersonID)
			assert.Equal(t, []string{"location"}, phone.Freeze.Sources, "the person's freeze went with the person")
		},
		"onboardingCheckpoints": func(t *testing.T, s *site, _ string) {
			view, _ := s.cloud.Location(s.loc)
			assert.Equal(t, "", view.Checkpoint)
		},
		"devices": func(t *testing.T, s *site, _ string) {
			laptop, _ := s.cloud.Device(s.loc, macLaptop)
			assert.Equal(t, "", laptop.Nickname)
			assert.Nil(t, laptop.ClientSteering)
			assert.True(t, laptop.ForcedSteerUntil.IsZero())
			assert.False(t, laptop.Freeze.Suspend)
			assert.Equal(t, []string{"location"}, laptop.Freeze.Sources, "the location-wide freeze is not a device setting")
		},
		"networkConfiguration": func(t *testing.T, s *site, _ string) {
			reservations, _ := s.cloud.DHCPReservations(s.loc)
			assert.Empty(t, reservations)
			node, _ := s.cloud.Node("GW1")
			assert.Equal(t, "disconnected", node.ConnectionState, "rebooting")
		},
		"wifiNetwork": func(t *testing.T, s *site, _ string) {
			view, _ := s.cloud.Location(s.loc)
			assert.Nil(t, view.Wifi)
			node, _ := s.cloud.Node("POD1")
			assert.Equal(t, "disconnected", node.ConnectionState, "rebooting")
		},
		"deviceFreeze": func(t *testing.T, s *site, _ string) {
			laptop, _ := s.cloud.Device(s.loc, macLaptop)
			assert.Equal(t, FreezeView{}, laptop.Freeze, "its own freeze and the location-wide one")
			phone, _ := s.cloud.Device(s.loc, macPhone)
			assert.Equal(t, []string{"person"}, phone.Freeze.Sources, "person freezes are the persons'")
			assert.Equal(t, "Work laptop", laptop.Nickname)
		},
		"deviceNicknames": func(t *testing.T, s *site, _ string) {
			laptop, _ := s.cloud.Device(s.loc, macLaptop)
			assert.Equal(t, "", laptop.Nickname)
			assert.True(t, laptop.Favorite, "only the nickname")
		},
		"managers": func(t *testing.T, s *site, _ string) {
			persons, _ := s.cloud.Persons(s.loc)
			require.Len(t, persons, 1)
			assert.False(t, persons[0].Manager)
			assert.Equal(t, "ada@example.com", persons[0].Email)
		},
		"wanConfiguration": func(t *testing.T, s *site, _ string) {
			view, _ := s.cloud.Location(s.loc)
			assert.Equal(t, &StaticIPv4View{}, view.StaticIPv4)
		},
	}
	for flag, check := range cases {
		t.Run(flag, func(t *testing.T) {
			t.Parallel()
			s, ada := resetSite(t)
			s = s.with(t)
			body := map[string]any{flag: true}
			if flag == "managers" { // the query reading, with a false body flag for another
				s.expect(204, "DELETE", s.path("/factoryReset?managers=true"), map[string]any{"persons": false})
			} else {
				s.expect(204, "DELETE", s.path("/factoryReset"), body)
			}
			check(t, s, ada)
			for _, other := range resetFlags { // what no flag named stays
				if other == flag {
					continue
				}
				switch other {
				case "wifiNetwork":
					if flag != "networkConfiguration" {
						s.expect(200, "GET", s.path("/wifiNetwork"), nil)
					}
				case "networkConfiguration":
					views, _ := s.cloud.DHCPReservations(s.loc)
					assert.Len(t, views, 1, "reservations stay")
				}
			}
		})
	}
}

func TestFactoryResetRequests(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.createWifi("password-1")
	s.expect(204, "DELETE", s.path("/factoryReset"), nil)
	s.expect(200, "GET", s.path("/wifiNetwork"), nil) // no flag: nothing reset
	node, _ := s.cloud.Node("GW1")
	assert.Zero(t, node.Reboots)
	s.expect(204, "DELETE", s.path("/factoryReset"), map[string]any{"wifiNetwork": false}) // false in the body wins over the query
	s.expect(204, "DELETE", s.path("/factoryReset?wifiNetwork=true"), map[string]any{"wifiNetwork": "false"})
	s.expect(200, "GET", s.path("/wifiNetwork"), nil)
	s.expect(204, "DELETE", s.path("/factoryReset?wifiNetwork=true"), nil)
	s.api(http.MethodGet, s.path("/wifiNetwork"), nil).requireLoopBackError(t, 404)

	s.runStatusCases(t, []statusCase{
		{"flag not a boolean", "DELETE", s.path("/factoryReset"), map[string]any{"persons": "all"}, 400},
		{"query flag not a boolean", "DELETE", s.path("/factoryReset?persons=all"), nil, 400},
		{"unknown location", "DELETE", locPath(s.id, unknownID) + "/factoryReset", map[string]any{"persons": true}, 404},
		{"unknown customer", "DELETE", locPath(unknownID, s.loc) + "/factoryReset", map[string]any{"persons": true}, 401},
	})
}
