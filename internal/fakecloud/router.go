package fakecloud

import (
	"net/http"
	"net/url"
	"strings"
)

type endpointKind int

const (
	kindUnknown endpointKind = iota
	kindToken
	kindIntrospect
	kindAPI
)

// endpoint is where a request goes: its kind, its API route and path variables, and the
// route name it is counted under.
type endpoint struct {
	kind   endpointKind
	route  *route
	params []string
	name   string
}

// route is one API endpoint. In pattern, "{id}" is a path variable; literal segments match
// case-insensitively, as LoopBack's Express router does (§1): /Customers/{id}/Locations is
// /Customers/{id}/locations, and /partners/… is /Partners/… (errata A4).
type route struct {
	method  string
	pattern string
	handle  func(c *Cloud, rq *request) *reply
	segs    []string
}

// Name is how the route is counted: method, space, pattern ("POST /Customers/{id}/locations/{id}/nodes").
func (rt *route) Name() string { return rt.method + " " + rt.pattern }

// routes lists the API. Literal segments come before variables where both could match.
var routes = buildRoutes([]route{
	{method: "POST", pattern: "/Customers/register", handle: (*Cloud).register},
	{method: "POST", pattern: "/Customers/resendEmailVerification", handle: (*Cloud).resendEmailVerification},
	{method: "GET", pattern: "/Customers/exists", handle: (*Cloud).customerExists},
	{method: "GET", pattern: "/Customers", handle: (*Cloud).listCustomers},
	{method: "POST", pattern: "/Customers", handle: (*Cloud).signUp},
	{method: "GET", pattern: "/Customers/{id}", handle: (*Cloud).getCustomer},
	{method: "PATCH", pattern: "/Customers/{id}", handle: (*Cloud).patchCustomer},
	{method: "PUT", pattern: "/Customers/{id}", handle: (*Cloud).putCustomer},
	{method: "DELETE", pattern: "/Customers/{id}", handle: (*Cloud).deleteCustomer},

	{method: "GET", pattern: "/Customers/{id}/locations", handle: (*Cloud).listLocations},
	{method: "POST", pattern: "/Customers/{id}/locations", handle: (*Cloud).createLocation},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}", handle: (*Cloud).getLocation},
	{method: "HEAD", pattern: "/Customers/{id}/locations/{id}", handle: (*Cloud).headLocation},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}", handle: (*Cloud).renameLocation},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}", handle: (*Cloud).patchLocation},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}", handle: (*Cloud).deleteLocation},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/authorizations", handle: (*Cloud).getAuthorizations},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/authorizations", handle: (*Cloud).putAuthorizations},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/serviceLevel", handle: (*Cloud).getServiceLevel},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/serviceLevel", handle: (*Cloud).patchServiceLevel},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/onboardingCheckpoint", handle: (*Cloud).postCheckpoint},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/wanConfiguration", handle: (*Cloud).getWAN},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/wanConfiguration", handle: (*Cloud).putWAN},

	{method: "GET", pattern: "/Customers/{id}/locations/{id}/nodes", handle: (*Cloud).listNodes},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/nodes", handle: (*Cloud).claimNode},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/nodes", handle: (*Cloud).unclaimAll},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/nodes/{id}", handle: (*Cloud).getNode},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/nodes/{id}", handle: (*Cloud).renameNode},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/nodes/{id}", handle: (*Cloud).renameNode}, // the generated client's reading (errata A1)
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/nodes/{id}", handle: (*Cloud).unclaimNode},

	{method: "GET", pattern: "/Customers/{id}/locations/{id}/wifiNetwork", handle: (*Cloud).getWifi},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/wifiNetwork", handle: (*Cloud).createWifi},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/wifiNetwork", handle: (*Cloud).replaceWifi},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/wifiNetwork", handle: (*Cloud).patchWifi},

	// The support half (plume-support-api.md §3–§6, §11.4).
	{method: "PUT", pattern: "/Customers/{id}/devices/{id}", handle: (*Cloud).renameDeviceEverywhere},
	{method: "GET", pattern: "/Customers/{id}/nodes/{id}", handle: (*Cloud).findNode},
	{method: "DELETE", pattern: "/Customers/{id}/nodes/{id}", handle: (*Cloud).deleteNodeModel},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/devices", handle: (*Cloud).listDevices},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/devices/{id}", handle: (*Cloud).getDevice},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/devices/{id}", handle: (*Cloud).patchDevice},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}", handle: (*Cloud).hideDevice},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/devices/{id}/clientSteering", handle: (*Cloud).setClientSteering},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/devices/{id}/forcedSteer", handle: (*Cloud).forceSteer},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}/forcedSteer", handle: (*Cloud).endForcedSteer},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/bandSteering", handle: (*Cloud).patchBandSteering},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/bandSteering", handle: (*Cloud).putBandSteering},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/nodes/{id}/reboot", handle: (*Cloud).rebootNode},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/reboot", handle: (*Cloud).rebootLocation},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/nodes/{id}/ledMode", handle: (*Cloud).setLEDMode},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/firmware", handle: (*Cloud).getFirmware},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/firmware", handle: (*Cloud).putFirmware},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/firmware/modules", handle: (*Cloud).getFirmwareModules},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/config/flashLogging", handle: (*Cloud).setFlashLogging},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/config/flashLogging", handle: (*Cloud).resetFlashLogging},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/taskStatuses", handle: (*Cloud).getTaskStatuses},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/nodes/{id}/speedTest", handle: (*Cloud).runSpeedTest},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/nodes/{id}/speedTestResults", handle: (*Cloud).speedTestResults},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/nodes/{id}/speedTestResults/{id}", handle: (*Cloud).speedTestResult},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/ispSpeedTest", handle: (*Cloud).runISPSpeedTest},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/ispSpeedTestConfiguration", handle: (*Cloud).setISPSchedule},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/appFacade/dashboard", handle: (*Cloud).dashboard},

	// Health, optimizer, HomePass, network, parental controls, admin (plume-support-api.md §7–§11).
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/topology", handle: (*Cloud).getTopology},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/summary", handle: (*Cloud).getSummary},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/forceGraph", handle: (*Cloud).getForceGraph},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/alerts", handle: (*Cloud).getAlerts},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/nodes/{id}/alerts/{id}", handle: (*Cloud).snoozeAlert},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/optimize", handle: (*Cloud).optimize},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/optimizations", handle: (*Cloud).putOptimizations},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/optimizations", handle: (*Cloud).patchOptimizations},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}/keys", handle: (*Cloud).createKey},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}/keys/{id}", handle: (*Cloud).replaceKey},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}/keys/{id}", handle: (*Cloud).deleteKey},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/wifiNetwork/accessZones", handle: (*Cloud).createZone},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}", handle: (*Cloud).patchZone},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/wifiNetwork/accessZones/{id}", handle: (*Cloud).deleteZone},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations", handle: (*Cloud).listReservations},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}", handle: (*Cloud).getReservation},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}", handle: (*Cloud).putReservation},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}", handle: (*Cloud).deleteReservation},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}/portForward", handle: (*Cloud).createForward},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}/portForward/{id}", handle: (*Cloud).replaceForward},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}/portForward/{id}", handle: (*Cloud).deleteForward},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/networkConfiguration/dhcpReservations/{id}/portForwards", handle: (*Cloud).listForwards},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/dhcpLeases", handle: (*Cloud).dhcpLeases},
	// The literal freeze kinds come before the template rows that would also match them.
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/forever", handle: onDevice(opPutForever)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/forever", handle: onDevice(opDeleteForever)},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/suspend", handle: onDevice(opPutSuspend)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/suspend", handle: onDevice(opDeleteSuspend)},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/autoExpire", handle: onDevice(opPutAutoExpire)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/autoExpire", handle: onDevice(opDeleteAutoExpire)},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/{id}", handle: onDevice(opPutTemplate)},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/{id}", handle: onDevice(opPostTemplate)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freeze/{id}", handle: onDevice(opDeleteTemplate)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/devices/{id}/freezes", handle: onDevice(opDeleteFreezes)},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/persons", handle: (*Cloud).listPersons},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/persons", handle: (*Cloud).createPerson},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/forever", handle: onPerson(opPutForever)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/forever", handle: onPerson(opDeleteForever)},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/suspend", handle: onPerson(opPutSuspend)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/suspend", handle: onPerson(opDeleteSuspend)},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/autoExpire", handle: onPerson(opPutAutoExpire)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/autoExpire", handle: onPerson(opDeleteAutoExpire)},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/{id}", handle: onPerson(opPutTemplate)},
	{method: "POST", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/{id}", handle: onPerson(opPostTemplate)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freeze/{id}", handle: onPerson(opDeleteTemplate)},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/persons/{id}/freezes", handle: onPerson(opDeleteFreezes)},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/freeze/autoExpire", handle: (*Cloud).getLocationFreeze},
	{method: "PATCH", pattern: "/Customers/{id}/locations/{id}/freeze/autoExpire", handle: (*Cloud).patchLocationFreeze},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/freeze/autoExpire", handle: (*Cloud).deleteLocationFreeze},
	{method: "PUT", pattern: "/Customers/{id}/locations/{id}/monitorMode", handle: (*Cloud).putMonitorMode},
	{method: "GET", pattern: "/Customers/{id}/auditTrail", handle: (*Cloud).getCustomerAudit},
	{method: "GET", pattern: "/Customers/{id}/locations/{id}/auditTrail", handle: (*Cloud).getLocationAudit},
	{method: "DELETE", pattern: "/Customers/{id}/locations/{id}/factoryReset", handle: (*Cloud).factoryReset},

	{method: "GET", pattern: "/Partners/customers/search/{id}", handle: (*Cloud).searchCustomers},
	{method: "GET", pattern: "/Partners/nodes/{id}", handle: (*Cloud).lookupNode},
	{method: "GET", pattern: "/Partners/locations/{id}", handle: (*Cloud).lookupLocation},
	{method: "GET", pattern: "/Partners/{id}/customers/search/{id}", handle: (*Cloud).searchPartnerCustomers},
	{method: "GET", pattern: "/Partners/{id}/nodes/{id}", handle: (*Cloud).lookupPartnerNode},
})

