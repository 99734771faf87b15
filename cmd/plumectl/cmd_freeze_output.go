package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// freezeOutcome is what plumectl freeze and unfreeze print.
type freezeOutcome struct {
	place
	// Action is freeze, unfreeze, clear_freezes (unfreeze --all), location_freeze or
	// location_unfreeze.
	Action  string     `json:"action"`
	Kind    string     `json:"kind,omitempty"` // forever, suspend or autoExpire: the API's names
	MAC     string     `json:"mac,omitempty"`  // the device, as sent
	Person  *personRef `json:"person,omitempty"`
	Until   string     `json:"until,omitempty"`   // when the freeze lapses, RFC 3339 UTC
	Replace bool       `json:"replace,omitempty"` // the other freezes were removed first, but a suspend one
	// location_freeze: the devices and persons listed (as the API answered), the persons as
	// found, and whether, with neither, every device of the location is frozen.
	DeviceMACs  []string    `json:"device_macs,omitempty"`
	PersonIDs   []string    `json:"person_ids,omitempty"`
	Persons     []personRef `json:"persons,omitempty"`
	EveryDevice bool        `json:"every_device,omitempty"`
}

// personRef is a person as plumectl prints it.
type personRef struct {
	ID       string   `json:"id"`
	Nickname string   `json:"nickname"`
	Devices  []string `json:"devices"` // the MACs assigned to it, as the API sent them; [] when none or not sent
}

func newPersonRef(p plume.Person) *personRef {
	return &personRef{ID: p.ID, Nickname: p.Nickname, Devices: listOrEmpty(p.AssignedDevices)}
}

// String is the nickname and the id, or the id when there is no nickname.
func (p personRef) String() string {
	if p.Nickname == "" {
		return p.ID
	}
	return fmt.Sprintf("%s (id %s)", p.Nickname, p.ID)
}

// freezeKindText names a freeze kind in the text output.
func freezeKindText(kind string) string {
	switch plume.FreezeKind(kind) {
	case plume.FreezeForever:
		return "forever freeze"
	case plume.FreezeSuspend:
		return "suspend freeze"
	}
	return "freeze until a time (autoExpire)"
}

func (o freezeOutcome) text() string {
	switch o.Action {
	case "location_freeze":
		return fmt.Sprintf("Location-wide freeze at %s until %s: %s", o.place, o.Until, frozenByLocation(o.EveryDevice, o.DeviceMACs, o.PersonIDs, o.Persons))
	case "location_unfreeze":
		return fmt.Sprintf("Location-wide freeze at %s: ended", o.place)
	}
	subject := "Device " + o.MAC
	if o.Person != nil {
		subject = "Person " + o.Person.String()
	}
	var what string
	switch o.Action {
	case "freeze":
		switch plume.FreezeKind(o.Kind) {
		case plume.FreezeForever:
			what = "frozen forever (until unfrozen)"
		case plume.FreezeSuspend:
			what = "suspended (frozen until unfreeze --suspend)"
		default:
			what = "frozen until " + o.Until
		}
		if o.Replace {
			what += "; its other freezes removed first, but a suspend freeze"
		}
	case "unfreeze":
		what = freezeKindText(o.Kind) + " removed"
	default: // clear_freezes
		what = "freezes cleared (ClearFreezes)"
	}
	return fmt.Sprintf("%s at %s: %s", subject, o.place, what)
}

// frozenByLocation says in words what a location-wide freeze freezes.
func frozenByLocation(every bool, macs, personIDs []string, persons []personRef) string {
	if every {
		return "every device of the location"
	}
	var parts []string
	if len(macs) > 0 {
		parts = append(parts, "devices "+strings.Join(macs, ", "))
	}
	if len(persons) > 0 {
		names := make([]string, len(persons))
		for i, p := range persons {
			names[i] = p.String()
		}
		parts = append(parts, "the devices of persons "+strings.Join(names, ", "))
	} else if len(personIDs) > 0 {
		parts = append(parts, "the devices of persons "+strings.Join(personIDs, ", "))
	}
	return strings.Join(parts, "; ")
}

// freezeStatusView is what plumectl freeze --status prints.
type freezeStatusView struct {
	place
	LocationFreeze *locationFreezeRow `json:"location_freeze"` // null when none is in force
	Persons        []personRef        `json:"persons"`
}

// locationFreezeRow is the location-wide freeze in force.
type locationFreezeRow struct {
	Until       string   `json:"until"`
	DeviceMACs  []string `json:"device_macs"`
	PersonIDs   []string `json:"person_ids"`
	EveryDevice bool     `json:"every_device"` // both lists empty: every device is frozen
}

// print writes the status as a line and a table of the persons.
func (v freezeStatusView) print(w io.Writer) error {
	if lf := v.LocationFreeze; lf == nil {
		fmt.Fprintf(w, "Location-wide freeze at %s: none\n", v.place)
	} else {
		fmt.Fprintf(w, "Location-wide freeze at %s until %s: %s\n", v.place, lf.Until, frozenByLocation(lf.EveryDevice, lf.DeviceMACs, lf.PersonIDs, nil))
	}
	if len(v.Persons) == 0 {
		_, err := fmt.Fprintln(w, "No persons")
		return err
	}
	fmt.Fprintf(w, "\nPersons (%d):\n", len(v.Persons))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tNICKNAME\tDEVICES")
	for _, p := range v.Persons {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.ID, dash(p.Nickname), dash(strings.Join(p.Devices, ", ")))
	}
	return tw.Flush()
}

// seedFreezePersons gives each location of the fake a person, Kids, with its first two client
// devices (seedSupport's 02:5c:…:01 and …:02), for freeze and unfreeze --person.
func seedFreezePersons(ctx context.Context, srv *plumetest.Server) error {
	client := srv.Client(plume.WithRateLimit(math.Inf(1), 1))
	for _, l := range srv.Locations() {
		if l.Archived {
			continue
		}
		devices := srv.Devices(l.CustomerID, l.ID)
		if len(devices) < 2 {
			continue
		}
		_, err := client.Persons.Create(ctx, l.CustomerID, l.ID, plume.PersonRequest{
			Nickname: "Kids", ImageID: "PROFILE_WOMAN", AssignedDevices: []string{devices[0].MAC, devices[1].MAC},
		})
		if err != nil {
			return fmt.Errorf("seeding the fake's persons: %w", err)
		}
	}
	return nil
}
