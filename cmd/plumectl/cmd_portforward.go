package main

// plumectl portforward: this file has the parent command, what its subcommands share and the
// fake's demo reservation; cmd_portforward_list.go has list, cmd_portforward_add.go add (with
// the LAN-prefix wait and what the writes print), cmd_portforward_change.go update and delete.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// defaultLANPrefixWait is how long add and update wait, by default, for a gateway that has
// not reported its LAN prefix yet (the API's 412, as right after provisioning).
const defaultLANPrefixWait = 2 * time.Minute

// portForwardHelp is what every portforward command says about reservations and --fake.
const portForwardHelp = `A port forward sends a port of the location's public address to a client device, which
needs a DHCP reservation (a fixed IPv4 address on the LAN): "portforward add --ip IPv4"
reserves one first. The API refuses a reservation while the gateway has not reported its
LAN prefix, as right after provisioning (412): add waits for it, up to --wait-lan-prefix.
A MAC may be written in any common notation (aa:bb:cc:dd:ee:ff, AA-BB-…, aabb.ccdd.eeff).

` + addressHelp + `

In the fake the second device of each location (the MacBook Air, 02:5c:00:00:00:02 at the
demo subscriber's) has a DHCP reservation, 192.168.1.21 (macbook-air), with two port
forwards: 2222 to 22/tcp ("ssh") and 51820 to 51820/udp ("wireguard").`

// portForwardStatusHelp is the exit statuses of the portforward commands.
const portForwardStatusHelp = `The exit status is 1 when the location, the device's reservation or the port forward is
not found, or the gateway did not report its LAN prefix in time; 2 for a bad MAC, port,
protocol or IP (nothing is sent), and for a value the API refuses (an external port
already forwarded, an IP outside the LAN or another device's).`

func (a *app) newPortForwardCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "portforward",
		Short: "List, add, update or delete the port forwards of a location's devices",
		Long: `portforward lists the DHCP reservations of a location and their port forwards, and adds,
updates or deletes a device's port forward (the SDK's Network service).

` + portForwardHelp,
		Example: `  plumectl portforward list --service-id svc-000001
  plumectl portforward add --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --ip 192.168.1.50 --external 8080 --internal 80
  plumectl portforward update --serial GW-0001 --mac aa:bb:cc:dd:ee:ff --external 8080 --protocol both
  plumectl portforward delete --serial GW-0001 --mac aa:bb:cc:dd:ee:ff --external 8080

  # Try it against the built-in fake's demo subscriber
  plumectl portforward list --service-id svc-demo-0001 --fake`,
		GroupID:           groupSingle,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	cmd.AddCommand(a.newPortForwardListCmd(), a.newPortForwardAddCmd(), a.newPortForwardUpdateCmd(), a.newPortForwardDeleteCmd())
	return cmd
}

// pfCommon is what every portforward command takes: --output, --fake, --csv, the location
// and the device.
type pfCommon struct {
	f     singleFlags
	where addressFlags
	mac   string
}

func (p *pfCommon) add(cmd *cobra.Command, macUsage string) {
	addSingleFlags(cmd, &p.f, true)
	p.where.add(cmd)
	cmd.Flags().StringVar(&p.mac, "mac", "", macUsage)
}

// check checks the flags of every command, and the MAC when required or given, which it
// rewrites in lowercase colon form.
func (p *pfCommon) check(cmd *cobra.Command, macRequired bool) error {
	if err := checkAt(cmd, &p.f, &p.where); err != nil {
		return err
	}
	if p.mac == "" && !macRequired {
		return nil
	}
	if p.mac == "" {
		return usageErrorf(cmd, "--mac MAC is required")
	}
	mac, err := checkMAC(p.mac)
	if err != nil {
		return usageErrorf(cmd, "--mac %v", err)
	}
	p.mac = mac
	return nil
}

// checkMAC checks a MAC as the SDK does before sending and returns it in lowercase colon
// form; the error is the SDK's reason.
func checkMAC(mac string) (string, error) {
	if err := (plume.DHCPReservation{MAC: mac, IP: "192.0.2.1"}).Validate(); err != nil {
		return "", reasonOf(err)
	}
	return colonMAC(strings.TrimSpace(mac)), nil
}

// reasonOf is the reason of an SDK *ValidationError without its "plume: invalid FIELD: ", or
// err itself.
func reasonOf(err error) error {
	var invalid *plume.ValidationError
	if errors.As(err, &invalid) {
		return errors.New(invalid.Reason)
	}
	return err
}

