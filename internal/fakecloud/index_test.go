package fakecloud

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkIndexes rebuilds every index from the stored rows and fails t when one differs: a stale
// index. Every harness runs it when its test ends.
func checkIndexes(t *testing.T, c *Cloud) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	customersOf := map[string][]*customer{}
	byAccountID, byName, byEmail := multiIndex[*customer]{}, multiIndex[*customer]{}, multiIndex[*customer]{}
	all := slices.SortedFunc(maps.Values(c.customers), compareCustomers)
	for _, cu := range all {
		customersOf[cu.partnerID] = append(customersOf[cu.partnerID], cu)
		byAccountID.add(partnerKey(cu.partnerID, cu.accountID), cu.id, cu)
		byName.add(partnerKey(cu.partnerID, cu.name), cu.id, cu)
		byEmail.add(foldKey(cu.email), cu.id, cu)
	}
	activeLocs, byServiceID := multiIndex[*location]{}, multiIndex[*location]{}
	for _, l := range c.locations {
		if !l.archived {
			activeLocs.add(l.customerID, l.id, l)
			if l.serviceID != "" {
				byServiceID.add(l.serviceID, l.id, l)
			}
		}
	}
	claimedNodes, licenses := multiIndex[*node]{}, map[string]int{}
	for _, n := range c.nodes {
		if n.claimed() {
			claimedNodes.add(n.locationID, n.serial, n)
			licenses[n.partnerID]++
		}
	}
	assert.Equal(t, customersOf, c.customersOf, "customersOf")
	assert.Equal(t, byAccountID, c.byAccountID, "byAccountID")
	assert.Equal(t, byName, c.byName, "byName")
	assert.Equal(t, byEmail, c.byEmail, "byEmail")
	assert.Equal(t, activeLocs, c.activeLocs, "activeLocs")
	assert.Equal(t, byServiceID, c.byServiceID, "byServiceID")
	assert.Equal(t, claimedNodes, c.claimedNodes, "claimedNodes")
	assert.Equal(t, licenses, c.licenses, "licenses")
}

