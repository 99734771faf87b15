package fakecloud

import (
	"maps"
	"slices"
	"strings"
	"time"
)

const schemaVersion = "1.0.0"

type partner struct {
	id     string
	locked bool
}

type customer struct {
	id, accountID, name, email, partnerID string
	emailVerified, autoProvisioned        bool
	acceptLanguage, preferredLanguage     string
	contact, source                       string
	verificationMails                     int
	createdAt, updatedAt                  time.Time
}

type location struct {
	id, customerID, name, serviceID, profile string
	archived                                 bool
	createdAt, updatedAt                     time.Time

	serviceLevel                         string
	serviceLevelCreated, serviceLevelSet time.Time
	monitorMode                          bool
	monitorModeSet                       time.Time
	podQuota                             int
	podQuotaSet                          time.Time

	checkpoint *checkpoint
	wifi       *wifiNetwork
	wan        wanConfig
}

type checkpoint struct {
	id, value string
	at        time.Time
}

type node struct {
	serial, partnerID, packID, accountID string
	nickname                             string
	gateway, online                      bool
	customerID, locationID               string
	createdAt, updatedAt, claimedAt      time.Time
}

func (n *node) claimed() bool { return n.locationID != "" }

// customerJSON is the Customer object of §3.0.
func (c *Cloud) customerJSON(cu *customer) obj {
	o := obj{
		"id":              cu.id,
		"accountId":       cu.accountID,
		"name":            cu.name,
		"email":           cu.email,
		"emailVerified":   cu.emailVerified,
		"partnerId":       cu.partnerID,
		"anonymous":       false,
		"autoProvisioned": cu.autoProvisioned,
		"systemUser":      false,
		"locked":          false,
		"acceptLanguage":  cu.acceptLanguage,
		"source":          cu.source,
		"createdAt":       stamp(cu.createdAt),
		"_version":        schemaVersion,
	}
	setIf(o, "preferredLanguage", cu.preferredLanguage)
	setIf(o, "contact", cu.contact)
	return o
}

// locationJSON is the Location object of §4.0 (its typed core and the common nested objects).
func (c *Cloud) locationJSON(l *location) obj {
	cu := c.customers[l.customerID]
	o := obj{
		"id":                             l.id,
		"name":                           l.name,
		"customerId":                     l.customerID,
		"groupIds":                       []string{},
		"profile":                        l.profile,
		"networkMode":                    "auto",
		"homeAwayActive":                 false,
		"homeSecurityPriority":           "disable",
		"dayOneEmailsSent":               false,
		"createdAt":                      stamp(l.createdAt),
		"updatedAt":                      stamp(l.updatedAt),
		"_version":                       schemaVersion,
		"serviceLevel":                   serviceLevelJSON(l),
		"monitorMode":                    obj{"_version": schemaVersion, "enable": l.monitorMode, "updatedAt": stamp(l.monitorModeSet)},
		"authorizations":                 authorizationsJSON(l),
		"ipv6":                           obj{"mode": "auto", "addressingConfig": "auto"},
		"controlMode":                    obj{"mode": "full", "updatedAt": stamp(l.createdAt)},
		"wifiNetworkImportedFromGateway": false,
	}
	if cu != nil {
		o["accountId"] = cu.accountID
		o["partnerId"] = cu.partnerID
	}
	setIf(o, "serviceId", l.serviceID)
	return o
}

func serviceLevelJSON(l *location) obj {
	return obj{"status": l.serviceLevel, "createdAt": stamp(l.serviceLevelCreated), "updatedAt": stamp(l.serviceLevelSet)}
}

func authorizationsJSON(l *location) obj {
	return obj{
		"_version":           schemaVersion,
		"numPodsAuthorized":  l.podQuota,
		"numNodesAuthorized": []any{},
		"updatedAt":          stamp(l.podQuotaSet),
	}
}

func checkpointJSON(l *location) obj {
	cp := l.checkpoint
	return obj{"value": cp.value, "timestamp": stamp(cp.at), "createdAt": stamp(cp.at), "id": cp.id, "locationId": l.id}
}

