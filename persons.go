package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// PersonsService is the Persons part of the API: the people of a location, the devices
// assigned to each, and their freezes (parental controls, docs/plume-support-api.md §10).
type PersonsService service

// Person is a person of a location (docs/plume-support-api.md §2). The reference's Person has
// no assignedDevices; where an answer carries them (the fake does) they are read. Raw keeps
// the whole object (permission, profile, appTime, freeze state…).
type Person struct {
	ID                   string          `json:"id"`
	Nickname             string          `json:"nickname"`
	ImageID              string          `json:"imageId"`
	PrimaryDevice        string          `json:"primaryDevice"` // a MAC, as the API sent it
	Email                string          `json:"email"`
	AssignedDevices      []string        `json:"assignedDevices"` // MACs, as the API sent them
	LocationID           string          `json:"locationId"`
	NetworkID            string          `json:"networkId"`
	HomeAwayNotification bool            `json:"homeAwayNotification"`
	CreatedAt            time.Time       `json:"createdAt"`
	UpdatedAt            time.Time       `json:"updatedAt"`
	Raw                  json.RawMessage `json:"-"`
}

// plainPerson is Person without methods, for decoding (decode.go), its device list read
// leniently.
type plainPerson struct {
	plainPersonFields
	AssignedDevices looseStrings `json:"assignedDevices"`
}

type plainPersonFields Person

func (p *plainPerson) with(raw json.RawMessage) Person {
	person := Person(p.plainPersonFields)
	person.AssignedDevices = []string(p.AssignedDevices)
	person.Raw = raw
	return person
}

// UnmarshalJSON decodes a person object and keeps it whole in Raw.
func (p *Person) UnmarshalJSON(data []byte) error { return p.decodeBody(data) }

func (p *Person) decodeBody(body []byte) error { return decodeRawInto(p, body, (*plainPerson).with) }

func (p *Person) missing() string { return missingID(p.ID) }

// PersonRequest is the body of Create. Nickname and ImageID are required, and so is the list
// of assigned devices, which may be empty (an empty list is sent as []). Every MAC is taken in
// any common notation and sent in lowercase colon form (mac.go).
type PersonRequest struct {
	Nickname        string
	ImageID         string   // a profile image id, such as "PROFILE_MAN" or "PROFILE_WOMAN"
	PrimaryDevice   string   // optional: a MAC
	Email           string   // optional; the API needs it when a person is made a manager
	AssignedDevices []string // MACs
}

// personWire is the body of Create as sent.
type personWire struct {
	Nickname        string   `json:"nickname"`
	ImageID         string   `json:"imageId"`
	AssignedDevices []string `json:"assignedDevices"`
	PrimaryDevice   string   `json:"primaryDevice,omitempty"`
	Email           string   `json:"email,omitempty"`
}

// Validate checks the request as Create does before sending it.
func (r PersonRequest) Validate() error {
	_, err := r.wire()
	return err
}

func (r PersonRequest) wire() (personWire, error) {
	if strings.TrimSpace(r.Nickname) == "" {
		return personWire{}, invalid("Nickname", "is required")
	}
	if strings.TrimSpace(r.ImageID) == "" {
		return personWire{}, invalid("ImageID", "is required (a profile image id such as PROFILE_MAN or PROFILE_WOMAN)")
	}
	w := personWire{Nickname: r.Nickname, ImageID: r.ImageID, Email: r.Email, AssignedDevices: []string{}}
	macs, err := normalizeMACs("AssignedDevices", r.AssignedDevices)
	if err != nil {
		return personWire{}, err
	}
	w.AssignedDevices = macs
	if r.PrimaryDevice != "" {
		if w.PrimaryDevice, err = normalizeMAC("PrimaryDevice", r.PrimaryDevice); err != nil {
			return personWire{}, err
		}
	}
	return w, nil
}

