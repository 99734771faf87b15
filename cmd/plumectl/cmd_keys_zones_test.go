package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

// Routes of the fake the keys zones commands write to (plumetest.Server.RequestCount).
const (
	routeCreateZone = "POST /Customers/{id}/locations/{id}/wifiNetwork/accessZones"
	routeUpdateZone = "PATCH /Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}"
	routeDeleteZone = "DELETE /Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}"
)

// zonesFake runs plumectl keys zones SUB against the built-in fake's demo subscriber.
func zonesFake(t *testing.T, sub string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code = runApp(t, append([]string{"keys", "zones", sub, "--fake", "--service-id", demoServiceID}, args...)...)
	assertNoKeys(t, stdout, stderr)
	return stdout, stderr, code
}

func TestZonesListFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := zonesFake(t, "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^3 access zones in location [0-9a-f]{24} of customer [0-9a-f]{24}\n`+
		`ID +TYPE +DESCRIPTION +DEVICES\n`+
		`1 +home +Home +-\n`+
		`2 +guests +Guests +-\n`+
		`3 +internetAccessOnly +Internet only +-\n$`, stdout)

	stdout, stderr, code = zonesFake(t, "list", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "zones"}, keysOf(t, stdout))
	assert.ElementsMatch(t, []string{"id", "type", "description", "accessible_devices", "created_at", "updated_at"}, keysOf(t, stdout, "zones"))
	var list zoneListing
	decodeObject(t, stdout, &list)
	require.Len(t, list.Zones, 3)
	assert.Equal(t, zoneRow{ID: 2, Type: "guests", Description: "Guests", AccessibleDevices: []string{},
		CreatedAt: list.Zones[1].CreatedAt, UpdatedAt: list.Zones[1].UpdatedAt}, list.Zones[1])
}

func TestZonesCreateFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := zonesFake(t, "create", "--description", "Kids", "--device", "02-5C-00-00-00-01", "--device", "025c.0000.0002")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Access zone 4 created at location [0-9a-f]{24} of customer [0-9a-f]{24}: `+
		`guests "Kids", devices 02:5c:00:00:00:01,02:5c:00:00:00:02\n$`, stdout)

	stdout, stderr, code = zonesFake(t, "create", "--description", "Office", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "action", "id", "zone", "zones"}, keysOf(t, stdout))
	var out zoneOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "created", out.Action)
	require.NotNil(t, out.ID)
	assert.Equal(t, 4, *out.ID)
	require.NotNil(t, out.Zone)
	assert.Equal(t, "guests", out.Zone.Type)
	assert.Equal(t, "Office", out.Zone.Description)
	assert.Equal(t, []string{}, out.Zone.AccessibleDevices)
	assert.Len(t, out.Zones, 4, "every zone of the network, as the API answered")
}

// TestZonesUpdateFake: the zone is read first, and what no flag changes is kept.
func TestZonesUpdateFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := zonesFake(t, "update", "2", "--device", "02:5c:00:00:00:03")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Access zone 2 updated at location [0-9a-f]{24} of customer [0-9a-f]{24}: `+
		`guests "Guests", devices 02:5c:00:00:00:03\n$`, stdout, "the description is kept")

	stdout, stderr, code = zonesFake(t, "update", "2", "--description", "Visitors", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var out zoneOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "updated", out.Action)
	require.NotNil(t, out.Zone)
	assert.Equal(t, zoneRow{ID: 2, Type: "guests", Description: "Visitors", AccessibleDevices: []string{},
		CreatedAt: out.Zone.CreatedAt, UpdatedAt: out.Zone.UpdatedAt}, *out.Zone)
}