// claimRecordJSON is an item of a claim's "claimed" list (§5.0).
func claimRecordJSON(n *node) obj {
	return obj{
		"serialNumber":       n.serial,
		"id":                 n.serial,
		"residentialGateway": n.gateway,
		"_version":           schemaVersion,
		"customerId":         n.customerID,
		"locationId":         n.locationID,
		"packId":             n.packID,
		"nickname":           n.nickname,
		"deployment":         "fake",
		"shardNumber":        "1",
		"macs":               []string{},
		"createdAt":          stamp(n.createdAt),
		"updatedAt":          stamp(n.updatedAt),
	}
}

// nodeStatusJSON is a Node status (§5.0), as listed and fetched.
func nodeStatusJSON(n *node) obj {
	state := "disconnected"
	if n.online {
		state = "connected"
	}
	return obj{
		"id":                   n.serial,
		"serialNumber":         n.serial,
		"nickname":             n.nickname,
		"defaultName":          defaultNodeName(n),
		"firmwareVersion":      "6.0.0-fake",
		"connectionState":      state,
		"residentialGateway":   n.gateway,
		"backhaulType":         "wifi",
		"connectedDeviceCount": 0,
		"wifiConfig":           []any{},
		"leafToRoot":           []any{},
	}
}

// fullNodeJSON is the full node answered by rename: the claim record plus the status.
func fullNodeJSON(n *node) obj {
	o := claimRecordJSON(n)
	for k, v := range nodeStatusJSON(n) {
		o[k] = v
	}
	o["timestamp"] = stamp(n.updatedAt)
	return o
}

func defaultNodeName(n *node) string {
	kind := "Pod"
	if n.gateway {
		kind = "Gateway"
	}
	return kind + " " + n.serial[max(0, len(n.serial)-4):]
}

func setIf(o obj, key, v string) {
	if v != "" {
		o[key] = v
	}
}

// activeLocations returns a customer's non-archived locations in creation order.
func (c *Cloud) activeLocations(customerID string) []*location {
	return sortedValues(c.activeLocs[customerID], compareLocations)
}

// claimedAt returns the nodes claimed at a location in claim order.
func (c *Cloud) claimedAt(locationID string) []*node {
	return sortedValues(c.claimedNodes[locationID], func(a, b *node) int {
		return byCreation(a.claimedAt, b.claimedAt, a.serial, b.serial)
	})
}

// sortedCustomers returns a partner's customers by createdAt, then id ("" means every partner).
func (c *Cloud) sortedCustomers(partnerID string) []*customer {
	if partnerID != "" {
		return slices.Clone(c.customersOf[partnerID])
	}
	out := slices.Collect(maps.Values(c.customers))
	slices.SortFunc(out, compareCustomers)
	return out
}

func byCreation(ta, tb time.Time, ida, idb string) int {
	if c := ta.Compare(tb); c != 0 {
		return c
	}
	return strings.Compare(ida, idb)
}

// newLocation creates an active location for a customer with the defaults of the cloud.
func (c *Cloud) newLocation(customerID, name, profile string) *location {
	now := c.now()
	l := &location{
		id: c.newID(), customerID: customerID, name: name, profile: profile,
		createdAt: now, updatedAt: now,
		serviceLevel: "fullService", serviceLevelCreated: now, serviceLevelSet: now,
		monitorModeSet: now,
		podQuota:       DefaultPodQuota, podQuotaSet: now,
	}
	l.wan = wanConfig{id: c.newID(), updatedAt: now}
	c.locations[l.id] = l
	c.indexLocation(l)
	return l
}

// unclaim releases a node from its location (one license less).
func (c *Cloud) unclaim(n *node, preservePackID, removeAccountID bool) {
	c.release(n)
	n.customerID, n.locationID = "", ""
	n.claimedAt = time.Time{}
	n.updatedAt = c.now()
	if !preservePackID {
		n.packID = ""
	}
	if removeAccountID {
		n.accountID = ""
	}
}

// archive archives a location and unclaims its nodes; the caller decides about a replacement.
func (c *Cloud) archive(l *location) {
	for _, n := range c.claimedAt(l.id) {
		c.unclaim(n, false, false)
	}
	c.markArchived(l, c.now())
}
