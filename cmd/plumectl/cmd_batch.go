package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

// batchLong ends the long description of every batch command.
const batchLong = `

The CSV file has a header row naming its columns (README.md lists them). Every finished row
is a line in the journal, FILE.COMMAND.journal.jsonl by default: run the same command again
and the rows done are skipped, the others retried. --workers rows are in flight at once,
sharing one rate budget of --rate requests per second. Ctrl-C lets the rows in flight finish
(a second Ctrl-C cancels them); the exit status is then 130. With --fake the command runs
against a built-in fake Plume Cloud seeded from the file, and keeps no journal unless given
one.`

// batchFlags are the flags every batch command has.
type batchFlags struct {
	csv     string
	journal string
	output  string
	workers int
	rate    float64
	dryRun  bool
	fake    bool
}

// batchCmd completes cmd as a batch command: the batch flags, and a run over the rows of
// --csv doing the operation that operation returns from cmd's own flags.
func (a *app) batchCmd(cmd *cobra.Command, operation func() (batch.Operation, batch.RowOptions, error)) *cobra.Command {
	var f batchFlags
	cmd.GroupID = groupBatch
	cmd.Long += batchLong
	cmd.Args = noArgs
	cmd.ValidArgsFunction = cobra.NoFileCompletions
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := f.check(); err != nil {
			return usageErrorf(cmd, "%v", err)
		}
		op, opts, err := operation()
		if err != nil {
			return usageErrorf(cmd, "%v", err)
		}
		return a.runBatch(cmd.Context(), cmd.Name(), &f, op, opts)
	}
	fs := cmd.Flags()
	fs.StringVar(&f.csv, "csv", "", "the CSV `file` (required)")
	fs.StringVar(&f.journal, "journal", "", "the journal `file` (default FILE.COMMAND.journal.jsonl; \"none\" for none)")
	addOutputFlag(cmd, &f.output, "summary `format`: text or json")
	fs.IntVar(&f.workers, "workers", batch.DefaultWorkers, "rows in flight")
	fs.Float64Var(&f.rate, "rate", plume.DefaultRateLimit, "requests per second")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check the CSV and the journal; send nothing")
	fs.BoolVar(&f.fake, "fake", false, "run against a built-in fake Plume Cloud seeded from the CSV")
	_ = cmd.MarkFlagFilename("csv", "csv")
	_ = cmd.MarkFlagFilename("journal", "jsonl")
	return cmd
}

// check checks the flags every batch command has.
func (f *batchFlags) check() error {
	if f.csv == "" {
		return errors.New("--csv FILE is required")
	}
	if err := checkOutput(f.output); err != nil {
		return err
	}
	switch {
	case f.workers < 1:
		return errors.New("--workers must be at least 1")
	case !(f.rate > 0) || math.IsNaN(f.rate):
		return errors.New("--rate must be above 0")
	}
	return nil
}

func (a *app) newOnboardCmd() *cobra.Command {
	var emailVerification, checkpoint string
	var verifyNodes, replaceWifi bool
	cmd := a.batchCmd(&cobra.Command{
		Use:   "onboard --csv FILE",
		Short: "Onboard the customers of a CSV file",
		Long: `Onboard runs Client.Onboard for each row of the CSV file: register the customer (or continue
the one an earlier run registered), set the service id, create the WiFi network, claim the
gateway then the extenders, complete onboarding, and verify the email as
--email-verification says. A malformed row is reported with its line and column, and does
not stop the batch.`,
		Example: `  # Find the malformed rows, sending nothing
  plumectl onboard --csv customers.csv --dry-run

  # Onboard, marking the emails verified, and print the summary as JSON
  plumectl onboard --csv customers.csv --email-verification mark --output json

  # After an interruption or failures: the rows done are skipped, the others retried
  plumectl onboard --csv customers.csv`,
	}, func() (batch.Operation, batch.RowOptions, error) {
		return onboardOperation(emailVerification, checkpoint, verifyNodes, replaceWifi)
	})
	fs := cmd.Flags()
	fs.StringVar(&emailVerification, "email-verification", "none", "none, mark (the ISP verified it) or send (Plume mails the customer)")
	fs.StringVar(&checkpoint, "checkpoint", string(plume.OnboardingComplete), "OnboardingComplete or PodsAdded")
	fs.BoolVar(&verifyNodes, "verify-nodes", false, "look every serial up before registering the customer")
	fs.BoolVar(&replaceWifi, "replace-wifi", false, "replace an existing WiFi network instead of keeping it")
	completeFlagWith(cmd, "email-verification", "none", "mark", "send")
	completeFlagWith(cmd, "checkpoint", string(plume.OnboardingComplete), string(plume.PodsAdded))
	return cmd
}

