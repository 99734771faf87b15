package plume

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// benchCustomer is a customer as GET /Customers/{id} answers it.
const benchCustomer = `{"id":"6418c49c0a1b2c3d4e5f6071","accountId":"crm-000123","name":"Ada Lovelace","email":"ada@example.com","emailVerified":true,"partnerId":"partner-1","anonymous":false,"autoProvisioned":false,"systemUser":false,"locked":false,"acceptLanguage":"en-US","source":"unknown","createdAt":"2023-03-27T14:41:58.312Z","_version":"1.0.1"}`

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, benchCustomer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

type benchDecoded struct {
	ID            string    `json:"id"`
	AccountID     string    `json:"accountId"`
	Name          string    `json:"name"`
	Email         string    `json:"email"`
	EmailVerified bool      `json:"emailVerified"`
	PartnerID     string    `json:"partnerId"`
	CreatedAt     time.Time `json:"createdAt"`
}

// BenchmarkGetRawNetHTTP is the floor: the same request with net/http and encoding/json.
func BenchmarkGetRawNetHTTP(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	url := srv.URL + "/api/Customers/6418c49c0a1b2c3d4e5f6071"
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out benchDecoded
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkGetPipeline is the same request through the SDK's pipeline (limiter very high,
// retries on, token cached).
func BenchmarkGetPipeline(b *testing.B) {
	srv := benchServer(b)
	c, err := NewClient(WithBaseURL(srv.URL+"/api"), WithTokenSource(staticTokens(testToken)),
		WithRateLimit(math.Inf(1), 1), WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
	if err != nil {
		b.Fatal(err)
	}
	path := buildPath("Customers", "6418c49c0a1b2c3d4e5f6071")
	b.ReportAllocs()
	for b.Loop() {
		var out benchDecoded
		if _, err := c.do(b.Context(), &request{op: "Customers.Get", method: http.MethodGet, path: path}, &out); err != nil {
			b.Fatal(err)
		}
	}
}
