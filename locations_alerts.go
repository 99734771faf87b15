package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Alerts are the alerts of a location's nodes and devices. The reference documents the
// answer only as "an array of Nodes and an array of Devices" (example {}), so the typed
// fields follow the shape of docs/plume-support-api.md §12.9,
// {"nodes":[{id, alerts:[{type, state, updatedAt}]}], "devices":[…]}, read tolerantly; Raw
// keeps the whole answer.
type Alerts struct {
	Nodes   []Alert         `json:"nodes"`   // never nil once decoded
	Devices []Alert         `json:"devices"` // never nil once decoded
	Raw     json.RawMessage `json:"-"`
}

// Alert is the alerts of one node or device. ID is the node id or the device MAC.
type Alert struct {
	ID      string          `json:"id"`
	Types   []string        `json:"types"`  // the type of each alert, in the order of Details
	Details []AlertDetail   `json:"alerts"` // each alert with its state
	Raw     json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes one node's or device's alerts and keeps the object whole in Raw.
func (a *Alert) UnmarshalJSON(data []byte) error {
	return decodeRawInto(a, data, (*plainAlert).with)
}

// AlertDetail is one alert of a node or device.
type AlertDetail struct {
	Type      string     `json:"type"`  // "poorHealth", …: the reference lists more without naming them
	State     AlertState `json:"state"` // "active" for an open alert, or the state SnoozeAlert set
	UpdatedAt time.Time  `json:"updatedAt"`
}

// Open reports whether the alert still asks for attention: no one snoozed, ignored or
// accepted it.
func (d AlertDetail) Open() bool {
	switch d.State {
	case AlertSnooze, AlertIgnore, AlertPerformanceAcceptable:
		return false
	}
	return true
}

// OpenTypes returns the types of the alerts that are Open, in order.
func (a *Alert) OpenTypes() []string {
	var open []string
	for _, d := range a.Details {
		if d.Open() {
			open = append(open, d.Type)
		}
	}
	return open
}

// AlertState is the state SnoozeAlert gives a node's alert.
type AlertState string

// Alert states. A raised alert is "active"; AlertReset makes it active again.
const (
	AlertSnooze                AlertState = "snooze"
	AlertIgnore                AlertState = "ignore"
	AlertPerformanceAcceptable AlertState = "performanceAcceptable"
	AlertReset                 AlertState = "reset"
)

func (s AlertState) valid() bool {
	return s == AlertSnooze || s == AlertIgnore || s == AlertPerformanceAcceptable || s == AlertReset
}

// plainAlert is the wire shape of one node's or device's alerts: keyed by id, mac or nodeId,
// each alert an object {type, state, updatedAt} or a bare type.
type plainAlert struct {
	ID     flexString  `json:"id"`
	MAC    flexString  `json:"mac"`
	NodeID flexString  `json:"nodeId"`
	Alerts []alertItem `json:"alerts"`
}

func (p *plainAlert) with(raw json.RawMessage) Alert {
	a := Alert{ID: string(p.ID), Raw: raw}
	if a.ID == "" {
		a.ID = string(p.MAC)
	}
	if a.ID == "" {
		a.ID = string(p.NodeID)
	}
	for _, item := range p.Alerts {
		d := AlertDetail(item)
		a.Types = append(a.Types, d.Type)
		a.Details = append(a.Details, d)
	}
	return a
}

// alertItem is one alert on the wire: {type, state, updatedAt}, or a bare type.
type alertItem AlertDetail

func (i *alertItem) UnmarshalJSON(data []byte) error {
	*i = alertItem{}
	if data = bytes.TrimSpace(data); len(data) > 0 && data[0] == '{' {
		var w struct {
			Type      flexString `json:"type"`
			State     flexString `json:"state"`
			UpdatedAt looseStamp `json:"updatedAt"`
		}
		if err := json.Unmarshal(data, &w); err != nil {
			return err
		}
		*i = alertItem{Type: string(w.Type), State: AlertState(w.State), UpdatedAt: time.Time(w.UpdatedAt)}
		return nil
	}
	var t flexString
	if err := t.UnmarshalJSON(data); err != nil {
		return err
	}
	i.Type = string(t)
	return nil
}

// errAlertsShape is an alerts answer that is not an object.
var errAlertsShape = errors.New("alerts: not an object")

// UnmarshalJSON decodes an alerts answer and keeps it whole in Raw.
func (a *Alerts) UnmarshalJSON(data []byte) error { return a.decodeBody(data) }

// decodeBody reads the alerts object; each of nodes and devices may be a list, a single
// object, null or absent.
func (a *Alerts) decodeBody(body []byte) error {
	body = bytes.TrimSpace(body)
	var members struct {
		Nodes   json.RawMessage `json:"nodes"`
		Devices json.RawMessage `json:"devices"`
	}
	if err := json.Unmarshal(body, &members); err != nil {
		return err
	}
	if len(body) == 0 || body[0] != '{' {
		return errAlertsShape
	}
	nodes, err := decodeAlertList(members.Nodes)
	if err != nil {
		return err
	}
	devices, err := decodeAlertList(members.Devices)
	if err != nil {
		return err
	}
	*a = Alerts{Nodes: nodes, Devices: devices, Raw: keepRawJSON(body)}
	return nil
}

// decodeAlertList reads a list of alert entries, or a single one.
func decodeAlertList(data json.RawMessage) ([]Alert, error) {
	switch data = bytes.TrimSpace(data); {
	case len(data) == 0 || string(data) == "null":
		return []Alert{}, nil
	case data[0] == '{':
		var one Alert
		if err := decodeRawInto(&one, data, (*plainAlert).with); err != nil {
			return nil, err
		}
		return []Alert{one}, nil
	}
	return decodeRawList(data, (*plainAlert).with)
}

// Alerts returns the open and snoozed alerts of a location's nodes and devices (see the
// Alerts type for the shape read). A 404 is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/alerts
func (s *LocationsService) Alerts(ctx context.Context, customerID, locationID string) (*Alerts, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return call[Alerts](ctx, s.client, &request{
		op:     "Locations.Alerts",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "alerts"),
	})
}

// SnoozeAlert sets the state of one alert of a node: snoozed, ignored, accepted as
// performance acceptable, or reset to active. alertType goes into the path as given (the
// reference names poorHealth and says there are more, docs/plume-support-api.md §13.14);
// state must be one of the four AlertState values, else a *ValidationError and nothing is
// sent. The API answers with the full node record, which this call does not read. A 404
// (ErrNotFound) means the location is unknown or the node is not claimed to the customer; a
// 422 (ErrValidation) an alert type or state the API does not know.
//
// API: PUT /Customers/{id}/locations/{locationId}/nodes/{nodeId}/alerts/{type}
func (s *NodesService) SnoozeAlert(ctx context.Context, customerID, locationID, nodeID, alertType string, state AlertState) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID, "alertType", alertType); err != nil {
		return err
	}
	if !state.valid() {
		return invalid("AlertState", "unknown value %q", string(state))
	}
	return exec(ctx, s.client, &request{
		op:     "Nodes.SnoozeAlert",
		method: http.MethodPut,
		path:   buildPath("Customers", customerID, "locations", locationID, "nodes", nodeID, "alerts", alertType),
		body: struct {
			State AlertState `json:"state"`
		}{state},
	})
}
