package fakecloud

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClaim(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1")
	h.cloud.AddGateways(DefaultPartnerID, "GW1")
	id, home := h.register("account-1")

	res := h.api(http.MethodPost, nodesPath(id, home), map[string]any{"serialNumber": "GW1", "nickname": "Gateway"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	claimed := res.object(t)["claimed"].([]any)
	require.Len(t, claimed, 1)
	rec := claimed[0].(map[string]any)
	assert.Equal(t, "GW1", rec["serialNumber"])
	assert.Equal(t, "GW1", rec["id"])
	assert.Equal(t, true, rec["residentialGateway"])
	assert.Equal(t, id, rec["customerId"])
	assert.Equal(t, home, rec["locationId"])
	assert.NotEmpty(t, rec["packId"])
	assert.NotEmpty(t, rec["_version"])
	assert.Regexp(t, wireTime, rec["createdAt"])
	assert.Regexp(t, wireTime, rec["updatedAt"])

	res = h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1"))
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, false, res.object(t)["claimed"].([]any)[0].(map[string]any)["residentialGateway"])
	assert.Equal(t, 2, h.cloud.Licenses(DefaultPartnerID))

	list := h.api(http.MethodGet, nodesPath(id, home), nil).object(t)["nodes"].([]any)
	require.Len(t, list, 2)
	first := list[0].(map[string]any)
	assert.Equal(t, "GW1", first["id"], "claim order")
	assert.Equal(t, "Gateway", first["nickname"])
	assert.Equal(t, "disconnected", first["connectionState"])

	require.NoError(t, h.cloud.SetNodeOnline("POD1", true))
	res = h.api(http.MethodGet, nodesPath(id, home)+"/POD1", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "connected", res.object(t)["connectionState"])
}

// TestClaimOrder walks the checks of §12.4 in order: each case fails exactly one check and
// passes all earlier ones.
func TestClaimOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "MINE", "ELSEWHERE", "FREE1", "FREE2", "FREE3")
	h.cloud.AddGateways(DefaultPartnerID, "GW1")
	h.otherPartner("p2")
	h.cloud.AddInventory("p2", "FOREIGN")
	id, home := h.register("account-1")
	otherCustomer, otherLoc := h.register("account-2")
	monitored := h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Monitored"}).object(t)["id"].(string)
	full := h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Full"}).object(t)["id"].(string)

	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("MINE")).status)
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(otherCustomer, otherLoc), claimBody("ELSEWHERE")).status)
	require.NoError(t, h.cloud.SetMonitorMode(id, monitored, true))
	require.NoError(t, h.cloud.SetPodQuota(id, full, 1))
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, full), claimBody("FREE1")).status)

	tests := []struct {
		name, location, serial string
		status                 int
	}{
		{"unknown location before unknown serial", "0123456789abcdef01234567", "NOSUCH", 404},
		{"serial not in inventory", home, "NOSUCH", 404},
		{"serial of another partner's inventory", home, "FOREIGN", 404},
		{"owned by another customer", home, "ELSEWHERE", 409},
		{"owned by another location of the same customer, even in monitor mode", monitored, "MINE", 409},
		{"monitor mode", monitored, "FREE2", 422},
		{"quota of leaf pods", full, "FREE2", 422},
	}
	t.Run("refusals", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				h.with(t).api(http.MethodPost, nodesPath(id, tc.location), claimBody(tc.serial)).requireLoopBackError(t, tc.status)
			})
		}
	})

	res := h.api(http.MethodPost, nodesPath(id, home), claimBody("MINE"))
	assert.Equal(t, http.StatusNoContent, res.status, "already claimed here")
	assert.Empty(t, res.body)
	require.NoError(t, h.cloud.SetMonitorMode(id, home, true))
	assert.Equal(t, http.StatusNoContent, h.api(http.MethodPost, nodesPath(id, home), claimBody("MINE")).status, "204 comes before monitorMode")

	res = h.api(http.MethodPost, nodesPath(id, full), claimBody("GW1"))
	assert.Equal(t, http.StatusOK, res.status, "a gateway is not counted by numPodsAuthorized")
	h.api(http.MethodPost, nodesPath(id, home), map[string]any{}).requireLoopBackError(t, http.StatusBadRequest)

	node, _ := h.cloud.Node("FREE2")
	assert.Empty(t, node.LocationID, "refused claims change nothing")
}

