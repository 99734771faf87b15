package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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

func (l *Location) missing() string { return missingID(l.ID) }

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

// Validate checks the request as Create does before sending it.
func (r LocationCreate) Validate() error {
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

// Validate checks the update as Update does before sending it.
func (u LocationUpdate) Validate() error {
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

// Per-operation meanings of the Locations endpoints.
var (
	deleteLocationMeanings = map[int]error{409: ErrLocationArchived}
)

// List returns the locations of a customer.
//
// API: GET /Customers/{id}/locations
func (s *LocationsService) List(ctx context.Context, customerID string) ([]Location, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	locations, err := call[locationList](ctx, s.client, &request{
		op:     "Locations.List",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations"),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*locations), nil
}

// locationList is the answer of List (see decodeLocationList).
type locationList []Location

func (l *locationList) decodeBody(body []byte) (err error) {
	*l, err = decodeLocationList(body)
	return err
}

// decodeLocationList reads an array of locations or, as both sources draw it, a single one.
// A single object without an id (an empty {}) is no location.
func decodeLocationList(body json.RawMessage) ([]Location, error) {
	if body = bytes.TrimSpace(body); len(body) > 0 && body[0] == '[' {
		return decodeRawList(body, (*plainLocation).with)
	}
	return decodeOneOrMany(body, func(l *Location) bool { return l.ID != "" })
}

// Get returns one location.
//
// API: GET /Customers/{id}/locations/{locationId}
func (s *LocationsService) Get(ctx context.Context, customerID, locationID string) (*Location, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return call[Location](ctx, s.client, &request{
		op:     "Locations.Get",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID),
	})
}

// Create adds a location to a customer. It does not create a WiFi network. When the answer
// carries no id (the reference draws {}), Create makes one more call, GET …/locations, and
// returns the newest location with the name (and serviceId) it sent.
//
// API: POST /Customers/{id}/locations
func (s *LocationsService) Create(ctx context.Context, customerID string, req LocationCreate) (*Location, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	created, err := call[createdLocation](ctx, s.client, &request{
		op:       "Locations.Create",
		method:   http.MethodPost,
		path:     buildPath("Customers", customerID, "locations"),
		body:     req,
		meanings: profileMeanings(nil, req.Profile),
	})
	if err != nil {
		return nil, err
	}
	if created.ID != "" {
		return &created.Location, nil
	}
	return s.findCreated(ctx, customerID, req)
}

// createdLocation is the answer of Create: the new Location, or {} as the reference draws it.
type createdLocation struct{ Location }

func (*createdLocation) missing() string { return "" } // Create reads the location when the id is absent

// findCreated finds the location Create just made when the answer did not carry it: the
// newest of the customer's locations with the name (and serviceId) sent.
func (s *LocationsService) findCreated(ctx context.Context, customerID string, req LocationCreate) (*Location, error) {
	locations, err := s.List(ctx, customerID)
	if err != nil {
		return nil, fmt.Errorf("plume: Locations.Create: the answer had no id and reading the locations failed: %w", err)
	}
	var found *Location
	for i := range locations {
		l := &locations[i]
		if l.Name != req.Name || (req.ServiceID != "" && l.ServiceID != req.ServiceID) {
			continue
		}
		if found == nil || l.CreatedAt.After(found.CreatedAt) {
			found = l
		}
	}
	if found == nil {
		return nil, &UnexpectedResponseError{StatusCode: http.StatusOK, Op: "Locations.Create", Method: http.MethodGet,
			Path: s.client.basePath + buildPath("Customers", customerID, "locations"), Reason: fmt.Sprintf("the answer had no id and no location named %q was found", req.Name)}
	}
	return found, nil
}

// Update changes the name, serviceId or profile of a location and returns the full location.
//
// API: PATCH /Customers/{id}/locations/{locationId}
func (s *LocationsService) Update(ctx context.Context, customerID, locationID string, upd LocationUpdate) (*Location, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Locations.Update", customerID, locationID, upd)
}

// SetServiceID sets the ISP's serviceId on a location, which makes it findable with
// FindByServiceID.
//
// API: PATCH /Customers/{id}/locations/{locationId} {"serviceId":…}
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
	var meanings map[int]error
	if upd.Profile != nil {
		meanings = profileMeanings(nil, *upd.Profile)
	}
	return call[Location](ctx, s.client, &request{
		op:       op,
		method:   http.MethodPatch,
		path:     buildPath("Customers", customerID, "locations", locationID),
		body:     upd,
		meanings: meanings,
	})
}

// Delete cancels service at a location: the cloud archives it and unclaims its nodes. An
// already archived location is ErrLocationArchived.
//
// API: DELETE /Customers/{id}/locations/{locationId}
func (s *LocationsService) Delete(ctx context.Context, customerID, locationID string) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:       "Locations.Delete",
		method:   http.MethodDelete,
		path:     buildPath("Customers", customerID, "locations", locationID),
		meanings: deleteLocationMeanings,
	})
}

// FindByServiceID finds the location whose serviceId (or id) is serviceID, with its customer,
// among the partner's locations. No match (a 404, or an empty array) is ErrNotFound; an empty,
// null or id-less answer is ErrUnexpectedResponse, never ErrNotFound.
//
// API: GET /Partners/locations/{keyword}
func (s *LocationsService) FindByServiceID(ctx context.Context, serviceID string) (*LocationMatch, error) {
	if err := checkID("serviceID", serviceID); err != nil {
		return nil, err
	}
	answer, err := call[locationMatchAnswer](ctx, s.client, &request{
		op:     "Locations.FindByServiceID",
		method: http.MethodGet,
		path:   buildPath("Partners", "locations", serviceID),
	})
	if err != nil {
		return nil, err
	}
	match := answer.match
	if match == nil {
		return nil, fmt.Errorf("plume: Locations.FindByServiceID: no location for %q: %w", serviceID, ErrNotFound)
	}
	return match, nil
}

// locationMatchAnswer is the answer of FindByServiceID (see decodeLocationMatch): a match, or
// none when the answer is an empty array.
type locationMatchAnswer struct {
	match *LocationMatch
	none  bool
}

func (a *locationMatchAnswer) missing() string {
	if a.match == nil && !a.none {
		return "no location id"
	}
	return ""
}

func (a *locationMatchAnswer) decodeBody(body []byte) (err error) {
	a.match, err = decodeLocationMatch(body)
	a.none = a.match == nil && bytes.HasPrefix(bytes.TrimSpace(body), []byte("["))
	return err
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
