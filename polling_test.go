package plume

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithPollingSetsTheFlowsPauses(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t, WithPolling(10*time.Millisecond, 40*time.Millisecond))
	clk := newFlowClock(c)
	m.then(http.StatusNoContent, "").
		then(200, nodeState("disconnected")).
		then(200, nodeState("disconnected")).
		then(200, nodeState("disconnected")).
		then(200, nodeState("disconnected"))
	m.reply(200, nodeState("connected"))
	_, err := c.RebootAndWait(clk.ctx(t.Context()), locTestCustomer, locTestLocation, actTestNode, nil)
	require.NoError(t, err)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{10 * ms, 20 * ms, 40 * ms, 40 * ms, 40 * ms}, clk.recorded())

	for _, bad := range [][2]time.Duration{{0, time.Second}, {time.Second, time.Millisecond}, {-1, -1}} {
		_, err := NewClient(WithBaseURL(testBase), WithTokenSource(staticTokens(testToken)), WithPolling(bad[0], bad[1]))
		require.ErrorIs(t, err, ErrInvalidInput, "%v", bad)
	}
}
