// Command plumectl onboards, offboards, suspends and looks up Plume customers, one at a time
// or thousands from a CSV file, at the API's full rate budget and resumably: every finished
// row is a line in a journal, and running the same command again skips the rows done.
//
//	plumectl onboard  --csv FILE [--journal FILE] [--workers N] [--dry-run]
//	plumectl offboard --csv FILE [--rma] ...
//	plumectl suspend  --csv FILE [--level noService|basicService] ...
//	plumectl resume   --csv FILE ...
//	plumectl rma SERIAL...
//	plumectl lookup   --account ID | --serial S | --service-id X
//	plumectl token
//
// It reads the PLUME_* variables of plume.NewClientFromEnv; --fake runs against a built-in
// fake Plume Cloud seeded from the CSV. See README.md beside this file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// Exit statuses.
const (
	exitOK          = 0   // every row done
	exitFailed      = 1   // some rows failed or were not run; lookup found nothing
	exitUsage       = 2   // bad command line
	exitError       = 3   // could not run: configuration, unreadable CSV, refused credentials
	exitInterrupted = 130 // stopped by Ctrl-C (128 + SIGINT)
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := make(chan struct{})
	go onSignals(cancel, interrupt)
	app := &app{
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		progress:  term.IsTerminal(int(os.Stderr.Fd())),
		interrupt: interrupt,
	}
	os.Exit(app.run(ctx, os.Args[1:]))
}

// onSignals cancels the run at the first SIGINT or SIGTERM (no more rows are taken, the rows
// in flight finish) and closes interrupt at the second (the rows in flight are cancelled).
func onSignals(cancel context.CancelFunc, interrupt chan<- struct{}) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	<-sigs
	fmt.Fprintln(os.Stderr, "\nplumectl: stopping: finishing the rows in flight (again to cancel them)")
	cancel()
	<-sigs
	fmt.Fprintln(os.Stderr, "plumectl: cancelling the rows in flight")
	close(interrupt)
	signal.Stop(sigs)
}

// app is one invocation: where it writes, and whether stderr shows a progress bar.
type app struct {
	stdout, stderr io.Writer
	progress       bool            // stderr is a terminal
	interrupt      <-chan struct{} // closed at the second Ctrl-C
}

const usage = `plumectl: onboard, offboard and look up Plume customers, one at a time or from a CSV file.

Usage:
  plumectl onboard  --csv FILE [batch flags] [--email-verification none|mark|send]
                    [--checkpoint OnboardingComplete|PodsAdded] [--verify-nodes] [--replace-wifi]
  plumectl offboard --csv FILE [batch flags] [--rma]
                    cancel the service at each row's location (service_id, or customer_id and
                    location_id), or with --rma unclaim each row's gateway and extenders
  plumectl suspend  --csv FILE [batch flags] [--level noService|basicService]
  plumectl resume   --csv FILE [batch flags]
  plumectl rma      SERIAL... [--fake [--csv FILE]] [--output text|json]
  plumectl lookup   --account ID | --serial SERIAL | --service-id ID [--fake [--csv FILE]] [--output text|json]
  plumectl token    [--fake] [--output text|json]

Batch flags:
  --journal FILE   the journal (default FILE.COMMAND.journal.jsonl; "none" for none); a rerun
                   skips the rows it has as done and retries the others
  --workers N      rows in flight (default 4); they share one rate budget
  --rate R         requests per second (default 6, the budget of the WAF)
  --dry-run        check the CSV and the journal; send nothing
  --fake           run against a built-in fake Plume Cloud seeded from the CSV
  --output FORMAT  text (default) or json

The PLUME_API_URL, PLUME_AUTH_URL, PLUME_PARTNER_ID and PLUME_AUTH_HASH (or PLUME_CLIENT_ID
and PLUME_CLIENT_SECRET) variables say which cloud to use.
Exit status: 0 all done, 1 some rows failed, 2 usage, 3 could not run, 130 interrupted.
`

// run runs the command in args and returns the exit status.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "onboard", "offboard", "suspend", "resume":
		return a.batch(ctx, cmd, rest)
	case "rma":
		return a.rma(ctx, rest)
	case "lookup":
		return a.lookup(ctx, rest)
	case "token":
		return a.token(ctx, rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(a.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(a.stderr, "plumectl: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// newFlags returns a flag set that reports to stderr and does not exit.
func (a *app) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("plumectl "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	return fs
}

// parse parses args, flags and positional arguments mixed, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// usageError prints a command-line mistake and returns exitUsage.
func (a *app) usageError(format string, args ...any) int {
	fmt.Fprintf(a.stderr, "plumectl: "+format+"\n", args...)
	return exitUsage
}

// parseStatus is the exit status of a flag parsing error: 0 for -h.
func parseStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// fail prints an error that kept the command from running and returns exitError, or
// exitInterrupted when ctx was cancelled.
func (a *app) fail(ctx context.Context, err error) int {
	fmt.Fprintln(a.stderr, "plumectl:", err)
	if ctx.Err() != nil {
		return exitInterrupted
	}
	return exitError
}
