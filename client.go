package plume

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/plumecloud/plume-go/internal/limit"
	"github.com/plumecloud/plume-go/internal/redact"
	"github.com/plumecloud/plume-go/internal/retry"
	"github.com/plumecloud/plume-go/internal/transport"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.2.0"

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
	Devices      *DevicesService
	Persons      *PersonsService
	HomePass     *HomePassService
	Network      *NetworkService

	baseURL   *url.URL // scheme, host and base path (e.g. /api), no trailing slash
	origin    string   // baseURL's scheme://host, the start of every request URL
	basePath  string   // baseURL's escaped path, which every request path extends
	partnerID string
	userAgent string
	maxBody   int64
	logger    *slog.Logger
	observer  *Observer        // nil: nothing observed
	pollFirst time.Duration    // WithPolling: the flows' first pause; 0 for the default
	pollMax   time.Duration    // WithPolling: the flows' longest pause
	now       func() time.Time // the clock of client-side time checks (Devices.ForceSteer): time.Now

	http     *http.Client
	retrying *retryablehttp.Client
	tokens   *tokenSource
	secrets  *redact.Set

	common service // shared by the services

	// renameByPOST: the API has no PUT route for a node rename, use POST (Nodes.Update). A
	// pointer, so that copying a Client (its value-receiver String) copies no lock state.
	renameByPOST *atomic.Bool
}

// service is the value every service type is made of.
type service struct{ client *Client }

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
		observer:  cfg.observer,
		pollFirst: cfg.pollFirst,
		pollMax:   cfg.pollMax,

		renameByPOST: new(atomic.Bool),
		secrets:      &redact.Set{},
		now:          time.Now,
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
	c.Devices = (*DevicesService)(&c.common)
	c.Persons = (*PersonsService)(&c.common)
	c.HomePass = (*HomePassService)(&c.common)
	c.Network = (*NetworkService)(&c.common)
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
