package plume_test

// secrets_test.go: every test that a secret never reaches an output, whatever the method.
// TestSecretSweep drives each error path it can reach (API errors echoing the call's secrets,
// the WAF, 429s, bodies past the 4 KiB an *Error keeps, undecodable answers, redirects,
// cancelled contexts, validation, token endpoint failures) with known secrets (client secret,
// Basic header, bearers, WiFi keys, a password), and searches every error string, formatted
// value and log record for them; TestNoSecretInRequestURLs checks that none goes into a
// request URL. A new path that could carry a secret gets its case in the sweep.
//
// Not here: secrets held deep inside values and error chains (secrets_nested_test.go); the
// error parser and the WiFi network's printing under fuzzing (FuzzAPIError in
// response_fuzz_test.go, FuzzWifiNetworkFormat in wifi_fuzz_test.go); redirects
// (redirect_test.go); per-method behaviour, which belongs in the service's _test.go.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Secret values of the sweep. The client secret, Basic header and bearer tokens are the fake's.
const (
	sweepWifiKey  = "Wifi-Key-Sweep-9f3c"
	sweepWifiKey2 = "Other-Wifi-Key-Sweep-4d2"
	sweepShortKey = "Sh0rt-k" // 7 characters: refused before any request
	sweepLongKey  = "Long-Wifi-Key-Sweep-" + "0123456789012345678901234567890123456789012345"
	sweepPassword = "hunter2-Sweep-77"
)

// sweep collects every text a user could see: error strings, formatted values, log records.
type sweep struct {
	t     *testing.T
	mu    sync.Mutex
	logs  bytes.Buffer
	texts []string
	where []string
}

func (s *sweep) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

// logger records at every level, from debug up, as JSON.
func (s *sweep) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true}))
}

// add records what the user sees of v: %v, %+v, %#v, %s, %q, %d and %x (hex of a secret is
// not searched, but %x of a struct prints its string fields as hex, %d prints them as is), and, for an error, Error()
// and the text fields of the SDK's error types.
func (s *sweep) add(what string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x"} {
		s.texts = append(s.texts, fmt.Sprintf(verb, v))
		s.where = append(s.where, what+" "+verb)
	}
	err, ok := v.(error)
	if !ok || err == nil {
		return
	}
	s.texts = append(s.texts, err.Error())
	s.where = append(s.where, what+" Error()")
	var apiErr *plume.Error
	if errors.As(err, &apiErr) {
		s.texts = append(s.texts, apiErr.Name, apiErr.Message, string(apiErr.Body), apiErr.Path, apiErr.RequestID)
		s.where = append(s.where, what+" Error.Name", what+" Error.Message", what+" Error.Body", what+" Error.Path", what+" Error.RequestID")
	}
	var authErr *plume.AuthError
	if errors.As(err, &authErr) {
		s.texts = append(s.texts, authErr.Code, authErr.Description)
		s.where = append(s.where, what+" AuthError.Code", what+" AuthError.Description")
	}
}

// result records a call's value and error.
func (s *sweep) result(what string, v any, err error) {
	s.t.Helper()
	if v != nil {
		s.add(what+" value", v)
	}
	if err != nil {
		s.add(what+" error", err)
	}
}

// check fails for every secret found in any recorded text or log line.
func (s *sweep) check(secrets map[string]string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	logs := s.logs.String()
	require.NotEmpty(s.t, logs, "the sweep saw log records")
	for name, secret := range secrets {
		for _, form := range secretForms(secret) {
			for i, text := range s.texts {
				if strings.Contains(text, form) {
					s.t.Errorf("%s found in %s: %s", name, s.where[i], text)
				}
			}
			if strings.Contains(logs, form) {
				s.t.Errorf("%s found in the logs", name)
			}
		}
	}
	s.t.Logf("swept %d texts and %d bytes of logs for %d secrets", len(s.texts), len(logs), len(secrets))
}

// secretForms are the spellings a secret may leak in: as is, URL-escaped, JSON-escaped.
func secretForms(secret string) []string {
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	quoted := fmt.Sprintf("%q", secret)
	forms = append(forms, quoted[1:len(quoted)-1])
	return forms
}

// bearers records the bearer tokens the fake receives.
type bearers struct {
	mu     sync.Mutex
	tokens map[string]bool
	urls   []string
}

func (b *bearers) hook(r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		b.tokens[tok] = true
	}
	b.urls = append(b.urls, r.URL.String())
}

func (b *bearers) list() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for tok := range b.tokens {
		out = append(out, tok)
	}
	return out
}