// pfFail is place.fail for the network calls: a value the API refuses (422) is a bad command
// line, status 2.
func pfFail(cmd *cobra.Command, at place, err error, notFound string) error {
	if errors.Is(err, plume.ErrValidation) {
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: the API refused it: %w", cmd.Name(), err)}
	}
	return at.fail(cmd, err, notFound)
}

// noReservation is the message of a device without a DHCP reservation.
func noReservation(mac string, at place) string {
	return fmt.Sprintf("device %s has no DHCP reservation at %s", mac, at)
}

// forwardFlags are the port forward of add, update and delete.
type forwardFlags struct {
	external, internal int
	protocol, name     string
}

// add adds the flags of the port forward; what is --external alone for delete, and the
// flags change what is given for update.
func (ff *forwardFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().IntVar(&ff.external, "external", 0, "the external `PORT` (1 to 65535), on the location's public address")
	if what == "delete" {
		return
	}
	if what == "update" {
		cmd.Flags().IntVar(&ff.internal, "internal", 0, "the device's new `PORT` (1 to 65535); not given: kept")
		cmd.Flags().StringVar(&ff.protocol, "protocol", "", "the new `protocol`: tcp, udp or both; not given: kept")
		cmd.Flags().StringVar(&ff.name, "name", "", "the new `name`; not given: kept")
	} else {
		cmd.Flags().IntVar(&ff.internal, "internal", 0, "the device's `PORT` (1 to 65535) it goes to; not given: the external port")
		cmd.Flags().StringVar(&ff.protocol, "protocol", plume.PortForwardTCP, "the `protocol`: tcp, udp or both")
		cmd.Flags().StringVar(&ff.name, "name", "", "a `name` for the port forward")
	}
	completeFlagWith(cmd, "protocol", plume.PortForwardTCP, plume.PortForwardUDP, plume.PortForwardBoth)
}

// check checks the ports and the protocol as the SDK does before sending.
func (ff *forwardFlags) check(cmd *cobra.Command) error {
	if !cmd.Flags().Changed("external") {
		return usageErrorf(cmd, "--external PORT is required")
	}
	if err := checkPortFlag(cmd, "external", ff.external); err != nil {
		return err
	}
	if cmd.Flags().Lookup("internal") == nil {
		return nil
	}
	if cmd.Flags().Changed("internal") {
		if err := checkPortFlag(cmd, "internal", ff.internal); err != nil {
			return err
		}
	}
	if cmd.Flags().Changed("protocol") || ff.protocol != "" {
		switch ff.protocol {
		case plume.PortForwardTCP, plume.PortForwardUDP, plume.PortForwardBoth:
		default:
			return usageErrorf(cmd, "--protocol must be tcp, udp or both, not %q", ff.protocol)
		}
	}
	return nil
}

func checkPortFlag(cmd *cobra.Command, name string, port int) error {
	if port < 1 || port > 65535 {
		return usageErrorf(cmd, "--%s must be a port, 1 to 65535, not %d", name, port)
	}
	return nil
}

// The fake's demo reservation: the second device of each location (MacBook Air) and its port
// forwards.
const (
	demoReservationDevice = "MacBook Air"
	demoReservationHost   = "macbook-air"
)

var demoForwards = []plume.PortForward{
	{ExternalPort: 2222, InternalPort: 22, Protocol: plume.PortForwardTCP, Name: "ssh"},
	{ExternalPort: 51820, InternalPort: 51820, Protocol: plume.PortForwardUDP, Name: "wireguard"},
}

// seedPortForwards gives the demo device of each location of the fake a DHCP reservation,
// its current address, with the demo port forwards; not where the LAN prefix is unknown.
func seedPortForwards(ctx context.Context, srv *plumetest.Server) error {
	client := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	for _, l := range srv.Locations() {
		if l.Archived {
			continue
		}
		for _, d := range srv.Devices(l.CustomerID, l.ID) {
			if d.Name != demoReservationDevice || d.IP == "" {
				continue
			}
			r := plume.DHCPReservation{MAC: d.MAC, IP: d.IP, Hostname: demoReservationHost}
			_, err := client.Network.SetDHCPReservation(ctx, l.CustomerID, l.ID, r)
			if errors.Is(err, plume.ErrLANPrefixUnknown) {
				continue // no gateway online there (a --csv row without one)
			}
			if err != nil {
				return fmt.Errorf("seeding the fake's port forwards: %w", err)
			}
			for _, pf := range demoForwards {
				if _, err := client.Network.AddPortForward(ctx, l.CustomerID, l.ID, d.MAC, pf); err != nil {
					return fmt.Errorf("seeding the fake's port forwards: %w", err)
				}
			}
		}
	}
	return nil
}
