package fakecloud

// fidelity_test.go: the fake reads both readings of a request where Plume's reference and its
// guides disagree, and answers in either shape (Config.ReferenceShapes).

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiForm sends a form-encoded body, as the reference's formData fields may come.
func (h *harness) apiForm(method, path, form string) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+APIPrefix+path, strings.NewReader(form))
	require.NoError(h.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+h.token)
	return send(h.t, req)
}

func TestReferenceShapes(t *testing.T) {
	t.Parallel()
	for _, ref := range []bool{false, true} {
		name := "guides"
		if ref {
			name = "reference"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Config{ReferenceShapes: ref})
			h.cloud.AddGateways(DefaultPartnerID, "GW1")
			res := h.api(http.MethodPost, "/Customers/register", map[string]any{"accountId": "account-1", "partnerId": DefaultPartnerID})
			require.Equal(t, http.StatusOK, res.status)
			reg := res.object(t)
			id, home := reg["id"].(string), reg["locationId"].(string)
			_, hasPartner := reg["partnerId"]
			assert.Equal(t, !ref, hasPartner, "register: partnerId only in the guides' shape")

			res = h.api(http.MethodGet, "/Customers/"+id+"/locations", nil)
			if ref {
				assert.Equal(t, home, res.object(t)["id"], "one location: one object")
			} else {
				assert.Len(t, res.array(t), 1)
			}

			res = h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Cabin"})
			require.Equal(t, http.StatusOK, res.status)
			if ref {
				assert.Empty(t, res.object(t), "create: {}")
			} else {
				assert.NotEmpty(t, res.object(t)["id"])
			}
			assert.Len(t, h.api(http.MethodGet, "/Customers/"+id+"/locations", nil).array(t), 2, "two locations: an array in both shapes")

			res = h.api(http.MethodPost, nodesPath(id, home), claimBody("GW1"))
			require.Equal(t, http.StatusOK, res.status)
			claim := res.object(t)
			item := claim["claimed"].([]any)[0].(map[string]any)
			assert.Equal(t, "GW1", item["serialNumber"])
			_, hasLoc := item["locationId"]
			assert.Equal(t, !ref, hasLoc)
			if ref {
				assert.EqualValues(t, 0, claim["id"])
				assert.Equal(t, "claimed", item["status"])
			}

			res = h.api(http.MethodGet, nodesPath(id, home), nil)
			nodes := res.object(t)["nodes"]
			if ref {
				nodes = nodes.(map[string]any)["nodes"]
			}
			status := nodes.([]any)[0].(map[string]any)
			assert.Equal(t, "GW1", status["id"])
			_, hasSerial := status["serialNumber"]
			assert.Equal(t, !ref, hasSerial, "node status: serialNumber only in the guides' shape")
			for _, k := range []string{"ip", "channel", "2gChannel", "5gChannel", "6gChannel", "connectionState", "firmwareVersion"} {
				assert.Contains(t, status, k)
			}

			res = h.api(http.MethodPost, locPath(id, home)+"/onboardingCheckpoint", map[string]any{"checkpoint": "OnboardingComplete"})
			cp := res.object(t)["checkpoint"].(map[string]any)
			if ref {
				cp = cp["checkpoint"].(map[string]any)
			}
			assert.Equal(t, "OnboardingComplete", cp["value"])

			res = h.api(http.MethodPatch, locPath(id, home)+"/serviceLevel", map[string]any{"status": "noService"})
			require.Equal(t, http.StatusOK, res.status)
			assert.Equal(t, ref, len(res.object(t)) == 0)
			assert.Equal(t, "noService", h.api(http.MethodGet, locPath(id, home)+"/serviceLevel", nil).object(t)["status"], "reads keep the guides' shape")

			res = h.api(http.MethodDelete, "/Customers/"+id, nil)
			require.Equal(t, http.StatusOK, res.status)
			assert.Equal(t, ref, len(res.object(t)) == 0)
		})
	}
}

func TestBothRequestReadings(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddGateways(DefaultPartnerID, "GW1")
	h.cloud.AddInventory(DefaultPartnerID, "POD1")
	id, home := h.register("account-1")
	for _, serial := range []string{"GW1", "POD1"} {
		require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody(serial)).status)
	}

	// Rename by PUT (the generated client) and by POST (the explore notes).
	res := h.api(http.MethodPut, nodesPath(id, home)+"/GW1", map[string]any{"nickname": "Hall", "emitMessage": "on"})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Equal(t, "Hall", res.object(t)["nickname"])
	res = h.api(http.MethodPost, nodesPath(id, home)+"/GW1", map[string]any{"nickname": "Den"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Den", res.object(t)["nickname"])

	// Unclaim options in the body (the reference's formData) keep the pack id.
	before, _ := h.cloud.Node("POD1")
	res = h.api(http.MethodDelete, nodesPath(id, home)+"/POD1", map[string]any{"preservePackId": true, "removeAccountId": "true"})
	require.Equal(t, http.StatusNoContent, res.status, "%s", res.body)
	after, _ := h.cloud.Node("POD1")
	assert.Equal(t, before.PackID, after.PackID, "preservePackId read from the body")
	assert.Empty(t, after.CustomerID)
	h.api(http.MethodDelete, nodesPath(id, home), map[string]any{"preservePackId": "maybe"}).requireLoopBackError(t, http.StatusBadRequest)

	// The flat WAN body of the guide and the nested one.
	for _, body := range []string{
		`{"enabled":"true","ip":"10.0.0.2","subnet":"255.255.255.0","gateway":"10.0.0.1","primaryDns":"1.1.1.1"}`,
		`{"staticIPv4":{"enabled":true,"ip":"10.0.0.3","subnet":"255.255.255.0","gateway":"10.0.0.1","primaryDns":"1.1.1.1"}}`,
	} {
		res = h.api(http.MethodPut, locPath(id, home)+"/wanConfiguration", body)
		require.Equal(t, http.StatusOK, res.status, "%s: %s", body, res.body)
	}

	// Form bodies, and literal segments in any case.
	res = h.apiForm(http.MethodPatch, "/customers/"+id+"/LOCATIONS/"+home, "serviceId=svc+1&profile=auto")
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Equal(t, "svc 1", res.object(t)["serviceId"])
	res = h.api(http.MethodGet, "/partners/locations/"+url.PathEscape("svc 1"), nil)
	require.Equal(t, http.StatusOK, res.status)
}
