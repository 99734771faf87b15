package fakecloud

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

var searchFields = map[string]bool{"accountId": true, "locationId": true, "name": true, "email": true}

// searchCustomers searches the caller's customers. GET /Partners/customers/search/{keyword} (§10.1)
func (c *Cloud) searchCustomers(rq *request) *reply {
	return c.search(rq, rq.params[0])
}

// searchPartnerCustomers is the variant naming the partner: unknown 404, not the caller's 403.
// GET /partners/{partnerId}/customers/search/{keyword} (§10.1)
func (c *Cloud) searchPartnerCustomers(rq *request) *reply {
	if bad := c.checkPartnerParam(rq); bad != nil {
		return bad
	}
	return c.search(rq, rq.params[1])
}

func (c *Cloud) checkPartnerParam(rq *request) *reply {
	id := rq.params[0]
	switch {
	case c.partners[id] == nil:
		return errorf(http.StatusNotFound, "partnerId %q does not exist", id)
	case id != rq.token.partnerID:
		return errorf(http.StatusForbidden, "no access to partnerId %q", id)
	}
	return nil
}

// matcher applies exactMatch and startsWith (both default true): exact wins, then prefix,
// then substring when both are false.
type matcher struct{ exact, prefix bool }

func (m matcher) match(value, keyword string) bool {
	switch {
	case m.exact:
		return value == keyword
	case m.prefix:
		return strings.HasPrefix(value, keyword)
	}
	return strings.Contains(value, keyword)
}

func (c *Cloud) search(rq *request, keyword string) *reply {
	field := rq.query.Get("field")
	switch {
	case !searchFields[field]:
		return errorf(http.StatusUnprocessableEntity, "field %q is not accountId, locationId, name or email", field)
	case keyword == "null":
		return errorReply(http.StatusUnprocessableEntity, "keyword null is not allowed")
	}
	exact, bad := queryBool(rq.query, "exactMatch", true)
	if bad != nil {
		return bad
	}
	prefix, bad := queryBool(rq.query, "startsWith", true)
	if bad != nil {
		return bad
	}
	limit, bad := queryInt(rq.query, "limit")
	if bad != nil {
		return bad
	}
	skip, bad := queryInt(rq.query, "skip")
	if bad != nil {
		return bad
	}
	m := matcher{exact: exact, prefix: prefix}
	var customers []*customer
	if exact {
		customers = c.customersMatching(rq.token.partnerID, field, []string{keyword})
	} else {
		customers = c.sortedCustomers(rq.token.partnerID) // prefix and substring matches scan
	}
	out := []obj{}
	for _, cu := range customers {
		if !c.customerMatches(cu, field, keyword, m) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, c.searchItem(cu))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return jsonReply(http.StatusOK, out)
}

func (c *Cloud) customerMatches(cu *customer, field, keyword string, m matcher) bool {
	switch field {
	case "accountId":
		return m.match(cu.accountID, keyword)
	case "name":
		return m.match(cu.name, keyword)
	case "email":
		return m.match(cu.email, keyword)
	}
	for _, l := range c.activeLocations(cu.id) {
		if m.match(l.id, keyword) {
			return true
		}
	}
	return false
}

func (c *Cloud) searchItem(cu *customer) obj {
	locs := []obj{}
	for _, l := range c.activeLocations(cu.id) {
		locs = append(locs, obj{"id": l.id})
	}
	return obj{"id": cu.id, "accountId": cu.accountID, "name": cu.name, "email": cu.email, "locations": locs}
}

// lookupNode finds the customer and location of a serial. GET /Partners/nodes/{serial} (§10.2)
func (c *Cloud) lookupNode(rq *request) *reply {
	return c.nodeLookup(rq, rq.params[0])
}

// lookupPartnerNode is the variant naming the partner. GET /partners/{partnerId}/nodes/{id} (§10.2)
func (c *Cloud) lookupPartnerNode(rq *request) *reply {
	if bad := c.checkPartnerParam(rq); bad != nil {
		return bad
	}
	return c.nodeLookup(rq, rq.params[1])
}

// nodeLookup: unknown 404, another partner's 403, unclaimed with excludeUnclaimed 404.
func (c *Cloud) nodeLookup(rq *request, serial string) *reply {
	excludeUnclaimed, bad := queryBool(rq.query, "excludeUnclaimed", false)
	if bad != nil {
		return bad
	}
	n := c.nodes[serial]
	switch {
	case n == nil:
		return errorf(http.StatusNotFound, "node %q not found", serial)
	case n.partnerID != rq.token.partnerID:
		return errorf(http.StatusForbidden, "no right to node %q", serial)
	case excludeUnclaimed && !n.claimed():
		return errorf(http.StatusNotFound, "node %q is not claimed", serial)
	}
	o := obj{"serialNumber": n.serial, "packId": n.packID, "partnerId": n.partnerID}
	if n.claimed() {
		o["customerId"], o["locationId"] = n.customerID, n.locationID
	}
	return jsonReply(http.StatusOK, o)
}

// lookupLocation finds an active location by serviceId or id: the caller's first, then
// anyone's (403). GET /Partners/locations/{keyword} (§10.3)
func (c *Cloud) lookupLocation(rq *request) *reply {
	keyword := rq.params[0]
	var foreign bool
	for _, l := range c.locationsByKeyword(keyword) {
		cu := c.customers[l.customerID]
		if cu.partnerID != rq.token.partnerID {
			foreign = true
			continue
		}
		return jsonReply(http.StatusOK, obj{
			"id": l.id, "name": l.name, "serviceId": l.serviceID,
			"customer": obj{"id": cu.id, "name": cu.name, "accountId": cu.accountID},
		})
	}
	if foreign {
		return errorf(http.StatusForbidden, "no rights to location %q", keyword)
	}
	return errorf(http.StatusNotFound, "location %q not found", keyword)
}

// locationsByKeyword returns the active locations whose id or serviceId is keyword, ordered
// as a walk of the customers by createdAt then id, and of each one's locations likewise.
func (c *Cloud) locationsByKeyword(keyword string) []*location {
	found := maps.Clone(c.byServiceID[keyword])
	if l := c.locations[keyword]; l != nil && !l.archived {
		if found == nil {
			found = set[*location]{}
		}
		found[l.id] = l
	}
	var out []*location
	for _, l := range found {
		if c.customers[l.customerID] != nil { // an active location's customer always exists
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *location) int {
		if d := compareCustomers(c.customers[a.customerID], c.customers[b.customerID]); d != 0 {
			return d
		}
		return compareLocations(a, b)
	})
	return out
}
