package fakecloud

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	hexID    = regexp.MustCompile(`^[0-9a-f]{24}$`)
	wireTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func TestRegister(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "p1"})
	res := h.api(http.MethodPost, "/Customers/register", map[string]any{
		"accountId": "A-100001", "partnerId": "p1", "email": "ann@example.com", "name": "Ann Lee",
		"profile": "smallbusiness", "onboardingCheckpoint": "PodsAdded",
	})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	m := res.object(t)
	assert.Regexp(t, hexID, m["id"])
	assert.Regexp(t, hexID, m["locationId"])
	assert.Regexp(t, wireTime, m["createdAt"])
	assert.Equal(t, "A-100001", m["accountId"])
	assert.Equal(t, "ann@example.com", m["email"])
	assert.Equal(t, "Ann Lee", m["name"])
	assert.Equal(t, "p1", m["partnerId"])
	assert.Equal(t, false, m["autoProvisioned"])
	assert.NotEmpty(t, m["_version"])

	cu, ok := h.cloud.Customer(m["id"].(string))
	require.True(t, ok)
	assert.False(t, cu.EmailVerified)
	assert.Equal(t, "en-US", cu.AcceptLanguage)
	loc, ok := h.cloud.Location(m["locationId"].(string))
	require.True(t, ok)
	assert.Equal(t, "Home", loc.Name)
	assert.Equal(t, "smallbusiness", loc.Profile)
	assert.Equal(t, "PodsAdded", loc.Checkpoint)
	assert.Equal(t, "fullService", loc.ServiceLevel)
	assert.Equal(t, DefaultPodQuota, loc.PodQuota)
	assert.Nil(t, loc.Wifi, "no WiFi network is created")
}

func TestRegisterDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	res := h.api(http.MethodPost, "/Customers/register", map[string]any{"accountId": "acct-0001", "partnerId": DefaultPartnerID})
	require.Equal(t, http.StatusOK, res.status)
	m := res.object(t)
	assert.Regexp(t, `^null\+[0-9a-f]+@plume\.com$`, m["email"])
	assert.Equal(t, "acct-0001", m["name"], "name defaults to the accountId")
	loc, _ := h.cloud.Location(m["locationId"].(string))
	assert.Equal(t, "auto", loc.Profile)
	assert.Empty(t, loc.Checkpoint)
}

func TestRegisterStatuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "p1"})
	h.cloud.AddPartner("other", false)
	h.register("taken-account")
	lockedToken := h.otherPartner("locked-partner")
	h.cloud.AddPartner("locked-partner", true)
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, "/Customers/register", map[string]any{
		"accountId": "has-email", "partnerId": "p1", "email": "used@example.com",
	}).status)

	body := func(kv ...any) map[string]any {
		b := map[string]any{"accountId": "fresh-account", "partnerId": "p1"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(b, kv[i].(string))
			} else {
				b[kv[i].(string)] = kv[i+1]
			}
		}
		return b
	}
	tests := []struct {
		name   string
		token  string
		body   any
		status int
	}{
		{"malformed JSON", "", `{"accountId":`, 400},
		{"missing accountId", "", body("accountId", nil), 400},
		{"missing partnerId", "", body("partnerId", nil), 400},
		{"accountId of wrong type", "", body("accountId", 42), 400},
		{"partner outside the token's scope", "", body("partnerId", "other"), 401},
		{"unknown partner", "", body("partnerId", "ghost"), 404},
		{"locked partner", lockedToken, body("partnerId", "locked-partner"), 403},
		{"accountId too short", "", body("accountId", "abc12"), 422},
		{"quote in accountId", "", body("accountId", `abc"def`), 422},
		{"curly quote in name", "", body("name", "Ann “Lee”"), 422},
		{"bad email", "", body("email", "not-an-email"), 422},
		{"email in use", "", body("email", "USED@example.com"), 422},
		{"profile property", "", body("profile", "property"), 422},
		{"unknown profile", "", body("profile", "castle"), 422},
		{"bad acceptLanguage", "", body("acceptLanguage", "english"), 422},
		{"bad checkpoint", "", body("onboardingCheckpoint", "Done"), 422},
		{"duplicate accountId", "", body("accountId", "taken-account"), 409},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			token := h.token
			if tc.token != "" {
				token = tc.token
			}
			h.with(t).apiWith(token, http.MethodPost, "/Customers/register", tc.body).requireLoopBackError(t, tc.status)
		})
	}
}

func TestRegisterNoToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.apiWith("", http.MethodPost, "/Customers/register", map[string]any{"accountId": "abcdef", "partnerId": DefaultPartnerID}).
		requireLoopBackError(t, http.StatusUnauthorized)
	assert.Empty(t, h.cloud.Customers())
}

