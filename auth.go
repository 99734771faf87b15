package plume

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/plumecloud/plume-go/internal/redact"
	"github.com/plumecloud/plume-go/internal/retry"
)

// expiryMargin is how long before expires_in runs out a token stops being used.
const expiryMargin = 30 * time.Second

// Credentials are the OAuth 2.0 client credentials Plume issues through its Portal. They print
// with the secret masked, as values and as pointers.
type Credentials struct {
	TokenURL     string // authorizationTokenUrl, e.g. https://external.sso.plume.com/oauth2/<id>/v1/token
	ClientID     string
	ClientSecret string
	PartnerID    string
}

// String returns the credentials with the secret masked.
func (c Credentials) String() string {
	return fmt.Sprintf("plume.Credentials{TokenURL:%q, ClientID:%q, ClientSecret:%q, PartnerID:%q}",
		c.TokenURL, c.ClientID, redact.Secret(c.ClientSecret), c.PartnerID)
}

// GoString returns the credentials with the secret masked, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Format prints the credentials masked with every verb: without it, %d or %x would print the
// fields one by one, the secret among them.
func (c Credentials) Format(f fmt.State, verb rune) { formatMasked(f, verb, c) }

// MarshalJSON encodes the credentials with the secret masked.
func (c Credentials) MarshalJSON() ([]byte, error) {
	type plain Credentials
	p := plain(c)
	p.ClientSecret = redact.Secret(p.ClientSecret)
	return json.Marshal(p)
}

// MarshalText returns String: the credentials with the secret masked.
func (c Credentials) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// LogValue returns the credentials with the secret masked, for slog.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token_url", c.TokenURL),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redact.Secret(c.ClientSecret)),
		slog.String("partner_id", c.PartnerID),
	)
}

func (c Credentials) validate() error {
	if err := c.validateEndpoint(); err != nil {
		return err
	}
	if strings.TrimSpace(c.ClientID) == "" {
		return invalid("Credentials.ClientID", "must not be empty")
	}
	if c.ClientSecret == "" {
		return invalid("Credentials.ClientSecret", "must not be empty")
	}
	if strings.Contains(c.ClientID, ":") {
		return invalid("Credentials.ClientID", "must not contain ':'")
	}
	return nil
}

func (c Credentials) validateEndpoint() error {
	if _, err := parseHTTPURL("Credentials.TokenURL", c.TokenURL); err != nil {
		return err
	}
	if strings.TrimSpace(c.PartnerID) == "" {
		return invalid("Credentials.PartnerID", "must not be empty")
	}
	if strings.ContainsAny(c.PartnerID, " \t\r\n") {
		return invalid("Credentials.PartnerID", "must not contain white space")
	}
	return nil
}

// basicHeader is the header Plume issues: "Basic " + base64("clientId:clientSecret").
func basicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// basicSecret returns the client secret inside a Basic header, so that it is redacted when
// the header was given verbatim (WithAuthHeader) and the secret never passed through
// Credentials: a token endpoint may echo the decoded secret.
func basicSecret(header string) string {
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(header, "Basic "))
	if err != nil {
		return ""
	}
	_, secret, _ := strings.Cut(string(decoded), ":")
	return secret
}

// normalizeBasic accepts the issued header with or without its "Basic " prefix and checks it
// is base64 of "id:secret". The reason of an error never quotes the header.
func normalizeBasic(h string) (string, error) {
	h = strings.TrimSpace(h)
	if len(h) >= 6 && strings.EqualFold(h[:6], "basic ") {
		h = strings.TrimSpace(h[6:])
	}
	if h == "" {
		return "", invalid("AuthHeader", "must not be empty")
	}
	decoded, err := base64.StdEncoding.DecodeString(h)
	if err != nil || !strings.Contains(string(decoded), ":") {
		return "", invalid("AuthHeader", "must be base64 of clientId:clientSecret")
	}
	return "Basic " + h, nil
}

