package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newPortForwardUpdateCmd() *cobra.Command {
	var (
		p                pfCommon
		ff               forwardFlags
		waitForLANPrefix time.Duration
	)
	cmd := &cobra.Command{
		Use:   "update (--customer ID --location ID | --serial SERIAL | --service-id ID) --mac MAC --external PORT [--internal PORT] [--protocol tcp|udp|both] [--name NAME]",
		Short: "Change a device's port forward",
		Long: `portforward update changes the port forward of the external port --external of the device
--mac: its internal port, protocol or name, as given; what is not given is kept. It reads the
device's port forwards (Network.PortForwards), so that a port forward that is not there is
reported, not created, then replaces it (Network.UpdatePortForward). To move a forward to
another device, delete it and add it.

A 412 (the gateway has not reported its LAN prefix) is waited out as by add, up to
--wait-lan-prefix.

` + portForwardHelp + `

` + portForwardStatusHelp,
		Example: `  plumectl portforward update --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --external 8080 --internal 8081
  plumectl portforward update --serial GW-0001 --mac aa:bb:cc:dd:ee:ff --external 8080 --protocol both --name web

  # Try it against the built-in fake's demo subscriber
  plumectl portforward update --service-id svc-demo-0001 --mac 02:5c:00:00:00:02 --external 2222 --internal 2022 --fake`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.check(cmd, true); err != nil {
				return err
			}
			if err := ff.check(cmd); err != nil {
				return err
			}
			changed := cmd.Flags().Changed
			if !changed("internal") && !changed("protocol") && !changed("name") {
				return usageErrorf(cmd, "give what to change: --internal PORT, --protocol tcp|udp|both or --name NAME")
			}
			if waitForLANPrefix < 0 {
				return usageErrorf(cmd, "--wait-lan-prefix must be 0 or more, not %s", waitForLANPrefix)
			}
			c, at, err := a.connectAt(cmd, &p.f, &p.where)
			if err != nil {
				return err
			}
			defer c.Close()
			ctx, network := cmd.Context(), c.client.Network
			forwards, err := network.PortForwards(ctx, at.CustomerID, at.LocationID, p.mac)
			if err != nil {
				return pfFail(cmd, at, err, noReservation(p.mac, at)+", so no port forward")
			}
			var pf *plume.PortForward
			for i := range forwards {
				if forwards[i].ExternalPort == ff.external {
					pf = &forwards[i]
				}
			}
			if pf == nil {
				return &statusError{status: exitFailed, err: fmt.Errorf("%s: device %s has no port forward on external port %d at %s (portforward add makes one)", cmd.Name(), p.mac, ff.external, at)}
			}
			previous := newForwardRow(*pf)
			out := forwardOutcome{place: at, Action: "updated", MAC: p.mac, Previous: &previous}
			next := plume.PortForward{ExternalPort: pf.ExternalPort, InternalPort: pf.InternalPort, Protocol: pf.Protocol, Name: pf.Name, NATLoopback: pf.NATLoopback}
			if changed("internal") {
				next.InternalPort = ff.internal
			}
			if changed("protocol") {
				next.Protocol = ff.protocol
			}
			if changed("name") {
				next.Name = ff.name
			}
			if err := next.Validate(); err != nil {
				return usageErrorf(cmd, "the port forward in place cannot be sent back as it is (%v): give --internal and --protocol", reasonOf(err))
			}
			w, cancel := a.newLANWait(cmd, c.client, at, waitForLANPrefix)
			defer cancel()
			var updated *plume.PortForward
			err = w.do(func(ctx context.Context) (err error) {
				updated, err = network.UpdatePortForward(ctx, at.CustomerID, at.LocationID, p.mac, next)
				return err
			})
			if err != nil {
				return pfFail(cmd, at, err, noReservation(p.mac, at))
			}
			out.PortForward = newForwardRow(*updated)
			out.WaitedSeconds = w.waitedSeconds()
			return a.show(p.f.output, out, out.text())
		},
	}
	p.add(cmd, "the client device's `MAC` address")
	ff.add(cmd, "update")
	addLANWaitFlag(cmd, &waitForLANPrefix)
	return cmd
}

func (a *app) newPortForwardDeleteCmd() *cobra.Command {
	var (
		p                 pfCommon
		ff                forwardFlags
		removeReservation bool
	)
	cmd := &cobra.Command{
		Use:   "delete (--customer ID --location ID | --serial SERIAL | --service-id ID) --mac MAC --external PORT [--remove-reservation]",
		Short: "Delete a device's port forward",
		Long: `portforward delete deletes the port forward of the external port --external of the device
--mac (Network.DeletePortForward). Like the other commands it does not ask for
confirmation.

--remove-reservation then deletes the device's DHCP reservation too, when no port forward is
left on it (Network.PortForwards, then Network.DeleteDHCPReservation); when some are, the
reservation is kept, and the output says so.

` + portForwardHelp + `

` + portForwardStatusHelp,
		Example: `  plumectl portforward delete --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --external 8080
  plumectl portforward delete --serial GW-0001 --mac aa:bb:cc:dd:ee:ff --external 8080 --remove-reservation --output json

  # Try it against the built-in fake's demo subscriber
  plumectl portforward delete --service-id svc-demo-0001 --mac 02:5c:00:00:00:02 --external 2222 --fake`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.check(cmd, true); err != nil {
				return err
			}
			if err := ff.check(cmd); err != nil {
				return err
			}
			c, at, err := a.connectAt(cmd, &p.f, &p.where)
			if err != nil {
				return err
			}
			defer c.Close()
			ctx, network := cmd.Context(), c.client.Network
			if err := network.DeletePortForward(ctx, at.CustomerID, at.LocationID, p.mac, ff.external); err != nil {
				return pfFail(cmd, at, err, fmt.Sprintf("device %s has no port forward on external port %d at %s", p.mac, ff.external, at))
			}
			out := forwardOutcome{place: at, Action: "deleted", MAC: p.mac, PortForward: forwardRow{ExternalPort: ff.external}}
			if removeReservation {
				left, err := network.PortForwards(ctx, at.CustomerID, at.LocationID, p.mac)
				if err != nil {
					return pfFail(cmd, at, err, noReservation(p.mac, at))
				}
				out.Reservation = &reservationChange{Action: "deleted"}
				if len(left) > 0 {
					out.Reservation = &reservationChange{Action: "kept", PortForwardsLeft: len(left)}
				} else if err := network.DeleteDHCPReservation(ctx, at.CustomerID, at.LocationID, p.mac); err != nil {
					return pfFail(cmd, at, err, noReservation(p.mac, at))
				}
			}
			return a.show(p.f.output, out, out.text())
		},
	}
	p.add(cmd, "the client device's `MAC` address")
	ff.add(cmd, "delete")
	cmd.Flags().BoolVar(&removeReservation, "remove-reservation", false, "then delete the device's DHCP reservation, when no port forward is left on it")
	return cmd
}
