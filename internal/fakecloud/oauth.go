package fakecloud

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// token is an issued access token.
type token struct {
	value, clientID, partnerID, scope, jti string
	issued, expires                        time.Time
}

// oauthError is the Okta error body of §2.6: invalid_client is 401, every other code 400.
func oauthError(code, description string) *reply {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	rep := jsonReply(status, obj{"error": code, "error_description": description})
	rep.header.Set("Cache-Control", "no-store")
	return rep
}

// knownGrants are grant types Okta knows but a client-credentials app may not use: they
// answer invalid_grant; any other value is unsupported_grant_type.
var knownGrants = map[string]bool{
	"authorization_code": true, "password": true, "refresh_token": true, "implicit": true,
	"urn:ietf:params:oauth:grant-type:device_code":  true,
	"urn:ietf:params:oauth:grant-type:jwt-bearer":   true,
	"urn:ietf:params:oauth:grant-type:saml2-bearer": true,
}

// issueToken is the client-credentials token endpoint (§2.2). The caller holds c.mu.
func (c *Cloud) issueToken(r *http.Request, body []byte) *reply {
	form, cred, bad := c.authenticateClient(r, body)
	if bad != nil {
		return bad
	}
	switch grant := form.Get("grant_type"); {
	case grant == "":
		return oauthError("invalid_request", "The grant_type parameter is required.")
	case knownGrants[grant]:
		return oauthError("invalid_grant", "The client is not authorized to use the provided grant type.")
	case grant != "client_credentials":
		return oauthError("unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
	}
	scope := form.Get("scope")
	if scope != "partnerId:"+cred.PartnerID+" role:partnerIdAdmin" {
		return oauthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
	}
	tok := c.mint(cred, scope, issuer(r))
	c.tokenFetches++
	rep := jsonReply(http.StatusOK, obj{
		"token_type":   "Bearer",
		"expires_in":   int(c.ttl / time.Second),
		"access_token": tok.value,
		"scope":        scope,
	})
	rep.header.Set("Cache-Control", "no-store")
	rep.header.Set("Pragma", "no-cache")
	return rep
}

// introspect answers whether a token is active (§2.3). The caller holds c.mu.
func (c *Cloud) introspect(r *http.Request, body []byte) *reply {
	form, _, bad := c.authenticateClient(r, body)
	if bad != nil {
		return bad
	}
	value := form.Get("token")
	if value == "" {
		return oauthError("invalid_request", "The token parameter is required.")
	}
	tok := c.tokens[value]
	if tok == nil || !c.now().Before(tok.expires) {
		return jsonReply(http.StatusOK, obj{"active": false})
	}
	return jsonReply(http.StatusOK, obj{
		"active": true, "scope": tok.scope, "exp": tok.expires.Unix(), "iat": tok.issued.Unix(),
		"sub": tok.clientID, "aud": "api://plume-fake", "iss": issuer(r), "jti": tok.jti,
		"token_type": "Bearer", "client_id": tok.clientID,
	})
}

// authenticateClient parses the form and checks the Basic header, the only client
// authentication Plume's clients are set up for.
func (c *Cloud) authenticateClient(r *http.Request, body []byte) (url.Values, *Credential, *reply) {
	if r.Method != http.MethodPost {
		return nil, nil, oauthError("invalid_request", "The request method must be POST.")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, nil, oauthError("invalid_request", "The content type must be application/x-www-form-urlencoded.")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, nil, oauthError("invalid_request", "The request body is malformed.")
	}
	for k, vs := range form {
		if len(vs) > 1 {
			return nil, nil, oauthError("invalid_request", "The '"+k+"' parameter is duplicated.")
		}
	}
	cred, bad := c.clientFromHeader(r.Header.Get("Authorization"), form)
	return form, cred, bad
}

func (c *Cloud) clientFromHeader(header string, form url.Values) (*Credential, *reply) {
	inForm := form.Has("client_id") || form.Has("client_secret")
	switch {
	case header == "" && !inForm:
		return nil, oauthError("invalid_request", "No client credentials were sent.")
	case header != "" && inForm:
		return nil, oauthError("invalid_request", "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.")
	case header == "":
		return nil, oauthError("invalid_client", "The client is configured for client_secret_basic authentication.")
	}
	id, secret, ok := parseBasic(header)
	if !ok {
		return nil, oauthError("invalid_request", "The Authorization header is malformed.")
	}
	cred := c.creds[id]
	if cred == nil || subtle.ConstantTimeCompare([]byte(cred.ClientSecret), []byte(secret)) != 1 {
		return nil, oauthError("invalid_client", "The client secret supplied for a confidential client is invalid.")
	}
	return cred, nil
}

// parseBasic decodes "Basic base64(id:secret)" (standard, padded base64).
func parseBasic(header string) (id, secret string, ok bool) {
	scheme, payload, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", "", false
	}
	id, secret, ok = strings.Cut(string(raw), ":")
	return id, secret, ok && id != ""
}

// mint issues a JWT-shaped token with a random signature, so that it cannot be guessed.
func (c *Cloud) mint(cred *Credential, scope, iss string) *token {
	now := c.now()
	c.pruneTokens(now)
	tok := &token{
		clientID: cred.ClientID, partnerID: cred.PartnerID, scope: scope,
		jti: "AT." + randomAlnum(24), issued: now, expires: now.Add(c.ttl),
	}
	header, _ := json.Marshal(obj{"kid": "fake", "alg": "RS256"})
	claims, _ := json.Marshal(obj{
		"ver": 1, "jti": tok.jti, "iss": iss, "aud": "api://plume-fake",
		"iat": now.Unix(), "exp": tok.expires.Unix(), "cid": cred.ClientID,
		"scp": strings.Fields(scope), "sub": cred.ClientID,
	})
	enc := base64.RawURLEncoding
	tok.value = enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + randomAlnum(43)
	c.tokens[tok.value] = tok
	return tok
}

// pruneTokens forgets expired tokens so that a long-running fake does not grow.
func (c *Cloud) pruneTokens(now time.Time) {
	for v, t := range c.tokens {
		if !now.Before(t.expires) {
			delete(c.tokens, v)
		}
	}
}

// bearer returns the live token of an Authorization header, or nil.
func (c *Cloud) bearer(header string) *token {
	scheme, value, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	tok := c.tokens[strings.TrimSpace(value)]
	if tok == nil || !c.now().Before(tok.expires) {
		return nil
	}
	return tok
}

// issuer is the auth-server URL: the token URL without /v1/token.
func issuer(r *http.Request) string {
	return "http://" + r.Host + strings.TrimSuffix(TokenPath, "/v1/token")
}
