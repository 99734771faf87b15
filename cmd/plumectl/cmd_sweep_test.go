package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

// demoCSV names the demo fleet by service id (with a byte-order mark and CRLF, as a
// spreadsheet writes it), then the rows given.
func demoCSV(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	text := "\ufeffService_ID\r\nsvc-demo-0001\r\nsvc-demo-0002\r\nsvc-demo-0003\r\nsvc-demo-0004\r\n" + strings.Join(extra, "")
	path := filepath.Join(dir, "demo.csv")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestSweepFake(t *testing.T) {
	t.Parallel()
	t.Run("text summary, errors recorded, records written", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		csv := demoCSV(t, dir, "svc-nowhere\r\n", "\"svc-stray\r\n")
		out := filepath.Join(dir, "health.jsonl")
		stdout, stderr, code := runApp(t, "sweep", "--csv", csv, "--fake", "--rate", "1000", "--records", out)
		assert.Equal(t, exitFailed, code, "a location could not be read: %s", stderr)
		for _, want := range []string{
			"\nonline       1\n", "\ndegraded     2\n", "\noffline      1\n", "\nerror        2\n",
			"\nnot_found       1\n", "\ninvalid_input   1\n",
			"\nsvc-demo-0003  4     ", "\nsvc-nowhere  6     failed   not_found  ",
			"6 locations in ", "; records " + out + "; against the built-in fake",
		} {
			assert.Contains(t, stdout, want)
		}
		assert.NotContains(t, stdout, "journal", "with --fake the journal is temporary")
		assert.False(t, strings.Contains(stdout+stderr, demoWifiKey), "the WiFi key leaked")
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.False(t, strings.Contains(string(data), demoWifiKey), "the WiFi key leaked")
		states := map[string]string{}
		for e, err := range batch.ReadJournal(bytes.NewReader(data)) {
			require.NoError(t, err)
			require.NotNil(t, e.Health, e.Key)
			states[e.Key] = string(e.Health.State)
		}
		assert.Equal(t, map[string]string{
			"svc-demo-0001": "degraded", "svc-demo-0002": "online", "svc-demo-0003": "offline",
			"svc-demo-0004": "degraded", "svc-nowhere": "error", "line:7": "error",
		}, states)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Len(t, entries, 2, "the CSV and the records: no journal left with --fake")
	})
	t.Run("json summary; a rerun skips what the journal recorded", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		csv := demoCSV(t, dir, "svc-nowhere\r\n")
		journal := filepath.Join(dir, "j.jsonl")
		args := []string{"sweep", "--csv", csv, "--fake", "--rate", "1000", "--journal", journal, "--output", "json", "--workers", "3"}
		stdout, stderr, code := runApp(t, args...)
		assert.Equal(t, exitFailed, code, stderr)
		var rep sweepReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
		assert.Equal(t, batch.SweepCounts{Online: 1, Degraded: 2, Offline: 1, Errors: 1}, rep.ThisRun)
		assert.Equal(t, &rep.ThisRun, rep.Sweep)
		assert.Equal(t, journal, rep.Journal)
		assert.Equal(t, map[batch.ErrorKind]int{batch.KindNotFound: 1}, rep.ErrorsByKind)
		require.Len(t, rep.Offline, 1)
		assert.Equal(t, "svc-demo-0003", rep.Offline[0].Key)
		require.Len(t, rep.Errors, 1)
		assert.Equal(t, "svc-nowhere", rep.Errors[0].Key)

		stdout, stderr, code = runApp(t, args...)
		assert.Equal(t, exitFailed, code, stderr)
		rep = sweepReport{}
		require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
		assert.Equal(t, 4, rep.Skipped)
		assert.Equal(t, batch.SweepCounts{Errors: 1}, rep.ThisRun, "only the error runs again")
		assert.Equal(t, &batch.SweepCounts{Online: 1, Degraded: 2, Offline: 1, Errors: 1}, rep.Sweep, "the whole sweep")

		stdout, stderr, code = runApp(t, "sweep", "--csv", csv, "--fake", "--rate", "1000", "--journal", journal)
		assert.Equal(t, exitFailed, code, stderr)
		assert.Regexp(t, `STATE +LOCATIONS +WHOLE SWEEP\nonline +0 +1\n`, stdout)
	})
	t.Run("every location recorded, offline ones included: exit 0", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runApp(t, "sweep", "--csv", demoCSV(t, t.TempDir()), "--fake", "--rate", "1000")
		assert.Equal(t, exitOK, code, stderr+stdout)
	})
	t.Run("an onboarding file is onboarded into the fake and swept", func(t *testing.T) {
		t.Parallel()
		csv := writeCSV(t, t.TempDir(), "c.csv", 1, 3)
		stdout, stderr, code := runApp(t, "sweep", "--csv", csv, "--fake", "--rate", "1000", "--output", "json")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stderr, "Seeded the fake: onboarded 3 rows")
		var rep sweepReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
		assert.Equal(t, batch.SweepCounts{Online: 3}, rep.ThisRun)
		assert.False(t, strings.Contains(stdout+stderr, "wifi-secret"), "a secret leaked")
	})
	t.Run("dry run", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		csv := demoCSV(t, dir, ",\r\n")
		stdout, stderr, code := runApp(t, "sweep", "--csv", csv, "--dry-run")
		assert.Equal(t, exitFailed, code, stderr)
		assert.Regexp(t, `would run +4\nmalformed rows +1\n`, stdout)
		_, err := os.Stat(csv + ".sweep.journal.jsonl")
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
}

func TestSweepUsageAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := demoCSV(t, dir)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep"}, "--csv FILE is required"},
		{[]string{"sweep", "--csv", csv, "--records", "json"}, "the summary's format is --output json"},
		{[]string{"sweep", "--csv", csv, "--output", "xml"}, "--output must be text or json"},
		{[]string{"sweep", "--csv", csv, "--workers", "0"}, "--workers must be at least 1"},
		{[]string{"sweep", "--csv", csv, "--rate", "0"}, "--rate must be above 0"},
		{[]string{"sweep", "--csv", csv, "--dry-run", "--records", "x.jsonl"}, "--records goes without --dry-run"},
		{[]string{"sweep", "--csv", csv, "extra"}, `unexpected argument "extra"`},
	} {
		_, stderr, code := runApp(t, tc.args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("name,email\nx,y\n"), 0o600))
	_, stderr, code := runApp(t, "sweep", "--csv", bad, "--fake")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "no column names a location")

	stdout, stderr, code := runApp(t, "sweep", "--csv", csv, "--fake", "--rate", "1000", "--records", filepath.Join(dir, "no-such-dir", "out.jsonl"))
	assert.Equal(t, exitError, code, "the records could not be written: %s", stderr)
	assert.Contains(t, stdout, "\nonline       1\n", "the summary still shows what ran")
	assert.Contains(t, stdout, "stopped: open ")
	assert.Contains(t, stdout, "no such file or directory")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out, errOut bytes.Buffer
	code = (&app{stdout: &out, stderr: &errOut}).run(ctx, []string{"sweep", "--csv", csv, "--fake"})
	assert.Equal(t, exitInterrupted, code, errOut.String())
}

func TestBuildMesh(t *testing.T) {
	t.Parallel()
	node := func(id, state string, chain ...string) plume.NodeStatus {
		return plume.NodeStatus{ID: id, ConnectionState: state, LeafToRoot: chain, BackhaulType: "wifi"}
	}
	r := &plume.HealthReport{GatewayID: "GW", Nodes: []plume.NodeStatus{
		node("P2", "connected", "P1", "GW"), // a second hop, listed before its parent
		node("X", "connected", "ELSEWHERE"),
		node("GW", "connected"),
		node("P1", "disconnected", "GW"),
		node("P3", "connected", "GW"),
		node("L1", "connected", "L2"), node("L2", "connected", "L1"), // a loop
	}}
	var b strings.Builder
	for _, m := range buildMesh(r) {
		m.print(&b, "", "", r.At)
	}
	assert.Equal(t, strings.Join([]string{
		"GW, gateway\tconnected\twifi\t0\t-",
		"├─ P1\tdisconnected\twifi\t0\t-",
		"│  └─ P2\tconnected\twifi\t0\t-",
		"└─ P3\tconnected\twifi\t0\t-",
		"X, via ELSEWHERE\tconnected\twifi\t0\t-",
		"L1, via L2\tconnected\twifi\t0\t-",
		"└─ L2\tconnected\twifi\t0\t-",
		"",
	}, "\n"), b.String())
}
