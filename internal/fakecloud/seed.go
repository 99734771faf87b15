package fakecloud

import (
	"fmt"
	"maps"
	"strings"
)

// AddPartner makes a partner known to the cloud, or updates its locked flag (a locked
// partner's register answers 403).
func (c *Cloud) AddPartner(partnerID string, locked bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addPartner(partnerID, locked)
}

func (c *Cloud) addPartner(partnerID string, locked bool) {
	if p := c.partners[partnerID]; p != nil {
		p.locked = locked
		return
	}
	c.partners[partnerID] = &partner{id: partnerID, locked: locked}
}

// AddCredential makes an OAuth client known to the token endpoint; its partner is added,
// unlocked, when unknown.
func (c *Cloud) AddCredential(cred Credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.partners[cred.PartnerID] == nil {
		c.addPartner(cred.PartnerID, false)
	}
	c.creds[cred.ClientID] = &cred
}

// AddInventory puts pods (leaf nodes) in a partner's inventory, unclaimed. A serial already
// known keeps its state.
func (c *Cloud) AddInventory(partnerID string, serials ...string) {
	c.addNodes(partnerID, false, serials)
}

// AddGateways puts residential gateways in a partner's inventory: residentialGateway true,
// not counted by numPodsAuthorized.
func (c *Cloud) AddGateways(partnerID string, serials ...string) {
	c.addNodes(partnerID, true, serials)
}

func (c *Cloud) addNodes(partnerID string, gateway bool, serials []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for _, s := range serials {
		if c.nodes[s] != nil {
			continue
		}
		c.nodes[s] = &node{
			serial: s, partnerID: partnerID, gateway: gateway, packID: randomHex(12), createdAt: now, updatedAt: now,
			led: ledNormal, firmware: DefaultFirmwareVersion, firmwareSetAt: now,
		}
	}
}

// SetMonitorMode sets a location's monitorMode.enable, which blocks claims.
func (c *Cloud) SetMonitorMode(customerID, locationID string, on bool) error {
	return c.withLocation(customerID, locationID, func(l *location) {
		l.monitorMode, l.monitorModeSet = on, c.now()
	})
}

// SetPodQuota sets a location's numPodsAuthorized (DefaultPodQuota at creation).
func (c *Cloud) SetPodQuota(customerID, locationID string, n int) error {
	if n < 0 {
		return fmt.Errorf("fakecloud: negative pod quota %d", n)
	}
	return c.withLocation(customerID, locationID, func(l *location) {
		l.podQuota, l.podQuotaSet = n, c.now()
	})
}

func (c *Cloud) withLocation(customerID, locationID string, change func(*location)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.locations[locationID]
	if l == nil || l.customerID != customerID {
		return fmt.Errorf("fakecloud: no location %q of customer %q", locationID, customerID)
	}
	change(l)
	return nil
}

// SetNodeOnline flags a node online (an online node cannot be unclaimed: 403) or offline.
func (c *Cloud) SetNodeOnline(serial string, online bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[serial]
	if n == nil {
		return fmt.Errorf("fakecloud: no node %q in inventory", serial)
	}
	n.setOnline(online, c.now())
	return nil
}

// SetAutoProvisioned sets a customer's autoProvisioned flag: such a customer keeps zero
// locations when its last one is deleted.
func (c *Cloud) SetAutoProvisioned(customerID string, on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cu := c.customers[customerID]
	if cu == nil {
		return fmt.Errorf("fakecloud: no customer %q", customerID)
	}
	cu.autoProvisioned = on
	return nil
}

// Licenses returns a partner's license count: its claimed nodes.
func (c *Cloud) Licenses(partnerID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.licenses[partnerID]
}

// RequestCount returns how many requests a route received, faulted and refused ones
// included. A route is the method, a space and the path template below /api with every
// variable written {id}: "POST /Customers/{id}/locations/{id}/nodes", "GET /Partners/nodes/{id}",
// TokenRoute, IntrospectRoute. The first segment is spelt Customers or Partners whatever the
// request's casing.
func (c *Cloud) RequestCount(route string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.routeCounts[route]
}

// RequestCounts returns a copy of every route's count; requests that match no route are
// counted under their method and escaped path.
func (c *Cloud) RequestCounts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.routeCounts)
}

// TotalRequests returns the number of requests other than the OAuth endpoints', faulted and
// refused ones included.
func (c *Cloud) TotalRequests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for route, n := range c.routeCounts {
		if _, p, _ := strings.Cut(route, " "); p != TokenPath && p != IntrospectPath {
			total += n
		}
	}
	return total
}

// TokenFetches returns how many access tokens the token endpoint issued.
func (c *Cloud) TokenFetches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokenFetches
}

// ResetCounts zeroes the request and token counters.
func (c *Cloud) ResetCounts() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.routeCounts)
	c.tokenFetches = 0
}
