package plume

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// steerTestNow is the client's clock in the forced-steer tests.
var steerTestNow = time.Date(2024, 5, 14, 9, 30, 0, 0, time.UTC)

// newSteerClient is newMockClient with its clock stopped at steerTestNow.
func newSteerClient(t *testing.T) (*Client, *mockAPI) {
	t.Helper()
	c, m := newMockClient(t)
	c.now = func() time.Time { return steerTestNow }
	return c, m
}

func TestDevicesSetClientSteering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		steering ClientSteering
		body     string
	}{
		{"auto off", ClientSteering{Auto: false}, `{"auto":false}`},
		{"auto on", ClientSteering{Auto: true}, `{"auto":true}`},
		{"with a class", ClientSteering{Auto: false, SteeringClass: "iot"}, `{"auto":false,"steeringClass":"iot"}`},
		{"updatedAt is not sent", ClientSteering{Auto: false, UpdatedAt: steerTestNow}, `{"auto":false}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "client_steering.json")
			got, err := c.Devices.SetClientSteering(t.Context(), locTestCustomer, locTestLocation, "3C22FB4A910E", tc.steering)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch, devTestPath+"/clientSteering", "", tc.body)
			assert.False(t, got.Auto, "auto as answered")
			assert.Equal(t, tc.steering.SteeringClass, got.SteeringClass, "the class sent: the answer has none")
			assert.Equal(t, locTestTime(t, "2024-05-14T09:30:00.125Z"), got.UpdatedAt)
		})
	}
}

func TestDevicesSetClientSteeringFillsTheAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		want ClientSteering
	}{
		{`{}`, ClientSteering{Auto: true, SteeringClass: "iot"}},
		{`{"updatedAt":"2024-05-14T09:30:00Z"}`, ClientSteering{Auto: true, SteeringClass: "iot", UpdatedAt: steerTestNow}},
		{`{"auto":false,"steeringClass":"phone"}`, ClientSteering{Auto: false, SteeringClass: "phone"}},
		{`{"auto":null}`, ClientSteering{Auto: true, SteeringClass: "iot"}},
	}
	for _, tc := range cases {
		c, m := newMockClient(t)
		m.reply(200, tc.body)
		got, err := c.Devices.SetClientSteering(t.Context(), locTestCustomer, locTestLocation, devTestMAC, ClientSteering{Auto: true, SteeringClass: "iot"})
		require.NoError(t, err, tc.body)
		assert.Equal(t, tc.want, *got, tc.body)
	}
	for _, body := range []string{``, `null`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Devices.SetClientSteering(t.Context(), locTestCustomer, locTestLocation, devTestMAC, ClientSteering{Auto: true})
		assert.ErrorIs(t, err, ErrUnexpectedResponse, "%q", body)
	}
}

func TestDevicesSetClientSteeringErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Devices.SetClientSteering", devWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Devices.SetClientSteering(ctx, locTestCustomer, locTestLocation, devTestMAC, ClientSteering{Auto: true})
		return err
	})
}

func TestDevicesForceSteer(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CEST", 2*60*60)
	cases := []struct {
		name      string
		until     time.Time
		expiresAt string
	}{
		{"half an hour", steerTestNow.Add(30 * time.Minute), "2024-05-14T10:00:00.000Z"},
		{"another zone is sent in UTC", steerTestNow.Add(30 * time.Minute).In(cet), "2024-05-14T10:00:00.000Z"},
		{"the earliest", steerTestNow.Add(MinForcedSteer), "2024-05-14T09:35:00.000Z"},
		{"the latest", steerTestNow.Add(MaxForcedSteer), "2024-05-14T10:30:00.000Z"},
		{"milliseconds", steerTestNow.Add(10*time.Minute + 1234567*time.Microsecond), "2024-05-14T09:40:01.234Z"},
		{"cut to the millisecond, inside", steerTestNow.Add(MaxForcedSteer + 999*time.Microsecond), "2024-05-14T10:30:00.000Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newSteerClient(t)
			m.reply(204, "")
			require.NoError(t, c.Devices.ForceSteer(t.Context(), locTestCustomer, locTestLocation, "3c-22-fb-4a-91-0e", tc.until))
			assertRequest(t, m.only(), http.MethodPut, devTestPath+"/forcedSteer", "", `{"expiresAt":"`+tc.expiresAt+`"}`)
			sent, err := time.Parse(time.RFC3339, tc.expiresAt)
			require.NoError(t, err, "RFC 3339")
			assert.Equal(t, time.UTC, sent.Location())
		})
	}
}

func TestDevicesForceSteerWindowIsCheckedFirst(t *testing.T) {
	t.Parallel()
	for name, until := range map[string]time.Time{
		"zero":                {},
		"now":                 steerTestNow,
		"in the past":         steerTestNow.Add(-time.Minute),
		"long ago":            steerTestNow.AddDate(-1, 0, 0),
		"too soon":            steerTestNow.Add(MinForcedSteer - time.Millisecond),
		"one minute":          steerTestNow.Add(time.Minute),
		"too late":            steerTestNow.Add(MaxForcedSteer + time.Millisecond),
		"two hours":           steerTestNow.Add(2 * time.Hour),
		"too soon, in a zone": steerTestNow.Add(4 * time.Minute).In(time.FixedZone("X", -5*60*60)),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newSteerClient(t)
			err := c.Devices.ForceSteer(t.Context(), locTestCustomer, locTestLocation, devTestMAC, until)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "Until", verr.Field)
			assert.ErrorIs(t, err, ErrInvalidInput)
			assert.Empty(t, m.requests(), "no request may be sent")
		})
	}
}

func TestDevicesForceSteerUsesTheClientClock(t *testing.T) {
	t.Parallel()
	c, m := newSteerClient(t)
	m.reply(204, "")
	until := steerTestNow.Add(20 * time.Minute)
	require.NoError(t, c.Devices.ForceSteer(t.Context(), locTestCustomer, locTestLocation, devTestMAC, until))

	c.now = func() time.Time { return steerTestNow.Add(16 * time.Minute) } // 4 minutes left
	err := c.Devices.ForceSteer(t.Context(), locTestCustomer, locTestLocation, devTestMAC, until)
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "5 minutes to 60 minutes from now")

	c.now = func() time.Time { return steerTestNow.Add(21 * time.Minute) }
	err = c.Devices.ForceSteer(t.Context(), locTestCustomer, locTestLocation, devTestMAC, until)
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "must be in the future")
	assert.Len(t, m.requests(), 1)
}

func TestDevicesForceSteerErrors(t *testing.T) {
	t.Parallel()
	until := time.Now().Add(30 * time.Minute)
	assertStatusErrors(t, "Devices.ForceSteer", devWithStatuses(
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		return c.Devices.ForceSteer(ctx, locTestCustomer, locTestLocation, devTestMAC, until)
	})
}

func TestDevicesEndForcedSteer(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(204, "")
	require.NoError(t, c.Devices.EndForcedSteer(t.Context(), locTestCustomer, locTestLocation, " 3C:22:FB:4A:91:0E "))
	assertRequest(t, m.only(), http.MethodDelete, devTestPath+"/forcedSteer", "", "")

	assertStatusErrors(t, "Devices.EndForcedSteer", devStatuses, func(ctx context.Context, c *Client) error {
		return c.Devices.EndForcedSteer(ctx, locTestCustomer, locTestLocation, devTestMAC)
	})
}

func TestLocationsSetBandSteering(t *testing.T) {
	t.Parallel()
	for _, mode := range []BandSteeringMode{BandSteeringAuto, BandSteeringEnable, BandSteeringDisable} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "band_steering.json")
			got, err := c.Locations.SetBandSteering(t.Context(), locTestCustomer, locTestLocation, mode)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch, locTestPath+"/bandSteering", "", `{"mode":"`+string(mode)+`"}`)
			// the fixture's answer, whatever was sent: the API's word stands
			assert.Equal(t, BandSteeringEnable, got.Mode)
			assert.False(t, got.Auto)
			assert.Equal(t, locTestTime(t, "2024-05-14T09:31:12Z"), got.UpdatedAt)
		})
	}
}

func TestLocationsSetBandSteeringFillsTheMode(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"auto":true}`, `{"mode":""}`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		got, err := c.Locations.SetBandSteering(t.Context(), locTestCustomer, locTestLocation, BandSteeringAuto)
		require.NoError(t, err, body)
		assert.Equal(t, BandSteeringAuto, got.Mode, body)
		assert.Equal(t, strings.Contains(body, "true"), got.Auto, body)
	}
	for _, body := range []string{``, `null`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Locations.SetBandSteering(t.Context(), locTestCustomer, locTestLocation, BandSteeringAuto)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, "%q", body)
	}
}

func TestLocationsSetBandSteeringRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, mode := range []BandSteeringMode{"", "on", "Auto", "enabled"} {
		assertNoRequest(t, "Mode", func(ctx context.Context, c *Client) error {
			_, err := c.Locations.SetBandSteering(ctx, locTestCustomer, locTestLocation, mode)
			return err
		})
	}
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetBandSteering(ctx, locTestCustomer, "", BandSteeringAuto)
		return err
	})
}

func TestLocationsSetBandSteeringErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.SetBandSteering", devWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetBandSteering(ctx, locTestCustomer, locTestLocation, BandSteeringDisable)
		return err
	})
}
