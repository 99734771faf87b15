package plume

// locations_admin_fuzz_test.go: the fuzz target of the location administration answers
// (locations_admin.go): the pod quota, the location-wide freeze and the raw audit trail.
// Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecodeLocationAdmin decodes the input as every answer of locations_admin.go.
func FuzzDecodeLocationAdmin(f *testing.F) {
	addFixtureSeeds(f, "podquota.json", "freeze_location.json", "freeze_location_none.json", "audit_trail.json")
	addJSONSeeds(f, `{"numPodsAuthorized":"32"}`, `{"numPodsAuthorized":1e400}`, `{"numPodsAuthorized":null}`,
		`{"expiresAt":1740862800000,"includedDeviceMacs":[{"mac":"m"}],"includedPersonIds":"x"}`, `{"expiresAt":{}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)
		q, ok := checkDecoder(t, data, func(b json.RawMessage) (podQuotaAnswer, error) {
			var a podQuotaAnswer
			err := a.decodeBody(b)
			return a, err
		}, func(a podQuotaAnswer) []json.RawMessage { return []json.RawMessage{a.quota.Raw} })
		if ok && !valid {
			t.Fatalf("the pod quota accepted invalid JSON %q", data)
		}
		if ok && !q.has && q.quota.NumPodsAuthorized != 0 {
			t.Fatal("a count without numPodsAuthorized")
		}
		fr, ok := checkDecoder(t, data, func(b json.RawMessage) (locationFreezeAnswer, error) {
			var a locationFreezeAnswer
			err := a.decodeBody(b)
			return a, err
		}, func(a locationFreezeAnswer) []json.RawMessage { return []json.RawMessage{a.freeze.Raw} })
		if ok != valid {
			t.Fatalf("the location freeze of %q: decoded %v, valid JSON %v", data, ok, valid)
		}
		if ok {
			checkWholeRaw(t, data, fr.freeze.Raw)
		}
		raw, ok := checkDecoder(t, data, func(b json.RawMessage) (rawAnswer, error) {
			var a rawAnswer
			err := a.decodeBody(b)
			return a, err
		}, nil)
		if ok != valid {
			t.Fatalf("the audit trail of %q: decoded %v, valid JSON %v", data, ok, valid)
		}
		if ok && !bytes.Equal(raw, bytes.TrimSpace(data)) {
			t.Fatalf("audit trail %q, want %q", raw, bytes.TrimSpace(data))
		}
	})
}
