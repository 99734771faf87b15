package plume

// locations_support_fuzz_test.go: the fuzz targets of the location support answers
// (locations_support.go): firmware status and task statuses. Shared fuzz helpers are in
// fuzz_helpers_test.go.

import (
	"encoding/json"
	"testing"
)

// firmwareRaw is the Raw of a node's firmware status, for rawsOf.
func firmwareRaw(n *NodeFirmware) json.RawMessage { return n.Raw }

// FuzzDecodeFirmwareStatus decodes a firmware answer (FirmwareStatus, RequestFirmwareUpgrade)
// and a task statuses answer: none may panic, a decoded answer keeps the whole body in Raw, its
// Nodes are never nil and one per element of an array.
func FuzzDecodeFirmwareStatus(f *testing.F) {
	addJSONSeeds(f,
		`[{"nodeId":"GW1","firmwareVersion":"1.0.0","targetVersion":"1.1.0","status":"requested","updatedAt":"2026-12-04T13:00:00.000Z"}]`,
		`[{"nodeId":5,"status":{"a":1},"updatedAt":"soon"},null,"x",[1]]`,
		`{"nodeId":"GW1","status":"idle"}`, `[{}]`, `"queued"`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, ok := checkDecoder(t, data, func(b json.RawMessage) (FirmwareStatus, error) {
			var fw FirmwareStatus
			err := fw.decodeBody(b)
			return fw, err
		}, func(fw FirmwareStatus) []json.RawMessage { return append(rawsOf(fw.Nodes, firmwareRaw), fw.Raw) })
		if ok {
			checkWholeRaw(t, data, fw.Raw)
			if fw.Nodes == nil {
				t.Fatal("Nodes is nil")
			}
			var arr []json.RawMessage
			if json.Unmarshal(data, &arr) == nil && arr != nil && len(arr) != len(fw.Nodes) {
				t.Fatalf("%d items for an array of %d", len(fw.Nodes), len(arr))
			}
		}
		raw, rok := checkDecoder(t, data, func(b json.RawMessage) (optionalRaw, error) {
			var r optionalRaw
			err := r.decodeBody(b)
			return r, err
		}, func(r optionalRaw) []json.RawMessage { return []json.RawMessage{json.RawMessage(r)} })
		if rok {
			checkWholeRaw(t, data, json.RawMessage(raw))
		}
	})
}
