package fakecloud

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startTest starts a node speed test and returns its requestId.
func (s *site) startTest(serial string, body any) string {
	s.t.Helper()
	res := s.api(http.MethodPost, s.path("/nodes/"+serial+"/speedTest"), body)
	require.Equal(s.t, http.StatusOK, res.status, "body: %s", res.body)
	id, _ := res.object(s.t)["requestId"].(string)
	return id
}

// result answers GET …/nodes/{serial}/speedTestResults/{id}.
func (s *site) result(serial, id string) map[string]any {
	s.t.Helper()
	res := s.api(http.MethodGet, s.path("/nodes/"+serial+"/speedTestResults/"+id), nil)
	require.Equal(s.t, http.StatusOK, res.status, "body: %s", res.body)
	return res.object(s.t)
}

func (s *site) results(serial, query string) []any {
	s.t.Helper()
	res := s.api(http.MethodGet, s.path("/nodes/"+serial+"/speedTestResults"+query), nil)
	require.Equal(s.t, http.StatusOK, res.status, "body: %s", res.body)
	return res.array(s.t)
}

func TestNodeSpeedTest(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{Timings: Timings{SpeedTest: 20 * time.Second}})
	id := s.startTest("POD1", map[string]any{"serverId": "7", "uplinkType": "anything"})
	assert.Regexp(t, hexID, id)

	running := s.result("POD1", id)
	assert.Equal(t, map[string]any{
		"requestId": id, "nodeId": "POD1", "locationId": s.loc, "type": "node", "status": "running",
		"serverId": 7.0, "uplinkType": "anything", "download": nil, "upload": nil, "latency": nil,
		"startedAt": stampAt(0), "endedAt": nil,
	}, running)

	s.clock.Set(testStart.Add(19 * time.Second))
	assert.Equal(t, "running", s.result("POD1", id)["status"])
	s.clock.Set(testStart.Add(20 * time.Second))
	done := s.result("POD1", id)
	assert.Equal(t, "completed", done["status"])
	assert.Equal(t, []any{480.0, 40.0, 14.0}, []any{done["download"], done["upload"], done["latency"]}, "a pod's defaults")
	assert.Equal(t, stampAt(20*time.Second), done["endedAt"])

	gw := s.startTest("GW1", nil)
	require.NoError(t, s.cloud.SetSpeedResult("POD1", 100.5, 20, 30))
	custom := s.startTest("POD1", map[string]any{})
	require.NoError(t, s.cloud.SetNodeOnline("POD1", false))
	failed := s.startTest("POD1", nil)
	s.clock.Set(testStart.Add(time.Minute))
	assert.Equal(t, []any{940.0, 42.0, 9.0}, []any{s.result("GW1", gw)["download"], s.result("GW1", gw)["upload"], s.result("GW1", gw)["latency"]}, "a gateway's defaults")
	assert.Equal(t, 100.5, s.result("POD1", custom)["download"])
	f := s.result("POD1", failed)
	assert.Equal(t, "failed", f["status"], "disconnected at the start")
	assert.Nil(t, f["download"])
	assert.Equal(t, stampAt(20*time.Second), f["endedAt"])
	assert.Nil(t, f["serverId"])

	list := s.results("POD1", "")
	require.Len(t, list, 3, "the gateway's test is not POD1's")
	assert.Equal(t, []string{failed, custom, id}, requestIDs(list), "newest first")

	views := s.speedTests(s.loc)
	require.Len(t, views, 4)
	assert.Equal(t, SpeedTestView{
		RequestID: id, NodeID: "POD1", LocationID: s.loc, Type: "node", Status: "completed", ServerID: 7,
		UplinkType: "anything", Download: 480, Upload: 40, Latency: 14,
		StartedAt: testStart, EndedAt: testStart.Add(20 * time.Second),
	}, views[3])
	assert.Equal(t, "failed", views[0].Status)
	_, err := s.cloud.SpeedTests(unknownID)
	assert.Error(t, err)
}

func (s *site) speedTests(locationID string) []SpeedTestView {
	s.t.Helper()
	views, err := s.cloud.SpeedTests(locationID)
	require.NoError(s.t, err)
	return views
}

func requestIDs(results []any) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.(map[string]any)["requestId"].(string))
	}
	return out
}

