package plume

// homepass_fuzz_test.go: the fuzz targets of the HomePass answers (homepass.go,
// homepass_zones.go): keys and zones read from a wifiNetwork and from the writes' arrays, and
// that a key never prints nor shows in a validation error. Shared fuzz helpers are in
// fuzz_helpers_test.go.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func keyRaw(k *Key) json.RawMessage         { return k.Raw }
func zoneRaw(z *AccessZone) json.RawMessage { return z.Raw }

func addFixtureSeeds(f *testing.F, names ...string) {
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzDecodeKeys decodes keys as Keys reads them (from a wifiNetwork) and as the key writes
// do (an array), and checks that no key decoded from the input prints.
func FuzzDecodeKeys(f *testing.F) {
	addFixtureSeeds(f, "keys_wifi_network.json", "keys_wifi_network_bare.json", "keys_list.json")
	addJSONSeeds(f,
		`{"wifiNetwork":{"keys":[{"id":1,"encryptionKey":"Tr0ub4dor-and-3","enable":"true"}]}}`,
		`{"wifiNetwork":{"keys":null}}`, `{"keys":{}}`, `{"keys":[null]}`, `[{"id":1.5}]`, `[{"id":"1"}]`,
		`[{"id":1,"content":"x","expiresAt":null}]`, `[{"id":1,"content":[{"a":1},"b"],"expiresAt":"2025-03-01T18:00:00Z"}]`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		list, ok := checkDecoder(t, data, decodeKeyList, func(l []Key) []json.RawMessage { return rawsOf(l, keyRaw) })
		if ok && list == nil {
			t.Fatal("decodeKeyList returned nil without an error")
		}
		if ok && !json.Valid(data) {
			t.Fatalf("decodeKeyList accepted invalid JSON %q", data)
		}
		network, nok := checkDecoder(t, data, func(b json.RawMessage) ([]Key, error) {
			var n networkKeys
			err := n.decodeBody(b)
			return n, err
		}, func(l []Key) []json.RawMessage { return rawsOf(l, keyRaw) })
		if nok && network == nil {
			t.Fatal("networkKeys decoded to nil without an error")
		}
		for _, k := range append(list, network...) {
			assertKeyNeverPrints(t, k)
		}
	})
}

// fuzzOtherKey stands in for a key, to tell a key that prints from one that is in the text
// anyway (a key such as "true" or "encryp", part of a member name).
const fuzzOtherKey = "0ther-Key-fuzz"

// printKey prints k every way a user may: fmt verbs on value, pointer and slice, json, and
// slog records through the JSON and text handlers.
func printKey(t *testing.T, k Key) []string {
	t.Helper()
	var logs bytes.Buffer
	opts := &slog.HandlerOptions{ReplaceAttr: dropTime}
	slog.New(slog.NewJSONHandler(&logs, opts)).Info("k", "key", k, "ptr", &k)
	slog.New(slog.NewTextHandler(&logs, opts)).Info("k", "key", k)
	data, err := json.Marshal([]any{k, &k})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{logs.String(), string(data)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		texts = append(texts, fmt.Sprintf(verb, k), fmt.Sprintf(verb, &k), fmt.Sprintf(verb, []Key{k}))
	}
	return texts
}

// assertKeyNeverPrints prints k every way a user may and fails if its key shows where the
// same key holding fuzzOtherKey instead shows nothing of it.
func assertKeyNeverPrints(t *testing.T, k Key) {
	t.Helper()
	key := k.EncryptionKey
	if len(key) < 4 || !utf8.ValidString(key) || strings.Contains(fuzzOtherKey, key) {
		return
	}
	other := k
	other.EncryptionKey = fuzzOtherKey
	other.Raw = json.RawMessage(strings.ReplaceAll(string(k.Raw), key, fuzzOtherKey))
	var otherTexts []string // printed only when needed: most keys never show
	for i, text := range printKey(t, k) {
		for _, form := range keyForms(key) {
			if !strings.Contains(text, form) {
				continue
			}
			if otherTexts == nil {
				otherTexts = printKey(t, other)
			}
			if !strings.Contains(otherTexts[i], form) {
				t.Fatalf("the key %q prints as %q in %s", key, form, text)
			}
		}
	}
}

// sameLengthOtherKey is a key of key's length in characters made of a character key lacks.
func sameLengthOtherKey(key string) string {
	c := "§"
	if strings.Contains(key, c) {
		c = "¤"
	}
	return strings.Repeat(c, utf8.RuneCountInString(key))
}

