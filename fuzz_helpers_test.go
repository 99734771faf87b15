package plume

// fuzz_helpers_test.go: what the root package's fuzz targets share, and nothing else: the
// secrets the fuzz client knows, the in-memory transport (fuzzTransport, fuzzCall,
// newFuzzClient), the decoder checks (checkDecoder, checkWholeRaw, rawsOf, unmarshalAs) and the
// seeds every decoder must survive (addJSONSeeds). Each target sits in the <file>_fuzz_test.go
// beside the tests of the code it fuzzes (FuzzDecodeCustomer in customers_fuzz_test.go, and so
// on); a helper used by one target only stays in that target's file.
//
// `go test .` runs every target's seeds (f.Add and testdata/fuzz/FuzzXxx); `make fuzz` runs each
// target with -fuzz. Every target keeps its per-input work to a few decodes or one in-memory call.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"golang.org/x/oauth2"
)

// Secrets the fuzzed pipeline knows; none may come out of an error.
const (
	fuzzToken        = "fz-bearer-eyJhbGciOiJSUzI1NiJ9.cGF5bG9hZA.c2ln"
	fuzzWifiKey      = "Tr0ub4dor&3-wifi"
	fuzzClientID     = "fuzz-client"
	fuzzClientSecret = "cs-9f8e7d6c5b4a3921"
)

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

// addJSONSeeds adds the shapes every decoder must survive.
func addJSONSeeds(f *testing.F, extra ...string) {
	for _, s := range append([]string{
		``, ` `, `null`, `{}`, `[]`, `[{}]`, `[null]`, `"text"`, `0`, `true`, `{`, `[`, `{"id":1}`,
		`{"id":"a","createdAt":"not a time"}`, `{"id":"a","createdAt":null}`, "\ufeff{}", `{"id":"a"} {}`,
	}, extra...) {
		f.Add([]byte(s))
	}
}
