package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// SpeedTestRequest is the optional body of a speed test (docs/plume-support-api.md §6.1,
// §6.4). Every field is optional and a zero field is not sent; the reference does not list
// the values of ServerID or UplinkType.
type SpeedTestRequest struct {
	ServerID   int    // the test server; 0 lets the cloud choose
	UplinkType string // passed through as given
	// RequestID is the ISP test's own id (Locations.RunISPSpeedTest), by which its result can
	// be read. The node test takes none: it is a *ValidationError there.
	RequestID string
}

// Validate checks the request as the speed test calls do before sending it.
func (r SpeedTestRequest) Validate() error {
	if r.ServerID < 0 {
		return invalid("ServerID", "must not be negative, got %d", r.ServerID)
	}
	return nil
}

// speedTestBody is the wire body of a speed test: only what was set.
type speedTestBody struct {
	RequestID  string `json:"requestId,omitempty"`
	ServerID   int    `json:"serverId,omitempty"`
	UplinkType string `json:"uplinkType,omitempty"`
}

// body returns the wire body of r; nil (no body) for a nil request.
func (r *SpeedTestRequest) body() any {
	if r == nil {
		return nil
	}
	return speedTestBody{RequestID: r.RequestID, ServerID: r.ServerID, UplinkType: r.UplinkType}
}

// Granularities of SpeedTestQuery (docs/plume-support-api.md §6.2).
const (
	SpeedTestDays    = "days"
	SpeedTestHours   = "hours"
	SpeedTestMinutes = "minutes"
)

// SpeedTestQuery narrows SpeedTestResults: the last Limit days, hours or minutes
// (docs/plume-support-api.md §6.2). Zero fields are not sent: the cloud's default granularity
// (days in the fake) and no limit.
type SpeedTestQuery struct {
	Granularity string // SpeedTestDays, SpeedTestHours, SpeedTestMinutes or ""
	Limit       int    // how many units of Granularity back; 0 for no limit
}

// Validate checks the query as SpeedTestResults does before sending it.
func (q SpeedTestQuery) Validate() error {
	switch q.Granularity {
	case "", SpeedTestDays, SpeedTestHours, SpeedTestMinutes:
	default:
		return invalid("Granularity", "unknown value %q (days, hours or minutes)", q.Granularity)
	}
	if q.Limit < 0 {
		return invalid("Limit", "must not be negative, got %d", q.Limit)
	}
	return nil
}