// FuzzKeyFormat builds keys and requests around any key and checks that it never prints, and
// that Validate's verdict and error depend on the key's length alone, never on its text
// (except a phone number's digits, which decide whether it is one).
func FuzzKeyFormat(f *testing.F) {
	for _, seed := range []struct {
		key    string
		format string
	}{
		{"Guest-Pass-2025", "encryptionKey"}, {"+46701234567", "phoneNumber"}, {"Sh0rt-k", "encryptionKey"},
		{"1234567", "phoneNumber"}, {"pass\"word\\x", "encryptionKey"}, {"clé-à-molette", "phoneNumber"}, {"", ""},
		{"000000", "000\xfa\x00\x0000000"},
	} {
		f.Add(seed.key, seed.format)
	}
	f.Fuzz(func(t *testing.T, key, format string) {
		if !utf8.ValidString(key) {
			return
		}
		req := KeyRequest{EncryptionKey: key, KeyFormat: KeyFormat(format), Enabled: true}
		err := req.Validate()
		if err == nil && KeyFormat(format) == KeyFormatPhoneNumber && !phoneNumber(key) {
			t.Fatalf("phone number %q accepted", key)
		}
		if err != nil && !(KeyFormat(format) == KeyFormatPhoneNumber && phoneNumber(key)) {
			otherErr := KeyRequest{EncryptionKey: sameLengthOtherKey(key), KeyFormat: KeyFormat(format), Enabled: true}.Validate()
			if otherErr == nil || otherErr.Error() != err.Error() {
				t.Fatalf("the error of key %q depends on its text: %v, against %v", key, err, otherErr)
			}
		}
		raw, _ := json.Marshal(map[string]any{"id": 1, "encryptionKey": key, "accessZone": "guests", "format": format, "enable": true})
		var k Key
		if err := json.Unmarshal(raw, &k); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		if k.EncryptionKey != key {
			t.Fatalf("decoded key %q, want %q", k.EncryptionKey, key)
		}
		assertKeyNeverPrints(t, k)
		if len(key) >= 4 && !strings.Contains(fuzzOtherKey, key) {
			otherReq := req
			otherReq.EncryptionKey = fuzzOtherKey
			for _, verb := range []string{"%v", "%#v", "%+v", "%d", "%x", "%q"} {
				text, otherText := fmt.Sprintf(verb, req), fmt.Sprintf(verb, otherReq)
				data, _ := json.Marshal(req)
				otherData, _ := json.Marshal(otherReq)
				for i, pair := range [][2]string{{text, otherText}, {string(data), string(otherData)}} {
					for _, form := range keyForms(key) {
						if strings.Contains(pair[0], form) && !strings.Contains(pair[1], form) {
							t.Fatalf("the request prints its key %q (%s, output %d): %s", key, verb, i, pair[0])
						}
					}
				}
			}
		}
	})
}

// FuzzDecodeAccessZones decodes zones as AccessZones reads them (from a wifiNetwork) and as
// the zone writes do (an array, or, for an update, anything).
func FuzzDecodeAccessZones(f *testing.F) {
	addFixtureSeeds(f, "keys_wifi_network.json", "zones_list.json")
	addJSONSeeds(f,
		`[{"id":4,"accessibleDevices":[{"mac":1},{"id":"x"},[],"m",null]}]`, `[{"accessibleDevices":{}}]`,
		`{"wifiNetwork":{"accessZones":[{"id":1,"type":"home"}]}}`, `{"accessZones":"x"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		list, ok := checkDecoder(t, data, decodeZoneList, func(l []AccessZone) []json.RawMessage { return rawsOf(l, zoneRaw) })
		if ok && list == nil {
			t.Fatal("decodeZoneList returned nil without an error")
		}
		_, _ = checkDecoder(t, data, func(b json.RawMessage) ([]AccessZone, error) {
			var n networkZones
			err := n.decodeBody(b)
			return n, err
		}, func(l []AccessZone) []json.RawMessage { return rawsOf(l, zoneRaw) })
		update, uok := checkDecoder(t, data, func(b json.RawMessage) (zoneUpdate, error) {
			var u zoneUpdate
			err := u.decodeBody(b)
			return u, err
		}, func(u zoneUpdate) []json.RawMessage { return rawsOf(u.zones, zoneRaw) })
		if trimmed := bytes.TrimSpace(data); json.Valid(data) && trimmed[0] != '[' && !uok {
			t.Fatalf("an update answer %q that is not a list failed", data)
		}
		if json.Valid(data) && bytes.TrimSpace(data)[0] == '[' && uok != ok {
			t.Fatalf("a list %q: the update decoded %v, the create %v", data, uok, ok)
		}
		if update.listed && ok && len(update.zones) != len(list) {
			t.Fatalf("the update read %d zones, the create %d", len(update.zones), len(list))
		}
	})
}