func buildRoutes(rs []route) []*route {
	out := make([]*route, len(rs))
	for i := range rs {
		rs[i].segs = strings.Split(strings.TrimPrefix(rs[i].pattern, "/"), "/")
		out[i] = &rs[i]
	}
	return out
}

// Route names of the OAuth endpoints, as counted.
const (
	TokenRoute      = "POST " + TokenPath
	IntrospectRoute = "POST " + IntrospectPath
)

// resolve finds the endpoint of a request from its method and escaped path.
func resolve(method, escapedPath string) endpoint {
	switch escapedPath {
	case TokenPath:
		return endpoint{kind: kindToken, name: method + " " + TokenPath}
	case IntrospectPath:
		return endpoint{kind: kindIntrospect, name: method + " " + IntrospectPath}
	}
	rest, ok := strings.CutPrefix(escapedPath, APIPrefix+"/")
	if !ok {
		return endpoint{kind: kindUnknown, name: method + " " + escapedPath}
	}
	segs, ok := splitEscaped(rest)
	if !ok {
		return endpoint{kind: kindAPI, name: method + " " + escapedPath}
	}
	if rt, params := match(method, segs); rt != nil {
		return endpoint{kind: kindAPI, route: rt, params: params, name: rt.Name()}
	}
	if method == http.MethodHead { // Express answers HEAD with the GET route
		if rt, params := match(http.MethodGet, segs); rt != nil {
			return endpoint{kind: kindAPI, route: rt, params: params, name: method + " " + rt.pattern}
		}
	}
	return endpoint{kind: kindAPI, name: method + " " + escapedPath}
}

// splitEscaped splits an escaped path into unescaped segments, so that an id holding an
// escaped "/" stays one segment. A trailing slash is ignored.
func splitEscaped(p string) ([]string, bool) {
	parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for i, s := range parts {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

func match(method string, segs []string) (*route, []string) {
	for _, rt := range routes {
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		if params, ok := matchSegs(rt.segs, segs); ok {
			return rt, params
		}
	}
	return nil, nil
}

func matchSegs(pattern, segs []string) ([]string, bool) {
	var params []string
	for i, p := range pattern {
		switch {
		case p == "{id}":
			params = append(params, segs[i])
		case !strings.EqualFold(p, segs[i]):
			return nil, false
		}
	}
	return params, true
}
