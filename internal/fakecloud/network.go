package fakecloud

import (
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// DHCP reservations, their port forwards and the DHCP leases (plume-support-api.md §9,
// §12.8). A reservation needs the location's LAN prefix to be known (lan.go): 412 before.
// An invalid MAC in the path is 422 on every route here, as E lists for each.

// Port forward values (§12.8).
const (
	protocolTCP = "tcp"
	maxPort     = 65535
)

var forwardProtocols = []string{protocolTCP, "udp", "both"}

type reservation struct {
	mac, hostname, ip string
	forwards          map[int]*portForward // by externalPort
}

type portForward struct {
	external, internal          int
	protocol, name, natLoopback string
}

func reservationJSON(r *reservation) obj {
	return obj{"mac": r.mac, "hostname": r.hostname, "ip": r.ip}
}

func forwardJSON(p *portForward) obj {
	return obj{"externalPort": p.external, "internalPort": p.internal, "protocol": p.protocol, "name": p.name, "natLoopback": p.natLoopback}
}

// reservationsJSON is every reservation of the location, by MAC.
func reservationsJSON(l *location) []obj {
	out := []obj{}
	for _, mac := range slices.Sorted(maps.Keys(l.reservations)) {
		out = append(out, reservationJSON(l.reservations[mac]))
	}
	return out
}

// forwardsJSON is every port forward of the reservation, by externalPort.
func forwardsJSON(r *reservation) []obj {
	out := []obj{}
	for _, port := range slices.Sorted(maps.Keys(r.forwards)) {
		out = append(out, forwardJSON(r.forwards[port]))
	}
	return out
}

// dhcpScope resolves a …/dhcpReservations/{mac} path: an unknown customer is 401 (§9), an
// invalid MAC 422.
func (c *Cloud) dhcpScope(rq *request) (*location, *fields, string, *reply) {
	return c.scopedMAC(rq, http.StatusUnauthorized, http.StatusUnprocessableEntity)
}

// listReservations answers every reservation. GET …/networkConfiguration/dhcpReservations (§9.1)
func (c *Cloud) listReservations(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, reservationsJSON(l))
}

// getReservation answers one reservation; none is 404. GET …/dhcpReservations/{mac} (§9.2)
func (c *Cloud) getReservation(rq *request) *reply {
	l, _, mac, bad := c.dhcpScope(rq)
	if bad != nil {
		return bad
	}
	r := l.reservations[mac]
	if r == nil {
		return errorf(http.StatusNotFound, "no DHCP reservation for %q", mac)
	}
	return jsonReply(http.StatusOK, reservationJSON(r))
}

// putReservation creates or updates a reservation and answers it. Checks: MAC (422), ip
// missing (400) or not IPv4 (422), prefix unknown (412), ip outside the prefix, the network
// or broadcast address, the gateway's (first host), or reserved by another MAC (422).
// hostName, absent, keeps the current hostname. PUT …/dhcpReservations/{mac} (§9.3, §12.8)
func (c *Cloud) putReservation(rq *request) *reply {
	l, f, mac, bad := c.dhcpScope(rq)
	if bad != nil {
		return bad
	}
	ipText, hostname := f.str("ip"), f.str("hostName")
	switch {
	case f.err != nil:
		return f.err
	case ipText == nil || *ipText == "":
		return errorReply(http.StatusUnprocessableEntity, "ip is required") // §9.3: 422 for an empty IP
	}
	ip, err := netip.ParseAddr(*ipText)
	if err != nil || !ip.Is4() {
		return errorf(http.StatusUnprocessableEntity, "ip %q is not an IPv4 address", *ipText)
	}
	prefix, known := c.knownLAN(l, c.now())
	if !known {
		return errorReply(http.StatusPreconditionFailed, "Subnet prefix is unknown")
	}
	if bad := checkReservedIP(l, prefix, ip, mac); bad != nil {
		return bad
	}
	r := l.reservations[mac]
	if r == nil {
		r = &reservation{mac: mac, forwards: map[int]*portForward{}}
		l.reservations[mac] = r
	}
	r.ip = ip.String()
	setStr(&r.hostname, hostname)
	return jsonReply(http.StatusOK, reservationJSON(r))
}

