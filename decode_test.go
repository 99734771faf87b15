package plume

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// The pipeline decodes answers through decodeBody, decodeRawList and internal/jsonraw
// (decode.go) instead of json.Unmarshal through the UnmarshalJSON methods. These tests check
// that both roads give the same values, Raw included, for every text encoding/json accepts.

// viaBody decodes data as the pipeline does: through decodeAnswer.
func viaBody[T any](data json.RawMessage) (T, error) {
	var v T
	err := decodeAnswer(data, &v)
	return v, err
}

// sameDecoding fails t when the two decodings of data differ in success or value.
func sameDecoding[T any](t *testing.T, data []byte, fast, reference func(json.RawMessage) (T, error)) {
	t.Helper()
	got, err1 := fast(bytes.Clone(data))
	want, err2 := reference(bytes.Clone(data))
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("%q: fast decoding err %v, reference err %v", data, err1, err2)
	}
	if err1 == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: fast decoding\n%#v\nreference\n%#v", data, got, want)
	}
}

// referenceNodeList is decodeNodeList as it was written with encoding/json alone.
func referenceNodeList(body json.RawMessage) ([]Node, error) {
	for range 3 {
		body = bytes.TrimSpace(body)
		switch {
		case len(body) == 0 || bytes.Equal(body, []byte("null")):
			return []Node{}, nil
		case body[0] == '[':
			nodes := []Node{}
			err := json.Unmarshal(body, &nodes)
			return nodes, err
		case body[0] != '{':
			return nil, errNodeListShape
		}
		var wrapper struct {
			Nodes json.RawMessage `json:"nodes"`
		}
		if err := json.Unmarshal(body, &wrapper); err != nil {
			return nil, err
		}
		body = wrapper.Nodes
	}
	return nil, errNodeListShape
}

// referenceWifiNetwork is decodeWifiNetwork as it was written with encoding/json alone.
func referenceWifiNetwork(body json.RawMessage) (*WifiNetwork, error) {
	var network WifiNetwork
	body = bytes.TrimSpace(body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return &network, nil
	}
	var wrapper struct {
		WifiNetwork json.RawMessage `json:"wifiNetwork"`
	}
	if err := json.Unmarshal(body, &wrapper); err != nil {
		return nil, err
	}
	if inner := bytes.TrimSpace(wrapper.WifiNetwork); len(inner) > 0 && inner[0] == '{' {
		body = inner
	}
	if err := json.Unmarshal(body, &network); err != nil {
		return nil, err
	}
	return &network, nil
}

// referenceClaim decodes a claim answer through ClaimedNode.UnmarshalJSON.
func referenceClaim(body json.RawMessage) (claimAnswer, error) {
	var v struct {
		Claimed []ClaimedNode `json:"claimed"`
	}
	err := json.Unmarshal(body, &v)
	return claimAnswer{Claimed: v.Claimed}, err
}

// FuzzFastDecodingMatchesEncodingJSON compares, on one text, every answer type the pipeline
// decodes its own way with encoding/json's decoding of it. The list and WiFi decoders are
// given valid JSON only, as the pipeline gives them.
func FuzzFastDecodingMatchesEncodingJSON(f *testing.F) {
	addJSONSeeds(f,
		`{"id":"c1","accountId":"A-1","emailVerified":true,"createdAt":"2023-03-27T14:41:58.312Z","locationId":"l1"}`,
		`{"id":"l1","monitorMode":{"enable":true},"authorizations":{"numPodsAuthorized":3}}`,
		`[{"id":"l1"}, {"id":"l2","serviceLevel":{"status":"noService"}} ,null]`,
		`{"claimed":[{"id":"GW1","serialNumber":"GW1","residentialGateway":true}, {"id":"P1"}]}`,
		`{"Claimed":[{"id":"a"}],"claimed":[{"id":"b"},{"id":"c"}]}`, `{"claimed":[{"id":"a"}],"CLAIMED":[{"id":"b"}]}`,
		`{"claim\u0065d":[{"id":"a"}]}`, `{"claimed":[null,{}]}`, `{"claimed":null}`,
		`{"nodes":[{"id":"GW1"}]}`, `{"nodes":{"nodes":[{"id":"GW1","nickname":"x"}]}}`,
		`{"NODES":[{"id":"a"}],"nodes":[]}`,
		`{"wifiNetwork":{"id":"w1","ssid":"Home","encryptionKey":"k"}}`,
		`{"WifiNetwork":{"ssid":"A"},"wifiNetwork":"x","ssid":"B"}`,
		`{"wifiNetwork":null,"ssid":"Bare"}`,
		`{"staticIPv4":{"enabled":"true","ip":"10.0.0.2"}}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecoding(t, data, viaBody[Customer], unmarshalAs[Customer])
		sameDecoding(t, data, viaBody[RegisteredCustomer], unmarshalAs[RegisteredCustomer])
		sameDecoding(t, data, viaBody[Location], unmarshalAs[Location])
		sameDecoding(t, data, viaBody[Node], unmarshalAs[Node])
		sameDecoding(t, data, viaBody[WANConfiguration], unmarshalAs[WANConfiguration])
		sameDecoding(t, data, viaBody[claimAnswer], referenceClaim)
		if !json.Valid(data) {
			return
		}
		sameDecoding(t, data, decodeNodeList, referenceNodeList)
		sameDecoding(t, data, decodeWifiNetwork, referenceWifiNetwork)
		sameDecoding(t, data, decodeLocationList, func(body json.RawMessage) ([]Location, error) {
			return decodeOneOrMany(body, func(l *Location) bool { return l.ID != "" })
		})
	})
}

// TestRawsDoNotShareCapacity checks that appending to one element's Raw, when the Raws of a
// list share one allocation, leaves the next element's Raw alone.
func TestRawsDoNotShareCapacity(t *testing.T) {
	t.Parallel()
	nodes, err := decodeNodeList(json.RawMessage(`[{"id":"a"},{"id":"b"}]`))
	if err != nil {
		t.Fatal(err)
	}
	_ = append(nodes[0].Raw, "XXXXXXXX"...)
	if string(nodes[1].Raw) != `{"id":"b"}` {
		t.Fatalf("the second Raw changed: %s", nodes[1].Raw)
	}
}