// TestZonesRefusedBeforeSending: a bad MAC, and every other command-line mistake, is exit
// status 2 before the fake is even started, so nothing is sent.
func TestZonesRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "--description", "Kids", "--device", "nope"}, `create: the access zone is refused, nothing was changed: plume: invalid AccessibleDevices[0]: "nope" is not a MAC address`},
		{[]string{"create", "--description", "Kids", "--device", "02:5c:00:00:00:01", "--device", "02:5c:00:00:00"}, "invalid AccessibleDevices[1]"},
		{[]string{"create"}, "create: --description is required: the zone's name"},
		{[]string{"create", "--description", " "}, "invalid Description: is required"},
		{[]string{"create", "--description", "Kids", "extra"}, `create: takes no argument, not "extra"`},
		{[]string{"update", "4", "--device", "02:5c:zz:00:00:01"}, "update: the access zone is refused, nothing was changed: plume: invalid AccessibleDevices[0]"},
		{[]string{"update", "4", "--description", ""}, "invalid Description: is required"},
		{[]string{"update", "4"}, "update: nothing to change: give --description, --device or --no-devices"},
		{[]string{"update", "4", "--device", "02:5c:00:00:00:01", "--no-devices"}, "--device and --no-devices do not go together"},
		{[]string{"update", "--description", "x"}, "update: one ZONE_ID is required"},
		{[]string{"update", "0", "--description", "x"}, `update: ZONE_ID must be a number from 1, not "0"`},
		{[]string{"delete", "x", "--yes"}, `delete: ZONE_ID must be a number from 1, not "x"`},
		{[]string{"delete", "4"}, "delete: deleting access zone 4 deletes its keys and cuts off the devices that joined with them: give --yes to delete it"},
		{[]string{"list", "--output", "xml"}, "--output must be text or json"},
		{[]string{"list", "4"}, `list: takes no argument, not "4"`},
	} {
		stdout, stderr, code := zonesFake(t, tc.args[0], tc.args[1:]...)
		assert.Equal(t, exitUsage, code, "case %d: %v", i, tc.args)
		assert.Contains(t, stderr, tc.want, "case %d: %v", i, tc.args)
		assert.False(t, strings.Contains(stderr, "built-in fake"), "case %d: %v: started the fake", i, tc.args)
		assert.Empty(t, stdout, "case %d: %v", i, tc.args)
	}
	_, stderr, code := runApp(t, "keys", "zones", "lobby")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `zones: unknown subcommand "lobby": give list, create, update or delete`)
	_, stderr, code = runApp(t, "keys", "zones", "list")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "list: give one of --customer ID --location ID, --serial SERIAL, --service-id ID")
}

// TestZonesReadOnlyAndNotFoundFake: zones 1–3 cannot be deleted (405, status 2); an unknown
// zone or location is status 1.
func TestZonesReadOnlyAndNotFoundFake(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"1", "2", "3"} {
		stdout, stderr, code := zonesFake(t, "delete", id, "--yes")
		assert.Equal(t, exitUsage, code, id)
		assert.Contains(t, stderr, "plumectl: delete: access zone "+id+" is read-only: the API refused it (HTTP 405); "+
			"zones 1 to 3 are the network's own home, guests and internetAccessOnly\n", id)
		assert.Empty(t, stdout, id)
	}
	for _, args := range [][]string{
		{"delete", "4", "--yes"},
		{"update", "4", "--description", "Kids"},
		{"update", "9", "--no-devices", "--output", "json"},
	} {
		stdout, stderr, code := zonesFake(t, args[0], args[1:]...)
		assert.Equal(t, exitFailed, code, "%v", args)
		assert.Regexp(t, `plumectl: `+args[0]+`: no access zone \d at location [0-9a-f]{24} of customer [0-9a-f]{24}\n$`, stderr, "%v", args)
		assert.Empty(t, stdout, "%v", args)
	}
	stdout, stderr, code := runApp(t, "keys", "zones", "list", "--fake", "--service-id", "svc-nowhere")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `plumectl: list: no location has service id "svc-nowhere"`)
	assert.Empty(t, stdout)
}

