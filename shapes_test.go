package plume

// shapes_test.go: every response body Plume documents, in the reference's shape (E) and the
// guides' (G), decodes into the typed fields the SDK promises (issue 15). Each fixture of
// testdata/ named <object>_<what>_<reference|guide>.json (and the older ones that already are
// a documented shape) is answered to the method that reads it, through newMockClient, and
// every typed field of the result is asserted, Raw included where the type keeps it. The
// fixtures carry their own values in the structure, field names and JSON types of Plume's
// examples (docs/plume-api-errata.md, section C).

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The ids the shape fixtures use.
const (
	shapeCustomerID  = "65f0a1b2c3d4e5f601a2b3c4"
	shapeLocationID  = "65f0a1b2c3d4e5f601a2b3d5"
	shapeLocation2ID = "65f0a1b2c3d4e5f601a2b3e6"
)

// shapeTime parses an RFC 3339 time of a fixture.
func shapeTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return ts
}

// shapeElem returns, as JSON, the member of testdata/name found by following path (object
// member names and array indexes); no path is the whole fixture.
func shapeElem(t *testing.T, name string, path ...any) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(fixture(t, name)), &v), name)
	for _, step := range path {
		switch s := step.(type) {
		case string:
			obj, ok := v.(map[string]any)
			require.True(t, ok, "%s: %v is not under an object", name, s)
			v = obj[s]
		case int:
			arr, ok := v.([]any)
			require.True(t, ok, "%s: %d is not under an array", name, s)
			require.Less(t, s, len(arr))
			v = arr[s]
		}
	}
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// assertRaw checks that raw is the JSON of wantJSON, and that it is valid on its own.
func assertRaw(t *testing.T, wantJSON string, raw json.RawMessage) {
	t.Helper()
	require.True(t, json.Valid(raw), "Raw is not valid JSON: %q", raw)
	assert.JSONEq(t, wantJSON, string(raw), "Raw")
}

// --- Nodes -------------------------------------------------------------------------------

// TestShapesNodeListReference: E's node list, {"nodes":{"nodes":[NodeStatus…]}}, whose items
// have no serialNumber or model (errata C2).
func TestShapesNodeListReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "node_list_reference.json")

	got, err := c.Nodes.List(t.Context(), shapeCustomerID, shapeLocationID)
	require.NoError(t, err)
	require.Len(t, got, 2)
	want := []Node{
		{
			ID: "GWK7M2P9Q4R1", Nickname: "Study", DefaultName: "Gateway", ConnectionState: "connected",
			FirmwareVersion: "5.2.0-88-gab12c3d", IP: "10.40.0.1",
			Channel: "149", Channel2G: "11", Channel5G: "149", Channel6G: "37",
			BackhaulType: "ethernet", ConnectedDeviceCount: 9,
		},
		{
			ID: "PDH3J8L5N6T2", Nickname: "Attic", DefaultName: "Pod 2", ConnectionState: "disconnected",
			FirmwareVersion: "5.2.0-88-gab12c3d", IP: "10.40.0.27",
			Channel: "36", Channel2G: "1", Channel5G: "36", Channel6G: "",
			BackhaulType: "wifi", ConnectedDeviceCount: 2,
		},
	}
	for i := range got {
		assertRaw(t, shapeElem(t, "node_list_reference.json", "nodes", "nodes", i), got[i].Raw)
		got[i].Raw = nil
	}
	assert.Equal(t, want, got)
}

// TestShapesNodeGetReference: E's one node, a NodeStatus object.
func TestShapesNodeGetReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "node_get_reference.json")

	got, err := c.Nodes.Get(t.Context(), shapeCustomerID, shapeLocationID, "PDW4X6Z8B1C3")
	require.NoError(t, err)
	assertRaw(t, fixture(t, "node_get_reference.json"), got.Raw)
	got.Raw = nil
	assert.Equal(t, &Node{
		ID: "PDW4X6Z8B1C3", Nickname: "Garage", DefaultName: "Pod 3", ConnectionState: "connected",
		FirmwareVersion: "5.2.0-88-gab12c3d", IP: "10.40.0.33",
		Channel: "44", Channel2G: "6", Channel5G: "44", Channel6G: "69",
		BackhaulType: "wifi", ConnectedDeviceCount: 4,
	}, got)
}

