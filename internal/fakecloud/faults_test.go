package fakecloud

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freshClient never reuses a connection, so that Go's Transport does not replay a request
// whose connection was dropped.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func (h *harness) rawRequest(ctx context.Context, method, path, body string) *http.Request {
	h.t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, h.srv.URL+APIPrefix+path, strings.NewReader(body))
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+h.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

const registerJSON = `{"accountId":"account-1","partnerId":"` + DefaultPartnerID + `"}`

func TestFaultStatusBeforeState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{
		Method: "POST", Path: "/api/Customers/register", Status: 503,
		Header: http.Header{"Retry-After": {"3"}},
	}))
	assert.Equal(t, 1, h.cloud.PendingFaults())

	res := h.api(http.MethodPost, "/Customers/register", registerJSON)
	res.requireLoopBackError(t, http.StatusServiceUnavailable)
	assert.Equal(t, "3", res.header.Get("Retry-After"))
	assert.Empty(t, h.cloud.Customers(), "the state did not change")
	assert.Equal(t, 0, h.cloud.PendingFaults())

	assert.Equal(t, http.StatusOK, h.api(http.MethodPost, "/Customers/register", registerJSON).status, "only the next request")
	assert.Equal(t, 2, h.cloud.RequestCount("POST /Customers/register"), "faulted requests are counted")
}

func TestFaultAfterStateStatus(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1")
	id, home := h.register("account-1")
	require.NoError(t, h.cloud.InjectFault(Fault{
		Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Status: 503, AfterState: true,
	}))

	h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).requireLoopBackError(t, http.StatusServiceUnavailable)
	node, _ := h.cloud.Node("POD1")
	assert.Equal(t, home, node.LocationID, "the claim stands (§5.2's 503)")
	assert.Equal(t, http.StatusNoContent, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
}

func TestFaultCustomBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{
		Path: "/api/Customers", Status: 403, Body: "<html>blocked</html>",
		Header: http.Header{"content-type": {"text/html"}},
	}))
	res := h.api(http.MethodGet, "/Customers", nil)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "text/html", res.header.Get("Content-Type"))
	assert.Equal(t, "<html>blocked</html>", string(res.body))
}

func TestFaultTimesAndOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "GET", Status: 500, Times: 2}))
	require.NoError(t, h.cloud.InjectFault(Fault{Status: 502}))
	assert.Equal(t, 3, h.cloud.PendingFaults())

	assert.Equal(t, 500, h.api(http.MethodGet, "/Customers", nil).status)
	assert.Equal(t, 502, h.api(http.MethodPost, "/Customers/register", registerJSON).status, "the GET fault does not match a POST")
	assert.Equal(t, 500, h.api(http.MethodGet, "/Customers", nil).status)
	assert.Equal(t, 200, h.api(http.MethodGet, "/Customers", nil).status)

	require.NoError(t, h.cloud.InjectFault(Fault{Status: 500, Times: 10}))
	h.cloud.ClearFaults()
	assert.Equal(t, 0, h.cloud.PendingFaults())
	assert.Equal(t, 200, h.api(http.MethodGet, "/Customers", nil).status)
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "POST", Path: "/api/Customers/register", Drop: true}))
	_, err := freshClient().Do(h.rawRequest(t.Context(), http.MethodPost, "/Customers/register", registerJSON))
	require.Error(t, err)
	assert.Empty(t, h.cloud.Customers(), "dropped before the state change")
}

func TestFaultDropAfterState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "POST", Path: "/api/Customers/register", Drop: true, AfterState: true}))
	_, err := freshClient().Do(h.rawRequest(t.Context(), http.MethodPost, "/Customers/register", registerJSON))
	require.Error(t, err)
	customers := h.cloud.Customers()
	require.Len(t, customers, 1, "registered, though the answer never came")
	h.api(http.MethodPost, "/Customers/register", registerJSON).requireLoopBackError(t, http.StatusConflict)
}

func TestFaultTruncate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.register("account-1")
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "GET", Path: "/api/Customers", Truncate: true}))
	res, err := freshClient().Do(h.rawRequest(t.Context(), http.MethodGet, "/Customers", ""))
	require.NoError(t, err, "the status and headers arrive")
	defer res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	_, err = io.ReadAll(res.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestFaultDelayEndsWithContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "POST", Path: "/api/Customers/register", Delay: time.Hour}))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := freshClient().Do(h.rawRequest(ctx, http.MethodPost, "/Customers/register", registerJSON))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// srv.Close (at cleanup) waits for the handler: a stall ignoring the context would hang here.
	h.srv.Close()
	assert.Empty(t, h.cloud.Customers(), "the stalled request never reached the endpoint")
}

func TestFaultDelayThenNormal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Delay: time.Millisecond}))
	assert.Equal(t, http.StatusOK, h.api(http.MethodPost, "/Customers/register", registerJSON).status)
	assert.Len(t, h.cloud.Customers(), 1)
}

func TestFaultPassThrough(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "GET", Path: "/api/Customers", Times: 2}))
	require.NoError(t, h.cloud.InjectFault(Fault{Method: "GET", Path: "/api/Customers", Status: 500}))
	assert.Equal(t, 200, h.api(http.MethodGet, "/Customers", nil).status)
	assert.Equal(t, 200, h.api(http.MethodPost, "/Customers/register", registerJSON).status, "not matching")
	assert.Equal(t, 200, h.api(http.MethodGet, "/Customers", nil).status)
	assert.Equal(t, 500, h.api(http.MethodGet, "/Customers", nil).status, "the third GET")
	assert.Equal(t, 200, h.api(http.MethodGet, "/Customers", nil).status)
}

func TestFaultOnTokenEndpoint(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	require.NoError(t, h.cloud.InjectFault(Fault{Path: TokenPath, Status: 500}))
	cred := h.cloud.DefaultCredential()
	res := h.form(TokenPath, basic(cred.ClientID, cred.ClientSecret), url.Values{"grant_type": {"client_credentials"}, "scope": {scopeOf(cred.PartnerID)}})
	assert.Equal(t, 500, res.status)
	assert.Equal(t, 1, h.cloud.TokenFetches(), "only the harness's token")
	assert.Equal(t, 2, h.cloud.RequestCount(TokenRoute))
}

func TestFaultValidation(t *testing.T) {
	t.Parallel()
	c := New(Config{})
	for name, f := range map[string]Fault{
		"negative delay":      {Delay: -time.Second},
		"status and drop":     {Status: 500, Drop: true},
		"drop and truncate":   {Drop: true, Truncate: true},
		"status and truncate": {Status: 500, Truncate: true},
		"after state alone":   {AfterState: true, Delay: time.Second},
		"not an HTTP status":  {Status: 42},
		"negative times":      {Status: 500, Times: -1},
		"malformed path glob": {Status: 500, Path: "/api/["},
	} {
		assert.Error(t, c.InjectFault(f), name)
	}
	assert.Equal(t, 0, c.PendingFaults())
	assert.NoError(t, c.InjectFault(Fault{Status: 500, AfterState: true}))
	assert.NoError(t, c.InjectFault(Fault{Drop: true, AfterState: true}))
	assert.NoError(t, c.InjectFault(Fault{Delay: time.Second}))
}
