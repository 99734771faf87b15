package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Port-forward protocols (PortForward.Protocol). The reference leaves the values undocumented
// (docs/plume-support-api.md §9.5); these are the fake's, and the ones the SDK accepts.
const (
	PortForwardTCP  = "tcp"
	PortForwardUDP  = "udp"
	PortForwardBoth = "both"
)

// PortForward forwards a port of the location's public address to a device with a DHCP
// reservation: the body of AddPortForward and UpdatePortForward, and the object the
// port-forward calls return.
type PortForward struct {
	ExternalPort int             `json:"externalPort"` // 1–65535, unique per location
	InternalPort int             `json:"internalPort"` // 1–65535; 0 sends none (the API then uses ExternalPort)
	Protocol     string          `json:"protocol"`     // PortForwardTCP, PortForwardUDP or PortForwardBoth; "" sends none
	Name         string          `json:"name"`
	NATLoopback  string          `json:"natLoopback"` // "auto" in the reference's example; "" sends none
	Raw          json.RawMessage `json:"-"`           // the object as received; not sent
}

// plainPortForward is the wire shape of a port forward, its ports read as numbers or numeric
// strings (the reference types the request's fields string($JSON)).
type plainPortForward struct {
	ExternalPort looseNumber `json:"externalPort"`
	InternalPort looseNumber `json:"internalPort"`
	Protocol     looseText   `json:"protocol"`
	Name         looseText   `json:"name"`
	NATLoopback  looseText   `json:"natLoopback"`
}

func (p *plainPortForward) with(raw json.RawMessage) PortForward {
	return PortForward{
		ExternalPort: portNumber(p.ExternalPort),
		InternalPort: portNumber(p.InternalPort),
		Protocol:     string(p.Protocol),
		Name:         string(p.Name),
		NATLoopback:  string(p.NATLoopback),
		Raw:          raw,
	}
}

// portNumber is n as an int when it is a whole number in int32's range, else 0.
func portNumber(n looseNumber) int {
	if f := float64(n); f == float64(int32(f)) {
		return int(f)
	}
	return 0
}

// UnmarshalJSON decodes a port-forward object and keeps it whole in Raw.
func (p *PortForward) UnmarshalJSON(data []byte) error {
	return decodeRawInto(p, data, (*plainPortForward).with)
}

// Validate checks the port forward as AddPortForward and UpdatePortForward do before sending
// it: ports 1 to 65535 (InternalPort may be 0: not sent) and a known protocol or none.
func (p PortForward) Validate() error {
	if err := checkPort("ExternalPort", p.ExternalPort); err != nil {
		return err
	}
	if p.InternalPort != 0 {
		if err := checkPort("InternalPort", p.InternalPort); err != nil {
			return err
		}
	}
	switch p.Protocol {
	case "", PortForwardTCP, PortForwardUDP, PortForwardBoth:
		return nil
	}
	return invalid("Protocol", "unknown value %q (want tcp, udp or both)", p.Protocol)
}

// checkPort enforces a TCP/UDP port of 1 to 65535.
func checkPort(field string, port int) error {
	if port < 1 || port > 65535 {
		return invalid(field, "must be 1 to 65535, got %d", port)
	}
	return nil
}

// portForwardWire is the body of the port-forward writes as sent: real JSON numbers and
// strings (docs/plume-support-api.md §1, string($JSON)).
type portForwardWire struct {
	ExternalPort int    `json:"externalPort"`
	InternalPort int    `json:"internalPort,omitempty"`
	Protocol     string `json:"protocol,omitempty"`
	Name         string `json:"name,omitempty"`
	NATLoopback  string `json:"natLoopback,omitempty"`
}

func (p PortForward) wire() portForwardWire {
	return portForwardWire{ExternalPort: p.ExternalPort, InternalPort: p.InternalPort, Protocol: p.Protocol, Name: p.Name, NATLoopback: p.NATLoopback}
}

// AddPortForward adds a port forward to the device mac, which must have a DHCP reservation.
// pf is checked before sending (PortForward.Validate). The reference's text says the answer
// lists every port forward, its example is the one entry (docs/plume-support-api.md §9.5,
// §13.6): either is read, and the entry of pf.ExternalPort returned, with what it leaves out
// filled in from pf; a list without it is an *UnexpectedResponseError.
//
// The API answers 422 (ErrValidation), not 404, for a device without a reservation, and for a
// port out of range, a protocol it refuses or an external port already forwarded. A 412,
// which the design notes expect here and the reference lists only for reservation writes
// (the fake answers none to port forwards), is ErrLANPrefixUnknown (see WaitForLANPrefix).
//
// API: POST /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}/portForward
func (s *NetworkService) AddPortForward(ctx context.Context, customerID, locationID, mac string, pf PortForward) (*PortForward, error) {
	return s.writePortForward(ctx, "Network.AddPortForward", http.MethodPost, customerID, locationID, mac, pf, "portForward")
}

