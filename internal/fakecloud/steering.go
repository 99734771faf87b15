package fakecloud

import (
	"net/http"
	"time"
)

// Band steering modes (plume-support-api.md §4.4).
const (
	bandSteeringAuto    = "auto"
	bandSteeringEnable  = "enable"
	bandSteeringDisable = "disable"
)

// The window a forced steer's expiresAt must fall in, inclusive (§4.2, §12.5).
const (
	minForcedSteer = 5 * time.Minute
	maxForcedSteer = 60 * time.Minute
)

// clientSteering is what PATCH …/devices/{mac}/clientSteering stored for a MAC.
type clientSteering struct {
	auto          bool
	steeringClass string
	updatedAt     time.Time
}

// bandSteering is Location.bandSteering; auto is derived from mode.
type bandSteering struct {
	mode      string
	updatedAt time.Time
}

func bandSteeringJSON(l *location) obj {
	b := l.bandSteering
	return obj{"_version": schemaVersion, "auto": b.mode == bandSteeringAuto, "mode": b.mode, "updatedAt": stamp(b.updatedAt)}
}

// setClientSteering stores auto and steeringClass for a MAC, known device or not; an empty
// body is 400. The answer echoes auto (true until set) and updatedAt.
// PATCH …/devices/{mac}/clientSteering (§4.1, §12.5)
func (c *Cloud) setClientSteering(rq *request) *reply {
	l, f, mac, bad := c.scopedMAC(rq, http.StatusUnauthorized, http.StatusUnprocessableEntity)
	if bad != nil {
		return bad
	}
	auto, class := f.boolean("auto"), f.str("steeringClass")
	switch {
	case f.err != nil:
		return f.err
	case auto == nil && class == nil:
		return errorReply(http.StatusBadRequest, "auto or steeringClass is required")
	}
	s := l.clientSteering[mac]
	if s == nil {
		s = &clientSteering{auto: true}
		l.clientSteering[mac] = s
	}
	if auto != nil {
		s.auto = *auto
	}
	setStr(&s.steeringClass, class)
	s.updatedAt = c.now()
	return jsonReply(http.StatusOK, obj{"auto": s.auto, "updatedAt": stamp(s.updatedAt)})
}

// steerableDevice finds the device of a forcedSteer call: unknown, hidden or disconnected
// for more than 31 days is 404.
func steerableDevice(l *location, mac string, now time.Time) (*device, *reply) {
	d, bad := visibleDevice(l, mac)
	if bad != nil {
		return nil, bad
	}
	if d.offlineLonger(steerDaysOffline, now) {
		return nil, errorf(http.StatusNotFound, "device %q has not been online in the last %d days", mac, steerDaysOffline)
	}
	return d, nil
}

// forceSteer holds a Wi-Fi device on 2.4 GHz until expiresAt, checking in order: device
// (404), expiresAt missing or unparsable, not in the future, not 5–60 minutes ahead (422).
// A new call replaces the last one. PUT …/devices/{mac}/forcedSteer (§4.2, §12.5)
func (c *Cloud) forceSteer(rq *request) *reply {
	l, f, mac, bad := c.scopedMAC(rq, http.StatusNotFound, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	now := c.now()
	d, bad := steerableDevice(l, mac, now)
	if bad != nil {
		return bad
	}
	until, ok := parseRFC3339(f, "expiresAt")
	switch {
	case !ok:
		return errorReply(http.StatusUnprocessableEntity, "expiresAt must be an RFC 3339 date")
	case !until.After(now):
		return errorReply(http.StatusUnprocessableEntity, "expiresAt is in the past")
	case until.Before(now.Add(minForcedSteer)) || until.After(now.Add(maxForcedSteer)):
		return errorReply(http.StatusUnprocessableEntity, "expiresAt must be 5 to 60 minutes in the future")
	}
	d.forcedUntil = until.UTC()
	return emptyReply(http.StatusNoContent)
}

// parseRFC3339 reads a string field holding an RFC 3339 time.
func parseRFC3339(f *fields, key string) (time.Time, bool) {
	s := f.str(key)
	if f.err != nil || s == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	return t, err == nil
}

// endForcedSteer ends a forced steer early; 204 even when none is active.
// DELETE …/devices/{mac}/forcedSteer (§4.3, §12.5)
func (c *Cloud) endForcedSteer(rq *request) *reply {
	l, _, mac, bad := c.scopedMAC(rq, http.StatusNotFound, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	d, bad := steerableDevice(l, mac, c.now())
	if bad != nil {
		return bad
	}
	d.forcedUntil = time.Time{}
	return emptyReply(http.StatusNoContent)
}

// patchBandSteering sets Location.bandSteering's mode; auto is mode == auto.
// PATCH …/bandSteering (§4.4, §12.5)
func (c *Cloud) patchBandSteering(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	mode, bad := f.required("mode")
	if bad != nil {
		return bad
	}
	if mode != bandSteeringAuto && mode != bandSteeringEnable && mode != bandSteeringDisable {
		return errorf(http.StatusUnprocessableEntity, "mode %q is not auto, enable or disable", mode)
	}
	l.bandSteering = bandSteering{mode: mode, updatedAt: c.now()}
	return jsonReply(http.StatusOK, bandSteeringJSON(l))
}

// putBandSteering is the deprecated form: auto true sets mode auto, false sets disable.
// PUT …/bandSteering (§4.5, §12.5)
func (c *Cloud) putBandSteering(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	auto := f.boolean("auto")
	switch {
	case f.err != nil:
		return f.err
	case auto == nil:
		return errorReply(http.StatusBadRequest, "auto is required")
	}
	mode := bandSteeringDisable
	if *auto {
		mode = bandSteeringAuto
	}
	l.bandSteering = bandSteering{mode: mode, updatedAt: c.now()}
	return jsonReply(http.StatusOK, bandSteeringJSON(l))
}
