package fakecloud

import (
	"slices"
	"strconv"
	"time"
)

// A node's connectionState is derived, never stored (plume-support-api.md §12.2): a node is
// connected while it is claimed, online (SetNodeOnline), outside every reboot window and not
// upgrading. What is stored is when each of those began and ended (the online flag's changes,
// the reboot windows, the firmware job), so that the state and the moment it last changed
// (connectionStateChangeAt) can be read at any time without a timer having fired.

// Node defaults of the support half.
const (
	DefaultFirmwareVersion = "1.0.0" // a node's firmwareVersion until SetFirmware or an upgrade
	DefaultFirmwareTarget  = "1.1.0" // the version PUT …/firmware upgrades to until SetFirmwareTarget
)

// Connection states of nodes and devices.
const (
	stateConnected    = "connected"
	stateDisconnected = "disconnected"
)

// Frequency bands of devices (plume-support-api.md §2) and the one channel the fake's
// radios use on each: nodes report them as strings (§5.0), devices as numbers.
const (
	band24 = "2.4G"
	band5  = "5G"
	band6  = "6G"
)

var bandChannels = map[string]int{band24: 6, band5: 44, band6: 37}

func channelText(band string) string { return strconv.Itoa(bandChannels[band]) }

// window is a period [from, to) during which a node is down.
type window struct{ from, to time.Time }

// covers reports whether t (or, with justBefore, the instant just before t) lies inside.
func (w window) covers(t time.Time, justBefore bool) bool {
	if justBefore {
		return w.from.Before(t) && !t.After(w.to)
	}
	return !t.Before(w.from) && t.Before(w.to)
}

// onlineChange is one change of a node's online flag.
type onlineChange struct {
	at     time.Time
	online bool
}

// setOnline changes the online flag and logs the change.
func (n *node) setOnline(online bool, at time.Time) {
	if n.online == online {
		return
	}
	n.online = online
	n.onlineLog = append(n.onlineLog, onlineChange{at: at, online: online})
}

// onlineAt returns the online flag at t (with justBefore, just before t). A node starts offline.
func (n *node) onlineAt(t time.Time, justBefore bool) bool {
	online := false
	for _, ch := range n.onlineLog {
		if ch.at.After(t) || (justBefore && ch.at.Equal(t)) {
			break
		}
		online = ch.online
	}
	return online
}

// downWindows returns every period the node is known to be down up to now: its reboots, its
// past upgrades and the current one.
func (c *Cloud) downWindows(n *node, now time.Time) []window {
	down := slices.Concat(n.reboots, n.pastUpgrades)
	if w, ok := c.upgradeWindow(n, now); ok {
		down = append(down, w)
	}
	return down
}

// connectedAt applies the rule of §12.2 at t (with justBefore, just before t).
func (n *node) connectedAt(t time.Time, justBefore bool, down []window) bool {
	switch {
	case !n.claimed():
		return false
	case justBefore && !n.claimedAt.Before(t), !justBefore && t.Before(n.claimedAt):
		return false
	case !n.onlineAt(t, justBefore):
		return false
	}
	for _, w := range down {
		if w.covers(t, justBefore) {
			return false
		}
	}
	return true
}

// connection returns the node's connectionState at now and the last time it changed: the
// latest boundary (claim, online change, start or end of a window) where the state differs
// on either side. A node that never changed since its claim reports its claim time.
func (c *Cloud) connection(n *node, now time.Time) (state string, changedAt time.Time) {
	down := c.downWindows(n, now)
	state = stateDisconnected
	if n.connectedAt(now, false, down) {
		state = stateConnected
	}
	if !n.claimed() {
		return state, time.Time{}
	}
	bounds := []time.Time{n.claimedAt}
	for _, ch := range n.onlineLog {
		bounds = append(bounds, ch.at)
	}
	for _, w := range down {
		bounds = append(bounds, w.from, w.to)
	}
	slices.SortFunc(bounds, func(a, b time.Time) int { return b.Compare(a) })
	for _, b := range bounds {
		if !b.After(now) && n.connectedAt(b, false, down) != n.connectedAt(b, true, down) {
			return state, b
		}
	}
	return state, n.claimedAt
}

// connected reports whether the node is connected at now.
func (c *Cloud) connected(n *node, now time.Time) bool {
	return n.connectedAt(now, false, c.downWindows(n, now))
}

// reboot takes an online node down during [now+delay, now+delay+Reboot); a reboot that has
// not begun yet is replaced. An offline node is left as it is (§12.2).
func (c *Cloud) reboot(n *node, delay time.Duration, now time.Time) {
	if !n.online {
		return
	}
	w := window{from: now.Add(delay), to: now.Add(delay + c.timings.Reboot)}
	if last := len(n.reboots) - 1; last >= 0 && n.reboots[last].from.After(now) {
		n.reboots[last] = w
	} else {
		n.reboots = append(n.reboots, w)
	}
	n.rebootCount++
	n.updatedAt = now
}

// assignIP gives a newly claimed node the lowest free address of its location's LAN prefix
// (lan.go): the first host for a gateway when it is free, else from the second host up.
func (c *Cloud) assignIP(n *node) {
	prefix := c.locations[n.locationID].lan.prefix
	used := map[string]bool{}
	for _, other := range c.claimedNodes[n.locationID] {
		if other != n {
			used[other.ip] = true
		}
	}
	if first, _ := hostAddr(prefix, 1); n.gateway && !used[first.String()] {
		n.ip = first.String()
		return
	}
	n.ip = ""
	for i := 2; i <= maxNodeHosts; i++ {
		a, ok := hostAddr(prefix, i)
		if !ok {
			return
		}
		if !used[a.String()] {
			n.ip = a.String()
			return
		}
	}
}

// resetSupport clears what a claim gave the node (unclaim): its address, LED, reboots,
// firmware job and alerts. The installed firmware stays.
func (c *Cloud) resetSupport(n *node, now time.Time) {
	c.endJob(n, now)
	n.ip, n.led = "", ledNormal
	n.reboots, n.pastUpgrades = nil, nil
	n.alerts = nil
}

// gatewayOf returns the location's gateway: its first residentialGateway node in claim
// order, else its first claimed node, else nil (§12.2).
func (c *Cloud) gatewayOf(l *location) *node {
	nodes := c.claimedAt(l.id)
	for _, n := range nodes {
		if n.gateway {
			return n
		}
	}
	if len(nodes) > 0 {
		return nodes[0]
	}
	return nil
}