func TestUnclaim(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1", "POD2", "POD3", "OTHER")
	id, home := h.register("account-1")
	empty := h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Empty"}).object(t)["id"].(string)
	for _, s := range []string{"POD1", "POD2", "POD3"} {
		require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody(s)).status)
	}
	before, _ := h.cloud.Node("POD1")
	require.NoError(t, h.cloud.SetNodeOnline("POD3", true))

	h.api(http.MethodDelete, nodesPath(id, empty)+"/POD1", nil).requireLoopBackError(t, 404)
	h.api(http.MethodDelete, nodesPath(id, "0123456789abcdef01234567")+"/POD1", nil).requireLoopBackError(t, 404)
	h.api(http.MethodDelete, nodesPath(id, home)+"/OTHER", nil).requireLoopBackError(t, 400)
	h.api(http.MethodDelete, nodesPath(id, home)+"/NOSUCH", nil).requireLoopBackError(t, 400)
	h.api(http.MethodDelete, nodesPath(id, home)+"/POD3", nil).requireLoopBackError(t, 403)
	h.api(http.MethodDelete, nodesPath(id, home)+"/POD1?preservePackId=maybe", nil).requireLoopBackError(t, 400)

	res := h.api(http.MethodDelete, nodesPath(id, home)+"/POD1?preservePackId=true", nil)
	require.Equal(t, http.StatusNoContent, res.status)
	assert.Empty(t, res.body)
	after, _ := h.cloud.Node("POD1")
	assert.Empty(t, after.LocationID)
	assert.Empty(t, after.CustomerID)
	assert.Equal(t, before.PackID, after.PackID, "preservePackId")
	assert.Equal(t, "account-1", after.AccountID)
	h.api(http.MethodDelete, nodesPath(id, home)+"/POD1", nil).requireLoopBackError(t, 400)

	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, nodesPath(id, home)+"/POD2?removeAccountId=true", nil).status)
	pod2, _ := h.cloud.Node("POD2")
	assert.Empty(t, pod2.PackID, "packId cleared without preservePackId")
	assert.Empty(t, pod2.AccountID, "removeAccountId")
	assert.Equal(t, 1, h.cloud.Licenses(DefaultPartnerID))

	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, nodesPath(id, home), nil).status, "unclaim all, online ones too")
	assert.Equal(t, 0, h.cloud.Licenses(DefaultPartnerID))
	assert.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, nodesPath(id, home), nil).status, "nothing left is fine")
	h.api(http.MethodDelete, nodesPath(id, "0123456789abcdef01234567"), nil).requireLoopBackError(t, 404)

	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, empty), claimBody("POD1")).status, "an unclaimed node can be claimed again")
}

func TestNodeGetAndRename(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1", "POD2")
	id, home := h.register("account-1")
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)

	h.api(http.MethodGet, nodesPath(id, home)+"/POD2", nil).requireLoopBackError(t, 404)
	h.api(http.MethodGet, nodesPath(id, "0123456789abcdef01234567")+"/POD1", nil).requireLoopBackError(t, 404)
	h.api(http.MethodGet, nodesPath(id, "0123456789abcdef01234567"), nil).requireLoopBackError(t, 404)

	res := h.api(http.MethodPost, nodesPath(id, home)+"/POD1", map[string]any{"nickname": "Kitchen", "emitMessage": "on"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	m := res.object(t)
	assert.Equal(t, "Kitchen", m["nickname"])
	assert.Equal(t, "POD1", m["serialNumber"])
	assert.Equal(t, home, m["locationId"])
	assert.Equal(t, "Kitchen", h.api(http.MethodGet, nodesPath(id, home)+"/POD1", nil).object(t)["nickname"])

	h.api(http.MethodPost, nodesPath(id, home)+"/POD1", map[string]any{"nickname": ""}).requireLoopBackError(t, 400)
	h.api(http.MethodPost, nodesPath(id, home)+"/POD1", map[string]any{}).requireLoopBackError(t, 400)
	h.api(http.MethodPost, nodesPath(id, home)+"/POD2", map[string]any{"nickname": "x"}).requireLoopBackError(t, 404)
	h.api(http.MethodPost, nodesPath(id, "0123456789abcdef01234567")+"/POD1", map[string]any{"nickname": "x"}).requireLoopBackError(t, 404)
}

func TestSeedingErrors(t *testing.T) {
	t.Parallel()
	c := New(Config{})
	assert.Error(t, c.SetMonitorMode("c", "l", true))
	assert.Error(t, c.SetPodQuota("c", "l", 1))
	assert.Error(t, c.SetNodeOnline("nope", true))
	assert.Error(t, c.SetAutoProvisioned("nope", true))
	c.AddInventory("p", "S1")
	c.AddGateways("p", "S1")
	n, ok := c.Node("S1")
	require.True(t, ok)
	assert.False(t, n.Gateway, "a known serial keeps its state")
	c.AddGateways("p", "G1")
	unclaimed := NodeView{ConnectionState: "disconnected", FirmwareVersion: DefaultFirmwareVersion, FirmwareStatus: "idle", LEDMode: "normal"}
	g1, s1 := unclaimed, unclaimed
	g1.Serial, g1.PartnerID, g1.PackID, g1.Gateway = "G1", "p", c.nodes["G1"].packID, true
	s1.Serial, s1.PartnerID, s1.PackID = "S1", "p", n.PackID
	assert.Equal(t, []NodeView{g1, s1}, c.Nodes())
}