// UpdatePortForward replaces the existing port forward of pf.ExternalPort of the device mac;
// the body is as AddPortForward's, and so is the reading of the answer. It creates none: a
// port with no forward is ErrValidation (422, the reference's "PortForward is empty"), as are
// the values AddPortForward's 422 refuses (docs/plume-support-api.md §9.6); a 412 (see
// AddPortForward) is ErrLANPrefixUnknown.
//
// API: PUT /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}/portForward/{externalPort}
func (s *NetworkService) UpdatePortForward(ctx context.Context, customerID, locationID, mac string, pf PortForward) (*PortForward, error) {
	return s.writePortForward(ctx, "Network.UpdatePortForward", http.MethodPut, customerID, locationID, mac, pf, "portForward", strconv.Itoa(pf.ExternalPort))
}

func (s *NetworkService) writePortForward(ctx context.Context, op, method, customerID, locationID, mac string, pf PortForward, sub ...string) (*PortForward, error) {
	mac, err := networkArgs(customerID, locationID, mac)
	if err != nil {
		return nil, err
	}
	if err := pf.Validate(); err != nil {
		return nil, err
	}
	answer := &portForwardList{port: pf.ExternalPort, one: true}
	if _, err := s.client.do(ctx, &request{
		op:       op,
		method:   method,
		path:     reservationsPath(customerID, locationID, append([]string{mac}, sub...)...),
		body:     pf.wire(),
		meanings: lanMeanings,
	}, answer); err != nil {
		return nil, err
	}
	out := answer.found
	if out.ExternalPort == 0 {
		out.ExternalPort = pf.ExternalPort
	}
	if out.InternalPort == 0 {
		out.InternalPort = pf.InternalPort
	}
	if out.Protocol == "" {
		out.Protocol = pf.Protocol
	}
	if out.Name == "" {
		out.Name = pf.Name
	}
	if out.NATLoopback == "" {
		out.NATLoopback = pf.NATLoopback
	}
	return out, nil
}

// DeletePortForward deletes the port forward of externalPort (1 to 65535, checked before
// sending) of the device mac. A missing reservation or port forward is ErrNotFound. The API
// answers the remaining port forwards, which DeletePortForward does not read.
//
// API: DELETE /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}/portForward/{externalPort}
func (s *NetworkService) DeletePortForward(ctx context.Context, customerID, locationID, mac string, externalPort int) error {
	mac, err := networkArgs(customerID, locationID, mac)
	if err != nil {
		return err
	}
	if err := checkPort("ExternalPort", externalPort); err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Network.DeletePortForward",
		method: http.MethodDelete,
		path:   reservationsPath(customerID, locationID, mac, "portForward", strconv.Itoa(externalPort)),
	})
}

// PortForwards returns the port forwards of the device mac. A device without a reservation is
// ErrNotFound. The answer is read as a list, or as one port-forward object.
//
// API: GET /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}/portForwards
func (s *NetworkService) PortForwards(ctx context.Context, customerID, locationID, mac string) ([]PortForward, error) {
	mac, err := networkArgs(customerID, locationID, mac)
	if err != nil {
		return nil, err
	}
	list, err := call[portForwardList](ctx, s.client, &request{
		op:     "Network.PortForwards",
		method: http.MethodGet,
		path:   reservationsPath(customerID, locationID, mac, "portForwards"),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(list.list), nil
}

// portForwardList is the answer of the port-forward calls: a JSON array of entries or one
// entry object. With one set, the call wants the entry of port (found).
type portForwardList struct {
	port  int
	one   bool
	list  []PortForward
	found *PortForward
	array bool
}

func (l *portForwardList) decodeBody(body []byte) error {
	list, array, err := decodePortForwards(body)
	if err != nil {
		return err
	}
	l.list, l.array = list, array
	switch {
	case !l.one && !array && list[0].ExternalPort == 0:
		l.list = nil // an object that is no port forward: none
	case !l.one:
	case !array:
		if list[0].ExternalPort == 0 || list[0].ExternalPort == l.port {
			l.found = &list[0]
		}
	default:
		for i := range list {
			if list[i].ExternalPort == l.port {
				l.found = &list[i]
				break
			}
		}
	}
	return nil
}

func (l *portForwardList) missing() string {
	switch {
	case !l.one || l.found != nil:
		return ""
	case l.array:
		return "the list has no port forward for the external port sent"
	}
	return "a port forward of another external port"
}

var errPortForwardShape = errors.New("not a port forward or a list of them")

// decodePortForwards reads a JSON array of port forwards, or one port-forward object (array
// false).
func decodePortForwards(body []byte) (list []PortForward, array bool, err error) {
	if !json.Valid(body) {
		return nil, false, json.Unmarshal(body, new(any))
	}
	t := bytes.TrimSpace(body)
	switch {
	case len(t) > 0 && t[0] == '[':
		list, err = decodeRawList(t, (*plainPortForward).with)
		return list, true, err
	case len(t) > 0 && t[0] == '{':
		var one PortForward
		if err := decodeRawInto(&one, t, (*plainPortForward).with); err != nil {
			return nil, false, err
		}
		return []PortForward{one}, false, nil
	}
	return nil, false, errPortForwardShape
}
