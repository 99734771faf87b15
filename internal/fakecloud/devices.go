package fakecloud

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Device values of plume-support-api.md §2.
const (
	mediumWifi     = "wifi"
	mediumEthernet = "ethernet"
)

const (
	maxDeviceNickname = 32 // characters of a customer-wide device nickname (§3.4)
	hideDaysOffline   = 31 // DELETE …/devices/{mac}'s default daysOffline (§3.5)
	steerDaysOffline  = 31 // forcedSteer refuses a device offline longer (§4.2)
)

var macRE = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){5}$`)

// device is a client device of a location (§2, §12.5). Only AddDevice creates one; the API
// changes what the user can set and hides it.
type device struct {
	mac, name, ip, nodeID, medium, freqBand string // as seeded
	connected                               bool
	changedAt                               time.Time // connectionStateChangeAt

	nickname, appUUID string // appUUID: mobileAppDeviceUuid
	favorite, hidden  bool
	forcedUntil       time.Time // forcedSteer expiresAt; zero when none was set
	freeze            freezeSet // its own freezes (freeze.go)
}

// displayName is the answered name: the nickname once one is set (§12.5).
func (d *device) displayName() string {
	if d.nickname != "" {
		return d.nickname
	}
	return d.name
}

// band is the answered freqBand: 2.4G while a forced steer holds a Wi-Fi device there.
func (d *device) band(now time.Time) string {
	if d.steered(now) && d.medium == mediumWifi {
		return band24
	}
	return d.freqBand
}

func (d *device) steered(now time.Time) bool { return now.Before(d.forcedUntil) }

// offlineLonger reports whether the device has been disconnected for more than days.
func (d *device) offlineLonger(days float64, now time.Time) bool {
	return !d.connected && now.Sub(d.changedAt) > time.Duration(days*float64(24*time.Hour))
}

// normalMAC lowercases a MAC and checks it is six hex pairs separated by colons.
func normalMAC(s string) (string, bool) {
	mac := strings.ToLower(s)
	return mac, macRE.MatchString(mac)
}

// macParam reads the MAC path variable at index i; a malformed one answers badStatus (422
// where the endpoint documents a MAC 422, else 404: §1).
func macParam(rq *request, i, badStatus int) (string, *reply) {
	mac, ok := normalMAC(rq.params[i])
	if !ok {
		return "", errorf(badStatus, "%q is not a valid MAC address", rq.params[i])
	}
	return mac, nil
}

// scopedMAC resolves the location of a …/devices/{mac} path (an unknown customer answers
// unknownCustomer), parses the body and reads the MAC (malformed: badMAC).
func (c *Cloud) scopedMAC(rq *request, unknownCustomer, badMAC int) (*location, *fields, string, *reply) {
	_, l, f, bad := c.scopedFields(rq, unknownCustomer)
	if bad != nil {
		return nil, nil, "", bad
	}
	mac, bad := macParam(rq, 2, badMAC)
	return l, f, mac, bad
}

// visibleDevice finds a device that is not hidden, or answers 404.
func visibleDevice(l *location, mac string) (*device, *reply) {
	d := l.devices[mac]
	if d == nil || d.hidden {
		return nil, errorf(http.StatusNotFound, "device %q not found at location %q", mac, l.id)
	}
	return d, nil
}

// deviceJSON is a Device (§2) with the fake's extra fields, at now.
func (c *Cloud) deviceJSON(l *location, d *device, now time.Time) obj {
	state, health := stateDisconnected, obj{}
	if d.connected {
		state, health = stateConnected, obj{"score": 5, "status": "excellent"}
	}
	band := d.band(now)
	o := obj{
		"id": d.mac, "mac": d.mac, "name": d.displayName(), "icon": "unknown",
		"accessZone": "home", "keyId": 0,
		"medium": d.medium, "ip": d.ip, "freqBand": band, "channel": bandChannels[band],
		"connectionState": state, "connectionStateChangeAt": stamp(d.changedAt),
		"health": health, "leafToRoot": c.leafToRoot(l, d), "favorite": d.favorite,
	}
	setIf(o, "nickname", d.nickname)
	setIf(o, "mobileAppDeviceUuid", d.appUUID)
	if p := personOf(l, d.mac); p != nil {
		o["personId"] = p.id
	}
	o["freeze"] = d.freeze.json(deviceSources(l, d, now), now)
	if s := l.clientSteering[d.mac]; s != nil {
		o["clientSteering"] = obj{"auto": s.auto, "steeringClass": s.steeringClass, "updatedAt": stamp(s.updatedAt)}
	}
	if d.steered(now) {
		o["forcedSteer"] = obj{"expiresAt": stamp(d.forcedUntil)}
	}
	return o
}

// servingNode is the serial of the node serving the device: its NodeID, else the gateway.
func (c *Cloud) servingNode(l *location, d *device) string {
	if d.nodeID != "" {
		return d.nodeID
	}
	if gw := c.gatewayOf(l); gw != nil {
		return gw.serial
	}
	return ""
}

// leafToRoot is the path from the serving node up to the gateway (§2).
func (c *Cloud) leafToRoot(l *location, d *device) []obj {
	path := []obj{}
	serving := c.servingNode(l, d)
	if serving == "" {
		return path
	}
	path = append(path, obj{"id": serving})
	if gw := c.gatewayOf(l); gw != nil && gw.serial != serving {
		path = append(path, obj{"id": gw.serial})
	}
	return path
}

// connectedDevices counts the connected, visible devices the node serves.
func (c *Cloud) connectedDevices(n *node) int {
	l := c.locations[n.locationID]
	if l == nil {
		return 0
	}
	count := 0
	for _, d := range l.devices {
		if d.connected && !d.hidden && c.servingNode(l, d) == n.serial {
			count++
		}
	}
	return count
}

// sortedDevices returns the location's devices by MAC, hidden ones included.
func sortedDevices(l *location) []*device {
	out := make([]*device, 0, len(l.devices))
	for _, mac := range slices.Sorted(maps.Keys(l.devices)) {
		out = append(out, l.devices[mac])
	}
	return out
}

// listDevices answers the visible devices by MAC, doubly wrapped; daysOffline drops the
// devices disconnected for longer. GET …/devices (§3.1, §12.5)
func (c *Cloud) listDevices(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	days, bad := queryNumber(rq.query, "daysOffline")
	if bad != nil {
		return bad
	}
	for _, key := range []string{"allSSIDs", "showPartnerComponent"} { // one SSID, no partner components
		if _, bad := queryBool(rq.query, key, false); bad != nil {
			return bad
		}
	}
	now := c.now()
	out := []obj{}
	for _, d := range sortedDevices(l) {
		if !d.hidden && (days == nil || !d.offlineLonger(*days, now)) {
			out = append(out, c.deviceJSON(l, d, now))
		}
	}
	return jsonReply(http.StatusOK, obj{"devices": obj{"devices": out}})
}

// getDevice answers one visible device; include is accepted and ignored.
// GET …/devices/{mac} (§3.2)
func (c *Cloud) getDevice(rq *request) *reply {
	l, _, mac, bad := c.scopedMAC(rq, http.StatusNotFound, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	days, bad := queryNumber(rq.query, "daysOffline")
	if bad != nil {
		return bad
	}
	d, bad := visibleDevice(l, mac)
	if bad != nil {
		return bad
	}
	now := c.now()
	if days != nil && d.offlineLonger(*days, now) {
		return errorf(http.StatusNotFound, "device %q has been offline for more than %g days", mac, *days)
	}
	return jsonReply(http.StatusOK, c.deviceJSON(l, d, now))
}

// patchDevice sets the nickname (the answered name too), favorite and mobileAppDeviceUuid
// at this location. PATCH …/devices/{mac} (§3.3, §12.5)
func (c *Cloud) patchDevice(rq *request) *reply {
	l, f, mac, bad := c.scopedMAC(rq, http.StatusNotFound, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	nickname, favorite, uuid := f.str("nickname"), f.boolean("favorite"), f.str("mobileAppDeviceUuid")
	if f.err != nil {
		return f.err
	}
	d, bad := visibleDevice(l, mac)
	if bad != nil {
		return bad
	}
	setStr(&d.nickname, nickname)
	setStr(&d.appUUID, uuid)
	if favorite != nil {
		d.favorite = *favorite
	}
	return jsonReply(http.StatusOK, c.deviceJSON(l, d, c.now()))
}

// renameDeviceEverywhere sets a nickname for the MAC at every location of the customer and
// remembers it for devices seeded later; an unknown MAC still answers 200. The answer is the
// Customer. PUT /Customers/{id}/devices/{mac} (§3.4, §12.5, §13.12)
func (c *Cloud) renameDeviceEverywhere(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	mac, bad := macParam(rq, 1, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	nickname, bad := f.required("nickname")
	if bad != nil {
		return bad
	}
	if utf8.RuneCountInString(nickname) > maxDeviceNickname {
		return errorf(http.StatusUnprocessableEntity, "nickname must be at most %d characters", maxDeviceNickname)
	}
	if cu.deviceNicknames == nil {
		cu.deviceNicknames = map[string]string{}
	}
	cu.deviceNicknames[mac] = nickname
	for _, l := range c.activeLocations(cu.id) {
		if d := l.devices[mac]; d != nil {
			d.nickname = nickname
		}
	}
	cu.updatedAt = c.now()
	return jsonReply(http.StatusOK, c.customerJSON(cu))
}

// hideDevice wipes what was set on a device (nickname, favourite, steering, its own freezes)
// and hides it.
// daysOffline comes from the body, else the query, else 31: a device offline longer is 404.
// DELETE …/devices/{mac} (§3.5, §12.5)
func (c *Cloud) hideDevice(rq *request) *reply {
	l, f, mac, bad := c.scopedMAC(rq, http.StatusNotFound, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	days, bad := deleteDaysOffline(rq, f)
	if bad != nil {
		return bad
	}
	d, bad := visibleDevice(l, mac)
	if bad != nil {
		return bad
	}
	if d.offlineLonger(days, c.now()) {
		return errorf(http.StatusNotFound, "device %q has been offline for more than %g days", mac, days)
	}
	d.nickname, d.appUUID, d.favorite, d.forcedUntil = "", "", false, time.Time{}
	d.freeze = freezeSet{}
	delete(l.clientSteering, mac)
	d.hidden = true
	return emptyReply(http.StatusNoContent)
}

// deleteDaysOffline reads DELETE's daysOffline: the body first, then the query (§1).
func deleteDaysOffline(rq *request, f *fields) (float64, *reply) {
	if n := f.looseNumber("daysOffline"); f.err != nil {
		return 0, f.err
	} else if n != nil {
		if *n < 0 {
			return 0, errorReply(http.StatusBadRequest, "daysOffline must be a non-negative number")
		}
		return *n, nil
	}
	days, bad := queryNumber(rq.query, "daysOffline")
	if bad != nil || days == nil {
		return hideDaysOffline, bad
	}
	return *days, nil
}
