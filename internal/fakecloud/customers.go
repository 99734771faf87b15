package fakecloud

import (
	"net/http"
	"strings"
)

// register provisions a customer and its "Home" location. POST /Customers/register (§3.1)
func (c *Cloud) register(rq *request) *reply {
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	accountID, partnerID, email, name := f.str("accountId"), f.str("partnerId"), f.str("email"), f.str("name")
	profile, lang, cp := f.str("profile"), f.str("acceptLanguage"), f.str("onboardingCheckpoint")
	if f.err != nil {
		return f.err
	}
	if accountID == nil || *accountID == "" || partnerID == nil || *partnerID == "" {
		return errorReply(http.StatusBadRequest, "accountId and partnerId are required")
	}
	if bad := c.checkRegisterPartner(*partnerID, rq.token); bad != nil {
		return bad
	}
	cu := &customer{
		accountID: *accountID, partnerID: *partnerID, name: deref(name, *accountID),
		email: deref(email, "null+"+randomHex(8)+"@plume.com"), acceptLanguage: deref(lang, "en-US"),
		source: "unknown",
	}
	if bad := firstProblem(
		checkAccountID(cu.accountID), checkName(cu.name), checkEmail(cu.email),
		checkProfile(deref(profile, "auto")), checkLocale(lang), checkCheckpointValue(cp),
	); bad != nil {
		return bad
	}
	if c.accountIDTaken(cu.partnerID, cu.accountID, "") {
		return errorf(http.StatusConflict, "Duplicate key: accountId %q already exists for partnerId %q", cu.accountID, cu.partnerID)
	}
	if c.emailTaken(cu.email, "") {
		return errorReply(http.StatusUnprocessableEntity, "email is already in use")
	}
	l := c.addCustomer(cu, "Home", deref(profile, "auto"))
	if cp != nil {
		l.checkpoint = &checkpoint{id: c.newID(), value: *cp, at: c.now()}
	}
	return jsonReply(http.StatusOK, c.refRegistered(obj{
		"id": cu.id, "accountId": cu.accountID, "email": cu.email, "name": cu.name,
		"partnerId": cu.partnerID, "locationId": l.id, "anonymous": false,
		"autoProvisioned": false, "systemUser": false, "createdAt": stamp(cu.createdAt),
		"_version": schemaVersion,
	}))
}

// checkRegisterPartner: unknown partner 404, outside the token's scope 401, locked 403.
func (c *Cloud) checkRegisterPartner(partnerID string, tok *token) *reply {
	p := c.partners[partnerID]
	if p == nil {
		return errorf(http.StatusNotFound, "partnerId %q does not exist", partnerID)
	}
	if partnerID != tok.partnerID {
		return errorf(http.StatusUnauthorized, "no security context for the requested partnerId %q", partnerID)
	}
	if p.locked {
		return errorf(http.StatusForbidden, "partnerId %q is locked for new accounts", partnerID)
	}
	return nil
}

func checkLocale(lang *string) *reply {
	if lang != nil && !validLocale(*lang) {
		return errorf(http.StatusUnprocessableEntity, "acceptLanguage %q is not a valid locale", *lang)
	}
	return nil
}

func checkCheckpointValue(cp *string) *reply {
	if cp != nil && !validCheckpoint(*cp) {
		return errorf(http.StatusUnprocessableEntity, "onboardingCheckpoint %q is not PodsAdded or OnboardingComplete", *cp)
	}
	return nil
}

// addCustomer stores a new customer with its first location.
func (c *Cloud) addCustomer(cu *customer, locationName, profile string) *location {
	now := c.now()
	cu.id, cu.createdAt, cu.updatedAt = c.newID(), now, now
	c.customers[cu.id] = cu
	c.indexCustomer(cu)
	return c.newLocation(cu.id, locationName, profile)
}

func (c *Cloud) accountIDTaken(partnerID, accountID, exceptID string) bool {
	for id := range c.byAccountID[partnerKey(partnerID, accountID)] {
		if id != exceptID {
			return true
		}
	}
	return false
}

// emailTaken checks the whole cloud: emails are unique across partners.
func (c *Cloud) emailTaken(email, exceptID string) bool {
	for id := range c.byEmail[foldKey(email)] {
		if id != exceptID {
			return true
		}
	}
	return false
}