func TestSpeedTestResultsLimit(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	old := s.startTest("POD1", nil)
	s.clock.Advance(3 * 24 * time.Hour)
	recent := s.startTest("POD1", nil)
	s.clock.Advance(90 * time.Minute)
	latest := s.startTest("POD1", nil)

	for query, want := range map[string][]string{
		"":                                {latest, recent, old},
		"?limit=4":                        {latest, recent, old},
		"?limit=3":                        {latest, recent},
		"?granularity=days&limit=0.01":    {latest},
		"?granularity=hours&limit=2":      {latest, recent},
		"?granularity=hours&limit=1":      {latest},
		"?granularity=minutes&limit=90":   {latest, recent},
		"?granularity=minutes&limit=89.5": {latest},
		"?granularity=minutes&limit=0":    {latest},
		"?granularity=hours":              {latest, recent, old},
	} {
		assert.Equal(t, want, requestIDs(s.results("POD1", query)), query)
	}
}

func TestSpeedTestStatuses(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.cloud.AddInventory(DefaultPartnerID, "SPARE")
	id := s.startTest("POD1", nil)
	unknownLoc, unknownCustomer := locPath(s.id, unknownID), locPath(unknownID, s.loc)
	s.runStatusCases(t, []statusCase{
		{"run: unknown node", "POST", s.path("/nodes/SPARE/speedTest"), nil, 404},
		{"run: unknown location", "POST", unknownLoc + "/nodes/POD1/speedTest", nil, 404},
		{"run: unknown customer", "POST", unknownCustomer + "/nodes/POD1/speedTest", nil, 404},
		{"run: serverId not a number", "POST", s.path("/nodes/POD1/speedTest"), map[string]any{"serverId": "near"}, 400},
		{"run: uplinkType not a string", "POST", s.path("/nodes/POD1/speedTest"), map[string]any{"uplinkType": 1}, 400},
		{"results: bad granularity", "GET", s.path("/nodes/POD1/speedTestResults?granularity=weeks"), nil, 422},
		{"results: bad limit", "GET", s.path("/nodes/POD1/speedTestResults?limit=few"), nil, 400},
		{"results: unknown node", "GET", s.path("/nodes/SPARE/speedTestResults"), nil, 404},
		{"results: unknown location", "GET", unknownLoc + "/nodes/POD1/speedTestResults", nil, 404},
		{"results: unknown customer", "GET", unknownCustomer + "/nodes/POD1/speedTestResults", nil, 401},
		{"result: unknown id", "GET", s.path("/nodes/POD1/speedTestResults/" + unknownID), nil, 404},
		{"result: another node's id", "GET", s.path("/nodes/GW1/speedTestResults/" + id), nil, 404},
		{"result: unknown customer", "GET", unknownCustomer + "/nodes/POD1/speedTestResults/" + id, nil, 404},
		{"isp: unknown customer", "POST", unknownCustomer + "/ispSpeedTest", nil, 404},
		{"isp: unknown location", "POST", unknownLoc + "/ispSpeedTest", nil, 404},
		{"isp: requestId not a string", "POST", s.path("/ispSpeedTest"), map[string]any{"requestId": 5}, 400},
		{"schedule: enable missing", "PUT", s.path("/ispSpeedTestConfiguration"), map[string]any{"enableAllNodes": true}, 400},
		{"schedule: enable not a boolean", "PUT", s.path("/ispSpeedTestConfiguration"), map[string]any{"enable": "sometimes"}, 400},
		{"schedule: unknown location", "PUT", unknownLoc + "/ispSpeedTestConfiguration", map[string]any{"enable": true}, 404},
		{"schedule: unknown customer", "PUT", unknownCustomer + "/ispSpeedTestConfiguration", map[string]any{"enable": true}, 401},
		{"dashboard: bad excludeDevices", "GET", s.path("/appFacade/dashboard?excludeDevices=perhaps"), nil, 400},
		{"dashboard: unknown location", "GET", unknownLoc + "/appFacade/dashboard", nil, 404},
		{"dashboard: unknown customer", "GET", unknownCustomer + "/appFacade/dashboard", nil, 401},
	})
	assert.Error(t, s.cloud.SetSpeedResult("NOSUCH", 1, 1, 1))
	assert.Error(t, s.cloud.SetSpeedResult("POD1", -1, 1, 1))
}

