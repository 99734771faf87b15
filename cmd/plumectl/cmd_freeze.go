package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

// freezeHelp is the paragraph of freeze's and unfreeze's help on what is frozen, and how
// persons are named.
const freezeHelp = `A frozen device has no internet access (parental controls). A freeze is put on one device
(--mac MAC), on every device assigned to a person (--person), or location-wide. --person
takes a person's id, or its nickname (any case) when no person has that id: the persons are
listed first (Persons.List), and plumectl freeze --status lists them with their ids. A MAC
may be written in any common notation (aa:bb:cc:dd:ee:ff, AA-BB-…, aabb.ccdd.eeff).`

// freezeFakeHelp is what freeze's and unfreeze's --fake adds to the fake of addressHelp.
const freezeFakeHelp = `With --fake each location also has a person, Kids, with its first two devices (02:5c:…:01
and …:02).`

func (a *app) newFreezeCmd() *cobra.Command {
	var (
		f     singleFlags
		where addressFlags
		s     freezeFlags
	)
	cmd := &cobra.Command{
		Use:   "freeze (--customer ID --location ID | --serial SERIAL | --service-id ID) ((--mac MAC | --person ID) (--forever | --suspend | --until DURATION|TIME) [--replace] | --location-wide --until DURATION|TIME [--mac MAC]... [--person ID]... | --status)",
		Short: "Freeze a device, a person's devices or a location (no internet access)",
		Long: `freeze takes away the internet access of a device, of a person's devices, or location-wide:

  --mac MAC | --person ID   the device (Devices.Freeze), or every device assigned to the
                            person (Persons.Freeze), frozen:
    --forever               until unfrozen (plumectl unfreeze --forever)
    --suspend               until unfrozen with unfreeze --suspend (unfreeze --all leaves
                            it, in the reading unfreeze --help explains)
    --until DURATION|TIME   until DURATION from now (90m, 2h30m, 7d) or an RFC 3339 TIME
                            (2026-12-24T18:00:00Z); then it lapses by itself
    --replace               remove the device's or person's other freezes first, but a
                            suspend freeze (deleteAllExceptSuspend); not with --until, whose
                            API call takes no such flag
  --location-wide --until DURATION|TIME [--mac MAC]... [--person ID]...
                            the location-wide freeze (Locations.Freeze), until the time given:
                            it freezes the devices listed with --mac and every device of the
                            persons listed with --person; with no --mac and no --person it
                            freezes EVERY device of the location. Plume's reference reads both
                            ways ("included" lists, "all devices except some"): plume-go reads
                            the lists as what is frozen. Both lists are always sent, so a new
                            location-wide freeze replaces the lists of the one in force.
  --status                  the location-wide freeze in force (Locations.FreezeStatus) and the
                            persons of the location with their ids and devices (Persons.List)

` + freezeHelp + `

The end time is printed in RFC 3339, UTC. A time in the past is refused before anything is
sent; the API documents no latest end time.

` + addressHelp + `

` + freezeFakeHelp + `

The exit status is 1 when the location, the device or the person is not found, 2 for a bad
MAC or --until, or flags that do not go together.`,
		Example: `  plumectl freeze --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --until 2h
  plumectl freeze --service-id svc-000001 --person Kids --forever --replace
  plumectl freeze --serial GW-0001 --mac AA-BB-CC-DD-EE-FF --until 2026-12-24T18:00:00Z --output json
  plumectl freeze --service-id svc-000001 --location-wide --until 30m --person Kids --mac aa:bb:cc:dd:ee:ff
  plumectl freeze --service-id svc-000001 --status

  # Try it against the built-in fake's demo subscriber
  plumectl freeze --service-id svc-demo-0001 --person kids --until 1h --fake`,
		GroupID:           groupSingle,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			until, err := s.checkFreeze(cmd, time.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			switch {
			case s.status:
				return a.freezeStatus(ctx, cmd, c.client, at, f.output)
			case s.locationWide:
				return a.freezeLocation(ctx, cmd, c.client, at, f.output, s, until)
			}
			fr := plume.Freeze{Kind: s.kind(), DeleteAllExceptSuspend: s.replace}
			out := freezeOutcome{place: at, Action: "freeze", Kind: string(fr.Kind), Replace: s.replace}
			personID, err := out.subject(ctx, cmd, c.client, &s)
			if err != nil {
				return err
			}
			if fr.Kind == plume.FreezeUntil {
				fr.Until = until.from(time.Now())
			}
			if personID != "" {
				err = c.client.Persons.Freeze(ctx, at.CustomerID, at.LocationID, personID, fr)
			} else {
				err = c.client.Devices.Freeze(ctx, at.CustomerID, at.LocationID, s.macs[0], fr)
			}
			if err != nil {
				return out.fail(cmd, err)
			}
			out.Until = rfc3339(fr.Until)
			return a.show(f.output, out, out.text())
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	s.add(cmd, true)
	return cmd
}

func (a *app) newUnfreezeCmd() *cobra.Command {
	var (
		f     singleFlags
		where addressFlags
		s     freezeFlags
	)
	cmd := &cobra.Command{
		Use:   "unfreeze (--customer ID --location ID | --serial SERIAL | --service-id ID) ((--mac MAC | --person ID) (--forever | --suspend | --until | --all) | --location-wide)",
		Short: "Remove a freeze from a device, a person or a location",
		Long: `unfreeze gives back the internet access a freeze took away (plumectl freeze):

  --mac MAC | --person ID   from the device (Devices.Unfreeze), or from the person
                            (Persons.Unfreeze), remove:
    --forever               its forever freeze
    --suspend               its suspend freeze
    --until                 its freeze until a time (autoExpire)
    --all                   every freeze and freeze schedule but a suspend freeze, which
                            stays (Devices.ClearFreezes, Persons.ClearFreezes; so the fake
                            does and the API's deleteAllExceptSuspend suggests, Plume's
                            reference does not say): remove that one with --suspend
  --location-wide           end the location-wide freeze (Locations.Unfreeze)

Removing a freeze that is not there is not an error. A device stays frozen while another
freeze applies: another kind of its own, its person's, or the location-wide one.

` + freezeHelp + `

` + addressHelp + `

` + freezeFakeHelp + `

The exit status is 1 when the location, the device or the person is not found, 2 for a bad
MAC or flags that do not go together.`,
		Example: `  plumectl unfreeze --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --forever
  plumectl unfreeze --service-id svc-000001 --person Kids --all
  plumectl unfreeze --serial GW-0001 --location-wide --output json

  # Try it against the built-in fake's demo subscriber
  plumectl unfreeze --service-id svc-demo-0001 --mac 02:5c:00:00:00:01 --all --fake`,
		GroupID:           groupSingle,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			if err := s.checkUnfreeze(cmd); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			if s.locationWide {
				out := freezeOutcome{place: at, Action: "location_unfreeze"}
				if err := c.client.Locations.Unfreeze(ctx, at.CustomerID, at.LocationID); err != nil {
					return out.fail(cmd, err)
				}
				return a.show(f.output, out, out.text())
			}
			out := freezeOutcome{place: at, Action: "unfreeze", Kind: string(s.kind())}
			if s.all {
				out.Action, out.Kind = "clear_freezes", ""
			}
			personID, err := out.subject(ctx, cmd, c.client, &s)
			if err != nil {
				return err
			}
			switch {
			case personID != "" && s.all:
				err = c.client.Persons.ClearFreezes(ctx, at.CustomerID, at.LocationID, personID)
			case personID != "":
				err = c.client.Persons.Unfreeze(ctx, at.CustomerID, at.LocationID, personID, s.kind())
			case s.all:
				err = c.client.Devices.ClearFreezes(ctx, at.CustomerID, at.LocationID, s.macs[0])
			default:
				err = c.client.Devices.Unfreeze(ctx, at.CustomerID, at.LocationID, s.macs[0], s.kind())
			}
			if err != nil {
				return out.fail(cmd, err)
			}
			return a.show(f.output, out, out.text())
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	s.add(cmd, false)
	return cmd
}

// freezeLocation puts the location-wide freeze in place: the --mac devices and the --person
// persons' devices, or every device when neither is given.
func (a *app) freezeLocation(ctx context.Context, cmd *cobra.Command, client *plume.Client, at place, format string, s freezeFlags, until untilSpec) error {
	out := freezeOutcome{place: at, Action: "location_freeze"}
	req := plume.LocationFreezeRequest{DeviceMACs: s.macs}
	if len(s.persons) > 0 {
		persons, err := listPersons(ctx, cmd, client, at)
		if err != nil {
			return err
		}
		for _, value := range s.persons {
			p, err := pickPerson(cmd, persons, value, at)
			if err != nil {
				return err
			}
			req.PersonIDs = append(req.PersonIDs, p.ID)
			out.Persons = append(out.Persons, *newPersonRef(p))
		}
	}
	req.Until = until.from(time.Now())
	lf, err := client.Locations.Freeze(ctx, at.CustomerID, at.LocationID, req)
	if err != nil {
		return out.fail(cmd, err)
	}
	out.Until = rfc3339(lf.ExpiresAt)
	out.DeviceMACs, out.PersonIDs = lf.DeviceMACs, lf.PersonIDs
	out.EveryDevice = len(lf.DeviceMACs) == 0 && len(lf.PersonIDs) == 0
	return a.show(format, out, out.text())
}

// freezeStatus prints the location-wide freeze in force and the persons of the location.
func (a *app) freezeStatus(ctx context.Context, cmd *cobra.Command, client *plume.Client, at place, format string) error {
	lf, err := client.Locations.FreezeStatus(ctx, at.CustomerID, at.LocationID)
	if err != nil {
		return at.fail(cmd, err, fmt.Sprintf("no %s", at))
	}
	persons, err := listPersons(ctx, cmd, client, at)
	if err != nil {
		return err
	}
	st := freezeStatusView{place: at, Persons: make([]personRef, 0, len(persons))}
	if !lf.ExpiresAt.IsZero() {
		st.LocationFreeze = &locationFreezeRow{
			Until: rfc3339(lf.ExpiresAt), DeviceMACs: listOrEmpty(lf.DeviceMACs), PersonIDs: listOrEmpty(lf.PersonIDs),
			EveryDevice: len(lf.DeviceMACs) == 0 && len(lf.PersonIDs) == 0,
		}
	}
	for _, p := range persons {
		st.Persons = append(st.Persons, *newPersonRef(p))
	}
	if format == outputJSON {
		return writeJSON(a.stdout, st)
	}
	return st.print(a.stdout)
}

// listPersons returns the persons of the location.
func listPersons(ctx context.Context, cmd *cobra.Command, client *plume.Client, at place) ([]plume.Person, error) {
	persons, err := client.Persons.List(ctx, at.CustomerID, at.LocationID)
	if err != nil {
		return nil, at.fail(cmd, err, fmt.Sprintf("no %s", at))
	}
	return persons, nil
}

// subject fills in the device or the person the flags name, the person found by id or
// nickname, and returns the person's id ("" for a device).
func (o *freezeOutcome) subject(ctx context.Context, cmd *cobra.Command, client *plume.Client, s *freezeFlags) (string, error) {
	if len(s.macs) == 1 {
		o.MAC = colonMAC(s.macs[0])
		return "", nil
	}
	p, err := findPerson(ctx, cmd, client, o.place, s.persons[0])
	if err != nil {
		return "", err
	}
	o.Person = newPersonRef(p)
	return p.ID, nil
}

// findPerson returns the person of the location that value names (pickPerson).
func findPerson(ctx context.Context, cmd *cobra.Command, client *plume.Client, at place, value string) (plume.Person, error) {
	persons, err := listPersons(ctx, cmd, client, at)
	if err != nil {
		return plume.Person{}, err
	}
	return pickPerson(cmd, persons, value, at)
}

// pickPerson returns the person whose id is value, else the one whose nickname is value in
// any case. None is exit status 1; a nickname two persons share is a usage error.
func pickPerson(cmd *cobra.Command, persons []plume.Person, value string, at place) (plume.Person, error) {
	var named []plume.Person
	for _, p := range persons {
		if p.ID == value {
			return p, nil
		}
		if strings.EqualFold(strings.TrimSpace(p.Nickname), strings.TrimSpace(value)) {
			named = append(named, p)
		}
	}
	switch len(named) {
	case 1:
		return named[0], nil
	case 0:
		return plume.Person{}, &statusError{status: exitFailed, err: fmt.Errorf("%s: no person with id or nickname %q at %s", cmd.Name(), value, at)}
	}
	ids := make([]string, len(named))
	for i, p := range named {
		ids[i] = p.ID
	}
	return plume.Person{}, usageErrorf(cmd, "%d persons at %s have the nickname %q: give one of their ids (%s)", len(named), at, value, strings.Join(ids, ", "))
}

// fail gives the error of the freeze call o describes its exit status: a device, person or
// location not found is 1. The API's 422 (ErrValidation, not the SDK's own ErrInvalidInput) on
// a device's unfreeze is an unknown MAC, the SDK having checked its form: 1 too.
func (o freezeOutcome) fail(cmd *cobra.Command, err error) error {
	what := fmt.Sprintf("no %s", o.place)
	switch {
	case o.MAC != "":
		what = fmt.Sprintf("no device %s at %s", o.MAC, o.place)
		if o.Action != "freeze" && errors.Is(err, plume.ErrValidation) {
			return &statusError{status: exitFailed, err: fmt.Errorf("%s: %s (the API answered 422)", cmd.Name(), what)}
		}
	case o.Person != nil:
		what = fmt.Sprintf("no person %s at %s", o.Person.ID, o.place)
	}
	return o.place.fail(cmd, err, what)
}

// listOrEmpty is list, or an empty list for nil (printed [] in JSON).
func listOrEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