// normalizeMACs normalises each MAC of list (normalizeMAC), naming the field of a bad one with
// its index ("AssignedDevices[2]"). It returns an empty, non-nil slice for an empty list.
func normalizeMACs(field string, list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for i, mac := range list {
		n, err := normalizeMAC(field+"["+strconv.Itoa(i)+"]", mac)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func personsPath(customerID, locationID string, sub ...string) string {
	return buildPath(append([]string{"Customers", customerID, "locations", locationID, "persons"}, sub...)...)
}

// List returns the persons of a location. An unknown location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/persons
func (s *PersonsService) List(ctx context.Context, customerID, locationID string) ([]Person, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	list, err := call[personList](ctx, s.client, &request{
		op:     "Persons.List",
		method: http.MethodGet,
		path:   personsPath(customerID, locationID),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*list), nil
}

// personList is the answer of List: a JSON array of persons.
type personList []Person

var errPersonListShape = errors.New("not a list of persons")

func (l *personList) decodeBody(body []byte) (err error) {
	*l, err = decodePersons(body)
	return err
}

// decodePersons reads a JSON array of persons.
func decodePersons(body json.RawMessage) ([]Person, error) {
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] != '[' {
		if !json.Valid(t) {
			return nil, json.Unmarshal(t, new(any))
		}
		return nil, errPersonListShape
	}
	return decodeRawList(body, (*plainPerson).with)
}

// Create adds a person to a location and returns it. The request is checked before sending
// (PersonRequest.Validate). The API answers 422 (ErrValidation) for a missing nickname, an
// invalid MAC, or a permission without email, and 400 (ErrBadRequest) for a missing required
// field; an unknown location is ErrNotFound.
//
// API: POST /Customers/{id}/locations/{locationId}/persons
func (s *PersonsService) Create(ctx context.Context, customerID, locationID string, req PersonRequest) (*Person, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	body, err := req.wire()
	if err != nil {
		return nil, err
	}
	return call[Person](ctx, s.client, &request{
		op:     "Persons.Create",
		method: http.MethodPost,
		path:   personsPath(customerID, locationID),
		body:   body,
	})
}

// freezes checks a person call's ids and returns its freeze calls.
func (s *PersonsService) freezes(customerID, locationID, personID string) (freezeCalls, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "personID", personID); err != nil {
		return freezeCalls{}, err
	}
	return freezeCalls{client: s.client, service: "Persons",
		base: []string{"Customers", customerID, "locations", locationID, "persons", personID}}, nil
}

// Freeze freezes every device of a person, as DevicesService.Freeze freezes one device. An
// unknown location or person is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/persons/{personId}/freeze/{forever|suspend|autoExpire}
func (s *PersonsService) Freeze(ctx context.Context, customerID, locationID, personID string, f Freeze) error {
	calls, err := s.freezes(customerID, locationID, personID)
	if err != nil {
		return err
	}
	return calls.freeze(ctx, f)
}

// Unfreeze removes one kind of freeze from a person; removing a kind the person does not
// have is not an error.
//
// API: DELETE /Customers/{id}/locations/{locationId}/persons/{personId}/freeze/{forever|suspend|autoExpire}
func (s *PersonsService) Unfreeze(ctx context.Context, customerID, locationID, personID string, kind FreezeKind) error {
	calls, err := s.freezes(customerID, locationID, personID)
	if err != nil {
		return err
	}
	return calls.unfreeze(ctx, kind)
}

// ClearFreezes removes every freeze of a person (see DevicesService.ClearFreezes).
//
// API: DELETE /Customers/{id}/locations/{locationId}/persons/{personId}/freezes
func (s *PersonsService) ClearFreezes(ctx context.Context, customerID, locationID, personID string) error {
	calls, err := s.freezes(customerID, locationID, personID)
	if err != nil {
		return err
	}
	return calls.clear(ctx)
}

// SetFreezeSchedule sets a freeze schedule template on a person (see
// DevicesService.SetFreezeSchedule; a 501 is ErrSharedFreezeSchedules).
//
// API: PUT /Customers/{id}/locations/{locationId}/persons/{personId}/freeze/{freezeTemplateId}
func (s *PersonsService) SetFreezeSchedule(ctx context.Context, customerID, locationID, personID, templateID string, schedule FreezeSchedule) error {
	calls, err := s.freezes(customerID, locationID, personID)
	if err != nil {
		return err
	}
	return calls.setSchedule(ctx, templateID, schedule)
}

// ApplyFreezeSchedule applies a shared location freeze schedule to a person. An unknown
// template or person is ErrNotFound.
//
// API: POST /Customers/{id}/locations/{locationId}/persons/{personId}/freeze/{freezeTemplateId}
func (s *PersonsService) ApplyFreezeSchedule(ctx context.Context, customerID, locationID, personID, templateID string) error {
	calls, err := s.freezes(customerID, locationID, personID)
	if err != nil {
		return err
	}
	return calls.applySchedule(ctx, templateID)
}

// RemoveFreezeSchedule removes a freeze schedule template from a person.
//
// API: DELETE /Customers/{id}/locations/{locationId}/persons/{personId}/freeze/{freezeTemplateId}
func (s *PersonsService) RemoveFreezeSchedule(ctx context.Context, customerID, locationID, personID, templateID string) error {
	calls, err := s.freezes(customerID, locationID, personID)
	if err != nil {
		return err
	}
	return calls.removeSchedule(ctx, templateID)
}

// looseStrings decodes a list whose items the sources draw as strings or as objects (a MAC,
// or {"mac":…} / {"id":…}): each string is kept, each object gives its mac, else its id;
// other items are left out. A value that is not a list (null included) is an empty list.
type looseStrings []string

func (l *looseStrings) UnmarshalJSON(data []byte) error {
	*l = nil
	if !json.Valid(data) {
		return json.Unmarshal(data, new(any))
	}
	items := jsonraw.Elements(data)
	if items == nil {
		return nil
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		switch item[0] {
		case '"':
			var s string
			if json.Unmarshal(item, &s) == nil {
				out = append(out, s)
			}
		case '{':
			var o struct {
				MAC looseText `json:"mac"`
				ID  looseText `json:"id"`
			}
			_ = json.Unmarshal(item, &o)
			switch {
			case o.MAC != "":
				out = append(out, string(o.MAC))
			case o.ID != "":
				out = append(out, string(o.ID))
			}
		}
	}
	*l = out
	return nil
}
