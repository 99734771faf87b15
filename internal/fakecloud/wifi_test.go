package fakecloud

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWifiNetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	path := locPath(id, home) + "/wifiNetwork"

	h.api(http.MethodGet, path, nil).requireLoopBackError(t, http.StatusNotFound)
	h.api(http.MethodPut, path, map[string]any{"ssid": "net", "encryptionKey": "12345678"}).requireLoopBackError(t, http.StatusNotFound)
	h.api(http.MethodPatch, path, map[string]any{"enabled": false}).requireLoopBackError(t, http.StatusNotFound)

	// G spells the key WpaMode (§13.1).
	res := h.api(http.MethodPost, path, map[string]any{"ssid": "HomeNet", "encryptionKey": "s3cret-key", "WpaMode": "sae-mixed"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	w := res.object(t)["wifiNetwork"].(map[string]any)
	assert.Regexp(t, hexID, w["id"])
	assert.Equal(t, home, w["locationId"])
	assert.Equal(t, "HomeNet", w["ssid"])
	assert.Equal(t, "s3cret-key", w["encryptionKey"])
	assert.Equal(t, "sae-mixed", w["wpaMode"])
	assert.Equal(t, map[string]any{"freqBand24": "sae-mixed", "freqBand5": "sae-mixed", "freqBand6": "sae"}, w["wpaModes"])

	h.api(http.MethodPost, path, map[string]any{"ssid": "Again", "encryptionKey": "12345678"}).requireLoopBackError(t, http.StatusConflict)

	res = h.api(http.MethodGet, path, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "HomeNet", res.object(t)["wifiNetwork"].(map[string]any)["ssid"])

	res = h.api(http.MethodPut, path, map[string]any{"ssid": "Renamed", "encryptionKey": "another-key"})
	require.Equal(t, http.StatusOK, res.status)
	w = res.object(t)["wifiNetwork"].(map[string]any)
	assert.Equal(t, "Renamed", w["ssid"])
	assert.Equal(t, "psk2", w["wpaMode"], "the default")

	res = h.api(http.MethodPatch, path, map[string]any{"ssid": "Patched", "enabled": false, "wpaMode": "sae", "groupRekey": "enable"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	bare := res.object(t)
	assert.NotContains(t, bare, "wifiNetwork", "PATCH answers the bare object")
	assert.Equal(t, "Patched", bare["ssid"])
	assert.Equal(t, false, bare["enabled"])
	assert.Equal(t, "sae", bare["wpaMode"])
	assert.Equal(t, "enable", bare["groupRekey"])
	assert.Equal(t, "another-key", bare["encryptionKey"], "PATCH keeps the key")

	loc, _ := h.cloud.Location(home)
	require.NotNil(t, loc.Wifi)
	assert.Equal(t, "Patched", loc.Wifi.SSID)
	assert.False(t, strings.Contains(loc.Wifi.String(), "another-key"), "a secret leaked")

	assert.Equal(t, http.StatusNotFound, h.api(http.MethodDelete, path, nil).status, "no DELETE")
}

func TestWifiValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	_, withWifi := h.register("account-2")
	withWifiCustomer := h.cloud.Customers()[1].ID
	path := locPath(id, home) + "/wifiNetwork"
	existing := locPath(withWifiCustomer, withWifi) + "/wifiNetwork"
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, existing, map[string]any{"ssid": "net", "encryptionKey": "12345678"}).status)

	tests := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"missing ssid", "POST", path, map[string]any{"encryptionKey": "12345678"}, 422},
		{"missing key", "POST", path, map[string]any{"ssid": "n"}, 422},
		{"short key", "POST", path, map[string]any{"ssid": "n", "encryptionKey": "1234567"}, 422},
		{"bad wpaMode", "POST", path, map[string]any{"ssid": "n", "encryptionKey": "12345678", "wpaMode": "wep"}, 422},
		{"6 GHz not sae", "POST", path, map[string]any{"ssid": "n", "encryptionKey": "12345678", "wpaModes": map[string]any{"freqBand6": "psk2"}}, 422},
		{"bad band mode", "POST", path, map[string]any{"ssid": "n", "encryptionKey": "12345678", "wpaModes": map[string]any{"freqBand5": "open"}}, 422},
		{"unknown location", "POST", locPath(id, "0123456789abcdef01234567") + "/wifiNetwork", map[string]any{"ssid": "n", "encryptionKey": "12345678"}, 404},
		{"malformed", "POST", path, `{"ssid":`, 400},
		{"PUT short key", "PUT", existing, map[string]any{"ssid": "n", "encryptionKey": "short"}, 422},
		{"PATCH bad groupRekey", "PATCH", existing, map[string]any{"groupRekey": "sometimes"}, 422},
		{"PATCH bad minWifiMode24", "PATCH", existing, map[string]any{"minWifiMode24": "11ax"}, 422},
		{"PATCH bad wpaMode", "PATCH", existing, map[string]any{"wpaMode": "wpa3"}, 422},
		{"PATCH empty ssid", "PATCH", existing, map[string]any{"ssid": ""}, 422},
		{"PATCH enabled not boolean", "PATCH", existing, map[string]any{"enabled": "no"}, 400},
	}
	t.Run("refusals", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				h.with(t).api(tc.method, tc.path, tc.body).requireLoopBackError(t, tc.status)
			})
		}
	})
	loc, _ := h.cloud.Location(withWifi)
	assert.Equal(t, "net", loc.Wifi.SSID, "refused changes change nothing")
	assert.Equal(t, "12345678", loc.Wifi.EncryptionKey)
	assert.Equal(t, "psk2", loc.Wifi.WPAMode)
	loc, _ = h.cloud.Location(home)
	assert.Nil(t, loc.Wifi)
}
