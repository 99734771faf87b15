package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/plumecloud/plume-go"
)

// The groups of plumectl help's command list.
const (
	groupBatch  = "batch"  // a flow per row of a CSV file
	groupSingle = "single" // one customer, location or node
	groupSetup  = "setup"  // credentials, help, completion
)

const rootLong = `plumectl onboards, offboards, suspends and looks up Plume customers: one at a time,
or thousands from a CSV file at the API's full rate budget. Batch commands are resumable:
every finished row is a line in a journal, and running the same command again skips the
rows done and retries the others.

It reads the PLUME_API_URL, PLUME_AUTH_URL, PLUME_PARTNER_ID and PLUME_AUTH_HASH (or
PLUME_CLIENT_ID and PLUME_CLIENT_SECRET) variables, which say which cloud to use; with
--fake it runs against a built-in fake Plume Cloud instead, seeded from the CSV.

Exit status: 0 all done, 1 some rows failed or nothing found, 2 usage, 3 could not run,
130 interrupted.`

const rootExample = `  # Check a CSV file, then try it against the built-in fake
  plumectl onboard --csv customers.csv --dry-run
  plumectl onboard --csv customers.csv --fake

  # Check the credentials in the PLUME_* variables, then onboard for real
  plumectl token
  plumectl onboard --csv customers.csv --workers 4

  # Help on a command, and shell completion
  plumectl help onboard
  source <(plumectl completion bash)`

// newRootCmd is the command tree of one invocation.
func (a *app) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "plumectl",
		Short:         "Onboard, offboard and look up Plume customers, one at a time or from a CSV file",
		Long:          rootLong,
		Example:       rootExample,
		Version:       plume.Version,
		SilenceErrors: true, // a.exit prints them
		SilenceUsage:  true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddGroup(
		&cobra.Group{ID: groupBatch, Title: "Batch commands, a flow per row of a CSV file:"},
		&cobra.Group{ID: groupSingle, Title: "Commands on one customer, location or node:"},
		&cobra.Group{ID: groupSetup, Title: "Setup:"},
	)
	root.SetHelpCommandGroupID(groupSetup)
	root.SetCompletionCommandGroupID(groupSetup)
	// One constructor a command, in its cmd_*.go file.
	root.AddCommand(
		a.newOnboardCmd(),
		a.newOffboardCmd(),
		a.newSuspendCmd(),
		a.newResumeCmd(),
		a.newSweepCmd(),
		a.newRMACmd(),
		a.newLookupCmd(),
		a.newStatusCmd(),
		a.newDevicesCmd(),
		a.newRebootCmd(),
		a.newSteerCmd(),
		a.newFirmwareCmd(),
		a.newSpeedTestCmd(),
		a.newKeysCmd(),
		a.newPortForwardCmd(),
		a.newFreezeCmd(),
		a.newUnfreezeCmd(),
		a.newTokenCmd(),
	)
	// What Execute would add, added now: the tree is whole for Find and for help without it.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	refuseUnknownSubcommands(root)
	classifyRunErrors(root)
	return root
}

// refuseUnknownSubcommands makes the commands below root that only group others (completion,
// and those to come) refuse an unknown subcommand, exit status 2 as the root does, where
// cobra would print their help and exit 0. Alone they still print their help.
func refuseUnknownSubcommands(root *cobra.Command) {
	for _, cmd := range root.Commands() {
		if cmd.HasSubCommands() && !cmd.Runnable() {
			if cmd.Args == nil {
				cmd.Args = cobra.NoArgs // unknown command "x" for "plumectl completion"
			}
			cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		refuseUnknownSubcommands(cmd)
	}
}

// oneDashLongFlags rewrites -name and -name=value as --name and --name=value when name is a
// flag of the command args run: the hand-written dispatcher parsed with the flag package,
// which takes one dash or two, and command lines written for it keep working. The value of a
// flag that takes one is left alone, whatever it looks like, and so is everything after "--".
func oneDashLongFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil {
		return args
	}
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	flags := cmd.Flags()
	out := slices.Clone(args)
	for i := 0; i < len(out); i++ {
		arg := out[i]
		if arg == "--" {
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		var f *pflag.Flag
		switch {
		case strings.HasPrefix(arg, "--"):
			f = flags.Lookup(name)
		case len(name) == 1:
			f = flags.ShorthandLookup(name)
		default:
			if f = flags.Lookup(name); f != nil {
				out[i] = "-" + arg
			}
		}
		if f != nil && !hasValue && f.NoOptDefVal == "" {
			i++ // its value
		}
	}
	return out
}
