package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// binary is the built plumectl with the environment it runs in.
type binary struct {
	path string
	env  []string
}

// builtDir holds the binary the tests build once; TestMain removes it.
var builtDir string

// TestMain fails the package when a goroutine outlives its tests, and removes the binary.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if builtDir != "" {
			os.RemoveAll(builtDir)
		}
		os.Exit(code)
	}))
}

// build builds the command once for all tests.
var build = sync.OnceValues(func() (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", errNoGoTool
	}
	if builtDir, err = os.MkdirTemp("", "plumectl-test-"); err != nil {
		return "", err
	}
	path := filepath.Join(builtDir, "plumectl")
	if out, err := exec.Command(goTool, "build", "-o", path, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return path, nil
})

var errNoGoTool = errors.New("no go tool to build plumectl with")

// buildPlumectl returns the built command, or skips the test when there is no go tool.
func buildPlumectl(t *testing.T) string {
	t.Helper()
	path, err := build()
	if errors.Is(err, errNoGoTool) {
		t.Skip(err)
	}
	require.NoError(t, err)
	return path
}

// envFor is the process environment without PLUME_* variables, plus the fake's.
func envFor(srv *plumetest.Server, creds plume.Credentials) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PLUME_") {
			env = append(env, kv)
		}
	}
	return append(env,
		plume.EnvAPIURL+"="+srv.URL,
		plume.EnvAuthURL+"="+srv.TokenURL,
		plume.EnvPartnerID+"="+creds.PartnerID,
		plume.EnvClientID+"="+creds.ClientID,
		plume.EnvClientSecret+"="+creds.ClientSecret,
	)
}

func (b binary) command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(b.path, args...)
	cmd.Env = b.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// run runs the binary and returns its output and exit status.
func (b binary) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd, stdout, stderr := b.command(args...)
	code := exitCode(t, cmd.Run())
	return stdout.String(), stderr.String(), code
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// seedRows puts the serials of rows from..to in the fake's inventory.
func seedRows(srv *plumetest.Server, from, to int) {
	for i := from; i <= to; i++ {
		srv.AddGateways(fmt.Sprintf("GW-%04d", i))
		srv.AddInventory(fmt.Sprintf("POD-%04da", i), fmt.Sprintf("POD-%04db", i))
	}
}

func decodeReport(t *testing.T, stdout string) report {
	t.Helper()
	var rep report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	return rep
}

// assertNoSecrets checks that no output carries a WiFi key, the client secret or a token,
// and ends the test at once if one does, so that no later assertion prints the output.
func assertNoSecrets(t *testing.T, creds plume.Credentials, outputs ...string) {
	t.Helper()
	all := strings.Join(outputs, "\n")
	// Named, not printed: assert.NotContains would print the output and the secret.
	require.False(t, strings.Contains(all, "wifi-secret"), "a CSV WiFi key leaked into the output")
	require.False(t, strings.Contains(all, creds.ClientSecret), "the client secret leaked into the output")
	require.False(t, strings.Contains(all, "eyJ"), "a JWT leaked into the output")
}

