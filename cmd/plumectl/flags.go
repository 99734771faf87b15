package main

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// The --output formats.
const (
	outputText = "text"
	outputJSON = "json"
)

// singleFlags are the flags of the commands on one customer, location or node: --output,
// --fake and, for the commands that need customers in the fake, --csv.
type singleFlags struct {
	output  string
	fake    bool
	seedCSV string
}

// addSingleFlags adds f's flags to cmd; withSeed adds --csv.
func addSingleFlags(cmd *cobra.Command, f *singleFlags, withSeed bool) {
	addOutputFlag(cmd, &f.output, "`format`: text or json")
	cmd.Flags().BoolVar(&f.fake, "fake", false, "run against a built-in fake Plume Cloud")
	if withSeed {
		cmd.Flags().StringVar(&f.seedCSV, "csv", "", "with --fake: onboard this CSV `file` into the fake first")
		_ = cmd.MarkFlagFilename("csv", "csv")
	}
}

// check returns a usage error for flags that do not go together.
func (f *singleFlags) check(cmd *cobra.Command) error {
	if err := checkOutput(f.output); err != nil {
		return usageErrorf(cmd, "%v", err)
	}
	if f.seedCSV != "" && !f.fake {
		return usageErrorf(cmd, "--csv goes with --fake")
	}
	return nil
}

// noArgs is the Args of a command that takes no arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf(cmd, "unexpected argument %q", args[0])
	}
	return nil
}

// addOutputFlag adds --output, text or json, completed as such.
func addOutputFlag(cmd *cobra.Command, p *string, usage string) {
	cmd.Flags().StringVar(p, "output", outputText, usage)
	completeFlagWith(cmd, "output", outputText, outputJSON)
}

func checkOutput(format string) error {
	if format != outputText && format != outputJSON {
		return fmt.Errorf("--output must be %s or %s, not %q", outputText, outputJSON, format)
	}
	return nil
}

// completeFlagWith makes shell completion offer values for the flag name.
func completeFlagWith(cmd *cobra.Command, name string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// show prints v as indented JSON with --output json, else the line text.
func (a *app) show(format string, v any, text string) error {
	if format == outputJSON {
		return writeJSON(a.stdout, v)
	}
	_, err := fmt.Fprintln(a.stdout, text)
	return err
}

// writeJSON prints v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// untilSpec is a time ahead as a flag gives it (--until, --expires): a duration from the
// moment it is used, or a time.
type untilSpec struct {
	after time.Duration
	at    time.Time
}

// from is the time u names, for a duration counted from now.
func (u untilSpec) from(now time.Time) time.Time {
	if !u.at.IsZero() {
		return u.at
	}
	return now.Add(u.after)
}

// daysDuration is a duration in whole days, 7d: Go's durations stop at hours.
var daysDuration = regexp.MustCompile(`^([0-9]{1,4})d$`)

// parseLater reads a duration (Go's, or whole days as 7d) or an RFC 3339 time, spaces around
// it ignored; false when s is neither. Whether it lies ahead is the caller's to check.
func parseLater(s string) (untilSpec, bool) {
	s = strings.TrimSpace(s)
	if m := daysDuration.FindStringSubmatch(s); m != nil {
		days, _ := strconv.Atoi(m[1])
		return untilSpec{after: time.Duration(days) * 24 * time.Hour}, true
	}
	if d, err := time.ParseDuration(s); err == nil {
		return untilSpec{after: d}, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return untilSpec{at: t}, true
	}
	return untilSpec{}, false
}
