package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

// zonesHelp is what every keys zones command says about access zones.
const zonesHelp = `An access zone of a location's WiFi network is what the devices that join with its HomePass
keys may reach. Every network has three built-in zones, ids 1 to 3 (home, guests and
internetAccessOnly): the API refuses to delete them (HTTP 405, exit status 2); Plume's
reference lists no 405 for changing one, and should the API answer one, it is status 2 too.
keys zones create adds guests zones; their accessible devices (--device MAC) are the home
devices the zone's guests may see. A MAC is checked before anything is sent (exit status 2).`

func (a *app) newKeysZonesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "zones",
		Short: "List, create, update or delete a location's HomePass access zones",
		Long: `keys zones list shows the access zones of a location's WiFi network; keys zones create,
update and delete change them.

` + zonesHelp,
		Example: `  plumectl keys zones list --service-id svc-000001
  plumectl keys zones create --service-id svc-000001 --description "Kids" --device aa:bb:cc:dd:ee:ff
  plumectl keys zones update 4 --service-id svc-000001 --description "Kids and printer"
  plumectl keys zones delete 4 --service-id svc-000001 --yes

  # Try it against the built-in fake's demo subscriber
  plumectl keys zones list --service-id svc-demo-0001 --fake`,
		Args:              zonesArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	cmd.AddCommand(a.newZonesListCmd(), a.newZonesCreateCmd(), a.newZonesUpdateCmd(), a.newZonesDeleteCmd())
	return cmd
}

// zonesArgs is the Args of keys zones (whose subcommand cobra has taken off), keys zones list
// and keys zones create: none.
func zonesArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case cmd.HasSubCommands():
		return usageErrorf(cmd, "unknown subcommand %q: give list, create, update or delete", args[0])
	}
	return usageErrorf(cmd, "takes no argument, not %q", args[0])
}

// zoneIDArg is the Args of a command on one zone: ZONE_ID, a number from 1, stored in id.
func zoneIDArg(id *int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageErrorf(cmd, "one ZONE_ID is required (keys zones list shows them)")
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 1 {
			return usageErrorf(cmd, "ZONE_ID must be a number from 1, not %q", args[0])
		}
		*id = n
		return nil
	}
}

// zonesFlags are the flags every keys zones command takes: the location, --output, --fake
// and --csv.
type zonesFlags struct {
	f     singleFlags
	where addressFlags
}

func (z *zonesFlags) add(cmd *cobra.Command) {
	addSingleFlags(cmd, &z.f, true)
	z.where.add(cmd)
}

func (z *zonesFlags) check(cmd *cobra.Command) error {
	if err := z.f.check(cmd); err != nil {
		return err
	}
	return z.where.check(cmd)
}

// checkDevices refuses, before anything is sent, a --device that is not a MAC
// (AccessZoneRequest.Validate, with a stand-in description when none is given yet).
func checkDevices(cmd *cobra.Command, devices []string) error {
	if devices == nil {
		return nil
	}
	if err := (plume.AccessZoneRequest{Description: "-", AccessibleDevices: devices}).Validate(); err != nil {
		return refusedZone(cmd, err)
	}
	return nil
}

// refusedZone is a zone request AccessZoneRequest.Validate refused: exit status 2.
func refusedZone(cmd *cobra.Command, err error) error {
	return &statusError{status: exitUsage, err: fmt.Errorf("%s: the access zone is refused, nothing was changed: %w", cmd.Name(), err)}
}

// zoneWriteError gives the error of a zone write its exit status: a read-only zone (HTTP 405)
// and a zone the API refuses (HTTP 422) are 2, what is not found 1 with the message notFound,
// as place.fail says for the rest.
func zoneWriteError(cmd *cobra.Command, at place, err error, id int, notFound string) error {
	switch {
	case errors.Is(err, plume.ErrReadOnly) && id < 1:
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: the API refused the access zone (HTTP 405)", cmd.Name())}
	case errors.Is(err, plume.ErrReadOnly):
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: access zone %d is read-only: the API refused it (HTTP 405); zones 1 to 3 are the network's own home, guests and internetAccessOnly", cmd.Name(), id)}
	}
	return at.fail(cmd, err, notFound)
}

