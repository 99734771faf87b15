package batch_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// sweepStart is the fake's clock in the sweep tests: the speed tests run at it, and a minute
// later, when the reports are read, the nodes to be offline go down.
var sweepStart = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

// site is one location of a test fleet and what a sweep must find there.
type site struct {
	serviceID, gateway     string
	pods                   []string
	down                   []string // serials taken offline after the speed tests
	slow                   bool     // a 12 Mbps line
	devices                int      // connected devices seeded
	customerID, locationID string
	want                   batch.HealthState
}

// newFleet starts a fake holding four locations, one per state a report can make: online,
// degraded (an extender offline), offline (the gateway offline) and degraded again (a slow
// line). Every name is prefixed; the fake runs on a manual clock, so that every report of a
// site reads the same.
func newFleet(t *testing.T, prefix string, opts ...plumetest.Option) (*plumetest.Server, []*site) {
	t.Helper()
	clock := plumetest.NewManualClock(sweepStart)
	srv := plumetest.NewServer(t, append([]plumetest.Option{plumetest.WithClock(clock.Now), plumetest.WithWAF(1<<30, time.Hour)}, opts...)...)
	sites := []*site{
		{serviceID: prefix + "svc-online", gateway: prefix + "GW-1", pods: []string{prefix + "POD-1a"}, devices: 3, want: batch.StateOnline},
		{serviceID: prefix + "svc-degraded", gateway: prefix + "GW-2", pods: []string{prefix + "POD-2a", prefix + "POD-2b"}, down: []string{prefix + "POD-2b"}, devices: 2, want: batch.StateDegraded},
		{serviceID: prefix + "svc-offline", gateway: prefix + "GW-3", pods: []string{prefix + "POD-3a"}, down: []string{prefix + "GW-3", prefix + "POD-3a"}, want: batch.StateOffline},
		{serviceID: prefix + "svc-slow", gateway: prefix + "GW-4", slow: true, devices: 1, want: batch.StateDegraded},
	}
	client := fastClient(srv)
	ctx := t.Context()
	for i, s := range sites {
		srv.AddGateways(s.gateway)
		srv.AddInventory(s.pods...)
		res, err := client.Onboard(ctx, plume.OnboardRequest{
			AccountID: fmt.Sprintf("%sacct-%d", prefix, i+1), ServiceID: s.serviceID,
			Wifi:    &plume.WifiNetworkRequest{SSID: fmt.Sprintf("Home-%d", i+1), EncryptionKey: "fleet-secret-key"},
			Gateway: s.gateway, Extenders: s.pods,
		})
		require.NoError(t, err)
		s.customerID, s.locationID = res.CustomerID, res.LocationID
		for _, serial := range append([]string{s.gateway}, s.pods...) {
			srv.SetNodeOnline(serial, true)
		}
		for d := range s.devices {
			srv.AddDevice(s.customerID, s.locationID, plumetest.Device{
				MAC: fmt.Sprintf("02:00:00:00:%02x:%02x", i, d), Name: fmt.Sprintf("device %d", d), FreqBand: "5G", Connected: true,
			})
		}
		if s.slow {
			srv.SetSpeedResult(s.gateway, 12, 3, 40)
		}
		_, err = client.Nodes.StartSpeedTest(ctx, s.customerID, s.locationID, s.gateway, nil)
		require.NoError(t, err)
	}
	clock.Advance(time.Minute) // the speed tests complete
	for _, s := range sites {
		for _, serial := range s.down {
			srv.SetNodeOnline(serial, false)
		}
	}
	return srv, sites
}

// fleetCSV names the sites in every form a sweep reads, one per row: ids, service id, serial,
// service id again; then the rows given.
func fleetCSV(sites []*site, extra ...string) string {
	var b strings.Builder
	b.WriteString("customer_id,location_id,service_id,serial\n")
	fmt.Fprintf(&b, "%s,%s,,\n", sites[0].customerID, sites[0].locationID)
	fmt.Fprintf(&b, ",,%s,\n", sites[1].serviceID)
	fmt.Fprintf(&b, ",,,%s\n", sites[2].gateway)
	fmt.Fprintf(&b, ",,%s,\n", sites[3].serviceID)
	b.WriteString(strings.Join(extra, ""))
	return b.String()
}

