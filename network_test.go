package plume

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	netTestReservations = locTestPath + "/networkConfiguration/dhcpReservations"
	netTestReservation  = netTestReservations + "/" + devTestMAC
)

// netStatuses are the statuses every network call may answer (docs/plume-support-api.md §1, §9).
var netStatuses = []statusCase{
	{401, []error{ErrUnauthorized}},
	{500, []error{ErrServer}},
}

func netWithStatuses(extra ...statusCase) []statusCase {
	return append(append([]statusCase(nil), extra...), netStatuses...)
}

// assertPhoneReservation checks every typed field of dhcp_reservation.json.
func assertPhoneReservation(t *testing.T, r DHCPReservation) {
	t.Helper()
	assert.Equal(t, devTestMAC, r.MAC)
	assert.Equal(t, "mayas-iphone", r.Hostname)
	assert.Equal(t, "192.168.12.57", r.IP)
	assert.JSONEq(t, `{"mac":"3c:22:fb:4a:91:0e","hostname":"mayas-iphone","ip":"192.168.12.57"}`, string(r.Raw))
}

func TestNetworkDHCPReservations(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "dhcp_reservations.json")
	list, err := c.Network.DHCPReservations(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, netTestReservations, "", "")
	require.Len(t, list, 2)
	assert.Equal(t, "a4:5e:60:d1:02:7b", list[0].MAC)
	assert.Equal(t, "living-room-tv", list[0].Hostname)
	assert.Equal(t, "192.168.12.20", list[0].IP)
	assertPhoneReservation(t, list[1])

	for body, want := range map[string]int{fixture(t, "dhcp_reservation.json"): 1, `[]`: 0, `{}`: 0, `{"hostname":"x"}`: 0} {
		m.reply(200, body)
		list, err := c.Network.DHCPReservations(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.NotNil(t, list)
		assert.Len(t, list, want, body)
	}
	for _, body := range []string{``, `null`, `"x"`, `[{"ip":1}]`, `[`} {
		m.reply(200, body)
		_, err := c.Network.DHCPReservations(t.Context(), locTestCustomer, locTestLocation)
		assert.Error(t, err, "%q", body)
	}
}

func TestNetworkGetDHCPReservation(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "dhcp_reservation.json")
	r, err := c.Network.GetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, "3C-22-FB-4A-91-0E")
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, netTestReservation, "", "")
	assertPhoneReservation(t, *r)

	for body, ok := range map[string]bool{
		fixture(t, "dhcp_reservations.json"): true,  // a list holding it
		`{"ip":"192.168.12.57"}`:             true,  // no mac: the one addressed
		`{}`:                                 false, // no ip
		`[{"mac":"a4:5e:60:d1:02:7b","ip":"192.168.12.20"}]`: false,
		`{"mac":"a4:5e:60:d1:02:7b","ip":"192.168.12.20"}`:   false,
	} {
		m.reply(200, body)
		r, err := c.Network.GetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
		if !ok {
			assert.ErrorIs(t, err, ErrUnexpectedResponse, body)
			continue
		}
		require.NoError(t, err, body)
		assert.Equal(t, devTestMAC, r.MAC)
		assert.Equal(t, "192.168.12.57", r.IP)
	}
}

