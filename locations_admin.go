package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Location administration: monitor mode, the pod quota, audit trails, the location-wide
// freeze and the factory reset (docs/plume-support-api.md §10.4, §11).

// SetMonitorMode turns a location's monitor mode on or off; while it is on, node claims are
// refused (ErrClaimRejected). The API answers {"enable",…}, which SetMonitorMode does not
// read. A missing body is ErrBadRequest, an unknown location ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/monitorMode
func (s *LocationsService) SetMonitorMode(ctx context.Context, customerID, locationID string, on bool) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Locations.SetMonitorMode",
		method: http.MethodPut,
		path:   locationPath(customerID, locationID, "monitorMode"),
		body: struct {
			Enable bool `json:"enable"`
		}{on},
	})
}

// PodQuota is a location's claim quota: how many leaf pods may be claimed there
// (docs/plume-api.md §4.8). Gateways do not count.
type PodQuota struct {
	NumPodsAuthorized int             `json:"numPodsAuthorized"`
	UpdatedAt         time.Time       `json:"updatedAt"`
	Raw               json.RawMessage `json:"-"` // the whole answer (numNodesAuthorized, _version…)
}

// plainPodQuota is the wire shape of PodQuota, its count read as a number or a numeric string
// and told apart from absent.
type plainPodQuota struct {
	NumPodsAuthorized *looseNumber `json:"numPodsAuthorized"`
	UpdatedAt         looseStamp   `json:"updatedAt"`
}

// podQuotaAnswer is the answer of PodQuota and SetPodQuota; has is false when it carried no
// numPodsAuthorized.
type podQuotaAnswer struct {
	quota PodQuota
	has   bool
	need  bool // the call has no count of its own to fill in (PodQuota)
}

func (a *podQuotaAnswer) decodeBody(body []byte) error {
	var w plainPodQuota
	if err := json.Unmarshal(body, &w); err != nil {
		return err
	}
	a.quota = PodQuota{UpdatedAt: time.Time(w.UpdatedAt), Raw: keepRawJSON(body)}
	if w.NumPodsAuthorized != nil {
		a.quota.NumPodsAuthorized, a.has = int(*w.NumPodsAuthorized), true
	}
	return nil
}

func (a *podQuotaAnswer) missing() string {
	if a.need && !a.has {
		return "no numPodsAuthorized"
	}
	return ""
}

// PodQuota returns a location's pod quota. An answer without numPodsAuthorized is an
// *UnexpectedResponseError; an unknown location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/authorizations
func (s *LocationsService) PodQuota(ctx context.Context, customerID, locationID string) (*PodQuota, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	answer := &podQuotaAnswer{need: true}
	if _, err := s.client.do(ctx, &request{
		op:     "Locations.PodQuota",
		method: http.MethodGet,
		path:   locationPath(customerID, locationID, "authorizations"),
	}, answer); err != nil {
		return nil, err
	}
	return &answer.quota, nil
}

// SetPodQuota sets how many leaf pods may be claimed at a location (n ≥ 0, checked before
// sending). An answer without numPodsAuthorized gets n. A missing field is ErrBadRequest, an
// unknown location ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/authorizations
func (s *LocationsService) SetPodQuota(ctx context.Context, customerID, locationID string, n int) (*PodQuota, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, invalid("NumPodsAuthorized", "must not be negative, got %d", n)
	}
	answer := &podQuotaAnswer{}
	if _, err := s.client.do(ctx, &request{
		op:     "Locations.SetPodQuota",
		method: http.MethodPut,
		path:   locationPath(customerID, locationID, "authorizations"),
		body: struct {
			NumPodsAuthorized int `json:"numPodsAuthorized"`
		}{n},
	}, answer); err != nil {
		return nil, err
	}
	if !answer.has {
		answer.quota.NumPodsAuthorized = n
	}
	return &answer.quota, nil
}

// AuditTrail returns the audit trail of a location as the API sends it: the reference
// documents no shape (docs/plume-support-api.md §11.3). An unknown customer or location is
// ErrNotFound; an empty answer is an *UnexpectedResponseError.
//
// API: GET /Customers/{id}/locations/{locationId}/auditTrail
func (s *LocationsService) AuditTrail(ctx context.Context, customerID, locationID string) (json.RawMessage, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return auditTrail(ctx, s.client, "Locations.AuditTrail", locationPath(customerID, locationID, "auditTrail"))
}

// AuditTrail returns the audit trail of a customer, every location's, as the API sends it
// (see LocationsService.AuditTrail). It is declared here, beside the location's.
//
// API: GET /Customers/{id}/auditTrail
func (s *CustomersService) AuditTrail(ctx context.Context, customerID string) (json.RawMessage, error) {
	if err := checkID("customerID", customerID); err != nil {
		return nil, err
	}
	return auditTrail(ctx, s.client, "Customers.AuditTrail", buildPath("Customers", customerID, "auditTrail"))
}

