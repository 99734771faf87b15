package plume

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	devTestMAC  = "3c:22:fb:4a:91:0e"
	devTestPath = locTestPath + "/devices/" + devTestMAC
)

// SetClientClock sets the clock a Client checks times against (Devices.ForceSteer), for the
// tests of package plume_test, which run the SDK and plumetest on one manual clock.
func SetClientClock(c *Client, now func() time.Time) { c.now = now }

// devStatuses are the statuses documented for the device endpoints, and those every endpoint
// can answer (docs/plume-support-api.md §1, §3).
var devStatuses = []statusCase{
	{401, []error{ErrUnauthorized}},
	{404, []error{ErrNotFound}},
	{500, []error{ErrServer}},
}

func devWithStatuses(extra ...statusCase) []statusCase {
	return append(append([]statusCase(nil), extra...), devStatuses...)
}

// assertDeviceFixture checks every typed field of testdata/device_get.json.
func assertDeviceFixture(t *testing.T, d *Device) {
	t.Helper()
	assert.Equal(t, devTestMAC, d.MAC)
	assert.Equal(t, devTestMAC, d.ID)
	assert.Equal(t, "Maya's iPhone", d.Name)
	assert.Equal(t, "Maya phone", d.Nickname)
	assert.Equal(t, "192.168.12.57", d.IP)
	assert.Equal(t, "connected", d.ConnectionState)
	assert.Equal(t, "5G", d.FreqBand)
	assert.Equal(t, "wifi", d.Medium)
	assert.Equal(t, "home", d.AccessZone)
	assert.Equal(t, 44, d.Channel)
	assert.Equal(t, locTestTime(t, "2024-05-14T08:21:07.512Z"), d.ConnectionStateChangeAt)
	assert.Equal(t, "iphone", d.Icon)
	assert.Equal(t, 2, d.KeyID)
	assert.True(t, d.Favorite)
	assert.Equal(t, "6643a1f09b2c4d5e6f708192", d.PersonID)
	assert.Equal(t, "5f1c2b7e-3d9a-4e61-a8c4-0b6d2f9e7a13", d.MobileAppDeviceUUID)
}

func TestDevicesList(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "devices_list.json")

	devices, err := c.Devices.List(t.Context(), locTestCustomer, locTestLocation, nil)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, locTestPath+"/devices", "", "")
	require.Len(t, devices, 2)
	phone, tv := devices[0], devices[1]
	assert.Equal(t, devTestMAC, phone.MAC)
	assert.Equal(t, devTestMAC, phone.ID)
	assert.Equal(t, "Maya's iPhone", phone.Name)
	assert.Equal(t, "192.168.12.57", phone.IP)
	assert.Equal(t, "connected", phone.ConnectionState)
	assert.Equal(t, "5G", phone.FreqBand)
	assert.Equal(t, "wifi", phone.Medium)
	assert.Equal(t, "home", phone.AccessZone)
	assert.Equal(t, 44, phone.Channel)
	assert.Equal(t, 2, phone.KeyID)
	assert.Equal(t, "iphone", phone.Icon)
	assert.Equal(t, locTestTime(t, "2024-05-14T08:21:07.512Z"), phone.ConnectionStateChangeAt)
	assert.Contains(t, string(phone.Raw), `"leafToRoot": [{"id": "PD9Z8Y7X6W5V"}`)
	assert.NotContains(t, string(phone.Raw), "a4:5e:60:d1:02:7b", "each Raw is its own device")

	assert.Equal(t, "a4:5e:60:d1:02:7b", tv.MAC)
	assert.Equal(t, "Living room TV", tv.Name)
	assert.Equal(t, "ethernet", tv.Medium)
	assert.Equal(t, "", tv.FreqBand)
	assert.Equal(t, "guests", tv.AccessZone)
	assert.Equal(t, "disconnected", tv.ConnectionState)
	assert.Equal(t, 0, tv.Channel)
	assert.Equal(t, 7, tv.KeyID)
	assert.Equal(t, locTestTime(t, "2024-05-10T22:03:45Z"), tv.ConnectionStateChangeAt)
}

func TestDevicesListShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		body     string
		wantMACs []string
	}{
		{"double wrapper", fixture(t, "devices_list.json"), []string{devTestMAC, "a4:5e:60:d1:02:7b"}},
		{"single wrapper", fixture(t, "devices_list_single.json"), []string{devTestMAC}},
		{"bare array", fixture(t, "devices_list_bare.json"), []string{devTestMAC, "a4:5e:60:d1:02:7b"}},
		{"empty double wrapper", `{"devices":{"devices":[]}}`, []string{}},
		{"empty wrapper", `{"devices":[]}`, []string{}},
		{"empty array", `[]`, []string{}},
		{"null devices", `{"devices":null}`, []string{}},
		{"null inner devices", `{"devices":{"devices":null}}`, []string{}},
		{"empty object", `{}`, []string{}},
		{"empty inner object", `{"devices":{}}`, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, tc.body)
			devices, err := c.Devices.List(t.Context(), locTestCustomer, locTestLocation, nil)
			require.NoError(t, err)
			require.NotNil(t, devices)
			macs := []string{}
			for _, d := range devices {
				macs = append(macs, d.MAC)
				assert.NotEmpty(t, d.Raw)
			}
			assert.Equal(t, tc.wantMACs, macs)
		})
	}
}

func TestDevicesListBadShape(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"devices":"x"}`, `{"devices":{"devices":{"devices":[]}}}`, `42`, `"devices"`,
		`{"devices":[{"mac":"aa","channel":{}}]}`, `{"devices":[1,2]}`,
	} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Devices.List(t.Context(), locTestCustomer, locTestLocation, nil)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "Devices.List", body)
	}
}

func TestDevicesListEmptyAnswerIsUnexpected(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `  `, `null`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Devices.List(t.Context(), locTestCustomer, locTestLocation, nil)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, "%q", body)
	}
}

func TestDevicesListOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		opts  *DeviceListOptions
		query string
	}{
		{"nil", nil, ""},
		{"zero", &DeviceListOptions{}, ""},
		{"days offline", &DeviceListOptions{DaysOffline: 7}, "daysOffline=7"},
		{"all SSIDs", &DeviceListOptions{AllSSIDs: true}, "allSSIDs=true"},
		{"every option", &DeviceListOptions{DaysOffline: 31, AllSSIDs: true, ShowPartnerComponent: true}, "allSSIDs=true&daysOffline=31&showPartnerComponent=true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(200, `{"devices":{"devices":[]}}`)
			_, err := c.Devices.List(t.Context(), locTestCustomer, locTestLocation, tc.opts)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodGet, locTestPath+"/devices", tc.query, "")
		})
	}
	assertNoRequest(t, "DaysOffline", func(ctx context.Context, c *Client) error {
		_, err := c.Devices.List(ctx, locTestCustomer, locTestLocation, &DeviceListOptions{DaysOffline: -1})
		return err
	})
}

func TestDevicesListErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Devices.List", devStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Devices.List(ctx, locTestCustomer, locTestLocation, nil)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Devices.List(ctx, "", locTestLocation, nil)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Devices.List(ctx, locTestCustomer, "..", nil)
		return err
	})
}

func TestDevicesGet(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "device_get.json")

	d, err := c.Devices.Get(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, devTestPath, "", "")
	assertDeviceFixture(t, d)
	assert.JSONEq(t, fixture(t, "device_get.json"), string(d.Raw))
}

func TestDevicesGetLenientNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body           string
		channel, keyID int
	}{
		{`{"mac":"m","channel":"36","keyId":"3"}`, 36, 3},
		{`{"mac":"m","channel":null,"keyId":null}`, 0, 0},
		{`{"mac":"m","channel":"","keyId":"none"}`, 0, 0},
		{`{"mac":"m","channel":149,"keyId":12}`, 149, 12},
		{`{"mac":"m","channel":36.5,"keyId":true}`, 0, 0},
		{`{"mac":"m"}`, 0, 0},
	}
	for _, tc := range cases {
		c, m := newMockClient(t)
		m.reply(200, tc.body)
		d, err := c.Devices.Get(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
		require.NoError(t, err, tc.body)
		assert.Equal(t, tc.channel, d.Channel, tc.body)
		assert.Equal(t, tc.keyID, d.KeyID, tc.body)
	}
}

func TestDevicesGetAnswerWithoutDevice(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `null`, `{}`, `{"name":"x"}`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Devices.Get(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
		var unexpected *UnexpectedResponseError
		require.ErrorAs(t, err, &unexpected, "%q", body)
		assert.Equal(t, "Devices.Get", unexpected.Op)
	}
	// an id alone names the device
	c, m := newMockClient(t)
	m.reply(200, `{"id":"`+devTestMAC+`"}`)
	d, err := c.Devices.Get(t.Context(), locTestCustomer, locTestLocation, devTestMAC)
	require.NoError(t, err)
	assert.Equal(t, devTestMAC, d.ID)
}

func TestDevicesGetErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Devices.Get", devStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Devices.Get(ctx, locTestCustomer, locTestLocation, devTestMAC)
		return err
	})
}

func TestDevicesEscapeIDs(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "device_get.json")
	_, err := c.Devices.Get(t.Context(), locTestOddID, locTestOddID, devTestMAC)
	require.NoError(t, err)
	odd := "/api/Customers/" + locTestOddEscaped + "/locations/" + locTestOddEscaped
	assertRequest(t, m.only(), http.MethodGet, odd+"/devices/"+devTestMAC, "", "")
}

// devMethods are the Devices methods that take a MAC, by name, each as one call with mac.
func devMethods(mac string) map[string]func(ctx context.Context, c *Client) error {
	return map[string]func(ctx context.Context, c *Client) error{
		"Get": func(ctx context.Context, c *Client) error {
			_, err := c.Devices.Get(ctx, locTestCustomer, locTestLocation, mac)
			return err
		},
		"Update": func(ctx context.Context, c *Client) error {
			fav := true
			_, err := c.Devices.Update(ctx, locTestCustomer, locTestLocation, mac, DeviceUpdate{Favorite: &fav})
			return err
		},
		"Rename": func(ctx context.Context, c *Client) error {
			_, err := c.Devices.Rename(ctx, locTestCustomer, mac, "Phone")
			return err
		},
		"Hide": func(ctx context.Context, c *Client) error {
			return c.Devices.Hide(ctx, locTestCustomer, locTestLocation, mac)
		},
		"SetClientSteering": func(ctx context.Context, c *Client) error {
			_, err := c.Devices.SetClientSteering(ctx, locTestCustomer, locTestLocation, mac, ClientSteering{Auto: true})
			return err
		},
		"ForceSteer": func(ctx context.Context, c *Client) error {
			return c.Devices.ForceSteer(ctx, locTestCustomer, locTestLocation, mac, c.now().Add(30*time.Minute))
		},
		"EndForcedSteer": func(ctx context.Context, c *Client) error {
			return c.Devices.EndForcedSteer(ctx, locTestCustomer, locTestLocation, mac)
		},
	}
}

func TestDevicesSendMACsInColonForm(t *testing.T) {
	t.Parallel()
	for _, notation := range []string{
		"3c:22:fb:4a:91:0e", "3C:22:FB:4A:91:0E", "3C-22-FB-4A-91-0E", "3c22.fb4a.910e",
		"3C22FB4A910E", " 3c:22:Fb:4A:91:0e\n",
	} {
		for name, method := range devMethods(notation) {
			t.Run(name+"/"+strings.TrimSpace(notation), func(t *testing.T) {
				t.Parallel()
				c, m := newMockClient(t)
				switch name {
				case "Rename":
					m.replyFixture(200, "device_renamed_customer.json")
				case "Hide", "ForceSteer", "EndForcedSteer":
					m.reply(204, "")
				case "SetClientSteering":
					m.replyFixture(200, "client_steering.json")
				default:
					m.replyFixture(200, "device_get.json")
				}
				require.NoError(t, method(t.Context(), c))
				assert.Contains(t, m.only().Path, "/devices/"+devTestMAC)
			})
		}
	}
}

func TestDevicesRefuseBadMACs(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "  ", "3c:22:fb:4a:91", "3c:22:fb:4a:91:0g", "3c-22:fb-4a:91-0e", "../../x", "3c:22:fb:4a:91:0e:00"} {
		for name, method := range devMethods(bad) {
			t.Run(name+"/"+bad, func(t *testing.T) {
				t.Parallel()
				assertNoRequest(t, "MAC", method)
			})
		}
	}
}

func TestDevicesCheckIDsBeforeMAC(t *testing.T) {
	t.Parallel()
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Devices.Get(ctx, " ", locTestLocation, devTestMAC)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Devices.Hide(ctx, locTestCustomer, "", devTestMAC)
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Devices.Rename(ctx, "..", devTestMAC, "Phone")
		return err
	})
}

func TestDevicesUpdate(t *testing.T) {
	t.Parallel()
	name, empty, yes, no, uuid := "Kitchen tablet", "", true, false, "5f1c2b7e"
	cases := []struct {
		name   string
		update DeviceUpdate
		body   string
	}{
		{"nickname", DeviceUpdate{Nickname: &name}, `{"nickname":"Kitchen tablet"}`},
		{"clear nickname", DeviceUpdate{Nickname: &empty}, `{"nickname":""}`},
		{"favorite false", DeviceUpdate{Favorite: &no}, `{"favorite":false}`},
		{"both", DeviceUpdate{Nickname: &name, Favorite: &yes}, `{"nickname":"Kitchen tablet","favorite":true}`},
		{"app uuid", DeviceUpdate{MobileAppDeviceUUID: &uuid}, `{"mobileAppDeviceUuid":"5f1c2b7e"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(200, "device_updated.json")
			d, err := c.Devices.Update(t.Context(), locTestCustomer, locTestLocation, "3C-22-FB-4A-91-0E", tc.update)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch, devTestPath, "", tc.body)
			assert.Equal(t, devTestMAC, d.MAC)
			assert.Equal(t, "Kitchen tablet", d.Nickname)
			assert.Equal(t, "Kitchen tablet", d.Name)
			assert.False(t, d.Favorite)
			assert.Equal(t, "2.4G", d.FreqBand)
			assert.Equal(t, 6, d.Channel, "a channel sent as a string")
			assert.JSONEq(t, fixture(t, "device_updated.json"), string(d.Raw))
		})
	}
}

