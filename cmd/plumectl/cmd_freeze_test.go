package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// freeze and unfreeze run as the built binary against a fake started here, through the PLUME_*
// variables, so that each test reads back in the fake what the command changed: the freezes
// of its devices (DeviceView.Freeze), of its persons and of the location.

// Devices of the demo location (seedSupport); Kids (seedFreezePersons) has the first two.
const (
	macPhone   = "02:5c:00:00:00:01" // Kids'
	macLaptop  = "02:5c:00:00:00:02" // Kids'
	macTV      = "02:5c:00:00:00:03"
	macPrinter = "02:5c:00:00:00:04"
	macTablet  = "02:5c:00:00:00:05" // offline for ten days
	macNowhere = "02:5c:00:00:00:99"
)

// freezeWorld is a fake holding the demo subscriber with its devices and its person Kids,
// and plumectl built to run against it.
type freezeWorld struct {
	srv   *plumetest.Server
	creds plume.Credentials
	bin   binary
	loc   plumetest.Location
	at    []string // --customer ID --location ID
	kids  string   // Kids' person id
}

func newFreezeWorld(t *testing.T) *freezeWorld {
	t.Helper()
	srv := plumetest.NewServer(t, plumetest.WithWAF(1<<30, time.Hour))
	require.NoError(t, seedDemo(t.Context(), srv))
	seedSupport(srv)
	require.NoError(t, seedFreezePersons(t.Context(), srv))
	w := &freezeWorld{srv: srv, creds: srv.Credentials(), loc: demoLocation(t, srv)}
	w.bin = binary{path: buildPlumectl(t), env: envFor(srv, w.creds)}
	w.at = []string{"--customer", w.loc.CustomerID, "--location", w.loc.ID}
	persons := srv.Persons(w.loc.ID)
	require.Len(t, persons, 1)
	require.Equal(t, "Kids", persons[0].Nickname)
	require.Equal(t, []string{macPhone, macLaptop}, persons[0].AssignedDevices)
	w.kids = persons[0].ID
	return w
}

// run runs plumectl with args as they are, and checks that no output carries a secret.
func (w *freezeWorld) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code = w.bin.run(t, args...)
	assertNoSecrets(t, w.creds, stdout, stderr)
	assertNoSupportSecrets(t, stdout, stderr)
	return stdout, stderr, code
}

// ok runs plumectl at the demo location and requires exit status 0; it returns stdout.
func (w *freezeWorld) ok(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := w.run(t, append(args, w.at...)...)
	require.Equal(t, exitOK, code, "%v: %s", args, stderr)
	assert.Empty(t, stderr, "%v", args)
	return stdout
}

// outcome runs plumectl at the demo location with --output json and decodes what it printed.
func (w *freezeWorld) outcome(t *testing.T, args ...string) freezeOutcome {
	t.Helper()
	var out freezeOutcome
	decodeObject(t, w.ok(t, append(args, "--output", "json")...), &out)
	assert.Equal(t, w.loc.CustomerID, out.CustomerID)
	assert.Equal(t, w.loc.ID, out.LocationID)
	return out
}

// device is a device's freezes in the fake.
func (w *freezeWorld) device(t *testing.T, mac string) plumetest.FreezeView {
	t.Helper()
	d, ok := w.srv.Device(w.loc.ID, mac)
	require.True(t, ok, mac)
	return d.Freeze
}

// person is Kids' freezes in the fake.
func (w *freezeWorld) person(t *testing.T) plumetest.FreezeView {
	t.Helper()
	for _, p := range w.srv.Persons(w.loc.ID) {
		if p.ID == w.kids {
			return p.Freeze
		}
	}
	t.Fatalf("no person %s", w.kids)
	return plumetest.FreezeView{}
}

// locationFreeze is the location-wide freeze in the fake, nil when none. (Only this field of
// the Location is read: the Location view holds the WiFi key.)
func (w *freezeWorld) locationFreeze(t *testing.T) *plumetest.LocationFreezeView {
	t.Helper()
	l, ok := w.srv.Location(w.loc.ID)
	require.True(t, ok)
	return l.Freeze
}

