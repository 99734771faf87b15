package plume

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/plumecloud/plume-go/internal/limit"
	"github.com/plumecloud/plume-go/internal/redact"
	"github.com/plumecloud/plume-go/internal/retry"
	"github.com/plumecloud/plume-go/internal/transport"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.1.0"

// Defaults of the request pipeline.
const (
	DefaultRateLimit       = 6 // requests per second: 1800 per 5 minutes, under the WAF's 2000
	DefaultBurst           = 6
	DefaultMaxRetries      = 4
	DefaultMinWait         = 500 * time.Millisecond
	DefaultMaxWait         = 30 * time.Second
	DefaultMaxResponseSize = 16 << 20
)

// Client talks to one Plume Cloud for one partner. It is safe for concurrent use; create one
// and share it, so that every call shares one token and one rate budget.
type Client struct {
	Customers    *CustomersService
	Locations    *LocationsService
	Nodes        *NodesService
	WifiNetworks *WifiNetworksService

	baseURL   *url.URL // scheme, host and base path (e.g. /api), no trailing slash
	origin    string   // baseURL's scheme://host, the start of every request URL
	basePath  string   // baseURL's escaped path, which every request path extends
	partnerID string
	userAgent string
	maxBody   int64
	logger    *slog.Logger

	http     *http.Client
	retrying *retryablehttp.Client
	tokens   *tokenSource
	secrets  *redact.Set

	common service // shared by the services
}

// service is the value every service type is made of.
type service struct{ client *Client }

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

// NewClient returns a client configured by opts. It does no network I/O. A base URL is
// required, and either credentials (WithCredentials, WithAuthHeader) or WithTokenSource.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		retry:   RetryPolicy{MaxRetries: DefaultMaxRetries, MinWait: DefaultMinWait, MaxWait: DefaultMaxWait},
		maxBody: DefaultMaxResponseSize,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.baseURL == "" {
		return nil, invalid("BaseURL", "is required (WithBaseURL)")
	}
	base, err := cfg.secureURL("BaseURL", cfg.baseURL)
	if err != nil {
		return nil, err
	}
	if cfg.creds == nil && cfg.tokenSource == nil {
		return nil, invalid("Credentials", "are required (WithCredentials, WithAuthHeader or WithTokenSource)")
	}
	if cfg.creds != nil && cfg.tokenSource == nil {
		if _, err := cfg.secureURL("TokenURL", cfg.creds.TokenURL); err != nil {
			return nil, err
		}
	}
	if cfg.limiter == nil {
		cfg.limiter = limit.New(DefaultRateLimit, DefaultBurst)
	}
	c := &Client{
		baseURL:   base,
		origin:    base.Scheme + "://" + base.Host,
		basePath:  base.EscapedPath(),
		userAgent: userAgent(cfg.userAgent),
		maxBody:   cfg.maxBody,
		logger:    cfg.logger,
		secrets:   &redact.Set{},
	}
	c.partnerID = cfg.partnerID
	if cfg.creds != nil {
		if c.partnerID == "" {
			c.partnerID = cfg.creds.PartnerID
		}
		c.secrets.AddFixed(cfg.creds.ClientSecret, cfg.authHeader, strings.TrimPrefix(cfg.authHeader, "Basic "), basicSecret(cfg.authHeader))
	}
	c.http = wrapHTTPClient(cfg.httpClient, &transport.Transport{
		Limiter: cfg.limiter,
		APIHost: base.Host,
		Logger:  cfg.logger,
	})
	c.retrying = &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: cfg.retry.MinWait,
		RetryWaitMax: cfg.retry.MaxWait,
		RetryMax:     cfg.retry.MaxRetries,
		CheckRetry:   retry.CheckRetry,
		Backoff:      retry.Backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	c.tokens = newTokenSource(c, cfg)
	c.common.client = c
	c.Customers = (*CustomersService)(&c.common)
	c.Locations = (*LocationsService)(&c.common)
	c.Nodes = (*NodesService)(&c.common)
	c.WifiNetworks = (*WifiNetworksService)(&c.common)
	return c, nil
}

