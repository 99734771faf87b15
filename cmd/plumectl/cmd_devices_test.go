package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDevicesFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "devices", "--fake", "--service-id", demoServiceID)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "built-in fake")
	assert.Regexp(t, `^5 devices at location [0-9a-f]{24} of customer [0-9a-f]{24}\n`, stdout)
	assert.Regexp(t, `\nNAME +MAC +IP +BAND +STATE +SINCE\n`, stdout)
	assert.Regexp(t, `\nPixel 8 +02:5c:00:00:00:01 +192\.168\.1\.20 +5G +connected +\d{4}-\d\d-\d\dT`, stdout)
	assert.Regexp(t, `\nPrinter +02:5c:00:00:00:04 +192\.168\.1\.23 +ethernet +connected `, stdout)
	assert.Regexp(t, `\nOld tablet +02:5c:00:00:00:05 +- +2\.4G +disconnected `, stdout)
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestDevicesJSON(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "devices", "--fake", "--service-id", demoServiceID, "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "devices"}, keysOf(t, stdout))
	assert.ElementsMatch(t, []string{"mac", "name", "ip", "medium", "band", "channel", "access_zone", "state", "state_since"},
		keysOf(t, stdout, "devices"))
	var list deviceList
	decodeObject(t, stdout, &list)
	require.Len(t, list.Devices, 5)
	byMAC := map[string]deviceRow{}
	for _, d := range list.Devices {
		byMAC[d.MAC] = d
	}
	tv := byMAC["02:5c:00:00:00:03"]
	assert.Equal(t, "Living room TV", tv.Name)
	assert.Equal(t, "2.4G", tv.Band)
	assert.Equal(t, 6, tv.Channel)
	assert.Equal(t, "connected", tv.State)
	printer := byMAC["02:5c:00:00:00:04"]
	assert.Equal(t, "ethernet", printer.Medium)
	assert.Empty(t, printer.Band)
	assert.Equal(t, "disconnected", byMAC["02:5c:00:00:00:05"].State)

	stdout, stderr, code = runApp(t, "devices", "--fake", "--service-id", demoServiceID, "--output", "json", "--days-offline", "5")
	require.Equal(t, exitOK, code, stderr)
	list = deviceList{}
	decodeObject(t, stdout, &list)
	assert.Len(t, list.Devices, 4, "the tablet offline for ten days is left out")
	for _, d := range list.Devices {
		assert.Equal(t, "connected", d.State, d.MAC)
	}
}

func TestDevicesUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--service-id", "x", "--days-offline", "-1"}, "--days-offline must be 0 or more, not -1"},
		{[]string{"--service-id", "x", "--days-offline", "two"}, `invalid argument "two"`},
		{[]string{"--service-id", "x", "extra"}, `unexpected argument "extra"`},
		{[]string{"--service-id", "x", "--output", "yaml"}, "--output must be text or json"},
	} {
		stdout, stderr, code := runApp(t, append([]string{"devices"}, tc.args...)...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
	}
}
