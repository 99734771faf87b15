package plume_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Tests of Client.OnboardWithHooks: the steps the hooks see, skip and stop, and what Onboard
// reads back on a resume instead of sending a step again.

// staticRequest is fullRequest with a static IPv4, so that every step is present.
func staticRequest() plume.OnboardRequest {
	req := fullRequest()
	req.StaticIPv4 = &plume.StaticIPv4{Enabled: true, IP: "192.168.12.250", Subnet: "255.255.255.0", Gateway: "192.168.12.1", PrimaryDNS: "8.8.8.8"}
	return req
}

// writes returns the counts of the requests that change state (not GET, not the token).
func writes(counts map[string]int) map[string]int {
	out := map[string]int{}
	for route, n := range counts {
		if !strings.HasPrefix(route, "GET ") && !strings.Contains(route, "/token") {
			out[route] = n
		}
	}
	return out
}

// stepRecorder is a hook that records each step with its outcome and sends it.
type stepRecorder struct {
	steps    []string
	outcomes []error
	seen     []plume.OnboardStep
}

func (r *stepRecorder) hook(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
	r.steps = append(r.steps, st.String())
	r.seen = append(r.seen, st)
	err := send(ctx)
	r.outcomes = append(r.outcomes, err)
	return err
}

func TestOnboardWithHooksSeesEveryStepThatChangesState(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	rec := &stepRecorder{}
	res, err := c.OnboardWithHooks(t.Context(), staticRequest(), &plume.OnboardHooks{Step: rec.hook})
	require.NoError(t, err)

	assert.Equal(t, []string{
		"register", "service-id", "static-ipv4", "wifi", "claim GW0001", "claim POD001", "claim POD002", "checkpoint", "email",
	}, rec.steps)
	for i, err := range rec.outcomes {
		assert.NoError(t, err, rec.steps[i])
	}
	assert.Equal(t, plume.OnboardStep{Name: plume.StepRegister}, rec.seen[0], "nothing known before the register")
	for _, st := range rec.seen[1:] {
		assert.Equal(t, res.CustomerID, st.CustomerID, st.String())
		assert.Equal(t, res.LocationID, st.LocationID, st.String())
		assert.False(t, st.Resumed, st.String())
	}
	assert.Equal(t, "GW0001", rec.seen[4].Serial)
	assert.Equal(t, 9, srv.TotalRequests(), "Onboard's calls, no more: %v", srv.RequestCounts())
	assert.Empty(t, res.Skipped)
}

func TestOnboardWithNilHooksIsOnboard(t *testing.T) {
	t.Parallel()
	for name, hooks := range map[string]*plume.OnboardHooks{"nil": nil, "nil Step": {}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := flowServer(t)
			res, err := c.OnboardWithHooks(t.Context(), fullRequest(), hooks)
			require.NoError(t, err)
			assert.Equal(t, 8, srv.TotalRequests())
			assert.True(t, res.EmailVerified)
		})
	}
}

// TestOnboardHooksSkipSteps skips the checkpoint, the mail and a claim: none is sent, the
// result lists them, and the flow goes on after each.
func TestOnboardHooksSkipSteps(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := fullRequest()
	req.EmailVerification = plume.SendEmailVerification
	skip := map[string]bool{"claim POD001": true, "checkpoint": true, "email": true}
	res, err := c.OnboardWithHooks(t.Context(), req, &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
		if skip[st.String()] {
			return nil
		}
		return send(ctx)
	}})
	require.NoError(t, err)
	assert.Equal(t, []string{"claim POD001", "checkpoint", "email"}, res.Skipped)
	assert.Nil(t, res.Checkpoint)
	assert.False(t, res.VerificationSent)
	require.Len(t, res.Nodes, 2)
	assert.Equal(t, "GW0001", res.Nodes[0].Serial)
	assert.Equal(t, "POD002", res.Nodes[1].Serial)

	st := stateOf(t, srv, req.AccountID)
	assert.Equal(t, []string{"GW0001", "POD002"}, st.NodesHere)
	assert.Empty(t, st.Checkpoint)
	assert.Equal(t, 0, srv.RequestCount("POST /Customers/{id}/locations/{id}/onboardingCheckpoint"))
	assert.Equal(t, 0, srv.RequestCount("POST /Customers/resendEmailVerification"))
	assert.Equal(t, 2, srv.RequestCount("POST /Customers/{id}/locations/{id}/nodes"))
}