// keyOf is the journal key of site i in fleetCSV.
func keyOf(sites []*site, i int) string {
	switch i {
	case 0:
		return sites[0].customerID + "/" + sites[0].locationID
	case 2:
		return "serial:" + sites[2].gateway
	}
	return sites[i].serviceID
}

func sweepRows(text string) func(func(batch.Row, error) bool) {
	return batch.ReadSweepCSV(strings.NewReader(text))
}

// recordsByKey reads a journal's row entries by key: the last one of each.
func recordsByKey(t *testing.T, path string) map[string]batch.Entry {
	t.Helper()
	out := map[string]batch.Entry{}
	for _, e := range rowEntries(t, path) {
		out[e.Key] = e
	}
	return out
}

func TestSweepClassifiesAndRecords(t *testing.T) {
	t.Parallel()
	srv, sites := newFleet(t, "c-")
	path := journalPath(t)
	journal := openJournal(t, path)
	srv.ResetCounts()
	runner := &batch.Runner{Client: fastClient(srv), Workers: 3, Journal: journal}
	var last batch.SweepProgress
	calls := 0
	sum, err := runner.Sweep(t.Context(), sweepRows(fleetCSV(sites,
		",,c-svc-unknown,\n", // no such location: an error, recorded
		"only-a-customer,,,\n",
	)), func(p batch.SweepProgress) { last, calls = p, calls+1 })
	require.NoError(t, err, "errors are recorded, not returned")
	require.NoError(t, journal.Close())

	assert.Equal(t, 6, sum.Read)
	assert.Equal(t, batch.SweepCounts{Online: 1, Degraded: 2, Offline: 1, Errors: 2}, sum.SweepCounts)
	assert.Equal(t, 4, sum.Done)
	assert.Equal(t, 2, sum.Failed)
	assert.Equal(t, map[batch.ErrorKind]int{batch.KindNotFound: 1, batch.KindInvalidInput: 1}, sum.Kinds)
	require.Len(t, sum.OfflineEntries, 1)
	assert.Equal(t, keyOf(sites, 2), sum.OfflineEntries[0].Key)
	assert.Positive(t, calls)
	assert.Equal(t, sum.SweepCounts, last.SweepCounts, "the last progress counts every location")
	assert.Equal(t, 6, last.Finished())
	// API calls at the fake: 4 per report by ids, one lookup more by service id or serial, one
	// lookup for the unknown service id (the token endpoint is not counted).
	assert.Equal(t, 4+5+5+5+1, srv.TotalRequests())

	records := recordsByKey(t, path)
	require.Len(t, records, 6)
	for i, s := range sites {
		e := records[keyOf(sites, i)]
		require.NotNil(t, e.Health, e.Key)
		h := e.Health
		assert.Equal(t, batch.OutcomeDone, e.Outcome, e.Key)
		assert.Equal(t, s.want, h.State, e.Key)
		assert.Equal(t, s.customerID, e.CustomerID, e.Key)
		assert.Equal(t, s.locationID, e.LocationID, e.Key)
		assert.Equal(t, s.serviceID, e.ServiceID, "%s: the row's, else the report's", e.Key)
		assert.Equal(t, 1+len(s.pods), h.Nodes, e.Key)
		assert.Equal(t, 1+len(s.pods)-len(s.down), h.NodesOnline, e.Key)
		assert.Equal(t, s.want != batch.StateOffline, h.GatewayOnline, e.Key)
		assert.Equal(t, s.devices, h.ConnectedDevices, e.Key)
		assert.Equal(t, sweepStart.Add(time.Minute), h.At, e.Key)
		require.NotNil(t, h.LastSpeedTest, e.Key)
		assert.Equal(t, sweepStart, h.LastSpeedTest.At, e.Key)
		assert.Equal(t, "completed", h.LastSpeedTest.Status, e.Key)
	}
	assert.Equal(t, sites[1].serviceID, records[keyOf(sites, 1)].ServiceID)
	assert.Equal(t, []string{sites[2].gateway}, records[keyOf(sites, 2)].Serials)
	assert.Empty(t, records[keyOf(sites, 0)].Health.Problems)
	degraded := records[keyOf(sites, 1)].Health.Problems
	require.Len(t, degraded, 1)
	assert.Regexp(t, `^extender .*2b offline since 12:01 UTC$`, degraded[0])
	offline := records[keyOf(sites, 2)].Health.Problems
	require.Len(t, offline, 2)
	assert.Regexp(t, `^gateway .*GW-3 offline since 12:01 UTC$`, offline[0])
	assert.Regexp(t, `^extender .*3a offline since 12:01 UTC$`, offline[1])
	assert.Equal(t, []string{"last speed test 12.0 Mbps down (below 25 Mbps)"}, records[keyOf(sites, 3)].Health.Problems)
	assert.InDelta(t, 12.0, records[keyOf(sites, 3)].Health.LastSpeedTest.DownloadMbps, 0.001)

	unknown := records["c-svc-unknown"]
	assert.Equal(t, batch.OutcomeFailed, unknown.Outcome)
	assert.Equal(t, batch.KindNotFound, unknown.Kind)
	assert.Equal(t, batch.StateError, unknown.Health.State)
	malformed := records["line:7"]
	assert.Equal(t, batch.KindInvalidInput, malformed.Kind)
	assert.Equal(t, "location_id", malformed.Column)

	// The lines as written: an error record is its state alone; a report's has every field.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.False(t, strings.Contains(string(data), "fleet-secret-key"), "a secret leaked")
	for line := range strings.Lines(string(data)) {
		var raw map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(line), &raw))
		if string(raw["key"]) == `"c-svc-unknown"` {
			assert.JSONEq(t, `{"state":"error"}`, string(raw["health"]))
			continue
		}
		if h, ok := raw["health"]; ok {
			var fields map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(h, &fields))
			for _, name := range []string{"state", "gateway_online", "nodes", "nodes_online", "connected_devices", "open_alerts", "last_speed_test", "problems", "at"} {
				assert.Contains(t, fields, name)
			}
			assert.NotEqual(t, "null", string(fields["problems"]))
		}
	}
}

