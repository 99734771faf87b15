package fakecloud

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocationLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")

	res := h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Office", "profile": "smallbusiness", "serviceId": "SVC-1"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	office := res.object(t)
	assert.Regexp(t, hexID, office["id"])
	assert.Equal(t, "Office", office["name"])
	assert.Equal(t, id, office["customerId"])
	assert.Equal(t, "account-1", office["accountId"])
	assert.Equal(t, "SVC-1", office["serviceId"])
	assert.Equal(t, "smallbusiness", office["profile"])
	assert.Equal(t, "fullService", office["serviceLevel"].(map[string]any)["status"])
	assert.Equal(t, false, office["monitorMode"].(map[string]any)["enable"])
	assert.EqualValues(t, DefaultPodQuota, office["authorizations"].(map[string]any)["numPodsAuthorized"])
	officeID := office["id"].(string)

	list := h.api(http.MethodGet, "/Customers/"+id+"/locations", nil).array(t)
	require.Len(t, list, 2)
	assert.Equal(t, home, list[0].(map[string]any)["id"], "creation order")

	res = h.api(http.MethodHead, locPath(id, officeID), nil)
	assert.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, res.body)
	assert.Equal(t, http.StatusNotFound, h.api(http.MethodHead, locPath(id, "0123456789abcdef01234567"), nil).status)

	res = h.api(http.MethodPut, locPath(id, officeID), map[string]any{"name": "HQ"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "HQ", res.object(t)["name"])

	res = h.api(http.MethodPatch, locPath(id, officeID), map[string]any{"serviceId": "SVC-2", "profile": "auto"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "SVC-2", res.object(t)["serviceId"])
	assert.Equal(t, "auto", res.object(t)["profile"])

	res = h.api(http.MethodGet, locPath(id, officeID), nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "HQ", res.object(t)["name"])
}

func TestLocationStatuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	_, otherLoc := h.register("account-2")
	unknownLoc := "0123456789abcdef01234567"
	tests := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"create without name", "POST", "/Customers/" + id + "/locations", map[string]any{"profile": "auto"}, 400},
		{"create with bad profile", "POST", "/Customers/" + id + "/locations", map[string]any{"name": "x", "profile": "property"}, 422},
		{"create with quoted serviceId", "POST", "/Customers/" + id + "/locations", map[string]any{"name": "x", "serviceId": `a"b`}, 422},
		{"get unknown", "GET", locPath(id, unknownLoc), nil, 404},
		{"get another customer's location", "GET", locPath(id, otherLoc), nil, 404},
		{"rename without name", "PUT", locPath(id, home), map[string]any{}, 400},
		{"rename unknown", "PUT", locPath(id, unknownLoc), map[string]any{"name": "x"}, 404},
		{"patch nothing", "PATCH", locPath(id, home), map[string]any{"other": 1}, 422},
		{"patch empty serviceId", "PATCH", locPath(id, home), map[string]any{"serviceId": ""}, 400},
		{"patch quoted serviceId", "PATCH", locPath(id, home), map[string]any{"serviceId": "a”b"}, 422},
		{"patch bad profile", "PATCH", locPath(id, home), map[string]any{"profile": "castle"}, 422},
		{"patch unknown", "PATCH", locPath(id, unknownLoc), map[string]any{"name": "x"}, 404},
		{"delete unknown", "DELETE", locPath(id, unknownLoc), nil, 404},
		{"delete another customer's", "DELETE", locPath(id, otherLoc), nil, 404},
		{"authorizations of unknown", "GET", locPath(id, unknownLoc) + "/authorizations", nil, 404},
		{"authorizations PUT without value", "PUT", locPath(id, home) + "/authorizations", map[string]any{}, 400},
		{"authorizations PUT negative", "PUT", locPath(id, home) + "/authorizations", map[string]any{"numPodsAuthorized": -1}, 422},
		{"serviceLevel of unknown location", "GET", locPath(id, unknownLoc) + "/serviceLevel", nil, 404},
		{"serviceLevel without status", "PATCH", locPath(id, home) + "/serviceLevel", map[string]any{}, 400},
		{"serviceLevel with bad status", "PATCH", locPath(id, home) + "/serviceLevel", map[string]any{"status": "premium"}, 422},
		{"checkpoint missing", "POST", locPath(id, home) + "/onboardingCheckpoint", map[string]any{}, 422},
		{"checkpoint outside the enum", "POST", locPath(id, home) + "/onboardingCheckpoint", map[string]any{"checkpoint": "Done"}, 422},
		{"checkpoint of unknown location", "POST", locPath(id, unknownLoc) + "/onboardingCheckpoint", map[string]any{"checkpoint": "PodsAdded"}, 404},
		{"wan of unknown location", "GET", locPath(id, unknownLoc) + "/wanConfiguration", nil, 404},
		{"wan PUT empty", "PUT", locPath(id, home) + "/wanConfiguration", map[string]any{}, 400},
		{"wan PUT enabled without addresses", "PUT", locPath(id, home) + "/wanConfiguration", map[string]any{"staticIPv4": map[string]any{"enabled": true, "ip": "10.0.0.2"}}, 400},
		{"wan PUT bad ip", "PUT", locPath(id, home) + "/wanConfiguration", staticBody("10.0.0.256", "255.255.255.0"), 422},
		{"wan PUT bad mask", "PUT", locPath(id, home) + "/wanConfiguration", staticBody("10.0.0.2", "255.0.255.0"), 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h.with(t).api(tc.method, tc.path, tc.body).requireLoopBackError(t, tc.status)
		})
	}
}

