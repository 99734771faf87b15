package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The per-call overhead benchmarks: each SDK call against the same request made with raw
// net/http and encoding/json on the same httptest server. Compare with benchstat:
//
//	go test -run '^$' -bench 'Get|Claim' -benchmem -count 10 . | tee bench.txt

// benchCustomer is a customer as GET /Customers/{id} answers it.
const benchCustomer = `{"id":"6418c49c0a1b2c3d4e5f6071","accountId":"crm-000123","name":"Ada Lovelace","email":"ada@example.com","emailVerified":true,"partnerId":"partner-1","anonymous":false,"autoProvisioned":false,"systemUser":false,"locked":false,"acceptLanguage":"en-US","source":"unknown","createdAt":"2023-03-27T14:41:58.312Z","_version":"1.0.1"}`

// benchClaim is a claim answer for one gateway.
const benchClaim = `{"claimed":[{"serialNumber":"GW0001","id":"GW0001","residentialGateway":true,"_version":"1.0.0","customerId":"6418c49c0a1b2c3d4e5f6071","locationId":"6418c49c0a1b2c3d4e5f6072","packId":"P-1","createdAt":"2023-03-27T14:41:58.312Z","updatedAt":"2023-03-27T14:41:58.312Z"}]}`

func benchServer(b *testing.B, body string) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// benchClient is an SDK client with the limiter very high, retries on and the token cached.
func benchClient(b *testing.B, srv *httptest.Server, opts ...Option) *Client {
	b.Helper()
	c, err := NewClient(append([]Option{WithBaseURL(srv.URL + "/api"), WithTokenSource(staticTokens(testToken)),
		WithRateLimit(math.Inf(1), 1), WithHTTPClient(benchHTTPClient())}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

type rawCustomer struct {
	ID            string    `json:"id"`
	AccountID     string    `json:"accountId"`
	Name          string    `json:"name"`
	Email         string    `json:"email"`
	EmailVerified bool      `json:"emailVerified"`
	PartnerID     string    `json:"partnerId"`
	CreatedAt     time.Time `json:"createdAt"`
}

type rawClaim struct {
	Claimed []struct {
		ID                 string `json:"id"`
		SerialNumber       string `json:"serialNumber"`
		CustomerID         string `json:"customerId"`
		LocationID         string `json:"locationId"`
		ResidentialGateway bool   `json:"residentialGateway"`
	} `json:"claimed"`
}

// rawCall is the floor: one request with net/http and encoding/json.
func rawCall(b *testing.B, hc *http.Client, method, url string, body []byte, out any) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequestWithContext(b.Context(), method, url, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func BenchmarkCustomersGet(b *testing.B) {
	srv := benchServer(b, benchCustomer)
	b.Run("raw", func(b *testing.B) {
		hc := benchHTTPClient()
		url := srv.URL + "/api/Customers/6418c49c0a1b2c3d4e5f6071"
		b.ReportAllocs()
		for b.Loop() {
			var out rawCustomer
			rawCall(b, hc, http.MethodGet, url, nil, &out)
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Customers.Get(b.Context(), "6418c49c0a1b2c3d4e5f6071"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkNodesClaim(b *testing.B) {
	srv := benchServer(b, benchClaim)
	b.Run("raw", func(b *testing.B) {
		hc := benchHTTPClient()
		url := srv.URL + "/api/Customers/6418c49c0a1b2c3d4e5f6071/locations/6418c49c0a1b2c3d4e5f6072/nodes"
		b.ReportAllocs()
		for b.Loop() {
			body, _ := json.Marshal(map[string]string{"serialNumber": "GW0001"})
			var out rawClaim
			rawCall(b, hc, http.MethodPost, url, body, &out)
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Nodes.Claim(b.Context(), "6418c49c0a1b2c3d4e5f6071", "6418c49c0a1b2c3d4e5f6072", ClaimRequest{SerialNumber: "GW0001"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOverhead measures the SDK/raw ratio in one run: each iteration makes the raw call
// and the SDK call on the same server, in alternating order, and times each, so that load
// from other processes on a shared machine weighs on both sides alike. It reports the mean
// time of each side and their ratio (the goal: at most 1.10).
func BenchmarkOverhead(b *testing.B) {
	const customerID, locationID = "6418c49c0a1b2c3d4e5f6071", "6418c49c0a1b2c3d4e5f6072"
	calls := []struct {
		name     string
		body     string
		raw, sdk func(b *testing.B, hc *http.Client, c *Client, base string)
	}{
		{"CustomersGet", benchCustomer,
			func(b *testing.B, hc *http.Client, _ *Client, base string) {
				var out rawCustomer
				rawCall(b, hc, http.MethodGet, base+"/api/Customers/"+customerID, nil, &out)
			},
			func(b *testing.B, _ *http.Client, c *Client, _ string) {
				if _, err := c.Customers.Get(b.Context(), customerID); err != nil {
					b.Fatal(err)
				}
			}},
		{"NodesClaim", benchClaim,
			func(b *testing.B, hc *http.Client, _ *Client, base string) {
				body, _ := json.Marshal(map[string]string{"serialNumber": "GW0001"})
				var out rawClaim
				rawCall(b, hc, http.MethodPost, base+"/api/Customers/"+customerID+"/locations/"+locationID+"/nodes", body, &out)
			},
			func(b *testing.B, _ *http.Client, c *Client, _ string) {
				if _, err := c.Nodes.Claim(b.Context(), customerID, locationID, ClaimRequest{SerialNumber: "GW0001"}); err != nil {
					b.Fatal(err)
				}
			}},
	}
	for _, call := range calls {
		b.Run(call.name, func(b *testing.B) {
			srv := benchServer(b, call.body)
			hc, c := benchHTTPClient(), benchClient(b, srv)
			var raw, sdk time.Duration
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				if i%2 == 0 {
					call.raw(b, hc, c, srv.URL)
					t1 := time.Now()
					call.sdk(b, hc, c, srv.URL)
					raw, sdk = raw+t1.Sub(t0), sdk+time.Since(t1)
				} else {
					call.sdk(b, hc, c, srv.URL)
					t1 := time.Now()
					call.raw(b, hc, c, srv.URL)
					sdk, raw = sdk+t1.Sub(t0), raw+time.Since(t1)
				}
				i++
			}
			b.ReportMetric(float64(raw.Nanoseconds())/float64(i), "raw-ns/call")
			b.ReportMetric(float64(sdk.Nanoseconds())/float64(i), "sdk-ns/call")
			b.ReportMetric(float64(sdk)/float64(raw), "sdk/raw")
		})
	}
}

// BenchmarkObserverOverhead makes Customers.Get without an observer and with one whose
// functions do nothing, alternately in every iteration, and reports observed/plain: the cost
// of the hook itself (timing, the route template, the calls).
func BenchmarkObserverOverhead(b *testing.B) {
	const customerID = "6418c49c0a1b2c3d4e5f6071"
	srv := benchServer(b, benchCustomer)
	plain := benchClient(b, srv)
	noop := &Observer{
		OperationStart: func(ctx context.Context, _ Operation) context.Context { return ctx },
		OperationEnd:   func(context.Context, Operation, OperationResult) {},
		Attempt:        func(context.Context, Operation, Attempt) {},
		LimiterWait:    func(context.Context, Operation, LimiterWait) {},
		TokenFetch:     func(context.Context, TokenFetch) {},
	}
	observed := benchClient(b, srv, WithObserver(noop))
	get := func(c *Client) time.Duration {
		t0 := time.Now()
		if _, err := c.Customers.Get(b.Context(), customerID); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var off, on time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i%2 == 0 {
			off += get(plain)
			on += get(observed)
		} else {
			on += get(observed)
			off += get(plain)
		}
		i++
	}
	b.ReportMetric(float64(off.Nanoseconds())/float64(i), "off-ns/call")
	b.ReportMetric(float64(on.Nanoseconds())/float64(i), "on-ns/call")
	b.ReportMetric(float64(on)/float64(off), "on/off")
}
