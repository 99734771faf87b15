package plume_test

// integration_test.go: the whole public surface against the fake cloud over a real loopback
// socket (plumetest): every service method, called in the order a customer's life calls them
// (TestWholeSurfaceAgainstTheFake), and each documented fixture of testdata/ against the fake's
// answer for the same object, so that tests against the fake see what the cloud sends
// (TestFixturesAndFakeDecodeAlike). A new service method gets its call in the first; a new
// answer type, its fixture row in the second.
//
// Not here: a method's exact request, documented shapes and statuses (the service's _test.go,
// httpmock); flows such as Onboard (flows_test.go); injected faults (faults_test.go); the
// fake's own routes and state (internal/fakecloud).

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func ptr[T any](v T) *T { return &v }

// TestWholeSurfaceAgainstTheFake runs every service method over a real loopback socket
// against the fake cloud, in the order a customer's life calls them.
func TestWholeSurfaceAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	srv.AddGateways("GW9001")
	srv.AddInventory("POD9001", "POD9002")
	c := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	ctx := t.Context()

	// Customers
	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-900001", Email: "grace@example.com", Name: "Grace Hopper", Profile: plume.ProfileSmallBusiness})
	require.NoError(t, err)
	assert.Equal(t, plumetest.DefaultPartnerID, reg.PartnerID)
	require.NotEmpty(t, reg.LocationID)
	got, err := c.Customers.Get(ctx, reg.ID)
	require.NoError(t, err)
	assert.Equal(t, "grace@example.com", got.Email)
	assert.False(t, got.EmailVerified)

	list, err := c.Customers.List(ctx, &plume.ListOptions{Where: map[string]any{"accountId": "crm-900001"}, Fields: []string{"id", "accountId"}})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, reg.ID, list[0].ID)
	assert.Empty(t, list[0].Email, "fields projection")

	for i := range 4 {
		_, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-91000" + string(rune('0'+i))})
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	for cu, err := range c.Customers.All(ctx, &plume.ListOptions{Limit: 2}) {
		require.NoError(t, err)
		assert.False(t, seen[cu.ID], "each customer once")
		seen[cu.ID] = true
	}
	assert.Len(t, seen, 5)

	upd, err := c.Customers.Update(ctx, reg.ID, plume.CustomerUpdate{Name: ptr("Rear Admiral Hopper")})
	require.NoError(t, err)
	assert.Equal(t, "Rear Admiral Hopper", upd.Name)
	_, err = c.Customers.SetAccountID(ctx, reg.ID, "crm-910000")
	assert.ErrorIs(t, err, plume.ErrDuplicateAccount)
	rekeyed, err := c.Customers.SetAccountID(ctx, reg.ID, "crm-900002")
	require.NoError(t, err)
	assert.Equal(t, "crm-900002", rekeyed.AccountID)

	require.NoError(t, c.Customers.ResendEmailVerification(ctx, "grace@example.com"))
	verified, err := c.Customers.MarkEmailVerified(ctx, reg.ID)
	require.NoError(t, err)
	assert.True(t, verified.EmailVerified)
	assert.ErrorIs(t, c.Customers.ResendEmailVerification(ctx, "grace@example.com"), plume.ErrEmailAlreadyVerified)

	matches, err := c.Customers.Search(ctx, plume.SearchOptions{Field: plume.SearchByName, Keyword: "Rear", StartsWith: ptr(true), ExactMatch: ptr(false)})
	require.NoError(t, err)
	require.Len(t, matches, 1)
	assert.Equal(t, []string{reg.LocationID}, matches[0].LocationIDs)
	none, err := c.Customers.Search(ctx, plume.SearchOptions{Field: plume.SearchByEmail, Keyword: "nobody@example.com"})
	require.NoError(t, err)
	assert.Empty(t, none)
	found, err := c.Customers.FindByAccountID(ctx, "crm-900002")
	require.NoError(t, err)
	assert.Equal(t, reg.ID, found.ID)

	// Locations
	locs, err := c.Locations.List(ctx, reg.ID)
	require.NoError(t, err)
	require.Len(t, locs, 1)
	assert.Equal(t, "Home", locs[0].Name)
	assert.Equal(t, plume.ProfileSmallBusiness, locs[0].Profile)
	loc, err := c.Locations.Get(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	assert.Equal(t, reg.ID, loc.CustomerID)
	second, err := c.Locations.Create(ctx, reg.ID, plume.LocationCreate{Name: "Office", ServiceID: "svc-office"})
	require.NoError(t, err)
	renamed, err := c.Locations.Update(ctx, reg.ID, second.ID, plume.LocationUpdate{Name: ptr("Back office")})
	require.NoError(t, err)
	assert.Equal(t, "Back office", renamed.Name)
	withSvc, err := c.Locations.SetServiceID(ctx, reg.ID, reg.LocationID, "svc-900001")
	require.NoError(t, err)
	assert.Equal(t, "svc-900001", withSvc.ServiceID)
	byService, err := c.Locations.FindByServiceID(ctx, "svc-900001")
	require.NoError(t, err)
	assert.Equal(t, reg.LocationID, byService.ID)
	assert.Equal(t, reg.ID, byService.CustomerID)
	assert.Equal(t, "crm-900002", byService.AccountID)

	level, err := c.Locations.GetServiceLevel(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	assert.Equal(t, plume.FullService, level.Status)
	level, err = c.Locations.SetServiceLevel(ctx, reg.ID, reg.LocationID, plume.BasicService)
	require.NoError(t, err)
	assert.Equal(t, plume.BasicService, level.Status)

	wan, err := c.Locations.SetStaticIPv4(ctx, reg.ID, reg.LocationID, plume.StaticIPv4{Enabled: true, IP: "192.168.12.250", Subnet: "255.255.255.0", Gateway: "192.168.12.1", PrimaryDNS: "8.8.8.8", SecondaryDNS: "8.8.4.4"})
	require.NoError(t, err)
	require.NotNil(t, wan.StaticIPv4)
	assert.Equal(t, "192.168.12.250", wan.StaticIPv4.IP)
	wan, err = c.Locations.GetWANConfiguration(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	assert.Equal(t, "8.8.4.4", wan.StaticIPv4.SecondaryDNS)

	// WiFi
	_, err = c.WifiNetworks.Get(ctx, reg.ID, reg.LocationID)
	assert.ErrorIs(t, err, plume.ErrNotFound)
	wifi, err := c.WifiNetworks.Create(ctx, reg.ID, reg.LocationID, plume.WifiNetworkRequest{SSID: "Hopper", EncryptionKey: "cobol-1959-key", WPAMode: plume.WPASAEMixed})
	require.NoError(t, err)
	assert.Equal(t, "Hopper", wifi.SSID)
	_, err = c.WifiNetworks.Create(ctx, reg.ID, reg.LocationID, plume.WifiNetworkRequest{SSID: "Again", EncryptionKey: "cobol-1959-key"})
	assert.ErrorIs(t, err, plume.ErrWifiNetworkExists)
	wifi, err = c.WifiNetworks.Replace(ctx, reg.ID, reg.LocationID, plume.WifiNetworkRequest{SSID: "Hopper2", EncryptionKey: "flow-matic-1955"})
	require.NoError(t, err)
	assert.Equal(t, "flow-matic-1955", wifi.EncryptionKey)
	wifi, err = c.WifiNetworks.Update(ctx, reg.ID, reg.LocationID, plume.WifiNetworkUpdate{Enabled: ptr(false), WPAMode: ptr(plume.WPASAE)})
	require.NoError(t, err)
	assert.False(t, wifi.Enabled)
	assert.Equal(t, plume.WPASAE, wifi.WPAMode)
	wifi, err = c.WifiNetworks.Get(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	assert.Equal(t, "Hopper2", wifi.SSID)

	// Nodes
	claim, err := c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW9001", Nickname: "Gateway"})
	require.NoError(t, err)
	require.Len(t, claim.Claimed, 1)
	assert.True(t, claim.Claimed[0].ResidentialGateway)
	again, err := c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW9001"})
	require.NoError(t, err)
	assert.True(t, again.AlreadyClaimed)
	_, err = c.Nodes.Claim(ctx, reg.ID, second.ID, plume.ClaimRequest{SerialNumber: "GW9001"})
	assert.ErrorIs(t, err, plume.ErrNodeOwnedElsewhere)
	for _, pod := range []string{"POD9001", "POD9002"} {
		_, err := c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: pod})
		require.NoError(t, err)
	}
	nodes, err := c.Nodes.List(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	assert.Len(t, nodes, 3)
	node, err := c.Nodes.Get(ctx, reg.ID, reg.LocationID, "POD9001")
	require.NoError(t, err)
	assert.Equal(t, "POD9001", node.ID)
	node, err = c.Nodes.Rename(ctx, reg.ID, reg.LocationID, "POD9001", "Kitchen")
	require.NoError(t, err)
	assert.Equal(t, "Kitchen", node.Nickname)
	lookup, err := c.Nodes.Lookup(ctx, "POD9001")
	require.NoError(t, err)
	assert.True(t, lookup.Claimed())
	assert.Equal(t, reg.LocationID, lookup.LocationID)

	cp, err := c.Locations.SetOnboardingCheckpoint(ctx, reg.ID, reg.LocationID, plume.OnboardingComplete)
	require.NoError(t, err)
	assert.Equal(t, plume.OnboardingComplete, cp.Value)

	require.NoError(t, c.Nodes.Unclaim(ctx, reg.ID, reg.LocationID, "POD9001", &plume.UnclaimOptions{PreservePackID: true}))
	assert.ErrorIs(t, c.Nodes.Unclaim(ctx, reg.ID, reg.LocationID, "POD9001", nil), plume.ErrNodeNotClaimed)
	srv.SetNodeOnline("POD9002", true)
	assert.ErrorIs(t, c.Nodes.Unclaim(ctx, reg.ID, reg.LocationID, "POD9002", nil), plume.ErrForbidden)
	require.NoError(t, c.Nodes.UnclaimAll(ctx, reg.ID, reg.LocationID, nil))
	lookup, err = c.Nodes.Lookup(ctx, "GW9001")
	require.NoError(t, err)
	assert.False(t, lookup.Claimed())
	assert.Equal(t, 0, srv.Licenses())

	// The end
	require.NoError(t, c.Locations.Delete(ctx, reg.ID, second.ID))
	assert.ErrorIs(t, c.Locations.Delete(ctx, reg.ID, second.ID), plume.ErrLocationArchived)
	require.NoError(t, c.Customers.Delete(ctx, reg.ID))
	_, err = c.Customers.FindByAccountID(ctx, "crm-900002")
	assert.ErrorIs(t, err, plume.ErrNotFound)
}

// setFields returns the names of the exported fields of v (a struct) that are not zero,
// Raw left out, descending into embedded structs.
func setFields(v reflect.Value) []string {
	var out []string
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Name == "Raw" {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, setFields(v.Field(i))...)
			continue
		}
		if !v.Field(i).IsZero() {
			out = append(out, f.Name)
		}
	}
	return out
}

func decodeFixture[T any](t *testing.T, name string) T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(data, &v), name)
	return v
}

