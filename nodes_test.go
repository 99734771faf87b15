package plume

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const nodeTestPath = locTestPath + "/nodes"

func TestNodesList(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "nodes_list.json")

	nodes, err := c.Nodes.List(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, nodeTestPath, "", "")
	require.Len(t, nodes, 2)
	assert.Equal(t, "GW1A2B3C4D5E", nodes[0].ID)
	assert.Equal(t, "Living room", nodes[0].Nickname)
	assert.Equal(t, "Gateway", nodes[0].DefaultName)
	assert.Equal(t, "connected", nodes[0].ConnectionState)
	assert.Equal(t, "4.8.1-112-g6c1f0", nodes[0].FirmwareVersion)
	assert.Equal(t, "PD9Z8Y7X6W5V", nodes[1].ID)
	assert.Equal(t, "disconnected", nodes[1].ConnectionState)
	assert.Contains(t, string(nodes[1].Raw), `"backhaulType": "wifi"`)
}

func TestNodesListLenientShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		body    string
		wantIDs []string
	}{
		{"double wrapper", fixture(t, "nodes_list_double.json"), []string{"GW1A2B3C4D5E"}},
		{"bare array", `[{"id":"A1"},{"id":"B2"}]`, []string{"A1", "B2"}},
		{"empty wrapper", `{"nodes":[]}`, []string{}},
		{"empty double wrapper", `{"nodes":{"nodes":[]}}`, []string{}},
		{"null nodes", `{"nodes":null}`, []string{}},
		{"empty object", `{}`, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			nodes, err := c.Nodes.List(t.Context(), locTestCustomer, locTestLocation)
			require.NoError(t, err)
			require.NotNil(t, nodes)
			ids := []string{}
			for _, n := range nodes {
				ids = append(ids, n.ID)
			}
			assert.Equal(t, tc.wantIDs, ids)
		})
	}
}

func TestNodesListBadShape(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"nodes":"x"}`, `{"nodes":{"nodes":{"nodes":{"nodes":[]}}}}`, `42`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Nodes.List(t.Context(), locTestCustomer, locTestLocation)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "Nodes.List", body)
	}
}

func TestNodesListEscapesIDs(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"nodes":[]}`)
	_, err := c.Nodes.List(t.Context(), locTestOddID, locTestOddID)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/"+locTestOddEscaped+"/locations/"+locTestOddEscaped+"/nodes", "", "")
}

func TestNodesListErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.List", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.List(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.List(ctx, "", locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.List(ctx, locTestCustomer, "..")
		return err
	})
}

func TestNodesGet(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "node_get.json")

	node, err := c.Nodes.Get(t.Context(), locTestCustomer, locTestLocation, "PD9Z8Y7X6W5V")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, nodeTestPath+"/PD9Z8Y7X6W5V", "", "")
	assert.Equal(t, "PD9Z8Y7X6W5V", node.ID)
	assert.Equal(t, "Bedroom", node.Nickname)
	assert.Equal(t, "Pod 1", node.DefaultName)
	assert.Equal(t, "disconnected", node.ConnectionState)
	assert.JSONEq(t, fixture(t, "node_get.json"), string(node.Raw))
}

func TestNodesGetEscapesNodeID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "node_get.json")
	_, err := c.Nodes.Get(t.Context(), locTestCustomer, locTestLocation, locTestOddID)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, nodeTestPath+"/"+locTestOddEscaped, "", "")
}

func TestNodesGetErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Get", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Get(ctx, locTestCustomer, locTestLocation, "PD9Z8Y7X6W5V")
		return err
	})
	assertNoRequest(t, "nodeID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Get(ctx, locTestCustomer, locTestLocation, "")
		return err
	})
}

func TestNodesClaim(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "claim_ok.json")

	res, err := c.Nodes.Claim(t.Context(), locTestCustomer, locTestLocation, ClaimRequest{SerialNumber: "GW1A2B3C4D5E", Nickname: "Gateway"})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPost, nodeTestPath, "", `{"serialNumber":"GW1A2B3C4D5E","nickname":"Gateway"}`)
	assert.False(t, res.AlreadyClaimed)
	require.Len(t, res.Claimed, 2)
	gw := res.Claimed[0]
	assert.Equal(t, "GW1A2B3C4D5E", gw.ID)
	assert.Equal(t, "GW1A2B3C4D5E", gw.SerialNumber)
	assert.Equal(t, locTestCustomer, gw.CustomerID)
	assert.Equal(t, locTestLocation, gw.LocationID)
	assert.Equal(t, "PK-42", gw.PackID)
	assert.True(t, gw.ResidentialGateway)
	assert.Contains(t, string(gw.Raw), `"boxSerialNumber": "BX1A2B3C4D5E"`)
	assert.False(t, res.Claimed[1].ResidentialGateway)
	assert.Equal(t, "PD1122334455", res.Claimed[1].SerialNumber)
}

