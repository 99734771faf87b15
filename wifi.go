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
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
	"github.com/plumecloud/plume-go/internal/redact"
)

// WifiNetworksService is the WifiNetworks part of the API: the one WiFi network (SSID and
// key) of a location.
type WifiNetworksService service

// Per-operation meanings of the WifiNetwork endpoints.
var createWifiMeanings = map[int]error{409: ErrWifiNetworkExists}

// WifiNetwork is the WiFi network of a location. It prints with EncryptionKey masked, as a
// value and as a pointer, with every fmt verb and through slog; Raw keeps the whole object as
// received (key included) and prints masked too.
type WifiNetwork struct {
	ID            string          `json:"id"`
	LocationID    string          `json:"locationId"`
	SSID          string          `json:"ssid"`
	EncryptionKey string          `json:"encryptionKey"` // the WPA passphrase (PSK)
	WPAMode       WPAMode         `json:"wpaMode"`
	WPAModes      *WPAModes       `json:"wpaModes"`
	Enabled       bool            `json:"enabled"` // false when the radios are off, or when the API did not say
	CreatedAt     time.Time       `json:"createdAt"`
	UpdatedAt     time.Time       `json:"updatedAt"`
	Raw           json.RawMessage `json:"-"`
}

// plainWifiNetwork is WifiNetwork without methods, for decoding (decode.go).
type plainWifiNetwork WifiNetwork

func (p *plainWifiNetwork) with(raw json.RawMessage) WifiNetwork {
	w := WifiNetwork(*p)
	w.Raw = raw
	return w
}

// UnmarshalJSON decodes the API's wifiNetwork object (bare, not the {"wifiNetwork":…}
// wrapper) and keeps it whole in Raw.
func (w *WifiNetwork) UnmarshalJSON(data []byte) error {
	return decodeRawInto(w, data, (*plainWifiNetwork).with)
}

// String returns the network with its key masked; Raw is left out.
func (w WifiNetwork) String() string {
	return fmt.Sprintf("plume.WifiNetwork{ID:%q, LocationID:%q, SSID:%q, EncryptionKey:%q, WPAMode:%q, Enabled:%t}",
		w.ID, w.LocationID, w.SSID, redact.Secret(w.EncryptionKey), w.WPAMode, w.Enabled)
}

// GoString returns the network with its key masked, Raw included with every secret-named
// member masked, for %#v.
func (w WifiNetwork) GoString() string {
	return fmt.Sprintf("plume.WifiNetwork{ID:%q, LocationID:%q, SSID:%q, EncryptionKey:%q, WPAMode:%q, Enabled:%t, CreatedAt:%s, UpdatedAt:%s, Raw:json.RawMessage(%q)}",
		w.ID, w.LocationID, w.SSID, redact.Secret(w.EncryptionKey), w.WPAMode, w.Enabled,
		goTime(w.CreatedAt), goTime(w.UpdatedAt), maskRaw(w.Raw, w.EncryptionKey))
}

// Format prints the network masked with every verb: %#v is GoString, %q the quoted String,
// anything else String. Without it, verbs such as %d or %x would print the fields one by one.
func (w WifiNetwork) Format(f fmt.State, verb rune) { formatMasked(f, verb, w) }

// MarshalJSON encodes the network as the API's object with the key masked and without Raw,
// so that a value holding a WifiNetwork, at any depth, never marshals the key.
func (w WifiNetwork) MarshalJSON() ([]byte, error) {
	p := plainWifiNetwork(w)
	p.EncryptionKey = redact.Secret(p.EncryptionKey)
	return json.Marshal(p)
}

// MarshalText returns String: the network with its key masked.
func (w WifiNetwork) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// LogValue returns the network with its key masked, for slog.
func (w WifiNetwork) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", w.ID),
		slog.String("location_id", w.LocationID),
		slog.String("ssid", w.SSID),
		slog.String("encryption_key", redact.Secret(w.EncryptionKey)),
		slog.String("wpa_mode", string(w.WPAMode)),
		slog.Bool("enabled", w.Enabled),
	)
}

// WifiNetworkRequest is the body of Create and Replace. SSID (1–32 bytes) and EncryptionKey
// (8–63 characters) are required; WPAMode and WPAModes default as WifiNetworksService.Create says. It prints
// with the key masked, like WifiNetwork.
type WifiNetworkRequest struct {
	SSID          string    `json:"ssid"`
	EncryptionKey string    `json:"encryptionKey"`
	WPAMode       WPAMode   `json:"wpaMode,omitempty"`
	WPAModes      *WPAModes `json:"wpaModes,omitempty"` // per band; bands left empty follow WPAMode
}