// TestIndexesFollowChanges changes every indexed field through the API and checks that the
// old keys find nothing any more and the new ones find the row, route by route.
func TestIndexesFollowChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1", "POD2")
	res := h.api(http.MethodPost, "/Customers/register", map[string]any{
		"accountId": "acct-old", "partnerId": DefaultPartnerID, "email": "old@example.com", "name": "Old Name",
	})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	id, home := res.object(t)["id"].(string), res.object(t)["locationId"].(string)
	other, _ := h.register("acct-other")

	search := func(field, keyword string) []string {
		t.Helper()
		res := h.api(http.MethodGet, "/Partners/customers/search/"+url.PathEscape(keyword)+"?field="+field, nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		ids := []string{}
		for _, item := range res.array(t) {
			ids = append(ids, item.(map[string]any)["id"].(string))
		}
		return ids
	}
	filtered := func(where string) []string {
		t.Helper()
		res := h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(`{"where":`+where+`}`), nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		ids := []string{}
		for _, row := range res.array(t) {
			ids = append(ids, row.(map[string]any)["id"].(string))
		}
		return ids
	}
	exists := func(email string) int {
		t.Helper()
		return h.api(http.MethodGet, "/Customers/exists?email="+url.QueryEscape(email), nil).status
	}
	lookupLocation := func(keyword string) int {
		t.Helper()
		return h.api(http.MethodGet, "/Partners/locations/"+url.PathEscape(keyword), nil).status
	}
	nodesAt := func(customerID, locationID string) []string {
		t.Helper()
		res := h.api(http.MethodGet, nodesPath(customerID, locationID), nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		serials := []string{}
		for _, n := range res.object(t)["nodes"].([]any) {
			serials = append(serials, n.(map[string]any)["id"].(string))
		}
		return serials
	}

	// accountId, email and name change.
	require.Equal(t, []string{id}, search("accountId", "acct-old"))
	res = h.api(http.MethodPatch, "/Customers/"+id, map[string]any{"accountId": "acct-new", "email": "New@Example.com", "name": "New Name"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Empty(t, search("accountId", "acct-old"))
	assert.Equal(t, []string{id}, search("accountId", "acct-new"))
	assert.Empty(t, search("email", "old@example.com"))
	assert.Equal(t, []string{id}, search("email", "New@Example.com"))
	assert.Empty(t, search("email", "new@example.com"), "an exact search is case-sensitive")
	assert.Empty(t, search("name", "Old Name"))
	assert.Equal(t, []string{id}, search("name", "New Name"))
	assert.Empty(t, filtered(`{"accountId":"acct-old"}`))
	assert.Equal(t, []string{id}, filtered(`{"accountId":"acct-new"}`))
	assert.Empty(t, filtered(`{"email":"old@example.com"}`))
	assert.Equal(t, []string{id}, filtered(`{"email":"New@Example.com"}`))
	assert.Equal(t, http.StatusNotFound, exists("old@example.com"))
	assert.Equal(t, http.StatusOK, exists("new@EXAMPLE.com"), "exists ignores case")
	assert.Equal(t, http.StatusNotFound, h.api(http.MethodPost, "/Customers/resendEmailVerification", map[string]any{"email": "old@example.com"}).status)
	assert.Equal(t, http.StatusNoContent, h.api(http.MethodPost, "/Customers/resendEmailVerification", map[string]any{"email": "new@example.com"}).status)
	// The old keys are free, the new ones taken (the email regardless of case).
	assert.Equal(t, http.StatusOK, h.api(http.MethodPatch, "/Customers/"+other, map[string]any{"accountId": "acct-old", "email": "old@example.com"}).status)
	assert.Equal(t, http.StatusConflict, h.api(http.MethodPatch, "/Customers/"+other, map[string]any{"accountId": "acct-new"}).status)
	assert.Equal(t, http.StatusUnprocessableEntity, h.api(http.MethodPatch, "/Customers/"+other, map[string]any{"email": "NEW@example.COM"}).status)
	assert.Equal(t, []string{other}, search("accountId", "acct-old"))
	// PUT returns the name to the accountId.
	require.Equal(t, http.StatusOK, h.api(http.MethodPut, "/Customers/"+id, map[string]any{}).status)
	assert.Empty(t, search("name", "New Name"))
	assert.Equal(t, []string{id}, search("name", "acct-new"))
	checkIndexes(t, h.cloud)

	// serviceId changes; a second location comes and is archived.
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, locPath(id, home), map[string]any{"serviceId": "SVC-1"}).status)
	assert.Equal(t, http.StatusOK, lookupLocation("SVC-1"))
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, locPath(id, home), map[string]any{"serviceId": "SVC-2"}).status)
	assert.Equal(t, http.StatusNotFound, lookupLocation("SVC-1"))
	assert.Equal(t, http.StatusOK, lookupLocation("SVC-2"))
	res = h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Cabin", "serviceId": "SVC-3"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	cabin := res.object(t)["id"].(string)
	assert.Equal(t, http.StatusOK, lookupLocation("SVC-3"))
	assert.Equal(t, http.StatusOK, lookupLocation(cabin))
	assert.Equal(t, []string{id}, search("locationId", cabin))
	checkIndexes(t, h.cloud)

	// Nodes are claimed, unclaimed, reclaimed elsewhere, and unclaimed by an archive.
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
	assert.Equal(t, []string{"POD1"}, nodesAt(id, home))
	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, nodesPath(id, home)+"/POD1", nil).status)
	assert.Empty(t, nodesAt(id, home))
	assert.Equal(t, 0, h.cloud.Licenses(DefaultPartnerID))
	assert.Equal(t, http.StatusNotFound, h.api(http.MethodDelete, nodesPath(id, home)+"/POD1", nil).status, "no node claimed there any more")
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, cabin), claimBody("POD1")).status)
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, cabin), claimBody("POD2")).status)
	assert.Equal(t, []string{"POD1", "POD2"}, nodesAt(id, cabin))
	assert.Empty(t, nodesAt(id, home))
	assert.Equal(t, 2, h.cloud.Licenses(DefaultPartnerID))
	assert.Equal(t, http.StatusConflict, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
	checkIndexes(t, h.cloud)
	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, locPath(id, cabin), nil).status)
	assert.Equal(t, http.StatusNotFound, lookupLocation("SVC-3"))
	assert.Equal(t, http.StatusNotFound, lookupLocation(cabin))
	assert.Empty(t, search("locationId", cabin))
	assert.Equal(t, 0, h.cloud.Licenses(DefaultPartnerID))
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status, "the archive released the node")
	assert.Equal(t, []string{"POD1"}, nodesAt(id, home))
	assert.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, nodesPath(id, home), nil).status)
	assert.Empty(t, nodesAt(id, home))
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD2")).status)
	checkIndexes(t, h.cloud)

	// The customer is deleted: nothing finds it, its keys are free.
	require.Equal(t, http.StatusOK, h.api(http.MethodDelete, "/Customers/"+id, nil).status)
	assert.Empty(t, search("accountId", "acct-new"))
	assert.Empty(t, search("email", "New@Example.com"))
	assert.Empty(t, search("locationId", home))
	assert.Empty(t, filtered(`{"id":"`+id+`"}`))
	assert.Equal(t, []string{other}, filtered(`{}`))
	assert.Equal(t, http.StatusNotFound, exists("new@example.com"))
	assert.Equal(t, http.StatusNotFound, lookupLocation("SVC-2"))
	assert.Equal(t, http.StatusNotFound, lookupLocation(home))
	assert.Equal(t, 0, h.cloud.Licenses(DefaultPartnerID))
	res = h.api(http.MethodPost, "/Customers/register", map[string]any{"accountId": "acct-new", "partnerId": DefaultPartnerID, "email": "new@example.com"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, []string{res.object(t)["id"].(string)}, search("accountId", "acct-new"))
	checkIndexes(t, h.cloud)
}

