// Package fakecloud is a stateful fake of the Plume Cloud REST API, served as an http.Handler.
//
// It implements the wire contract of plume-api.md with its own types (it never imports the SDK,
// so a mistake in the SDK's types cannot hide in it): the OAuth client-credentials token and
// introspection endpoints, and every /api endpoint of the contract with its documented statuses,
// validations and side effects. The data model is the cloud's:
//
//	Partner → Customer → Location → Node (claimed from the partner's inventory), its alerts
//	                              → WiFi network (0 or 1) with its HomePass keys and zones,
//	                                service level, WAN configuration, LAN prefix
//	                              → Device (seeded only), speed tests, band steering
//	                              → DHCP reservations and port forwards, persons, freezes
//	                              → optimizer settings, monitor mode
//	           Customer → audit trail (every successful write under /Customers/{id})
//
// The support half (plume-support-api.md §3–§11, §12) keeps time on the one clock,
// Config.Now, and runs no timers: it stores when each timed state began (a reboot window, a
// firmware request, a speed test, a forced steer, a freeze's expiresAt, each change of a
// node's online flag) and derives the state on every read, so the first read after the
// clock moves is exact. A node's connectionState and connectionStateChangeAt are derived
// that way, and so are the health reports (topology, summary, force graph: health.go),
// whether a location's LAN prefix is known (lan.go) and whether a device is frozen (freeze.go).
//
// Around the state machine sit a WAF (a fixed-window request quota answered with an HTML 403),
// a bearer check on every API call, per-route request counters and fault injection (status
// codes, stalls, dropped connections and truncated bodies, before or after the state change).
//
// A Cloud is safe for concurrent use; every request's state change is atomic.
package fakecloud
