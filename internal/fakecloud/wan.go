package fakecloud

import (
	"encoding/json"
	"net/http"
	"time"
)

// wanConfig is a location's WanConfiguration (§9).
type wanConfig struct {
	id               string
	updatedAt        time.Time
	static           *staticIPv4
	pppoe, uplink    obj
	publishedWithBLE *bool
}

type staticIPv4 struct {
	enabled                                       bool
	ip, subnet, gateway, primaryDNS, secondaryDNS string
}

func wanJSON(l *location) obj {
	w := l.wan
	o := obj{
		"id": w.id, "locationId": l.id, "updatedAt": stamp(w.updatedAt),
		"pppoe":  w.pppoe,
		"uplink": w.uplink,
	}
	if w.pppoe == nil {
		o["pppoe"] = obj{"enabled": nil, "username": nil, "password": ""}
	}
	if w.uplink == nil {
		o["uplink"] = obj{"enabled": nil, "bridgeName": nil, "hardwarePort": nil, "vlan": nil, "qos": nil}
	}
	if s := w.static; s != nil {
		o["staticIPv4"] = obj{
			"enabled": s.enabled, "ip": s.ip, "subnet": s.subnet, "gateway": s.gateway,
			"primaryDns": s.primaryDNS, "secondaryDns": s.secondaryDNS,
		}
	}
	if w.publishedWithBLE != nil {
		o["publishedWithBLE"] = *w.publishedWithBLE
	}
	return o
}

// getWAN answers the WAN configuration. GET …/wanConfiguration (§9)
func (c *Cloud) getWAN(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, wanJSON(l))
}

// putWAN sets the sections sent. The staticIPv4 section may also come flat at the top level,
// with "enabled" as a string (§13.14). PUT …/wanConfiguration (§9)
func (c *Cloud) putWAN(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	staticFields := f.object("staticIPv4")
	if staticFields == nil && isFlatStatic(f) {
		staticFields = f
	}
	pppoe, uplink, ble := f.object("pppoe"), f.object("uplink"), f.boolean("publishedWithBLE")
	if f.err != nil {
		return f.err
	}
	if staticFields == nil && pppoe == nil && uplink == nil && ble == nil {
		return errorReply(http.StatusBadRequest, "one of staticIPv4, pppoe, uplink or publishedWithBLE is required")
	}
	next := l.wan
	if staticFields != nil {
		if next.static, bad = readStaticIPv4(staticFields); bad != nil {
			return bad
		}
	}
	if pppoe != nil {
		if next.pppoe, bad = readPPPoE(pppoe); bad != nil {
			return bad
		}
	}
	if uplink != nil {
		if next.uplink, bad = readUplink(uplink); bad != nil {
			return bad
		}
	}
	if ble != nil {
		next.publishedWithBLE = ble
	}
	next.updatedAt = c.now()
	l.wan = next
	return jsonReply(http.StatusOK, c.refWritten(wanJSON(l)))
}

func isFlatStatic(f *fields) bool {
	for _, k := range []string{"enabled", "ip", "subnet", "gateway", "primaryDns", "secondaryDns"} {
		if f.has(k) {
			return true
		}
	}
	return false
}

// readStaticIPv4: an enabled config needs ip, subnet, gateway and primaryDns (400); the
// secondary DNS is optional. An address present must be a dotted quad and the subnet a
// netmask (422).
func readStaticIPv4(f *fields) (*staticIPv4, *reply) {
	enabled := f.looseBool("enabled")
	s := &staticIPv4{
		ip: deref(f.str("ip"), ""), subnet: deref(f.str("subnet"), ""), gateway: deref(f.str("gateway"), ""),
		primaryDNS: deref(f.str("primaryDns"), ""), secondaryDNS: deref(f.str("secondaryDns"), ""),
	}
	if f.err != nil {
		return nil, f.err
	}
	s.enabled = enabled != nil && *enabled
	if s.enabled && (s.ip == "" || s.subnet == "" || s.gateway == "" || s.primaryDNS == "") {
		return nil, errorReply(http.StatusBadRequest, "staticIPv4 needs ip, subnet, gateway and primaryDns")
	}
	for name, v := range map[string]string{"ip": s.ip, "gateway": s.gateway, "primaryDns": s.primaryDNS, "secondaryDns": s.secondaryDNS} {
		if v != "" && !validIPv4(v) {
			return nil, errorf(http.StatusUnprocessableEntity, "staticIPv4.%s %q is not an IPv4 address", name, v)
		}
	}
	if s.subnet != "" && !validMask(s.subnet) {
		return nil, errorf(http.StatusUnprocessableEntity, "staticIPv4.subnet %q is not a netmask", s.subnet)
	}
	return s, nil
}

func readPPPoE(f *fields) (obj, *reply) {
	enabled, username, password := f.looseBool("enabled"), f.str("username"), f.str("password")
	if f.err != nil {
		return nil, f.err
	}
	return obj{"enabled": enabled, "username": username, "password": deref(password, "")}, nil
}

func readUplink(f *fields) (obj, *reply) {
	o := obj{
		"enabled": f.looseBool("enabled"), "bridgeName": f.str("bridgeName"),
		"hardwarePort": f.str("hardwarePort"), "vlan": f.number("vlan"),
		"qos": json.RawMessage(orNull(f.raw("qos"))),
	}
	if f.err != nil {
		return nil, f.err
	}
	return o, nil
}

func orNull(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}