// TestIndexedFilterMatchesScan checks the filters answered from an index against the same
// filters answered by a scan (a where wrapped in "or" uses no index).
func TestIndexedFilterMatchesScan(t *testing.T) {
	t.Parallel()
	h := filterHarness(t)
	first := h.cloud.Customers()[0].ID
	for _, where := range []string{
		`{"accountId":"A-1002"}`,
		`{"accountId":"A-1000"}`, // p2 has an A-1000 too
		`{"accountId":{"inq":["A-1004","A-1000","nope",5,"A-1004"]}}`,
		`{"accountId":{"inq":[]}}`,
		`{"accountId":{"inq":["A-1001","A-1002"],"neq":"A-1001"}}`,
		`{"accountId":"A-1001","emailVerified":true}`,
		`{"accountId":"A-1001","emailVerified":false}`,
		`{"id":"` + first + `"}`,
		`{"email":"user3@example.com"}`,
		`{"email":"USER3@example.com"}`,
		`{"name":"Name-4"}`,
		`{"and":[{"emailVerified":true},{"accountId":{"inq":["A-1001","A-1002","A-1003"]}}]}`,
		`{"and":[{"and":[{"email":"user2@example.com"}]}]}`,
	} {
		for _, rest := range []string{``, `,"order":"createdAt DESC"`, `,"limit":1,"skip":1`, `,"fields":["email"]`} {
			t.Run(where+rest, func(t *testing.T) {
				h := h.with(t)
				_, indexed := h.cloud.filterCandidates(DefaultPartnerID, mustWhere(t, where))
				assert.True(t, indexed, "an index answers this where")
				got := h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(`{"where":`+where+rest+`}`), nil)
				want := h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(`{"where":{"or":[`+where+`]}`+rest+`}`), nil)
				require.Equal(t, http.StatusOK, want.status, "body: %s", want.body)
				assert.Equal(t, want.status, got.status)
				assert.JSONEq(t, string(want.body), string(got.body))
			})
		}
	}
}

func mustWhere(t *testing.T, where string) map[string]any {
	t.Helper()
	f, bad := parseFilter(`{"where":` + where + `}`)
	require.Nil(t, bad)
	return f.where
}

// TestFilterWithoutIndex lists the wheres that are scanned: no clause an index answers, or a
// where whose evaluation could fail.
func TestFilterWithoutIndex(t *testing.T) {
	t.Parallel()
	c := New(Config{})
	for _, where := range []string{
		`{}`, `{"emailVerified":true}`, `{"accountId":{"neq":"x"}}`, `{"or":[{"accountId":"x"}]}`,
		`{"email":{"like":"x"}}`, `{"accountId":5}`,
		`{"accountId":"x","name":{"like":"("}}`, `{"accountId":"x","name":{"almost":1}}`,
		`{"accountId":"x","or":{"a":1}}`, `{"accountId":{"inq":"x"}}`,
	} {
		_, indexed := c.filterCandidates(DefaultPartnerID, mustWhere(t, where))
		assert.False(t, indexed, where)
	}
}