// assertUnfrozen checks that nothing freezes the devices.
func (w *freezeWorld) assertUnfrozen(t *testing.T, macs ...string) {
	t.Helper()
	for _, mac := range macs {
		assert.Equal(t, plumetest.FreezeView{}, w.device(t, mac), mac)
	}
}

// parseUntilOut parses the until an outcome printed.
func parseUntilOut(t *testing.T, until string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, until)
	require.NoError(t, err, until)
	assert.True(t, strings.HasSuffix(until, "Z"), "UTC: %s", until)
	return at
}

func TestFreezeDeviceEachKind(t *testing.T) {
	t.Parallel()
	w := newFreezeWorld(t)

	out := w.outcome(t, "freeze", "--mac", "02-5C-00-00-00-01", "--forever")
	assert.Equal(t, freezeOutcome{place: out.place, Action: "freeze", Kind: "forever", MAC: macPhone}, out)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "action", "kind", "mac"},
		keysOf(t, w.ok(t, "freeze", "--mac", macPhone, "--forever", "--output", "json")))
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Forever: true, Sources: []string{"device"}}, w.device(t, macPhone))

	stdout := w.ok(t, "freeze", "--mac", "025c.0000.0004", "--suspend")
	assert.Regexp(t, `^Device 02:5c:00:00:00:04 at location [0-9a-f]{24} of customer [0-9a-f]{24}: suspended \(frozen until unfreeze --suspend\)\n$`, stdout)
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Suspend: true, Sources: []string{"device"}}, w.device(t, macPrinter))

	before := time.Now()
	out = w.outcome(t, "freeze", "--mac", macTV, "--until", "90m")
	after := time.Now()
	assert.Equal(t, "autoExpire", out.Kind)
	until := parseUntilOut(t, out.Until)
	assert.WithinRange(t, until, before.Add(90*time.Minute).Truncate(time.Second), after.Add(90*time.Minute))
	tv := w.device(t, macTV)
	assert.True(t, tv.Frozen)
	assert.False(t, tv.Forever || tv.Suspend)
	assert.Equal(t, until, tv.AutoExpire.Truncate(time.Second), "the end sent is the end printed, to the second")

	// An RFC 3339 time in another zone is sent as that instant and printed in UTC.
	end := time.Now().Add(3 * time.Hour).Truncate(time.Second).In(time.FixedZone("CEST", 2*3600))
	stdout = w.ok(t, "freeze", "--mac", macTablet, "--until", end.Format(time.RFC3339))
	assert.Contains(t, stdout, ": frozen until "+end.UTC().Format(time.RFC3339)+"\n")
	assert.True(t, end.Equal(w.device(t, macTablet).AutoExpire), "the offline tablet is frozen until %s", end)

	before = time.Now()
	out = w.outcome(t, "freeze", "--mac", macPrinter, "--until", "7d")
	assert.WithinRange(t, parseUntilOut(t, out.Until), before.Add(7*24*time.Hour).Truncate(time.Second), time.Now().Add(7*24*time.Hour))
	assert.Equal(t, parseUntilOut(t, out.Until), w.device(t, macPrinter).AutoExpire.Truncate(time.Second), "whole days")

	assert.Equal(t, plumetest.FreezeView{}, w.device(t, macLaptop), "the others are left alone")
	assert.Equal(t, plumetest.FreezeView{}, w.person(t))
	assert.Nil(t, w.locationFreeze(t))
}

func TestFreezeReplace(t *testing.T) {
	t.Parallel()
	w := newFreezeWorld(t)
	w.ok(t, "freeze", "--mac", macPhone, "--forever")
	w.ok(t, "freeze", "--mac", macPhone, "--until", "1h")
	require.True(t, w.device(t, macPhone).Forever)
	require.False(t, w.device(t, macPhone).AutoExpire.IsZero())

	out := w.outcome(t, "freeze", "--mac", macPhone, "--suspend", "--replace")
	assert.True(t, out.Replace)
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Suspend: true, Sources: []string{"device"}}, w.device(t, macPhone),
		"the forever freeze and the one until a time are removed first")

	stdout := w.ok(t, "freeze", "--mac", macPhone, "--forever", "--replace")
	assert.Contains(t, stdout, ": frozen forever (until unfrozen); its other freezes removed first, but a suspend freeze\n")
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Forever: true, Suspend: true, Sources: []string{"device"}}, w.device(t, macPhone),
		"a suspend freeze stays")
}

