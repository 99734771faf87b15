package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/plumecloud/plume-go/batch"
)

// report is the summary of a batch run, printed as a table or as JSON.
type report struct {
	Command        string                  `json:"command"`
	Operation      batch.Operation         `json:"operation"`
	CSV            string                  `json:"csv"`
	Journal        string                  `json:"journal,omitempty"`
	DryRun         bool                    `json:"dry_run,omitempty"`
	Fake           bool                    `json:"fake,omitempty"`
	Read           int                     `json:"read"`
	Done           int                     `json:"done"`
	Failed         int                     `json:"failed"`
	Interrupted    int                     `json:"interrupted"`
	Skipped        int                     `json:"skipped"`
	NotStarted     int                     `json:"not_started"`
	WouldRun       int                     `json:"would_run,omitempty"`
	FailedByKind   map[batch.ErrorKind]int `json:"failed_by_kind,omitempty"`
	Failures       []batch.Entry           `json:"failures,omitempty"`
	Pauses         int                     `json:"rate_limit_pauses"`
	PausedSeconds  float64                 `json:"paused_seconds"`
	ElapsedSeconds float64                 `json:"elapsed_seconds"`
	RowsPerSecond  float64                 `json:"rows_per_second"`
	Error          string                  `json:"error,omitempty"`
}

func newReport(cmd string, op batch.Operation, f *batchFlags, journal *batch.Journal, sum *batch.Summary, runErr error) *report {
	r := &report{
		Command: cmd, Operation: op, CSV: f.csv, DryRun: f.dryRun, Fake: f.fake,
		Read: sum.Read, Done: sum.Done, Failed: sum.Failed, Interrupted: sum.Interrupted,
		Skipped: sum.Skipped, NotStarted: sum.NotStarted, WouldRun: sum.WouldRun,
		FailedByKind: sum.Kinds, Failures: sum.Failures,
		Pauses: sum.Pauses, PausedSeconds: sum.Paused.Seconds(),
		ElapsedSeconds: sum.Elapsed.Seconds(), RowsPerSecond: sum.Rate(),
	}
	if journal != nil {
		r.Journal = journal.Path()
	}
	if len(r.FailedByKind) == 0 {
		r.FailedByKind = nil
	}
	slices.SortStableFunc(r.Failures, func(a, b batch.Entry) int { return cmp.Compare(a.Line, b.Line) })
	if runErr != nil {
		r.Error = runErr.Error()
	}
	return r
}

func (r *report) write(w io.Writer, format string) error {
	if format == outputJSON {
		return writeJSON(w, r)
	}
	return r.writeText(w)
}

// writeText prints the outcome table, the failures by kind, the first failed rows and a
// closing line.
func (r *report) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "plumectl %s: %s\n\n", r.Command, r.CSV)
	fmt.Fprintln(tw, "OUTCOME\tROWS")
	if r.DryRun {
		fmt.Fprintf(tw, "would run\t%d\n", r.WouldRun)
	} else {
		fmt.Fprintf(tw, "done\t%d\n", r.Done)
	}
	fmt.Fprintf(tw, "failed\t%d\n", r.Failed)
	fmt.Fprintf(tw, "interrupted\t%d\n", r.Interrupted)
	fmt.Fprintf(tw, "skipped\t%d (done in an earlier run)\n", r.Skipped)
	fmt.Fprintf(tw, "not started\t%d\n", r.NotStarted)
	if len(r.FailedByKind) > 0 {
		fmt.Fprintln(tw, "\nFAILED BY KIND\tROWS")
		for _, kind := range slices.Sorted(maps.Keys(r.FailedByKind)) {
			fmt.Fprintf(tw, "%s\t%d\n", kind, r.FailedByKind[kind])
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Failures) > 0 {
		if err := r.writeFailures(w); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "\n"+r.closingLine())
	return err
}

func (r *report) writeFailures(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nLINE\tKEY\tOUTCOME\tKIND\tSTEP\tERROR")
	for _, e := range r.Failures {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Line, e.Key, e.Outcome, e.Kind, dash(e.Step), oneLine(e.Error))
	}
	if more := r.Failed + r.Interrupted - len(r.Failures); more > 0 {
		where := "the journal"
		if r.Journal != "" {
			where = r.Journal
		}
		fmt.Fprintf(tw, "… and %d more in %s\n", more, where)
	}
	return tw.Flush()
}

func (r *report) closingLine() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows in %s (%.1f rows/s)", r.Read, time.Duration(r.ElapsedSeconds*float64(time.Second)).Round(time.Millisecond), r.RowsPerSecond)
	if r.Pauses > 0 {
		fmt.Fprintf(&b, "; %d rate-limit pauses, %s in all", r.Pauses, time.Duration(r.PausedSeconds*float64(time.Second)).Round(time.Second))
	}
	if r.Journal != "" {
		fmt.Fprintf(&b, "; journal %s", r.Journal)
	}
	if r.Fake {
		b.WriteString("; against the built-in fake")
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "\nstopped: %s", r.Error)
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// bar is the progress bar on stderr; a nil *bar shows nothing.
type bar struct {
	cmd string
	pb  *progressbar.ProgressBar

	mu   sync.Mutex
	desc string
}

// newBar returns a progress bar when stderr is a terminal, else nil.
func (a *app) newBar(cmd string, total int) *bar {
	if !a.progress {
		return nil
	}
	pb := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription(cmd),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return &bar{cmd: cmd, pb: pb}
}

// update is the Runner's Progress callback.
func (b *bar) update(p batch.Progress) {
	if b == nil {
		return
	}
	desc := b.cmd
	if p.Failed+p.Interrupted > 0 {
		desc += fmt.Sprintf(" (%d failed)", p.Failed+p.Interrupted)
	}
	if !p.PausedUntil.IsZero() {
		desc += fmt.Sprintf(" paused %s: rate limited", time.Until(p.PausedUntil).Round(time.Second))
	}
	b.mu.Lock()
	if desc != b.desc {
		b.pb.Describe(desc)
		b.desc = desc
	}
	b.mu.Unlock()
	_ = b.pb.Set(p.Finished())
}

func (b *bar) finish() {
	if b != nil {
		_ = b.pb.Finish()
	}
}
