package fakecloud

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const dhcp = "/networkConfiguration/dhcpReservations"

func reserve(ip string) map[string]any { return map[string]any{"ip": ip} }

// TestLANPrefixTimeline follows a location's prefix: unknown at first, known once its
// residentialGateway is claimed and connected (read on the clock, with no call at that
// moment), still known after the gateway is unclaimed, and as SetLANPrefix says after.
func TestLANPrefixTimeline(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{TokenTTL: 24 * time.Hour})
	h.cloud.AddGateways(DefaultPartnerID, "GW1")
	h.cloud.AddInventory(DefaultPartnerID, "POD1")
	s := &site{harness: h}
	s.id, s.loc = h.register("account-1")
	put := s.path(dhcp + "/" + macLaptop)
	prefix := func() string {
		v, _ := s.cloud.Location(s.loc)
		return v.LANPrefix
	}

	s.api("PUT", put, reserve("192.168.1.20")).requireLoopBackError(t, 412)
	s.expect(200, "POST", nodesPath(s.id, s.loc), claimBody("POD1"))
	require.NoError(t, s.cloud.SetNodeOnline("POD1", true))
	s.api("PUT", put, reserve("192.168.1.20")).requireLoopBackError(t, 412) // a pod is not a gateway
	s.expect(200, "POST", nodesPath(s.id, s.loc), claimBody("GW1"))
	res := s.api("PUT", put, reserve("192.168.1.20"))
	res.requireLoopBackError(t, 412) // claimed, not yet connected
	assert.Equal(t, "Subnet prefix is unknown", res.object(t)["error"].(map[string]any)["message"])
	assert.Equal(t, "PreconditionFailedError", res.object(t)["error"].(map[string]any)["name"])
	assert.Equal(t, "", prefix())
	gw, _ := s.cloud.Node("GW1")
	assert.Equal(t, "192.168.1.1", gw.IP, "the gateway takes the first host even when claimed second")

	// The gateway reboots with a delay: it comes online, and the prefix is known from then on.
	require.NoError(t, s.cloud.SetNodeOnline("GW1", true))
	assert.Equal(t, DefaultLANPrefix, prefix())
	s.expect(204, "PUT", s.path("/nodes/GW1/reboot"), nil)
	s.clock.Advance(time.Second)
	assert.Equal(t, DefaultLANPrefix, prefix(), "known stays known while the gateway reboots")
	assert.Equal(t, map[string]any{"mac": macLaptop, "hostname": "", "ip": "192.168.1.20"}, s.expect(200, "PUT", put, reserve("192.168.1.20")).object(t))

	require.NoError(t, s.cloud.SetNodeOnline("GW1", false))
	s.expect(204, "DELETE", s.path("/nodes/GW1"), nil)
	assert.Equal(t, DefaultLANPrefix, prefix(), "the cloud does not forget a prefix when the gateway leaves")

	require.NoError(t, s.cloud.SetLANPrefix(s.id, s.loc, ""))
	s.api("PUT", put, reserve("192.168.1.20")).requireLoopBackError(t, 412)
	require.NoError(t, s.cloud.SetLANPrefix(s.id, s.loc, "10.20.30.40/24"))
	assert.Equal(t, "10.20.30.0/24", prefix(), "host bits cleared")
	pod, _ := s.cloud.Node("POD1")
	assert.Equal(t, "10.20.30.2", pod.IP, "the nodes are renumbered")
	s.expect(200, "PUT", put, reserve("10.20.30.20"))

	assert.Error(t, s.cloud.SetLANPrefix(s.id, s.loc, "10.0.0.0/31"))
	assert.Error(t, s.cloud.SetLANPrefix(s.id, s.loc, "fd00::/64"))
	assert.Error(t, s.cloud.SetLANPrefix(s.id, s.loc, "nonsense"))
	assert.Error(t, s.cloud.SetLANPrefix(s.id, unknownID, "10.0.0.0/24"))
}