// String describes the client by its API base URL and partner; it never prints the
// credentials or tokens it holds.
func (c Client) String() string {
	base := ""
	if c.baseURL != nil {
		base = c.baseURL.String()
	}
	return fmt.Sprintf("plume.Client{BaseURL:%q, PartnerID:%q}", base, c.partnerID)
}

// GoString is String, for %#v.
func (c Client) GoString() string { return c.String() }

// Format prints String with every verb, so that %s, %d or %x cannot print the fields, the
// secrets and tokens among them, one by one.
func (c Client) Format(f fmt.State, verb rune) { formatMasked(f, verb, c) }

// Environment variables read by NewClientFromEnv: the names the PHP client for this API uses.
const (
	EnvAPIURL       = "PLUME_API_URL"
	EnvAuthURL      = "PLUME_AUTH_URL"
	EnvAuthHash     = "PLUME_AUTH_HASH"
	EnvClientID     = "PLUME_CLIENT_ID"
	EnvClientSecret = "PLUME_CLIENT_SECRET"
	EnvPartnerID    = "PLUME_PARTNER_ID"
)

// NewClientFromEnv returns a client configured from PLUME_API_URL (base URL with /api),
// PLUME_AUTH_URL (token URL), PLUME_PARTNER_ID, and PLUME_AUTH_HASH (the Basic header Plume
// issues, with or without "Basic ") or PLUME_CLIENT_ID + PLUME_CLIENT_SECRET. opts apply after
// the environment's. A missing variable is an error naming it.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	envOpts, err := optionsFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	return NewClient(append(envOpts, opts...)...)
}

// EnvConfigured reports whether the variables NewClientFromEnv needs are all set.
func EnvConfigured() bool {
	_, err := optionsFromEnv(os.LookupEnv)
	return err == nil
}

func optionsFromEnv(lookup func(string) (string, bool)) ([]Option, error) {
	get := func(name string) (string, error) {
		v, ok := lookup(name)
		if !ok || strings.TrimSpace(v) == "" {
			return "", invalid(name, "environment variable is not set")
		}
		return strings.TrimSpace(v), nil
	}
	apiURL, err := get(EnvAPIURL)
	if err != nil {
		return nil, err
	}
	authURL, err := get(EnvAuthURL)
	if err != nil {
		return nil, err
	}
	partner, err := get(EnvPartnerID)
	if err != nil {
		return nil, err
	}
	opts := []Option{WithBaseURL(apiURL)}
	if hash, err := get(EnvAuthHash); err == nil {
		return append(opts, WithAuthHeader(authURL, hash, partner)), nil
	}
	id, err := get(EnvClientID)
	if err != nil {
		return nil, invalid(EnvAuthHash, "environment variable is not set (nor %s + %s)", EnvClientID, EnvClientSecret)
	}
	secret, err := get(EnvClientSecret)
	if err != nil {
		return nil, err
	}
	return append(opts, WithCredentials(Credentials{TokenURL: authURL, ClientID: id, ClientSecret: secret, PartnerID: partner})), nil
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

// request is one API call as a service describes it.
type request struct {
	op       string        // "Nodes.Claim"
	method   string        // HTTP method
	path     string        // below the base URL, escaped with buildPath, starting with "/"
	query    url.Values    // may be nil
	body     any           // JSON-encoded when non-nil
	meanings map[int]error // per-operation sentinel by HTTP status
	secrets  []string      // values of this call to redact from errors (a WiFi key)
}

// response is a 2xx answer.
type response struct {
	StatusCode int
	Body       []byte
}

// do sends r through the pipeline (token, limiter, retries, one refresh on 401) and decodes a
// 2xx body into out when out is non-nil and the body is not empty. Any other answer is an
// *Error or a *RateLimitError.
func (c *Client) do(ctx context.Context, r *request, out any) (*response, error) {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("plume: %s: encoding request: %w", r.op, err)
		}
	}
	// r.path is escaped already (buildPath), so the URL is a concatenation.
	path := c.basePath + r.path
	target := c.origin + path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	var (
		raw      *rawResponse
		rejected string
	)
	for attempt := 0; attempt < 2; attempt++ {
		tok, err := c.tokens.current(ctx, rejected)
		if err != nil {
			return nil, fmt.Errorf("plume: %s: %w", r.op, err)
		}
		bearer := func(ctx context.Context) (string, error) { return c.tokens.forSend(ctx, tok, rejected) }
		var used string
		raw, used, err = c.send(ctx, r.method, target, payload, bearer)
		var tokenErr *retry.TokenError
		if errors.As(err, &tokenErr) {
			return nil, fmt.Errorf("plume: %s: %w", r.op, tokenErr.Err)
		}
		if err != nil {
			return nil, c.transportError(r, path, err)
		}
		if raw.StatusCode != http.StatusUnauthorized {
			break
		}
		rejected = used
	}
	if raw.StatusCode >= 200 && raw.StatusCode < 300 {
		if out != nil && len(bytes.TrimSpace(raw.Body)) > 0 {
			if err := decodeAnswer(raw.Body, out); err != nil {
				return nil, c.decodeError(r, fmt.Sprintf("decoding response (HTTP %d)", raw.StatusCode), err)
			}
		}
		return &response{StatusCode: raw.StatusCode, Body: raw.Body}, nil
	}
	return nil, c.apiError(r, path, raw)
}

type rawResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// send makes one retried API exchange, each attempt carrying the token bearer gives once the
// rate limiter let it go, and returns the status, headers and capped body, and the token the
// last attempt carried.
func (c *Client) send(ctx context.Context, method, target string, payload []byte, bearer func(context.Context) (string, error)) (*rawResponse, string, error) {
	call := &retry.Call{Method: method, Bearer: bearer}
	raw, err := c.sendWith(ctx, call, target, payload, "application/json", nil)
	return raw, call.UsedBearer, err
}

// sendWith makes one retried HTTP exchange described by call.
func (c *Client) sendWith(ctx context.Context, call *retry.Call, target string, payload []byte, contentType string, header http.Header) (*rawResponse, error) {
	method := call.Method
	ctx = retry.WithCall(ctx, call)
	var body any
	if payload != nil {
		body = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.SetResponseHandler(c.bufferBody)
	resp, err := c.retrying.Do(req)
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	defer drainAndClose(resp.Body)
	var data []byte
	if buffered, ok := resp.Body.(*bufferedBody); ok {
		data = buffered.data
	} else if data, err = readCapped(resp, c.maxBody); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("reading response (HTTP %d): %w", resp.StatusCode, err)
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("response body (HTTP %d) exceeds %d bytes: %w", resp.StatusCode, c.maxBody, ErrResponseTooLarge)
	}
	return &rawResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// bufferBody reads the body of an answer the retry policy keeps into memory, inside the
// attempt: a connection cut in the middle of the body is then a failed attempt, which
// CheckRetry may retry (GET, PUT, PATCH, DELETE, the token request), rather than an error
// found after the retries are over. It reads at most the cap and one byte, and leaves the
// size check to sendWith.
func (c *Client) bufferBody(resp *http.Response) error {
	data, err := readCapped(resp, c.maxBody)
	drainAndClose(resp.Body)
	if err != nil {
		resp.Body = http.NoBody
		return fmt.Errorf("reading response (HTTP %d): %w", resp.StatusCode, err)
	}
	buffered := &bufferedBody{data: data}
	buffered.Reset(data)
	resp.Body = buffered
	return nil
}

// bufferedBody is a body bufferBody read into memory; sendWith takes its bytes as they are
// instead of reading them into a second buffer.
type bufferedBody struct {
	bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// readCapped reads at most limit+1 bytes of resp's body (one more than allowed, so that the
// caller can tell a body over the limit), in one allocation when the length is announced.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n <= limit {
		buf := make([]byte, 0, n+1)
		for {
			if len(buf) == cap(buf) {
				buf = slices.Grow(buf, 512) // longer than announced
			}
			m, err := resp.Body.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+m]
			if int64(len(buf)) > limit {
				return buf, nil
			}
			if err == io.EOF {
				return buf, nil
			}
			if err != nil {
				return buf, err
			}
		}
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit+1))
}

