package main

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

// Keys the tests give plumectl on stdin: no output may carry them.
const (
	guestKey = "guest-secret-7c1f"
	otherKey = "other-secret-93ab"
	phoneKey = "+4915112345678" // a phone number used as a key
)

// Routes of the fake the keys commands call (plumetest.Server.RequestCount).
const (
	routeWifiNetwork = "GET /Customers/{id}/locations/{id}/wifiNetwork"
	routeCreateKey   = "POST /Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}/keys"
	routeUpdateKey   = "PUT /Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}/keys/{id}"
	routeDeleteKey   = "DELETE /Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}/keys/{id}"
)

// assertNoKeys fails when an output carries a key of the tests, the demo network's password
// or a token, naming what leaked without printing it (assert.NotContains would print both),
// and reports whether none did.
func assertNoKeys(t *testing.T, outputs ...string) bool {
	t.Helper()
	all := strings.Join(outputs, "\n")
	clean := true
	for name, secret := range map[string]string{
		"guestKey": guestKey, "otherKey": otherKey, "phoneKey": phoneKey[1:], "demoWifiKey": demoWifiKey,
		"a JWT": "eyJ", "a bearer token": "Bearer", "a CSV WiFi key": "wifi-secret",
	} {
		if strings.Contains(all, secret) {
			assert.Fail(t, name+" leaked into the output")
			clean = false
		}
	}
	return clean
}

// keysFake runs plumectl keys SUB against the built-in fake's demo subscriber, with stdin.
// An output that carries a key is withheld, so that no later assertion prints it.
func keysFake(t *testing.T, stdin, sub string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code = runAppStdin(t, stdin, append([]string{"keys", sub, "--fake", "--service-id", demoServiceID}, args...)...)
	if !assertNoKeys(t, stdout, stderr) {
		stdout, stderr = "<withheld: a key leaked>", "<withheld: a key leaked>"
	}
	return stdout, stderr, code
}

func TestKeysListFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := keysFake(t, "", "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^1 key in location [0-9a-f]{24} of customer [0-9a-f]{24}\n`+
		`ID +ZONE +FORMAT +ENABLED +EXPIRES +CONTENT\n`+
		`0 +home +encryptionKey +yes +- +-\n$`, stdout)

	stdout, stderr, code = keysFake(t, "", "list", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "keys"}, keysOf(t, stdout))
	assert.ElementsMatch(t, []string{"id", "zone", "zone_id", "format", "enabled", "content", "created_at", "updated_at"},
		keysOf(t, stdout, "keys"), "no encryptionKey member, masked or not")
	var list keyListing
	decodeObject(t, stdout, &list)
	assert.NotEmpty(t, list.CustomerID)
	require.Len(t, list.Keys, 1)
	assert.Equal(t, keyRow{ID: 0, Zone: "home", ZoneID: 1, Format: "encryptionKey", Enabled: true, Content: []string{},
		CreatedAt: list.Keys[0].CreatedAt, UpdatedAt: list.Keys[0].UpdatedAt}, list.Keys[0])

	stdout, stderr, code = keysFake(t, "", "list", "--zone", "guests")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^No keys in access zone guests at location [0-9a-f]{24} of customer [0-9a-f]{24}\n$`, stdout)
	stdout, stderr, code = keysFake(t, "", "list", "--zone", "home", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	decodeObject(t, stdout, &list)
	assert.Equal(t, "home", list.Zone)
	assert.Len(t, list.Keys, 1)
}

func TestKeysCreateFake(t *testing.T) {
	t.Parallel()
	before := time.Now()
	stdout, stderr, code := keysFake(t, guestKey+"\n", "create", "--zone", "guests", "--key-stdin", "--expires", "7d", "--content", "adultAndSensitive")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Key 1 created in access zone guests at location [0-9a-f]{24} of customer [0-9a-f]{24}: `+
		`encryptionKey, enabled, expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, content adultAndSensitive\n$`, stdout)

	stdout, stderr, code = keysFake(t, guestKey+"\n", "create", "--zone", "internetAccessOnly", "--key-stdin", "--disabled", "--expires", "90m", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "action", "zone", "id", "key", "keys"}, keysOf(t, stdout))
	var out keyOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "created", out.Action)
	assert.Equal(t, "internetAccessOnly", out.Zone)
	require.NotNil(t, out.ID)
	assert.Equal(t, 1, *out.ID)
	require.NotNil(t, out.Key)
	assert.False(t, out.Key.Enabled, "--disabled")
	assert.Equal(t, 3, out.Key.ZoneID)
	expires, err := time.Parse(time.RFC3339, out.Key.ExpiresAt)
	require.NoError(t, err)
	assert.WithinRange(t, expires, before.Add(90*time.Minute-time.Second), time.Now().Add(90*time.Minute))
	require.Len(t, out.Keys, 2, "every key of the network, as the API answered")
	assert.Equal(t, 0, out.Keys[0].ID)

	stdout, stderr, code = keysFake(t, phoneKey+"\n", "create", "--zone", "guests", "--key-stdin", "--phone")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, ": phoneNumber, enabled, no expiry, no content filter\n")
}

