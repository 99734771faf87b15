package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The keys in testdata/wifi_network*.json: the network's and a guest key under keys[].
const (
	wifiFixtureKey      = "Tr0ub4dor-and-3"
	wifiFixtureGuestKey = "guest-pass-7781"
)

// wifiStatuses are the statuses every WifiNetwork endpoint documents, plus extra.
func wifiStatuses(extra ...statusCase) []statusCase {
	return append([]statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, extra...)
}

// assertFixtureNetwork checks got against testdata/wifi_network_bare.json.
func assertFixtureNetwork(t *testing.T, got *WifiNetwork) {
	t.Helper()
	require.NotNil(t, got)
	assert.Equal(t, "6418c49c2f1e4a0012ab3701", got.ID)
	assert.Equal(t, "6418c49c2f1e4a0012ab34ce", got.LocationID)
	assert.Equal(t, "DoeHome", got.SSID)
	assert.Equal(t, wifiFixtureKey, got.EncryptionKey)
	assert.Equal(t, WPAPSK2, got.WPAMode)
	assert.True(t, got.Enabled)
	assert.Equal(t, time.Date(2023, 3, 27, 14, 45, 0, 0, time.UTC), got.CreatedAt.UTC())
	assert.Equal(t, time.Date(2023, 3, 27, 14, 46, 10, 250e6, time.UTC), got.UpdatedAt.UTC())
	assert.JSONEq(t, fixture(t, "wifi_network_bare.json"), string(got.Raw), "Raw is the network, not its wrapper")
}

func TestWifiNetworksGet(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "wifi_network.json")

	got, err := c.WifiNetworks.Get(t.Context(), "a/b?c", "l/1?x")
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/a%2Fb%3Fc/locations/l%2F1%3Fx/wifiNetwork", "", "")
	assertFixtureNetwork(t, got)
}

func TestWifiNetworksDecodeWrappedOrBare(t *testing.T) {
	t.Parallel()
	calls := map[string]func(ctx context.Context, c *Client) (*WifiNetwork, error){
		"Get": func(ctx context.Context, c *Client) (*WifiNetwork, error) {
			return c.WifiNetworks.Get(ctx, "c1", "l1")
		},
		"Create": func(ctx context.Context, c *Client) (*WifiNetwork, error) {
			return c.WifiNetworks.Create(ctx, "c1", "l1", WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey})
		},
		"Replace": func(ctx context.Context, c *Client) (*WifiNetwork, error) {
			return c.WifiNetworks.Replace(ctx, "c1", "l1", WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey})
		},
		"Update": func(ctx context.Context, c *Client) (*WifiNetwork, error) {
			return c.WifiNetworks.Update(ctx, "c1", "l1", WifiNetworkUpdate{SSID: custPtr("DoeHome")})
		},
	}
	for name, call := range calls {
		for _, file := range []string{"wifi_network.json", "wifi_network_bare.json"} {
			t.Run(name+"/"+file, func(t *testing.T) {
				t.Parallel()
				c, m := newMockClient(t)
				m.replyFixture(http.StatusOK, file)
				got, err := call(t.Context(), c)
				require.NoError(t, err)
				assertFixtureNetwork(t, got)
			})
		}
	}
}

func TestWifiNetworksDecodeEmptyAndBroken(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "null", "{}", `{"wifiNetwork":{}}`, `{"wifiNetwork":{"id":"w1"}}`} {
		c, m := newMockClient(t)
		m.reply(http.StatusOK, body)
		got, err := c.WifiNetworks.Get(t.Context(), "c1", "l1")
		require.ErrorIs(t, err, ErrUnexpectedResponse, "body %q: a network without an SSID is not a network", body)
		assert.Nil(t, got)
	}

	c, m := newMockClient(t)
	m.reply(http.StatusOK, `{"wifiNetwork":{"ssid":12}}`)
	_, err := c.WifiNetworks.Get(t.Context(), "c1", "l1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WifiNetworks.Get: decoding response")
}

func TestWifiNetworksGetErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "WifiNetworks.Get", wifiStatuses(), func(ctx context.Context, c *Client) error {
		_, err := c.WifiNetworks.Get(ctx, "c1", "l1")
		return err
	})
}