func TestUnfreezeDeviceEachKind(t *testing.T) {
	t.Parallel()
	w := newFreezeWorld(t)
	for _, kind := range [][]string{{"--forever"}, {"--suspend"}, {"--until", "2h"}} {
		w.ok(t, append([]string{"freeze", "--mac", macTV}, kind...)...)
	}
	all := w.device(t, macTV)
	require.True(t, all.Forever && all.Suspend && !all.AutoExpire.IsZero())

	out := w.outcome(t, "unfreeze", "--mac", macTV, "--until")
	assert.Equal(t, freezeOutcome{place: out.place, Action: "unfreeze", Kind: "autoExpire", MAC: macTV}, out)
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Forever: true, Suspend: true, Sources: []string{"device"}}, w.device(t, macTV))

	w.ok(t, "freeze", "--mac", macTV, "--until", "2h")
	stdout := w.ok(t, "unfreeze", "--mac", macTV, "--all")
	assert.Regexp(t, `^Device 02:5c:00:00:00:03 at location [0-9a-f]{24} of customer [0-9a-f]{24}: freezes cleared \(ClearFreezes\)\n$`, stdout)
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Suspend: true, Sources: []string{"device"}}, w.device(t, macTV),
		"--all clears the forever freeze and the one until a time, not the suspend freeze")
	out = w.outcome(t, "unfreeze", "--mac", macTV, "--all")
	assert.Equal(t, "clear_freezes", out.Action)
	assert.Empty(t, out.Kind)

	stdout = w.ok(t, "unfreeze", "--mac", macTV, "--forever")
	assert.Contains(t, stdout, ": forever freeze removed\n", "removing a freeze that is not there is no error")
	stdout = w.ok(t, "unfreeze", "--mac", "02:5C:00:00:00:03", "--suspend")
	assert.Contains(t, stdout, ": suspend freeze removed\n")
	w.assertUnfrozen(t, macPhone, macLaptop, macTV, macPrinter, macTablet)
}

func TestFreezePerson(t *testing.T) {
	t.Parallel()
	w := newFreezeWorld(t)
	kids := &personRef{ID: w.kids, Nickname: "Kids", Devices: []string{macPhone, macLaptop}}

	out := w.outcome(t, "freeze", "--person", "kids", "--forever")
	assert.Equal(t, freezeOutcome{place: out.place, Action: "freeze", Kind: "forever", Person: kids}, out, "found by its nickname, in any case")
	assert.Equal(t, plumetest.FreezeView{Frozen: true, Forever: true, Sources: []string{"person"}}, w.person(t))
	for _, mac := range []string{macPhone, macLaptop} {
		assert.Equal(t, plumetest.FreezeView{Frozen: true, Sources: []string{"person"}}, w.device(t, mac), "frozen through its person: %s", mac)
	}
	w.assertUnfrozen(t, macTV, macPrinter, macTablet)

	before := time.Now()
	stdout := w.ok(t, "freeze", "--person", w.kids, "--until", "45m")
	assert.Regexp(t, `^Person Kids \(id `+w.kids+`\) at location [0-9a-f]{24} of customer [0-9a-f]{24}: frozen until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$`, stdout)
	assert.WithinRange(t, w.person(t).AutoExpire, before.Add(45*time.Minute).Truncate(time.Millisecond), time.Now().Add(45*time.Minute))

	out = w.outcome(t, "unfreeze", "--person", w.kids, "--all")
	assert.Equal(t, freezeOutcome{place: out.place, Action: "clear_freezes", Person: kids}, out)
	assert.Equal(t, plumetest.FreezeView{}, w.person(t))
	w.assertUnfrozen(t, macPhone, macLaptop)

	w.ok(t, "freeze", "--person", "Kids", "--suspend")
	w.ok(t, "unfreeze", "--person", "Kids", "--all")
	assert.True(t, w.person(t).Suspend, "--all leaves a person's suspend freeze")
	stdout = w.ok(t, "unfreeze", "--person", "Kids", "--suspend")
	assert.Contains(t, stdout, "Person Kids (id "+w.kids+") at location ")
	assert.Contains(t, stdout, ": suspend freeze removed\n")
	assert.Equal(t, plumetest.FreezeView{}, w.person(t))

	// A nickname two persons share names neither: a usage error, and nothing frozen.
	_, err := w.srv.Client().Persons.Create(t.Context(), w.loc.CustomerID, w.loc.ID,
		plume.PersonRequest{Nickname: "KIDS", ImageID: "PROFILE_MAN", AssignedDevices: []string{macTV}})
	require.NoError(t, err)
	stdout, stderr, code := w.run(t, append([]string{"freeze", "--person", "Kids", "--forever"}, w.at...)...)
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, `freeze: 2 persons at location `+w.loc.ID+` of customer `+w.loc.CustomerID+` have the nickname "Kids": give one of their ids (`+w.kids+", ")
	assert.Empty(t, stdout)
	w.assertUnfrozen(t, macPhone, macLaptop, macTV)
}