// checkReservedIP applies §12.8's address rules.
func checkReservedIP(l *location, prefix netip.Prefix, ip netip.Addr, mac string) *reply {
	gateway, _ := hostAddr(prefix, 1)
	switch {
	case !prefix.Contains(ip):
		return errorf(http.StatusUnprocessableEntity, "ip %s is outside the LAN prefix %s", ip, prefix)
	case ip == prefix.Addr(), ip == broadcastAddr(prefix):
		return errorf(http.StatusUnprocessableEntity, "ip %s is the network or broadcast address of %s", ip, prefix)
	case ip == gateway:
		return errorf(http.StatusUnprocessableEntity, "ip %s is the gateway's address", ip)
	}
	for other, r := range l.reservations {
		if other != mac && r.ip == ip.String() {
			return errorf(http.StatusUnprocessableEntity, "ip %s is reserved for %s", ip, other)
		}
	}
	return nil
}

// deleteReservation removes a reservation with its port forwards and answers the others;
// none for the MAC is 404. DELETE …/dhcpReservations/{mac} (§9.4, §12.8)
func (c *Cloud) deleteReservation(rq *request) *reply {
	l, _, mac, bad := c.dhcpScope(rq)
	if bad != nil {
		return bad
	}
	if l.reservations[mac] == nil {
		return errorf(http.StatusNotFound, "no DHCP reservation for %q", mac)
	}
	delete(l.reservations, mac)
	return jsonReply(http.StatusOK, reservationsJSON(l))
}

// forwardScope resolves the reservation of a port forward path; none is notFound (422 on
// POST and PUT, 404 on DELETE and GET: §9.5–§9.8).
func (c *Cloud) forwardScope(rq *request, notFound int) (*location, *reservation, *fields, *reply) {
	l, f, mac, bad := c.dhcpScope(rq)
	if bad != nil {
		return nil, nil, nil, bad
	}
	r := l.reservations[mac]
	if r == nil {
		return nil, nil, nil, errorf(notFound, "no DHCP reservation for %q", mac)
	}
	return l, r, f, nil
}

// pathPort reads {externalPort}: not an integer 1–65535 is 422.
func pathPort(rq *request) (int, *reply) {
	port, err := strconv.Atoi(rq.params[3])
	if err != nil || port < 1 || port > maxPort {
		return 0, errorf(http.StatusUnprocessableEntity, "externalPort %q is not a port (1–65535)", rq.params[3])
	}
	return port, nil
}

// readForward reads a port forward body: externalPort required (400) unless the path gives
// it, types (400), then ports 1–65535, protocol tcp, udp or both, natLoopback auto, enable
// or disable (422). internalPort defaults to externalPort, protocol to tcp, natLoopback to auto.
func readForward(f *fields, pathExternal int) (*portForward, *reply) {
	external, okExt := f.looseInt("externalPort")
	internal, okInt := f.looseInt("internalPort")
	protocol, name, loopback := f.looseString("protocol"), f.looseString("name"), f.str("natLoopback")
	switch {
	case f.err != nil:
		return nil, f.err
	case external == nil && okExt && pathExternal == 0:
		return nil, errorReply(http.StatusBadRequest, "externalPort is required")
	case !okExt || !okInt:
		return nil, errorReply(http.StatusUnprocessableEntity, "ports are integers from 1 to 65535")
	}
	p := &portForward{external: pathExternal, protocol: deref(protocol, protocolTCP), name: deref(name, ""), natLoopback: deref(loopback, modeAuto)}
	if external != nil {
		if pathExternal != 0 && *external != pathExternal {
			return nil, errorf(http.StatusUnprocessableEntity, "externalPort %d differs from the path's %d", *external, pathExternal)
		}
		p.external = *external
	}
	p.internal = p.external
	if internal != nil {
		p.internal = *internal
	}
	switch {
	case p.external < 1 || p.external > maxPort || p.internal < 1 || p.internal > maxPort:
		return nil, errorReply(http.StatusUnprocessableEntity, "ports are integers from 1 to 65535")
	case !slices.Contains(forwardProtocols, p.protocol):
		return nil, errorf(http.StatusUnprocessableEntity, "protocol %q is not tcp, udp or both", p.protocol)
	case !validToggle(p.natLoopback):
		return nil, errorf(http.StatusUnprocessableEntity, "natLoopback %q is not auto, enable or disable", p.natLoopback)
	}
	return p, nil
}

// forwardOwner returns the reservation holding a port forward on externalPort, or nil.
func forwardOwner(l *location, port int) *reservation {
	for _, r := range l.reservations {
		if r.forwards[port] != nil {
			return r
		}
	}
	return nil
}

