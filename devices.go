package plume

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DevicesService is the Devices part of the API: the client devices (phones, laptops, TVs)
// that a location's nodes see, their names, steering and freezes.
//
// Every method takes the device's MAC address in any common notation (aa:bb:cc:dd:ee:ff,
// AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff, aabbccddeeff, any case, white space around it) and
// sends it in the lowercase colon form the API keys devices by; any other value is a
// *ValidationError for field "MAC" and nothing is sent (docs/plume-support-api.md §1).
type DevicesService service

// Device is a client device of a location, as the list, get and update calls return it
// (docs/plume-support-api.md §2). Raw keeps the whole object, the fields the SDK does not
// type included (health, leafToRoot, freezes, steering state).
type Device struct {
	MAC                     string          `json:"mac"`
	ID                      string          `json:"id"`
	Name                    string          `json:"name"`
	Nickname                string          `json:"nickname"`
	IP                      string          `json:"ip"`
	ConnectionState         string          `json:"connectionState"` // "connected" or "disconnected"
	FreqBand                string          `json:"freqBand"`        // "2.4G", "5G", "6G"; "" on ethernet
	Medium                  string          `json:"medium"`          // "wifi" or "ethernet"
	AccessZone              string          `json:"accessZone"`      // "home", "guests", "internetAccessOnly"
	Channel                 int             `json:"channel"`         // a number or a numeric string on the wire
	ConnectionStateChangeAt time.Time       `json:"connectionStateChangeAt"`
	Icon                    string          `json:"icon"`
	KeyID                   int             `json:"keyId"` // the HomePass key the device joined with
	Favorite                bool            `json:"favorite"`
	PersonID                string          `json:"personId"` // the person the device is assigned to
	MobileAppDeviceUUID     string          `json:"mobileAppDeviceUuid"`
	Raw                     json.RawMessage `json:"-"`
}

// plainDevice is Device without methods, for decoding (decode.go), with the members whose
// wire type the sources do not pin down read leniently.
type plainDevice struct {
	plainDeviceFields
	Channel deviceInt `json:"channel"`
	KeyID   deviceInt `json:"keyId"`
}

type plainDeviceFields Device

func (p *plainDevice) with(raw json.RawMessage) Device {
	d := Device(p.plainDeviceFields)
	d.Channel, d.KeyID = int(p.Channel), int(p.KeyID)
	d.Raw = raw
	return d
}

// UnmarshalJSON decodes a device object and keeps it whole in Raw.
func (d *Device) UnmarshalJSON(data []byte) error { return d.decodeBody(data) }

// missing refuses a device answer that names no device: neither a MAC nor an id.
func (d *Device) missing() string {
	if d.MAC == "" && d.ID == "" {
		return "no mac or id"
	}
	return ""
}

func (d *Device) decodeBody(body []byte) error {
	return decodeRawInto(d, body, (*plainDevice).with)
}

// deviceInt decodes a JSON number, a numeric string or null as an int; any other string, and a
// number that is not a whole number in int's range, is 0. The reference types a device's
// channel and keyId as numbers, and a value it does not foresee must not fail a whole list.
type deviceInt int

func (n *deviceInt) UnmarshalJSON(data []byte) error {
	var f flexString
	if err := f.UnmarshalJSON(data); err != nil {
		return err
	}
	*n = 0
	if v, err := strconv.ParseInt(strings.TrimSpace(string(f)), 10, 0); err == nil {
		*n = deviceInt(v)
	}
	return nil
}

// DeviceListOptions are the query options of List. The zero value sends none.
type DeviceListOptions struct {
	// DaysOffline drops devices that have been offline for longer than this many days. 0
	// sends nothing (the API then applies no such filter); a negative value is refused.
	DaysOffline int
	// AllSSIDs lists the devices of every SSID of the location, not only the main one.
	AllSSIDs bool
	// ShowPartnerComponent asks for the partner's component of each device.
	ShowPartnerComponent bool
}

// Validate checks the options as List does before sending them.
func (o *DeviceListOptions) Validate() error {
	if o != nil && o.DaysOffline < 0 {
		return invalid("DaysOffline", "must not be negative, got %d", o.DaysOffline)
	}
	return nil
}

// query is the query string of o: nil for nil options or the zero value.
func (o *DeviceListOptions) query() url.Values {
	if o == nil {
		return nil
	}
	q := url.Values{}
	if o.DaysOffline > 0 {
		q.Set("daysOffline", strconv.Itoa(o.DaysOffline))
	}
	if o.AllSSIDs {
		q.Set("allSSIDs", "true")
	}
	if o.ShowPartnerComponent {
		q.Set("showPartnerComponent", "true")
	}
	if len(q) == 0 {
		return nil
	}
	return q
}

// DeviceUpdate is the body of Update. A nil field is not sent; at least one must be set.
// Nickname "" clears the nickname at this location.
type DeviceUpdate struct {
	Nickname            *string `json:"nickname,omitempty"`
	Favorite            *bool   `json:"favorite,omitempty"`
	MobileAppDeviceUUID *string `json:"mobileAppDeviceUuid,omitempty"`
}