// TestLANPrefixGatewayLater: a gateway that comes online later makes the prefix known at
// that moment: nothing runs then, the next read derives it.
func TestLANPrefixGatewayLater(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{TokenTTL: 24 * time.Hour, DefaultLANPrefix: netip.MustParsePrefix("172.16.0.0/16")})
	h.cloud.AddGateways(DefaultPartnerID, "GW1")
	s := &site{harness: h}
	s.id, s.loc = h.register("account-1")
	s.expect(200, "POST", nodesPath(s.id, s.loc), claimBody("GW1"))
	gw, _ := s.cloud.Node("GW1")
	assert.Equal(t, "172.16.0.1", gw.IP, "Config.DefaultLANPrefix numbers the nodes")

	s.clock.Advance(time.Hour)
	v, _ := s.cloud.Location(s.loc)
	assert.Equal(t, "", v.LANPrefix, "claimed, never connected")
	require.NoError(t, s.cloud.SetNodeOnline("GW1", true))
	s.clock.Advance(time.Minute)
	require.NoError(t, s.cloud.SetNodeOnline("GW1", false))
	s.clock.Advance(time.Hour)
	v, _ = s.cloud.Location(s.loc)
	assert.Equal(t, "172.16.0.0/16", v.LANPrefix, "connected for a minute, an hour ago: known, read from its history")
	s.expect(200, "PUT", s.path(dhcp+"/"+macLaptop), reserve("172.16.4.1"))

	fresh := newHarness(t, Config{TokenTTL: 24 * time.Hour})
	fresh.cloud.AddGateways(DefaultPartnerID, "GW2")
	id, loc := fresh.register("account-2")
	require.NoError(t, fresh.cloud.SetNodeOnline("GW2", true))
	fresh.clock.Advance(time.Hour)
	res := fresh.api("POST", nodesPath(id, loc), claimBody("GW2"))
	require.Equal(t, 200, res.status)
	v, _ = fresh.cloud.Location(loc)
	assert.Equal(t, DefaultLANPrefix, v.LANPrefix, "online before the claim: known from the claim")
}

func TestDHCPReservations(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	list := s.path(dhcp)
	put := func(mac string) string { return list + "/" + mac }

	assert.JSONEq(t, `[]`, string(s.expect(200, "GET", list, nil).body))
	got := s.expect(200, "PUT", put("AA:BB:CC:00:00:02"), map[string]any{"ip": "192.168.1.21", "hostName": "phone"}).object(t)
	assert.Equal(t, map[string]any{"mac": macPhone, "hostname": "phone", "ip": "192.168.1.21"}, got, "hostName in, hostname out")
	s.expect(200, "PUT", put(macLaptop), reserve("192.168.1.254"))
	got = s.expect(200, "PUT", put(macPhone), reserve("192.168.1.22")).object(t)
	assert.Equal(t, "phone", got["hostname"], "kept when not sent")
	s.expect(200, "PUT", put(macPhone), map[string]any{"ip": "192.168.1.22", "hostName": ""})

	assert.Equal(t, []any{macLaptop, macPhone}, field(s.expect(200, "GET", list, nil).objects(t), "mac"))
	assert.Equal(t, map[string]any{"mac": macPhone, "hostname": "", "ip": "192.168.1.22"}, s.expect(200, "GET", put(macPhone), nil).object(t))

	s.runStatusCases(t, []statusCase{
		{"ip missing", "PUT", put(macTV), map[string]any{"hostName": "tv"}, 422},
		{"ip not a string", "PUT", put(macTV), map[string]any{"ip": 7}, 400},
		{"ip not IPv4", "PUT", put(macTV), reserve("fe80::1"), 422},
		{"ip outside the prefix", "PUT", put(macTV), reserve("192.168.2.20"), 422},
		{"network address", "PUT", put(macTV), reserve("192.168.1.0"), 422},
		{"broadcast address", "PUT", put(macTV), reserve("192.168.1.255"), 422},
		{"the gateway's address", "PUT", put(macTV), reserve("192.168.1.1"), 422},
		{"reserved by another MAC", "PUT", put(macTV), reserve("192.168.1.22"), 422},
		{"PUT: invalid MAC", "PUT", put("tv"), reserve("192.168.1.30"), 422},
		{"GET: invalid MAC", "GET", put("tv"), nil, 422},
		{"GET: none", "GET", put(macTV), nil, 404},
		{"DELETE: invalid MAC", "DELETE", put("tv"), nil, 422},
		{"DELETE: none", "DELETE", put(macTV), nil, 404},
		{"list: unknown location", "GET", locPath(s.id, unknownID) + dhcp, nil, 404},
		{"list: unknown customer", "GET", locPath(unknownID, s.loc) + dhcp, nil, 401},
		{"PUT: unknown customer", "PUT", locPath(unknownID, s.loc) + dhcp + "/" + macTV, reserve("192.168.1.30"), 401},
	})

	s.expect(200, "POST", put(macPhone)+"/portForward", map[string]any{"externalPort": 8080})
	remaining := s.expect(200, "DELETE", put(macPhone), nil).objects(t)
	assert.Equal(t, []any{macLaptop}, field(remaining, "mac"))
	s.expect(200, "PUT", put(macPhone), reserve("192.168.1.22"))
	assert.JSONEq(t, `[]`, string(s.expect(200, "GET", put(macPhone)+"/portForwards", nil).body), "its port forwards went with it")
}