// TestZonesBinary builds plumectl and runs keys zones against a fake started here, through
// the PLUME_* variables: what each command changed, and what it sent, is read back in the fake.
func TestZonesBinary(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithWAF(1<<30, time.Hour))
	require.NoError(t, seedDemo(t.Context(), srv))
	creds := srv.Credentials()
	bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
	l := demoLocation(t, srv)
	at := []string{"--customer", l.CustomerID, "--location", l.ID}
	run := func(t *testing.T, args ...string) (string, string, int) {
		t.Helper()
		stdout, stderr, code := bin.run(t, append(append([]string{"keys", "zones"}, args...), at...)...)
		assertNoSecrets(t, creds, stdout, stderr)
		assertNoKeys(t, stdout, stderr)
		return stdout, stderr, code
	}
	zone := func(id int) (plumetest.AccessZoneView, bool) {
		for _, z := range srv.AccessZones(l.ID) {
			if z.ID == id {
				return z, true
			}
		}
		return plumetest.AccessZoneView{}, false
	}
	writes := func() int {
		return srv.RequestCount(routeCreateZone) + srv.RequestCount(routeUpdateZone) + srv.RequestCount(routeDeleteZone)
	}

	// create: a guests zone, its MACs sent in colon form.
	stdout, stderr, code := run(t, "create", "--description", "Kids", "--device", "02-5C-00-00-00-01", "--device", "02:5c:00:00:00:02")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Access zone 4 created at location "+l.ID)
	z, ok := zone(4)
	require.True(t, ok)
	assert.Equal(t, "guests", z.Type)
	assert.Equal(t, "Kids", z.Description)
	assert.Equal(t, []string{"02:5c:00:00:00:01", "02:5c:00:00:00:02"}, z.AccessibleDevices)
	assert.False(t, z.ReadOnly)

	// list: one read of the network.
	srv.ResetCounts()
	stdout, stderr, code = run(t, "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `\n4 +guests +Kids +02:5c:00:00:00:01,02:5c:00:00:00:02\n$`, stdout)
	assert.Equal(t, 1, srv.TotalRequests())
	stdout, stderr, code = run(t, "list", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var list zoneListing
	decodeObject(t, stdout, &list)
	require.Len(t, list.Zones, 4)
	assert.Equal(t, []string{"02:5c:00:00:00:01", "02:5c:00:00:00:02"}, list.Zones[3].AccessibleDevices)

	// update --description: read first, the devices kept.
	srv.ResetCounts()
	stdout, stderr, code = run(t, "update", "4", "--description", "Kids and printer")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `: guests "Kids and printer", devices 02:5c:00:00:00:01,02:5c:00:00:00:02`+"\n")
	assert.Equal(t, 1, srv.RequestCount(routeWifiNetwork), "the zone is read first")
	assert.Equal(t, 1, srv.RequestCount(routeUpdateZone))
	z, _ = zone(4)
	assert.Equal(t, "Kids and printer", z.Description)
	assert.Equal(t, []string{"02:5c:00:00:00:01", "02:5c:00:00:00:02"}, z.AccessibleDevices, "kept")

	// update --device: the list replaced, the description kept.
	stdout, stderr, code = run(t, "update", "4", "--device", "02:5c:00:00:00:03", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var out zoneOutcome
	decodeObject(t, stdout, &out)
	require.NotNil(t, out.Zone)
	assert.Equal(t, "Kids and printer", out.Zone.Description)
	z, _ = zone(4)
	assert.Equal(t, "Kids and printer", z.Description, "kept")
	assert.Equal(t, []string{"02:5c:00:00:00:03"}, z.AccessibleDevices)

	// update --no-devices: the list cleared.
	_, stderr, code = run(t, "update", "4", "--no-devices")
	require.Equal(t, exitOK, code, stderr)
	z, _ = zone(4)
	assert.Empty(t, z.AccessibleDevices)
	assert.Equal(t, "Kids and printer", z.Description)

	// A bad MAC is refused before anything is sent.
	srv.ResetCounts()
	_, stderr, code = run(t, "create", "--description", "Bad", "--device", "02:5c:00:00:00")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "create: the access zone is refused, nothing was changed")
	_, stderr, code = run(t, "update", "4", "--device", "not-a-mac")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "update: the access zone is refused, nothing was changed")
	assert.Zero(t, srv.TotalRequests(), "nothing sent")
	assert.Len(t, srv.AccessZones(l.ID), 4)

	// The API's 422 and a read-only zone's 405 are status 2.
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: http.MethodPost, Path: "/api/Customers/*/locations/*/wifiNetwork/accessZones", Status: http.StatusUnprocessableEntity}))
	_, stderr, code = run(t, "create", "--description", "Refused")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "create: the API refused a value: plume: HomePass.CreateAccessZone: POST ")
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: http.MethodPatch, Path: "/api/Customers/*/locations/*/wifiNetwork/accessZones/1", Status: http.StatusMethodNotAllowed}))
	_, stderr, code = run(t, "update", "1", "--description", "Family")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "update: access zone 1 is read-only: the API refused it (HTTP 405)")
	_, stderr, code = run(t, "delete", "2", "--yes")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "delete: access zone 2 is read-only")
	z, ok = zone(2)
	assert.True(t, ok && z.ReadOnly && z.Description == "Guests", "zone 2 unchanged")
	_, ok = zone(1)
	assert.True(t, ok)

	// delete: without --yes nothing is sent; with it the zone is gone, and then not found.
	srv.ResetCounts()
	_, _, code = run(t, "delete", "4")
	assert.Equal(t, exitUsage, code)
	assert.Zero(t, writes(), "nothing sent without --yes")
	stdout, stderr, code = run(t, "delete", "4", "--yes", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var deleted zoneOutcome
	decodeObject(t, stdout, &deleted)
	assert.Equal(t, "deleted", deleted.Action)
	require.NotNil(t, deleted.ID)
	assert.Equal(t, 4, *deleted.ID)
	assert.Nil(t, deleted.Zone)
	_, ok = zone(4)
	assert.False(t, ok, "deleted")
	_, stderr, code = run(t, "delete", "4", "--yes")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "delete: no access zone 4 at location "+l.ID)
	_, stderr, code = run(t, "update", "4", "--description", "Gone")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "update: no access zone 4 at location "+l.ID)
}
