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

// LocationsService is the Locations part of the API: a customer's sites, their service
// level, onboarding checkpoint and WAN configuration.
type LocationsService service

// Location is a customer's site (a home or a business). The typed fields are the core of
// the API's large Location object; Raw keeps the whole object as received.
type Location struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	CustomerID     string          `json:"customerId"`
	AccountID      string          `json:"accountId"`
	PartnerID      string          `json:"partnerId"`
	ServiceID      string          `json:"serviceId"`
	Profile        Profile         `json:"profile"`
	ServiceLevel   *ServiceLevel   `json:"serviceLevel"`
	MonitorMode    bool            `json:"-"` // monitorMode.enable: while true, node claims are refused
	PodsAuthorized int             `json:"-"` // authorizations.numPodsAuthorized: the claim quota of leaf pods
	CreatedAt      time.Time       `json:"createdAt"`
	UpdatedAt      time.Time       `json:"updatedAt"`
	Raw            json.RawMessage `json:"-"`
}

// plainLocation is Location without methods, for decoding (decode.go), with the two nested
// members that the typed fields flatten.
type plainLocation struct {
	plainLocationFields
	MonitorMode *struct {
		Enable bool `json:"enable"`
	} `json:"monitorMode"`
	Authorizations *struct {
		NumPodsAuthorized float64 `json:"numPodsAuthorized"`
	} `json:"authorizations"`
}

type plainLocationFields Location

func (p *plainLocation) with(raw json.RawMessage) Location {
	l := Location(p.plainLocationFields)
	if p.MonitorMode != nil {
		l.MonitorMode = p.MonitorMode.Enable
	}
	if p.Authorizations != nil {
		l.PodsAuthorized = int(p.Authorizations.NumPodsAuthorized)
	}
	l.Raw = raw
	return l
}

// UnmarshalJSON decodes the API's Location object and keeps it whole in Raw.
func (l *Location) UnmarshalJSON(data []byte) error { return l.decodeBody(data) }

func (l *Location) decodeBody(body []byte) error {
	return decodeRawInto(l, body, (*plainLocation).with)
}

// LocationCreate is the body of Create. Name is required; Profile defaults to ProfileAuto on
// the server.
type LocationCreate struct {
	Name      string  `json:"name"`
	Profile   Profile `json:"profile,omitempty"`
	ServiceID string  `json:"serviceId,omitempty"`
}

func (r LocationCreate) validate() error {
	if strings.TrimSpace(r.Name) == "" {
		return invalid("Name", "is required")
	}
	if err := checkNoQuote("ServiceID", r.ServiceID); err != nil {
		return err
	}
	return checkEnum("Profile", r.Profile, Profile.valid)
}

// LocationUpdate is the body of Update: only the fields set are sent, and at least one must be.
// A ServiceID pointing at "" clears the serviceId.
type LocationUpdate struct {
	Name      *string  `json:"name,omitempty"`
	ServiceID *string  `json:"serviceId,omitempty"`
	Profile   *Profile `json:"profile,omitempty"`
}

func (u LocationUpdate) validate() error {
	if u.Name == nil && u.ServiceID == nil && u.Profile == nil {
		return invalid("LocationUpdate", "needs at least one of Name, ServiceID, Profile")
	}
	if u.Name != nil && strings.TrimSpace(*u.Name) == "" {
		return invalid("Name", "must not be empty")
	}
	if u.ServiceID != nil {
		if err := checkNoQuote("ServiceID", *u.ServiceID); err != nil {
			return err
		}
	}
	if u.Profile != nil && !u.Profile.valid() {
		return invalid("Profile", "unknown value %q", string(*u.Profile))
	}
	return nil
}

// LocationMatch is the answer of FindByServiceID: a location and the customer it belongs to.
type LocationMatch struct {
	ID           string
	Name         string
	ServiceID    string
	CustomerID   string
	CustomerName string
	AccountID    string
}

