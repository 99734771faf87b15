package plume

// response_fuzz_test.go: the fuzz target of the error parser (Client.apiError in response.go,
// the error types of errors.go), with the secrets it injects. Shared fuzz helpers are in
// fuzz_helpers_test.go.

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/plumecloud/plume-go/internal/retry"
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