// TestOnboardHooksSkipTheRegister: a skipped register is taken to mean the customer exists.
func TestOnboardHooksSkipTheRegister(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := fullRequest()
	first, err := c.Onboard(t.Context(), req)
	require.NoError(t, err)
	srv.ResetCounts()

	rec := &stepRecorder{}
	res, err := c.OnboardWithHooks(t.Context(), req, &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
		if st.Name == plume.StepRegister {
			return nil
		}
		return rec.hook(ctx, st, send)
	}})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, first.CustomerID, res.CustomerID)
	assert.Equal(t, []string{"register"}, res.Skipped)
	assert.Equal(t, []string{"checkpoint"}, rec.steps, "the rest read back")
	assert.Equal(t, 0, srv.RequestCount("POST /Customers/register"))
}

// TestOnboardHooksStopTheFlow: an error from the hook before send stops the flow at that step
// with nothing sent for it; after send, the step is done and the flow stops after it.
func TestOnboardHooksStopTheFlow(t *testing.T) {
	t.Parallel()
	errStop := errors.New("journal full")
	for _, tc := range []struct {
		name      string
		afterSend bool
		nodesHere []string
	}{
		{"before send", false, []string{"GW0001"}},
		{"after send", true, []string{"GW0001", "POD001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := flowServer(t)
			req := fullRequest()
			res, err := c.OnboardWithHooks(t.Context(), req, &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
				if st.String() != "claim POD001" {
					return send(ctx)
				}
				if tc.afterSend {
					if err := send(ctx); err != nil {
						return err
					}
				}
				return errStop
			}})
			var oe *plume.OnboardError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "claim POD001", oe.Step)
			assert.ErrorIs(t, err, errStop)
			require.NotNil(t, res)
			require.Len(t, res.Nodes, 2)
			assert.Equal(t, tc.afterSend, res.Nodes[1].Err == nil, "the claim's fate")
			st := stateOf(t, srv, req.AccountID)
			assert.Equal(t, tc.nodesHere, st.NodesHere)
			assert.Empty(t, st.Checkpoint, "never complete with a step missing")

			res, err = c.Onboard(t.Context(), req)
			require.NoError(t, err, "a rerun resumes")
			assert.True(t, res.Resumed)
			assert.Equal(t, []string{"GW0001", "POD001", "POD002"}, stateOf(t, srv, req.AccountID).NodesHere)
		})
	}
}

// TestOnboardHooksCannotHideAFailure: a step that failed stops the flow even when the hook
// returns nil.
func TestOnboardHooksCannotHideAFailure(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/*/locations/*/onboardingCheckpoint", Status: 502}))
	var sendErr error
	_, err := c.OnboardWithHooks(t.Context(), fullRequest(), &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
		err := send(ctx)
		if st.Name == plume.StepCheckpoint {
			sendErr = err
			return nil
		}
		return err
	}})
	var oe *plume.OnboardError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, plume.StepCheckpoint, oe.Step)
	require.Error(t, sendErr)
	assert.ErrorIs(t, err, plume.ErrServer)
	assert.Equal(t, 0, srv.RequestCount("PATCH /Customers/{id}"), "the flow stopped before the email")
}

// TestOnboardHooksSendOnce: send sends once, and never after the hook returned.
func TestOnboardHooksSendOnce(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	var second error
	var late func(context.Context) error
	_, err := c.OnboardWithHooks(t.Context(), plume.OnboardRequest{AccountID: "crm-000900", Gateway: "GW0001"}, &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
		err := send(ctx)
		if st.Name == plume.StepCheckpoint {
			second = send(ctx)
			late = send
		}
		return err
	}})
	require.NoError(t, err)
	assert.ErrorContains(t, second, "send called twice")
	assert.ErrorContains(t, late(t.Context()), "send called after OnboardHooks.Step returned")
	assert.Equal(t, 1, srv.RequestCount("POST /Customers/{id}/locations/{id}/onboardingCheckpoint"))
}

// TestOnboardHooksChooseTheStepsContext: a step the hook runs under a context not cancelled
// with the flow's gets its answer although the flow's context is cancelled meanwhile; the
// flow stops at the next step.
func TestOnboardHooksChooseTheStepsContext(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var checkpointErr error
	req := fullRequest()
	res, err := c.OnboardWithHooks(ctx, req, &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
		if st.Name != plume.StepCheckpoint {
			return send(ctx)
		}
		cancel() // a Ctrl-C as the checkpoint leaves
		checkpointErr = send(context.WithoutCancel(ctx))
		return checkpointErr
	}})
	require.NoError(t, checkpointErr)
	require.NotNil(t, res.Checkpoint)
	assert.Equal(t, "OnboardingComplete", stateOf(t, srv, req.AccountID).Checkpoint)
	var oe *plume.OnboardError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, plume.StepEmail, oe.Step)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestOnboardResumeReadsBackWhatTheAPIShows runs a completed onboarding again: the second run
