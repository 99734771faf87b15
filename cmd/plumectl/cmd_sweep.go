package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

// sweepFlags are the flags of plumectl sweep.
type sweepFlags struct {
	csv, journal, records, output string
	workers                       int
	rate                          float64
	dryRun, fake                  bool
}

func (a *app) newSweepCmd() *cobra.Command {
	var f sweepFlags
	cmd := &cobra.Command{
		Use:   "sweep --csv FILE",
		Short: "Read the health of every location of a CSV file: online, degraded, offline",
		Long: `sweep reads the health of each location of the CSV file (Client.Health, as plumectl status
does) with --workers in flight sharing one rate budget of --rate requests per second, and
classes each location: online (the gateway connected, no problem), degraded (the gateway
connected, some problem: an extender offline, an open alert, a slow or failed speed test),
offline (the gateway not connected), or error (no report could be made: its error kind says
why; this does not stop the sweep).

The CSV file has a header row naming its columns: customer_id and location_id (4 API calls a
location), or service_id, or serial (a node claimed there), or gateway (5 calls); an
onboarding file can be swept as it is. Each location's record (its ids, state, problems,
node count, connected devices, open alerts, last speed test, or error kind) is one JSON line
of the journal, FILE.sweep.journal.jsonl by default, written as it finishes: run the same
command again and the locations recorded are skipped, those in error tried again.
--records FILE writes, at the end, one record per location of the whole sweep (this run and
the earlier ones), "-" for standard output; the summary then goes to standard error. A
progress bar shows on stderr; the summary counts the locations by state and lists the first
offline ones and errors (--output json: as one JSON object).

With --fake it runs against a built-in fake Plume Cloud holding a demo fleet: svc-demo-0001
(an extender offline), svc-demo-0002 (online), svc-demo-0003 (offline) and svc-demo-0004 (a
slow line); a CSV that is an onboarding file is onboarded into it too. It then keeps its
journal in a temporary file, unless --journal names one.

The exit status is 0 when every location has a record (offline and degraded ones included),
1 when some could not be read or did not run, 3 when the sweep could not run, 130 when
interrupted.`,
		Example: `  plumectl sweep --csv fleet.csv --records fleet-health.jsonl
  plumectl sweep --csv customers.csv --workers 8 --output json

  # After an interruption: the locations recorded are skipped
  plumectl sweep --csv fleet.csv --records fleet-health.jsonl

  # Try it against the built-in fake's demo fleet
  printf 'service_id\nsvc-demo-0001\nsvc-demo-0002\nsvc-demo-0003\nsvc-demo-0004\n' > demo.csv
  plumectl sweep --csv demo.csv --fake`,
		GroupID:           groupBatch,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(cmd); err != nil {
				return err
			}
			return a.runSweep(cmd.Context(), &f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.csv, "csv", "", "the CSV `file` of locations (required)")
	fs.StringVar(&f.journal, "journal", "", "the journal `file`, a record per line (default FILE.sweep.journal.jsonl; \"none\": a temporary one)")
	fs.StringVar(&f.records, "records", "", "write one record per location to this `file` at the end (\"-\": standard output)")
	addOutputFlag(cmd, &f.output, "summary `format`: text or json")
	fs.IntVar(&f.workers, "workers", batch.DefaultWorkers, "locations in flight")
	fs.Float64Var(&f.rate, "rate", plume.DefaultRateLimit, "requests per second")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check the CSV and the journal; send nothing")
	fs.BoolVar(&f.fake, "fake", false, "run against a built-in fake Plume Cloud holding a demo fleet")
	_ = cmd.MarkFlagFilename("csv", "csv")
	_ = cmd.MarkFlagFilename("journal", "jsonl")
	_ = cmd.MarkFlagFilename("records", "jsonl")
	return cmd
}

func (f *sweepFlags) check(cmd *cobra.Command) error {
	switch {
	case f.csv == "":
		return usageErrorf(cmd, "--csv FILE is required")
	case f.workers < 1:
		return usageErrorf(cmd, "--workers must be at least 1")
	case !(f.rate > 0) || math.IsNaN(f.rate):
		return usageErrorf(cmd, "--rate must be above 0")
	case f.records == outputText || f.records == outputJSON:
		return usageErrorf(cmd, "--records names the file of the records; the summary's format is --output %s", f.records)
	case f.dryRun && f.records != "":
		return usageErrorf(cmd, "--records goes without --dry-run")
	}
	if err := checkOutput(f.output); err != nil {
		return usageErrorf(cmd, "%v", err)
	}
	return nil
}

// runSweep counts the locations, opens the journal, connects, sweeps, exports the records
// and reports.
func (a *app) runSweep(ctx context.Context, f *sweepFlags) error {
	total, err := countSweepRows(f.csv)
	if err != nil {
		return err
	}
	journal, temporary, err := f.openJournal()
	if err != nil {
		return err
	}
	if temporary != "" {
		defer os.RemoveAll(temporary)
	}
	if journal != nil {
		defer journal.Close()
	}
	runner := &batch.Runner{Workers: f.workers, Journal: journal, Total: total, Interrupt: a.interrupt, DryRun: f.dryRun}
	if !f.dryRun {
		c, err := a.connectHealth(ctx, healthConnOptions{fake: f.fake, rate: f.rate, workers: f.workers, seedCSV: f.csv})
		if err != nil {
			return err
		}
		defer c.Close()
		runner.Client, runner.Gate = c.client, c.gate
	}
	file, err := os.Open(f.csv)
	if err != nil {
		return err
	}
	defer file.Close()

	bar := a.newBar("sweep", total)
	sum, runErr := runner.Sweep(ctx, batch.ReadSweepCSV(file), func(p batch.SweepProgress) { bar.update(p.Progress) })
	bar.finish()
	rep := newSweepReport(f, journal, temporary != "", sum, runErr)
	if journal != nil {
		if err := journal.Close(); err != nil && rep.Error == "" {
			runErr, rep.Error = err, err.Error()
		}
		if !f.dryRun {
			whole, err := f.export(journal.Path(), a.stdout)
			switch {
			case err != nil && rep.Error == "":
				runErr, rep.Error = err, err.Error() // the summary still shows what ran
			case err == nil:
				rep.Sweep = &whole
			}
		}
	}
	out := a.stdout
	if f.records == "-" {
		out = a.stderr
	}
	if err := rep.write(out, f.output); err != nil {
		return err
	}
	return exitWith(batchStatus(ctx, &sum.Summary, runErr))
}

// countSweepRows reads the CSV once for the progress bar's total; it also finds a bad header
// before anything is sent.
func countSweepRows(path string) (int, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	n := 0
	for _, err := range batch.ReadSweepCSV(file) {
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		n++
	}
	return n, nil
}

// openJournal opens the journal the flags name, or a temporary one (--journal none, or by
// default with --fake), whose directory it returns for removal; a dry run opens only an
// existing journal, and writes nothing to it.
func (f *sweepFlags) openJournal() (j *batch.Journal, temporary string, err error) {
	path := f.journal
	switch {
	case f.dryRun && (path == "" && f.fake || strings.EqualFold(path, journalNone)):
		return nil, "", nil
	case path == "" && f.fake, strings.EqualFold(path, journalNone):
		if temporary, err = os.MkdirTemp("", "plumectl-sweep-"); err != nil {
			return nil, "", err
		}
		path = filepath.Join(temporary, "sweep.journal.jsonl")
	case path == "":
		path = f.csv + ".sweep.journal.jsonl"
	}
	if f.dryRun {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, "", nil
		}
	}
	j, err = batch.OpenJournal(path)
	if err != nil && temporary != "" {
		os.RemoveAll(temporary)
		temporary = ""
	}
	return j, temporary, err
}

// export writes the record of each location of the journal to --records (stdout for "-";
// none: it only counts them) and returns the counts of the whole sweep.
func (f *sweepFlags) export(journalPath string, stdout io.Writer) (batch.SweepCounts, error) {
	in, err := os.Open(journalPath)
	if err != nil {
		return batch.SweepCounts{}, err
	}
	defer in.Close()
	var out io.Writer = io.Discard
	switch f.records {
	case "":
	case "-":
		out = stdout
	default:
		file, err := os.OpenFile(f.records, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return batch.SweepCounts{}, err
		}
		counts, err := batch.ExportSweep(in, file)
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		return counts, err
	}
	return batch.ExportSweep(in, out)
}
