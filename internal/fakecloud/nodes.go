package fakecloud

import (
	"net/http"
)

// listNodes answers {"nodes":[…]}. GET …/nodes (§5.1)
func (c *Cloud) listNodes(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	out := []obj{}
	now := c.now()
	for _, n := range c.claimedAt(l.id) {
		out = append(out, c.refNodeStatus(c.nodeStatusJSON(n, now)))
	}
	return jsonReply(http.StatusOK, c.refNodeList(out))
}

// claimedNodeAt finds a node claimed at the location, or answers 404.
func (c *Cloud) claimedNodeAt(l *location, nodeID string) (*node, *reply) {
	n := c.nodes[nodeID]
	if n == nil || n.locationID != l.id {
		return nil, errorf(http.StatusNotFound, "node %q is not claimed at location %q", nodeID, l.id)
	}
	return n, nil
}

// getNode answers one claimed node. GET …/nodes/{id} (§5.3)
func (c *Cloud) getNode(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, c.refNodeStatus(c.nodeStatusJSON(n, c.now())))
}

// renameNode sets a claimed node's nickname. POST …/nodes/{id} (§5.4)
func (c *Cloud) renameNode(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	emit := f.str("emitMessage")
	nickname, bad := f.required("nickname")
	if bad != nil {
		return bad
	}
	if emit != nil && *emit != "on" && *emit != "off" {
		return errorReply(http.StatusBadRequest, `emitMessage must be "on" or "off"`)
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	now := c.now()
	n.nickname, n.updatedAt = nickname, now
	switch deref(emit, "") { // emitMessage also switches the LED (plume-support-api.md §5.3)
	case "on":
		n.led = ledLocate
	case "off":
		n.led = ledNormal
	}
	return jsonReply(http.StatusOK, c.fullNodeJSON(n, now))
}

// claimNode claims a node from the partner's inventory, checking in the order of §12.4:
// location 404 → inventory 404 → owned elsewhere 409 → already here 204 → monitorMode 422 →
// leaf-pod quota 422. POST …/nodes (§5.2)
func (c *Cloud) claimNode(rq *request) *reply {
	cu, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	nickname := f.str("nickname")
	serial, bad := f.required("serialNumber")
	if bad != nil {
		return bad
	}
	n := c.nodes[serial]
	switch {
	case n == nil || n.partnerID != cu.partnerID:
		return errorf(http.StatusNotFound, "no inventory node has serial %q", serial)
	case n.claimed() && n.locationID != l.id:
		return errorf(http.StatusConflict, "node %q is owned by another customer", serial)
	case n.claimed():
		return emptyReply(http.StatusNoContent)
	case l.monitorMode:
		return errorReply(http.StatusUnprocessableEntity, "the location is in monitor mode")
	case !n.gateway && c.leafPods(l.id) >= l.podQuota:
		return errorf(http.StatusUnprocessableEntity, "the claim would exceed numPodsAuthorized (%d)", l.podQuota)
	}
	c.claim(n, cu, l, c.now())
	c.assignIP(n)
	if n.packID == "" {
		n.packID = randomHex(12)
	}
	if nickname != nil {
		n.nickname = *nickname
	}
	return jsonReply(http.StatusOK, c.refClaimed(n, claimRecordJSON(n)))
}

// leafPods counts the claimed nodes numPodsAuthorized limits: those that are not gateways.
func (c *Cloud) leafPods(locationID string) int {
	count := 0
	for _, n := range c.claimedNodes[locationID] {
		if !n.gateway {
			count++
		}
	}
	return count
}

// unclaimOptions reads preservePackId and removeAccountId from the body, where the reference
// puts them (formData; LoopBack reads the body), else from the query, where plume-api.md §5.5
// put them: the fake accepts both readings (errata A6).
func unclaimOptions(rq *request) (preserve, remove bool, bad *reply) {
	f, bad := parseFields(rq.body)
	if bad != nil {
		return false, false, bad
	}
	read := func(key string) (bool, *reply) {
		if f.has(key) {
			v := f.looseBool(key)
			if f.err != nil || v == nil {
				return false, errorf(http.StatusBadRequest, "%s must be a boolean", key)
			}
			return *v, nil
		}
		return queryBool(rq.query, key, false)
	}
	if preserve, bad = read("preservePackId"); bad != nil {
		return false, false, bad
	}
	remove, bad = read("removeAccountId")
	return preserve, remove, bad
}

// unclaimNode releases one node: no node claimed at the location 404, this one not claimed
// there 400, online 403. DELETE …/nodes/{id} (§5.5, §12.5)
func (c *Cloud) unclaimNode(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	preserve, remove, bad := unclaimOptions(rq)
	if bad != nil {
		return bad
	}
	if len(c.claimedNodes[l.id]) == 0 {
		return errorf(http.StatusNotFound, "location %q has no claimed nodes", l.id)
	}
	n := c.nodes[rq.params[2]]
	switch {
	case n == nil || n.locationID != l.id:
		return errorf(http.StatusBadRequest, "node %q is not claimed at this location", rq.params[2])
	case n.online:
		return errorf(http.StatusForbidden, "node %q is online and cannot be unclaimed", n.serial)
	}
	c.unclaim(n, preserve, remove)
	return emptyReply(http.StatusNoContent)
}

// unclaimAll releases every node of the location. DELETE …/nodes (§5.6)
func (c *Cloud) unclaimAll(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	preserve, remove, bad := unclaimOptions(rq)
	if bad != nil {
		return bad
	}
	for _, n := range c.claimedAt(l.id) {
		c.unclaim(n, preserve, remove)
	}
	return emptyReply(http.StatusNoContent)
}
