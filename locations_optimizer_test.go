package plume

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertFixtureOptimizer checks every typed field of testdata/optimizations.json.
func assertFixtureOptimizer(t *testing.T, s *OptimizerSettings) {
	t.Helper()
	assert.True(t, s.Auto)
	assert.True(t, s.Enable)
	assert.Equal(t, DFSModeHomeNonDFSChannels, s.DFSMode)
	assert.Equal(t, OptimizerEnable, s.Prefer160MHzMode)
	assert.Equal(t, OptimizerMode(""), s.ZeroWaitDFSMode)
	assert.Equal(t, HopPenaltyMedium, s.HopPenalty)
	assert.Equal(t, OptimizerDisable, s.PreCACScheduler)
	assert.Equal(t, &MaxBandwidth{Band24G: "CHANNEL_BANDWIDTH_AUTO", Band5G: "CHANNEL_BANDWIDTH_80MHZ", Band6G: "CHANNEL_BANDWIDTH_160MHZ"}, s.MaxBandwidth)
	assert.Equal(t, locTestTime(t, "2026-12-04T10:00:00.000Z"), s.UpdatedAt)
	assert.JSONEq(t, fixture(t, "optimizations.json"), string(s.Raw))
}

func TestLocationsSetOptimizerSettings(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(200, "optimizations.json")

	got, err := c.Locations.SetOptimizerSettings(t.Context(), locTestCustomer, locTestLocation, OptimizerSettings{
		Auto: true, Enable: false, DFSMode: DFSModeHomeNonDFSChannels, Prefer160MHzMode: OptimizerEnable,
		ZeroWaitDFSMode: OptimizerAuto, HopPenalty: HopPenaltyMedium, PreCACScheduler: OptimizerDisable,
		MaxBandwidth: &MaxBandwidth{Band5G: "CHANNEL_BANDWIDTH_80MHZ"},
		Raw:          []byte(`{"ignored":true}`),
	})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPatch, locTestPath+"/optimizations", "",
		`{"auto":true,"dfsMode":"HomeNonDFSChannels","prefer160MhzMode":"enable","zeroWaitDfsMode":"auto","hopPenalty":"medium","preCACScheduler":"disable","maxBandwidth":{"maxBandwidth5g":"CHANNEL_BANDWIDTH_80MHZ"}}`)
	assertFixtureOptimizer(t, got)
}

func TestLocationsSetOptimizerSettingsAlwaysSendsAuto(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"auto":"false","enable":false}`)
	got, err := c.Locations.SetOptimizerSettings(t.Context(), locTestCustomer, locTestLocation, OptimizerSettings{})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPatch, locTestPath+"/optimizations", "", `{"auto":false}`)
	assert.False(t, got.Auto, "a string($JSON) boolean")
}

func TestLocationsSetOptimizerSettingsErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.SetOptimizerSettings", locWithStatuses(
		statusCase{400, []error{ErrBadRequest}},
		statusCase{422, []error{ErrValidation}},
	), func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetOptimizerSettings(ctx, locTestCustomer, locTestLocation, OptimizerSettings{Auto: true})
		return err
	})
	for field, s := range map[string]OptimizerSettings{
		"DFSMode":          {DFSMode: "usdfs"},
		"Prefer160MHzMode": {Prefer160MHzMode: "on"},
		"ZeroWaitDFSMode":  {ZeroWaitDFSMode: "demo"},
		"HopPenalty":       {HopPenalty: "none"},
		"PreCACScheduler":  {PreCACScheduler: "Auto"},
	} {
		assertNoRequest(t, field, func(ctx context.Context, c *Client) error {
			_, err := c.Locations.SetOptimizerSettings(ctx, locTestCustomer, locTestLocation, s)
			return err
		})
	}
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.SetOptimizerSettings(ctx, locTestCustomer, "", OptimizerSettings{})
		return err
	})
}

func TestOptimizerSettingsValidate(t *testing.T) {
	t.Parallel()
	valid := OptimizerSettings{DFSMode: DFSModeDeviceAware, Prefer160MHzMode: OptimizerAuto, ZeroWaitDFSMode: OptimizerDisable, HopPenalty: HopPenaltyHigh, PreCACScheduler: OptimizerEnable}
	assert.NoError(t, valid.Validate())
	for _, m := range []DFSMode{DFSModeAuto, DFSModeEnable, DFSModeDisable, DFSModeDemo, DFSModeHomeNonDFSChannels, DFSModeUSDFS, DFSModeDeviceAware} {
		assert.NoError(t, OptimizerSettings{DFSMode: m}.Validate(), m)
	}
	for _, p := range []HopPenalty{HopPenaltyAuto, HopPenaltyLow, HopPenaltyMedium, HopPenaltyHigh} {
		assert.NoError(t, OptimizerSettings{HopPenalty: p}.Validate(), p)
	}
}

func TestLocationsOptimizerSettings(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `{"id":"`+locTestLocation+`","name":"Home","optimizations":`+fixture(t, "optimizations.json")+`}`)

	got, err := c.Locations.OptimizerSettings(t.Context(), locTestCustomer, locTestLocation)
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodGet, locTestPath, "", "")
	assertFixtureOptimizer(t, got)
}

func TestLocationsOptimizerSettingsMissing(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"id":"l1"}`, `{"id":"l1","optimizations":null}`, `{"id":"l1","optimizations":"auto"}`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Locations.OptimizerSettings(t.Context(), locTestCustomer, locTestLocation)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, body)
	}
	assertStatusErrors(t, "Locations.OptimizerSettings", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.OptimizerSettings(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error {
		_, err := c.Locations.OptimizerSettings(ctx, "", locTestLocation)
		return err
	})
}

