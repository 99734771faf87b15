package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
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
	if err := p.f.check(cmd); err != nil {
		return err
	}
	if err := p.where.check(cmd); err != nil {
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

// pfConnect connects as the support commands do and finds the location. With --fake the
// fake's locations are given their demo reservation first.
func (a *app) pfConnect(cmd *cobra.Command, p *pfCommon) (*conn, place, error) {
	ctx := cmd.Context()
	c, err := a.connectSupport(ctx, &p.f)
	if err != nil {
		return nil, place{}, err
	}
	if c.fake != nil {
		if err := seedPortForwards(ctx, c.fake); err != nil {
			c.Close()
			return nil, place{}, err
		}
	}
	at, err := p.where.resolve(ctx, cmd, c.client)
	if err != nil {
		c.Close()
		return nil, place{}, err
	}
	return c, at, nil
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
			c, at, err := a.pfConnect(cmd, &p)
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
			return forwardList{}, pfFail(cmd, at, err, fmt.Sprintf("no %s", at))
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

// lanWait runs the writes of one command through Network.WaitForLANPrefix: while a write
// fails with the 412 of a gateway that has not reported its LAN prefix, it is tried again
// after the SDK's pauses, which all end at limit from the start (none: a 412 fails at once).
// The writes themselves are not cut short by limit. A line on stderr shows the wait.
type lanWait struct {
	a        *app
	cmd      *cobra.Command
	client   *plume.Client
	at       place
	limit    time.Duration
	deadline context.Context // cmd's context, ended at limit: the pauses'
	started  time.Time
	waited   time.Duration
}

func (a *app) newLANWait(cmd *cobra.Command, client *plume.Client, at place, limit time.Duration) (*lanWait, context.CancelFunc) {
	w := &lanWait{a: a, cmd: cmd, client: client, at: at, limit: limit, deadline: cmd.Context(), started: time.Now()}
	cancel := func() {}
	if limit > 0 {
		w.deadline, cancel = context.WithTimeout(cmd.Context(), limit)
	}
	return w, cancel
}

// do runs write as said above. An error is the SDK's, or status 1 when the gateway did not
// report its prefix in time.
func (w *lanWait) do(write func(ctx context.Context) error) error {
	ctx := w.cmd.Context()
	if w.limit <= 0 {
		err := write(ctx)
		if errors.Is(err, plume.ErrLANPrefixUnknown) {
			return &statusError{status: exitFailed, err: fmt.Errorf("%s: the gateway of %s has not reported its LAN prefix yet, as right after provisioning (%w): try again later, or give --wait-lan-prefix DURATION", w.cmd.Name(), w.at, err)}
		}
		return err
	}
	var done func()
	var start time.Time
	err := w.client.Network.WaitForLANPrefix(w.deadline, func(context.Context) error {
		err := write(ctx)
		if errors.Is(err, plume.ErrLANPrefixUnknown) && done == nil {
			start = time.Now()
			left := max(w.limit-time.Since(w.started), 0)
			if left >= time.Second {
				left = left.Round(time.Second)
			} else {
				left = left.Round(time.Millisecond)
			}
			done = w.a.waitLine(fmt.Sprintf("The gateway has not reported its LAN prefix yet; waiting for it (up to %s)", left))
		}
		return err
	})
	if done == nil {
		return err
	}
	done()
	w.waited += time.Since(start)
	if ctx.Err() == nil && errors.Is(err, plume.ErrLANPrefixUnknown) {
		return &statusError{status: exitFailed, err: fmt.Errorf("%s: the gateway of %s did not report its LAN prefix within %s (--wait-lan-prefix): is it online? %w", w.cmd.Name(), w.at, w.limit, err)}
	}
	return err
}

// waitedSeconds is how long the writes waited for the LAN prefix, 0 when they did not.
func (w *lanWait) waitedSeconds() float64 {
	return w.waited.Round(100 * time.Millisecond).Seconds()
}

func (a *app) newPortForwardAddCmd() *cobra.Command {
	var (
		p                pfCommon
		ff               forwardFlags
		ip, hostname     string
		waitForLANPrefix time.Duration
	)
	cmd := &cobra.Command{
		Use:   "add (--customer ID --location ID | --serial SERIAL | --service-id ID) --mac MAC --external PORT [--internal PORT] [--protocol tcp|udp|both] [--name NAME] [--ip IPv4 [--hostname NAME]]",
		Short: "Add a port forward to a device, reserving its address first",
		Long: `portforward add forwards the external port --external of the location's public address to
the device --mac, on its port --internal (the same port when not given), for --protocol
tcp (the default), udp or both (Network.AddPortForward).

The device needs a DHCP reservation. With --ip it gets one first: the reservation of --ip
(and --hostname, when given) is created, or changed, or kept when it already matches
(Network.GetDHCPReservation, then Network.SetDHCPReservation unless it matches). Without
--ip, a device without a reservation is refused, and nothing is created.

While the gateway has not reported its LAN prefix (the API's 412, as right after
provisioning) the writes are tried again, as Network.WaitForLANPrefix does (after 2 s, then
doubling up to 30 s), for up to --wait-lan-prefix in all (0: not at all), with a line on
stderr meanwhile. Ports, protocol, MAC and IP are checked before anything is sent.

` + portForwardHelp + `

` + portForwardStatusHelp,
		Example: `  plumectl portforward add --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --ip 192.168.1.50 --hostname nas --external 8443 --internal 443 --name nas
  plumectl portforward add --serial GW-0001 --mac AA-BB-CC-DD-EE-FF --external 51820 --protocol udp --output json

  # Try it against the built-in fake's demo subscriber
  plumectl portforward add --service-id svc-demo-0001 --mac 02:5c:00:00:00:01 --ip 192.168.1.50 --external 8080 --internal 80 --fake`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.check(cmd, true); err != nil {
				return err
			}
			if err := ff.check(cmd); err != nil {
				return err
			}
			pf := plume.PortForward{ExternalPort: ff.external, InternalPort: ff.internal, Protocol: ff.protocol, Name: ff.name}
			if err := pf.Validate(); err != nil {
				return usageErrorf(cmd, "%v", err)
			}
			switch {
			case hostname != "" && ip == "":
				return usageErrorf(cmd, "--hostname goes with --ip")
			case ip != "":
				if err := (plume.DHCPReservation{MAC: p.mac, IP: ip}).Validate(); err != nil {
					return usageErrorf(cmd, "--ip %v", reasonOf(err))
				}
			}
			if waitForLANPrefix < 0 {
				return usageErrorf(cmd, "--wait-lan-prefix must be 0 or more, not %s", waitForLANPrefix)
			}
			c, at, err := a.pfConnect(cmd, &p)
			if err != nil {
				return err
			}
			defer c.Close()
			w, cancel := a.newLANWait(cmd, c.client, at, waitForLANPrefix)
			defer cancel()
			out := forwardOutcome{place: at, Action: "added", MAC: p.mac}
			if ip != "" {
				r, err := a.reserve(cmd, w, plume.DHCPReservation{MAC: p.mac, IP: ip, Hostname: hostname})
				if err != nil {
					return err
				}
				out.Reservation = r
			}
			var added *plume.PortForward
			err = w.do(func(ctx context.Context) (err error) {
				added, err = c.client.Network.AddPortForward(ctx, at.CustomerID, at.LocationID, p.mac, pf)
				return err
			})
			if err != nil {
				if ip == "" && errors.Is(err, plume.ErrValidation) && !hasReservation(cmd, c.client, at, p.mac) {
					return &statusError{status: exitFailed, err: fmt.Errorf("%s: %s: give --ip IPv4 to reserve an address for it first", cmd.Name(), noReservation(p.mac, at))}
				}
				return pfFail(cmd, at, err, noReservation(p.mac, at))
			}
			out.PortForward = newForwardRow(*added)
			out.WaitedSeconds = w.waitedSeconds()
			return a.show(p.f.output, out, out.text())
		},
	}
	p.add(cmd, "the client device's `MAC` address")
	ff.add(cmd, "add")
	cmd.Flags().StringVar(&ip, "ip", "", "reserve this `IPv4` address for the device first (kept when it already is)")
	cmd.Flags().StringVar(&hostname, "hostname", "", "with --ip: the reservation's host`name`")
	addLANWaitFlag(cmd, &waitForLANPrefix)
	return cmd
}

func addLANWaitFlag(cmd *cobra.Command, d *time.Duration) {
	cmd.Flags().DurationVar(d, "wait-lan-prefix", defaultLANPrefixWait, "wait up to `DURATION` for a gateway that has not reported its LAN prefix (0: do not wait)")
}

// hasReservation reports whether the device has a DHCP reservation; false when it cannot be
// read.
func hasReservation(cmd *cobra.Command, client *plume.Client, at place, mac string) bool {
	_, err := client.Network.GetDHCPReservation(cmd.Context(), at.CustomerID, at.LocationID, mac)
	return !errors.Is(err, plume.ErrNotFound)
}

// reserve makes the device's DHCP reservation r, unless it already is.
func (a *app) reserve(cmd *cobra.Command, w *lanWait, r plume.DHCPReservation) (*reservationChange, error) {
	ctx, at, network := cmd.Context(), w.at, w.client.Network
	change := &reservationChange{Action: "created"}
	current, err := network.GetDHCPReservation(ctx, at.CustomerID, at.LocationID, r.MAC)
	switch {
	case err == nil && current.IP == r.IP && (r.Hostname == "" || r.Hostname == current.Hostname):
		change.Action, change.Hostname, change.IP = "kept", current.Hostname, current.IP
		return change, nil
	case err == nil:
		change.Action, change.PreviousIP, change.PreviousHostname = "changed", current.IP, current.Hostname
	case !errors.Is(err, plume.ErrNotFound):
		return nil, pfFail(cmd, at, err, fmt.Sprintf("no %s", at))
	}
	var set *plume.DHCPReservation
	err = w.do(func(ctx context.Context) (err error) {
		set, err = network.SetDHCPReservation(ctx, at.CustomerID, at.LocationID, r)
		return err
	})
	if err != nil {
		return nil, pfFail(cmd, at, err, fmt.Sprintf("no %s", at))
	}
	change.Hostname, change.IP = set.Hostname, set.IP
	return change, nil
}

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
			c, at, err := a.pfConnect(cmd, &p)
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
			c, at, err := a.pfConnect(cmd, &p)
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

// forwardOutcome is what plumectl portforward add, update and delete print.
type forwardOutcome struct {
	place
	Action        string             `json:"action"` // added, updated or deleted
	MAC           string             `json:"mac"`
	Reservation   *reservationChange `json:"reservation,omitempty"` // add --ip, delete --remove-reservation
	PortForward   forwardRow         `json:"port_forward"`          // delete: its external_port
	Previous      *forwardRow        `json:"previous,omitempty"`    // update: before
	WaitedSeconds float64            `json:"waited_seconds,omitempty"`
}

// reservationChange is what add --ip or delete --remove-reservation did to the device's
// DHCP reservation.
type reservationChange struct {
	Action           string `json:"action"` // created, changed, kept or deleted
	Hostname         string `json:"hostname,omitempty"`
	IP               string `json:"ip,omitempty"`
	PreviousIP       string `json:"previous_ip,omitempty"`        // changed: before
	PreviousHostname string `json:"previous_hostname,omitempty"`  // changed: before
	PortForwardsLeft int    `json:"port_forwards_left,omitempty"` // delete: kept for them
}

func (o forwardOutcome) text() string {
	var b strings.Builder
	device := fmt.Sprintf("Device %s at %s: ", o.MAC, o.place)
	if r := o.Reservation; r != nil && o.Action == "added" {
		b.WriteString(device + "DHCP reservation " + hostAddress(r.IP, r.Hostname))
		switch r.Action {
		case "kept":
			b.WriteString(" already in place")
		case "changed":
			b.WriteString(" set, was " + hostAddress(r.PreviousIP, r.PreviousHostname))
		default:
			b.WriteString(" " + r.Action)
		}
		b.WriteString("\n")
	}
	b.WriteString(device + "port forward " + o.PortForward.String() + " " + o.Action)
	if o.Previous != nil {
		b.WriteString(", was " + o.Previous.String())
	}
	if o.WaitedSeconds > 0 {
		fmt.Fprintf(&b, " (after waiting %.1fs for the LAN prefix)", o.WaitedSeconds)
	}
	if r := o.Reservation; r != nil && o.Action == "deleted" {
		if r.Action == "kept" {
			fmt.Fprintf(&b, "\n%sDHCP reservation kept: %s left on it", device, plural(r.PortForwardsLeft, "port forward"))
		} else {
			b.WriteString("\n" + device + "DHCP reservation deleted")
		}
	}
	return b.String()
}

// hostAddress is "192.168.1.50 (pixel)", or the address alone without a hostname.
func hostAddress(ip, hostname string) string {
	if hostname == "" {
		return ip
	}
	return ip + " (" + hostname + ")"
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
