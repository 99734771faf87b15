package fakecloud

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func keyBody(secret, format string, enable bool) map[string]any {
	return map[string]any{"encryptionKey": secret, "format": format, "enable": enable}
}

func TestHomePassSeeded(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.createWifi("password-1")

	wifi := s.expect(200, "GET", s.path("/wifiNetwork"), nil).object(t)["wifiNetwork"].(map[string]any)
	zones := wifi["accessZones"].([]any)
	require.Len(t, zones, 3)
	for i, want := range [][2]string{{"home", "Home"}, {"guests", "Guests"}, {"internetAccessOnly", "Internet only"}} {
		z := zones[i].(map[string]any)
		assert.EqualValues(t, i+1, z["id"])
		assert.Equal(t, want[0], z["type"])
		assert.Equal(t, want[1], z["description"])
		assert.Equal(t, []any{}, z["accessibleDevices"])
	}
	assert.Equal(t, []any{map[string]any{
		"id": 0.0, "encryptionKey": "password-1", "accessZone": "home", "accessZoneId": 1.0, "format": "encryptionKey",
		"enable": true, "content": []any{}, "expiresAt": nil, "createdAt": stampAt(0), "updatedAt": stampAt(0), "_version": schemaVersion,
	}}, wifi["keys"])

	// Key 0 mirrors the PSK both ways.
	s.clock.Advance(time.Second)
	s.expect(200, "PUT", s.path("/wifiNetwork"), map[string]any{"ssid": "Home", "encryptionKey": "password-2"})
	keys, _ := s.cloud.Keys(s.loc)
	require.Len(t, keys, 1)
	assert.Equal(t, "password-2", keys[0].EncryptionKey)
	assert.True(t, keys[0].ReadOnly)
	keyList := s.expect(200, "PUT", s.path("/wifiNetwork/accessZones/home/keys/0"), keyBody("password-3", "encryptionKey", true)).objects(t)
	assert.Equal(t, "password-3", keyList[0]["encryptionKey"])
	assert.Equal(t, stampAt(time.Second), keyList[0]["updatedAt"])
	view, _ := s.cloud.Location(s.loc)
	assert.Equal(t, "password-3", view.Wifi.EncryptionKey)
	assert.False(t, strings.Contains(fmt.Sprint(keys[0]), "password"), "KeyView prints the key hidden")
	assert.False(t, strings.Contains(fmt.Sprintf("%#v", keys[0]), "password"), "a secret leaked")

	zoneViews, _ := s.cloud.AccessZones(s.loc)
	assert.Equal(t, AccessZoneView{ID: 2, Type: "guests", Description: "Guests", AccessibleDevices: []string{}, ReadOnly: true}, zoneViews[1])
}

