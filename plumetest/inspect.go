package plumetest

import (
	"errors"
	"strings"

	"github.com/plumecloud/plume-go/internal/fakecloud"
)

// The inspection types are the fake cloud's own views, so that plumetest cannot drift from
// what the fake stores.
type (
	// Customer is a stored customer as the fake holds it.
	Customer = fakecloud.CustomerView
	// Location is a stored location, archived ones included.
	Location = fakecloud.LocationView
	// WifiNetwork is a location's stored WiFi network; it prints with the key hidden.
	WifiNetwork = fakecloud.WifiNetworkView
	// StaticIPv4 is a location's stored static WAN IPv4 configuration.
	StaticIPv4 = fakecloud.StaticIPv4View
	// Node is an inventory node; CustomerID and LocationID are empty while it is unclaimed.
	// Its connection state, firmware and LED fields are read at the Server's clock.
	Node = fakecloud.NodeView
)

// Customers returns the stored customers of every partner by creation. A deleted customer is gone.
func (s *Server) Customers() []Customer { return s.cloud.Customers() }

// Customer returns one stored customer.
func (s *Server) Customer(id string) (Customer, bool) { return s.cloud.Customer(id) }

// Locations returns every location, archived ones included, by creation.
func (s *Server) Locations() []Location { return s.cloud.Locations() }

// Location returns one location, archived or not.
func (s *Server) Location(id string) (Location, bool) { return s.cloud.Location(id) }

// Nodes returns every inventory node, of every partner, by serial.
func (s *Server) Nodes() []Node { return s.cloud.Nodes() }

// Node returns one inventory node.
func (s *Server) Node(serial string) (Node, bool) { return s.cloud.Node(serial) }

// Licenses returns the partner's license count: its nodes currently claimed.
func (s *Server) Licenses() int { return s.cloud.Licenses(s.partnerID()) }

// Route names of the OAuth endpoints, for RequestCount.
const (
	TokenRoute      = fakecloud.TokenRoute
	IntrospectRoute = fakecloud.IntrospectRoute
)

// RequestCount returns how many requests a route received, refused and faulted ones included.
// A route is the method, a space and the path below /api with every variable written {id}:
// "POST /Customers/register", "POST /Customers/{id}/locations/{id}/nodes",
// "GET /Partners/nodes/{id}", or TokenRoute.
func (s *Server) RequestCount(route string) int { return s.cloud.RequestCount(route) }

// RequestCounts returns every route's count (see RequestCount).
func (s *Server) RequestCounts() map[string]int { return s.cloud.RequestCounts() }

// TotalRequests returns the number of API requests, refused and faulted ones included, not
// counting the OAuth endpoints.
func (s *Server) TotalRequests() int { return s.cloud.TotalRequests() }

// TokenFetches returns how many access tokens the token endpoint issued.
func (s *Server) TokenFetches() int { return s.cloud.TokenFetches() }

// ResetCounts zeroes the request counts and TokenFetches.
func (s *Server) ResetCounts() { s.cloud.ResetCounts() }

// Fault makes the next requests that match Method and Path misbehave; see the fields for
// what each does. Faults are tried in the order injected and a request takes at most one.
type Fault = fakecloud.Fault

// InjectFault queues a fault; faults are tried in the order injected and a request takes at
// most one. It fails on a contradictory fault (Status and Drop, say).
func (s *Server) InjectFault(f Fault) error {
	return ownError(s.cloud.InjectFault(f))
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.cloud.ClearFaults() }

// PendingFaults returns how many requests the queued faults will still affect.
func (s *Server) PendingFaults() int { return s.cloud.PendingFaults() }

// ownError restates an error of the fake under plumetest's name.
func ownError(err error) error {
	if err == nil {
		return nil
	}
	return errors.New("plumetest: " + strings.TrimPrefix(err.Error(), "fakecloud: "))
}