// TestKeysRefusedBeforeSending: a key Validate refuses, and every other command-line mistake,
// is exit status 2 before the fake is even started (so nothing is sent), and the key is not
// repeated.
func TestKeysRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"short\n", []string{"create", "--zone", "guests", "--key-stdin"}, "create: the key is refused, nothing was changed: plume: invalid EncryptionKey: must be at least 8 characters, got 5"},
		{guestKey + "\n", []string{"create", "--zone", "guests", "--key-stdin", "--phone"}, "invalid EncryptionKey: must be a phone number"},
		{"", []string{"create", "--zone", "guests", "--key-stdin"}, "--key-stdin: standard input is empty"},
		{"\n" + guestKey + "\n", []string{"create", "--zone", "guests", "--key-stdin"}, "--key-stdin: standard input is empty (a key is its first line)"},
		{strings.Repeat("k", 2000), []string{"create", "--zone", "guests", "--key-stdin"}, "longer than 1024 bytes: not a key"},
		{guestKey, []string{"create", "--zone", "guests"}, "--key-stdin is required: the key is read from standard input, never from the command line"},
		{guestKey, []string{"create", "--key-stdin"}, "--zone is required: home, guests or internetAccessOnly"},
		{guestKey, []string{"create", "--zone", "lobby", "--key-stdin"}, `--zone must be home, guests or internetAccessOnly, not "lobby"`},
		{guestKey, []string{"create", "--zone", "guests", guestKey}, "create: takes no argument: the key is read from standard input"},
		{guestKey, []string{"create", "--zone", "guests", "--key-stdin", "--expires", "soon"}, `--expires must be a duration (90m, 24h, 7d) or an RFC 3339 time (2026-12-31T23:00:00Z), not "soon"`},
		{guestKey, []string{"create", "--zone", "guests", "--key-stdin", "--expires", "2001-01-01T00:00:00Z"}, "--expires must be in the future, not 2001-01-01T00:00:00Z"},
		{guestKey, []string{"create", "--zone", "guests", "--key-stdin", "--expires", "-1h"}, "--expires must be in the future"},
		{"", []string{"update", "10", "--zone", "guests", "--enable"}, "update: KEY_ID must be a number from 0 to 9"},
		{"", []string{"update", guestKey, "--zone", "guests"}, "update: KEY_ID must be a number from 0 to 9"},
		{"", []string{"update", "--zone", "guests"}, "one KEY_ID, 0 to 9, is required"},
		{"", []string{"update", "1"}, "--zone is required"},
		{"", []string{"update", "1", "--zone", "guests", "--enable", "--disable"}, "--enable and --disable do not go together"},
		{"", []string{"update", "1", "--zone", "guests", "--expires", "1h", "--no-expiry"}, "--expires and --no-expiry do not go together"},
		{"", []string{"update", "1", "--zone", "guests", "--content", "adultAndSensitive", "--no-content"}, "--content and --no-content do not go together"},
		{"", []string{"update", "1", "--zone", "guests", "--key-stdin"}, "--key-stdin: standard input is empty"},
		{"", []string{"delete", "1", "--zone", "guests"}, "delete: deleting key 1 of access zone guests cuts off the devices that joined with it: give --yes to delete it"},
		{"", []string{"delete", "x", "--zone", "guests", "--yes"}, "delete: KEY_ID must be a number from 0 to 9"},
		{"", []string{"delete", "1", "--zone", "home", "--yes", "--output", "xml"}, "--output must be text or json"},
		{"", []string{"list", "--zone", "lobby"}, `--zone must be home, guests or internetAccessOnly, not "lobby"`},
		{"", []string{"list", guestKey}, "list: takes no argument"},
		{"", []string{"create", "--zone", "guests", "--key-stdin=" + guestKey}, "create: invalid value for --key-stdin (not repeated: it may be a key)"},
		{"", []string{"create", "--zone", "guests", "--key-stdin", "--phone=" + phoneKey}, "create: invalid value for --phone (not repeated: it may be a key)"},
		{"", []string{"update", "1", "--zone", "guests", "--phone=" + phoneKey}, "update: invalid value for --phone (not repeated: it may be a key)"},
	} {
		// Named by case and subcommand: some arguments are keys, which a failure must not print.
		stdout, stderr, code := keysFake(t, tc.stdin, tc.args[0], tc.args[1:]...)
		assert.Equal(t, exitUsage, code, "case %d, %s", i, tc.args[0])
		assert.Contains(t, stderr, tc.want, "case %d, %s", i, tc.args[0])
		assert.False(t, strings.Contains(stderr, "built-in fake"), "case %d, %s: started the fake", i, tc.args[0])
		assert.Empty(t, stdout, "case %d, %s", i, tc.args[0])
	}
	_, stderr, code := runApp(t, "keys", "list")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "list: give one of --customer ID --location ID, --serial SERIAL, --service-id ID")
	_, stderr, code = runApp(t, "keys", guestKey)
	assert.Equal(t, exitUsage, code)
	assert.True(t, assertNoKeys(t, stderr))
	assert.Contains(t, stderr, "keys: unknown subcommand (not repeated: it may be a key): give list, create, update, delete or zones")
}

