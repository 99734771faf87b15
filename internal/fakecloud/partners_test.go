package fakecloud

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "p1"})
	reg := func(accountID, name, email string) (string, string) {
		res := h.api(http.MethodPost, "/Customers/register", map[string]any{"accountId": accountID, "partnerId": "p1", "name": name, "email": email})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		return res.object(t)["id"].(string), res.object(t)["locationId"].(string)
	}
	annID, annLoc := reg("ACC-1000", "Ann Lee", "ann@example.com")
	reg("ACC-1001", "Bob Annson", "bob@example.com")
	reg("XACC-1002", "Cid", "cid@example.com")
	other := h.otherPartner("p2")
	require.Equal(t, http.StatusOK, h.apiWith(other, http.MethodPost, "/Customers/register", map[string]any{"accountId": "ACC-1000", "partnerId": "p2"}).status)

	search := func(keyword string, q url.Values) []any {
		res := h.api(http.MethodGet, "/Partners/customers/search/"+url.PathEscape(keyword)+"?"+q.Encode(), nil)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		return res.array(t)
	}
	accounts := func(items []any) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.(map[string]any)["accountId"].(string))
		}
		return out
	}

	items := search("ACC-1000", url.Values{"field": {"accountId"}})
	require.Len(t, items, 1, "exact match, the caller's partner only")
	assert.Equal(t, map[string]any{
		"id": annID, "accountId": "ACC-1000", "name": "Ann Lee", "email": "ann@example.com",
		"locations": []any{map[string]any{"id": annLoc}},
	}, items[0])

	assert.Empty(t, accounts(search("ACC-10", url.Values{"field": {"accountId"}})), "exactMatch defaults to true")
	assert.Equal(t, []string{"ACC-1000", "ACC-1001"}, accounts(search("ACC-10", url.Values{"field": {"accountId"}, "exactMatch": {"false"}})))
	assert.Equal(t, []string{"ACC-1000", "ACC-1001", "XACC-1002"}, accounts(search("ACC-10", url.Values{"field": {"accountId"}, "exactMatch": {"false"}, "startsWith": {"false"}})))
	assert.Equal(t, []string{"ACC-1001"}, accounts(search("ACC-10", url.Values{"field": {"accountId"}, "exactMatch": {"false"}, "skip": {"1"}, "limit": {"1"}})))
	assert.Equal(t, []string{"ACC-1001"}, accounts(search("Ann", url.Values{"field": {"name"}, "exactMatch": {"false"}, "startsWith": {"false"}, "skip": {"1"}})))
	assert.Equal(t, []string{"ACC-1001"}, accounts(search("bob@example.com", url.Values{"field": {"email"}})))
	assert.Equal(t, []string{"ACC-1000"}, accounts(search(annLoc, url.Values{"field": {"locationId"}})))
	assert.Equal(t, []any{}, search("nobody", url.Values{"field": {"name"}}), "no match is 200 []")

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/Partners/customers/search/ACC-1000", 422},
		{"/Partners/customers/search/ACC-1000?field=phone", 422},
		{"/Partners/customers/search/null?field=name", 422},
		{"/Partners/customers/search/ACC?field=name&exactMatch=perhaps", 400},
		{"/Partners/customers/search/ACC?field=name&limit=-1", 400},
		{"/partners/p2/customers/search/ACC-1000?field=accountId", 403},
		{"/partners/ghost/customers/search/ACC-1000?field=accountId", 404},
	} {
		h.api(http.MethodGet, tc.path, nil).requireLoopBackError(t, tc.status)
	}
	res := h.api(http.MethodGet, "/partners/p1/customers/search/ACC-1000?field=accountId", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Len(t, res.array(t), 1)
	h.apiWith("", http.MethodGet, "/Partners/customers/search/ACC-1000?field=accountId", nil).requireLoopBackError(t, 401)
}

func TestNodeLookup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "p1"})
	h.cloud.AddInventory("p1", "POD1", "POD2")
	h.otherPartner("p2")
	h.cloud.AddInventory("p2", "FOREIGN")
	id, home := h.register("account-1")
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
	pod1, _ := h.cloud.Node("POD1")

	res := h.api(http.MethodGet, "/Partners/nodes/POD1", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, map[string]any{"customerId": id, "locationId": home, "serialNumber": "POD1", "packId": pod1.PackID, "partnerId": "p1"}, res.object(t))

	res = h.api(http.MethodGet, "/Partners/nodes/POD2", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, res.object(t), "customerId", "unclaimed")
	assert.NotContains(t, res.object(t), "locationId")

	h.api(http.MethodGet, "/Partners/nodes/POD2?excludeUnclaimed=true", nil).requireLoopBackError(t, 404)
	h.api(http.MethodGet, "/Partners/nodes/NOSUCH", nil).requireLoopBackError(t, 404)
	h.api(http.MethodGet, "/Partners/nodes/FOREIGN", nil).requireLoopBackError(t, 403)
	assert.Equal(t, http.StatusOK, h.api(http.MethodGet, "/partners/p1/nodes/POD1", nil).status)
	h.api(http.MethodGet, "/partners/p2/nodes/POD1", nil).requireLoopBackError(t, 403)
	h.api(http.MethodGet, "/partners/ghost/nodes/POD1", nil).requireLoopBackError(t, 404)
}

func TestLocationLookup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "p1"})
	id, home := h.register("account-1")
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, locPath(id, home), map[string]any{"serviceId": "SVC 42/a"}).status)
	other := h.otherPartner("p2")
	res := h.apiWith(other, http.MethodPost, "/Customers/register", map[string]any{"accountId": "foreign-1", "partnerId": "p2"})
	foreignID, foreignLoc := res.object(t)["id"].(string), res.object(t)["locationId"].(string)
	require.Equal(t, http.StatusOK, h.apiWith(other, http.MethodPatch, locPath(foreignID, foreignLoc), map[string]any{"serviceId": "SVC-F"}).status)

	want := map[string]any{"id": home, "name": "Home", "serviceId": "SVC 42/a", "customer": map[string]any{"id": id, "name": "account-1", "accountId": "account-1"}}
	res = h.api(http.MethodGet, "/Partners/locations/"+url.PathEscape("SVC 42/a"), nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, want, res.object(t), "by serviceId, escaped slash included")
	res = h.api(http.MethodGet, "/Partners/locations/"+home, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, want, res.object(t), "by location id")

	h.api(http.MethodGet, "/Partners/locations/SVC-F", nil).requireLoopBackError(t, 403)
	h.api(http.MethodGet, "/Partners/locations/SVC-NONE", nil).requireLoopBackError(t, 404)
	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, locPath(id, home), nil).status)
	h.api(http.MethodGet, "/Partners/locations/"+url.PathEscape("SVC 42/a"), nil).requireLoopBackError(t, 404)
}