func staticBody(ip, subnet string) map[string]any {
	return map[string]any{"staticIPv4": map[string]any{
		"enabled": true, "ip": ip, "subnet": subnet, "gateway": "10.0.0.1",
		"primaryDns": "8.8.8.8", "secondaryDns": "8.8.4.4",
	}}
}

func TestDeleteLocation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.cloud.AddInventory(DefaultPartnerID, "POD1")
	id, home := h.register("account-1")
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, nodesPath(id, home), claimBody("POD1")).status)
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, locPath(id, home)+"/wifiNetwork", map[string]any{"ssid": "net", "encryptionKey": "secret-key"}).status)

	res := h.api(http.MethodDelete, locPath(id, home), nil)
	require.Equal(t, http.StatusNoContent, res.status)
	assert.Empty(t, res.body)

	assert.Equal(t, 0, h.cloud.Licenses(DefaultPartnerID))
	node, _ := h.cloud.Node("POD1")
	assert.Empty(t, node.LocationID, "nodes are unclaimed")
	h.api(http.MethodDelete, locPath(id, home), nil).requireLoopBackError(t, http.StatusConflict)
	assert.Equal(t, http.StatusOK, h.api(http.MethodGet, locPath(id, home), nil).status, "archived stays addressable")
	h.api(http.MethodGet, locPath(id, home)+"/wifiNetwork", nil).requireLoopBackError(t, http.StatusNotFound)

	list := h.api(http.MethodGet, "/Customers/"+id+"/locations", nil).array(t)
	require.Len(t, list, 1, "a fresh location replaces the last one")
	fresh := list[0].(map[string]any)
	assert.Equal(t, "Home", fresh["name"])
	assert.NotEqual(t, home, fresh["id"])
	assert.Equal(t, http.StatusNotFound, h.api(http.MethodGet, locPath(id, fresh["id"].(string))+"/wifiNetwork", nil).status, "empty")
}

func TestDeleteLocationKeepsOthers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	require.Equal(t, http.StatusOK, h.api(http.MethodPost, "/Customers/"+id+"/locations", map[string]any{"name": "Cabin"}).status)
	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, locPath(id, home), nil).status)
	list := h.api(http.MethodGet, "/Customers/"+id+"/locations", nil).array(t)
	require.Len(t, list, 1, "another active location remains: no new one")
	assert.Equal(t, "Cabin", list[0].(map[string]any)["name"])
}

func TestDeleteLocationAutoProvisioned(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	require.NoError(t, h.cloud.SetAutoProvisioned(id, true))
	require.Equal(t, http.StatusNoContent, h.api(http.MethodDelete, locPath(id, home), nil).status)
	assert.Empty(t, h.api(http.MethodGet, "/Customers/"+id+"/locations", nil).array(t))
	assert.Equal(t, true, h.api(http.MethodGet, "/Customers/"+id, nil).object(t)["autoProvisioned"])
}

