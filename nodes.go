package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// NodesService is the Nodes part of the API: claiming, listing, renaming and unclaiming the
// gateways and pods of a location, and finding a node's owner from its serial number.
type NodesService service

// ClaimRequest is the body of Claim. SerialNumber is required and must be in the partner's
// inventory.
type ClaimRequest struct {
	SerialNumber string `json:"serialNumber"`
	Nickname     string `json:"nickname,omitempty"`
}

// Validate checks the request as Claim does before sending it.
func (r ClaimRequest) Validate() error {
	if strings.TrimSpace(r.SerialNumber) == "" {
		return invalid("SerialNumber", "is required")
	}
	if err := checkID("SerialNumber", r.SerialNumber); err != nil {
		return err
	}
	return checkNoQuote("Nickname", r.Nickname)
}

// ClaimedNode is one node a claim attached to the location. Raw keeps the whole record.
type ClaimedNode struct {
	ID                 string          `json:"id"`
	SerialNumber       string          `json:"serialNumber"`
	CustomerID         string          `json:"customerId"`
	LocationID         string          `json:"locationId"`
	PackID             string          `json:"packId"`
	Nickname           string          `json:"nickname"`
	ResidentialGateway bool            `json:"residentialGateway"`
	Raw                json.RawMessage `json:"-"`
}

// plainClaimedNode is ClaimedNode without methods, for decoding (decode.go).
type plainClaimedNode ClaimedNode

func (p *plainClaimedNode) with(raw json.RawMessage) ClaimedNode {
	n := ClaimedNode(*p)
	n.Raw = raw
	return n
}

// UnmarshalJSON decodes a claim record and keeps it whole in Raw.
func (n *ClaimedNode) UnmarshalJSON(data []byte) error {
	return decodeRawInto(n, data, (*plainClaimedNode).with)
}

// claimAnswer is the answer of Claim: {"claimed":[…]}.
type claimAnswer struct {
	Claimed []ClaimedNode
}

func (*claimAnswer) optional() {} // a 204: already claimed here