// TestFixturesAndFakeDecodeAlike decodes each documented fixture and the fake's answer for
// the same object into the SDK's types: every typed field the documentation fills, the fake
// fills too, so that tests against the fake see what the cloud sends.
func TestFixturesAndFakeDecodeAlike(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	srv.AddGateways("GW9101")
	c := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	ctx := t.Context()

	reg, err := c.Customers.Register(ctx, plume.RegisterRequest{AccountID: "crm-910100", Email: "ada@example.com", Name: "Ada"})
	require.NoError(t, err)
	_, err = c.Locations.SetServiceID(ctx, reg.ID, reg.LocationID, "svc-910100")
	require.NoError(t, err)
	customer, err := c.Customers.MarkEmailVerified(ctx, reg.ID)
	require.NoError(t, err)
	location, err := c.Locations.Get(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	wifi, err := c.WifiNetworks.Create(ctx, reg.ID, reg.LocationID, plume.WifiNetworkRequest{SSID: "Ada", EncryptionKey: "engine-1843", WPAMode: plume.WPAPSK2})
	require.NoError(t, err)
	_, err = c.Nodes.Claim(ctx, reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: "GW9101", Nickname: "Hall"})
	require.NoError(t, err)
	node, err := c.Nodes.Get(ctx, reg.ID, reg.LocationID, "GW9101")
	require.NoError(t, err)
	lookup, err := c.Nodes.Lookup(ctx, "GW9101")
	require.NoError(t, err)
	match, err := c.Locations.FindByServiceID(ctx, "svc-910100")
	require.NoError(t, err)
	level, err := c.Locations.GetServiceLevel(ctx, reg.ID, reg.LocationID)
	require.NoError(t, err)
	wan, err := c.Locations.SetStaticIPv4(ctx, reg.ID, reg.LocationID, plume.StaticIPv4{Enabled: true, IP: "10.0.0.2", Subnet: "255.255.255.0", Gateway: "10.0.0.1", PrimaryDNS: "1.1.1.1", SecondaryDNS: "1.0.0.1"})
	require.NoError(t, err)
	checkpoint, err := c.Locations.SetOnboardingCheckpoint(ctx, reg.ID, reg.LocationID, plume.OnboardingComplete)
	require.NoError(t, err)

	for _, tc := range []struct {
		fixture string
		doc     any
		fake    any
	}{
		{"customer_register.json", decodeFixture[plume.RegisteredCustomer](t, "customer_register.json"), *reg},
		{"customer_patch.json", decodeFixture[plume.Customer](t, "customer_patch.json"), *customer},
		{"location_created.json", decodeFixture[plume.Location](t, "location_created.json"), *location},
		{"wifi_network_bare.json", decodeFixture[plume.WifiNetwork](t, "wifi_network_bare.json"), *wifi},
		{"node_get.json", decodeFixture[plume.Node](t, "node_get.json"), *node},
		{"lookup_claimed.json", decodeFixture[plume.NodeLookup](t, "lookup_claimed.json"), *lookup},
		{"location_match.json", decodeFixture[plume.LocationMatch](t, "location_match.json"), *match},
		{"servicelevel_get.json", decodeFixture[plume.ServiceLevel](t, "servicelevel_get.json"), *level},
		{"wan_configuration.json", decodeFixture[plume.WANConfiguration](t, "wan_configuration.json"), *wan},
	} {
		docFields := setFields(reflect.ValueOf(tc.doc))
		require.NotEmpty(t, docFields, tc.fixture)
		assert.Subset(t, setFields(reflect.ValueOf(tc.fake)), docFields, "%s: typed fields the fake leaves empty", tc.fixture)
	}
	assert.Equal(t, plume.OnboardingComplete, checkpoint.Value)
	assert.False(t, checkpoint.Timestamp.IsZero())
}