// Validate checks the request as Create, Replace and Onboard do before sending it. Its
// error never carries the key.
func (r WifiNetworkRequest) Validate() error {
	if err := checkSSID(r.SSID); err != nil {
		return err
	}
	if err := checkKey(r.EncryptionKey); err != nil {
		return err
	}
	if err := checkEnum("WPAMode", r.WPAMode, WPAMode.valid); err != nil {
		return err
	}
	if r.WPAModes != nil {
		return r.WPAModes.Validate()
	}
	return nil
}

// String returns the request with its key masked.
func (r WifiNetworkRequest) String() string {
	return fmt.Sprintf("plume.WifiNetworkRequest{SSID:%q, EncryptionKey:%q, WPAMode:%q}",
		r.SSID, redact.Secret(r.EncryptionKey), r.WPAMode)
}

// GoString returns the request with its key masked, for %#v.
func (r WifiNetworkRequest) GoString() string { return r.String() }

// Format prints the request masked with every verb (see WifiNetwork.Format).
func (r WifiNetworkRequest) Format(f fmt.State, verb rune) { formatMasked(f, verb, r) }

// MarshalJSON encodes the request with the key masked: the request body the API receives is
// built from an unexported wire type (wire), so nothing else ever marshals the key.
func (r WifiNetworkRequest) MarshalJSON() ([]byte, error) {
	w := r.wire()
	w.EncryptionKey = redact.Secret(w.EncryptionKey)
	return json.Marshal(w)
}

// MarshalText returns String: the request with its key masked.
func (r WifiNetworkRequest) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// wifiRequestWire is the body of Create and Replace as sent, key included: always wpaMode and
// wpaModes, which the reference requires (docs/plume-api-errata.md B1).
type wifiRequestWire struct {
	SSID          string   `json:"ssid"`
	EncryptionKey string   `json:"encryptionKey"`
	WPAMode       WPAMode  `json:"wpaMode"`
	WPAModes      WPAModes `json:"wpaModes"`
}

func (r WifiNetworkRequest) wire() wifiRequestWire {
	mode, modes := resolveWPAModes(r.WPAMode, r.WPAModes)
	return wifiRequestWire{SSID: r.SSID, EncryptionKey: r.EncryptionKey, WPAMode: mode, WPAModes: modes}
}

// LogValue returns the request with its key masked, for slog.
func (r WifiNetworkRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("ssid", r.SSID),
		slog.String("encryption_key", redact.Secret(r.EncryptionKey)),
		slog.String("wpa_mode", string(r.WPAMode)),
	)
}

// WifiNetworkUpdate is the body of Update: only the fields set are sent, and at least one
// must be. The key cannot be changed here: use Replace.
type WifiNetworkUpdate struct {
	SSID                         *string   `json:"ssid,omitempty"`
	Enabled                      *bool     `json:"enabled,omitempty"` // false turns every radio off
	WPAMode                      *WPAMode  `json:"wpaMode,omitempty"`
	WPAModes                     *WPAModes `json:"wpaModes,omitempty"` // per band, sent as given
	UAPSD                        *bool     `json:"uapsd,omitempty"`
	PrivateMode                  *bool     `json:"privateMode,omitempty"` // stops collecting DNS queries, user agents…
	DisableDefaultServiceNetwork *bool     `json:"disableDefaultServiceNetwork,omitempty"`
	GroupRekey                   *string   `json:"groupRekey,omitempty"`     // "auto", "enable" or "disable"
	FastTransition               *string   `json:"fastTransition,omitempty"` // "auto", "enable" or "disable"
	MinWifiMode24                *string   `json:"minWifiMode24,omitempty"`  // "auto", "11b", "11g" or "11n"
}

// Validate checks the update as Update does before sending it.
func (u WifiNetworkUpdate) Validate() error {
	if u == (WifiNetworkUpdate{}) {
		return invalid("WifiNetworkUpdate", "needs at least one field set")
	}
	if u.SSID != nil {
		if err := checkSSID(*u.SSID); err != nil {
			return err
		}
	}
	if u.WPAMode != nil && !u.WPAMode.valid() {
		return invalid("WPAMode", "unknown value %q", string(*u.WPAMode))
	}
	if u.WPAModes != nil {
		if err := u.WPAModes.Validate(); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name  string
		value *string
		valid []string
	}{
		{"GroupRekey", u.GroupRekey, []string{"auto", "enable", "disable"}},
		{"FastTransition", u.FastTransition, []string{"auto", "enable", "disable"}},
		{"MinWifiMode24", u.MinWifiMode24, []string{"auto", "11b", "11g", "11n"}},
	} {
		if f.value != nil && !oneOf(*f.value, f.valid) {
			return invalid(f.name, "unknown value %q (want one of %s)", *f.value, strings.Join(f.valid, ", "))
		}
	}
	return nil
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// Get returns the WiFi network of a location; a location without one answers 404 (ErrNotFound).
//
// API: GET /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *WifiNetworksService) Get(ctx context.Context, customerID, locationID string) (*WifiNetwork, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return s.send(ctx, &request{
		op:     "WifiNetworks.Get",
		method: http.MethodGet,
		path:   wifiPath(customerID, locationID),
	})
}

