package plume_test

import (
	"errors"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// flowServer is a fake cloud with a gateway and two pods in inventory, and a client without
// retries so that an injected failure reaches the flow.
func flowServer(t *testing.T) (*plumetest.Server, *plume.Client) {
	t.Helper()
	srv := plumetest.NewServer(t)
	srv.AddGateways("GW0001", "GW0002")
	srv.AddInventory("POD001", "POD002", "POD003")
	return srv, srv.Client(plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}), plume.WithRateLimit(math.Inf(1), 1))
}

// fullRequest onboards with every option the minimal-call count is defined on.
func fullRequest() plume.OnboardRequest {
	return plume.OnboardRequest{
		AccountID:         "crm-000123",
		Name:              "Ada Lovelace",
		Email:             "ada@example.com",
		ServiceID:         "svc-000123",
		Wifi:              &plume.WifiNetworkRequest{SSID: "Lovelace", EncryptionKey: "correct-horse-9", WPAMode: plume.WPAPSK2},
		Gateway:           "GW0001",
		Extenders:         []string{"POD001", "POD002"},
		EmailVerification: plume.MarkEmailVerified,
	}
}

// endState is what an onboarding leaves in the fake cloud, ids left out.
type endState struct {
	Customers     int
	EmailVerified bool
	ServiceID     string
	Checkpoint    string
	SSID          string
	StaticIP      string
	NodesHere     []string
	Licenses      int
}

func stateOf(t *testing.T, srv *plumetest.Server, accountID string) endState {
	t.Helper()
	var st endState
	var customerID string
	for _, cu := range srv.Customers() {
		if cu.AccountID == accountID {
			st.Customers++
			st.EmailVerified = cu.EmailVerified
			customerID = cu.ID
		}
	}
	for _, loc := range srv.Locations() {
		if loc.CustomerID != customerID || loc.Archived {
			continue
		}
		st.ServiceID, st.Checkpoint = loc.ServiceID, loc.Checkpoint
		if loc.Wifi != nil {
			st.SSID = loc.Wifi.SSID
		}
		if loc.StaticIPv4 != nil {
			st.StaticIP = loc.StaticIPv4.IP
		}
		for _, n := range srv.Nodes() {
			if n.LocationID == loc.ID {
				st.NodesHere = append(st.NodesHere, n.Serial)
			}
		}
	}
	st.Licenses = srv.Licenses()
	return st
}

func TestOnboardHappyPathMakesTheMinimalCalls(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	res, err := c.Onboard(t.Context(), fullRequest())
	require.NoError(t, err)

	assert.Equal(t, 8, srv.TotalRequests(), "register, serviceId, wifi, 3 claims, checkpoint, email: %v", srv.RequestCounts())
	assert.Equal(t, 1, srv.TokenFetches())
	assert.False(t, res.Resumed)
	assert.NotEmpty(t, res.CustomerID)
	assert.NotEmpty(t, res.LocationID)
	require.Len(t, res.Nodes, 3)
	for _, n := range res.Nodes {
		assert.NoError(t, n.Err)
		assert.False(t, n.AlreadyClaimed)
	}
	assert.Equal(t, "Lovelace", res.Wifi.SSID)
	assert.Equal(t, plume.OnboardingComplete, res.Checkpoint.Value)
	assert.True(t, res.EmailVerified)

	assert.Equal(t, endState{
		Customers: 1, EmailVerified: true, ServiceID: "svc-000123", Checkpoint: "OnboardingComplete",
		SSID: "Lovelace", NodesHere: []string{"GW0001", "POD001", "POD002"}, Licenses: 3,
	}, stateOf(t, srv, "crm-000123"))
}

func TestOnboardOmittedOptionsMakeNoCall(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	_, err := c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-000200", Gateway: "GW0001"})
	require.NoError(t, err)
	assert.Equal(t, 3, srv.TotalRequests(), "register, claim, checkpoint: %v", srv.RequestCounts())

	_, err = c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-000201", Gateway: "GW0002", EmailVerification: plume.SendEmailVerification, Email: "x@example.com"})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.RequestCount("POST /Customers/resendEmailVerification"))
}

