package plume

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The support flows that wait for the cloud: RebootAndWait and SpeedTest. Both poll with the
// same backoff (flowFirstPause doubling up to flowMaxPause), and every poll is an ordinary
// call: it waits on the client's rate limiter and is retried as its method is, so a flow
// stays inside the client's rate budget however long it polls.

// Pauses between the polls of a flow: the first, doubling up to the last.
const (
	flowFirstPause = 2 * time.Second
	flowMaxPause   = 30 * time.Second
)

// rebootDownGrace is how long after the reboot's delay (read as seconds, as the fake does)
// RebootAndWait keeps looking for the node to go down before it takes a node that is still
// connected as one that rebooted between two polls.
const rebootDownGrace = 2 * time.Minute

// speedTestNotFoundGrace is how long after its start SpeedTest reads a 404 for its request id
// as "not recorded yet" rather than as the answer.
const speedTestNotFoundGrace = time.Minute

// speedTestClockSkew is how much earlier than the client's clock at the start a result may
// say it started and still be taken as the test SpeedTest started (when the start's answer
// had no request id): the client's and the cloud's clocks differ a little.
const speedTestClockSkew = 10 * time.Second

// flowPauseKey is the context key of a flow's pause function (withFlowPause).
type flowPauseKey struct{}

// pauseFunc waits d, or less when ctx ends first; it returns ctx's error when it does.
type pauseFunc func(ctx context.Context, d time.Duration) error

// withFlowPause returns ctx with pause as the way the flows of this file wait between polls:
// tests pass one that moves a manual clock instead of sleeping.
func withFlowPause(ctx context.Context, pause pauseFunc) context.Context {
	return context.WithValue(ctx, flowPauseKey{}, pause)
}

