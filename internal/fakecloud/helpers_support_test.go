package fakecloud

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers of the §7–§11 tests (health, optimizer, HomePass, network, freezes, admin).

// expect sends a request, requires the status and returns the answer.
func (s *site) expect(status int, method, path string, body any) response {
	s.t.Helper()
	res := s.api(method, path, body)
	require.Equal(s.t, status, res.status, "%s %s: %s", method, path, res.body)
	return res
}

// objects decodes an answer that is an array of objects.
func (r response) objects(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	require.NoError(t, json.Unmarshal(r.body, &out), "body: %s", r.body)
	return out
}

// ids returns the "id" of each object, as JSON decoded it.
func ids(list []map[string]any) []any {
	out := []any{}
	for _, o := range list {
		out = append(out, o["id"])
	}
	return out
}

// field returns one field of each object.
func field(list []map[string]any, key string) []any {
	out := []any{}
	for _, o := range list {
		out = append(out, o[key])
	}
	return out
}

// device answers GET …/devices/{mac} as an object.
func (s *site) device(mac string) map[string]any {
	s.t.Helper()
	return s.expect(200, "GET", s.path("/devices/"+mac), nil).object(s.t)
}

// freezeOf is the freeze object of a device record.
func (s *site) freezeOf(mac string) map[string]any {
	s.t.Helper()
	f, ok := s.device(mac)["freeze"].(map[string]any)
	require.True(s.t, ok, "device %s has a freeze object", mac)
	return f
}

// location answers GET …/{locationId} as an object.
func (s *site) location() map[string]any {
	s.t.Helper()
	return s.expect(200, "GET", locPath(s.id, s.loc), nil).object(s.t)
}

// createWifi creates the site's WiFi network with the PSK.
func (s *site) createWifi(psk string) {
	s.t.Helper()
	s.expect(200, "POST", s.path("/wifiNetwork"), map[string]any{"ssid": "Home", "encryptionKey": psk})
}
