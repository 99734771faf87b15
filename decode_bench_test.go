package plume

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// benchFixture returns testdata/name, failing the benchmark when it cannot be read.
func benchFixture(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchDecode measures decode on the bytes of fixture, reporting allocations and throughput.
func benchDecode[T any](b *testing.B, fixture string, decode func([]byte) (T, error)) {
	data := benchFixture(b, fixture)
	if _, err := decode(data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// decodeInto decodes as Client.do does for a typed answer: decodeAnswer into a *T.
func decodeInto[T any](data []byte) (*T, error) {
	var v T
	err := decodeAnswer(data, &v)
	return &v, err
}

// decodeThroughRaw decodes as the services with lenient shapes do: Client.do unmarshals the
// body into a json.RawMessage, and decode reads that.
func decodeThroughRaw[T any](decode func(json.RawMessage) (T, error)) func([]byte) (T, error) {
	return func(data []byte) (T, error) {
		var body json.RawMessage
		if err := json.Unmarshal(data, &body); err != nil {
			var zero T
			return zero, err
		}
		return decode(body)
	}
}

// BenchmarkDecodeLocation decodes the full Location (Locations.Get).
func BenchmarkDecodeLocation(b *testing.B) {
	benchDecode(b, "location_full.json", decodeInto[Location])
}

// BenchmarkDecodeLocationList decodes a list of two locations (Locations.List).
func BenchmarkDecodeLocationList(b *testing.B) {
	benchDecode(b, "locations_list.json", decodeThroughRaw(decodeLocationList))
}

// BenchmarkDecodeNode decodes the full Node (Nodes.Rename).
func BenchmarkDecodeNode(b *testing.B) {
	benchDecode(b, "node_renamed.json", decodeInto[Node])
}

// BenchmarkDecodeNodeList decodes {"nodes":[…]} (Nodes.List).
func BenchmarkDecodeNodeList(b *testing.B) {
	benchDecode(b, "nodes_list.json", decodeThroughRaw(decodeNodeList))
}

// BenchmarkDecodeWifiNetwork decodes the wrapped WiFi network (WifiNetworks.Get).
func BenchmarkDecodeWifiNetwork(b *testing.B) {
	benchDecode(b, "wifi_network.json", decodeThroughRaw(decodeWifiNetwork))
}

// BenchmarkDecodeClaim decodes a claim answer (Nodes.Claim).
func BenchmarkDecodeClaim(b *testing.B) {
	benchDecode(b, "claim_ok.json", decodeInto[claimAnswer])
}

// BenchmarkDecodeCustomer decodes a Customer (Customers.Get).
func BenchmarkDecodeCustomer(b *testing.B) {
	benchDecode(b, "customer_get.json", decodeInto[Customer])
}

// BenchmarkTokenCached is the cost of the bearer on every call once a valid token, one that
// expires (so that its expiry is checked), is cached.
func BenchmarkTokenCached(b *testing.B) {
	tok := &oauth2.Token{AccessToken: testToken, Expiry: time.Now().Add(time.Hour)}
	c, err := NewClient(WithBaseURL(testBase), WithTokenSource(oauth2.StaticTokenSource(tok)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.tokens.token(ctx, ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.tokens.token(ctx, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenFirstCalls1000 starts 1,000 callers at once on a new client whose token
// endpoint is a real httptest server, and reports how many tokens were fetched per round
// (fetches/op; the goal is 1: concurrent callers share one fetch).
func BenchmarkTokenFirstCalls1000(b *testing.B) {
	const callers = 1000
	var fetches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := fetches.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"bench-token-`+strconv.FormatInt(n, 10)+`","token_type":"Bearer","expires_in":3600,"scope":"partnerId:p role:partnerIdAdmin"}`)
	}))
	b.Cleanup(srv.Close)
	creds := Credentials{TokenURL: srv.URL + "/oauth2/default/v1/token", ClientID: "bench", ClientSecret: "bench-secret", PartnerID: "p"}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	ctx := context.Background()
	rounds := 0
	b.ReportAllocs()
	for b.Loop() {
		c, err := NewClient(WithBaseURL(srv.URL+"/api"), WithCredentials(creds), WithHTTPClient(hc), WithRateLimit(math.Inf(1), 1))
		if err != nil {
			b.Fatal(err)
		}
		var (
			start  = make(chan struct{})
			wg     sync.WaitGroup
			failed atomic.Int64
		)
		for range callers {
			wg.Go(func() {
				<-start
				if _, err := c.tokens.token(ctx, ""); err != nil {
					failed.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d callers got no token", n, callers)
		}
		rounds++
	}
	b.ReportMetric(float64(fetches.Load())/float64(rounds), "fetches/op")
}
