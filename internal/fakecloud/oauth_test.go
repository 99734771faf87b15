package fakecloud

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenSuccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{PartnerID: "mocha-partner", TokenTTL: 30 * time.Minute})
	cred := h.cloud.DefaultCredential()
	res := h.form(TokenPath, basic(cred.ClientID, cred.ClientSecret), url.Values{
		"grant_type": {"client_credentials"}, "scope": {scopeOf("mocha-partner")},
	})
	require.Equal(t, http.StatusOK, res.status)
	m := res.object(t)
	assert.Equal(t, "Bearer", m["token_type"])
	assert.EqualValues(t, 1800, m["expires_in"])
	assert.Equal(t, scopeOf("mocha-partner"), m["scope"])
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"))

	parts := strings.Split(m["access_token"].(string), ".")
	require.Len(t, parts, 3, "a JWT-shaped token")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(raw, &claims))
	assert.Equal(t, cred.ClientID, claims["cid"])
	assert.Equal(t, []any{"partnerId:mocha-partner", "role:partnerIdAdmin"}, claims["scp"])
	assert.EqualValues(t, h.clock.Now().Add(30*time.Minute).Unix(), claims["exp"])
	assert.Equal(t, 2, h.cloud.TokenFetches(), "the harness fetched one too")
	assert.NotEqual(t, h.token, m["access_token"], "tokens are unique")
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	cred := h.cloud.DefaultCredential()
	good := basic(cred.ClientID, cred.ClientSecret)
	form := func(kv ...string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "scope": {scopeOf(cred.PartnerID)}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	dup := form()
	dup.Add("scope", scopeOf(cred.PartnerID))
	tests := []struct {
		name   string
		auth   string
		form   url.Values
		status int
		code   string
	}{
		{"wrong secret", basic(cred.ClientID, "nope"), form(), 401, "invalid_client"},
		{"unknown client", basic("who", cred.ClientSecret), form(), 401, "invalid_client"},
		{"credentials only in form", "", form("client_id", cred.ClientID, "client_secret", cred.ClientSecret), 401, "invalid_client"},
		{"credentials in header and form", good, form("client_id", cred.ClientID), 400, "invalid_request"},
		{"no credentials", "", form(), 400, "invalid_request"},
		{"broken basic header", "Basic !!!not-base64", form(), 400, "invalid_request"},
		{"basic header without colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("idonly")), form(), 400, "invalid_request"},
		{"duplicated parameter", good, dup, 400, "invalid_request"},
		{"missing grant_type", good, form("grant_type", ""), 400, "invalid_request"},
		{"known but wrong grant", good, form("grant_type", "password"), 400, "invalid_grant"},
		{"unknown grant", good, form("grant_type", "magic"), 400, "unsupported_grant_type"},
		{"missing scope", good, form("scope", ""), 400, "invalid_scope"},
		{"scope of another partner", good, form("scope", scopeOf("someone-else")), 400, "invalid_scope"},
		{"scope without role", good, form("scope", "partnerId:"+cred.PartnerID), 400, "invalid_scope"},
	}
	t.Run("errors", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				res := h.with(t).form(TokenPath, tc.auth, tc.form)
				require.Equal(t, tc.status, res.status, "body: %s", res.body)
				m := res.object(t)
				assert.Equal(t, tc.code, m["error"])
				assert.NotEmpty(t, m["error_description"])
				assert.False(t, strings.Contains(string(res.body), cred.ClientSecret), "a secret leaked")
			})
		}
	})
	assert.Equal(t, 1, h.cloud.TokenFetches(), "failures issue no token")
}

