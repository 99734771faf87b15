package plumetest

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/internal/fakecloud"
)

// DefaultPartnerID is the partner of a Server started without WithPartnerID.
const DefaultPartnerID = fakecloud.DefaultPartnerID

// Server is a fake Plume Cloud listening on a loopback port. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the API base URL, /api included: what plume.WithBaseURL takes.
	URL string
	// TokenURL is the OAuth token endpoint (Credentials().TokenURL).
	TokenURL string
	// IntrospectURL is the OAuth token introspection endpoint.
	IntrospectURL string

	cloud *fakecloud.Cloud
	http  *httptest.Server
	tb    testing.TB // nil for a Server from Start
}

// Option configures a Server.
type Option func(*settings)

// settings is what the options set: the fake cloud's configuration and the request hook.
type settings struct {
	cfg  fakecloud.Config
	hook func(*http.Request)
}

// WithPartnerID sets the partner the Server's credentials act for (DefaultPartnerID when not set).
func WithPartnerID(id string) Option {
	return func(s *settings) { s.cfg.PartnerID = id }
}

// WithTokenTTL sets the expires_in of issued tokens (10 minutes when not set); a bearer
// older than that answers 401.
func WithTokenTTL(d time.Duration) Option {
	return func(s *settings) { s.cfg.TokenTTL = d }
}

// WithWAF sets the WAF's quota of API requests per fixed window (2000 per 5 minutes when not
// set); past it the API answers an HTML 403. A quota of 0 or less turns the WAF off.
func WithWAF(quota int, window time.Duration) Option {
	return func(s *settings) {
		s.cfg.WAFQuota, s.cfg.WAFWindow = quota, window
		if quota <= 0 {
			s.cfg.WAFQuota = -1
		}
	}
}

// WithClock sets the Server's one clock (time.Now when not set): timestamps, token expiry,
// the WAF window and every timed state (reboots, firmware upgrades, speed tests, forced
// steering), so that a test can move time without waiting (see ManualClock).
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.cfg.Now = now }
}

// WithReferenceShapes makes the Server answer in the shapes of Plume's swagger-derived
// reference wherever they differ from the guides' (docs/plume-api-errata.md): {} for a
// location create, a customer delete, a service-level PATCH and a WAN PUT; node statuses
// without serialNumber or model, wrapped twice in a list; the reference's claim items; the
// register answer without partnerId; the checkpoint wrapped twice; a one-location list as one
// object. Requests are read in both readings with or without it (rename by PUT or POST,
// unclaim options in the body or the query, /partners/ or /Partners/, form or JSON bodies),
// so code can be run against both shapes.
func WithReferenceShapes() Option {
	return func(s *settings) { s.cfg.ReferenceShapes = true }
}

// Start starts a Server on 127.0.0.1 for a program; stop it with Close.
func Start(opts ...Option) (*Server, error) {
	var set settings
	for _, opt := range opts {
		if opt != nil {
			opt(&set)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("plumetest: listening on loopback: %w", err)
	}
	cloud := fakecloud.New(set.cfg)
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: set.handler(cloud), ReadHeaderTimeout: 10 * time.Second}}
	hs.Start()
	return &Server{
		URL:           hs.URL + fakecloud.APIPrefix,
		TokenURL:      hs.URL + fakecloud.TokenPath,
		IntrospectURL: hs.URL + fakecloud.IntrospectPath,
		cloud:         cloud,
		http:          hs,
	}, nil
}

// NewServer starts a Server for a test and closes it when the test ends. Seeding mistakes
// (an unknown location or serial) are reported to tb as errors.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// Close stops the Server, waiting for the requests in flight.
func (s *Server) Close() { s.http.Close() }

// Credentials returns the OAuth client credentials the token endpoint accepts, PartnerID
// included.
func (s *Server) Credentials() plume.Credentials {
	c := s.cloud.DefaultCredential()
	return plume.Credentials{TokenURL: s.TokenURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, PartnerID: c.PartnerID}
}

// AddCredentials registers another OAuth client, for partnerID (made known, unlocked, when it
// is not), and returns its credentials: a second client acting for another partner is how
// tests reach the 401/403 answers of the cloud's partner scoping.
func (s *Server) AddCredentials(partnerID string) plume.Credentials {
	c := fakecloud.Credential{ClientID: "0oa" + rand.Text()[:17], ClientSecret: rand.Text() + rand.Text(), PartnerID: partnerID}
	s.cloud.AddCredential(c)
	return plume.Credentials{TokenURL: s.TokenURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, PartnerID: partnerID}
}

// Client returns a client of the Server: plume.NewClient with WithBaseURL(s.URL) and
// WithCredentials(s.Credentials()), then opts. NewClient cannot fail with those two; if one
// of opts is invalid, a Server from NewServer fails its test and one from Start panics.
func (s *Server) Client(opts ...plume.Option) *plume.Client {
	all := append([]plume.Option{plume.WithBaseURL(s.URL), plume.WithCredentials(s.Credentials())}, opts...)
	c, err := plume.NewClient(all...)
	if err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Fatalf("plumetest: Server.Client: %v", err)
		}
		panic("plumetest: Server.Client: " + err.Error())
	}
	return c
}

// AddInventory puts pods (leaf nodes) in the partner's inventory, unclaimed.
func (s *Server) AddInventory(serials ...string) {
	s.cloud.AddInventory(s.partnerID(), serials...)
}

// AddGateways puts residential gateways in the partner's inventory: residentialGateway true,
// not counted by numPodsAuthorized.
func (s *Server) AddGateways(serials ...string) {
	s.cloud.AddGateways(s.partnerID(), serials...)
}

// AddPartnerInventory puts pods in another partner's inventory (see AddCredentials).
func (s *Server) AddPartnerInventory(partnerID string, serials ...string) {
	s.cloud.AddInventory(partnerID, serials...)
}

// AddPartner makes another partner id known to the cloud, or changes its locked flag: a
// locked partner's register answers 403.
func (s *Server) AddPartner(partnerID string, locked bool) {
	s.cloud.AddPartner(partnerID, locked)
}

// SetMonitorMode sets a location's monitorMode.enable; claims there answer 422 while it is on.
func (s *Server) SetMonitorMode(customerID, locationID string, on bool) {
	s.report(s.cloud.SetMonitorMode(customerID, locationID, on))
}

// SetPodQuota sets a location's numPodsAuthorized (32 at creation): the number of leaf pods,
// gateways not counted, it may have claimed.
func (s *Server) SetPodQuota(customerID, locationID string, n int) {
	s.report(s.cloud.SetPodQuota(customerID, locationID, n))
}

// SetNodeOnline flags a node online, which makes its unclaim answer 403, or offline. A
// claimed node is connected while it is online, not rebooting and not upgrading; a node is
// offline until this says otherwise.
func (s *Server) SetNodeOnline(serial string, online bool) {
	s.report(s.cloud.SetNodeOnline(serial, online))
}

// SetAutoProvisioned sets a customer's autoProvisioned flag: deleting the last location of
// such a customer leaves it with none, instead of a fresh "Home".
func (s *Server) SetAutoProvisioned(customerID string, on bool) {
	s.report(s.cloud.SetAutoProvisioned(customerID, on))
}

// report hands a seeding error to the test, if there is one; a Server from Start ignores it.
func (s *Server) report(err error) {
	if err != nil && s.tb != nil {
		s.tb.Helper()
		s.tb.Error(ownError(err))
	}
}

func (s *Server) partnerID() string { return s.cloud.DefaultCredential().PartnerID }
