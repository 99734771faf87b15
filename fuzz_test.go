package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go/internal/retry"
)

// The fuzz targets of the root package. `go test .` runs their seeds (f.Add and
// testdata/fuzz/FuzzXxx); `make fuzz` runs each with -fuzz. Every target keeps its per-input
// work to a few decodes or one in-memory call.

// Secrets the fuzzed pipeline knows; none may come out of an error.
const (
	fuzzToken        = "fz-bearer-eyJhbGciOiJSUzI1NiJ9.cGF5bG9hZA.c2ln"
	fuzzWifiKey      = "Tr0ub4dor&3-wifi"
	fuzzClientID     = "fuzz-client"
	fuzzClientSecret = "cs-9f8e7d6c5b4a3921"
)

// fuzzSecrets are the values FuzzAPIError injects: bearer, WiFi key (a request secret),
// client secret, Basic header and its base64 payload.
var fuzzSecrets = []string{
	fuzzToken,
	fuzzWifiKey,
	fuzzClientSecret,
	basicHeader(fuzzClientID, fuzzClientSecret),
	strings.TrimPrefix(basicHeader(fuzzClientID, fuzzClientSecret), "Basic "),
}

// fuzzPlaceholders expand in a fuzzed body to the secret of the same index.
var fuzzPlaceholders = []string{"$T", "$K", "$S", "$B", "$P"}

// fuzzReplyKey carries a *fuzzReply in a request context to fuzzTransport.
type fuzzReplyKey struct{}

// fuzzReply is the canned answer of one call, and the URL the call was sent to.
type fuzzReply struct {
	status int
	header http.Header
	body   []byte
	sent   *url.URL
}

// fuzzTransport answers every request with the fuzzReply in its context, without a network.
type fuzzTransport struct{}

func (fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	reply, _ := req.Context().Value(fuzzReplyKey{}).(*fuzzReply)
	if reply == nil {
		return nil, errors.New("fuzzTransport: no reply in the context")
	}
	reply.sent = req.URL
	header := reply.header.Clone()
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{
		StatusCode:    reply.status,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(reply.body)),
		ContentLength: int64(len(reply.body)),
		Request:       req,
	}, nil
}

// fuzzCall returns a context whose requests fuzzTransport answers with reply.
func fuzzCall(reply *fuzzReply) context.Context {
	return context.WithValue(context.Background(), fuzzReplyKey{}, reply)
}

// newFuzzClient returns a client over fuzzTransport, without retries or rate limit, that
// knows the fuzz secrets: credentials (client secret, Basic header) and a bearer already
// taken from its token source.
func newFuzzClient(tb testing.TB) *Client {
	tb.Helper()
	c, err := NewClient(
		WithBaseURL(testBase),
		WithCredentials(Credentials{TokenURL: "https://sso.plume.test/v1/token", ClientID: fuzzClientID, ClientSecret: fuzzClientSecret, PartnerID: "partner-1"}),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fuzzToken})),
		WithHTTPClient(&http.Client{Transport: fuzzTransport{}}),
		WithRateLimit(math.Inf(1), 1),
		WithRetry(RetryPolicy{MaxRetries: 0}),
	)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := c.tokens.token(context.Background(), ""); err != nil {
		tb.Fatal(err)
	}
	return c
}

// fuzzStatus maps any int to an HTTP status from 100 to 599, keeping those already in range.
func fuzzStatus(status int) int {
	if status >= 100 && status <= 599 {
		return status
	}
	return 100 + int(uint(status)%500)
}

// unmarshalAs decodes data into a new T as the pipeline does for a plain response type.
func unmarshalAs[T any](data json.RawMessage) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}