func (a *app) newZonesListCmd() *cobra.Command {
	var z zonesFlags
	cmd := &cobra.Command{
		Use:   "list " + keysLocation,
		Short: "List the access zones of a location's WiFi network",
		Long: `keys zones list shows the access zones of a location's WiFi network (HomePass.AccessZones,
read from the network): id, type, description and accessible devices.

` + zonesHelp + `

` + addressHelp + `

The exit status is 1 when the location is not found or has no WiFi network.`,
		Example: `  plumectl keys zones list --service-id svc-000001
  plumectl keys zones list --serial GW-0001 --output json`,
		Args:              zonesArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := z.check(cmd); err != nil {
				return err
			}
			c, at, err := a.connectAt(cmd, &z.f, &z.where)
			if err != nil {
				return err
			}
			defer c.Close()
			zones, err := c.client.HomePass.AccessZones(cmd.Context(), at.CustomerID, at.LocationID)
			if err != nil {
				return at.fail(cmd, err, fmt.Sprintf("no %s, or it has no WiFi network", at))
			}
			list := zoneListing{place: at, Zones: zoneRows(zones)}
			if z.f.output == outputJSON {
				return writeJSON(a.stdout, list)
			}
			return list.print(a.stdout)
		},
	}
	z.add(cmd)
	return cmd
}

func (a *app) newZonesCreateCmd() *cobra.Command {
	var (
		z           zonesFlags
		description string
		devices     []string
	)
	cmd := &cobra.Command{
		Use:   "create " + keysLocation + " --description TEXT [--device MAC]...",
		Short: "Add a guests access zone",
		Long: `keys zones create adds a guests access zone to a location's WiFi network
(HomePass.CreateAccessZone; the API creates guests zones only and picks the id). --description
names it (required); each --device MAC is a home device its guests may see. The request is
checked before anything is sent. It prints the new zone, and with --output json also every
zone of the network as the API answered.

` + zonesHelp + `

` + addressHelp + `

The exit status is 2 for a zone refused before sending (no description, a bad MAC) or by
the API (HTTP 422), 1 when the location is not found or has no WiFi network.`,
		Example: `  plumectl keys zones create --service-id svc-000001 --description "Kids"
  plumectl keys zones create --serial GW-0001 --description "Office" --device aa:bb:cc:dd:ee:ff --device AA-BB-CC-DD-EE-01`,
		Args:              zonesArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := z.check(cmd); err != nil {
				return err
			}
			if !cmd.Flags().Changed("description") {
				return usageErrorf(cmd, "--description is required: the zone's name")
			}
			req := plume.AccessZoneRequest{Description: description, AccessibleDevices: devices}
			if err := req.Validate(); err != nil {
				return refusedZone(cmd, err)
			}
			c, at, err := a.connectAt(cmd, &z.f, &z.where)
			if err != nil {
				return err
			}
			defer c.Close()
			zones, err := c.client.HomePass.CreateAccessZone(cmd.Context(), at.CustomerID, at.LocationID, req)
			if err != nil {
				return zoneWriteError(cmd, at, err, 0, fmt.Sprintf("no %s, or it has no WiFi network", at))
			}
			out := zoneOutcome{place: at, Action: "created", Zones: zoneRows(zones)}
			if created, ok := createdZone(zones, description); ok {
				row := newZoneRow(created)
				out.ID, out.Zone = &row.ID, &row
			}
			return a.show(z.f.output, out, out.text())
		},
	}
	z.add(cmd)
	cmd.Flags().StringVar(&description, "description", "", "the zone's name (required)")
	cmd.Flags().StringArrayVar(&devices, "device", nil, "the `MAC` of a home device the zone's guests may see (repeatable)")
	return cmd
}

