package plume_test

// locations_support_integration_test.go: firmware, flash logging, task statuses and firmware
// modules against the fake cloud over a real loopback socket (plumetest), on the manual clock
// of supportSite (nodes_actions_integration_test.go): an upgrade moving requested → upgrading
// → completed as the clock moves, with the node offline while it upgrades.
//
// Not here: exact requests, documented shapes and statuses (locations_support_test.go,
// httpmock); the fake's own routes (internal/fakecloud).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// firmwareOf returns the firmware status of one node in fw.
func firmwareOf(t *testing.T, fw *plume.FirmwareStatus, nodeID string) plume.NodeFirmware {
	t.Helper()
	for _, n := range fw.Nodes {
		if n.NodeID == nodeID {
			return n
		}
	}
	t.Fatalf("no firmware status for %s in %s", nodeID, fw.Raw)
	return plume.NodeFirmware{}
}

func TestFirmwareUpgradeAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800301")
	ctx := t.Context()
	s.srv.SetFirmwareTarget("2.0.0")
	s.srv.SetFirmware(s.gw, "2.0.0")

	fw, err := s.c.Locations.FirmwareStatus(ctx, s.customerID, s.home)
	require.NoError(t, err)
	require.Len(t, fw.Nodes, 2)
	assert.Equal(t, "idle", firmwareOf(t, fw, s.pod).Status)
	assert.Equal(t, plumetest.DefaultFirmwareVersion, firmwareOf(t, fw, s.pod).FirmwareVersion)

	fw, err = s.c.Locations.RequestFirmwareUpgrade(ctx, s.customerID, s.home)
	require.NoError(t, err)
	pod := firmwareOf(t, fw, s.pod)
	assert.Equal(t, "requested", pod.Status)
	assert.Equal(t, "2.0.0", pod.TargetVersion)
	assert.Equal(t, s.start, pod.UpdatedAt)
	assert.Equal(t, "upToDate", firmwareOf(t, fw, s.gw).Status, "already on the target")
	assert.Contains(t, string(fw.Raw), `"targetVersion"`)

	s.clock.Advance(10 * time.Second)
	fw, err = s.c.Locations.FirmwareStatus(ctx, s.customerID, s.home)
	require.NoError(t, err)
	assert.Equal(t, "upgrading", firmwareOf(t, fw, s.pod).Status)
	assert.Equal(t, "disconnected", s.state(t, s.pod), "offline while it upgrades")
	assert.Equal(t, "connected", s.state(t, s.gw))

	again, err := s.c.Locations.RequestFirmwareUpgrade(ctx, s.customerID, s.home)
	require.NoError(t, err)
	assert.Equal(t, "upgrading", firmwareOf(t, again, s.pod).Status, "a request while one is in flight changes nothing")

	s.clock.Advance(120 * time.Second)
	fw, err = s.c.Locations.FirmwareStatus(ctx, s.customerID, s.home)
	require.NoError(t, err)
	pod = firmwareOf(t, fw, s.pod)
	assert.Equal(t, "completed", pod.Status)
	assert.Equal(t, "2.0.0", pod.FirmwareVersion)
	assert.Equal(t, s.start.Add(130*time.Second), pod.UpdatedAt)
	n, err := s.c.Nodes.Get(ctx, s.customerID, s.home, s.pod)
	require.NoError(t, err)
	assert.Equal(t, "connected", n.ConnectionState)
	assert.Equal(t, "2.0.0", n.FirmwareVersion)

	_, err = s.c.Locations.FirmwareStatus(ctx, s.customerID, "000000000000000000000000")
	assert.ErrorIs(t, err, plume.ErrNotFound)
	empty, err := s.c.Locations.FirmwareStatus(ctx, s.customerID, s.other)
	require.NoError(t, err)
	assert.Empty(t, empty.Nodes)
	assert.NotNil(t, empty.Nodes)
	assert.JSONEq(t, `[]`, string(empty.Raw))
}

func TestFirmwareUpgradeFailsOfflineAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800302")
	ctx := t.Context()
	s.srv.SetNodeOnline(s.pod, false)
	_, err := s.c.Locations.RequestFirmwareUpgrade(ctx, s.customerID, s.home)
	require.NoError(t, err)
	s.clock.Advance(10 * time.Second)
	fw, err := s.c.Locations.FirmwareStatus(ctx, s.customerID, s.home)
	require.NoError(t, err)
	assert.Equal(t, "failed", firmwareOf(t, fw, s.pod).Status)
	assert.Equal(t, "upgrading", firmwareOf(t, fw, s.gw).Status)
}

func TestLocationSupportSettingsAgainstTheFake(t *testing.T) {
	t.Parallel()
	s := newSupportSite(t, "800303")
	ctx := t.Context()

	for _, dest := range []plume.LogDestination{plume.LogDestinationFlash, plume.LogDestinationFlashRamoops, plume.LogDestinationRamoops, plume.LogDestinationOff, plume.LogDestinationDefault} {
		require.NoError(t, s.c.Locations.SetLogDestination(ctx, s.customerID, s.home, dest))
		loc, _ := s.srv.Location(s.home)
		assert.Equal(t, string(dest), loc.LogDestination)
	}
	require.NoError(t, s.c.Locations.SetLogDestination(ctx, s.customerID, s.home, ""))
	loc, _ := s.srv.Location(s.home)
	assert.Empty(t, loc.LogDestination, "restored to the default")
	assert.ErrorIs(t, s.c.Locations.SetLogDestination(ctx, s.customerID, "000000000000000000000000", plume.LogDestinationOff), plume.ErrNotFound)
	assert.ErrorIs(t, s.c.Locations.SetLogDestination(ctx, s.customerID, s.home, "NODE_LOGGING_DESTINATION_CLOUD"), plume.ErrInvalidInput)

	tasks, err := s.c.Locations.TaskStatuses(ctx, s.customerID, s.home)
	require.NoError(t, err)
	assert.Empty(t, tasks, "the fake answers 204")
	_, err = s.c.Locations.TaskStatuses(ctx, s.customerID, "000000000000000000000000")
	assert.ErrorIs(t, err, plume.ErrNotFound)

	modules, err := s.c.Locations.FirmwareModules(ctx, s.customerID, s.home)
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(modules))
}
