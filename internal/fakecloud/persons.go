package fakecloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Persons of a location (plume-support-api.md §2, §10.2, §12.6): a person owns devices
// (assignedDevices; each device answers the personId of the newest person it was assigned
// to) and carries freezes of its own (freeze.go), which freeze those devices.

const (
	personNetworkID = "default"
	profileVersion  = "1.0.0"
)

type person struct {
	id, nickname, imageID, primaryDevice, email string
	devices                                     []string // assignedDevices: MACs, in the order sent
	profileID                                   string
	profileType                                 *string
	permission, serviceLinking                  json.RawMessage // raw objects; nil when not given
	freeze                                      freezeSet
	createdAt, updatedAt                        time.Time
}

// personOf returns the person a device belongs to, or nil.
func personOf(l *location, mac string) *person {
	for _, p := range l.persons {
		if slices.Contains(p.devices, mac) {
			return p
		}
	}
	return nil
}

// findPerson returns the location's person with that id, or answers 404.
func findPerson(l *location, id string) (*person, *reply) {
	for _, p := range l.persons {
		if p.id == id {
			return p, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "person %q not found at location %q", id, l.id)
}

func (c *Cloud) personJSON(l *location, p *person, now time.Time) obj {
	o := obj{
		"id": p.id, "nickname": p.nickname, "imageId": p.imageID, "primaryDevice": nil,
		"homeAwayNotification": false, "appTime": obj{}, "permission": orNull(p.permission),
		"profile": obj{
			"_version": profileVersion, "type": p.profileType, "id": p.profileID,
			"createdAt": stamp(p.createdAt), "updatedAt": stamp(p.updatedAt),
		},
		"serviceLinking": orNull(p.serviceLinking), "networkId": personNetworkID, "email": nil,
		"createdAt": stamp(p.createdAt), "updatedAt": stamp(p.updatedAt), "locationId": l.id,
		"assignedDevices": p.devices, "freeze": p.freeze.json(p.freeze.ownSources(now, "person"), now),
	}
	if p.primaryDevice != "" {
		o["primaryDevice"] = p.primaryDevice
	}
	if p.email != "" {
		o["email"] = p.email
	}
	return o
}

// listPersons answers the persons in creation order. GET …/persons (§10.2)
func (c *Cloud) listPersons(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	now := c.now()
	out := []obj{}
	for _, p := range l.persons {
		out = append(out, c.personJSON(l, p, now))
	}
	return jsonReply(http.StatusOK, out)
}

// createPerson adds a person with a 24-hex id and assigns it its devices, taking them from
// older persons. Checks: types (400), nickname (422), imageId and assignedDevices (400), then
// MACs, primaryDevice among them, email, permission without email (422).
// POST …/persons (§10.2, §12.6, §13.9)
func (c *Cloud) createPerson(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	nickname, imageID, primary, email := f.str("nickname"), f.str("imageId"), f.str("primaryDevice"), f.str("email")
	assigned := f.looseStrings("assignedDevices")
	profile, permission := f.looseObject("profile"), f.looseObject("permission")
	f.looseObject("serviceLinking") // type check only: it is kept raw
	var profileType *string
	if profile != nil {
		profileType = profile.str("type")
		if profile.err != nil {
			return profile.err
		}
	}
	switch {
	case f.err != nil:
		return f.err
	case nickname == nil || *nickname == "":
		return errorReply(http.StatusUnprocessableEntity, "nickname is required")
	case imageID == nil || *imageID == "":
		return errorReply(http.StatusBadRequest, "imageId is required")
	case assigned == nil:
		return errorReply(http.StatusBadRequest, "assignedDevices is required")
	}
	macs, badMAC, ok := macList(assigned)
	if !ok {
		return errorf(http.StatusUnprocessableEntity, "assignedDevices: %q is not a valid MAC address", badMAC)
	}
	macs = unique(macs)
	var primaryMAC string
	if primary != nil && *primary != "" {
		primaryMAC, _ = normalMAC(*primary)
		if !slices.Contains(macs, primaryMAC) {
			return errorf(http.StatusUnprocessableEntity, "primaryDevice %q is not among assignedDevices", *primary)
		}
	}
	switch {
	case email != nil && *email != "" && !validEmail(*email):
		return errorReply(http.StatusUnprocessableEntity, "email is not a valid address")
	case permission != nil && (email == nil || *email == ""):
		return errorReply(http.StatusUnprocessableEntity, "permission needs an email")
	}
	now := c.now()
	p := &person{
		id: c.newID(), nickname: *nickname, imageID: *imageID, primaryDevice: primaryMAC, email: deref(email, ""),
		devices: macs, profileID: c.newID(), profileType: profileType,
		permission: f.rawJSON("permission"), serviceLinking: f.rawJSON("serviceLinking"),
		createdAt: now, updatedAt: now,
	}
	for _, older := range l.persons {
		older.release(macs, now)
	}
	l.persons = append(l.persons, p)
	return jsonReply(http.StatusOK, c.personJSON(l, p, now))
}

// release takes MACs away from a person (they were assigned to a newer one).
func (p *person) release(macs []string, now time.Time) {
	kept := slices.DeleteFunc(slices.Clone(p.devices), func(mac string) bool { return slices.Contains(macs, mac) })
	if len(kept) == len(p.devices) {
		return
	}
	p.devices, p.updatedAt = kept, now
	if !slices.Contains(kept, p.primaryDevice) {
		p.primaryDevice = ""
	}
}

// PersonView is a person of a location.
type PersonView struct {
	ID, Nickname, ImageID string
	PrimaryDevice, Email  string
	AssignedDevices       []string // MACs
	Manager               bool     // permission is set: a location manager
	Freeze                FreezeView
	CreatedAt             time.Time
}

// Persons returns a location's persons in creation order, their freezes at the clock's time.
func (c *Cloud) Persons(locationID string) ([]PersonView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil {
		return nil, fmt.Errorf("fakecloud: no location %q", locationID)
	}
	now := c.now()
	out := []PersonView{}
	for _, p := range l.persons {
		out = append(out, PersonView{
			ID: p.id, Nickname: p.nickname, ImageID: p.imageID, PrimaryDevice: p.primaryDevice, Email: p.email,
			AssignedDevices: slices.Clone(p.devices), Manager: p.permission != nil,
			Freeze: p.freeze.view(p.freeze.ownSources(now, "person"), now), CreatedAt: p.createdAt,
		})
	}
	return out, nil
}
