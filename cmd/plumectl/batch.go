package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/plumecloud/plume-go/batch"
)

// journalNone is the --journal value for no journal.
const journalNone = "none"

// runBatch counts the rows, opens the journal, connects, runs and reports.
func (a *app) runBatch(ctx context.Context, cmd string, f *batchFlags, op batch.Operation, opts batch.RowOptions) error {
	total, err := countRows(f.csv, op, opts)
	if err != nil {
		return err
	}
	journal, err := f.openJournal(cmd)
	if err != nil {
		return err
	}
	if journal != nil {
		defer journal.Close()
	}
	runner := &batch.Runner{Workers: f.workers, Journal: journal, Total: total, Interrupt: a.interrupt, DryRun: f.dryRun}
	if !f.dryRun {
		c, err := a.connect(ctx, connOptions{fake: f.fake, rate: f.rate, workers: f.workers, seedCSV: f.csv, seedOnboard: cmd != "onboard"})
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

	bar := a.newBar(cmd, total)
	runner.Progress = bar.update
	sum, runErr := runner.Run(ctx, batch.RowsOf(batch.ReadCSV(file), op, opts))
	bar.finish()
	if journal != nil {
		if err := journal.Close(); err != nil && runErr == nil {
			runErr = err
		}
	}
	rep := newReport(cmd, op, f, journal, sum, runErr)
	if err := rep.write(a.stdout, f.output); err != nil {
		return err
	}
	return exitWith(batchStatus(ctx, sum, runErr))
}

// batchStatus is the exit status of a batch run, whose summary says why.
func batchStatus(ctx context.Context, sum *batch.Summary, runErr error) int {
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case runErr != nil:
		return exitError
	case !sum.OK():
		return exitFailed
	}
	return exitOK
}

// countRows reads the CSV once for the progress bar's total; it also finds a bad header
// before anything is sent.
func countRows(path string, op batch.Operation, opts batch.RowOptions) (int, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	n := 0
	for _, err := range batch.RowsOf(batch.ReadCSV(file), op, opts) {
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		n++
	}
	return n, nil
}

// openJournal opens the journal the flags name: none with --journal none, or by default
// with --fake (the fake forgets everything when plumectl exits); a dry run opens only an
// existing one, and writes nothing to it.
func (f *batchFlags) openJournal(cmd string) (*batch.Journal, error) {
	path := f.journal
	switch {
	case strings.EqualFold(path, journalNone):
		return nil, nil
	case path == "" && f.fake:
		return nil, nil
	case path == "":
		path = f.csv + "." + cmd + ".journal.jsonl"
	}
	if f.dryRun {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	return batch.OpenJournal(path)
}