func TestNetworkSetDHCPReservation(t *testing.T) {
	t.Parallel()
	t.Run("request", func(t *testing.T) {
		t.Parallel()
		for name, tc := range map[string]struct {
			r    DHCPReservation
			body string
		}{
			"with a hostname, sent as hostName": {DHCPReservation{MAC: "3c22.fb4a.910e", IP: "192.168.12.57", Hostname: "mayas-iphone"}, `{"ip":"192.168.12.57","hostName":"mayas-iphone"}`},
			"without":                           {DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57"}, `{"ip":"192.168.12.57"}`},
			"Raw is not sent":                   {DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57", Raw: []byte(`{"x":1}`)}, `{"ip":"192.168.12.57"}`},
		} {
			c, m := newMockClient(t)
			m.replyFixture(200, "dhcp_reservation.json")
			r, err := c.Network.SetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, tc.r)
			require.NoError(t, err, name)
			assertRequest(t, m.only(), http.MethodPut, netTestReservation, "", tc.body)
			assertPhoneReservation(t, *r)
		}
	})
	t.Run("answers", func(t *testing.T) {
		t.Parallel()
		sent := DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57", Hostname: "sent-name"}
		for name, tc := range map[string]struct {
			body string
			want DHCPReservation
		}{
			"the list":        {fixture(t, "dhcp_reservations.json"), DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57", Hostname: "mayas-iphone"}},
			"empty object":    {`{}`, DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57", Hostname: "sent-name"}},
			"only the ip":     {`{"ip":"192.168.12.58"}`, DHCPReservation{MAC: devTestMAC, IP: "192.168.12.58", Hostname: "sent-name"}},
			"MAC in caps":     {`{"mac":"3C:22:FB:4A:91:0E","ip":"192.168.12.57"}`, DHCPReservation{MAC: "3C:22:FB:4A:91:0E", IP: "192.168.12.57", Hostname: "sent-name"}},
			"hostName member": {`{"mac":"3c:22:fb:4a:91:0e","hostName":"as-sent","ip":"192.168.12.57"}`, DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57", Hostname: "as-sent"}},
		} {
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			r, err := c.Network.SetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, sent)
			require.NoError(t, err, name)
			r.Raw = nil
			assert.Equal(t, tc.want, *r, name)
		}
		for name, body := range map[string]string{
			"empty":             ``,
			"null":              `null`,
			"a list without it": `[{"mac":"a4:5e:60:d1:02:7b","ip":"192.168.12.20"}]`,
			"an empty list":     `[]`,
			"another MAC":       `{"mac":"a4:5e:60:d1:02:7b","ip":"192.168.12.20"}`,
		} {
			c, m := newMockClient(t)
			m.reply(200, body)
			_, err := c.Network.SetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, sent)
			assert.ErrorIs(t, err, ErrUnexpectedResponse, name)
		}
		c, m := newMockClient(t)
		m.reply(200, `"saved"`)
		_, err := c.Network.SetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, sent)
		assert.Error(t, err)
	})
}

func TestNetworkReservationErrors(t *testing.T) {
	t.Parallel()
	t.Run("list", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Network.DHCPReservations", netWithStatuses(
			statusCase{404, []error{ErrNotFound}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.Network.DHCPReservations(ctx, locTestCustomer, locTestLocation)
			return err
		})
	})
	t.Run("get", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Network.GetDHCPReservation", netWithStatuses(
			statusCase{404, []error{ErrNotFound}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.Network.GetDHCPReservation(ctx, locTestCustomer, locTestLocation, devTestMAC)
			return err
		})
	})
	t.Run("set", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Network.SetDHCPReservation", netWithStatuses(
			statusCase{404, []error{ErrNotFound}},
			statusCase{412, []error{ErrLANPrefixUnknown}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.Network.SetDHCPReservation(ctx, locTestCustomer, locTestLocation, DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57"})
			return err
		})
	})
	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Network.DeleteDHCPReservation", netWithStatuses(
			statusCase{404, []error{ErrNotFound}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			return c.Network.DeleteDHCPReservation(ctx, locTestCustomer, locTestLocation, devTestMAC)
		})
	})
	t.Run("412 is its own kind and is not retried", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t, WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
		m.reply(412, loopbackError(412, "Error", "Subnet prefix is unknown"))
		_, err := c.Network.SetDHCPReservation(t.Context(), locTestCustomer, locTestLocation, DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57"})
		require.ErrorIs(t, err, ErrLANPrefixUnknown)
		for _, other := range []error{ErrBadRequest, ErrNotFound, ErrValidation, ErrServer, ErrConflict} {
			assert.NotErrorIs(t, err, other)
		}
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 412, apiErr.StatusCode)
		assert.Equal(t, "Subnet prefix is unknown", apiErr.Message)
		assert.Len(t, m.requests(), 1)
	})
}

func TestNetworkDeleteDHCPReservation(t *testing.T) {
	t.Parallel()
	for _, answer := range []struct {
		status int
		body   string
	}{{200, fixture(t, "dhcp_reservations.json")}, {200, `[]`}, {204, ``}} {
		c, m := newMockClient(t)
		m.reply(answer.status, answer.body)
		require.NoError(t, c.Network.DeleteDHCPReservation(t.Context(), locTestCustomer, locTestLocation, "3C22FB4A910E"))
		assertRequest(t, m.only(), http.MethodDelete, netTestReservation, "", "")
	}
}

