package fakecloud

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestConnection derives connectionState and connectionStateChangeAt from a node's history
// at every instant of a timeline: claimed at 0, online at 10, a reboot window [20, 30), a
// second one [25, 40) overlapping it, offline during [50, 60), and offline again at 70
// inside a reboot window [65, 80).
func TestConnection(t *testing.T) {
	t.Parallel()
	at := func(s int) time.Time { return testStart.Add(time.Duration(s) * time.Second) }
	n := &node{serial: "N1", locationID: "L1", claimedAt: at(0)}
	n.setOnline(true, at(10))
	n.setOnline(true, at(12)) // no change, not logged
	n.setOnline(false, at(50))
	n.setOnline(true, at(60))
	n.setOnline(false, at(70))
	n.reboots = []window{{at(20), at(30)}, {at(25), at(40)}, {at(65), at(80)}}
	c := New(Config{})

	tests := []struct {
		at        int
		state     string
		changedAt int
	}{
		{0, "disconnected", 0},
		{9, "disconnected", 0},
		{10, "connected", 10},
		{19, "connected", 10},
		{20, "disconnected", 20},
		{30, "disconnected", 20},
		{39, "disconnected", 20},
		{40, "connected", 40},
		{50, "disconnected", 50},
		{60, "connected", 60},
		{65, "disconnected", 65},
		{85, "disconnected", 65},
	}
	for _, tc := range tests {
		state, changedAt := c.connection(n, at(tc.at))
		assert.Equal(t, tc.state, state, "at %d", tc.at)
		assert.Equal(t, at(tc.changedAt), changedAt, "at %d", tc.at)
	}
	assert.Len(t, n.onlineLog, 4)

	n.locationID = ""
	state, changedAt := c.connection(n, at(15))
	assert.Equal(t, "disconnected", state, "unclaimed")
	assert.True(t, changedAt.IsZero())
}
