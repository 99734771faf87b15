// Package plumetest runs a stateful fake Plume Cloud on a loopback port, for testing code
// that uses plume-go without a partner account.
//
// The fake speaks the wire contract of the real cloud: the OAuth client-credentials token
// endpoint, and every API endpoint the SDK calls with its documented statuses, validations and
// side effects. Register creates the customer and its "Home" location; claims are checked in
// the cloud's order (unknown location or serial 404, owned elsewhere 409, already here 204,
// monitor mode or pod quota 422); deleting a location archives it and unclaims its nodes; the
// partner lookups only see the token's partner. Errors carry LoopBack bodies. A WAF answers an
// HTML 403 once its quota is spent, and an expired bearer gets 401.
//
// In a test:
//
//	func TestProvision(t *testing.T) {
//		srv := plumetest.NewServer(t) // closed by t.Cleanup
//		srv.AddGateways("GW-0001")
//		client := srv.Client()
//
//		if err := myapp.Provision(t.Context(), client, "crm-42", "GW-0001"); err != nil {
//			t.Fatal(err)
//		}
//		if node, _ := srv.Node("GW-0001"); node.LocationID == "" {
//			t.Error("the gateway was not claimed")
//		}
//	}
//
// Besides seeding (inventory, gateways, partners, monitor mode, pod quotas, online nodes,
// devices, firmware, speed results) a Server offers inspection of the stored customers,
// locations, nodes, devices and speed tests, request counts per
// route, the number of tokens fetched, and fault injection: make the next requests matching a
// method and path answer a status, stall, drop the connection or cut the body short, before
// or after the state changes.
//
// The support half of the API is there too (plume-support-api.md): client devices exist
// once seeded (AddDevice, SetDeviceConnected) and can be listed, renamed, hidden and steered;
// nodes reboot, blink, run speed tests (SetSpeedResult) and take firmware upgrades
// (SetFirmware, SetFirmwareTarget); GET /Customers/{id}/nodes/{id} finds a node anywhere.
// The topology, summary and force graph follow the nodes' and devices' states; alerts come
// from RaiseNodeAlert and can be snoozed. WiFi networks carry HomePass keys and access zones
// (Keys, AccessZones), key 0 being the PSK. DHCP reservations need the location's LAN prefix,
// which the cloud learns once a gateway claimed there is connected (WithDefaultLANPrefix,
// SetLANPrefix; DHCPReservations). Devices and persons (Persons) can be frozen forever,
// suspended or until a time, which lapses on the clock; shared schedules are seeded with
// AddSharedSchedule and SetSharedFreezeSchedules. Every successful write under a customer is
// in its audit trail (AuditTrail), and a factory reset clears what its flags name.
// Timed states run on the Server's one clock and no timer: a rebooted node is disconnected
// for Timings.Reboot, an upgrade waits Timings.FirmwareQueue then runs
// Timings.FirmwareUpgrade, a speed test runs Timings.SpeedTest (see WithTimings). With a
// ManualClock a test moves time itself and reads each new state at once:
//
//	clock := plumetest.NewManualClock(time.Now())
//	srv := plumetest.NewServer(t, plumetest.WithClock(clock.Now))
//	// ... reboot POD1 through the SDK ...
//	clock.Advance(time.Minute)
//	if node, _ := srv.Node("POD1"); node.ConnectionState != "connected" {
//		t.Error("POD1 did not come back")
//	}
//
// The client returned by Server.Client keeps the SDK's defaults, its client-side rate limit
// (6 requests per second) and retry waits included; pass options such as
// plume.WithRateLimit(math.Inf(1), 1) to make long tests faster.
package plumetest