// customerByEmail finds a customer of the partner by email.
func (c *Cloud) customerByEmail(partnerID, email string) *customer {
	for _, cu := range c.byEmail[foldKey(email)] {
		if cu.partnerID == partnerID {
			return cu
		}
	}
	return nil
}

// signUp is the app's self sign-up, kept minimal. POST /Customers (§3.9)
func (c *Cloud) signUp(rq *request) *reply {
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	email, password, name, partnerID := f.str("email"), f.str("password"), f.str("name"), f.str("partnerId")
	locName := "Home"
	if loc := f.object("location"); loc != nil {
		locName = deref(loc.str("name"), "Home")
	}
	if f.err != nil {
		return f.err
	}
	if partnerID != nil && *partnerID != rq.token.partnerID {
		return authRequired()
	}
	if bad := firstProblem(checkEmail(deref(email, "")), checkName(deref(name, ""))); bad != nil {
		return bad
	}
	if password == nil || !validPassword(*password) {
		return errorReply(http.StatusUnprocessableEntity, "password must have 8 characters from 2 of: upper, lower, digit, symbol")
	}
	if c.emailTaken(*email, "") {
		return errorReply(http.StatusUnprocessableEntity, "email is already in use")
	}
	cu := &customer{partnerID: rq.token.partnerID, email: *email, name: deref(name, ""), acceptLanguage: "en-US", source: "app"}
	c.addCustomer(cu, locName, "auto")
	return jsonReply(http.StatusOK, c.customerJSON(cu))
}

// listCustomers answers the caller's customers through the LoopBack filter. GET /Customers (§3.2)
func (c *Cloud) listCustomers(rq *request) *reply {
	flt, bad := parseFilter(rq.query.Get("filter"))
	if bad != nil {
		return bad
	}
	customers, indexed := c.filterCandidates(rq.token.partnerID, flt.where)
	if !indexed {
		customers = c.sortedCustomers(rq.token.partnerID)
	}
	var rows []obj
	for _, cu := range customers {
		rows = append(rows, c.customerJSON(cu))
	}
	rows, bad = flt.apply(rows)
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, rows)
}

// customerIn resolves the customer of a /Customers/{id}/... path: another partner's customer
// answers 401, an unknown one unknownStatus (401 on most endpoints, 404 on a few, §13.7).
func (c *Cloud) customerIn(rq *request, unknownStatus int) (*customer, *reply) {
	cu := c.customers[rq.params[0]]
	switch {
	case cu == nil && unknownStatus == http.StatusUnauthorized:
		return nil, authRequired()
	case cu == nil:
		return nil, errorf(unknownStatus, "Unknown \"Customer\" id %q.", rq.params[0])
	case cu.partnerID != rq.token.partnerID:
		return nil, authRequired()
	}
	return cu, nil
}

// getCustomer answers one customer, projected by the filter's fields. GET /Customers/{id} (§3.3)
func (c *Cloud) getCustomer(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	flt, bad := parseFilter(rq.query.Get("filter"))
	if bad != nil {
		return bad
	}
	return jsonReply(http.StatusOK, flt.project(c.customerJSON(cu)))
}

// customerChange is the writable part of a Customer.
type customerChange struct {
	accountID, name, email, lang, preferredLang, contact *string
	emailVerified                                        *bool
}

func readCustomerChange(body []byte) (*customerChange, *reply) {
	f, bad := parseFields(body)
	if bad != nil {
		return nil, bad
	}
	ch := &customerChange{
		accountID: f.str("accountId"), name: f.str("name"), email: f.str("email"),
		lang: f.str("acceptLanguage"), preferredLang: f.str("preferredLanguage"),
		contact: f.str("contact"), emailVerified: f.boolean("emailVerified"),
	}
	return ch, f.err
}

// validChange resolves the customer of the path and reads and checks the change in the body.
func (c *Cloud) validChange(rq *request) (*customer, *customerChange, *reply) {
	cu, bad := c.customerIn(rq, http.StatusUnauthorized)
	if bad != nil {
		return nil, nil, bad
	}
	ch, bad := readCustomerChange(rq.body)
	if bad != nil {
		return nil, nil, bad
	}
	return cu, ch, c.checkChange(cu, ch)
}

