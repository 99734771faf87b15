package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// steerFake runs plumectl steer against the demo subscriber with --output json.
func steerFake(t *testing.T, args ...string) (steerOutcome, string, int) {
	t.Helper()
	stdout, stderr, code := runApp(t, append([]string{"steer", "--fake", "--service-id", demoServiceID, "--output", "json"}, args...)...)
	assertNoSupportSecrets(t, stdout, stderr)
	var out steerOutcome
	if code == exitOK {
		decodeObject(t, stdout, &out)
		assert.NotEmpty(t, out.CustomerID)
		assert.NotEmpty(t, out.LocationID)
	}
	return out, stderr, code
}

func TestSteerForced(t *testing.T) {
	t.Parallel()
	before := time.Now()
	out, stderr, code := steerFake(t, "--mac", "02-5C-00-00-00-01", "--until", "15m")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "force_steer", out.Action)
	assert.Equal(t, "02:5c:00:00:00:01", out.MAC, "the MAC as sent")
	until, err := time.Parse(time.RFC3339, out.Until)
	require.NoError(t, err)
	assert.WithinRange(t, until, before.Add(15*time.Minute-time.Second), time.Now().Add(15*time.Minute))

	out, stderr, code = steerFake(t, "--mac", "025c.0000.0001", "--until", "5m")
	require.Equal(t, exitOK, code, stderr)
	until, err = time.Parse(time.RFC3339, out.Until)
	require.NoError(t, err)
	assert.False(t, until.Before(before.Add(5*time.Minute+steerMargin-time.Second)), "5m is sent with a margin: %s", out.Until)

	stdout, stderr, code := runApp(t, "steer", "--fake", "--service-id", demoServiceID, "--mac", "02:5c:00:00:00:02", "--until", "1h")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Device 02:5c:00:00:00:02 at location [0-9a-f]{24} of customer [0-9a-f]{24}: forced onto 2\.4 GHz until \d{4}-`, stdout)

	out, stderr, code = steerFake(t, "--mac", "02:5c:00:00:00:01", "--end")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "end_forced_steer", out.Action)
	assert.Empty(t, out.Until)
}

func TestSteerClientAndBand(t *testing.T) {
	t.Parallel()
	for _, auto := range []bool{false, true} {
		value := "false"
		if auto {
			value = "true"
		}
		out, stderr, code := steerFake(t, "--mac", "02:5c:00:00:00:03", "--auto="+value)
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, "client_steering", out.Action)
		require.NotNil(t, out.Auto)
		assert.Equal(t, auto, *out.Auto)
		assert.NotEmpty(t, out.UpdatedAt)
	}
	stdout, stderr, code := runApp(t, "steer", "--fake", "--service-id", demoServiceID, "--mac", "02:5c:00:00:00:03", "--auto", "false")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, ": client steering by the optimizer off\n")

	for _, mode := range []string{"enable", "disable", "auto"} {
		out, stderr, code := steerFake(t, "--band-steering", mode)
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, "band_steering", out.Action)
		assert.Equal(t, mode, out.Mode)
		assert.Empty(t, out.MAC)
	}
	stdout, stderr, code = runApp(t, "steer", "--fake", "--serial", demoGateway, "--band-steering", "disable")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Band steering at location [0-9a-f]{24} of customer [0-9a-f]{24}: disable\n$`, stdout)
}

func TestSteerErrors(t *testing.T) {
	t.Parallel()
	_, stderr, code := steerFake(t, "--mac", "02:5c:00:00:00:99", "--until", "10m")
	assert.Equal(t, exitFailed, code, "an unknown device")
	assert.Contains(t, stderr, "steer: no device 02:5c:00:00:00:99 at location ")
	_, _, code = steerFake(t, "--mac", "02:5c:00:00:00:99", "--end")
	assert.Equal(t, exitFailed, code)
	_, stderr, code = steerFake(t, "--mac", "not-a-mac", "--end")
	assert.Equal(t, exitUsage, code, "a MAC the SDK refuses")
	assert.Contains(t, stderr, "is not a MAC address")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "give one of --until DURATION, --end, --auto true|false"},
		{[]string{"--mac", "02:5c:00:00:00:01"}, "give one of --until"},
		{[]string{"--mac", "02:5c:00:00:00:01", "--end", "--until", "10m"}, "give one of --until"},
		{[]string{"--end", "--band-steering", "auto"}, "give one of --until"},
		{[]string{"--end"}, "--mac MAC is required with --until, --end and --auto"},
		{[]string{"--mac", "02:5c:00:00:00:01", "--until", "4m"}, "--until must be 5m to 60m, not 4m0s"},
		{[]string{"--mac", "02:5c:00:00:00:01", "--until", "61m"}, "--until must be 5m to 60m, not 1h1m0s"},
		{[]string{"--mac", "02:5c:00:00:00:01", "--until", "soon"}, `invalid argument "soon"`},
		{[]string{"--mac", "02:5c:00:00:00:01", "--auto", "maybe"}, `--auto must be true or false, not "maybe"`},
		{[]string{"--band-steering", "sometimes"}, `--band-steering must be auto, enable or disable, not "sometimes"`},
		{[]string{"--band-steering", "auto", "--mac", "02:5c:00:00:00:01"}, "--band-steering is for the whole location: no --mac"},
	} {
		stdout, stderr, code := runApp(t, append([]string{"steer", "--service-id", "svc-x"}, tc.args...)...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
	}
}

func TestColonMAC(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"AA:BB:CC:DD:EE:FF": "aa:bb:cc:dd:ee:ff",
		"aa-bb-cc-dd-ee-ff": "aa:bb:cc:dd:ee:ff",
		"aabb.ccdd.eeff":    "aa:bb:cc:dd:ee:ff",
		" aabbccddeeff ":    "aa:bb:cc:dd:ee:ff",
		"zz":                "zz",
		"aabbccddeegg":      "aabbccddeegg",
	} {
		assert.Equal(t, want, colonMAC(in), in)
	}
}
