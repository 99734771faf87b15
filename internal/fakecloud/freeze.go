package fakecloud

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"
)

// Device and person freezes (plume-support-api.md §10.1, §10.3, §12.6). Each device and each
// person holds forever, suspend, autoExpire and schedule templates. autoExpire lapses at its
// expiresAt with no timer: it is compared with the clock on every read. Schedules are stored,
// never evaluated. A device is frozen by its own freezes, by its person's, and by the
// location-wide freeze (freeze_location.go); its record says which (freeze.sources).
//
// A device freeze acts on a device seeded at the location and not hidden. An unknown MAC,
// like an invalid one, answers 422 where E lists a MAC 422 for the route (the DELETEs of
// forever, suspend and a template) and 404 elsewhere (§1).

// Freeze sources, in the order a device record lists them.
const (
	sourceDevice   = "device"
	sourcePerson   = "person"
	sourceLocation = "location"
)

// freezeSet is the freezes of one device or person.
type freezeSet struct {
	forever, suspend bool
	autoExpire       time.Time // zero when none
	templates        map[string]*freezeTemplate
}

// freezeTemplate is a schedule, set by PUT (name and schedules kept raw) or applied from a
// shared schedule by POST.
type freezeTemplate struct {
	enable          bool
	name, schedules json.RawMessage
	shared          bool
}

// active reports a freeze that applies at now: an enabled forever or suspend, or an
// autoExpire not yet lapsed.
func (s *freezeSet) active(now time.Time) bool {
	return s.forever || s.suspend || now.Before(s.autoExpire)
}

// scheduled reports an enabled schedule template.
func (s *freezeSet) scheduled() bool {
	for _, t := range s.templates {
		if t.enable {
			return true
		}
	}
	return false
}

// clearExceptSuspend removes every freeze but suspend (deleteAllExceptSuspend, DELETE …/freezes).
func (s *freezeSet) clearExceptSuspend() {
	s.forever, s.autoExpire, s.templates = false, time.Time{}, nil
}

// ownSources is [source] while the set's own freeze applies, else [].
func (s *freezeSet) ownSources(now time.Time, source string) []string {
	if s.active(now) {
		return []string{source}
	}
	return []string{}
}

// json is the freeze object of a record: frozen while any source applies.
func (s *freezeSet) json(sources []string, now time.Time) obj {
	templates := append([]string{}, slices.Sorted(maps.Keys(s.templates))...)
	o := obj{
		"frozen": len(sources) > 0, "forever": s.forever, "suspend": s.suspend, "autoExpire": nil,
		"templates": templates, "sources": sources,
	}
	if now.Before(s.autoExpire) {
		o["autoExpire"] = stamp(s.autoExpire)
	}
	return o
}

// deviceSources lists what freezes the device at now.
func deviceSources(l *location, d *device, now time.Time) []string {
	out := []string{}
	if d.freeze.active(now) {
		out = append(out, sourceDevice)
	}
	if p := personOf(l, d.mac); p != nil && p.freeze.active(now) {
		out = append(out, sourcePerson)
	}
	if l.freezeAll.covers(l, d, now) {
		out = append(out, sourceLocation)
	}
	return out
}

// freezeOp is one route of the family, the same for devices and persons.
type freezeOp int

const (
	opPutForever freezeOp = iota
	opDeleteForever
	opPutSuspend
	opDeleteSuspend
	opPutAutoExpire
	opDeleteAutoExpire
	opPutTemplate
	opPostTemplate
	opDeleteTemplate
	opDeleteFreezes
)

// unknownMACStatus is the status of an invalid or unknown MAC on a device route (§10.1).
func (op freezeOp) unknownMACStatus() int {
	switch op {
	case opDeleteForever, opDeleteSuspend, opDeleteTemplate:
		return http.StatusUnprocessableEntity
	}
	return http.StatusNotFound
}

// freezeSubject is what a freeze route acts on.
type freezeSubject struct {
	l      *location
	set    *freezeSet
	device *device // nil for a person
}

// onDevice is the handler of a device freeze route: …/devices/{mac}/freeze/… (§10.1).
func onDevice(op freezeOp) func(*Cloud, *request) *reply {
	return func(c *Cloud, rq *request) *reply {
		l, f, mac, bad := c.scopedMAC(rq, http.StatusUnauthorized, op.unknownMACStatus())
		if bad != nil {
			return bad
		}
		d := l.devices[mac]
		if d == nil || d.hidden {
			return errorf(op.unknownMACStatus(), "device %q not found at location %q", mac, l.id)
		}
		return c.applyFreeze(op, freezeSubject{l: l, set: &d.freeze, device: d}, f, rq)
	}
}

// onPerson is the handler of a person freeze route: …/persons/{id}/freeze/… (§10.3); an
// unknown person is 404.
func onPerson(op freezeOp) func(*Cloud, *request) *reply {
	return func(c *Cloud, rq *request) *reply {
		_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
		if bad != nil {
			return bad
		}
		p, bad := findPerson(l, rq.params[2])
		if bad != nil {
			return bad
		}
		rep := c.applyFreeze(op, freezeSubject{l: l, set: &p.freeze}, f, rq)
		if rep.status < http.StatusMultipleChoices {
			p.updatedAt = c.now()
		}
		return rep
	}
}

