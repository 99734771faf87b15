package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpeedTestStartFake(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "speedtest", "--fake", "--service-id", demoServiceID, "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "node_id", "request_id", "status", "waited"}, keysOf(t, stdout))
	var out speedOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, demoGateway, out.NodeID, "the gateway by default")
	assert.Equal(t, "started", out.Status)
	assert.NotEmpty(t, out.RequestID, "the fake answers a request id")

	stdout, stderr, code = runApp(t, "speedtest", "--fake", "--serial", demoPods[0])
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Speed test started on node POD-DEMO-0001 at location [0-9a-f]{24} of customer [0-9a-f]{24} \(request [0-9a-f]{24}\)\n$`, stdout)
	stdout, stderr, code = runApp(t, "speedtest", "--fake", "--serial", demoPods[0], "--node", demoPods[1])
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "started on node POD-DEMO-0002 ", "--node before --serial")
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestSpeedTestWaitFake(t *testing.T) {
	t.Parallel()
	skipWaiting(t)
	stdout, stderr, code := runApp(t, "speedtest", "--fake", "--service-id", demoServiceID, "--wait", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "Speed test on node GW-DEMO-0001; waiting for its result…\n", "the progress line")
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "node_id", "request_id", "status", "waited", "waited_seconds",
		"download_mbps", "upload_mbps", "latency_ms", "at"}, keysOf(t, stdout))
	var out speedOutcome
	decodeObject(t, stdout, &out)
	assert.Equal(t, "completed", out.Status)
	require.NotNil(t, out.DownloadMbps)
	assert.InDelta(t, 940, *out.DownloadMbps, 0.01, "the fake's gateway measures 940/42/9")
	assert.InDelta(t, 42, *out.UploadMbps, 0.01)
	assert.InDelta(t, 9, *out.LatencyMs, 0.01)
	assert.NotEmpty(t, out.At)
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestSpeedTestWaitOnAPod(t *testing.T) {
	t.Parallel()
	skipWaiting(t)
	stdout, stderr, code := runApp(t, "speedtest", "--fake", "--serial", demoPods[0], "--wait")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Speed test on node POD-DEMO-0001 at location [0-9a-f]{24} of customer [0-9a-f]{24} \(request [0-9a-f]{24}\): completed, download 480\.0 Mbps, upload 40\.0 Mbps, latency 14 ms\n$`, stdout)
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestSpeedTestErrors(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "speedtest", "--fake", "--service-id", demoServiceID, "--node", "POD-NONE")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "speedtest: no node POD-NONE at location ")
	assert.Empty(t, stdout)
	_, stderr, code = runApp(t, "speedtest", "--fake", "--service-id", "svc-none", "--wait")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `no location has service id "svc-none"`)
	for _, args := range [][]string{{"--wait"}, {"--service-id", "x", "extra"}, {"--service-id", "x", "--wait=maybe"}} {
		_, _, code := runApp(t, append([]string{"speedtest"}, args...)...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
}

func TestLeafToRoot(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string][]string{
		`{"leafToRoot":[{"id":"POD1"},{"id":"GW1"}]}`: {"POD1", "GW1"},
		`{"leafToRoot":["POD1","GW1"]}`:               {"POD1", "GW1"},
		`{"leafToRoot":[]}`:                           nil,
		`{"leafToRoot":[7,{"x":1}]}`:                  nil,
		`{}`:                                          nil,
		`[]`:                                          nil,
	} {
		assert.Equal(t, want, leafToRoot(json.RawMessage(raw)), raw)
	}
}
