package plumetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// wire calls the Server's API with a bearer of its own, for the support endpoints, so that
// these tests check plumetest's hooks without depending on the SDK's support methods.
type wire struct {
	t     *testing.T
	srv   *plumetest.Server
	token string
}

func newWire(t *testing.T, srv *plumetest.Server) *wire {
	t.Helper()
	creds := srv.Credentials()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"partnerId:" + creds.PartnerID + " role:partnerIdAdmin"}}
	req, err := http.NewRequest(http.MethodPost, srv.TokenURL, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(creds.ClientID, creds.ClientSecret)
	w := &wire{t: t, srv: srv}
	status, body := w.send(req)
	require.Equal(t, http.StatusOK, status, "token: %s", body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))
	w.token = tok.AccessToken
	return w
}

// call sends a JSON body (nil for none) and returns the status and the body.
func (w *wire) call(method, path string, body any) (int, []byte) {
	w.t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(w.t, err)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, w.srv.URL+path, r)
	require.NoError(w.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	return w.send(req)
}

func (w *wire) send(req *http.Request) (int, []byte) {
	w.t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(w.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(w.t, err)
	return res.StatusCode, body
}

// household registers a customer and claims GW1 and POD1, both online.
func household(t *testing.T, srv *plumetest.Server, c *plume.Client) *plume.RegisteredCustomer {
	t.Helper()
	srv.AddGateways("GW1")
	srv.AddInventory("POD1")
	reg, err := c.Customers.Register(t.Context(), plume.RegisterRequest{AccountID: "crm-000001"})
	require.NoError(t, err)
	for _, serial := range []string{"GW1", "POD1"} {
		_, err := c.Nodes.Claim(t.Context(), reg.ID, reg.LocationID, plume.ClaimRequest{SerialNumber: serial})
		require.NoError(t, err)
		srv.SetNodeOnline(serial, true)
	}
	return reg
}

func locationPath(reg *plume.RegisteredCustomer) string {
	return "/Customers/" + reg.ID + "/locations/" + reg.LocationID
}

var start = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

func TestRebootOnTheManualClock(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now), plumetest.WithTimings(plumetest.Timings{Reboot: 20 * time.Second}))
	c := srv.Client(fast...)
	reg := household(t, srv, c)
	w := newWire(t, srv)

	status, body := w.call(http.MethodPut, locationPath(reg)+"/nodes/POD1/reboot", map[string]any{"delay": 5})
	require.Equal(t, http.StatusNoContent, status, "body: %s", body)
	for _, step := range []struct {
		advance time.Duration
		state   string
	}{{4 * time.Second, "connected"}, {time.Second, "disconnected"}, {19 * time.Second, "disconnected"}, {time.Second, "connected"}} {
		clock.Advance(step.advance)
		node, err := c.Nodes.Get(t.Context(), reg.ID, reg.LocationID, "POD1")
		require.NoError(t, err)
		assert.Equal(t, step.state, node.ConnectionState, "at %s", clock.Now().Sub(start))
		view, _ := srv.Node("POD1")
		assert.Equal(t, step.state, view.ConnectionState)
	}
	view, _ := srv.Node("POD1")
	assert.Equal(t, 1, view.Reboots)
	assert.Equal(t, start.Add(5*time.Second), view.RebootAt)
	assert.Equal(t, start.Add(25*time.Second), view.ConnectionStateChangeAt)
}

func TestFirmwareHooks(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
	c := srv.Client(fast...)
	reg := household(t, srv, c)
	w := newWire(t, srv)
	assert.Equal(t, plumetest.DefaultFirmwareTarget, srv.FirmwareTarget())
	gw, _ := srv.Node("GW1")
	assert.Equal(t, plumetest.DefaultFirmwareVersion, gw.FirmwareVersion)
	assert.Equal(t, "idle", gw.FirmwareStatus)

	srv.SetFirmware("POD1", "2.0.0")
	srv.SetFirmwareTarget("2.0.0")
	status, body := w.call(http.MethodPut, locationPath(reg)+"/firmware", nil)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	gw, _ = srv.Node("GW1")
	pod, _ := srv.Node("POD1")
	assert.Equal(t, "requested", gw.FirmwareStatus)
	assert.Equal(t, "upToDate", pod.FirmwareStatus)

	clock.Advance(10 * time.Second) // FirmwareQueue
	gw, _ = srv.Node("GW1")
	assert.Equal(t, "upgrading", gw.FirmwareStatus)
	assert.Equal(t, "disconnected", gw.ConnectionState)
	clock.Advance(120 * time.Second) // FirmwareUpgrade
	node, err := c.Nodes.Get(t.Context(), reg.ID, reg.LocationID, "GW1")
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", node.FirmwareVersion)
	assert.Equal(t, "connected", node.ConnectionState)
	gw, _ = srv.Node("GW1")
	assert.Equal(t, "completed", gw.FirmwareStatus)
}