func onboardOperation(emailVerification, checkpoint string, verifyNodes, replaceWifi bool) (batch.Operation, batch.RowOptions, error) {
	var opts batch.RowOptions
	verification := map[string]plume.EmailVerification{
		"none": plume.EmailVerificationNone, "mark": plume.MarkEmailVerified, "send": plume.SendEmailVerification,
	}
	v, ok := verification[emailVerification]
	if !ok {
		return "", opts, fmt.Errorf("--email-verification must be none, mark or send, not %q", emailVerification)
	}
	cp := plume.Checkpoint(checkpoint)
	if cp != plume.OnboardingComplete && cp != plume.PodsAdded {
		return "", opts, fmt.Errorf("--checkpoint must be %s or %s, not %q", plume.OnboardingComplete, plume.PodsAdded, checkpoint)
	}
	opts.Onboard = plume.OnboardRequest{
		EmailVerification: v, Checkpoint: cp,
		VerifyNodesFirst: verifyNodes, ReplaceWifi: replaceWifi,
	}
	return batch.OpOnboard, opts, nil
}

func (a *app) newOffboardCmd() *cobra.Command {
	var rma bool
	cmd := a.batchCmd(&cobra.Command{
		Use:   "offboard --csv FILE",
		Short: "Cancel the service at each row's location, or unclaim its nodes for return",
		Long: `Offboard cancels the service at each row's location, found by service_id (or customer_id
and location_id): the location is archived and its nodes unclaimed. With --rma it unclaims
each row's gateway and extenders instead, wherever they are claimed, for return.`,
		Example: `  plumectl offboard --csv cancelled.csv
  plumectl offboard --csv returns.csv --rma

  # Try it: the fake is given the file's customers first
  plumectl offboard --csv cancelled.csv --fake`,
	}, func() (batch.Operation, batch.RowOptions, error) {
		if rma {
			return batch.OpUnclaimForRMA, batch.RowOptions{}, nil
		}
		return batch.OpCancelService, batch.RowOptions{}, nil
	})
	cmd.Flags().BoolVar(&rma, "rma", false, "unclaim each row's gateway and extenders instead of cancelling its location")
	return cmd
}

func (a *app) newSuspendCmd() *cobra.Command {
	var level string
	cmd := a.batchCmd(&cobra.Command{
		Use:   "suspend --csv FILE",
		Short: "Lower the service level at each row's location",
		Long: `Suspend lowers the service level at each row's location, found by service_id (or
customer_id and location_id), to noService (WiFi stopped) or basicService. Resume restores
fullService.`,
		Example: `  plumectl suspend --csv unpaid.csv
  plumectl suspend --csv unpaid.csv --level basicService`,
	}, func() (batch.Operation, batch.RowOptions, error) {
		opts := batch.RowOptions{Level: plume.ServiceLevelStatus(level)}
		if opts.Level != plume.NoService && opts.Level != plume.BasicService {
			return "", opts, fmt.Errorf("--level must be %s or %s, not %q", plume.NoService, plume.BasicService, level)
		}
		return batch.OpSuspend, opts, nil
	})
	cmd.Flags().StringVar(&level, "level", string(plume.NoService), "noService or basicService")
	completeFlagWith(cmd, "level", string(plume.NoService), string(plume.BasicService))
	return cmd
}

func (a *app) newResumeCmd() *cobra.Command {
	return a.batchCmd(&cobra.Command{
		Use:   "resume --csv FILE",
		Short: "Restore full service at each row's location",
		Long: `Resume restores fullService at each row's location, found by service_id (or customer_id
and location_id): the way back from suspend.`,
		Example: `  plumectl resume --csv paid.csv`,
	}, func() (batch.Operation, batch.RowOptions, error) {
		return batch.OpResume, batch.RowOptions{}, nil
	})
}