func TestSweepRecordsFailuresAndRetriesRateLimits(t *testing.T) {
	t.Parallel()
	srv, sites := newFleet(t, "f-")
	summaryOf := func(s *site) string {
		return "/api/Customers/" + s.customerID + "/locations/" + s.locationID + "/summary"
	}
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: http.MethodGet, Path: summaryOf(sites[0]), Status: http.StatusBadGateway, Times: 1 << 20}))
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: http.MethodGet, Path: summaryOf(sites[1]), Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}}))
	// An optional part that fails leaves a report, degraded, with the part missing.
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: http.MethodGet, Path: "/api/Customers/" + sites[2].customerID + "/locations/" + sites[2].locationID + "/alerts", Status: http.StatusServiceUnavailable}))

	path := journalPath(t)
	journal := openJournal(t, path)
	runner := &batch.Runner{Client: fastClient(srv), Workers: 2, Journal: journal, RateLimitPause: time.Millisecond}
	sum, err := runner.Sweep(t.Context(), sweepRows(fleetCSV(sites)), nil)
	require.NoError(t, err)
	require.NoError(t, journal.Close())
	assert.Equal(t, batch.SweepCounts{Online: 0, Degraded: 2, Offline: 1, Errors: 1}, sum.SweepCounts)
	assert.Equal(t, 1, sum.Pauses)
	records := recordsByKey(t, path)
	failed := records[keyOf(sites, 0)]
	assert.Equal(t, batch.KindServer, failed.Kind)
	assert.Equal(t, batch.StateError, failed.Health.State)
	assert.Equal(t, 2, records[keyOf(sites, 1)].Attempts, "rate limited once, then run again")
	assert.Equal(t, batch.StateDegraded, records[keyOf(sites, 1)].Health.State)
	offline := records[keyOf(sites, 2)].Health
	assert.Equal(t, batch.StateOffline, offline.State)
	assert.Equal(t, []string{"alerts"}, offline.Missing)
}

