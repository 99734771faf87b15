package plume

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WithFlowPause returns ctx with pause as the way RebootAndWait and SpeedTest wait between
// polls, for the tests of package plume_test: they pass one that advances plumetest's manual
// clock, so that no test sleeps for real.
func WithFlowPause(ctx context.Context, pause func(ctx context.Context, d time.Duration) error) context.Context {
	return withFlowPause(ctx, pause)
}

// flowClock is a manual clock for the flows: the client reads it, and its pause function
// records each pause and moves it forward instead of sleeping.
type flowClock struct {
	mu     sync.Mutex
	now    time.Time
	pauses []time.Duration
	// before, when set, runs at the start of each pause with the pauses so far (this one
	// included); an error it returns is the pause's.
	before func(n int) error
}

var flowStart = time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC)

func newFlowClock(c *Client) *flowClock {
	clk := &flowClock{now: flowStart}
	c.now = clk.Now
	return clk
}

func (f *flowClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *flowClock) pause(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.pauses = append(f.pauses, d)
	n, before := len(f.pauses), f.before
	f.mu.Unlock()
	if before != nil {
		if err := before(n); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *flowClock) ctx(ctx context.Context) context.Context { return withFlowPause(ctx, f.pause) }

func (f *flowClock) recorded() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.pauses...)
}

func seconds(ss ...int) []time.Duration {
	out := make([]time.Duration, len(ss))
	for i, s := range ss {
		out[i] = time.Duration(s) * time.Second
	}
	return out
}

func nodeState(state string) string {
	return `{"id":"` + actTestNode + `","connectionState":"` + state + `"}`
}

func TestFlowBackoff(t *testing.T) {
	t.Parallel()
	c, _ := newMockClient(t)
	b := c.flowBackoff()
	got := []time.Duration{}
	for range 8 {
		got = append(got, b.next())
	}
	assert.Equal(t, seconds(2, 4, 8, 16, 30, 30, 30, 30), got)
}

func TestFlowPauseTimer(t *testing.T) {
	t.Parallel()
	require.NoError(t, flowPause(t.Context(), time.Nanosecond))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, flowPause(ctx, time.Hour), context.Canceled)
	assert.ErrorIs(t, flowPause(withFlowPause(ctx, func(context.Context, time.Duration) error { return nil }), time.Hour), context.Canceled,
		"a pause function that ignores ctx still ends the flow")
}

func TestRebootAndWait(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	m.then(http.StatusNoContent, "").
		then(200, nodeState("connected")). // the delay has not run out yet
		then(200, nodeState("disconnected")).
		then(200, nodeState("disconnected"))
	m.reply(200, nodeState("connected"))

	n, err := c.RebootAndWait(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode, &RebootOptions{Delay: 5})
	require.NoError(t, err)
	assert.Equal(t, "connected", n.ConnectionState)

	reqs := m.requests()
	require.Len(t, reqs, 5, "1 reboot + 4 polls")
	assertRequest(t, reqs[0], http.MethodPut, actTestPath+"/reboot", "", `{"delay":5}`)
	for _, r := range reqs[1:] {
		assertRequest(t, r, http.MethodGet, actTestPath, "", "")
	}
	assert.Equal(t, seconds(2, 4, 8, 16), clk.recorded())
}

func TestRebootAndWaitNeverSeenDown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  *RebootOptions
		polls int // until delay + 2 minutes have passed: 2, 6, 14, 30, 60, 90, 120, …
	}{
		{nil, 7},
		{&RebootOptions{Delay: 60}, 9}, // 180 s
	} {
		c, m := newMockClient(t)
		clk := newFlowClock(c)
		m.then(http.StatusNoContent, "")
		m.reply(200, nodeState("connected"))
		n, err := c.RebootAndWait(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode, tc.opts)
		require.NoError(t, err)
		assert.Equal(t, "connected", n.ConnectionState)
		assert.Len(t, m.requests(), 1+tc.polls)
	}
}

