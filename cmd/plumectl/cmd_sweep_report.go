package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/plumecloud/plume-go/batch"
)

// sweepReport is the summary of a sweep, printed as tables or as JSON.
type sweepReport struct {
	Command  string `json:"command"`
	CSV      string `json:"csv"`
	Journal  string `json:"journal,omitempty"` // none when temporary
	Records  string `json:"records,omitempty"`
	DryRun   bool   `json:"dry_run,omitempty"`
	Fake     bool   `json:"fake,omitempty"`
	Read     int    `json:"read"`
	WouldRun int    `json:"would_run,omitempty"`
	// ThisRun counts the locations this run read by state.
	ThisRun batch.SweepCounts `json:"this_run"`
	// Sweep counts every location of the journal by its record: this run's and the earlier
	// runs'. Absent on a dry run.
	Sweep          *batch.SweepCounts      `json:"sweep,omitempty"`
	Skipped        int                     `json:"skipped"` // recorded in an earlier run
	Interrupted    int                     `json:"interrupted"`
	NotStarted     int                     `json:"not_started"`
	ErrorsByKind   map[batch.ErrorKind]int `json:"errors_by_kind,omitempty"`
	Offline        []batch.Entry           `json:"offline,omitempty"` // the first 20, as journaled
	Errors         []batch.Entry           `json:"errors,omitempty"`  // the first 20 failed or interrupted
	Pauses         int                     `json:"rate_limit_pauses"`
	PausedSeconds  float64                 `json:"paused_seconds"`
	ElapsedSeconds float64                 `json:"elapsed_seconds"`
	PerSecond      float64                 `json:"locations_per_second"`
	Error          string                  `json:"error,omitempty"`
}

func newSweepReport(f *sweepFlags, journal *batch.Journal, temporary bool, sum *batch.SweepSummary, runErr error) *sweepReport {
	r := &sweepReport{
		Command: "sweep", CSV: f.csv, Records: f.records, DryRun: f.dryRun, Fake: f.fake,
		Read: sum.Read, WouldRun: sum.WouldRun, ThisRun: sum.SweepCounts,
		Skipped: sum.Skipped, Interrupted: sum.Interrupted, NotStarted: sum.NotStarted,
		ErrorsByKind: sum.Kinds, Offline: sum.OfflineEntries, Errors: sum.Failures,
		Pauses: sum.Pauses, PausedSeconds: sum.Paused.Seconds(),
		ElapsedSeconds: sum.Elapsed.Seconds(), PerSecond: sum.Rate(),
	}
	if journal != nil && !temporary {
		r.Journal = journal.Path()
	}
	if len(r.ErrorsByKind) == 0 {
		r.ErrorsByKind = nil
	}
	byLine := func(a, b batch.Entry) int { return a.Line - b.Line }
	slices.SortStableFunc(r.Offline, byLine)
	slices.SortStableFunc(r.Errors, byLine)
	if runErr != nil {
		r.Error = runErr.Error()
	}
	return r
}

func (r *sweepReport) write(w io.Writer, format string) error {
	if format == outputJSON {
		return writeJSON(w, r)
	}
	return r.writeText(w)
}

// writeText prints the counts by state, the errors by kind, the first offline locations and
// errors, and a closing line.
func (r *sweepReport) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "plumectl sweep: %s\n\n", r.CSV)
	if r.DryRun {
		fmt.Fprintf(tw, "would run\t%d\n", r.WouldRun)
		fmt.Fprintf(tw, "malformed rows\t%d\n", r.ThisRun.Errors)
	} else {
		header := "STATE\tLOCATIONS"
		if r.Sweep != nil && r.Skipped > 0 {
			header += "\tWHOLE SWEEP"
		}
		fmt.Fprintln(tw, header)
		for _, row := range []struct {
			name     string
			now, all int
		}{
			{"online", r.ThisRun.Online, r.wholeOr(func(c *batch.SweepCounts) int { return c.Online })},
			{"degraded", r.ThisRun.Degraded, r.wholeOr(func(c *batch.SweepCounts) int { return c.Degraded })},
			{"offline", r.ThisRun.Offline, r.wholeOr(func(c *batch.SweepCounts) int { return c.Offline })},
			{"error", r.ThisRun.Errors, r.wholeOr(func(c *batch.SweepCounts) int { return c.Errors })},
		} {
			if r.Sweep != nil && r.Skipped > 0 {
				fmt.Fprintf(tw, "%s\t%d\t%d\n", row.name, row.now, row.all)
			} else {
				fmt.Fprintf(tw, "%s\t%d\n", row.name, row.now)
			}
		}
	}
	fmt.Fprintf(tw, "skipped\t%d (recorded in an earlier run)\n", r.Skipped)
	fmt.Fprintf(tw, "interrupted\t%d\n", r.Interrupted)
	fmt.Fprintf(tw, "not started\t%d\n", r.NotStarted)
	if len(r.ErrorsByKind) > 0 {
		fmt.Fprintln(tw, "\nERRORS BY KIND\tLOCATIONS")
		for _, kind := range slices.Sorted(maps.Keys(r.ErrorsByKind)) {
			fmt.Fprintf(tw, "%s\t%d\n", kind, r.ErrorsByKind[kind])
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Offline) > 0 {
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\nOFFLINE\tLINE\tCUSTOMER/LOCATION\tFIRST PROBLEM")
		for _, e := range r.Offline {
			problem := "-"
			if e.Health != nil && len(e.Health.Problems) > 0 {
				problem = e.Health.Problems[0]
			}
			fmt.Fprintf(tw, "%s\t%d\t%s/%s\t%s\n", e.Key, e.Line, e.CustomerID, e.LocationID, oneLine(problem))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Errors) > 0 {
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\nERROR\tLINE\tOUTCOME\tKIND\tERROR")
		for _, e := range r.Errors {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", e.Key, e.Line, e.Outcome, e.Kind, oneLine(e.Error))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "\n"+r.closingLine())
	return err
}

func (r *sweepReport) wholeOr(get func(*batch.SweepCounts) int) int {
	if r.Sweep == nil {
		return 0
	}
	return get(r.Sweep)
}

func (r *sweepReport) closingLine() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d locations in %s (%.1f locations/s)", r.Read, time.Duration(r.ElapsedSeconds*float64(time.Second)).Round(time.Millisecond), r.PerSecond)
	if r.Pauses > 0 {
		fmt.Fprintf(&b, "; %d rate-limit pauses, %s in all", r.Pauses, time.Duration(r.PausedSeconds*float64(time.Second)).Round(time.Second))
	}
	if r.Journal != "" {
		fmt.Fprintf(&b, "; journal %s", r.Journal)
	}
	if r.Records != "" && r.Records != "-" && !r.DryRun {
		fmt.Fprintf(&b, "; records %s", r.Records)
	}
	if r.Fake {
		b.WriteString("; against the built-in fake")
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "\nstopped: %s", r.Error)
	}
	return b.String()
}
