package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRebootDelay is the largest reboot delay the API accepts (docs/plume-support-api.md §5.1).
const MaxRebootDelay = 100000

// RebootOptions are the options of a node or location reboot.
type RebootOptions struct {
	// Delay postpones the reboot: an integer 0..MaxRebootDelay. The reference documents no
	// unit (docs/plume-support-api.md §5.1, §13.4); the SDK sends the number as given, and the
	// fake cloud reads seconds.
	Delay int
}

// Validate checks the options as Reboot does before sending them.
func (o RebootOptions) Validate() error {
	if o.Delay < 0 || o.Delay > MaxRebootDelay {
		return invalid("Delay", "must be between 0 and %d, got %d", MaxRebootDelay, o.Delay)
	}
	return nil
}

// rebootBody is the body of a reboot: {"delay":n}, or none for nil options (no delay).
func (o *RebootOptions) body() (any, error) {
	if o == nil {
		return nil, nil
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return struct {
		Delay int `json:"delay"`
	}{o.Delay}, nil
}

// LEDMode is the LED mode of a node (Nodes.Locate).
type LEDMode string

// LED modes. The reference's 422 text names these two; its parameter text names
// on/off/wps/connectable instead (docs/plume-support-api.md §13.3), so Locate sends any other
// non-empty value as given and lets the API judge it.
const (
	LEDLocate LEDMode = "locate" // blink, so that someone on site can find the node
	LEDNormal LEDMode = "normal" // back to the usual LED behaviour
)

// Per-operation meanings of the node actions.
var locateMeanings = map[int]error{http.StatusTooEarly: ErrNodeNotInLocation}

// Reboot reboots one node of a location; opts may be nil (no delay, no body sent). The
// reference reboots only a node that is on line; the fake answers 204 for an offline node
// and leaves it as it is. A Delay outside 0..MaxRebootDelay is a *ValidationError (the API
// answers 422 for one, ErrValidation); an unknown location or node is ErrNotFound.
//
// API: PUT /Customers/{id}/locations/{locationId}/nodes/{nodeId}/reboot
func (s *NodesService) Reboot(ctx context.Context, customerID, locationID, nodeID string, opts *RebootOptions) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return err
	}
	body, err := opts.body()
	if err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Nodes.Reboot",
		method: http.MethodPut,
		path:   nodePath(customerID, locationID, nodeID, "reboot"),
		body:   body,
	})
}

// Locate sets a node's LED mode: LEDLocate makes it blink so that it can be found, LEDNormal
// ends that (the mode does not revert by itself). An empty mode is a *ValidationError; any
// other value is sent as given (see LEDMode). A node that is not claimed at this location is
// ErrNodeNotInLocation (HTTP 425); an unknown location or node is ErrNotFound, a mode the API
// refuses ErrValidation.
//
// API: PUT /Customers/{id}/locations/{locationId}/nodes/{nodeId}/ledMode
func (s *NodesService) Locate(ctx context.Context, customerID, locationID, nodeID string, mode LEDMode) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return err
	}
	if mode == "" {
		return invalid("Mode", "is required (LEDLocate or LEDNormal)")
	}
	return exec(ctx, s.client, &request{
		op:     "Nodes.Locate",
		method: http.MethodPut,
		path:   nodePath(customerID, locationID, nodeID, "ledMode"),
		body: struct {
			Mode LEDMode `json:"mode"`
		}{mode},
		meanings: locateMeanings,
	})
}

// foundNode is the answer of Find: a node status that must name its node and location.
type foundNode struct{ Node }

func (n *foundNode) decodeBody(body []byte) error { return n.Node.decodeBody(body) }

func (n *foundNode) missing() string {
	if reason := n.Node.missing(); reason != "" {
		return reason
	}
	if n.LocationID == "" {
		return "no locationId"
	}
	return ""
}

// Find returns a node claimed to the customer at any of its locations, with LocationID
// filled from the answer's locationId: the way to a node when only the customer is known.
// A node not claimed to this customer, or an unknown customer, is ErrNotFound; an answer
// without an id or a locationId is an *UnexpectedResponseError.
//
// API: GET /Customers/{id}/nodes/{nodeId}
func (s *NodesService) Find(ctx context.Context, customerID, nodeID string) (*Node, error) {
	if err := checkIDs("customerID", customerID, "nodeID", nodeID); err != nil {
		return nil, err
	}
	found, err := call[foundNode](ctx, s.client, &request{
		op:     "Nodes.Find",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "nodes", nodeID),
	})
	if err != nil {
		return nil, err
	}
	return &found.Node, nil
}

// nodePath is the path of a node of a location, with sub-resources.
func nodePath(customerID, locationID, nodeID string, sub ...string) string {
	return buildPath(append([]string{"Customers", customerID, "locations", locationID, "nodes", nodeID}, sub...)...)
}

// Lenient decoders of the support answers whose shape the reference leaves open (speed
// tests, firmware): a member of an unexpected type is left zero instead of failing the call.

// looseText decodes a string, number or boolean as its text; null, an object or an array is "".
type looseText string

func (s *looseText) UnmarshalJSON(data []byte) error {
	*s = ""
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0, data[0] == '{', data[0] == '[', string(data) == "null":
	case data[0] == '"':
		var v string
		if json.Unmarshal(data, &v) == nil {
			*s = looseText(v)
		}
	default:
		*s = looseText(data)
	}
	return nil
}

// looseNumber decodes a number or a string holding one; any other value is 0.
type looseNumber float64

func (n *looseNumber) UnmarshalJSON(data []byte) error {
	*n = 0
	var text looseText
	_ = text.UnmarshalJSON(data)
	if f, err := strconv.ParseFloat(strings.TrimSpace(string(text)), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		*n = looseNumber(f)
	}
	return nil
}

// looseStamp decodes an ISO-8601 time or a number of milliseconds since the epoch (as a
// number or a string); any other value is the zero time.
type looseStamp time.Time

func (t *looseStamp) UnmarshalJSON(data []byte) error {
	*t = looseStamp{}
	var text looseText
	_ = text.UnmarshalJSON(data)
	s := strings.TrimSpace(string(text))
	if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
		*t = looseStamp(ts)
	} else if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms > 0 {
		*t = looseStamp(time.UnixMilli(ms).UTC())
	}
	return nil
}