// sends only what cannot be read back (the register, answered 409, and the checkpoint), and
// reads the rest.
func TestOnboardResumeReadsBackWhatTheAPIShows(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := staticRequest()
	_, err := c.Onboard(t.Context(), req)
	require.NoError(t, err)
	want := stateOf(t, srv, req.AccountID)
	srv.ResetCounts()

	rec := &stepRecorder{}
	res, err := c.OnboardWithHooks(t.Context(), req, &plume.OnboardHooks{Step: rec.hook})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, []string{"register", "checkpoint"}, rec.steps)
	assert.Equal(t, map[string]int{
		"POST /Customers/register":                                 1,
		"POST /Customers/{id}/locations/{id}/onboardingCheckpoint": 1,
	}, writes(srv.RequestCounts()))
	reads := map[string]int{}
	for route, n := range srv.RequestCounts() {
		if strings.HasPrefix(route, "GET ") {
			reads[route] = n
		}
	}
	assert.Equal(t, map[string]int{
		"GET /Partners/customers/search/{id}":                 1, // FindByAccountID
		"GET /Customers/{id}/locations":                       1,
		"GET /Customers/{id}/locations/{id}/wanConfiguration": 1,
		"GET /Customers/{id}/locations/{id}/wifiNetwork":      1,
		"GET /Customers/{id}/locations/{id}/nodes":            1,
		"GET /Customers/{id}":                                 1,
	}, reads)
	assert.True(t, res.WifiKept)
	assert.True(t, res.EmailVerified)
	for _, n := range res.Nodes {
		assert.True(t, n.AlreadyClaimed, n.Serial)
	}
	assert.Equal(t, want, stateOf(t, srv, req.AccountID))
}

// TestOnboardResumeSendsWhatDiffers: on a resume, a static IPv4 or (with ReplaceWifi) a WiFi
// network that differs is sent again, a node missing is claimed, and an unverified email is
// marked.
func TestOnboardResumeSendsWhatDiffers(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := staticRequest()
	req.Extenders = []string{"POD001"}
	req.EmailVerification = plume.EmailVerificationNone
	_, err := c.Onboard(t.Context(), req)
	require.NoError(t, err)
	srv.ResetCounts()

	req.StaticIPv4.IP = "192.168.12.251"
	req.Wifi.EncryptionKey = "another-horse-9"
	req.ReplaceWifi = true
	req.Extenders = []string{"POD001", "POD002"}
	req.EmailVerification = plume.MarkEmailVerified
	rec := &stepRecorder{}
	res, err := c.OnboardWithHooks(t.Context(), req, &plume.OnboardHooks{Step: rec.hook})
	require.NoError(t, err)
	assert.Equal(t, []string{"register", "static-ipv4", "wifi", "claim POD002", "checkpoint", "email"}, rec.steps)
	assert.Equal(t, map[string]int{
		"POST /Customers/register":                                 1,
		"PUT /Customers/{id}/locations/{id}/wanConfiguration":      1,
		"PUT /Customers/{id}/locations/{id}/wifiNetwork":           1,
		"POST /Customers/{id}/locations/{id}/nodes":                1,
		"POST /Customers/{id}/locations/{id}/onboardingCheckpoint": 1,
		"PATCH /Customers/{id}":                                    1,
	}, writes(srv.RequestCounts()))
	assert.False(t, res.WifiKept)
	st := stateOf(t, srv, req.AccountID)
	assert.Equal(t, "192.168.12.251", st.StaticIP)
	assert.Equal(t, []string{"GW0001", "POD001", "POD002"}, st.NodesHere)
	assert.True(t, st.EmailVerified)
}

// TestOnboardResumeSendsNoMailToAVerifiedCustomer: the mail is not sent again once the
// customer verified the address; before that, only hooks keep it from going out twice.
func TestOnboardResumeSendsNoMailToAVerifiedCustomer(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := fullRequest()
	req.EmailVerification = plume.SendEmailVerification
	first, err := c.Onboard(t.Context(), req)
	require.NoError(t, err)
	require.True(t, first.VerificationSent)

	res, err := c.Onboard(t.Context(), req)
	require.NoError(t, err)
	assert.True(t, res.VerificationSent, "an unverified customer looks the same before and after the mail: sent again")

	_, err = c.Customers.MarkEmailVerified(t.Context(), first.CustomerID)
	require.NoError(t, err)
	srv.ResetCounts()
	res, err = c.Onboard(t.Context(), req)
	require.NoError(t, err)
	assert.False(t, res.VerificationSent)
	assert.True(t, res.EmailVerified)
	assert.Equal(t, 0, srv.RequestCount("POST /Customers/resendEmailVerification"))
}