func TestWifiNetworksCreateAndReplace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		mode   WPAMode
		call   func(ctx context.Context, c *Client, customerID, locationID string, req WifiNetworkRequest) (*WifiNetwork, error)
	}{
		{http.MethodPost, WPAPSK2, func(ctx context.Context, c *Client, customerID, locationID string, req WifiNetworkRequest) (*WifiNetwork, error) {
			return c.WifiNetworks.Create(ctx, customerID, locationID, req)
		}},
		{http.MethodPut, WPASAEMixed, func(ctx context.Context, c *Client, customerID, locationID string, req WifiNetworkRequest) (*WifiNetwork, error) {
			return c.WifiNetworks.Replace(ctx, customerID, locationID, req)
		}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, "wifi_network.json")

			got, err := tc.call(t.Context(), c, "a/b?c", "l/1?x", WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey, WPAMode: tc.mode})
			require.NoError(t, err)
			assertRequest(t, m.only(), tc.method, "/api/Customers/a%2Fb%3Fc/locations/l%2F1%3Fx/wifiNetwork", "",
				`{"ssid":"DoeHome","encryptionKey":"Tr0ub4dor-and-3","wpaMode":"`+string(tc.mode)+`",`+
					`"wpaModes":{"freqBand24":"`+string(tc.mode)+`","freqBand5":"`+string(tc.mode)+`","freqBand6":"sae"}}`)
			assertFixtureNetwork(t, got)
		})
	}
}

