package plumetest

import "github.com/plumecloud/plume-go/internal/fakecloud"

// DefaultLANPrefix is a location's LAN prefix unless WithDefaultLANPrefix or SetLANPrefix
// says otherwise.
const DefaultLANPrefix = fakecloud.DefaultLANPrefix

// Network and HomePass types: the fake cloud's own views (plume-support-api.md §8, §9,
// §12.7, §12.8).
type (
	// DHCPReservationView is a DHCP reservation (MAC, Hostname, IP) with its port forwards.
	DHCPReservationView = fakecloud.DHCPReservationView
	// PortForwardView is a port forward of a DHCP reservation.
	PortForwardView = fakecloud.PortForwardView
	// KeyView is a HomePass key of a WiFi network; key 0 is the network's PSK. It prints
	// with the key hidden.
	KeyView = fakecloud.KeyView
	// AccessZoneView is an access zone of a WiFi network; zones 1–3 are read-only.
	AccessZoneView = fakecloud.AccessZoneView
)

// WithDefaultLANPrefix sets the LAN prefix of every new location (DefaultLANPrefix,
// 192.168.1.0/24, when not set): an IPv4 CIDR of at most /30, its host bits ignored. Nodes
// are numbered in it (the gateway takes the first host) and DHCP reservations must fall in
// it. The cloud still learns a location's prefix only once a residentialGateway claimed there
// is connected. It panics on a cidr that is not such a prefix: a mistake in the test itself.
func WithDefaultLANPrefix(cidr string) Option {
	p, err := fakecloud.ParseLANPrefix(cidr)
	if err != nil {
		panic("plumetest: WithDefaultLANPrefix: " + ownError(err).Error())
	}
	return func(s *settings) { s.cfg.DefaultLANPrefix = p }
}

// SetLANPrefix seeds the LAN prefix of a customer's location (an IPv4 CIDR, at most /30):
// the cloud knows it from now on, whatever the gateway does, and the location's nodes are
// renumbered in it. "" makes the prefix unknown again until the next SetLANPrefix: a DHCP
// reservation PUT then answers 412 "Subnet prefix is unknown". Without it a location's prefix
// is unknown until a residentialGateway claimed there is connected. Location.LANPrefix shows
// the prefix as the cloud knows it.
func (s *Server) SetLANPrefix(customerID, locationID, cidr string) {
	s.report(s.cloud.SetLANPrefix(customerID, locationID, cidr))
}

// DHCPReservations returns a location's DHCP reservations by MAC, each with its port
// forwards by external port. An unknown location is reported to the test as a mistake.
func (s *Server) DHCPReservations(locationID string) []DHCPReservationView {
	out, err := s.cloud.DHCPReservations(locationID)
	s.report(err)
	return out
}

// Keys returns the HomePass keys of a location's WiFi network by id (none without a
// network). An unknown location is reported to the test as a mistake.
func (s *Server) Keys(locationID string) []KeyView {
	out, err := s.cloud.Keys(locationID)
	s.report(err)
	return out
}

// AccessZones returns the access zones of a location's WiFi network by id (none without a
// network). An unknown location is reported to the test as a mistake.
func (s *Server) AccessZones(locationID string) []AccessZoneView {
	out, err := s.cloud.AccessZones(locationID)
	s.report(err)
	return out
}
