package fakecloud

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Firmware statuses of GET …/firmware (plume-support-api.md §12.3).
const (
	firmwareIdle      = "idle"
	firmwareRequested = "requested"
	firmwareUpgrading = "upgrading"
	firmwareCompleted = "completed"
	firmwareUpToDate  = "upToDate"
	firmwareFailed    = "failed"
)

// firmwareJob is a node's part of one PUT …/firmware. Its status is derived from the clock:
// requested until requestedAt+FirmwareQueue, then failed (the node was offline at that
// moment) or upgrading (disconnected) for FirmwareUpgrade, then completed.
type firmwareJob struct {
	requestedAt time.Time
	target      string
	upToDate    bool // the node already ran the target
}

// firmwareStatus returns the node's firmware status at now and when it began.
func (c *Cloud) firmwareStatus(n *node, now time.Time) (status string, since time.Time) {
	j := n.job
	switch {
	case j == nil:
		return firmwareIdle, n.firmwareSetAt
	case j.upToDate:
		return firmwareUpToDate, j.requestedAt
	}
	start := j.requestedAt.Add(c.timings.FirmwareQueue)
	end := start.Add(c.timings.FirmwareUpgrade)
	switch {
	case now.Before(start):
		return firmwareRequested, j.requestedAt
	case !n.onlineAt(start, false):
		return firmwareFailed, start
	case now.Before(end):
		return firmwareUpgrading, start
	}
	return firmwareCompleted, end
}

// upgradeWindow returns the current job's down time once it has begun.
func (c *Cloud) upgradeWindow(n *node, now time.Time) (window, bool) {
	status, _ := c.firmwareStatus(n, now)
	if status != firmwareUpgrading && status != firmwareCompleted {
		return window{}, false
	}
	start := n.job.requestedAt.Add(c.timings.FirmwareQueue)
	return window{from: start, to: start.Add(c.timings.FirmwareUpgrade)}, true
}

// firmwareVersion is the node's version at now: the job's target once it completed.
func (c *Cloud) firmwareVersion(n *node, now time.Time) string {
	if status, _ := c.firmwareStatus(n, now); status == firmwareCompleted {
		return n.job.target
	}
	return n.firmware
}

// inFlight reports whether the node's upgrade is requested or running at now.
func (c *Cloud) inFlight(n *node, now time.Time) bool {
	status, _ := c.firmwareStatus(n, now)
	return status == firmwareRequested || status == firmwareUpgrading
}

// endJob retires the node's job at now: a completed upgrade installs its target, and the
// down time of an upgrade that began (cut short at now if it is running) stays in the
// node's history.
func (c *Cloud) endJob(n *node, now time.Time) {
	if n.job == nil {
		return
	}
	if w, ok := c.upgradeWindow(n, now); ok {
		w.to = minTime(w.to, now)
		n.pastUpgrades = append(n.pastUpgrades, w)
	}
	if status, since := c.firmwareStatus(n, now); status == firmwareCompleted {
		n.firmware, n.firmwareSetAt = n.job.target, since
	}
	n.job = nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// firmwareJSON is the firmware status of the location's claimed nodes, in claim order.
func (c *Cloud) firmwareJSON(l *location, now time.Time) []obj {
	out := []obj{}
	for _, n := range c.claimedAt(l.id) {
		status, since := c.firmwareStatus(n, now)
		target := c.firmwareTarget
		if n.job != nil {
			target = n.job.target
		}
		out = append(out, obj{
			"nodeId":          n.serial,
			"firmwareVersion": c.firmwareVersion(n, now),
			"targetVersion":   target,
			"status":          status,
			"updatedAt":       stamp(since),
		})
	}
	return out
}

// getFirmware answers the upgrade status of every claimed node. GET …/firmware (§5.4)
func (c *Cloud) getFirmware(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, c.firmwareJSON(l, c.now()))
}

// putFirmware requests an upgrade of the location to the cloud's target: nodes on it become
// upToDate, the others requested. While an upgrade is in flight it changes nothing.
// PUT …/firmware (§5.5, §12.3)
func (c *Cloud) putFirmware(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	now := c.now()
	nodes := c.claimedAt(l.id)
	for _, n := range nodes {
		if c.inFlight(n, now) {
			return jsonReply(http.StatusOK, c.firmwareJSON(l, now))
		}
	}
	for _, n := range nodes {
		c.endJob(n, now)
		n.job = &firmwareJob{requestedAt: now, target: c.firmwareTarget, upToDate: n.firmware == c.firmwareTarget}
	}
	return jsonReply(http.StatusOK, c.firmwareJSON(l, now))
}

// getFirmwareModules answers {}. GET …/firmware/modules (§5.6)
func (c *Cloud) getFirmwareModules(rq *request) *reply {
	if _, _, bad := c.scoped(rq, http.StatusUnauthorized); bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, obj{})
}

// getTaskStatuses always answers 204: progress shows in …/firmware and in the nodes'
// connectionState. GET …/taskStatuses (§5.8, §12.3)
func (c *Cloud) getTaskStatuses(rq *request) *reply {
	if _, _, bad := c.scoped(rq, http.StatusNotFound); bad != nil {
		return bad
	}
	return emptyReply(http.StatusNoContent)
}

// SetFirmware sets a node's installed firmware version (DefaultFirmwareVersion at first). It
// ends the node's upgrade job, so its status reads idle.
func (c *Cloud) SetFirmware(serial, version string) error {
	if version == "" {
		return errors.New("fakecloud: empty firmware version")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	if n == nil {
		return fmt.Errorf("fakecloud: no node %q in inventory", serial)
	}
	now := c.now()
	c.endJob(n, now)
	n.firmware, n.firmwareSetAt, n.updatedAt = version, now, now
	return nil
}

// SetFirmwareTarget sets the version PUT …/firmware upgrades to (DefaultFirmwareTarget at
// first). Jobs already requested keep their target.
func (c *Cloud) SetFirmwareTarget(version string) error {
	if version == "" {
		return errors.New("fakecloud: empty firmware target")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.firmwareTarget = version
	return nil
}

// FirmwareTarget returns the version PUT …/firmware upgrades to.
func (c *Cloud) FirmwareTarget() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.firmwareTarget
}