func TestOnboardValidatesBeforeAnyCall(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	bad := []plume.OnboardRequest{
		{},
		{AccountID: `crm"1`},
		{AccountID: "crm-1", Wifi: &plume.WifiNetworkRequest{SSID: "x", EncryptionKey: "short"}},
		{AccountID: "crm-1", Gateway: "GW0001", Extenders: []string{"GW0001"}},
		{AccountID: "crm-1", Checkpoint: "Done"},
		{AccountID: "crm-1", EmailVerification: "maybe"},
		{AccountID: "crm-1", StaticIPv4: &plume.StaticIPv4{Enabled: true, IP: "300.1.1.1", Subnet: "255.255.255.0", Gateway: "10.0.0.1"}},
	}
	for _, req := range bad {
		_, err := c.Onboard(t.Context(), req)
		assert.ErrorIs(t, err, plume.ErrInvalidInput)
	}
	assert.Equal(t, 0, srv.TotalRequests())
	assert.Equal(t, 0, srv.TokenFetches())
}

// TestOnboardResumesAfterAFailureAtEachStep fails each step in turn, reruns the same request,
// and compares the end state with an uninterrupted run.
func TestOnboardResumesAfterAFailureAtEachStep(t *testing.T) {
	t.Parallel()
	req := fullRequest()
	req.StaticIPv4 = &plume.StaticIPv4{Enabled: true, IP: "192.168.12.250", Subnet: "255.255.255.0", Gateway: "192.168.12.1", PrimaryDNS: "8.8.8.8"}
	want := endState{
		Customers: 1, EmailVerified: true, ServiceID: "svc-000123", Checkpoint: "OnboardingComplete",
		SSID: "Lovelace", StaticIP: "192.168.12.250", NodesHere: []string{"GW0001", "POD001", "POD002"}, Licenses: 3,
	}
	for _, tc := range []struct {
		step  string
		fault plumetest.Fault
	}{
		// The state changes and the answer is lost: the worst case for a POST.
		{"register", plumetest.Fault{Method: "POST", Path: "/api/Customers/register", Status: 500, AfterState: true}},
		{"service-id", plumetest.Fault{Method: "PATCH", Path: "/api/Customers/*/locations/*", Status: 503}},
		{"static-ipv4", plumetest.Fault{Method: "PUT", Path: "/api/Customers/*/locations/*/wanConfiguration", Drop: true, AfterState: true}},
		{"wifi", plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/wifiNetwork", Status: 500, AfterState: true}},
		{"claim GW0001", plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Status: 500, AfterState: true}},
		{"claim POD002", plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Status: 500, Times: 1, AfterState: true}},
		{"checkpoint", plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/onboardingCheckpoint", Status: 502}},
		{"email", plumetest.Fault{Method: "PATCH", Path: "/api/Customers/*", Status: 500}},
	} {
		t.Run(tc.step, func(t *testing.T) {
			t.Parallel()
			srv, c := flowServer(t)
			if tc.step == "claim POD002" {
				// Let the gateway and the first pod through.
				require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Times: 2}))
			}
			require.NoError(t, srv.InjectFault(tc.fault))
			res, err := c.Onboard(t.Context(), req)
			var oe *plume.OnboardError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tc.step, oe.Step)
			require.NotNil(t, res, "a partial result comes with the error")
			if tc.step != "register" {
				assert.NotEmpty(t, res.CustomerID)
			}
			if tc.step != "checkpoint" && tc.step != "email" {
				assert.NotEqual(t, "OnboardingComplete", stateOf(t, srv, req.AccountID).Checkpoint,
					"never complete with a step missing")
			}

			res, err = c.Onboard(t.Context(), req)
			require.NoError(t, err)
			assert.Equal(t, tc.step == "register" || res.Resumed, res.Resumed)
			assert.Equal(t, want, stateOf(t, srv, req.AccountID))
		})
	}
}

func TestOnboardNodeOwnedElsewhere(t *testing.T) {
	t.Parallel()
	for _, verifyFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "claim", true: "verify-first"}[verifyFirst], func(t *testing.T) {
			t.Parallel()
			srv, c := flowServer(t)
			_, err := c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-other", Gateway: "GW0002", Extenders: []string{"POD003"}})
			require.NoError(t, err)

			req := fullRequest()
			req.Extenders = []string{"POD001", "POD003"}
			req.VerifyNodesFirst = verifyFirst
			res, err := c.Onboard(t.Context(), req)
			assert.ErrorIs(t, err, plume.ErrNodeOwnedElsewhere)
			assert.ErrorIs(t, err, plume.ErrConflict)
			var oe *plume.OnboardError
			require.ErrorAs(t, err, &oe)
			if verifyFirst {
				assert.Equal(t, "verify POD003", oe.Step)
				assert.Equal(t, 0, stateOf(t, srv, req.AccountID).Customers, "nothing created")
				return
			}
			assert.Equal(t, "claim POD003", oe.Step)
			require.Len(t, res.Nodes, 3)
			assert.ErrorIs(t, res.Nodes[2].Err, plume.ErrNodeOwnedElsewhere)
			assert.Equal(t, "", stateOf(t, srv, req.AccountID).Checkpoint, "checkpoint not set with a node missing")
		})
	}
}

