package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

func (a *app) newStatusCmd() *cobra.Command {
	var f singleFlags
	cmd := &cobra.Command{
		Use:   "status (SERVICE_ID | SERIAL | CUSTOMER_ID/LOCATION_ID)",
		Short: "Report the health of one location: problems first, then its mesh",
		Long: `status reads the health of one location (Client.Health: the location, its summary, its
alerts and its dashboard, 4 API calls) and prints what needs attention first, in plain
words: an extender offline and since when, open alerts, a slow or failed speed test, a
suspended service. Then it draws the mesh as a tree, the gateway first and each extender
under the node it connects through (the topology's leafToRoot), with its connection state,
backhaul, connected devices and firmware; then the service level, the open alerts and the
last speed test.

The location is given by CUSTOMER_ID/LOCATION_ID, or by a service id, or by the serial of a
node claimed there: a service id is looked up first (Locations.FindByServiceID), then, when no
location carries it, a serial (Nodes.Lookup): one call more each. The state is online (the
gateway connected, no problem), degraded (the gateway connected, some problem) or offline (the
gateway not connected). --output json prints the state, the problems, the mesh as a tree and
the SDK's whole report.

With --fake it runs against a built-in fake Plume Cloud holding a demo fleet: svc-demo-0001
(an extender offline), svc-demo-0002 (online), svc-demo-0003 (offline) and svc-demo-0004 (a
slow line), each with client devices and a speed test.

The exit status is 0 when the report was made, whatever it says; 1 when the location is not
found.`,
		Example: `  plumectl status svc-000001
  plumectl status GW-0001 --output json
  plumectl status 6418c49c…/6418c49d…

  # Try it against the built-in fake's demo fleet
  plumectl status svc-demo-0001 --fake`,
		GroupID:           groupSingle,
		ValidArgsFunction: cobra.NoFileCompletions,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf(cmd, "give one location: SERVICE_ID, SERIAL or CUSTOMER_ID/LOCATION_ID")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(cmd); err != nil {
				return err
			}
			at, byIDs, err := parseLocationArg(cmd, args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := a.connectHealth(ctx, healthConnOptions{fake: f.fake, rate: plume.DefaultRateLimit, workers: 1})
			if err != nil {
				return err
			}
			defer c.Close()
			rep, err := healthOf(ctx, cmd, c.client, args[0], at, byIDs)
			if err != nil {
				return err
			}
			v := newStatusView(rep)
			if f.output == outputJSON {
				return writeJSON(a.stdout, v)
			}
			return v.print(a.stdout)
		},
	}
	addSingleFlags(cmd, &f, false)
	return cmd
}

// parseLocationArg reads CUSTOMER_ID/LOCATION_ID; any other argument is a service id or a serial.
func parseLocationArg(cmd *cobra.Command, arg string) (p place, byIDs bool, err error) {
	arg = strings.TrimSpace(arg)
	customer, location, ok := strings.Cut(arg, "/")
	switch {
	case arg == "":
		return p, false, usageErrorf(cmd, "the location must not be empty")
	case !ok:
		return p, false, nil
	case customer == "" || location == "" || strings.Contains(location, "/"):
		return p, false, usageErrorf(cmd, "%q: give CUSTOMER_ID/LOCATION_ID, a service id or a serial", arg)
	}
	return place{CustomerID: customer, LocationID: location, byIDs: true}, true, nil
}

// healthOf makes the report: by ids, else by service id, else by serial.
func healthOf(ctx context.Context, cmd *cobra.Command, client *plume.Client, arg string, at place, byIDs bool) (*plume.HealthReport, error) {
	if byIDs {
		rep, err := client.Health(ctx, at.CustomerID, at.LocationID)
		if err != nil {
			return nil, at.fail(cmd, err, fmt.Sprintf("no %s", at))
		}
		return rep, nil
	}
	rep, err := client.HealthByServiceID(ctx, arg)
	if errors.Is(err, plume.ErrNotFound) {
		rep, err = client.HealthBySerial(ctx, arg)
	}
	if err != nil {
		return nil, sdkError(cmd, err, fmt.Sprintf("no location has service id %q, and no node of serial %q is claimed at one", arg, arg))
	}
	return rep, nil
}