// TestShapesNodeRecordReference: E's rename answer, the full node record (serialNumber, model,
// locationId, …; no ip, channels or defaultName).
func TestShapesNodeRecordReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "node_record_reference.json")

	got, err := c.Nodes.Rename(t.Context(), shapeCustomerID, shapeLocationID, "PDW4X6Z8B1C3", "Workshop")
	require.NoError(t, err)
	assertRaw(t, fixture(t, "node_record_reference.json"), got.Raw)
	got.Raw = nil
	assert.Equal(t, &Node{
		ID: "PDW4X6Z8B1C3", SerialNumber: "PDW4X6Z8B1C3", Nickname: "Workshop", Model: "PP603X",
		ConnectionState: "connected", ConnectionStateChangeAt: shapeTime(t, "2025-02-11T08:10:05.125Z"),
		FirmwareVersion: "5.2.0-88-gab12c3d", ResidentialGateway: false, LocationID: shapeLocationID,
	}, got)
}

// TestShapesClaimReference: E's claim answer, items {serialNumber, id, nickname, defaultName,
// status} and a top-level numeric id (errata C3).
func TestShapesClaimReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "claim_reference.json")

	got, err := c.Nodes.Claim(t.Context(), shapeCustomerID, shapeLocationID, ClaimRequest{SerialNumber: "GWK7M2P9Q4R1", Nickname: "Study"})
	require.NoError(t, err)
	assert.False(t, got.AlreadyClaimed)
	require.Len(t, got.Claimed, 2)
	for i := range got.Claimed {
		assertRaw(t, shapeElem(t, "claim_reference.json", "claimed", i), got.Claimed[i].Raw)
		got.Claimed[i].Raw = nil
	}
	assert.Equal(t, []ClaimedNode{
		{ID: "GWK7M2P9Q4R1", SerialNumber: "GWK7M2P9Q4R1", Nickname: "Study", DefaultName: "Gateway", Status: "claimed"},
		{ID: "PDH3J8L5N6T2", SerialNumber: "PDH3J8L5N6T2", Nickname: "Attic", DefaultName: "Pod 2", Status: "claimed"},
	}, got.Claimed)
}

// TestShapesClaimGuide: G's claim answer, the claim record (customerId, locationId, packId,
// residentialGateway, …) and no top-level id.
func TestShapesClaimGuide(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "claim_guide.json")

	got, err := c.Nodes.Claim(t.Context(), shapeCustomerID, shapeLocationID, ClaimRequest{SerialNumber: "GWK7M2P9Q4R1"})
	require.NoError(t, err)
	assert.False(t, got.AlreadyClaimed)
	require.Len(t, got.Claimed, 1)
	assertRaw(t, shapeElem(t, "claim_guide.json", "claimed", 0), got.Claimed[0].Raw)
	got.Claimed[0].Raw = nil
	assert.Equal(t, ClaimedNode{
		ID: "GWK7M2P9Q4R1", SerialNumber: "GWK7M2P9Q4R1", CustomerID: shapeCustomerID, LocationID: shapeLocationID,
		PackID: "PK-1877", ResidentialGateway: true,
	}, got.Claimed[0])
}

// TestShapesNodeLookup: G's partner node lookup decodes every field; E's {} (both variants)
// names no node, which Lookup refuses as an unusable answer rather than a node of empty ids.
func TestShapesNodeLookup(t *testing.T) {
	t.Parallel()
	t.Run("guide", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "lookup_claimed.json")
		got, err := c.Nodes.Lookup(t.Context(), "PD9Z8Y7X6W5V")
		require.NoError(t, err)
		assert.Equal(t, &NodeLookup{
			SerialNumber: "PD9Z8Y7X6W5V", CustomerID: "6418c49b0f1e2d3c4b5a6978", LocationID: "6418c49c1a2b3c4d5e6f7a8b",
			PackID: "PK-77", PartnerID: "partner-1",
		}, got)
		assert.True(t, got.Claimed())
	})
	t.Run("reference", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "node_lookup_reference.json")
		got, err := c.Nodes.Lookup(t.Context(), "PD9Z8Y7X6W5V")
		require.ErrorIs(t, err, ErrUnexpectedResponse)
		assert.Nil(t, got)
	})
}

