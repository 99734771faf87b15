package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// NetworkService is the network configuration of a location: DHCP reservations, the port
// forwards of each reserved device, and the DHCP leases the gateway reports
// (docs/plume-support-api.md §9).
//
// Every method takes a device's MAC in any common notation and sends it in lowercase colon
// form (mac.go); anything else is a *ValidationError and nothing is sent. A gateway that has
// not yet reported its LAN prefix, as right after provisioning, makes reservation writes
// answer 412: ErrLANPrefixUnknown, which NetworkService.WaitForLANPrefix retries.
type NetworkService service

// DHCPReservation is a fixed IPv4 address for a device: the body of SetDHCPReservation and
// the object the reservation calls return. The API reads the hostname as hostName and
// answers it as hostname (docs/plume-support-api.md §2); both are Hostname here.
type DHCPReservation struct {
	MAC      string          `json:"mac"`
	Hostname string          `json:"hostname"`
	IP       string          `json:"ip"`
	Raw      json.RawMessage `json:"-"` // the object as received; not sent
}

// plainDHCPReservation is DHCPReservation without methods, for decoding (decode.go).
type plainDHCPReservation DHCPReservation

func (p *plainDHCPReservation) with(raw json.RawMessage) DHCPReservation {
	r := DHCPReservation(*p)
	r.Raw = raw
	return r
}

// UnmarshalJSON decodes a reservation object and keeps it whole in Raw.
func (r *DHCPReservation) UnmarshalJSON(data []byte) error {
	return decodeRawInto(r, data, (*plainDHCPReservation).with)
}

// Validate checks the reservation as SetDHCPReservation does before sending it: a MAC in a
// common notation and an IPv4 address in dotted-decimal form.
func (r DHCPReservation) Validate() error {
	_, _, err := r.wire()
	return err
}

// dhcpReservationWire is the body of SetDHCPReservation as sent.
type dhcpReservationWire struct {
	IP       string `json:"ip"`
	HostName string `json:"hostName,omitempty"`
}

// wire checks r and returns its MAC as sent and its body.
func (r DHCPReservation) wire() (string, dhcpReservationWire, error) {
	mac, err := normalizeMAC("MAC", r.MAC)
	if err != nil {
		return "", dhcpReservationWire{}, err
	}
	if strings.TrimSpace(r.IP) == "" {
		return "", dhcpReservationWire{}, invalid("IP", "is required")
	}
	if err := checkIPv4("IP", r.IP); err != nil {
		return "", dhcpReservationWire{}, err
	}
	return mac, dhcpReservationWire{IP: r.IP, HostName: r.Hostname}, nil
}

// Meanings of the reservation and port-forward writes.
var lanMeanings = map[int]error{http.StatusPreconditionFailed: ErrLANPrefixUnknown}

func reservationsPath(customerID, locationID string, sub ...string) string {
	return buildPath(append([]string{"Customers", customerID, "locations", locationID, "networkConfiguration", "dhcpReservations"}, sub...)...)
}

// networkArgs checks the ids and the MAC of a per-device call and returns the MAC as sent.
func networkArgs(customerID, locationID, mac string) (string, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return "", err
	}
	return normalizeMAC("MAC", mac)
}