func TestFreezeLocationWide(t *testing.T) {
	t.Parallel()
	w := newFreezeWorld(t)

	before := time.Now()
	out := w.outcome(t, "freeze", "--location-wide", "--until", "2h", "--mac", "02-5C-00-00-00-04", "--person", "Kids")
	assert.Equal(t, "location_freeze", out.Action)
	assert.Equal(t, []string{macPrinter}, out.DeviceMACs)
	assert.Equal(t, []string{w.kids}, out.PersonIDs)
	assert.Equal(t, []personRef{{ID: w.kids, Nickname: "Kids", Devices: []string{macPhone, macLaptop}}}, out.Persons)
	assert.False(t, out.EveryDevice)
	until := parseUntilOut(t, out.Until)
	assert.WithinRange(t, until, before.Add(2*time.Hour).Truncate(time.Second), time.Now().Add(2*time.Hour))
	lf := w.locationFreeze(t)
	require.NotNil(t, lf)
	assert.Equal(t, []string{macPrinter}, lf.DeviceMACs)
	assert.Equal(t, []string{w.kids}, lf.PersonIDs)
	assert.Equal(t, until, lf.ExpiresAt.Truncate(time.Second))
	for _, mac := range []string{macPhone, macLaptop, macPrinter} {
		assert.Equal(t, plumetest.FreezeView{Frozen: true, Sources: []string{"location"}}, w.device(t, mac), mac)
	}
	w.assertUnfrozen(t, macTV, macTablet)
	assert.Equal(t, plumetest.FreezeView{}, w.person(t), "the person itself has no freeze of its own")

	var st freezeStatusView
	decodeObject(t, w.ok(t, "freeze", "--status", "--output", "json"), &st)
	assert.Equal(t, &locationFreezeRow{Until: out.Until, DeviceMACs: []string{macPrinter}, PersonIDs: []string{w.kids}}, st.LocationFreeze)
	assert.Equal(t, []personRef{{ID: w.kids, Nickname: "Kids", Devices: []string{macPhone, macLaptop}}}, st.Persons)

	stdout := w.ok(t, "freeze", "--location-wide", "--until", "30m")
	assert.Regexp(t, `^Location-wide freeze at location [0-9a-f]{24} of customer [0-9a-f]{24} until \S+Z: every device of the location\n$`, stdout)
	lf = w.locationFreeze(t)
	require.NotNil(t, lf)
	assert.Empty(t, lf.DeviceMACs, "both lists are sent, empty: they replace those in force")
	assert.Empty(t, lf.PersonIDs)
	for _, mac := range []string{macPhone, macLaptop, macTV, macPrinter, macTablet} {
		assert.Equal(t, []string{"location"}, w.device(t, mac).Sources, mac)
	}
	stdout = w.ok(t, "freeze", "--status")
	assert.Regexp(t, `^Location-wide freeze at location \S+ of customer \S+ until \S+Z: every device of the location\n\nPersons \(1\):\n  ID +NICKNAME +DEVICES\n  `+w.kids+` +Kids +02:5c:00:00:00:01, 02:5c:00:00:00:02\n$`, stdout)

	out = w.outcome(t, "unfreeze", "--location-wide")
	assert.Equal(t, freezeOutcome{place: out.place, Action: "location_unfreeze"}, out)
	assert.Nil(t, w.locationFreeze(t))
	w.assertUnfrozen(t, macPhone, macLaptop, macTV, macPrinter, macTablet)
	stdout = w.ok(t, "unfreeze", "--location-wide")
	assert.Regexp(t, `^Location-wide freeze at location [0-9a-f]{24} of customer [0-9a-f]{24}: ended\n$`, stdout, "ending none is no error")
	stdout = w.ok(t, "freeze", "--status")
	assert.Regexp(t, `^Location-wide freeze at location \S+ of customer \S+: none\n`, stdout)
}