// --- Customers ---------------------------------------------------------------------------

// TestShapesCustomerRegister: E's register answer (no partnerId, autoProvisioned or
// systemUser; errata C4), G's CustomerProvisioning answer (no email or createdAt) and G's
// ProvisioningAndFindingLocation answer (both), each with the locationId of "Home".
func TestShapesCustomerRegister(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fixture string
		want    RegisteredCustomer
	}{
		{"customer_register_reference.json", RegisteredCustomer{Customer: Customer{
			ID: shapeCustomerID, AccountID: "CRM-778812", Name: "Lena Park", Email: "lena.park@isp.example",
			CreatedAt: shapeTime(t, "2025-02-10T16:05:44.120Z"),
		}, LocationID: shapeLocationID}},
		{"customer_register_guide.json", RegisteredCustomer{Customer: Customer{
			ID: shapeCustomerID, AccountID: "CRM-778812", Name: "Lena Park", PartnerID: "partner-9", AutoProvisioned: true,
		}, LocationID: shapeLocationID}},
		{"customer_register.json", RegisteredCustomer{Customer: Customer{
			ID: "6418c49c2f1e4a0012ab34cd", AccountID: "7d3f0a52-9c1e-4b7a-8e55-1f2a3b4c5d6e", Name: "Jane Doe",
			Email: "jane.doe@isp.example", PartnerID: "partner-1", CreatedAt: shapeTime(t, "2023-03-27T14:41:58.312Z"),
		}, LocationID: "6418c49c2f1e4a0012ab34ce"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, tc.fixture)
			got, err := c.Customers.Register(t.Context(), RegisterRequest{AccountID: "CRM-778812"})
			require.NoError(t, err)
			assertRaw(t, fixture(t, tc.fixture), got.Raw)
			got.Raw = nil
			assert.Equal(t, &tc.want, got)
		})
	}
}

// shapeCustomerReference is the customer of testdata/customer_get_reference.json: E's
// Customer (contact, preferredLanguage, nocSettings, …; no systemUser, errata C5).
func shapeCustomerReference(t *testing.T) Customer {
	return Customer{
		ID: shapeCustomerID, AccountID: "CRM-778812", Name: "Lena Park", Email: "lena.park@isp.example",
		PartnerID: "partner-9", EmailVerified: true, AutoProvisioned: true, Anonymous: false, Locked: true,
		SystemUser: false, AcceptLanguage: "fr-CA", CreatedAt: shapeTime(t, "2025-02-10T16:05:44.120Z"),
	}
}

// TestShapesCustomerGetReference: E's Customer, as Get and as the PATCH answer (the same
// object in E) return it.
func TestShapesCustomerGetReference(t *testing.T) {
	t.Parallel()
	calls := map[string]func(c *Client, t *testing.T) (*Customer, error){
		"Get": func(c *Client, t *testing.T) (*Customer, error) {
			return c.Customers.Get(t.Context(), shapeCustomerID)
		},
		"Update": func(c *Client, t *testing.T) (*Customer, error) {
			return c.Customers.Update(t.Context(), shapeCustomerID, CustomerUpdate{Name: custPtr("Lena Park")})
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, "customer_get_reference.json")
			got, err := call(c, t)
			require.NoError(t, err)
			assertRaw(t, fixture(t, "customer_get_reference.json"), got.Raw)
			got.Raw = nil
			want := shapeCustomerReference(t)
			assert.Equal(t, &want, got)
		})
	}
}

// TestShapesCustomerListReference: E's customer list, an array of Customers.
func TestShapesCustomerListReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_list_reference.json")

	got, err := c.Customers.List(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i := range got {
		assertRaw(t, shapeElem(t, "customer_list_reference.json", i), got[i].Raw)
		got[i].Raw = nil
	}
	assert.Equal(t, []Customer{shapeCustomerReference(t), {
		ID: "65f0a1b2c3d4e5f601a2b6b9", AccountID: "CRM-778813", Name: "Omar Haddad", Email: "omar.haddad@isp.example",
		PartnerID: "partner-9", EmailVerified: false, AutoProvisioned: true, Locked: false, AcceptLanguage: "fr-CA",
		CreatedAt: shapeTime(t, "2025-02-12T07:45:10.009Z"),
	}}, got)
}

