// Package fakecloud is a stateful fake of the Plume Cloud REST API, served as an http.Handler.
//
// It implements the wire contract of plume-api.md with its own types (it never imports the SDK,
// so a mistake in the SDK's types cannot hide in it): the OAuth client-credentials token and
// introspection endpoints, and every /api endpoint of the contract with its documented statuses,
// validations and side effects. The data model is the cloud's:
//
//	Partner → Customer → Location → Node (claimed from the partner's inventory)
//	                              → WiFi network (0 or 1), service level, WAN configuration
//	                              → Device (seeded only), speed tests, band steering
//
// The support half (plume-support-api.md §3–§6, §11.4, §12.1–§12.5) keeps time on the one
// clock, Config.Now, and runs no timers: it stores when each timed state began (a reboot
// window, a firmware request, a speed test, a forced steer, each change of a node's online
// flag) and derives the state on every read, so the first read after the clock moves is
// exact. A node's connectionState and connectionStateChangeAt are derived that way.
//
// Around the state machine sit a WAF (a fixed-window request quota answered with an HTML 403),
// a bearer check on every API call, per-route request counters and fault injection (status
// codes, stalls, dropped connections and truncated bodies, before or after the state change).
//
// A Cloud is safe for concurrent use; every request's state change is atomic.
package fakecloud
