package plume

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	locTestCustomer = "6418c49b0f1e2d3c4b5a6978"
	locTestLocation = "6418c49c1a2b3c4d5e6f7a8b"
	locTestPath     = "/api/Customers/" + locTestCustomer + "/locations/" + locTestLocation
	// an id with characters that must stay inside their path segment
	locTestOddID      = "a/b?c"
	locTestOddEscaped = "a%2Fb%3Fc"
)

func locTestTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return ts
}

// locCommonStatuses are the statuses documented for most location endpoints.
var locCommonStatuses = []statusCase{
	{401, []error{ErrUnauthorized}},
	{404, []error{ErrNotFound}},
	{500, []error{ErrServer}},
}

func locWithStatuses(extra ...statusCase) []statusCase {
	return append(append([]statusCase(nil), extra...), locCommonStatuses...)
}

func TestLocationsList(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "locations_list.json")

	locs, err := c.Locations.List(t.Context(), locTestCustomer)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/"+locTestCustomer+"/locations", "", "")
	require.Len(t, locs, 2)
	assert.Equal(t, locTestLocation, locs[0].ID)
	assert.Equal(t, "Home", locs[0].Name)
	assert.Equal(t, locTestCustomer, locs[0].CustomerID)
	assert.Equal(t, locTestTime(t, "2023-03-27T14:41:58.312Z"), locs[0].CreatedAt)
	assert.Equal(t, "Office", locs[1].Name)
	assert.Equal(t, ProfileSmallBusiness, locs[1].Profile)
	assert.Equal(t, "SVC-000124", locs[1].ServiceID)
	assert.JSONEq(t, `{"id":"6418c49c1a2b3c4d5e6f7a8b","name":"Home","createdAt":"2023-03-27T14:41:58.312Z","customerId":"6418c49b0f1e2d3c4b5a6978"}`, string(locs[0].Raw))
}

func TestLocationsListLenientShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		body    string
		wantIDs []string
	}{
		{"single object", fixture(t, "locations_single.json"), []string{locTestLocation}},
		{"empty array", `[]`, []string{}},
		{"empty object", `{}`, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			locs, err := c.Locations.List(t.Context(), locTestCustomer)
			require.NoError(t, err)
			require.NotNil(t, locs)
			ids := []string{}
			for _, l := range locs {
				ids = append(ids, l.ID)
			}
			assert.Equal(t, tc.wantIDs, ids)
		})
	}
}

func TestLocationsListBadBody(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `"nope"`)
	_, err := c.Locations.List(t.Context(), locTestCustomer)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Locations.List")
}

func TestLocationsListEscapesID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `[]`)
	_, err := c.Locations.List(t.Context(), locTestOddID)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/"+locTestOddEscaped+"/locations", "", "")
}

func TestLocationsListErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.List", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.List(ctx, locTestCustomer)
		return err
	})
	for _, id := range []string{"", " ", ".", ".."} {
		assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
			_, err := c.Locations.List(ctx, id)
			return err
		})
	}
}

func TestLocationsGetDecodesFullObject(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "location_full.json")

	loc, err := c.Locations.Get(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath, "", "")
	assert.Equal(t, locTestLocation, loc.ID)
	assert.Equal(t, "Home", loc.Name)
	assert.Equal(t, locTestCustomer, loc.CustomerID)
	assert.Equal(t, "8f14e45f-ceea-467a-9af0-5c7a0b1d2e3f", loc.AccountID)
	assert.Equal(t, "partner-1", loc.PartnerID)
	assert.Equal(t, "SVC-000123", loc.ServiceID)
	assert.Equal(t, ProfileSmallBusiness, loc.Profile)
	assert.True(t, loc.MonitorMode)
	assert.Equal(t, 32, loc.PodsAuthorized)
	assert.Equal(t, locTestTime(t, "2023-03-27T14:41:58.312Z"), loc.CreatedAt)
	assert.Equal(t, locTestTime(t, "2023-03-28T09:12:01.045Z"), loc.UpdatedAt)
	require.NotNil(t, loc.ServiceLevel)
	assert.Equal(t, BasicService, loc.ServiceLevel.Status)
	assert.Equal(t, locTestTime(t, "2023-03-27T15:00:00.000Z"), loc.ServiceLevel.UpdatedAt)

	// Raw keeps everything, including what has no typed field.
	assert.JSONEq(t, fixture(t, "location_full.json"), string(loc.Raw))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(loc.Raw, &raw))
	assert.Equal(t, "Not supported", raw["haahsConfiguration"].(map[string]any)["subscription"].(map[string]any)["status"])
}

