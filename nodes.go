package plume

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

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
//
// Two shapes answer for a claimed node (docs/plume-api-errata.md C3): the guide's claim record
// (customerId, locationId, packId, residentialGateway, …) and the reference's small item
// {serialNumber, id, nickname, defaultName, status}. Both decode into ClaimedNode; a field the
// shape lacks stays empty.
type ClaimedNode struct {
	ID                 string          `json:"id"`
	SerialNumber       string          `json:"serialNumber"`
	CustomerID         string          `json:"customerId"`
	LocationID         string          `json:"locationId"`
	PackID             string          `json:"packId"`
	Nickname           string          `json:"nickname"`
	DefaultName        string          `json:"defaultName"` // the reference's item only
	Status             string          `json:"status"`      // the reference's item only
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
//
// Two shapes answer for a node (docs/plume-api.md §5.0, errata C2): the node status of the list
// and get calls (the reference's: no serialNumber or model; id is the serial "in most cases")
// and the full node record of the rename call (serialNumber, model, platformVersion, …). Both
// decode into Node; a field the shape lacks stays empty.
type Node struct {
	ID                      string          `json:"id"`
	SerialNumber            string          `json:"serialNumber"`
	Nickname                string          `json:"nickname"`
	DefaultName             string          `json:"defaultName"`
	Model                   string          `json:"model"`
	ConnectionState         string          `json:"connectionState"`
	ConnectionStateChangeAt time.Time       `json:"connectionStateChangeAt"`
	FirmwareVersion         string          `json:"firmwareVersion"`
	IP                      string          `json:"ip"`
	Channel                 string          `json:"channel"`   // a number or a string on the wire
	Channel2G               string          `json:"2gChannel"` // a number or a string on the wire
	Channel5G               string          `json:"5gChannel"`
	Channel6G               string          `json:"6gChannel"`
	BackhaulType            string          `json:"backhaulType"` // "wifi" or "ethernet"
	ConnectedDeviceCount    int             `json:"connectedDeviceCount"`
	ResidentialGateway      bool            `json:"residentialGateway"`
	LocationID              string          `json:"locationId"` // in the full record; filled by Nodes.Find
	Raw                     json.RawMessage `json:"-"`
}

// plainNode is Node without methods, for decoding (decode.go), with the members whose wire
// type varies between the sources.
type plainNode struct {
	plainNodeFields
	Channel              flexString  `json:"channel"`
	Channel2G            flexString  `json:"2gChannel"`
	Channel5G            flexString  `json:"5gChannel"`
	Channel6G            flexString  `json:"6gChannel"`
	ConnectedDeviceCount json.Number `json:"connectedDeviceCount"`
}

type plainNodeFields Node

func (p *plainNode) with(raw json.RawMessage) Node {
	n := Node(p.plainNodeFields)
	n.Channel, n.Channel2G, n.Channel5G, n.Channel6G = string(p.Channel), string(p.Channel2G), string(p.Channel5G), string(p.Channel6G)
	if f, err := p.ConnectedDeviceCount.Float64(); err == nil {
		n.ConnectedDeviceCount = int(f)
	}
	n.Raw = raw
	return n
}

// UnmarshalJSON decodes a node object and keeps it whole in Raw.
func (n *Node) UnmarshalJSON(data []byte) error { return n.decodeBody(data) }

func (n *Node) missing() string { return missingID(n.ID) }

func (n *Node) decodeBody(body []byte) error {
	return decodeRawInto(n, body, (*plainNode).with)
}

// UnclaimOptions are the options of Unclaim and UnclaimAll, sent as the JSON body of the
// DELETE: the reference labels them formData, which LoopBack reads from the body
// (docs/plume-api-errata.md A6). A nil *UnclaimOptions sends no body.
type UnclaimOptions struct {
	PreservePackID  bool `json:"preservePackId"`  // keep the node's original packId
	RemoveAccountID bool `json:"removeAccountId"` // clear the account id on the inventory node
}

// body is the request body of opts: nil (none) for nil options.
func (o *UnclaimOptions) body() any {
	if o == nil {
		return nil
	}
	return *o
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
	// body is valid JSON (the pipeline decoded it into a json.RawMessage).
	return decodeWrappedList(body, "nodes", (*plainNode).with, errNodeListShape)
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

// Unclaim releases one node from a location (for example for an RMA). A node not claimed there
// is ErrNodeNotClaimed; a node that is online may be refused with ErrForbidden. opts, when not
// nil, go in the JSON body: {"preservePackId":…,"removeAccountId":…}.
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
		body:     opts.body(),
		meanings: unclaimMeanings,
	})
}

// UnclaimAll releases every node of a location; opts as for Unclaim.
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
		body:   opts.body(),
	})
}

// Lookup finds the customer and location a serial number is claimed by; an inventory node that
// is not claimed comes back with Claimed() false.
//
// API: GET /Partners/nodes/{serialNumber}
func (s *NodesService) Lookup(ctx context.Context, serial string) (*NodeLookup, error) {
	return s.LookupWithOptions(ctx, serial, nil)
}

// LookupOptions are the query options of LookupWithOptions.
type LookupOptions struct {
	// ExcludeUnclaimed makes the API answer 404 (ErrNotFound) for a node that is in the
	// inventory but not claimed, instead of the inventory record (docs/plume-api-errata.md A8).
	ExcludeUnclaimed bool
}

// LookupWithOptions is Lookup with the reference's query options.
//
// API: GET /Partners/nodes/{serialNumber}?excludeUnclaimed=true
func (s *NodesService) LookupWithOptions(ctx context.Context, serial string, opts *LookupOptions) (*NodeLookup, error) {
	if err := checkID("serial", serial); err != nil {
		return nil, err
	}
	var query url.Values
	if opts != nil && opts.ExcludeUnclaimed {
		query = url.Values{"excludeUnclaimed": {"true"}}
	}
	return call[NodeLookup](ctx, s.client, &request{
		op:     "Nodes.Lookup",
		method: http.MethodGet,
		path:   buildPath("Partners", "nodes", serial),
		query:  query,
	})
}