func auditTrail(ctx context.Context, c *Client, op, path string) (json.RawMessage, error) {
	raw, err := call[rawAnswer](ctx, c, &request{op: op, method: http.MethodGet, path: path})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(*raw), nil
}

// rawAnswer is an answer kept as the JSON the API sent, without surrounding white space.
type rawAnswer json.RawMessage

func (a *rawAnswer) decodeBody(body []byte) error {
	if !json.Valid(body) {
		return json.Unmarshal(body, new(any))
	}
	*a = rawAnswer(keepRawJSON(body))
	return nil
}

// LocationFreeze is the location-wide freeze (docs/plume-support-api.md §10.4): the devices
// listed, and every device of the persons listed, have no internet access until ExpiresAt.
// The reference documents no shape: the fields follow the fake's {expiresAt,
// includedDeviceMacs, includedPersonIds} (§12.6), read leniently; Raw keeps the whole answer.
// A zero ExpiresAt means no location-wide freeze is in force.
type LocationFreeze struct {
	ExpiresAt  time.Time
	DeviceMACs []string // includedDeviceMacs, as the API sent them
	PersonIDs  []string // includedPersonIds
	Raw        json.RawMessage
}

// plainLocationFreeze is the wire shape of LocationFreeze, read leniently.
type plainLocationFreeze struct {
	ExpiresAt  looseStamp   `json:"expiresAt"`
	DeviceMACs looseStrings `json:"includedDeviceMacs"`
	PersonIDs  looseStrings `json:"includedPersonIds"`
}

// locationFreezeAnswer is the answer of FreezeStatus and Freeze: any JSON value; an object
// gives the typed fields. Freeze's answer may be empty (empty).
type locationFreezeAnswer struct {
	freeze   LocationFreeze
	answered bool
}

func (a *locationFreezeAnswer) decodeBody(body []byte) error {
	if !json.Valid(body) {
		return json.Unmarshal(body, new(any))
	}
	raw := keepRawJSON(body)
	a.freeze, a.answered = LocationFreeze{Raw: raw}, true
	if raw[0] != '{' {
		return nil
	}
	var w plainLocationFreeze
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	a.freeze.ExpiresAt, a.freeze.DeviceMACs, a.freeze.PersonIDs = time.Time(w.ExpiresAt), []string(w.DeviceMACs), []string(w.PersonIDs)
	return nil
}

// locationFreezeSet is the answer of Freeze, which the reference does not show: it may be empty.
type locationFreezeSet struct{ locationFreezeAnswer }

func (*locationFreezeSet) optional() {}

// LocationFreezeRequest is the body of LocationsService.Freeze.
//
// The reference's field names say the lists are what is frozen ("included…") while its text
// says "all devices except some"; the SDK reads the names, as the contract does
// (docs/plume-support-api.md §13.8): the devices of DeviceMACs and of the persons of PersonIDs
// are frozen, and with both lists empty every device of the location is.
type LocationFreezeRequest struct {
	DeviceMACs []string  // any common notation; sent lowercase, colon-separated
	PersonIDs  []string  // person ids (PersonsService.List)
	Until      time.Time // required: when the freeze lapses, in the future by the client's clock
}

// locationFreezeWire is the body of Freeze as sent: both lists always, [] when empty.
type locationFreezeWire struct {
	IncludedDeviceMacs []string `json:"includedDeviceMacs"`
	IncludedPersonIDs  []string `json:"includedPersonIds"`
	ExpiresAt          string   `json:"expiresAt"`
}

// Validate checks the request as Freeze does before sending it, except that Until lies in the
// future, which Freeze checks against the client's clock.
func (r LocationFreezeRequest) Validate() error {
	_, err := r.wire()
	return err
}

func (r LocationFreezeRequest) wire() (locationFreezeWire, error) {
	if r.Until.IsZero() {
		return locationFreezeWire{}, invalid("Until", "is required: a location-wide freeze lapses at a set time")
	}
	macs, err := normalizeMACs("DeviceMACs", r.DeviceMACs)
	if err != nil {
		return locationFreezeWire{}, err
	}
	persons := make([]string, 0, len(r.PersonIDs))
	for i, id := range r.PersonIDs {
		if err := checkID("PersonIDs["+strconv.Itoa(i)+"]", id); err != nil {
			return locationFreezeWire{}, err
		}
		persons = append(persons, id)
	}
	return locationFreezeWire{IncludedDeviceMacs: macs, IncludedPersonIDs: persons,
		ExpiresAt: r.Until.UTC().Truncate(time.Millisecond).Format(freezeTimeLayout)}, nil
}

// FreezeStatus returns the location-wide freeze; one with a zero ExpiresAt (the API answers
// {}) is none. An unknown location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/freeze/autoExpire
func (s *LocationsService) FreezeStatus(ctx context.Context, customerID, locationID string) (*LocationFreeze, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	answer, err := call[locationFreezeAnswer](ctx, s.client, &request{
		op:     "Locations.FreezeStatus",
		method: http.MethodGet,
		path:   locationPath(customerID, locationID, "freeze", "autoExpire"),
	})
	if err != nil {
		return nil, err
	}
	return &answer.freeze, nil
}

