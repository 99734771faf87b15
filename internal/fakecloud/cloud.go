package fakecloud

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Paths served by a Cloud besides the API.
const (
	APIPrefix      = "/api"                          // every API path starts with it
	TokenPath      = "/oauth2/default/v1/token"      // OAuth client-credentials token endpoint
	IntrospectPath = "/oauth2/default/v1/introspect" // OAuth token introspection endpoint
)

// Defaults of Config.
const (
	DefaultPartnerID = "fake-partner"
	DefaultTokenTTL  = 10 * time.Minute
	DefaultWAFQuota  = 2000
	DefaultWAFWindow = 5 * time.Minute
	DefaultPodQuota  = 32
)

// maxBody caps request bodies; the API's bodies are a few hundred bytes.
const maxBody = 1 << 20

// Config configures a Cloud. The zero value is usable.
type Config struct {
	// PartnerID is the partner of the default credential; DefaultPartnerID when empty.
	PartnerID string
	// ClientID and ClientSecret are the default credential; random when empty.
	ClientID, ClientSecret string
	// TokenTTL is the expires_in of issued tokens; DefaultTokenTTL when zero.
	TokenTTL time.Duration
	// WAFQuota is the number of API requests allowed per WAFWindow; DefaultWAFQuota when zero,
	// no limit when negative.
	WAFQuota int
	// WAFWindow is the length of the WAF's fixed window; DefaultWAFWindow when zero.
	WAFWindow time.Duration
	// Now is the one clock of the fake: timestamps, token expiry, the WAF window and every
	// timed state (reboots, upgrades, speed tests, forced steering); time.Now when nil.
	Now func() time.Time
	// Timings are the durations of the timed states; zero fields take their defaults.
	Timings Timings
	// ReferenceShapes makes the fake answer in the shapes of Plume's swagger-derived reference
	// wherever they differ from the guides' (shapes.go); requests are read in both readings
	// either way.
	ReferenceShapes bool
	// DefaultLANPrefix is the LAN prefix of every new location; DefaultLANPrefix when zero or
	// not a valid LAN prefix (see ParseLANPrefix). The cloud knows a location's prefix once a
	// residentialGateway claimed there is connected (plume-support-api.md §12.8).
	DefaultLANPrefix netip.Prefix
}

// Credential is an OAuth client known to the token endpoint and the partner its tokens act for.
type Credential struct {
	ClientID, ClientSecret, PartnerID string
}

// String hides the secret so that a Credential never prints it.
func (c Credential) String() string {
	return fmt.Sprintf("{ClientID:%s ClientSecret:[REDACTED] PartnerID:%s}", c.ClientID, c.PartnerID)
}

// GoString hides the secret under %#v too.
func (c Credential) GoString() string { return "fakecloud.Credential" + c.String() }

// Cloud is the fake Plume Cloud. Create it with New; serve it with any http.Server.
type Cloud struct {
	now       func() time.Time
	ttl       time.Duration
	timings   Timings
	refShapes bool // Config.ReferenceShapes
	idPrefix  string
	defCred   Credential

	mu        sync.Mutex
	seq       uint64
	partners  map[string]*partner
	creds     map[string]*Credential // by client id
	tokens    map[string]*token      // by access token
	customers map[string]*customer
	locations map[string]*location
	nodes     map[string]*node // by serial

	firmwareTarget string       // the version PUT …/firmware upgrades to (§12.3)
	defaultLAN     netip.Prefix // a new location's LAN prefix (§12.8)

	// Indexes, so that no request scans every row (see index.go). Nothing writes an indexed
	// field (a customer's accountId, name, email; a location's serviceId, archived flag; a
	// node's location) but the index.go functions named below, which keep the indexes current.
	//
	// Customers, kept by indexCustomer (addCustomer), unindexCustomer (deleteCustomer) and
	// setCustomerKeys (applyChange):
	customersOf map[string][]*customer // partnerId → its customers, by createdAt then id
	byAccountID multiIndex[*customer]  // partnerKey(partnerId, accountId) → customers
	byName      multiIndex[*customer]  // partnerKey(partnerId, name) → customers
	byEmail     multiIndex[*customer]  // foldKey(email) → customers (one at most: emails are unique regardless of case)
	// Non-archived locations, kept by indexLocation (newLocation), setServiceID (createLocation,
	// patchLocation) and markArchived (archive):
	activeLocs  multiIndex[*location] // customerId → its locations
	byServiceID multiIndex[*location] // serviceId → the locations having it ("" is not indexed)
	// Claimed nodes, kept by claim (claimNode) and release (unclaim):
	claimedNodes multiIndex[*node] // locationId → the nodes claimed there
	licenses     map[string]int    // partnerId → how many of its nodes are claimed (absent: none)

	waf          waf
	faults       []*pendingFault
	routeCounts  map[string]int
	tokenFetches int
}

