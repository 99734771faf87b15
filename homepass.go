package plume

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/plumecloud/plume-go/internal/redact"
)

// HomePassService is the HomePass part of the API: the extra WiFi keys (passwords) of a
// location's network, each giving access to one access zone, and the guest access zones
// (docs/plume-support-api.md §8; the Key and AccessZone objects are in docs/plume-api.md §6.0).
//
// Keys are secrets: Key and KeyRequest print with the key masked, every write sends the key
// only in the request body, and the key is redacted from every error of the call.
type HomePassService service

// AccessZoneType is the kind of an access zone, and the {accessZone} of a key's path.
type AccessZoneType string

// Access zone types.
const (
	AccessZoneHome         AccessZoneType = "home"
	AccessZoneGuests       AccessZoneType = "guests" // the only type CreateAccessZone creates
	AccessZoneInternetOnly AccessZoneType = "internetAccessOnly"
)

func (z AccessZoneType) valid() bool {
	return z == AccessZoneHome || z == AccessZoneGuests || z == AccessZoneInternetOnly
}

// KeyFormat is what a HomePass key is: a password, or a phone number used as one.
type KeyFormat string

// Key formats.
const (
	KeyFormatEncryptionKey KeyFormat = "encryptionKey" // at least 8 characters
	KeyFormatPhoneNumber   KeyFormat = "phoneNumber"   // an optional + and 7 to 15 digits
)

func (f KeyFormat) valid() bool { return f == KeyFormatEncryptionKey || f == KeyFormatPhoneNumber }

// Key ids: each WiFi network has at most ten keys, ids 0 to 9 (docs/plume-support-api.md §8.2).
const (
	MinKeyID = 0
	MaxKeyID = 9
)

// Key is one HomePass key of a location's WiFi network. It prints with EncryptionKey masked,
// as a value and as a pointer, with every fmt verb, through slog, json.Marshal and
// encoding.TextMarshaler; Raw keeps the whole object as received (key included) and prints
// masked too.
//
// The key's format is the field KeyFormat, not Format as the design notes (DESIGN.md §8) draw it: Go
// allows no method and field of one name, and the Format method is what masks the key under
// the verbs fmt does not route through String (%d, %t, %e…).
type Key struct {
	ID            int             `json:"id"`
	EncryptionKey string          `json:"encryptionKey"` // the password (or phone number)
	AccessZone    AccessZoneType  `json:"accessZone"`
	AccessZoneID  int             `json:"accessZoneId"`
	KeyFormat     KeyFormat       `json:"format"`
	Enabled       bool            `json:"enable"`  // devices may connect with it
	Content       []string        `json:"content"` // content filters, e.g. "adultAndSensitive"
	ExpiresAt     *time.Time      `json:"expiresAt"`
	CreatedAt     time.Time       `json:"createdAt"`
	UpdatedAt     time.Time       `json:"updatedAt"`
	Raw           json.RawMessage `json:"-"`
}

// plainKey is Key without methods, for decoding (decode.go), its content list read leniently.
type plainKey struct {
	plainKeyFields
	Content looseStrings `json:"content"`
}

type plainKeyFields Key

func (p *plainKey) with(raw json.RawMessage) Key {
	k := Key(p.plainKeyFields)
	k.Content = []string(p.Content)
	k.Raw = raw
	return k
}

// UnmarshalJSON decodes a key object and keeps it whole in Raw.
func (k *Key) UnmarshalJSON(data []byte) error { return decodeRawInto(k, data, (*plainKey).with) }

// String returns the key with EncryptionKey masked; Raw is left out.
func (k Key) String() string {
	return fmt.Sprintf("plume.Key{ID:%d, AccessZone:%q, KeyFormat:%q, EncryptionKey:%q, Enabled:%t, ExpiresAt:%s}",
		k.ID, k.AccessZone, k.KeyFormat, redact.Secret(k.EncryptionKey), k.Enabled, timePtrText(k.ExpiresAt))
}

