package retry

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackoffFullJitterWithinCeiling(t *testing.T) {
	t.Parallel()
	for attempt, ceiling := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		for range 200 {
			d := Backoff(100, 1000, attempt, nil)
			assert.GreaterOrEqual(t, d, time.Duration(0))
			assert.LessOrEqual(t, d, ceiling)
		}
	}
}

func TestBackoffHonoursRetryAfterCappedByMaxWait(t *testing.T) {
	t.Parallel()
	resp := func(v string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {v}}}
	}
	assert.Equal(t, 3*time.Second, Backoff(time.Millisecond, time.Minute, 0, resp("3")))
	assert.Equal(t, 10*time.Second, Backoff(time.Millisecond, 10*time.Second, 0, resp("3600")))
	date := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	assert.Equal(t, 30*time.Second, Backoff(time.Millisecond, 30*time.Second, 0, resp(date)))
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"Thu, 26 Nov 2026 12:01:30 GMT", 90 * time.Second, true},
		{"Thu, 26 Nov 2026 11:00:00 GMT", 0, true}, // in the past: go now
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		got, ok := RetryAfter(tc.in, now)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestIsWAFAnswer(t *testing.T) {
	t.Parallel()
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	htmlCT := http.Header{"Content-Type": {"text/html"}}
	assert.True(t, IsWAFAnswer(htmlCT, []byte("<html>blocked</html>")))
	assert.True(t, IsWAFAnswer(http.Header{}, nil))
	assert.True(t, IsWAFAnswer(jsonCT, []byte(`{"message":"Forbidden"}`)), "JSON that is not a LoopBack error")
	assert.True(t, IsWAFAnswer(jsonCT, []byte(`not json`)))
	assert.False(t, IsWAFAnswer(jsonCT, []byte(`{"error":{"statusCode":403,"name":"Error","message":"no"}}`)))
	assert.False(t, IsWAFAnswer(jsonCT, nil), "a HEAD answer labelled JSON")
}

func FuzzIsWAFAnswer(f *testing.F) {
	f.Add([]byte(`{"error":{"statusCode":403}}`))
	f.Add([]byte(`<html></html>`))
	f.Add([]byte(`{"error":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = IsWAFAnswer(http.Header{}, body) // must not panic
	})
}

func FuzzRetryAfter(f *testing.F) {
	f.Add("120")
	f.Add("Thu, 26 Nov 2026 12:01:30 GMT")
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := RetryAfter(v, time.Now())
		if ok && (d < 0 || d > 24*time.Hour+time.Minute && !isDate(v)) {
			t.Fatalf("RetryAfter(%q) = %v", v, d)
		}
	})
}

func isDate(v string) bool { _, err := http.ParseTime(v); return err == nil }
