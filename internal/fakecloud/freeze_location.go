package fakecloud

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
)

// The location-wide freeze (plume-support-api.md §10.4, §12.6, §13.8) and the seeding of
// shared freeze schedules. The location-wide freeze freezes the listed devices and the
// devices of the listed persons until expiresAt (every device when both lists are empty);
// like autoExpire it lapses on the clock, with no timer.

type locationFreeze struct {
	expiresAt time.Time
	macs      []string // includedDeviceMacs
	personIDs []string // includedPersonIds
}

// activeAt reports a location-wide freeze that has not lapsed.
func (z *locationFreeze) activeAt(now time.Time) bool {
	return z != nil && now.Before(z.expiresAt)
}

// covers reports whether the location-wide freeze freezes the device at now.
func (z *locationFreeze) covers(l *location, d *device, now time.Time) bool {
	switch {
	case !z.activeAt(now):
		return false
	case len(z.macs) == 0 && len(z.personIDs) == 0, slices.Contains(z.macs, d.mac):
		return true
	}
	p := personOf(l, d.mac)
	return p != nil && slices.Contains(z.personIDs, p.id)
}

// locationFreezeJSON is {expiresAt, includedDeviceMacs, includedPersonIds}, or {} when none
// is active.
func locationFreezeJSON(l *location, now time.Time) obj {
	z := l.freezeAll
	if !z.activeAt(now) {
		return obj{}
	}
	return obj{"expiresAt": stamp(z.expiresAt), "includedDeviceMacs": z.macs, "includedPersonIds": z.personIDs}
}

// getLocationFreeze answers the location-wide freeze. GET …/freeze/autoExpire (§10.4, §12.6)
func (c *Cloud) getLocationFreeze(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, locationFreezeJSON(l, c.now()))
}

// patchLocationFreeze sets the location-wide freeze, merging into the active one: a field
// not sent keeps its value. Without an active freeze expiresAt is required. Checks: types
// (400), then MACs, person ids of the location, expiresAt parsable and in the future (422).
// PATCH …/freeze/autoExpire (§10.4, §12.6)
func (c *Cloud) patchLocationFreeze(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	macs, personIDs := f.looseStrings("includedDeviceMacs"), f.looseStrings("includedPersonIds")
	if f.err != nil {
		return f.err
	}
	now := c.now()
	next := locationFreeze{macs: []string{}, personIDs: []string{}}
	if l.freezeAll.activeAt(now) {
		next = *l.freezeAll
	}
	if macs != nil {
		norm, badMAC, ok := macList(macs)
		if !ok {
			return errorf(http.StatusUnprocessableEntity, "includedDeviceMacs: %q is not a valid MAC address", badMAC)
		}
		next.macs = unique(norm)
	}
	if personIDs != nil {
		for _, id := range personIDs {
			if _, bad := findPerson(l, id); bad != nil {
				return errorf(http.StatusUnprocessableEntity, "includedPersonIds: no person %q at this location", id)
			}
		}
		next.personIDs = unique(personIDs)
	}
	switch {
	case f.has("expiresAt"):
		if next.expiresAt, bad = futureTime(f, "expiresAt", now); bad != nil {
			return bad
		}
	case next.expiresAt.IsZero():
		return errorReply(http.StatusUnprocessableEntity, "expiresAt is required: no location freeze is active")
	}
	l.freezeAll = &next
	return jsonReply(http.StatusOK, locationFreezeJSON(l, now))
}

// deleteLocationFreeze ends the location-wide freeze. DELETE …/freeze/autoExpire (§10.4, §12.6)
func (c *Cloud) deleteLocationFreeze(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	l.freezeAll = nil
	return jsonReply(http.StatusOK, obj{})
}

// AddSharedSchedule seeds a shared freeze schedule id at a location: POST
// …/devices/{mac}/freeze/{id} and …/persons/{id}/freeze/{id} apply it (404 for other ids).
func (c *Cloud) AddSharedSchedule(locationID, id string) error {
	if id == "" {
		return fmt.Errorf("fakecloud: a shared schedule needs an id")
	}
	return c.withAnyLocation(locationID, func(l *location) { l.sharedSchedules[id] = true })
}

// SetSharedFreezeSchedules says whether a location uses shared location freeze schedules:
// while it does, template PUTs answer 501, and Location.isUtilizingSharedLocationFreezeSchedules
// says so.
func (c *Cloud) SetSharedFreezeSchedules(locationID string, on bool) error {
	return c.withAnyLocation(locationID, func(l *location) { l.sharedFreeze = on })
}

func (c *Cloud) withAnyLocation(locationID string, change func(*location)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil {
		return fmt.Errorf("fakecloud: no location %q", locationID)
	}
	change(l)
	return nil
}

// LocationFreezeView is an active location-wide freeze.
type LocationFreezeView struct {
	ExpiresAt  time.Time
	DeviceMACs []string // includedDeviceMacs
	PersonIDs  []string // includedPersonIds; both empty: every device is frozen
}

// locationFreezeSnapshot is the active location-wide freeze, or nil.
func locationFreezeSnapshot(l *location, now time.Time) *LocationFreezeView {
	z := l.freezeAll
	if !z.activeAt(now) {
		return nil
	}
	return &LocationFreezeView{ExpiresAt: z.expiresAt, DeviceMACs: slices.Clone(z.macs), PersonIDs: slices.Clone(z.personIDs)}
}

// sharedScheduleIDs is the seeded shared schedule ids, sorted.
func sharedScheduleIDs(l *location) []string {
	return slices.Sorted(maps.Keys(l.sharedSchedules))
}
