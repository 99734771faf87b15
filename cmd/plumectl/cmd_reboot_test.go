package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// skipWaiting skips a test that waits for Client.RebootAndWait or Client.SpeedTest: their
// pauses between polls (2 s, then 4 s) are the SDK's, and plumectl cannot shorten them.
func skipWaiting(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("waits for the SDK's polls (2 to 6 s)")
	}
}

func TestRebootFake(t *testing.T) {
	t.Parallel()
	var out rebootOutcome
	stdout, stderr, code := runApp(t, "reboot", "--fake", "--serial", demoPods[0], "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "scope", "node_id", "delay", "waited"}, keysOf(t, stdout))
	decodeObject(t, stdout, &out)
	assert.Equal(t, "node", out.Scope)
	assert.Equal(t, demoPods[0], out.NodeID, "--serial names the node")
	assert.False(t, out.Waited)

	stdout, stderr, code = runApp(t, "reboot", "--fake", "--service-id", demoServiceID, "--node", demoGateway, "--delay", "30")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Reboot of node GW-DEMO-0001 at location [0-9a-f]{24} of customer [0-9a-f]{24} requested, delay 30\n$`, stdout)

	stdout, stderr, code = runApp(t, "reboot", "--fake", "--service-id", demoServiceID)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Reboot of every node of location [0-9a-f]{24} of customer [0-9a-f]{24} requested\n$`, stdout)
	stdout, stderr, code = runApp(t, "reboot", "--fake", "--service-id", demoServiceID, "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	out = rebootOutcome{}
	decodeObject(t, stdout, &out)
	assert.Equal(t, "location", out.Scope)
	assert.Empty(t, out.NodeID)
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestRebootAndWaitFake(t *testing.T) {
	t.Parallel()
	skipWaiting(t)
	stdout, stderr, code := runApp(t, "reboot", "--fake", "--service-id", demoServiceID, "--node", demoPods[1], "--wait", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "Rebooting node POD-DEMO-0002; waiting for it to come back…\n", "the progress line")
	assert.ElementsMatch(t, []string{"customer_id", "location_id", "scope", "node_id", "delay", "waited", "waited_seconds", "connection_state", "state_since"}, keysOf(t, stdout))
	var out rebootOutcome
	decodeObject(t, stdout, &out)
	assert.True(t, out.Waited)
	assert.Equal(t, "connected", out.ConnectionState)
	assert.GreaterOrEqual(t, out.WaitedSeconds, 3.0, "down for the fake's 3 s at least")
	assertNoSupportSecrets(t, stdout, stderr)
}

func TestRebootErrors(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runApp(t, "reboot", "--fake", "--service-id", demoServiceID, "--node", "GW-NONE")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "reboot: no node GW-NONE at location ")
	assert.Empty(t, stdout)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--service-id", "x", "--wait"}, "--wait waits for one node: give --node ID or --serial SERIAL"},
		{[]string{"--service-id", "x", "--delay", "-1"}, "--delay must be 0 to 100000, not -1"},
		{[]string{"--service-id", "x", "--delay", "100001"}, "--delay must be 0 to 100000, not 100001"},
		{[]string{"--service-id", "x", "now"}, `unexpected argument "now"`},
		{[]string{"--node", "GW-1"}, "give one of --customer ID --location ID"},
	} {
		stdout, stderr, code := runApp(t, append([]string{"reboot"}, tc.args...)...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
	}
}

// watchedBuffer is a writer safe for the progress line's goroutine that closes seen once it
// has been written want.
type watchedBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestRebootWaitInterrupted: Ctrl-C while waiting ends the wait at once, exit status 130.
func TestRebootWaitInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout bytes.Buffer
	stderr := &watchedBuffer{want: "waiting for it to come back", seen: make(chan struct{})}
	a := &app{stdout: &stdout, stderr: stderr}
	result := make(chan int, 1)
	go func() {
		result <- a.run(ctx, []string{"reboot", "--fake", "--serial", demoGateway, "--wait"})
	}()
	select {
	case <-stderr.seen:
	case <-time.After(30 * time.Second):
		t.Fatalf("no progress line: %s", stderr.String())
	}
	cancel()
	assert.Equal(t, exitInterrupted, <-result, stderr.String())
	assert.Contains(t, stderr.String(), "context canceled")
	assert.Empty(t, stdout.String())
}

func TestWaitLine(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{false, true} {
		var stderr bytes.Buffer
		a := &app{stderr: &stderr, progress: terminal}
		done := a.waitLine("Waiting for X")
		done()
		done() // a second call does nothing
		assert.Equal(t, "Waiting for X…\n", stderr.String(), "terminal %t", terminal)
	}
}
