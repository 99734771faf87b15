package main

import (
	"errors"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

// freezeFlags are the subject and the kind of plumectl freeze and unfreeze.
type freezeFlags struct {
	macs, persons    []string // one of them for a device or a person; lists with --location-wide
	locationWide     bool
	forever, suspend bool
	until            string // freeze: DURATION or TIME
	untilKind        bool   // unfreeze: --until, the autoExpire freeze
	all              bool   // unfreeze: ClearFreezes
	replace          bool   // freeze: DeleteAllExceptSuspend
	status           bool   // freeze: the location-wide freeze and the persons
}

// add adds the flags of freeze (freeze true) or of unfreeze.
func (s *freezeFlags) add(cmd *cobra.Command, freeze bool) {
	fl := cmd.Flags()
	if !freeze {
		fl.StringArrayVar(&s.macs, "mac", nil, "the client device's `MAC` address")
		fl.StringArrayVar(&s.persons, "person", nil, "the person's `id`, or nickname")
		fl.BoolVar(&s.locationWide, "location-wide", false, "end the location-wide freeze")
		fl.BoolVar(&s.forever, "forever", false, "remove the forever freeze")
		fl.BoolVar(&s.suspend, "suspend", false, "remove the suspend freeze")
		fl.BoolVar(&s.untilKind, "until", false, "remove the freeze until a time (autoExpire)")
		fl.BoolVar(&s.all, "all", false, "remove every freeze but a suspend one (ClearFreezes, as the fake does; the reference does not say)")
		return
	}
	fl.BoolVar(&s.forever, "forever", false, "freeze until unfrozen")
	fl.BoolVar(&s.suspend, "suspend", false, "suspend: a freeze unfreeze --suspend removes (and unfreeze --all leaves, as the fake does)")
	fl.StringArrayVar(&s.macs, "mac", nil, "the client device's `MAC` address; with --location-wide, a device to freeze (repeatable)")
	fl.StringArrayVar(&s.persons, "person", nil, "the person's `id`, or nickname; with --location-wide, a person whose devices to freeze (repeatable)")
	fl.BoolVar(&s.locationWide, "location-wide", false, "the location-wide freeze, with --until: the --mac devices and the --person devices, else every device")
	fl.StringVar(&s.until, "until", "", "when the freeze lapses, `DURATION|TIME`: a duration from now (90m, 7d) or an RFC 3339 time")
	fl.BoolVar(&s.replace, "replace", false, "remove the other freezes first, but a suspend one (not with --until)")
	fl.BoolVar(&s.status, "status", false, "print the location-wide freeze and the persons with their ids")
}

// kind is the freeze kind the flags name.
func (s *freezeFlags) kind() plume.FreezeKind {
	switch {
	case s.forever:
		return plume.FreezeForever
	case s.suspend:
		return plume.FreezeSuspend
	}
	return plume.FreezeUntil
}

// checkFreeze returns a usage error for freeze flags that do not go together or a value that
// is bad, and else when the freeze is to end (with --until).
func (s *freezeFlags) checkFreeze(cmd *cobra.Command, now time.Time) (untilSpec, error) {
	withUntil := cmd.Flags().Changed("until")
	kinds := freezeFlagCount(s.forever, s.suspend, withUntil)
	subjects := len(s.macs) + len(s.persons)
	switch {
	case s.status:
		if s.locationWide || subjects > 0 || kinds > 0 || s.replace {
			return untilSpec{}, usageErrorf(cmd, "--status goes alone: it changes nothing")
		}
		return untilSpec{}, nil
	case s.locationWide:
		if s.forever || s.suspend || s.replace {
			return untilSpec{}, usageErrorf(cmd, "--location-wide takes --until only (no --forever, --suspend or --replace): the location-wide freeze lapses at a set time")
		}
		if !withUntil {
			return untilSpec{}, usageErrorf(cmd, "--location-wide needs --until DURATION|TIME")
		}
	case subjects != 1:
		return untilSpec{}, usageErrorf(cmd, "give one --mac MAC or one --person ID (or --location-wide, or --status)")
	case kinds != 1:
		return untilSpec{}, usageErrorf(cmd, "give one of --forever, --suspend, --until DURATION|TIME")
	case s.replace && withUntil:
		return untilSpec{}, usageErrorf(cmd, "--replace does not go with --until: the API's freeze until a time takes no deleteAllExceptSuspend")
	}
	if err := s.checkValues(cmd); err != nil {
		return untilSpec{}, err
	}
	if !withUntil {
		return untilSpec{}, nil
	}
	return parseUntil(cmd, s.until, now)
}

// checkUnfreeze returns a usage error for unfreeze flags that do not go together or a value
// that is bad.
func (s *freezeFlags) checkUnfreeze(cmd *cobra.Command) error {
	subjects := len(s.macs) + len(s.persons)
	switch {
	case s.locationWide:
		if subjects > 0 || freezeFlagCount(s.forever, s.suspend, s.untilKind, s.all) > 0 {
			return usageErrorf(cmd, "--location-wide goes alone: it ends the location-wide freeze (a device's or person's freezes are removed with --mac or --person)")
		}
		return nil
	case subjects != 1:
		return usageErrorf(cmd, "give one --mac MAC or one --person ID (or --location-wide)")
	case freezeFlagCount(s.forever, s.suspend, s.untilKind, s.all) != 1:
		return usageErrorf(cmd, "give one of --forever, --suspend, --until, --all")
	}
	return s.checkValues(cmd)
}

// checkValues refuses an empty person and a MAC the SDK would refuse, before anything is sent.
func (s *freezeFlags) checkValues(cmd *cobra.Command) error {
	for _, p := range s.persons {
		if strings.TrimSpace(p) == "" {
			return usageErrorf(cmd, "--person must not be empty")
		}
	}
	// The SDK's own check of a MAC, through the one request that takes a list of them.
	err := plume.LocationFreezeRequest{DeviceMACs: s.macs, Until: time.Unix(1, 0)}.Validate()
	var invalid *plume.ValidationError
	if errors.As(err, &invalid) {
		return usageErrorf(cmd, "--mac %s", invalid.Reason)
	}
	return err
}

// minFreeze is the shortest --until DURATION: a shorter one could lapse before it arrives.
const minFreeze = time.Second

// parseUntil reads --until: a duration of at least minFreeze (Go's, or whole days), or an
// RFC 3339 time after now.
func parseUntil(cmd *cobra.Command, value string, now time.Time) (untilSpec, error) {
	u, ok := parseLater(value)
	if !ok {
		return untilSpec{}, usageErrorf(cmd, "--until must be a duration from now (90m, 2h30m, 7d; at most 2562047h) or an RFC 3339 time (2026-12-24T18:00:00Z), not %q", value)
	}
	if u.at.IsZero() {
		return u.atLeast(cmd, minFreeze)
	}
	if !u.at.After(now) {
		return untilSpec{}, usageErrorf(cmd, "--until must be in the future: %s is past (now %s)", u.at.UTC().Format(time.RFC3339), rfc3339(now))
	}
	return u, nil
}

// atLeast returns u, or a usage error when its duration is under least.
func (u untilSpec) atLeast(cmd *cobra.Command, least time.Duration) (untilSpec, error) {
	if u.after < least {
		return untilSpec{}, usageErrorf(cmd, "--until must be a duration of at least %s, not %s", least, u.after)
	}
	return u, nil
}

// freezeFlagCount counts the flags set.
func freezeFlagCount(flags ...bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}