// UnmarshalJSON decodes {id, name, serviceId, customer:{id, name, accountId}}.
func (m *LocationMatch) UnmarshalJSON(data []byte) error {
	var w struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		ServiceID  string `json:"serviceId"`
		CustomerID string `json:"customerId"`
		AccountID  string `json:"accountId"`
		Customer   *struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			AccountID string `json:"accountId"`
		} `json:"customer"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*m = LocationMatch{ID: w.ID, Name: w.Name, ServiceID: w.ServiceID, CustomerID: w.CustomerID, AccountID: w.AccountID}
	if c := w.Customer; c != nil {
		m.CustomerName = c.Name
		if c.ID != "" {
			m.CustomerID = c.ID
		}
		if c.AccountID != "" {
			m.AccountID = c.AccountID
		}
	}
	return nil
}

// ServiceLevel is the level of service of a location.
type ServiceLevel struct {
	Status    ServiceLevelStatus `json:"status"`
	CreatedAt time.Time          `json:"createdAt,omitzero"`
	UpdatedAt time.Time          `json:"updatedAt,omitzero"`
}

// OnboardingCheckpoint is the onboarding checkpoint recorded for a location.
type OnboardingCheckpoint struct {
	Value      Checkpoint `json:"value"`
	Timestamp  time.Time  `json:"timestamp,omitzero"`
	ID         string     `json:"id,omitempty"`
	LocationID string     `json:"locationId,omitempty"`
	CreatedAt  time.Time  `json:"createdAt,omitzero"`
}

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
	switch strings.Trim(string(bytes.TrimSpace(w.Enabled)), `"`) {
	case "true":
		s.Enabled = true
	case "", "false", "null":
		s.Enabled = false
	default:
		return fmt.Errorf("plume: staticIPv4.enabled: not a boolean: %s", w.Enabled)
	}
	return nil
}

func (s StaticIPv4) validate() error {
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
// uplink sections included.
type WANConfiguration struct {
	ID         string          `json:"id"`
	LocationID string          `json:"locationId"`
	StaticIPv4 *StaticIPv4     `json:"staticIPv4"`
	UpdatedAt  time.Time       `json:"updatedAt"`
	Raw        json.RawMessage `json:"-"`
}

// plainWAN is WANConfiguration without methods, for decoding (decode.go).
type plainWAN WANConfiguration

func (p *plainWAN) with(raw json.RawMessage) WANConfiguration {
	w := WANConfiguration(*p)
	w.Raw = raw
	return w
}

// UnmarshalJSON decodes the API's WanConfiguration object and keeps it whole in Raw.
func (w *WANConfiguration) UnmarshalJSON(data []byte) error { return w.decodeBody(data) }

func (w *WANConfiguration) decodeBody(body []byte) error {
	return decodeRawInto(w, body, (*plainWAN).with)
}

// Per-operation meanings of the Locations endpoints.
var (
	deleteLocationMeanings = map[int]error{409: ErrLocationArchived}
)

// List returns the locations of a customer. GET /Customers/{id}/locations
func (s *LocationsService) List(ctx context.Context, customerID string) ([]Location, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	var body json.RawMessage
	_, err := s.client.do(ctx, &request{
		op:     "Locations.List",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations"),
	}, &body)
	if err != nil {
		return nil, err
	}
	locations, err := decodeLocationList(body)
	if err != nil {
		return nil, fmt.Errorf("plume: Locations.List: decoding response: %w", err)
	}
	return locations, nil
}

// decodeLocationList reads an array of locations or, as both sources draw it, a single one.
// A single object without an id (an empty {}) is no location.
func decodeLocationList(body json.RawMessage) ([]Location, error) {
	if body = bytes.TrimSpace(body); len(body) > 0 && body[0] == '[' {
		return decodeRawList(body, (*plainLocation).with)
	}
	return decodeOneOrMany(body, func(l *Location) bool { return l.ID != "" })
}

// Get returns one location. GET /Customers/{id}/locations/{locationId}
func (s *LocationsService) Get(ctx context.Context, customerID, locationID string) (*Location, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	var loc Location
	_, err := s.client.do(ctx, &request{
		op:     "Locations.Get",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID),
	}, &loc)
	if err != nil {
		return nil, err
	}
	return &loc, nil
}

