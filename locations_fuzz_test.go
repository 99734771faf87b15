package plume

// locations_fuzz_test.go: the fuzz targets of the location answers (locations.go,
// locations_settings.go, locations_wan.go). Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// locationRaw is the Raw of a location, for rawsOf.
func locationRaw(l *Location) json.RawMessage { return l.Raw }

// FuzzDecodeLocation decodes a Location (Get, Create, Update) and a location list (List:
// an array or a single object).
func FuzzDecodeLocation(f *testing.F) {
	addJSONSeeds(f,
		`{"id":"l1","serviceLevel":{"status":"noService"},"monitorMode":{"enable":true},"authorizations":{"numPodsAuthorized":1e300}}`,
		`{"id":"l1","authorizations":{"numPodsAuthorized":-1.5}}`,
		`{"id":"l1","monitorMode":null,"serviceLevel":null}`,
		`[{"id":"l1"},{"id":"l2","profile":"smallbusiness"}]`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		loc, ok := checkDecoder(t, data, unmarshalAs[Location], func(l Location) []json.RawMessage { return []json.RawMessage{l.Raw} })
		if ok {
			checkWholeRaw(t, data, loc.Raw)
		}
		list, lok := checkDecoder(t, data, decodeLocationList, func(l []Location) []json.RawMessage { return rawsOf(l, locationRaw) })
		if lok && list == nil {
			t.Fatal("decodeLocationList returned a nil slice without an error")
		}
		if ok && lok && len(list) == 1 && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) && !reflect.DeepEqual(list[0], loc) {
			t.Fatalf("a single object decodes differently as a list:\n%#v\n%#v", list[0], loc)
		}
	})
}

// FuzzDecodeLocationMatch decodes a FindByServiceID answer.
func FuzzDecodeLocationMatch(f *testing.F) {
	addJSONSeeds(f,
		`{"id":"l1","customer":{"id":"c1","name":"Ada","accountId":"A-1"}}`,
		`[{"id":""},{"id":"l2"}]`,
		`{"id":"l1","customer":null,"customerId":"c0"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		match, ok := checkDecoder(t, data, decodeLocationMatch, nil)
		if ok && match != nil && match.ID == "" {
			t.Fatalf("a match without an id: %#v", match)
		}
	})
}

// FuzzDecodeServiceLevel decodes a serviceLevel answer.
func FuzzDecodeServiceLevel(f *testing.F) {
	addJSONSeeds(f, `{"status":"fullService","updatedAt":"2023-06-01T00:00:00Z"}`, `{"status":1}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecoder(t, data, unmarshalAs[ServiceLevel], nil)
	})
}

// FuzzDecodeCheckpoint decodes an onboardingCheckpoint answer: one wrapper, two, or none.
func FuzzDecodeCheckpoint(f *testing.F) {
	addJSONSeeds(f,
		`{"checkpoint":{"value":"PodsAdded"}}`,
		`{"checkpoint":{"checkpoint":{"checkpoint":{"value":"PodsAdded"}}}}`,
		`{"checkpoint":"PodsAdded"}`,
		`{"value":"OnboardingComplete","timestamp":"2023-03-27T15:02:11.500Z"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		cp, ok := checkDecoder(t, data, decodeCheckpoint, nil)
		if ok && cp == nil {
			t.Fatal("decodeCheckpoint returned nil without an error")
		}
	})
}

// FuzzDecodeWANConfiguration decodes a wanConfiguration answer and a bare staticIPv4 object.
func FuzzDecodeWANConfiguration(f *testing.F) {
	addJSONSeeds(f,
		`{"staticIPv4":{"enabled":true,"ip":"10.0.0.2"}}`,
		`{"staticIPv4":{"enabled":"false"}}`,
		`{"staticIPv4":{"enabled":"yes"}}`,
		`{"staticIPv4":{"enabled":"\"true\""}}`,
		`{"staticIPv4":null,"pppoe":{"password":"x"}}`,
		`{"enabled":1}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		wan, ok := checkDecoder(t, data, unmarshalAs[WANConfiguration], func(w WANConfiguration) []json.RawMessage { return []json.RawMessage{w.Raw} })
		if ok {
			checkWholeRaw(t, data, wan.Raw)
		}
		checkDecoder(t, data, unmarshalAs[StaticIPv4], nil)
	})
}