// TestLocationLookupOrder checks which of several locations with one serviceId the lookup
// answers: the caller's first one in customer then location creation order.
func TestLocationLookupOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	foreign := h.otherPartner("p2")
	res := h.apiWith(foreign, http.MethodPost, "/Customers/register", map[string]any{"accountId": "foreign-1", "partnerId": "p2"})
	fid, floc := res.object(t)["id"].(string), res.object(t)["locationId"].(string)
	require.Equal(t, http.StatusOK, h.apiWith(foreign, http.MethodPatch, locPath(fid, floc), map[string]any{"serviceId": "DUP"}).status)
	h.clock.Advance(time.Minute)
	a, aHome := h.register("account-a")
	h.clock.Advance(time.Minute)
	b, bHome := h.register("account-b")
	h.clock.Advance(time.Minute)
	aCabin := h.api(http.MethodPost, "/Customers/"+a+"/locations", map[string]any{"name": "Cabin", "serviceId": "DUP"}).object(t)["id"].(string)
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, locPath(b, bHome), map[string]any{"serviceId": "DUP"}).status)
	found := func() string {
		t.Helper()
		res := h.api(http.MethodGet, "/Partners/locations/DUP", nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		return res.object(t)["id"].(string)
	}
	assert.Equal(t, aCabin, found(), "the first customer's location, before the later customer's older one")
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, locPath(a, aHome), map[string]any{"serviceId": "DUP"}).status)
	assert.Equal(t, aHome, found(), "the customer's older location first")
	require.Equal(t, http.StatusOK, h.api(http.MethodDelete, "/Customers/"+a, nil).status)
	assert.Equal(t, bHome, found())
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, locPath(b, bHome), map[string]any{"serviceId": "OTHER"}).status)
	h.api(http.MethodGet, "/Partners/locations/DUP", nil).requireLoopBackError(t, http.StatusForbidden)
}

// TestFoldKey checks that foldKey groups strings exactly as strings.EqualFold does.
func TestFoldKey(t *testing.T) {
	t.Parallel()
	var samples []string
	for r := rune(0); r < 0x600; r++ {
		samples = append(samples, string(r))
	}
	samples = append(samples, "\u212a", "\u1e9e", "\u2126", "\U00010400", "\U00010428", "\xff", "\xfe", string(utf8.RuneError),
		"ab", "AB", "aB", "a\xff", "A\uFFFD", "ſt", "ST", "Ann@Example.COM", "ann@example.com")
	for _, a := range samples {
		for _, b := range samples {
			if strings.EqualFold(a, b) != (foldKey(a) == foldKey(b)) {
				t.Errorf("EqualFold(%q, %q) = %t, foldKey %q and %q", a, b, strings.EqualFold(a, b), foldKey(a), foldKey(b))
			}
		}
	}
}

// TestCustomersOfPartnerOrder checks the per-partner customer list under a clock that goes
// back: it is kept in createdAt, then id, order whatever the order of creation.
func TestCustomersOfPartnerOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	for i, step := range []time.Duration{0, -5 * time.Minute, 8 * time.Minute, -4 * time.Minute, 0} {
		h.clock.Advance(step)
		h.register(fmt.Sprintf("acct-%02d", i))
	}
	var want []string
	for _, cu := range h.cloud.Customers() {
		want = append(want, cu.AccountID)
	}
	assert.Equal(t, []string{"acct-01", "acct-03", "acct-04", "acct-00", "acct-02"}, want, "acct-03 and acct-04 tie: by id")
	assert.Equal(t, want, listAccounts(t, h, ""))
	id := h.cloud.Customers()[2].ID
	require.Equal(t, http.StatusOK, h.api(http.MethodDelete, "/Customers/"+id, nil).status)
	assert.Equal(t, []string{"acct-01", "acct-03", "acct-00", "acct-02"}, listAccounts(t, h, ""))
}
