package plume

// locations_health_fuzz_test.go: the fuzz targets of the monitoring answers
// (locations_health.go, locations_alerts.go, locations_optimizer.go) and of the Health report
// built from them. Shared fuzz helpers are in fuzz_helpers_test.go; the fixtures of
// testdata/ are seeds in testdata/fuzz/<Target>/.

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// nodeStatusRaw is the Raw of a node status, for rawsOf.
func nodeStatusRaw(n *NodeStatus) json.RawMessage { return n.Raw }

// alertRaw is the Raw of an alert entry, for rawsOf.
func alertRaw(a *Alert) json.RawMessage { return a.Raw }

// decodeSummaryAnswer decodes a body as Topology and Summary do in the pipeline.
func decodeSummaryAnswer(data json.RawMessage) (summaryAnswer, error) {
	var a summaryAnswer
	err := a.decodeBody(data)
	return a, err
}

// FuzzDecodeTopology decodes a topology or summary answer: the same text through the
// pipeline's decoder and through json.Unmarshal must agree, every Raw must be valid JSON,
// and a report built from it must not panic.
func FuzzDecodeTopology(f *testing.F) {
	addJSONSeeds(f,
		`{"topology":[{"id":"GW1","leafToRoot":[]},{"id":"P1","leafToRoot":[{"id":"GW1"}]}]}`,
		`{"topology":[{"id":"P1","leafToRoot":[{"id":"P2"},"GW1",null,7,{}]}],"timestamp":1796398200000}`,
		`{"topology":null,"gatewayConnectionState":"disconnected"}`,
		`{"topology":[{"id":1,"channel":6,"connectedDeviceCount":"3","connectionStateChangeAt":5}]}`,
		`{"topology":[{"5gChannel":{}}]}`,
		`{"topology":[],"monitorMode":{"enable":"true"},"wifiNetworkProvisioned":"false"}`,
		`{"topology":[null]}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		answer, ok := checkDecoder(t, data, decodeSummaryAnswer, func(a summaryAnswer) []json.RawMessage {
			return append(rawsOf(a.Nodes, nodeStatusRaw), a.Raw)
		})
		sum, uok := checkDecoder(t, data, unmarshalAs[Summary], nil)
		topo, tok := checkDecoder(t, data, unmarshalAs[Topology], nil)
		if ok != uok || ok != tok {
			t.Fatalf("the pipeline's decoder says %v, Summary.UnmarshalJSON %v, Topology.UnmarshalJSON %v", ok, uok, tok)
		}
		if !ok {
			return
		}
		if answer.Nodes == nil {
			t.Fatal("a decoded topology with nil Nodes")
		}
		checkWholeRaw(t, data, answer.Raw)
		if !reflect.DeepEqual(answer.Summary, sum) || !reflect.DeepEqual(answer.Topology, topo) {
			t.Fatalf("decoders disagree:\n%#v\n%#v\n%#v", answer.Summary, sum, topo)
		}
		if g := answer.Gateway(); g != nil && answer.node(g.ID) == nil {
			t.Fatalf("gateway %q is not one of the nodes", g.ID)
		}
		parts := healthParts{summary: &answer.Summary}
		if r := parts.report("c", "l", time.Unix(0, 0)); r.Problems == nil {
			t.Fatal("a report with nil Problems")
		}
	})
}

// FuzzDecodeAlerts decodes an alerts answer and checks the lists are never nil, each entry's
// Types and Details agree, and every Raw is valid JSON.
func FuzzDecodeAlerts(f *testing.F) {
	addJSONSeeds(f,
		`{"nodes":[{"id":"P1","alerts":[{"type":"poorHealth","state":"active","updatedAt":"2026-12-04T14:05:00Z"}]}],"devices":[]}`,
		`{"nodes":{"nodeId":"P1","alerts":["poorHealth"]}}`,
		`{"nodes":[{"mac":"aa:bb:cc:dd:ee:ff","alerts":[1,true,null]}],"devices":null}`,
		`{"nodes":[{"alerts":[[]]}]}`,
		`{"nodes":"x"}`,
		`{"devices":[{"id":{"x":1}}]}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		alerts, ok := checkDecoder(t, data, unmarshalAs[Alerts], func(a Alerts) []json.RawMessage {
			return append(append(rawsOf(a.Nodes, alertRaw), rawsOf(a.Devices, alertRaw)...), a.Raw)
		})
		if !ok {
			return
		}
		checkWholeRaw(t, data, alerts.Raw)
		if alerts.Nodes == nil || alerts.Devices == nil {
			t.Fatal("decoded alerts with a nil list")
		}
		for _, a := range append(append([]Alert(nil), alerts.Nodes...), alerts.Devices...) {
			if len(a.Types) != len(a.Details) || len(a.OpenTypes()) > len(a.Types) {
				t.Fatalf("Types, Details and OpenTypes disagree: %#v", a)
			}
		}
		alertProblems(&alerts, nil)
	})
}

// FuzzDecodeDashboard decodes a dashboard answer.
func FuzzDecodeDashboard(f *testing.F) {
	addJSONSeeds(f,
		`{"speedTest":null,"mostActiveDevices":[]}`,
		`{"speedTest":{},"mostActiveDevices":null}`,
		`{"speedTest":{"download":"12.5","upload":null,"latency":"x","status":"completed"}}`,
		`{"speedTest":"none"}`,
		`{"mostActiveDevices":[{"mac":"aa:bb:cc:dd:ee:ff","channel":"6"},null]}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		dash, ok := checkDecoder(t, data, unmarshalAs[Dashboard], func(d Dashboard) []json.RawMessage {
			raws := append(rawsOf(d.MostActiveDevices, func(d *Device) json.RawMessage { return d.Raw }), d.Raw)
			if d.SpeedTest != nil {
				raws = append(raws, d.SpeedTest.Raw)
			}
			return raws
		})
		if !ok {
			return
		}
		checkWholeRaw(t, data, dash.Raw)
		if dash.MostActiveDevices == nil {
			t.Fatal("a decoded dashboard with nil MostActiveDevices")
		}
		if dash.SpeedTest != nil {
			speedProblems(dash.SpeedTest)
		}
	})
}

// FuzzDecodeOptimizerSettings decodes an optimizations object and the optimize answer.
func FuzzDecodeOptimizerSettings(f *testing.F) {
	addJSONSeeds(f,
		`{"auto":"true","enable":true,"dfsMode":"usDfs","maxBandwidth":{"maxBandwidth5g":"CHANNEL_BANDWIDTH_80MHZ"}}`,
		`{"auto":{"enable":true},"maxBandwidth":null,"updatedAt":null}`,
		`"6570a1b2c3d4e5f60718293b"`, `{"requestId":7}`, `"unterminated`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		settings, ok := checkDecoder(t, data, unmarshalAs[OptimizerSettings], func(s OptimizerSettings) []json.RawMessage { return []json.RawMessage{s.Raw} })
		if ok {
			checkWholeRaw(t, data, settings.Raw)
		}
		_, idOK := checkDecoder(t, data, func(d json.RawMessage) (optimizeAnswer, error) {
			var a optimizeAnswer
			return a, a.decodeBody(d)
		}, nil)
		if idOK && !json.Valid(data) {
			t.Fatalf("optimizeAnswer accepted invalid JSON %q", data)
		}
	})
}