// TestKeysReadOnlyFake: key 0, the network's own password, cannot be deleted or turned off:
// the API's 405 is exit status 2 with a message that says why.
func TestKeysReadOnlyFake(t *testing.T) {
	t.Parallel()
	const want = "key 0 of access zone home is read-only: the API refuses to delete it or turn it off (HTTP 405); key 0 is the WiFi network's own password\n"
	for _, args := range [][]string{
		{"delete", "0", "--zone", "home", "--yes"},
		{"delete", "0", "--zone", "home", "--yes", "--output", "json"},
		{"update", "0", "--zone", "home", "--disable"},
	} {
		stdout, stderr, code := keysFake(t, "", args[0], args[1:]...)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.Contains(t, stderr, "plumectl: "+args[0]+": "+want, "%v", args)
		assert.Empty(t, stdout, "%v", args)
	}
	// A key the API refuses (the network's password is in use) is 2 too, without the key.
	stdout, stderr, code := keysFake(t, demoWifiKey+"\n", "create", "--zone", "guests", "--key-stdin", "--output", "json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "create: the API refused the key: plume: HomePass.CreateKey: POST ")
	assert.Contains(t, stderr, ": 422: encryptionKey is already in use\n")
	assert.Empty(t, stdout)
}

func TestKeysNotFoundFake(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"update", "4", "--zone", "guests", "--enable"},
		{"delete", "4", "--zone", "guests", "--yes"},
		{"update", "0", "--zone", "guests", "--enable"}, // key 0 is in zone home
	} {
		stdout, stderr, code := keysFake(t, "", args[0], args[1:]...)
		assert.Equal(t, exitFailed, code, "%v", args)
		assert.Regexp(t, `plumectl: `+args[0]+`: no key \d in access zone guests at location [0-9a-f]{24} of customer [0-9a-f]{24}\n$`, stderr, "%v", args)
		assert.Empty(t, stdout)
	}
	stdout, stderr, code := runApp(t, "keys", "list", "--fake", "--service-id", "svc-nowhere")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `plumectl: list: no location has service id "svc-nowhere"`)
	assert.Empty(t, stdout)
}

