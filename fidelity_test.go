package plume

// fidelity_test.go: requests and answers where Plume's reference and its guides disagree
// (docs/plume-api-errata.md): the SDK sends what both accept and reads both shapes.

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfilePropertyIsSentAndItsRefusalIsClear(t *testing.T) {
	t.Parallel()
	calls := map[string]func(ctx context.Context, c *Client) error{
		"Customers.Register": func(ctx context.Context, c *Client) error {
			_, err := c.Customers.Register(ctx, RegisterRequest{AccountID: "acct-000001", Profile: ProfileProperty})
			return err
		},
		"Locations.Create": func(ctx context.Context, c *Client) error {
			_, err := c.Locations.Create(ctx, "c1", LocationCreate{Name: "Tower", Profile: ProfileProperty})
			return err
		},
		"Locations.Update": func(ctx context.Context, c *Client) error {
			p := ProfileProperty
			_, err := c.Locations.Update(ctx, "c1", "l1", LocationUpdate{Profile: &p})
			return err
		},
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(422, loopbackError(422, "ValidationError", "Only integration role can set profile to property"))
			err := call(t.Context(), c)
			require.ErrorIs(t, err, ErrProfileNotAllowed)
			require.ErrorIs(t, err, ErrValidation)
			assert.Contains(t, err.Error(), "integration role")
			assert.Contains(t, string(m.only().Body), `"profile":"property"`)
		})
	}
	// Another profile's 422 is a plain validation error.
	c, m := newMockClient(t)
	m.reply(422, loopbackError(422, "ValidationError", "bad"))
	_, err := c.Customers.Register(t.Context(), RegisterRequest{AccountID: "acct-000001", Profile: ProfileAuto})
	require.ErrorIs(t, err, ErrValidation)
	assert.NotErrorIs(t, err, ErrProfileNotAllowed)
}

func TestNodesLookupExcludeUnclaimed(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "lookup_claimed.json")
	_, err := c.Nodes.LookupWithOptions(t.Context(), "SER 1", &LookupOptions{ExcludeUnclaimed: true})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/nodes/SER%201", "excludeUnclaimed=true", "")

	c, m = newMockClient(t)
	m.reply(404, loopbackError(404, "Error", "Node not found"))
	_, err = c.Nodes.LookupWithOptions(t.Context(), "SER1", &LookupOptions{ExcludeUnclaimed: true})
	require.ErrorIs(t, err, ErrNotFound)
}

func TestCustomersExists(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		body   string
		want   Existence
	}{
		{200, `true`, Existence{Exists: true, EmailVerified: true}},
		{200, `false`, Existence{Exists: true}},
		{200, `"true"`, Existence{Exists: true, EmailVerified: true}},
		{404, loopbackError(404, "Error", "Email not found"), Existence{}},
	}
	for _, tc := range cases {
		c, m := newMockClient(t)
		m.reply(tc.status, tc.body)
		got, err := c.Customers.Exists(t.Context(), "ada+1@example.com")
		require.NoError(t, err, tc.body)
		assert.Equal(t, tc.want, *got, tc.body)
		assertRequest(t, m.only(), http.MethodGet, "/api/Customers/exists", "email=ada%2B1%40example.com", "")
	}
	for _, body := range []string{`{}`, `"maybe"`, `1`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Customers.Exists(t.Context(), "ada@example.com")
		require.Error(t, err, body)
	}
	assertStatusErrors(t, "Customers.Exists", []statusCase{
		{400, []error{ErrBadRequest}}, {422, []error{ErrValidation}}, {500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.Exists(ctx, "ada@example.com")
		return err
	})
	assertNoRequest(t, "Email", func(ctx context.Context, c *Client) error {
		_, err := c.Customers.Exists(ctx, " ")
		return err
	})
}
