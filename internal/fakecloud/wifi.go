package fakecloud

import (
	"net/http"
	"time"
)

// wifiNetwork is a location's WiFi network (§6.0).
type wifiNetwork struct {
	id, ssid, key, wpaMode             string
	band24, band5, band6               string
	enabled, uapsd, privateMode        bool
	disableDefaultServiceNetwork       bool
	groupRekey, fastTransition, mode24 string
	createdAt, updatedAt               time.Time
	zones                              []*accessZone // sorted by id (homepass.go)
	keys                               []*wifiKey    // sorted by id; key 0 is the PSK
}

func wifiJSON(l *location) obj {
	w := l.wifi
	return obj{
		"id": w.id, "locationId": l.id, "ssid": w.ssid, "encryptionKey": w.key,
		"wpaMode":   w.wpaMode,
		"wpaModes":  obj{"freqBand24": w.band24, "freqBand5": w.band5, "freqBand6": w.band6},
		"encrypted": true, "ssidBroadcast": true, "enabled": w.enabled, "uapsd": w.uapsd,
		"privateMode": w.privateMode, "disableDefaultServiceNetwork": w.disableDefaultServiceNetwork,
		"groupRekey": w.groupRekey, "fastTransition": w.fastTransition, "minWifiMode24": w.mode24,
		"devicesVisibleToGuests": []any{}, "content": []any{}, "persons": []any{}, "devices": []any{},
		"keys": w.keysJSON(), "accessZones": w.zonesJSON(),
		"createdAt": stamp(w.createdAt), "updatedAt": stamp(w.updatedAt), "_version": schemaVersion,
	}
}

func wrappedWifi(l *location) *reply {
	return jsonReply(http.StatusOK, obj{"wifiNetwork": wifiJSON(l)})
}

// wifiInput is the body of POST and PUT.
type wifiInput struct {
	ssid, key, wpaMode   string
	band24, band5, band6 string
}

// readWifiInput: ssid and encryptionKey (8+) are required (422); wpaMode, spelt wpaMode or
// WpaMode (§13.1), defaults to psk2 on every band but 6 GHz, which is always sae.
func readWifiInput(body []byte) (*wifiInput, *reply) {
	f, bad := parseFields(body)
	if bad != nil {
		return nil, bad
	}
	ssid, key, mode := f.str("ssid"), f.str("encryptionKey"), f.str("wpaMode")
	if mode == nil {
		mode = f.str("WpaMode")
	}
	modes := f.object("wpaModes")
	if f.err != nil {
		return nil, f.err
	}
	if ssid == nil || *ssid == "" || key == nil {
		return nil, errorReply(http.StatusUnprocessableEntity, "ssid and encryptionKey are required")
	}
	if len(*key) < 8 {
		return nil, errorReply(http.StatusUnprocessableEntity, "encryptionKey must be at least 8 characters")
	}
	in := &wifiInput{ssid: *ssid, key: *key, wpaMode: deref(mode, "psk2")}
	in.band24, in.band5, in.band6 = in.wpaMode, in.wpaMode, "sae"
	if bad := in.applyModes(modes); bad != nil {
		return nil, bad
	}
	return in, checkWPAMode(in.wpaMode)
}

// applyModes reads wpaModes: each band a wpaMode, freqBand6 sae only.
func (in *wifiInput) applyModes(modes *fields) *reply {
	if modes == nil {
		return nil
	}
	b24, b5, b6 := modes.str("freqBand24"), modes.str("freqBand5"), modes.str("freqBand6")
	if modes.err != nil {
		return modes.err
	}
	setStr(&in.band24, b24)
	setStr(&in.band5, b5)
	setStr(&in.band6, b6)
	if in.band6 != "sae" {
		return errorReply(http.StatusUnprocessableEntity, "wpaModes.freqBand6 must be sae")
	}
	return firstProblem(checkWPAMode(in.band24), checkWPAMode(in.band5))
}

func checkWPAMode(m string) *reply {
	if !validWPAMode(m) {
		return errorf(http.StatusUnprocessableEntity, "wpaMode %q is not psk-mixed, sae-mixed, psk2 or sae", m)
	}
	return nil
}

// wifiOf resolves the location of a path and requires its WiFi network (404 without one).
func (c *Cloud) wifiOf(rq *request) (*location, *reply) {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return nil, bad
	}
	if l.wifi == nil {
		return nil, errorReply(http.StatusNotFound, "the location has no wifiNetwork")
	}
	return l, nil
}

