package plume_test

// flows_shapes_test.go: every flow against the fake in the guides' shapes and in the
// reference's (plumetest.WithReferenceShapes), with the same end state.

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func TestFlowsInBothShapes(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]plumetest.Option{
		"guides":    nil,
		"reference": {plumetest.WithReferenceShapes()},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := plumetest.NewServer(t, opts...)
			srv.AddGateways("GW0001", "GW0002")
			srv.AddInventory("POD001", "POD002")
			c := srv.Client(plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}), plume.WithRateLimit(math.Inf(1), 1))
			ctx := t.Context()

			req := fullRequest()
			req.StaticIPv4 = &plume.StaticIPv4{Enabled: true, IP: "203.0.113.10", Subnet: "255.255.255.0", Gateway: "203.0.113.1", PrimaryDNS: "1.1.1.1"}
			res, err := c.Onboard(ctx, req)
			require.NoError(t, err)
			require.NotEmpty(t, res.CustomerID)
			require.NotEmpty(t, res.LocationID)
			assert.Equal(t, plume.OnboardingComplete, res.Checkpoint.Value)
			want := endState{Customers: 1, EmailVerified: true, ServiceID: "svc-000123", Checkpoint: "OnboardingComplete",
				SSID: "Lovelace", StaticIP: "203.0.113.10", NodesHere: []string{"GW0001", "POD001", "POD002"}, Licenses: 3}
			got := stateOf(t, srv, req.AccountID)
			assert.ElementsMatch(t, want.NodesHere, got.NodesHere)
			got.NodesHere = want.NodesHere
			assert.Equal(t, want, got)

			// Run again: it resumes, nothing twice.
			again, err := c.Onboard(ctx, req)
			require.NoError(t, err)
			assert.True(t, again.Resumed)
			assert.Equal(t, res.LocationID, again.LocationID)

			nodes, err := c.Nodes.List(ctx, res.CustomerID, res.LocationID)
			require.NoError(t, err)
			assert.Len(t, nodes, 3)
			node, err := c.Nodes.Rename(ctx, res.CustomerID, res.LocationID, "POD001", "Kitchen")
			require.NoError(t, err)
			assert.Equal(t, "Kitchen", node.Nickname)

			loc, err := c.Locations.Create(ctx, res.CustomerID, plume.LocationCreate{Name: "Cabin", ServiceID: "svc-cabin-1"})
			require.NoError(t, err)
			assert.NotEmpty(t, loc.ID, "the new location, read back when the answer is {}")
			assert.Equal(t, "Cabin", loc.Name)

			require.NoError(t, c.Suspend(ctx, res.CustomerID, res.LocationID, plume.NoService))
			level, err := c.Locations.GetServiceLevel(ctx, res.CustomerID, res.LocationID)
			require.NoError(t, err)
			assert.Equal(t, plume.NoService, level.Status)
			require.NoError(t, c.Resume(ctx, res.CustomerID, res.LocationID))

			rma, err := c.UnclaimForRMA(ctx, "POD002")
			require.NoError(t, err)
			assert.False(t, rma.AlreadyUnclaimed)
			assert.Equal(t, res.LocationID, rma.LocationID)
			again2, err := c.UnclaimForRMA(ctx, "POD002")
			require.NoError(t, err)
			assert.True(t, again2.AlreadyUnclaimed)

			require.NoError(t, c.CancelService(ctx, res.CustomerID, loc.ID))
			require.NoError(t, c.CancelService(ctx, res.CustomerID, loc.ID), "already cancelled counts as done")
			require.NoError(t, c.CancelAccount(ctx, res.CustomerID))
		})
	}
}