func TestDevicesUpdateValidate(t *testing.T) {
	t.Parallel()
	require.ErrorIs(t, DeviceUpdate{}.Validate(), ErrInvalidInput)
	yes := true
	require.NoError(t, DeviceUpdate{Favorite: &yes}.Validate())
	assertNoRequest(t, "DeviceUpdate", func(ctx context.Context, c *Client) error {
		_, err := c.Devices.Update(ctx, locTestCustomer, locTestLocation, devTestMAC, DeviceUpdate{})
		return err
	})
}

func TestDevicesUpdateErrors(t *testing.T) {
	t.Parallel()
	yes := true
	assertStatusErrors(t, "Devices.Update", devStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Devices.Update(ctx, locTestCustomer, locTestLocation, devTestMAC, DeviceUpdate{Favorite: &yes})
		return err
	})
}

func TestDevicesRename(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "device_renamed_customer.json")

	cust, err := c.Devices.Rename(t.Context(), locTestCustomer, "3c22.FB4A.910E", "Maya phone")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPut, "/api/Customers/"+locTestCustomer+"/devices/"+devTestMAC, "", `{"nickname":"Maya phone"}`)
	assert.Equal(t, locTestCustomer, cust.ID)
	assert.Equal(t, "acct-204511", cust.AccountID)
	assert.Equal(t, "Maya Lindqvist", cust.Name)
	assert.Equal(t, "maya.lindqvist@isp.example", cust.Email)
	assert.Equal(t, "partner-1", cust.PartnerID)
	assert.True(t, cust.EmailVerified)
	assert.Equal(t, locTestTime(t, "2023-03-27T14:41:58.312Z"), cust.CreatedAt)
	assert.JSONEq(t, fixture(t, "device_renamed_customer.json"), string(cust.Raw))
}

