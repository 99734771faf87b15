package plumetest_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// fast are client options for tests: no client-side throttling, no retry waits.
var fast = []plume.Option{
	plume.WithRateLimit(math.Inf(1), 1),
	plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}),
}

func TestServerEndpoints(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithPartnerID("mocha-partner"))
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	assert.True(t, strings.HasSuffix(srv.URL, "/api"), srv.URL)
	base := strings.TrimSuffix(srv.URL, "/api")
	assert.Equal(t, base+"/oauth2/default/v1/token", srv.TokenURL)
	assert.Equal(t, base+"/oauth2/default/v1/introspect", srv.IntrospectURL)

	creds := srv.Credentials()
	assert.Equal(t, srv.TokenURL, creds.TokenURL)
	assert.Equal(t, "mocha-partner", creds.PartnerID)
	assert.NotEmpty(t, creds.ClientID)
	assert.NotEmpty(t, creds.ClientSecret)
	assert.False(t, strings.Contains(fmt.Sprintf("%v %+v %#v", creds, &creds, creds), creds.ClientSecret), "a secret leaked")

	assert.Equal(t, plumetest.DefaultPartnerID, plumetest.NewServer(t).Credentials().PartnerID)
}

func TestClientAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	srv.AddGateways("GW1")
	srv.AddInventory("POD1")
	c := srv.Client(fast...)
	ctx := t.Context()

	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-000001", Email: "ann@example.com"})
	require.NoError(t, err)
	for _, serial := range []string{"GW1", "POD1"} {
		_, err = c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: serial})
		require.NoError(t, err, serial)
	}

	cu, ok := srv.Customer(reg.ID)
	require.True(t, ok)
	assert.Equal(t, "crm-000001", cu.AccountID)
	assert.Equal(t, plumetest.DefaultPartnerID, cu.PartnerID)
	assert.Len(t, srv.Customers(), 1)
	loc, ok := srv.Location(reg.LocationID)
	require.True(t, ok)
	assert.Equal(t, "Home", loc.Name)
	assert.Len(t, srv.Locations(), 1)
	gw, _ := srv.Node("GW1")
	assert.True(t, gw.Gateway)
	assert.Equal(t, reg.LocationID, gw.LocationID)
	assert.Len(t, srv.Nodes(), 2)
	assert.Equal(t, 2, srv.Licenses())

	assert.Equal(t, 1, srv.RequestCount("POST /Customers/register"))
	assert.Equal(t, 2, srv.RequestCount("POST /Customers/{id}/locations/{id}/nodes"))
	assert.Equal(t, 3, srv.TotalRequests())
	assert.Equal(t, 1, srv.TokenFetches(), "one token, cached")
	assert.Equal(t, 1, srv.RequestCounts()[plumetest.TokenRoute])
	srv.ResetCounts()
	assert.Zero(t, srv.TotalRequests())
}

func TestSeeding(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	srv.AddInventory("POD1", "POD2")
	c := srv.Client(fast...)
	ctx := t.Context()
	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-000001"})
	require.NoError(t, err)

	srv.SetMonitorMode(reg.ID, reg.LocationID, true)
	_, err = c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "POD1"})
	assert.ErrorIs(t, err, plume.ErrClaimRejected)
	srv.SetMonitorMode(reg.ID, reg.LocationID, false)

	srv.SetPodQuota(reg.ID, reg.LocationID, 1)
	_, err = c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "POD1"})
	require.NoError(t, err)
	_, err = c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "POD2"})
	assert.ErrorIs(t, err, plume.ErrClaimRejected)
	loc, _ := srv.Location(reg.LocationID)
	assert.Equal(t, 1, loc.PodQuota)

	srv.SetNodeOnline("POD1", true)
	err = c.Nodes.Unclaim(ctx, reg.ID, reg.LocationID, "POD1", nil)
	assert.ErrorIs(t, err, plume.ErrForbidden)
	srv.SetNodeOnline("POD1", false)
	require.NoError(t, c.Nodes.Unclaim(ctx, reg.ID, reg.LocationID, "POD1", nil))

	srv.AddPartner(plumetest.DefaultPartnerID, true)
	_, err = c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-000002"})
	assert.ErrorIs(t, err, plume.ErrPartnerLocked)

	srv.SetAutoProvisioned(reg.ID, true)
	require.NoError(t, c.Locations.Delete(ctx, reg.ID, reg.LocationID))
	locs, err := c.Locations.List(ctx, reg.ID)
	require.NoError(t, err)
	assert.Empty(t, locs, "an autoProvisioned customer keeps no location")
}

// recorder is a testing.TB that keeps the errors reported to it.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func (r *recorder) Errorf(format string, args ...any) { r.Error(fmt.Sprintf(format, args...)) }

