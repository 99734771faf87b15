package plume

// persons_fuzz_test.go: the fuzz target of the person answers (persons.go). Shared fuzz
// helpers are in fuzz_helpers_test.go.

import (
	"encoding/json"
	"testing"
)

func personRaw(p *Person) json.RawMessage { return p.Raw }

// FuzzDecodePersons decodes a Person (Create) and a list of persons (List).
func FuzzDecodePersons(f *testing.F) {
	addFixtureSeeds(f, "person.json", "persons.json")
	addJSONSeeds(f, `[{"id":"a","assignedDevices":[{"mac":"m"},3,null,"n",{"id":2}]}]`, `{"assignedDevices":"x"}`, `[{"homeAwayNotification":"yes"}]`)
	f.Fuzz(func(t *testing.T, data []byte) {
		person, ok := checkDecoder(t, data, unmarshalAs[Person], func(p Person) []json.RawMessage { return []json.RawMessage{p.Raw} })
		if ok {
			checkWholeRaw(t, data, person.Raw)
		}
		list, lok := checkDecoder(t, data, decodePersons, func(l []Person) []json.RawMessage { return rawsOf(l, personRaw) })
		if lok && list == nil {
			t.Fatal("decodePersons returned nil without an error")
		}
		if lok && !json.Valid(data) {
			t.Fatalf("decodePersons accepted invalid JSON %q", data)
		}
	})
}