// TestShapesCustomerPatchGuide: G's two PATCH answers, UpdatePlumeCustomer's (no
// emailVerified) and EmailVerification's (no anonymous, systemUser or _version).
func TestShapesCustomerPatchGuide(t *testing.T) {
	t.Parallel()
	t.Run("accountId", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "customer_accountid_guide.json")
		got, err := c.Customers.SetAccountID(t.Context(), shapeCustomerID, "CRM-990001")
		require.NoError(t, err)
		assertRaw(t, fixture(t, "customer_accountid_guide.json"), got.Raw)
		got.Raw = nil
		assert.Equal(t, &Customer{
			ID: shapeCustomerID, AccountID: "CRM-990001", Name: "Lena Park", Email: "lena.park@isp.example",
			AutoProvisioned: true, SystemUser: true, CreatedAt: shapeTime(t, "2025-02-10T16:05:44.120Z"),
		}, got)
	})
	t.Run("emailVerified", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "customer_emailverified_guide.json")
		got, err := c.Customers.MarkEmailVerified(t.Context(), shapeCustomerID)
		require.NoError(t, err)
		assertRaw(t, fixture(t, "customer_emailverified_guide.json"), got.Raw)
		got.Raw = nil
		assert.Equal(t, &Customer{
			ID: shapeCustomerID, AccountID: "CRM-778812", Name: "Lena Park", Email: "lena.park@isp.example",
			EmailVerified: true, AutoProvisioned: true, CreatedAt: shapeTime(t, "2025-02-10T16:05:44.120Z"),
		}, got)
	})
}

// TestShapesCustomerDelete: E's {} and G's {"count":1} are both a deleted customer (errata C6).
func TestShapesCustomerDelete(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"customer_delete_reference.json", "customer_delete_guide.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, name)
			require.NoError(t, c.Customers.Delete(t.Context(), shapeCustomerID))
			assertRequest(t, m.only(), http.MethodDelete, "/api/Customers/"+shapeCustomerID, "", "")
		})
	}
}

// TestShapesCustomerExistsReference: E's bare boolean.
func TestShapesCustomerExistsReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_exists_reference.json")
	got, err := c.Customers.Exists(t.Context(), "lena.park@isp.example")
	require.NoError(t, err)
	assert.Equal(t, &Existence{Exists: true, EmailVerified: true}, got)
}