func TestAccountIDUniquePerPartner(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.register("shared-account")
	other := h.otherPartner("p2")
	res := h.apiWith(other, http.MethodPost, "/Customers/register", map[string]any{"accountId": "shared-account", "partnerId": "p2"})
	assert.Equal(t, http.StatusOK, res.status, "another partner may use the same accountId")
}

func TestCustomerGetPatchPut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, _ := h.register("account-1")
	h.register("account-2")
	path := "/Customers/" + id

	res := h.api(http.MethodGet, path, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "account-1", res.object(t)["accountId"])
	assert.Equal(t, false, res.object(t)["emailVerified"])

	res = h.api(http.MethodPatch, path, map[string]any{"accountId": "account-1b", "emailVerified": true, "name": "New Name"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	m := res.object(t)
	assert.Equal(t, "account-1b", m["accountId"])
	assert.Equal(t, true, m["emailVerified"])
	assert.Equal(t, "New Name", m["name"])

	for _, tc := range []struct {
		body   any
		status int
	}{
		{map[string]any{"accountId": "account-2"}, 409},
		{map[string]any{"accountId": "short"}, 422},
		{map[string]any{"email": "nope"}, 422},
		{map[string]any{"name": `Bad"Name`}, 422},
		{map[string]any{"emailVerified": "yes"}, 400},
		{"[1,2]", 400},
	} {
		h.api(http.MethodPatch, path, tc.body).requireLoopBackError(t, tc.status)
	}
	res = h.api(http.MethodPatch, path, map[string]any{"accountId": "account-1b"})
	assert.Equal(t, http.StatusOK, res.status, "its own accountId is no collision")

	res = h.api(http.MethodPut, path, map[string]any{"accountId": "account-1c", "email": "c@example.com"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	m = res.object(t)
	assert.Equal(t, "account-1c", m["name"], "PUT resets the name to the accountId")
	assert.Equal(t, false, m["emailVerified"], "PUT resets emailVerified")
}

func TestCustomerFieldsFilter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, _ := h.register("account-1")
	filter := url.QueryEscape(`{"fields":{"id":true,"email":true}}`)
	res := h.api(http.MethodGet, "/Customers/"+id+"?filter="+filter, nil)
	require.Equal(t, http.StatusOK, res.status)
	m := res.object(t)
	assert.Len(t, m, 2)
	assert.Contains(t, m, "email")
}

func TestUnknownAndForeignCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	mine, myLoc := h.register("account-1")
	other := h.otherPartner("p2")
	res := h.apiWith(other, http.MethodPost, "/Customers/register", map[string]any{"accountId": "foreign-1", "partnerId": "p2"})
	require.Equal(t, http.StatusOK, res.status)
	foreign, foreignLoc := res.object(t)["id"].(string), res.object(t)["locationId"].(string)
	unknown := "0123456789abcdef01234567"

	tests := []struct {
		method, path    string
		unknown, foreig int
	}{
		{"GET", "/Customers/%s", 401, 401},
		{"PATCH", "/Customers/%s", 401, 401},
		{"PUT", "/Customers/%s", 401, 401},
		{"DELETE", "/Customers/%s", 404, 401},
		{"GET", "/Customers/%s/locations", 401, 401},
		{"POST", "/Customers/%s/locations", 401, 401},
		{"GET", "/Customers/%s/locations/%s", 401, 401},
		{"PATCH", "/Customers/%s/locations/%s", 401, 401},
		{"DELETE", "/Customers/%s/locations/%s", 401, 401},
		{"GET", "/Customers/%s/locations/%s/serviceLevel", 404, 401},
		{"PATCH", "/Customers/%s/locations/%s/serviceLevel", 404, 401},
		{"GET", "/Customers/%s/locations/%s/nodes", 404, 401},
		{"GET", "/Customers/%s/locations/%s/nodes/SERIAL1", 404, 401},
		{"POST", "/Customers/%s/locations/%s/nodes", 401, 401},
		{"DELETE", "/Customers/%s/locations/%s/nodes/SERIAL1", 401, 401},
		{"DELETE", "/Customers/%s/locations/%s/nodes", 401, 401},
		{"GET", "/Customers/%s/locations/%s/wifiNetwork", 401, 401},
		{"POST", "/Customers/%s/locations/%s/wifiNetwork", 401, 401},
		{"POST", "/Customers/%s/locations/%s/onboardingCheckpoint", 401, 401},
		{"GET", "/Customers/%s/locations/%s/wanConfiguration", 401, 401},
		{"GET", "/Customers/%s/locations/%s/authorizations", 401, 401},
	}
	t.Run("endpoints", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.method+" "+tc.path, func(t *testing.T) {
				t.Parallel()
				h := h.with(t)
				h.api(tc.method, fill(tc.path, unknown, myLoc), map[string]any{}).requireLoopBackError(t, tc.unknown)
				h.api(tc.method, fill(tc.path, foreign, foreignLoc), map[string]any{}).requireLoopBackError(t, tc.foreig)
			})
		}
	})
	_, ok := h.cloud.Customer(foreign)
	assert.True(t, ok, "the foreign customer survived")
	_, ok = h.cloud.Customer(mine)
	assert.True(t, ok)
}

func TestDeleteCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1", "POD2")
	id, home := h.register("account-1")
	second := h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Cabin"}).object(t)["id"].(string)
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, second), claimBody("POD2")).status)
	require.Equal(t, 2, h.cloud.Licenses(DefaultPartnerID))

	res := h.api(http.MethodDelete, "/Customers/"+id, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.JSONEq(t, `{"count":1}`, string(res.body))

	assert.Equal(t, 0, h.cloud.Licenses(DefaultPartnerID), "every node is unclaimed")
	for _, l := range []string{home, second} {
		loc, ok := h.cloud.Location(l)
		require.True(t, ok)
		assert.True(t, loc.Archived)
	}
	_, ok := h.cloud.Customer(id)
	assert.False(t, ok)
	h.api(http.MethodDelete, "/Customers/"+id, nil).requireLoopBackError(t, http.StatusNotFound)
	h.api(http.MethodGet, "/Customers/"+id, nil).requireLoopBackError(t, http.StatusUnauthorized)
	h.register("account-1") // the accountId is free again
}

func TestResendEmailVerification(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	res := h.api(http.MethodPost, "/Customers/register", map[string]any{"accountId": "account-1", "partnerId": DefaultPartnerID, "email": "ann@example.com"})
	id := res.object(t)["id"].(string)

	res = h.api(http.MethodPost, "/Customers/resendEmailVerification", map[string]any{"email": "ann@example.com"})
	require.Equal(t, http.StatusNoContent, res.status)
	assert.Empty(t, res.body)
	cu, _ := h.cloud.Customer(id)
	assert.Equal(t, 1, cu.VerificationEmails)

	h.api(http.MethodPost, "/Customers/resendEmailVerification", map[string]any{}).requireLoopBackError(t, 400)
	h.api(http.MethodPost, "/Customers/resendEmailVerification", map[string]any{"email": "who@example.com"}).requireLoopBackError(t, 404)
	require.Equal(t, http.StatusOK, h.api(http.MethodPatch, "/Customers/"+id, map[string]any{"emailVerified": true}).status)
	h.api(http.MethodPost, "/Customers/resendEmailVerification", map[string]any{"email": "ann@example.com"}).requireLoopBackError(t, 409)
}

func TestCustomerExists(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.api(http.MethodPost, "/Customers/register", map[string]any{"accountId": "account-1", "partnerId": DefaultPartnerID, "email": "ann@example.com"})
	res := h.api(http.MethodGet, "/Customers/exists?email="+url.QueryEscape("ann@example.com"), nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "false", string(res.body), "a bare boolean: emailVerified")

	h.api(http.MethodGet, "/Customers/exists", nil).requireLoopBackError(t, 400)
	h.api(http.MethodGet, "/Customers/exists?email=bad", nil).requireLoopBackError(t, 422)
	h.api(http.MethodGet, "/Customers/exists?email=who%40example.com", nil).requireLoopBackError(t, 404)
}

func TestSignUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	res := h.api(http.MethodPost, "/Customers", map[string]any{"email": "app@example.com", "password": "abcdefg1", "name": "App User"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, "app@example.com", res.object(t)["email"])
	for _, body := range []map[string]any{
		{"email": "b@example.com", "password": "abcdefgh"}, // one class
		{"email": "b@example.com", "password": "Ab1"},      // short
		{"email": "b@example.com"},                         // none
		{"email": "app@example.com", "password": "abcdefg1"},
		{"password": "abcdefg1"},
	} {
		h.api(http.MethodPost, "/Customers", body).requireLoopBackError(t, 422)
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{
		"abcdefg1": true, "ABCDEFGh": true, "abcdefg!": true, "12345678": false,
		"abcdefgh": false, "Ab1!": false, "!!!!!!!!": false, "Abcdefg": false,
	} {
		assert.Equal(t, ok, validPassword(pw), pw)
	}
}

// fill puts a customer id and a location id in a path's %s verbs.
func fill(path, customerID, locationID string) string {
	return strings.Replace(strings.Replace(path, "%s", customerID, 1), "%s", locationID, 1)
}
