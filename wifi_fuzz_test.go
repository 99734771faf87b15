package plume

// wifi_fuzz_test.go: the fuzz targets of the WiFi network answer (wifi.go): decoding it, and
// that its key never prints. Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeWifiNetwork decodes a wifiNetwork answer, wrapped or bare, and checks that the
// key it carries never prints.
func FuzzDecodeWifiNetwork(f *testing.F) {
	addJSONSeeds(f,
		`{"wifiNetwork":{"id":"w1","ssid":"Home","encryptionKey":"Tr0ub4dor-and-3"}}`,
		`{"wifiNetwork":null,"ssid":"Bare","encryptionKey":"Tr0ub4dor-and-3"}`,
		`{"wifiNetwork":"w1"}`,
		`{"wifiNetwork":{"wifiNetwork":{}}}`,
		`{"ssid":"Home","encryptionKey":"Tr0ub4dor-and-3","enabled":"true"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		network, ok := checkDecoder(t, data, decodeWifiNetwork, func(w *WifiNetwork) []json.RawMessage { return []json.RawMessage{w.Raw} })
		if !ok {
			return
		}
		if network == nil {
			t.Fatal("decodeWifiNetwork returned nil without an error")
		}
		if key := network.EncryptionKey; len(key) >= 8 && !strings.Contains(network.ID+network.LocationID+network.SSID+string(network.WPAMode), key) {
			for _, text := range []string{fmt.Sprint(network), fmt.Sprintf("%+v", *network), fmt.Sprintf("%#v", network)} {
				if strings.Contains(text, key) {
					t.Fatalf("the key %q prints in %s", key, text)
				}
			}
		}
	})
}

// FuzzWifiNetworkFormat formats a network holding any key with every verb, as value and
// pointer, and through slog: the key never shows, unless it shows as well for another key
// (a key such as "ssid" or "true" is in the text anyway).
func FuzzWifiNetworkFormat(f *testing.F) {
	for _, seed := range []struct {
		key, ssid, note string
		wrapped         bool
	}{
		{"Tr0ub4dor-and-3", "DoeHome", "", true},
		{"Tr0ub4dor&3<x>", "DoeHome", "key: Tr0ub4dor&3<x>", false},
		{"ssid", "Home", "", false},
		{"pass\"word\\", "Home", "pass\"word\\", true},
		{"clé-à-molette", "Café", "clé-à-molette", false},
		{"\x00\x01\xff\xfe", "x", "", true},
		{"[REDACTED]", "y", "", true},
	} {
		f.Add(seed.key, seed.ssid, seed.note, seed.wrapped)
	}
	const otherKey = "0ther-Key-fuzz"
	f.Fuzz(func(t *testing.T, key, ssid, note string, wrapped bool) {
		if len(key) < 4 || !utf8.ValidString(key) || strings.Contains(otherKey, key) {
			return // JSON cannot carry invalid UTF-8 as it is
		}
		network := fuzzWifiNetwork(t, key, ssid, note, wrapped)
		other := fuzzWifiNetwork(t, otherKey, ssid, strings.ReplaceAll(note, key, otherKey), wrapped)
		if network.EncryptionKey != key {
			t.Fatalf("decoded key %q, want %q", network.EncryptionKey, key)
		}
		var otherPrinted []string // printed only when needed: most keys never show
		for i, text := range printWifiNetwork(network) {
			for _, form := range keyForms(key) {
				if !strings.Contains(text, form) {
					continue
				}
				if otherPrinted == nil {
					otherPrinted = printWifiNetwork(other)
				}
				if !strings.Contains(otherPrinted[i], form) {
					t.Fatalf("output %d holds the key %q as %q: %s", i, key, form, text)
				}
			}
		}
	})
}

// fuzzWifiNetwork decodes the network the API would send for key, ssid and a note holding
// anything (the key, say).
func fuzzWifiNetwork(t *testing.T, key, ssid, note string, wrapped bool) *WifiNetwork {
	t.Helper()
	var payload any = map[string]any{
		"id": "w1", "locationId": "l1", "ssid": ssid, "encryptionKey": key, "wpaMode": "psk2",
		"enabled": true, "note": note, "wpaKey": key,
	}
	if wrapped {
		payload = map[string]any{"wifiNetwork": payload}
	}
	data, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	network, err := decodeWifiNetwork(data)
	if err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return network
}

// printWifiNetwork prints w every way a user may: fmt verbs on value and pointer, and slog
// records through the JSON and text handlers.
func printWifiNetwork(w *WifiNetwork) []string {
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out = append(out, fmt.Sprintf(verb, *w), fmt.Sprintf(verb, w))
	}
	out = append(out, fmt.Sprint([]WifiNetwork{*w}), fmt.Sprintf("%+v", []*WifiNetwork{w}))
	var logs bytes.Buffer
	opts := &slog.HandlerOptions{ReplaceAttr: dropTime} // a time could hold any key of digits
	slog.New(slog.NewJSONHandler(&logs, opts)).Info("wifi", "network", *w, "ptr", w)
	slog.New(slog.NewTextHandler(&logs, opts)).Info("wifi", "network", *w, "ptr", w)
	return append(out, logs.String())
}

// dropTime removes the time of a slog record.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// keyForms are the ways key may be written in output: as is, JSON-escaped and Go-quoted.
func keyForms(key string) []string {
	forms := []string{key}
	if data, err := json.Marshal(key); err == nil {
		forms = append(forms, string(data[1:len(data)-1]))
	}
	quoted := strconv.Quote(key)
	return append(forms, quoted[1:len(quoted)-1])
}