// Create adds a location to a customer. It does not create a WiFi network.
// POST /Customers/{id}/locations
func (s *LocationsService) Create(ctx context.Context, customerID string, req LocationCreate) (*Location, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	var loc Location
	_, err := s.client.do(ctx, &request{
		op:     "Locations.Create",
		method: http.MethodPost,
		path:   buildPath("Customers", customerID, "locations"),
		body:   req,
	}, &loc)
	if err != nil {
		return nil, err
	}
	return &loc, nil
}

// Update changes the name, serviceId or profile of a location and returns the full location.
// PATCH /Customers/{id}/locations/{locationId}
func (s *LocationsService) Update(ctx context.Context, customerID, locationID string, upd LocationUpdate) (*Location, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := upd.validate(); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Locations.Update", customerID, locationID, upd)
}

// SetServiceID sets the ISP's serviceId on a location, which makes it findable with
// FindByServiceID. PATCH /Customers/{id}/locations/{locationId} {"serviceId":…}
func (s *LocationsService) SetServiceID(ctx context.Context, customerID, locationID, serviceID string) (*Location, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(serviceID) == "" {
		return nil, invalid("ServiceID", "must not be empty")
	}
	if err := checkNoQuote("ServiceID", serviceID); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Locations.SetServiceID", customerID, locationID, LocationUpdate{ServiceID: &serviceID})
}

func (s *LocationsService) patch(ctx context.Context, op, customerID, locationID string, upd LocationUpdate) (*Location, error) {
	var loc Location
	_, err := s.client.do(ctx, &request{
		op:     op,
		method: http.MethodPatch,
		path:   buildPath("Customers", customerID, "locations", locationID),
		body:   upd,
	}, &loc)
	if err != nil {
		return nil, err
	}
	return &loc, nil
}

// Delete cancels service at a location: the cloud archives it and unclaims its nodes. An
// already archived location is ErrLocationArchived.
// DELETE /Customers/{id}/locations/{locationId}
func (s *LocationsService) Delete(ctx context.Context, customerID, locationID string) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &request{
		op:       "Locations.Delete",
		method:   http.MethodDelete,
		path:     buildPath("Customers", customerID, "locations", locationID),
		meanings: deleteLocationMeanings,
	}, nil)
	return err
}

// GetServiceLevel returns the service level of a location.
// GET /Customers/{id}/locations/{locationId}/serviceLevel
func (s *LocationsService) GetServiceLevel(ctx context.Context, customerID, locationID string) (*ServiceLevel, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	var level ServiceLevel
	_, err := s.client.do(ctx, &request{
		op:     "Locations.GetServiceLevel",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "serviceLevel"),
	}, &level)
	if err != nil {
		return nil, err
	}
	return &level, nil
}

// SetServiceLevel suspends (NoService), limits (BasicService) or restores (FullService) the
// service of a location. PATCH /Customers/{id}/locations/{locationId}/serviceLevel
func (s *LocationsService) SetServiceLevel(ctx context.Context, customerID, locationID string, status ServiceLevelStatus) (*ServiceLevel, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if status == "" {
		return nil, invalid("Status", "is required")
	}
	if err := checkEnum("Status", status, ServiceLevelStatus.valid); err != nil {
		return nil, err
	}
	var level ServiceLevel
	_, err := s.client.do(ctx, &request{
		op:     "Locations.SetServiceLevel",
		method: http.MethodPatch,
		path:   buildPath("Customers", customerID, "locations", locationID, "serviceLevel"),
		body: struct {
			Status ServiceLevelStatus `json:"status"`
		}{status},
	}, &level)
	if err != nil {
		return nil, err
	}
	return &level, nil
}

// SetOnboardingCheckpoint records an onboarding checkpoint; OnboardingComplete also sends
// the customer an email. POST /Customers/{id}/locations/{locationId}/onboardingCheckpoint
func (s *LocationsService) SetOnboardingCheckpoint(ctx context.Context, customerID, locationID string, checkpoint Checkpoint) (*OnboardingCheckpoint, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if checkpoint == "" {
		return nil, invalid("Checkpoint", "is required")
	}
	if err := checkEnum("Checkpoint", checkpoint, Checkpoint.valid); err != nil {
		return nil, err
	}
	var body json.RawMessage
	_, err := s.client.do(ctx, &request{
		op:     "Locations.SetOnboardingCheckpoint",
		method: http.MethodPost,
		path:   buildPath("Customers", customerID, "locations", locationID, "onboardingCheckpoint"),
		body: struct {
			Checkpoint Checkpoint `json:"checkpoint"`
		}{checkpoint},
	}, &body)
	if err != nil {
		return nil, err
	}
	cp, err := decodeCheckpoint(body)
	if err != nil {
		return nil, fmt.Errorf("plume: Locations.SetOnboardingCheckpoint: decoding response: %w", err)
	}
	return cp, nil
}