func TestLocationsGetMinimalObject(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "locations_single.json")
	loc, err := c.Locations.Get(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Nil(t, loc.ServiceLevel)
	assert.False(t, loc.MonitorMode)
	assert.Zero(t, loc.PodsAuthorized)
	assert.True(t, loc.UpdatedAt.IsZero())
}

func TestLocationsGetErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Get", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Get(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Get(ctx, "", locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Get(ctx, locTestCustomer, "..")
		return err
	})
}

func TestLocationsGetEscapesIDs(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "locations_single.json")
	_, err := c.Locations.Get(t.Context(), locTestOddID, "x y#z")
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/"+locTestOddEscaped+"/locations/x%20y%23z", "", "")
}

func TestLocationsCreate(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "location_created.json")

	loc, err := c.Locations.Create(t.Context(), locTestCustomer, LocationCreate{Name: "Lake House", Profile: ProfileAuto, ServiceID: "SVC-000125"})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPost, "/api/Customers/"+locTestCustomer+"/locations", "",
		`{"name":"Lake House","profile":"auto","serviceId":"SVC-000125"}`)
	assert.Equal(t, "6418c49e5f4e3d2c1b0a9f8e", loc.ID)
	assert.Equal(t, "Lake House", loc.Name)
	assert.Equal(t, ProfileAuto, loc.Profile)
	assert.Equal(t, 6, loc.PodsAuthorized)
	assert.False(t, loc.MonitorMode)
	require.NotNil(t, loc.ServiceLevel)
	assert.Equal(t, FullService, loc.ServiceLevel.Status)
}

func TestLocationsCreateNameOnly(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{}`)
	loc, err := c.Locations.Create(t.Context(), locTestOddID, LocationCreate{Name: "Cabin"})
	require.ErrorIs(t, err, ErrUnexpectedResponse, "an answer without id, and no location of that name to be found")
	assert.Nil(t, loc)
	reqs := m.requests()
	require.Len(t, reqs, 2)
	assertRequest(t, reqs[0], http.MethodPost, "/api/Customers/"+locTestOddEscaped+"/locations", "", `{"name":"Cabin"}`)
	assertRequest(t, reqs[1], http.MethodGet, "/api/Customers/"+locTestOddEscaped+"/locations", "", "")
}

// The reference draws the create answer as {}: Create then reads the locations once and
// returns the newest one with the name and serviceId it sent.
func TestLocationsCreateEmptyAnswerReadsTheNewLocation(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.then(200, `{}`).reply(200, `[
		{"id":"old","name":"Cabin","serviceId":"S-1","createdAt":"2026-01-01T00:00:00Z"},
		{"id":"new","name":"Cabin","serviceId":"S-1","createdAt":"2026-06-01T00:00:00Z"},
		{"id":"other","name":"Cabin","serviceId":"S-2","createdAt":"2026-07-01T00:00:00Z"},
		{"id":"home","name":"Home","createdAt":"2026-08-01T00:00:00Z"}]`)
	loc, err := c.Locations.Create(t.Context(), locTestCustomer, LocationCreate{Name: "Cabin", ServiceID: "S-1"})
	require.NoError(t, err)
	assert.Equal(t, "new", loc.ID)
	reqs := m.requests()
	require.Len(t, reqs, 2, "one create and one read")
	assertRequest(t, reqs[1], http.MethodGet, "/api/Customers/"+locTestCustomer+"/locations", "", "")
}

func TestLocationsCreateErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Create", []statusCase{
		{400, []error{ErrBadRequest}},
		{401, []error{ErrUnauthorized}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Create(ctx, locTestCustomer, LocationCreate{Name: "Home"})
		return err
	})
	invalidCases := []struct {
		field string
		req   LocationCreate
	}{
		{"Name", LocationCreate{}},
		{"Name", LocationCreate{Name: "  "}},
		{"ServiceID", LocationCreate{Name: "Home", ServiceID: `SVC"1`}},
		{"ServiceID", LocationCreate{Name: "Home", ServiceID: "SVC\u201c1\u201d"}},
		{"Profile", LocationCreate{Name: "Home", Profile: "castle"}},
	}
	for _, tc := range invalidCases {
		assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
			_, err := c.Locations.Create(ctx, locTestCustomer, tc.req)
			return err
		})
	}
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Create(ctx, ".", LocationCreate{Name: "Home"})
		return err
	})
}

