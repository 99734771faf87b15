package fakecloud

import (
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The Cloud's indexes (see its fields) let every request find its rows without scanning the
// whole state. The functions below are the only writers of the indexed fields: a customer's
// accountId, name and email, a location's serviceId and archived flag, a node's location.
// Code that creates, changes or removes rows must go through them so that no index goes stale.

// set is the rows that share an index key, by primary id (customer or location id, serial).
type set[T any] map[string]T

// multiIndex maps a key to the set of rows having it. Empty sets are removed.
type multiIndex[T any] map[string]set[T]

func (m multiIndex[T]) add(key, id string, v T) {
	s := m[key]
	if s == nil {
		s = set[T]{}
		m[key] = s
	}
	s[id] = v
}

func (m multiIndex[T]) remove(key, id string) {
	if s := m[key]; s != nil {
		delete(s, id)
		if len(s) == 0 {
			delete(m, key)
		}
	}
}

// partnerKey is the key of an index scoped to a partner (accountIds and names are unique, or
// searched, within a partner only).
func partnerKey(partnerID, v string) string { return partnerID + "\x00" + v }

// foldKey maps s to a key that two strings share exactly when strings.EqualFold holds for them:
// each rune becomes the smallest rune of its simple case-folding orbit (invalid bytes become
// utf8.RuneError, as EqualFold decodes them).
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		low := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		b.WriteRune(low)
	}
	return b.String()
}

func compareCustomers(a, b *customer) int { return byCreation(a.createdAt, b.createdAt, a.id, b.id) }

func compareLocations(a, b *location) int { return byCreation(a.createdAt, b.createdAt, a.id, b.id) }

// sortedValues returns the rows of s ordered by cmp.
func sortedValues[T any](s set[T], cmp func(a, b T) int) []T {
	return slices.SortedFunc(maps.Values(s), cmp)
}

// indexCustomer adds a stored customer to every customer index.
func (c *Cloud) indexCustomer(cu *customer) {
	list := c.customersOf[cu.partnerID]
	i, _ := slices.BinarySearchFunc(list, cu, compareCustomers)
	c.customersOf[cu.partnerID] = slices.Insert(list, i, cu)
	c.byAccountID.add(partnerKey(cu.partnerID, cu.accountID), cu.id, cu)
	c.byName.add(partnerKey(cu.partnerID, cu.name), cu.id, cu)
	c.byEmail.add(foldKey(cu.email), cu.id, cu)
}

// unindexCustomer removes a customer from every customer index.
func (c *Cloud) unindexCustomer(cu *customer) {
	list := c.customersOf[cu.partnerID]
	if i, found := slices.BinarySearchFunc(list, cu, compareCustomers); found {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(c.customersOf, cu.partnerID)
	} else {
		c.customersOf[cu.partnerID] = list
	}
	c.byAccountID.remove(partnerKey(cu.partnerID, cu.accountID), cu.id)
	c.byName.remove(partnerKey(cu.partnerID, cu.name), cu.id)
	c.byEmail.remove(foldKey(cu.email), cu.id)
}

// setCustomerKeys changes a customer's indexed fields (nil keeps a field).
func (c *Cloud) setCustomerKeys(cu *customer, accountID, name, email *string) {
	if accountID != nil && *accountID != cu.accountID {
		c.byAccountID.remove(partnerKey(cu.partnerID, cu.accountID), cu.id)
		cu.accountID = *accountID
		c.byAccountID.add(partnerKey(cu.partnerID, cu.accountID), cu.id, cu)
	}
	if name != nil && *name != cu.name {
		c.byName.remove(partnerKey(cu.partnerID, cu.name), cu.id)
		cu.name = *name
		c.byName.add(partnerKey(cu.partnerID, cu.name), cu.id, cu)
	}
	if email != nil && *email != cu.email {
		c.byEmail.remove(foldKey(cu.email), cu.id)
		cu.email = *email
		c.byEmail.add(foldKey(cu.email), cu.id, cu)
	}
}

// setServiceID changes a location's serviceId. Only active locations are indexed.
func (c *Cloud) setServiceID(l *location, serviceID string) {
	if !l.archived && l.serviceID != "" {
		c.byServiceID.remove(l.serviceID, l.id)
	}
	l.serviceID = serviceID
	if !l.archived && l.serviceID != "" {
		c.byServiceID.add(l.serviceID, l.id, l)
	}
}

