package fakecloud

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// Access zones of a WiFi network (plume-support-api.md §8.4–§8.6, §12.7): zones 1–3 (home,
// guests, internetAccessOnly) are seeded with the network and read-only; POST adds guests
// zones, numbered max+1. Deleting a zone deletes its keys (homepass.go).

// zoneDevices reads accessibleDevices: absent is nil, a MAC that is not six hex pairs 422.
func zoneDevices(f *fields) ([]string, *reply) {
	list := f.looseStrings("accessibleDevices")
	if f.err != nil || list == nil {
		return nil, f.err
	}
	macs, badMAC, ok := macList(list)
	if !ok {
		return nil, errorf(http.StatusUnprocessableEntity, "accessibleDevices: %q is not a valid MAC address", badMAC)
	}
	return macs, nil
}

// createZone adds a guests zone with id max+1. POST …/wifiNetwork/accessZones (§8.4, §12.7)
func (c *Cloud) createZone(rq *request) *reply {
	l, bad := c.wifiOf(rq)
	if bad != nil {
		return bad
	}
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	description, bad := f.required("description")
	if bad != nil {
		return bad
	}
	kind, bad := f.required("type")
	if bad != nil {
		return bad
	}
	if kind != zoneGuests {
		return errorf(http.StatusUnprocessableEntity, "type %q: a new access zone must be guests", kind)
	}
	devices, bad := zoneDevices(f)
	if bad != nil {
		return bad
	}
	w, now := l.wifi, c.now()
	z := &accessZone{id: w.zones[len(w.zones)-1].id + 1, kind: kind, description: description, devices: devices, createdAt: now, updatedAt: now}
	if z.devices == nil {
		z.devices = []string{}
	}
	w.zones = append(w.zones, z)
	return jsonReply(http.StatusOK, w.zonesJSON())
}

// zoneFromID resolves {zoneId}: not a number, or no such zone, is 404.
func (c *Cloud) zoneFromID(rq *request) (*wifiNetwork, *accessZone, *reply) {
	l, bad := c.wifiOf(rq)
	if bad != nil {
		return nil, nil, bad
	}
	if id, err := strconv.Atoi(rq.params[2]); err == nil {
		if z := l.wifi.zone(id); z != nil {
			return l.wifi, z, nil
		}
	}
	return nil, nil, errorf(http.StatusNotFound, "access zone %q not found", rq.params[2])
}

// patchZone sets a zone's description and, when sent, its accessibleDevices.
// PATCH …/wifiNetwork/accessZones/{zoneId} (§8.5, §12.7)
func (c *Cloud) patchZone(rq *request) *reply {
	w, z, bad := c.zoneFromID(rq)
	if bad != nil {
		return bad
	}
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	description, bad := f.required("description")
	if bad != nil {
		return bad
	}
	devices, bad := zoneDevices(f)
	if bad != nil {
		return bad
	}
	z.description, z.updatedAt = description, c.now()
	if devices != nil {
		z.devices = devices
	}
	return jsonReply(http.StatusOK, w.zonesJSON())
}

// deleteZone removes a zone and its keys; zones 1–3 are 405.
// DELETE …/wifiNetwork/accessZones/{zoneId} (§8.6, §12.7)
func (c *Cloud) deleteZone(rq *request) *reply {
	w, z, bad := c.zoneFromID(rq)
	if bad != nil {
		return bad
	}
	if z.id <= readOnlyZone {
		return errorf(http.StatusMethodNotAllowed, "access zone %d is read-only: it cannot be deleted", z.id)
	}
	w.zones = slices.DeleteFunc(w.zones, func(x *accessZone) bool { return x == z })
	w.keys = slices.DeleteFunc(w.keys, func(k *wifiKey) bool { return k.zoneID == z.id })
	return jsonReply(http.StatusOK, w.zonesJSON())
}

// AccessZoneView is an access zone of a WiFi network.
type AccessZoneView struct {
	ID                int
	Type              string // home, guests or internetAccessOnly
	Description       string
	AccessibleDevices []string // MACs
	ReadOnly          bool     // zones 1–3
}

// AccessZones returns the access zones of a location's WiFi network by id; none without a network.
func (c *Cloud) AccessZones(locationID string) ([]AccessZoneView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil {
		return nil, fmt.Errorf("fakecloud: no location %q", locationID)
	}
	out := []AccessZoneView{}
	if w := l.wifi; w != nil {
		for _, z := range w.zones {
			out = append(out, AccessZoneView{ID: z.id, Type: z.kind, Description: z.description, AccessibleDevices: slices.Clone(z.devices), ReadOnly: z.id <= readOnlyZone})
		}
	}
	return out, nil
}
