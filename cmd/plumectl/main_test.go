package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// csvHeader is the documented column order.
const csvHeader = "account_id,name,email,service_id,profile,ssid,wifi_key,wpa_mode,gateway,extenders\n"

// wifiKeyOf is row i's WiFi key: no output may contain it.
func wifiKeyOf(i int) string { return fmt.Sprintf("wifi-secret-%04d", i) }

// csvRow is row i: a customer with a WiFi network, a gateway and two pods.
func csvRow(i int) string {
	return fmt.Sprintf("acct-%04d,Subscriber %d,user%d@example.com,svc-%04d,auto,Net-%d,%s,psk2,GW-%04d,POD-%04da;POD-%04db\n",
		i, i, i, i, i, wifiKeyOf(i), i, i, i)
}

// writeCSV writes rows from..to (and extra lines) to a file in dir.
func writeCSV(t *testing.T, dir, name string, from, to int, extra ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := from; i <= to; i++ {
		b.WriteString(csvRow(i))
	}
	b.WriteString(strings.Join(extra, ""))
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// runApp runs plumectl in-process.
func runApp(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut}
	code = a.run(t.Context(), args)
	return out.String(), errOut.String(), code
}

// runAppStdin runs plumectl in-process with stdin as its standard input.
func runAppStdin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}
	code = a.run(t.Context(), args)
	return out.String(), errOut.String(), code
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	csv := writeCSV(t, t.TempDir(), "c.csv", 1, 1)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"onboard"}, "--csv FILE is required"},
		{[]string{"onboard", "--csv", csv, "--output", "xml"}, "--output must be text or json"},
		{[]string{"onboard", "--csv", csv, "--workers", "0"}, "--workers must be at least 1"},
		{[]string{"onboard", "--csv", csv, "--rate", "0"}, "--rate must be above 0"},
		{[]string{"onboard", "--csv", csv, "--email-verification", "maybe"}, "--email-verification must be"},
		{[]string{"onboard", "--csv", csv, "--checkpoint", "Done"}, "--checkpoint must be"},
		{[]string{"onboard", "--csv", csv, "stray"}, `unexpected argument "stray"`},
		{[]string{"suspend", "--csv", csv, "--level", "fullService"}, "--level must be noService or basicService"},
		{[]string{"offboard", "--csv", csv, "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"rma"}, "a SERIAL is required"},
		{[]string{"rma", "GW1", "--csv", csv}, "--csv goes with --fake"},
		{[]string{"lookup"}, "give one of --account"},
		{[]string{"lookup", "--account", "a", "--serial", "s"}, "give one of --account"},
		{[]string{"token", "extra"}, `unexpected argument "extra"`},
	} {
		_, stderr, code := runApp(t, tc.args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	stdout, _, code := runApp(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "plumectl onboard")
	_, _, code = runApp(t, "onboard", "-h")
	assert.Equal(t, exitOK, code)
}

func TestWithoutEnvironmentSuggestsFake(t *testing.T) {
	for _, name := range []string{"PLUME_API_URL", "PLUME_AUTH_URL", "PLUME_PARTNER_ID", "PLUME_AUTH_HASH", "PLUME_CLIENT_ID", "PLUME_CLIENT_SECRET"} {
		t.Setenv(name, "")
	}
	_, stderr, code := runApp(t, "token")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "PLUME_API_URL")
	assert.Contains(t, stderr, "--fake")
}

func TestOnboardFakeReportsMalformedRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := writeCSV(t, dir, "c.csv", 1, 5,
		"acct-bad1,Short Key,b1@example.com,,,Net,tiny,,,\n",
		"acct-bad2,Too,Few\n",
	)
	stdout, stderr, code := runApp(t, "onboard", "--csv", csv, "--fake", "--rate", "1000")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "built-in fake")
	assert.Contains(t, stdout, "line 7, column wifi_key: must be 8 to 63 characters, got 4")
	assert.Contains(t, stdout, "line 8: has 3 fields, the header has 10")
	assert.Regexp(t, `done\s+5\n`, stdout)
	assert.Regexp(t, `invalid_input\s+2\n`, stdout)
	assert.NotContains(t, stdout+stderr, "tiny")
	assert.False(t, strings.Contains(stdout+stderr, "wifi-secret"), "a secret leaked")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "--fake writes no journal unless asked")
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := writeCSV(t, dir, "c.csv", 1, 3)
	stdout, stderr, code := runApp(t, "onboard", "--csv", csv, "--dry-run", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var rep report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 3, rep.WouldRun)
	assert.True(t, rep.DryRun)
	assert.Empty(t, rep.Journal, "no journal yet, and a dry run makes none")
	_, err := os.Stat(csv + ".onboard.journal.jsonl")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestBadHeaderCannotRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "c.csv")
	require.NoError(t, os.WriteFile(path, []byte("acct,nom\nx,y\n"), 0o600))
	_, stderr, code := runApp(t, "onboard", "--csv", path, "--dry-run")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `unknown column "acct"`)
	_, stderr, code = runApp(t, "onboard", "--csv", filepath.Join(t.TempDir(), "missing.csv"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "no such file")
}

func TestOffboardFakeSeedsCustomersFirst(t *testing.T) {
	t.Parallel()
	csv := writeCSV(t, t.TempDir(), "c.csv", 1, 4)
	stdout, stderr, code := runApp(t, "offboard", "--csv", csv, "--fake", "--rate", "1000", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "Seeded the fake: onboarded 4 rows")
	var rep report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 4, rep.Done)
	assert.Equal(t, "cancel_service", string(rep.Operation))
}

func TestInterruptedBeforeStarting(t *testing.T) {
	t.Parallel()
	csv := writeCSV(t, t.TempDir(), "c.csv", 1, 3)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out, errOut bytes.Buffer
	code := (&app{stdout: &out, stderr: &errOut}).run(ctx, []string{"onboard", "--csv", csv, "--fake"})
	assert.Equal(t, exitInterrupted, code, errOut.String())
}
