package plumetest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/fakecloud"
)

// Customer is a stored customer as the fake holds it.
type Customer struct {
	ID, AccountID, Name, Email, PartnerID string
	EmailVerified, AutoProvisioned        bool
	AcceptLanguage                        string
	VerificationEmails                    int // resendEmailVerification calls answered 204
	CreatedAt                             time.Time
}

// Location is a stored location, archived ones included.
type Location struct {
	ID, CustomerID, Name, ServiceID, Profile string
	Archived                                 bool
	ServiceLevel                             string // noService, basicService or fullService
	MonitorMode                              bool
	PodQuota                                 int    // numPodsAuthorized
	Checkpoint                               string // the last onboarding checkpoint; "" when never set
	Wifi                                     *WifiNetwork
	StaticIPv4                               *StaticIPv4
	CreatedAt                                time.Time
}

// WifiNetwork is a location's stored WiFi network.
type WifiNetwork struct {
	ID, SSID, EncryptionKey, WPAMode string
	Enabled                          bool
}

// String hides the encryption key.
func (w WifiNetwork) String() string {
	return fmt.Sprintf("{ID:%s SSID:%s EncryptionKey:[REDACTED] WPAMode:%s Enabled:%t}", w.ID, w.SSID, w.WPAMode, w.Enabled)
}

// StaticIPv4 is a location's stored static WAN IPv4 configuration.
type StaticIPv4 struct {
	Enabled                                       bool
	IP, Subnet, Gateway, PrimaryDNS, SecondaryDNS string
}

// Node is an inventory node; CustomerID and LocationID are empty while it is unclaimed.
type Node struct {
	Serial, PartnerID, PackID, AccountID, Nickname string
	Gateway, Online                                bool
	CustomerID, LocationID                         string
}

// Customers returns the stored customers of every partner by creation. A deleted customer is gone.
func (s *Server) Customers() []Customer {
	var out []Customer
	for _, c := range s.cloud.Customers() {
		out = append(out, Customer(c))
	}
	return out
}

// Customer returns one stored customer.
func (s *Server) Customer(id string) (Customer, bool) {
	c, ok := s.cloud.Customer(id)
	return Customer(c), ok
}

// Locations returns every location, archived ones included, by creation.
func (s *Server) Locations() []Location {
	var out []Location
	for _, l := range s.cloud.Locations() {
		out = append(out, location(l))
	}
	return out
}

// Location returns one location, archived or not.
func (s *Server) Location(id string) (Location, bool) {
	l, ok := s.cloud.Location(id)
	return location(l), ok
}

func location(l fakecloud.Location) Location {
	out := Location{
		ID: l.ID, CustomerID: l.CustomerID, Name: l.Name, ServiceID: l.ServiceID, Profile: l.Profile,
		Archived: l.Archived, ServiceLevel: l.ServiceLevel, MonitorMode: l.MonitorMode,
		PodQuota: l.PodQuota, Checkpoint: l.Checkpoint, CreatedAt: l.CreatedAt,
	}
	if l.Wifi != nil {
		w := WifiNetwork(*l.Wifi)
		out.Wifi = &w
	}
	if l.StaticIPv4 != nil {
		ip := StaticIPv4(*l.StaticIPv4)
		out.StaticIPv4 = &ip
	}
	return out
}

// Nodes returns every inventory node, of every partner, by serial.
func (s *Server) Nodes() []Node {
	var out []Node
	for _, n := range s.cloud.Nodes() {
		out = append(out, Node(n))
	}
	return out
}

// Node returns one inventory node.
func (s *Server) Node(serial string) (Node, bool) {
	n, ok := s.cloud.Node(serial)
	return Node(n), ok
}

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

// Fault makes the next requests that match Method and Path misbehave.
//
// A fault with Status or Drop acts instead of the endpoint, which leaves the state unchanged.
// With AfterState the endpoint runs and changes the state first, then its answer is replaced:
// a claim that applies and answers 503, or a register whose answer never arrives. Truncate
// lets the endpoint run and cuts its answer short. Delay stalls first (and gives up, answering
// nothing, when the request's context ends); alone, it only slows the request. A fault with
// no action at all lets Times matching requests through untouched, so that the fault queued
// after it hits the request that follows them.
//
// Go's http.Transport silently replays a GET or HEAD whose reused connection closes before
// any byte of the answer, so give a Drop fault on those methods Times of 2 or more.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path is a path.Match pattern for the escaped URL path, /api included
	// ("/api/Customers/*/locations/*/nodes"); "" matches any path. The token endpoint's
	// path is the path of Server.TokenURL.
	Path string
	// Times is how many matching requests the fault affects; 0 means 1.
	Times int
	// Delay is waited before anything else.
	Delay time.Duration
	// Status is answered instead of the real status.
	Status int
	// Body is the body of the Status answer; when empty, a 4xx/5xx answer carries a LoopBack
	// error body.
	Body string
	// Header holds headers of the Status answer (Retry-After, Content-Type, ...).
	Header http.Header
	// Drop closes the connection without an answer.
	Drop bool
	// Truncate sends the real status and headers with half of the body, then closes the
	// connection.
	Truncate bool
	// AfterState lets the endpoint change the state before Status or Drop applies.
	AfterState bool
}

// InjectFault queues a fault; faults are tried in the order injected and a request takes at
// most one. It fails on a contradictory fault (Status and Drop, say).
func (s *Server) InjectFault(f Fault) error {
	return ownError(s.cloud.InjectFault(fakecloud.Fault(f)))
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
