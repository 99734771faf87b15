package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/plumecloud/plume-go"
)

// Exit statuses (the table in README.md).
const (
	exitOK          = 0   // every row done
	exitFailed      = 1   // some rows failed or were not run; lookup found nothing
	exitUsage       = 2   // bad command line
	exitError       = 3   // could not run: configuration, unreadable CSV, refused credentials
	exitInterrupted = 130 // stopped by Ctrl-C (128 + SIGINT)
)

// statusError ends plumectl with status. err is printed after "plumectl: "; a nil err prints
// nothing, for a command that has already written its outcome.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.status)
	}
	return e.err.Error()
}

func (e *statusError) Unwrap() error { return e.err }

// usageErrorf is a mistake on cmd's command line: exit status 2.
func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &statusError{status: exitUsage, err: fmt.Errorf(cmd.Name()+": "+format, args...)}
}

// exitWith ends the command with status and nothing more to say: its outcome is on stdout
// (a batch summary, a line per serial). exitOK is no error.
func exitWith(status int) error {
	if status == exitOK {
		return nil
	}
	return &statusError{status: status}
}

// foundNothing is for commands whose answer may be "there is none": when err is the API's
// not found (plume.ErrNotFound), it is exit status 1 with the message what; any other error
// is returned as is.
func foundNothing(cmd *cobra.Command, err error, what string) error {
	if errors.Is(err, plume.ErrNotFound) {
		return &statusError{status: exitFailed, err: fmt.Errorf("%s: %s", cmd.Name(), what)}
	}
	return err
}

// withStatus gives an error a command returned its exit status: its own for a *statusError,
// 130 once ctx is cancelled (Ctrl-C), else 3: the command could not run (configuration, an
// unreadable file, the API refusing). The error of an SDK call keeps its text, which the SDK
// has redacted.
func withStatus(ctx context.Context, err error) error {
	var se *statusError
	switch {
	case err == nil, errors.As(err, &se):
		return err
	case ctx.Err() != nil:
		return &statusError{status: exitInterrupted, err: err}
	}
	return &statusError{status: exitError, err: err}
}

// classifyRunErrors wraps the RunE of every command in the tree with withStatus, so that an
// error out of Execute without a status is cobra's own: a command, flag or argument it could
// not take.
func classifyRunErrors(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			return withStatus(cmd.Context(), run(cmd, args))
		}
	}
	for _, sub := range cmd.Commands() {
		classifyRunErrors(sub)
	}
}

// flagError is cobra's flag error function: a usage error, an unknown flag worded as the
// flag package of the hand-written dispatcher worded it.
func flagError(cmd *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	if errors.As(err, &notExist) {
		name := "--" + notExist.GetSpecifiedName()
		if short := notExist.GetSpecifiedShortnames(); short != "" {
			name = "-" + short
		}
		return usageErrorf(cmd, "flag provided but not defined: %s", name)
	}
	var invalid *pflag.InvalidValueError
	if errors.As(err, &invalid) && underKeys(cmd) {
		// --key-stdin=KEY or --phone=NUMBER: the value may be a key typed where it must not be.
		return usageErrorf(cmd, "invalid value for --%s (not repeated: it may be a key)", invalid.GetFlag().Name)
	}
	return usageErrorf(cmd, "%v", err)
}

// underKeys reports whether cmd is plumectl keys or one of its subcommands, whose errors
// never repeat a value from the command line that may be a key.
func underKeys(cmd *cobra.Command) bool {
	for ; cmd != nil; cmd = cmd.Parent() {
		if cmd.Name() == "keys" && cmd.HasParent() && !cmd.Parent().HasParent() {
			return true
		}
	}
	return false
}

// exit prints what err has to say and returns the exit status it stands for; cmd is the
// command Execute ran or failed to run.
func (a *app) exit(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	status := exitUsage // cobra's own errors: an unknown command, flag or argument
	var se *statusError
	if errors.As(err, &se) {
		status, err = se.status, se.err
	}
	if err == nil {
		return status
	}
	fmt.Fprintln(a.stderr, "plumectl:", err)
	if status == exitUsage && cmd != nil {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return status
}
