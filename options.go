package plume

import (
	"context"
	"crypto/tls"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/plumecloud/plume-go/internal/limit"
	"github.com/plumecloud/plume-go/internal/retry"
	"github.com/plumecloud/plume-go/internal/transport"
)

// RetryPolicy sets how failed attempts are retried. MaxRetries counts the attempts after the
// first; MinWait and MaxWait bound the exponential backoff with full jitter, and MaxWait caps
// a server's Retry-After.
type RetryPolicy struct {
	MaxRetries int
	MinWait    time.Duration
	MaxWait    time.Duration
}

// Limiter is waited on before every HTTP attempt, token requests included. *rate.Limiter from
// golang.org/x/time/rate is one; a shared, cross-process limiter can be plugged in.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Option configures a Client. Options validate their input and apply in any order.
type Option func(*config) error

type config struct {
	baseURL     string
	creds       *Credentials
	authHeader  string
	tokenSource oauth2.TokenSource
	tokenCache  TokenCache
	partnerID   string
	httpClient  *http.Client
	retry       RetryPolicy
	limiter     Limiter
	logger      *slog.Logger
	userAgent   string
	insecure    bool
	maxBody     int64
	observer    *Observer
	pollFirst   time.Duration
	pollMax     time.Duration
}

// WithBaseURL sets the API base URL, base path included: "https://<cloud host>/api".
func WithBaseURL(raw string) Option {
	return func(c *config) error {
		if _, err := parseHTTPURL("BaseURL", raw); err != nil {
			return err
		}
		c.baseURL = raw
		return nil
	}
}

// WithCredentials sets the OAuth client credentials; the SDK builds the Basic header from
// ClientID and ClientSecret.
func WithCredentials(creds Credentials) Option {
	return func(c *config) error {
		if err := creds.validate(); err != nil {
			return err
		}
		c.creds = &creds
		c.authHeader = basicHeader(creds.ClientID, creds.ClientSecret)
		return nil
	}
}

// WithAuthHeader sets the token URL, the Basic authorization header Plume issued (sent
// verbatim; with or without its "Basic " prefix) and the partner id.
func WithAuthHeader(tokenURL, header, partnerID string) Option {
	return func(c *config) error {
		creds := Credentials{TokenURL: tokenURL, PartnerID: partnerID}
		if err := creds.validateEndpoint(); err != nil {
			return err
		}
		h, err := normalizeBasic(header)
		if err != nil {
			return err
		}
		c.creds = &creds
		c.authHeader = h
		return nil
	}
}

// WithTokenSource makes the client take its bearer tokens from ts instead of fetching them.
// It is enough on its own: no credentials are needed.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return invalid("TokenSource", "must not be nil")
		}
		c.tokenSource = ts
		return nil
	}
}

// WithPartnerID sets the partner id used where a request needs one (Register's default),
// for a client built WithTokenSource. Credentials carry their own.
func WithPartnerID(id string) Option {
	return func(c *config) error {
		if strings.TrimSpace(id) == "" || strings.ContainsAny(id, " \t\r\n") {
			return invalid("PartnerID", "must be non-empty without white space")
		}
		c.partnerID = id
		return nil
	}
}

// WithTokenCache shares tokens through cache (for example with other processes).
func WithTokenCache(cache TokenCache) Option {
	return func(c *config) error {
		if cache == nil {
			return invalid("TokenCache", "must not be nil")
		}
		c.tokenCache = cache
		return nil
	}
}

// WithHTTPClient sets the HTTP client. Its Transport is wrapped (never modified) with the
// rate limiter and the bearer token; a nil Transport means a default one with TLS 1.2 or newer.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("HTTPClient", "must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRetry sets the retry policy.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		switch {
		case p.MaxRetries < 0:
			return invalid("RetryPolicy.MaxRetries", "must not be negative")
		case p.MinWait < 0:
			return invalid("RetryPolicy.MinWait", "must not be negative")
		case p.MaxWait < p.MinWait:
			return invalid("RetryPolicy.MaxWait", "must not be below MinWait")
		}
		c.retry = p
		return nil
	}
}

