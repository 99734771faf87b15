package fakecloud

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Monitor mode, the audit trail and the factory reset (plume-support-api.md §11.1, §11.3,
// §11.5, §12.9). The authorizations of §11.2 are locations.go's (plume-api.md §4.8).

// maxAuditEntries bounds a customer's audit trail; the oldest entries go first.
const maxAuditEntries = 1000

// auditEntry is one successful write under /Customers/{id}.
type auditEntry struct {
	at         time.Time
	method     string
	path       string // below /api, as sent (unescaped)
	status     int
	locationID string // the {locationId} of a …/locations/{locationId}/… path; "" otherwise
}

// recordAudit adds a request to its customer's trail when it is a write (not GET or HEAD)
// under /Customers/{id} that succeeded (2xx). serveAPI calls it after every endpoint.
func (c *Cloud) recordAudit(ep endpoint, method, path string, status int) {
	if method == http.MethodGet || method == http.MethodHead || status < 200 || status > 299 || ep.route == nil {
		return
	}
	segs := ep.route.segs
	if len(segs) < 2 || !strings.EqualFold(segs[0], "Customers") || segs[1] != "{id}" {
		return
	}
	cu := c.customers[ep.params[0]]
	if cu == nil { // DELETE /Customers/{id}: the trail went with the customer
		return
	}
	e := auditEntry{at: c.now(), method: method, path: strings.TrimPrefix(path, APIPrefix), status: status}
	if len(segs) >= 4 && strings.EqualFold(segs[2], "locations") && segs[3] == "{id}" {
		e.locationID = ep.params[1]
	}
	cu.audit = append(cu.audit, e)
	if over := len(cu.audit) - maxAuditEntries; over > 0 {
		cu.audit = append([]auditEntry(nil), cu.audit[over:]...)
	}
}

// auditJSON answers the entries of a trail, newest first; locationID "" keeps them all.
func auditJSON(cu *customer, locationID string) []obj {
	out := []obj{}
	for i := len(cu.audit) - 1; i >= 0; i-- {
		if e := cu.audit[i]; locationID == "" || e.locationID == locationID {
			out = append(out, obj{"timestamp": stamp(e.at), "method": e.method, "path": e.path, "status": e.status})
		}
	}
	return out
}

// getCustomerAudit answers the customer's trail. GET /Customers/{id}/auditTrail (§11.3, §12.9)
func (c *Cloud) getCustomerAudit(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, auditJSON(cu, ""))
}

// getLocationAudit answers the part of the trail under the location. GET …/auditTrail (§11.3, §12.9)
func (c *Cloud) getLocationAudit(rq *request) *reply {
	cu, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, auditJSON(cu, l.id))
}

// putMonitorMode sets Location.monitorMode, as SetMonitorMode does; while on, claims are
// 422. enable is required (400). PUT …/monitorMode (§11.1, §12.9)
func (c *Cloud) putMonitorMode(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	enable := f.looseBool("enable")
	switch {
	case f.err != nil:
		return f.err
	case enable == nil:
		return errorReply(http.StatusBadRequest, "enable is required")
	}
	l.monitorMode, l.monitorModeSet = *enable, c.now()
	return jsonReply(http.StatusOK, obj{"_version": schemaVersion, "enable": l.monitorMode, "updatedAt": stamp(l.monitorModeSet)})
}

// resetFlags are the factoryReset flags (§11.5).
var resetFlags = []string{
	"persons", "onboardingCheckpoints", "devices", "networkConfiguration", "wifiNetwork",
	"deviceFreeze", "deviceNicknames", "managers", "wanConfiguration",
}

// readResetFlags reads each flag from the body, else the query (§1); absent is false, a
// value that is not a boolean 400.
func readResetFlags(rq *request, f *fields) (map[string]bool, *reply) {
	flags := map[string]bool{}
	for _, key := range resetFlags {
		if f.has(key) {
			v := f.looseBool(key)
			if f.err != nil {
				return nil, f.err
			}
			flags[key] = *v
			continue
		}
		v, bad := queryBool(rq.query, key, false)
		if bad != nil {
			return nil, bad
		}
		flags[key] = v
	}
	return flags, nil
}

// factoryReset clears what each true flag names (§11.5's last column); networkConfiguration
// and wifiNetwork also reboot every claimed node at once. Claims, licences and the LAN prefix
// stay. No flag true is a 204 that changes nothing. DELETE …/factoryReset (§11.5, §12.9)
func (c *Cloud) factoryReset(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	flags, bad := readResetFlags(rq, f)
	if bad != nil {
		return bad
	}
	now := c.now()
	if flags["persons"] {
		l.persons = nil
	}
	if flags["onboardingCheckpoints"] {
		l.checkpoint = nil
	}
	for _, d := range l.devices {
		if flags["devices"] {
			d.nickname, d.appUUID, d.favorite, d.hidden, d.forcedUntil = "", "", false, false, time.Time{}
			d.freeze = freezeSet{}
		}
		if flags["deviceFreeze"] {
			d.freeze = freezeSet{}
		}
		if flags["deviceNicknames"] {
			d.nickname = ""
		}
	}
	if flags["devices"] {
		clear(l.clientSteering)
	}
	if flags["deviceFreeze"] {
		l.freezeAll = nil
	}
	if flags["managers"] {
		for _, p := range l.persons {
			p.permission = nil
		}
	}
	if flags["wanConfiguration"] {
		l.wan = wanConfig{id: l.wan.id, updatedAt: now, static: &staticIPv4{}}
	}
	if flags["networkConfiguration"] {
		clear(l.reservations)
	}
	if flags["wifiNetwork"] {
		l.wifi = nil
	}
	if flags["networkConfiguration"] || flags["wifiNetwork"] {
		for _, n := range c.claimedAt(l.id) {
			c.reboot(n, 0, now)
		}
	}
	return emptyReply(http.StatusNoContent)
}

// AuditEntry is one successful write under /Customers/{id}, as the audit trail answers it.
type AuditEntry struct {
	At         time.Time
	Method     string
	Path       string // below /api, as sent: "/Customers/…/locations/…/monitorMode"
	Status     int
	LocationID string // the location of a …/locations/{id}/… path; "" otherwise
}

// AuditTrail returns a customer's audit trail, newest first (at most 1000 entries).
func (c *Cloud) AuditTrail(customerID string) ([]AuditEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cu := c.customers[customerID]
	if cu == nil {
		return nil, fmt.Errorf("fakecloud: no customer %q", customerID)
	}
	out := make([]AuditEntry, 0, len(cu.audit))
	for i := len(cu.audit) - 1; i >= 0; i-- {
		e := cu.audit[i]
		out = append(out, AuditEntry{At: e.at, Method: e.method, Path: e.path, Status: e.status, LocationID: e.locationID})
	}
	return out, nil
}
