package plume

// network_fuzz_test.go: the fuzz target of the network answers (network.go,
// network_portforward.go): reservations and port forwards (an object or a list) and leases
// (any JSON). Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeNetwork decodes the input as every network answer.
func FuzzDecodeNetwork(f *testing.F) {
	addFixtureSeeds(f, "dhcp_reservation.json", "dhcp_reservations.json", "dhcp_leases.json", "dhcp_leases_bare.json", "portforward.json", "portforwards.json")
	addJSONSeeds(f,
		`{"mac":"3C:22:FB:4A:91:0E","ip":"192.168.12.57"}`, `[{"mac":"bad"}]`, `{"leases":[{"ip":1,"ipAddress":"x"}]}`,
		`{"dhcpLeases":[{}],"leases":"x"}`, `[{"externalPort":"8443","internalPort":1e400}]`, `{"externalPort":-1}`,
		`[{"externalPort":{}}]`, `{"leases":[`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)
		for _, one := range []bool{false, true} {
			r, ok := checkDecoder(t, data, func(b json.RawMessage) (reservationList, error) {
				l := reservationList{mac: devTestMAC, one: one}
				err := l.decodeBody(b)
				return l, err
			}, func(l reservationList) []json.RawMessage {
				out := []json.RawMessage{}
				for _, x := range l.list {
					out = append(out, x.Raw)
				}
				return out
			})
			if ok && !valid {
				t.Fatalf("reservations accepted invalid JSON %q", data)
			}
			if ok && one && r.found != nil && r.missing() != "" {
				t.Fatalf("found a reservation yet missing %q", r.missing())
			}
			p, ok := checkDecoder(t, data, func(b json.RawMessage) (portForwardList, error) {
				l := portForwardList{port: 8443, one: one}
				err := l.decodeBody(b)
				return l, err
			}, func(l portForwardList) []json.RawMessage {
				out := []json.RawMessage{}
				for _, x := range l.list {
					out = append(out, x.Raw)
				}
				return out
			})
			if ok && !valid {
				t.Fatalf("port forwards accepted invalid JSON %q", data)
			}
			if ok && one && p.found != nil && p.found.ExternalPort != 0 && p.found.ExternalPort != 8443 {
				t.Fatalf("found port %d for 8443", p.found.ExternalPort)
			}
		}
		leases, ok := checkDecoder(t, data, decodeLeases, func(l []DHCPLease) []json.RawMessage {
			out := []json.RawMessage{}
			for _, x := range l {
				out = append(out, x.Raw)
			}
			return out
		})
		if ok != valid {
			t.Fatalf("leases of %q: decoded %v, valid JSON %v", data, ok, valid)
		}
		if ok && leases == nil {
			t.Fatal("decodeLeases returned nil without an error")
		}
	})
}