// applyFreeze runs a route on its subject. PUT and POST answer 200 {}, DELETE 204; deleting
// what is absent is still 204.
func (c *Cloud) applyFreeze(op freezeOp, sub freezeSubject, f *fields, rq *request) *reply {
	s, now := sub.set, c.now()
	switch op {
	case opPutForever, opPutSuspend:
		return putFreezeFlag(s, f, op == opPutSuspend)
	case opDeleteForever:
		s.forever = false
	case opDeleteSuspend:
		s.suspend = false
	case opPutAutoExpire:
		until, bad := futureTime(f, "expiresAt", now)
		if bad != nil {
			return bad
		}
		s.autoExpire = until
		return jsonReply(http.StatusOK, obj{})
	case opDeleteAutoExpire:
		s.autoExpire = time.Time{}
	case opPutTemplate:
		return putTemplate(sub, f, rq.params[3])
	case opPostTemplate:
		return c.applySharedSchedule(sub, rq.params[3], now)
	case opDeleteTemplate:
		delete(s.templates, rq.params[3])
	case opDeleteFreezes:
		s.clearExceptSuspend()
	}
	return emptyReply(http.StatusNoContent)
}

// readFreezeFlags reads enable (absent: true) and deleteAllExceptSuspend (absent: false).
func readFreezeFlags(f *fields) (enable, clearOthers bool, bad *reply) {
	e, d := f.looseBool("enable"), f.looseBool("deleteAllExceptSuspend")
	if f.err != nil {
		return false, false, f.err
	}
	return e == nil || *e, d != nil && *d, nil
}

// putFreezeFlag sets forever or suspend, first removing the other freezes when asked.
func putFreezeFlag(s *freezeSet, f *fields, suspend bool) *reply {
	enable, clearOthers, bad := readFreezeFlags(f)
	if bad != nil {
		return bad
	}
	if clearOthers {
		s.clearExceptSuspend()
	}
	if suspend {
		s.suspend = enable
	} else {
		s.forever = enable
	}
	return jsonReply(http.StatusOK, obj{})
}

// putTemplate stores a schedule under any id; 501 while the location uses shared schedules.
func putTemplate(sub freezeSubject, f *fields, id string) *reply {
	if sub.l.sharedFreeze {
		return errorReply(http.StatusNotImplemented, "the location uses shared location freeze schedules")
	}
	enable, clearOthers, bad := readFreezeFlags(f)
	if bad != nil {
		return bad
	}
	name, schedules := f.rawJSON("name"), f.rawJSON("schedules")
	if clearOthers {
		sub.set.clearExceptSuspend()
	}
	if sub.set.templates == nil {
		sub.set.templates = map[string]*freezeTemplate{}
	}
	sub.set.templates[id] = &freezeTemplate{enable: enable, name: name, schedules: schedules}
	return jsonReply(http.StatusOK, obj{})
}

// applySharedSchedule applies a shared schedule seeded by AddSharedSchedule (else 404). A
// device whose person has an active freeze or an enabled schedule is 422.
func (c *Cloud) applySharedSchedule(sub freezeSubject, id string, now time.Time) *reply {
	if !sub.l.sharedSchedules[id] {
		return errorf(http.StatusNotFound, "freeze template %q not found", id)
	}
	if sub.device != nil {
		if p := personOf(sub.l, sub.device.mac); p != nil && (p.freeze.active(now) || p.freeze.scheduled()) {
			return errorf(http.StatusUnprocessableEntity, "the device's person %q already has an active freeze", p.id)
		}
	}
	if sub.set.templates == nil {
		sub.set.templates = map[string]*freezeTemplate{}
	}
	sub.set.templates[id] = &freezeTemplate{enable: true, shared: true}
	return jsonReply(http.StatusOK, obj{})
}

// FreezeView is the freeze state of a device or a person at the clock's time.
type FreezeView struct {
	Frozen     bool      // a freeze applies: the subject's own, or (devices) its person's or the location's
	Forever    bool      // the subject's own forever freeze
	Suspend    bool      // the subject's own suspend freeze
	AutoExpire time.Time // the subject's own autoExpire while it has not lapsed; zero otherwise
	Templates  []string  // the subject's schedule template ids, sorted (schedules never freeze); nil when none
	Sources    []string  // what freezes it: "device", "person", "location"; nil when nothing does
}

// view is the FreezeView of the set; a subject nothing froze or scheduled is FreezeView{}.
func (s *freezeSet) view(sources []string, now time.Time) FreezeView {
	v := FreezeView{Frozen: len(sources) > 0, Forever: s.forever, Suspend: s.suspend}
	if len(s.templates) > 0 {
		v.Templates = slices.Sorted(maps.Keys(s.templates))
	}
	if len(sources) > 0 {
		v.Sources = sources
	}
	if now.Before(s.autoExpire) {
		v.AutoExpire = s.autoExpire
	}
	return v
}
