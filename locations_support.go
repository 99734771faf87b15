package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// locationPath is the path of a location, with sub-resources.
func locationPath(customerID, locationID string, sub ...string) string {
	return buildPath(append([]string{"Customers", customerID, "locations", locationID}, sub...)...)
}

// Reboot reboots every node of a location; opts may be nil (no delay, no body sent). A Delay
// outside 0..MaxRebootDelay is a *ValidationError; an unknown location is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/reboot
func (s *LocationsService) Reboot(ctx context.Context, customerID, locationID string, opts *RebootOptions) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	body, err := opts.body()
	if err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Locations.Reboot",
		method: http.MethodPut,
		path:   locationPath(customerID, locationID, "reboot"),
		body:   body,
	})
}

// FirmwareStatus is the firmware upgrade status of a location's nodes. The reference
// documents an array of undocumented items (docs/plume-support-api.md §5.4, §5.5), so Raw
// always keeps the whole answer and Nodes types only the fields of the fake's items
// (§12.3), read tolerantly: an item of another shape leaves its fields empty.
type FirmwareStatus struct {
	Nodes []NodeFirmware  // one per item of the answer's array; never nil once decoded
	Raw   json.RawMessage // the whole answer; empty when the API answered with no body
}

// NodeFirmware is one node's part of a FirmwareStatus: the fake's {nodeId, firmwareVersion,
// targetVersion, status, updatedAt}. Status is as sent; in the fake it is idle, requested,
// upgrading, completed, upToDate or failed.
type NodeFirmware struct {
	NodeID          string          `json:"nodeId"`
	FirmwareVersion string          `json:"firmwareVersion"`
	TargetVersion   string          `json:"targetVersion"`
	Status          string          `json:"status"`
	UpdatedAt       time.Time       `json:"updatedAt"`
	Raw             json.RawMessage `json:"-"`
}

// plainNodeFirmware is the wire shape of NodeFirmware, read leniently.
type plainNodeFirmware struct {
	NodeID          looseText  `json:"nodeId"`
	FirmwareVersion looseText  `json:"firmwareVersion"`
	TargetVersion   looseText  `json:"targetVersion"`
	Status          looseText  `json:"status"`
	UpdatedAt       looseStamp `json:"updatedAt"`
}

func (p *plainNodeFirmware) with(raw json.RawMessage) NodeFirmware {
	return NodeFirmware{
		NodeID:          string(p.NodeID),
		FirmwareVersion: string(p.FirmwareVersion),
		TargetVersion:   string(p.TargetVersion),
		Status:          string(p.Status),
		UpdatedAt:       time.Time(p.UpdatedAt),
		Raw:             raw,
	}
}

// UnmarshalJSON decodes one node's firmware status and keeps it whole in Raw.
func (n *NodeFirmware) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] != '{' {
		*n = NodeFirmware{Raw: keepRawJSON(data)}
		return json.Unmarshal(data, new(any)) // any JSON value: typed fields stay empty
	}
	return decodeRawInto(n, data, (*plainNodeFirmware).with)
}

// UnmarshalJSON decodes a firmware answer and keeps it whole in Raw.
func (f *FirmwareStatus) UnmarshalJSON(data []byte) error { return f.decodeBody(data) }

func (*FirmwareStatus) optional() {} // no body: the request was taken, with nothing to show

// decodeBody reads the answer: an array of items (the reference's shape), or a single item
// object. Any other JSON value is kept in Raw with no typed items.
func (f *FirmwareStatus) decodeBody(body []byte) error {
	if !json.Valid(body) {
		return json.Unmarshal(body, new(any)) // the syntax error
	}
	body = bytes.TrimSpace(body)
	out := FirmwareStatus{Nodes: []NodeFirmware{}, Raw: keepRawJSON(body)}
	var items [][]byte
	switch body[0] {
	case '[':
		items = jsonraw.Elements(body)
	case '{':
		items = [][]byte{body}
	}
	for _, item := range items {
		var n NodeFirmware
		if err := n.UnmarshalJSON(item); err != nil {
			return err
		}
		out.Nodes = append(out.Nodes, n)
	}
	*f = out
	return nil
}

