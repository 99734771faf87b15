package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// StaticIPv4 is the static IPv4 WAN setup of a location's gateway. Addresses are dotted-quad
// IPv4 strings; IP, Subnet and Gateway are required when Enabled.
type StaticIPv4 struct {
	Enabled      bool   `json:"enabled"`
	IP           string `json:"ip,omitempty"`
	Subnet       string `json:"subnet,omitempty"`
	Gateway      string `json:"gateway,omitempty"`
	PrimaryDNS   string `json:"primaryDns,omitempty"`
	SecondaryDNS string `json:"secondaryDns,omitempty"`
}

// UnmarshalJSON decodes the staticIPv4 object, accepting "enabled" as a boolean or as the
// string "true"/"false" that one of Plume's guides writes.
func (s *StaticIPv4) UnmarshalJSON(data []byte) error {
	type plain StaticIPv4
	var w struct {
		plain
		Enabled json.RawMessage `json:"enabled"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*s = StaticIPv4(w.plain)
	enabled, err := parseEnabled(w.Enabled)
	s.Enabled = enabled
	return err
}

// parseEnabled reads staticIPv4.enabled: a boolean, the string "true"/"false" one guide
// writes, or nothing (absent or null: false).
func parseEnabled(raw json.RawMessage) (bool, error) {
	switch strings.Trim(string(bytes.TrimSpace(raw)), `"`) {
	case "true":
		return true, nil
	case "", "false", "null":
		return false, nil
	default:
		return false, fmt.Errorf("plume: staticIPv4.enabled: not a boolean: %s", raw)
	}
}

// wanEnabled is a top-level "enabled" of the flat form (see plainWAN), read as parseEnabled
// reads it.
type wanEnabled bool

func (e *wanEnabled) UnmarshalJSON(data []byte) error {
	enabled, err := parseEnabled(data)
	*e = wanEnabled(enabled)
	return err
}

// Validate checks the configuration as SetStaticIPv4 and Onboard do before sending it.
func (s StaticIPv4) Validate() error {
	if s.Enabled {
		for _, f := range []struct{ name, value string }{{"IP", s.IP}, {"Subnet", s.Subnet}, {"Gateway", s.Gateway}} {
			if strings.TrimSpace(f.value) == "" {
				return invalid("StaticIPv4."+f.name, "is required when Enabled")
			}
		}
	}
	for _, f := range []struct{ name, value string }{
		{"IP", s.IP}, {"Subnet", s.Subnet}, {"Gateway", s.Gateway}, {"PrimaryDNS", s.PrimaryDNS}, {"SecondaryDNS", s.SecondaryDNS},
	} {
		if err := checkIPv4("StaticIPv4."+f.name, f.value); err != nil {
			return err
		}
	}
	if s.Subnet != "" && !isNetmask(s.Subnet) {
		return invalid("StaticIPv4.Subnet", "%q is not a network mask", s.Subnet)
	}
	return nil
}

// checkIPv4 refuses a value that is set but not a dotted-quad IPv4 address.
func checkIPv4(field, v string) error {
	if v == "" {
		return nil
	}
	if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
		return invalid(field, "%q is not a dotted-quad IPv4 address", v)
	}
	return nil
}

// isNetmask reports whether the dotted quad v is a contiguous network mask (255.255.255.0).
func isNetmask(v string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() {
		return false
	}
	b := a.As4()
	_, bits := net.IPMask(b[:]).Size()
	return bits == 32
}

// WANConfiguration is the WAN setup of a location. Raw keeps the whole object, pppoe and
// uplink sections included. StaticIPv4 is read from the staticIPv4 object or, when there is
// none, from the same members written flat at the top level, as one guide draws it
// (docs/plume-api-errata.md B8).
type WANConfiguration struct {
	ID         string          `json:"id"`
	LocationID string          `json:"locationId"`
	StaticIPv4 *StaticIPv4     `json:"staticIPv4"`
	UpdatedAt  time.Time       `json:"updatedAt"`
	Raw        json.RawMessage `json:"-"`
}