// ErrResponseTooLarge is returned when a response body passes the cap (WithMaxResponseBytes).
var ErrResponseTooLarge = errors.New("plume: response body too large")

// drainAndClose reads what is left of a body (up to a bound, so that the connection can be
// reused) and closes it. A body bufferBody read into memory holds no connection.
func drainAndClose(body io.ReadCloser) {
	if _, inMemory := body.(*bufferedBody); inMemory {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 256<<10))
	_ = body.Close()
}

// transportError wraps a failure to get an answer.
func (c *Client) transportError(r *request, path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("plume: %s %s %s: %w", r.op, r.method, path, err)
	}
	msg := c.redactText(err.Error(), r.secrets)
	return &redactedError{msg: "plume: " + r.op + " " + r.method + " " + path + ": " + msg, err: err}
}

// decodeError wraps a failure to decode an answer. encoding/json and time quote the value
// they could not parse ("parsing time \"<value>\""), which may be a secret of the call.
func (c *Client) decodeError(r *request, what string, err error) error {
	return &redactedError{msg: "plume: " + r.op + ": " + what + ": " + c.redactText(err.Error(), r.secrets), err: err}
}

// redactedError keeps the cause for errors.Is/As while its text is redacted: the text of a
// transport or decoding error may quote a URL or a value of the answer.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// apiError turns a non-2xx answer into an *Error or a *RateLimitError.
func (c *Client) apiError(r *request, path string, raw *rawResponse) error {
	requestID := transport.RequestID(raw.Header)
	if raw.StatusCode == http.StatusTooManyRequests || (raw.StatusCode == http.StatusForbidden && retry.IsWAFAnswer(raw.Header, raw.Body)) {
		wait, _ := retry.RetryAfter(raw.Header.Get("Retry-After"), time.Now())
		return &RateLimitError{StatusCode: raw.StatusCode, RetryAfter: wait, Op: r.op, Method: r.method, Path: path, RequestID: requestID}
	}
	e := &Error{
		StatusCode: raw.StatusCode,
		Op:         r.op,
		Method:     r.method,
		Path:       path,
		RequestID:  requestID,
		meaning:    r.meanings[raw.StatusCode],
	}
	var lb struct {
		Error struct {
			Name    string `json:"name"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw.Body, &lb) == nil {
		e.Name = c.redactText(lb.Error.Name, r.secrets)
		e.Message = c.redactText(lb.Error.Message, r.secrets)
	}
	e.Body = c.errorBody(raw.Body, r.secrets)
	return e
}

// redactWindow is how much of an error body is redacted before it is cut to maxErrorBody:
// enough for a secret that starts before the cut to be masked whole.
const redactWindow = 4 * maxErrorBody

// errorBody returns the first maxErrorBody bytes of body, redacted. It redacts before it
// cuts: cut first, a secret straddling the cut would survive in part, and masks longer than
// the values they replace would push the text past maxErrorBody.
func (c *Client) errorBody(body []byte, secrets []string) []byte {
	if len(body) > redactWindow {
		body = body[:redactWindow]
	}
	text := c.redactText(string(body), secrets)
	if len(text) > maxErrorBody {
		text = text[:maxErrorBody]
	}
	return []byte(text)
}

// redactText masks the client's secrets, this call's secrets and secret-named fields.
func (c *Client) redactText(s string, extra []string) string {
	return redact.Fields(c.secrets.String(s, extra...))
}