// TestBinaryEndToEnd builds plumectl and runs each command against a fake started here,
// through the PLUME_* variables, checking output and exit statuses.
func TestBinaryEndToEnd(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithWAF(1<<30, time.Hour))
	seedRows(srv, 1, 20)
	creds := srv.Credentials()
	bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
	dir := t.TempDir()
	good := writeCSV(t, dir, "good.csv", 1, 20)
	withBad := writeCSV(t, dir, "bad.csv", 1, 20, "acct-bad,Bad,bad@example.com,,,Net,tiny,,,\n")
	fast := []string{"--rate", "1000", "--workers", "4"}

	t.Run("token", func(t *testing.T) {
		stdout, stderr, code := bin.run(t, "token")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "Credentials OK for partner "+creds.PartnerID)
		assert.Contains(t, stdout, "token expires ")
		assertNoSecrets(t, creds, stdout, stderr)
	})

	t.Run("onboard with a malformed row", func(t *testing.T) {
		stdout, stderr, code := bin.run(t, append([]string{"onboard", "--csv", withBad, "--output", "json"}, fast...)...)
		require.Equal(t, exitFailed, code, stderr)
		rep := decodeReport(t, stdout)
		assert.Equal(t, 20, rep.Done)
		assert.Equal(t, 1, rep.Failed)
		require.Len(t, rep.Failures, 1)
		assert.Equal(t, 22, rep.Failures[0].Line)
		assert.Equal(t, "wifi_key", rep.Failures[0].Column)
		assert.Equal(t, withBad+".onboard.journal.jsonl", rep.Journal)
		assert.Len(t, srv.Customers(), 20)
		assertNoSecrets(t, creds, stdout, stderr)

		stdout, _, code = bin.run(t, append([]string{"onboard", "--csv", withBad, "--output", "json"}, fast...)...)
		assert.Equal(t, exitFailed, code, "the malformed row fails again")
		rep = decodeReport(t, stdout)
		assert.Equal(t, 20, rep.Skipped)
	})

	t.Run("onboard again is all skipped", func(t *testing.T) {
		stdout, stderr, code := bin.run(t, append([]string{"onboard", "--csv", good, "--journal", withBad + ".onboard.journal.jsonl"}, fast...)...)
		require.Equal(t, exitOK, code, stderr)
		assert.Regexp(t, `skipped\s+20 `, stdout)
		assert.Len(t, srv.Customers(), 20)
	})

	t.Run("lookup", func(t *testing.T) {
		stdout, stderr, code := bin.run(t, "lookup", "--account", "acct-0001", "--output", "json")
		require.Equal(t, exitOK, code, stderr)
		var customer customerFound
		require.NoError(t, json.Unmarshal([]byte(stdout), &customer))
		assert.Equal(t, "acct-0001", customer.AccountID)
		assert.Len(t, customer.LocationIDs, 1)

		stdout, _, code = bin.run(t, "lookup", "--serial", "GW-0002")
		assert.Equal(t, exitOK, code)
		assert.Contains(t, stdout, "Serial GW-0002: claimed by customer")
		stdout, _, code = bin.run(t, "lookup", "--service-id", "svc-0003")
		assert.Equal(t, exitOK, code)
		assert.Contains(t, stdout, "account acct-0003")
		_, stderr, code = bin.run(t, "lookup", "--account", "acct-none")
		assert.Equal(t, exitFailed, code)
		assert.Contains(t, stderr, `no customer has account id "acct-none"`)
	})

	t.Run("suspend and resume", func(t *testing.T) {
		_, stderr, code := bin.run(t, append([]string{"suspend", "--csv", good, "--level", "basicService"}, fast...)...)
		require.Equal(t, exitOK, code, stderr)
		for _, l := range srv.Locations() {
			assert.Equal(t, string(plume.BasicService), l.ServiceLevel)
		}
		_, stderr, code = bin.run(t, append([]string{"resume", "--csv", good}, fast...)...)
		require.Equal(t, exitOK, code, stderr)
		for _, l := range srv.Locations() {
			assert.Equal(t, string(plume.FullService), l.ServiceLevel)
		}
	})

	t.Run("rma", func(t *testing.T) {
		stdout, stderr, code := bin.run(t, "rma", "GW-0001", "POD-0001a")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "GW-0001: unclaimed from customer")
		node, _ := srv.Node("GW-0001")
		assert.Empty(t, node.LocationID)
		stdout, _, code = bin.run(t, "rma", "GW-0001", "--output", "json")
		assert.Equal(t, exitOK, code)
		assert.Contains(t, stdout, `"already_unclaimed": true`)
		_, _, code = bin.run(t, "rma", "NOPE-1")
		assert.Equal(t, exitFailed, code)
	})

	t.Run("offboard", func(t *testing.T) {
		stdout, stderr, code := bin.run(t, append([]string{"offboard", "--csv", good, "--output", "json"}, fast...)...)
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, 20, decodeReport(t, stdout).Done)
		for _, n := range srv.Nodes() {
			assert.Empty(t, n.LocationID, "%s is still claimed", n.Serial)
		}
	})

	t.Run("refused credentials", func(t *testing.T) {
		wrong := creds
		wrong.ClientSecret = "definitely-not-the-secret"
		bad := binary{path: bin.path, env: envFor(srv, wrong)}
		stdout, stderr, code := bad.run(t, append([]string{"onboard", "--csv", good, "--journal", "none"}, fast...)...)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stdout, "stopped: batch: stopped: plume:")
		assert.Contains(t, stdout, "invalid_client")
		assertNoSecrets(t, wrong, stdout, stderr)
		_, stderr, code = bad.run(t, "token")
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "the token endpoint refused")
	})

	t.Run("usage", func(t *testing.T) {
		_, stderr, code := bin.run(t, "onboard")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "--csv FILE is required")
	})
}

// TestBinaryInterruptedThenRerun sends SIGINT to a slow onboarding: plumectl finishes the
// rows in flight, journals them and exits 130; the rerun completes the rest, and every row
// is in the fake exactly once.
func TestBinaryInterruptedThenRerun(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send")
	}
	const n = 40
	srv := plumetest.NewServer(t, plumetest.WithWAF(1<<30, time.Hour))
	seedRows(srv, 1, n)
	creds := srv.Credentials()
	bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
	dir := t.TempDir()
	csv := writeCSV(t, dir, "c.csv", 1, n)
	journal := filepath.Join(dir, "journal.jsonl")

	cmd, stdout, stderr := bin.command("onboard", "--csv", csv, "--journal", journal, "--rate", "30", "--workers", "4", "--output", "json")
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool {
		data, _ := os.ReadFile(journal)
		return bytes.Count(data, []byte("\n")) >= 3
	}, 20*time.Second, 20*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	code := exitCode(t, cmd.Wait())
	require.Equal(t, exitInterrupted, code, stderr.String())
	assert.Contains(t, stderr.String(), "finishing the rows in flight")
	first := decodeReport(t, stdout.String())
	assert.Less(t, first.Done, n)
	assert.Zero(t, first.Interrupted, "the rows in flight had time to finish")

	journaled := map[string]bool{}
	f, err := os.Open(journal)
	require.NoError(t, err)
	for e, err := range batch.ReadJournal(f) {
		require.NoError(t, err)
		journaled[e.Key] = true
	}
	f.Close()
	assert.Len(t, journaled, first.Done)
	for _, c := range srv.Customers() {
		assert.True(t, journaled[c.AccountID], "customer %s has no journal line", c.AccountID)
	}

	out, errOut, code := bin.run(t, "onboard", "--csv", csv, "--journal", journal, "--rate", "1000", "--output", "json")
	require.Equal(t, exitOK, code, errOut)
	second := decodeReport(t, out)
	assert.Equal(t, first.Done, second.Skipped)
	assert.Equal(t, n-first.Done, second.Done)
	accounts := map[string]int{}
	for _, c := range srv.Customers() {
		accounts[c.AccountID]++
	}
	assert.Len(t, accounts, n)
	for account, count := range accounts {
		assert.Equal(t, 1, count, account)
	}
	for _, node := range srv.Nodes() {
		assert.NotEmpty(t, node.LocationID, "%s was never claimed", node.Serial)
	}
}
