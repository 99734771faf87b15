package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocationsSetMonitorMode(t *testing.T) {
	t.Parallel()
	for on, body := range map[bool]string{true: `{"enable":true}`, false: `{"enable":false}`} {
		c, m := newMockClient(t)
		m.reply(200, `{"_version":"1.0.0","enable":true,"updatedAt":"2025-02-15T10:05:30.500Z"}`)
		require.NoError(t, c.Locations.SetMonitorMode(t.Context(), locTestCustomer, locTestLocation, on))
		assertRequest(t, m.only(), http.MethodPut, locTestPath+"/monitorMode", "", body)
	}
	assertStatusErrors(t, "Locations.SetMonitorMode", locWithStatuses(statusCase{400, []error{ErrBadRequest}}), func(ctx context.Context, c *Client) error {
		return c.Locations.SetMonitorMode(ctx, locTestCustomer, locTestLocation, true)
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Locations.SetMonitorMode(ctx, locTestCustomer, "", true)
	})
}

func TestLocationsPodQuota(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "podquota.json")
	q, err := c.Locations.PodQuota(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/authorizations", "", "")
	assert.Equal(t, 6, q.NumPodsAuthorized)
	assert.Equal(t, locTestTime(t, "2025-02-10T08:02:15Z"), q.UpdatedAt)
	assert.JSONEq(t, fixture(t, "podquota.json"), string(q.Raw))

	for body, want := range map[string]int{`{"numPodsAuthorized":"32"}`: 32, `{"numPodsAuthorized":0}`: 0, `{"numPodsAuthorized":4.0}`: 4} {
		m.reply(200, body)
		q, err := c.Locations.PodQuota(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.Equal(t, want, q.NumPodsAuthorized, body)
	}
	for _, body := range []string{``, `null`, `{}`, `{"numPodsAuthorized":null}`} {
		m.reply(200, body)
		_, err := c.Locations.PodQuota(t.Context(), locTestCustomer, locTestLocation)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, "%q", body)
	}
	m.reply(200, `[1]`)
	_, err = c.Locations.PodQuota(t.Context(), locTestCustomer, locTestLocation)
	assert.Error(t, err)
}

func TestLocationsSetPodQuota(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 6} {
		c, m := newMockClient(t)
		m.replyFixture(200, "podquota.json")
		q, err := c.Locations.SetPodQuota(t.Context(), locTestCustomer, locTestLocation, n)
		require.NoError(t, err)
		assertRequest(t, m.only(), http.MethodPut, locTestPath+"/authorizations", "", `{"numPodsAuthorized":`+string(rune('0'+n))+`}`)
		assert.Equal(t, 6, q.NumPodsAuthorized, "as answered")
		assert.Equal(t, locTestTime(t, "2025-02-10T08:02:15Z"), q.UpdatedAt)
	}
	c, m := newMockClient(t)
	m.reply(200, `{}`)
	q, err := c.Locations.SetPodQuota(t.Context(), locTestCustomer, locTestLocation, 9)
	require.NoError(t, err)
	assert.Equal(t, 9, q.NumPodsAuthorized, "the count sent, when the answer has none")
	m.reply(200, ``)
	_, err = c.Locations.SetPodQuota(t.Context(), locTestCustomer, locTestLocation, 9)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

func TestLocationsPodQuotaErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.PodQuota", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.PodQuota(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertStatusErrors(t, "Locations.SetPodQuota", locWithStatuses(statusCase{400, []error{ErrBadRequest}}), func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetPodQuota(ctx, locTestCustomer, locTestLocation, 3)
		return err
	})
	assertNoRequest(t, "NumPodsAuthorized", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetPodQuota(ctx, locTestCustomer, locTestLocation, -1)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.PodQuota(ctx, "", locTestLocation)
		return err
	})
}

