package plume

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hpTestWifiPath  = locTestPath + "/wifiNetwork"
	hpTestZonesPath = hpTestWifiPath + "/accessZones"
	hpTestKey       = "Guest-Pass-2025"
)

// hpStatuses are the statuses every key and zone call may answer (docs/plume-support-api.md §1, §8).
var hpStatuses = []statusCase{
	{401, []error{ErrUnauthorized}},
	{404, []error{ErrNotFound}},
	{500, []error{ErrServer}},
}

func hpWithStatuses(extra ...statusCase) []statusCase {
	return append(append([]statusCase(nil), extra...), hpStatuses...)
}

// assertGuestKeyFixture checks every typed field of key 1 of keys_wifi_network.json and keys_list.json.
func assertGuestKeyFixture(t *testing.T, k Key) {
	t.Helper()
	assert.Equal(t, 1, k.ID)
	assert.Equal(t, hpTestKey, k.EncryptionKey)
	assert.Equal(t, AccessZoneGuests, k.AccessZone)
	assert.Equal(t, 2, k.AccessZoneID)
	assert.Equal(t, KeyFormatEncryptionKey, k.KeyFormat)
	assert.True(t, k.Enabled)
	assert.Equal(t, []string{"adultAndSensitive"}, k.Content)
	require.NotNil(t, k.ExpiresAt)
	assert.Equal(t, locTestTime(t, "2025-03-01T18:00:00Z"), *k.ExpiresAt)
	assert.Equal(t, locTestTime(t, "2025-02-11T09:30:00.250Z"), k.CreatedAt)
	assert.Equal(t, locTestTime(t, "2025-02-12T10:45:00.500Z"), k.UpdatedAt)
	assert.Contains(t, string(k.Raw), `"_version"`, "Raw keeps what is not typed")
	assert.True(t, json.Valid(k.Raw))
}

func TestHomePassKeys(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "keys_wifi_network.json")

	keys, err := c.HomePass.Keys(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, hpTestWifiPath, "", "")
	require.Len(t, keys, 2, "the guests zone's keys only")
	assertGuestKeyFixture(t, keys[0])
	assert.Equal(t, 4, keys[1].ID)
	assert.Equal(t, 4, keys[1].AccessZoneID)
	assert.Nil(t, keys[1].ExpiresAt)
	assert.Nil(t, keys[1].Content)

	home, err := c.HomePass.Keys(t.Context(), locTestCustomer, locTestLocation, AccessZoneHome)
	require.NoError(t, err)
	require.Len(t, home, 1)
	assert.Equal(t, 0, home[0].ID)
	assert.Equal(t, "Home-Psk-8842", home[0].EncryptionKey)
	assert.Equal(t, []string{}, home[0].Content)

	only, err := c.HomePass.Keys(t.Context(), locTestCustomer, locTestLocation, AccessZoneInternetOnly)
	require.NoError(t, err)
	require.Len(t, only, 1)
	assert.Equal(t, KeyFormatPhoneNumber, only[0].KeyFormat)
	assert.Equal(t, "+46701234567", only[0].EncryptionKey)
	assert.False(t, only[0].Enabled)
	assert.Nil(t, only[0].ExpiresAt, "expiresAt null")
}

func TestHomePassAllKeys(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "keys_wifi_network.json")

	keys, err := c.HomePass.AllKeys(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, hpTestWifiPath, "", "")
	var zones []AccessZoneType
	for _, k := range keys {
		zones = append(zones, k.AccessZone)
	}
	assert.Equal(t, []AccessZoneType{AccessZoneHome, AccessZoneGuests, AccessZoneInternetOnly, AccessZoneGuests}, zones,
		"every zone's keys, in the order of the answer")
	assertGuestKeyFixture(t, keys[1])

	m.reply(200, `{"wifiNetwork":{"ssid":"x"}}`)
	keys, err = c.HomePass.AllKeys(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.NotNil(t, keys, "no keys is an empty list, not nil")
	assert.Empty(t, keys)

	m.reply(200, `null`)
	keys, err = c.HomePass.AllKeys(t.Context(), locTestCustomer, locTestLocation)
	require.ErrorIs(t, err, ErrUnexpectedResponse)
	assert.Nil(t, keys)

	before := len(m.requests())
	_, err = c.HomePass.AllKeys(t.Context(), locTestCustomer, "")
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "locationID", verr.Field)
	assert.Len(t, m.requests(), before, "nothing sent")

	assertStatusErrors(t, "HomePass.AllKeys", hpStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.HomePass.AllKeys(ctx, locTestCustomer, locTestLocation)
		return err
	})
}

