package fakecloud

import (
	"net/http"
)

// locationOf resolves the {id}/locations/{id} pair. Unknown locations, and locations of
// another customer, answer 404; archived ones too unless archivedOK.
func (c *Cloud) locationOf(cu *customer, id string, archivedOK bool) (*location, *reply) {
	l := c.locations[id]
	if l == nil || l.customerID != cu.id || (l.archived && !archivedOK) {
		return nil, errorf(http.StatusNotFound, "Unknown \"Location\" id %q.", id)
	}
	return l, nil
}

// scoped resolves the customer (unknown: unknownStatus) and its active location of a
// /Customers/{id}/locations/{id}/... path.
func (c *Cloud) scoped(rq *request, unknownStatus int) (*customer, *location, *reply) {
	cu, bad := c.customerIn(rq, unknownStatus)
	if bad != nil {
		return nil, nil, bad
	}
	l, bad := c.locationOf(cu, rq.params[1], false)
	return cu, l, bad
}

// scopedFields is scoped, then the body parsed.
func (c *Cloud) scopedFields(rq *request, unknownStatus int) (*customer, *location, *fields, *reply) {
	cu, l, bad := c.scoped(rq, unknownStatus)
	if bad != nil {
		return nil, nil, nil, bad
	}
	f, bad := parseFields(rq.body)
	return cu, l, f, bad
}

// listLocations answers the active locations as an array. GET /Customers/{id}/locations (§4.1)
func (c *Cloud) listLocations(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	out := []obj{}
	for _, l := range c.activeLocations(cu.id) {
		out = append(out, c.locationJSON(l))
	}
	return jsonReply(http.StatusOK, c.refLocationList(out))
}

// createLocation adds a location (without a WiFi network). POST /Customers/{id}/locations (§4.2)
func (c *Cloud) createLocation(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	profile, serviceID := f.str("profile"), f.str("serviceId")
	name, bad := f.required("name")
	if bad != nil {
		return bad
	}
	if bad := firstProblem(checkProfile(deref(profile, "auto")), checkServiceID(serviceID)); bad != nil {
		return bad
	}
	l := c.newLocation(cu.id, name, deref(profile, "auto"))
	c.setServiceID(l, deref(serviceID, ""))
	return jsonReply(http.StatusOK, c.refLocationCreated(c.locationJSON(l)))
}

func checkServiceID(serviceID *string) *reply {
	if serviceID != nil && hasQuote(*serviceID) {
		return errorReply(http.StatusUnprocessableEntity, "serviceId must not contain a double quote")
	}
	return nil
}

// getLocation answers one location; archived ones stay addressable. GET /Customers/{id}/locations/{id} (§4.4)
func (c *Cloud) getLocation(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	l, bad := c.locationOf(cu, rq.params[1], true)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, c.locationJSON(l))
}

// headLocation checks existence. HEAD /Customers/{id}/locations/{id} (§4.3)
func (c *Cloud) headLocation(rq *request) *reply {
	rep := c.getLocation(rq)
	if rep.status == http.StatusOK {
		return emptyReply(http.StatusOK)
	}
	return rep
}

// renameLocation sets the name. PUT /Customers/{id}/locations/{id} (§4.5)
func (c *Cloud) renameLocation(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	name, bad := f.required("name")
	if bad != nil {
		return bad
	}
	l.name, l.updatedAt = name, c.now()
	return jsonReply(http.StatusOK, c.locationJSON(l))
}

// patchLocation sets serviceId, profile and/or name. PATCH /Customers/{id}/locations/{id} (§4.6)
//
// No patchable field at all is 422 (§11); a field sent empty is 400 (required input missing).
func (c *Cloud) patchLocation(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	name, profile, serviceID := f.str("name"), f.str("profile"), f.str("serviceId")
	if f.err != nil {
		return f.err
	}
	if name == nil && profile == nil && serviceID == nil {
		return errorReply(http.StatusUnprocessableEntity, "one of serviceId, profile or name is required")
	}
	if deref(name, "x") == "" || deref(serviceID, "x") == "" || deref(profile, "x") == "" {
		return errorReply(http.StatusBadRequest, "a required value is missing (empty)")
	}
	if profile != nil {
		if bad := checkProfile(*profile); bad != nil {
			return bad
		}
	}
	if bad := checkServiceID(serviceID); bad != nil {
		return bad
	}
	setStr(&l.name, name)
	setStr(&l.profile, profile)
	if serviceID != nil {
		c.setServiceID(l, *serviceID)
	}
	l.updatedAt = c.now()
	return jsonReply(http.StatusOK, c.locationJSON(l))
}

// deleteLocation archives a location and unclaims its nodes; a customer that is not
// autoProvisioned gets a fresh "Home" when no active location remains.
// DELETE /Customers/{id}/locations/{id} (§4.7, §12.6)
func (c *Cloud) deleteLocation(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	l, bad := c.locationOf(cu, rq.params[1], true)
	if bad != nil {
		return bad
	}
	if l.archived {
		return errorf(http.StatusConflict, "location %q is already archived", l.id)
	}
	c.archive(l)
	if !cu.autoProvisioned && len(c.activeLocations(cu.id)) == 0 {
		c.newLocation(cu.id, "Home", "auto")
	}
	return emptyReply(http.StatusNoContent)
}

// getAuthorizations answers the claim quota. GET …/authorizations (§4.8)
func (c *Cloud) getAuthorizations(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, authorizationsJSON(l))
}

// putAuthorizations sets numPodsAuthorized. PUT …/authorizations (§4.8)
func (c *Cloud) putAuthorizations(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	n := f.number("numPodsAuthorized")
	if f.err != nil {
		return f.err
	}
	if n == nil {
		return errorReply(http.StatusBadRequest, "numPodsAuthorized is required")
	}
	if *n < 0 || *n != float64(int(*n)) {
		return errorReply(http.StatusUnprocessableEntity, "numPodsAuthorized must be a non-negative integer")
	}
	l.podQuota, l.podQuotaSet = int(*n), c.now()
	return jsonReply(http.StatusOK, authorizationsJSON(l))
}

// getServiceLevel answers the service level. GET …/serviceLevel (§7)
func (c *Cloud) getServiceLevel(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, serviceLevelJSON(l))
}

// patchServiceLevel sets the service level. PATCH …/serviceLevel (§7)
func (c *Cloud) patchServiceLevel(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	status, bad := f.required("status")
	if bad != nil {
		return bad
	}
	if !validServiceLevel(status) {
		return errorf(http.StatusUnprocessableEntity, "status %q is not noService, basicService or fullService", status)
	}
	l.serviceLevel, l.serviceLevelSet = status, c.now()
	return jsonReply(http.StatusOK, c.refWritten(serviceLevelJSON(l)))
}

// postCheckpoint records an onboarding checkpoint. POST …/onboardingCheckpoint (§8)
func (c *Cloud) postCheckpoint(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	value := f.str("checkpoint")
	if f.err != nil {
		return f.err
	}
	if value == nil {
		return errorReply(http.StatusUnprocessableEntity, "checkpoint is required")
	}
	if bad := checkCheckpointValue(value); bad != nil {
		return bad
	}
	l.checkpoint = &checkpoint{id: c.newID(), value: *value, at: c.now()}
	return jsonReply(http.StatusOK, c.refCheckpoint(checkpointJSON(l)))
}
