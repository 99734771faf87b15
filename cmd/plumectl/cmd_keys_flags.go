package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/plumecloud/plume-go"
)

// keysFlags are the flags every keys command takes: the location, --zone, and --output,
// --fake and --csv.
type keysFlags struct {
	f     singleFlags
	where addressFlags
	zone  string
}

func (k *keysFlags) add(cmd *cobra.Command, zoneUsage string) {
	addSingleFlags(cmd, &k.f, true)
	k.where.add(cmd)
	cmd.Flags().StringVar(&k.zone, "zone", "", zoneUsage)
	completeFlagWith(cmd, "zone", keyZones...)
}

// check returns a usage error for flags that do not go together, no location, or a --zone
// that is not a zone type; zoneRequired makes --zone required.
func (k *keysFlags) check(cmd *cobra.Command, zoneRequired bool) error {
	if err := checkAt(cmd, &k.f, &k.where); err != nil {
		return err
	}
	switch {
	case k.zone == "" && zoneRequired:
		return usageErrorf(cmd, "--zone is required: home, guests or internetAccessOnly")
	case k.zone != "" && !slices.Contains(keyZones, k.zone):
		return usageErrorf(cmd, "--zone must be home, guests or internetAccessOnly, not %q", k.zone)
	}
	return nil
}

// noKeyArgs is the Args of keys (whose subcommand cobra has taken off), keys list and keys
// create: none. Unlike noArgs, and unlike cobra's "unknown command", it does not repeat the
// argument, which may be a key typed on the command line by mistake.
func noKeyArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case cmd.HasSubCommands():
		return usageErrorf(cmd, "unknown subcommand (not repeated: it may be a key): give list, create, update, delete or zones")
	}
	return usageErrorf(cmd, "takes no argument: the key is read from standard input (--key-stdin)")
}

// keyIDArg is the Args of a command on one key: KEY_ID, 0 to 9, stored in id. A bad one is
// not repeated: it may be a key typed on the command line by mistake.
func keyIDArg(id *int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageErrorf(cmd, "one KEY_ID, %d to %d, is required (the key itself is read from standard input)", plume.MinKeyID, plume.MaxKeyID)
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < plume.MinKeyID || n > plume.MaxKeyID {
			return usageErrorf(cmd, "KEY_ID must be a number from %d to %d", plume.MinKeyID, plume.MaxKeyID)
		}
		*id = n
		return nil
	}
}

// keyWriteFlags are the flags keys create and update share.
type keyWriteFlags struct {
	keyStdin bool
	phone    bool
	expires  string
	content  []string
}

func (w *keyWriteFlags) add(cmd *cobra.Command, phoneUsage string) {
	cmd.Flags().BoolVar(&w.keyStdin, "key-stdin", false, "read the key from standard input: its first line (not echoed on a terminal)")
	cmd.Flags().BoolVar(&w.phone, "phone", false, phoneUsage)
	cmd.Flags().StringVar(&w.expires, "expires", "", "expire `DURATION` from now (90m, 24h, 7d) or at an RFC 3339 time")
	cmd.Flags().StringSliceVar(&w.content, "content", nil, "the content `filters`, comma-separated (Plume documents adultAndSensitive)")
	completeFlagWith(cmd, "content", contentAdult)
}

