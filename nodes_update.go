package plume

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// NodeUpdate is the body of Nodes.Update: a new nickname and, optionally, the LED message.
type NodeUpdate struct {
	Nickname string
	// EmitMessage switches the node's LED message: EmitMessageOn or EmitMessageOff; "" sends
	// nothing.
	EmitMessage EmitMessage
}

// EmitMessage is the rename call's emitMessage: whether the node's LED blinks a message.
type EmitMessage string

// The values of EmitMessage (docs/plume-api-errata.md B9).
const (
	EmitMessageOn  EmitMessage = "on"
	EmitMessageOff EmitMessage = "off"
)

func (m EmitMessage) valid() bool { return m == EmitMessageOn || m == EmitMessageOff }

// Validate checks the update as Update and Rename do before sending it.
func (u NodeUpdate) Validate() error {
	if strings.TrimSpace(u.Nickname) == "" {
		return invalid("Nickname", "must not be empty")
	}
	if err := checkNoQuote("Nickname", u.Nickname); err != nil {
		return err
	}
	return checkEnum("EmitMessage", u.EmitMessage, EmitMessage.valid)
}

// Rename sets the nickname of a node and returns the full node record. It is Update with only
// a nickname.
//
// API: PUT /Customers/{id}/locations/{locationId}/nodes/{nodeId} (POST where PUT has no route)
func (s *NodesService) Rename(ctx context.Context, customerID, locationID, nodeID, nickname string) (*Node, error) {
	return s.update(ctx, "Nodes.Rename", customerID, locationID, nodeID, NodeUpdate{Nickname: nickname})
}

// Update renames a node, optionally switching its LED message, and returns the full node
// record.
//
// The sources disagree on the method (docs/plume-api-errata.md A1): the generated client
// sends PUT, Plume's explore notes POST. Update sends PUT with {"nickname", "emitMessage"}; when
// the API answers 404 or 405 saying that no route handles PUT there (LoopBack's "has no method
// handling PUT", or a 405), it sends the same body once as POST and, from then on, this client
// renames with POST. A 404 about the node itself (an unknown node) is returned as is.
//
// API: PUT /Customers/{id}/locations/{locationId}/nodes/{nodeId} (POST where PUT has no route)
func (s *NodesService) Update(ctx context.Context, customerID, locationID, nodeID string, upd NodeUpdate) (*Node, error) {
	return s.update(ctx, "Nodes.Update", customerID, locationID, nodeID, upd)
}

func (s *NodesService) update(ctx context.Context, op, customerID, locationID, nodeID string, upd NodeUpdate) (*Node, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return nil, err
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	body := struct {
		Nickname    string      `json:"nickname"`
		EmitMessage EmitMessage `json:"emitMessage,omitempty"`
	}{upd.Nickname, upd.EmitMessage}
	path := buildPath("Customers", customerID, "locations", locationID, "nodes", nodeID)
	if !s.client.renameByPOST.Load() {
		node, err := call[Node](ctx, s.client, &request{op: op, method: http.MethodPut, path: path, body: body})
		if !noRouteFor(err, http.MethodPut) {
			return node, err
		}
		s.client.renameByPOST.Store(true)
	}
	return call[Node](ctx, s.client, &request{op: op, method: http.MethodPost, path: path, body: body})
}

// noRouteFor reports whether err is the API saying that no route handles method on the path:
// a 405, or a 404 whose message is LoopBack's "There is no method to handle PUT /…" or "Shared
// class … has no method handling PUT", or Express's "Cannot PUT /…".
func noRouteFor(err error, method string) bool {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		return false
	}
	if apiErr.StatusCode == http.StatusMethodNotAllowed {
		return true
	}
	if apiErr.StatusCode != http.StatusNotFound {
		return false
	}
	text, m := strings.ToLower(apiErr.Message+" "+string(apiErr.Body)), strings.ToLower(method)
	return strings.Contains(text, "no method to handle "+m) || strings.Contains(text, "no method handling "+m) ||
		strings.Contains(text, "cannot "+m+" /")
}