// checkDecoder decodes data twice and checks that the outcomes agree and that every Raw the
// result carries is valid JSON or empty. It returns the decoded value and whether it decoded.
func checkDecoder[T any](t *testing.T, data []byte, decode func(json.RawMessage) (T, error), raws func(T) []json.RawMessage) (T, bool) {
	t.Helper()
	first, err1 := decode(bytes.Clone(data))
	second, err2 := decode(bytes.Clone(data))
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("decoding twice: %v, then %v", err1, err2)
	}
	if err1 != nil {
		return first, false
	}
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("decoding is not deterministic:\n%#v\n%#v", first, second)
	}
	if raws != nil {
		for _, raw := range raws(first) {
			if len(raw) > 0 && !json.Valid(raw) {
				t.Fatalf("Raw is not valid JSON: %q", raw)
			}
		}
	}
	return first, true
}

// checkWholeRaw checks that Raw is the object as received, for a top-level decode.
func checkWholeRaw(t *testing.T, data []byte, raw json.RawMessage) {
	t.Helper()
	if !bytes.Equal(raw, bytes.TrimSpace(data)) {
		t.Fatalf("Raw = %q, want the whole input %q", raw, bytes.TrimSpace(data))
	}
}

// rawsOf collects the Raw of each element of a list.
func rawsOf[T any](list []T, raw func(*T) json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(list))
	for i := range list {
		out = append(out, raw(&list[i]))
	}
	return out
}

func customerRaw(c *Customer) json.RawMessage { return c.Raw }
func locationRaw(l *Location) json.RawMessage { return l.Raw }
func nodeRaw(n *Node) json.RawMessage         { return n.Raw }
func claimedRaw(n *ClaimedNode) json.RawMessage {
	return n.Raw
}

// addJSONSeeds adds the shapes every decoder must survive.
func addJSONSeeds(f *testing.F, extra ...string) {
	for _, s := range append([]string{
		``, ` `, `null`, `{}`, `[]`, `[{}]`, `[null]`, `"text"`, `0`, `true`, `{`, `[`, `{"id":1}`,
		`{"id":"a","createdAt":"not a time"}`, `{"id":"a","createdAt":null}`, "\ufeff{}", `{"id":"a"} {}`,
	}, extra...) {
		f.Add([]byte(s))
	}
}

// FuzzDecodeCustomer decodes a Customer (Get, Update), a RegisteredCustomer (Register) and a
// customer list (List) from the same bytes.
func FuzzDecodeCustomer(f *testing.F) {
	addJSONSeeds(f,
		`{"id":"c1","accountId":"A-1","emailVerified":true,"createdAt":"2023-03-27T14:41:58.312Z","locationId":"l1"}`,
		`{"id":"c1","emailVerified":"yes"}`,
		`[{"id":"c1"},{"id":"c2","createdAt":"2023-03-27T14:41:58+02:00"}]`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		customer, ok := checkDecoder(t, data, unmarshalAs[Customer], func(c Customer) []json.RawMessage { return []json.RawMessage{c.Raw} })
		if ok {
			checkWholeRaw(t, data, customer.Raw)
		}
		registered, rok := checkDecoder(t, data, unmarshalAs[RegisteredCustomer], func(r RegisteredCustomer) []json.RawMessage { return []json.RawMessage{r.Raw} })
		if ok != rok {
			t.Fatalf("Customer decoded %t, RegisteredCustomer %t", ok, rok)
		}
		if ok && !reflect.DeepEqual(customer, registered.Customer) {
			t.Fatalf("RegisteredCustomer.Customer differs from Customer:\n%#v\n%#v", registered.Customer, customer)
		}
		checkDecoder(t, data, unmarshalAs[[]Customer], func(l []Customer) []json.RawMessage { return rawsOf(l, customerRaw) })
	})
}