var locPatchStatuses = []statusCase{
	{400, []error{ErrBadRequest}},
	{401, []error{ErrUnauthorized}},
	{404, []error{ErrNotFound}},
	{422, []error{ErrValidation}},
	{500, []error{ErrServer}},
}

func TestLocationsUpdate(t *testing.T) {
	t.Parallel()
	name, svc, profile := "Main", "", ProfileSmallBusiness
	cases := []struct {
		name string
		upd  LocationUpdate
		want string
	}{
		{"all fields", LocationUpdate{Name: &name, ServiceID: locPtr("SVC-9"), Profile: &profile}, `{"name":"Main","serviceId":"SVC-9","profile":"smallbusiness"}`},
		{"clear serviceId", LocationUpdate{ServiceID: &svc}, `{"serviceId":""}`},
		{"profile only", LocationUpdate{Profile: &profile}, `{"profile":"smallbusiness"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "location_full.json")
			loc, err := c.Locations.Update(t.Context(), locTestCustomer, locTestLocation, tc.upd)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch, locTestPath, "", tc.want)
			assert.Equal(t, locTestLocation, loc.ID)
			assert.Equal(t, ProfileSmallBusiness, loc.Profile)
		})
	}
}

func locPtr[T any](v T) *T { return &v }

func TestLocationsUpdateErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Update", locPatchStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Update(ctx, locTestCustomer, locTestLocation, LocationUpdate{Name: locPtr("Main")})
		return err
	})
	invalidCases := []struct {
		field string
		upd   LocationUpdate
	}{
		{"LocationUpdate", LocationUpdate{}},
		{"Name", LocationUpdate{Name: locPtr(" ")}},
		{"ServiceID", LocationUpdate{ServiceID: locPtr(`a"b`)}},
		{"Profile", LocationUpdate{Profile: locPtr(Profile("home"))}},
		{"Profile", LocationUpdate{Profile: locPtr(Profile(""))}},
	}
	for _, tc := range invalidCases {
		assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
			_, err := c.Locations.Update(ctx, locTestCustomer, locTestLocation, tc.upd)
			return err
		})
	}
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.Update(ctx, locTestCustomer, "", LocationUpdate{Name: locPtr("x")})
		return err
	})
}

func TestLocationsSetServiceID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "location_full.json")

	loc, err := c.Locations.SetServiceID(t.Context(), locTestOddID, locTestOddID, "SVC-000123")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPatch,
		"/api/Customers/"+locTestOddEscaped+"/locations/"+locTestOddEscaped, "", `{"serviceId":"SVC-000123"}`)
	assert.Equal(t, "SVC-000123", loc.ServiceID)
}

func TestLocationsSetServiceIDErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.SetServiceID", locPatchStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetServiceID(ctx, locTestCustomer, locTestLocation, "SVC-1")
		return err
	})
	for _, bad := range []string{"", "  ", `SVC"1`, "\u201dSVC"} {
		assertNoRequest(t, "ServiceID", func(ctx context.Context, c *Client) error {
			_, err := c.Locations.SetServiceID(ctx, locTestCustomer, locTestLocation, bad)
			return err
		})
	}
}

func TestLocationsDelete(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(204, "")
	require.NoError(t, c.Locations.Delete(t.Context(), locTestCustomer, locTestOddID))
	assertRequest(t, m.only(), http.MethodDelete, "/api/Customers/"+locTestCustomer+"/locations/"+locTestOddEscaped, "", "")
}

func TestLocationsDeleteErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Delete", locWithStatuses(
		statusCase{409, []error{ErrLocationArchived, ErrConflict}},
	), func(ctx context.Context, c *Client) error {
		return c.Locations.Delete(ctx, locTestCustomer, locTestLocation)
	})
	// Only the 409 carries the archived meaning.
	c, m := newMockClient(t)
	m.reply(404, loopbackError(404, "Error", "not found"))
	err := c.Locations.Delete(t.Context(), locTestCustomer, locTestLocation)
	assert.False(t, errors.Is(err, ErrLocationArchived))
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Locations.Delete(ctx, locTestCustomer, ".")
	})
}

