package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
)

// ownCommands are plumectl's commands, without cobra's help and completion.
func ownCommands(t *testing.T) []*cobra.Command {
	t.Helper()
	var own []*cobra.Command
	for _, cmd := range (&app{stdout: io.Discard, stderr: io.Discard}).newRootCmd().Commands() {
		if name := cmd.Name(); name != "help" && name != "completion" {
			own = append(own, cmd)
		}
	}
	require.NotEmpty(t, own)
	return own
}

// TestEveryCommandIsDocumented holds the commands to come to the help of those there are: a
// short and a long description, examples, and a group in the command list.
func TestEveryCommandIsDocumented(t *testing.T) {
	t.Parallel()
	for _, cmd := range ownCommands(t) {
		assert.NotEmpty(t, cmd.Short, cmd.Name())
		assert.NotEmpty(t, cmd.Long, cmd.Name())
		assert.Contains(t, cmd.Example, "plumectl "+cmd.Name(), cmd.Name())
		assert.NotEmpty(t, cmd.GroupID, cmd.Name())
		assert.NotNil(t, cmd.RunE, cmd.Name())
	}
}

func TestHelpPerCommand(t *testing.T) {
	t.Parallel()
	for _, cmd := range ownCommands(t) {
		name := cmd.Name()
		help, stderr, code := runApp(t, "help", name)
		require.Equal(t, exitOK, code, stderr)
		assert.Empty(t, stderr)
		assert.Contains(t, help, strings.SplitN(cmd.Long, "\n", 2)[0], name)
		assert.Contains(t, help, "Usage:\n  plumectl "+name, name)
		assert.Contains(t, help, "Examples:\n  ", name)
		assert.Contains(t, help, "\nFlags:\n", name)

		flagHelp, _, code := runApp(t, name, "--help")
		assert.Equal(t, exitOK, code, name)
		assert.Equal(t, help, flagHelp, "help %s and %s --help", name, name)
	}
	help, _, code := runApp(t, "--help")
	assert.Equal(t, exitOK, code)
	for _, cmd := range ownCommands(t) {
		assert.Regexp(t, `\n  `+cmd.Name()+` +`+regexp.QuoteMeta(cmd.Short)+`\n`, help)
	}
	assert.Contains(t, help, "completion")
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for shell, want := range map[string]string{
		"bash":       "complete -o default -F __start_plumectl plumectl",
		"zsh":        "#compdef plumectl",
		"fish":       "complete -c plumectl",
		"powershell": "Register-ArgumentCompleter -CommandName 'plumectl'",
	} {
		stdout, stderr, code := runApp(t, "completion", shell)
		require.Equal(t, exitOK, code, "%s: %s", shell, stderr)
		assert.Contains(t, stdout, want, shell)
		assert.Empty(t, stderr, shell)
	}
	stdout, _, _ := runApp(t, "completion", "bash")
	assert.Contains(t, stdout, "__start_plumectl()")
	_, stderr, code := runApp(t, "completion", "tcsh")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "tcsh"`)
}

// TestCompletionOfWords is what the shell gets when the user presses tab.
func TestCompletionOfWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"on"}, []string{"onboard\tOnboard the customers of a CSV file"}},
		{[]string{"onboard", "--output", ""}, []string{"text", "json"}},
		{[]string{"rma", "GW-1", "--output", ""}, []string{"text", "json"}},
		{[]string{"onboard", "--email-verification", ""}, []string{"none", "mark", "send"}},
		{[]string{"onboard", "--checkpoint", ""}, []string{"OnboardingComplete", "PodsAdded"}},
		{[]string{"suspend", "--level", ""}, []string{"noService", "basicService"}},
		{[]string{"offboard", "--csv", ""}, []string{"csv"}}, // files ending .csv
	} {
		stdout, stderr, code := runApp(t, append([]string{cobra.ShellCompRequestCmd}, tc.words...)...)
		require.Equal(t, exitOK, code, "%v: %s", tc.words, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.NotEmpty(t, lines)
		assert.Equal(t, tc.want, lines[:len(lines)-1], "%v", tc.words) // the last is the directive
	}
}

// TestOneDashFlags: the dispatcher before cobra took -name as well as --name.
func TestOneDashFlags(t *testing.T) {
	t.Parallel()
	csv := writeCSV(t, t.TempDir(), "c.csv", 1, 3)
	stdout, stderr, code := runApp(t, "onboard", "-csv", csv, "-dry-run", "-output=json")
	require.Equal(t, exitOK, code, stderr)
	var rep report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 3, rep.WouldRun)

	root := (&app{stdout: io.Discard, stderr: io.Discard}).newRootCmd()
	for _, tc := range []struct{ args, want []string }{
		{[]string{"onboard", "-csv", "f", "-fake"}, []string{"onboard", "--csv", "f", "--fake"}},
		{[]string{"onboard", "-csv=f", "-workers", "2"}, []string{"onboard", "--csv=f", "--workers", "2"}},
		{[]string{"onboard", "--csv", "-fake"}, []string{"onboard", "--csv", "-fake"}},        // a value
		{[]string{"onboard", "-journal", "-rate"}, []string{"onboard", "--journal", "-rate"}}, // a value
		{[]string{"rma", "-fake", "--", "-csv"}, []string{"rma", "--fake", "--", "-csv"}},
		{[]string{"lookup", "-serial", "S", "-h"}, []string{"lookup", "--serial", "S", "-h"}},
		{[]string{"offboard", "-no-such-flag"}, []string{"offboard", "-no-such-flag"}},
		{[]string{"-help"}, []string{"--help"}},
		{[]string{"frobnicate", "-csv"}, []string{"frobnicate", "-csv"}},
	} {
		assert.Equal(t, tc.want, oneDashLongFlags(root, tc.args), "%v", tc.args)
	}
}

func TestExitStatuses(t *testing.T) {
	t.Parallel()
	cmd := &cobra.Command{Use: "lookup"}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	failure := errors.New("plume: Customers.Get: GET /Customers/x: 500")
	notFound := fmt.Errorf("plume: Customers.Get: %w", plume.ErrNotFound)
	for _, tc := range []struct {
		name   string
		err    error
		want   int
		stderr string
	}{
		{"nothing wrong", withStatus(t.Context(), nil), exitOK, ""},
		{"could not run", withStatus(t.Context(), failure), exitError, "plumectl: " + failure.Error() + "\n"},
		{"interrupted", withStatus(cancelled, failure), exitInterrupted, "plumectl: " + failure.Error() + "\n"},
		{"usage, kept", withStatus(cancelled, usageErrorf(cmd, "give one")), exitUsage, "plumectl: lookup: give one\nRun 'lookup --help' for usage.\n"},
		{"cobra's own", errors.New(`unknown command "x" for "lookup"`), exitUsage, "plumectl: unknown command \"x\" for \"lookup\"\nRun 'lookup --help' for usage.\n"},
		{"found nothing", withStatus(t.Context(), foundNothing(cmd, notFound, "no such customer")), exitFailed, "plumectl: lookup: no such customer\n"},
		{"found nothing, another error", withStatus(t.Context(), foundNothing(cmd, failure, "no such customer")), exitError, "plumectl: " + failure.Error() + "\n"},
		{"reported already", withStatus(t.Context(), exitWith(exitFailed)), exitFailed, ""},
		{"all done", exitWith(exitOK), exitOK, ""},
	} {
		var stderr strings.Builder
		a := &app{stdout: io.Discard, stderr: &stderr}
		assert.Equal(t, tc.want, a.exit(cmd, tc.err), tc.name)
		assert.Equal(t, tc.stderr, stderr.String(), tc.name)
	}
}

// TestNoSecretsInHelpOrErrors runs help, completion and command-line mistakes with the
// credentials in the environment.
func TestNoSecretsInHelpOrErrors(t *testing.T) {
	const id, secret = "client-id-1234", "client-secret-5678"
	t.Setenv(plume.EnvClientID, id)
	t.Setenv(plume.EnvClientSecret, secret)
	t.Setenv(plume.EnvAuthHash, "Basic "+base64.StdEncoding.EncodeToString([]byte(id+":"+secret)))
	for _, args := range [][]string{
		nil, {"help"}, {"help", "token"}, {"token", "--help"}, {"completion", "bash"},
		{"token", "extra"}, {"token", "--output", "xml"}, {"onboard", "--bogus"}, {"frobnicate"},
	} {
		stdout, stderr, _ := runApp(t, args...)
		for _, s := range []string{secret, base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))} {
			assert.NotContains(t, stdout+stderr, s, "%v", args)
		}
	}
}
