package main

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

// The demo devices of the fake (seedSupport): 02 has the demo reservation (seedPortForwards),
// 01 and 03 have none.
const (
	pfMAC1 = "02:5c:00:00:00:01"
	pfMAC2 = "02:5c:00:00:00:02"
	pfMAC3 = "02:5c:00:00:00:03"
)

// pfFake runs plumectl portforward against the demo subscriber of --fake.
func pfFake(t *testing.T, sub string, args ...string) (string, string, int) {
	t.Helper()
	stdout, stderr, code := runApp(t, append([]string{"portforward", sub, "--fake", "--service-id", demoServiceID}, args...)...)
	assertNoSupportSecrets(t, stdout, stderr)
	return stdout, stderr, code
}

func TestPortForwardListFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pfFake(t, "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^2 port forwards on 1 DHCP reservation at location [0-9a-f]{24} of customer [0-9a-f]{24}\n`+
		`MAC +HOSTNAME +IP +EXTERNAL +INTERNAL +PROTOCOL +NAME\n`+
		`02:5c:00:00:00:02 +macbook-air +192\.168\.1\.21 +2222 +22 +tcp +ssh\n`+
		`02:5c:00:00:00:02 +macbook-air +192\.168\.1\.21 +51820 +51820 +udp +wireguard\n$`, stdout)

	stdout, stderr, code = pfFake(t, "list", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "reservations"}, keysOf(t, stdout))
	assert.ElementsMatch(t, []string{"mac", "hostname", "ip", "port_forwards"}, keysOf(t, stdout, "reservations"))
	assert.ElementsMatch(t, []string{"external_port", "internal_port", "protocol", "name", "nat_loopback"}, keysOf(t, stdout, "reservations", "port_forwards"))
	var list forwardList
	decodeObject(t, stdout, &list)
	assert.NotEmpty(t, list.CustomerID)
	assert.NotEmpty(t, list.LocationID)
	assert.Equal(t, []reservationRow{{MAC: pfMAC2, Hostname: "macbook-air", IP: "192.168.1.21", PortForwards: []forwardRow{
		{ExternalPort: 2222, InternalPort: 22, Protocol: "tcp", Name: "ssh", NATLoopback: "auto"},
		{ExternalPort: 51820, InternalPort: 51820, Protocol: "udp", Name: "wireguard", NATLoopback: "auto"},
	}}}, list.Reservations)

	// --mac, in another notation; a device without a reservation is not found.
	stdout, stderr, code = runApp(t, "portforward", "list", "--fake", "--serial", demoGateway, "--mac", "025C.0000.0002", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var one forwardList
	decodeObject(t, stdout, &one)
	assert.Equal(t, list.Reservations, one.Reservations)
	stdout, stderr, code = pfFake(t, "list", "--mac", pfMAC1)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, stdout)
	assert.Regexp(t, `plumectl: list: device 02:5c:00:00:00:01 has no DHCP reservation at location [0-9a-f]{24} of customer [0-9a-f]{24}\n$`, stderr)
}

func TestPortForwardListPrint(t *testing.T) {
	t.Parallel()
	at := place{CustomerID: "c1", LocationID: "l1"}
	var b strings.Builder
	require.NoError(t, forwardList{place: at}.print(&b))
	assert.Equal(t, "No DHCP reservations at location l1 of customer c1\n", b.String())
	b.Reset()
	require.NoError(t, forwardList{place: at, Reservations: []reservationRow{
		{MAC: pfMAC1, IP: "192.168.1.9"},
		{MAC: pfMAC2, IP: "192.168.1.10", PortForwards: []forwardRow{{ExternalPort: 80}}},
	}}.print(&b))
	assert.Equal(t, "1 port forward on 2 DHCP reservations at location l1 of customer c1\n"+
		"MAC                HOSTNAME  IP            EXTERNAL  INTERNAL  PROTOCOL  NAME\n"+
		"02:5c:00:00:00:01  -         192.168.1.9   -         -         -         -\n"+
		"02:5c:00:00:00:02  -         192.168.1.10  80        -         -         -\n", b.String())
}

func TestPortForwardAddFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pfFake(t, "add", "--mac", "02-5C-00-00-00-01", "--ip", "192.168.1.50", "--hostname", "pixel",
		"--external", "8080", "--internal", "80", "--name", "web", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "LAN prefix", "the demo's gateway is online: no wait")
	var out forwardOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "added", out.Action)
	assert.Equal(t, pfMAC1, out.MAC)
	assert.Equal(t, &reservationChange{Action: "created", Hostname: "pixel", IP: "192.168.1.50"}, out.Reservation)
	assert.Equal(t, forwardRow{ExternalPort: 8080, InternalPort: 80, Protocol: "tcp", Name: "web", NATLoopback: "auto"}, out.PortForward)
	assert.Zero(t, out.WaitedSeconds)

	// The reservation in place is kept; another address changes it.
	stdout, stderr, code = pfFake(t, "add", "--mac", pfMAC2, "--ip", "192.168.1.21", "--external", "8443", "--internal", "443", "--protocol", "both")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: DHCP reservation 192\.168\.1\.21 \(macbook-air\) already in place\n`+
		`Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: port forward 8443 → 443/both added\n$`, stdout)
	stdout, stderr, code = pfFake(t, "add", "--mac", pfMAC2, "--ip", "192.168.1.60", "--external", "8443", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	out = forwardOutcome{}
	decodeObject(t, stdout, &out)
	assert.Equal(t, &reservationChange{Action: "changed", Hostname: "macbook-air", IP: "192.168.1.60", PreviousIP: "192.168.1.21", PreviousHostname: "macbook-air"}, out.Reservation)
	stdout, stderr, code = pfFake(t, "add", "--mac", pfMAC2, "--ip", "192.168.1.21", "--hostname", "laptop", "--external", "8443")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, ": DHCP reservation 192.168.1.21 (laptop) set, was 192.168.1.21 (macbook-air)\n")
	assert.Equal(t, forwardRow{ExternalPort: 8443, InternalPort: 8443, Protocol: "tcp", NATLoopback: "auto"}, out.PortForward, "the API's defaults")

	// Without --ip, a device with a reservation needs none.
	stdout, stderr, code = pfFake(t, "add", "--mac", pfMAC2, "--external", "8081", "--protocol", "udp", "--name", "game")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: port forward 8081 → 8081/udp "game" added\n$`, stdout)
}

func TestPortForwardAddRefusedFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pfFake(t, "add", "--mac", pfMAC1, "--external", "8080")
	assert.Equal(t, exitFailed, code, "a device without a reservation, no --ip")
	assert.Empty(t, stdout)
	assert.Regexp(t, `plumectl: add: device 02:5c:00:00:00:01 has no DHCP reservation at location [0-9a-f]{24} of customer [0-9a-f]{24}: give --ip IPv4 to reserve an address for it first\n$`, stderr)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--mac", pfMAC1, "--external", "2222", "--ip", "192.168.1.50"}, "externalPort 2222 is already forwarded (to 02:5c:00:00:00:02)"},
		{[]string{"--mac", pfMAC1, "--external", "8080", "--ip", "10.0.0.5"}, "ip 10.0.0.5 is outside the LAN prefix 192.168.1.0/24"},
		{[]string{"--mac", pfMAC1, "--external", "8080", "--ip", "192.168.1.21"}, "ip 192.168.1.21 is reserved for 02:5c:00:00:00:02"},
	} {
		stdout, stderr, code := pfFake(t, "add", tc.args...)
		assert.Equal(t, exitUsage, code, "%v: a value the API refuses", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
		assert.Contains(t, stderr, "plumectl: add: the API refused it: plume: Network.", "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}

func TestPortForwardUpdateFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pfFake(t, "update", "--mac", pfMAC2, "--external", "2222", "--internal", "2022", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var out forwardOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "updated", out.Action)
	assert.Equal(t, forwardRow{ExternalPort: 2222, InternalPort: 2022, Protocol: "tcp", Name: "ssh", NATLoopback: "auto"}, out.PortForward, "what is not given is kept")
	assert.Equal(t, &forwardRow{ExternalPort: 2222, InternalPort: 22, Protocol: "tcp", Name: "ssh", NATLoopback: "auto"}, out.Previous)
	assert.Nil(t, out.Reservation)

	stdout, stderr, code = pfFake(t, "update", "--mac", pfMAC2, "--external", "51820", "--protocol", "both", "--name", "")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: port forward 51820 → 51820/both updated, was 51820 → 51820/udp "wireguard"\n$`, stdout)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--mac", pfMAC2, "--external", "2223", "--name", "x"}, `update: device 02:5c:00:00:00:02 has no port forward on external port 2223 at location `},
		{[]string{"--mac", pfMAC1, "--external", "2222", "--name", "x"}, `update: device 02:5c:00:00:00:01 has no DHCP reservation at location `},
	} {
		stdout, stderr, code := pfFake(t, "update", tc.args...)
		assert.Equal(t, exitFailed, code, "%v", tc.args)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}

func TestPortForwardDeleteFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pfFake(t, "delete", "--mac", pfMAC2, "--external", "2222", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "action", "mac", "port_forward"}, keysOf(t, stdout))
	var out forwardOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "deleted", out.Action)
	assert.Equal(t, forwardRow{ExternalPort: 2222}, out.PortForward)

	stdout, stderr, code = pfFake(t, "delete", "--mac", pfMAC2, "--external", "51820", "--remove-reservation")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: port forward 51820 deleted\n`+
		`Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: DHCP reservation kept: 1 port forward left on it\n$`, stdout)

	stdout, stderr, code = pfFake(t, "delete", "--mac", pfMAC2, "--external", "8080")
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "plumectl: delete: device 02:5c:00:00:00:02 has no port forward on external port 8080 at location ")
}