// WithRateLimit sets the client-side token bucket: rps requests per second with bursts of
// burst. math.Inf(1) turns limiting off.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) error {
		if !(rps > 0) {
			return invalid("RateLimit", "requests per second must be above 0")
		}
		if burst < 1 {
			return invalid("RateLimit", "burst must be at least 1")
		}
		lim := rate.Inf
		if !math.IsInf(rps, 1) {
			lim = rate.Limit(rps)
		}
		c.limiter = limit.New(lim, burst)
		return nil
	}
}

// WithRateLimiter sets the limiter every attempt waits on, for example one shared by replicas.
func WithRateLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("RateLimiter", "must not be nil")
		}
		c.limiter = l
		return nil
	}
}

// WithLogger sets the logger of the debug records (method, path, status, attempt, duration,
// request id; never headers or bodies).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("Logger", "must not be nil")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent puts ua before the SDK's own User-Agent.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
			return invalid("UserAgent", "must be one non-empty line")
		}
		c.userAgent = ua
		return nil
	}
}

// WithInsecureHTTP allows an http:// base or token URL for a host that is not loopback.
// Loopback hosts are always allowed.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecure = true
		return nil
	}
}

// WithMaxResponseBytes caps the size of a response body (default 16 MiB).
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return invalid("MaxResponseBytes", "must be at least 1")
		}
		c.maxBody = n
		return nil
	}
}

func userAgent(prefix string) string {
	ua := "plume-go/" + Version
	if prefix != "" {
		ua = prefix + " " + ua
	}
	return ua
}

// parseHTTPURL parses an absolute http or https URL with a host and no query or fragment.
func parseHTTPURL(field, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, invalid(field, "is not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, invalid(field, "must be an http or https URL")
	}
	if u.Host == "" {
		return nil, invalid(field, "has no host")
	}
	if u.User != nil {
		return nil, invalid(field, "must not carry user information")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, invalid(field, "must not have a query or fragment")
	}
	return u, nil
}

// secureURL parses raw and refuses http:// unless the host is loopback or WithInsecureHTTP
// was given.
func (cfg *config) secureURL(field, raw string) (*url.URL, error) {
	u, err := parseHTTPURL(field, raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "http" && !cfg.insecure && !isLoopback(u.Hostname()) {
		return nil, invalid(field, "must use https (http is allowed only for loopback hosts or with WithInsecureHTTP)")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// isLoopback reports whether host is localhost, in 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// wrapHTTPClient returns a copy of hc (or a default client) whose transport is t over hc's.
func wrapHTTPClient(hc *http.Client, t *transport.Transport) *http.Client {
	var wrapped http.Client
	if hc != nil {
		wrapped = *hc
	}
	t.Base = wrapped.Transport
	if t.Base == nil {
		t.Base = defaultTransport()
	}
	wrapped.Transport = t
	wrapped.CheckRedirect = retry.CheckRedirect(wrapped.CheckRedirect)
	return &wrapped
}

// defaultTransport is http.DefaultTransport's settings with TLS 1.2 or newer.
func defaultTransport() http.RoundTripper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	tr.ResponseHeaderTimeout = 2 * time.Minute
	// Concurrent callers (batch workers) reuse connections instead of opening one, TLS
	// handshake included, per request past the default of 2 idle per host.
	tr.MaxIdleConnsPerHost = 16
	return tr
}

// WithPolling sets how the flows that wait (RebootAndWait, SpeedTest) poll: first is the
// pause before the first poll, doubled after each poll up to max. The default, 2 s doubling
// to 30 s, suits the real cloud; a test against plumetest with short timings may poll every
// few milliseconds. Every poll is an API call and waits on the rate limiter like any other.
func WithPolling(first, max time.Duration) Option {
	return func(cfg *config) error {
		if first <= 0 || max < first {
			return invalid("Polling", "needs 0 < first <= max, got %s and %s", first, max)
		}
		cfg.pollFirst, cfg.pollMax = first, max
		return nil
	}
}