func (q *SpeedTestQuery) values() url.Values {
	if q == nil {
		return nil
	}
	v := url.Values{}
	if q.Granularity != "" {
		v.Set("granularity", q.Granularity)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// SpeedTestResult is one speed test of a node (or, with Type "isp", of the location's
// gateway towards the ISP). The reference documents no shape for it (its examples are {}),
// so the typed fields follow the shape of docs/plume-support-api.md §12.4, {requestId, nodeId,
// locationId, type, status, serverId, uplinkType, download, upload, latency, startedAt,
// endedAt}, read tolerantly: a member that is missing, null or of another type leaves its
// field zero (a failed test has null numbers) and never fails the call. Raw keeps the whole
// object.
type SpeedTestResult struct {
	RequestID    string        `json:"requestId"` // from requestId, else id
	NodeID       string        `json:"nodeId"`
	LocationID   string        `json:"locationId"`
	Type         string        `json:"type"`   // "node" or "isp" in the fake
	Status       string        `json:"status"` // as sent: "running", "completed" or "failed" in the fake
	ServerID     int           `json:"serverId"`
	UplinkType   string        `json:"uplinkType"`
	DownloadMbps float64       `json:"download"`
	UploadMbps   float64       `json:"upload"`
	Latency      time.Duration `json:"-"` // the wire's latency in milliseconds (Raw keeps it)
	StartedAt    time.Time     `json:"startedAt"`
	EndedAt      time.Time     `json:"endedAt"`
	// At is when the test ran: StartedAt, else EndedAt, else the object's timestamp.
	At  time.Time       `json:"-"`
	Raw json.RawMessage `json:"-"`
}

// The statuses of a speed test in the fake's shape (docs/plume-support-api.md §12.4).
const (
	speedTestCompleted = "completed"
	speedTestFailed    = "failed"
)

// finished reports whether the test is over, and whether it failed: its status says
// completed or failed (in any case), or, for an answer without a status, it has an end time.
func (r *SpeedTestResult) finished() (done, failed bool) {
	switch {
	case strings.EqualFold(r.Status, speedTestCompleted):
		return true, false
	case strings.EqualFold(r.Status, speedTestFailed):
		return true, true
	case r.Status == "":
		return !r.EndedAt.IsZero(), false
	}
	return false, false
}

// plainSpeedTest is the wire shape of SpeedTestResult, every member read leniently.
type plainSpeedTest struct {
	RequestID  looseText   `json:"requestId"`
	ID         looseText   `json:"id"`
	NodeID     looseText   `json:"nodeId"`
	LocationID looseText   `json:"locationId"`
	Type       looseText   `json:"type"`
	Status     looseText   `json:"status"`
	ServerID   looseNumber `json:"serverId"`
	UplinkType looseText   `json:"uplinkType"`
	Download   looseNumber `json:"download"`
	Upload     looseNumber `json:"upload"`
	Latency    looseNumber `json:"latency"`
	StartedAt  looseStamp  `json:"startedAt"`
	EndedAt    looseStamp  `json:"endedAt"`
	Timestamp  looseStamp  `json:"timestamp"`
}

func (p *plainSpeedTest) with(raw json.RawMessage) SpeedTestResult {
	r := SpeedTestResult{
		RequestID:    string(p.RequestID),
		NodeID:       string(p.NodeID),
		LocationID:   string(p.LocationID),
		Type:         string(p.Type),
		Status:       string(p.Status),
		UplinkType:   string(p.UplinkType),
		DownloadMbps: float64(p.Download),
		UploadMbps:   float64(p.Upload),
		Latency:      millis(float64(p.Latency)),
		StartedAt:    time.Time(p.StartedAt),
		EndedAt:      time.Time(p.EndedAt),
		Raw:          raw,
	}
	if r.RequestID == "" {
		r.RequestID = string(p.ID)
	}
	if id := float64(p.ServerID); id == math.Trunc(id) && math.Abs(id) <= math.MaxInt32 {
		r.ServerID = int(id)
	}
	switch {
	case !r.StartedAt.IsZero():
		r.At = r.StartedAt
	case !r.EndedAt.IsZero():
		r.At = r.EndedAt
	default:
		r.At = time.Time(p.Timestamp)
	}
	return r
}

// millis converts milliseconds to a Duration; a value a Duration cannot hold is 0.
func millis(ms float64) time.Duration {
	ns := ms * float64(time.Millisecond)
	if math.IsNaN(ns) || math.Abs(ns) >= math.MaxInt64 {
		return 0
	}
	return time.Duration(ns)
}

// UnmarshalJSON decodes a speed test result and keeps it whole in Raw. Any JSON object
// decodes; members of an unexpected type are left zero.
func (r *SpeedTestResult) UnmarshalJSON(data []byte) error { return r.decodeBody(data) }

func (r *SpeedTestResult) decodeBody(body []byte) error {
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] != '{' {
		return errSpeedTestShape
	}
	return decodeRawInto(r, body, (*plainSpeedTest).with)
}

// errSpeedTestShape is a speed test answer that is not an object, or a result list that is
// neither an array, a wrapper of one, nor a single result.
var errSpeedTestShape = errors.New("speed test result: not an object")

// speedTestList is the answer of SpeedTestResults (see decodeSpeedTestList).
type speedTestList []SpeedTestResult

func (*speedTestList) optional() {} // an empty answer: no results

func (l *speedTestList) decodeBody(body []byte) (err error) {
	*l, err = decodeSpeedTestList(body)
	return err
}

// decodeSpeedTestList reads a list of results: a bare array (the fake's shape), an object
// wrapping one in speedTestResults or results, or a single result object. null or an empty
// body is no results. Elements that are not objects are skipped.
func decodeSpeedTestList(body []byte) ([]SpeedTestResult, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || string(body) == "null" {
		return []SpeedTestResult{}, nil
	}
	if !json.Valid(body) {
		return nil, json.Unmarshal(body, new(any)) // the syntax error
	}
	switch body[0] {
	case '{':
		for _, key := range []string{"speedTestResults", "results"} {
			if arr, ok := jsonraw.Member(body, key); ok {
				if arr = bytes.TrimSpace(arr); len(arr) > 0 && arr[0] == '[' {
					return decodeSpeedTestList(arr)
				}
			}
		}
		var one SpeedTestResult
		if err := one.decodeBody(body); err != nil {
			return nil, err
		}
		return []SpeedTestResult{one}, nil
	case '[':
		out := []SpeedTestResult{}
		for _, el := range jsonraw.Elements(body) {
			if el = bytes.TrimSpace(el); len(el) == 0 || el[0] != '{' {
				continue
			}
			var r SpeedTestResult
			if err := r.decodeBody(el); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	return nil, errSpeedTestShape
}

// startAnswer reads the request id of a speed test's answer: {"requestId":…} in the fake,
// {} in the reference (docs/plume-support-api.md §6.1, §12.4). Anything else, an empty or
// unreadable body included, is no id: the test was accepted either way.
func startAnswer(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || !json.Valid(body) {
		return ""
	}
	var id looseText
	switch body[0] {
	case '{':
		var w struct {
			RequestID looseText `json:"requestId"`
		}
		if json.Unmarshal(body, &w) == nil {
			id = w.RequestID
		}
	case '"':
		_ = id.UnmarshalJSON(body)
	}
	return strings.TrimSpace(string(id))
}

// RunSpeedTest starts a speed test on a node; the result appears later in SpeedTestResults.
// It is StartSpeedTest without the id. req may be nil (the cloud chooses the server).
//
// API: POST /Customers/{id}/locations/{locationId}/nodes/{nodeId}/speedTest
func (s *NodesService) RunSpeedTest(ctx context.Context, customerID, locationID, nodeID string, req *SpeedTestRequest) error {
	_, err := s.StartSpeedTest(ctx, customerID, locationID, nodeID, req)
	return err
}

// StartSpeedTest starts a speed test on a node and returns its request id when the answer
// has one. The reference documents the answer as {} with no request id
// (docs/plume-support-api.md §6.1); the fake answers {"requestId":…}. With an id, the result is
// SpeedTestResult(…, requestID); without one ("" and a nil error), it is the newest of
// SpeedTestResults. An unknown customer, location or node is ErrNotFound; 422 ("Invalid test
// type") is ErrValidation. req may be nil; a RequestID in it is a *ValidationError (only the
// ISP test takes one). Like every POST, it is not retried once it may have reached the API.
//
// API: POST /Customers/{id}/locations/{locationId}/nodes/{nodeId}/speedTest
func (s *NodesService) StartSpeedTest(ctx context.Context, customerID, locationID, nodeID string, req *SpeedTestRequest) (requestID string, err error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return "", err
	}
	if req != nil {
		if err := req.Validate(); err != nil {
			return "", err
		}
		if req.RequestID != "" {
			return "", invalid("RequestID", "only the ISP speed test takes a request id")
		}
	}
	resp, err := s.client.do(ctx, &request{
		op:     "Nodes.StartSpeedTest",
		method: http.MethodPost,
		path:   nodePath(customerID, locationID, nodeID, "speedTest"),
		body:   req.body(),
	}, nil)
	if err != nil {
		return "", err
	}
	return startAnswer(resp.Body), nil
}

// SpeedTestResults returns a node's speed test results, in the API's order (newest first in
// the fake); q may be nil. An empty answer is no results. A 404 is ErrNotFound; 503 (the
// results service is unavailable: retry later) is ErrServer once the client's retries are
// spent.
//
// API: GET /Customers/{id}/locations/{locationId}/nodes/{nodeId}/speedTestResults
func (s *NodesService) SpeedTestResults(ctx context.Context, customerID, locationID, nodeID string, q *SpeedTestQuery) ([]SpeedTestResult, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID); err != nil {
		return nil, err
	}
	if q != nil {
		if err := q.Validate(); err != nil {
			return nil, err
		}
	}
	list, err := call[speedTestList](ctx, s.client, &request{
		op:     "Nodes.SpeedTestResults",
		method: http.MethodGet,
		path:   nodePath(customerID, locationID, nodeID, "speedTestResults"),
		query:  q.values(),
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*list), nil
}

// SpeedTestResult returns one speed test of a node by its request id; while the test runs,
// its Status says so (the fake answers 200 with "running"). An id unknown for the node is
// ErrNotFound; 503 is ErrServer once the client's retries are spent.
//
// API: GET /Customers/{id}/locations/{locationId}/nodes/{nodeId}/speedTestResults/{requestId}
func (s *NodesService) SpeedTestResult(ctx context.Context, customerID, locationID, nodeID, requestID string) (*SpeedTestResult, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID, "nodeID", nodeID, "requestID", requestID); err != nil {
		return nil, err
	}
	return call[SpeedTestResult](ctx, s.client, &request{
		op:     "Nodes.SpeedTestResult",
		method: http.MethodGet,
		path:   nodePath(customerID, locationID, nodeID, "speedTestResults", requestID),
	})
}
