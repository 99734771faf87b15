package plumetest

import (
	"time"

	"github.com/plumecloud/plume-go/internal/fakecloud"
)

// Timings are the durations of the fake's timed states: how long a rebooted node stays
// disconnected (Reboot, 60 s when zero), how long a firmware request waits before the
// upgrade starts (FirmwareQueue, 10 s) and how long the upgrade keeps the node disconnected
// (FirmwareUpgrade, 120 s), and how long a speed test runs (SpeedTest, 30 s).
//
// The fake runs no timers: it stores when each state began and derives it from the Server's
// clock on every read, so a test that moves a ManualClock sees the new state at once.
type Timings = fakecloud.Timings

// WithTimings sets the durations of the timed states; zero fields keep their defaults.
func WithTimings(t Timings) Option {
	return func(s *settings) { s.cfg.Timings = t }
}

// ManualClock is a clock that moves only when told to. Pass its Now to WithClock and call
// Advance to end reboots, upgrades and speed tests without sleeping:
//
//	clock := plumetest.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
//	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
//	...
//	clock.Advance(time.Minute)
//
// It is safe for concurrent use. The SDK keeps its own clock for token lifetimes and waits.
type ManualClock = fakecloud.ManualClock

// NewManualClock returns a ManualClock standing at start.
func NewManualClock(start time.Time) *ManualClock { return fakecloud.NewManualClock(start) }
