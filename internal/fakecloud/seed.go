package fakecloud

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// AddPartner makes a partner known to the cloud, or updates its locked flag (a locked
// partner's register answers 403).
func (c *Cloud) AddPartner(partnerID string, locked bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addPartner(partnerID, locked)
}

func (c *Cloud) addPartner(partnerID string, locked bool) {
	if p := c.partners[partnerID]; p != nil {
		p.locked = locked
		return
	}
	c.partners[partnerID] = &partner{id: partnerID, locked: locked}
}

// AddCredential makes an OAuth client known to the token endpoint; its partner is added,
// unlocked, when unknown.
func (c *Cloud) AddCredential(cred Credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.partners[cred.PartnerID] == nil {
		c.addPartner(cred.PartnerID, false)
	}
	c.creds[cred.ClientID] = &cred
}

// AddInventory puts pods (leaf nodes) in a partner's inventory, unclaimed. A serial already
// known keeps its state.
func (c *Cloud) AddInventory(partnerID string, serials ...string) {
	c.addNodes(partnerID, false, serials)
}

// AddGateways puts residential gateways in a partner's inventory: residentialGateway true,
// not counted by numPodsAuthorized.
func (c *Cloud) AddGateways(partnerID string, serials ...string) {
	c.addNodes(partnerID, true, serials)
}

func (c *Cloud) addNodes(partnerID string, gateway bool, serials []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for _, s := range serials {
		if c.nodes[s] != nil {
			continue
		}
		c.nodes[s] = &node{serial: s, partnerID: partnerID, gateway: gateway, packID: randomHex(12), createdAt: now, updatedAt: now}
	}
}

// SetMonitorMode sets a location's monitorMode.enable, which blocks claims.
func (c *Cloud) SetMonitorMode(customerID, locationID string, on bool) error {
	return c.withLocation(customerID, locationID, func(l *location) {
		l.monitorMode, l.monitorModeSet = on, c.now()
	})
}

// SetPodQuota sets a location's numPodsAuthorized (DefaultPodQuota at creation).
func (c *Cloud) SetPodQuota(customerID, locationID string, n int) error {
	if n < 0 {
		return fmt.Errorf("fakecloud: negative pod quota %d", n)
	}
	return c.withLocation(customerID, locationID, func(l *location) {
		l.podQuota, l.podQuotaSet = n, c.now()
	})
}

func (c *Cloud) withLocation(customerID, locationID string, change func(*location)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil || l.customerID != customerID {
		return fmt.Errorf("fakecloud: no location %q of customer %q", locationID, customerID)
	}
	change(l)
	return nil
}

// SetNodeOnline flags a node online (an online node cannot be unclaimed: 403) or offline.
func (c *Cloud) SetNodeOnline(serial string, online bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	if n == nil {
		return fmt.Errorf("fakecloud: no node %q in inventory", serial)
	}
	n.online = online
	return nil
}

// SetAutoProvisioned sets a customer's autoProvisioned flag: such a customer keeps zero
// locations when its last one is deleted.
func (c *Cloud) SetAutoProvisioned(customerID string, on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cu := c.customers[customerID]
	if cu == nil {
		return fmt.Errorf("fakecloud: no customer %q", customerID)
	}
	cu.autoProvisioned = on
	return nil
}

// Customer is a snapshot of a stored customer.
type Customer struct {
	ID, AccountID, Name, Email, PartnerID string
	EmailVerified, AutoProvisioned        bool
	AcceptLanguage                        string
	VerificationEmails                    int // resendEmailVerification calls answered 204
	CreatedAt                             time.Time
}

// Location is a snapshot of a stored location, archived ones included.
type Location struct {
	ID, CustomerID, Name, ServiceID, Profile string
	Archived                                 bool
	ServiceLevel                             string
	MonitorMode                              bool
	PodQuota                                 int
	Checkpoint                               string // "" when never set
	Wifi                                     *WifiNetwork
	StaticIPv4                               *StaticIPv4
	CreatedAt                                time.Time
}

// WifiNetwork is a snapshot of a location's WiFi network.
type WifiNetwork struct {
	ID, SSID, EncryptionKey, WPAMode string
	Enabled                          bool
}

// String hides the encryption key.
func (w WifiNetwork) String() string {
	return fmt.Sprintf("{ID:%s SSID:%s EncryptionKey:[REDACTED] WPAMode:%s Enabled:%t}", w.ID, w.SSID, w.WPAMode, w.Enabled)
}

// StaticIPv4 is a snapshot of a location's static WAN IPv4 settings.
type StaticIPv4 struct {
	Enabled                                       bool
	IP, Subnet, Gateway, PrimaryDNS, SecondaryDNS string
}

// Node is a snapshot of an inventory node; CustomerID and LocationID are empty when unclaimed.
type Node struct {
	Serial, PartnerID, PackID, AccountID, Nickname string
	Gateway, Online                                bool
	CustomerID, LocationID                         string
}

