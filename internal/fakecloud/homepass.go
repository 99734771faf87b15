package fakecloud

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// HomePass keys and access zones of a WiFi network (plume-support-api.md §8, §12.7). Creating
// the network seeds the three read-only zones and the read-only key 0, which is the network's
// PSK: key 0 has no secret of its own but reads and writes wifiNetwork.encryptionKey, so the
// two can never disagree. Every write answers the whole array, sorted by id.
//
// The {accessZone} of a key path is a zone type (home, guests, internetAccessOnly: zones 1–3)
// or, an addition of the fake, a zone id, so that keys can live in a zone created by POST.

// Zone types and key formats (§8.1, plume-api.md §6.0).
const (
	zoneHome         = "home"
	zoneGuests       = "guests"
	zoneInternetOnly = "internetAccessOnly"

	formatKey   = "encryptionKey"
	formatPhone = "phoneNumber"

	contentAdult = "adultAndSensitive" // the one documented content value
	maxKeyID     = 9                   // key ids are 0–9
	readOnlyZone = 3                   // zones 1–3 are read-only
	minKeyLength = 8                   // an encryptionKey key, and the PSK
)

var phoneRE = regexp.MustCompile(`^\+?[0-9]{7,15}$`)

// seededZones are zones 1–3: type and description.
var seededZones = [readOnlyZone][2]string{{zoneHome, "Home"}, {zoneGuests, "Guests"}, {zoneInternetOnly, "Internet only"}}

type accessZone struct {
	id                   int
	kind, description    string
	devices              []string // accessibleDevices: MACs
	createdAt, updatedAt time.Time
}

type wifiKey struct {
	id, zoneID           int
	zone, format, secret string // zone: the zone's type; secret: unused by key 0 (the PSK)
	enable               bool
	content              []string
	expiresAt            time.Time // stored, never lapses; zero when not set
	createdAt, updatedAt time.Time
}

// seedHomePass gives a new network zones 1–3 and key 0.
func (w *wifiNetwork) seedHomePass(now time.Time) {
	w.zones = nil
	for i, z := range seededZones {
		w.zones = append(w.zones, &accessZone{id: i + 1, kind: z[0], description: z[1], devices: []string{}, createdAt: now, updatedAt: now})
	}
	w.keys = []*wifiKey{{zoneID: 1, zone: zoneHome, format: formatKey, enable: true, content: []string{}, createdAt: now, updatedAt: now}}
}

func (w *wifiNetwork) secretOf(k *wifiKey) string {
	if k.id == 0 {
		return w.key
	}
	return k.secret
}

func (w *wifiNetwork) keysJSON() []obj {
	out := make([]obj, 0, len(w.keys))
	for _, k := range w.keys {
		o := obj{
			"id": k.id, "encryptionKey": w.secretOf(k), "accessZone": k.zone, "accessZoneId": k.zoneID,
			"format": k.format, "enable": k.enable, "content": k.content, "expiresAt": nil,
			"createdAt": stamp(k.createdAt), "updatedAt": stamp(k.updatedAt), "_version": schemaVersion,
		}
		if !k.expiresAt.IsZero() {
			o["expiresAt"] = stamp(k.expiresAt)
		}
		out = append(out, o)
	}
	return out
}

func (w *wifiNetwork) zonesJSON() []obj {
	out := make([]obj, 0, len(w.zones))
	for _, z := range w.zones {
		devices := make([]obj, 0, len(z.devices))
		for _, mac := range z.devices {
			devices = append(devices, obj{"mac": mac})
		}
		out = append(out, obj{
			"id": z.id, "type": z.kind, "description": z.description, "accessibleDevices": devices,
			"createdAt": stamp(z.createdAt), "updatedAt": stamp(z.updatedAt), "_version": schemaVersion,
		})
	}
	return out
}

// zoneRef is the {accessZone} of a key path: a type names zones 1–3 for a new key and
// matches keys by type; an id names one zone and matches its keys.
type zoneRef struct {
	zone   *accessZone
	byType bool
}

func (r zoneRef) holds(k *wifiKey) bool {
	if r.byType {
		return k.zone == r.zone.kind
	}
	return k.zoneID == r.zone.id
}

// zoneFromPath resolves {accessZone}: unknown is 404.
func (w *wifiNetwork) zoneFromPath(seg string) (zoneRef, *reply) {
	for i, z := range seededZones {
		if seg == z[0] {
			return zoneRef{zone: w.zone(i + 1), byType: true}, nil
		}
	}
	if id, err := strconv.Atoi(seg); err == nil {
		if z := w.zone(id); z != nil {
			return zoneRef{zone: z}, nil
		}
	}
	return zoneRef{}, errorf(http.StatusNotFound, "access zone %q not found", seg)
}

