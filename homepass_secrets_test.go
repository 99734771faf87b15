package plume

// homepass_secrets_test.go: a HomePass key (Key, KeyRequest) held at any depth of any value
// (slices, arrays, maps, pointers, structs, interfaces) never prints through fmt's verbs,
// json.Marshal, encoding.TextMarshaler or slog's JSON and text handlers, and no error of a key
// call, along its whole Unwrap chain, carries the key. Modelled on secrets_nested_test.go.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	nestedHomePassKey = "Nested-HomePass-Key-4711"
	nestedPhoneKey    = "+46701234567"
)

// keyForms are the ways a key may show in output: as is, and hex-encoded (%x of a raw string).
func homePassKeyForms(key string) []string {
	return []string{key, hex.EncodeToString([]byte(key)), strings.ToUpper(hex.EncodeToString([]byte(key)))}
}

// nestedKeyValues are values that hold a HomePass key somewhere inside.
func nestedKeyValues() map[string]any {
	expires := time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC)
	key := Key{ID: 1, EncryptionKey: nestedHomePassKey, AccessZone: AccessZoneGuests, AccessZoneID: 2, KeyFormat: KeyFormatEncryptionKey,
		Enabled: true, Content: []string{"adultAndSensitive"}, ExpiresAt: &expires,
		Raw: json.RawMessage(`{"id":1,"encryptionKey":"` + nestedHomePassKey + `","note":"` + nestedHomePassKey + `"}`)}
	phone := Key{ID: 2, EncryptionKey: nestedPhoneKey, AccessZone: AccessZoneInternetOnly, KeyFormat: KeyFormatPhoneNumber,
		Raw: json.RawMessage(`{"id":2,"encryptionKey":"` + nestedPhoneKey + `"}`)}
	req := KeyRequest{EncryptionKey: nestedHomePassKey, KeyFormat: KeyFormatEncryptionKey, Enabled: true, ExpiresAt: &expires}
	phoneReq := KeyRequest{EncryptionKey: nestedPhoneKey, KeyFormat: KeyFormatPhoneNumber}
	type holder struct {
		Name  string
		Keys  []Key
		Req   KeyRequest
		Ptr   *KeyRequest
		Inner struct {
			Any  []any
			ByID map[int]Key
		}
	}
	h := holder{Name: "h", Keys: []Key{key, phone}, Req: req, Ptr: &phoneReq}
	h.Inner.Any = []any{key, &req, phone}
	h.Inner.ByID = map[int]Key{1: key}
	return map[string]any{
		"Key":                key,
		"*Key":               &key,
		"phone Key":          phone,
		"KeyRequest":         req,
		"*KeyRequest":        &req,
		"phone KeyRequest":   phoneReq,
		"[]Key":              []Key{key, phone},
		"[]*Key":             []*Key{&key, &phone},
		"[2]Key":             [2]Key{key, phone},
		"[]KeyRequest":       []KeyRequest{req, phoneReq},
		"map[string]Key":     map[string]Key{"guests": key},
		"map[string]*Key":    map[string]*Key{"guests": &key},
		"map[int]KeyRequest": map[int]KeyRequest{1: req},
		"map[string]any":     map[string]any{"key": key, "req": &req, "list": []any{phone}},
		"nested struct":      h,
		"*nested struct":     &h,
		"[]any":              []any{key, &phone, req, &phoneReq},
	}
}

func assertNoHomePassKey(t *testing.T, where, text string) {
	t.Helper()
	for _, key := range []string{nestedHomePassKey, nestedPhoneKey} {
		for _, form := range homePassKeyForms(key) {
			if strings.Contains(text, form) {
				t.Errorf("%s prints a key", where) // never the text itself: it holds the key
			}
		}
	}
}

func TestHomePassKeysNeverPrintAtAnyDepth(t *testing.T) {
	t.Parallel()
	for name, v := range nestedKeyValues() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Not %p: fmt prints a non-pointer operand of %p as a bad verb with its methods
			// turned off, fields and all, before any Format method can run; that holds for every
			// type (WifiNetwork and Credentials too) and no type can mask it.
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%e", "%f", "%g", "%o", "%b", "%c", "%U", "%T %v", "%20.4v", "%-30s", "% x", "%+q", "%#q"} {
				assertNoHomePassKey(t, "fmt "+verb, fmt.Sprintf(verb, v))
			}
			assertNoHomePassKey(t, "fmt.Sprint", fmt.Sprint(v))
			assertNoHomePassKey(t, "fmt.Sprintln", fmt.Sprintln(v, v))
			data, err := json.Marshal(v)
			require.NoError(t, err)
			assertNoHomePassKey(t, "json.Marshal", string(data))
			indented, err := json.MarshalIndent(map[string]any{"deep": []any{v, map[string]any{"again": v}}}, "", " ")
			require.NoError(t, err)
			assertNoHomePassKey(t, "json.MarshalIndent nested", string(indented))

			for hname, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
				"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
				"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			} {
				var buf bytes.Buffer
				logger := slog.New(newHandler(&buf))
				logger.Info("value", "v", v)
				logger.Info("group", slog.Group("g", slog.Any("v", v), slog.Any("list", []any{v})))
				logger.With("bound", v).WithGroup("wg").Info("bound", "again", v)
				assertNoHomePassKey(t, "slog "+hname, buf.String())
			}
		})
	}
}