func TestISPSpeedTest(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	res := s.api(http.MethodPost, s.path("/ispSpeedTest"), map[string]any{"requestId": "mobile-1", "serverId": 3})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, map[string]any{"requestId": "mobile-1"}, res.object(t))
	isp := s.result("GW1", "mobile-1")
	assert.Equal(t, "isp", isp["type"])
	assert.Equal(t, "GW1", isp["nodeId"], "on the gateway")

	s.clock.Advance(time.Minute)
	res = s.api(http.MethodPost, s.path("/ispSpeedTest"), map[string]any{"requestId": "mobile-1"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "mobile-1", res.object(t)["requestId"])
	assert.Len(t, s.speedTests(s.loc), 1, "a requestId already used is a no-op")
	assert.Equal(t, stampAt(0), s.result("GW1", "mobile-1")["startedAt"])

	res = s.api(http.MethodPost, s.path("/ispSpeedTest"), nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Regexp(t, hexID, res.object(t)["requestId"], "generated")

	empty := s.api(http.MethodPost, "/Customers/"+s.id+"/locations", map[string]any{"name": "Empty"}).object(t)["id"].(string)
	s.api(http.MethodPost, locPath(s.id, empty)+"/ispSpeedTest", nil).requireLoopBackError(t, 404)
	s.cloud.AddInventory(DefaultPartnerID, "ONLYPOD")
	require.Equal(t, http.StatusOK, s.api(http.MethodPost, nodesPath(s.id, empty), claimBody("ONLYPOD")).status)
	res = s.api(http.MethodPost, locPath(s.id, empty)+"/ispSpeedTest", nil)
	require.Equal(t, http.StatusOK, res.status)
	views := s.speedTests(empty)
	require.Len(t, views, 1)
	assert.Equal(t, "ONLYPOD", views[0].NodeID, "no gateway: the first claimed node")
	assert.Equal(t, "failed", views[0].Status, "it is offline")
}

func TestISPSpeedTestConfiguration(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.clock.Advance(time.Second)
	res := s.api(http.MethodPut, s.path("/ispSpeedTestConfiguration"), map[string]any{"enable": "true", "enableAllNodes": true})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	want := map[string]any{
		"_version": schemaVersion, "enable": true, "speedCapable": true, "enableAllNodes": true,
		"createdAt": stampAt(0), "updatedAt": stampAt(time.Second),
	}
	assert.Equal(t, map[string]any{"ispSpeedTestConfiguration": want}, res.object(t))
	assert.Equal(t, want, s.api(http.MethodGet, s.path(""), nil).object(t)["ispSpeedTestConfiguration"])

	res = s.api(http.MethodPut, s.path("/ispSpeedTestConfiguration"), map[string]any{"enable": false})
	require.Equal(t, http.StatusOK, res.status)
	got := res.object(t)["ispSpeedTestConfiguration"].(map[string]any)
	assert.Equal(t, false, got["enable"])
	assert.Equal(t, true, got["enableAllNodes"], "kept when absent")
	loc, _ := s.cloud.Location(s.loc)
	assert.False(t, loc.ISPSpeedTest)
	assert.True(t, loc.ISPSpeedTestAllNodes)
	assert.Empty(t, s.speedTests(s.loc), "nothing is scheduled")
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	dashboard := func(query string) map[string]any {
		t.Helper()
		res := s.api(http.MethodGet, s.path("/appFacade/dashboard"+query), nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		return res.object(t)
	}
	assert.Equal(t, map[string]any{"speedTest": nil, "mostActiveDevices": []any{}}, dashboard(""))

	for i := range 7 {
		s.addDevice(Device{MAC: "aa:bb:cc:00:01:0" + string(rune('0'+i)), Connected: i != 1})
	}
	s.startTest("POD1", nil) // not on the gateway
	gwTest := s.startTest("GW1", nil)
	s.clock.Advance(time.Minute)
	s.startTest("GW1", nil) // still running
	d := dashboard("")
	assert.Equal(t, gwTest, d["speedTest"].(map[string]any)["requestId"], "the latest completed gateway result")
	var shown []string
	for _, dev := range d["mostActiveDevices"].([]any) {
		shown = append(shown, dev.(map[string]any)["mac"].(string))
	}
	assert.Equal(t, []string{"aa:bb:cc:00:01:00", "aa:bb:cc:00:01:02", "aa:bb:cc:00:01:03", "aa:bb:cc:00:01:04", "aa:bb:cc:00:01:05"}, shown,
		"five connected devices in MAC order")

	require.Equal(t, http.StatusOK, s.api(http.MethodPost, s.path("/ispSpeedTest"), map[string]any{"requestId": "isp-1"}).status)
	s.clock.Advance(time.Minute)
	d = dashboard("?excludeDevices=true")
	assert.Equal(t, "isp-1", d["speedTest"].(map[string]any)["requestId"], "an isp result counts")
	assert.NotContains(t, d, "mostActiveDevices")
}
