package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newPortForwardListCmd() *cobra.Command {
	var p pfCommon
	cmd := &cobra.Command{
		Use:   "list (--customer ID --location ID | --serial SERIAL | --service-id ID) [--mac MAC]",
		Short: "List the DHCP reservations of a location and their port forwards",
		Long: `portforward list lists the DHCP reservations of a location and the port forwards of each: a
row per port forward (MAC, hostname, IP, external and internal port, protocol, name), a row
with "-" for a reservation without any. With --mac it lists that device's alone.

Without --mac it makes 1 call for the reservations (Network.DHCPReservations) and 1 more for
each reservation's port forwards (Network.PortForwards); with --mac, 2 calls
(Network.GetDHCPReservation, Network.PortForwards). Finding the location by --serial or
--service-id makes one call more. With --output json it prints an object with the
location's ids and the reservations, each with its port_forwards.

` + portForwardHelp + `

` + portForwardStatusHelp,
		Example: `  plumectl portforward list --service-id svc-000001
  plumectl portforward list --serial GW-0001 --mac aa:bb:cc:dd:ee:ff --output json

  # Try it against the built-in fake's demo subscriber
  plumectl portforward list --service-id svc-demo-0001 --fake`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.check(cmd, false); err != nil {
				return err
			}
			c, at, err := a.connectAt(cmd, &p.f, &p.where)
			if err != nil {
				return err
			}
			defer c.Close()
			list, err := listForwards(cmd, c.client, at, p.mac)
			if err != nil {
				return err
			}
			if p.f.output == outputJSON {
				return writeJSON(a.stdout, list)
			}
			return list.print(a.stdout)
		},
	}
	p.add(cmd, "list only the port forwards of this device's `MAC`")
	return cmd
}

// listForwards reads the reservations at the location (mac's alone when not "") and the port
// forwards of each.
func listForwards(cmd *cobra.Command, client *plume.Client, at place, mac string) (forwardList, error) {
	ctx := cmd.Context()
	network := client.Network
	var reservations []plume.DHCPReservation
	if mac != "" {
		r, err := network.GetDHCPReservation(ctx, at.CustomerID, at.LocationID, mac)
		if err != nil {
			return forwardList{}, pfFail(cmd, at, err, noReservation(mac, at))
		}
		reservations = []plume.DHCPReservation{*r}
	} else {
		var err error
		if reservations, err = network.DHCPReservations(ctx, at.CustomerID, at.LocationID); err != nil {
			return forwardList{}, pfFail(cmd, at, err, fmt.Sprintf("no %s, or it has no DHCP reservations (the API answers 404 for either)", at))
		}
	}
	list := forwardList{place: at, Reservations: make([]reservationRow, 0, len(reservations))}
	for _, r := range reservations {
		forwards, err := network.PortForwards(ctx, at.CustomerID, at.LocationID, r.MAC)
		switch {
		case mac == "" && errors.Is(err, plume.ErrNotFound):
			continue // deleted since it was listed
		case err != nil:
			return forwardList{}, pfFail(cmd, at, err, noReservation(r.MAC, at))
		}
		row := reservationRow{MAC: colonMAC(r.MAC), Hostname: r.Hostname, IP: r.IP, PortForwards: make([]forwardRow, 0, len(forwards))}
		for _, pf := range forwards {
			row.PortForwards = append(row.PortForwards, newForwardRow(pf))
		}
		list.Reservations = append(list.Reservations, row)
	}
	return list, nil
}

// forwardList is what plumectl portforward list prints.
type forwardList struct {
	place
	Reservations []reservationRow `json:"reservations"`
}

// reservationRow is a DHCP reservation with its port forwards.
type reservationRow struct {
	MAC          string       `json:"mac"`
	Hostname     string       `json:"hostname,omitempty"`
	IP           string       `json:"ip"`
	PortForwards []forwardRow `json:"port_forwards"`
}

// forwardRow is a port forward as plumectl prints it.
type forwardRow struct {
	ExternalPort int    `json:"external_port"`
	InternalPort int    `json:"internal_port,omitempty"` // 0: the API answered none
	Protocol     string `json:"protocol,omitempty"`
	Name         string `json:"name,omitempty"`
	NATLoopback  string `json:"nat_loopback,omitempty"`
}

func newForwardRow(pf plume.PortForward) forwardRow {
	return forwardRow{ExternalPort: pf.ExternalPort, InternalPort: pf.InternalPort, Protocol: pf.Protocol, Name: pf.Name, NATLoopback: pf.NATLoopback}
}

// String is the port forward in a line: 8080 → 80/tcp "web".
func (r forwardRow) String() string {
	s := strconv.Itoa(r.ExternalPort)
	if r.InternalPort != 0 {
		s += " → " + strconv.Itoa(r.InternalPort)
	}
	if r.Protocol != "" {
		s += "/" + r.Protocol
	}
	if r.Name != "" {
		s += " " + strconv.Quote(r.Name)
	}
	return s
}

// print writes the list as a table.
func (l forwardList) print(w io.Writer) error {
	if len(l.Reservations) == 0 {
		_, err := fmt.Fprintf(w, "No DHCP reservations at %s\n", l.place)
		return err
	}
	forwards := 0
	for _, r := range l.Reservations {
		forwards += len(r.PortForwards)
	}
	fmt.Fprintf(w, "%s on %s at %s\n", plural(forwards, "port forward"), plural(len(l.Reservations), "DHCP reservation"), l.place)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MAC\tHOSTNAME\tIP\tEXTERNAL\tINTERNAL\tPROTOCOL\tNAME")
	for _, r := range l.Reservations {
		if len(r.PortForwards) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\t-\t-\n", r.MAC, dash(r.Hostname), dash(r.IP))
		}
		for _, pf := range r.PortForwards {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.MAC, dash(r.Hostname), dash(r.IP), pf.ExternalPort,
				dash(portText(pf.InternalPort)), dash(pf.Protocol), dash(pf.Name))
		}
	}
	return tw.Flush()
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// portText is a port, "" for 0.
func portText(port int) string {
	if port == 0 {
		return ""
	}
	return strconv.Itoa(port)
}