// TestFreezeUsage: flags that do not go together and bad values are usage errors, and
// nothing is sent: the fake counts no request, not even for a token.
func TestFreezeUsage(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	creds := srv.Credentials()
	bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
	at := []string{"--service-id", "svc-1"}
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"freeze", "--forever"}, "freeze: give one --mac MAC or one --person ID (or --location-wide, or --status)"},
		{[]string{"freeze", "--mac", macPhone, "--person", "Kids", "--forever"}, "give one --mac MAC or one --person ID"},
		{[]string{"freeze", "--mac", macPhone, "--mac", macTV, "--forever"}, "give one --mac MAC or one --person ID"},
		{[]string{"freeze", "--mac", macPhone}, "freeze: give one of --forever, --suspend, --until DURATION|TIME"},
		{[]string{"freeze", "--mac", macPhone, "--forever", "--suspend"}, "give one of --forever, --suspend, --until"},
		{[]string{"freeze", "--mac", macPhone, "--suspend", "--until", "1h"}, "give one of --forever, --suspend, --until"},
		{[]string{"freeze", "--mac", macPhone, "--until", "1h", "--replace"}, "--replace does not go with --until"},
		{[]string{"freeze", "--location-wide", "--forever"}, "--location-wide takes --until only"},
		{[]string{"freeze", "--location-wide", "--until", "1h", "--replace"}, "--location-wide takes --until only"},
		{[]string{"freeze", "--location-wide", "--mac", macPhone}, "--location-wide needs --until DURATION|TIME"},
		{[]string{"freeze", "--status", "--mac", macPhone}, "--status goes alone"},
		{[]string{"freeze", "--status", "--location-wide"}, "--status goes alone"},
		{[]string{"freeze", "--mac", "zz", "--forever"}, `freeze: --mac "zz" is not a MAC address`},
		{[]string{"freeze", "--location-wide", "--until", "1h", "--mac", macPhone, "--mac", "02:5c:00:00:00"}, `--mac "02:5c:00:00:00" is not a MAC address`},
		{[]string{"freeze", "--person", " ", "--forever"}, "--person must not be empty"},
		{[]string{"freeze", "--mac", macPhone, "--until", past}, "--until must be in the future: " + past + " is past"},
		{[]string{"freeze", "--location-wide", "--until", "2020-01-01T00:00:00Z"}, "--until must be in the future: 2020-01-01T00:00:00Z is past"},
		{[]string{"freeze", "--mac", macPhone, "--until", "0s"}, "--until must be a duration of at least 1s, not 0s"},
		{[]string{"freeze", "--mac", macPhone, "--until", "-5m"}, "--until must be a duration of at least 1s, not -5m0s"},
		{[]string{"freeze", "--mac", macPhone, "--until", "500ms"}, "not 500ms"},
		{[]string{"freeze", "--mac", macPhone, "--until", "9999999h"}, `--until must be a duration from now (90m, 2h30m, 7d; at most 2562047h) or an RFC 3339 time (2026-12-24T18:00:00Z), not "9999999h"`},
		{[]string{"freeze", "--mac", macPhone, "--until", "0d"}, "--until must be a duration of at least 1s, not 0s"},
		{[]string{"freeze", "--mac", macPhone, "--until", "10000d"}, `not "10000d"`},
		{[]string{"freeze", "--mac", macPhone, "--until", "1.5d"}, `not "1.5d"`},
		{[]string{"freeze", "--mac", macPhone, "--until", "tomorrow"}, `not "tomorrow"`},
		{[]string{"freeze", "--mac", macPhone, "--until", "2030-12-24 18:00"}, `not "2030-12-24 18:00"`},
		{[]string{"freeze", "--mac", macPhone, "--until", ""}, `not ""`},
		{[]string{"freeze", "--mac", macPhone, "--forever", "extra"}, `unexpected argument "extra"`},
		{[]string{"freeze", "--mac", macPhone, "--forever", "--output", "yaml"}, "--output must be text or json"},
		{[]string{"unfreeze"}, "unfreeze: give one --mac MAC or one --person ID (or --location-wide)"},
		{[]string{"unfreeze", "--mac", macPhone}, "unfreeze: give one of --forever, --suspend, --until, --all"},
		{[]string{"unfreeze", "--mac", macPhone, "--all", "--suspend"}, "give one of --forever, --suspend, --until, --all"},
		{[]string{"unfreeze", "--person", "Kids", "--person", "Other", "--all"}, "give one --mac MAC or one --person ID"},
		{[]string{"unfreeze", "--location-wide", "--mac", macPhone}, "--location-wide goes alone"},
		{[]string{"unfreeze", "--location-wide", "--all"}, "--location-wide goes alone"},
		{[]string{"unfreeze", "--mac", "aa:bb", "--all"}, `unfreeze: --mac "aa:bb" is not a MAC address`},
		{[]string{"unfreeze", "--mac", macPhone, "--until", "1h"}, `unexpected argument "1h"`},
		{[]string{"unfreeze", "--mac", macPhone, "--replace", "--all"}, "flag provided but not defined: --replace"},
	} {
		stdout, stderr, code := bin.run(t, append(tc.args, at...)...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
		assertNoSecrets(t, creds, stdout, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"freeze", "--mac", macPhone, "--forever"}, "give one of --customer ID --location ID, --serial SERIAL, --service-id ID"},
		{[]string{"unfreeze", "--location-wide", "--serial", "GW-1", "--service-id", "svc-1"}, "give one of --customer ID --location ID"},
		{[]string{"freeze", "--mac", macPhone, "--forever", "--customer", "c1"}, "--customer and --location go together"},
	} {
		_, stderr, code := bin.run(t, tc.args...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	assert.Zero(t, srv.TotalRequests(), "nothing sent")
	assert.Zero(t, srv.TokenFetches(), "not even for a token")
}

// TestFreezeNotFound: an unknown device, person or location is exit status 1, and nothing
// is frozen.
func TestFreezeNotFound(t *testing.T) {
	t.Parallel()
	w := newFreezeWorld(t)
	const nowhere = "000000000000000000000000"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"freeze", "--mac", macNowhere, "--forever"}, "freeze: no device 02:5c:00:00:00:99 at location " + w.loc.ID},
		{[]string{"freeze", "--mac", macNowhere, "--until", "1h"}, "freeze: no device 02:5c:00:00:00:99 at location "},
		{[]string{"unfreeze", "--mac", macNowhere, "--forever"}, "unfreeze: no device 02:5c:00:00:00:99 at location " + w.loc.ID + " of customer " + w.loc.CustomerID + " (the API answered 422)"},
		{[]string{"unfreeze", "--mac", macNowhere, "--suspend"}, "(the API answered 422)"},
		{[]string{"unfreeze", "--mac", macNowhere, "--until"}, "unfreeze: no device 02:5c:00:00:00:99 at location "},
		{[]string{"unfreeze", "--mac", macNowhere, "--all"}, "unfreeze: no device 02:5c:00:00:00:99 at location "},
		{[]string{"freeze", "--person", "Nobody", "--forever"}, `freeze: no person with id or nickname "Nobody" at location ` + w.loc.ID},
		{[]string{"unfreeze", "--person", nowhere, "--all"}, `unfreeze: no person with id or nickname "` + nowhere + `"`},
		{[]string{"freeze", "--location-wide", "--until", "1h", "--person", "Nobody"}, `freeze: no person with id or nickname "Nobody"`},
	} {
		stdout, stderr, code := w.run(t, append(tc.args, w.at...)...)
		assert.Equal(t, exitFailed, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
	}

	otherLocation := []string{"--customer", w.loc.CustomerID, "--location", nowhere}
	otherCustomer := []string{"--customer", nowhere, "--location", w.loc.ID}
	for _, args := range [][]string{
		{"freeze", "--mac", macPhone, "--forever"},
		{"freeze", "--person", "Kids", "--forever"},
		{"freeze", "--location-wide", "--until", "1h"},
		{"freeze", "--status"},
		{"unfreeze", "--mac", macPhone, "--all"},
		{"unfreeze", "--location-wide"},
	} {
		_, stderr, code := w.run(t, append(args, otherLocation...)...)
		assert.Equal(t, exitFailed, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "location "+nowhere+" of customer "+w.loc.CustomerID, "%v", args)
		_, stderr, code = w.run(t, append(args, otherCustomer...)...)
		assert.Equal(t, exitFailed, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "is unknown, or not your partner's", "%v", args)
		_, stderr, code = w.run(t, append(args, "--service-id", "svc-nowhere")...)
		assert.Equal(t, exitFailed, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, `no location has service id "svc-nowhere"`, "%v", args)
	}
	w.assertUnfrozen(t, macPhone, macLaptop, macTV, macPrinter, macTablet)
	assert.Equal(t, plumetest.FreezeView{}, w.person(t))
	assert.Nil(t, w.locationFreeze(t))
}

