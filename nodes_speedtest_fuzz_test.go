package plume

// nodes_speedtest_fuzz_test.go: the fuzz targets of the speed test answers (nodes_speedtest.go)
// and of the lenient decoders they share with the firmware answers (nodes_actions.go). Shared
// fuzz helpers are in fuzz_helpers_test.go.

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// speedRaw is the Raw of a speed test result, for rawsOf.
func speedRaw(r *SpeedTestResult) json.RawMessage { return r.Raw }

// FuzzDecodeSpeedTest decodes a SpeedTestResult (SpeedTestResult, the dashboard), a result
// list in its shapes (SpeedTestResults) and a start answer (StartSpeedTest): none may panic,
// a decoded result keeps the whole object, a list is never nil, and a start answer's id is
// trimmed text.
func FuzzDecodeSpeedTest(f *testing.F) {
	addJSONSeeds(f,
		`{"requestId":"a","status":"completed","download":480.5,"upload":40,"latency":14,"startedAt":"2026-12-04T13:00:00.000Z","endedAt":"2026-12-04T13:00:30.000Z"}`,
		`{"requestId":null,"download":null,"upload":"12.5","latency":1e308,"serverId":-2147483649,"startedAt":1764853200000}`,
		`{"id":7,"status":["x"],"latency":"-9e18","endedAt":"-1"}`,
		`[{"requestId":"a"},1,null,{"requestId":"b"}]`,
		`{"speedTestResults":[{"requestId":"a"}]}`, `{"results":{"x":1}}`, `{"results":[1]}`,
		`{"requestId":"  padded  "}`, `"abc"`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ok := checkDecoder(t, data, unmarshalAs[SpeedTestResult], func(r SpeedTestResult) []json.RawMessage { return []json.RawMessage{r.Raw} })
		if ok {
			checkWholeRaw(t, data, r.Raw)
			r.finished()
		}
		list, lok := checkDecoder(t, data, func(b json.RawMessage) ([]SpeedTestResult, error) { return decodeSpeedTestList(b) },
			func(l []SpeedTestResult) []json.RawMessage { return rawsOf(l, speedRaw) })
		if lok && list == nil {
			t.Fatal("decodeSpeedTestList returned a nil slice without an error")
		}
		if lok {
			for _, r := range list {
				if raw := bytes.TrimSpace(r.Raw); len(raw) == 0 || raw[0] != '{' {
					t.Fatalf("a listed result that is not an object: %q", raw)
				}
			}
		}
		if id := startAnswer(data); id != strings.TrimSpace(id) {
			t.Fatalf("startAnswer = %q, not trimmed", id)
		}
	})
}

// FuzzSpeedTestInputs checks the speed test inputs: Validate never panics, and a valid query
// encodes only what it holds.
func FuzzSpeedTestInputs(f *testing.F) {
	f.Add("days", 0, 0, "", "")
	f.Add("weeks", -1, -5, "wifi", "mine")
	f.Add("minutes", 30, 4711, "ethernet", "")
	f.Fuzz(func(t *testing.T, granularity string, limit, serverID int, uplink, requestID string) {
		q := SpeedTestQuery{Granularity: granularity, Limit: limit}
		if q.Validate() == nil {
			v := q.values()
			if (v.Get("granularity") != "") != (granularity != "") || (v.Get("limit") != "") != (limit > 0) {
				t.Fatalf("query %+v encoded as %q", q, v.Encode())
			}
		}
		req := SpeedTestRequest{ServerID: serverID, UplinkType: uplink, RequestID: requestID}
		if err := req.Validate(); (err == nil) != (serverID >= 0) {
			t.Fatalf("Validate(%+v) = %v", req, err)
		}
		if _, err := json.Marshal(req.body()); err != nil {
			t.Fatal(err)
		}
		opts := RebootOptions{Delay: limit}
		if err := opts.Validate(); (err == nil) != (limit >= 0 && limit <= MaxRebootDelay) {
			t.Fatalf("RebootOptions{%d}.Validate() = %v", limit, err)
		}
	})
}