func TestHomePassKeyMarshalText(t *testing.T) {
	t.Parallel()
	for _, m := range []interface{ MarshalText() ([]byte, error) }{
		Key{EncryptionKey: nestedHomePassKey}, KeyRequest{EncryptionKey: nestedHomePassKey},
	} {
		text, err := m.MarshalText()
		require.NoError(t, err)
		assertNoHomePassKey(t, "MarshalText", string(text))
		assert.Contains(t, string(text), "[REDACTED]")
	}
}

// TestHomePassKeyPrintsWhatIsNotSecret: masking keeps the rest readable, and an empty key
// prints empty rather than masked.
func TestHomePassKeyPrintsWhatIsNotSecret(t *testing.T) {
	t.Parallel()
	expires := time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC)
	k := Key{ID: 4, EncryptionKey: nestedHomePassKey, AccessZone: AccessZoneGuests, KeyFormat: KeyFormatEncryptionKey, Enabled: true, ExpiresAt: &expires}
	assert.Equal(t, `plume.Key{ID:4, AccessZone:"guests", KeyFormat:"encryptionKey", EncryptionKey:"[REDACTED]", Enabled:true, ExpiresAt:2025-03-01T18:00:00Z}`, fmt.Sprint(k))
	assert.Contains(t, fmt.Sprintf("%#v", k), "ExpiresAt:&time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC)")
	data, err := json.Marshal(k)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, "[REDACTED]", back["encryptionKey"])
	assert.Equal(t, "guests", back["accessZone"])
	assert.Equal(t, "encryptionKey", back["format"])
	assert.Equal(t, true, back["enable"])
	assert.NotContains(t, back, "Raw")

	empty := Key{ID: 0}
	assert.Contains(t, fmt.Sprint(empty), `EncryptionKey:""`)
	assert.Contains(t, fmt.Sprint(KeyRequest{}), `EncryptionKey:""`)

	data, err = json.Marshal(KeyRequest{EncryptionKey: nestedHomePassKey, Enabled: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"encryptionKey":"[REDACTED]","enable":true,"format":"encryptionKey"}`, string(data), "the body as sent, key masked")
}

// echoingTransport fails every request with an error whose text, at every level, carries the
// key the call sent (as a hostile proxy's may).
type echoingTransport struct{ secret string }

func (e echoingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, &url.Error{Op: "Post", URL: "https://evil.test/?k=" + e.secret,
		Err: fmt.Errorf("proxy said %s: %w", e.secret, errors.New("reset: "+e.secret))}
}

func TestHomePassErrorChainsNeverPrintTheKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{nestedHomePassKey, nestedPhoneKey} {
		c, err := NewClient(WithBaseURL(testBase),
			WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})),
			WithHTTPClient(&http.Client{Transport: echoingTransport{key}}), WithRetry(RetryPolicy{MaxRetries: 0}))
		require.NoError(t, err)
		format := KeyFormatEncryptionKey
		if strings.HasPrefix(key, "+") {
			format = KeyFormatPhoneNumber
		}
		req := KeyRequest{EncryptionKey: key, KeyFormat: format, Enabled: true}
		_, errCreate := c.HomePass.CreateKey(t.Context(), "c1", "l1", AccessZoneGuests, req)
		_, errUpdate := c.HomePass.UpdateKey(t.Context(), "c1", "l1", AccessZoneGuests, 3, req)
		for _, err := range []error{errCreate, errUpdate} {
			require.Error(t, err)
			depth := 0
			for e := err; e != nil; e = errors.Unwrap(e) {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
					assertNoHomePassKey(t, fmt.Sprintf("level %d %s", depth, verb), fmt.Sprintf(verb, e))
				}
				depth++
			}
			assert.Greater(t, depth, 1, "the cause is kept")
			var ue *url.Error
			if assert.ErrorAs(t, err, &ue) {
				assertNoHomePassKey(t, "url.Error", ue.Error()+ue.URL)
			}
		}
	}
}
