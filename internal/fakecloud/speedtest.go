package fakecloud

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Speed test kinds and statuses (plume-support-api.md §12.4).
const (
	speedTestNode = "node"
	speedTestISP  = "isp"

	speedRunning   = "running"
	speedCompleted = "completed"
	speedFailed    = "failed"
)

// mostActiveDevices is how many devices the dashboard lists (§12.4).
const mostActiveDevices = 5

// speedNumbers are a speed test's results: Mbps down and up, latency in ms.
type speedNumbers struct{ down, up, latency float64 }

// The results of nodes without SetSpeedResult (§12.4).
var (
	gatewaySpeed = speedNumbers{down: 940, up: 42, latency: 9}
	podSpeed     = speedNumbers{down: 480, up: 40, latency: 14}
)

// speedTest is one run. Its numbers are fixed when it starts; its status is derived: running
// for Timings.SpeedTest, then completed, unless the node was disconnected at the start.
type speedTest struct {
	requestID, nodeID, kind string
	serverID                *float64
	uplinkType              *string
	startedAt               time.Time
	failed                  bool
	result                  speedNumbers
}

func (c *Cloud) speedStatus(t *speedTest, now time.Time) string {
	switch {
	case t.failed:
		return speedFailed
	case now.Before(t.startedAt.Add(c.timings.SpeedTest)):
		return speedRunning
	}
	return speedCompleted
}

// endedAt is when the run ended; zero while it runs.
func (c *Cloud) endedAt(t *speedTest, now time.Time) time.Time {
	switch c.speedStatus(t, now) {
	case speedFailed:
		return t.startedAt
	case speedCompleted:
		return t.startedAt.Add(c.timings.SpeedTest)
	}
	return time.Time{}
}

// speedTestJSON is a result (§12.4): null numbers unless completed, null endedAt while running.
func (c *Cloud) speedTestJSON(l *location, t *speedTest, now time.Time) obj {
	status := c.speedStatus(t, now)
	o := obj{
		"requestId": t.requestID, "nodeId": t.nodeID, "locationId": l.id, "type": t.kind, "status": status,
		"serverId": t.serverID, "uplinkType": t.uplinkType,
		"download": nil, "upload": nil, "latency": nil,
		"startedAt": stamp(t.startedAt), "endedAt": nil,
	}
	if status == speedCompleted {
		o["download"], o["upload"], o["latency"] = t.result.down, t.result.up, t.result.latency
	}
	if end := c.endedAt(t, now); !end.IsZero() {
		o["endedAt"] = stamp(end)
	}
	return o
}

// startSpeedTest records a run on n starting now.
func (c *Cloud) startSpeedTest(l *location, n *node, kind, requestID string, in speedTestInput, now time.Time) {
	result := podSpeed
	if n.gateway {
		result = gatewaySpeed
	}
	if n.speed != nil {
		result = *n.speed
	}
	l.speedTests = append(l.speedTests, &speedTest{
		requestID: requestID, nodeID: n.serial, kind: kind, serverID: in.serverID, uplinkType: in.uplinkType,
		startedAt: now, failed: !c.connected(n, now), result: result,
	})
}

// speedTestInput is the body of both test requests; any uplinkType is accepted (§12.4).
type speedTestInput struct {
	serverID   *float64
	uplinkType *string
	requestID  *string
}

func readSpeedTestInput(f *fields) (speedTestInput, *reply) {
	in := speedTestInput{serverID: f.looseNumber("serverId"), uplinkType: f.str("uplinkType"), requestID: f.str("requestId")}
	return in, f.err
}