// TestSecretSweep drives every error path it can reach with known secret values and searches
// every error string, every formatted value and every log record for them.
func TestSecretSweep(t *testing.T) {
	t.Parallel()
	s := &sweep{t: t}
	seen := &bearers{tokens: map[string]bool{}}
	srv := plumetest.NewServer(t, plumetest.WithRequestHook(seen.hook))
	srv.AddGateways("GW0001")
	creds := srv.Credentials()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(creds.ClientID+":"+creds.ClientSecret))
	opts := []plume.Option{
		plume.WithLogger(s.logger()),
		plume.WithRateLimit(math.Inf(1), 1),
		plume.WithRetry(plume.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}),
	}
	c := srv.Client(opts...)
	ctx := t.Context()
	inject := func(f plumetest.Fault) {
		t.Helper()
		require.NoError(t, srv.InjectFault(f))
	}

	// The happy path: results that hold the WiFi key, printed.
	res, err := c.Onboard(ctx, plume.OnboardRequest{
		AccountID: "crm-sweep-01", Name: "Ada", Email: "ada@example.com", ServiceID: "svc-sweep-01",
		Wifi: &plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepWifiKey}, Gateway: "GW0001",
	})
	require.NoError(t, err)
	s.result("Onboard", res, err)
	s.result("OnboardResult.Wifi", res.Wifi, nil)
	wifi, err := c.WifiNetworks.Get(ctx, res.CustomerID, res.LocationID)
	require.NoError(t, err)
	require.Equal(t, sweepWifiKey, wifi.EncryptionKey)
	s.result("WifiNetworks.Get", wifi, err)
	s.result("*WifiNetwork", &wifi, nil)
	s.result("WifiNetworkRequest", plume.WifiNetworkRequest{SSID: "x", EncryptionKey: sweepWifiKey}, nil)
	s.result("Credentials", creds, nil)
	s.result("*Credentials", &creds, nil)
	s.result("Client", c, nil)
	bearer := seen.list()
	require.NotEmpty(t, bearer)
	wifiPath := fmt.Sprintf("/api/Customers/%s/locations/%s/wifiNetwork", res.CustomerID, res.LocationID)
	customerPath := "/api/Customers/" + res.CustomerID

	// API errors whose bodies echo the call's secrets: the client's, the bearer, the WiFi key
	// the call sent; by value, in secret-named JSON members, as form parameters, as
	// Authorization headers. A password the SDK never had is masked where a field names it.
	echo := func(status int, key string) string {
		return fmt.Sprintf(`{"error":{"statusCode":%d,"name":"Echo %s","message":"key %s, bearer %s, header %s, secret %s, password=%s&access_token=%s","details":{"encryptionKey":%q,"password":%q,"access_token":%q,"authorization":%q,"client_secret":%q}}}`,
			status, bearer[0], key, bearer[0], basic, creds.ClientSecret, sweepPassword, bearer[0],
			key, sweepPassword, bearer[0], "Bearer "+bearer[0], creds.ClientSecret)
	}
	inject(plumetest.Fault{Method: "PUT", Path: wifiPath, Status: 422, Body: echo(422, sweepWifiKey2)})
	w, err := c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepWifiKey2})
	s.result("WifiNetworks.Replace 422", w, err)
	require.Error(t, err)
	inject(plumetest.Fault{Method: "POST", Path: wifiPath, Status: 409, Body: echo(409, sweepLongKey[:63])})
	w, err = c.WifiNetworks.Create(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepLongKey[:63]})
	s.result("WifiNetworks.Create 409", w, err)
	require.Error(t, err)
	inject(plumetest.Fault{Method: "PATCH", Path: wifiPath, Status: 500, Body: `{"error":{"statusCode":500,"message":"x","details":{"encryptionKey":"` + sweepWifiKey + `","password":"` + sweepPassword + `"}}}`, Times: 2})
	enabled := true
	w, err = c.WifiNetworks.Update(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkUpdate{Enabled: &enabled})
	s.result("WifiNetworks.Update 500", w, err)
	require.Error(t, err)
	for _, status := range []int{400, 401, 403, 404, 409, 422, 500, 503} {
		inject(plumetest.Fault{Method: "GET", Path: customerPath, Status: status, Body: echo(status, ""), Times: 4})
		cu, err := c.Customers.Get(ctx, res.CustomerID)
		s.result(fmt.Sprintf("Customers.Get %d", status), cu, err)
		require.Error(t, err)
		srv.ClearFaults()
	}
	// The body past the 4 KiB an *Error keeps, a secret straddling the cut.
	long := `{"error":{"statusCode":500,"message":"m"},"pad":"` + strings.Repeat("p", 4096-60) + ` ` + creds.ClientSecret + ` ` + bearer[0] + `"}`
	inject(plumetest.Fault{Method: "GET", Path: customerPath, Status: 500, Body: long, Times: 2})
	_, err = c.Customers.Get(ctx, res.CustomerID)
	s.result("Customers.Get long body", nil, err)
	// The WAF's page echoing secrets, and 429s.
	inject(plumetest.Fault{Method: "GET", Path: customerPath, Status: 403, Body: "<html>" + echo(403, "") + "</html>", Header: http.Header{"Content-Type": {"text/html"}}, Times: 2})
	_, err = c.Customers.Get(ctx, res.CustomerID)
	s.result("Customers.Get WAF", nil, err)
	inject(plumetest.Fault{Method: "GET", Path: customerPath, Status: 429, Body: echo(429, ""), Header: http.Header{"Retry-After": {"0"}}, Times: 2})
	_, err = c.Customers.Get(ctx, res.CustomerID)
	s.result("Customers.Get 429", nil, err)
	// A flow failing at the WiFi step, its partial result printed.
	inject(plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/wifiNetwork", Status: 422, Body: echo(422, sweepWifiKey2)})
	res2, err := c.Onboard(ctx, plume.OnboardRequest{AccountID: "crm-sweep-02", Wifi: &plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepWifiKey2}})
	s.result("Onboard failing at wifi", res2, err)
	require.Error(t, err)
	// A success whose body does not decode, quoting the key where a time should be.
	inject(plumetest.Fault{Method: "PUT", Path: wifiPath, Status: 200, Body: `{"wifiNetwork":{"encryptionKey":"` + sweepWifiKey2 + `","createdAt":"` + sweepWifiKey2 + `"}}`})
	w, err = c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepWifiKey2})
	s.result("WifiNetworks.Replace undecodable", w, err)
	require.Error(t, err)

	// Redirects: to a closed port with secrets in the query, and in a loop.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	query := url.Values{"access_token": {bearer[0]}, "password": {sweepPassword}, "client_secret": {creds.ClientSecret}}.Encode()
	inject(plumetest.Fault{Method: "GET", Path: customerPath, Status: 302, Header: http.Header{"Location": {closed + "/x?" + query}}, Times: 4})
	_, err = c.Customers.Get(ctx, res.CustomerID)
	s.result("Customers.Get redirected to a closed port", nil, err)
	require.Error(t, err)
	srv.ClearFaults()
	inject(plumetest.Fault{Method: "GET", Path: customerPath, Status: 302, Header: http.Header{"Location": {customerPath + "?" + query}}, Times: 40})
	_, err = c.Customers.Get(ctx, res.CustomerID)
	s.result("Customers.Get redirect loop", nil, err)
	require.Error(t, err)
	srv.ClearFaults()

	// Cancelled and expired contexts, before and during a call.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.WifiNetworks.Create(cancelled, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepWifiKey2})
	s.result("Create with a cancelled context", nil, err)
	inject(plumetest.Fault{Method: "PUT", Path: wifiPath, Delay: time.Minute})
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = c.WifiNetworks.Replace(short, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepWifiKey2})
	cancelShort()
	s.result("Replace past its deadline", nil, err)
	require.Error(t, err)
	srv.ClearFaults()

	// Validation errors: WiFi keys too short or too long, credentials, URLs, headers.
	_, err = c.WifiNetworks.Create(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepShortKey})
	s.result("Create with a short key", nil, err)
	require.ErrorIs(t, err, plume.ErrInvalidInput)
	_, err = c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Sweep", EncryptionKey: sweepLongKey})
	s.result("Replace with a long key", nil, err)
	require.ErrorIs(t, err, plume.ErrInvalidInput)
	_, err = c.Onboard(ctx, plume.OnboardRequest{AccountID: "crm-sweep-03", Wifi: &plume.WifiNetworkRequest{SSID: "S", EncryptionKey: sweepShortKey}})
	s.result("Onboard with a short key", nil, err)
	require.ErrorIs(t, err, plume.ErrInvalidInput)
	_, err = plume.NewClient(plume.WithBaseURL("https://user:"+sweepPassword+"@cloud.example.com/api"), plume.WithTokenSource(nil))
	s.result("NewClient with a password in the URL", nil, err)
	require.Error(t, err)
	_, err = plume.NewClient(plume.WithBaseURL(srv.URL), plume.WithAuthHeader(creds.TokenURL, "Basic "+creds.ClientSecret+"!", creds.PartnerID))
	s.result("NewClient with a broken header", nil, err)
	require.Error(t, err)
	_, err = plume.NewClient(plume.WithBaseURL(srv.URL), plume.WithCredentials(plume.Credentials{TokenURL: creds.TokenURL, ClientID: "a:b", ClientSecret: creds.ClientSecret, PartnerID: "p"}))
	s.result("NewClient with a bad client id", nil, err)
	require.Error(t, err)

	// Token failures: the endpoint refusing, echoing the secret and the header in its error,
	// failing, answering a token of another type; through credentials and a verbatim header.
	headerClient, err := plume.NewClient(append([]plume.Option{plume.WithBaseURL(srv.URL), plume.WithAuthHeader(creds.TokenURL, basic, creds.PartnerID)}, opts...)...)
	require.NoError(t, err)
	for i, client := range []*plume.Client{srv.Client(opts...), headerClient} {
		for _, f := range []plumetest.Fault{
			{Status: 401, Body: fmt.Sprintf(`{"error":"invalid_client","error_description":"client_secret=%s header %s secret %s"}`, creds.ClientSecret, basic, creds.ClientSecret)},
			{Status: 400, Body: fmt.Sprintf(`{"error":%q,"error_description":%q}`, creds.ClientSecret, basic)},
			{Status: 500, Body: fmt.Sprintf(`{"error":"server_error","error_description":"%s"}`, basic), Times: 2},
			{Status: 200, Body: fmt.Sprintf(`{"access_token":"tok-%s","token_type":%q,"expires_in":600}`, creds.ClientSecret, creds.ClientSecret)},
			{Status: 403, Body: "<html>" + basic + "</html>", Times: 2},
			{Drop: true, Times: 2},
		} {
			f.Method, f.Path = "POST", tokenPath
			inject(f)
			_, err := client.Customers.Get(ctx, res.CustomerID)
			s.result(fmt.Sprintf("token failure %d via client %d", f.Status, i), nil, err)
			require.Error(t, err, "token failure %d drop=%v via client %d", f.Status, f.Drop, i)
		}
	}

	secrets := map[string]string{
		"client secret":          creds.ClientSecret,
		"Basic header":           basic,
		"Basic credentials":      strings.TrimPrefix(basic, "Basic "),
		"WiFi key":               sweepWifiKey,
		"second WiFi key":        sweepWifiKey2,
		"short WiFi key":         sweepShortKey,
		"long WiFi key":          sweepLongKey[:40],
		"password":               sweepPassword,
		"bearer from the header": "Bearer " + bearer[0],
	}
	for i, tok := range seen.list() {
		secrets[fmt.Sprintf("bearer token %d", i)] = tok
	}
	s.check(secrets)
}