// Customers returns every stored customer by createdAt, then id. Deleted customers are gone.
func (c *Cloud) Customers() []Customer {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Customer
	for _, cu := range c.sortedCustomers("") {
		out = append(out, customerSnapshot(cu))
	}
	return out
}

// Customer returns one stored customer.
func (c *Cloud) Customer(id string) (Customer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cu := c.customers[id]
	if cu == nil {
		return Customer{}, false
	}
	return customerSnapshot(cu), true
}

func customerSnapshot(cu *customer) Customer {
	return Customer{
		ID: cu.id, AccountID: cu.accountID, Name: cu.name, Email: cu.email, PartnerID: cu.partnerID,
		EmailVerified: cu.emailVerified, AutoProvisioned: cu.autoProvisioned,
		AcceptLanguage: cu.acceptLanguage, VerificationEmails: cu.verificationMails, CreatedAt: cu.createdAt,
	}
}

// Locations returns every location, archived ones included, by createdAt, then id.
func (c *Cloud) Locations() []Location {
	c.mu.Lock()
	defer c.mu.Unlock()
	ls := slices.Collect(maps.Values(c.locations))
	slices.SortFunc(ls, func(a, b *location) int { return byCreation(a.createdAt, b.createdAt, a.id, b.id) })
	out := make([]Location, 0, len(ls))
	for _, l := range ls {
		out = append(out, locationSnapshot(l))
	}
	return out
}

// Location returns one location, archived or not.
func (c *Cloud) Location(id string) (Location, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[id]
	if l == nil {
		return Location{}, false
	}
	return locationSnapshot(l), true
}

func locationSnapshot(l *location) Location {
	out := Location{
		ID: l.id, CustomerID: l.customerID, Name: l.name, ServiceID: l.serviceID, Profile: l.profile,
		Archived: l.archived, ServiceLevel: l.serviceLevel, MonitorMode: l.monitorMode,
		PodQuota: l.podQuota, CreatedAt: l.createdAt,
	}
	if l.checkpoint != nil {
		out.Checkpoint = l.checkpoint.value
	}
	if w := l.wifi; w != nil {
		out.Wifi = &WifiNetwork{ID: w.id, SSID: w.ssid, EncryptionKey: w.key, WPAMode: w.wpaMode, Enabled: w.enabled}
	}
	if s := l.wan.static; s != nil {
		out.StaticIPv4 = &StaticIPv4{
			Enabled: s.enabled, IP: s.ip, Subnet: s.subnet, Gateway: s.gateway,
			PrimaryDNS: s.primaryDNS, SecondaryDNS: s.secondaryDNS,
		}
	}
	return out
}

// Nodes returns every inventory node by serial.
func (c *Cloud) Nodes() []Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Node, 0, len(c.nodes))
	for _, serial := range slices.Sorted(maps.Keys(c.nodes)) {
		out = append(out, nodeSnapshot(c.nodes[serial]))
	}
	return out
}

// Node returns one inventory node.
func (c *Cloud) Node(serial string) (Node, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	if n == nil {
		return Node{}, false
	}
	return nodeSnapshot(n), true
}

func nodeSnapshot(n *node) Node {
	return Node{
		Serial: n.serial, PartnerID: n.partnerID, PackID: n.packID, AccountID: n.accountID,
		Nickname: n.nickname, Gateway: n.gateway, Online: n.online,
		CustomerID: n.customerID, LocationID: n.locationID,
	}
}

// Licenses returns a partner's license count: its claimed nodes.
func (c *Cloud) Licenses(partnerID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.licenses[partnerID]
}

// RequestCount returns how many requests a route received, faulted and refused ones
// included. A route is the method, a space and the path template below /api with every
// variable written {id}: "POST /Customers/{id}/locations/{id}/nodes", "GET /Partners/nodes/{id}",
// TokenRoute, IntrospectRoute. The first segment is spelt Customers or Partners whatever the
// request's casing.
func (c *Cloud) RequestCount(route string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.routeCounts[route]
}

// RequestCounts returns a copy of every route's count; requests that match no route are
// counted under their method and escaped path.
func (c *Cloud) RequestCounts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.routeCounts)
}

// TotalRequests returns the number of requests other than the OAuth endpoints', faulted and
// refused ones included.
func (c *Cloud) TotalRequests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for route, n := range c.routeCounts {
		if _, p, _ := strings.Cut(route, " "); p != TokenPath && p != IntrospectPath {
			total += n
		}
	}
	return total
}

// TokenFetches returns how many access tokens the token endpoint issued.
func (c *Cloud) TokenFetches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokenFetches
}

// ResetCounts zeroes the request and token counters.
func (c *Cloud) ResetCounts() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.routeCounts)
	c.tokenFetches = 0
}