func TestClassifyHealth(t *testing.T) {
	t.Parallel()
	assert.Equal(t, batch.StateError, batch.ClassifyHealth(nil))
	assert.Equal(t, batch.StateOffline, batch.ClassifyHealth(&plume.HealthReport{Problems: []string{}}))
	assert.Equal(t, batch.StateOffline, batch.ClassifyHealth(&plume.HealthReport{Problems: []string{"topology unknown (HTTP 404)"}}))
	assert.Equal(t, batch.StateDegraded, batch.ClassifyHealth(&plume.HealthReport{GatewayOnline: true, Problems: []string{"last speed test failed"}}))
	assert.Equal(t, batch.StateOnline, batch.ClassifyHealth(&plume.HealthReport{GatewayOnline: true, Problems: []string{}, Notes: []string{"no speed test yet"}}), "a note is no problem")
	assert.Equal(t, batch.StateOnline, batch.ClassifyHealth(&plume.HealthReport{GatewayOnline: true, Problems: []string{}}))

	rep := &plume.HealthReport{
		GatewayOnline: true, ConnectedDevices: 7, ServiceLevel: plume.FullService,
		Nodes:         []plume.NodeStatus{{ID: "GW", ConnectionState: "connected"}, {ID: "P", ConnectionState: "disconnected"}},
		Alerts:        &plume.Alerts{Nodes: []plume.Alert{{ID: "P", Types: []string{"poorHealth"}, Details: []plume.AlertDetail{{Type: "poorHealth", State: "active"}}}}},
		LastSpeedTest: &plume.SpeedTestResult{Status: "completed", DownloadMbps: 100, UploadMbps: 20, Latency: 9 * time.Millisecond},
		Problems:      []string{"extender P offline"},
		Notes:         []string{"a note"},
	}
	h := batch.RecordOf(rep)
	assert.Equal(t, []string{"a note"}, h.Notes)
	assert.Equal(t, batch.StateDegraded, h.State)
	assert.Equal(t, 2, h.Nodes)
	assert.Equal(t, 1, h.NodesOnline)
	assert.Equal(t, 7, h.ConnectedDevices)
	assert.Equal(t, 1, h.OpenAlerts)
	assert.InDelta(t, 9.0, h.LastSpeedTest.LatencyMS, 1e-9)
	rep.Problems[0] = "changed"
	assert.Equal(t, []string{"extender P offline"}, h.Problems, "the record keeps nothing of the report")
}

func TestReadSweepCSV(t *testing.T) {
	t.Parallel()
	type want struct {
		key, serviceID, customerID, locationID, serial, account string
		column                                                  string // of a malformed row
	}
	for _, tc := range []struct {
		name string
		text string
		rows []want
		err  string
	}{
		{
			name: "service ids, BOM, CRLF, upper case, quoted with spaces",
			text: "\ufeff \"Service_ID\" \r\nsvc-1\r\n svc-2 \r\n",
			rows: []want{{key: "svc-1", serviceID: "svc-1"}, {key: "svc-2", serviceID: "svc-2"}},
		},
		{
			name: "a BOM inside the first quotes; serials",
			text: "\"\ufeffSERIAL\"\nGW-1\n",
			rows: []want{{key: "serial:GW-1", serial: "GW-1"}},
		},
		{
			name: "ids, and every form in one file",
			text: "Customer_Id,Location_Id,Service_Id,Serial,Account_Id\nc1,l1,svc-x,GW-x,a1\n,,svc-2,,\n,,,GW-3,a3\n",
			rows: []want{
				{key: "c1/l1", customerID: "c1", locationID: "l1", serviceID: "svc-x", serial: "GW-x", account: "a1"},
				{key: "svc-2", serviceID: "svc-2"},
				{key: "serial:GW-3", serial: "GW-3", account: "a3"},
			},
		},
		{
			name: "an onboarding file: service_id, else the gateway",
			text: csvHeader + "acct-1,Ada,ada@example.com,svc-1,auto,Home,secret-key-1,psk2,GW-1,POD-1\nacct-2,Bob,bob@example.com,,auto,Home,secret-key-2,psk2,GW-2,\n",
			rows: []want{{key: "svc-1", serviceID: "svc-1", serial: "GW-1", account: "acct-1"}, {key: "serial:GW-2", serial: "GW-2", account: "acct-2"}},
		},
		{
			name: "malformed rows: half a location, none, wrong field count, a stray quote",
			text: "customer_id,location_id,service_id\nc1,,\n,l1,svc-1\n,,\nc2,l2\nc3,\"l3,\n",
			rows: []want{
				{key: "line:2", customerID: "c1", column: "location_id"},
				{key: "svc-1", locationID: "l1", serviceID: "svc-1", column: "customer_id"},
				{key: "line:4", column: "-"},
				{key: "c2/l2", customerID: "c2", locationID: "l2", column: "-"},
				{key: "line:6", column: "-"},
			},
		},
		{name: "unknown column", text: "service_id,colour\nsvc-1,red\n", err: `unknown column "colour"`},
		{name: "no location column", text: "account_id,name\na,b\n", err: "no column names a location"},
		{name: "a column twice", text: "serial,SERIAL\na,b\n", err: `column "serial" appears twice`},
		{name: "empty", text: "\r\n\n", err: "the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []want
			var seqErr error
			for row, err := range batch.ReadSweepCSV(strings.NewReader(tc.text)) {
				if err != nil {
					seqErr = err
					break
				}
				assert.Equal(t, batch.OpHealth, row.Op)
				w := want{key: row.Key, serviceID: row.ServiceID, customerID: row.CustomerID, locationID: row.LocationID, serial: row.Serial, account: row.AccountID}
				if row.Err != nil {
					var rowErr *batch.RowError
					require.ErrorAs(t, row.Err, &rowErr)
					assert.ErrorIs(t, row.Err, plume.ErrInvalidInput)
					w.column = rowErr.Column
					if w.column == "" {
						w.column = "-"
					}
				}
				got = append(got, w)
			}
			if tc.err != "" {
				require.Error(t, seqErr)
				assert.Contains(t, seqErr.Error(), tc.err)
				return
			}
			require.NoError(t, seqErr)
			assert.Equal(t, tc.rows, got)
		})
	}
}