func TestHomePassKeysShapes(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body string
		ids  []int
	}{
		"bare network":       {fixture(t, "keys_wifi_network_bare.json"), []int{3}},
		"no keys member":     {`{"wifiNetwork":{"ssid":"x"}}`, []int{}},
		"keys null":          {`{"wifiNetwork":{"keys":null}}`, []int{}},
		"empty object":       {`{}`, []int{}},
		"wrapper not an obj": {`{"wifiNetwork":"w1","keys":[{"id":7,"accessZone":"guests"}]}`, []int{7}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			keys, err := c.HomePass.Keys(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests)
			require.NoError(t, err)
			require.NotNil(t, keys)
			ids := []int{}
			for _, k := range keys {
				ids = append(ids, k.ID)
			}
			assert.Equal(t, tc.ids, ids)
		})
	}
	for name, body := range map[string]string{
		"empty":           ``,
		"null":            `null`,
		"an array":        `[]`,
		"keys not a list": `{"keys":{"id":1}}`,
		"id not a number": `{"keys":[{"id":"one"}]}`,
		"not JSON":        `{"keys":[`,
		"a bad expiresAt": `{"keys":[{"id":1,"expiresAt":"soon"}]}`,
	} {
		t.Run("refused: "+name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, body)
			keys, err := c.HomePass.Keys(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests)
			require.Error(t, err)
			assert.Nil(t, keys)
		})
	}
}

func TestHomePassKeysErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "HomePass.Keys", hpStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.HomePass.Keys(ctx, locTestCustomer, locTestLocation, AccessZoneHome)
		return err
	})
}

