package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

// batchFlags are the flags of onboard, offboard, suspend and resume.
type batchFlags struct {
	csv     string
	journal string
	output  string
	workers int
	rate    float64
	dryRun  bool
	fake    bool

	emailVerification string // onboard
	checkpoint        string // onboard
	verifyNodes       bool   // onboard
	replaceWifi       bool   // onboard
	rma               bool   // offboard
	level             string // suspend
}

// journalNone is the --journal value for no journal.
const journalNone = "none"

// batch runs onboard, offboard, suspend or resume over a CSV file.
func (a *app) batch(ctx context.Context, cmd string, args []string) int {
	fs := a.newFlags(cmd)
	var f batchFlags
	fs.StringVar(&f.csv, "csv", "", "the CSV `file` (required)")
	fs.StringVar(&f.journal, "journal", "", "the journal `file` (default FILE.COMMAND.journal.jsonl; \"none\" for none)")
	fs.StringVar(&f.output, "output", "text", "summary `format`: text or json")
	fs.IntVar(&f.workers, "workers", batch.DefaultWorkers, "rows in flight")
	fs.Float64Var(&f.rate, "rate", plume.DefaultRateLimit, "requests per `second`")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check the CSV and the journal; send nothing")
	fs.BoolVar(&f.fake, "fake", false, "run against a built-in fake Plume Cloud seeded from the CSV")
	switch cmd {
	case "onboard":
		fs.StringVar(&f.emailVerification, "email-verification", "none", "none, mark (the ISP verified it) or send (Plume mails the customer)")
		fs.StringVar(&f.checkpoint, "checkpoint", string(plume.OnboardingComplete), "OnboardingComplete or PodsAdded")
		fs.BoolVar(&f.verifyNodes, "verify-nodes", false, "look every serial up before registering the customer")
		fs.BoolVar(&f.replaceWifi, "replace-wifi", false, "replace an existing WiFi network instead of keeping it")
	case "offboard":
		fs.BoolVar(&f.rma, "rma", false, "unclaim each row's gateway and extenders instead of cancelling its location")
	case "suspend":
		fs.StringVar(&f.level, "level", string(plume.NoService), "noService or basicService")
	}
	positional, err := parse(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(positional) > 0 {
		return a.usageError("%s: unexpected argument %q", cmd, positional[0])
	}
	op, opts, err := f.operation(cmd)
	if err != nil {
		return a.usageError("%s: %v", cmd, err)
	}
	return a.runBatch(ctx, cmd, &f, op, opts)
}

// operation checks the flags and returns the batch operation and row options they ask for.
func (f *batchFlags) operation(cmd string) (batch.Operation, batch.RowOptions, error) {
	var opts batch.RowOptions
	switch {
	case f.csv == "":
		return "", opts, errors.New("--csv FILE is required")
	case f.output != "text" && f.output != "json":
		return "", opts, fmt.Errorf("--output must be text or json, not %q", f.output)
	case f.workers < 1:
		return "", opts, errors.New("--workers must be at least 1")
	case !(f.rate > 0) || math.IsNaN(f.rate):
		return "", opts, errors.New("--rate must be above 0")
	}
	switch cmd {
	case "onboard":
		return f.onboardOptions()
	case "offboard":
		if f.rma {
			return batch.OpUnclaimForRMA, opts, nil
		}
		return batch.OpCancelService, opts, nil
	case "suspend":
		opts.Level = plume.ServiceLevelStatus(f.level)
		if opts.Level != plume.NoService && opts.Level != plume.BasicService {
			return "", opts, fmt.Errorf("--level must be %s or %s, not %q", plume.NoService, plume.BasicService, f.level)
		}
		return batch.OpSuspend, opts, nil
	}
	return batch.OpResume, opts, nil
}

func (f *batchFlags) onboardOptions() (batch.Operation, batch.RowOptions, error) {
	var opts batch.RowOptions
	verification := map[string]plume.EmailVerification{
		"none": plume.EmailVerificationNone, "mark": plume.MarkEmailVerified, "send": plume.SendEmailVerification,
	}
	v, ok := verification[f.emailVerification]
	if !ok {
		return "", opts, fmt.Errorf("--email-verification must be none, mark or send, not %q", f.emailVerification)
	}
	checkpoint := plume.Checkpoint(f.checkpoint)
	if checkpoint != plume.OnboardingComplete && checkpoint != plume.PodsAdded {
		return "", opts, fmt.Errorf("--checkpoint must be %s or %s, not %q", plume.OnboardingComplete, plume.PodsAdded, f.checkpoint)
	}
	opts.Onboard = plume.OnboardRequest{
		EmailVerification: v, Checkpoint: checkpoint,
		VerifyNodesFirst: f.verifyNodes, ReplaceWifi: f.replaceWifi,
	}
	return batch.OpOnboard, opts, nil
}

// runBatch counts the rows, opens the journal, connects, runs and reports.
func (a *app) runBatch(ctx context.Context, cmd string, f *batchFlags, op batch.Operation, opts batch.RowOptions) int {
	total, err := countRows(f.csv, op, opts)
	if err != nil {
		return a.fail(ctx, err)
	}
	journal, err := f.openJournal(cmd)
	if err != nil {
		return a.fail(ctx, err)
	}
	if journal != nil {
		defer journal.Close()
	}
	runner := &batch.Runner{Workers: f.workers, Journal: journal, Total: total, Interrupt: a.interrupt, DryRun: f.dryRun}
	if !f.dryRun {
		c, err := a.connect(ctx, connOptions{fake: f.fake, rate: f.rate, workers: f.workers, seedCSV: f.csv, seedOnboard: cmd != "onboard"})
		if err != nil {
			return a.fail(ctx, err)
		}
		defer c.Close()
		runner.Client, runner.Gate = c.client, c.gate
	}
	file, err := os.Open(f.csv)
	if err != nil {
		return a.fail(ctx, err)
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
		return a.fail(ctx, err)
	}
	return batchStatus(ctx, sum, runErr)
}

// batchStatus is the exit status of a batch run.
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