func TestNetworkReservationValidation(t *testing.T) {
	t.Parallel()
	set := func(r DHCPReservation) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.Network.SetDHCPReservation(ctx, locTestCustomer, locTestLocation, r)
			return err
		}
	}
	cases := []struct {
		name, field string
		call        func(ctx context.Context, c *Client) error
	}{
		{"no MAC", "MAC", set(DHCPReservation{IP: "192.168.12.57"})},
		{"bad MAC", "MAC", set(DHCPReservation{MAC: "phone", IP: "192.168.12.57"})},
		{"no IP", "IP", set(DHCPReservation{MAC: devTestMAC})},
		{"blank IP", "IP", set(DHCPReservation{MAC: devTestMAC, IP: "  "})},
		{"IP out of range", "IP", set(DHCPReservation{MAC: devTestMAC, IP: "192.168.12.256"})},
		{"leading zero", "IP", set(DHCPReservation{MAC: devTestMAC, IP: "192.168.012.57"})},
		{"IPv6", "IP", set(DHCPReservation{MAC: devTestMAC, IP: "fe80::1"})},
		{"IPv4 in IPv6", "IP", set(DHCPReservation{MAC: devTestMAC, IP: "::ffff:192.168.12.57"})},
		{"a CIDR", "IP", set(DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57/24"})},
		{"no customer", "customerID", func(ctx context.Context, c *Client) error {
			_, err := c.Network.SetDHCPReservation(ctx, "", locTestLocation, DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57"})
			return err
		}},
		{"list without location", "locationID", func(ctx context.Context, c *Client) error {
			_, err := c.Network.DHCPReservations(ctx, locTestCustomer, "")
			return err
		}},
		{"get a bad MAC", "MAC", func(ctx context.Context, c *Client) error {
			_, err := c.Network.GetDHCPReservation(ctx, locTestCustomer, locTestLocation, "0:1a:2b:3c:4d:5e")
			return err
		}},
		{"delete a bad MAC", "MAC", func(ctx context.Context, c *Client) error {
			return c.Network.DeleteDHCPReservation(ctx, locTestCustomer, locTestLocation, "")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, tc.call)
		})
	}
}

func TestNetworkWaitForLANPrefix(t *testing.T) {
	t.Parallel()
	prefixUnknown := loopbackError(412, "Error", "Subnet prefix is unknown")
	r := DHCPReservation{MAC: devTestMAC, IP: "192.168.12.57"}
	t.Run("retries the 412 with backoff", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		clk := newFlowClock(c)
		m.then(412, prefixUnknown).then(412, prefixUnknown).then(412, prefixUnknown).then(412, prefixUnknown).then(412, prefixUnknown).then(412, prefixUnknown)
		m.replyFixture(200, "dhcp_reservation.json")
		var res *DHCPReservation
		err := c.Network.WaitForLANPrefix(clk.ctx(t.Context()), func(ctx context.Context) (err error) {
			res, err = c.Network.SetDHCPReservation(ctx, locTestCustomer, locTestLocation, r)
			return err
		})
		require.NoError(t, err)
		assertPhoneReservation(t, *res)
		assert.Len(t, m.requests(), 7)
		s := time.Second
		assert.Equal(t, []time.Duration{2 * s, 4 * s, 8 * s, 16 * s, 30 * s, 30 * s}, clk.recorded())
	})
	t.Run("WithPolling sets the pauses", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t, WithPolling(100*time.Millisecond, 300*time.Millisecond))
		clk := newFlowClock(c)
		m.then(412, prefixUnknown).then(412, prefixUnknown).then(412, prefixUnknown)
		m.reply(200, `{}`)
		require.NoError(t, c.Network.WaitForLANPrefix(clk.ctx(t.Context()), func(ctx context.Context) error {
			_, err := c.Network.SetDHCPReservation(ctx, locTestCustomer, locTestLocation, r)
			return err
		}))
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{100 * ms, 200 * ms, 300 * ms}, clk.recorded())
	})
	t.Run("any other answer ends it at once", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{400, 404, 422, 500} {
			c, m := newMockClient(t)
			clk := newFlowClock(c)
			m.reply(status, loopbackError(status, "Error", "no"))
			err := c.Network.WaitForLANPrefix(clk.ctx(t.Context()), func(ctx context.Context) error {
				_, err := c.Network.SetDHCPReservation(ctx, locTestCustomer, locTestLocation, r)
				return err
			})
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Len(t, m.requests(), 1)
			assert.Empty(t, clk.recorded())
		}
	})
	t.Run("until ctx ends", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		clk := newFlowClock(c)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		clk.before = func(n int) error {
			if n == 3 {
				cancel()
			}
			return nil
		}
		m.reply(412, prefixUnknown)
		err := c.Network.WaitForLANPrefix(clk.ctx(ctx), func(ctx context.Context) error {
			_, err := c.Network.UpdatePortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, PortForward{ExternalPort: 8080})
			return err
		})
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, ErrLANPrefixUnknown, "the last answer is kept")
		assert.Len(t, m.requests(), 3)
	})
	t.Run("a deadline", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		clk := newFlowClock(c)
		clk.before = func(int) error { return context.DeadlineExceeded }
		m.reply(412, prefixUnknown)
		err := c.Network.WaitForLANPrefix(clk.ctx(t.Context()), func(ctx context.Context) error {
			_, err := c.Network.AddPortForward(ctx, locTestCustomer, locTestLocation, devTestMAC, PortForward{ExternalPort: 8080})
			return err
		})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, ErrLANPrefixUnknown)
	})
	t.Run("nil write", func(t *testing.T) {
		t.Parallel()
		c, _ := newMockClient(t)
		assert.ErrorIs(t, c.Network.WaitForLANPrefix(t.Context(), nil), ErrInvalidInput)
	})
	t.Run("a write's own error", func(t *testing.T) {
		t.Parallel()
		c, _ := newMockClient(t)
		mine := errors.New("mine")
		assert.Equal(t, mine, c.Network.WaitForLANPrefix(t.Context(), func(context.Context) error { return mine }))
		assert.NoError(t, c.Network.WaitForLANPrefix(t.Context(), func(context.Context) error { return nil }))
	})
}

