package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

// steerMargin is added to a forced steer of under MinForcedSteer+steerMargin: the API checks
// the 5-to-60-minute window again when the request arrives, and "now + 5 minutes" arrives
// under 5 minutes ahead.
const steerMargin = 30 * time.Second

func (a *app) newSteerCmd() *cobra.Command {
	var (
		f     singleFlags
		where addressFlags
		s     steerFlags
	)
	cmd := &cobra.Command{
		Use:   "steer (--customer ID --location ID | --serial SERIAL | --service-id ID) (--mac MAC (--until DURATION | --end | --auto true|false) | --band-steering auto|enable|disable)",
		Short: "Steer a client device, or set a location's band steering",
		Long: `steer does one of four things:

  --mac MAC --until DURATION   force the device onto the 2.4 GHz band until DURATION from now,
                               5m to 60m (Devices.ForceSteer); a new one replaces the one in
                               force. A DURATION under 5m30s is sent as 5m30s, since the API
                               checks the window again when the request arrives.
  --mac MAC --end              end the device's forced steer early (Devices.EndForcedSteer)
  --mac MAC --auto true|false  let the optimizer steer the device, or not
                               (Devices.SetClientSteering)
  --band-steering MODE         the location's band steering: auto, enable or disable
                               (Locations.SetBandSteering)

The API documents no "steer to node X": forcing onto 2.4 GHz is its one steering action. A
MAC may be written in any common notation (aa:bb:cc:dd:ee:ff, AA-BB-…, aabb.ccdd.eeff).

` + addressHelp + `

The exit status is 1 when the location or the device is not found (a device offline for
more than 31 days is not found), 2 for a bad MAC or duration.`,
		Example: `  plumectl steer --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --until 30m
  plumectl steer --service-id svc-000001 --mac aa:bb:cc:dd:ee:ff --end
  plumectl steer --serial GW-0001 --mac AA-BB-CC-DD-EE-FF --auto false
  plumectl steer --service-id svc-000001 --band-steering disable --output json

  # Try it against the built-in fake's demo subscriber
  plumectl steer --service-id svc-demo-0001 --mac 02:5c:00:00:00:01 --until 15m --fake`,
		GroupID:           groupSingle,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			if err := s.check(cmd); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			out := steerOutcome{place: at, MAC: colonMAC(s.mac)}
			devices := c.client.Devices
			switch {
			case s.bandSteering != "":
				out.Action = "band_steering"
				var bs *plume.BandSteering
				bs, err = c.client.Locations.SetBandSteering(ctx, at.CustomerID, at.LocationID, plume.BandSteeringMode(s.bandSteering))
				if err == nil {
					out.Mode, out.UpdatedAt = string(bs.Mode), rfc3339(bs.UpdatedAt)
				}
			case s.end:
				out.Action = "end_forced_steer"
				err = devices.EndForcedSteer(ctx, at.CustomerID, at.LocationID, s.mac)
			case s.auto != "":
				out.Action = "client_steering"
				auto, _ := strconv.ParseBool(s.auto)
				var cs *plume.ClientSteering
				cs, err = devices.SetClientSteering(ctx, at.CustomerID, at.LocationID, s.mac, plume.ClientSteering{Auto: auto})
				if err == nil {
					out.Auto, out.UpdatedAt = &cs.Auto, rfc3339(cs.UpdatedAt)
				}
			default:
				out.Action = "force_steer"
				until := time.Now().Add(max(s.until, plume.MinForcedSteer+steerMargin))
				err = devices.ForceSteer(ctx, at.CustomerID, at.LocationID, s.mac, until)
				out.Until = rfc3339(until)
			}
			if err != nil {
				what := fmt.Sprintf("no device %s at %s (or it has not been online for 31 days)", s.mac, at)
				if s.bandSteering != "" {
					what = fmt.Sprintf("no %s", at)
				}
				return at.fail(cmd, err, what)
			}
			return a.show(f.output, out, out.text())
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	s.add(cmd)
	return cmd
}

// steerFlags are the action of plumectl steer.
type steerFlags struct {
	mac          string
	until        time.Duration
	end          bool
	auto         string // "true" or "false"; "" when not given
	bandSteering string
}

func (s *steerFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.mac, "mac", "", "the client device's `MAC` address")
	cmd.Flags().DurationVar(&s.until, "until", 0, "force the device onto 2.4 GHz for `DURATION` from now (5m to 60m)")
	cmd.Flags().BoolVar(&s.end, "end", false, "end the device's forced steer")
	cmd.Flags().StringVar(&s.auto, "auto", "", "client steering by the optimizer: `true` or false")
	cmd.Flags().StringVar(&s.bandSteering, "band-steering", "", "the location's band steering `mode`: auto, enable or disable")
	completeFlagWith(cmd, "auto", "true", "false")
	completeFlagWith(cmd, "band-steering", string(plume.BandSteeringAuto), string(plume.BandSteeringEnable), string(plume.BandSteeringDisable))
}

