package plume_test

// secrets_nested_test.go: secrets held at any depth of any value (slices, maps, pointers,
// OnboardRequest, OnboardResult, batch records) never reach fmt, json.Marshal or slog's
// handlers, and no error along an Unwrap/As chain prints one. The single-value sweep is in
// secrets_test.go.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

const (
	nestedWifiKey      = "nested-wifi-key-4711"
	nestedClientSecret = "nested-client-secret-0815"
)

// nestedValues are values that hold a secret somewhere inside.
func nestedValues() map[string]any {
	req := plume.WifiNetworkRequest{SSID: "Home", EncryptionKey: nestedWifiKey, WPAMode: plume.WPAPSK2}
	network := plume.WifiNetwork{ID: "w1", SSID: "Home", EncryptionKey: nestedWifiKey,
		Raw: json.RawMessage(`{"ssid":"Home","encryptionKey":"` + nestedWifiKey + `"}`)}
	creds := plume.Credentials{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: nestedClientSecret, PartnerID: "p"}
	onboard := plume.OnboardRequest{AccountID: "acct-000001", Wifi: &req, Gateway: "GW1"}
	type holder struct {
		Name  string
		Creds plume.Credentials
		Inner struct{ Networks []plume.WifiNetwork }
	}
	h := holder{Name: "h", Creds: creds}
	h.Inner.Networks = []plume.WifiNetwork{network}
	return map[string]any{
		"OnboardRequest":     onboard,
		"*OnboardRequest":    &onboard,
		"OnboardResult":      plume.OnboardResult{CustomerID: "c1", Wifi: &network},
		"[]WifiNetwork":      []plume.WifiNetwork{network, network},
		"[]*WifiNetwork":     []*plume.WifiNetwork{&network},
		"map of requests":    map[string]plume.WifiNetworkRequest{"a": req},
		"map of any":         map[string]any{"creds": creds, "req": &req},
		"nested struct":      h,
		"*nested struct":     &h,
		"batch.Record":       batch.Record{Line: 2, AccountID: "acct-000001", Wifi: &req},
		"batch.Row":          batch.Row{Key: "acct-000001", Op: batch.OpOnboard, Onboard: &onboard},
		"[]batch.Row":        []batch.Row{{Key: "k", Op: batch.OpOnboard, Onboard: &onboard}},
		"[]any with secrets": []any{creds, &network, req},
	}
}

func assertNoNestedSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range []string{nestedWifiKey, nestedClientSecret} {
		if strings.Contains(text, secret) {
			t.Errorf("%s prints a secret", where) // never the text itself: it holds the secret
		}
	}
}

func TestNestedSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	for name, v := range nestedValues() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
				assertNoNestedSecret(t, "fmt "+verb, fmt.Sprintf(verb, v))
			}
			data, err := json.Marshal(v)
			require.NoError(t, err)
			assertNoNestedSecret(t, "json.Marshal", string(data))
			indented, err := json.MarshalIndent(map[string]any{"deep": []any{v}}, "", " ")
			require.NoError(t, err)
			assertNoNestedSecret(t, "json.MarshalIndent nested", string(indented))

			for hname, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
				"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
				"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			} {
				var buf bytes.Buffer
				logger := slog.New(newHandler(&buf))
				logger.Info("value", "v", v)
				logger.Info("group", slog.Group("g", slog.Any("v", v), slog.Any("list", []any{v})))
				logger.With("bound", v).Info("bound")
				assertNoNestedSecret(t, "slog "+hname, buf.String())
			}
		})
	}
}

// failingTransport fails every request with an error whose text, at every level, carries
// the secret the client knows (as a hostile proxy's or a redirect's error text may).
type failingTransport struct{ secret string }

func (f failingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, &url.Error{Op: "Post", URL: "https://evil.test/?k=" + f.secret,
		Err: fmt.Errorf("proxy said %s: %w", f.secret, errors.New("reset: "+f.secret))}
}

func TestErrorChainsNeverPrintASecret(t *testing.T) {
	t.Parallel()
	t.Run("API call", func(t *testing.T) {
		t.Parallel()
		c, err := plume.NewClient(plume.WithBaseURL("https://plume.test/api"),
			plume.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})),
			plume.WithHTTPClient(&http.Client{Transport: failingTransport{nestedWifiKey}}), plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
		require.NoError(t, err)
		_, err = c.WifiNetworks.Create(t.Context(), "c1", "l1", plume.WifiNetworkRequest{SSID: "Home", EncryptionKey: nestedWifiKey})
		require.Error(t, err)
		assertChainClean(t, err)
	})
	t.Run("token request", func(t *testing.T) {
		t.Parallel()
		c, err := plume.NewClient(plume.WithBaseURL("https://plume.test/api"),
			plume.WithCredentials(plume.Credentials{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: nestedClientSecret, PartnerID: "p"}),
			plume.WithHTTPClient(&http.Client{Transport: failingTransport{nestedClientSecret}}), plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
		require.NoError(t, err)
		_, err = c.Customers.Get(t.Context(), "c1")
		require.Error(t, err)
		assertChainClean(t, err)
	})
}

// assertChainClean walks err's whole chain (Unwrap, and each level through fmt) and the
// *url.Error that errors.As finds.
func assertChainClean(t *testing.T, err error) {
	t.Helper()
	depth := 0
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			assertNoNestedSecret(t, fmt.Sprintf("level %d %s", depth, verb), fmt.Sprintf(verb, e))
		}
		depth++
	}
	assert.Greater(t, depth, 1, "the cause is kept for errors.Is/As")
	var ue *url.Error
	if assert.True(t, errors.As(err, &ue), "a *url.Error is still reachable") {
		assertNoNestedSecret(t, "url.Error", ue.Error()+ue.URL)
	}
}
