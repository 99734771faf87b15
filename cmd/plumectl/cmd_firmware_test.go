package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFirmwareStatusFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "firmware", "status", "--fake", "--service-id", demoServiceID)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Firmware at location [0-9a-f]{24} of customer [0-9a-f]{24}\n`, stdout)
	assert.Regexp(t, `\nNODE +VERSION +TARGET +STATUS +UPDATED\n`, stdout)
	assert.Regexp(t, `\nGW-DEMO-0001 +1\.0\.0 +1\.1\.0 +idle +\d{4}-`, stdout)
	assert.Regexp(t, `\nPOD-DEMO-0002 +1\.0\.0 `, stdout)

	stdout, stderr, code = runApp(t, "firmware", "status", "--fake", "--serial", demoGateway, "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "upgrade_requested", "nodes", "answer"}, keysOf(t, stdout))
	assert.ElementsMatch(t, []string{"node_id", "firmware_version", "target_version", "status", "updated_at"}, keysOf(t, stdout, "nodes"))
	var rep firmwareReport
	decodeObject(t, stdout, &rep)
	assert.False(t, rep.UpgradeRequested)
	require.Len(t, rep.Nodes, 3)
	assert.Equal(t, "idle", rep.Nodes[0].Status)
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestFirmwareUpgradeFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "firmware", "upgrade", "--fake", "--service-id", demoServiceID, "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var rep firmwareReport
	decodeObject(t, stdout, &rep)
	assert.True(t, rep.UpgradeRequested)
	require.Len(t, rep.Nodes, 3)
	for _, n := range rep.Nodes {
		assert.Equal(t, "requested", n.Status, n.NodeID)
		assert.Equal(t, "1.1.0", n.TargetVersion, n.NodeID)
	}
	stdout, stderr, code = runApp(t, "firmware", "upgrade", "--fake", "--service-id", demoServiceID)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Firmware upgrade requested at location [0-9a-f]{24} of customer [0-9a-f]{24}\n`, stdout)
	assert.Regexp(t, `\nPOD-DEMO-0001 +1\.0\.0 +1\.1\.0 +requested `, stdout)
}

func TestFirmwareReportOfAnUndocumentedShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer string
		want   string
	}{
		{`[{}]`, "The API's answer, of a shape Plume does not document:\n[{}]\n"},
		{``, "The API answered with no status.\n"},
	} {
		var b strings.Builder
		rep := firmwareReport{place: place{CustomerID: "c1", LocationID: "l1"}, Answer: []byte(tc.answer), Nodes: []firmwareNode{{}}}
		require.NoError(t, rep.print(&b))
		assert.Equal(t, "Firmware at location l1 of customer c1\n"+tc.want, b.String(), tc.answer)
	}
}

func TestFirmwareHelpAndErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "firmware"}, {"firmware", "status", "--help"}, {"firmware", "upgrade", "--help"}} {
		stdout, _, code := runApp(t, args...)
		require.Equal(t, exitOK, code, "%v", args)
		assert.Contains(t, stdout, "It documents no target version, no downgrade", "%v", args)
	}
	stdout, _, code := runApp(t, "firmware")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "Available Commands:\n  status ")

	_, stderr, code := runApp(t, "firmware", "downgrade")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "downgrade" for "plumectl firmware"`)
	_, stderr, code = runApp(t, "firmware", "upgrade", "--service-id", "x", "--version", "2.0")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "flag provided but not defined: --version")
	_, stderr, code = runApp(t, "firmware", "status")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "status: give one of --customer ID")
	_, stderr, code = runApp(t, "firmware", "status", "--fake", "--service-id", "svc-none")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `no location has service id "svc-none"`)
}