// New returns a Cloud knowing one partner and one credential for it (see DefaultCredential).
func New(cfg Config) *Cloud {
	c := &Cloud{
		now:       cfg.Now,
		ttl:       cfg.TokenTTL,
		timings:   cfg.Timings.withDefaults(),
		refShapes: cfg.ReferenceShapes,
		idPrefix:  randomHex(5),
		partners:  map[string]*partner{},
		creds:     map[string]*Credential{},
		tokens:    map[string]*token{},
		customers: map[string]*customer{},
		locations: map[string]*location{},
		nodes:     map[string]*node{},

		customersOf:  map[string][]*customer{},
		byAccountID:  multiIndex[*customer]{},
		byName:       multiIndex[*customer]{},
		byEmail:      multiIndex[*customer]{},
		activeLocs:   multiIndex[*location]{},
		byServiceID:  multiIndex[*location]{},
		claimedNodes: multiIndex[*node]{},
		licenses:     map[string]int{},

		firmwareTarget: DefaultFirmwareTarget,
		defaultLAN:     defaultLANPrefix(cfg.DefaultLANPrefix),

		routeCounts: map[string]int{},
		waf:         waf{quota: cfg.WAFQuota, window: cfg.WAFWindow},
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.ttl <= 0 {
		c.ttl = DefaultTokenTTL
	}
	if c.waf.quota == 0 {
		c.waf.quota = DefaultWAFQuota
	}
	if c.waf.window <= 0 {
		c.waf.window = DefaultWAFWindow
	}
	c.defCred = Credential{
		ClientID:     orDefault(cfg.ClientID, "0oa"+randomAlnum(17)),
		ClientSecret: orDefault(cfg.ClientSecret, randomAlnum(40)),
		PartnerID:    orDefault(cfg.PartnerID, DefaultPartnerID),
	}
	c.AddCredential(c.defCred)
	return c
}

// DefaultCredential returns the credential created by New.
func (c *Cloud) DefaultCredential() Credential { return c.defCred }

// ServeHTTP answers one request: fault injection first, then the OAuth endpoints, or for
// /api paths the WAF, the bearer check and the endpoint itself.
func (c *Cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Reading the whole body first also lets net/http notice a client that goes away during
	// an injected stall, and end the request's context.
	body, readErr := readBody(r)
	ep := resolve(r.Method, r.URL.EscapedPath())
	fault := c.begin(r.Method, r.URL.EscapedPath(), ep.name)
	if fault != nil && fault.Delay > 0 && !sleep(r, fault.Delay) {
		return
	}
	if fault != nil && fault.before() {
		fault.answer(w, r, nil)
		return
	}
	var rep *reply
	if readErr != nil {
		rep = readErr
	} else {
		rep = c.handle(ep, r, body)
	}
	if fault != nil && fault.after() {
		fault.answer(w, r, rep)
		return
	}
	rep.write(w)
}

func readBody(r *http.Request) ([]byte, *reply) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return nil, errorReply(http.StatusBadRequest, "request body unreadable or too large")
	}
	return body, nil
}

// begin counts the request under its route and takes the first fault matching it.
func (c *Cloud) begin(method, escapedPath, route string) *Fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routeCounts[route]++
	return c.takeFault(method, escapedPath)
}

// handle runs the endpoint under the lock.
func (c *Cloud) handle(ep endpoint, r *http.Request, body []byte) *reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ep.kind {
	case kindToken:
		return c.issueToken(r, body)
	case kindIntrospect:
		return c.introspect(r, body)
	case kindAPI:
		return c.serveAPI(ep, r, body)
	}
	return errorReply(http.StatusNotFound, fmt.Sprintf("There is no method to handle %s %s", r.Method, r.URL.Path))
}

// serveAPI applies the WAF, the bearer check and the endpoint. The caller holds c.mu.
func (c *Cloud) serveAPI(ep endpoint, r *http.Request, body []byte) *reply {
	if !c.waf.allow(c.now()) {
		return wafReply()
	}
	tok := c.bearer(r.Header.Get("Authorization"))
	if tok == nil {
		return authRequired()
	}
	if ep.route == nil {
		return errorReply(http.StatusNotFound, fmt.Sprintf("There is no method to handle %s %s", r.Method, r.URL.Path))
	}
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		var bad *reply
		if body, bad = formToJSON(body); bad != nil {
			return bad
		}
	} else if len(body) > 0 && !isJSON(r.Header.Get("Content-Type")) {
		return errorReply(http.StatusUnsupportedMediaType, "request body must be application/json or application/x-www-form-urlencoded")
	}
	rep := ep.route.handle(c, &request{
		method: r.Method,
		params: ep.params,
		query:  r.URL.Query(),
		body:   body,
		token:  tok,
	})
	c.recordAudit(ep, r.Method, r.URL.Path, rep.status)
	return rep
}

// sleep waits d or until the request's context ends; it reports whether d elapsed.
func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// newID returns a fresh id shaped like a MongoDB ObjectId (24 hex: 4 bytes of unix time,
// 5 random bytes fixed per Cloud, a 3-byte counter).
func (c *Cloud) newID() string {
	c.seq++
	return fmt.Sprintf("%08x%s%06x", uint32(c.now().Unix()), c.idPrefix, c.seq&0xffffff)
}

// stamp is the wire form of a timestamp: ISO-8601 UTC with milliseconds and Z.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// isForm reports a form-encoded body: the reference labels body fields formData, and
// LoopBack accepts them as a form as well as JSON.
func isForm(contentType string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	return strings.TrimSpace(mt) == "application/x-www-form-urlencoded"
}

// formToJSON turns a form body into the JSON object the handlers read. A value that is JSON
// (a number, a boolean, an object, an array, a quoted string) is taken as such, as LoopBack
// does for string($JSON) fields; any other value is a string. A repeated key takes its first
// value.
func formToJSON(body []byte) ([]byte, *reply) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errorReply(http.StatusBadRequest, "malformed form body")
	}
	out := make(map[string]json.RawMessage, len(form))
	for key, values := range form {
		v := values[0]
		if json.Valid([]byte(v)) && v != "" && (v[0] != '"' || len(v) > 1) {
			out[key] = json.RawMessage(v)
			continue
		}
		quoted, _ := json.Marshal(v)
		out[key] = quoted
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, errorReply(http.StatusBadRequest, "malformed form body")
	}
	return b, nil
}

func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	mt = strings.TrimSpace(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b)
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomAlnum(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