// TestPortForwardUsageErrors: bad input is status 2, before the fake is even started.
func TestPortForwardUsageErrors(t *testing.T) {
	t.Parallel()
	add := []string{"add", "--mac", pfMAC1, "--external", "8080"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--mac", "not-a-mac"}, `list: --mac "not-a-mac" is not a MAC address`},
		{[]string{"add", "--external", "80"}, "add: --mac MAC is required"},
		{[]string{"add", "--mac", "02:5c:00:00:00:1", "--external", "80"}, `add: --mac "02:5c:00:00:00:1" is not a MAC address`},
		{[]string{"add", "--mac", pfMAC1}, "add: --external PORT is required"},
		{[]string{"add", "--mac", pfMAC1, "--external", "0"}, "add: --external must be a port, 1 to 65535, not 0"},
		{[]string{"add", "--mac", pfMAC1, "--external", "65536"}, "add: --external must be a port, 1 to 65535, not 65536"},
		{[]string{"add", "--mac", pfMAC1, "--external", "http"}, `invalid argument "http" for "--external" flag`},
		{append(add, "--internal", "-1"), "add: --internal must be a port, 1 to 65535, not -1"},
		{append(add, "--internal", "0"), "add: --internal must be a port, 1 to 65535, not 0"},
		{append(add, "--protocol", "sctp"), `add: --protocol must be tcp, udp or both, not "sctp"`},
		{append(add, "--protocol", "TCP"), `add: --protocol must be tcp, udp or both, not "TCP"`},
		{append(add, "--ip", "192.168.1.300"), `add: --ip "192.168.1.300" is not a dotted-quad IPv4 address`},
		{append(add, "--ip", "fe80::1"), `add: --ip "fe80::1" is not a dotted-quad IPv4 address`},
		{append(add, "--hostname", "pixel"), "add: --hostname goes with --ip"},
		{append(add, "--wait-lan-prefix", "-1s"), "add: --wait-lan-prefix must be 0 or more, not -1s"},
		{[]string{"update", "--mac", pfMAC2, "--external", "2222"}, "update: give what to change: --internal PORT, --protocol tcp|udp|both or --name NAME"},
		{[]string{"update", "--mac", pfMAC2, "--external", "2222", "--protocol", ""}, `update: --protocol must be tcp, udp or both, not ""`},
		{[]string{"update", "--mac", pfMAC2, "--external", "2222", "--ip", "192.168.1.9"}, "flag provided but not defined: --ip"},
		{[]string{"delete", "--mac", pfMAC2}, "delete: --external PORT is required"},
		{[]string{"delete", "--mac", pfMAC2, "--external", "99999"}, "delete: --external must be a port, 1 to 65535, not 99999"},
		{[]string{"delete", "--mac", pfMAC2, "--external", "22", "--protocol", "tcp"}, "flag provided but not defined: --protocol"},
		{[]string{"list", "stray"}, `list: unexpected argument "stray"`},
	} {
		args := append([]string{"portforward"}, tc.args...)
		args = append(args, "--fake", "--service-id", demoServiceID)
		stdout, stderr, code := runApp(t, args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.NotContains(t, stderr, "built-in fake", "%v: nothing started, nothing sent", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
	}
	_, stderr, code := runApp(t, "portforward", "list")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "list: give one of --customer ID --location ID, --serial SERIAL, --service-id ID")
	_, stderr, code = runApp(t, "portforward", "forward")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "forward" for "plumectl portforward"`)
	stdout, _, code := runApp(t, "portforward")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "Available Commands:\n  add ")
	for _, sub := range []string{"list", "add", "update", "delete"} {
		stdout, _, code := runApp(t, "portforward", sub, "--help")
		assert.Equal(t, exitOK, code, sub)
		assert.Contains(t, stdout, "Usage:\n  plumectl portforward "+sub+" (--customer ID", sub)
		assert.Contains(t, stdout, "The exit status is 1 when", sub)
	}
}

// pfServer is a fake holding the demo subscriber with its devices, their demo reservation and
// port forwards, for the built plumectl to run against through the PLUME_* variables.
func pfServer(t *testing.T, opts ...plumetest.Option) (*plumetest.Server, binary, plumetest.Location) {
	t.Helper()
	srv := plumetest.NewServer(t, append([]plumetest.Option{plumetest.WithWAF(1<<30, time.Hour), plumetest.WithTimings(fakeTimings)}, opts...)...)
	require.NoError(t, seedDemo(t.Context(), srv))
	seedSupport(srv)
	require.NoError(t, seedPortForwards(t.Context(), srv))
	return srv, binary{path: buildPlumectl(t), env: envFor(srv, srv.Credentials())}, demoLocation(t, srv)
}

// pfRun runs the built plumectl portforward SUB at l, and checks that no output carries a
// secret.
func pfRun(t *testing.T, srv *plumetest.Server, bin binary, l plumetest.Location, sub string, args ...string) (string, string, int) {
	t.Helper()
	stdout, stderr, code := bin.run(t, append([]string{"portforward", sub, "--customer", l.CustomerID, "--location", l.ID}, args...)...)
	assertNoSecrets(t, srv.Credentials(), stdout, stderr)
	assertNoSupportSecrets(t, stdout, stderr)
	return stdout, stderr, code
}

// reservation is the fake's reservation of mac at l.
func reservation(srv *plumetest.Server, l plumetest.Location, mac string) (plumetest.DHCPReservationView, bool) {
	for _, r := range srv.DHCPReservations(l.ID) {
		if r.MAC == mac {
			return r, true
		}
	}
	return plumetest.DHCPReservationView{}, false
}

// reservationRoute is the route of one reservation, for RequestCount.
const reservationRoute = "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}"

// TestPortForwardBinaryEndToEnd runs each portforward command, built, against a fake started
// here, and reads what it changed back in the fake.
func TestPortForwardBinaryEndToEnd(t *testing.T) {
	t.Parallel()
	srv, bin, l := pfServer(t)
	run := func(t *testing.T, sub string, args ...string) (string, string, int) {
		t.Helper()
		return pfRun(t, srv, bin, l, sub, args...)
	}

	t.Run("list", func(t *testing.T) {
		stdout, stderr, code := run(t, "list", "--output", "json")
		require.Equal(t, exitOK, code, stderr)
		var list forwardList
		decodeObject(t, stdout, &list)
		assert.Equal(t, l.CustomerID, list.CustomerID)
		assert.Equal(t, l.ID, list.LocationID)
		views := srv.DHCPReservations(l.ID)
		require.Len(t, list.Reservations, len(views))
		for i, v := range views {
			r := list.Reservations[i]
			assert.Equal(t, v.MAC, r.MAC)
			assert.Equal(t, v.IP, r.IP)
			assert.Equal(t, v.Hostname, r.Hostname)
			require.Len(t, r.PortForwards, len(v.PortForwards))
			for j, pf := range v.PortForwards {
				assert.Equal(t, forwardRow{ExternalPort: pf.ExternalPort, InternalPort: pf.InternalPort, Protocol: pf.Protocol, Name: pf.Name, NATLoopback: pf.NATLoopback}, r.PortForwards[j])
			}
		}
		srv.ResetCounts()
		stdout, stderr, code = run(t, "list")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "2 port forwards on 1 DHCP reservation at location "+l.ID)
		assert.Equal(t, 1+len(views), srv.TotalRequests(), "1 call, and 1 a reservation: %v", srv.RequestCounts())
	})

	t.Run("add with --ip", func(t *testing.T) {
		srv.ResetCounts()
		stdout, stderr, code := run(t, "add", "--mac", "02:5C:00:00:00:01", "--ip", "192.168.1.50", "--hostname", "pixel",
			"--external", "8080", "--internal", "80", "--name", "web")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "DHCP reservation 192.168.1.50 (pixel) created\n")
		assert.Contains(t, stdout, `port forward 8080 → 80/tcp "web" added`)
		r, ok := reservation(srv, l, pfMAC1)
		require.True(t, ok, "the reservation is made")
		assert.Equal(t, "192.168.1.50", r.IP)
		assert.Equal(t, "pixel", r.Hostname)
		assert.Equal(t, []plumetest.PortForwardView{{ExternalPort: 8080, InternalPort: 80, Protocol: "tcp", Name: "web", NATLoopback: "auto"}}, r.PortForwards)
		assert.Equal(t, 1, srv.RequestCount("GET "+reservationRoute))
		assert.Equal(t, 1, srv.RequestCount("PUT "+reservationRoute))
		assert.Equal(t, 1, srv.RequestCount("POST "+reservationRoute+"/portForward"))

		// Again, another port: the reservation is kept, not written.
		srv.ResetCounts()
		stdout, stderr, code = run(t, "add", "--mac", pfMAC1, "--ip", "192.168.1.50", "--external", "8081", "--protocol", "udp")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "DHCP reservation 192.168.1.50 (pixel) already in place\n")
		assert.Zero(t, srv.RequestCount("PUT "+reservationRoute))
		r, _ = reservation(srv, l, pfMAC1)
		assert.Len(t, r.PortForwards, 2)
	})

	t.Run("no reservation and no --ip", func(t *testing.T) {
		before := srv.DHCPReservations(l.ID)
		srv.ResetCounts()
		stdout, stderr, code := run(t, "add", "--mac", pfMAC3, "--external", "9000")
		assert.Equal(t, exitFailed, code)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "add: device 02:5c:00:00:00:03 has no DHCP reservation at location "+l.ID+" of customer "+l.CustomerID+": give --ip IPv4 to reserve an address for it first\n")
		assert.Equal(t, before, srv.DHCPReservations(l.ID), "nothing created")
		assert.Equal(t, 1, srv.RequestCount("POST "+reservationRoute+"/portForward"), "the API's 422")
		assert.Equal(t, 1, srv.RequestCount("GET "+reservationRoute), "then the reservation, to say why")
	})

	t.Run("update", func(t *testing.T) {
		stdout, stderr, code := run(t, "update", "--mac", pfMAC1, "--external", "8080", "--internal", "8000", "--protocol", "both", "--output", "json")
		require.Equal(t, exitOK, code, stderr)
		var out forwardOutcome
		decodeObject(t, stdout, &out)
		assert.Equal(t, forwardRow{ExternalPort: 8080, InternalPort: 8000, Protocol: "both", Name: "web", NATLoopback: "auto"}, out.PortForward)
		r, _ := reservation(srv, l, pfMAC1)
		assert.Equal(t, plumetest.PortForwardView{ExternalPort: 8080, InternalPort: 8000, Protocol: "both", Name: "web", NATLoopback: "auto"}, r.PortForwards[0])

		before := srv.DHCPReservations(l.ID)
		_, stderr, code = run(t, "update", "--mac", pfMAC1, "--external", "8082", "--name", "new")
		assert.Equal(t, exitFailed, code, "not there: reported, not created")
		assert.Contains(t, stderr, "has no port forward on external port 8082")
		assert.Equal(t, before, srv.DHCPReservations(l.ID))
	})

	t.Run("delete", func(t *testing.T) {
		stdout, stderr, code := run(t, "delete", "--mac", pfMAC1, "--external", "8080")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, ": port forward 8080 deleted\n")
		r, _ := reservation(srv, l, pfMAC1)
		assert.Equal(t, []plumetest.PortForwardView{{ExternalPort: 8081, InternalPort: 8081, Protocol: "udp", NATLoopback: "auto"}}, r.PortForwards)

		stdout, stderr, code = run(t, "delete", "--mac", pfMAC1, "--external", "8081", "--remove-reservation", "--output", "json")
		require.Equal(t, exitOK, code, stderr)
		var out forwardOutcome
		decodeObject(t, stdout, &out)
		assert.Equal(t, &reservationChange{Action: "deleted"}, out.Reservation)
		_, ok := reservation(srv, l, pfMAC1)
		assert.False(t, ok, "its last port forward gone, the reservation is deleted")

		stdout, stderr, code = run(t, "delete", "--mac", pfMAC2, "--external", "2222", "--remove-reservation")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, ": DHCP reservation kept: 1 port forward left on it\n")
		r, ok = reservation(srv, l, pfMAC2)
		require.True(t, ok, "kept for the other port forward")
		assert.Len(t, r.PortForwards, 1)

		_, stderr, code = run(t, "delete", "--mac", pfMAC2, "--external", "2222")
		assert.Equal(t, exitFailed, code)
		assert.Contains(t, stderr, "has no port forward on external port 2222")
	})

	t.Run("bad input sends nothing", func(t *testing.T) {
		srv.ResetCounts()
		for _, args := range [][]string{
			{"add", "--mac", "02:5c:00:00:00", "--external", "80"},
			{"add", "--mac", pfMAC3, "--external", "0"},
			{"add", "--mac", pfMAC3, "--external", "80", "--internal", "65536"},
			{"add", "--mac", pfMAC3, "--external", "80", "--protocol", "icmp"},
			{"add", "--mac", pfMAC3, "--external", "80", "--ip", "192.168.1"},
			{"update", "--mac", pfMAC2, "--external", "51820", "--protocol", "all"},
			{"delete", "--mac", "zz:zz:zz:zz:zz:zz", "--external", "51820"},
			{"list", "--mac", "-"},
		} {
			stdout, stderr, code := run(t, args[0], args[1:]...)
			assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
			assert.Empty(t, stdout, "%v", args)
		}
		assert.Zero(t, srv.TotalRequests(), "%v", srv.RequestCounts())
		assert.Zero(t, srv.TokenFetches(), "not even a token")
	})
}

// TestPortForwardWaitsForLANPrefix: a gateway that has not reported its LAN prefix makes the
// reservation answer 412; add fails at once with --wait-lan-prefix 0, gives up after a short
// one, and by default tries again until the prefix is known. The fake learns the prefix when
// the second PUT of the reservation arrives (a request hook), so that nothing here sleeps;
// the one pause is the SDK's first (2 s).
// TestPortForwardAddUndoesItsReservation: when add --ip has written the device's reservation
// and the API then refuses the port forward, the reservation is put back as it was, and the
// error says so.
func TestPortForwardAddUndoesItsReservation(t *testing.T) {
	t.Parallel()
	srv, bin, l := pfServer(t)
	before, ok := reservation(srv, l, pfMAC2)
	require.True(t, ok)

	// A changed reservation is set back: 2222 is forwarded already.
	stdout, stderr, code := pfRun(t, srv, bin, l, "add", "--mac", pfMAC2, "--ip", "192.168.1.60", "--external", "2222")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "externalPort 2222 is already forwarded")
	assert.Contains(t, stderr, "; its DHCP reservation was set back to 192.168.1.21 (macbook-air)\n")
	after, ok := reservation(srv, l, pfMAC2)
	require.True(t, ok)
	assert.Equal(t, before.IP, after.IP)
	assert.Equal(t, before.Hostname, after.Hostname)

	// A created reservation is deleted again.
	stdout, stderr, code = pfRun(t, srv, bin, l, "add", "--mac", pfMAC1, "--ip", "192.168.1.61", "--external", "51820")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "; the DHCP reservation 192.168.1.61 made for it was deleted again\n")
	_, ok = reservation(srv, l, pfMAC1)
	assert.False(t, ok, "no reservation left behind")

	// A kept reservation is not touched.
	srv.ResetCounts()
	_, stderr, code = pfRun(t, srv, bin, l, "add", "--mac", pfMAC2, "--ip", "192.168.1.21", "--external", "51820")
	assert.Equal(t, exitUsage, code)
	assert.NotContains(t, stderr, "reservation was")
	assert.Zero(t, srv.RequestCount("PUT "+reservationRoute)+srv.RequestCount("DELETE "+reservationRoute), "nothing to undo")

	// A changed IP keeps the hostname it had.
	_, stderr, code = pfRun(t, srv, bin, l, "add", "--mac", pfMAC2, "--ip", "192.168.1.62", "--external", "9000")
	require.Equal(t, exitOK, code, stderr)
	after, _ = reservation(srv, l, pfMAC2)
	assert.Equal(t, "192.168.1.62", after.IP)
	assert.Equal(t, "macbook-air", after.Hostname)
}

func TestPortForwardWaitsForLANPrefix(t *testing.T) {
	t.Parallel()
	skipWaiting(t)
	var (
		armed atomic.Bool  // the hook learns the prefix at the second PUT after armed
		puts  atomic.Int32 // reservation PUTs since armed
		srv   *plumetest.Server
		l     plumetest.Location
	)
	hook := func(r *http.Request) {
		if r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "/dhcpReservations/") || strings.Contains(r.URL.Path, "/portForward") {
			return
		}
		if armed.Load() && puts.Add(1) == 2 {
			srv.SetLANPrefix(l.CustomerID, l.ID, plumetest.DefaultLANPrefix)
		}
	}
	srv, bin, l := pfServer(t, plumetest.WithRequestHook(hook))
	srv.SetLANPrefix(l.CustomerID, l.ID, "") // unknown, whatever the gateway does
	add := []string{"--mac", pfMAC1, "--ip", "192.168.1.50", "--external", "8080"}

	srv.ResetCounts()
	stdout, stderr, code := pfRun(t, srv, bin, l, "add", append(add, "--wait-lan-prefix", "0")...)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "add: the gateway of location "+l.ID+" of customer "+l.CustomerID+" has not reported its LAN prefix yet, as right after provisioning (")
	assert.Contains(t, stderr, "412")
	assert.Contains(t, stderr, "try again later, or give --wait-lan-prefix DURATION\n")
	assert.Equal(t, 1, srv.RequestCount("PUT "+reservationRoute))
	_, reserved := reservation(srv, l, pfMAC1)
	assert.False(t, reserved)

	srv.ResetCounts()
	// 1s: under the SDK's first pause (2 s); what is left of it when the 412 comes depends on
	// how fast the first requests went, down to 0s on a loaded machine.
	_, stderr, code = pfRun(t, srv, bin, l, "add", append(add, "--wait-lan-prefix", "1s")...)
	assert.Equal(t, exitFailed, code)
	assert.Regexp(t, `The gateway has not reported its LAN prefix yet; waiting for it \(up to (\d+ms|[01]s)\)…\n`, stderr)
	assert.Contains(t, stderr, "add: the gateway of location "+l.ID+" of customer "+l.CustomerID+" did not report its LAN prefix within 1s (--wait-lan-prefix): is it online?")
	assert.Equal(t, 1, srv.RequestCount("PUT "+reservationRoute), "the SDK's first pause is longer")
	assert.Zero(t, srv.RequestCount("POST "+reservationRoute+"/portForward"))

	srv.ResetCounts()
	armed.Store(true)
	stdout, stderr, code = pfRun(t, srv, bin, l, "add", append(add, "--output", "json")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `The gateway has not reported its LAN prefix yet; waiting for it \(up to \dm\d+s\)…\n`, stderr)
	var out forwardOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "created", out.Reservation.Action)
	assert.GreaterOrEqual(t, out.WaitedSeconds, 1.0, "the SDK's first pause, 2 s")
	assert.Equal(t, 2, srv.RequestCount("PUT "+reservationRoute), "412, then 200")
	r, ok := reservation(srv, l, pfMAC1)
	require.True(t, ok)
	assert.Equal(t, "192.168.1.50", r.IP)
	assert.Len(t, r.PortForwards, 1)
	loc, _ := srv.Location(l.ID)
	assert.Equal(t, plumetest.DefaultLANPrefix, loc.LANPrefix)
}

// TestSeedPortForwards: the fake's demo reservation, at each location whose prefix is known.
func TestSeedPortForwards(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	require.NoError(t, seedDemo(t.Context(), srv))
	seedSupport(srv)
	l := demoLocation(t, srv)
	require.NoError(t, seedPortForwards(t.Context(), srv))
	r, ok := reservation(srv, l, pfMAC2)
	require.True(t, ok)
	assert.Equal(t, "192.168.1.21", r.IP)
	assert.Len(t, r.PortForwards, len(demoForwards))

	srv2 := plumetest.NewServer(t) // the gateway never connected: no prefix, no reservation
	require.NoError(t, seedDemo(t.Context(), srv2))
	l2 := demoLocation(t, srv2)
	srv2.AddDevice(l2.CustomerID, l2.ID, plumetest.Device{MAC: pfMAC2, Name: demoReservationDevice, IP: "192.168.1.21", Connected: true})
	require.NoError(t, seedPortForwards(t.Context(), srv2))
	assert.Empty(t, srv2.DHCPReservations(l2.ID))
}