func TestPortForwards(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	r := s.path(dhcp + "/" + macLaptop)
	s.expect(200, "PUT", r, reserve("192.168.1.20"))
	s.expect(200, "PUT", s.path(dhcp+"/"+macPhone), reserve("192.168.1.21"))

	got := s.expect(200, "POST", r+"/portForward", map[string]any{"externalPort": "8443"}).object(t)
	assert.Equal(t, map[string]any{"externalPort": 8443.0, "internalPort": 8443.0, "protocol": "tcp", "name": "", "natLoopback": "auto"}, got)
	got = s.expect(200, "POST", r+"/portForward", map[string]any{
		"externalPort": 2222, "internalPort": 22, "protocol": `"udp"`, "name": "ssh", "natLoopback": "disable",
	}).object(t)
	assert.Equal(t, map[string]any{"externalPort": 2222.0, "internalPort": 22.0, "protocol": "udp", "name": "ssh", "natLoopback": "disable"}, got)
	assert.Equal(t, []any{2222.0, 8443.0}, field(s.expect(200, "GET", r+"/portForwards", nil).objects(t), "externalPort"), "by externalPort")

	// PUT replaces the forward on the path's port; it creates none.
	got = s.expect(200, "PUT", r+"/portForward/2222", map[string]any{"internalPort": 2022, "protocol": "both"}).object(t)
	assert.Equal(t, map[string]any{"externalPort": 2222.0, "internalPort": 2022.0, "protocol": "both", "name": "", "natLoopback": "auto"}, got)
	s.expect(422, "PUT", r+"/portForward/9000", map[string]any{"externalPort": 9000})
	s.expect(200, "POST", r+"/portForward", map[string]any{"externalPort": 9000})
	views, _ := s.cloud.DHCPReservations(s.loc)
	require.Len(t, views, 2)
	assert.Equal(t, DHCPReservationView{MAC: macLaptop, IP: "192.168.1.20", PortForwards: []PortForwardView{
		{ExternalPort: 2222, InternalPort: 2022, Protocol: "both", NATLoopback: "auto"},
		{ExternalPort: 8443, InternalPort: 8443, Protocol: "tcp", NATLoopback: "auto"},
		{ExternalPort: 9000, InternalPort: 9000, Protocol: "tcp", NATLoopback: "auto"},
	}}, views[0])

	remaining := s.expect(200, "DELETE", r+"/portForward/8443", nil).objects(t)
	assert.Equal(t, []any{2222.0, 9000.0}, field(remaining, "externalPort"))

	phone := s.path(dhcp + "/" + macPhone)
	s.runStatusCases(t, []statusCase{
		{"POST: externalPort missing", "POST", r + "/portForward", map[string]any{"internalPort": 80}, 400},
		{"POST: externalPort not a number", "POST", r + "/portForward", map[string]any{"externalPort": "http"}, 400},
		{"POST: port 0", "POST", r + "/portForward", map[string]any{"externalPort": 0}, 422},
		{"POST: port 65536", "POST", r + "/portForward", map[string]any{"externalPort": 65536}, 422},
		{"POST: fractional port", "POST", r + "/portForward", map[string]any{"externalPort": 80.5}, 422},
		{"POST: internalPort out of range", "POST", r + "/portForward", map[string]any{"externalPort": 81, "internalPort": 70000}, 422},
		{"POST: unknown protocol", "POST", r + "/portForward", map[string]any{"externalPort": 81, "protocol": "icmp"}, 422},
		{"POST: unknown natLoopback", "POST", r + "/portForward", map[string]any{"externalPort": 81, "natLoopback": "on"}, 422},
		{"POST: duplicate externalPort", "POST", r + "/portForward", map[string]any{"externalPort": 2222}, 422},
		{"POST: externalPort of another reservation", "POST", phone + "/portForward", map[string]any{"externalPort": 9000}, 422},
		{"POST: no reservation", "POST", s.path(dhcp+"/"+macTV) + "/portForward", map[string]any{"externalPort": 81}, 422},
		{"POST: invalid MAC", "POST", s.path(dhcp + "/tv/portForward"), map[string]any{"externalPort": 81}, 422},
		{"PUT: port of another reservation", "PUT", phone + "/portForward/9000", map[string]any{}, 422},
		{"PUT: body port differs", "PUT", r + "/portForward/2222", map[string]any{"externalPort": 2223}, 422},
		{"PUT: path port not a number", "PUT", r + "/portForward/ssh", map[string]any{}, 422},
		{"PUT: no reservation", "PUT", s.path(dhcp+"/"+macTV) + "/portForward/81", map[string]any{}, 422},
		{"DELETE: no such forward", "DELETE", r + "/portForward/81", nil, 404},
		{"DELETE: no reservation", "DELETE", s.path(dhcp+"/"+macTV) + "/portForward/81", nil, 404},
		{"DELETE: path port not a number", "DELETE", r + "/portForward/ssh", nil, 422},
		{"DELETE: invalid MAC", "DELETE", s.path(dhcp + "/tv/portForward/81"), nil, 422},
		{"GET: no reservation", "GET", s.path(dhcp+"/"+macTV) + "/portForwards", nil, 404},
		{"GET: invalid MAC", "GET", s.path(dhcp + "/tv/portForwards"), nil, 422},
		{"unknown customer", "POST", locPath(unknownID, s.loc) + dhcp + "/" + macLaptop + "/portForward", map[string]any{"externalPort": 81}, 401},
	})
}

func TestDHCPLeases(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	s.addDevice(Device{MAC: "aa:bb:cc:00:00:04", Name: "no-ip", Connected: true})
	assert.Equal(t, map[string]any{"leases": []any{
		map[string]any{"mac": macLaptop, "ip": "192.168.1.20", "hostname": "laptop"},
		map[string]any{"mac": macPhone, "ip": "192.168.1.21", "hostname": "phone"},
	}}, s.expect(200, "GET", s.path("/dhcpLeases"), nil).object(t), "connected devices with an IP")
	require.NoError(t, s.cloud.SetDeviceConnected(s.loc, macPhone, false))
	assert.Len(t, s.expect(200, "GET", s.path("/dhcpLeases"), nil).object(t)["leases"], 1)
	s.runStatusCases(t, []statusCase{
		{"unknown location", "GET", locPath(s.id, unknownID) + "/dhcpLeases", nil, 404},
		{"unknown customer", "GET", locPath(unknownID, s.loc) + "/dhcpLeases", nil, 401},
	})
}