// TestShapesCustomerSearch: G's array of matches, one match as an object (the object form E
// draws), and E's literal {} (no match) (errata C7).
func TestShapesCustomerSearch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fixture string
		want    []CustomerMatch
	}{
		{"search_results.json", []CustomerMatch{
			{ID: "6418c49c2f1e4a0012ab34cd", AccountID: "A-100", Name: "Jane Doe", Email: "jane.doe@isp.example",
				LocationIDs: []string{"6418c49c2f1e4a0012ab34ce", "6418c49c2f1e4a0012ab36bb"}},
			{ID: "6418c49c2f1e4a0012ab35aa", AccountID: "A-1000", Name: "John Roe", Email: "john.roe@isp.example"},
		}},
		{"customer_search_object.json", []CustomerMatch{
			{ID: shapeCustomerID, AccountID: "CRM-778812", Name: "Lena Park", Email: "lena.park@isp.example",
				LocationIDs: []string{shapeLocationID, shapeLocation2ID}},
		}},
		{"customer_search_reference.json", []CustomerMatch{}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, tc.fixture)
			got, err := c.Customers.Search(t.Context(), SearchOptions{Field: SearchByName, Keyword: "Park"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// --- Locations ---------------------------------------------------------------------------

// shapeLocationReference is the location of testdata/location_get_reference.json: E's full
// Location, with freezeTemplates {}, serviceLevel {} and a numeric numPodsAuthorized
// (errata C14).
func shapeLocationReference(t *testing.T) Location {
	return Location{
		ID: shapeLocationID, Name: "Main Street Shop", CustomerID: shapeCustomerID, AccountID: "CRM-778812",
		PartnerID: "partner-9", ServiceID: "SVC-40417", Profile: ProfileSmallBusiness,
		ServiceLevel: &ServiceLevel{}, MonitorMode: true, PodsAuthorized: 12,
		CreatedAt: shapeTime(t, "2025-02-10T16:05:44.500Z"), UpdatedAt: shapeTime(t, "2025-02-11T09:30:12.750Z"),
	}
}

// TestShapesLocationGetReference: E's Location, as Get and as the PATCH answer (the same
// object in E) return it.
func TestShapesLocationGetReference(t *testing.T) {
	t.Parallel()
	calls := map[string]func(c *Client, t *testing.T) (*Location, error){
		"Get": func(c *Client, t *testing.T) (*Location, error) {
			return c.Locations.Get(t.Context(), shapeCustomerID, shapeLocationID)
		},
		"Update": func(c *Client, t *testing.T) (*Location, error) {
			return c.Locations.Update(t.Context(), shapeCustomerID, shapeLocationID, LocationUpdate{Name: custPtr("Main Street Shop")})
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, "location_get_reference.json")
			got, err := call(c, t)
			require.NoError(t, err)
			assertRaw(t, fixture(t, "location_get_reference.json"), got.Raw)
			got.Raw = nil
			want := shapeLocationReference(t)
			assert.Equal(t, &want, got)
		})
	}
}

// shapeCottage is the location of testdata/location_list_reference.json.
func shapeCottage(t *testing.T) Location {
	l := shapeLocationReference(t)
	l.ID, l.Name = shapeLocation2ID, "Cottage"
	l.CreatedAt, l.UpdatedAt = shapeTime(t, "2025-02-12T10:00:00.000Z"), shapeTime(t, "2025-02-12T10:05:00.000Z")
	return l
}

// TestShapesLocationList: E's list answer is one full Location object, G's one object of
// id, name, createdAt and customerId (errata C9); the array is read too.
func TestShapesLocationList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fixture string
		raws    []string
		want    func(t *testing.T) []Location
	}{
		{"location_list_reference.json", []string{fixture(t, "location_list_reference.json")}, func(t *testing.T) []Location {
			return []Location{shapeCottage(t)}
		}},
		{"locations_single.json", []string{fixture(t, "locations_single.json")}, func(t *testing.T) []Location {
			return []Location{{ID: "6418c49c1a2b3c4d5e6f7a8b", Name: "Home", CustomerID: "6418c49b0f1e2d3c4b5a6978",
				CreatedAt: shapeTime(t, "2023-03-27T14:41:58.312Z")}}
		}},
		{"locations_list.json", []string{shapeElem(t, "locations_list.json", 0), shapeElem(t, "locations_list.json", 1)}, func(t *testing.T) []Location {
			return []Location{
				{ID: "6418c49c1a2b3c4d5e6f7a8b", Name: "Home", CustomerID: "6418c49b0f1e2d3c4b5a6978",
					CreatedAt: shapeTime(t, "2023-03-27T14:41:58.312Z")},
				{ID: "6418c49d9a8b7c6d5e4f3a2b", Name: "Office", CustomerID: "6418c49b0f1e2d3c4b5a6978",
					Profile: ProfileSmallBusiness, ServiceID: "SVC-000124", CreatedAt: shapeTime(t, "2023-04-02T08:00:00.000Z")},
			}
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, tc.fixture)
			got, err := c.Locations.List(t.Context(), shapeCustomerID)
			require.NoError(t, err)
			require.Len(t, got, len(tc.raws))
			for i := range got {
				assertRaw(t, tc.raws[i], got[i].Raw)
				got[i].Raw = nil
			}
			assert.Equal(t, tc.want(t), got)
		})
	}
}

// TestShapesLocationPatchGuide: G's SetServiceId answer, a partial Location whose
// freezeTemplates is an array (an object in E).
func TestShapesLocationPatchGuide(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "location_patch_guide.json")

	got, err := c.Locations.SetServiceID(t.Context(), shapeCustomerID, shapeLocationID, "SVC-40418")
	require.NoError(t, err)
	assertRaw(t, fixture(t, "location_patch_guide.json"), got.Raw)
	got.Raw = nil
	assert.Equal(t, &Location{
		ID: shapeLocationID, Name: "Home", CustomerID: shapeCustomerID, ServiceID: "SVC-40418",
		MonitorMode: false, CreatedAt: shapeTime(t, "2025-02-10T16:05:44.500Z"),
	}, got)
}

