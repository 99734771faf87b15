package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Freezes (parental controls): a frozen device has no internet access. A freeze applies to
// one device (DevicesService), to every device of a person (PersonsService), or to the
// devices a location-wide freeze lists (LocationsService.Freeze). docs/plume-support-api.md
// §10.

// FreezeKind is a kind of freeze, as the API names it in the path.
type FreezeKind string

// Freeze kinds.
const (
	FreezeForever FreezeKind = "forever"    // paused until unfrozen
	FreezeSuspend FreezeKind = "suspend"    // suspended; ClearFreezes leaves it in place
	FreezeUntil   FreezeKind = "autoExpire" // paused until Freeze.Until, then lapses by itself
)

func (k FreezeKind) valid() bool {
	return k == FreezeForever || k == FreezeSuspend || k == FreezeUntil
}

// freezeTimeLayout is how a freeze's end is sent: RFC 3339 in UTC with milliseconds, the form
// of the API's own timestamps (docs/plume-support-api.md §1).
const freezeTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Freeze is a freeze to put on a device or a person.
type Freeze struct {
	Kind FreezeKind // required
	// Until is when a FreezeUntil freeze lapses: required with FreezeUntil, in the future by
	// the client's clock, and refused with the other kinds. Sent in UTC with milliseconds.
	Until time.Time
	// DeleteAllExceptSuspend removes the subject's other freezes first (a suspend freeze
	// stays): the API's deleteAllExceptSuspend, for FreezeForever and FreezeSuspend only (the
	// autoExpire call takes no such flag).
	DeleteAllExceptSuspend bool
}

// Validate checks the freeze as Freeze does before sending it, except that Until lies in the
// future, which Freeze checks against the client's clock.
func (f Freeze) Validate() error {
	if f.Kind == "" {
		return invalid("Kind", "is required (FreezeForever, FreezeSuspend or FreezeUntil)")
	}
	if err := checkEnum("Kind", f.Kind, FreezeKind.valid); err != nil {
		return err
	}
	if f.Kind == FreezeUntil {
		if f.Until.IsZero() {
			return invalid("Until", "is required with FreezeUntil")
		}
		if f.DeleteAllExceptSuspend {
			return invalid("DeleteAllExceptSuspend", "is not taken with FreezeUntil")
		}
		return nil
	}
	if !f.Until.IsZero() {
		return invalid("Until", "is only taken with FreezeUntil, not %q", string(f.Kind))
	}
	return nil
}

// freezeBody checks f (Until against the client's clock) and returns the body of its PUT.
func (c *Client) freezeBody(f Freeze) (any, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.Kind != FreezeUntil {
		return struct {
			Enable                 bool `json:"enable"`
			DeleteAllExceptSuspend bool `json:"deleteAllExceptSuspend"`
		}{true, f.DeleteAllExceptSuspend}, nil
	}
	until := f.Until.UTC().Truncate(time.Millisecond)
	if !until.After(c.now()) {
		return nil, invalid("Until", "must be in the future, got %s", until.Format(time.RFC3339))
	}
	return struct {
		ExpiresAt string `json:"expiresAt"`
	}{until.Format(freezeTimeLayout)}, nil
}

// FreezeSchedule is a freeze schedule template set on one device or person
// (SetFreezeSchedule). The reference gives Schedules and Name no structure: they are sent as
// the JSON values given (docs/plume-support-api.md §10.1).
type FreezeSchedule struct {
	Disable                bool            // send enable:false (the zero value enables the schedule)
	DeleteAllExceptSuspend bool            // remove the subject's other freezes first (suspend stays)
	Schedules              json.RawMessage // any JSON value; not sent when empty
	Name                   json.RawMessage // any JSON value (e.g. "\"School nights\""); not sent when empty
}

// Validate checks the schedule as SetFreezeSchedule does before sending it: Schedules and
// Name, when set, are valid JSON.
func (s FreezeSchedule) Validate() error {
	if len(s.Schedules) > 0 && !json.Valid(s.Schedules) {
		return invalid("Schedules", "is not valid JSON")
	}
	if len(s.Name) > 0 && !json.Valid(s.Name) {
		return invalid("Name", "is not valid JSON")
	}
	return nil
}

// freezeScheduleWire is the body of a schedule template PUT.
type freezeScheduleWire struct {
	Enable                 bool            `json:"enable"`
	DeleteAllExceptSuspend bool            `json:"deleteAllExceptSuspend"`
	Schedules              json.RawMessage `json:"schedules,omitempty"`
	Name                   json.RawMessage `json:"name,omitempty"`
}

func (s FreezeSchedule) wire() freezeScheduleWire {
	return freezeScheduleWire{Enable: !s.Disable, DeleteAllExceptSuspend: s.DeleteAllExceptSuspend, Schedules: s.Schedules, Name: s.Name}
}

// checkTemplateID refuses an empty template id, and a freeze kind, whose path is another call.
func checkTemplateID(id string) error {
	if err := checkID("TemplateID", id); err != nil {
		return err
	}
	if FreezeKind(id).valid() {
		return invalid("TemplateID", "%q is a freeze kind, not a schedule template: use Freeze or Unfreeze", id)
	}
	return nil
}

// freezeMeanings are the meanings of a schedule template PUT.
var freezeMeanings = map[int]error{http.StatusNotImplemented: ErrSharedFreezeSchedules}

// freezeCalls sends the freeze calls of one subject (a device or a person): base is the
// subject's path and service the name errors carry ("Devices").
type freezeCalls struct {
	client  *Client
	service string
	base    []string
}

func (f freezeCalls) path(sub ...string) string {
	return buildPath(append(append([]string(nil), f.base...), sub...)...)
}