// check returns a usage error unless exactly one action is given, with --mac when it needs
// one, and its value is good.
func (s *steerFlags) check(cmd *cobra.Command) error {
	actions := 0
	for _, given := range []bool{cmd.Flags().Changed("until"), s.end, s.auto != "", s.bandSteering != ""} {
		if given {
			actions++
		}
	}
	if actions != 1 {
		return usageErrorf(cmd, "give one of --until DURATION, --end, --auto true|false (each with --mac), or --band-steering MODE")
	}
	switch {
	case s.bandSteering != "":
		if s.mac != "" {
			return usageErrorf(cmd, "--band-steering is for the whole location: no --mac")
		}
		switch plume.BandSteeringMode(s.bandSteering) {
		case plume.BandSteeringAuto, plume.BandSteeringEnable, plume.BandSteeringDisable:
		default:
			return usageErrorf(cmd, "--band-steering must be auto, enable or disable, not %q", s.bandSteering)
		}
		return nil
	case s.mac == "":
		return usageErrorf(cmd, "--mac MAC is required with --until, --end and --auto")
	case s.auto != "" && s.auto != "true" && s.auto != "false":
		return usageErrorf(cmd, "--auto must be true or false, not %q", s.auto)
	case cmd.Flags().Changed("until") && (s.until < plume.MinForcedSteer || s.until > plume.MaxForcedSteer):
		return usageErrorf(cmd, "--until must be 5m to 60m, not %s", s.until)
	}
	return nil
}

// steerOutcome is what plumectl steer prints.
type steerOutcome struct {
	place
	Action    string `json:"action"` // force_steer, end_forced_steer, client_steering or band_steering
	MAC       string `json:"mac,omitempty"`
	Until     string `json:"until,omitempty"`      // force_steer: when it ends
	Auto      *bool  `json:"auto,omitempty"`       // client_steering
	Mode      string `json:"mode,omitempty"`       // band_steering
	UpdatedAt string `json:"updated_at,omitempty"` // as the API answered
}

func (o steerOutcome) text() string {
	switch o.Action {
	case "force_steer":
		return fmt.Sprintf("Device %s at %s: forced onto 2.4 GHz until %s", o.MAC, o.place, o.Until)
	case "end_forced_steer":
		return fmt.Sprintf("Device %s at %s: forced steer ended", o.MAC, o.place)
	case "client_steering":
		state := "off"
		if o.Auto != nil && *o.Auto {
			state = "on"
		}
		return fmt.Sprintf("Device %s at %s: client steering by the optimizer %s", o.MAC, o.place, state)
	}
	return fmt.Sprintf("Band steering at %s: %s", o.place, o.Mode)
}

// colonMAC is a MAC in the lowercase colon form the API keys devices by, as the SDK sends it;
// a value of another form is returned as it is (the SDK refuses it).
func colonMAC(mac string) string {
	hex := strings.Map(func(r rune) rune {
		switch r {
		case ':', '-', '.', ' ', '\t':
			return -1
		}
		return r
	}, strings.ToLower(mac))
	if len(hex) != 12 || strings.Trim(hex, "0123456789abcdef") != "" {
		return mac
	}
	var b strings.Builder
	for i := 0; i < 12; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i : i+2])
	}
	return b.String()
}
