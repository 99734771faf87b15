package plume

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// ClientSteering is the steering setting of one client device: whether the optimizer steers
// it automatically, and the steering class that overrides its detected device type (the
// reference says "for testing purposes").
type ClientSteering struct {
	Auto          bool      `json:"auto"`
	SteeringClass string    `json:"steeringClass,omitempty"`
	UpdatedAt     time.Time `json:"updatedAt,omitzero"`
}

// clientSteeringAnswer is the answer of SetClientSteering, {"auto":bool,"updatedAt":ts}
// (docs/plume-support-api.md §4.1), read with what it may leave out told apart from false.
type clientSteeringAnswer struct {
	Auto          *bool     `json:"auto"`
	SteeringClass *string   `json:"steeringClass"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Forced steering: the window the API accepts for expiresAt (docs/plume-support-api.md §4.2).
const (
	MinForcedSteer = 5 * time.Minute  // the earliest end of a forced steer, from now
	MaxForcedSteer = 60 * time.Minute // the latest end of a forced steer, from now
)

// forcedSteerLayout is how ForceSteer sends expiresAt: RFC 3339 in UTC with milliseconds,
// the form of the API's own timestamps (docs/plume-support-api.md §1).
const forcedSteerLayout = "2006-01-02T15:04:05.000Z07:00"

// SetClientSteering sets a device's client steering: auto is always sent, steeringClass only
// when not empty. The answer carries auto and updatedAt; what it leaves out (steeringClass,
// which the reference's answer never shows, or auto) is filled in from the request. The
// device's MAC is checked before sending (the API answers 422 for an invalid one,
// ErrValidation); an unknown location is ErrNotFound; a body the API finds incomplete is
// ErrBadRequest.
//
// API: PATCH /Customers/{id}/locations/{locationId}/devices/{mac}/clientSteering
func (s *DevicesService) SetClientSteering(ctx context.Context, customerID, locationID, mac string, cs ClientSteering) (*ClientSteering, error) {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return nil, err
	}
	answer, err := call[clientSteeringAnswer](ctx, s.client, &request{
		op:     "Devices.SetClientSteering",
		method: http.MethodPatch,
		path:   devicePath(customerID, locationID, mac, "clientSteering"),
		body: struct {
			Auto          bool   `json:"auto"`
			SteeringClass string `json:"steeringClass,omitempty"`
		}{cs.Auto, cs.SteeringClass},
	})
	if err != nil {
		return nil, err
	}
	out := &ClientSteering{Auto: cs.Auto, SteeringClass: cs.SteeringClass, UpdatedAt: answer.UpdatedAt}
	if answer.Auto != nil {
		out.Auto = *answer.Auto
	}
	if answer.SteeringClass != nil {
		out.SteeringClass = *answer.SteeringClass
	}
	return out, nil
}

// ForceSteer forces a device onto the 2.4 GHz band until the time given, the one "steer a
// client" action the API documents (there is no "steer to node X").
//
// until must lie 5 to 60 minutes (MinForcedSteer, MaxForcedSteer) after now by the client's
// clock; it is checked before sending, and a time outside that window (the past included) is
// a *ValidationError for field "Until". Leave a margin: the API checks the window again when
// the request arrives, so "now + 5 minutes" can arrive under 5 minutes ahead and be refused
// with ErrValidation, as is a time outside the window by the server's clock. It is sent as
// RFC 3339 in UTC with milliseconds. A new forced steer replaces the one in force. An unknown
// device, one not online in the last 31 days, or an unknown location is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/devices/{mac}/forcedSteer
func (s *DevicesService) ForceSteer(ctx context.Context, customerID, locationID, mac string, until time.Time) error {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return err
	}
	expiresAt, err := s.client.forcedSteerEnd(until)
	if err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Devices.ForceSteer",
		method: http.MethodPut,
		path:   devicePath(customerID, locationID, mac, "forcedSteer"),
		body: struct {
			ExpiresAt string `json:"expiresAt"`
		}{expiresAt},
	})
}

// forcedSteerEnd checks until against the forced-steer window from the client's clock and
// returns it as sent. It checks the value as sent (cut to the millisecond), so that what
// passes is what the API receives.
func (c *Client) forcedSteerEnd(until time.Time) (string, error) {
	if until.IsZero() {
		return "", invalid("Until", "is required")
	}
	until = until.UTC().Truncate(time.Millisecond)
	ahead := until.Sub(c.now())
	switch {
	case ahead <= 0:
		return "", invalid("Until", "must be in the future, got %s (%s ago)", until.Format(time.RFC3339), (-ahead).Round(time.Second))
	case ahead < MinForcedSteer || ahead > MaxForcedSteer:
		return "", invalid("Until", "must be %s to %s from now, got %s ahead", minutes(MinForcedSteer), minutes(MaxForcedSteer), ahead.Round(time.Second))
	}
	return until.Format(forcedSteerLayout), nil
}

// minutes prints a whole number of minutes as "5 minutes".
func minutes(d time.Duration) string { return strconv.Itoa(int(d/time.Minute)) + " minutes" }

// EndForcedSteer ends a device's forced steer before the time ForceSteer gave. An unknown
// device, one not online in the last 31 days, or an unknown location is ErrNotFound.
//
// API: DELETE /Customers/{id}/locations/{locationId}/devices/{mac}/forcedSteer
func (s *DevicesService) EndForcedSteer(ctx context.Context, customerID, locationID, mac string) error {
	mac, err := deviceArgs(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Devices.EndForcedSteer",
		method: http.MethodDelete,
		path:   devicePath(customerID, locationID, mac, "forcedSteer"),
	})
}