func (a *app) newZonesUpdateCmd() *cobra.Command {
	var (
		z           zonesFlags
		id          int
		description string
		devices     []string
		noDevices   bool
	)
	cmd := &cobra.Command{
		Use:   "update ZONE_ID " + keysLocation + " [--description TEXT] [--device MAC]... [--no-devices]",
		Short: "Rename an access zone or change its accessible devices",
		Long: `keys zones update changes access zone ZONE_ID (HomePass.UpdateAccessZone). The API needs the
zone's description in every update, so keys zones update first reads the zone
(HomePass.AccessZones, one call more) and sends it back with only what the flags change:

  --description TEXT   a new name
  --device MAC         the accessible devices are these (repeatable): the list is replaced
  --no-devices         no accessible device

Without --device or --no-devices the devices read are sent back unchanged.

` + zonesHelp + `

` + addressHelp + `

The exit status is 1 when the location or the zone is not found, 2 for a zone refused (before
sending, or by the API: HTTP 422) and for a read-only zone (HTTP 405).`,
		Example: `  plumectl keys zones update 4 --service-id svc-000001 --description "Kids and printer"
  plumectl keys zones update 4 --service-id svc-000001 --device aa:bb:cc:dd:ee:ff --device aa:bb:cc:dd:ee:01
  plumectl keys zones update 4 --serial GW-0001 --no-devices --output json`,
		Args:              zoneIDArg(&id),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := z.check(cmd); err != nil {
				return err
			}
			changed := cmd.Flags().Changed
			switch {
			case noDevices && changed("device"):
				return usageErrorf(cmd, "--device and --no-devices do not go together")
			case !changed("description") && !changed("device") && !noDevices:
				return usageErrorf(cmd, "nothing to change: give --description, --device or --no-devices")
			case changed("description") && strings.TrimSpace(description) == "":
				return refusedZone(cmd, (plume.AccessZoneRequest{Description: description}).Validate())
			}
			if err := checkDevices(cmd, devices); err != nil {
				return err
			}
			c, at, err := a.connectAt(cmd, &z.f, &z.where)
			if err != nil {
				return err
			}
			defer c.Close()
			ctx := cmd.Context()
			zones, err := c.client.HomePass.AccessZones(ctx, at.CustomerID, at.LocationID)
			if err != nil {
				return at.fail(cmd, err, fmt.Sprintf("no %s, or it has no WiFi network", at))
			}
			i := slices.IndexFunc(zones, func(zone plume.AccessZone) bool { return zone.ID == id })
			if i < 0 {
				return &statusError{status: exitFailed, err: fmt.Errorf("%s: no access zone %d at %s", cmd.Name(), id, at)}
			}
			cur := zones[i]
			req := plume.AccessZoneRequest{Description: cur.Description, AccessibleDevices: keptDevices(cur.AccessibleDevices)}
			if changed("description") {
				req.Description = description
			}
			switch {
			case noDevices:
				req.AccessibleDevices = []string{}
			case changed("device"):
				req.AccessibleDevices = devices
			}
			if err := req.Validate(); err != nil {
				return refusedZone(cmd, err)
			}
			zones, err = c.client.HomePass.UpdateAccessZone(ctx, at.CustomerID, at.LocationID, id, req)
			if err != nil {
				return zoneWriteError(cmd, at, err, id, fmt.Sprintf("no access zone %d at %s", id, at))
			}
			out := zoneOutcome{place: at, Action: "updated", ID: &id, Zones: zoneRows(zones)}
			for _, zone := range zones {
				if zone.ID == id {
					row := newZoneRow(zone)
					out.Zone = &row
				}
			}
			return a.show(z.f.output, out, out.text())
		},
	}
	z.add(cmd)
	cmd.Flags().StringVar(&description, "description", "", "the zone's new name")
	cmd.Flags().StringArrayVar(&devices, "device", nil, "the `MAC` of a home device the zone's guests may see (repeatable; replaces the list)")
	cmd.Flags().BoolVar(&noDevices, "no-devices", false, "no accessible device")
	return cmd
}

// keptDevices is the accessible devices read, to send back unchanged: never nil, so that
// the list is sent whether the API replaces it or keeps it when absent; nil (not sent, which
// PATCH leaves as it is) when one is not a MAC the SDK would send.
func keptDevices(read []string) []string {
	kept := slices.Clone(read)
	if kept == nil {
		kept = []string{}
	}
	if (plume.AccessZoneRequest{Description: "-", AccessibleDevices: kept}).Validate() != nil {
		return nil
	}
	return kept
}

func (a *app) newZonesDeleteCmd() *cobra.Command {
	var (
		z   zonesFlags
		id  int
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "delete ZONE_ID " + keysLocation + " --yes",
		Short: "Delete an access zone and its keys",
		Long: `keys zones delete deletes access zone ZONE_ID (HomePass.DeleteAccessZone) and the HomePass
keys that give access to it: the devices that joined with them lose access. It asks nothing:
--yes says that you mean it, and without it nothing is sent (exit status 2).

` + zonesHelp + `

` + addressHelp + `

The exit status is 1 when the location or the zone is not found, 2 without --yes and for a
read-only zone (HTTP 405).`,
		Example: `  plumectl keys zones delete 4 --service-id svc-000001 --yes
  plumectl keys zones delete 5 --serial GW-0001 --yes --output json`,
		Args:              zoneIDArg(&id),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := z.check(cmd); err != nil {
				return err
			}
			if !yes {
				return usageErrorf(cmd, "deleting access zone %d deletes its keys and cuts off the devices that joined with them: give --yes to delete it", id)
			}
			c, at, err := a.connectAt(cmd, &z.f, &z.where)
			if err != nil {
				return err
			}
			defer c.Close()
			err = c.client.HomePass.DeleteAccessZone(cmd.Context(), at.CustomerID, at.LocationID, id)
			if err != nil {
				return zoneWriteError(cmd, at, err, id, fmt.Sprintf("no access zone %d at %s", id, at))
			}
			out := zoneOutcome{place: at, Action: "deleted", ID: &id}
			return a.show(z.f.output, out, out.text())
		},
	}
	z.add(cmd)
	cmd.Flags().BoolVar(&yes, "yes", false, "delete the zone and its keys: without it nothing is sent")
	return cmd
}