func TestHomePassCreateKey(t *testing.T) {
	t.Parallel()
	cest := time.FixedZone("CEST", 2*60*60)
	expires := time.Date(2025, 3, 1, 20, 0, 0, 123456789, cest)
	cases := []struct {
		name string
		zone AccessZoneType
		req  KeyRequest
		body string
	}{
		{"format defaults to encryptionKey", AccessZoneGuests, KeyRequest{EncryptionKey: hpTestKey, Enabled: true},
			`{"encryptionKey":"` + hpTestKey + `","enable":true,"format":"encryptionKey"}`},
		{"disabled is sent", AccessZoneHome, KeyRequest{EncryptionKey: hpTestKey, KeyFormat: KeyFormatEncryptionKey},
			`{"encryptionKey":"` + hpTestKey + `","enable":false,"format":"encryptionKey"}`},
		{"a phone number", AccessZoneInternetOnly, KeyRequest{EncryptionKey: "+46701234567", KeyFormat: KeyFormatPhoneNumber, Enabled: true},
			`{"encryptionKey":"+46701234567","enable":true,"format":"phoneNumber"}`},
		{"expiry in UTC with milliseconds, content", AccessZoneGuests,
			KeyRequest{EncryptionKey: hpTestKey, Enabled: true, ExpiresAt: &expires, Content: []string{"adultAndSensitive"}},
			`{"encryptionKey":"` + hpTestKey + `","enable":true,"format":"encryptionKey","expiresAt":"2025-03-01T18:00:00.123Z","content":["adultAndSensitive"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "keys_list.json")
			keys, err := c.HomePass.CreateKey(t.Context(), locTestCustomer, locTestLocation, tc.zone, tc.req)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost, hpTestZonesPath+"/"+string(tc.zone)+"/keys", "", tc.body)
			require.Len(t, keys, 2, "the full array")
			assert.Equal(t, 0, keys[0].ID)
			assertGuestKeyFixture(t, keys[1])
		})
	}
}

func TestHomePassKeyWritesReadTheArray(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int{`[]`: 0, `[{"id":9}]`: 1, `[null]`: 1} {
		c, m := newMockClient(t)
		m.reply(200, body)
		keys, err := c.HomePass.UpdateKey(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests, 9, KeyRequest{EncryptionKey: hpTestKey})
		require.NoError(t, err, body)
		assert.NotNil(t, keys)
		assert.Len(t, keys, want, body)
	}
	for _, body := range []string{``, ` `, `null`, `{}`, `{"keys":[]}`, `"ok"`, `[{"id":"x"}]`, `[`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		keys, err := c.HomePass.CreateKey(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests, KeyRequest{EncryptionKey: hpTestKey})
		assert.Error(t, err, "%q", body)
		assert.Nil(t, keys)
	}
	c, m := newMockClient(t)
	m.reply(200, ``)
	_, err := c.HomePass.CreateKey(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests, KeyRequest{EncryptionKey: hpTestKey})
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

func TestHomePassUpdateKey(t *testing.T) {
	t.Parallel()
	for _, id := range []int{0, 3, 9} {
		c, m := newMockClient(t)
		m.replyFixture(200, "keys_list.json")
		keys, err := c.HomePass.UpdateKey(t.Context(), locTestCustomer, locTestLocation, AccessZoneGuests, id, KeyRequest{EncryptionKey: hpTestKey, Enabled: true})
		require.NoError(t, err)
		assertRequest(t, m.only(), http.MethodPut, hpTestZonesPath+"/guests/keys/"+string(rune('0'+id)), "",
			`{"encryptionKey":"`+hpTestKey+`","enable":true,"format":"encryptionKey"}`)
		require.Len(t, keys, 2)
		assertGuestKeyFixture(t, keys[1])
	}
}

func TestHomePassDeleteKey(t *testing.T) {
	t.Parallel()
	for _, answer := range []struct {
		status int
		body   string
	}{{200, fixture(t, "keys_list.json")}, {200, `[]`}, {204, ``}, {200, ``}} {
		c, m := newMockClient(t)
		m.reply(answer.status, answer.body)
		require.NoError(t, c.HomePass.DeleteKey(t.Context(), locTestCustomer, locTestLocation, AccessZoneInternetOnly, 2))
		assertRequest(t, m.only(), http.MethodDelete, hpTestZonesPath+"/internetAccessOnly/keys/2", "", "")
	}
}

func TestHomePassKeyErrors(t *testing.T) {
	t.Parallel()
	req := KeyRequest{EncryptionKey: hpTestKey, Enabled: true}
	t.Run("create", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "HomePass.CreateKey", hpWithStatuses(
			statusCase{400, []error{ErrBadRequest}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, req)
			return err
		})
	})
	t.Run("update", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "HomePass.UpdateKey", hpWithStatuses(
			statusCase{400, []error{ErrBadRequest}},
			statusCase{405, []error{ErrReadOnly}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.UpdateKey(ctx, locTestCustomer, locTestLocation, AccessZoneHome, 0, req)
			return err
		})
	})
	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "HomePass.DeleteKey", hpWithStatuses(
			statusCase{400, []error{ErrBadRequest}},
			statusCase{405, []error{ErrReadOnly}},
		), func(ctx context.Context, c *Client) error {
			return c.HomePass.DeleteKey(ctx, locTestCustomer, locTestLocation, AccessZoneHome, 0)
		})
	})
	t.Run("405 is not retried and is not another kind", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t, WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
		m.reply(405, loopbackError(405, "Error", "read-only key"))
		err := c.HomePass.DeleteKey(t.Context(), locTestCustomer, locTestLocation, AccessZoneHome, 0)
		assert.ErrorIs(t, err, ErrReadOnly)
		for _, other := range []error{ErrBadRequest, ErrNotFound, ErrValidation, ErrServer, ErrConflict} {
			assert.NotErrorIs(t, err, other)
		}
		assert.Len(t, m.requests(), 1)
	})
}

func TestHomePassKeyValidation(t *testing.T) {
	t.Parallel()
	good := KeyRequest{EncryptionKey: hpTestKey, Enabled: true}
	zero := time.Time{}
	cases := []struct {
		name, field string
		call        func(ctx context.Context, c *Client) error
	}{
		{"no customer", "customerID", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.Keys(ctx, "", locTestLocation, AccessZoneHome)
			return err
		}},
		{"location ..", "locationID", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateKey(ctx, locTestCustomer, "..", AccessZoneHome, good)
			return err
		}},
		{"no zone", "AccessZone", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.Keys(ctx, locTestCustomer, locTestLocation, "")
			return err
		}},
		{"unknown zone", "AccessZone", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateKey(ctx, locTestCustomer, locTestLocation, "Guests", good)
			return err
		}},
		{"key id -1", "KeyID", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.UpdateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, -1, good)
			return err
		}},
		{"key id 10", "KeyID", func(ctx context.Context, c *Client) error {
			return c.HomePass.DeleteKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, 10)
		}},
		{"unknown format", "KeyFormat", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, KeyRequest{EncryptionKey: hpTestKey, KeyFormat: "pin"})
			return err
		}},
		{"zero expiry", "ExpiresAt", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, KeyRequest{EncryptionKey: hpTestKey, ExpiresAt: &zero})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, tc.call)
		})
	}
}

func TestHomePassKeyFormatsAreChecked(t *testing.T) {
	t.Parallel()
	for key, ok := range map[string]bool{
		"12345678": true, "Sh0rt-k": false, "": false, "ééééééé": false, "éééééééé": true,
	} {
		err := KeyRequest{EncryptionKey: key}.Validate()
		assert.Equal(t, ok, err == nil, "encryptionKey %q: %v", key, err)
	}
	for key, ok := range map[string]bool{
		"+1234567": true, "1234567": true, "123456789012345": true, "+123456789012345": true,
		"123456": false, "+123456": false, "1234567890123456": false, "++1234567": false,
		"+46 70 123 45 67": false, "0701-234567": false, "": false, "12345a7": false, "１２３４５６７": false,
	} {
		err := KeyRequest{EncryptionKey: key, KeyFormat: KeyFormatPhoneNumber}.Validate()
		assert.Equal(t, ok, err == nil, "phoneNumber %q: %v", key, err)
	}
}

func TestHomePassKeyValidationNeverQuotesTheKey(t *testing.T) {
	t.Parallel()
	for _, req := range []KeyRequest{
		{EncryptionKey: "Sh0rt-k"},
		{EncryptionKey: "phone-number-secret", KeyFormat: KeyFormatPhoneNumber},
		{EncryptionKey: "+12-secret-34", KeyFormat: KeyFormatPhoneNumber},
	} {
		for _, call := range []func(ctx context.Context, c *Client) error{
			func(ctx context.Context, c *Client) error {
				_, err := c.HomePass.CreateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, req)
				return err
			},
			func(ctx context.Context, c *Client) error {
				_, err := c.HomePass.UpdateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, 1, req)
				return err
			},
		} {
			c, m := newMockClient(t)
			err := call(t.Context(), c)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "EncryptionKey", verr.Field)
			assert.False(t, strings.Contains(err.Error(), req.EncryptionKey), "a secret leaked")
			assert.False(t, strings.Contains(verr.Reason, req.EncryptionKey), "a secret leaked")
			assert.Empty(t, m.requests())
		}
	}
}

// TestHomePassErrorRedactsTheKey: an API error echoing the key the call sent, by value and in
// secret-named members, and a success whose body quotes it where a time should be.
func TestHomePassErrorRedactsTheKey(t *testing.T) {
	t.Parallel()
	const sent = "Sent-Key-Echo-6621"
	echo := `{"error":{"statusCode":422,"name":"ValidationError","message":"key ` + sent + ` already in use","details":{"encryptionKey":"` + sent + `","other":"` + sent + `"}}}`
	for name, call := range map[string]func(ctx context.Context, c *Client) error{
		"create": func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, KeyRequest{EncryptionKey: sent})
			return err
		},
		"update": func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.UpdateKey(ctx, locTestCustomer, locTestLocation, AccessZoneGuests, 4, KeyRequest{EncryptionKey: sent})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(422, echo)
			err := call(t.Context(), c)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.ErrorIs(t, err, ErrValidation)
			for _, text := range []string{err.Error(), apiErr.Message, string(apiErr.Body), apiErr.Name} {
				assert.NotContains(t, text, sent)
			}
			assert.Contains(t, apiErr.Message, "already in use", "the rest of the message stays")

			m.reply(200, `[{"id":1,"encryptionKey":"`+sent+`","createdAt":"`+sent+`"}]`)
			err = call(t.Context(), c)
			require.Error(t, err)
			for e := err; e != nil; e = errors.Unwrap(e) {
				assert.NotContains(t, e.Error(), sent)
			}
		})
	}
}

// zonesFixtureIDs are the ids of zones_list.json.
var zonesFixtureIDs = []int{1, 2, 3, 5}

// assertAirbnbZone checks every typed field of zone 5 of zones_list.json.
func assertAirbnbZone(t *testing.T, z AccessZone) {
	t.Helper()
	assert.Equal(t, 5, z.ID)
	assert.Equal(t, AccessZoneGuests, z.Type)
	assert.Equal(t, "Airbnb", z.Description)
	assert.Equal(t, []string{"a4:5e:60:d1:02:7b", "f0:18:98:00:00:01", "3c:22:fb:4a:91:0e"}, z.AccessibleDevices, "strings, and objects' mac or id")
	assert.Equal(t, locTestTime(t, "2025-02-14T07:15:00Z"), z.CreatedAt)
	assert.Equal(t, locTestTime(t, "2025-02-14T07:20:45.750Z"), z.UpdatedAt)
	assert.Contains(t, string(z.Raw), `"TV"`, "Raw keeps what is not typed")
}

func zoneIDs(zones []AccessZone) []int {
	ids := []int{}
	for _, z := range zones {
		ids = append(ids, z.ID)
	}
	return ids
}

func TestHomePassAccessZones(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "keys_wifi_network.json")
	zones, err := c.HomePass.AccessZones(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, hpTestWifiPath, "", "")
	require.Equal(t, []int{1, 2, 3, 4}, zoneIDs(zones))
	assert.Equal(t, AccessZoneHome, zones[0].Type)
	assert.Equal(t, "Home", zones[0].Description)
	assert.Equal(t, []string{}, zones[0].AccessibleDevices)
	assert.Equal(t, AccessZoneInternetOnly, zones[2].Type)
	assert.Equal(t, "Party", zones[3].Description)
	assert.Equal(t, []string{"a4:5e:60:d1:02:7b", "3c:22:fb:4a:91:0e"}, zones[3].AccessibleDevices)
	assert.Equal(t, locTestTime(t, "2025-02-13T18:56:30.125Z"), zones[3].UpdatedAt)

	m.reply(200, `{"wifiNetwork":{"ssid":"x"}}`)
	zones, err = c.HomePass.AccessZones(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assert.Equal(t, []AccessZone{}, zones)
}

func TestHomePassAccessZonesErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "HomePass.AccessZones", hpStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.HomePass.AccessZones(ctx, locTestCustomer, locTestLocation)
		return err
	})
}

func TestHomePassCreateAccessZone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		req  AccessZoneRequest
		body string
	}{
		{"no devices", AccessZoneRequest{Description: "Airbnb"}, `{"description":"Airbnb","type":"guests"}`},
		{"devices in any notation", AccessZoneRequest{Description: "Airbnb", AccessibleDevices: []string{"A4-5E-60-D1-02-7B", " f018.9800.0001 "}},
			`{"description":"Airbnb","type":"guests","accessibleDevices":["a4:5e:60:d1:02:7b","f0:18:98:00:00:01"]}`},
		{"an empty list is sent", AccessZoneRequest{Description: "Airbnb", AccessibleDevices: []string{}},
			`{"description":"Airbnb","type":"guests","accessibleDevices":[]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "zones_list.json")
			zones, err := c.HomePass.CreateAccessZone(t.Context(), locTestCustomer, locTestLocation, tc.req)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPost, hpTestZonesPath, "", tc.body)
			require.Equal(t, zonesFixtureIDs, zoneIDs(zones))
			assertAirbnbZone(t, zones[3])
		})
	}
	for _, body := range []string{``, `null`, `{}`, `{"accessZones":[]}`, `[{"id":"x"}]`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.HomePass.CreateAccessZone(t.Context(), locTestCustomer, locTestLocation, AccessZoneRequest{Description: "x"})
		assert.Error(t, err, "%q", body)
	}
}