// decodeCheckpoint reads {"checkpoint":{…}}, the doubled {"checkpoint":{"checkpoint":{…}}}
// one source draws, or a bare checkpoint object.
func decodeCheckpoint(body json.RawMessage) (*OnboardingCheckpoint, error) {
	var cp OnboardingCheckpoint
	for range 3 {
		body = bytes.TrimSpace(body)
		if len(body) == 0 || body[0] != '{' {
			break
		}
		var wrapper struct {
			Checkpoint json.RawMessage `json:"checkpoint"`
		}
		if err := json.Unmarshal(body, &wrapper); err != nil {
			return nil, err
		}
		inner := bytes.TrimSpace(wrapper.Checkpoint)
		if len(inner) == 0 || inner[0] != '{' {
			break
		}
		body = inner
	}
	if len(body) == 0 {
		return &cp, nil
	}
	if err := json.Unmarshal(body, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

// GetWANConfiguration returns the WAN configuration of a location.
// GET /Customers/{id}/locations/{locationId}/wanConfiguration
func (s *LocationsService) GetWANConfiguration(ctx context.Context, customerID, locationID string) (*WANConfiguration, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	var wan WANConfiguration
	_, err := s.client.do(ctx, &request{
		op:     "Locations.GetWANConfiguration",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "wanConfiguration"),
	}, &wan)
	if err != nil {
		return nil, err
	}
	return &wan, nil
}

// SetStaticIPv4 sets the static IPv4 WAN setup of a location's gateway and returns the full
// WAN configuration. PUT /Customers/{id}/locations/{locationId}/wanConfiguration
// {"staticIPv4":{…}}
func (s *LocationsService) SetStaticIPv4(ctx context.Context, customerID, locationID string, cfg StaticIPv4) (*WANConfiguration, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var wan WANConfiguration
	_, err := s.client.do(ctx, &request{
		op:     "Locations.SetStaticIPv4",
		method: http.MethodPut,
		path:   buildPath("Customers", customerID, "locations", locationID, "wanConfiguration"),
		body: struct {
			StaticIPv4 StaticIPv4 `json:"staticIPv4"`
		}{cfg},
	}, &wan)
	if err != nil {
		return nil, err
	}
	return &wan, nil
}

// FindByServiceID finds the location whose serviceId (or id) is serviceID, with its
// customer, among the partner's locations. No match is ErrNotFound.
// GET /Partners/locations/{keyword}
func (s *LocationsService) FindByServiceID(ctx context.Context, serviceID string) (*LocationMatch, error) {
	if err := checkID("serviceID", serviceID); err != nil {
		return nil, err
	}
	var body json.RawMessage
	_, err := s.client.do(ctx, &request{
		op:     "Locations.FindByServiceID",
		method: http.MethodGet,
		path:   buildPath("Partners", "locations", serviceID),
	}, &body)
	if err != nil {
		return nil, err
	}
	match, err := decodeLocationMatch(body)
	if err != nil {
		return nil, fmt.Errorf("plume: Locations.FindByServiceID: decoding response: %w", err)
	}
	if match == nil {
		return nil, fmt.Errorf("plume: Locations.FindByServiceID: no location for %q: %w", serviceID, ErrNotFound)
	}
	return match, nil
}

// decodeLocationMatch reads the documented object, or the first element of an array; an
// empty answer or one without an id is no match (nil).
func decodeLocationMatch(body json.RawMessage) (*LocationMatch, error) {
	matches, err := decodeOneOrMany(body, func(m *LocationMatch) bool { return m.ID != "" })
	if err != nil || len(matches) == 0 || matches[0].ID == "" {
		return nil, err
	}
	return &matches[0], nil
}