// TestShapesLocationCreateReference: E's create answer is {} (errata C1): Create reads the
// customer's locations and returns the one it made.
func TestShapesLocationCreateReference(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.then(http.StatusOK, fixture(t, "location_create_reference.json"))
	m.replyFixture(http.StatusOK, "location_list_reference.json")

	got, err := c.Locations.Create(t.Context(), shapeCustomerID, LocationCreate{Name: "Cottage", ServiceID: "SVC-40417"})
	require.NoError(t, err)
	reqs := m.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, http.MethodGet, reqs[1].Method)
	assertRaw(t, fixture(t, "location_list_reference.json"), got.Raw)
	got.Raw = nil
	want := shapeCottage(t)
	assert.Equal(t, &want, got)
}

// TestShapesLocationLookup: G's partner location lookup decodes every field; E's {} names no
// location, which FindByServiceID refuses as an unusable answer (not ErrNotFound).
func TestShapesLocationLookup(t *testing.T) {
	t.Parallel()
	t.Run("guide", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "location_match.json")
		got, err := c.Locations.FindByServiceID(t.Context(), "SVC-000123")
		require.NoError(t, err)
		assert.Equal(t, &LocationMatch{
			ID: "6418c49c1a2b3c4d5e6f7a8b", Name: "Home", ServiceID: "SVC-000123", CustomerID: "6418c49b0f1e2d3c4b5a6978",
			CustomerName: "Ada Lovelace", AccountID: "8f14e45f-ceea-467a-9af0-5c7a0b1d2e3f",
		}, got)
	})
	t.Run("reference", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "location_lookup_reference.json")
		got, err := c.Locations.FindByServiceID(t.Context(), "SVC-000123")
		require.ErrorIs(t, err, ErrUnexpectedResponse)
		assert.NotErrorIs(t, err, ErrNotFound)
		assert.Nil(t, got)
	})
}

// TestShapesServiceLevel: G's PATCH answer {status, createdAt, updatedAt}; E's {} for PATCH
// (the status sent is filled in) and for GET (no status: refused) (errata C11).
func TestShapesServiceLevel(t *testing.T) {
	t.Parallel()
	t.Run("set/guide", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "servicelevel_get.json")
		got, err := c.Locations.SetServiceLevel(t.Context(), shapeCustomerID, shapeLocationID, NoService)
		require.NoError(t, err)
		assert.Equal(t, &ServiceLevel{Status: NoService, CreatedAt: shapeTime(t, "2023-03-27T14:41:58.312Z"),
			UpdatedAt: shapeTime(t, "2023-06-01T00:00:00.000Z")}, got)
	})
	t.Run("set/reference", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "servicelevel_set_reference.json")
		got, err := c.Locations.SetServiceLevel(t.Context(), shapeCustomerID, shapeLocationID, BasicService)
		require.NoError(t, err)
		assert.Equal(t, &ServiceLevel{Status: BasicService}, got)
	})
	t.Run("get/reference", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "servicelevel_get_reference.json")
		got, err := c.Locations.GetServiceLevel(t.Context(), shapeCustomerID, shapeLocationID)
		require.ErrorIs(t, err, ErrUnexpectedResponse)
		assert.Nil(t, got)
	})
}

// TestShapesCheckpoint: E's doubly wrapped checkpoint and G's singly wrapped {value,
// timestamp} (errata C10).
func TestShapesCheckpoint(t *testing.T) {
	t.Parallel()
	t.Run("reference", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "checkpoint_double.json")
		got, err := c.Locations.SetOnboardingCheckpoint(t.Context(), shapeCustomerID, shapeLocationID, PodsAdded)
		require.NoError(t, err)
		assert.Equal(t, &OnboardingCheckpoint{
			Value: PodsAdded, Timestamp: shapeTime(t, "2023-03-27T15:02:11.500Z"), ID: "6418d0aa0b1c2d3e4f5a6b7d",
			LocationID: "6418c49c1a2b3c4d5e6f7a8b", CreatedAt: shapeTime(t, "2023-03-27T15:02:11.512Z"),
		}, got, "the answer's location id, not the call's")
	})
	t.Run("guide", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "checkpoint_guide.json")
		got, err := c.Locations.SetOnboardingCheckpoint(t.Context(), shapeCustomerID, shapeLocationID, OnboardingComplete)
		require.NoError(t, err)
		assert.Equal(t, &OnboardingCheckpoint{
			Value: OnboardingComplete, Timestamp: shapeTime(t, "2025-02-10T18:42:07.333Z"), LocationID: shapeLocationID,
		}, got, "the location id is the call's")
	})
}