func TestParseExpires(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"90m":                       now.Add(90 * time.Minute),
		"24h":                       now.Add(24 * time.Hour),
		"7d":                        now.Add(7 * 24 * time.Hour),
		" 1d ":                      now.Add(24 * time.Hour),
		"2026-12-31T23:00:00Z":      time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC),
		"2026-12-05T00:00:00+02:00": time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC),
	} {
		got, err := parseExpires(in, now)
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), "%s: %s", in, got)
	}
	for _, in := range []string{"", "0", "0s", "-5m", "1w", "d", "2026-12-04T20:00:00Z", "2025-01-01", "tomorrow"} {
		_, err := parseExpires(in, now)
		assert.Error(t, err, in)
	}
}

// runStdin runs the binary with stdin as its standard input.
func (b binary) runStdin(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd, stdout, stderr := b.command(args...)
	cmd.Stdin = strings.NewReader(stdin)
	code := exitCode(t, cmd.Run())
	return stdout.String(), stderr.String(), code
}

// TestKeysBinary builds plumectl and runs keys against a fake started here, through the
// PLUME_* variables: what each command changed, and what it sent, is read back in the fake.
func TestKeysBinary(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithWAF(1<<30, time.Hour))
	require.NoError(t, seedDemo(t.Context(), srv))
	creds := srv.Credentials()
	bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
	l := demoLocation(t, srv)
	at := []string{"--customer", l.CustomerID, "--location", l.ID}
	run := func(t *testing.T, stdin string, args ...string) (string, string, int) {
		t.Helper()
		stdout, stderr, code := bin.runStdin(t, stdin, append(args, at...)...)
		assertNoSecrets(t, creds, stdout, stderr)
		assertNoKeys(t, stdout, stderr)
		return stdout, stderr, code
	}
	key := func(id int) (plumetest.KeyView, bool) {
		for _, k := range srv.Keys(l.ID) {
			if k.ID == id {
				return k, true
			}
		}
		return plumetest.KeyView{}, false
	}

	// create: the first line of stdin, CRLF trimmed, is the key.
	stdout, stderr, code := run(t, guestKey+"\r\nnot the key\n", "keys", "create", "--zone", "guests", "--key-stdin", "--content", "adultAndSensitive", "--expires", "2030-01-02T03:04:05Z")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Key 1 created in access zone guests at location "+l.ID)
	k, ok := key(1)
	require.True(t, ok)
	assert.True(t, k.EncryptionKey == guestKey, "the key stored is the first line of stdin")
	assert.Equal(t, "guests", k.AccessZone)
	assert.Equal(t, "encryptionKey", k.Format)
	assert.True(t, k.Enable)
	assert.Equal(t, []string{"adultAndSensitive"}, k.Content)
	assert.Equal(t, time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), k.ExpiresAt)

	// list: every zone from one read of the network.
	srv.ResetCounts()
	stdout, stderr, code = run(t, "", "keys", "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `\n1 +guests +encryptionKey +yes +2030-01-02T03:04:05Z +adultAndSensitive\n$`, stdout)
	assert.Equal(t, 1, srv.TotalRequests(), "one call for every zone")
	stdout, stderr, code = run(t, "", "keys", "list", "--zone", "guests", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var list keyListing
	decodeObject(t, stdout, &list)
	require.Len(t, list.Keys, 1)
	assert.Equal(t, 1, list.Keys[0].ID)

	// update without --key-stdin: the key read is sent back unchanged.
	srv.ResetCounts()
	stdout, stderr, code = run(t, "", "keys", "update", "1", "--zone", "guests", "--disable", "--no-content", "--no-expiry")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, ": key kept; encryptionKey, disabled, no expiry, no content filter\n")
	assert.Equal(t, 1, srv.RequestCount(routeWifiNetwork), "the key is read first")
	assert.Equal(t, 1, srv.RequestCount(routeUpdateKey))
	k, _ = key(1)
	assert.True(t, k.EncryptionKey == guestKey, "the key is kept")
	assert.False(t, k.Enable)
	assert.Empty(t, k.Content)
	assert.True(t, k.ExpiresAt.IsZero())

	// update with --key-stdin: a new key; the rest is kept.
	stdout, stderr, code = run(t, otherKey+"\n", "keys", "update", "1", "--zone", "guests", "--key-stdin", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var out keyOutcome
	decodeObject(t, stdout, &out)
	assert.True(t, out.KeyChanged)
	require.NotNil(t, out.Key)
	assert.False(t, out.Key.Enabled, "kept")
	k, _ = key(1)
	assert.True(t, k.EncryptionKey == otherKey, "the new key is stored")
	assert.False(t, k.Enable)

	// Key 0 is the network's password: updated without --key-stdin, the password is kept.
	stdout, stderr, code = run(t, "", "keys", "update", "0", "--zone", "home", "--content", "adultAndSensitive")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Key 0 updated in access zone home at ")
	k, _ = key(0)
	assert.True(t, k.EncryptionKey == demoWifiKey, "the WiFi password is kept")
	assert.Equal(t, []string{"adultAndSensitive"}, k.Content)

	// Refused before sending: nothing is written.
	srv.ResetCounts()
	_, stderr, code = run(t, "short\n", "keys", "create", "--zone", "guests", "--key-stdin")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "must be at least 8 characters, got 5")
	_, stderr, code = run(t, "short\n", "keys", "update", "1", "--zone", "guests", "--key-stdin")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "update: the key is refused, nothing was changed")
	assert.Zero(t, srv.RequestCount(routeCreateKey)+srv.RequestCount(routeUpdateKey), "nothing written")
	assert.Len(t, srv.Keys(l.ID), 2)

	// Read-only key 0: 405, exit status 2, the key still there.
	_, stderr, code = run(t, "", "keys", "delete", "0", "--zone", "home", "--yes")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "key 0 of access zone home is read-only")
	assert.Equal(t, 1, srv.RequestCount(routeDeleteKey))
	_, ok = key(0)
	assert.True(t, ok)

	// delete: without --yes nothing is sent; with it the key is gone, and then not found.
	_, _, code = run(t, "", "keys", "delete", "1", "--zone", "guests")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, 1, srv.RequestCount(routeDeleteKey), "nothing sent without --yes")
	stdout, stderr, code = run(t, "", "keys", "delete", "1", "--zone", "guests", "--yes", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var deleted keyOutcome
	decodeObject(t, stdout, &deleted)
	assert.Equal(t, "deleted", deleted.Action)
	require.NotNil(t, deleted.ID)
	assert.Equal(t, 1, *deleted.ID)
	assert.Nil(t, deleted.Key)
	_, ok = key(1)
	assert.False(t, ok, "deleted")
	_, stderr, code = run(t, "", "keys", "delete", "1", "--zone", "guests", "--yes")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "delete: no key 1 in access zone guests at location "+l.ID)
}

// TestKeysCompletion is what the shell gets when the user presses tab.
func TestKeysCompletion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"keys", "list", "--zone", ""}, []string{"home", "guests", "internetAccessOnly"}},
		{[]string{"keys", "create", "--content", ""}, []string{"adultAndSensitive"}},
		{[]string{"keys", "delete", "1", "--output", ""}, []string{"text", "json"}},
	} {
		stdout, stderr, code := runApp(t, append([]string{cobra.ShellCompRequestCmd}, tc.words...)...)
		require.Equal(t, exitOK, code, "%v: %s", tc.words, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.NotEmpty(t, lines)
		assert.Equal(t, tc.want, lines[:len(lines)-1], "%v", tc.words) // the last is the directive
	}
}