func TestAuditTrails(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "audit_trail.json")
	raw, err := c.Locations.AuditTrail(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/auditTrail", "", "")
	assert.Equal(t, strings.TrimSpace(fixture(t, "audit_trail.json")), string(raw), "as sent, without surrounding space")

	c, m = newMockClient(t)
	m.reply(200, " {} \n")
	raw, err = c.Customers.AuditTrail(t.Context(), locTestCustomer)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/"+locTestCustomer+"/auditTrail", "", "")
	assert.Equal(t, json.RawMessage(`{}`), raw)

	for _, body := range []string{``, `null`} {
		m.reply(200, body)
		_, err := c.Customers.AuditTrail(t.Context(), locTestCustomer)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, "%q", body)
	}
	m.reply(200, `[{`)
	_, err = c.Locations.AuditTrail(t.Context(), locTestCustomer, locTestLocation)
	assert.Error(t, err)

	assertStatusErrors(t, "Locations.AuditTrail", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.AuditTrail(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertStatusErrors(t, "Customers.AuditTrail", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.AuditTrail(ctx, locTestCustomer)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Customers.AuditTrail(ctx, "..")
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.AuditTrail(ctx, locTestCustomer, "")
		return err
	})
}

func TestLocationsFreezeStatus(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "freeze_location.json")
	f, err := c.Locations.FreezeStatus(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/freeze/autoExpire", "", "")
	assert.Equal(t, locTestTime(t, "2025-03-01T21:00:00Z"), f.ExpiresAt)
	assert.Equal(t, []string{devTestMAC, "f0:18:98:00:00:01"}, f.DeviceMACs)
	assert.Equal(t, []string{"65f0a1b2c3d4e5f601234568"}, f.PersonIDs)
	assert.JSONEq(t, fixture(t, "freeze_location.json"), string(f.Raw))

	m.replyFixture(200, "freeze_location_none.json")
	f, err = c.Locations.FreezeStatus(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.True(t, f.ExpiresAt.IsZero(), "none in force")
	assert.Nil(t, f.DeviceMACs)
	assert.Equal(t, json.RawMessage(`{}`), f.Raw)

	for _, body := range []string{`{"expiresAt":"soon","includedDeviceMacs":"x"}`, `[]`, `"none"`, `{"expiresAt":1740862800000}`} {
		m.reply(200, body)
		f, err := c.Locations.FreezeStatus(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.Equal(t, body, string(f.Raw))
	}
	m.reply(200, `{"expiresAt":1740862800000}`)
	f, err = c.Locations.FreezeStatus(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Equal(t, locTestTime(t, "2025-03-01T21:00:00Z"), f.ExpiresAt, "milliseconds since the epoch")
	for _, body := range []string{``, `null`, `{`} {
		m.reply(200, body)
		_, err := c.Locations.FreezeStatus(t.Context(), locTestCustomer, locTestLocation)
		assert.Error(t, err, "%q", body)
	}
}

func TestLocationsFreeze(t *testing.T) {
	t.Parallel()
	until := freezeTestNow.Add(4 * time.Hour).In(time.FixedZone("CEST", 2*60*60))
	cases := []struct {
		name string
		req  LocationFreezeRequest
		body string
	}{
		{"both lists empty: every device, sent as []", LocationFreezeRequest{Until: until},
			`{"includedDeviceMacs":[],"includedPersonIds":[],"expiresAt":"2025-03-01T21:00:00.000Z"}`},
		{"devices and persons", LocationFreezeRequest{Until: until, DeviceMACs: []string{"3C22FB4A910E", "f0-18-98-00-00-01"}, PersonIDs: []string{"65f0a1b2c3d4e5f601234568"}},
			`{"includedDeviceMacs":["3c:22:fb:4a:91:0e","f0:18:98:00:00:01"],"includedPersonIds":["65f0a1b2c3d4e5f601234568"],"expiresAt":"2025-03-01T21:00:00.000Z"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newFreezeClient(t)
			m.replyFixture(200, "freeze_location.json")
			f, err := c.Locations.Freeze(t.Context(), locTestCustomer, locTestLocation, tc.req)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch, locTestPath+"/freeze/autoExpire", "", tc.body)
			assert.Equal(t, []string{devTestMAC, "f0:18:98:00:00:01"}, f.DeviceMACs, "as answered")
			assert.Equal(t, locTestTime(t, "2025-03-01T21:00:00Z"), f.ExpiresAt)
		})
	}
	t.Run("an answer without the freeze gives the one sent", func(t *testing.T) {
		t.Parallel()
		for _, answer := range []struct {
			status int
			body   string
		}{{200, ``}, {204, ``}, {200, `{}`}, {200, `{"count":1}`}} {
			c, m := newFreezeClient(t)
			m.reply(answer.status, answer.body)
			f, err := c.Locations.Freeze(t.Context(), locTestCustomer, locTestLocation, LocationFreezeRequest{Until: until, DeviceMACs: []string{"3C22FB4A910E"}})
			require.NoError(t, err, answer.body)
			assert.True(t, until.Equal(f.ExpiresAt))
			assert.Equal(t, time.UTC, f.ExpiresAt.Location())
			assert.Equal(t, []string{devTestMAC}, f.DeviceMACs)
			assert.Equal(t, []string{}, f.PersonIDs)
		}
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "Locations.Freeze", locCommonStatuses, func(ctx context.Context, c *Client) error {
			_, err := c.Locations.Freeze(ctx, locTestCustomer, locTestLocation, LocationFreezeRequest{Until: time.Now().Add(time.Hour)})
			return err
		})
		assertStatusErrors(t, "Locations.FreezeStatus", locCommonStatuses, func(ctx context.Context, c *Client) error {
			_, err := c.Locations.FreezeStatus(ctx, locTestCustomer, locTestLocation)
			return err
		})
		assertStatusErrors(t, "Locations.Unfreeze", locCommonStatuses, func(ctx context.Context, c *Client) error {
			return c.Locations.Unfreeze(ctx, locTestCustomer, locTestLocation)
		})
	})
	t.Run("refused before sending", func(t *testing.T) {
		t.Parallel()
		for field, req := range map[string]LocationFreezeRequest{
			"Until":         {},
			"DeviceMACs[0]": {Until: until, DeviceMACs: []string{"tv"}},
			"PersonIDs[1]":  {Until: until, PersonIDs: []string{"p1", ".."}},
		} {
			assertNoRequest(t, field, func(ctx context.Context, c *Client) error {
				_, err := c.Locations.Freeze(ctx, locTestCustomer, locTestLocation, req)
				return err
			})
		}
		for _, past := range []time.Time{freezeTestNow, freezeTestNow.Add(-time.Hour)} {
			c, m := newFreezeClient(t)
			_, err := c.Locations.Freeze(t.Context(), locTestCustomer, locTestLocation, LocationFreezeRequest{Until: past})
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "Until", verr.Field)
			assert.Empty(t, m.requests())
		}
	})
}

func TestLocationsUnfreeze(t *testing.T) {
	t.Parallel()
	for _, answer := range []struct {
		status int
		body   string
	}{{200, `{}`}, {204, ``}} {
		c, m := newMockClient(t)
		m.reply(answer.status, answer.body)
		require.NoError(t, c.Locations.Unfreeze(t.Context(), locTestCustomer, locTestLocation))
		assertRequest(t, m.only(), http.MethodDelete, locTestPath+"/freeze/autoExpire", "", "")
	}
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Locations.Unfreeze(ctx, locTestCustomer, "")
	})
}

// factoryResetBody is the body of a reset with every flag false but the ones named.
func factoryResetBody(on ...string) string {
	flags := map[string]bool{}
	for _, name := range []string{"persons", "onboardingCheckpoints", "devices", "networkConfiguration", "wifiNetwork", "deviceFreeze", "deviceNicknames", "managers", "wanConfiguration"} {
		flags[name] = false
	}
	for _, name := range on {
		flags[name] = true
	}
	data, _ := json.Marshal(flags)
	return string(data)
}

// TestFactoryResetIsNeverSentTwice: a 5xx (or a lost answer) may come after the reset took
// effect, so FactoryReset is not retried after it, where any other DELETE is; a 429, which the
// API sends before doing anything, is still retried.
func TestFactoryResetIsNeverSentTwice(t *testing.T) {
	t.Parallel()
	retrying := WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond})
	for _, status := range []int{500, 502, 503, 504} {
		c, m := newMockClient(t, retrying)
		m.reply(204, ``).then(status, `{"error":{"statusCode":`+strconv.Itoa(status)+`,"message":"x"}}`)
		err := c.Locations.FactoryReset(t.Context(), locTestCustomer, locTestLocation, FactoryReset{Devices: true})
		require.ErrorIs(t, err, ErrServer, "status %d", status)
		assert.Len(t, m.requests(), 1, "status %d: sent once", status)

		// Any other DELETE is retried after the same answer.
		c, m = newMockClient(t, retrying)
		m.reply(204, ``).then(status, `{}`)
		require.NoError(t, c.Locations.Delete(t.Context(), locTestCustomer, locTestLocation), "status %d", status)
		assert.Len(t, m.requests(), 2, "status %d: Delete retried", status)
	}
	c, m := newMockClient(t, retrying)
	m.reply(204, ``).then(429, `{}`)
	require.NoError(t, c.Locations.FactoryReset(t.Context(), locTestCustomer, locTestLocation, FactoryReset{Devices: true}))
	assert.Len(t, m.requests(), 2, "a 429 reached nothing: retried")
}

func TestLocationsFactoryReset(t *testing.T) {
	t.Parallel()
	cases := []struct {
		reset FactoryReset
		on    []string
	}{
		{FactoryReset{Persons: true}, []string{"persons"}},
		{FactoryReset{OnboardingCheckpoints: true}, []string{"onboardingCheckpoints"}},
		{FactoryReset{Devices: true}, []string{"devices"}},
		{FactoryReset{NetworkConfiguration: true}, []string{"networkConfiguration"}},
		{FactoryReset{WifiNetwork: true}, []string{"wifiNetwork"}},
		{FactoryReset{DeviceFreeze: true}, []string{"deviceFreeze"}},
		{FactoryReset{DeviceNicknames: true}, []string{"deviceNicknames"}},
		{FactoryReset{Managers: true}, []string{"managers"}},
		{FactoryReset{WANConfiguration: true}, []string{"wanConfiguration"}},
		{FactoryReset{Persons: true, Devices: true, DeviceFreeze: true, WANConfiguration: true}, []string{"persons", "devices", "deviceFreeze", "wanConfiguration"}},
		{FactoryReset{true, true, true, true, true, true, true, true, true},
			[]string{"persons", "onboardingCheckpoints", "devices", "networkConfiguration", "wifiNetwork", "deviceFreeze", "deviceNicknames", "managers", "wanConfiguration"}},
	}
	for _, tc := range cases {
		c, m := newMockClient(t)
		m.reply(204, ``)
		require.NoError(t, c.Locations.FactoryReset(t.Context(), locTestCustomer, locTestLocation, tc.reset))
		r := m.only()
		assertRequest(t, r, http.MethodDelete, locTestPath+"/factoryReset", "", factoryResetBody(tc.on...))
		var sent map[string]any
		require.NoError(t, json.Unmarshal(r.Body, &sent))
		assert.Len(t, sent, 9, "exactly the nine flags, every one of them")
	}
	assertStatusErrors(t, "Locations.FactoryReset", locCommonStatuses, func(ctx context.Context, c *Client) error {
		return c.Locations.FactoryReset(ctx, locTestCustomer, locTestLocation, FactoryReset{Devices: true})
	})
	assertNoRequest(t, "FactoryReset", func(ctx context.Context, c *Client) error {
		return c.Locations.FactoryReset(ctx, locTestCustomer, locTestLocation, FactoryReset{})
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Locations.FactoryReset(ctx, locTestCustomer, "..", FactoryReset{Devices: true})
	})
}