// statusView is what plumectl status prints.
type statusView struct {
	place
	State    batch.HealthState   `json:"state"`
	Problems []string            `json:"problems"`
	Mesh     []*meshNode         `json:"mesh"`
	Report   *plume.HealthReport `json:"report"`
}

func newStatusView(r *plume.HealthReport) statusView {
	return statusView{
		place: place{CustomerID: r.CustomerID, LocationID: r.LocationID},
		State: batch.ClassifyHealth(r), Problems: r.Problems, Mesh: buildMesh(r), Report: r,
	}
}

// print writes the report: the state, the problems, the mesh, then the rest.
func (v statusView) print(w io.Writer) error {
	r := v.Report
	online := 0
	for i := range r.Nodes {
		if r.Nodes[i].Connected() {
			online++
		}
	}
	gateway := "gateway offline"
	if r.GatewayOnline {
		gateway = "gateway online"
	}
	fmt.Fprintf(w, "%s: %s", cmp.Or(r.LocationName, "Location"), v.place)
	if r.ServiceID != "" {
		fmt.Fprintf(w, ", service id %s", r.ServiceID)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s: %s, %d of %d nodes online, %d devices connected\n\n",
		strings.ToUpper(string(v.State)), gateway, online, len(r.Nodes), r.ConnectedDevices)
	if len(v.Problems) == 0 {
		fmt.Fprintln(w, "No problems.")
	} else {
		fmt.Fprintf(w, "Problems (%d):\n", len(v.Problems))
		for _, p := range v.Problems {
			fmt.Fprintf(w, "  ! %s\n", p)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  (%s)\n", n)
	}
	if len(v.Mesh) > 0 {
		fmt.Fprintln(w, "\nMesh:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  NODE\tSTATE\tBACKHAUL\tDEVICES\tFIRMWARE")
		for _, m := range v.Mesh {
			m.print(tw, "  ", "  ", r.At)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Service level\t%s\n", dash(string(r.ServiceLevel)))
	fmt.Fprintf(tw, "Onboarding\t%s\n", dash(r.OnboardingStatus))
	fmt.Fprintf(tw, "Monitor mode\t%s\n", map[bool]string{true: "on", false: "off"}[r.MonitorMode])
	fmt.Fprintf(tw, "Open alerts\t%s\n", openAlerts(r.Alerts))
	fmt.Fprintf(tw, "Last speed test\t%s\n", speedTestLine(r.LastSpeedTest))
	if len(r.Missing) > 0 {
		fmt.Fprintf(tw, "Could not read\t%s (see the problems)\n", strings.Join(r.Missing, ", "))
	}
	fmt.Fprintf(tw, "Report time\t%s\n", dash(rfc3339(r.At)))
	return tw.Flush()
}

// openAlerts says which alerts are open: "none", or each node's or device's types.
func openAlerts(a *plume.Alerts) string {
	if a == nil {
		return "unknown"
	}
	var parts []string
	for _, group := range []struct {
		what    string
		entries []plume.Alert
	}{{"node", a.Nodes}, {"device", a.Devices}} {
		for i := range group.entries {
			if open := group.entries[i].OpenTypes(); len(open) > 0 {
				parts = append(parts, fmt.Sprintf("%s %s: %s", group.what, group.entries[i].ID, strings.Join(open, ", ")))
			}
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func speedTestLine(st *plume.SpeedTestResult) string {
	if st == nil {
		return "none"
	}
	at := ""
	if !st.At.IsZero() {
		at = " (" + st.At.UTC().Format("2006-01-02 15:04 UTC") + ")"
	}
	switch st.Status {
	case "failed":
		return "failed" + at
	case "", "completed", "complete", "done":
	default:
		return st.Status + at // still running: nothing measured yet
	}
	return fmt.Sprintf("%.1f Mbps down, %.1f Mbps up, %.0f ms%s", st.DownloadMbps, st.UploadMbps, float64(st.Latency)/float64(time.Millisecond), at)
}