// FirmwareStatus returns the firmware upgrade status of a location's nodes. An unknown
// customer or location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/firmware
func (s *LocationsService) FirmwareStatus(ctx context.Context, customerID, locationID string) (*FirmwareStatus, error) {
	return s.firmware(ctx, "Locations.FirmwareStatus", http.MethodGet, customerID, locationID)
}

// RequestFirmwareUpgrade asks the cloud to upgrade every node of a location to the firmware
// the cloud has chosen for it, and returns the status the API answers with. The request has
// no body: the reference documents no target version, no downgrade and no per-node upgrade
// (docs/plume-support-api.md §5.5, §13.2), so there is no such parameter. Progress shows in
// FirmwareStatus and in the nodes' connectionState. An unknown location is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/firmware
func (s *LocationsService) RequestFirmwareUpgrade(ctx context.Context, customerID, locationID string) (*FirmwareStatus, error) {
	return s.firmware(ctx, "Locations.RequestFirmwareUpgrade", http.MethodPut, customerID, locationID)
}

func (s *LocationsService) firmware(ctx context.Context, op, method, customerID, locationID string) (*FirmwareStatus, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	status, err := call[FirmwareStatus](ctx, s.client, &request{
		op:     op,
		method: method,
		path:   locationPath(customerID, locationID, "firmware"),
	})
	if err != nil {
		return nil, err
	}
	if status.Nodes == nil { // no body
		status.Nodes = []NodeFirmware{}
	}
	return status, nil
}

// FirmwareModules returns the firmware modules of a location as raw JSON: the reference
// documents the answer only as {} (docs/plume-support-api.md §5.6). An unknown location is
// ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/firmware/modules
func (s *LocationsService) FirmwareModules(ctx context.Context, customerID, locationID string) (json.RawMessage, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	modules, err := call[json.RawMessage](ctx, s.client, &request{
		op:     "Locations.FirmwareModules",
		method: http.MethodGet,
		path:   locationPath(customerID, locationID, "firmware", "modules"),
	})
	if err != nil {
		return nil, err
	}
	return *modules, nil
}

// LogDestination is where a location's nodes write their logs: a forceDestination value of
// …/config/flashLogging (docs/plume-support-api.md §5.7). "" removes the setting, so that the
// nodes log where they do by default.
type LogDestination string

// Log destinations (the NODE_LOGGING_DESTINATION_* values).
const (
	LogDestinationFlash        LogDestination = "NODE_LOGGING_DESTINATION_FLASH"
	LogDestinationFlashRamoops LogDestination = "NODE_LOGGING_DESTINATION_FLASH_RAMOOPS"
	LogDestinationRamoops      LogDestination = "NODE_LOGGING_DESTINATION_RAMOOPS"
	LogDestinationOff          LogDestination = "NODE_LOGGING_DESTINATION_OFF"
	// LogDestinationDefault is sent as a forced value, like the others; "" instead removes
	// the setting altogether (DELETE).
	LogDestinationDefault LogDestination = "NODE_LOGGING_DESTINATION_DEFAULT"
)

func (d LogDestination) valid() bool {
	switch d {
	case LogDestinationFlash, LogDestinationFlashRamoops, LogDestinationRamoops, LogDestinationOff, LogDestinationDefault:
		return true
	}
	return false
}