func TestTokenWrongContentType(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	cred := h.cloud.DefaultCredential()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+TokenPath, strings.NewReader(`{"grant_type":"client_credentials"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", basic(cred.ClientID, cred.ClientSecret))
	res := send(t, req)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "invalid_request", res.object(t)["error"])
}

func TestIntrospect(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{TokenTTL: time.Minute})
	cred := h.cloud.DefaultCredential()
	auth := basic(cred.ClientID, cred.ClientSecret)

	res := h.form(IntrospectPath, auth, url.Values{"token": {h.token}, "token_type_hint": {"access_token"}})
	require.Equal(t, http.StatusOK, res.status)
	m := res.object(t)
	assert.Equal(t, true, m["active"])
	assert.Equal(t, scopeOf(cred.PartnerID), m["scope"])
	assert.Equal(t, cred.ClientID, m["client_id"])
	assert.EqualValues(t, h.clock.Now().Add(time.Minute).Unix(), m["exp"])

	res = h.form(IntrospectPath, auth, url.Values{"token": {"unknown"}})
	assert.Equal(t, map[string]any{"active": false}, res.object(t))

	h.clock.Advance(time.Minute)
	res = h.form(IntrospectPath, auth, url.Values{"token": {h.token}})
	assert.Equal(t, map[string]any{"active": false}, res.object(t), "expired")

	res = h.form(IntrospectPath, auth, url.Values{})
	assert.Equal(t, http.StatusBadRequest, res.status)
	res = h.form(IntrospectPath, basic(cred.ClientID, "bad"), url.Values{"token": {h.token}})
	assert.Equal(t, http.StatusUnauthorized, res.status)
	assert.Equal(t, "invalid_client", res.object(t)["error"])
}

func TestBearerCheck(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{TokenTTL: 10 * time.Minute})
	tests := []struct {
		name, authorization string
	}{
		{"missing", ""},
		{"unknown token", "Bearer not-a-token"},
		{"basic scheme", "Basic " + h.token},
		{"bare token", h.token},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodGet, h.srv.URL+"/api/Customers", nil)
			require.NoError(t, err)
			if tc.authorization != "" {
				req.Header.Set("Authorization", tc.authorization)
			}
			send(t, req).requireLoopBackError(t, http.StatusUnauthorized)
		})
	}
}

func TestBearerExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{TokenTTL: 10 * time.Minute})
	require.Equal(t, http.StatusOK, h.api(http.MethodGet, "/Customers", nil).status)
	h.clock.Advance(10*time.Minute - time.Millisecond)
	require.Equal(t, http.StatusOK, h.api(http.MethodGet, "/Customers", nil).status, "still valid")
	h.clock.Advance(time.Millisecond)
	h.api(http.MethodGet, "/Customers", nil).requireLoopBackError(t, http.StatusUnauthorized)

	h.token = h.fetchToken(h.cloud.DefaultCredential())
	assert.Equal(t, http.StatusOK, h.api(http.MethodGet, "/Customers", nil).status, "a fresh token works")
}

func TestWAF(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{WAFQuota: 3, WAFWindow: 5 * time.Minute})
	for i := range 3 {
		require.Equal(t, http.StatusOK, h.api(http.MethodGet, "/Customers", nil).status, "request %d", i)
	}
	// The token endpoint is not behind the WAF.
	h.fetchToken(h.cloud.DefaultCredential())

	blocked := h.api(http.MethodGet, "/Customers", nil)
	require.Equal(t, http.StatusForbidden, blocked.status)
	assert.Contains(t, blocked.header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(blocked.body), "<html>")
	assert.False(t, json.Valid(blocked.body), "the WAF page is not JSON")
	// Blocked before the bearer check: even without a token.
	assert.Equal(t, http.StatusForbidden, h.apiWith("", http.MethodGet, "/Customers", nil).status)

	h.clock.Advance(5*time.Minute - time.Millisecond)
	assert.Equal(t, http.StatusForbidden, h.api(http.MethodGet, "/Customers", nil).status, "same window")
	h.clock.Advance(time.Millisecond)
	for i := range 3 {
		require.Equal(t, http.StatusOK, h.api(http.MethodGet, "/Customers", nil).status, "new window, request %d", i)
	}
	assert.Equal(t, http.StatusForbidden, h.api(http.MethodGet, "/Customers", nil).status)
}

func TestWAFDefaults(t *testing.T) {
	t.Parallel()
	c := New(Config{})
	assert.Equal(t, DefaultWAFQuota, c.waf.quota)
	assert.Equal(t, DefaultWAFWindow, c.waf.window)
	assert.Equal(t, DefaultTokenTTL, c.ttl)
	assert.Equal(t, DefaultPartnerID, c.DefaultCredential().PartnerID)
	assert.Len(t, c.DefaultCredential().ClientID, 20)
}

func TestCredentialHidesSecret(t *testing.T) {
	t.Parallel()
	cred := Credential{ClientID: "id", ClientSecret: "s3cr3t-value", PartnerID: "p"}
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(format, cred), "s3cr3t-value", format)
		assert.NotContains(t, fmt.Sprintf(format, &cred), "s3cr3t-value", format)
	}
}
