package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// AccessZone is an access zone of a location's WiFi network: what the devices that join with
// its keys may reach. Every network has read-only home, guests and internet-only zones; more
// guest zones can be created (CreateAccessZone).
type AccessZone struct {
	ID          int            `json:"id"`
	Type        AccessZoneType `json:"type"`
	Description string         `json:"description"` // the zone's name
	// AccessibleDevices are the home devices visible from a guest zone: MACs as the API sent
	// them. The reference draws the list's items as objects; an item that is an object gives
	// its mac (or id) member.
	AccessibleDevices []string        `json:"accessibleDevices"`
	CreatedAt         time.Time       `json:"createdAt"`
	UpdatedAt         time.Time       `json:"updatedAt"`
	Raw               json.RawMessage `json:"-"`
}

// plainAccessZone is AccessZone without methods, for decoding (decode.go).
type plainAccessZone struct {
	plainAccessZoneFields
	AccessibleDevices looseStrings `json:"accessibleDevices"`
}

type plainAccessZoneFields AccessZone

func (p *plainAccessZone) with(raw json.RawMessage) AccessZone {
	z := AccessZone(p.plainAccessZoneFields)
	z.AccessibleDevices = []string(p.AccessibleDevices)
	z.Raw = raw
	return z
}

// UnmarshalJSON decodes an access zone object and keeps it whole in Raw.
func (z *AccessZone) UnmarshalJSON(data []byte) error {
	return decodeRawInto(z, data, (*plainAccessZone).with)
}

// AccessZoneRequest is the body of CreateAccessZone and UpdateAccessZone. Description (the
// zone's name) is required. AccessibleDevices are MACs of home devices the zone's guests may
// see, in any common notation (sent lowercase, colon-separated): nil sends nothing (an update
// leaves the list as it is), an empty non-nil slice sends [] (an update clears it).
type AccessZoneRequest struct {
	Description       string
	AccessibleDevices []string
}

// accessZoneWire is the body of the zone writes as sent.
type accessZoneWire struct {
	Description       string         `json:"description"`
	Type              AccessZoneType `json:"type,omitempty"`
	AccessibleDevices []string       `json:"accessibleDevices,omitzero"`
}

// Validate checks the request as CreateAccessZone and UpdateAccessZone do before sending it.
func (r AccessZoneRequest) Validate() error {
	_, err := r.wire("")
	return err
}

func (r AccessZoneRequest) wire(zone AccessZoneType) (accessZoneWire, error) {
	if strings.TrimSpace(r.Description) == "" {
		return accessZoneWire{}, invalid("Description", "is required")
	}
	w := accessZoneWire{Description: r.Description, Type: zone}
	if r.AccessibleDevices != nil {
		macs, err := normalizeMACs("AccessibleDevices", r.AccessibleDevices)
		if err != nil {
			return accessZoneWire{}, err
		}
		w.AccessibleDevices = macs
	}
	return w, nil
}

// checkZoneID refuses a negative zone id.
func checkZoneID(id int) error {
	if id < 0 {
		return invalid("ZoneID", "must not be negative, got %d", id)
	}
	return nil
}

func zonesPath(customerID, locationID string, zoneID ...int) string {
	segments := []string{"Customers", customerID, "locations", locationID, "wifiNetwork", "accessZones"}
	for _, id := range zoneID {
		segments = append(segments, strconv.Itoa(id))
	}
	return buildPath(segments...)
}

// AccessZones returns the access zones of a location's WiFi network, read from the network
// (there is no list call). A location without a WiFi network is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *HomePassService) AccessZones(ctx context.Context, customerID, locationID string) ([]AccessZone, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	zones, err := call[networkZones](ctx, s.client, &request{
		op:     "HomePass.AccessZones",
		method: http.MethodGet,
		path:   wifiPath(customerID, locationID),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*zones), nil
}