// SetLogDestination chooses where a location's nodes write their logs; the API answers 202
// (accepted and forwarded to the nodes). "" restores the default by removing the setting. A
// value outside the LogDestination constants is a *ValidationError; an unknown location is
// ErrNotFound.
//
// This is the documented flash-logging control nearest to a log pull: it only chooses where
// nodes log, and neither uploads nor returns logs. No log-pull endpoint is documented
// (docs/plume-support-api.md §5.7, §13.1), and the SDK does not guess one.
//
// API: PATCH /Customers/{id}/locations/{locationId}/config/flashLogging ("" : DELETE)
func (s *LocationsService) SetLogDestination(ctx context.Context, customerID, locationID string, dest LogDestination) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	if err := checkEnum("Destination", dest, LogDestination.valid); err != nil {
		return err
	}
	r := &request{
		op:     "Locations.SetLogDestination",
		method: http.MethodPatch,
		path:   locationPath(customerID, locationID, "config", "flashLogging"),
		body: struct {
			ForceDestination LogDestination `json:"forceDestination"`
		}{dest},
	}
	if dest == "" {
		r.method, r.body = http.MethodDelete, nil
	}
	return exec(ctx, s.client, r)
}

// optionalRaw is a raw JSON answer for which no body (a 204) is a valid answer: nil.
type optionalRaw json.RawMessage

func (*optionalRaw) optional() {}

func (r *optionalRaw) decodeBody(body []byte) error {
	if !json.Valid(body) {
		return json.Unmarshal(body, new(any)) // the syntax error
	}
	*r = optionalRaw(keepRawJSON(body))
	return nil
}

// TaskStatuses returns the node task statuses the controller reports for a location, as raw
// JSON. The reference lists only 204 (docs/plume-support-api.md §5.8, §13.11): then the
// result is empty (nil) and the error nil; a 200 body is returned as it is. An unknown
// customer or location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/taskStatuses
func (s *LocationsService) TaskStatuses(ctx context.Context, customerID, locationID string) (json.RawMessage, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	raw, err := call[optionalRaw](ctx, s.client, &request{
		op:     "Locations.TaskStatuses",
		method: http.MethodGet,
		path:   locationPath(customerID, locationID, "taskStatuses"),
	})
	if err != nil || len(*raw) == 0 {
		return nil, err
	}
	return json.RawMessage(*raw), nil
}

// RunISPSpeedTest starts a speed test from the location's gateway towards the ISP; req may
// be nil. It is StartISPSpeedTest without the id.
//
// API: POST /Customers/{id}/locations/{locationId}/ispSpeedTest
func (s *LocationsService) RunISPSpeedTest(ctx context.Context, customerID, locationID string, req *SpeedTestRequest) error {
	_, err := s.StartISPSpeedTest(ctx, customerID, locationID, req)
	return err
}

// StartISPSpeedTest starts a speed test from the location's gateway towards the ISP and
// returns its request id: the one the answer has (the fake answers the caller's, or one it
// generates; the reference answers {}), else req.RequestID, else "". The result is expected under the
// gateway's node id by that request id (Nodes.SpeedTestResult), which the reference does not
// confirm (docs/plume-support-api.md §6.4). An unknown customer or location is ErrNotFound.
//
// API: POST /Customers/{id}/locations/{locationId}/ispSpeedTest
func (s *LocationsService) StartISPSpeedTest(ctx context.Context, customerID, locationID string, req *SpeedTestRequest) (requestID string, err error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return "", err
	}
	if req != nil {
		if err := req.Validate(); err != nil {
			return "", err
		}
	}
	resp, err := s.client.do(ctx, &request{
		op:     "Locations.StartISPSpeedTest",
		method: http.MethodPost,
		path:   locationPath(customerID, locationID, "ispSpeedTest"),
		body:   req.body(),
	}, nil)
	if err != nil {
		return "", err
	}
	if id := startAnswer(resp.Body); id != "" {
		return id, nil
	}
	if req != nil {
		return req.RequestID, nil
	}
	return "", nil
}

// SetISPSpeedTestSchedule turns the location's scheduled ISP speed tests on or off (the
// body's enable, sent as a JSON boolean). An unknown location is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/ispSpeedTestConfiguration
func (s *LocationsService) SetISPSpeedTestSchedule(ctx context.Context, customerID, locationID string, enable bool) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Locations.SetISPSpeedTestSchedule",
		method: http.MethodPut,
		path:   locationPath(customerID, locationID, "ispSpeedTestConfiguration"),
		body: struct {
			Enable bool `json:"enable"`
		}{enable},
	})
}