// --- WAN configuration -------------------------------------------------------------------

// shapeStatic is the static IPv4 setup of testdata/wan_configuration_{guide,flat}.json.
var shapeStatic = StaticIPv4{
	Enabled: true, IP: "203.0.113.10", Subnet: "255.255.255.248", Gateway: "203.0.113.9",
	PrimaryDNS: "9.9.9.9", SecondaryDNS: "149.112.112.112",
}

// shapeSent is a static IPv4 setup other than the fixtures', sent by SetStaticIPv4 to tell
// the answer's setup from the call's.
var shapeSent = StaticIPv4{Enabled: true, IP: "198.51.100.2", Subnet: "255.255.255.0", Gateway: "198.51.100.1"}

// TestShapesWANConfiguration: G's answer nests staticIPv4 with "enabled":"true"; G's flat form
// has the staticIPv4 members at the top level (errata B8); E draws {} for GET and PUT (C11),
// which gets the call's location id (and, for PUT, the setup it sent).
func TestShapesWANConfiguration(t *testing.T) {
	t.Parallel()
	guide := func(t *testing.T) WANConfiguration {
		static := shapeStatic
		return WANConfiguration{ID: "65f0a1b2c3d4e5f601a2b8d3", LocationID: shapeLocationID, StaticIPv4: &static,
			UpdatedAt: shapeTime(t, "2025-02-10T19:01:02.345Z")}
	}
	flat := func(*testing.T) WANConfiguration {
		static := shapeStatic
		return WANConfiguration{LocationID: shapeLocation2ID, StaticIPv4: &static}
	}
	for _, tc := range []struct {
		fixture string
		set     bool
		want    func(t *testing.T) WANConfiguration
	}{
		{"wan_configuration_guide.json", false, guide},
		{"wan_configuration_guide.json", true, guide},
		{"wan_configuration_flat.json", false, flat},
		{"wan_configuration_flat.json", true, flat},
		{"wan_get_reference.json", false, func(*testing.T) WANConfiguration { return WANConfiguration{LocationID: shapeLocation2ID} }},
		{"wan_set_reference.json", true, func(*testing.T) WANConfiguration {
			sent := shapeSent
			return WANConfiguration{LocationID: shapeLocation2ID, StaticIPv4: &sent}
		}},
	} {
		name := tc.fixture + "/get"
		if tc.set {
			name = tc.fixture + "/set"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, tc.fixture)
			var got *WANConfiguration
			var err error
			if tc.set {
				got, err = c.Locations.SetStaticIPv4(t.Context(), shapeCustomerID, shapeLocation2ID, shapeSent)
			} else {
				got, err = c.Locations.GetWANConfiguration(t.Context(), shapeCustomerID, shapeLocation2ID)
			}
			require.NoError(t, err)
			assertRaw(t, fixture(t, tc.fixture), got.Raw)
			got.Raw = nil
			want := tc.want(t)
			assert.Equal(t, &want, got)
		})
	}
}

// TestShapesWANFlatForm: the flat form is read only without a staticIPv4 object, from any of
// its members, and its "enabled" as strictly as the nested one's.
func TestShapesWANFlatForm(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body    string
		want    *StaticIPv4
		wantErr bool
	}{
		{`{"staticIPv4":{"enabled":false,"ip":"10.0.0.2"},"enabled":"true","ip":"10.9.9.9"}`, &StaticIPv4{IP: "10.0.0.2"}, false},
		{`{"staticIPv4":null,"enabled":true,"ip":"10.9.9.9"}`, &StaticIPv4{Enabled: true, IP: "10.9.9.9"}, false},
		{`{"enabled":"false","ip":"10.9.9.9","subnet":"255.0.0.0"}`, &StaticIPv4{IP: "10.9.9.9", Subnet: "255.0.0.0"}, false},
		{`{"gateway":"10.9.9.1"}`, &StaticIPv4{Gateway: "10.9.9.1"}, false},
		{`{"enabled":null,"ip":null}`, nil, false},
		{`{"id":"w1","pppoe":{"enabled":true}}`, nil, false},
		{`{"enabled":"yes","ip":"10.9.9.9"}`, nil, true},
	} {
		var got WANConfiguration
		err := json.Unmarshal([]byte(tc.body), &got)
		if tc.wantErr {
			assert.Error(t, err, tc.body)
			continue
		}
		require.NoError(t, err, tc.body)
		assert.Equal(t, tc.want, got.StaticIPv4, tc.body)
		assert.Equal(t, tc.body, string(got.Raw))
	}
}