// tokenSource hands out the bearer token: cached until expiryMargin before it expires, one
// fetch shared by concurrent callers, the TokenCache consulted before fetching.
type tokenSource struct {
	client *Client
	user   oauth2.TokenSource // WithTokenSource; nil when the client fetches its own
	cache  TokenCache

	tokenURL string
	header   string // Basic header, sent verbatim
	scope    string

	mu    sync.Mutex
	tok   *oauth2.Token
	group singleflight.Group
	now   func() time.Time
}

func newTokenSource(c *Client, cfg config) *tokenSource {
	ts := &tokenSource{client: c, user: cfg.tokenSource, cache: cfg.tokenCache, now: time.Now}
	if cfg.creds != nil {
		ts.tokenURL = cfg.creds.TokenURL
		ts.header = cfg.authHeader
		ts.scope = "partnerId:" + cfg.creds.PartnerID + " role:partnerIdAdmin"
	}
	return ts
}

func (s *tokenSource) valid(t *oauth2.Token) bool {
	if t == nil || t.AccessToken == "" {
		return false
	}
	return t.Expiry.IsZero() || s.now().Before(t.Expiry.Add(-expiryMargin))
}

// token returns a usable token. rejected is a token the API just answered 401 to: it is
// dropped, and not taken back from the cache.
func (s *tokenSource) token(ctx context.Context, rejected string) (string, error) {
	t, err := s.current(ctx, rejected)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// sendSkew is how long before its expiry a token is still sent: a token taken before a wait
// at the rate limiter goes out after it unless it is about to expire meanwhile.
const sendSkew = 5 * time.Second

// forSend returns t when it will still be valid as it reaches the API after a wait at the
// limiter, and a current token otherwise. Taking the token before the wait keeps callers who
// must wait for a new token from holding a limiter slot meanwhile (and then arriving at once);
// checking it after the wait keeps a long queue from sending an expired one.
func (s *tokenSource) forSend(ctx context.Context, t *oauth2.Token, rejected string) (string, error) {
	if t.Expiry.IsZero() || s.now().Before(t.Expiry.Add(-sendSkew)) {
		return t.AccessToken, nil
	}
	return s.token(ctx, rejected)
}

// current returns the cached token while it is valid, else one new token shared by every
// concurrent caller.
func (s *tokenSource) current(ctx context.Context, rejected string) (*oauth2.Token, error) {
	s.mu.Lock()
	if rejected != "" && s.tok != nil && s.tok.AccessToken == rejected {
		s.tok = nil
	}
	if t := s.tok; s.valid(t) {
		s.mu.Unlock()
		return t, nil
	}
	s.mu.Unlock()

	for {
		ch := s.group.DoChan("token", func() (any, error) { return s.refresh(ctx, rejected) })
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case res := <-ch:
			if res.Err != nil {
				// A fetch started by a caller whose context ended is not our failure.
				if isContextErr(res.Err) && ctx.Err() == nil && res.Shared {
					continue
				}
				return nil, res.Err
			}
			return res.Val.(*oauth2.Token), nil
		}
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// refresh runs inside the single flight: another caller may have stored a token meanwhile.
func (s *tokenSource) refresh(ctx context.Context, rejected string) (*oauth2.Token, error) {
	s.mu.Lock()
	if t := s.tok; s.valid(t) && t.AccessToken != rejected {
		s.mu.Unlock()
		return t, nil
	}
	s.mu.Unlock()

	if s.cache != nil {
		if inv, ok := s.cache.(tokenInvalidator); ok && rejected != "" {
			if err := inv.Invalidate(ctx, rejected); err != nil {
				return nil, err
			}
		}
		t, err := s.cache.Get(ctx)
		if err != nil {
			return nil, err
		}
		if s.valid(t) && t.AccessToken != rejected {
			s.store(t)
			return t, nil
		}
	}
	t, err := s.fetch(ctx)
	if err != nil {
		if u, ok := s.cache.(tokenUnlocker); ok {
			_ = u.Unlock(context.WithoutCancel(ctx)) // best effort: the lock expires anyway
		}
		return nil, err
	}
	s.store(t)
	if s.cache != nil {
		if err := s.cache.Put(ctx, t); err != nil && s.client.logger != nil {
			s.client.logger.LogAttrs(ctx, slog.LevelWarn, "plume: token cache put failed", slog.String("error", s.client.secrets.String(err.Error(), t.AccessToken)))
		}
	}
	return t, nil
}

func (s *tokenSource) store(t *oauth2.Token) {
	s.client.secrets.AddRotating(t.AccessToken)
	s.mu.Lock()
	s.tok = t
	s.mu.Unlock()
}

func (s *tokenSource) fetch(ctx context.Context) (*oauth2.Token, error) {
	if s.user != nil {
		t, err := s.user.Token()
		if err != nil {
			return nil, fmt.Errorf("plume: token source: %w", err)
		}
		if t == nil || t.AccessToken == "" {
			return nil, &AuthError{Description: "token source returned no access token"}
		}
		return t, nil
	}
	return s.clientCredentials(ctx)
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int64  `json:"expires_in"`
	Scope            string `json:"scope"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// clientCredentials runs the client-credentials grant: form grant_type and scope, the Basic
// header verbatim, through the same HTTP client, limiter and retries as the API calls.
func (s *tokenSource) clientCredentials(ctx context.Context) (*oauth2.Token, error) {
	o := s.client.observer
	if o == nil {
		t, _, err := s.requestToken(ctx, nil)
		return t, err
	}
	start := time.Now()
	t, status, err := s.requestToken(ctx, o.observeCall(tokenOperation))
	if o.TokenFetch != nil {
		o.TokenFetch(ctx, TokenFetch{Duration: time.Since(start), StatusCode: status, ErrorKind: errorKind(err)})
	}
	return t, err
}

// tokenOperation is the token request, as the observer sees it: no URL (Okta's token URL
// names the authorization server).
var tokenOperation = Operation{Name: "token", Method: http.MethodPost, Route: "token"}

// requestToken is clientCredentials' request and its answer's status (0 when none came).
func (s *tokenSource) requestToken(ctx context.Context, observe func(context.Context, retry.Event)) (*oauth2.Token, int, error) {
	c := s.client
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {s.scope}}
	header := http.Header{
		"Authorization": {s.header},
		"Cache-Control": {"no-cache"},
	}
	start := s.now()
	raw, err := c.sendWith(ctx, exchange{method: http.MethodPost, idempotent: true, observe: observe}, s.tokenURL, []byte(form.Encode()),
		"application/x-www-form-urlencoded; charset=utf-8", header)
	if err != nil {
		if isContextErr(err) {
			return nil, 0, fmt.Errorf("plume: token request: %w", err)
		}
		return nil, 0, &redactedError{msg: "plume: token request: " + c.redactText(err.Error(), nil), err: c.redactChain(err, nil)}
	}
	var tr tokenResponse
	decodeErr := json.Unmarshal(raw.Body, &tr)
	if raw.StatusCode == http.StatusTooManyRequests || (raw.StatusCode == http.StatusForbidden && decodeErr != nil) {
		wait, _ := retry.RetryAfter(raw.Header.Get("Retry-After"), time.Now())
		return nil, raw.StatusCode, &RateLimitError{StatusCode: raw.StatusCode, RetryAfter: wait, Op: "token", Method: http.MethodPost}
	}
	if raw.StatusCode != http.StatusOK {
		return nil, raw.StatusCode, &AuthError{
			StatusCode:  raw.StatusCode,
			Code:        c.redactText(tr.Error, nil),
			Description: c.redactText(tr.ErrorDescription, nil),
		}
	}
	if decodeErr != nil || tr.AccessToken == "" {
		return nil, raw.StatusCode, &AuthError{StatusCode: raw.StatusCode, Description: "token endpoint answered without an access_token"}
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		return nil, raw.StatusCode, &AuthError{StatusCode: raw.StatusCode, Description: "unsupported token_type " + c.redactText(tr.TokenType, nil)}
	}
	t := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: "Bearer"}
	if tr.ExpiresIn > 0 {
		t.Expiry = start.Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	return t, raw.StatusCode, nil
}