// GoString returns the key with EncryptionKey masked, Raw included with every secret-named
// member and the key itself masked, for %#v.
func (k Key) GoString() string {
	return fmt.Sprintf("plume.Key{ID:%d, EncryptionKey:%q, AccessZone:%q, AccessZoneID:%d, KeyFormat:%q, Enabled:%t, Content:%#v, ExpiresAt:%s, CreatedAt:%s, UpdatedAt:%s, Raw:json.RawMessage(%q)}",
		k.ID, redact.Secret(k.EncryptionKey), k.AccessZone, k.AccessZoneID, k.KeyFormat, k.Enabled, k.Content,
		goTimePtr(k.ExpiresAt), goTime(k.CreatedAt), goTime(k.UpdatedAt), maskRaw(k.Raw, k.EncryptionKey))
}

// Format prints the key masked with every verb: %#v is GoString, %q the quoted String,
// anything else String.
func (k Key) Format(f fmt.State, verb rune) { formatMasked(f, verb, k) }

// MarshalJSON encodes the key as the API's object with EncryptionKey masked and without Raw,
// so that a value holding a Key, at any depth, never marshals the key.
func (k Key) MarshalJSON() ([]byte, error) {
	p := plainKeyFields(k)
	p.EncryptionKey = redact.Secret(p.EncryptionKey)
	return json.Marshal(p)
}

// MarshalText returns String: the key with EncryptionKey masked.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// LogValue returns the key with EncryptionKey masked, for slog.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("id", k.ID),
		slog.String("access_zone", string(k.AccessZone)),
		slog.String("format", string(k.KeyFormat)),
		slog.String("encryption_key", redact.Secret(k.EncryptionKey)),
		slog.Bool("enabled", k.Enabled),
		slog.String("expires_at", timePtrText(k.ExpiresAt)),
	)
}

// Meanings of the key and zone writes: a read-only key (key 0, the network's own) or zone
// (ids 1–3) answers 405.
var homePassMeanings = map[int]error{http.StatusMethodNotAllowed: ErrReadOnly}

// homePassArgs checks the ids and the zone type of a key call.
func homePassArgs(customerID, locationID string, zone AccessZoneType) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	if zone == "" {
		return invalid("AccessZone", "is required (AccessZoneHome, AccessZoneGuests or AccessZoneInternetOnly)")
	}
	return checkEnum("AccessZone", zone, AccessZoneType.valid)
}

// checkKeyID enforces the key ids 0 to 9.
func checkKeyID(id int) error {
	if id < MinKeyID || id > MaxKeyID {
		return invalid("KeyID", "must be %d to %d, got %d", MinKeyID, MaxKeyID, id)
	}
	return nil
}

func keysPath(customerID, locationID string, zone AccessZoneType, keyID ...int) string {
	segments := []string{"Customers", customerID, "locations", locationID, "wifiNetwork", "accessZones", string(zone), "keys"}
	for _, id := range keyID {
		segments = append(segments, strconv.Itoa(id))
	}
	return buildPath(segments...)
}