// FuzzDecodeCustomerMatches decodes a Search answer: an array of matches or a single one.
func FuzzDecodeCustomerMatches(f *testing.F) {
	addJSONSeeds(f,
		`[{"id":"c1","accountId":"A-1","locations":[{"id":"l1"},"l2",null,{}]}]`,
		`{"id":"c1","locations":"l1"}`,
		`{"id":"c1","locations":[1]}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		matches, ok := checkDecoder(t, data, decodeMatches, nil)
		if ok && matches == nil {
			t.Fatal("decodeMatches returned a nil slice without an error")
		}
	})
}

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

// fuzzExpand replaces each placeholder of body by its secret, and inserts secrets[which]
// at byte at when which names one.
func fuzzExpand(body []byte, at uint16, which uint8) []byte {
	text := string(body)
	for i, p := range fuzzPlaceholders {
		text = strings.ReplaceAll(text, p, fuzzSecrets[i])
	}
	if int(which) < len(fuzzSecrets) {
		i := int(at) % (len(text) + 1)
		text = text[:i] + fuzzSecrets[which] + text[i:]
	}
	return []byte(text)
}

// fuzzKinds is DESIGN.md §3's table of the sentinel an *Error of each status unwraps to (any
// 5xx: ErrServer), written out here so that the parser is not checked against itself.
var fuzzKinds = map[int]error{
	400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound,
	409: ErrConflict, 422: ErrValidation,
}

// FuzzAPIError drives the LoopBack error parser with any status, body and headers, secrets
// injected in the body. pad spaces before the body move its content across the 4 KiB cut.
func FuzzAPIError(f *testing.F) {
	for _, seed := range []struct {
		status      int
		body        string
		pad         uint16
		at          uint16
		which       uint8
		contentType string
		retryAfter  string
	}{
		{409, `{"error":{"statusCode":409,"name":"Error","message":"wifiNetwork exists with key $K"}}`, 0, 0, 255, "application/json", ""},
		{400, `{"error":{"statusCode":400,"name":"ValidationError","message":"bad encryptionKey: "}}`, 0, 82, 1, "application/json", ""},
		{401, `{"error":{"statusCode":401,"name":"$T","message":"token $T expired","details":{"authorization":"Bearer $T"}}}`, 0, 0, 255, "application/json", ""},
		{500, `{"error":{"message":"upstream said client_secret=$S&grant_type=client_credentials"},"encryptionKey":"$K","password":"hunter2"}`, 0, 0, 255, "application/json", ""},
		{503, `{"error":{"message":"Authorization: $B"}}`, 4060, 0, 255, "application/json", "5"},
		{422, `{"error":{"message":"x"},"echo":"$P"}`, 4070, 0, 255, "application/json", ""},
		{404, `{"error":{"message":"key "}}`, 4090, 24, 1, "application/json", ""},
		{403, `{"error":{"statusCode":403,"message":"node online, cannot unclaim"}}`, 0, 0, 255, "application/json", ""},
		{403, `<html><head><title>403 Forbidden</title></head><body>Request blocked. $T</body></html>`, 0, 0, 255, "text/html", ""},
		{403, ``, 0, 0, 255, "application/json", ""},
		{403, ``, 0, 0, 255, "", ""},
		{403, `{"error":"forbidden"}`, 0, 0, 255, "application/json", ""},
		{429, `Too Many Requests`, 0, 0, 0, "text/plain", "Thu, 26 Nov 2026 12:01:30 GMT"},
		{429, `{}`, 0, 0, 255, "", "-1"},
		{302, `{"error":{"message":"moved"}}`, 0, 0, 2, "application/json", ""},
		{418, `{"error":{"message":"$K$K$K$K$K$K$K$K$K$K$K$K"}}`, 4000, 0, 255, "application/json", ""},
		{500, `{"error":{"message":"x"},"psk":"1","psk":"2","psk":"3","psk":"4","psk":"5","psk":"6","psk":"7","psk":"8"}`, 4030, 0, 255, "application/json", ""},
	} {
		f.Add(seed.status, []byte(seed.body), seed.pad, seed.at, seed.which, seed.contentType, seed.retryAfter)
	}
	c := newFuzzClient(f)
	r := &request{op: "WifiNetworks.Create", method: http.MethodPost, meanings: createWifiMeanings, secrets: []string{fuzzWifiKey}}
	const path = "/api/Customers/c1/locations/l1/wifiNetwork"
	f.Fuzz(func(t *testing.T, status int, body []byte, pad, at uint16, which uint8, contentType, retryAfter string) {
		status = fuzzStatus(status)
		if status >= 200 && status < 300 {
			return // the pipeline never makes an error of a 2xx
		}
		full := append([]byte(strings.Repeat(" ", int(pad)%4608)), fuzzExpand(body, at, which)...)
		header := http.Header{"Content-Type": {contentType}, "Retry-After": {retryAfter}, "X-Request-Id": {"req-1"}}
		err := c.apiError(r, path, &rawResponse{StatusCode: status, Header: header, Body: full})
		if err == nil {
			t.Fatalf("HTTP %d: no error", status)
		}

		rateLimited := status == http.StatusTooManyRequests || (status == http.StatusForbidden && retry.IsWAFAnswer(header, full))
		var rateErr *RateLimitError
		if errors.As(err, &rateErr) != rateLimited {
			t.Fatalf("HTTP %d: *RateLimitError is %t, want %t (%T: %v)", status, !rateLimited, rateLimited, err, err)
		}
		if rateLimited {
			if !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrForbidden) || rateErr.StatusCode != status || rateErr.RetryAfter < 0 {
				t.Fatalf("HTTP %d: bad *RateLimitError %+v", status, rateErr)
			}
			checkNoSecrets(t, nil, "Error()", err.Error())
			return
		}

		var apiErr *Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("HTTP %d: want *Error, got %T: %v", status, err, err)
		}
		if apiErr.StatusCode != status || apiErr.Path != path || apiErr.RequestID != "req-1" {
			t.Fatalf("HTTP %d: bad *Error %+v", status, apiErr)
		}
		if len(apiErr.Body) > maxErrorBody {
			t.Fatalf("Body is %d bytes, over %d", len(apiErr.Body), maxErrorBody)
		}
		kind := fuzzKinds[status]
		if status >= 500 {
			kind = ErrServer
		}
		if kind != nil && !errors.Is(err, kind) {
			t.Fatalf("HTTP %d does not unwrap to %v: %v", status, kind, err)
		}
		if meaning := createWifiMeanings[status]; meaning != nil && !errors.Is(err, meaning) {
			t.Fatalf("HTTP %d does not unwrap to %v: %v", status, meaning, err)
		}
		if errors.Is(err, ErrRateLimited) {
			t.Fatalf("HTTP %d: an *Error unwraps to ErrRateLimited", status)
		}
		checkNoSecrets(t, body, "Error()", err.Error())
		checkNoSecrets(t, body, "Message", apiErr.Message)
		checkNoSecrets(t, body, "Name", apiErr.Name)
		checkNoSecrets(t, body, "Body", string(apiErr.Body))
	})
}

// checkNoSecrets fails when text holds a fuzz secret, or ends in the first four or more
// bytes of one (a secret cut in two) that the fuzzer's own bytes orig do not hold.
func checkNoSecrets(t *testing.T, orig []byte, what, text string) {
	t.Helper()
	for _, secret := range fuzzSecrets {
		if strings.Contains(text, secret) {
			t.Fatalf("%s holds the secret %q: %q", what, secret, text)
		}
		if orig == nil || bytes.Contains(orig, []byte(secret[:4])) {
			continue
		}
		for n := len(secret) - 1; n >= 4; n-- {
			if strings.HasSuffix(text, secret[:n]) {
				t.Fatalf("%s ends in %d bytes of the secret %q: %q", what, n, secret, text)
			}
		}
	}
}

// FuzzValidateInput checks the input checks against their specification.
func FuzzValidateInput(f *testing.F) {
	for _, s := range []string{
		"", " ", ".", "..", " .. ", "...", "\t.\n", "6418c49c2f1e4a0012ab34cd", "PD9Z8Y7X6W5V",
		`Ada "Ace" Lovelace`, "\u201cquoted\u201d", "DoeHome", "Tr0ub4dor-and-3", "1234567", "12345678",
		strings.Repeat("k", 63), strings.Repeat("k", 64), strings.Repeat("é", 63), strings.Repeat("s", 33),
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "a/b?c#d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		trimmed := strings.TrimSpace(v)
		checkValidation(t, "checkID", checkID("customerID", v), trimmed == "" || trimmed == "." || trimmed == "..", "customerID")
		checkValidation(t, "checkNoQuote", checkNoQuote("Name", v), strings.ContainsAny(v, "\"\u201c\u201d"), "Name")
		checkValidation(t, "checkSSID", checkSSID(v), len(v) < 1 || len(v) > 32, "SSID")

		runes := utf8.RuneCountInString(v)
		keyErr := checkKey(v)
		checkValidation(t, "checkKey", keyErr, runes < 8 || runes > 63, "EncryptionKey")
		if keyErr == nil {
			return
		}
		// The error depends on the key's length only, so it cannot carry the key.
		if same := checkKey(strings.Repeat("x", runes)); same == nil || same.Error() != keyErr.Error() {
			t.Fatalf("checkKey(%q) = %q, and for a key of the same length %v", v, keyErr, same)
		}
		if len(v) >= 4 && strings.Contains(keyErr.Error(), v) && !strings.Contains(checkKey(strings.Repeat("\x00", runes)).Error(), v) {
			t.Fatalf("checkKey's error holds the key: %q", keyErr)
		}
	})
}

// checkValidation checks that err is a *ValidationError for field exactly when wantErr.
func checkValidation(t *testing.T, check string, err error, wantErr bool, field string) {
	t.Helper()
	if (err != nil) != wantErr {
		t.Fatalf("%s: error %v, want an error: %t", check, err, wantErr)
	}
	if err == nil {
		return
	}
	var verr *ValidationError
	if !errors.As(err, &verr) || verr.Field != field || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("%s: want a *ValidationError of %s, got %T: %v", check, field, err, err)
	}
}

// FuzzBuildPath checks that every id keeps its own path segment, as built and as sent.
func FuzzBuildPath(f *testing.F) {
	for _, seed := range [][3]string{
		{"6418c49b0f1e2d3c4b5a6978", "6418c49c1a2b3c4d5e6f7a8b", "PD9Z8Y7X6W5V"},
		{"a/b", "c?d=e", "f#g"}, {"..", ".", ""}, {"%2F", "%", "%zz"}, {"a b", "é", "\xff"},
		{";,", "@:$&+=", "[x]"}, {"../../Partners", "a%2F..%2Fb", "\\"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	c := newFuzzClient(f)
	f.Fuzz(func(t *testing.T, customerID, locationID, serial string) {
		ids := []string{customerID, locationID, serial}
		path := buildPath(ids...)
		checkSegments(t, "buildPath", path, ids)
		if strings.ContainsAny(path, "?#") {
			t.Fatalf("buildPath(%q) = %q holds ? or #", ids, path)
		}
		if checkIDs("customerID", customerID, "locationID", locationID, "serial", serial) != nil {
			return
		}
		for _, segment := range strings.Split(path, "/")[1:] {
			if segment == "." || segment == ".." {
				t.Fatalf("buildPath(%q) = %q: a checked id makes a dot segment", ids, path)
			}
		}
		reply := &fuzzReply{status: http.StatusNoContent}
		if _, err := c.do(fuzzCall(reply), &request{op: "Fuzz", method: http.MethodGet, path: path}, nil); err != nil {
			t.Fatalf("sending %q: %v", path, err)
		}
		if reply.sent.RawQuery != "" || reply.sent.Fragment != "" {
			t.Fatalf("sending %q added a query or fragment: %q", path, reply.sent)
		}
		if sent := reply.sent.EscapedPath(); sent != "/api"+path {
			t.Fatalf("sent path %q, built %q", sent, "/api"+path)
		}
	})
}

// checkSegments checks that path, split on "/", unescapes to the segments exactly.
func checkSegments(t *testing.T, what, path string, segments []string) {
	t.Helper()
	parts := strings.Split(path, "/")
	if len(parts) != len(segments)+1 || parts[0] != "" {
		t.Fatalf("%s: %q does not split into %d segments", what, path, len(segments))
	}
	for i, part := range parts[1:] {
		got, err := url.PathUnescape(part)
		if err != nil || got != segments[i] {
			t.Fatalf("%s: segment %d of %q unescapes to %q (%v), want %q", what, i, path, got, err, segments[i])
		}
	}
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