func TestLocationsGetServiceLevel(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "servicelevel_get.json")

	level, err := c.Locations.GetServiceLevel(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/serviceLevel", "", "")
	assert.Equal(t, NoService, level.Status)
	assert.Equal(t, locTestTime(t, "2023-03-27T14:41:58.312Z"), level.CreatedAt)
	assert.Equal(t, locTestTime(t, "2023-06-01T00:00:00.000Z"), level.UpdatedAt)
}

func TestLocationsGetServiceLevelErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.GetServiceLevel", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.GetServiceLevel(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.GetServiceLevel(ctx, "", locTestLocation)
		return err
	})
}

func TestLocationsSetServiceLevel(t *testing.T) {
	t.Parallel()
	for _, status := range []ServiceLevelStatus{NoService, BasicService, FullService} {
		t.Run(string(status), func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, `{"status":"`+string(status)+`","createdAt":"2023-03-27T14:41:58.312Z","updatedAt":"2023-06-01T00:00:00.000Z"}`)
			level, err := c.Locations.SetServiceLevel(t.Context(), locTestOddID, locTestLocation, status)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch,
				"/api/Customers/"+locTestOddEscaped+"/locations/"+locTestLocation+"/serviceLevel", "", `{"status":"`+string(status)+`"}`)
			assert.Equal(t, status, level.Status)
		})
	}
}

func TestLocationsSetServiceLevelErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.SetServiceLevel", locPatchStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetServiceLevel(ctx, locTestCustomer, locTestLocation, NoService)
		return err
	})
	for _, bad := range []ServiceLevelStatus{"", "suspended", "FullService"} {
		assertNoRequest(t, "Status", func(ctx context.Context, c *Client) error {
			_, err := c.Locations.SetServiceLevel(ctx, locTestCustomer, locTestLocation, bad)
			return err
		})
	}
}

func TestLocationsSetOnboardingCheckpoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fixture  string
		send     Checkpoint
		wantID   string
		wantCkpt Checkpoint
	}{
		{"single wrapper", "checkpoint_single.json", OnboardingComplete, "6418d0aa0b1c2d3e4f5a6b7c", OnboardingComplete},
		{"double wrapper", "checkpoint_double.json", PodsAdded, "6418d0aa0b1c2d3e4f5a6b7d", PodsAdded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, tc.fixture)
			cp, err := c.Locations.SetOnboardingCheckpoint(t.Context(), locTestCustomer, locTestLocation, tc.send)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost, locTestPath+"/onboardingCheckpoint", "", `{"checkpoint":"`+string(tc.send)+`"}`)
			assert.Equal(t, tc.wantCkpt, cp.Value)
			assert.Equal(t, locTestTime(t, "2023-03-27T15:02:11.500Z"), cp.Timestamp)
			assert.Equal(t, locTestTime(t, "2023-03-27T15:02:11.512Z"), cp.CreatedAt)
			assert.Equal(t, tc.wantID, cp.ID)
			assert.Equal(t, locTestLocation, cp.LocationID)
		})
	}
}

func TestLocationsSetOnboardingCheckpointGuideShape(t *testing.T) {
	t.Parallel()
	// The guide's answer carries only value and timestamp.
	c, m := newMockClient(t)
	m.reply(200, `{"checkpoint":{"value":"OnboardingComplete","timestamp":"2023-03-27T15:02:11.500Z"}}`)
	cp, err := c.Locations.SetOnboardingCheckpoint(t.Context(), locTestOddID, locTestOddID, OnboardingComplete)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPost,
		"/api/Customers/"+locTestOddEscaped+"/locations/"+locTestOddEscaped+"/onboardingCheckpoint", "", `{"checkpoint":"OnboardingComplete"}`)
	assert.Equal(t, OnboardingComplete, cp.Value)
	assert.Equal(t, locTestTime(t, "2023-03-27T15:02:11.500Z"), cp.Timestamp)
	assert.Empty(t, cp.ID)
}

func TestLocationsSetOnboardingCheckpointErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.SetOnboardingCheckpoint", locWithStatuses(
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetOnboardingCheckpoint(ctx, locTestCustomer, locTestLocation, PodsAdded)
		return err
	})
	for _, bad := range []Checkpoint{"", "Done", "podsAdded"} {
		assertNoRequest(t, "Checkpoint", func(ctx context.Context, c *Client) error {
			_, err := c.Locations.SetOnboardingCheckpoint(ctx, locTestCustomer, locTestLocation, bad)
			return err
		})
	}
}

func TestLocationsGetWANConfiguration(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "wan_configuration.json")

	wan, err := c.Locations.GetWANConfiguration(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/wanConfiguration", "", "")
	assert.Equal(t, "6418c5f00a1b2c3d4e5f6a7b", wan.ID)
	assert.Equal(t, locTestLocation, wan.LocationID)
	assert.Equal(t, locTestTime(t, "2023-03-27T16:20:00.000Z"), wan.UpdatedAt)
	require.NotNil(t, wan.StaticIPv4)
	assert.Equal(t, StaticIPv4{
		Enabled: true, IP: "192.168.12.250", Subnet: "255.255.255.0", Gateway: "192.168.12.1",
		PrimaryDNS: "8.8.8.8", SecondaryDNS: "8.8.4.4",
	}, *wan.StaticIPv4)
	assert.JSONEq(t, fixture(t, "wan_configuration.json"), string(wan.Raw))
}

func TestLocationsGetWANConfigurationStringEnabled(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "wan_string_enabled.json")
	wan, err := c.Locations.GetWANConfiguration(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	require.NotNil(t, wan.StaticIPv4)
	assert.True(t, wan.StaticIPv4.Enabled)
	assert.Equal(t, "10.0.0.2", wan.StaticIPv4.IP)
}

func TestStaticIPv4UnmarshalEnabled(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		`{"enabled":true}`: true, `{"enabled":"true"}`: true, `{"enabled":false}`: false,
		`{"enabled":"false"}`: false, `{"enabled":null}`: false, `{}`: false,
	}
	for in, want := range cases {
		var s StaticIPv4
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s.Enabled, in)
	}
	var s StaticIPv4
	assert.Error(t, json.Unmarshal([]byte(`{"enabled":"maybe"}`), &s))
}

func TestLocationsGetWANConfigurationErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.GetWANConfiguration", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.GetWANConfiguration(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.GetWANConfiguration(ctx, locTestCustomer, "")
		return err
	})
}

func TestLocationsSetStaticIPv4(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "wan_configuration.json")

	wan, err := c.Locations.SetStaticIPv4(t.Context(), locTestCustomer, locTestOddID, StaticIPv4{
		Enabled: true, IP: "192.168.12.250", Subnet: "255.255.255.0", Gateway: "192.168.12.1",
		PrimaryDNS: "8.8.8.8", SecondaryDNS: "8.8.4.4",
	})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPut, "/api/Customers/"+locTestCustomer+"/locations/"+locTestOddEscaped+"/wanConfiguration", "",
		`{"staticIPv4":{"enabled":true,"ip":"192.168.12.250","subnet":"255.255.255.0","gateway":"192.168.12.1","primaryDns":"8.8.8.8","secondaryDns":"8.8.4.4"}}`)
	assert.Equal(t, "6418c5f00a1b2c3d4e5f6a7b", wan.ID)
	require.NotNil(t, wan.StaticIPv4)
	assert.Equal(t, "192.168.12.250", wan.StaticIPv4.IP)
}