// Create sets up the WiFi network of a location that has none (ErrWifiNetworkExists otherwise).
// It is needed only for pods without an ISP gateway.
//
// The reference requires wpaMode and wpaModes (docs/plume-api-errata.md B1); the guide's
// example sends neither. Create always sends both: wpaMode is req.WPAMode (else the 2.4 or 5
// GHz mode of req.WPAModes, else DefaultWPAMode, psk2), and wpaModes gives each band its mode
// from req.WPAModes, the bands left empty taking wpaMode, 6 GHz always sae. The answer is read
// wrapped ({"wifiNetwork":…}) or bare.
//
// API: POST /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *WifiNetworksService) Create(ctx context.Context, customerID, locationID string, req WifiNetworkRequest) (*WifiNetwork, error) {
	return s.write(ctx, "WifiNetworks.Create", http.MethodPost, customerID, locationID, req, createWifiMeanings)
}

// Replace replaces the SSID, key and WPA modes of a location's WiFi network; wpaMode and
// wpaModes are always sent, derived as Create says.
//
// API: PUT /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *WifiNetworksService) Replace(ctx context.Context, customerID, locationID string, req WifiNetworkRequest) (*WifiNetwork, error) {
	return s.write(ctx, "WifiNetworks.Replace", http.MethodPut, customerID, locationID, req, nil)
}

func (s *WifiNetworksService) write(ctx context.Context, op, method, customerID, locationID string, req WifiNetworkRequest, meanings map[int]error) (*WifiNetwork, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return s.send(ctx, &request{
		op:       op,
		method:   method,
		path:     wifiPath(customerID, locationID),
		body:     req.wire(),
		meanings: meanings,
		secrets:  []string{req.EncryptionKey},
	})
}

// Update changes the settings of upd that are set and returns the whole network.
//
// API: PATCH /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *WifiNetworksService) Update(ctx context.Context, customerID, locationID string, upd WifiNetworkUpdate) (*WifiNetwork, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	return s.send(ctx, &request{
		op:     "WifiNetworks.Update",
		method: http.MethodPatch,
		path:   wifiPath(customerID, locationID),
		body:   upd,
	})
}

// send runs r and decodes its answer, wrapped or bare.
func (s *WifiNetworksService) send(ctx context.Context, r *request) (*WifiNetwork, error) {
	answer, err := call[wifiAnswer](ctx, s.client, r)
	if err != nil {
		return nil, err
	}
	return &answer.WifiNetwork, nil
}

// wifiAnswer is the answer of every WifiNetwork call (see decodeWifiNetwork).
type wifiAnswer struct{ WifiNetwork }

func (a *wifiAnswer) missing() string {
	if a.SSID == "" {
		return "no ssid"
	}
	return ""
}

func (a *wifiAnswer) decodeBody(body []byte) error {
	network, err := decodeWifiNetwork(body)
	if err == nil {
		a.WifiNetwork = *network
	}
	return err
}

func wifiPath(customerID, locationID string) string {
	return buildPath("Customers", customerID, "locations", locationID, "wifiNetwork")
}

// errWifiShape is an answer that is neither a wifiNetwork object nor {"wifiNetwork":{…}}.
var errWifiShape = errors.New("not a wifiNetwork object")

// decodeWifiNetwork reads {"wifiNetwork":{…}} (GET, POST, PUT) or a bare network (PATCH); the
// API documents both and either may come from any of them. An empty body is an empty network.
func decodeWifiNetwork(body json.RawMessage) (*WifiNetwork, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return &WifiNetwork{}, nil
	}
	// body is valid JSON (the pipeline decoded it into a json.RawMessage).
	if inner, ok := jsonraw.Member(body, "wifiNetwork"); ok && len(inner) > 0 && inner[0] == '{' {
		body = inner
	} else if body[0] != '{' {
		return nil, errWifiShape
	}
	var network WifiNetwork
	if err := decodeRawInto(&network, body, (*plainWifiNetwork).with); err != nil {
		return nil, err
	}
	return &network, nil
}