// DHCPReservations returns the DHCP reservations of a location. The answer is read as a list,
// or as one reservation object (an object with neither mac nor ip is none). An unknown
// location (or reservation store) is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations
func (s *NetworkService) DHCPReservations(ctx context.Context, customerID, locationID string) ([]DHCPReservation, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	list, err := call[reservationList](ctx, s.client, &request{
		op:     "Network.DHCPReservations",
		method: http.MethodGet,
		path:   reservationsPath(customerID, locationID),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(list.list), nil
}

// GetDHCPReservation returns the DHCP reservation of one device; an answer without the mac
// gets the one addressed, and one without an ip is an *UnexpectedResponseError. A device
// without a reservation, or an unknown location, is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}
func (s *NetworkService) GetDHCPReservation(ctx context.Context, customerID, locationID, mac string) (*DHCPReservation, error) {
	mac, err := networkArgs(customerID, locationID, mac)
	if err != nil {
		return nil, err
	}
	answer := &reservationList{mac: mac, one: true, needIP: true}
	if _, err := s.client.do(ctx, &request{
		op:     "Network.GetDHCPReservation",
		method: http.MethodGet,
		path:   reservationsPath(customerID, locationID, mac),
	}, answer); err != nil {
		return nil, err
	}
	if answer.found.MAC == "" {
		answer.found.MAC = mac
	}
	return answer.found, nil
}

// SetDHCPReservation creates or replaces the reservation of r.MAC: the IPv4 address r.IP, and
// the hostname r.Hostname when not empty (sent as hostName). r is checked before sending
// (DHCPReservation.Validate).
//
// The reference's text says the answer lists every reservation, its example is the one
// reservation (docs/plume-support-api.md §9.3, §13.6): either is read, and the reservation of
// r.MAC returned, with what it leaves out (mac, ip, hostname) filled in from r. A list
// without r.MAC is an *UnexpectedResponseError.
//
// A gateway that has not reported its LAN prefix yet answers 412, ErrLANPrefixUnknown: retry
// later, or wrap the call in WaitForLANPrefix. An IP the API refuses (outside the LAN, the
// gateway's, another device's) is ErrValidation.
//
// API: PUT /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}
func (s *NetworkService) SetDHCPReservation(ctx context.Context, customerID, locationID string, r DHCPReservation) (*DHCPReservation, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	mac, body, err := r.wire()
	if err != nil {
		return nil, err
	}
	answer := &reservationList{mac: mac, one: true}
	if _, err := s.client.do(ctx, &request{
		op:       "Network.SetDHCPReservation",
		method:   http.MethodPut,
		path:     reservationsPath(customerID, locationID, mac),
		body:     body,
		meanings: lanMeanings,
	}, answer); err != nil {
		return nil, err
	}
	out := answer.found
	if out.MAC == "" {
		out.MAC = mac
	}
	if out.IP == "" {
		out.IP = r.IP
	}
	if out.Hostname == "" {
		out.Hostname = r.Hostname
	}
	return out, nil
}

// DeleteDHCPReservation deletes the reservation of a device and its port forwards. A device
// without one is ErrNotFound. The API answers the remaining reservations, which
// DeleteDHCPReservation does not read: call DHCPReservations for them.
//
// API: DELETE /Customers/{id}/locations/{locationId}/networkConfiguration/dhcpReservations/{mac}
func (s *NetworkService) DeleteDHCPReservation(ctx context.Context, customerID, locationID, mac string) error {
	mac, err := networkArgs(customerID, locationID, mac)
	if err != nil {
		return err
	}
	return exec(ctx, s.client, &request{
		op:     "Network.DeleteDHCPReservation",
		method: http.MethodDelete,
		path:   reservationsPath(customerID, locationID, mac),
	})
}

// reservationList is the answer of the reservation calls: a JSON array of reservations or one
// reservation object. With one set, the call wants the reservation of mac (found); with
// needIP, one that carries an address.
type reservationList struct {
	mac    string // the MAC the call addressed, lowercase colon form
	one    bool
	needIP bool
	list   []DHCPReservation
	found  *DHCPReservation
	array  bool
}

func (l *reservationList) decodeBody(body []byte) error {
	list, array, err := decodeReservations(body)
	if err != nil {
		return err
	}
	l.list, l.array = list, array
	switch {
	case !l.one && !array && list[0].MAC == "" && list[0].IP == "":
		l.list = nil // an object that is no reservation: none
	case !l.one:
	case !array:
		if list[0].MAC == "" || sameMAC(list[0].MAC, l.mac) {
			l.found = &list[0]
		}
	default:
		for i := range list {
			if sameMAC(list[i].MAC, l.mac) {
				l.found = &list[i]
				break
			}
		}
	}
	return nil
}

func (l *reservationList) missing() string {
	switch {
	case !l.one:
		return ""
	case l.found == nil && l.array:
		return "the list has no reservation for the MAC addressed"
	case l.found == nil:
		return "a reservation of another MAC"
	case l.needIP && l.found.IP == "":
		return "no ip"
	}
	return ""
}

var errReservationShape = errors.New("not a DHCP reservation or a list of them")

// decodeReservations reads a JSON array of reservations, or one reservation object (array
// false).
func decodeReservations(body []byte) (list []DHCPReservation, array bool, err error) {
	if !json.Valid(body) {
		return nil, false, json.Unmarshal(body, new(any))
	}
	t := bytes.TrimSpace(body)
	switch {
	case len(t) > 0 && t[0] == '[':
		list, err = decodeRawList(t, (*plainDHCPReservation).with)
		return list, true, err
	case len(t) > 0 && t[0] == '{':
		var one DHCPReservation
		if err := decodeRawInto(&one, t, (*plainDHCPReservation).with); err != nil {
			return nil, false, err
		}
		return []DHCPReservation{one}, false, nil
	}
	return nil, false, errReservationShape
}

// sameMAC reports whether a MAC as the API answered it is want (lowercase colon form).
func sameMAC(got, want string) bool {
	if n, err := normalizeMAC("MAC", got); err == nil {
		return n == want
	}
	return strings.EqualFold(strings.TrimSpace(got), want)
}

// WaitForLANPrefix calls write until it returns anything but ErrLANPrefixUnknown: the 412 of
// a DHCP reservation write (and of a port-forward write, should the API answer one there; the
// reference lists it only for reservations) at a location whose gateway has not reported its
// LAN prefix yet, which is typical for a while after provisioning. It pauses between calls
// as the client's flows do (2 s, doubling up to 30 s, unless WithPolling says otherwise). It
// returns write's first other result (nil included), or, when ctx ends first, an error for
// which both errors.Is(err, ctx.Err()) and errors.Is(err, ErrLANPrefixUnknown) hold. Each call
// write makes is an ordinary call of the client: it waits on the rate limiter and is retried
// as its method is.
//
//	var res *plume.DHCPReservation
//	err := c.Network.WaitForLANPrefix(ctx, func(ctx context.Context) (err error) {
//		res, err = c.Network.SetDHCPReservation(ctx, customerID, locationID, r)
//		return err
//	})
//
// Bound the wait with ctx (context.WithTimeout): the gateway may never report a prefix (it is
// offline, say).
func (s *NetworkService) WaitForLANPrefix(ctx context.Context, write func(ctx context.Context) error) error {
	if write == nil {
		return invalid("write", "is required")
	}
	wait := s.client.flowBackoff()
	for {
		err := write(ctx)
		if !errors.Is(err, ErrLANPrefixUnknown) {
			return err
		}
		if perr := flowPause(ctx, wait.next()); perr != nil {
			return fmt.Errorf("plume: Network.WaitForLANPrefix: %w; last answer: %w", perr, err)
		}
	}
}

// DHCPLease is a lease the gateway's DHCP server gave a device. The reference documents no
// shape (docs/plume-support-api.md §9.9): the typed fields follow the fake's {mac, ip,
// hostname} (§12.8), read leniently; Raw keeps the item whole.
type DHCPLease struct {
	MAC      string
	IP       string
	Hostname string
	Raw      json.RawMessage
}

// plainDHCPLease is the wire shape of a lease, read leniently.
type plainDHCPLease struct {
	MAC       looseText `json:"mac"`
	IP        looseText `json:"ip"`
	IPAddress looseText `json:"ipAddress"`
	Hostname  looseText `json:"hostname"`
}

// DHCPLeases returns the DHCP leases the controller has for a location. The answer is read as
// a list of leases, or an object holding one as "leases" (the fake's shape) or "dhcpLeases";
// an empty answer, or an object without such a list, is no lease. Items that are not objects
// are left out. An unknown location is ErrNotFound.
//
// API: GET /Customers/{id}/locations/{locationId}/dhcpLeases
func (s *NetworkService) DHCPLeases(ctx context.Context, customerID, locationID string) ([]DHCPLease, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	leases, err := call[leaseList](ctx, s.client, &request{
		op:     "Network.DHCPLeases",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "dhcpLeases"),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*leases), nil
}

// leaseList is the answer of DHCPLeases (see decodeLeases).
type leaseList []DHCPLease

func (*leaseList) optional() {} // undocumented answer: nothing is no lease

func (l *leaseList) decodeBody(body []byte) (err error) {
	*l, err = decodeLeases(body)
	return err
}

// decodeLeases reads DHCPLeases' answer (see there). It fails only on text that is not JSON.
func decodeLeases(body json.RawMessage) ([]DHCPLease, error) {
	if !json.Valid(body) {
		return nil, json.Unmarshal(body, new(any))
	}
	arr := bytes.TrimSpace(body)
	for _, name := range []string{"leases", "dhcpLeases"} {
		if len(arr) == 0 || arr[0] != '{' {
			break
		}
		if v, ok := jsonraw.Member(arr, name); ok && len(v) > 0 && v[0] == '[' {
			arr = v
		}
	}
	out := []DHCPLease{}
	for _, item := range jsonraw.Elements(arr) {
		if item[0] != '{' {
			continue
		}
		var w plainDHCPLease
		if err := json.Unmarshal(item, &w); err != nil {
			return nil, err
		}
		lease := DHCPLease{MAC: string(w.MAC), IP: string(w.IP), Hostname: string(w.Hostname), Raw: keepRawJSON(item)}
		if lease.IP == "" {
			lease.IP = string(w.IPAddress)
		}
		out = append(out, lease)
	}
	return out, nil
}