func TestHomePassKeys(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.createWifi("password-1")
	keys := s.path("/wifiNetwork/accessZones/guests/keys")

	list := s.expect(200, "POST", keys, map[string]any{
		"encryptionKey": "guest-pass", "format": "encryptionKey", "enable": "true",
		"content": `["adultAndSensitive"]`, "expiresAt": "2024-04-01T00:00:00Z",
	}).objects(t)
	assert.Equal(t, []any{0.0, 1.0}, ids(list), "every key, sorted")
	assert.Equal(t, map[string]any{
		"id": 1.0, "encryptionKey": "guest-pass", "accessZone": "guests", "accessZoneId": 2.0, "format": "encryptionKey",
		"enable": true, "content": []any{"adultAndSensitive"}, "expiresAt": "2024-04-01T00:00:00.000Z",
		"createdAt": stampAt(0), "updatedAt": stampAt(0), "_version": schemaVersion,
	}, list[1])
	list = s.expect(200, "POST", s.path("/wifiNetwork/accessZones/internetAccessOnly/keys"), keyBody("+4915112345678", "phoneNumber", false)).objects(t)
	assert.Equal(t, []any{"home", "guests", "internetAccessOnly"}, field(list, "accessZone"))

	// The lowest free id is taken; ten keys at most.
	s.expect(200, "DELETE", keys+"/1", nil)
	list = s.expect(200, "POST", keys, keyBody("guest-pass-b", "encryptionKey", true)).objects(t)
	assert.Equal(t, []any{0.0, 1.0, 2.0}, ids(list))
	for i := 3; i <= 9; i++ {
		s.expect(200, "POST", keys, keyBody(fmt.Sprintf("guest-pass-%d", i), "encryptionKey", true))
	}
	s.api("POST", keys, keyBody("guest-pass-x", "encryptionKey", true)).requireLoopBackError(t, 422)

	// PUT replaces a key in its zone; an expiresAt in the past is stored and never lapses.
	list = s.expect(200, "PUT", keys+"/1", map[string]any{
		"encryptionKey": "guest-pass-c", "format": "encryptionKey", "enable": false, "expiresAt": "2024-01-01T00:00:00Z",
	}).objects(t)
	assert.Equal(t, false, list[1]["enable"])
	assert.Equal(t, []any{}, list[1]["content"], "PUT replaces")
	s.clock.Advance(300 * 24 * time.Hour)
	views, _ := s.cloud.Keys(s.loc)
	assert.Equal(t, "guest-pass-c", views[1].EncryptionKey)
	assert.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), views[1].ExpiresAt)
	assert.Len(t, views, 10)

	s.runStatusCases(t, []statusCase{
		{"encryptionKey missing", "POST", keys, map[string]any{"format": "encryptionKey", "enable": true}, 400},
		{"enable missing", "POST", keys, map[string]any{"encryptionKey": "abcdefgh1", "format": "encryptionKey"}, 400},
		{"format missing", "POST", keys, map[string]any{"encryptionKey": "abcdefgh1", "enable": true}, 400},
		{"enable not a boolean", "POST", keys, map[string]any{"encryptionKey": "abcdefgh1", "format": "encryptionKey", "enable": "on"}, 400},
		{"unknown zone", "POST", s.path("/wifiNetwork/accessZones/lobby/keys"), keyBody("abcdefgh1", "encryptionKey", true), 404},
		{"unknown zone id", "POST", s.path("/wifiNetwork/accessZones/7/keys"), keyBody("abcdefgh1", "encryptionKey", true), 404},
		{"PUT: key outside 0-9", "PUT", keys + "/10", keyBody("abcdefgh1", "encryptionKey", true), 404},
		{"PUT: key not a number", "PUT", keys + "/one", keyBody("abcdefgh1", "encryptionKey", true), 404},
		{"PUT: key in another zone", "PUT", s.path("/wifiNetwork/accessZones/home/keys/1"), keyBody("abcdefgh1", "encryptionKey", true), 404},
		{"PUT: key 0 disabled", "PUT", s.path("/wifiNetwork/accessZones/home/keys/0"), keyBody("password-1", "encryptionKey", false), 405},
		{"PUT: key 0 under guests", "PUT", keys + "/0", keyBody("password-1", "encryptionKey", true), 404},
		{"PUT: key 0 as a short phone number", "PUT", s.path("/wifiNetwork/accessZones/home/keys/0"), keyBody("1234567", "phoneNumber", true), 422},
		{"PUT: key in use elsewhere", "PUT", keys + "/1", keyBody("password-1", "encryptionKey", true), 422},
		{"DELETE: key 0", "DELETE", s.path("/wifiNetwork/accessZones/home/keys/0"), nil, 405},
		{"DELETE: missing key", "DELETE", s.path("/wifiNetwork/accessZones/home/keys/5"), nil, 404},
		{"unknown location", "POST", locPath(s.id, unknownID) + "/wifiNetwork/accessZones/guests/keys", keyBody("abcdefgh1", "encryptionKey", true), 404},
		{"unknown customer", "POST", locPath(unknownID, s.loc) + "/wifiNetwork/accessZones/guests/keys", keyBody("abcdefgh1", "encryptionKey", true), 401},
	})
}

func TestHomePassKeyValidation(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	keys := s.path("/wifiNetwork/accessZones/home/keys")
	s.api("POST", keys, keyBody("abcdefgh1", "encryptionKey", true)).requireLoopBackError(t, 404) // no wifiNetwork yet
	s.createWifi("password-1")
	s.runStatusCases(t, []statusCase{
		{"short encryptionKey", "POST", keys, keyBody("short", "encryptionKey", true), 422},
		{"unknown format", "POST", keys, keyBody("abcdefgh1", "pin", true), 422},
		{"phone number too short", "POST", keys, keyBody("123456", "phoneNumber", true), 422},
		{"phone number too long", "POST", keys, keyBody("+1234567890123456", "phoneNumber", true), 422},
		{"phone number with letters", "POST", keys, keyBody("555-CALL-NOW", "phoneNumber", true), 422},
		{"key in use (the PSK)", "POST", keys, keyBody("password-1", "encryptionKey", true), 422},
		{"unknown content", "POST", keys, map[string]any{"encryptionKey": "abcdefgh1", "format": "encryptionKey", "enable": true, "content": []string{"games"}}, 422},
		{"content not an array", "POST", keys, map[string]any{"encryptionKey": "abcdefgh1", "format": "encryptionKey", "enable": true, "content": 5}, 400},
		{"expiresAt unparsable", "POST", keys, map[string]any{"encryptionKey": "abcdefgh1", "format": "encryptionKey", "enable": true, "expiresAt": "soon"}, 422},
	})
	views, _ := s.cloud.Keys(s.loc)
	assert.Len(t, views, 1, "a refused key is not stored")

	s.expect(200, "POST", keys, keyBody("+1234567", "phoneNumber", true))
	s.api("PUT", s.path("/wifiNetwork"), map[string]any{"ssid": "Home", "encryptionKey": "+1234567"}).requireLoopBackError(t, 422)
}