func TestDevicesRenameNicknameLength(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"P", strings.Repeat("x", 32), strings.Repeat("é", 32), strings.Repeat("📱", 32)} {
		c, m := newMockClient(t)
		m.replyFixture(200, "device_renamed_customer.json")
		_, err := c.Devices.Rename(t.Context(), locTestCustomer, devTestMAC, ok)
		require.NoError(t, err, ok)
		assert.Len(t, m.requests(), 1)
	}
	for _, bad := range []string{"", " \t", strings.Repeat("x", 33), strings.Repeat("é", 33)} {
		assertNoRequest(t, "Nickname", func(ctx context.Context, c *Client) error {
			_, err := c.Devices.Rename(ctx, locTestCustomer, devTestMAC, bad)
			return err
		})
	}
}

func TestDevicesRenameErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Devices.Rename", devWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Devices.Rename(ctx, locTestCustomer, devTestMAC, "Phone")
		return err
	})
	// a Customer without an id is not the answer the contract promises
	c, m := newMockClient(t)
	m.reply(200, `{}`)
	_, err := c.Devices.Rename(t.Context(), locTestCustomer, devTestMAC, "Phone")
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

func TestDevicesHide(t *testing.T) {
	t.Parallel()
	for _, status := range []int{204, 200} {
		c, m := newMockClient(t)
		m.reply(status, "")
		require.NoError(t, c.Devices.Hide(t.Context(), locTestCustomer, locTestLocation, "3C:22:FB:4A:91:0E"))
		assertRequest(t, m.only(), http.MethodDelete, devTestPath, "", "")
	}
}

func TestDevicesHideErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Devices.Hide", devStatuses, func(ctx context.Context, c *Client) error {
		return c.Devices.Hide(ctx, locTestCustomer, locTestLocation, devTestMAC)
	})
}

func TestDevicesErrorNamesThePathAsSent(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(404, loopbackError(404, "Error", "device not found"))
	_, err := c.Devices.Get(t.Context(), locTestCustomer, locTestLocation, "3C-22-FB-4A-91-0E")
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, devTestPath, apiErr.Path)
	assert.Equal(t, http.MethodGet, apiErr.Method)
}
