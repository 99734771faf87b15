package plume

// nodes_fuzz_test.go: the fuzz targets of the node answers (nodes.go), Claim's included.
// Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
)

// nodeRaw is the Raw of a node, for rawsOf.
func nodeRaw(n *Node) json.RawMessage { return n.Raw }

// claimedRaw is the Raw of a claimed node, for rawsOf.
func claimedRaw(n *ClaimedNode) json.RawMessage {
	return n.Raw
}

// FuzzDecodeNodes decodes a Node (Get, Rename) and a node list in its three shapes.
func FuzzDecodeNodes(f *testing.F) {
	addJSONSeeds(f,
		`{"nodes":[{"id":"GW1"}]}`,
		`{"nodes":{"nodes":[{"id":"GW1"}]}}`,
		`{"nodes":{"nodes":{"nodes":[]}}}`,
		`{"nodes":{"nodes":{"nodes":{"nodes":[]}}}}`,
		`{"nodes":null}`,
		`{"nodes":"GW1"}`,
		`[{"id":"GW1","connectionState":"connected"}]`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		node, ok := checkDecoder(t, data, unmarshalAs[Node], func(n Node) []json.RawMessage { return []json.RawMessage{n.Raw} })
		if ok {
			checkWholeRaw(t, data, node.Raw)
		}
		list, lok := checkDecoder(t, data, decodeNodeList, func(l []Node) []json.RawMessage { return rawsOf(l, nodeRaw) })
		if lok && list == nil {
			t.Fatal("decodeNodeList returned a nil slice without an error")
		}
	})
}

// FuzzClaimResponse answers Nodes.Claim with a fuzzed status and body: the claim is decoded
// inside Claim, so the call goes through the pipeline over an in-memory transport.
func FuzzClaimResponse(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `{"claimed":[{"id":"GW1","serialNumber":"GW1","residentialGateway":true}]}`},
		{200, `{"claimed":[]}`}, {200, `{"claimed":null}`}, {200, `{}`}, {200, ``}, {200, `[]`},
		{200, `{"claimed":{}}`}, {200, `{"claimed":[null,{}]}`}, {201, `{"claimed":[{"id":"P1"}]}`},
		{204, ``}, {409, `{"error":{"statusCode":409,"message":"owned elsewhere"}}`},
		{422, `{"error":{"message":"quota"}}`}, {503, `<html>unavailable</html>`},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	c := newFuzzClient(f)
	claim := func(status int, body []byte) (*ClaimResult, error) {
		ctx := fuzzCall(&fuzzReply{status: status, body: bytes.Clone(body)})
		return c.Nodes.Claim(ctx, "c1", "l1", ClaimRequest{SerialNumber: "GW1"})
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = fuzzStatus(status)
		if status == http.StatusNoContent {
			body = nil // net/http hands a 204 over without its body
		}
		first, err1 := claim(status, body)
		second, err2 := claim(status, body)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("claiming twice: %v, then %v", err1, err2)
		}
		if err1 != nil {
			var apiErr *Error
			var rateErr *RateLimitError
			isAPIError := errors.As(err1, &apiErr) || errors.As(err1, &rateErr)
			if inRange := status >= 200 && status < 300; isAPIError == inRange {
				t.Fatalf("HTTP %d: got %T: %v", status, err1, err1) // a 2xx fails only to decode
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("HTTP %d accepted as a claim: %+v", status, first)
		}
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("decoding is not deterministic:\n%#v\n%#v", first, second)
		}
		if want := status == http.StatusNoContent || len(first.Claimed) == 0; first.AlreadyClaimed != want {
			t.Fatalf("HTTP %d with %d claimed: AlreadyClaimed = %t", status, len(first.Claimed), first.AlreadyClaimed)
		}
		for _, raw := range rawsOf(first.Claimed, claimedRaw) {
			if len(raw) > 0 && !json.Valid(raw) {
				t.Fatalf("Raw is not valid JSON: %q", raw)
			}
		}
	})
}

// FuzzDecodeNodeLookup decodes a Partners/nodes answer.
func FuzzDecodeNodeLookup(f *testing.F) {
	addJSONSeeds(f, `{"customerId":"c1","locationId":"l1"}`, `{"customerId":"c1","locationId":""}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		lookup, ok := checkDecoder(t, data, unmarshalAs[NodeLookup], nil)
		if ok && lookup.Claimed() != (lookup.CustomerID != "" && lookup.LocationID != "") {
			t.Fatalf("Claimed() = %t for %+v", lookup.Claimed(), lookup)
		}
	})
}
