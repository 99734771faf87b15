package fakecloud

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// The views: snapshots of what the fake holds, for tests to assert on. Each is taken under
// the lock; the derived fields are read at the clock's time.

// CustomerView is a stored customer as the fake holds it.
type CustomerView struct {
	ID, AccountID, Name, Email, PartnerID string
	EmailVerified, AutoProvisioned        bool
	AcceptLanguage                        string
	VerificationEmails                    int // resendEmailVerification calls answered 204
	CreatedAt                             time.Time
}

// LocationView is a stored location, archived ones included.
type LocationView struct {
	ID, CustomerID, Name, ServiceID, Profile string
	Archived                                 bool
	ServiceLevel                             string // noService, basicService or fullService
	MonitorMode                              bool
	PodQuota                                 int    // numPodsAuthorized
	Checkpoint                               string // the last onboarding checkpoint; "" when never set
	Wifi                                     *WifiNetworkView
	StaticIPv4                               *StaticIPv4View
	CreatedAt                                time.Time

	BandSteering         string // bandSteering mode: auto (at creation), enable or disable
	LogDestination       string // flashLogging forceDestination; "" when default
	ISPSpeedTest         bool   // ispSpeedTestConfiguration enable
	ISPSpeedTestAllNodes bool   // ispSpeedTestConfiguration enableAllNodes

	LANPrefix             string              // the LAN prefix as the cloud knows it at the clock's time; "" while unknown
	Optimizations         OptimizationsView   // the optimizer's settings and its last run
	Freeze                *LocationFreezeView // the active location-wide freeze; nil when none
	SharedSchedules       []string            // AddSharedSchedule's ids, sorted
	SharedFreezeSchedules bool                // SetSharedFreezeSchedules: template PUTs answer 501
}

// WifiNetworkView is a location's stored WiFi network.
type WifiNetworkView struct {
	ID, SSID, EncryptionKey, WPAMode string
	Enabled                          bool
}

// String hides the encryption key.
func (w WifiNetworkView) String() string {
	return fmt.Sprintf("{ID:%s SSID:%s EncryptionKey:[REDACTED] WPAMode:%s Enabled:%t}", w.ID, w.SSID, w.WPAMode, w.Enabled)
}

// StaticIPv4View is a location's stored static WAN IPv4 configuration.
type StaticIPv4View struct {
	Enabled                                       bool
	IP, Subnet, Gateway, PrimaryDNS, SecondaryDNS string
}

// NodeView is an inventory node; CustomerID and LocationID are empty while it is unclaimed.
// The support fields are derived at the clock's time, as the API would answer them.
type NodeView struct {
	Serial, PartnerID, PackID, AccountID, Nickname string
	Gateway, Online                                bool
	CustomerID, LocationID                         string

	IP                      string    // LAN address while claimed
	ConnectionState         string    // connected or disconnected (plume-support-api.md §12.2)
	ConnectionStateChangeAt time.Time // zero while unclaimed
	FirmwareVersion         string
	FirmwareStatus          string      // idle, requested, upgrading, completed, upToDate or failed
	LEDMode                 string      // locate or normal
	Reboots                 int         // reboots that took effect (not those of an offline node)
	RebootAt                time.Time   // when the latest reboot takes or took the node down; zero when none
	Alerts                  []AlertView // RaiseNodeAlert's and the snoozes', in the order raised
}

// Customers returns every stored customer by createdAt, then id. Deleted customers are gone.
func (c *Cloud) Customers() []CustomerView {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []CustomerView
	for _, cu := range c.sortedCustomers("") {
		out = append(out, customerSnapshot(cu))
	}
	return out
}

// Customer returns one stored customer.
func (c *Cloud) Customer(id string) (CustomerView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cu := c.customers[id]
	if cu == nil {
		return CustomerView{}, false
	}
	return customerSnapshot(cu), true
}

