// Command plumectl onboards, offboards, suspends and looks up Plume customers, one at a time
// or thousands from a CSV file, at the API's full rate budget and resumably: every finished
// row is a line in a journal, and running the same command again skips the rows done. For
// support staff it reads a location's health or a whole fleet's, and acts on one location:
// its devices, nodes, firmware, speed tests, HomePass keys, port forwards and freezes.
//
//	plumectl onboard  --csv FILE [--journal FILE] [--workers N] [--dry-run]
//	plumectl offboard --csv FILE [--rma] ...
//	plumectl suspend  --csv FILE [--level noService|basicService] ...
//	plumectl resume   --csv FILE ...
//	plumectl rma SERIAL...
//	plumectl lookup   --account ID | --serial S | --service-id X
//	plumectl token
//	plumectl status SERVICE_ID | SERIAL | CUSTOMER_ID/LOCATION_ID
//	plumectl sweep    --csv FILE [--records FILE]
//	plumectl devices | reboot | steer | firmware | speedtest LOCATION ...
//	plumectl keys list|create|update|delete LOCATION ...
//	plumectl keys zones list|create|update|delete LOCATION ...
//	plumectl portforward list|add|update|delete LOCATION ...
//	plumectl freeze | unfreeze LOCATION ...
//	plumectl help [COMMAND]
//	plumectl completion bash|zsh|fish|powershell
//
// It reads the PLUME_* variables of plume.NewClientFromEnv; --fake runs against a built-in
// fake Plume Cloud seeded from the CSV. The commands are github.com/spf13/cobra commands, one
// constructor each in a cmd_*.go file, added to the tree in root.go. See README.md beside
// this file.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupt := make(chan struct{})
	go onSignals(cancel, interrupt)
	app := &app{
		stdin:     os.Stdin,
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

// app is one invocation: where it reads and writes, and whether stderr shows a progress bar.
type app struct {
	stdin          io.Reader // only keys --key-stdin reads it; nil reads as empty
	stdout, stderr io.Writer
	progress       bool            // stderr is a terminal
	interrupt      <-chan struct{} // closed at the second Ctrl-C
}

// run runs the command line args and returns the exit status.
func (a *app) run(ctx context.Context, args []string) int {
	root := a.newRootCmd()
	if len(args) == 0 {
		root.SetOut(a.stderr)
		_ = root.Help()
		return exitUsage
	}
	root.SetArgs(oneDashLongFlags(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	return a.exit(cmd, err)
}