// Keys returns the keys of one access zone of a location's WiFi network, read from the
// network (there is no list call): the keys whose accessZone is zone. A location without a
// WiFi network is ErrNotFound; a network without keys gives an empty list.
//
// API: GET /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *HomePassService) Keys(ctx context.Context, customerID, locationID string, zone AccessZoneType) ([]Key, error) {
	if err := homePassArgs(customerID, locationID, zone); err != nil {
		return nil, err
	}
	all, err := s.keys(ctx, "HomePass.Keys", customerID, locationID)
	if err != nil {
		return nil, err
	}
	keys := []Key{}
	for _, k := range all {
		if k.AccessZone == zone {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// AllKeys returns every key of a location's WiFi network, of every access zone, in the
// order the API sends them: one call where Keys would take one per zone. A location without
// a WiFi network is ErrNotFound; a network without keys gives an empty list.
//
// API: GET /Customers/{id}/locations/{locationId}/wifiNetwork
func (s *HomePassService) AllKeys(ctx context.Context, customerID, locationID string) ([]Key, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return s.keys(ctx, "HomePass.AllKeys", customerID, locationID)
}

func (s *HomePassService) keys(ctx context.Context, op, customerID, locationID string) ([]Key, error) {
	all, err := call[networkKeys](ctx, s.client, &request{op: op, method: http.MethodGet, path: wifiPath(customerID, locationID)})
	if err != nil {
		return nil, err
	}
	return nonNil([]Key(*all)), nil
}

// CreateKey adds a key to an access zone and returns every key of the network (the API's
// answer: the full array, not only the new key, sorted as the API sends it). The request is
// checked before sending (KeyRequest.Validate); the API answers 422 (ErrValidation) for a key
// it refuses (already in use, say, or no id left), 400 (ErrBadRequest) for a missing field,
// and 404 (ErrNotFound) for an unknown location or a location without a WiFi network. The
// key is redacted from every error.
//
// API: POST /Customers/{id}/locations/{locationId}/wifiNetwork/accessZones/{accessZone}/keys
func (s *HomePassService) CreateKey(ctx context.Context, customerID, locationID string, zone AccessZoneType, req KeyRequest) ([]Key, error) {
	if err := homePassArgs(customerID, locationID, zone); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return s.writeKeys(ctx, &request{
		op:      "HomePass.CreateKey",
		method:  http.MethodPost,
		path:    keysPath(customerID, locationID, zone),
		body:    req.wire(),
		secrets: []string{req.EncryptionKey},
	})
}

// UpdateKey replaces key keyID (0 to 9, checked before sending) of an access zone and returns
// every key of the network. Turning off or changing what a read-only key (key 0, the network's
// own password) may not is ErrReadOnly (HTTP 405). Errors as CreateKey; a keyID the zone does
// not have is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/wifiNetwork/accessZones/{accessZone}/keys/{keyId}
func (s *HomePassService) UpdateKey(ctx context.Context, customerID, locationID string, zone AccessZoneType, keyID int, req KeyRequest) ([]Key, error) {
	if err := homePassArgs(customerID, locationID, zone); err != nil {
		return nil, err
	}
	if err := checkKeyID(keyID); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return s.writeKeys(ctx, &request{
		op:       "HomePass.UpdateKey",
		method:   http.MethodPut,
		path:     keysPath(customerID, locationID, zone, keyID),
		body:     req.wire(),
		meanings: homePassMeanings,
		secrets:  []string{req.EncryptionKey},
	})
}

// DeleteKey deletes key keyID (0 to 9, checked before sending) of an access zone. A read-only
// key (key 0) is ErrReadOnly (HTTP 405); a keyID the zone does not have is ErrNotFound. The
// API answers the remaining keys, which DeleteKey does not read: call Keys for them.
//
// API: DELETE /Customers/{id}/locations/{locationId}/wifiNetwork/accessZones/{accessZone}/keys/{keyId}
func (s *HomePassService) DeleteKey(ctx context.Context, customerID, locationID string, zone AccessZoneType, keyID int) error {
	if err := homePassArgs(customerID, locationID, zone); err != nil {
		return err
	}
	if err := checkKeyID(keyID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:       "HomePass.DeleteKey",
		method:   http.MethodDelete,
		path:     keysPath(customerID, locationID, zone, keyID),
		meanings: homePassMeanings,
	})
}

func (s *HomePassService) writeKeys(ctx context.Context, r *request) ([]Key, error) {
	keys, err := call[keyList](ctx, s.client, r)
	if err != nil {
		return nil, err
	}
	return nonNil(*keys), nil
}

// keyList is the answer of the key writes: a JSON array of keys.
type keyList []Key

func (l *keyList) decodeBody(body []byte) (err error) {
	*l, err = decodeKeyList(body)
	return err
}

var errKeyListShape = errors.New("not a list of keys")

// decodeKeyList reads a JSON array of keys.
func decodeKeyList(body json.RawMessage) ([]Key, error) {
	arr, err := arrayOnly(body, errKeyListShape)
	if err != nil {
		return nil, err
	}
	return decodeRawList(arr, (*plainKey).with)
}

// networkKeys is the answer of Keys: the keys of the wifiNetwork answer, every zone's.
type networkKeys []Key

func (n *networkKeys) decodeBody(body []byte) error {
	arr, err := wifiNetworkList(body, "keys")
	if err != nil {
		return err
	}
	*n, err = decodeRawList(arr, (*plainKey).with)
	return err
}
