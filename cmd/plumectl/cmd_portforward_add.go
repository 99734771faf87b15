package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

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
			c, at, err := a.connectAt(cmd, &p.f, &p.where)
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
				return withNote(pfFail(cmd, at, err, noReservation(p.mac, at)), undoReservation(cmd, w, p.mac, out.Reservation))
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
		// The PUT replaces the reservation: a hostname not given is the current one, sent
		// again rather than left to the API.
		r.Hostname = cmp.Or(r.Hostname, current.Hostname)
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

// undoReservation puts the device's DHCP reservation back as it was before reserve made
// change (created: deleted again; changed: set back), after the port forward it was made for
// failed, and says what it did; "" when reserve wrote nothing. It runs to its end after a
// Ctrl-C, for at most undoTimeout.
func undoReservation(cmd *cobra.Command, w *lanWait, mac string, change *reservationChange) string {
	if change == nil || (change.Action != "created" && change.Action != "changed") {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), undoTimeout)
	defer cancel()
	at, network := w.at, w.client.Network
	made := hostAddress(change.IP, change.Hostname)
	if change.Action == "created" {
		if err := network.DeleteDHCPReservation(ctx, at.CustomerID, at.LocationID, mac); err != nil {
			return fmt.Sprintf("the DHCP reservation %s made for it stays: deleting it again failed: %v", made, err)
		}
		return fmt.Sprintf("the DHCP reservation %s made for it was deleted again", made)
	}
	before := plume.DHCPReservation{MAC: mac, IP: change.PreviousIP, Hostname: change.PreviousHostname}
	if _, err := network.SetDHCPReservation(ctx, at.CustomerID, at.LocationID, before); err != nil {
		return fmt.Sprintf("its DHCP reservation stays %s (was %s): setting it back failed: %v", made, hostAddress(before.IP, before.Hostname), err)
	}
	return fmt.Sprintf("its DHCP reservation was set back to %s", hostAddress(before.IP, before.Hostname))
}

// undoTimeout bounds undoReservation.
const undoTimeout = 30 * time.Second

// withNote adds note to err's message, keeping its exit status; err alone when note is "".
func withNote(err error, note string) error {
	if note == "" {
		return err
	}
	var se *statusError
	if errors.As(err, &se) && se.err != nil {
		return &statusError{status: se.status, err: fmt.Errorf("%w; %s", se.err, note)}
	}
	return fmt.Errorf("%w; %s", err, note)
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