// plainWAN is WANConfiguration without methods, for decoding (decode.go), with the members of
// the flat form: one guide writes the staticIPv4 members at the top level, without the
// staticIPv4 wrapper ({"enabled":"true","ip":…}; docs/plume-api-errata.md B8). An answer
// without a staticIPv4 object (absent or null) whose top level has any of them is read as
// that static IPv4 setup.
type plainWAN struct {
	plainWANFields
	FlatEnabled      *wanEnabled `json:"enabled"`
	FlatIP           *string     `json:"ip"`
	FlatSubnet       *string     `json:"subnet"`
	FlatGateway      *string     `json:"gateway"`
	FlatPrimaryDNS   *string     `json:"primaryDns"`
	FlatSecondaryDNS *string     `json:"secondaryDns"`
}

type plainWANFields WANConfiguration

func (p *plainWAN) with(raw json.RawMessage) WANConfiguration {
	w := WANConfiguration(p.plainWANFields)
	if w.StaticIPv4 == nil && (p.FlatEnabled != nil || p.FlatIP != nil || p.FlatSubnet != nil ||
		p.FlatGateway != nil || p.FlatPrimaryDNS != nil || p.FlatSecondaryDNS != nil) {
		flat := StaticIPv4{
			IP: flatString(p.FlatIP), Subnet: flatString(p.FlatSubnet), Gateway: flatString(p.FlatGateway),
			PrimaryDNS: flatString(p.FlatPrimaryDNS), SecondaryDNS: flatString(p.FlatSecondaryDNS),
		}
		if p.FlatEnabled != nil {
			flat.Enabled = bool(*p.FlatEnabled)
		}
		w.StaticIPv4 = &flat
	}
	w.Raw = raw
	return w
}

// flatString returns *s, or "" for nil.
func flatString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// UnmarshalJSON decodes the API's WanConfiguration object and keeps it whole in Raw.
func (w *WANConfiguration) UnmarshalJSON(data []byte) error { return w.decodeBody(data) }

func (w *WANConfiguration) decodeBody(body []byte) error {
	return decodeRawInto(w, body, (*plainWAN).with)
}

// GetWANConfiguration returns the WAN configuration of a location. An answer without a
// locationId (the reference draws {}) gets the location id of the call.
//
// API: GET /Customers/{id}/locations/{locationId}/wanConfiguration
func (s *LocationsService) GetWANConfiguration(ctx context.Context, customerID, locationID string) (*WANConfiguration, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	wan, err := call[WANConfiguration](ctx, s.client, &request{
		op:     "Locations.GetWANConfiguration",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "wanConfiguration"),
	})
	if err != nil {
		return nil, err
	}
	if wan.LocationID == "" {
		wan.LocationID = locationID
	}
	return wan, nil
}

// SetStaticIPv4 sets the static IPv4 WAN setup of a location's gateway and returns the full WAN
// configuration. An answer without a locationId or staticIPv4 (the reference draws {}) gets
// the location id and the configuration the call sent.
//
// API: PUT /Customers/{id}/locations/{locationId}/wanConfiguration {"staticIPv4":{…}}
func (s *LocationsService) SetStaticIPv4(ctx context.Context, customerID, locationID string, cfg StaticIPv4) (*WANConfiguration, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	wan, err := call[WANConfiguration](ctx, s.client, &request{
		op:     "Locations.SetStaticIPv4",
		method: http.MethodPut,
		path:   buildPath("Customers", customerID, "locations", locationID, "wanConfiguration"),
		body: struct {
			StaticIPv4 StaticIPv4 `json:"staticIPv4"`
		}{cfg},
	})
	if err != nil {
		return nil, err
	}
	if wan.LocationID == "" {
		wan.LocationID = locationID
	}
	if wan.StaticIPv4 == nil {
		sent := cfg
		wan.StaticIPv4 = &sent
	}
	return wan, nil
}
