package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const speedTestID = "6570a1b2c3d4e5f60718293b"

// assertSpeedFixture checks every typed field of testdata/speedtest_result.json.
func assertSpeedFixture(t *testing.T, r *SpeedTestResult) {
	t.Helper()
	assert.Equal(t, speedTestID, r.RequestID)
	assert.Equal(t, actTestNode, r.NodeID)
	assert.Equal(t, locTestLocation, r.LocationID)
	assert.Equal(t, "node", r.Type)
	assert.Equal(t, "completed", r.Status)
	assert.Equal(t, 4711, r.ServerID)
	assert.Equal(t, "wifi", r.UplinkType)
	assert.InDelta(t, 480.5, r.DownloadMbps, 1e-9)
	assert.InDelta(t, 40.25, r.UploadMbps, 1e-9)
	assert.Equal(t, 14500*time.Microsecond, r.Latency)
	assert.Equal(t, locTestTime(t, "2026-12-04T13:00:00.000Z"), r.StartedAt)
	assert.Equal(t, locTestTime(t, "2026-12-04T13:00:30.000Z"), r.EndedAt)
	assert.Equal(t, r.StartedAt, r.At)
	done, failed := r.finished()
	assert.True(t, done)
	assert.False(t, failed)
}

func TestNodesStartSpeedTest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		req    *SpeedTestRequest
		sent   string
		answer string
		wantID string
	}{
		{"fake answer with id", nil, "", fixture(t, "speedtest_started.json"), speedTestID},
		{"reference answer {}", &SpeedTestRequest{}, `{}`, `{}`, ""},
		{"empty answer", &SpeedTestRequest{ServerID: 4711, UplinkType: "wifi"}, `{"serverId":4711,"uplinkType":"wifi"}`, ``, ""},
		{"numeric id", &SpeedTestRequest{UplinkType: "ethernet"}, `{"uplinkType":"ethernet"}`, `{"requestId":12345}`, "12345"},
		{"string answer", nil, "", `"abc123"`, "abc123"},
		{"null id", nil, "", `{"requestId":null}`, ""},
		{"array answer", nil, "", `[]`, ""},
		{"not JSON", nil, "", `OK`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.answer)
			id, err := c.Nodes.StartSpeedTest(t.Context(), locTestCustomer, locTestLocation, actTestNode, tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.wantID, id)
			assertRequest(t, m.only(), http.MethodPost, actTestPath+"/speedTest", "", tc.sent)
		})
	}
}

func TestNodesRunSpeedTest(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "speedtest_started.json")
	require.NoError(t, c.Nodes.RunSpeedTest(t.Context(), locTestCustomer, locTestLocation, actTestNode, &SpeedTestRequest{ServerID: 7}))
	assertRequest(t, m.only(), http.MethodPost, actTestPath+"/speedTest", "", `{"serverId":7}`)
}

func TestNodesSpeedTestValidation(t *testing.T) {
	t.Parallel()
	assertNoRequest(t, "RequestID", func(ctx context.Context, c *Client) error {
		return c.Nodes.RunSpeedTest(ctx, locTestCustomer, locTestLocation, actTestNode, &SpeedTestRequest{RequestID: "mine"})
	})
	assertNoRequest(t, "ServerID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.StartSpeedTest(ctx, locTestCustomer, locTestLocation, actTestNode, &SpeedTestRequest{ServerID: -1})
		return err
	})
	assertNoRequest(t, "nodeID", func(ctx context.Context, c *Client) error {
		return c.Nodes.RunSpeedTest(ctx, locTestCustomer, locTestLocation, "", nil)
	})
	assertNoRequest(t, "Granularity", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.SpeedTestResults(ctx, locTestCustomer, locTestLocation, actTestNode, &SpeedTestQuery{Granularity: "weeks"})
		return err
	})
	assertNoRequest(t, "Limit", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.SpeedTestResults(ctx, locTestCustomer, locTestLocation, actTestNode, &SpeedTestQuery{Limit: -1})
		return err
	})
	assertNoRequest(t, "requestID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.SpeedTestResult(ctx, locTestCustomer, locTestLocation, actTestNode, "")
		return err
	})
}

func TestNodesSpeedTestStatuses(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.StartSpeedTest", actWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		return c.Nodes.RunSpeedTest(ctx, locTestCustomer, locTestLocation, actTestNode, nil)
	})
	assertStatusErrors(t, "Nodes.SpeedTestResults", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
		statusCase{503, []error{ErrServer}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.SpeedTestResults(ctx, locTestCustomer, locTestLocation, actTestNode, nil)
		return err
	})
	assertStatusErrors(t, "Nodes.SpeedTestResult", actWithStatuses(
		statusCase{404, []error{ErrNotFound}},
		statusCase{422, []error{ErrValidation}},
		statusCase{503, []error{ErrServer}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.SpeedTestResult(ctx, locTestCustomer, locTestLocation, actTestNode, speedTestID)
		return err
	})
}

