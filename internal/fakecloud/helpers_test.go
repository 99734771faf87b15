package fakecloud

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testStart is where every harness's clock starts.
var testStart = time.Date(2024, 3, 27, 14, 41, 58, 312_000_000, time.UTC)

// harness is a Cloud on a loopback server with a token for the default credential.
type harness struct {
	t     *testing.T
	cloud *Cloud
	srv   *httptest.Server
	clock *ManualClock
	token string
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	clock := NewManualClock(testStart)
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.WAFQuota == 0 {
		cfg.WAFQuota = -1
	}
	cloud := New(cfg)
	srv := httptest.NewServer(cloud)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { checkIndexes(t, cloud) }) // whatever the test did, no index is stale
	h := &harness{t: t, cloud: cloud, srv: srv, clock: clock}
	h.token = h.fetchToken(cloud.DefaultCredential())
	return h
}

// with returns a copy of the harness reporting to t (for subtests).
func (h *harness) with(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

func (r response) array(t *testing.T) []any {
	t.Helper()
	var a []any
	require.NoError(t, json.Unmarshal(r.body, &a), "body: %s", r.body)
	return a
}

// requireLoopBackError checks the LB3 error body and the status inside it.
func (r response) requireLoopBackError(t *testing.T, status int) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	assert.Contains(t, r.header.Get("Content-Type"), "application/json")
	e, ok := r.object(t)["error"].(map[string]any)
	require.True(t, ok, "body: %s", r.body)
	assert.EqualValues(t, status, e["statusCode"])
	assert.NotEmpty(t, e["name"])
	assert.NotEmpty(t, e["message"])
}

func send(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// api sends a JSON request below /api with the harness's bearer. body may be nil, a string
// (sent as is) or a value marshalled to JSON.
func (h *harness) api(method, path string, body any) response {
	h.t.Helper()
	return h.apiWith(h.token, method, path, body)
}

func (h *harness) apiWith(token, method, path string, body any) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+APIPrefix+path, bodyReader(h.t, body))
	require.NoError(h.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(h.t, req)
}

func bodyReader(t *testing.T, body any) io.Reader {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	}
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	return bytes.NewReader(raw)
}

// form posts a form to an OAuth endpoint with an optional Authorization header.
func (h *harness) form(path, authorization string, values url.Values) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(values.Encode()))
	require.NoError(h.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return send(h.t, req)
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func scopeOf(partnerID string) string { return "partnerId:" + partnerID + " role:partnerIdAdmin" }

func (h *harness) fetchToken(cred Credential) string {
	h.t.Helper()
	res := h.form(TokenPath, basic(cred.ClientID, cred.ClientSecret), url.Values{
		"grant_type": {"client_credentials"}, "scope": {scopeOf(cred.PartnerID)},
	})
	require.Equal(h.t, http.StatusOK, res.status, "token: %s", res.body)
	tok, _ := res.object(h.t)["access_token"].(string)
	require.NotEmpty(h.t, tok)
	return tok
}

// register provisions a customer and returns its id and the id of its Home location.
func (h *harness) register(accountID string) (customerID, locationID string) {
	h.t.Helper()
	res := h.api(http.MethodPost, "/Customers/register", map[string]any{
		"accountId": accountID, "partnerId": h.cloud.DefaultCredential().PartnerID,
	})
	require.Equal(h.t, http.StatusOK, res.status, "register: %s", res.body)
	m := res.object(h.t)
	return m["id"].(string), m["locationId"].(string)
}

// otherPartner adds a partner with its own credential and returns a token for it.
func (h *harness) otherPartner(partnerID string) string {
	h.t.Helper()
	cred := Credential{ClientID: "client-" + partnerID, ClientSecret: "secret-" + partnerID + "-0123456789", PartnerID: partnerID}
	h.cloud.AddCredential(cred)
	return h.fetchToken(cred)
}

func nodesPath(customerID, locationID string) string {
	return "/Customers/" + customerID + "/locations/" + locationID + "/nodes"
}

func locPath(customerID, locationID string) string {
	return "/Customers/" + customerID + "/locations/" + locationID
}

func claimBody(serial string) map[string]any { return map[string]any{"serialNumber": serial} }

// site is a harness with a customer whose Home location has the gateway GW1 and the pod
// POD1 claimed and online, for the support endpoints.
type site struct {
	*harness
	id, loc string
}

func newSite(t *testing.T, cfg Config) *site {
	t.Helper()
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 365 * 24 * time.Hour // the tests move the clock by days
	}
	h := newHarness(t, cfg)
	h.cloud.AddGateways(DefaultPartnerID, "GW1")
	h.cloud.AddInventory(DefaultPartnerID, "POD1")
	id, loc := h.register("account-1")
	s := &site{harness: h, id: id, loc: loc}
	s.claim("GW1", "POD1")
	return s
}

// claim claims serials at the site's location and sets them online.
func (s *site) claim(serials ...string) {
	s.t.Helper()
	for _, serial := range serials {
		res := s.api(http.MethodPost, nodesPath(s.id, s.loc), claimBody(serial))
		require.Equal(s.t, http.StatusOK, res.status, "claim %s: %s", serial, res.body)
		require.NoError(s.t, s.cloud.SetNodeOnline(serial, true))
	}
}

// with returns a copy of the site reporting to t (for subtests).
func (s *site) with(t *testing.T) *site {
	c := *s
	c.harness = s.harness.with(t)
	return &c
}

// path is a path below the site's location.
func (s *site) path(rest string) string { return locPath(s.id, s.loc) + rest }

// addDevice seeds a device at the site's location.
func (s *site) addDevice(d Device) {
	s.t.Helper()
	require.NoError(s.t, s.cloud.AddDevice(s.id, s.loc, d))
}

// node answers GET …/nodes/{serial} as an object.
func (s *site) node(serial string) map[string]any {
	s.t.Helper()
	res := s.api(http.MethodGet, s.path("/nodes/"+serial), nil)
	require.Equal(s.t, http.StatusOK, res.status, "body: %s", res.body)
	return res.object(s.t)
}

// stampAt is the wire form of the harness clock's start plus d.
func stampAt(d time.Duration) string { return stamp(testStart.Add(d)) }

// statusCase is one request and the error status it must get.
type statusCase struct {
	name, method, path string
	body               any
	status             int
}

// runStatusCases runs each case as a parallel subtest and returns when all are done.
func (s *site) runStatusCases(t *testing.T, cases []statusCase) {
	t.Helper()
	t.Run("statuses", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s.with(t).api(tc.method, tc.path, tc.body).requireLoopBackError(t, tc.status)
			})
		}
	})
}
