package plume_test

// locations_admin_integration_test.go: location administration against the fake cloud over a
// real loopback socket (plumetest): monitor mode refusing claims, the pod quota, the audit
// trails of the writes, and a factory reset clearing what its flags name and nothing else. The
// site is homepass_integration_test.go's i18Site.
//
// Not here: exact requests, documented shapes and statuses (locations_admin_test.go,
// httpmock); the fake's own routes (internal/fakecloud).

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
)

func TestMonitorModeAndPodQuotaAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180301")
	ctx := t.Context()
	s.srv.AddInventory("POD180301", "POD180302")

	require.NoError(t, s.c.Locations.SetMonitorMode(ctx, s.customerID, s.locationID, true))
	view, _ := s.srv.Location(s.locationID)
	assert.True(t, view.MonitorMode)
	_, err := s.c.Nodes.Claim(ctx, s.customerID, s.locationID, plume.ClaimRequest{SerialNumber: "POD180301"})
	assert.ErrorIs(t, err, plume.ErrClaimRejected, "claims refused in monitor mode")
	require.NoError(t, s.c.Locations.SetMonitorMode(ctx, s.customerID, s.locationID, false))
	loc, err := s.c.Locations.Get(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.False(t, loc.MonitorMode)

	q, err := s.c.Locations.PodQuota(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Equal(t, 32, q.NumPodsAuthorized, "the fake's quota at creation")
	q, err = s.c.Locations.SetPodQuota(ctx, s.customerID, s.locationID, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, q.NumPodsAuthorized)
	assert.False(t, q.UpdatedAt.IsZero())
	_, err = s.c.Nodes.Claim(ctx, s.customerID, s.locationID, plume.ClaimRequest{SerialNumber: "POD180301"})
	require.NoError(t, err)
	_, err = s.c.Nodes.Claim(ctx, s.customerID, s.locationID, plume.ClaimRequest{SerialNumber: "POD180302"})
	assert.ErrorIs(t, err, plume.ErrClaimRejected, "past the quota")
	q, err = s.c.Locations.PodQuota(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Equal(t, 1, q.NumPodsAuthorized)
}

func TestAuditTrailsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180302")
	ctx := t.Context()
	require.NoError(t, s.c.Locations.SetMonitorMode(ctx, s.customerID, s.locationID, false))

	var entries []struct {
		Method string `json:"method"`
		Path   string `json:"path"`
		Status int    `json:"status"`
	}
	raw, err := s.c.Locations.AuditTrail(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &entries), "kept as the API sent it")
	require.NotEmpty(t, entries)
	assert.Equal(t, "PUT", entries[0].Method, "newest first")
	assert.Contains(t, entries[0].Path, "/monitorMode")

	raw, err = s.c.Customers.AuditTrail(ctx, s.customerID)
	require.NoError(t, err)
	var all []json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &all))
	assert.GreaterOrEqual(t, len(all), len(entries), "the customer's trail holds the location's")
	_, err = s.c.Customers.AuditTrail(ctx, "000000000000000000000000")
	assert.Error(t, err)
}

func TestFactoryResetAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newI18Site(t, "180303")
	ctx := t.Context()
	_, err := s.c.Network.SetDHCPReservation(ctx, s.customerID, s.locationID, plume.DHCPReservation{MAC: sitePhone, IP: "192.168.1.57"})
	require.NoError(t, err)
	_, err = s.c.Persons.Create(ctx, s.customerID, s.locationID, plume.PersonRequest{Nickname: "Leo", ImageID: "PROFILE_MAN"})
	require.NoError(t, err)

	err = s.c.Locations.FactoryReset(ctx, s.customerID, s.locationID, plume.FactoryReset{})
	require.ErrorIs(t, err, plume.ErrInvalidInput, "a reset of nothing is refused")

	require.NoError(t, s.c.Locations.FactoryReset(ctx, s.customerID, s.locationID, plume.FactoryReset{Persons: true}))
	persons, err := s.c.Persons.List(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Empty(t, persons)
	list, err := s.c.Network.DHCPReservations(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Len(t, list, 1, "a flag sent false leaves its settings")
	_, err = s.c.WifiNetworks.Get(ctx, s.customerID, s.locationID)
	require.NoError(t, err)

	require.NoError(t, s.c.Locations.FactoryReset(ctx, s.customerID, s.locationID, plume.FactoryReset{WifiNetwork: true, NetworkConfiguration: true}))
	_, err = s.c.WifiNetworks.Get(ctx, s.customerID, s.locationID)
	assert.ErrorIs(t, err, plume.ErrNotFound, "the network went, with its keys")
	list, err = s.c.Network.DHCPReservations(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Empty(t, list)
	nodes, err := s.c.Nodes.List(ctx, s.customerID, s.locationID)
	require.NoError(t, err)
	assert.Len(t, nodes, 1, "the claimed nodes stay")

	assert.ErrorIs(t, s.c.Locations.FactoryReset(ctx, s.customerID, "000000000000000000000000", plume.FactoryReset{Devices: true}), plume.ErrNotFound)
}
