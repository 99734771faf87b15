package main

import (
	"cmp"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newDevicesCmd() *cobra.Command {
	var (
		f           singleFlags
		where       addressFlags
		daysOffline int
		allSSIDs    bool
	)
	cmd := &cobra.Command{
		Use:   "devices (--customer ID --location ID | --serial SERIAL | --service-id ID)",
		Short: "List the client devices of a location",
		Long: `devices lists the client devices (phones, laptops, TVs) a location's nodes see
(Devices.List): name (its nickname when one is set), MAC, IP address, band (or ethernet),
and whether it is connected, since when. --days-offline N leaves out the devices offline
for longer than N days; --all-ssids lists those of every SSID, not only the main one. With
--output json it prints an object with the location's ids and the devices.

` + addressHelp + `

The exit status is 1 when the location is not found.`,
		Example: `  plumectl devices --service-id svc-000001
  plumectl devices --serial GW-0001 --days-offline 7 --output json
  plumectl devices --customer 6418c49c… --location 6418c49d…

  # Try it against the built-in fake's demo subscriber
  plumectl devices --service-id svc-demo-0001 --fake`,
		GroupID:           groupSingle,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			opts := &plume.DeviceListOptions{DaysOffline: daysOffline, AllSSIDs: allSSIDs}
			if err := opts.Validate(); err != nil {
				return usageErrorf(cmd, "--days-offline must be 0 or more, not %d", daysOffline)
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			devices, err := c.client.Devices.List(ctx, at.CustomerID, at.LocationID, opts)
			if err != nil {
				return at.fail(cmd, err, fmt.Sprintf("no %s", at))
			}
			list := deviceList{place: at, Devices: make([]deviceRow, 0, len(devices))}
			for _, d := range devices {
				list.Devices = append(list.Devices, newDeviceRow(d))
			}
			if f.output == outputJSON {
				return writeJSON(a.stdout, list)
			}
			return list.print(a.stdout)
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	cmd.Flags().IntVar(&daysOffline, "days-offline", 0, "leave out devices offline for longer than `N` days (0: keep all)")
	cmd.Flags().BoolVar(&allSSIDs, "all-ssids", false, "list the devices of every SSID, not only the main one")
	return cmd
}

// deviceList is what plumectl devices prints.
type deviceList struct {
	place
	Devices []deviceRow `json:"devices"`
}

// deviceRow is one client device as plumectl prints it.
type deviceRow struct {
	MAC        string `json:"mac"`
	Name       string `json:"name"`
	Nickname   string `json:"nickname,omitempty"`
	IP         string `json:"ip,omitempty"`
	Medium     string `json:"medium,omitempty"` // wifi or ethernet
	Band       string `json:"band,omitempty"`   // 2.4G, 5G, 6G; none on ethernet
	Channel    int    `json:"channel,omitempty"`
	AccessZone string `json:"access_zone,omitempty"`
	State      string `json:"state"`
	StateSince string `json:"state_since,omitempty"`
}

func newDeviceRow(d plume.Device) deviceRow {
	return deviceRow{
		MAC: d.MAC, Name: d.Name, Nickname: d.Nickname, IP: d.IP, Medium: d.Medium, Band: d.FreqBand,
		Channel: d.Channel, AccessZone: d.AccessZone, State: d.ConnectionState,
		StateSince: rfc3339(d.ConnectionStateChangeAt),
	}
}

// print writes the list as a table.
func (l deviceList) print(w io.Writer) error {
	if len(l.Devices) == 0 {
		_, err := fmt.Fprintf(w, "No devices at %s\n", l.place)
		return err
	}
	fmt.Fprintf(w, "%d devices at %s\n", len(l.Devices), l.place)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMAC\tIP\tBAND\tSTATE\tSINCE")
	for _, d := range l.Devices {
		band := d.Band
		if d.Medium == "ethernet" {
			band = "ethernet"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", dash(cmp.Or(d.Nickname, d.Name)), d.MAC, dash(d.IP), dash(band), dash(d.State), dash(d.StateSince))
	}
	return tw.Flush()
}