// indexLocation adds a new, active location to the location indexes.
func (c *Cloud) indexLocation(l *location) {
	c.activeLocs.add(l.customerID, l.id, l)
	if l.serviceID != "" {
		c.byServiceID.add(l.serviceID, l.id, l)
	}
}

// markArchived flags a location archived and drops it from the indexes of active locations.
func (c *Cloud) markArchived(l *location, at time.Time) {
	c.activeLocs.remove(l.customerID, l.id)
	if l.serviceID != "" {
		c.byServiceID.remove(l.serviceID, l.id)
	}
	l.archived = true
	l.updatedAt = at
}

// claim puts an unclaimed node at a location of a customer.
func (c *Cloud) claim(n *node, cu *customer, l *location, at time.Time) {
	n.customerID, n.locationID, n.accountID = cu.id, l.id, cu.accountID
	n.claimedAt, n.updatedAt = at, at
	c.claimedNodes.add(l.id, n.serial, n)
	c.licenses[n.partnerID]++
}

// release takes a claimed node off its location's index (unclaim clears its fields).
func (c *Cloud) release(n *node) {
	if !n.claimed() {
		return
	}
	c.claimedNodes.remove(n.locationID, n.serial)
	if c.licenses[n.partnerID]--; c.licenses[n.partnerID] <= 0 {
		delete(c.licenses, n.partnerID)
	}
}

// customersMatching returns the partner's customers whose field (a search field or a
// Customer JSON field: id, accountId, name, email) may equal one of values, by createdAt then
// id. Email candidates are found regardless of case: callers still check each one.
func (c *Cloud) customersMatching(partnerID, field string, values []string) []*customer {
	found := set[*customer]{}
	for _, v := range values {
		switch field {
		case "id":
			if cu := c.customers[v]; cu != nil && cu.partnerID == partnerID {
				found[cu.id] = cu
			}
		case "accountId":
			maps.Copy(found, c.byAccountID[partnerKey(partnerID, v)])
		case "name":
			maps.Copy(found, c.byName[partnerKey(partnerID, v)])
		case "email":
			for id, cu := range c.byEmail[foldKey(v)] {
				if cu.partnerID == partnerID {
					found[id] = cu
				}
			}
		case "locationId":
			if l := c.locations[v]; l != nil && !l.archived {
				if cu := c.customers[l.customerID]; cu != nil && cu.partnerID == partnerID {
					found[cu.id] = cu
				}
			}
		}
	}
	return sortedValues(found, compareCustomers)
}

// filterCandidates narrows a GET /Customers where to the partner's customers an index says
// can match it, by createdAt then id, when a clause on id, accountId, email or name is an
// equality or an inq (at the top level or inside an "and"); the whole where is still applied
// to them. ok is false, and the caller scans every customer, when no clause can use an index
// or when evaluating the where could fail: the scan answers that error as it always did.
func (c *Cloud) filterCandidates(partnerID string, where map[string]any) (_ []*customer, ok bool) {
	if len(where) == 0 || checkWhere(where) != nil {
		return nil, false
	}
	field, values, ok := indexedClause(where)
	if !ok {
		return nil, false
	}
	return c.customersMatching(partnerID, field, values), true
}

// indexedFields are the Customer JSON fields (all strings) filterCandidates can look up.
var indexedFields = []string{"id", "accountId", "email", "name"}

// indexedClause finds a clause every matching row satisfies and that limits an indexed field
// to a few values.
func indexedClause(where map[string]any) (field string, values []string, ok bool) {
	for _, field := range indexedFields {
		if values, ok := equalityValues(where[field]); ok {
			return field, values, true
		}
	}
	list, _ := where["and"].([]any)
	for _, item := range list {
		if sub, isObject := item.(map[string]any); isObject {
			if field, values, ok := indexedClause(sub); ok {
				return field, values, true
			}
		}
	}
	return "", nil, false
}

// equalityValues returns the strings a condition limits a string field to: the value of an
// equality, or the string items of an inq (a string never equals another JSON type).
func equalityValues(cond any) ([]string, bool) {
	switch cond := cond.(type) {
	case string:
		return []string{cond}, true
	case map[string]any:
		list, ok := cond["inq"].([]any)
		if !ok {
			return nil, false
		}
		var values []string
		for _, item := range list {
			if s, isString := item.(string); isString {
				values = append(values, s)
			}
		}
		return values, true
	}
	return nil, false
}