// contentList is --content without blanks, never nil.
func (w *keyWriteFlags) contentList() []string {
	out := []string{}
	for _, c := range w.content {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// expiry is --expires as a time, nil when not given.
func (w *keyWriteFlags) expiry(cmd *cobra.Command, now time.Time) (*time.Time, error) {
	if !cmd.Flags().Changed("expires") {
		return nil, nil
	}
	t, err := parseExpires(w.expires, now)
	if err != nil {
		return nil, usageErrorf(cmd, "--expires %v", err)
	}
	return &t, nil
}

// parseExpires reads a time in the future: a duration from now (Go's, or whole days as 7d)
// or an RFC 3339 time.
func parseExpires(s string, now time.Time) (time.Time, error) {
	u, ok := parseLater(s)
	if !ok {
		return time.Time{}, fmt.Errorf("must be a duration (90m, 24h, 7d) or an RFC 3339 time (2026-12-31T23:00:00Z), not %q", strings.TrimSpace(s))
	}
	t := u.from(now)
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("must be in the future, not %s", t.UTC().Format(time.RFC3339))
	}
	return t, nil
}

// formatOf is the key format --phone says.
func formatOf(phone bool) plume.KeyFormat {
	if phone {
		return plume.KeyFormatPhoneNumber
	}
	return plume.KeyFormatEncryptionKey
}

// maxKeyLine bounds the line readKey reads: far longer than any key (a PSK has at most 63
// characters), short enough that a file given by mistake is not read whole.
const maxKeyLine = 1024

// readKey reads a key from standard input: on a terminal, a line typed without echo after a
// prompt on stderr; else the first line, its line ending trimmed. No error carries the key.
func (a *app) readKey(cmd *cobra.Command) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "Key (not echoed): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("%s: reading the key from the terminal: %w", cmd.Name(), err)
		}
		if len(b) == 0 {
			return "", usageErrorf(cmd, "--key-stdin: no key was typed")
		}
		return string(b), nil
	}
	if a.stdin == nil {
		return "", usageErrorf(cmd, "--key-stdin: standard input is empty")
	}
	line, err := bufio.NewReader(io.LimitReader(a.stdin, maxKeyLine+1)).ReadString('\n')
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		return "", fmt.Errorf("%s: reading the key from standard input: %w", cmd.Name(), err)
	case err != nil && len(line) > maxKeyLine:
		return "", usageErrorf(cmd, "--key-stdin: the first line of standard input is longer than %d bytes: not a key", maxKeyLine)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", usageErrorf(cmd, "--key-stdin: standard input is empty (a key is its first line)")
	}
	return line, nil
}

// refusedKey is a key request KeyRequest.Validate refused before any write: exit status 2.
// Its error never carries the key.
func refusedKey(cmd *cobra.Command, err error) error {
	return &statusError{status: exitUsage, err: fmt.Errorf("%s: the key is refused, nothing was changed: %w", cmd.Name(), err)}
}

// keyWriteError gives the error of a key write its exit status: a read-only key (HTTP 405)
// and a key the API refuses (HTTP 422) are 2, what is not found 1 with the message notFound,
// as place.fail says for the rest. id is -1 when the key has none yet.
func keyWriteError(cmd *cobra.Command, at place, err error, id int, zone, notFound string) error {
	switch {
	case errors.Is(err, plume.ErrReadOnly) && id < 0:
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: access zone %s is read-only (HTTP 405)", cmd.Name(), zone)}
	case errors.Is(err, plume.ErrReadOnly):
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: key %d of access zone %s is read-only: the API refuses to delete it or turn it off (HTTP 405); key 0 is the WiFi network's own password", cmd.Name(), id, zone)}
	case errors.Is(err, plume.ErrValidation):
		return &statusError{status: exitUsage, err: fmt.Errorf("%s: the API refused the key: %w", cmd.Name(), err)}
	}
	return at.fail(cmd, err, notFound)
}

// createdKey is the key CreateKey added: in the answer, the zone's key that is the key sent
// (the API refuses a key already in use, so there is one), else the zone's newest.
func createdKey(keys []plume.Key, zone plume.AccessZoneType, secret string) (plume.Key, bool) {
	var newest *plume.Key
	for i, k := range keys {
		if k.AccessZone != zone {
			continue
		}
		if k.EncryptionKey == secret {
			return k, true
		}
		if newest == nil || k.CreatedAt.After(newest.CreatedAt) {
			newest = &keys[i]
		}
	}
	if newest == nil {
		return plume.Key{}, false
	}
	return *newest, true
}