func (w *wifiNetwork) zone(id int) *accessZone {
	for _, z := range w.zones {
		if z.id == id {
			return z
		}
	}
	return nil
}

// keyFromPath resolves {keyId} in the zone: outside 0–9, missing or in another zone is 404.
func (w *wifiNetwork) keyFromPath(ref zoneRef, seg string) (*wifiKey, *reply) {
	id, err := strconv.Atoi(seg)
	if err == nil && id >= 0 && id <= maxKeyID {
		for _, k := range w.keys {
			if k.id == id && ref.holds(k) {
				return k, nil
			}
		}
	}
	return nil, errorf(http.StatusNotFound, "key %q not found in access zone %q", seg, ref.zone.kind)
}

// keyInput is the body of a key POST or PUT.
type keyInput struct {
	secret, format string
	enable         bool
	content        []string
	expiresAt      time.Time
}

// readKeyInput: encryptionKey, enable and format are required (400); then the format, the
// key for its format, expiresAt and content are checked (422).
func readKeyInput(f *fields) (*keyInput, *reply) {
	secret, format, enable := f.str("encryptionKey"), f.str("format"), f.looseBool("enable")
	content := f.looseStrings("content")
	switch {
	case f.err != nil:
		return nil, f.err
	case secret == nil || *secret == "":
		return nil, errorReply(http.StatusBadRequest, "encryptionKey is required")
	case enable == nil:
		return nil, errorReply(http.StatusBadRequest, "enable is required")
	case format == nil || *format == "":
		return nil, errorReply(http.StatusBadRequest, "format is required")
	case *format != formatKey && *format != formatPhone:
		return nil, errorf(http.StatusUnprocessableEntity, "format %q is not encryptionKey or phoneNumber", *format)
	case *format == formatKey && len(*secret) < minKeyLength:
		return nil, errorf(http.StatusUnprocessableEntity, "an encryptionKey key needs at least %d characters", minKeyLength)
	case *format == formatPhone && !phoneRE.MatchString(*secret):
		return nil, errorReply(http.StatusUnprocessableEntity, "a phoneNumber key is an optional + and 7 to 15 digits")
	}
	in := &keyInput{secret: *secret, format: *format, enable: *enable, content: []string{}}
	if f.has("expiresAt") {
		t, ok := parseRFC3339(f, "expiresAt")
		if !ok {
			return nil, errorReply(http.StatusUnprocessableEntity, "expiresAt must be an RFC 3339 date")
		}
		in.expiresAt = t.UTC()
	}
	for _, v := range content {
		if v != contentAdult {
			return nil, errorf(http.StatusUnprocessableEntity, "content %q is not %s", v, contentAdult)
		}
	}
	if content != nil {
		in.content = content
	}
	return in, nil
}

// inUse reports whether another key than except already has the secret.
func (w *wifiNetwork) inUse(secret string, except *wifiKey) bool {
	for _, k := range w.keys {
		if k != except && w.secretOf(k) == secret {
			return true
		}
	}
	return false
}

// homePass resolves the network and the {accessZone} of a key path and parses the body.
func (c *Cloud) homePass(rq *request) (*wifiNetwork, zoneRef, *fields, *reply) {
	l, bad := c.wifiOf(rq)
	if bad != nil {
		return nil, zoneRef{}, nil, bad
	}
	ref, bad := l.wifi.zoneFromPath(rq.params[2])
	if bad != nil {
		return nil, zoneRef{}, nil, bad
	}
	f, bad := parseFields(rq.body)
	return l.wifi, ref, f, bad
}

// createKey adds a key with the lowest free id (all ten used: 422) to the zone (zone 1–3 for
// a type). POST …/wifiNetwork/accessZones/{accessZone}/keys (§8.1, §12.7)
func (c *Cloud) createKey(rq *request) *reply {
	w, ref, f, bad := c.homePass(rq)
	if bad != nil {
		return bad
	}
	in, bad := readKeyInput(f)
	if bad != nil {
		return bad
	}
	if w.inUse(in.secret, nil) {
		return errorReply(http.StatusUnprocessableEntity, "encryptionKey is already in use")
	}
	id := 0
	for _, k := range w.keys { // sorted by id
		if k.id == id {
			id++
		}
	}
	if id > maxKeyID {
		return errorf(http.StatusUnprocessableEntity, "all %d keys are in use", maxKeyID+1)
	}
	now := c.now()
	k := &wifiKey{id: id, zoneID: ref.zone.id, zone: ref.zone.kind, createdAt: now}
	k.set(w, in, now)
	w.keys = append(w.keys, k)
	slices.SortFunc(w.keys, func(a, b *wifiKey) int { return a.id - b.id })
	return jsonReply(http.StatusOK, w.keysJSON())
}