func TestNodesSpeedTestResults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		query *SpeedTestQuery
		want  string
	}{
		{"nil query", nil, ""},
		{"zero query", &SpeedTestQuery{}, ""},
		{"granularity", &SpeedTestQuery{Granularity: SpeedTestHours}, "granularity=hours"},
		{"granularity and limit", &SpeedTestQuery{Granularity: SpeedTestMinutes, Limit: 30}, "granularity=minutes&limit=30"},
		{"limit alone", &SpeedTestQuery{Limit: 2}, "limit=2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "speedtest_results.json")
			results, err := c.Nodes.SpeedTestResults(t.Context(), locTestCustomer, locTestLocation, actTestNode, tc.query)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodGet, actTestPath+"/speedTestResults", tc.want, "")
			require.Len(t, results, 2)

			running := results[0]
			assert.Equal(t, "6570a1b2c3d4e5f60718293d", running.RequestID)
			assert.Equal(t, "running", running.Status)
			assert.Zero(t, running.DownloadMbps)
			assert.Zero(t, running.Latency)
			assert.Zero(t, running.ServerID)
			assert.Empty(t, running.UplinkType)
			assert.True(t, running.EndedAt.IsZero())
			assert.Equal(t, locTestTime(t, "2026-12-04T15:00:00.000Z"), running.At)
			done, _ := running.finished()
			assert.False(t, done)
			assert.NotContains(t, string(running.Raw), speedTestID, "each Raw is its own result")

			assertSpeedFixture(t, &results[1])
		})
	}
}

func TestNodesSpeedTestResultsShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		body    string
		wantIDs []string
	}{
		{"bare array", `[{"requestId":"a"},{"requestId":"b"}]`, []string{"a", "b"}},
		{"empty array", `[]`, []string{}},
		{"null", `null`, []string{}},
		{"empty body", ``, []string{}},
		{"speedTestResults wrapper", `{"speedTestResults":[{"requestId":"a"}]}`, []string{"a"}},
		{"results wrapper", `{"results":[{"id":"b"}]}`, []string{"b"}},
		{"single object", fixture(t, "speedtest_result.json"), []string{speedTestID}},
		{"non-object elements skipped", `[1,"x",null,{"requestId":"c"}]`, []string{"c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			results, err := c.Nodes.SpeedTestResults(t.Context(), locTestCustomer, locTestLocation, actTestNode, nil)
			require.NoError(t, err)
			require.NotNil(t, results)
			ids := []string{}
			for _, r := range results {
				ids = append(ids, r.RequestID)
			}
			assert.Equal(t, tc.wantIDs, ids)
		})
	}
	for _, body := range []string{`42`, `"x"`, `{"a":`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Nodes.SpeedTestResults(t.Context(), locTestCustomer, locTestLocation, actTestNode, nil)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "Nodes.SpeedTestResults", body)
	}
}

func TestNodesSpeedTestResult(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "speedtest_result.json")
	r, err := c.Nodes.SpeedTestResult(t.Context(), locTestCustomer, locTestLocation, actTestNode, speedTestID)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, actTestPath+"/speedTestResults/"+speedTestID, "", "")
	assertSpeedFixture(t, r)
	assert.JSONEq(t, fixture(t, "speedtest_result.json"), string(r.Raw))
}

func TestNodesSpeedTestResultFailed(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "speedtest_failed.json")
	r, err := c.Nodes.SpeedTestResult(t.Context(), locTestCustomer, locTestLocation, actTestNode, "6570a1b2c3d4e5f60718293c")
	require.NoError(t, err)
	assert.Equal(t, "failed", r.Status)
	assert.Zero(t, r.DownloadMbps)
	assert.Zero(t, r.UploadMbps)
	assert.Zero(t, r.Latency)
	assert.Zero(t, r.ServerID)
	done, failed := r.finished()
	assert.True(t, done)
	assert.True(t, failed)
}

func TestSpeedTestResultTolerantDecoding(t *testing.T) {
	t.Parallel()
	var r SpeedTestResult
	require.NoError(t, json.Unmarshal([]byte(`{
		"id": "fallback-id", "status": "COMPLETED", "serverId": "12", "download": "95.5",
		"upload": {"v": 1}, "latency": "abc", "nodeId": 7, "type": ["x"],
		"startedAt": "yesterday", "endedAt": 1764853230000, "extra": {"kept": true}
	}`), &r))
	assert.Equal(t, "fallback-id", r.RequestID)
	assert.Equal(t, "COMPLETED", r.Status, "kept as sent")
	assert.Equal(t, 12, r.ServerID)
	assert.InDelta(t, 95.5, r.DownloadMbps, 1e-9)
	assert.Zero(t, r.UploadMbps)
	assert.Zero(t, r.Latency)
	assert.Equal(t, "7", r.NodeID)
	assert.Empty(t, r.Type)
	assert.True(t, r.StartedAt.IsZero())
	assert.Equal(t, time.UnixMilli(1764853230000).UTC(), r.EndedAt)
	assert.Equal(t, r.EndedAt, r.At, "At falls back to endedAt")
	assert.Contains(t, string(r.Raw), `"kept": true`)
	done, failed := r.finished()
	assert.True(t, done, "status in another case")
	assert.False(t, failed)

	var ts SpeedTestResult
	require.NoError(t, json.Unmarshal([]byte(`{"timestamp":"2026-12-04T13:00:00Z","latency":1e300,"serverId":1.5}`), &ts))
	assert.Equal(t, locTestTime(t, "2026-12-04T13:00:00Z"), ts.At)
	assert.Zero(t, ts.Latency, "a latency a Duration cannot hold")
	assert.Zero(t, ts.ServerID, "not an integer")

	var noStatus SpeedTestResult
	require.NoError(t, json.Unmarshal([]byte(`{"download":1}`), &noStatus))
	done, _ = noStatus.finished()
	assert.False(t, done, "no status and no end time: not finished")

	assert.Error(t, json.Unmarshal([]byte(`[1]`), &r))
	var inDashboard struct{ SpeedTest *SpeedTestResult }
	require.NoError(t, json.Unmarshal([]byte(`{"SpeedTest":null}`), &inDashboard))
	assert.Nil(t, inDashboard.SpeedTest)
}
