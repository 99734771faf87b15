package plume

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const netTestForward = netTestReservation + "/portForward"

// assertNASForward checks every typed field of portforward.json.
func assertNASForward(t *testing.T, p PortForward) {
	t.Helper()
	assert.Equal(t, 8443, p.ExternalPort)
	assert.Equal(t, 443, p.InternalPort)
	assert.Equal(t, PortForwardTCP, p.Protocol)
	assert.Equal(t, "NAS web", p.Name)
	assert.Equal(t, "auto", p.NATLoopback)
	assert.JSONEq(t, fixture(t, "portforward.json"), string(p.Raw))
}

func TestNetworkPortForwards(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "portforwards.json")
	list, err := c.Network.PortForwards(t.Context(), locTestCustomer, locTestLocation, "3C:22:FB:4A:91:0E")
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, netTestReservation+"/portForwards", "", "")
	require.Len(t, list, 2)
	assert.Equal(t, PortForward{ExternalPort: 2222, InternalPort: 22, Protocol: "tcp", Name: "ssh", NATLoopback: "auto", Raw: list[0].Raw}, list[0])
	assert.Equal(t, 8443, list[1].ExternalPort, "a numeric string")
	assert.Equal(t, 443, list[1].InternalPort)
	assert.Equal(t, PortForwardBoth, list[1].Protocol)

	for body, want := range map[string]int{fixture(t, "portforward.json"): 1, `[]`: 0, `{}`: 0, `{"name":"x"}`: 0} {
		m.reply(200, body)
		list, err := c.Network.PortForwards(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
		require.NoError(t, err, body)
		assert.NotNil(t, list)
		assert.Len(t, list, want, body)
	}
	for body, port := range map[string]int{
		`[{"externalPort":1.5}]`: 0, `[{"externalPort":"x"}]`: 0, `[{"externalPort":1e12}]`: 0, `[{"externalPort":null}]`: 0, `[{"externalPort":-80}]`: -80,
	} {
		m.reply(200, body)
		list, err := c.Network.PortForwards(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
		require.NoError(t, err, body)
		require.Len(t, list, 1)
		assert.Equal(t, port, list[0].ExternalPort, body)
	}
	for _, body := range []string{``, `null`, `"x"`, `[`, `["x"]`} {
		m.reply(200, body)
		_, err := c.Network.PortForwards(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
		assert.Error(t, err, "%q", body)
	}
}

func TestNetworkAddAndUpdatePortForward(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		pf   PortForward
		body string
	}{
		{"only the external port", PortForward{ExternalPort: 8443}, `{"externalPort":8443}`},
		{"every field", PortForward{ExternalPort: 8443, InternalPort: 443, Protocol: PortForwardTCP, Name: "NAS web", NATLoopback: "auto"},
			`{"externalPort":8443,"internalPort":443,"protocol":"tcp","name":"NAS web","natLoopback":"auto"}`},
		{"udp, Raw not sent", PortForward{ExternalPort: 8443, Protocol: PortForwardUDP, Raw: []byte(`{"a":1}`)}, `{"externalPort":8443,"protocol":"udp"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "portforward.json")
			got, err := c.Network.AddPortForward(t.Context(), locTestCustomer, locTestLocation, "3c-22-fb-4a-91-0e", tc.pf)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost, netTestForward, "", tc.body)
			assertNASForward(t, *got)

			c, m = newMockClient(t)
			m.replyFixture(200, "portforward.json")
			got, err = c.Network.UpdatePortForward(t.Context(), locTestCustomer, locTestLocation, devTestMAC, tc.pf)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPut, netTestForward+"/8443", "", tc.body)
			assertNASForward(t, *got)
		})
	}
}

func TestNetworkPortForwardAnswers(t *testing.T) {
	t.Parallel()
	sent := PortForward{ExternalPort: 8443, InternalPort: 443, Protocol: PortForwardBoth, Name: "sent"}
	for name, tc := range map[string]struct {
		body string
		want PortForward
	}{
		"the list":       {fixture(t, "portforwards.json"), PortForward{ExternalPort: 8443, InternalPort: 443, Protocol: "both", Name: "NAS web", NATLoopback: "auto"}},
		"empty object":   {`{}`, PortForward{ExternalPort: 8443, InternalPort: 443, Protocol: "both", Name: "sent"}},
		"some fields":    {`{"externalPort":8443,"natLoopback":"auto"}`, PortForward{ExternalPort: 8443, InternalPort: 443, Protocol: "both", Name: "sent", NATLoopback: "auto"}},
		"string numbers": {`{"externalPort":"8443","internalPort":"8443"}`, PortForward{ExternalPort: 8443, InternalPort: 8443, Protocol: "both", Name: "sent"}},
	} {
		c, m := newMockClient(t)
		m.reply(200, tc.body)
		got, err := c.Network.AddPortForward(t.Context(), locTestCustomer, locTestLocation, devTestMAC, sent)
		require.NoError(t, err, name)
		got.Raw = nil
		assert.Equal(t, tc.want, *got, name)
	}
	for name, body := range map[string]string{
		"empty":             ``,
		"null":              `null`,
		"a list without it": `[{"externalPort":2222}]`,
		"another port":      `{"externalPort":2222}`,
	} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Network.UpdatePortForward(t.Context(), locTestCustomer, locTestLocation, devTestMAC, sent)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, name)
	}
}

func TestNetworkDeletePortForward(t *testing.T) {
	t.Parallel()
	for _, answer := range []struct {
		status int
		body   string
	}{{200, fixture(t, "portforwards.json")}, {200, `[]`}, {204, ``}} {
		c, m := newMockClient(t)
		m.reply(answer.status, answer.body)
		require.NoError(t, c.Network.DeletePortForward(t.Context(), locTestCustomer, locTestLocation, devTestMAC, 2222))
		assertRequest(t, m.only(), http.MethodDelete, netTestForward+"/2222", "", "")
	}
}

func TestNetworkPortForwardErrors(t *testing.T) {
	t.Parallel()
	pf := PortForward{ExternalPort: 8443}
	for _, op := range []struct {
		name string
		call func(ctx context.Context, c *Client) error
	}{
		{"Network.AddPortForward", func(ctx context.Context, c *Client) error {
			_, err := c.Network.AddPortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, pf)
			return err
		}},
		{"Network.UpdatePortForward", func(ctx context.Context, c *Client) error {
			_, err := c.Network.UpdatePortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, pf)
			return err
		}},
	} {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			// 422, not 404, for a device without a reservation (docs/plume-support-api.md §9.5);
			// 412 as the reservations' (DESIGN.md §8).
			assertStatusErrors(t, op.name, netWithStatuses(
				statusCase{412, []error{ErrLANPrefixUnknown}},
				statusCase{422, []error{ErrValidation}},
				statusCase{404, []error{ErrNotFound}},
			), op.call)
		})
	}
	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Network.DeletePortForward", netWithStatuses(
			statusCase{404, []error{ErrNotFound}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			return c.Network.DeletePortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, 8443)
		})
	})
	t.Run("list", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Network.PortForwards", netWithStatuses(
			statusCase{404, []error{ErrNotFound}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.Network.PortForwards(ctx, locTestCustomer, locTestLocation, devTestMAC)
			return err
		})
	})
}

func TestNetworkPortForwardValidation(t *testing.T) {
	t.Parallel()
	add := func(pf PortForward) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.Network.AddPortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, pf)
			return err
		}
	}
	update := func(pf PortForward) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.Network.UpdatePortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, pf)
			return err
		}
	}
	cases := []struct {
		name, field string
		call        func(ctx context.Context, c *Client) error
	}{
		{"no external port", "ExternalPort", add(PortForward{})},
		{"external 65536", "ExternalPort", add(PortForward{ExternalPort: 65536})},
		{"external negative", "ExternalPort", update(PortForward{ExternalPort: -1})},
		{"internal 65536", "InternalPort", add(PortForward{ExternalPort: 80, InternalPort: 65536})},
		{"internal negative", "InternalPort", update(PortForward{ExternalPort: 80, InternalPort: -80})},
		{"protocol in caps", "Protocol", add(PortForward{ExternalPort: 80, Protocol: "TCP"})},
		{"protocol unknown", "Protocol", update(PortForward{ExternalPort: 80, Protocol: "sctp"})},
		{"bad MAC", "MAC", func(ctx context.Context, c *Client) error {
			_, err := c.Network.AddPortForward(ctx, locTestCustomer, locTestLocation, "nas", PortForward{ExternalPort: 80})
			return err
		}},
		{"list bad MAC", "MAC", func(ctx context.Context, c *Client) error {
			_, err := c.Network.PortForwards(ctx, locTestCustomer, locTestLocation, "aa:bb")
			return err
		}},
		{"delete port 0", "ExternalPort", func(ctx context.Context, c *Client) error {
			return c.Network.DeletePortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, 0)
		}},
		{"delete port 65536", "ExternalPort", func(ctx context.Context, c *Client) error {
			return c.Network.DeletePortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, 65536)
		}},
		{"no location", "locationID", func(ctx context.Context, c *Client) error {
			return c.Network.DeletePortForward(ctx, locTestCustomer, "", devTestMAC, 80)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, tc.call)
		})
	}
	for _, port := range []int{1, 65535} {
		assert.NoError(t, PortForward{ExternalPort: port, InternalPort: port}.Validate())
	}
}
