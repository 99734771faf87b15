package fakecloud

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
)

// A location's LAN prefix (plume-support-api.md §12.8). The location's LAN always has a
// prefix, which numbers its nodes (the gateway takes the first host); what changes is
// whether the cloud knows it, which a DHCP reservation needs (412 while it does not). It
// starts unknown and becomes known once a residentialGateway node claimed there is connected,
// which is derived on read from the node's history, like connectionState: no timer marks it.

// DefaultLANPrefix is a location's LAN prefix unless Config.DefaultLANPrefix or SetLANPrefix
// says otherwise.
const DefaultLANPrefix = "192.168.1.0/24"

// maxNodeHosts bounds the addresses assignIP tries: a location has far fewer nodes.
const maxNodeHosts = 254

// lanMode says where the knowledge of a location's prefix comes from.
type lanMode int

const (
	lanAuto    lanMode = iota // known once a claimed residentialGateway has been connected
	lanSeeded                 // SetLANPrefix with a prefix: known
	lanUnknown                // SetLANPrefix with "": unknown until the next SetLANPrefix
)

// lanState is a location's LAN.
type lanState struct {
	prefix  netip.Prefix
	mode    lanMode
	latched bool // lanAuto: a gateway was connected here before it was unclaimed
}

// ParseLANPrefix reads a LAN prefix: an IPv4 CIDR leaving room for a network address, a
// gateway, a host and a broadcast address (at most /30). Host bits are cleared.
func ParseLANPrefix(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(cidr)
	switch {
	case err != nil:
		return netip.Prefix{}, fmt.Errorf("fakecloud: LAN prefix %q is not a CIDR prefix", cidr)
	case !p.Addr().Is4():
		return netip.Prefix{}, fmt.Errorf("fakecloud: LAN prefix %q is not IPv4", cidr)
	case p.Bits() > 30:
		return netip.Prefix{}, fmt.Errorf("fakecloud: LAN prefix %q leaves no room for hosts (at most /30)", cidr)
	}
	return p.Masked(), nil
}

// defaultLANPrefix is Config.DefaultLANPrefix when it is a valid LAN prefix, else DefaultLANPrefix.
func defaultLANPrefix(p netip.Prefix) netip.Prefix {
	if p.IsValid() {
		if valid, err := ParseLANPrefix(p.String()); err == nil {
			return valid
		}
	}
	return netip.MustParsePrefix(DefaultLANPrefix)
}

// hostAddr returns the i-th address of the prefix (1 is the first host) and whether it is
// a host address: inside the prefix and not its broadcast address.
func hostAddr(p netip.Prefix, i int) (netip.Addr, bool) {
	base := p.Masked().Addr().As4()
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], binary.BigEndian.Uint32(base[:])+uint32(i))
	a := netip.AddrFrom4(b)
	return a, i >= 1 && p.Contains(a) && a != broadcastAddr(p)
}

// broadcastAddr is the last address of the prefix.
func broadcastAddr(p netip.Prefix) netip.Addr {
	base := p.Masked().Addr().As4()
	v := binary.BigEndian.Uint32(base[:]) | (1<<(32-p.Bits()) - 1)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// knownLAN returns the location's prefix and whether the cloud knows it at now.
func (c *Cloud) knownLAN(l *location, now time.Time) (netip.Prefix, bool) {
	switch l.lan.mode {
	case lanSeeded:
		return l.lan.prefix, true
	case lanUnknown:
		return l.lan.prefix, false
	}
	if l.lan.latched {
		return l.lan.prefix, true
	}
	for _, n := range c.claimedNodes[l.id] {
		if n.gateway && c.everConnected(n, now) {
			l.lan.latched = true // what a read saw known stays known, even if a reboot begun at that instant hides it
			return l.lan.prefix, true
		}
	}
	return l.lan.prefix, false
}

// everConnected reports whether a claimed node has been connected at some moment since its
// claim, up to now. The state is constant between the boundaries connection() walks, so
// checking each boundary is exact.
func (c *Cloud) everConnected(n *node, now time.Time) bool {
	if !n.claimed() || n.claimedAt.After(now) {
		return false
	}
	down := c.downWindows(n, now)
	bounds := []time.Time{n.claimedAt}
	for _, ch := range n.onlineLog {
		bounds = append(bounds, ch.at)
	}
	for _, w := range down {
		bounds = append(bounds, w.from, w.to)
	}
	for _, b := range bounds {
		if !b.Before(n.claimedAt) && !b.After(now) && n.connectedAt(b, false, down) {
			return true
		}
	}
	return false
}

// latchLAN keeps a location's prefix known when the gateway that made it known is
// unclaimed (unclaim calls it first): the cloud does not forget a prefix it was told.
func (c *Cloud) latchLAN(n *node, now time.Time) {
	l := c.locations[n.locationID]
	if l != nil && n.gateway && l.lan.mode == lanAuto && c.everConnected(n, now) {
		l.lan.latched = true
	}
}

// renumber gives the location's claimed nodes new addresses in its prefix, in claim order.
func (c *Cloud) renumber(l *location) {
	nodes := c.claimedAt(l.id)
	for _, n := range nodes {
		n.ip = ""
	}
	for _, n := range nodes {
		c.assignIP(n)
	}
}

// SetLANPrefix seeds the LAN prefix of a customer's location (an IPv4 CIDR, at most /30):
// the cloud knows it from now on and the location's nodes are renumbered in it. "" makes the
// prefix unknown again, until the next SetLANPrefix: a reservation PUT then answers 412
// whatever the gateway does.
func (c *Cloud) SetLANPrefix(customerID, locationID, cidr string) error {
	var p netip.Prefix
	if cidr != "" {
		var err error
		if p, err = ParseLANPrefix(cidr); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, err := c.activeLocation(customerID, locationID)
	if err != nil {
		return err
	}
	if cidr == "" {
		l.lan.mode = lanUnknown
		return nil
	}
	l.lan.mode, l.lan.prefix = lanSeeded, p
	c.renumber(l)
	return nil
}