func TestOnboardClaim503IsCheckedAgainstTheNodes(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/nodes", Status: http.StatusServiceUnavailable, AfterState: true}))
	res, err := c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-000300", Gateway: "GW0001"})
	require.NoError(t, err)
	require.Len(t, res.Nodes, 1)
	assert.NoError(t, res.Nodes[0].Err)
	assert.Equal(t, 1, srv.RequestCount("GET /Customers/{id}/locations/{id}/nodes"))
}

func TestUnclaimForRMATwice(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	onboarded, err := c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-000400", Gateway: "GW0001", Extenders: []string{"POD001"}})
	require.NoError(t, err)

	res, err := c.UnclaimForRMA(t.Context(), "POD001")
	require.NoError(t, err)
	assert.False(t, res.AlreadyUnclaimed)
	assert.Equal(t, onboarded.CustomerID, res.CustomerID)
	assert.Equal(t, onboarded.LocationID, res.LocationID)
	node, ok := srv.Node("POD001")
	require.True(t, ok)
	assert.Empty(t, node.LocationID)

	res, err = c.UnclaimForRMA(t.Context(), "POD001")
	require.NoError(t, err)
	assert.True(t, res.AlreadyUnclaimed)

	_, err = c.UnclaimForRMA(t.Context(), "NOSUCH")
	assert.ErrorIs(t, err, plume.ErrNotFound)
}

func TestCancelTwice(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := plume.OnboardRequest{AccountID: "crm-000500", ServiceID: "svc-500", Gateway: "GW0001"}
	res, err := c.Onboard(t.Context(), req)
	require.NoError(t, err)

	require.NoError(t, c.CancelService(t.Context(), res.CustomerID, res.LocationID))
	require.NoError(t, c.CancelService(t.Context(), res.CustomerID, res.LocationID), "already archived is done")
	loc, ok := srv.Location(res.LocationID)
	require.True(t, ok)
	assert.True(t, loc.Archived)
	gw, _ := srv.Node("GW0001")
	assert.Empty(t, gw.LocationID, "archiving unclaims the nodes")

	require.NoError(t, c.CancelAccount(t.Context(), res.CustomerID))
	assert.ErrorIs(t, c.CancelAccount(t.Context(), res.CustomerID), plume.ErrNotFound)
	assert.Equal(t, 0, stateOf(t, srv, req.AccountID).Customers)
}

func TestCancelServiceByServiceID(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	res, err := c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-000600", ServiceID: "svc-600", Gateway: "GW0001"})
	require.NoError(t, err)
	require.NoError(t, c.CancelServiceByServiceID(t.Context(), "svc-600"))
	loc, _ := srv.Location(res.LocationID)
	assert.True(t, loc.Archived)
	assert.ErrorIs(t, c.CancelServiceByServiceID(t.Context(), "svc-unknown"), plume.ErrNotFound)
}

func TestSuspendAndResume(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	res, err := c.Onboard(t.Context(), plume.OnboardRequest{AccountID: "crm-000700", Gateway: "GW0001"})
	require.NoError(t, err)

	require.NoError(t, c.Suspend(t.Context(), res.CustomerID, res.LocationID, plume.NoService))
	loc, _ := srv.Location(res.LocationID)
	assert.Equal(t, "noService", loc.ServiceLevel)
	require.NoError(t, c.Suspend(t.Context(), res.CustomerID, res.LocationID, plume.BasicService))
	loc, _ = srv.Location(res.LocationID)
	assert.Equal(t, "basicService", loc.ServiceLevel)
	require.NoError(t, c.Resume(t.Context(), res.CustomerID, res.LocationID))
	loc, _ = srv.Location(res.LocationID)
	assert.Equal(t, "fullService", loc.ServiceLevel)

	err = c.Suspend(t.Context(), res.CustomerID, res.LocationID, plume.FullService)
	assert.ErrorIs(t, err, plume.ErrInvalidInput)
	assert.True(t, errors.Is(err, plume.ErrInvalidInput))
}