func TestRebootAndWaitContextEnds(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clk.before = func(n int) error {
		if n == 4 {
			cancel()
		}
		return nil
	}
	m.then(http.StatusNoContent, "")
	m.reply(200, nodeState("disconnected"))

	n, err := c.RebootAndWait(clk.ctx(ctx), locTestCustomer, locTestLocation, actTestNode, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, n, "the node as last read")
	assert.Equal(t, "disconnected", n.ConnectionState)
	assert.Len(t, m.requests(), 1+3)
	assert.Contains(t, err.Error(), "RebootAndWait")

	// Ended before the first poll: no node.
	c2, m2 := newMockClient(t)
	clk2 := newFlowClock(c2)
	ctx2, cancel2 := context.WithCancel(t.Context())
	clk2.before = func(int) error { cancel2(); return nil }
	m2.reply(http.StatusNoContent, "")
	n, err = c2.RebootAndWait(clk2.ctx(ctx2), locTestCustomer, locTestLocation, actTestNode, nil)
	assert.Nil(t, n)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRebootAndWaitDeadline(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	n, err := c.RebootAndWait(ctx, locTestCustomer, locTestLocation, actTestNode, nil)
	assert.Nil(t, n)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, m.requests())
	r, err := c.SpeedTest(ctx, locTestCustomer, locTestLocation, actTestNode)
	assert.Nil(t, r)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestRebootAndWaitErrors(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	m.reply(404, loopbackError(404, "Error", "node not found"))
	n, err := c.RebootAndWait(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode, nil)
	assert.Nil(t, n)
	require.ErrorIs(t, err, ErrNotFound)
	assert.Len(t, m.requests(), 1, "no poll after a failed reboot")
	assert.Empty(t, clk.recorded())

	c, m = newMockClient(t)
	clk = newFlowClock(c)
	m.then(http.StatusNoContent, "").then(200, nodeState("disconnected"))
	m.reply(500, loopbackError(500, "Error", "boom"))
	n, err = c.RebootAndWait(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode, nil)
	require.ErrorIs(t, err, ErrServer)
	require.NotNil(t, n)
	assert.Equal(t, "disconnected", n.ConnectionState)
	assert.Len(t, m.requests(), 3)

	assertNoRequest(t, "Delay", func(ctx context.Context, c *Client) error {
		_, err := c.RebootAndWait(ctx, locTestCustomer, locTestLocation, actTestNode, &RebootOptions{Delay: -1})
		return err
	})
}

func speedState(id, status string, startedAt time.Time) string {
	return `{"requestId":"` + id + `","status":"` + status + `","download":480,"upload":40,"latency":14,"startedAt":"` + startedAt.Format(time.RFC3339Nano) + `"}`
}

func TestSpeedTestFlowByID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	m.then(200, `{"requestId":"st-1"}`).
		then(404, loopbackError(404, "Error", "not recorded yet")).
		then(503, loopbackError(503, "Error", "unavailable")).
		then(200, speedState("st-1", "running", flowStart))
	m.reply(200, speedState("st-1", "completed", flowStart))

	r, err := c.SpeedTest(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode)
	require.NoError(t, err)
	assert.Equal(t, "st-1", r.RequestID)
	assert.Equal(t, "completed", r.Status)
	assert.InDelta(t, 480.0, r.DownloadMbps, 1e-9)

	reqs := m.requests()
	require.Len(t, reqs, 5, "1 start + 4 polls")
	assertRequest(t, reqs[0], http.MethodPost, actTestPath+"/speedTest", "", "")
	for _, r := range reqs[1:] {
		assertRequest(t, r, http.MethodGet, actTestPath+"/speedTestResults/st-1", "", "")
	}
	assert.Equal(t, seconds(2, 4, 8, 16), clk.recorded())
}

func TestSpeedTestFlowFailed(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	m.then(200, `{"requestId":"st-2"}`)
	m.replyFixture(200, "speedtest_failed.json")
	r, err := c.SpeedTest(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode)
	require.ErrorIs(t, err, ErrSpeedTestFailed)
	require.NotNil(t, r, "the result comes with the error")
	assert.Equal(t, "failed", r.Status)
	assert.Contains(t, err.Error(), `"failed"`)
	assert.Contains(t, err.Error(), actTestNode)
	assert.Len(t, m.requests(), 2)
}

func TestSpeedTestFlowNotFound(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	m.then(200, `{"requestId":"st-3"}`)
	m.reply(404, loopbackError(404, "Error", "speed test not found"))
	r, err := c.SpeedTest(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode)
	assert.Nil(t, r)
	require.ErrorIs(t, err, ErrNotFound)
	// Polls at 2, 6, 14, 30 s are in the first minute; the one at 60 s is not.
	assert.Len(t, m.requests(), 1+5)
}

func TestSpeedTestFlowWithoutID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	old := speedState("old", "completed", flowStart.Add(-time.Hour))
	skewed := speedState("skewed", "completed", flowStart.Add(-time.Minute))
	m.then(200, `{}`).
		then(200, `[`+old+`]`).
		then(200, `[`+skewed+`,`+old+`]`).
		then(200, `[`+speedState("", "running", flowStart.Add(-3*time.Second))+`,`+old+`]`)
	m.reply(200, `[`+old+`,`+speedState("", "completed", flowStart.Add(-3*time.Second))+`]`)

	r, err := c.SpeedTest(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode)
	require.NoError(t, err)
	assert.Equal(t, "completed", r.Status)
	assert.Empty(t, r.RequestID)
	assert.Equal(t, flowStart.Add(-3*time.Second), r.At, "within the clock skew allowed")

	reqs := m.requests()
	require.Len(t, reqs, 5)
	for _, r := range reqs[1:] {
		assertRequest(t, r, http.MethodGet, actTestPath+"/speedTestResults", "", "")
	}
}

func TestSpeedTestFlowErrors(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	clk := newFlowClock(c)
	m.reply(422, loopbackError(422, "Error", "Invalid test type"))
	r, err := c.SpeedTest(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode)
	assert.Nil(t, r)
	require.ErrorIs(t, err, ErrValidation)
	assert.Len(t, m.requests(), 1)

	c, m = newMockClient(t)
	clk = newFlowClock(c)
	m.then(200, `{}`)
	m.reply(422, loopbackError(422, "Error", "nodeId undefined"))
	_, err = c.SpeedTest(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode)
	require.ErrorIs(t, err, ErrValidation)
	assert.Len(t, m.requests(), 2)

	c, m = newMockClient(t)
	clk = newFlowClock(c)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clk.before = func(n int) error {
		if n == 3 {
			return context.Canceled // a pause that fails on its own
		}
		return nil
	}
	m.then(200, `{"requestId":"st-4"}`)
	m.reply(200, speedState("st-4", "running", flowStart))
	r, err = c.SpeedTest(clk.ctx(ctx), locTestCustomer, locTestLocation, actTestNode)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, r)
	assert.Equal(t, "running", r.Status, "the result as last read")
	assert.Len(t, m.requests(), 3)
	assert.True(t, errors.Is(err, context.Canceled))
}