// flowPause waits d or until ctx ends, with the pause function of ctx when it has one.
func flowPause(ctx context.Context, d time.Duration) error {
	if pause, ok := ctx.Value(flowPauseKey{}).(pauseFunc); ok && pause != nil {
		if err := pause(ctx, d); err != nil {
			return err
		}
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// flowBackoff yields the pauses of a flow: the client's first pause (flowFirstPause unless
// WithPolling), doubling up to its longest (flowMaxPause).
type flowBackoff struct{ first, max, last time.Duration }

func (c *Client) flowBackoff() flowBackoff {
	b := flowBackoff{first: flowFirstPause, max: flowMaxPause}
	if c.pollFirst > 0 {
		b.first, b.max = c.pollFirst, max(c.pollMax, c.pollFirst)
	}
	return b
}

func (b *flowBackoff) next() time.Duration {
	switch {
	case b.last == 0:
		b.last = b.first
	case b.last < b.max:
		b.last = min(2*b.last, b.max)
	}
	return b.last
}

// nodeConnected reports whether a node's connection state is connected.
func nodeConnected(n *Node) bool { return strings.EqualFold(n.ConnectionState, "connected") }

// RebootAndWait reboots a node and waits until it is back: it polls Nodes.Get until it has
// seen the node leave "connected" and then report "connected" again, and returns the node
// as that last poll read it. opts may be nil (no delay).
//
// Calls: 1 reboot (Nodes.Reboot) + N polls (Nodes.Get), one after each pause of 2, 4, 8, 16
// and then every 30 s (WithPolling changes them). A node that goes down at once and comes
// back after a minute (the fake cloud's default) costs 1 + 5 calls over one minute. If the node is still seen connected
// once the reboot's delay (read as seconds, which the reference does not confirm) and two
// more minutes have passed, it is taken to have rebooted between two polls and returned. A
// node that is down when the reboot is sent (which the API does not reboot) is waited for
// until it connects.
//
// The first error of a call ends the flow and is returned as it is (the client has already
// retried what its policy retries). When ctx ends, RebootAndWait returns the node as last
// read (nil before the first poll) and an error for which errors.Is(err, ctx.Err()) holds.
func (c *Client) RebootAndWait(ctx context.Context, customerID, locationID, nodeID string, opts *RebootOptions) (*Node, error) {
	if err := c.Nodes.Reboot(ctx, customerID, locationID, nodeID, opts); err != nil {
		return nil, err
	}
	var delay time.Duration
	if opts != nil {
		delay = time.Duration(opts.Delay) * time.Second
	}
	downBy := c.now().Add(delay + rebootDownGrace)
	var (
		sawDown bool
		last    *Node
		wait    = c.flowBackoff()
	)
	for {
		if err := flowPause(ctx, wait.next()); err != nil {
			return last, fmt.Errorf("plume: RebootAndWait: node %s: %w", nodeID, err)
		}
		n, err := c.Nodes.Get(ctx, customerID, locationID, nodeID)
		if err != nil {
			return last, err
		}
		last = n
		switch {
		case !nodeConnected(n):
			sawDown = true
		case sawDown, !c.now().Before(downBy):
			return n, nil
		}
	}
}

// SpeedTest runs a speed test on a node and waits for its result: it starts the test
// (Nodes.StartSpeedTest), then polls until the result's status is completed or failed (for a
// result without a status: until it has an end time).
//
// Calls: 1 start + N polls, one after each pause of 2, 4, 8, 16 and then every 30 s
// (WithPolling changes them); a test of 30 s (the fake cloud's default) costs 1 + 4 calls. When the start's answer has a request
// id (the fake's), each poll is Nodes.SpeedTestResult by that id, and a 404 in the first
// minute is read as "not recorded yet". When it has none (the reference documents {}), each
// poll is Nodes.SpeedTestResults, and the test is the newest result that started at or after
// the start (less 10 s for the difference between the client's and the cloud's clocks); a
// result with no time cannot be placed and is never taken. A 503 of a poll (the results
// service is unavailable: retry later) is polled through.
//
// A failed test returns its result and an error that wraps ErrSpeedTestFailed. Any other
// error of a call ends the flow and is returned as it is. When ctx ends, SpeedTest returns the
// result as last read (nil before one was found) and an error for which
// errors.Is(err, ctx.Err()) holds.
func (c *Client) SpeedTest(ctx context.Context, customerID, locationID, nodeID string) (*SpeedTestResult, error) {
	start := c.now()
	requestID, err := c.Nodes.StartSpeedTest(ctx, customerID, locationID, nodeID, nil)
	if err != nil {
		return nil, err
	}
	var (
		last *SpeedTestResult
		wait = c.flowBackoff()
	)
	for {
		if err := flowPause(ctx, wait.next()); err != nil {
			return last, fmt.Errorf("plume: SpeedTest: node %s: %w", nodeID, err)
		}
		r, err := c.pollSpeedTest(ctx, customerID, locationID, nodeID, requestID, start)
		switch {
		case err != nil && !speedPollTransient(err, requestID, c.now().Sub(start)):
			return last, err
		case err != nil, r == nil:
			continue
		}
		last = r
		if done, failed := r.finished(); failed {
			return r, fmt.Errorf("plume: SpeedTest: node %s: test %q ended with status %q: %w", nodeID, r.RequestID, r.Status, ErrSpeedTestFailed)
		} else if done {
			return r, nil
		}
	}
}

// pollSpeedTest reads the test SpeedTest started: by its id, or, without one, the newest
// result of the node that started after start (less speedTestClockSkew); nil when there is
// none yet.
func (c *Client) pollSpeedTest(ctx context.Context, customerID, locationID, nodeID, requestID string, start time.Time) (*SpeedTestResult, error) {
	if requestID != "" {
		return c.Nodes.SpeedTestResult(ctx, customerID, locationID, nodeID, requestID)
	}
	results, err := c.Nodes.SpeedTestResults(ctx, customerID, locationID, nodeID, nil)
	if err != nil {
		return nil, err
	}
	var newest *SpeedTestResult
	for i := range results {
		r := &results[i]
		if r.At.IsZero() || r.At.Before(start.Add(-speedTestClockSkew)) {
			continue
		}
		if newest == nil || r.At.After(newest.At) {
			newest = r
		}
	}
	return newest, nil
}

// speedPollTransient reports whether a poll's error is one to poll through: a 503, or a 404
// for the request id within speedTestNotFoundGrace of the start.
func speedPollTransient(err error, requestID string, since time.Duration) bool {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case 503:
		return true
	case 404:
		return requestID != "" && since < speedTestNotFoundGrace
	}
	return false
}