// The reference requires wpaMode and wpaModes on create and replace: they are always sent,
// derived from what the caller gave, with DefaultWPAMode when it gave nothing.
func TestWifiNetworksCreateAlwaysSendsWPAModes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		mode WPAMode
		per  *WPAModes
		want string
	}{
		{"nothing", "", nil, `"wpaMode":"psk2","wpaModes":{"freqBand24":"psk2","freqBand5":"psk2","freqBand6":"sae"}`},
		{"one mode", WPASAEMixed, nil, `"wpaMode":"sae-mixed","wpaModes":{"freqBand24":"sae-mixed","freqBand5":"sae-mixed","freqBand6":"sae"}`},
		{"per band only", "", &WPAModes{Band24: WPAPSKMixed, Band5: WPASAE}, `"wpaMode":"psk-mixed","wpaModes":{"freqBand24":"psk-mixed","freqBand5":"sae","freqBand6":"sae"}`},
		{"both", WPAPSK2, &WPAModes{Band5: WPASAEMixed}, `"wpaMode":"psk2","wpaModes":{"freqBand24":"psk2","freqBand5":"sae-mixed","freqBand6":"sae"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, "wifi_network.json")
			_, err := c.WifiNetworks.Create(t.Context(), "c1", "l1", WifiNetworkRequest{SSID: "Café 🏠", EncryptionKey: "12345678", WPAMode: tc.mode, WPAModes: tc.per})
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost, "/api/Customers/c1/locations/l1/wifiNetwork", "",
				`{"ssid":"Café 🏠","encryptionKey":"12345678",`+tc.want+`}`)
		})
	}
	for _, bad := range []*WPAModes{{Band6: WPAPSK2}, {Band24: "wep"}} {
		assertNoRequest(t, "", func(ctx context.Context, c *Client) error {
			_, err := c.WifiNetworks.Create(ctx, "c1", "l1", WifiNetworkRequest{SSID: "Home", EncryptionKey: "12345678", WPAModes: bad})
			return err
		})
	}
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "wifi_network.json")
	modes := WPAModes{Band24: WPAPSK2, Band6: WPASAE}
	_, err := c.WifiNetworks.Update(t.Context(), "c1", "l1", WifiNetworkUpdate{WPAModes: &modes})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/c1/locations/l1/wifiNetwork", "",
		`{"wpaModes":{"freqBand24":"psk2","freqBand6":"sae"}}`)
}

func TestWifiNetworksCreateErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "WifiNetworks.Create", wifiStatuses(
		statusCase{409, []error{ErrWifiNetworkExists, ErrConflict}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.WifiNetworks.Create(ctx, "c1", "l1", WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey})
		return err
	})
}

func TestWifiNetworksReplaceErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "WifiNetworks.Replace", wifiStatuses(
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.WifiNetworks.Replace(ctx, "c1", "l1", WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey})
		return err
	})

	c, m := newMockClient(t)
	m.reply(http.StatusConflict, loopbackError(409, "Error", "conflict"))
	_, err := c.WifiNetworks.Replace(t.Context(), "c1", "l1", WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey})
	assert.ErrorIs(t, err, ErrConflict)
	assert.NotErrorIs(t, err, ErrWifiNetworkExists, "the exists meaning belongs to Create only")
}

func TestWifiNetworksUpdate(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "wifi_network_bare.json")

	got, err := c.WifiNetworks.Update(t.Context(), "a/b?c", "l/1?x", WifiNetworkUpdate{Enabled: custPtr(false), WPAMode: custPtr(WPASAE)})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/a%2Fb%3Fc/locations/l%2F1%3Fx/wifiNetwork", "",
		`{"enabled":false,"wpaMode":"sae"}`)
	assertFixtureNetwork(t, got)
}

func TestWifiNetworksUpdateSendsEveryField(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "wifi_network_bare.json")

	_, err := c.WifiNetworks.Update(t.Context(), "c1", "l1", WifiNetworkUpdate{
		SSID:                         custPtr("NewName"),
		Enabled:                      custPtr(true),
		WPAMode:                      custPtr(WPAPSKMixed),
		UAPSD:                        custPtr(false),
		PrivateMode:                  custPtr(true),
		DisableDefaultServiceNetwork: custPtr(false),
		GroupRekey:                   custPtr("disable"),
		FastTransition:               custPtr("enable"),
		MinWifiMode24:                custPtr("11n"),
	})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/c1/locations/l1/wifiNetwork", "",
		`{"ssid":"NewName","enabled":true,"wpaMode":"psk-mixed","uapsd":false,"privateMode":true,
		  "disableDefaultServiceNetwork":false,"groupRekey":"disable","fastTransition":"enable","minWifiMode24":"11n"}`)
}

func TestWifiNetworksUpdateErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "WifiNetworks.Update", wifiStatuses(
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.WifiNetworks.Update(ctx, "c1", "l1", WifiNetworkUpdate{Enabled: custPtr(true)})
		return err
	})
}

func TestWifiNetworksValidation(t *testing.T) {
	t.Parallel()
	good := WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: "12345678"}
	writes := map[string]func(ctx context.Context, c *Client, customerID, locationID string, req WifiNetworkRequest) error{
		"Create": func(ctx context.Context, c *Client, customerID, locationID string, req WifiNetworkRequest) error {
			_, err := c.WifiNetworks.Create(ctx, customerID, locationID, req)
			return err
		},
		"Replace": func(ctx context.Context, c *Client, customerID, locationID string, req WifiNetworkRequest) error {
			_, err := c.WifiNetworks.Replace(ctx, customerID, locationID, req)
			return err
		},
	}
	cases := map[string]struct {
		field                  string
		customerID, locationID string
		req                    WifiNetworkRequest
	}{
		"empty customer":  {"customerID", "", "l1", good},
		"dot customer":    {"customerID", ".", "l1", good},
		"dotdot location": {"locationID", "c1", "..", good},
		"empty SSID":      {"SSID", "c1", "l1", WifiNetworkRequest{EncryptionKey: "12345678"}},
		"SSID of 33":      {"SSID", "c1", "l1", WifiNetworkRequest{SSID: strings.Repeat("s", 33), EncryptionKey: "12345678"}},
		"SSID 33 bytes":   {"SSID", "c1", "l1", WifiNetworkRequest{SSID: strings.Repeat("é", 16) + "x", EncryptionKey: "12345678"}},
		"key of 7":        {"EncryptionKey", "c1", "l1", WifiNetworkRequest{SSID: "x", EncryptionKey: "1234567"}},
		"key of 64":       {"EncryptionKey", "c1", "l1", WifiNetworkRequest{SSID: "x", EncryptionKey: strings.Repeat("k", 64)}},
		"unknown mode":    {"WPAMode", "c1", "l1", WifiNetworkRequest{SSID: "x", EncryptionKey: "12345678", WPAMode: "wep"}},
	}
	for op, write := range writes {
		for name, tc := range cases {
			t.Run(op+"/"+name, func(t *testing.T) {
				t.Parallel()
				assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
					return write(ctx, c, tc.customerID, tc.locationID, tc.req)
				})
			})
		}
	}
	t.Run("Get", func(t *testing.T) {
		t.Parallel()
		assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
			_, err := c.WifiNetworks.Get(ctx, "c1", " ")
			return err
		})
	})
}

func TestWifiNetworksValidationNeverQuotesTheKey(t *testing.T) {
	t.Parallel()
	c, _ := newMockClient(t)
	for _, key := range []string{"short7!", strings.Repeat("secret-", 10)} {
		_, err := c.WifiNetworks.Create(t.Context(), "c1", "l1", WifiNetworkRequest{SSID: "x", EncryptionKey: key})
		require.ErrorIs(t, err, ErrInvalidInput)
		assert.False(t, strings.Contains(err.Error(), key), "a secret leaked")
	}
}

func TestWifiNetworksUpdateValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		field string
		upd   WifiNetworkUpdate
	}{
		"nothing set":            {"WifiNetworkUpdate", WifiNetworkUpdate{}},
		"empty SSID":             {"SSID", WifiNetworkUpdate{SSID: custPtr("")}},
		"long SSID":              {"SSID", WifiNetworkUpdate{SSID: custPtr(strings.Repeat("s", 33))}},
		"empty WPA mode":         {"WPAMode", WifiNetworkUpdate{WPAMode: custPtr(WPAMode(""))}},
		"unknown WPA mode":       {"WPAMode", WifiNetworkUpdate{WPAMode: custPtr(WPAMode("wpa3"))}},
		"unknown groupRekey":     {"GroupRekey", WifiNetworkUpdate{GroupRekey: custPtr("on")}},
		"unknown fastTransition": {"FastTransition", WifiNetworkUpdate{FastTransition: custPtr("")}},
		"unknown minWifiMode24":  {"MinWifiMode24", WifiNetworkUpdate{MinWifiMode24: custPtr("11ac")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
				_, err := c.WifiNetworks.Update(ctx, "c1", "l1", tc.upd)
				return err
			})
		})
	}
}

func TestWifiNetworksErrorRedactsEchoedKey(t *testing.T) {
	t.Parallel()
	const key = "MyHomeKey#2024"
	echo := `{"error":{"statusCode":422,"name":"ValidationError","message":"encryptionKey MyHomeKey#2024 is not allowed",` +
		`"details":{"context":"wifiNetwork","codes":{"encryptionKey":["format"]},"messages":{"encryptionKey":["MyHomeKey#2024 is weak"]}},` +
		`"request":{"ssid":"DoeHome","encryptionKey":"MyHomeKey#2024"}}}`
	for _, op := range []string{"Create", "Replace"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(http.StatusUnprocessableEntity, echo)
			req := WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: key}
			var err error
			if op == "Create" {
				_, err = c.WifiNetworks.Create(t.Context(), "c1", "l1", req)
			} else {
				_, err = c.WifiNetworks.Replace(t.Context(), "c1", "l1", req)
			}
			require.ErrorIs(t, err, ErrValidation)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.False(t, strings.Contains(err.Error(), key), "a secret leaked")
			assert.False(t, strings.Contains(fmt.Sprintf("%+v", err), key), "a secret leaked")
			assert.False(t, strings.Contains(apiErr.Message, key), "a secret leaked")
			assert.False(t, strings.Contains(string(apiErr.Body), key), "a secret leaked")
			assert.Contains(t, apiErr.Message, "is not allowed", "the rest of the message is kept")
			assert.Contains(t, string(apiErr.Body), "DoeHome", "the rest of the body is kept")
		})
	}
}

// printedForms returns every way v can reach a log: fmt verbs on the value and a pointer,
// nested in containers, and slog's JSON and text handlers.
func printedForms[T any](v T) map[string]string {
	p := &v
	forms := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%10.3v"} {
		forms[verb] = fmt.Sprintf(verb, v)
		forms["pointer "+verb] = fmt.Sprintf(verb, p)
	}
	forms["Sprint"] = fmt.Sprint(v)
	forms["Sprintln pointer"] = fmt.Sprintln(p)
	forms["slice %+v"] = fmt.Sprintf("%+v", []T{v})
	forms["slice %#v"] = fmt.Sprintf("%#v", []T{v})
	forms["struct %+v"] = fmt.Sprintf("%+v", struct{ W T }{v})
	forms["struct %#v"] = fmt.Sprintf("%#v", struct{ W T }{v})
	forms["map %v"] = fmt.Sprintf("%v", map[string]T{"w": v})
	var jsonLog, textLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("wifi", "value", v, "pointer", p)
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("wifi", "value", v, "pointer", p)
	forms["slog json"] = jsonLog.String()
	forms["slog text"] = textLog.String()
	return forms
}

func TestWifiNetworkPrintsMasked(t *testing.T) {
	t.Parallel()
	var network WifiNetwork
	require.NoError(t, json.Unmarshal([]byte(fixture(t, "wifi_network.json")), &struct {
		W *WifiNetwork `json:"wifiNetwork"`
	}{&network}))
	require.Equal(t, wifiFixtureKey, network.EncryptionKey)
	require.Contains(t, string(network.Raw), wifiFixtureGuestKey)

	for form, text := range printedForms(network) {
		assert.False(t, strings.Contains(text, wifiFixtureKey), form)
		assert.False(t, strings.Contains(text, wifiFixtureGuestKey), form)
		assert.NotContains(t, text, "Tr0ub", form)
		if !strings.Contains(form, "%x") && !strings.Contains(form, "%X") && !strings.Contains(form, "%q") {
			assert.Contains(t, text, "DoeHome", form)
		}
	}
	assert.Contains(t, fmt.Sprintf("%#v", network), `"ssidBroadcast\":true`, "%#v keeps the rest of Raw")
	assert.Contains(t, fmt.Sprintf("%v", network), "[REDACTED]")
	assert.Equal(t, wifiFixtureKey, network.EncryptionKey, "printing does not change the value")
}

func TestWifiNetworkPrintsEmptyKeyEmpty(t *testing.T) {
	t.Parallel()
	s := fmt.Sprint(WifiNetwork{SSID: "open"})
	assert.Contains(t, s, `EncryptionKey:""`)
	assert.NotContains(t, s, "REDACTED")
	var nilNetwork *WifiNetwork
	assert.Equal(t, "<nil>", fmt.Sprint(nilNetwork))
}

func TestWifiNetworkRequestPrintsMasked(t *testing.T) {
	t.Parallel()
	req := WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey, WPAMode: WPASAE}
	for form, text := range printedForms(req) {
		assert.False(t, strings.Contains(text, wifiFixtureKey), form)
		assert.NotContains(t, text, "Tr0ub", form)
	}
	assert.Contains(t, fmt.Sprintf("%+v", req), "DoeHome")
	assert.Contains(t, fmt.Sprintf("%+v", req), "sae")

	body, err := json.Marshal(req)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ssid":"DoeHome","encryptionKey":"[REDACTED]","wpaMode":"sae","wpaModes":{"freqBand24":"sae","freqBand5":"sae","freqBand6":"sae"}}`, string(body),
		"json.Marshal masks: only the request body (the unexported wire type) carries the key")

	c, m := newMockClient(t)
	m.reply(http.StatusOK, `{"wifiNetwork":{"ssid":"DoeHome"}}`)
	_, err = c.WifiNetworks.Create(t.Context(), "c1", "l1", req)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ssid":"DoeHome","encryptionKey":"Tr0ub4dor-and-3","wpaMode":"sae","wpaModes":{"freqBand24":"sae","freqBand5":"sae","freqBand6":"sae"}}`, string(m.only().Body),
		"the API receives the key")
}

func TestWifiNetworkMaskedErrorWrapping(t *testing.T) {
	t.Parallel()
	req := WifiNetworkRequest{SSID: "DoeHome", EncryptionKey: wifiFixtureKey}
	err := fmt.Errorf("creating %v: %w", req, errors.New("boom"))
	assert.False(t, strings.Contains(err.Error(), wifiFixtureKey), "a secret leaked")
}
