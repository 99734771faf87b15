package plume_test

// network_integration_test.go: the Network service against the fake cloud over a real
// loopback socket (plumetest): DHCP reservations before and after the gateway reports its LAN
// prefix (the 412 and WaitForLANPrefix on the fake's clock), port forwards, and the leases of
// connected devices. The site is homepass_integration_test.go's i18Site.
//
// Not here: exact requests, documented shapes and statuses (network_test.go,
// network_portforward_test.go, httpmock); the fake's own routes (internal/fakecloud).

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func TestNetworkReservationsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180101")
	ctx := t.Context()
	net := s.c.Network

	res, err := net.SetDHCPReservation(ctx, s.customerID, s.locationID, plume.DHCPReservation{MAC: "3C-22-FB-4A-91-0E", IP: "192.168.1.57", Hostname: "mayas-iphone"})
	require.NoError(t, err)
	assert.Equal(t, plume.DHCPReservation{MAC: sitePhone, Hostname: "mayas-iphone", IP: "192.168.1.57", Raw: res.Raw}, *res)
	_, err = net.SetDHCPReservation(ctx, s.customerID, s.locationID, plume.DHCPReservation{MAC: siteTV, IP: "192.168.1.20"})
	require.NoError(t, err)

	list, err := net.DHCPReservations(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	got, err := net.GetDHCPReservation(ctx, s.customerID, s.locationID, "3c22fb4a910e")
	require.NoError(t, err)
	assert.Equal(t, "192.168.1.57", got.IP)
	assert.Equal(t, "mayas-iphone", got.Hostname)

	// Refused by the API: the gateway's address, one outside the LAN, one taken.
	for _, ip := range []string{"192.168.1.1", "10.0.0.5", "192.168.1.20"} {
		_, err := net.SetDHCPReservation(ctx, s.customerID, s.locationID, plume.DHCPReservation{MAC: siteLaptop, IP: ip})
		assert.ErrorIs(t, err, plume.ErrValidation, ip)
	}

	pf, err := net.AddPortForward(ctx, s.customerID, s.locationID, sitePhone, plume.PortForward{ExternalPort: 8443, InternalPort: 443, Name: "NAS web"})
	require.NoError(t, err)
	assert.Equal(t, 8443, pf.ExternalPort)
	assert.Equal(t, 443, pf.InternalPort)
	assert.Equal(t, plume.PortForwardTCP, pf.Protocol, "the fake's default")
	assert.Equal(t, "auto", pf.NATLoopback)
	_, err = net.AddPortForward(ctx, s.customerID, s.locationID, sitePhone, plume.PortForward{ExternalPort: 2222, InternalPort: 22, Protocol: plume.PortForwardBoth})
	require.NoError(t, err)
	_, err = net.AddPortForward(ctx, s.customerID, s.locationID, siteTV, plume.PortForward{ExternalPort: 8443})
	assert.ErrorIs(t, err, plume.ErrValidation, "an external port is unique per location")
	_, err = net.AddPortForward(ctx, s.customerID, s.locationID, siteLaptop, plume.PortForward{ExternalPort: 9000})
	assert.ErrorIs(t, err, plume.ErrValidation, "no reservation: 422, not 404")

	pf, err = net.UpdatePortForward(ctx, s.customerID, s.locationID, sitePhone, plume.PortForward{ExternalPort: 8443, InternalPort: 8443, Protocol: plume.PortForwardUDP, Name: "NAS"})
	require.NoError(t, err)
	assert.Equal(t, plume.PortForward{ExternalPort: 8443, InternalPort: 8443, Protocol: "udp", Name: "NAS", NATLoopback: "auto", Raw: pf.Raw}, *pf)
	forwards, err := net.PortForwards(ctx, s.customerID, s.locationID, sitePhone)
	require.NoError(t, err)
	require.Len(t, forwards, 2)
	assert.Equal(t, []int{2222, 8443}, []int{forwards[0].ExternalPort, forwards[1].ExternalPort}, "sorted by external port")
	views := s.srv.DHCPReservations(s.locationID)
	require.Len(t, views, 2)

	require.NoError(t, net.DeletePortForward(ctx, s.customerID, s.locationID, sitePhone, 2222))
	assert.ErrorIs(t, net.DeletePortForward(ctx, s.customerID, s.locationID, sitePhone, 2222), plume.ErrNotFound)
	require.NoError(t, net.DeleteDHCPReservation(ctx, s.customerID, s.locationID, sitePhone))
	_, err = net.PortForwards(ctx, s.customerID, s.locationID, sitePhone)
	assert.ErrorIs(t, err, plume.ErrNotFound, "the reservation went with its port forwards")
	_, err = net.GetDHCPReservation(ctx, s.customerID, s.locationID, sitePhone)
	assert.ErrorIs(t, err, plume.ErrNotFound)
	list, err = net.DHCPReservations(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

func TestNetworkWaitForLANPrefixAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180102")
	s.srv.SetLANPrefix(s.customerID, s.locationID, "")
	ctx := t.Context()
	r := plume.DHCPReservation{MAC: sitePhone, IP: "10.20.30.57"}

	_, err := s.c.Network.SetDHCPReservation(ctx, s.customerID, s.locationID, r)
	require.ErrorIs(t, err, plume.ErrLANPrefixUnknown)

	// The gateway reports its prefix during the third pause; no test sleeps.
	var pauses []time.Duration
	pause := func(ctx context.Context, d time.Duration) error {
		pauses = append(pauses, d)
		s.clock.Advance(d)
		if len(pauses) == 3 {
			s.srv.SetLANPrefix(s.customerID, s.locationID, "10.20.30.0/24")
		}
		return ctx.Err()
	}
	var res *plume.DHCPReservation
	err = s.c.Network.WaitForLANPrefix(plume.WithFlowPause(ctx, pause), func(ctx context.Context) (err error) {
		res, err = s.c.Network.SetDHCPReservation(ctx, s.customerID, s.locationID, r)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "10.20.30.57", res.IP)
	assert.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}, pauses)

	// A prefix that never comes: the wait ends with ctx, both causes kept.
	s.srv.SetLANPrefix(s.customerID, s.locationID, "")
	short, cancel := context.WithCancel(ctx)
	n := 0
	err = s.c.Network.WaitForLANPrefix(plume.WithFlowPause(short, func(ctx context.Context, d time.Duration) error {
		if n++; n == 5 {
			cancel()
		}
		return ctx.Err()
	}), func(ctx context.Context) error {
		_, err := s.c.Network.SetDHCPReservation(ctx, s.customerID, s.locationID, r)
		return err
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, plume.ErrLANPrefixUnknown)
}

func TestNetworkDHCPLeasesAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180103")
	leases, err := s.c.Network.DHCPLeases(t.Context(), s.customerID, s.locationID)
	require.NoError(t, err)
	byMAC := map[string]plume.DHCPLease{}
	for _, l := range leases {
		byMAC[l.MAC] = l
	}
	assert.Len(t, byMAC, 2, "the connected devices with an IP")
	assert.Equal(t, "192.168.1.57", byMAC[sitePhone].IP)
	assert.Equal(t, "192.168.1.80", byMAC[siteTV].IP)
	assert.NotEmpty(t, byMAC[sitePhone].Raw)

	s.srv.SetDeviceConnected(s.locationID, siteTV, false)
	s.srv.AddDevice(s.customerID, s.locationID, plumetest.Device{MAC: "00:11:22:33:44:55", Name: "printer", Medium: "ethernet", Connected: true})
	leases, err = s.c.Network.DHCPLeases(t.Context(), s.customerID, s.locationID)
	require.NoError(t, err)
	require.Len(t, leases, 1, "a device without an IP has no lease")
	assert.Equal(t, sitePhone, leases[0].MAC)
}
