package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newRebootCmd() *cobra.Command {
	var (
		f     singleFlags
		where addressFlags
		node  string
		delay int
		wait  bool
	)
	cmd := &cobra.Command{
		Use:   "reboot (--customer ID --location ID | --serial SERIAL | --service-id ID) [--node ID] [--delay N] [--wait]",
		Short: "Reboot a node, or every node of a location",
		Long: `reboot reboots one node (Nodes.Reboot): the one --node names, else, with --serial, the node
of that serial. Given neither, it reboots every node of the location (Locations.Reboot).
--delay N postpones the reboot by N, 0 to 100000; Plume documents no unit (the fake reads
seconds). The API reboots only a node that is online.

--wait waits until the node is back (Client.RebootAndWait): it polls the node, inside the
rate budget and backing off (after 2, 4, 8, 16 s, then every 30 s), until it has seen it go
down and come back connected, and shows a progress line on stderr meanwhile. It waits for
one node, so it needs --node or --serial.

` + addressHelp + `

The exit status is 1 when the location or the node is not found, 130 when interrupted
while waiting.`,
		Example: `  plumectl reboot --serial POD-0001a --wait
  plumectl reboot --service-id svc-000001 --node GW-0001 --delay 60
  plumectl reboot --service-id svc-000001 --output json   # every node of the location

  # Try it against the built-in fake's demo subscriber (its node is back in about 6 s)
  plumectl reboot --service-id svc-demo-0001 --node POD-DEMO-0001 --wait --fake`,
		GroupID:           groupSingle,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			opts := &plume.RebootOptions{Delay: delay}
			if err := opts.Validate(); err != nil {
				return usageErrorf(cmd, "--delay must be 0 to %d, not %d", plume.MaxRebootDelay, delay)
			}
			if wait && node == "" && where.serial == "" {
				return usageErrorf(cmd, "--wait waits for one node: give --node ID or --serial SERIAL (a whole location's reboot is not waited for)")
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			out := rebootOutcome{place: at, NodeID: nodeOrDefault(node, at), Delay: delay}
			notFound := fmt.Sprintf("no node %s at %s", out.NodeID, at)
			switch {
			case out.NodeID == "":
				out.Scope = "location"
				if err := c.client.Locations.Reboot(ctx, at.CustomerID, at.LocationID, opts); err != nil {
					return at.fail(cmd, err, fmt.Sprintf("no %s", at))
				}
			case !wait:
				out.Scope = "node"
				if err := c.client.Nodes.Reboot(ctx, at.CustomerID, at.LocationID, out.NodeID, opts); err != nil {
					return at.fail(cmd, err, notFound)
				}
			default:
				out.Scope, out.Waited = "node", true
				start := time.Now()
				done := a.waitLine(fmt.Sprintf("Rebooting node %s; waiting for it to come back", out.NodeID))
				n, err := c.client.RebootAndWait(ctx, at.CustomerID, at.LocationID, out.NodeID, opts)
				done()
				out.WaitedSeconds = time.Since(start).Round(100 * time.Millisecond).Seconds()
				if err != nil {
					return at.fail(cmd, err, notFound)
				}
				out.ConnectionState, out.StateSince = n.ConnectionState, rfc3339(n.ConnectionStateChangeAt)
			}
			return a.show(f.output, out, out.text())
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	cmd.Flags().StringVar(&node, "node", "", "the node `ID` (its serial) to reboot; none: every node of the location")
	cmd.Flags().IntVar(&delay, "delay", 0, "postpone the reboot by `N` (0 to 100000; no unit documented, the fake reads seconds)")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the node is connected again, with a progress line on stderr")
	return cmd
}

// rebootOutcome is what plumectl reboot prints.
type rebootOutcome struct {
	place
	Scope           string  `json:"scope"` // node or location
	NodeID          string  `json:"node_id,omitempty"`
	Delay           int     `json:"delay"`
	Waited          bool    `json:"waited"`
	WaitedSeconds   float64 `json:"waited_seconds,omitempty"`
	ConnectionState string  `json:"connection_state,omitempty"` // after --wait
	StateSince      string  `json:"state_since,omitempty"`
}

func (o rebootOutcome) text() string {
	delay := ""
	if o.Delay > 0 {
		delay = fmt.Sprintf(", delay %d", o.Delay)
	}
	switch {
	case o.Scope == "location":
		return fmt.Sprintf("Reboot of every node of %s requested%s", o.place, delay)
	case o.Waited:
		return fmt.Sprintf("Node %s at %s rebooted and back: %s after %.1fs", o.NodeID, o.place, o.ConnectionState, o.WaitedSeconds)
	}
	return fmt.Sprintf("Reboot of node %s at %s requested%s", o.NodeID, o.place, delay)
}
