package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// TestSupportBinaryEndToEnd builds plumectl and runs each support command against a fake
// started here, through the PLUME_* variables, the location addressed by its ids: what each
// command changed is read back in the fake, and no output carries the client secret, a token
// or the WiFi key. It runs in the guides' answer shapes and in the reference's.
func TestSupportBinaryEndToEnd(t *testing.T) {
	t.Parallel()
	for _, shapes := range []string{"guides", "reference"} {
		t.Run(shapes, func(t *testing.T) {
			t.Parallel()
			opts := []plumetest.Option{plumetest.WithWAF(1<<30, time.Hour), plumetest.WithTimings(fakeTimings)}
			if shapes == "reference" {
				opts = append(opts, plumetest.WithReferenceShapes())
			}
			srv := plumetest.NewServer(t, opts...)
			require.NoError(t, seedDemo(t.Context(), srv))
			seedSupport(srv)
			srv.AddInventory("POD-SPARE")
			creds := srv.Credentials()
			bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
			l := demoLocation(t, srv)
			at := []string{"--customer", l.CustomerID, "--location", l.ID}
			run := func(t *testing.T, args ...string) (string, string, int) {
				t.Helper()
				stdout, stderr, code := bin.run(t, args...)
				assertNoSecrets(t, creds, stdout, stderr)
				assert.False(t, strings.Contains(stdout+stderr, demoWifiKey), "the WiFi key leaked")
				assert.NotContains(t, stderr, "built-in fake")
				return stdout, stderr, code
			}

			t.Run("devices", func(t *testing.T) {
				stdout, stderr, code := run(t, append([]string{"devices", "--output", "json"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				var list deviceList
				decodeObject(t, stdout, &list)
				assert.Equal(t, l.CustomerID, list.CustomerID)
				assert.Equal(t, l.ID, list.LocationID)
				assert.Len(t, list.Devices, 5)
			})

			t.Run("steer", func(t *testing.T) {
				const mac = "02:5c:00:00:00:01"
				_, stderr, code := run(t, append([]string{"steer", "--mac", "02-5C-00-00-00-01", "--until", "20m"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, ok := srv.Device(l.ID, mac)
				require.True(t, ok)
				assert.WithinDuration(t, time.Now().Add(20*time.Minute), d.ForcedSteerUntil, time.Minute)
				_, stderr, code = run(t, append([]string{"steer", "--mac", mac, "--end"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, _ = srv.Device(l.ID, mac)
				assert.True(t, d.ForcedSteerUntil.IsZero(), "ended")

				_, stderr, code = run(t, append([]string{"steer", "--mac", mac, "--auto=false"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, _ = srv.Device(l.ID, mac)
				require.NotNil(t, d.ClientSteering)
				assert.False(t, d.ClientSteering.Auto)

				_, stderr, code = run(t, append([]string{"steer", "--band-steering", "disable"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				loc, _ := srv.Location(l.ID)
				assert.Equal(t, "disable", loc.BandSteering)
			})

			t.Run("reboot", func(t *testing.T) {
				_, stderr, code := run(t, append([]string{"reboot", "--node", demoPods[0]}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				n, _ := srv.Node(demoPods[0])
				assert.Equal(t, 1, n.Reboots)
				_, stderr, code = run(t, append([]string{"reboot", "--delay", "3600"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				n, _ = srv.Node(demoGateway)
				assert.WithinDuration(t, time.Now().Add(time.Hour), n.RebootAt, time.Minute, "the location's reboot, delayed")
			})

			t.Run("firmware", func(t *testing.T) {
				stdout, stderr, code := run(t, append([]string{"firmware", "upgrade"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				assert.Contains(t, stdout, "Firmware upgrade requested at location "+l.ID)
				n, _ := srv.Node(demoPods[1])
				assert.Contains(t, []string{"requested", "upgrading"}, n.FirmwareStatus)
				stdout, stderr, code = run(t, append([]string{"firmware", "status"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				assert.Regexp(t, `\nPOD-DEMO-0002 +1\.0\.0 +1\.1\.0 +(requested|upgrading) `, stdout)
			})

			t.Run("speedtest", func(t *testing.T) {
				skipWaiting(t)
				stdout, stderr, code := run(t, append([]string{"speedtest", "--wait"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				assert.Contains(t, stdout, "Speed test on node GW-DEMO-0001 ")
				assert.Contains(t, stdout, ": completed, download 940.0 Mbps")
				tests := srv.SpeedTests(l.ID)
				require.NotEmpty(t, tests)
				assert.Equal(t, demoGateway, tests[0].NodeID)
			})

			t.Run("keys", func(t *testing.T) {
				const guestKey = "e2e-guest-key-5d2a"
				stdout, stderr, code := bin.runStdin(t, guestKey+"\n", append([]string{"keys", "create", "--zone", "guests", "--key-stdin"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				assert.False(t, strings.Contains(stdout+stderr, guestKey), "the key leaked")
				assertNoSecrets(t, creds, stdout, stderr)
				stored := srv.Keys(l.ID)
				require.Len(t, stored, 2)
				assert.True(t, stored[1].EncryptionKey == guestKey, "stored as read from stdin")
				stdout, stderr, code = run(t, append([]string{"keys", "list", "--output", "json"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				assert.False(t, strings.Contains(stdout, guestKey), "the key leaked")
				var list keyListing
				decodeObject(t, stdout, &list)
				require.Len(t, list.Keys, 2, "every zone's, in this answer shape")
				assert.Equal(t, "guests", list.Keys[1].Zone)
				_, stderr, code = run(t, append([]string{"keys", "update", "1", "--zone", "guests", "--disable"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				stored = srv.Keys(l.ID)
				assert.True(t, stored[1].EncryptionKey == guestKey, "kept")
				assert.False(t, stored[1].Enable)
				_, stderr, code = run(t, append([]string{"keys", "delete", "1", "--zone", "guests", "--yes"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				assert.Len(t, srv.Keys(l.ID), 1)
			})

			t.Run("freeze", func(t *testing.T) {
				const mac = "02:5c:00:00:00:02"
				_, stderr, code := run(t, append([]string{"freeze", "--mac", mac, "--until", "20m"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, _ := srv.Device(l.ID, mac)
				assert.WithinDuration(t, time.Now().Add(20*time.Minute), d.Freeze.AutoExpire, time.Minute)
				_, stderr, code = run(t, append([]string{"unfreeze", "--mac", mac, "--all"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, _ = srv.Device(l.ID, mac)
				assert.False(t, d.Freeze.Frozen, "unfrozen")

				require.NoError(t, seedFreezePersons(t.Context(), srv))
				_, stderr, code = run(t, append([]string{"freeze", "--person", "kids", "--forever"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, _ = srv.Device(l.ID, "02:5c:00:00:00:01")
				assert.Equal(t, []string{"person"}, d.Freeze.Sources, "frozen through its person")
				_, stderr, code = run(t, append([]string{"unfreeze", "--person", "Kids", "--forever"}, at...)...)
				require.Equal(t, exitOK, code, stderr)
				d, _ = srv.Device(l.ID, "02:5c:00:00:00:01")
				assert.False(t, d.Freeze.Frozen, "unfrozen")
			})

			t.Run("not found", func(t *testing.T) {
				_, stderr, code := run(t, "devices", "--customer", l.CustomerID, "--location", "000000000000000000000000")
				assert.Equal(t, exitFailed, code, stderr)
				_, stderr, code = run(t, "devices", "--customer", "000000000000000000000000", "--location", l.ID)
				assert.Equal(t, exitFailed, code, stderr)
				assert.Contains(t, stderr, "is unknown, or not your partner's")
				_, stderr, code = run(t, "reboot", "--serial", "POD-SPARE")
				assert.Equal(t, exitFailed, code)
				assert.Contains(t, stderr, `serial "POD-SPARE" is not claimed at any location`)
				_, stderr, code = run(t, append([]string{"steer", "--mac", "02:5c:00:00:00:77", "--end"}, at...)...)
				assert.Equal(t, exitFailed, code, stderr)
			})
		})
	}
}

// TestSupportRefusedCredentials: credentials the token endpoint refuses are exit status 3,
// and the secret is not printed.
func TestSupportRefusedCredentials(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	wrong := srv.Credentials()
	wrong.ClientSecret = "definitely-not-the-secret"
	bin := binary{path: buildPlumectl(t), env: envFor(srv, wrong)}
	for _, args := range [][]string{
		{"devices", "--service-id", "svc-1"},
		{"reboot", "--serial", "GW-1"},
		{"steer", "--customer", "c1", "--location", "l1", "--band-steering", "auto"},
		{"firmware", "status", "--service-id", "svc-1"},
		{"speedtest", "--service-id", "svc-1"},
		{"freeze", "--service-id", "svc-1", "--mac", "02:5c:00:00:00:01", "--forever"},
		{"freeze", "--service-id", "svc-1", "--status", "--output", "json"},
		{"unfreeze", "--customer", "c1", "--location", "l1", "--location-wide"},
	} {
		stdout, stderr, code := bin.run(t, args...)
		assert.Equal(t, exitError, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "invalid_client", "%v", args)
		assertNoSecrets(t, wrong, stdout, stderr)
	}
}

// demoLocation is the demo subscriber's location in srv.
func demoLocation(t *testing.T, srv *plumetest.Server) plumetest.Location {
	t.Helper()
	for _, l := range srv.Locations() {
		if l.ServiceID == demoServiceID {
			return l
		}
	}
	t.Fatalf("no location with service id %s", demoServiceID)
	return plumetest.Location{}
}

// TestSeedSupport: every location of the fake gets its devices, every claimed node is online.
func TestSeedSupport(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	client := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	for i := range 3 {
		gw := fmt.Sprintf("GW-S%d", i)
		srv.AddGateways(gw)
		_, err := client.Onboard(t.Context(), plume.OnboardRequest{AccountID: fmt.Sprintf("acct-s%d", i), Gateway: gw})
		require.NoError(t, err)
	}
	seedSupport(srv)
	for _, l := range srv.Locations() {
		devices := srv.Devices(l.CustomerID, l.ID)
		assert.Len(t, devices, 5, l.ID)
		for _, d := range devices {
			assert.True(t, strings.HasPrefix(d.MAC, "02:5c:"), d.MAC)
		}
	}
	for _, n := range srv.Nodes() {
		assert.Equal(t, "connected", n.ConnectionState, n.Serial)
	}
}