func TestLocationsSetStaticIPv4Disable(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"id":"6418c5f00a1b2c3d4e5f6a7b","locationId":"6418c49c1a2b3c4d5e6f7a8b","staticIPv4":{"enabled":false}}`)
	wan, err := c.Locations.SetStaticIPv4(t.Context(), locTestCustomer, locTestLocation, StaticIPv4{})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPut, locTestPath+"/wanConfiguration", "", `{"staticIPv4":{"enabled":false}}`)
	require.NotNil(t, wan.StaticIPv4)
	assert.False(t, wan.StaticIPv4.Enabled)
}

func TestLocationsSetStaticIPv4Errors(t *testing.T) {
	t.Parallel()
	good := StaticIPv4{Enabled: true, IP: "10.0.0.2", Subnet: "255.255.255.0", Gateway: "10.0.0.1"}
	assertStatusErrors(t, "Locations.SetStaticIPv4", locPatchStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetStaticIPv4(ctx, locTestCustomer, locTestLocation, good)
		return err
	})
	with := func(f func(*StaticIPv4)) StaticIPv4 {
		s := good
		f(&s)
		return s
	}
	invalidCases := []struct {
		field string
		cfg   StaticIPv4
	}{
		{"StaticIPv4.IP", with(func(s *StaticIPv4) { s.IP = "" })},
		{"StaticIPv4.Subnet", with(func(s *StaticIPv4) { s.Subnet = "" })},
		{"StaticIPv4.Gateway", with(func(s *StaticIPv4) { s.Gateway = " " })},
		{"StaticIPv4.IP", with(func(s *StaticIPv4) { s.IP = "10.0.0.256" })},
		{"StaticIPv4.IP", with(func(s *StaticIPv4) { s.IP = "::1" })},
		{"StaticIPv4.IP", with(func(s *StaticIPv4) { s.IP = "::ffff:10.0.0.2" })},
		{"StaticIPv4.IP", with(func(s *StaticIPv4) { s.IP = "router.local" })},
		{"StaticIPv4.Subnet", with(func(s *StaticIPv4) { s.Subnet = "24" })},
		{"StaticIPv4.Subnet", with(func(s *StaticIPv4) { s.Subnet = "255.0.255.0" })},
		{"StaticIPv4.Gateway", with(func(s *StaticIPv4) { s.Gateway = "10.0.0" })},
		{"StaticIPv4.PrimaryDNS", with(func(s *StaticIPv4) { s.PrimaryDNS = "dns.google" })},
		{"StaticIPv4.SecondaryDNS", with(func(s *StaticIPv4) { s.SecondaryDNS = "8.8.4" })},
		{"StaticIPv4.IP", StaticIPv4{IP: "1.2.3"}}, // checked even when disabled
	}
	for _, tc := range invalidCases {
		assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
			_, err := c.Locations.SetStaticIPv4(ctx, locTestCustomer, locTestLocation, tc.cfg)
			return err
		})
	}
}

func TestLocationsFindByServiceID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "location_match.json")

	match, err := c.Locations.FindByServiceID(t.Context(), "SVC/00 0123?x")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/locations/SVC%2F00%200123%3Fx", "", "")
	assert.Equal(t, LocationMatch{
		ID:           locTestLocation,
		Name:         "Home",
		ServiceID:    "SVC-000123",
		CustomerID:   locTestCustomer,
		CustomerName: "Ada Lovelace",
		AccountID:    "8f14e45f-ceea-467a-9af0-5c7a0b1d2e3f",
	}, *match)
}

func TestLocationsFindByServiceIDLenient(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		body   string
		wantID string // "" means ErrNotFound, "!" ErrUnexpectedResponse
	}{
		{"array", `[` + fixture(t, "location_match.json") + `]`, locTestLocation},
		{"empty array", `[]`, ""},
		{"empty object", `{}`, "!"},
		{"null", `null`, "!"},
		{"whitespace", " \n", "!"},
		{"empty body", ``, "!"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			match, err := c.Locations.FindByServiceID(t.Context(), "SVC-1")
			if tc.wantID == "!" {
				require.ErrorIs(t, err, ErrUnexpectedResponse)
				require.NotErrorIs(t, err, ErrNotFound, "an unreadable answer is never read as not found")
				assert.Nil(t, match)
				return
			}
			if tc.wantID == "" {
				require.ErrorIs(t, err, ErrNotFound)
				assert.Nil(t, match)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantID, match.ID)
			assert.Equal(t, "Ada Lovelace", match.CustomerName)
		})
	}
}

func TestLocationsFindByServiceIDErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.FindByServiceID", []statusCase{
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrForbidden}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.FindByServiceID(ctx, "SVC-1")
		return err
	})
	for _, bad := range []string{"", ".", ".."} {
		assertNoRequest(t, "serviceID", func(ctx context.Context, c *Client) error {
			_, err := c.Locations.FindByServiceID(ctx, bad)
			return err
		})
	}
}