// TestNoSecretInRequestURLs records every URL the fake receives during an onboarding, an
// offboarding and a token refresh: no token, secret, key or password in a path or a query.
func TestNoSecretInRequestURLs(t *testing.T) {
	t.Parallel()
	seen := &bearers{tokens: map[string]bool{}}
	srv := plumetest.NewServer(t, plumetest.WithRequestHook(seen.hook), plumetest.WithTokenTTL(31*time.Second))
	srv.AddGateways("GW0001")
	srv.AddInventory("POD001")
	c := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	ctx := t.Context()
	res, err := c.Onboard(ctx, plume.OnboardRequest{
		AccountID: "crm-urls-01", Email: "u@example.com", ServiceID: "svc-urls-01",
		Wifi: &plume.WifiNetworkRequest{SSID: "Urls", EncryptionKey: sweepWifiKey}, Gateway: "GW0001", Extenders: []string{"POD001"},
	})
	require.NoError(t, err)
	// A bearer the API refuses: the SDK fetches another and retries.
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "PUT", Status: 401}))
	_, err = c.WifiNetworks.Replace(ctx, res.CustomerID, res.LocationID, plume.WifiNetworkRequest{SSID: "Urls", EncryptionKey: sweepWifiKey2})
	require.NoError(t, err)
	_, err = c.UnclaimForRMA(ctx, "POD001")
	require.NoError(t, err)
	require.NoError(t, c.CancelService(ctx, res.CustomerID, res.LocationID))

	creds := srv.Credentials()
	basic := base64.StdEncoding.EncodeToString([]byte(creds.ClientID + ":" + creds.ClientSecret))
	secrets := append([]string{creds.ClientSecret, basic, sweepWifiKey, sweepWifiKey2}, seen.list()...)
	require.GreaterOrEqual(t, len(seen.list()), 2, "the 401 made the SDK fetch a second token")
	seen.mu.Lock()
	defer seen.mu.Unlock()
	require.NotEmpty(t, seen.urls)
	for _, u := range seen.urls {
		for _, secret := range secrets {
			for _, form := range secretForms(secret) {
				assert.False(t, strings.Contains(u, form), "a secret leaked")
			}
		}
		lower := strings.ToLower(u)
		for _, name := range []string{"token=", "secret", "password", "key=", "encryptionkey", "authorization"} {
			assert.False(t, strings.Contains(lower, name), "a URL names %q", name)
		}
	}
}
