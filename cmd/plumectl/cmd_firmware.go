package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

// firmwareHelp is what the firmware commands say about what Plume documents.
const firmwareHelp = `Plume documents one firmware action: ask the cloud to upgrade every node of a location
to the firmware the cloud has chosen for it. It documents no target version, no downgrade
and no upgrade of a single node, so plumectl has no such flag.`

func (a *app) newFirmwareCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "firmware",
		Short: "Show a location's firmware status, or request an upgrade",
		Long: `firmware status shows the firmware of a location's nodes and where their upgrades stand;
firmware upgrade asks the cloud to upgrade them.

` + firmwareHelp,
		Example: `  plumectl firmware status --service-id svc-000001
  plumectl firmware upgrade --serial GW-0001 --output json

  # Try it against the built-in fake's demo subscriber
  plumectl firmware status --service-id svc-demo-0001 --fake`,
		GroupID:           groupSingle,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	cmd.AddCommand(
		a.newFirmwareSubCmd("status", "Show the firmware status of a location's nodes",
			`firmware status shows, for each node of the location, its firmware version, the version an
upgrade is taking it to, and the upgrade's status (Locations.FirmwareStatus). Plume documents
no shape for the answer: a node's fields the API does not send show as "-", and --output
json carries the whole answer as "answer".`),
		a.newFirmwareSubCmd("upgrade", "Ask the cloud to upgrade every node of a location",
			`firmware upgrade asks the cloud to upgrade every node of the location to the firmware it
has chosen for them (Locations.RequestFirmwareUpgrade), and shows the status it answers.
Nodes go offline while they upgrade; "firmware status" follows the upgrade.`),
	)
	return cmd
}

// newFirmwareSubCmd is firmware status or firmware upgrade.
func (a *app) newFirmwareSubCmd(name, short, long string) *cobra.Command {
	var (
		f     singleFlags
		where addressFlags
	)
	cmd := &cobra.Command{
		Use:   name + " (--customer ID --location ID | --serial SERIAL | --service-id ID)",
		Short: short,
		Long: long + `

` + firmwareHelp + `

` + addressHelp + `

The exit status is 1 when the location is not found.`,
		Example: fmt.Sprintf(`  plumectl firmware %[1]s --service-id svc-000001
  plumectl firmware %[1]s --serial GW-0001 --output json

  # Try it against the built-in fake's demo subscriber
  plumectl firmware %[1]s --service-id svc-demo-0001 --fake`, name),
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			var status *plume.FirmwareStatus
			if name == "upgrade" {
				status, err = c.client.Locations.RequestFirmwareUpgrade(ctx, at.CustomerID, at.LocationID)
			} else {
				status, err = c.client.Locations.FirmwareStatus(ctx, at.CustomerID, at.LocationID)
			}
			if err != nil {
				return at.fail(cmd, err, fmt.Sprintf("no %s", at))
			}
			rep := newFirmwareReport(at, name == "upgrade", status)
			if f.output == outputJSON {
				return writeJSON(a.stdout, rep)
			}
			return rep.print(a.stdout)
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	return cmd
}

// firmwareReport is what plumectl firmware prints.
type firmwareReport struct {
	place
	UpgradeRequested bool            `json:"upgrade_requested"`
	Nodes            []firmwareNode  `json:"nodes"`
	Answer           json.RawMessage `json:"answer,omitempty"` // the API's whole answer
}

type firmwareNode struct {
	NodeID          string `json:"node_id"`
	FirmwareVersion string `json:"firmware_version,omitempty"`
	TargetVersion   string `json:"target_version,omitempty"`
	Status          string `json:"status,omitempty"`
	UpdatedAt       string `json:"updated_at,omitempty"`
}

func newFirmwareReport(at place, upgrade bool, s *plume.FirmwareStatus) firmwareReport {
	rep := firmwareReport{place: at, UpgradeRequested: upgrade, Nodes: []firmwareNode{}}
	if s == nil {
		return rep
	}
	if json.Valid(s.Raw) {
		rep.Answer = s.Raw
	}
	for _, n := range s.Nodes {
		rep.Nodes = append(rep.Nodes, firmwareNode{
			NodeID: n.NodeID, FirmwareVersion: n.FirmwareVersion, TargetVersion: n.TargetVersion,
			Status: n.Status, UpdatedAt: rfc3339(n.UpdatedAt),
		})
	}
	return rep
}

// print writes the report as a table; the API's answer as it is when no node could be read
// from it.
func (r firmwareReport) print(w io.Writer) error {
	head := "Firmware at " + r.place.String()
	if r.UpgradeRequested {
		head = "Firmware upgrade requested at " + r.place.String()
	}
	fmt.Fprintln(w, head)
	typed := false
	for _, n := range r.Nodes {
		typed = typed || n.NodeID != ""
	}
	if !typed {
		if len(r.Answer) == 0 {
			_, err := fmt.Fprintln(w, "The API answered with no status.")
			return err
		}
		_, err := fmt.Fprintf(w, "The API's answer, of a shape Plume does not document:\n%s\n", r.Answer)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tVERSION\tTARGET\tSTATUS\tUPDATED")
	for _, n := range r.Nodes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", dash(n.NodeID), dash(n.FirmwareVersion), dash(n.TargetVersion), dash(n.Status), dash(n.UpdatedAt))
	}
	return tw.Flush()
}
