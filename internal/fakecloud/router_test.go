package fakecloud

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRouteCounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "p1"})
	h.cloud.AddInventory("p1", "POD1")
	id, home := h.register("account-1")
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
	// The first segment is matched whatever its case (§13.22).
	require.Equal(t, http.StatusNoContent, h.api(http.MethodPost, "/customers/"+id+"/locations/"+home+"/nodes", claimBody("POD1")).status)
	require.Equal(t, http.StatusOK, h.api(http.MethodGet, "/partners/p1/nodes/POD1", nil).status)
	require.Equal(t, http.StatusOK, h.api(http.MethodGet, "/PARTNERS/nodes/POD1", nil).status)
	h.api(http.MethodGet, "/Nope", nil).requireLoopBackError(t, http.StatusNotFound)

	assert.Equal(t, 1, h.cloud.RequestCount("POST /Customers/register"))
	assert.Equal(t, 2, h.cloud.RequestCount("POST /Customers/{id}/locations/{id}/nodes"))
	assert.Equal(t, 1, h.cloud.RequestCount("GET /Partners/{id}/nodes/{id}"))
	assert.Equal(t, 1, h.cloud.RequestCount("GET /Partners/nodes/{id}"))
	assert.Equal(t, 1, h.cloud.RequestCount(TokenRoute))
	assert.Equal(t, 1, h.cloud.TokenFetches())
	assert.Equal(t, 1, h.cloud.RequestCounts()["GET /api/Nope"])
	assert.Equal(t, 6, h.cloud.TotalRequests())

	h.cloud.ResetCounts()
	assert.Empty(t, h.cloud.RequestCounts())
	assert.Equal(t, 0, h.cloud.TokenFetches())
}

func TestRoutingDetails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "SN/01 x")
	id, home := h.register("account-1")

	res := h.api(http.MethodPost, nodesPath(id, home), claimBody("SN/01 x"))
	require.Equal(t, http.StatusOK, res.status)
	res = h.api(http.MethodGet, nodesPath(id, home)+"/"+url.PathEscape("SN/01 x"), nil)
	require.Equal(t, http.StatusOK, res.status, "an escaped / stays inside its segment")
	assert.Equal(t, "SN/01 x", res.object(t)["id"])

	assert.Equal(t, http.StatusOK, h.api(http.MethodGet, "/Customers/"+id+"/", nil).status, "a trailing slash is ignored")
	res = h.api(http.MethodGet, "/cUSTOMERS/"+id+"/Locations", nil)
	require.Equal(t, http.StatusOK, res.status, "literal segments match in any case, as Express routes")
	h.api(http.MethodGet, "/partners/customers/search/account-1?field=accountId", nil)
	assert.Equal(t, http.StatusOK, h.api(http.MethodGet, "/partners/nodes/"+url.PathEscape("SN/01 x"), nil).status, "/partners/ is /Partners/")
	h.api(http.MethodPost, "/Customers/"+id, map[string]any{}).requireLoopBackError(t, http.StatusNotFound)

	res = h.api(http.MethodHead, "/Customers/"+id, nil)
	assert.Equal(t, http.StatusOK, res.status, "HEAD falls back to GET")
	assert.Empty(t, res.body)

	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/api/Customers/register", strings.NewReader("accountId=abcdef"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+h.token)
	send(t, req).requireLoopBackError(t, http.StatusUnsupportedMediaType)

	// A form body reads as the JSON object of its fields, JSON values taken as such.
	req, err = http.NewRequest(http.MethodPost, h.srv.URL+"/api/Customers/register", strings.NewReader("accountId=form-account-1&partnerId="+DefaultPartnerID+"&name=Form+Person"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+h.token)
	res = send(t, req)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Form Person", res.object(t)["name"])
	res = h.apiForm(http.MethodPatch, "/Customers/"+id, "emailVerified=true")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, true, res.object(t)["emailVerified"], "a JSON value in a form field is that value")

	res = send(t, mustRequest(t, http.MethodGet, h.srv.URL+"/elsewhere"))
	res.requireLoopBackError(t, http.StatusNotFound)
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	return req
}

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path, name string
		params             []string
	}{
		{"GET", "/api/Customers/exists", "GET /Customers/exists", nil},
		{"GET", "/api/Customers/abc", "GET /Customers/{id}", []string{"abc"}},
		{"GET", "/api/Partners/customers/search/a%20b", "GET /Partners/customers/search/{id}", []string{"a b"}},
		{"GET", "/api/partners/customers/nodes/S1", "GET /Partners/{id}/nodes/{id}", []string{"customers", "S1"}},
		{"DELETE", "/api/Customers/c/locations/l/nodes", "DELETE /Customers/{id}/locations/{id}/nodes", []string{"c", "l"}},
		{"PATCH", "/api/Customers/c/locations/l/wifiNetwork", "PATCH /Customers/{id}/locations/{id}/wifiNetwork", []string{"c", "l"}},
		{"DELETE", "/api/Customers/c/locations/l/wifiNetwork", "DELETE /api/Customers/c/locations/l/wifiNetwork", nil},
		{"GET", "/api/Customers/%zz", "GET /api/Customers/%zz", nil},
		{"POST", TokenPath, TokenRoute, nil},
	}
	for _, tc := range tests {
		ep := resolve(tc.method, tc.path)
		assert.Equal(t, tc.name, ep.name, tc.path)
		assert.Equal(t, tc.params, ep.params, tc.path)
	}
}

func TestConcurrentClaims(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	serials := make([]string, 10)
	for i := range serials {
		serials[i] = fmt.Sprintf("POD%02d", i)
	}
	h.cloud.AddInventory(DefaultPartnerID, serials...)

	const workers = 8
	locations := make([][2]string, workers)
	for w := range workers {
		locations[w][0], locations[w][1] = h.register(fmt.Sprintf("account-%d", w))
	}
	var mu sync.Mutex
	wins := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, s := range serials {
				res := h.api(http.MethodPost, nodesPath(locations[w][0], locations[w][1]), claimBody(s))
				if res.status == http.StatusOK {
					mu.Lock()
					wins[s]++
					mu.Unlock()
				} else {
					assert.Equal(t, http.StatusConflict, res.status)
				}
			}
		})
	}
	wg.Wait()
	for _, s := range serials {
		assert.Equal(t, 1, wins[s], "%s is claimed exactly once", s)
	}
	assert.Equal(t, len(serials), h.cloud.Licenses(DefaultPartnerID))
	assert.Equal(t, workers*len(serials), h.cloud.RequestCount("POST /Customers/{id}/locations/{id}/nodes"))
}

func TestConcurrentRegisterSameAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	statuses := make([]int, 12)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = h.api(http.MethodPost, "/Customers/register", registerJSON).status
		})
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	assert.Equal(t, map[int]int{200: 1, 409: len(statuses) - 1}, counts)
	assert.Len(t, h.cloud.Customers(), 1)
	assert.Len(t, h.cloud.Locations(), 1)
}