func TestHomePassUpdateAccessZone(t *testing.T) {
	t.Parallel()
	t.Run("answered with the zones", func(t *testing.T) {
		t.Parallel()
		for name, tc := range map[string]struct {
			req  AccessZoneRequest
			body string
		}{
			"rename only":   {AccessZoneRequest{Description: "Airbnb"}, `{"description":"Airbnb"}`},
			"clear devices": {AccessZoneRequest{Description: "Airbnb", AccessibleDevices: []string{}}, `{"description":"Airbnb","accessibleDevices":[]}`},
			"set devices":   {AccessZoneRequest{Description: "Airbnb", AccessibleDevices: []string{"3C22FB4A910E"}}, `{"description":"Airbnb","accessibleDevices":["3c:22:fb:4a:91:0e"]}`},
		} {
			c, m := newMockClient(t)
			m.replyFixture(200, "zones_list.json")
			zones, err := c.HomePass.UpdateAccessZone(t.Context(), locTestCustomer, locTestLocation, 5, tc.req)
			require.NoError(t, err, name)
			assertRequest(t, m.only(), http.MethodPatch, hpTestZonesPath+"/5", "", tc.body)
			require.Equal(t, zonesFixtureIDs, zoneIDs(zones), name)
			assertAirbnbZone(t, zones[3])
		}
	})
	t.Run("answered without them: read back", func(t *testing.T) {
		t.Parallel()
		for _, answer := range []struct {
			status int
			body   string
		}{{200, `{}`}, {200, ``}, {204, ``}, {200, `"ok"`}, {200, `{"id":5}`}} {
			c, m := newMockClient(t)
			m.then(answer.status, answer.body).replyFixture(200, "keys_wifi_network.json")
			zones, err := c.HomePass.UpdateAccessZone(t.Context(), locTestCustomer, locTestLocation, 4, AccessZoneRequest{Description: "Party"})
			require.NoError(t, err, "%d %q", answer.status, answer.body)
			reqs := m.requests()
			require.Len(t, reqs, 2)
			assertRequest(t, reqs[0], http.MethodPatch, hpTestZonesPath+"/4", "", `{"description":"Party"}`)
			assertRequest(t, reqs[1], http.MethodGet, hpTestWifiPath, "", "")
			assert.Equal(t, []int{1, 2, 3, 4}, zoneIDs(zones))
		}
	})
	t.Run("the read back fails", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.then(200, `{}`).reply(500, loopbackError(500, "Error", "down"))
		_, err := c.HomePass.UpdateAccessZone(t.Context(), locTestCustomer, locTestLocation, 4, AccessZoneRequest{Description: "Party"})
		require.ErrorIs(t, err, ErrServer)
		assert.Contains(t, err.Error(), "was updated")
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "HomePass.AccessZones", apiErr.Op)
	})
	t.Run("not JSON", func(t *testing.T) {
		t.Parallel()
		c, m := newMockClient(t)
		m.reply(200, `[{`)
		_, err := c.HomePass.UpdateAccessZone(t.Context(), locTestCustomer, locTestLocation, 4, AccessZoneRequest{Description: "Party"})
		require.Error(t, err)
		assert.Len(t, m.requests(), 1)
	})
}

