package plumetest

import "github.com/plumecloud/plume-go/internal/fakecloud"

// Firmware versions of a new Server.
const (
	// DefaultFirmwareVersion is every node's firmwareVersion until SetFirmware or an upgrade.
	DefaultFirmwareVersion = fakecloud.DefaultFirmwareVersion
	// DefaultFirmwareTarget is the version an upgrade installs until SetFirmwareTarget.
	DefaultFirmwareTarget = fakecloud.DefaultFirmwareTarget
)

// Support-half types: the seed of a client device and the views of what the fake holds.
type (
	// Device is a client device to seed with AddDevice: MAC (six hex pairs separated by
	// colons, any case), Name (the name it reports), IP, NodeID (the serial of the node
	// serving it; "" means the location's gateway), Medium ("wifi" when empty, or
	// "ethernet"), FreqBand ("2.4G", "5G", "6G", or "" on ethernet), Connected, and
	// LastSeen (its connectionStateChangeAt; the Server's clock when zero).
	Device = fakecloud.Device
	// DeviceView is a seeded device as the fake holds it: what the API set on it (Nickname,
	// Favorite, ClientSteering, a forced steer) and whether it was hidden.
	DeviceView = fakecloud.DeviceView
	// ClientSteeringView is what PATCH …/devices/{mac}/clientSteering stored for a device.
	ClientSteeringView = fakecloud.ClientSteeringView
	// SpeedTestView is a speed test run (node or isp) with its status at the Server's clock.
	SpeedTestView = fakecloud.SpeedTestView
)

// AddDevice seeds a client device at a customer's location: devices exist only when seeded.
// Seeding a MAC again replaces what was seeded and shows a hidden device again; what the
// API set on it (nickname, favourite) stays.
func (s *Server) AddDevice(customerID, locationID string, d Device) {
	s.report(s.cloud.AddDevice(customerID, locationID, d))
}

// SetDeviceConnected connects or disconnects a seeded device; a change sets its
// connectionStateChangeAt to the Server's clock, which the daysOffline filters read.
func (s *Server) SetDeviceConnected(locationID, mac string, connected bool) {
	s.report(s.cloud.SetDeviceConnected(locationID, mac, connected))
}

// Devices returns a location's seeded devices by MAC, hidden ones included. An unknown
// location is reported to the test as a mistake.
func (s *Server) Devices(customerID, locationID string) []DeviceView {
	devices, err := s.cloud.Devices(customerID, locationID)
	s.report(err)
	return devices
}

// Device returns one seeded device of a location.
func (s *Server) Device(locationID, mac string) (DeviceView, bool) {
	return s.cloud.Device(locationID, mac)
}

// SetSpeedResult sets the results of a node's next speed tests: download and upload in Mbps,
// latency in ms (by default a gateway measures 940/42/9, another node 480/40/14).
func (s *Server) SetSpeedResult(serial string, down, up, latencyMs float64) {
	s.report(s.cloud.SetSpeedResult(serial, down, up, latencyMs))
}

// SpeedTests returns the speed tests run at a location, newest first. An unknown location
// is reported to the test as a mistake.
func (s *Server) SpeedTests(locationID string) []SpeedTestView {
	tests, err := s.cloud.SpeedTests(locationID)
	s.report(err)
	return tests
}

// SetFirmware sets a node's installed firmware version (DefaultFirmwareVersion at first). It
// ends the node's upgrade, if any: its firmware status reads idle.
func (s *Server) SetFirmware(serial, version string) {
	s.report(s.cloud.SetFirmware(serial, version))
}

// SetFirmwareTarget sets the version that PUT …/firmware upgrades nodes to
// (DefaultFirmwareTarget at first); upgrades already requested keep theirs.
func (s *Server) SetFirmwareTarget(version string) {
	s.report(s.cloud.SetFirmwareTarget(version))
}

// FirmwareTarget returns the version that PUT …/firmware upgrades nodes to.
func (s *Server) FirmwareTarget() string { return s.cloud.FirmwareTarget() }
