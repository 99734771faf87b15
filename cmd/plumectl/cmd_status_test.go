package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func TestStatusFake(t *testing.T) {
	t.Parallel()
	t.Run("text, by service id: problems first, then the mesh as a tree", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runApp(t, "status", demoServiceID, "--fake")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stderr, "built-in fake")
		assert.Regexp(t, `^Home: location \w+ of customer \w+, service id svc-demo-0001\nDEGRADED: gateway online, 2 of 3 nodes online, 4 devices connected\n`, stdout)
		assert.Regexp(t, `Problems \(1\):\n  ! extender .*0002 offline since \d\d:\d\d UTC\n`, stdout)
		assert.Regexp(t, `\n  Gateway .*\(GW-DEMO-0001\) +connected +ethernet +2 +1\.0\.0\n`, stdout)
		assert.Regexp(t, `\n  ├─ .*\(POD-DEMO-0001\) +connected +wifi +2 +1\.0\.0\n`, stdout)
		assert.Regexp(t, `\n  └─ .*\(POD-DEMO-0002\) +disconnected since \d\d:\d\d UTC +wifi +0 +1\.0\.0\n`, stdout)
		assert.Less(t, strings.Index(stdout, "Problems"), strings.Index(stdout, "Mesh:"), "problems first")
		assert.Regexp(t, `Last speed test +940\.0 Mbps down, 42\.0 Mbps up, 9 ms \(`, stdout)
		assert.Contains(t, stdout, "Open alerts      none")
		assert.False(t, strings.Contains(stdout+stderr, demoWifiKey), "the WiFi key leaked")
	})
	t.Run("json, by serial", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runApp(t, "status", "POD-DEMO-0004", "--fake", "--output", "json")
		require.Equal(t, exitOK, code, stderr)
		var v struct {
			CustomerID string   `json:"customer_id"`
			LocationID string   `json:"location_id"`
			State      string   `json:"state"`
			Problems   []string `json:"problems"`
			Mesh       []struct {
				ID, Role, State string
				Devices         int `json:"connected_devices"`
				Children        []struct{ ID, Role, State, Backhaul string }
			}
			Report plume.HealthReport `json:"report"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &v))
		assert.Equal(t, "offline", v.State)
		assert.Equal(t, v.Report.CustomerID, v.CustomerID)
		assert.Equal(t, v.Report.LocationID, v.LocationID)
		assert.Len(t, v.Problems, 2)
		require.Len(t, v.Mesh, 1)
		assert.Equal(t, "GW-DEMO-0003", v.Mesh[0].ID)
		assert.Equal(t, "gateway", v.Mesh[0].Role)
		assert.Equal(t, "disconnected", v.Mesh[0].State)
		require.Len(t, v.Mesh[0].Children, 1)
		assert.Equal(t, "POD-DEMO-0004", v.Mesh[0].Children[0].ID)
		assert.Equal(t, "wifi", v.Mesh[0].Children[0].Backhaul)
		assert.Len(t, v.Report.Nodes, 2)
		assert.NotNil(t, v.Report.LastSpeedTest)
	})
	t.Run("online, and a slow line", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runApp(t, "status", "svc-demo-0002", "--fake")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "\nONLINE: gateway online, 2 of 2 nodes online")
		assert.Contains(t, stdout, "\nNo problems.\n")
		stdout, stderr, code = runApp(t, "status", "GW-DEMO-0004", "--fake")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "  ! last speed test 18.0 Mbps down (below 25 Mbps)\n")
	})
	t.Run("not found, usage", func(t *testing.T) {
		t.Parallel()
		_, stderr, code := runApp(t, "status", "svc-nowhere", "--fake")
		assert.Equal(t, exitFailed, code, stderr)
		assert.Contains(t, stderr, `status: no location has service id "svc-nowhere", and no node of serial "svc-nowhere" is claimed at one`)
		for _, args := range [][]string{
			{"status"}, {"status", "a", "b"}, {"status", "cust/"}, {"status", "/loc"}, {"status", "a/b/c"},
			{"status", "svc-1", "--output", "xml"}, {"status", " "},
		} {
			_, stderr, code := runApp(t, args...)
			assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
		}
	})
}

// TestStatusAndSweepBinary builds plumectl and runs status and sweep against a fake started
// here and seeded with the demo fleet, through the PLUME_* variables, the locations addressed
// by their ids: no output carries the client secret, a token or a WiFi key.
func TestStatusAndSweepBinary(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(time.Now().UTC().Add(-fleetDownAgo - time.Minute))
	srv := plumetest.NewServer(t, plumetest.WithWAF(1<<30, time.Hour), plumetest.WithClock(clock.Now))
	require.NoError(t, (&app{stdout: io.Discard, stderr: io.Discard}).seedFleet(t.Context(), srv, clock, ""))
	creds := srv.Credentials()
	bin := binary{path: buildPlumectl(t), env: envFor(srv, creds)}
	run := func(t *testing.T, args ...string) (string, string, int) {
		t.Helper()
		stdout, stderr, code := bin.run(t, args...)
		assertNoSecrets(t, creds, stdout, stderr)
		assert.False(t, strings.Contains(stdout+stderr, demoWifiKey), "the WiFi key leaked")
		assert.NotContains(t, stderr, "built-in fake")
		return stdout, stderr, code
	}
	l := demoLocation(t, srv)

	stdout, stderr, code := run(t, "status", l.CustomerID+"/"+l.ID)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "DEGRADED")
	_, stderr, code = run(t, "status", "000000000000000000000000/"+l.ID)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "is unknown, or not your partner's")

	var csv strings.Builder
	csv.WriteString("customer_id,location_id\n")
	for _, loc := range srv.Locations() {
		csv.WriteString(loc.CustomerID + "," + loc.ID + "\n")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.csv")
	require.NoError(t, os.WriteFile(path, []byte(csv.String()), 0o600))
	stdout, stderr, code = run(t, "sweep", "--csv", path, "--rate", "1000", "--records", "-", "--output", "json")
	require.Equal(t, exitOK, code, stderr)
	var records int
	for line := range strings.Lines(stdout) {
		var e struct {
			Key    string
			Health struct{ State string }
		}
		require.NoError(t, json.Unmarshal([]byte(line), &e))
		assert.NotEmpty(t, e.Health.State, e.Key)
		records++
	}
	assert.Equal(t, len(demoFleet), records)
	var rep sweepReport
	require.NoError(t, json.Unmarshal([]byte(stderr), &rep), "the summary goes to stderr with --output -")
	assert.Equal(t, path+".sweep.journal.jsonl", rep.Journal)
	assert.Equal(t, 1, rep.ThisRun.Online)
	journal, err := os.ReadFile(rep.Journal)
	require.NoError(t, err)
	assertNoSecrets(t, creds, string(journal))

	wrong := creds
	wrong.ClientSecret = "definitely-not-the-secret"
	refused := binary{path: bin.path, env: envFor(srv, wrong)}
	for _, args := range [][]string{{"status", "svc-demo-0001"}, {"sweep", "--csv", path, "--journal", "none"}} {
		stdout, stderr, code := refused.run(t, args...)
		assert.Equal(t, exitError, code, "%v: %s", args, stderr)
		assertNoSecrets(t, wrong, stdout, stderr)
	}
}