// CreateAccessZone creates a guest access zone and returns every zone of the network (the
// API's answer). It always sends type "guests", the only type the API creates. The request is
// checked before sending (AccessZoneRequest.Validate); the API answers 422 (ErrValidation) for
// a zone it refuses and 404 (ErrNotFound) for an unknown location or one without a WiFi
// network.
//
// API: POST /Customers/{id}/locations/{locationId}/wifiNetwork/accessZones
func (s *HomePassService) CreateAccessZone(ctx context.Context, customerID, locationID string, req AccessZoneRequest) ([]AccessZone, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	body, err := req.wire(AccessZoneGuests)
	if err != nil {
		return nil, err
	}
	zones, err := call[zoneList](ctx, s.client, &request{
		op:     "HomePass.CreateAccessZone",
		method: http.MethodPost,
		path:   zonesPath(customerID, locationID),
		body:   body,
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*zones), nil
}

// UpdateAccessZone renames zone zoneID and, when req.AccessibleDevices is not nil, replaces
// its accessible devices; it returns every zone of the network. The reference's text promises
// the zones but its example is empty (docs/plume-support-api.md §8.5): when the answer is
// empty or is not a list, UpdateAccessZone reads the zones back with one more call (as
// AccessZones does); an error of that read says the update was made. An unknown zone is
// ErrNotFound, a refused value ErrValidation (422). The reference lists no 405 here (only
// DeleteAccessZone refuses the read-only zones 1 to 3), and the fake renames zones 1 to 3;
// should the API answer 405, it is ErrReadOnly.
//
// API: PATCH /Customers/{id}/locations/{locationId}/wifiNetwork/accessZones/{zoneId}
func (s *HomePassService) UpdateAccessZone(ctx context.Context, customerID, locationID string, zoneID int, req AccessZoneRequest) ([]AccessZone, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := checkZoneID(zoneID); err != nil {
		return nil, err
	}
	body, err := req.wire("")
	if err != nil {
		return nil, err
	}
	zones, err := call[zoneUpdate](ctx, s.client, &request{
		op:       "HomePass.UpdateAccessZone",
		method:   http.MethodPatch,
		path:     zonesPath(customerID, locationID, zoneID),
		body:     body,
		meanings: homePassMeanings,
	})
	if err != nil {
		return nil, err
	}
	if zones.listed {
		return nonNil(zones.zones), nil
	}
	all, err := s.AccessZones(ctx, customerID, locationID)
	if err != nil {
		return nil, fmt.Errorf("plume: HomePass.UpdateAccessZone: zone %d was updated, but the answer did not list the zones and reading them back failed: %w", zoneID, err)
	}
	return all, nil
}

// DeleteAccessZone deletes zone zoneID and the keys that give access to it. A read-only zone
// (the network's home, guests and internet-only zones) is ErrReadOnly (HTTP 405); an unknown
// zone is ErrNotFound.
//
// API: DELETE /Customers/{id}/locations/{locationId}/wifiNetwork/accessZones/{zoneId}
func (s *HomePassService) DeleteAccessZone(ctx context.Context, customerID, locationID string, zoneID int) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	if err := checkZoneID(zoneID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:       "HomePass.DeleteAccessZone",
		method:   http.MethodDelete,
		path:     zonesPath(customerID, locationID, zoneID),
		meanings: homePassMeanings,
	})
}

// networkZones is the answer of AccessZones: the accessZones of the wifiNetwork answer.
type networkZones []AccessZone

func (n *networkZones) decodeBody(body []byte) error {
	arr, err := wifiNetworkList(body, "accessZones")
	if err != nil {
		return err
	}
	*n, err = decodeRawList(arr, (*plainAccessZone).with)
	return err
}

// zoneList is the answer of CreateAccessZone: a JSON array of zones.
type zoneList []AccessZone

func (l *zoneList) decodeBody(body []byte) (err error) {
	*l, err = decodeZoneList(body)
	return err
}

var errZoneListShape = errors.New("not a list of access zones")

// zoneUpdate is the answer of UpdateAccessZone: a JSON array of zones (listed), or nothing or
// any other JSON value (E's example is empty), which lists none (docs/plume-support-api.md
// §8.5).
type zoneUpdate struct {
	zones  []AccessZone
	listed bool
}

func (*zoneUpdate) optional() {} // an empty answer lists no zones: UpdateAccessZone reads them

func (u *zoneUpdate) decodeBody(body []byte) error {
	if !json.Valid(body) {
		return json.Unmarshal(body, new(any))
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '[' {
		return nil
	}
	zones, err := decodeZoneList(body)
	if err != nil {
		return err
	}
	u.zones, u.listed = zones, true
	return nil
}

// decodeZoneList reads a JSON array of access zones.
func decodeZoneList(body json.RawMessage) ([]AccessZone, error) {
	arr, err := arrayOnly(body, errZoneListShape)
	if err != nil {
		return nil, err
	}
	return decodeRawList(arr, (*plainAccessZone).with)
}

// Decoding helpers of the key and zone answers.

// arrayOnly returns body when it is a JSON array, the decoder's own error when it is not JSON,
// and shape when it is another JSON value.
func arrayOnly(body []byte, shape error) ([]byte, error) {
	if !json.Valid(body) {
		return nil, json.Unmarshal(body, new(any))
	}
	t := bytes.TrimSpace(body)
	if len(t) == 0 || t[0] != '[' {
		return nil, shape
	}
	return t, nil
}

var errNotWifiNetwork = errors.New("not a wifiNetwork object")

// wifiNetworkList returns the array member name ("keys", "accessZones") of a wifiNetwork
// answer, wrapped ({"wifiNetwork":{…}}) or bare as docs/plume-api.md §6.1 allows; a network
// without the member, or with null, gives an empty array.
func wifiNetworkList(body []byte, name string) ([]byte, error) {
	if !json.Valid(body) {
		return nil, json.Unmarshal(body, new(any))
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errNotWifiNetwork
	}
	if inner, ok := jsonraw.Member(body, "wifiNetwork"); ok && len(inner) > 0 && inner[0] == '{' {
		body = inner
	}
	list, ok := jsonraw.Member(body, name)
	switch {
	case !ok || string(list) == "null":
		return []byte("[]"), nil
	case list[0] != '[':
		return nil, fmt.Errorf("wifiNetwork.%s is not a list", name)
	}
	return list, nil
}
