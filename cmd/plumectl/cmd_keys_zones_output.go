package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/plumecloud/plume-go"
)

// createdZone is the zone CreateAccessZone added: in the answer, the newest guests zone
// (highest id) with the description sent, else the highest id.
func createdZone(zones []plume.AccessZone, description string) (plume.AccessZone, bool) {
	var best, newest *plume.AccessZone
	for i, z := range zones {
		if newest == nil || z.ID > newest.ID {
			newest = &zones[i]
		}
		if z.Type == plume.AccessZoneGuests && z.Description == description && (best == nil || z.ID > best.ID) {
			best = &zones[i]
		}
	}
	switch {
	case best != nil:
		return *best, true
	case newest != nil:
		return *newest, true
	}
	return plume.AccessZone{}, false
}

// zoneRow is one access zone as plumectl prints it.
type zoneRow struct {
	ID                int      `json:"id"`
	Type              string   `json:"type"`
	Description       string   `json:"description"`
	AccessibleDevices []string `json:"accessible_devices"`
	CreatedAt         string   `json:"created_at,omitempty"`
	UpdatedAt         string   `json:"updated_at,omitempty"`
}

func newZoneRow(z plume.AccessZone) zoneRow {
	row := zoneRow{
		ID: z.ID, Type: string(z.Type), Description: z.Description, AccessibleDevices: slices.Clone(z.AccessibleDevices),
		CreatedAt: rfc3339(z.CreatedAt), UpdatedAt: rfc3339(z.UpdatedAt),
	}
	if row.AccessibleDevices == nil {
		row.AccessibleDevices = []string{}
	}
	return row
}

func zoneRows(zones []plume.AccessZone) []zoneRow {
	rows := make([]zoneRow, 0, len(zones))
	for _, z := range zones {
		rows = append(rows, newZoneRow(z))
	}
	return rows
}

// describe is the zone in words: type, description, accessible devices.
func (r zoneRow) describe() string {
	devices := "no accessible device"
	if len(r.AccessibleDevices) > 0 {
		devices = "devices " + strings.Join(r.AccessibleDevices, ",")
	}
	return fmt.Sprintf("%s %q, %s", dash(r.Type), r.Description, devices)
}

// zoneListing is what plumectl keys zones list prints.
type zoneListing struct {
	place
	Zones []zoneRow `json:"zones"`
}

// print writes the list as a table.
func (l zoneListing) print(w io.Writer) error {
	if len(l.Zones) == 0 {
		_, err := fmt.Fprintf(w, "No access zones in %s\n", l.place)
		return err
	}
	noun := "access zones"
	if len(l.Zones) == 1 {
		noun = "access zone"
	}
	fmt.Fprintf(w, "%d %s in %s\n", len(l.Zones), noun, l.place)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tDESCRIPTION\tDEVICES")
	for _, z := range l.Zones {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", z.ID, dash(z.Type), dash(oneLine(z.Description)), dash(strings.Join(z.AccessibleDevices, ",")))
	}
	return tw.Flush()
}

// zoneOutcome is what plumectl keys zones create, update and delete print.
type zoneOutcome struct {
	place
	Action string    `json:"action"`         // created, updated or deleted
	ID     *int      `json:"id,omitempty"`   // nil: the answer did not show the new zone
	Zone   *zoneRow  `json:"zone,omitempty"` // created, updated: the zone as the API answered
	Zones  []zoneRow `json:"zones,omitempty"`
}

func (o zoneOutcome) text() string {
	name := "An access zone"
	if o.ID != nil {
		name = fmt.Sprintf("Access zone %d", *o.ID)
	}
	line := fmt.Sprintf("%s %s at %s", name, o.Action, o.place)
	if o.Zone != nil && o.Action != "deleted" {
		line += ": " + o.Zone.describe()
	}
	return line
}