// TestFreezeFake: with --fake, the demo subscriber has a person Kids, found by its nickname.
func TestFreezeFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "freeze", "--fake", "--service-id", demoServiceID, "--person", "kids", "--until", "1h")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "built-in fake")
	assert.Regexp(t, `^Person Kids \(id [0-9a-f]{24}\) at location [0-9a-f]{24} of customer [0-9a-f]{24}: frozen until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$`, stdout)
	assertNoSupportSecrets(t, stdout, stderr)

	stdout, stderr, code = runApp(t, "freeze", "--fake", "--serial", demoGateway, "--status", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "location_freeze", "persons"}, keysOf(t, stdout))
	assert.ElementsMatch(t, []string{"id", "nickname", "devices"}, keysOf(t, stdout, "persons"))
	var st freezeStatusView
	decodeObject(t, stdout, &st)
	assert.Nil(t, st.LocationFreeze)
	require.Len(t, st.Persons, 1)
	assert.Equal(t, "Kids", st.Persons[0].Nickname)
	assert.Equal(t, []string{macPhone, macLaptop}, st.Persons[0].Devices)

	stdout, stderr, code = runApp(t, "unfreeze", "--fake", "--service-id", demoServiceID, "--mac", macPhone, "--all")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Device 02:5c:00:00:00:01 at location ")

	// --csv: the file's locations each get their person too.
	csv := writeCSV(t, t.TempDir(), "c.csv", 1, 1)
	stdout, stderr, code = runApp(t, "freeze", "--fake", "--csv", csv, "--service-id", "svc-0001", "--person", "Kids", "--forever", "--replace")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, ": frozen forever (until unfrozen); its other freezes removed first")
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestPickPerson(t *testing.T) {
	t.Parallel()
	cmd := (&app{}).newFreezeCmd()
	at := place{CustomerID: "c1", LocationID: "l1"}
	persons := []plume.Person{{ID: "p1", Nickname: "Ada"}, {ID: "p2", Nickname: "p1"}, {ID: "p3", Nickname: " ada "}, {ID: "p4", Nickname: "Bob"}}
	p, err := pickPerson(cmd, persons, "p1", at)
	require.NoError(t, err)
	assert.Equal(t, "p1", p.ID, "an id before a nickname")
	p, err = pickPerson(cmd, persons, "BOB", at)
	require.NoError(t, err)
	assert.Equal(t, "p4", p.ID)
	_, err = pickPerson(cmd, persons, "ada", at)
	var se *statusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, exitUsage, se.status)
	assert.EqualError(t, err, `freeze: 2 persons at location l1 of customer c1 have the nickname "ada": give one of their ids (p1, p3)`)
	_, err = pickPerson(cmd, persons, "Eve", at)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, exitFailed, se.status)
}