func TestSeedingMistakesAreReported(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	srv := plumetest.NewServer(rec)
	srv.SetMonitorMode("nope", "nope", true)
	srv.SetPodQuota("nope", "nope", 3)
	srv.SetNodeOnline("NOSUCH", true)
	srv.SetAutoProvisioned("nope", true)
	require.Len(t, rec.errors, 4)
	for _, e := range rec.errors {
		assert.True(t, strings.HasPrefix(e, "plumetest: "), e)
	}

	started, err := plumetest.Start()
	require.NoError(t, err)
	defer started.Close()
	started.SetNodeOnline("NOSUCH", true) // no testing.TB: ignored
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := &clock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := plumetest.NewServer(t, plumetest.WithTokenTTL(10*time.Minute), plumetest.WithClock(clock.Now))
	c := srv.Client(fast...)
	_, err := c.Customers.List(t.Context(), nil)
	require.NoError(t, err)

	clock.Advance(10 * time.Minute) // the fake expires the bearer; the SDK's own clock did not move
	_, err = c.Customers.List(t.Context(), nil)
	require.NoError(t, err, "401, then a fresh token and one retry")
	assert.Equal(t, 2, srv.TokenFetches())
	assert.Equal(t, 3, srv.RequestCount("GET /Customers"))
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestWAF(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithWAF(2, time.Hour))
	c := srv.Client(fast...)
	for range 2 {
		_, err := c.Customers.List(t.Context(), nil)
		require.NoError(t, err)
	}
	_, err := c.Customers.List(t.Context(), nil)
	var rl *plume.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.ErrorIs(t, err, plume.ErrRateLimited)
	assert.NotErrorIs(t, err, plume.ErrForbidden)

	off := plumetest.NewServer(t, plumetest.WithWAF(0, 0))
	oc := off.Client(fast...)
	for range 5 {
		_, err := oc.Customers.List(t.Context(), nil)
		require.NoError(t, err)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	srv.AddGateways("GW1")
	c := srv.Client(fast...)
	reg, err := c.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-000001"})
	require.NoError(t, err)

	require.NoError(t, srv.InjectFault(plumetest.Fault{
		Method: http.MethodPost, Path: "/api/Customers/*/locations/*/nodes", Status: http.StatusServiceUnavailable, AfterState: true,
	}))
	assert.Equal(t, 1, srv.PendingFaults())
	_, err = c.Nodes.Claim(t.Context(), reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW1"})
	assert.ErrorIs(t, err, plume.ErrClaimIncomplete)
	gw, _ := srv.Node("GW1")
	assert.Equal(t, reg.LocationID, gw.LocationID, "the claim stands")

	res, err := c.Nodes.Claim(t.Context(), reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW1"})
	require.NoError(t, err)
	assert.True(t, res.AlreadyClaimed)

	require.NoError(t, srv.InjectFault(plumetest.Fault{Path: "/api/Customers", Status: 500, Times: 5}))
	srv.ClearFaults()
	assert.Zero(t, srv.PendingFaults())

	err = srv.InjectFault(plumetest.Fault{Status: 500, Drop: true})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "plumetest: "), err.Error())
}

func TestPartnerScoping(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	other := srv.AddCredentials("p2")
	srv.AddPartnerInventory("p2", "FOREIGN")
	mine := srv.Client(fast...)
	theirs, err := plume.NewClient(append([]plume.Option{plume.WithBaseURL(srv.URL), plume.WithCredentials(other)}, fast...)...)
	require.NoError(t, err)

	_, err = mine.Nodes.Lookup(t.Context(), "FOREIGN")
	assert.ErrorIs(t, err, plume.ErrForbidden)
	found, err := theirs.Nodes.Lookup(t.Context(), "FOREIGN")
	require.NoError(t, err)
	assert.Equal(t, "p2", found.PartnerID)
}

func TestNewServerClosesOnCleanup(t *testing.T) {
	t.Parallel()
	var url string
	t.Run("inner", func(t *testing.T) {
		srv := plumetest.NewServer(t)
		url = srv.URL
		res, err := http.Get(url + "/Customers")
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})
	_, err := http.Get(url + "/Customers")
	assert.Error(t, err, "closed when the test ended")
}

func TestClientWithBadOptionFailsTheTest(t *testing.T) {
	t.Parallel()
	started, err := plumetest.Start()
	require.NoError(t, err)
	defer started.Close()
	assert.PanicsWithValue(t, "plumetest: Server.Client: "+errorOf(plume.NewClient(plume.WithRateLimit(-1, 1))), func() {
		started.Client(plume.WithRateLimit(-1, 1))
	})
}

func errorOf(_ *plume.Client, err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