func customerSnapshot(cu *customer) CustomerView {
	return CustomerView{
		ID: cu.id, AccountID: cu.accountID, Name: cu.name, Email: cu.email, PartnerID: cu.partnerID,
		EmailVerified: cu.emailVerified, AutoProvisioned: cu.autoProvisioned,
		AcceptLanguage: cu.acceptLanguage, VerificationEmails: cu.verificationMails, CreatedAt: cu.createdAt,
	}
}

// Locations returns every location, archived ones included, by createdAt, then id.
func (c *Cloud) Locations() []LocationView {
	c.mu.Lock()
	defer c.mu.Unlock()
	ls := slices.Collect(maps.Values(c.locations))
	slices.SortFunc(ls, func(a, b *location) int { return byCreation(a.createdAt, b.createdAt, a.id, b.id) })
	out := make([]LocationView, 0, len(ls))
	now := c.now()
	for _, l := range ls {
		out = append(out, c.locationSnapshot(l, now))
	}
	return out
}

// Location returns one location, archived or not.
func (c *Cloud) Location(id string) (LocationView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[id]
	if l == nil {
		return LocationView{}, false
	}
	return c.locationSnapshot(l, c.now()), true
}

func (c *Cloud) locationSnapshot(l *location, now time.Time) LocationView {
	out := LocationView{
		ID: l.id, CustomerID: l.customerID, Name: l.name, ServiceID: l.serviceID, Profile: l.profile,
		Archived: l.archived, ServiceLevel: l.serviceLevel, MonitorMode: l.monitorMode,
		PodQuota: l.podQuota, CreatedAt: l.createdAt,
		BandSteering: l.bandSteering.mode, LogDestination: l.logDestination,
		ISPSpeedTest: l.ispSchedule.enable, ISPSpeedTestAllNodes: l.ispSchedule.enableAllNodes,

		LANPrefix: c.lanPrefixView(l, now), Optimizations: optimizationsSnapshot(l),
		Freeze: locationFreezeSnapshot(l, now), SharedSchedules: sharedScheduleIDs(l), SharedFreezeSchedules: l.sharedFreeze,
	}
	if l.checkpoint != nil {
		out.Checkpoint = l.checkpoint.value
	}
	if w := l.wifi; w != nil {
		out.Wifi = &WifiNetworkView{ID: w.id, SSID: w.ssid, EncryptionKey: w.key, WPAMode: w.wpaMode, Enabled: w.enabled}
	}
	if s := l.wan.static; s != nil {
		out.StaticIPv4 = &StaticIPv4View{
			Enabled: s.enabled, IP: s.ip, Subnet: s.subnet, Gateway: s.gateway,
			PrimaryDNS: s.primaryDNS, SecondaryDNS: s.secondaryDNS,
		}
	}
	return out
}

// Nodes returns every inventory node by serial.
func (c *Cloud) Nodes() []NodeView {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	out := make([]NodeView, 0, len(c.nodes))
	for _, serial := range slices.Sorted(maps.Keys(c.nodes)) {
		out = append(out, c.nodeSnapshot(c.nodes[serial], now))
	}
	return out
}

// Node returns one inventory node.
func (c *Cloud) Node(serial string) (NodeView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	if n == nil {
		return NodeView{}, false
	}
	return c.nodeSnapshot(n, c.now()), true
}

func (c *Cloud) nodeSnapshot(n *node, now time.Time) NodeView {
	v := NodeView{
		Serial: n.serial, PartnerID: n.partnerID, PackID: n.packID, AccountID: n.accountID,
		Nickname: n.nickname, Gateway: n.gateway, Online: n.online,
		CustomerID: n.customerID, LocationID: n.locationID,
		IP: n.ip, FirmwareVersion: c.firmwareVersion(n, now), LEDMode: n.led, Reboots: n.rebootCount,
	}
	v.ConnectionState, v.ConnectionStateChangeAt = c.connection(n, now)
	v.FirmwareStatus, _ = c.firmwareStatus(n, now)
	v.Alerts = alertSnapshot(n)
	if len(n.reboots) > 0 {
		v.RebootAt = n.reboots[len(n.reboots)-1].from
	}
	return v
}