// --- WiFi network ------------------------------------------------------------------------

// TestShapesWifiNetwork: E's network (wpaModes {}, encryption "OPEN", encryptionMode "1",
// numeric masterKeyIndex, keys[].id and accessZones[].id; errata C13), wrapped for GET, POST
// and PUT and bare for PATCH (C12), either read by any call; G's create answer (encrypted,
// encryptedAt; no wpaMode, enabled or updatedAt).
func TestShapesWifiNetwork(t *testing.T) {
	t.Parallel()
	reference := func(t *testing.T) WifiNetwork {
		return WifiNetwork{
			ID: "65f0a1b2c3d4e5f601a2b9e4", LocationID: shapeLocationID, SSID: "ParkFamily", EncryptionKey: "maple-Syrup-2025",
			WPAMode: WPASAEMixed, WPAModes: &WPAModes{}, Enabled: true,
			CreatedAt: shapeTime(t, "2025-02-10T18:00:00.100Z"), UpdatedAt: shapeTime(t, "2025-02-10T18:05:30.900Z"),
		}
	}
	calls := map[string]func(c *Client, t *testing.T) (*WifiNetwork, error){
		"Get": func(c *Client, t *testing.T) (*WifiNetwork, error) {
			return c.WifiNetworks.Get(t.Context(), shapeCustomerID, shapeLocationID)
		},
		"Create": func(c *Client, t *testing.T) (*WifiNetwork, error) {
			return c.WifiNetworks.Create(t.Context(), shapeCustomerID, shapeLocationID, WifiNetworkRequest{SSID: "ParkFamily", EncryptionKey: "maple-Syrup-2025"})
		},
		"Replace": func(c *Client, t *testing.T) (*WifiNetwork, error) {
			return c.WifiNetworks.Replace(t.Context(), shapeCustomerID, shapeLocationID, WifiNetworkRequest{SSID: "ParkFamily", EncryptionKey: "maple-Syrup-2025"})
		},
		"Update": func(c *Client, t *testing.T) (*WifiNetwork, error) {
			return c.WifiNetworks.Update(t.Context(), shapeCustomerID, shapeLocationID, WifiNetworkUpdate{SSID: custPtr("ParkFamily")})
		},
	}
	for name, call := range calls {
		for _, tc := range []struct {
			fixture string
			raw     []any // the path of the network in the fixture
		}{
			{"wifi_network_reference.json", []any{"wifiNetwork"}},
			{"wifi_patch_reference.json", nil},
		} {
			t.Run(name+"/"+tc.fixture, func(t *testing.T) {
				t.Parallel()
				c, m := newMockClient(t)
				m.replyFixture(http.StatusOK, tc.fixture)
				got, err := call(c, t)
				require.NoError(t, err)
				assertRaw(t, shapeElem(t, tc.fixture, tc.raw...), got.Raw)
				got.Raw = nil
				want := reference(t)
				assert.Equal(t, &want, got)
			})
		}
	}
	t.Run("Create/wifi_network_guide.json", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.replyFixture(http.StatusOK, "wifi_network_guide.json")
		got, err := calls["Create"](c, t)
		require.NoError(t, err)
		assertRaw(t, shapeElem(t, "wifi_network_guide.json", "wifiNetwork"), got.Raw)
		got.Raw = nil
		assert.Equal(t, &WifiNetwork{
			ID: "65f0a1b2c3d4e5f601a2b9e4", LocationID: shapeLocationID, SSID: "ParkFamily", EncryptionKey: "maple-Syrup-2025",
			CreatedAt: shapeTime(t, "2025-02-10T18:00:00.100Z"),
		}, got)
	})
}