func TestLocationsOptimize(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(200, `"6570a1b2c3d4e5f60718293b"`)
	require.NoError(t, c.Locations.Optimize(t.Context(), locTestCustomer, locTestLocation))
	assertRequest(t, m.only(), http.MethodPost, locTestPath+"/optimize", "", "")

	c, m = newMockClient(t)
	m.reply(204, ``)
	require.NoError(t, c.Locations.Optimize(t.Context(), locTestCustomer, locTestLocation), "the answer is not read")
}

func TestLocationsOptimizeNow(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`"6570a1b2c3d4e5f60718293b"`:          "6570a1b2c3d4e5f60718293b",
		`{"id":"6570a1b2c3d4e5f60718293b"}`:   "6570a1b2c3d4e5f60718293b",
		`{"requestId":"r-1"}`:                 "r-1",
		` "6570a1b2c3d4e5f60718293b" ` + "\n": "6570a1b2c3d4e5f60718293b",
	} {
		c, m := newMockClient(t)
		m.reply(200, body)
		id, err := c.Locations.OptimizeNow(t.Context(), locTestCustomer, locTestLocation)
		require.NoError(t, err, body)
		assert.Equal(t, want, id, body)
		assertRequest(t, m.only(), http.MethodPost, locTestPath+"/optimize", "", "")
	}
	for _, body := range []string{``, `""`, `{}`, `null`} {
		c, m := newMockClient(t)
		m.reply(200, body)
		_, err := c.Locations.OptimizeNow(t.Context(), locTestCustomer, locTestLocation)
		assert.ErrorIs(t, err, ErrUnexpectedResponse, body)
	}
	c, m := newMockClient(t)
	m.reply(200, `"unterminated`)
	_, err := c.Locations.OptimizeNow(t.Context(), locTestCustomer, locTestLocation)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Locations.OptimizeNow")
}

func TestLocationsOptimizeErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Locations.Optimize", locCommonStatuses, func(ctx context.Context, c *Client) error {
		return c.Locations.Optimize(ctx, locTestCustomer, locTestLocation)
	})
	assertStatusErrors(t, "Locations.OptimizeNow", locCommonStatuses, func(ctx context.Context, c *Client) error {
		_, err := c.Locations.OptimizeNow(ctx, locTestCustomer, locTestLocation)
		return err
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Locations.Optimize(ctx, locTestCustomer, "")
	})
}