func TestAccessZones(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	zones := s.path("/wifiNetwork/accessZones")
	s.api("POST", zones, map[string]any{"description": "Lobby", "type": "guests"}).requireLoopBackError(t, 404) // no wifiNetwork
	s.createWifi("password-1")

	list := s.expect(200, "POST", zones, map[string]any{
		"description": "Lobby", "type": "guests", "accessibleDevices": `["AA:BB:CC:00:00:01"]`,
	}).objects(t)
	assert.Equal(t, []any{1.0, 2.0, 3.0, 4.0}, ids(list), "the new id is max+1, every zone answered")
	assert.Equal(t, []any{map[string]any{"mac": macLaptop}}, list[3]["accessibleDevices"])
	s.clock.Advance(time.Second)
	list = s.expect(200, "PATCH", zones+"/4", map[string]any{"description": "Front desk"}).objects(t)
	assert.Equal(t, "Front desk", list[3]["description"])
	assert.Equal(t, []any{map[string]any{"mac": macLaptop}}, list[3]["accessibleDevices"], "kept when not sent")
	assert.Equal(t, stampAt(time.Second), list[3]["updatedAt"])
	s.expect(200, "PATCH", zones+"/1", map[string]any{"description": "Family", "accessibleDevices": []string{}})

	// Keys can live in a created zone (by its id); deleting the zone deletes them.
	keyList := s.expect(200, "POST", zones+"/4/keys", keyBody("lobby-pass", "encryptionKey", true)).objects(t)
	assert.Equal(t, []any{"home", "guests"}, field(keyList, "accessZone"))
	assert.Equal(t, []any{1.0, 4.0}, field(keyList, "accessZoneId"))
	s.expect(200, "PUT", zones+"/guests/keys/1", keyBody("lobby-pass-2", "encryptionKey", true)) // a guests zone's key, by type
	list = s.expect(200, "DELETE", zones+"/4", nil).objects(t)
	assert.Equal(t, []any{1.0, 2.0, 3.0}, ids(list))
	views, _ := s.cloud.Keys(s.loc)
	assert.Len(t, views, 1, "the zone's key went with it")
	list = s.expect(200, "POST", zones, map[string]any{"description": "Again", "type": "guests"}).objects(t)
	assert.Equal(t, 4.0, list[3]["id"])

	zoneViews, _ := s.cloud.AccessZones(s.loc)
	assert.Equal(t, AccessZoneView{ID: 1, Type: "home", Description: "Family", AccessibleDevices: []string{}, ReadOnly: true}, zoneViews[0])
	assert.Equal(t, AccessZoneView{ID: 4, Type: "guests", Description: "Again", AccessibleDevices: []string{}}, zoneViews[3])

	s.runStatusCases(t, []statusCase{
		{"POST: description missing", "POST", zones, map[string]any{"type": "guests"}, 400},
		{"POST: type missing", "POST", zones, map[string]any{"description": "x"}, 400},
		{"POST: type home", "POST", zones, map[string]any{"description": "x", "type": "home"}, 422},
		{"POST: bad MAC", "POST", zones, map[string]any{"description": "x", "type": "guests", "accessibleDevices": []string{"laptop"}}, 422},
		{"PATCH: description missing", "PATCH", zones + "/4", map[string]any{}, 400},
		{"PATCH: bad MAC", "PATCH", zones + "/4", map[string]any{"description": "x", "accessibleDevices": []string{"laptop"}}, 422},
		{"PATCH: unknown zone", "PATCH", zones + "/9", map[string]any{"description": "x"}, 404},
		{"PATCH: zone not a number", "PATCH", zones + "/guests", map[string]any{"description": "x"}, 404},
		{"DELETE: zone 1", "DELETE", zones + "/1", nil, 405},
		{"DELETE: zone 3", "DELETE", zones + "/3", nil, 405},
		{"DELETE: unknown zone", "DELETE", zones + "/9", nil, 404},
		{"unknown customer", "POST", locPath(unknownID, s.loc) + "/wifiNetwork/accessZones", map[string]any{"description": "x", "type": "guests"}, 401},
	})
}