func TestHomePassDeleteAccessZone(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 204} {
		c, m := newMockClient(t)
		m.reply(status, `[]`)
		require.NoError(t, c.HomePass.DeleteAccessZone(t.Context(), locTestCustomer, locTestLocation, 4))
		assertRequest(t, m.only(), http.MethodDelete, hpTestZonesPath+"/4", "", "")
	}
}

func TestHomePassAccessZoneErrors(t *testing.T) {
	t.Parallel()
	req := AccessZoneRequest{Description: "Airbnb"}
	t.Run("create", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "HomePass.CreateAccessZone", hpWithStatuses(
			statusCase{400, []error{ErrBadRequest}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateAccessZone(ctx, locTestCustomer, locTestLocation, req)
			return err
		})
	})
	t.Run("update", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "HomePass.UpdateAccessZone", hpWithStatuses(
			statusCase{400, []error{ErrBadRequest}},
			statusCase{405, []error{ErrReadOnly}},
			statusCase{422, []error{ErrValidation}},
		), func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.UpdateAccessZone(ctx, locTestCustomer, locTestLocation, 2, req)
			return err
		})
	})
	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		assertStatusErrors(t, "HomePass.DeleteAccessZone", hpWithStatuses(
			statusCase{400, []error{ErrBadRequest}},
			statusCase{405, []error{ErrReadOnly}},
		), func(ctx context.Context, c *Client) error {
			return c.HomePass.DeleteAccessZone(ctx, locTestCustomer, locTestLocation, 1)
		})
	})
}

func TestHomePassAccessZoneValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field string
		call        func(ctx context.Context, c *Client) error
	}{
		{"no description", "Description", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateAccessZone(ctx, locTestCustomer, locTestLocation, AccessZoneRequest{Description: "  "})
			return err
		}},
		{"a bad MAC", "AccessibleDevices[1]", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.CreateAccessZone(ctx, locTestCustomer, locTestLocation, AccessZoneRequest{Description: "x", AccessibleDevices: []string{devTestMAC, "tv"}})
			return err
		}},
		{"update without description", "Description", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.UpdateAccessZone(ctx, locTestCustomer, locTestLocation, 4, AccessZoneRequest{})
			return err
		}},
		{"negative zone", "ZoneID", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.UpdateAccessZone(ctx, locTestCustomer, locTestLocation, -1, AccessZoneRequest{Description: "x"})
			return err
		}},
		{"delete negative zone", "ZoneID", func(ctx context.Context, c *Client) error {
			return c.HomePass.DeleteAccessZone(ctx, locTestCustomer, locTestLocation, -4)
		}},
		{"no location", "locationID", func(ctx context.Context, c *Client) error {
			_, err := c.HomePass.AccessZones(ctx, locTestCustomer, " ")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, tc.call)
		})
	}
}

func TestHomePassPathsEscapeIDs(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `[]`)
	_, err := c.HomePass.CreateKey(t.Context(), locTestOddID, locTestOddID, AccessZoneGuests, KeyRequest{EncryptionKey: hpTestKey})
	require.NoError(t, err)
	want := "/api/Customers/" + locTestOddEscaped + "/locations/" + locTestOddEscaped + "/wifiNetwork/accessZones/guests/keys"
	assert.Equal(t, want, m.only().Path)
	assert.False(t, strings.Contains(m.only().Query, "c"), "nothing leaks into the query")
}