// set replaces the key's fields; key 0's secret is the network's PSK.
func (k *wifiKey) set(w *wifiNetwork, in *keyInput, now time.Time) {
	k.format, k.enable, k.content, k.expiresAt, k.updatedAt = in.format, in.enable, in.content, in.expiresAt, now
	if k.id == 0 {
		w.key, w.updatedAt = in.secret, now
		return
	}
	k.secret = in.secret
}

// replaceKey replaces a key. Key 0 cannot be disabled (405) and, being the PSK, needs at
// least 8 characters whatever its format. PUT …/accessZones/{accessZone}/keys/{keyId} (§8.2, §12.7)
func (c *Cloud) replaceKey(rq *request) *reply {
	w, ref, f, bad := c.homePass(rq)
	if bad != nil {
		return bad
	}
	k, bad := w.keyFromPath(ref, rq.params[3])
	if bad != nil {
		return bad
	}
	in, bad := readKeyInput(f)
	switch {
	case bad != nil:
		return bad
	case k.id == 0 && !in.enable:
		return errorReply(http.StatusMethodNotAllowed, "key 0 is read-only: it cannot be disabled")
	case k.id == 0 && len(in.secret) < minKeyLength:
		return errorf(http.StatusUnprocessableEntity, "key 0 is the WiFi password: at least %d characters", minKeyLength)
	case w.inUse(in.secret, k):
		return errorReply(http.StatusUnprocessableEntity, "encryptionKey is already in use")
	}
	k.set(w, in, c.now())
	return jsonReply(http.StatusOK, w.keysJSON())
}

// deleteKey removes a key; key 0 is 405. DELETE …/accessZones/{accessZone}/keys/{keyId} (§8.3, §12.7)
func (c *Cloud) deleteKey(rq *request) *reply {
	w, ref, _, bad := c.homePass(rq)
	if bad != nil {
		return bad
	}
	k, bad := w.keyFromPath(ref, rq.params[3])
	if bad != nil {
		return bad
	}
	if k.id == 0 {
		return errorReply(http.StatusMethodNotAllowed, "key 0 is read-only: it cannot be deleted")
	}
	w.keys = slices.DeleteFunc(w.keys, func(x *wifiKey) bool { return x == k })
	return jsonReply(http.StatusOK, w.keysJSON())
}

// KeyView is a HomePass key. It prints with the key hidden.
type KeyView struct {
	ID            int
	AccessZone    string // the zone's type: home, guests or internetAccessOnly
	AccessZoneID  int
	Format        string // encryptionKey or phoneNumber
	EncryptionKey string // key 0's is the WiFi network's PSK
	Enable        bool
	Content       []string
	ExpiresAt     time.Time // zero when not set; a key never lapses
	ReadOnly      bool      // key 0
}

// String hides the encryption key.
func (k KeyView) String() string {
	return fmt.Sprintf("{ID:%d AccessZone:%s AccessZoneID:%d Format:%s EncryptionKey:[REDACTED] Enable:%t Content:%v ExpiresAt:%v ReadOnly:%t}",
		k.ID, k.AccessZone, k.AccessZoneID, k.Format, k.Enable, k.Content, k.ExpiresAt, k.ReadOnly)
}

// GoString hides the encryption key under %#v too.
func (k KeyView) GoString() string { return "fakecloud.KeyView" + k.String() }

// Keys returns the HomePass keys of a location's WiFi network by id; none without a network.
func (c *Cloud) Keys(locationID string) ([]KeyView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil {
		return nil, fmt.Errorf("fakecloud: no location %q", locationID)
	}
	out := []KeyView{}
	if w := l.wifi; w != nil {
		for _, k := range w.keys {
			out = append(out, KeyView{
				ID: k.id, AccessZone: k.zone, AccessZoneID: k.zoneID, Format: k.format, EncryptionKey: w.secretOf(k),
				Enable: k.enable, Content: slices.Clone(k.content), ExpiresAt: k.expiresAt, ReadOnly: k.id == 0,
			})
		}
	}
	return out, nil
}
