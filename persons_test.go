package plume

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const prsTestPath = locTestPath + "/persons"

// assertMayaFixture checks every typed field of testdata/person.json.
func assertMayaFixture(t *testing.T, p *Person) {
	t.Helper()
	assert.Equal(t, frzTestPerson, p.ID)
	assert.Equal(t, "Maya", p.Nickname)
	assert.Equal(t, "PROFILE_WOMAN", p.ImageID)
	assert.Equal(t, devTestMAC, p.PrimaryDevice)
	assert.Equal(t, "maya@example.com", p.Email)
	assert.Equal(t, []string{devTestMAC, "f0:18:98:00:00:01"}, p.AssignedDevices)
	assert.Equal(t, locTestLocation, p.LocationID)
	assert.Equal(t, "default", p.NetworkID)
	assert.True(t, p.HomeAwayNotification)
	assert.Equal(t, locTestTime(t, "2025-02-15T10:00:00Z"), p.CreatedAt)
	assert.Equal(t, locTestTime(t, "2025-02-15T10:05:30.500Z"), p.UpdatedAt)
	assert.Contains(t, string(p.Raw), `"employee"`, "Raw keeps what is not typed")
}

func TestPersonsList(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "persons.json")
	persons, err := c.Persons.List(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, prsTestPath, "", "")
	require.Len(t, persons, 2)
	assert.Equal(t, "Maya", persons[0].Nickname)
	assert.Equal(t, []string{devTestMAC}, persons[0].AssignedDevices)
	assert.Equal(t, "65f0a1b2c3d4e5f601234568", persons[1].ID)
	assert.Equal(t, "Leo", persons[1].Nickname)
	assert.Equal(t, "PROFILE_MAN", persons[1].ImageID)
	assert.Nil(t, persons[1].AssignedDevices, "the reference's Person has none")
	assert.False(t, persons[1].HomeAwayNotification)
	assert.Equal(t, locTestTime(t, "2025-02-16T11:00:00Z"), persons[1].CreatedAt)

	m.replyFixture(200, "person.json")
	_, err = c.Persons.List(t.Context(), locTestCustomer, locTestLocation)
	assert.Error(t, err, "an object is not a list")
	for body, n := range map[string]int{`[]`: 0, `[{"id":"a","assignedDevices":"x"}]`: 1, `[{"id":"a","assignedDevices":[{"mac":"m"},3,null,"n"]}]`: 1} {
		m.reply(200, body)
		persons, err := c.Persons.List(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.NotNil(t, persons)
		assert.Len(t, persons, n)
	}
	m.reply(200, `[{"id":"a","assignedDevices":[{"mac":"m"},3,null,"n"]}]`)
	persons, err = c.Persons.List(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Equal(t, []string{"m", "n"}, persons[0].AssignedDevices)
	for _, body := range []string{``, `null`, `"x"`, `[{"createdAt":"x"}]`, `[`} {
		m.reply(200, body)
		_, err := c.Persons.List(t.Context(), locTestCustomer, locTestLocation)
		assert.Error(t, err, "%q", body)
	}
}

func TestPersonsCreate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		req  PersonRequest
		body string
	}{
		{"the required fields, no devices sent as []", PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN"},
			`{"nickname":"Leo","imageId":"PROFILE_MAN","assignedDevices":[]}`},
		{"every field, MACs normalised", PersonRequest{Nickname: "Maya", ImageID: "PROFILE_WOMAN", PrimaryDevice: "3C22.FB4A.910E",
			Email: "maya@example.com", AssignedDevices: []string{"3c-22-fb-4a-91-0e", "F0:18:98:00:00:01"}},
			`{"nickname":"Maya","imageId":"PROFILE_WOMAN","assignedDevices":["3c:22:fb:4a:91:0e","f0:18:98:00:00:01"],"primaryDevice":"3c:22:fb:4a:91:0e","email":"maya@example.com"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "person.json")
			p, err := c.Persons.Create(t.Context(), locTestCustomer, locTestLocation, tc.req)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost, prsTestPath, "", tc.body)
			assertMayaFixture(t, p)
		})
	}
	for _, body := range []string{``, `null`, `{}`, `{"nickname":"Leo"}`, `[]`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Persons.Create(t.Context(), locTestCustomer, locTestLocation, PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN"})
		assert.Error(t, err, "%q", body)
	}
	c, m := newMockClient(t)
	m.reply(200, `{"nickname":"Leo"}`)
	_, err := c.Persons.Create(t.Context(), locTestCustomer, locTestLocation, PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN"})
	assert.ErrorIs(t, err, ErrUnexpectedResponse, "no id")
}

func TestPersonsErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Persons.List", devStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Persons.List(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertStatusErrors(t, "Persons.Create", devWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Persons.Create(ctx, locTestCustomer, locTestLocation, PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN"})
		return err
	})
}

func TestPersonsValidation(t *testing.T) {
	t.Parallel()
	create := func(r PersonRequest) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.Persons.Create(ctx, locTestCustomer, locTestLocation, r)
			return err
		}
	}
	cases := []struct {
		name, field string
		call        func(ctx context.Context, c *Client) error
	}{
		{"no nickname", "Nickname", create(PersonRequest{ImageID: "PROFILE_MAN"})},
		{"blank nickname", "Nickname", create(PersonRequest{Nickname: " \t", ImageID: "PROFILE_MAN"})},
		{"no image", "ImageID", create(PersonRequest{Nickname: "Leo"})},
		{"a bad assigned MAC", "AssignedDevices[1]", create(PersonRequest{Nickname: "Leo", ImageID: "P", AssignedDevices: []string{devTestMAC, "laptop"}})},
		{"index 12", "AssignedDevices[12]", create(PersonRequest{Nickname: "Leo", ImageID: "P", AssignedDevices: append(make12(), "x")})},
		{"a bad primary", "PrimaryDevice", create(PersonRequest{Nickname: "Leo", ImageID: "P", PrimaryDevice: "laptop"})},
		{"no customer", "customerID", func(ctx context.Context, c *Client) error {
			_, err := c.Persons.List(ctx, "", locTestLocation)
			return err
		}},
		{"no location", "locationID", func(ctx context.Context, c *Client) error {
			_, err := c.Persons.Create(ctx, locTestCustomer, ".", PersonRequest{Nickname: "Leo", ImageID: "P"})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, tc.call)
		})
	}
	assert.NoError(t, PersonRequest{Nickname: "Leo", ImageID: "P"}.Validate())
}

// make12 returns twelve good MACs.
func make12() []string {
	out := make([]string, 12)
	for i := range out {
		out[i] = devTestMAC
	}
	return out
}
