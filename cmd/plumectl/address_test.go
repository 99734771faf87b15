package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The support commands (devices, reboot, steer, firmware, speedtest) run in-process against
// --fake: the demo subscriber, or a CSV's rows, with short reboot and speed-test timings.

// assertNoSupportSecrets checks that no output carries a WiFi key (the demo's or a CSV's), a
// token or an authorization header, and ends the test at once if one does, so that no later
// assertion prints the output.
func assertNoSupportSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	all := strings.Join(outputs, "\n")
	for name, s := range map[string]string{
		"the demo WiFi key": demoWifiKey, "a CSV WiFi key": "wifi-secret", "a JWT": "eyJ",
		"a bearer token": "Bearer", "a Basic header": "Basic ", "a token answer": "access_token",
	} {
		// Named, not printed: assert.NotContains would print the output and the secret.
		require.False(t, strings.Contains(all, s), "%s leaked into the output", name)
	}
}

// decodeObject decodes a JSON object printed by --output json, refusing unknown trailing text.
func decodeObject(t *testing.T, stdout string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), stdout)
	assert.False(t, dec.More(), "one JSON value")
}

// keysOf returns the member names of the JSON object stdout, or of its member at path.
func keysOf(t *testing.T, stdout string, path ...string) []string {
	t.Helper()
	var obj map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &obj), stdout)
	for _, p := range path {
		raw := obj[p]
		if len(raw) > 0 && raw[0] == '[' {
			var list []map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(raw, &list))
			require.NotEmpty(t, list, p)
			obj = list[0]
			continue
		}
		obj = nil
		require.NoError(t, json.Unmarshal(raw, &obj), p)
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	return keys
}

// TestSupportAddressing: each way of finding the location, and each way of getting it wrong.
func TestSupportAddressing(t *testing.T) {
	t.Parallel()
	var byService deviceList
	stdout, stderr, code := runApp(t, "devices", "--fake", "--service-id", demoServiceID, "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	decodeObject(t, stdout, &byService)
	assert.NotEmpty(t, byService.CustomerID)
	assert.NotEmpty(t, byService.LocationID)

	for _, serial := range []string{demoGateway, demoPods[1]} {
		stdout, stderr, code := runApp(t, "devices", "--fake", "--serial", serial)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "5 devices at location ")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--service-id", "svc-none"}, `devices: no location has service id "svc-none"`},
		{[]string{"--serial", "GW-NONE"}, `devices: serial "GW-NONE" is not in your inventory`},
		{[]string{"--customer", "000000000000000000000001", "--location", "000000000000000000000002"}, "devices: no location 000000000000000000000002 of customer 000000000000000000000001 (the API answered 401: customer 000000000000000000000001 is unknown, or not your partner's)"},
	} {
		stdout, stderr, code := runApp(t, append([]string{"devices", "--fake"}, tc.args...)...)
		assert.Equal(t, exitFailed, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
	}

	for _, args := range [][]string{
		{},
		{"--customer", "c1"},
		{"--location", "l1"},
		{"--serial", "S", "--service-id", "X"},
		{"--customer", "c1", "--location", "l1", "--serial", "S"},
	} {
		_, stderr, code := runApp(t, append([]string{"devices", "--fake"}, args...)...)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.Regexp(t, "devices: (give one of --customer ID --location ID, --serial SERIAL, --service-id ID|--customer and --location go together)", stderr, "%v", args)
	}
	_, stderr, code = runApp(t, "devices", "--service-id", "x", "--csv", "c.csv")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--csv goes with --fake")
}

// TestSupportCommandsFromCSV: with --fake --csv the fake holds the file's rows, each location
// with its devices, and no output carries a row's WiFi key.
func TestSupportCommandsFromCSV(t *testing.T) {
	t.Parallel()
	csv := writeCSV(t, t.TempDir(), "c.csv", 1, 3)
	stdout, stderr, code := runApp(t, "devices", "--fake", "--csv", csv, "--service-id", "svc-0002")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "Seeded the fake: onboarded 3 rows")
	assert.Contains(t, stdout, "5 devices at location ")
	stdout2, stderr2, code := runApp(t, "devices", "--fake", "--csv", csv, "--serial", "POD-0003b", "--output", "json")
	require.Equal(t, exitOK, code, stderr2)
	_, stderr3, code := runApp(t, "devices", "--fake", "--csv", csv, "--service-id", demoServiceID)
	assert.Equal(t, exitFailed, code, "no demo subscriber when a CSV seeds the fake")
	assertNoSupportSecrets(t, stdout, stderr, stdout2, stderr2, stderr3)
}