func TestAuthorizations(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	res := h.api(http.MethodGet, locPath(id, home)+"/authorizations", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.EqualValues(t, 32, res.object(t)["numPodsAuthorized"])
	assert.Equal(t, []any{}, res.object(t)["numNodesAuthorized"])
	res = h.api(http.MethodPut, locPath(id, home)+"/authorizations", map[string]any{"numPodsAuthorized": 5})
	require.Equal(t, http.StatusOK, res.status)
	assert.EqualValues(t, 5, res.object(t)["numPodsAuthorized"])
	loc, _ := h.cloud.Location(home)
	assert.Equal(t, 5, loc.PodQuota)
}

func TestServiceLevel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	res := h.api(http.MethodGet, locPath(id, home)+"/serviceLevel", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "fullService", res.object(t)["status"])
	assert.Regexp(t, wireTime, res.object(t)["updatedAt"])

	res = h.api(http.MethodPatch, locPath(id, home)+"/serviceLevel", map[string]any{"status": "noService"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "noService", res.object(t)["status"])
	loc, _ := h.cloud.Location(home)
	assert.Equal(t, "noService", loc.ServiceLevel)
}

func TestCheckpoint(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	res := h.api(http.MethodPost, locPath(id, home)+"/onboardingCheckpoint", map[string]any{"checkpoint": "OnboardingComplete"})
	require.Equal(t, http.StatusOK, res.status)
	m := res.object(t)
	require.Len(t, m, 1, "one wrapper")
	cp := m["checkpoint"].(map[string]any)
	assert.Equal(t, "OnboardingComplete", cp["value"])
	assert.Equal(t, "2024-03-27T14:41:58.312Z", cp["timestamp"])
	assert.Equal(t, home, cp["locationId"])
	assert.Regexp(t, hexID, cp["id"])
	assert.Regexp(t, wireTime, cp["createdAt"])
	loc, _ := h.cloud.Location(home)
	assert.Equal(t, "OnboardingComplete", loc.Checkpoint)
}

func TestWANConfiguration(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	id, home := h.register("account-1")
	path := locPath(id, home) + "/wanConfiguration"

	res := h.api(http.MethodGet, path, nil)
	require.Equal(t, http.StatusOK, res.status)
	m := res.object(t)
	assert.Regexp(t, hexID, m["id"])
	assert.Equal(t, home, m["locationId"])
	assert.NotContains(t, m, "staticIPv4")

	res = h.api(http.MethodPut, path, staticBody("192.168.12.250", "255.255.255.0"))
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, map[string]any{
		"enabled": true, "ip": "192.168.12.250", "subnet": "255.255.255.0", "gateway": "10.0.0.1",
		"primaryDns": "8.8.8.8", "secondaryDns": "8.8.4.4",
	}, res.object(t)["staticIPv4"])
	assert.Equal(t, m["id"], res.object(t)["id"], "the same configuration")

	// G's flat form with a string "true" (§13.14).
	res = h.api(http.MethodPut, path, map[string]any{
		"enabled": "true", "ip": "192.168.1.2", "subnet": "255.255.0.0", "gateway": "192.168.1.1",
		"primaryDns": "1.1.1.1", "secondaryDns": "1.0.0.1",
	})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	loc, _ := h.cloud.Location(home)
	require.NotNil(t, loc.StaticIPv4)
	assert.Equal(t, StaticIPv4View{Enabled: true, IP: "192.168.1.2", Subnet: "255.255.0.0", Gateway: "192.168.1.1", PrimaryDNS: "1.1.1.1", SecondaryDNS: "1.0.0.1"}, *loc.StaticIPv4)

	res = h.api(http.MethodPut, path, map[string]any{
		"pppoe":            map[string]any{"enabled": true, "username": "u", "password": "p"},
		"uplink":           map[string]any{"enabled": false, "vlan": 7, "qos": map[string]any{"x": 1}},
		"publishedWithBLE": true,
	})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	m = res.object(t)
	assert.Equal(t, map[string]any{"enabled": true, "username": "u", "password": "p"}, m["pppoe"])
	assert.Equal(t, map[string]any{"enabled": false, "bridgeName": nil, "hardwarePort": nil, "vlan": 7.0, "qos": map[string]any{"x": 1.0}}, m["uplink"])
	assert.Equal(t, true, m["publishedWithBLE"])
	assert.Equal(t, "192.168.1.2", m["staticIPv4"].(map[string]any)["ip"], "other sections are kept")
	h.api(http.MethodPut, path, map[string]any{"uplink": map[string]any{"vlan": "seven"}}).requireLoopBackError(t, http.StatusBadRequest)

	res = h.api(http.MethodPut, path, map[string]any{"staticIPv4": map[string]any{"enabled": "false"}})
	require.Equal(t, http.StatusOK, res.status, "disabling needs no addresses")
	assert.Equal(t, false, res.object(t)["staticIPv4"].(map[string]any)["enabled"])
}