func TestDeviceHooks(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
	c := srv.Client(fast...)
	reg := household(t, srv, c)
	w := newWire(t, srv)

	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{
		MAC: "AA:BB:CC:DD:EE:01", Name: "laptop", IP: "192.168.1.40", NodeID: "POD1", FreqBand: "5G", Connected: true,
	})
	srv.AddDevice(reg.ID, reg.LocationID, plumetest.Device{
		MAC: "aa:bb:cc:dd:ee:02", Name: "printer", Medium: "ethernet", LastSeen: start.Add(-48 * time.Hour),
	})
	devices := srv.Devices(reg.ID, reg.LocationID)
	require.Len(t, devices, 2)
	assert.Equal(t, plumetest.DeviceView{
		MAC: "aa:bb:cc:dd:ee:01", Name: "laptop", IP: "192.168.1.40", NodeID: "POD1", Medium: "wifi", FreqBand: "5G",
		Connected: true, ConnectionStateChangeAt: start,
	}, devices[0])

	status, body := w.call(http.MethodGet, locationPath(reg)+"/devices?daysOffline=1", nil)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	var list struct {
		Devices struct {
			Devices []struct {
				MAC, Name, ConnectionState string
			}
		}
	}
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Devices.Devices, 1, "the printer is offline for 2 days")
	assert.Equal(t, "laptop", list.Devices.Devices[0].Name)

	clock.Advance(time.Minute)
	srv.SetDeviceConnected(reg.LocationID, "aa:bb:cc:dd:ee:01", false)
	laptop, ok := srv.Device(reg.LocationID, "aa:bb:cc:dd:ee:01")
	require.True(t, ok)
	assert.False(t, laptop.Connected)
	assert.Equal(t, start.Add(time.Minute), laptop.ConnectionStateChangeAt)

	status, _ = w.call(http.MethodPut, locationPath(reg)+"/devices/aa:bb:cc:dd:ee:02/forcedSteer",
		map[string]any{"expiresAt": clock.Now().Add(10 * time.Minute).Format(time.RFC3339)})
	assert.Equal(t, http.StatusNoContent, status)
	printer, _ := srv.Device(reg.LocationID, "aa:bb:cc:dd:ee:02")
	assert.Equal(t, clock.Now().Add(10*time.Minute), printer.ForcedSteerUntil)
	status, _ = w.call(http.MethodDelete, locationPath(reg)+"/devices/aa:bb:cc:dd:ee:02", nil)
	assert.Equal(t, http.StatusNoContent, status)
	printer, _ = srv.Device(reg.LocationID, "aa:bb:cc:dd:ee:02")
	assert.True(t, printer.Hidden)
	assert.True(t, printer.ForcedSteerUntil.IsZero())
}

func TestSpeedTestHooks(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now), plumetest.WithTimings(plumetest.Timings{SpeedTest: time.Minute}))
	c := srv.Client(fast...)
	reg := household(t, srv, c)
	w := newWire(t, srv)

	srv.SetSpeedResult("POD1", 250, 25, 12.5)
	status, body := w.call(http.MethodPost, locationPath(reg)+"/nodes/POD1/speedTest", map[string]any{})
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	var started struct{ RequestID string }
	require.NoError(t, json.Unmarshal(body, &started))

	tests := srv.SpeedTests(reg.LocationID)
	require.Len(t, tests, 1)
	assert.Equal(t, started.RequestID, tests[0].RequestID)
	assert.Equal(t, "running", tests[0].Status)
	assert.Zero(t, tests[0].Download)
	clock.Advance(time.Minute)
	tests = srv.SpeedTests(reg.LocationID)
	assert.Equal(t, "completed", tests[0].Status)
	assert.Equal(t, []float64{250, 25, 12.5}, []float64{tests[0].Download, tests[0].Upload, tests[0].Latency})
	assert.Equal(t, start.Add(time.Minute), tests[0].EndedAt)
}

func TestSupportSeedingMistakesAreReported(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	srv := plumetest.NewServer(rec)
	srv.AddDevice("nope", "nope", plumetest.Device{MAC: "aa:bb:cc:dd:ee:ff"})
	srv.SetDeviceConnected("nope", "aa:bb:cc:dd:ee:ff", true)
	srv.SetSpeedResult("NOSUCH", 1, 1, 1)
	srv.SetFirmware("NOSUCH", "1.0.0")
	srv.SetFirmwareTarget("")
	assert.Nil(t, srv.Devices("nope", "nope"))
	assert.Nil(t, srv.SpeedTests("nope"))
	require.Len(t, rec.errors, 7)
	for _, e := range rec.errors {
		assert.True(t, strings.HasPrefix(e, "plumetest: "), e)
	}
	_, ok := srv.Device("nope", "aa:bb:cc:dd:ee:ff")
	assert.False(t, ok)
}

func TestManualClock(t *testing.T) {
	t.Parallel()
	clock := plumetest.NewManualClock(start)
	assert.Equal(t, start, clock.Now())
	clock.Advance(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), clock.Now())
	clock.Set(start)
	assert.Equal(t, start, clock.Now())
}