// getWifi answers the wrapped network; 404 when there is none. GET …/wifiNetwork (§6.1)
func (c *Cloud) getWifi(rq *request) *reply {
	l, bad := c.wifiOf(rq)
	if bad != nil {
		return bad
	}
	return wrappedWifi(l)
}

// createWifi creates the location's only network. POST …/wifiNetwork (§6.2)
func (c *Cloud) createWifi(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	in, bad := readWifiInput(rq.body)
	if bad != nil {
		return bad
	}
	if l.wifi != nil {
		return errorReply(http.StatusConflict, "a wifiNetwork already exists for this location")
	}
	now := c.now()
	l.wifi = &wifiNetwork{
		id: c.newID(), enabled: true, groupRekey: "auto", fastTransition: "auto", mode24: "auto",
		createdAt: now,
	}
	l.wifi.seedHomePass(now)
	l.wifi.set(in, now)
	return wrappedWifi(l)
}

// replaceWifi replaces ssid, key and modes. PUT …/wifiNetwork (§6.3)
func (c *Cloud) replaceWifi(rq *request) *reply {
	l, bad := c.wifiOf(rq)
	if bad != nil {
		return bad
	}
	in, bad := readWifiInput(rq.body)
	if bad != nil {
		return bad
	}
	if len(l.wifi.keys) > 0 && l.wifi.inUse(in.key, l.wifi.keys[0]) { // key 0 is the PSK (§12.7)
		return errorReply(http.StatusUnprocessableEntity, "encryptionKey is already in use by a HomePass key")
	}
	l.wifi.set(in, c.now())
	return wrappedWifi(l)
}

// set replaces ssid, key and modes; key 0 (the PSK, homepass.go) changes with the key.
func (w *wifiNetwork) set(in *wifiInput, now time.Time) {
	w.ssid, w.key, w.wpaMode = in.ssid, in.key, in.wpaMode
	w.band24, w.band5, w.band6 = in.band24, in.band5, in.band6
	w.updatedAt = now
	if len(w.keys) > 0 && w.keys[0].id == 0 {
		w.keys[0].updatedAt = now
	}
}

// patchWifi changes settings and answers the network BARE, not wrapped. PATCH …/wifiNetwork (§6.4)
func (c *Cloud) patchWifi(rq *request) *reply {
	l, bad := c.wifiOf(rq)
	if bad != nil {
		return bad
	}
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	next := *l.wifi
	if bad := next.patch(f); bad != nil {
		return bad
	}
	next.updatedAt = c.now()
	*l.wifi = next
	return jsonReply(http.StatusOK, wifiJSON(l))
}

// patch applies a PATCH body to a copy of the network.
func (w *wifiNetwork) patch(f *fields) *reply {
	ssid, mode := f.str("ssid"), f.str("wpaMode")
	toggles := map[string]*string{"groupRekey": f.str("groupRekey"), "fastTransition": f.str("fastTransition")}
	mode24 := f.str("minWifiMode24")
	flags := map[*bool]*bool{
		&w.uapsd: f.boolean("uapsd"), &w.privateMode: f.boolean("privateMode"), &w.enabled: f.boolean("enabled"),
		&w.disableDefaultServiceNetwork: f.boolean("disableDefaultServiceNetwork"),
	}
	modes := f.object("wpaModes")
	if f.err != nil {
		return f.err
	}
	if ssid != nil && *ssid == "" {
		return errorReply(http.StatusUnprocessableEntity, "ssid must not be empty")
	}
	for name, v := range toggles {
		if v != nil && !validToggle(*v) {
			return errorf(http.StatusUnprocessableEntity, "%s %q is not auto, enable or disable", name, *v)
		}
	}
	if mode24 != nil && !validWifiMode24(*mode24) {
		return errorf(http.StatusUnprocessableEntity, "minWifiMode24 %q is not auto, 11b, 11g or 11n", *mode24)
	}
	in := &wifiInput{wpaMode: deref(mode, w.wpaMode), band24: w.band24, band5: w.band5, band6: w.band6}
	if mode != nil {
		in.band24, in.band5 = *mode, *mode
	}
	if bad := firstProblem(in.applyModes(modes), checkWPAMode(in.wpaMode)); bad != nil {
		return bad
	}
	setStr(&w.ssid, ssid)
	setStr(&w.groupRekey, toggles["groupRekey"])
	setStr(&w.fastTransition, toggles["fastTransition"])
	setStr(&w.mode24, mode24)
	for dst, v := range flags {
		if v != nil {
			*dst = *v
		}
	}
	w.wpaMode, w.band24, w.band5, w.band6 = in.wpaMode, in.band24, in.band5, in.band6
	return nil
}