func (a *claimAnswer) decodeBody(body []byte) error {
	var w struct {
		Claimed []plainClaimedNode `json:"claimed"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return err
	}
	if w.Claimed == nil { // absent or null
		a.Claimed = nil
		return nil
	}
	arr, _ := jsonraw.Member(body, "claimed")
	claimed, err := withRaws(w.Claimed, jsonraw.Elements(arr), (*plainClaimedNode).with)
	if err != nil {
		return err
	}
	a.Claimed = claimed
	return nil
}

// ClaimResult is the outcome of Claim. AlreadyClaimed means the node was already claimed at
// this location and nothing changed (a 204, or a 200 without claimed records); it is not an
// error.
type ClaimResult struct {
	Claimed        []ClaimedNode
	AlreadyClaimed bool
}

// Node is a node (gateway or pod) of a location, as the list, get and rename calls return it.
// Raw keeps the whole object.
type Node struct {
	ID              string          `json:"id"`
	SerialNumber    string          `json:"serialNumber"`
	Nickname        string          `json:"nickname"`
	DefaultName     string          `json:"defaultName"`
	Model           string          `json:"model"`
	ConnectionState string          `json:"connectionState"`
	FirmwareVersion string          `json:"firmwareVersion"`
	Raw             json.RawMessage `json:"-"`
}

// plainNode is Node without methods, for decoding (decode.go).
type plainNode Node

func (p *plainNode) with(raw json.RawMessage) Node { n := Node(*p); n.Raw = raw; return n }

// UnmarshalJSON decodes a node object and keeps it whole in Raw.
func (n *Node) UnmarshalJSON(data []byte) error { return n.decodeBody(data) }

func (n *Node) missing() string { return missingID(n.ID) }

func (n *Node) decodeBody(body []byte) error {
	return decodeRawInto(n, body, (*plainNode).with)
}

// UnclaimOptions are the options of Unclaim and UnclaimAll, sent as query parameters.
type UnclaimOptions struct {
	PreservePackID  bool // keep the node's original packId
	RemoveAccountID bool // clear the account id on the inventory node
}

func (o *UnclaimOptions) query() url.Values {
	if o == nil {
		return nil
	}
	q := url.Values{}
	if o.PreservePackID {
		q.Set("preservePackId", "true")
	}
	if o.RemoveAccountID {
		q.Set("removeAccountId", "true")
	}
	return q
}

// NodeLookup is where a serial number is: its customer and location when claimed, and its
// inventory pack and partner.
type NodeLookup struct {
	SerialNumber string `json:"serialNumber"`
	CustomerID   string `json:"customerId"`
	LocationID   string `json:"locationId"`
	PackID       string `json:"packId"`
	PartnerID    string `json:"partnerId"`
}

func (l *NodeLookup) missing() string {
	if l.SerialNumber == "" && l.CustomerID == "" && l.LocationID == "" && l.PackID == "" && l.PartnerID == "" {
		return "no node (none of serialNumber, customerId, locationId, packId, partnerId)"
	}
	return ""
}

// Claimed reports whether the node is claimed: it has a customer and a location.
func (l *NodeLookup) Claimed() bool {
	return l != nil && l.CustomerID != "" && l.LocationID != ""
}

// Per-operation meanings of the Nodes endpoints.
var (
	claimMeanings = map[int]error{
		409: ErrNodeOwnedElsewhere,
		422: ErrClaimRejected,
		503: ErrClaimIncomplete,
	}
	unclaimMeanings = map[int]error{400: ErrNodeNotClaimed}
)

// List returns the nodes of a location.
//
// API: GET /Customers/{id}/locations/{locationId}/nodes
func (s *NodesService) List(ctx context.Context, customerID, locationID string) ([]Node, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	nodes, err := call[nodeList](ctx, s.client, &request{
		op:     "Nodes.List",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "nodes"),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*nodes), nil
}

// nodeList is the answer of List (see decodeNodeList).
type nodeList []Node

func (l *nodeList) decodeBody(body []byte) (err error) {
	*l, err = decodeNodeList(body)
	return err
}

// errNodeListShape is a node list that is neither an array nor {"nodes":…}.
var errNodeListShape = errors.New("not a node list")

// decodeNodeList reads {"nodes":[…]}, the doubled {"nodes":{"nodes":[…]}} one source draws,
// or a bare array.
func decodeNodeList(body json.RawMessage) ([]Node, error) {
	for range 3 {
		body = bytes.TrimSpace(body)
		switch {
		case len(body) == 0 || bytes.Equal(body, []byte("null")):
			return []Node{}, nil
		case body[0] == '[':
			return decodeRawList(body, (*plainNode).with)
		case body[0] != '{':
			return nil, errNodeListShape
		}
		// body is valid JSON (the pipeline decoded it into a json.RawMessage).
		body, _ = jsonraw.Member(body, "nodes")
	}
	return nil, errNodeListShape
}

// Get returns one node of a location.
//
// API: GET /Customers/{id}/locations/{locationId}/nodes/{nodeId}
func (s *NodesService) Get(ctx context.Context, customerID, locationID, nodeID string) (*Node, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return nil, err
	}
	return call[Node](ctx, s.client, &request{
		op:     "Nodes.Get",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "nodes", nodeID),
	})
}

// Claim claims a node (gateway or pod) from the partner's inventory for a location. A node
// already claimed at this location is AlreadyClaimed, not an error; one owned by another
// customer is ErrNodeOwnedElsewhere; a refused claim (pod quota, monitor mode) is
// ErrClaimRejected; ErrClaimIncomplete means the claim stands but a later step failed.
//
// API: POST /Customers/{id}/locations/{locationId}/nodes
func (s *NodesService) Claim(ctx context.Context, customerID, locationID string, req ClaimRequest) (*ClaimResult, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var out claimAnswer
	resp, err := s.client.do(ctx, &request{
		op:       "Nodes.Claim",
		method:   http.MethodPost,
		path:     buildPath("Customers", customerID, "locations", locationID, "nodes"),
		body:     req,
		meanings: claimMeanings,
	}, &out)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNoContent || len(out.Claimed) == 0 {
		return &ClaimResult{AlreadyClaimed: true}, nil
	}
	return &ClaimResult{Claimed: out.Claimed}, nil
}

// Rename sets the nickname of a node and returns the full node.
//
// API: POST /Customers/{id}/locations/{locationId}/nodes/{nodeId}
func (s *NodesService) Rename(ctx context.Context, customerID, locationID, nodeID, nickname string) (*Node, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(nickname) == "" {
		return nil, invalid("Nickname", "must not be empty")
	}
	return call[Node](ctx, s.client, &request{
		op:     "Nodes.Rename",
		method: http.MethodPost,
		path:   buildPath("Customers", customerID, "locations", locationID, "nodes", nodeID),
		body: struct {
			Nickname string `json:"nickname"`
		}{nickname},
	})
}

// Unclaim releases one node from a location (for example for an RMA). A node not claimed there
// is ErrNodeNotClaimed; a node that is online may be refused with ErrForbidden.
//
// API: DELETE /Customers/{id}/locations/{locationId}/nodes/{serial}
func (s *NodesService) Unclaim(ctx context.Context, customerID, locationID, serial string, opts *UnclaimOptions) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "serial", serial); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:       "Nodes.Unclaim",
		method:   http.MethodDelete,
		path:     buildPath("Customers", customerID, "locations", locationID, "nodes", serial),
		query:    opts.query(),
		meanings: unclaimMeanings,
	})
}

// UnclaimAll releases every node of a location.
//
// API: DELETE /Customers/{id}/locations/{locationId}/nodes
func (s *NodesService) UnclaimAll(ctx context.Context, customerID, locationID string, opts *UnclaimOptions) error {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Nodes.UnclaimAll",
		method: http.MethodDelete,
		path:   buildPath("Customers", customerID, "locations", locationID, "nodes"),
		query:  opts.query(),
	})
}

// Lookup finds the customer and location a serial number is claimed by; an inventory node that
// is not claimed comes back with Claimed() false.
//
// API: GET /Partners/nodes/{serialNumber}
func (s *NodesService) Lookup(ctx context.Context, serial string) (*NodeLookup, error) {
	if err := checkID("serial", serial); err != nil {
		return nil, err
	}
	return call[NodeLookup](ctx, s.client, &request{
		op:     "Nodes.Lookup",
		method: http.MethodGet,
		path:   buildPath("Partners", "nodes", serial),
	})
}