func TestNetworkDHCPLeases(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "dhcp_leases.json")
	leases, err := c.Network.DHCPLeases(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/dhcpLeases", "", "")
	require.Len(t, leases, 2, "the item that is not an object is left out")
	assert.Equal(t, devTestMAC, leases[0].MAC)
	assert.Equal(t, "192.168.12.57", leases[0].IP)
	assert.Equal(t, "mayas-iphone", leases[0].Hostname)
	assert.Contains(t, string(leases[0].Raw), `"expiresAt"`)
	assert.Equal(t, "a4:5e:60:d1:02:7b", leases[1].MAC)
	assert.Equal(t, "192.168.12.20", leases[1].IP, "ipAddress when there is no ip")
	assert.Equal(t, "living-room-tv", leases[1].Hostname, "hostName")

	m.replyFixture(200, "dhcp_leases_bare.json")
	leases, err = c.Network.DHCPLeases(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	require.Len(t, leases, 1)
	assert.Equal(t, DHCPLease{MAC: "f0:18:98:00:00:01", IP: "192.168.12.101", Hostname: "42", Raw: leases[0].Raw}, leases[0])

	for body, want := range map[string]int{
		`{}`: 0, ``: 0, `{"leases":null}`: 0, `{"leases":{}}`: 0, `"none"`: 0, `[]`: 0, `[1,"x",null]`: 0,
		`{"dhcpLeases":[{"mac":"x"}]}`: 1, `{"leases":[{}],"dhcpLeases":[{},{}]}`: 1,
	} {
		m.reply(200, body)
		leases, err := c.Network.DHCPLeases(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.NotNil(t, leases)
		assert.Len(t, leases, want, body)
	}
	m.reply(204, ``)
	leases, err = c.Network.DHCPLeases(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Equal(t, []DHCPLease{}, leases)
	m.reply(200, `{"leases":[`)
	_, err = c.Network.DHCPLeases(t.Context(), locTestCustomer, locTestLocation)
	assert.Error(t, err)
}

func TestNetworkDHCPLeasesErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Network.DHCPLeases", netWithStatuses(statusCase{404, []error{ErrNotFound}}), func(ctx context.Context, c *Client) error {
		_, err := c.Network.DHCPLeases(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Network.DHCPLeases(ctx, "..", locTestLocation)
		return err
	})
}