// createForward adds a port forward; an externalPort already forwarded at the location is
// 422. POST …/dhcpReservations/{mac}/portForward (§9.5, §12.8)
func (c *Cloud) createForward(rq *request) *reply {
	l, r, f, bad := c.forwardScope(rq, http.StatusUnprocessableEntity)
	if bad != nil {
		return bad
	}
	p, bad := readForward(f, 0)
	if bad != nil {
		return bad
	}
	if owner := forwardOwner(l, p.external); owner != nil {
		return errorf(http.StatusUnprocessableEntity, "externalPort %d is already forwarded (to %s)", p.external, owner.mac)
	}
	r.forwards[p.external] = p
	return jsonReply(http.StatusOK, forwardJSON(p))
}

// replaceForward replaces the port forward on the path's externalPort; none there ("Update
// an existing…"), or one on another reservation, is 422. PUT …/dhcpReservations/{mac}/portForward/{externalPort} (§9.6, §12.8)
func (c *Cloud) replaceForward(rq *request) *reply {
	l, r, f, bad := c.forwardScope(rq, http.StatusUnprocessableEntity)
	if bad != nil {
		return bad
	}
	port, bad := pathPort(rq)
	if bad != nil {
		return bad
	}
	p, bad := readForward(f, port)
	if bad != nil {
		return bad
	}
	if owner := forwardOwner(l, port); owner != nil && owner != r {
		return errorf(http.StatusUnprocessableEntity, "externalPort %d is forwarded to %s", port, owner.mac)
	}
	if r.forwards[port] == nil {
		return errorf(http.StatusUnprocessableEntity, "no port forward on externalPort %d to update", port)
	}
	r.forwards[port] = p
	return jsonReply(http.StatusOK, forwardJSON(p))
}

// deleteForward removes a port forward and answers the reservation's others.
// DELETE …/dhcpReservations/{mac}/portForward/{externalPort} (§9.7, §12.8)
func (c *Cloud) deleteForward(rq *request) *reply {
	if _, _, _, bad := c.dhcpScope(rq); bad != nil {
		return bad
	}
	port, bad := pathPort(rq)
	if bad != nil {
		return bad
	}
	_, r, _, bad := c.forwardScope(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	if r.forwards[port] == nil {
		return errorf(http.StatusNotFound, "no port forward on externalPort %d for %s", port, r.mac)
	}
	delete(r.forwards, port)
	return jsonReply(http.StatusOK, forwardsJSON(r))
}

// listForwards answers the reservation's port forwards by externalPort.
// GET …/dhcpReservations/{mac}/portForwards (§9.8, §12.8)
func (c *Cloud) listForwards(rq *request) *reply {
	_, r, _, bad := c.forwardScope(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, forwardsJSON(r))
}

// dhcpLeases answers {"leases":[{mac, ip, hostname}]} for the connected, visible devices that
// have an IP, by MAC; hostname is the name the device reports. GET …/dhcpLeases (§9.9, §12.8)
func (c *Cloud) dhcpLeases(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	leases := []obj{}
	for _, d := range sortedDevices(l) {
		if d.connected && !d.hidden && d.ip != "" {
			leases = append(leases, obj{"mac": d.mac, "ip": d.ip, "hostname": d.name})
		}
	}
	return jsonReply(http.StatusOK, obj{"leases": leases})
}

// DHCPReservationView is a DHCP reservation with its port forwards.
type DHCPReservationView struct {
	MAC, Hostname, IP string
	PortForwards      []PortForwardView // by ExternalPort
}

// PortForwardView is a port forward of a DHCP reservation.
type PortForwardView struct {
	ExternalPort, InternalPort int
	Protocol                   string // tcp, udp or both
	Name                       string
	NATLoopback                string // auto, enable or disable
}

// DHCPReservations returns a location's DHCP reservations by MAC.
func (c *Cloud) DHCPReservations(locationID string) ([]DHCPReservationView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil {
		return nil, fmt.Errorf("fakecloud: no location %q", locationID)
	}
	out := []DHCPReservationView{}
	for _, mac := range slices.Sorted(maps.Keys(l.reservations)) {
		r := l.reservations[mac]
		v := DHCPReservationView{MAC: r.mac, Hostname: r.hostname, IP: r.ip, PortForwards: []PortForwardView{}}
		for _, port := range slices.Sorted(maps.Keys(r.forwards)) {
			p := r.forwards[port]
			v.PortForwards = append(v.PortForwards, PortForwardView{
				ExternalPort: p.external, InternalPort: p.internal, Protocol: p.protocol, Name: p.name, NATLoopback: p.natLoopback,
			})
		}
		out = append(out, v)
	}
	return out, nil
}

// lanPrefixView is the location's prefix as LocationView shows it: "" while unknown.
func (c *Cloud) lanPrefixView(l *location, now time.Time) string {
	if p, known := c.knownLAN(l, now); known {
		return p.String()
	}
	return ""
}
