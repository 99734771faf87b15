package fakecloud

import (
	"fmt"
	"time"
)

// Device is a client device to seed with AddDevice (plume-support-api.md §12.5): devices
// exist only when seeded.
type Device struct {
	MAC       string // six hex pairs separated by colons, any case
	Name      string // the name the device reports (answered until a nickname is set)
	IP        string // IPv4 address; may be empty
	NodeID    string // serial of the node serving it; "" means the location's gateway
	Medium    string // "wifi" (when empty) or "ethernet"
	FreqBand  string // "2.4G", "5G", "6G", or "" (always "" on ethernet)
	Connected bool
	LastSeen  time.Time // connectionStateChangeAt; the clock's time when zero
}

// check validates a seed and returns it normalised.
func (s Device) check(nodes map[string]*node) (Device, error) {
	mac, ok := normalMAC(s.MAC)
	if !ok {
		return s, fmt.Errorf("fakecloud: device MAC %q is not six hex pairs separated by colons", s.MAC)
	}
	s.MAC = mac
	if s.Medium == "" {
		s.Medium = mediumWifi
	}
	_, knownBand := bandChannels[s.FreqBand]
	switch {
	case s.Medium != mediumWifi && s.Medium != mediumEthernet:
		return s, fmt.Errorf("fakecloud: device %s: medium %q is not wifi or ethernet", mac, s.Medium)
	case s.FreqBand != "" && !knownBand:
		return s, fmt.Errorf("fakecloud: device %s: freqBand %q is not 2.4G, 5G or 6G", mac, s.FreqBand)
	case s.Medium == mediumEthernet && s.FreqBand != "":
		return s, fmt.Errorf("fakecloud: device %s: an ethernet device has no freqBand", mac)
	case s.IP != "" && !validIPv4(s.IP):
		return s, fmt.Errorf("fakecloud: device %s: IP %q is not an IPv4 address", mac, s.IP)
	case s.NodeID != "" && nodes[s.NodeID] == nil:
		return s, fmt.Errorf("fakecloud: device %s: no node %q in inventory", mac, s.NodeID)
	}
	return s, nil
}

// AddDevice seeds a client device at a customer's location, or re-seeds one: the seeded
// fields are replaced and a hidden device shows again; what the API set on it stays. A
// nickname set customer-wide for its MAC (PUT /Customers/{id}/devices/{mac}) applies.
func (c *Cloud) AddDevice(customerID, locationID string, seed Device) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, err := c.activeLocation(customerID, locationID)
	if err != nil {
		return err
	}
	seed, err = seed.check(c.nodes)
	if err != nil {
		return err
	}
	changedAt := seed.LastSeen
	if changedAt.IsZero() {
		changedAt = c.now()
	}
	d := l.devices[seed.MAC]
	if d == nil {
		d = &device{}
		l.devices[seed.MAC] = d
	}
	d.mac, d.name, d.ip, d.nodeID, d.medium, d.freqBand = seed.MAC, seed.Name, seed.IP, seed.NodeID, seed.Medium, seed.FreqBand
	d.connected, d.changedAt, d.hidden = seed.Connected, changedAt, false
	if nick := c.customers[customerID].deviceNicknames[seed.MAC]; nick != "" && d.nickname == "" {
		d.nickname = nick
	}
	return nil
}

func (c *Cloud) activeLocation(customerID, locationID string) (*location, error) {
	l := c.locations[locationID]
	if l == nil || l.customerID != customerID || l.archived {
		return nil, fmt.Errorf("fakecloud: no active location %q of customer %q", locationID, customerID)
	}
	return l, nil
}

// SetDeviceConnected connects or disconnects a seeded device; a change sets its
// connectionStateChangeAt to the clock's time.
func (c *Cloud) SetDeviceConnected(locationID, mac string, connected bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, err := c.seededDevice(locationID, mac)
	if err != nil {
		return err
	}
	if d.connected != connected {
		d.connected, d.changedAt = connected, c.now()
	}
	return nil
}

func (c *Cloud) seededDevice(locationID, mac string) (*device, error) {
	l := c.locations[locationID]
	if l == nil {
		return nil, fmt.Errorf("fakecloud: no location %q", locationID)
	}
	norm, _ := normalMAC(mac)
	d := l.devices[norm]
	if d == nil {
		return nil, fmt.Errorf("fakecloud: no device %q at location %q", mac, locationID)
	}
	return d, nil
}

// DeviceView is a client device as the fake holds it.
type DeviceView struct {
	MAC, Name, Nickname     string // Name as seeded; the API answers Nickname as name once set
	IP, NodeID, Medium      string
	FreqBand                string // as answered: "2.4G" while a forced steer holds a Wi-Fi device
	Connected               bool
	Favorite                bool
	Hidden                  bool      // deleted through the API (AddDevice shows it again)
	ConnectionStateChangeAt time.Time // connectionStateChangeAt
	ForcedSteerUntil        time.Time // expiresAt of the active forced steer; zero when none
	ClientSteering          *ClientSteeringView
	PersonID                string     // the person it is assigned to; "" when none
	Freeze                  FreezeView // at the clock's time: its own freezes and what freezes it
}

// ClientSteeringView is what PATCH …/devices/{mac}/clientSteering stored for a MAC.
type ClientSteeringView struct {
	Auto          bool
	SteeringClass string
	UpdatedAt     time.Time
}

// Devices returns a location's seeded devices by MAC, hidden ones included.
func (c *Cloud) Devices(customerID, locationID string) ([]DeviceView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil || l.customerID != customerID {
		return nil, fmt.Errorf("fakecloud: no location %q of customer %q", locationID, customerID)
	}
	now := c.now()
	out := []DeviceView{}
	for _, d := range sortedDevices(l) {
		out = append(out, deviceSnapshot(l, d, now))
	}
	return out, nil
}

// Device returns one seeded device of a location.
func (c *Cloud) Device(locationID, mac string) (DeviceView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, err := c.seededDevice(locationID, mac)
	if err != nil {
		return DeviceView{}, false
	}
	return deviceSnapshot(c.locations[locationID], d, c.now()), true
}

func deviceSnapshot(l *location, d *device, now time.Time) DeviceView {
	v := DeviceView{
		MAC: d.mac, Name: d.name, Nickname: d.nickname, IP: d.ip, NodeID: d.nodeID, Medium: d.medium,
		FreqBand: d.band(now), Connected: d.connected, Favorite: d.favorite, Hidden: d.hidden,
		ConnectionStateChangeAt: d.changedAt,
	}
	if d.steered(now) {
		v.ForcedSteerUntil = d.forcedUntil
	}
	if s := l.clientSteering[d.mac]; s != nil {
		v.ClientSteering = &ClientSteeringView{Auto: s.auto, SteeringClass: s.steeringClass, UpdatedAt: s.updatedAt}
	}
	if p := personOf(l, d.mac); p != nil {
		v.PersonID = p.id
	}
	v.Freeze = d.freeze.view(deviceSources(l, d, now), now)
	return v
}