// checkChange validates a change against the other customers: format 422, accountId taken 409,
// email taken 422.
func (c *Cloud) checkChange(cu *customer, ch *customerChange) *reply {
	if ch.accountID != nil {
		if bad := checkAccountID(*ch.accountID); bad != nil {
			return bad
		}
	}
	if ch.name != nil {
		if bad := checkName(*ch.name); bad != nil {
			return bad
		}
	}
	if ch.email != nil {
		if bad := checkEmail(*ch.email); bad != nil {
			return bad
		}
	}
	if bad := checkLocale(ch.lang); bad != nil {
		return bad
	}
	if ch.accountID != nil && c.accountIDTaken(cu.partnerID, *ch.accountID, cu.id) {
		return errorf(http.StatusConflict, "Duplicate key: accountId %q already exists for partnerId %q", *ch.accountID, cu.partnerID)
	}
	if ch.email != nil && c.emailTaken(*ch.email, cu.id) {
		return errorReply(http.StatusUnprocessableEntity, "email is already in use")
	}
	return nil
}

func (c *Cloud) applyChange(cu *customer, ch *customerChange) {
	if ch.email != nil && !strings.EqualFold(*ch.email, cu.email) {
		cu.emailVerified = false // a new address is not verified
	}
	c.setCustomerKeys(cu, ch.accountID, ch.name, ch.email)
	setStr(&cu.acceptLanguage, ch.lang)
	setStr(&cu.preferredLanguage, ch.preferredLang)
	setStr(&cu.contact, ch.contact)
	if ch.emailVerified != nil {
		cu.emailVerified = *ch.emailVerified
	}
	cu.updatedAt = c.now()
}

// patchCustomer updates writable fields. PATCH /Customers/{id} (§3.4)
func (c *Cloud) patchCustomer(rq *request) *reply {
	cu, ch, bad := c.validChange(rq)
	if bad != nil {
		return bad
	}
	c.applyChange(cu, ch)
	return jsonReply(http.StatusOK, c.customerJSON(cu))
}

// putCustomer replaces the writable fields: absent optional ones return to their defaults
// (name to the accountId); accountId and email are kept when absent. PUT /Customers/{id} (§3.5)
func (c *Cloud) putCustomer(rq *request) *reply {
	cu, ch, bad := c.validChange(rq)
	if bad != nil {
		return bad
	}
	accountID := deref(ch.accountID, cu.accountID)
	ch.name = ptr(deref(ch.name, accountID))
	ch.lang = ptr(deref(ch.lang, "en-US"))
	ch.preferredLang = ptr(deref(ch.preferredLang, ""))
	ch.contact = ptr(deref(ch.contact, ""))
	if ch.emailVerified == nil {
		ch.emailVerified = ptr(false)
	}
	c.applyChange(cu, ch)
	return jsonReply(http.StatusOK, c.customerJSON(cu))
}

// deleteCustomer archives every location, unclaims every node and forgets the customer.
// DELETE /Customers/{id} (§3.6, §12.7)
func (c *Cloud) deleteCustomer(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	for _, l := range c.activeLocations(cu.id) {
		c.archive(l)
	}
	c.unindexCustomer(cu)
	delete(c.customers, cu.id)
	return jsonReply(http.StatusOK, c.refDeleted(obj{"count": 1}))
}

// resendEmailVerification "sends" the verification mail. POST /Customers/resendEmailVerification (§3.7)
func (c *Cloud) resendEmailVerification(rq *request) *reply {
	f, bad := parseFields(rq.body)
	if bad != nil {
		return bad
	}
	email, bad := f.required("email")
	if bad != nil {
		return bad
	}
	cu := c.customerByEmail(rq.token.partnerID, email)
	switch {
	case cu == nil:
		return errorReply(http.StatusNotFound, "no customer has this email")
	case cu.emailVerified:
		return errorReply(http.StatusConflict, "the email is already verified")
	}
	cu.verificationMails++
	return emptyReply(http.StatusNoContent)
}

// customerExists answers a bare boolean: the customer's emailVerified. GET /Customers/exists (§3.8)
func (c *Cloud) customerExists(rq *request) *reply {
	email := rq.query.Get("email")
	switch {
	case email == "":
		return errorReply(http.StatusBadRequest, "email is required")
	case !validEmail(email):
		return errorReply(http.StatusUnprocessableEntity, "email is not a valid address")
	}
	cu := c.customerByEmail(rq.token.partnerID, email)
	if cu == nil {
		return errorReply(http.StatusNotFound, "no customer has this email")
	}
	return jsonReply(http.StatusOK, cu.emailVerified)
}

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func setStr(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func ptr[T any](v T) *T { return &v }