// runSpeedTest starts a speed test on a claimed node and answers its requestId.
// POST …/nodes/{id}/speedTest (§6.1, §12.4)
func (c *Cloud) runSpeedTest(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	in, bad := readSpeedTestInput(f)
	if bad != nil {
		return bad
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	id := c.newID()
	c.startSpeedTest(l, n, speedTestNode, id, in, c.now())
	return jsonReply(http.StatusOK, obj{"requestId": id})
}

// runISPSpeedTest starts an isp test on the gateway with the body's requestId or a new one;
// a requestId already used at the location changes nothing. POST …/ispSpeedTest (§6.4, §12.4)
func (c *Cloud) runISPSpeedTest(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	in, bad := readSpeedTestInput(f)
	if bad != nil {
		return bad
	}
	gw := c.gatewayOf(l)
	if gw == nil {
		return errorf(http.StatusNotFound, "location %q has no claimed node", l.id)
	}
	id := deref(in.requestID, "")
	if id != "" && slices.ContainsFunc(l.speedTests, func(t *speedTest) bool { return t.requestID == id }) {
		return jsonReply(http.StatusOK, obj{"requestId": id})
	}
	if id == "" {
		id = c.newID()
	}
	c.startSpeedTest(l, gw, speedTestISP, id, in, c.now())
	return jsonReply(http.StatusOK, obj{"requestId": id})
}

// granularities are the units of speedTestResults' limit.
var granularities = map[string]time.Duration{"days": 24 * time.Hour, "hours": time.Hour, "minutes": time.Minute}

// speedTestResults answers the node's results, newest first; with limit, only those started
// within limit × granularity (days by default). GET …/nodes/{id}/speedTestResults (§6.2, §12.4)
func (c *Cloud) speedTestResults(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	unit, ok := granularities[orDefault(rq.query.Get("granularity"), "days")]
	if !ok {
		return errorf(http.StatusUnprocessableEntity, "granularity %q is not days, hours or minutes", rq.query.Get("granularity"))
	}
	limit, bad := queryNumber(rq.query, "limit")
	if bad != nil {
		return bad
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	now := c.now()
	out := []obj{}
	for _, t := range slices.Backward(l.speedTests) {
		if t.nodeID != n.serial {
			continue
		}
		if limit != nil && t.startedAt.Before(now.Add(-time.Duration(*limit*float64(unit)))) {
			continue
		}
		out = append(out, c.speedTestJSON(l, t, now))
	}
	return jsonReply(http.StatusOK, out)
}

// speedTestResult answers one result, running or not; an id unknown for the node is 404.
// GET …/nodes/{id}/speedTestResults/{requestId} (§6.3, §12.4)
func (c *Cloud) speedTestResult(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	for _, t := range l.speedTests {
		if t.requestID == rq.params[3] && t.nodeID == n.serial {
			return jsonReply(http.StatusOK, c.speedTestJSON(l, t, c.now()))
		}
	}
	return errorf(http.StatusNotFound, "speed test %q not found for node %q", rq.params[3], n.serial)
}

// ispSchedule is Location.ispSpeedTestConfiguration; the fake schedules nothing.
type ispSchedule struct {
	enable, enableAllNodes bool
	createdAt, updatedAt   time.Time
}

func ispScheduleJSON(l *location) obj {
	s := l.ispSchedule
	return obj{
		"_version": schemaVersion, "enable": s.enable, "speedCapable": true, "enableAllNodes": s.enableAllNodes,
		"createdAt": stamp(s.createdAt), "updatedAt": stamp(s.updatedAt),
	}
}

// setISPSchedule stores enable (required) and enableAllNodes (kept when absent), each a
// boolean or a string holding one. PUT …/ispSpeedTestConfiguration (§6.5, §12.4)
func (c *Cloud) setISPSchedule(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	enable, all := f.looseBool("enable"), f.looseBool("enableAllNodes")
	switch {
	case f.err != nil:
		return f.err
	case enable == nil:
		return errorReply(http.StatusBadRequest, "enable is required")
	}
	l.ispSchedule.enable = *enable
	if all != nil {
		l.ispSchedule.enableAllNodes = *all
	}
	l.ispSchedule.updatedAt = c.now()
	return jsonReply(http.StatusOK, obj{"ispSpeedTestConfiguration": ispScheduleJSON(l)})
}

// dashboard answers the latest completed isp or gateway result and up to five connected
// devices by MAC (not with excludeDevices=true). GET …/appFacade/dashboard (§6.6, §12.4)
func (c *Cloud) dashboard(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	exclude, bad := queryBool(rq.query, "excludeDevices", false)
	if bad != nil {
		return bad
	}
	now := c.now()
	out := obj{"speedTest": nil}
	if t := c.latestGatewayResult(l, now); t != nil {
		out["speedTest"] = c.speedTestJSON(l, t, now)
	}
	if !exclude {
		devices := []obj{}
		for _, d := range sortedDevices(l) {
			if d.connected && !d.hidden && len(devices) < mostActiveDevices {
				devices = append(devices, c.deviceJSON(l, d, now))
			}
		}
		out["mostActiveDevices"] = devices
	}
	return jsonReply(http.StatusOK, out)
}

// latestGatewayResult is the newest completed isp test, or node test of the gateway.
func (c *Cloud) latestGatewayResult(l *location, now time.Time) *speedTest {
	gw := c.gatewayOf(l)
	for _, t := range slices.Backward(l.speedTests) {
		onGateway := t.kind == speedTestISP || (gw != nil && t.nodeID == gw.serial)
		if onGateway && c.speedStatus(t, now) == speedCompleted {
			return t
		}
	}
	return nil
}

// SetSpeedResult sets the numbers of a node's later speed tests: Mbps down and up, latency
// in ms (defaults: gateway 940/42/9, other nodes 480/40/14).
func (c *Cloud) SetSpeedResult(serial string, down, up, latencyMs float64) error {
	if down < 0 || up < 0 || latencyMs < 0 {
		return errors.New("fakecloud: negative speed test result")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	if n == nil {
		return fmt.Errorf("fakecloud: no node %q in inventory", serial)
	}
	n.speed = &speedNumbers{down: down, up: up, latency: latencyMs}
	return nil
}

// SpeedTestView is a speed test run as the fake holds it.
type SpeedTestView struct {
	RequestID, NodeID, LocationID string
	Type                          string  // node or isp
	Status                        string  // running, completed or failed
	ServerID                      float64 // as sent; 0 when not
	UplinkType                    string
	Download, Upload, Latency     float64 // Mbps, Mbps, ms; zero unless completed
	StartedAt, EndedAt            time.Time
}

// SpeedTests returns the speed tests run at a location, newest first.
func (c *Cloud) SpeedTests(locationID string) ([]SpeedTestView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil {
		return nil, fmt.Errorf("fakecloud: no location %q", locationID)
	}
	now := c.now()
	out := []SpeedTestView{}
	for _, t := range slices.Backward(l.speedTests) {
		v := SpeedTestView{
			RequestID: t.requestID, NodeID: t.nodeID, LocationID: l.id, Type: t.kind,
			Status: c.speedStatus(t, now), UplinkType: deref(t.uplinkType, ""),
			StartedAt: t.startedAt, EndedAt: c.endedAt(t, now),
		}
		if t.serverID != nil {
			v.ServerID = *t.serverID
		}
		if v.Status == speedCompleted {
			v.Download, v.Upload, v.Latency = t.result.down, t.result.up, t.result.latency
		}
		out = append(out, v)
	}
	return out, nil
}