// journal is the smallest record a caller keeps to send the checkpoint and the mail at most
// once: the steps begun, by account.
type journal struct{ begun map[string]bool }

func (j *journal) hooks(accountID string) *plume.OnboardHooks {
	return &plume.OnboardHooks{Step: func(ctx context.Context, st plume.OnboardStep, send func(context.Context) error) error {
		if st.Name != plume.StepCheckpoint && st.Name != plume.StepEmail {
			return send(ctx)
		}
		key := accountID + " " + st.Name
		if j.begun[key] {
			return nil // begun by an earlier run: it may have reached Plume
		}
		j.begun[key] = true // (on stable storage, before the request)
		return send(ctx)
	}}
}

func TestOnboardHooksKeepTheMailToOne(t *testing.T) {
	t.Parallel()
	srv, c := flowServer(t)
	req := fullRequest()
	req.EmailVerification = plume.SendEmailVerification
	j := &journal{begun: map[string]bool{}}
	// The first run dies as the mail is answered: the mail went out, the run never knew.
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "POST", Path: "/api/Customers/resendEmailVerification", Status: 500, AfterState: true}))
	_, err := c.OnboardWithHooks(t.Context(), req, j.hooks(req.AccountID))
	require.ErrorIs(t, err, plume.ErrServer)

	res, err := c.OnboardWithHooks(t.Context(), req, j.hooks(req.AccountID))
	require.NoError(t, err)
	assert.Equal(t, []string{"checkpoint", "email"}, res.Skipped)
	cu, ok := srv.Customer(res.CustomerID)
	require.True(t, ok)
	assert.Equal(t, 1, cu.VerificationEmails)
	assert.Equal(t, 1, srv.RequestCount("POST /Customers/{id}/locations/{id}/onboardingCheckpoint"))
}

func TestOnboardRequestValidateNamesTheSerialsField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		req   plume.OnboardRequest
		field string
	}{
		{plume.OnboardRequest{AccountID: "crm-000001", Gateway: "."}, "Gateway"},
		{plume.OnboardRequest{AccountID: "crm-000001", Gateway: "GW1", Extenders: []string{".."}}, "Extenders"},
		{plume.OnboardRequest{AccountID: "crm-000001", Extenders: []string{"."}}, "Extenders"},
		{plume.OnboardRequest{AccountID: "crm-000001", Gateway: "GW1", Extenders: []string{"GW1"}}, "Extenders"},
		{plume.OnboardRequest{AccountID: "crm-000001", Name: `Ada "A"`, ServiceID: `svc"1`}, "Name"},
	} {
		var ve *plume.ValidationError
		require.ErrorAs(t, tc.req.Validate(), &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
}

func TestOnboardStepString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "claim GW1", plume.OnboardStep{Name: plume.StepClaim, Serial: "GW1"}.String())
	assert.Equal(t, "checkpoint", plume.OnboardStep{Name: plume.StepCheckpoint, CustomerID: "c"}.String())
}

// OnboardWithHooks lets a caller keep a record of the steps that cannot be read back (the
// checkpoint, the verification mail), so that a run after a crash never sends them twice.
func ExampleClient_OnboardWithHooks() {
	srv, err := plumetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddGateways("GW0001")
	client := srv.Client()
	req := plume.OnboardRequest{AccountID: "crm-000125", Gateway: "GW0001", EmailVerification: plume.SendEmailVerification}

	begun := map[string]bool{} // keep it on stable storage, written before each request
	hooks := &plume.OnboardHooks{Step: func(ctx context.Context, step plume.OnboardStep, send func(context.Context) error) error {
		if step.Name != plume.StepCheckpoint && step.Name != plume.StepEmail {
			return send(ctx) // Onboard reads the others back on a rerun
		}
		if begun[step.Name] {
			return nil // an earlier run sent it, or may have: skip
		}
		begun[step.Name] = true
		err := send(ctx)
		fmt.Printf("%s: %v\n", step, err)
		return err
	}}
	for range 2 {
		res, err := client.OnboardWithHooks(context.Background(), req, hooks)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("resumed:", res.Resumed, "skipped:", res.Skipped)
	}
	// Output:
	// checkpoint: <nil>
	// email: <nil>
	// resumed: false skipped: []
	// resumed: true skipped: [checkpoint email]
}