func (f freezeCalls) freeze(ctx context.Context, fr Freeze) error {
	body, err := f.client.freezeBody(fr)
	if err != nil {
		return err
	}
	return exec(ctx, f.client, &request{op: f.service + ".Freeze", method: http.MethodPut, path: f.path("freeze", string(fr.Kind)), body: body})
}

func (f freezeCalls) unfreeze(ctx context.Context, kind FreezeKind) error {
	if kind == "" {
		return invalid("Kind", "is required (FreezeForever, FreezeSuspend or FreezeUntil)")
	}
	if err := checkEnum("Kind", kind, FreezeKind.valid); err != nil {
		return err
	}
	return exec(ctx, f.client, &request{op: f.service + ".Unfreeze", method: http.MethodDelete, path: f.path("freeze", string(kind))})
}

func (f freezeCalls) clear(ctx context.Context) error {
	return exec(ctx, f.client, &request{op: f.service + ".ClearFreezes", method: http.MethodDelete, path: f.path("freezes")})
}

func (f freezeCalls) setSchedule(ctx context.Context, templateID string, s FreezeSchedule) error {
	if err := checkTemplateID(templateID); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	return exec(ctx, f.client, &request{op: f.service + ".SetFreezeSchedule", method: http.MethodPut,
		path: f.path("freeze", templateID), body: s.wire(), meanings: freezeMeanings})
}

func (f freezeCalls) applySchedule(ctx context.Context, templateID string) error {
	if err := checkTemplateID(templateID); err != nil {
		return err
	}
	return exec(ctx, f.client, &request{op: f.service + ".ApplyFreezeSchedule", method: http.MethodPost, path: f.path("freeze", templateID)})
}

func (f freezeCalls) removeSchedule(ctx context.Context, templateID string) error {
	if err := checkTemplateID(templateID); err != nil {
		return err
	}
	return exec(ctx, f.client, &request{op: f.service + ".RemoveFreezeSchedule", method: http.MethodDelete, path: f.path("freeze", templateID)})
}

// freezes checks a device call's ids and MAC and returns its freeze calls.
func (s *DevicesService) freezes(customerID, locationID, mac string) (freezeCalls, error) {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return freezeCalls{}, err
	}
	return freezeCalls{client: s.client, service: "Devices",
		base: []string{"Customers", customerID, "locations", locationID, "devices", mac}}, nil
}

// Freeze freezes a device (no internet access): FreezeForever until Unfreeze, FreezeSuspend
// (which ClearFreezes leaves in place), or FreezeUntil until f.Until, which must lie in the
// future by the client's clock (the API refuses a past time with ErrValidation too). The
// freeze is checked before sending (Freeze.Validate). An unknown location is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/devices/{mac}/freeze/{forever|suspend|autoExpire}
func (s *DevicesService) Freeze(ctx context.Context, customerID, locationID, mac string, f Freeze) error {
	calls, err := s.freezes(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return calls.freeze(ctx, f)
}

// Unfreeze removes one kind of freeze from a device; removing a kind the device does not have
// is not an error. An invalid or unknown MAC may be ErrValidation (the API's 422 for forever
// and suspend); an unknown location is ErrNotFound.
//
// API: DELETE /Customers/{id}/locations/{locationId}/devices/{mac}/freeze/{forever|suspend|autoExpire}
func (s *DevicesService) Unfreeze(ctx context.Context, customerID, locationID, mac string, kind FreezeKind) error {
	calls, err := s.freezes(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return calls.unfreeze(ctx, kind)
}

// ClearFreezes removes every freeze of a device (its schedules included). The fake keeps a
// suspend freeze (docs/plume-support-api.md §12.6); the reference does not say.
//
// API: DELETE /Customers/{id}/locations/{locationId}/devices/{mac}/freezes
func (s *DevicesService) ClearFreezes(ctx context.Context, customerID, locationID, mac string) error {
	calls, err := s.freezes(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return calls.clear(ctx)
}

// SetFreezeSchedule sets a freeze schedule template (such as "schoolNights") on a device.
// templateID must not be a FreezeKind (those are Freeze's paths). A location that uses shared
// location freeze schedules answers 501, ErrSharedFreezeSchedules (which also matches
// ErrServer): apply a shared schedule with ApplyFreezeSchedule there.
//
// API: PUT /Customers/{id}/locations/{locationId}/devices/{mac}/freeze/{freezeTemplateId}
func (s *DevicesService) SetFreezeSchedule(ctx context.Context, customerID, locationID, mac, templateID string, schedule FreezeSchedule) error {
	calls, err := s.freezes(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return calls.setSchedule(ctx, templateID, schedule)
}

// ApplyFreezeSchedule applies the shared location freeze schedule templateID (its uuid) to a
// device. An unknown template or device is ErrNotFound; a device whose person (or the group
// of unassigned devices) already has an active freeze schedule is ErrValidation.
//
// API: POST /Customers/{id}/locations/{locationId}/devices/{mac}/freeze/{freezeTemplateId}
func (s *DevicesService) ApplyFreezeSchedule(ctx context.Context, customerID, locationID, mac, templateID string) error {
	calls, err := s.freezes(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return calls.applySchedule(ctx, templateID)
}

// RemoveFreezeSchedule removes the freeze schedule templateID from a device. An invalid MAC
// may be ErrValidation.
//
// API: DELETE /Customers/{id}/locations/{locationId}/devices/{mac}/freeze/{freezeTemplateId}
func (s *DevicesService) RemoveFreezeSchedule(ctx context.Context, customerID, locationID, mac, templateID string) error {
	calls, err := s.freezes(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return calls.removeSchedule(ctx, templateID)
}
