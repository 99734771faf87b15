package fakecloud

import (
	"sync"
	"time"
)

// Timings are the durations of the fake's timed states (plume-support-api.md §12.1). The
// fake runs no timers: it stores when each state began and derives the state from the clock
// on every read, so the first read after the clock moves is exact. A field left zero (or
// negative) takes its default.
type Timings struct {
	// Reboot is how long a rebooted node stays disconnected (DefaultReboot).
	Reboot time.Duration
	// FirmwareQueue is how long a requested upgrade waits before it starts (DefaultFirmwareQueue).
	FirmwareQueue time.Duration
	// FirmwareUpgrade is how long an upgrade keeps the node disconnected (DefaultFirmwareUpgrade).
	FirmwareUpgrade time.Duration
	// SpeedTest is how long a speed test runs before its result is complete (DefaultSpeedTest).
	SpeedTest time.Duration
}

// Defaults of Timings.
const (
	DefaultReboot          = 60 * time.Second
	DefaultFirmwareQueue   = 10 * time.Second
	DefaultFirmwareUpgrade = 120 * time.Second
	DefaultSpeedTest       = 30 * time.Second
)

// withDefaults fills the zero fields.
func (t Timings) withDefaults() Timings {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&t.Reboot, DefaultReboot)
	set(&t.FirmwareQueue, DefaultFirmwareQueue)
	set(&t.FirmwareUpgrade, DefaultFirmwareUpgrade)
	set(&t.SpeedTest, DefaultSpeedTest)
	return t
}

// ManualClock is a clock that moves only when told to: pass its Now to Config.Now (or
// plumetest.WithClock) and call Advance to make reboots end, upgrades complete and speed
// tests finish without sleeping. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward when d is negative).
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