// Validate checks the update as Update does before sending it: at least one field is set.
func (u DeviceUpdate) Validate() error {
	if u.Nickname == nil && u.Favorite == nil && u.MobileAppDeviceUUID == nil {
		return invalid("DeviceUpdate", "sets nothing: set Nickname, Favorite or MobileAppDeviceUUID")
	}
	return nil
}

// maxDeviceNickname is the longest nickname the customer-wide rename takes (a 422 past it,
// docs/plume-support-api.md §3.4).
const maxDeviceNickname = 32

// checkDeviceNickname enforces Rename's 1 to 32 characters, not all white space.
func checkDeviceNickname(nickname string) error {
	if strings.TrimSpace(nickname) == "" {
		return invalid("Nickname", "must not be empty")
	}
	if n := utf8.RuneCountInString(nickname); n > maxDeviceNickname {
		return invalid("Nickname", "must be at most %d characters, got %d", maxDeviceNickname, n)
	}
	return nil
}

// deviceArgs checks the ids and the MAC of a device call and returns the MAC as sent.
func deviceArgs(customerID, locationID, mac string) (string, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return "", err
	}
	return normalizeMAC("MAC", mac)
}

// devicePath is the path of a device of a location, and of its sub-resources.
func devicePath(customerID, locationID, mac string, sub ...string) string {
	return buildPath(append([]string{"Customers", customerID, "locations", locationID, "devices", mac}, sub...)...)
}

// List returns the client devices of a location; opts may be nil. The answer is read doubly
// wrapped ({"devices":{"devices":[…]}}, the reference's shape), wrapped once, or as a bare
// array (docs/plume-support-api.md §3.1). An unknown location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/devices
func (s *DevicesService) List(ctx context.Context, customerID, locationID string, opts *DeviceListOptions) ([]Device, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	devices, err := call[deviceList](ctx, s.client, &request{
		op:     "Devices.List",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "devices"),
		query:  opts.query(),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*devices), nil
}

// deviceList is the answer of List (see decodeDeviceList).
type deviceList []Device

func (l *deviceList) decodeBody(body []byte) (err error) {
	*l, err = decodeDeviceList(body)
	return err
}

// errDeviceListShape is a device list that is neither an array nor {"devices":…}.
var errDeviceListShape = errors.New("not a device list")

// decodeDeviceList reads {"devices":{"devices":[…]}}, {"devices":[…]} or a bare array. An
// object without devices, or with null, is an empty list.
func decodeDeviceList(body json.RawMessage) ([]Device, error) {
	if !json.Valid(body) {
		var v any
		return nil, json.Unmarshal(body, &v) // the decoder's own description of the fault
	}
	return decodeWrappedList(body, "devices", (*plainDevice).with, errDeviceListShape)
}

// Get returns one client device of a location. A device unknown to the location's history
// (or an unknown customer or location) is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/devices/{mac}
func (s *DevicesService) Get(ctx context.Context, customerID, locationID, mac string) (*Device, error) {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return nil, err
	}
	return call[Device](ctx, s.client, &request{
		op:     "Devices.Get",
		method: http.MethodGet,
		path:   devicePath(customerID, locationID, mac),
	})
}

// Update sets a device's nickname, favourite flag or app device id at this location only
// (Rename names it at every location of the customer). Only the fields set are sent; an
// update that sets none is a *ValidationError. An unknown device is ErrNotFound.
//
// API: PATCH /Customers/{id}/locations/{locationId}/devices/{mac}
func (s *DevicesService) Update(ctx context.Context, customerID, locationID, mac string, u DeviceUpdate) (*Device, error) {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return nil, err
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	return call[Device](ctx, s.client, &request{
		op:     "Devices.Update",
		method: http.MethodPatch,
		path:   devicePath(customerID, locationID, mac),
		body:   u,
	})
}

// Rename sets a device's nickname at every location of the customer and answers the
// Customer, not a Device (docs/plume-support-api.md §3.4). The nickname must be 1 to 32
// characters and not all white space (the API answers 422 past 32, ErrValidation); it is
// checked before sending. The API stores the name for any MAC, one never seen included; an
// unknown customer is ErrNotFound (the reference also lists 404 for an unknown MAC, against
// its own text: §13.12).
//
// API: PUT /Customers/{id}/devices/{mac}
func (s *DevicesService) Rename(ctx context.Context, customerID, mac, nickname string) (*Customer, error) {
	if err := checkID("customerID", customerID); err != nil {
		return nil, err
	}
	mac, err := normalizeMAC("MAC", mac)
	if err != nil {
		return nil, err
	}
	if err := checkDeviceNickname(nickname); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &request{
		op:     "Devices.Rename",
		method: http.MethodPut,
		path:   buildPath("Customers", customerID, "devices", mac),
		body: struct {
			Nickname string `json:"nickname"`
		}{nickname},
	})
}

// Hide hides a device from the location: the API wipes its configuration and sets a hidden
// flag, and the device answers ErrNotFound from then on. A device offline for longer than the
// API's default of 31 days, or unknown, is ErrNotFound.
//
// API: DELETE /Customers/{id}/locations/{locationId}/devices/{mac}
func (s *DevicesService) Hide(ctx context.Context, customerID, locationID, mac string) error {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Devices.Hide",
		method: http.MethodDelete,
		path:   devicePath(customerID, locationID, mac),
	})
}
