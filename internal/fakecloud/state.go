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
	deviceNicknames                       map[string]string // PUT /Customers/{id}/devices/{mac}, by MAC
	audit                                 []auditEntry      // successful writes under /Customers/{id}, oldest first (admin.go)
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

	// The support half (plume-support-api.md §3–§6).
	devices        map[string]*device         // by MAC; only AddDevice creates one
	clientSteering map[string]*clientSteering // by MAC; the device need not exist
	bandSteering   bandSteering
	logDestination string // flashLogging forceDestination; "" is the default
	ispSchedule    ispSchedule
	speedTests     []*speedTest // oldest first

	// plume-support-api.md §7–§11: optimizer.go, lan.go, network.go, persons.go, freeze.go.
	optimizations   optimizations
	lan             lanState
	reservations    map[string]*reservation // DHCP reservations by MAC, each with its port forwards
	persons         []*person               // in creation order
	freezeAll       *locationFreeze         // the location-wide freeze; nil when none was set
	sharedSchedules map[string]bool         // AddSharedSchedule's template ids
	sharedFreeze    bool                    // SetSharedFreezeSchedules: template PUTs answer 501
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

	// The support half (plume-support-api.md §12.2–§12.4); see node_state.go.
	onlineLog     []onlineChange // every change of online, oldest first
	reboots       []window       // reboot windows, oldest first
	pastUpgrades  []window       // the down time of upgrades no longer current
	rebootCount   int            // reboots that took effect
	ip            string         // LAN address while claimed
	led           string         // ledMode: locate or normal
	firmware      string         // the installed version (an upgrade's target once it completes)
	firmwareSetAt time.Time
	job           *firmwareJob  // the last PUT …/firmware, nil when none
	speed         *speedNumbers // SetSpeedResult; nil means the defaults
	alerts        []*nodeAlert  // RaiseNodeAlert's alerts, in the order raised (health.go)
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
		"bandSteering":                   bandSteeringJSON(l),
		"ispSpeedTestConfiguration":      ispScheduleJSON(l),
		"optimizations":                  optimizationsJSON(l),

		"isUtilizingSharedLocationFreezeSchedules": l.sharedFreeze,
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

// nodeStatusJSON is a Node status (§5.0), as listed and fetched, derived at now.
func (c *Cloud) nodeStatusJSON(n *node, now time.Time) obj {
	state, changedAt := c.connection(n, now)
	o := obj{
		"id":                      n.serial,
		"serialNumber":            n.serial,
		"nickname":                n.nickname,
		"defaultName":             defaultNodeName(n),
		"firmwareVersion":         c.firmwareVersion(n, now),
		"connectionState":         state,
		"connectionStateChangeAt": stamp(changedAt),
		"residentialGateway":      n.gateway,
		"ip":                      n.ip,
		"channel":                 channelText(band5),
		"2gChannel":               channelText(band24),
		"5gChannel":               channelText(band5),
		"6gChannel":               channelText(band6),
		"backhaulType":            c.backhaulType(n),
		"connectedDeviceCount":    c.connectedDevices(n),
		"wifiConfig":              []any{},
		"leafToRoot":              c.nodeLeafToRoot(n),
	}
	if changedAt.IsZero() {
		o["connectionStateChangeAt"] = nil
	}
	return o
}

// fullNodeJSON is the full node answered by rename: the claim record plus the status.
func (c *Cloud) fullNodeJSON(n *node, now time.Time) obj {
	o := claimRecordJSON(n)
	for k, v := range c.nodeStatusJSON(n, now) {
		o[k] = v
	}
	o["platformVersion"] = o["firmwareVersion"]
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
		devices:        map[string]*device{},
		clientSteering: map[string]*clientSteering{},
		bandSteering:   bandSteering{mode: bandSteeringAuto, updatedAt: now},
		ispSchedule:    ispSchedule{createdAt: now, updatedAt: now},

		optimizations:   defaultOptimizations(now),
		lan:             lanState{prefix: c.defaultLAN},
		reservations:    map[string]*reservation{},
		sharedSchedules: map[string]bool{},
	}
	l.wan = wanConfig{id: c.newID(), updatedAt: now}
	c.locations[l.id] = l
	c.indexLocation(l)
	return l
}

// unclaim releases a node from its location (one license less).
func (c *Cloud) unclaim(n *node, preservePackID, removeAccountID bool) {
	c.latchLAN(n, c.now())
	c.resetSupport(n, c.now())
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