func TestExportSweepWritesOneRecordPerLocation(t *testing.T) {
	t.Parallel()
	path := journalPath(t)
	j := openJournal(t, path)
	degraded := &batch.HealthRecord{State: batch.StateDegraded, Problems: []string{"no speed test yet"}, GatewayOnline: true, Nodes: 1, NodesOnline: 1}
	online := &batch.HealthRecord{State: batch.StateOnline, GatewayOnline: true, Nodes: 2, NodesOnline: 2}
	failed := &batch.HealthRecord{State: batch.StateError}
	for _, e := range []batch.Entry{
		{Key: "A", Op: batch.OpHealth, Line: 2, Outcome: batch.OutcomeFailed, Kind: batch.KindInvalidInput}, // malformed: no Health
		{Key: "B", Op: batch.OpHealth, Line: 3, Outcome: batch.OutcomeFailed, Kind: batch.KindServer, Health: failed},
		{Key: "C", Op: batch.OpHealth, Line: 4, Outcome: batch.OutcomeDone, Health: online},
		{Key: "A", Op: batch.OpOnboard, Line: 2, Outcome: batch.OutcomeDone},                                            // another operation
		{Key: "A", Op: batch.OpHealth, Line: 2, Outcome: batch.OutcomeDone, Health: degraded},                           // a rerun
		{Key: "B", Op: batch.OpHealth, Line: 3, Outcome: batch.OutcomeFailed, Kind: batch.KindNotFound, Health: failed}, // again
		{Key: "C", Op: batch.OpHealth, Line: 9, Outcome: batch.OutcomeFailed, Kind: batch.KindServer, Health: failed},   // a duplicate row
		{Key: "D", Op: batch.OpHealth, Line: 5, Outcome: batch.OutcomeInterrupted, Kind: batch.KindCanceled, Health: failed},
	} {
		require.NoError(t, j.Record(e))
	}
	require.NoError(t, j.Close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"key":"E","op":"health","outcome":"done","health":{"state":"online"}}`) // cut by a crash
	require.NoError(t, err)
	require.NoError(t, f.Close())

	f, err = os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out strings.Builder
	counts, err := batch.ExportSweep(f, &out)
	require.NoError(t, err)
	assert.Equal(t, batch.SweepCounts{Online: 1, Degraded: 1, Errors: 2}, counts, "D's run was interrupted: an error")
	var got []string
	for e, err := range batch.ReadJournal(strings.NewReader(out.String())) {
		require.NoError(t, err)
		require.NotNil(t, e.Health, e.Key)
		got = append(got, fmt.Sprintf("%s %s %s %s", e.Key, e.Outcome, e.Health.State, e.Kind))
	}
	assert.Equal(t, []string{
		"C done online ",
		"A done degraded ",
		"B failed error not_found",
		"D interrupted error canceled",
	}, got)
}