func TestNodesClaimSmallRecords(t *testing.T) {
	t.Parallel()
	// One source's claim items are {serialNumber, id, nickname, defaultName, status}.
	c, m := newMockClient(t)
	m.reply(200, `{"claimed":[{"serialNumber":"PD1","id":"PD1","nickname":"Hall","defaultName":"Pod 1","status":"claimed"}]}`)
	res, err := c.Nodes.Claim(t.Context(), locTestCustomer, locTestLocation, ClaimRequest{SerialNumber: "PD1"})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPost, nodeTestPath, "", `{"serialNumber":"PD1"}`)
	require.Len(t, res.Claimed, 1)
	assert.Equal(t, "Hall", res.Claimed[0].Nickname)
	assert.False(t, res.AlreadyClaimed)
}

func TestNodesClaimAlreadyClaimed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
	}{
		{"204 empty", 204, ""},
		{"200 empty body", 200, ""},
		{"200 claimed empty", 200, fixture(t, "claim_empty.json")},
		{"200 claimed missing", 200, `{}`},
		{"200 claimed null", 200, `{"claimed":null}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(tc.status, tc.body)
			res, err := c.Nodes.Claim(t.Context(), locTestOddID, locTestLocation, ClaimRequest{SerialNumber: "PD1"})
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost,
				"/api/Customers/"+locTestOddEscaped+"/locations/"+locTestLocation+"/nodes", "", `{"serialNumber":"PD1"}`)
			assert.True(t, res.AlreadyClaimed)
			assert.Empty(t, res.Claimed)
		})
	}
}

func TestNodesClaimErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Claim", []statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{409, []error{ErrNodeOwnedElsewhere, ErrConflict}},
		{422, []error{ErrClaimRejected, ErrValidation}},
		{500, []error{ErrServer}},
		{503, []error{ErrClaimIncomplete, ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Claim(ctx, locTestCustomer, locTestLocation, ClaimRequest{SerialNumber: "PD1"})
		return err
	})
	// 500 is not a claim that may have happened, and 404 is only "not found".
	for _, status := range []int{404, 500} {
		c, m := newMockClient(t)
		m.reply(status, loopbackError(status, "Error", "x"))
		_, err := c.Nodes.Claim(t.Context(), locTestCustomer, locTestLocation, ClaimRequest{SerialNumber: "PD1"})
		assert.False(t, errors.Is(err, ErrClaimIncomplete), status)
		assert.False(t, errors.Is(err, ErrNodeOwnedElsewhere), status)
		assert.False(t, errors.Is(err, ErrClaimRejected), status)
	}
	for _, bad := range []string{"", "   "} {
		assertNoRequest(t, "SerialNumber", func(ctx context.Context, c *Client) error {
			_, err := c.Nodes.Claim(ctx, locTestCustomer, locTestLocation, ClaimRequest{SerialNumber: bad, Nickname: "x"})
			return err
		})
	}
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Claim(ctx, locTestCustomer, "", ClaimRequest{SerialNumber: "PD1"})
		return err
	})
}

func TestNodesRename(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "node_renamed.json")

	node, err := c.Nodes.Rename(t.Context(), locTestCustomer, locTestLocation, "PD9Z8Y7X6W5V", "Kids room")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPut, nodeTestPath+"/PD9Z8Y7X6W5V", "", `{"nickname":"Kids room"}`)
	assert.Equal(t, "PD9Z8Y7X6W5V", node.ID)
	assert.Equal(t, "PD9Z8Y7X6W5V", node.SerialNumber)
	assert.Equal(t, "Kids room", node.Nickname)
	assert.Equal(t, "PP203X", node.Model)
	assert.Equal(t, "connected", node.ConnectionState)
	assert.Equal(t, "4.8.1-112-g6c1f0", node.FirmwareVersion)
	assert.JSONEq(t, fixture(t, "node_renamed.json"), string(node.Raw))
}

// Where the API has no PUT route for a rename, the same body goes once as POST, and the client
// keeps using POST; a 404 about the node itself is not a missing route.
func TestNodesRenameFallsBackToPOST(t *testing.T) {
	t.Parallel()
	for name, noRoute := range map[string]struct {
		status int
		body   string
	}{
		"LoopBack 404": {404, loopbackError(404, "Error", "There is no method to handle PUT /api/Customers/c/locations/l/nodes/PD1")},
		"shared class": {404, loopbackError(404, "Error", `Shared class "Customer" has no method handling PUT /c/locations/l/nodes/PD1`)},
		"Express":      {404, "<pre>Cannot PUT /api/Customers/c/locations/l/nodes/PD1</pre>"},
		"405":          {405, loopbackError(405, "Error", "Method Not Allowed")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.then(noRoute.status, noRoute.body).replyFixture(200, "node_renamed.json")
			node, err := c.Nodes.Update(t.Context(), locTestCustomer, locTestLocation, "PD1", NodeUpdate{Nickname: "Hall", EmitMessage: EmitMessageOn})
			require.NoError(t, err)
			assert.Equal(t, "PD9Z8Y7X6W5V", node.SerialNumber)
			_, err = c.Nodes.Rename(t.Context(), locTestCustomer, locTestLocation, "PD1", "Den")
			require.NoError(t, err)
			reqs := m.requests()
			require.Len(t, reqs, 3, "PUT, POST, then POST only")
			assertRequest(t, reqs[0], http.MethodPut, nodeTestPath+"/PD1", "", `{"nickname":"Hall","emitMessage":"on"}`)
			assertRequest(t, reqs[1], http.MethodPost, nodeTestPath+"/PD1", "", `{"nickname":"Hall","emitMessage":"on"}`)
			assertRequest(t, reqs[2], http.MethodPost, nodeTestPath+"/PD1", "", `{"nickname":"Den"}`)
		})
	}
	t.Run("unknown node", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.reply(404, loopbackError(404, "Error", "Node not found"))
		_, err := c.Nodes.Rename(t.Context(), locTestCustomer, locTestLocation, "PD1", "Den")
		require.ErrorIs(t, err, ErrNotFound)
		assert.Len(t, m.requests(), 1, "no POST after a 404 about the node")
	})
	assertNoRequest(t, "EmitMessage", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Update(ctx, locTestCustomer, locTestLocation, "PD1", NodeUpdate{Nickname: "Hall", EmitMessage: "blink"})
		return err
	})
}

func TestNodesRenameErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Rename", []statusCase{
		{400, []error{ErrBadRequest}},
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Rename(ctx, locTestCustomer, locTestLocation, "PD1", "Hall")
		return err
	})
	for _, bad := range []string{"", " \t"} {
		assertNoRequest(t, "Nickname", func(ctx context.Context, c *Client) error {
			_, err := c.Nodes.Rename(ctx, locTestCustomer, locTestLocation, "PD1", bad)
			return err
		})
	}
	assertNoRequest(t, "nodeID", func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Rename(ctx, locTestCustomer, locTestLocation, ".", "Hall")
		return err
	})
}

func TestNodesUnclaim(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		opts     *UnclaimOptions
		wantBody string
	}{
		{"no options", nil, ""},
		{"zero options", &UnclaimOptions{}, `{"preservePackId":false,"removeAccountId":false}`},
		{"preserve pack", &UnclaimOptions{PreservePackID: true}, `{"preservePackId":true,"removeAccountId":false}`},
		{"remove account", &UnclaimOptions{RemoveAccountID: true}, `{"preservePackId":false,"removeAccountId":true}`},
		{"both", &UnclaimOptions{PreservePackID: true, RemoveAccountID: true}, `{"preservePackId":true,"removeAccountId":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(204, "")
			require.NoError(t, c.Nodes.Unclaim(t.Context(), locTestCustomer, locTestLocation, "PD/1?x", tc.opts))
			assertRequest(t, m.only(), http.MethodDelete, nodeTestPath+"/PD%2F1%3Fx", "", tc.wantBody)
		})
	}
}

func TestNodesUnclaimErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Unclaim", []statusCase{
		{400, []error{ErrNodeNotClaimed, ErrBadRequest}},
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrForbidden}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		return c.Nodes.Unclaim(ctx, locTestCustomer, locTestLocation, "PD1", nil)
	})
	assertNoRequest(t, "serial", func(ctx context.Context, c *Client) error {
		return c.Nodes.Unclaim(ctx, locTestCustomer, locTestLocation, "", nil)
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		return c.Nodes.Unclaim(ctx, "..", locTestLocation, "PD1", nil)
	})
}

func TestNodesUnclaimWAFIsNotForbidden(t *testing.T) {
	t.Parallel()
	// A 403 that is not a LoopBack error is the WAF's block page, not "node online".
	c, m := newMockClient(t)
	m.reply(403, "<html><body>Request blocked</body></html>")
	err := c.Nodes.Unclaim(t.Context(), locTestCustomer, locTestLocation, "PD1", nil)
	var rl *RateLimitError
	require.True(t, errors.As(err, &rl), "want *RateLimitError, got %T: %v", err, err)
	assert.ErrorIs(t, err, ErrRateLimited)
	assert.False(t, errors.Is(err, ErrForbidden))
}

func TestNodesUnclaimAll(t *testing.T) {
	t.Parallel()
	cases := []struct {
		opts     *UnclaimOptions
		wantBody string
	}{
		{nil, ""},
		{&UnclaimOptions{PreservePackID: true, RemoveAccountID: true}, `{"preservePackId":true,"removeAccountId":true}`},
	}
	for _, tc := range cases {
		c, m := newMockClient(t)
		m.reply(204, "")
		require.NoError(t, c.Nodes.UnclaimAll(t.Context(), locTestCustomer, locTestOddID, tc.opts))
		assertRequest(t, m.only(), http.MethodDelete, "/api/Customers/"+locTestCustomer+"/locations/"+locTestOddEscaped+"/nodes", "", tc.wantBody)
	}
}

func TestNodesUnclaimAllErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.UnclaimAll", locCommonStatuses, func(ctx context.Context, c *Client) error {
		return c.Nodes.UnclaimAll(ctx, locTestCustomer, locTestLocation, nil)
	})
	// 400 is not a documented answer here, so it carries no unclaim meaning.
	c, m := newMockClient(t)
	m.reply(400, loopbackError(400, "Error", "x"))
	err := c.Nodes.UnclaimAll(t.Context(), locTestCustomer, locTestLocation, nil)
	assert.ErrorIs(t, err, ErrBadRequest)
	assert.False(t, errors.Is(err, ErrNodeNotClaimed))
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Nodes.UnclaimAll(ctx, locTestCustomer, "", nil)
	})
}

func TestNodesLookup(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "lookup_claimed.json")

	lookup, err := c.Nodes.Lookup(t.Context(), "PD9Z8Y7X6W5V")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/nodes/PD9Z8Y7X6W5V", "", "")
	assert.Equal(t, NodeLookup{
		SerialNumber: "PD9Z8Y7X6W5V",
		CustomerID:   locTestCustomer,
		LocationID:   locTestLocation,
		PackID:       "PK-77",
		PartnerID:    "partner-1",
	}, *lookup)
	assert.True(t, lookup.Claimed())
}

func TestNodesLookupUnclaimed(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "lookup_unclaimed.json")
	lookup, err := c.Nodes.Lookup(t.Context(), locTestOddID)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/nodes/"+locTestOddEscaped, "", "")
	assert.Equal(t, "PD0000000001", lookup.SerialNumber)
	assert.Equal(t, "PK-78", lookup.PackID)
	assert.False(t, lookup.Claimed())
}

func TestNodeLookupClaimed(t *testing.T) {
	t.Parallel()
	assert.False(t, (*NodeLookup)(nil).Claimed())
	assert.False(t, (&NodeLookup{CustomerID: "c"}).Claimed())
	assert.False(t, (&NodeLookup{LocationID: "l"}).Claimed())
	assert.True(t, (&NodeLookup{CustomerID: "c", LocationID: "l"}).Claimed())
}

func TestNodesLookupErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Nodes.Lookup", []statusCase{
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrForbidden}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Nodes.Lookup(ctx, "PD1")
		return err
	})
	for _, bad := range []string{"", "."} {
		assertNoRequest(t, "serial", func(ctx context.Context, c *Client) error {
			_, err := c.Nodes.Lookup(ctx, bad)
			return err
		})
	}
}