// Freeze puts a location-wide freeze in place until req.Until: the listed devices, and every
// device of the listed persons, lose internet access; with both lists empty, EVERY device of
// the location does (see LocationFreezeRequest for the reading of the reference). Both lists
// are always sent. req is checked before sending, Until against the client's clock. The
// answer, which the reference does not show, is returned when it has the freeze's fields;
// an empty answer, or one without them, gives the freeze as sent (Raw then holds what came).
// An unknown location is ErrNotFound; a value the API refuses (a person id it does not know,
// a past expiresAt) is ErrValidation (422), which the reference does not list but the fake
// answers. Unfreeze ends it early.
//
// API: PATCH /Customers/{id}/locations/{locationId}/freeze/autoExpire
func (s *LocationsService) Freeze(ctx context.Context, customerID, locationID string, req LocationFreezeRequest) (*LocationFreeze, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	body, err := req.wire()
	if err != nil {
		return nil, err
	}
	if until := req.Until.UTC().Truncate(time.Millisecond); !until.After(s.client.now()) {
		return nil, invalid("Until", "must be in the future, got %s", until.Format(time.RFC3339))
	}
	answer, err := call[locationFreezeSet](ctx, s.client, &request{
		op:     "Locations.Freeze",
		method: http.MethodPatch,
		path:   locationPath(customerID, locationID, "freeze", "autoExpire"),
		body:   body,
	})
	if err != nil {
		return nil, err
	}
	out := answer.freeze
	if out.ExpiresAt.IsZero() {
		out.ExpiresAt = req.Until.UTC().Truncate(time.Millisecond)
		out.DeviceMACs, out.PersonIDs = body.IncludedDeviceMacs, body.IncludedPersonIDs
	}
	return &out, nil
}

// Unfreeze ends the location-wide freeze. Ending none is not an error. An unknown location is
// ErrNotFound.
//
// API: DELETE /Customers/{id}/locations/{locationId}/freeze/autoExpire
func (s *LocationsService) Unfreeze(ctx context.Context, customerID, locationID string) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Locations.Unfreeze",
		method: http.MethodDelete,
		path:   locationPath(customerID, locationID, "freeze", "autoExpire"),
	})
}

// FactoryReset says which settings of a location FactoryReset returns to their defaults
// (docs/plume-support-api.md §11.5). Every flag is sent, true or false: the API's defaults for
// an omitted flag are undocumented. At least one must be true.
type FactoryReset struct {
	Persons               bool `json:"persons"`               // persons and their freezes
	OnboardingCheckpoints bool `json:"onboardingCheckpoints"` // the onboarding checkpoint
	Devices               bool `json:"devices"`               // per-device settings
	NetworkConfiguration  bool `json:"networkConfiguration"`  // DHCP reservations, port forwards; REBOOTS the nodes
	WifiNetwork           bool `json:"wifiNetwork"`           // the WiFi network, its keys and zones; REBOOTS the nodes
	DeviceFreeze          bool `json:"deviceFreeze"`          // freezes and freeze templates
	DeviceNicknames       bool `json:"deviceNicknames"`       // device nicknames
	Managers              bool `json:"managers"`              // the location's managers
	WANConfiguration      bool `json:"wanConfiguration"`      // the WAN configuration (static IPv4 off)
}

// Validate checks the reset as FactoryReset does before sending it: at least one flag is true.
func (r FactoryReset) Validate() error {
	if r == (FactoryReset{}) {
		return invalid("FactoryReset", "resets nothing: set at least one flag (every flag is sent as given)")
	}
	return nil
}

// FactoryReset is DESTRUCTIVE and cannot be undone: it returns the chosen settings of a
// location to their defaults, deleting what they hold (persons, DHCP reservations, the WiFi
// network with its keys, freezes…); NetworkConfiguration and WifiNetwork also reboot every
// node of the location, taking it offline for a while. The claimed nodes stay.
//
// Every flag of reset is sent in the DELETE's JSON body, true or false; a reset with no flag
// true is a *ValidationError and nothing is sent. No flow of the SDK calls it. The API answers
// 204; an unknown location is ErrNotFound.
//
// It is sent at most once: unlike other DELETEs it is not retried after a 5xx or a connection
// lost once the request may have reached the API (only after a dial error, a 429 or the WAF's
// 403, which it did not reach), since a second reset would wipe what was set up in between
// and reboot the nodes again. Such an error leaves it unknown whether the reset happened:
// read the location's settings before trying again.
//
// API: DELETE /Customers/{id}/locations/{locationId}/factoryReset
func (s *LocationsService) FactoryReset(ctx context.Context, customerID, locationID string, reset FactoryReset) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	if err := reset.Validate(); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Locations.FactoryReset",
		method: http.MethodDelete,
		path:   locationPath(customerID, locationID, "factoryReset"),
		body:   reset,
		once:   true,
	})
}
