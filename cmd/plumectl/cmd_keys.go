package main

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

// keysHelp is what every keys command says about keys, zones and secrets.
const keysHelp = `A location's WiFi network has up to ten HomePass keys, ids 0 to 9: extra WiFi passwords
(or phone numbers used as passwords), each giving access to one access zone: home, guests or
internetAccessOnly. Key 0 is the network's own password, in zone home: the API refuses to
delete it or turn it off (HTTP 405, exit status 2), and changing it changes the network's
password.

plumectl never prints a key: not in a table, not in JSON, not in an error. A key is read
from standard input (--key-stdin: its first line, the line ending trimmed; on a terminal it
is not echoed), never from the command line, where shell history and ps would see it.`

// keyZones are the access zone types, as --zone takes them.
var keyZones = []string{string(plume.AccessZoneHome), string(plume.AccessZoneGuests), string(plume.AccessZoneInternetOnly)}

// contentAdult is the one content filter Plume documents.
const contentAdult = "adultAndSensitive"

func (a *app) newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List, create, update or delete a location's HomePass keys",
		Long: `keys list shows the HomePass keys of a location's WiFi network; keys create, update and
delete change them. keys zones list, create, update and delete do the same for the network's
access zones (keys zones --help).

` + keysHelp,
		Example: `  plumectl keys list --service-id svc-000001
  printf '%s\n' "$GUEST_KEY" | plumectl keys create --service-id svc-000001 --zone guests --key-stdin --expires 7d
  plumectl keys update 1 --service-id svc-000001 --zone guests --disable
  plumectl keys delete 1 --service-id svc-000001 --zone guests --yes
  plumectl keys zones list --service-id svc-000001

  # Try it against the built-in fake's demo subscriber
  plumectl keys list --service-id svc-demo-0001 --fake`,
		GroupID:           groupSingle,
		Args:              noKeyArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	cmd.AddCommand(a.newKeysListCmd(), a.newKeysCreateCmd(), a.newKeysUpdateCmd(), a.newKeysDeleteCmd(), a.newKeysZonesCmd())
	return cmd
}

// keysLocation is the location part of every keys command's usage line.
const keysLocation = "(--customer ID --location ID | --serial SERIAL | --service-id ID)"

func (a *app) newKeysListCmd() *cobra.Command {
	var k keysFlags
	cmd := &cobra.Command{
		Use:   "list " + keysLocation + " [--zone home|guests|internetAccessOnly]",
		Short: "List the HomePass keys of a location's WiFi network",
		Long: `keys list shows the HomePass keys of a location's WiFi network: id, access zone, format
(encryptionKey or phoneNumber), whether it is enabled, when it expires and its content
filters; never the key itself. With --zone only that zone's keys (HomePass.Keys); without,
every zone's, from the same one call (HomePass.AllKeys).

` + keysHelp + `

` + addressHelp + `

The exit status is 1 when the location is not found or has no WiFi network.`,
		Example: `  plumectl keys list --service-id svc-000001
  plumectl keys list --serial GW-0001 --zone guests --output json

  # Try it against the built-in fake's demo subscriber
  plumectl keys list --service-id svc-demo-0001 --fake`,
		Args:              noKeyArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := k.check(cmd, false); err != nil {
				return err
			}
			c, at, err := a.connectAt(cmd, &k.f, &k.where)
			if err != nil {
				return err
			}
			defer c.Close()
			ctx := cmd.Context()
			var keys []plume.Key
			if k.zone != "" {
				keys, err = c.client.HomePass.Keys(ctx, at.CustomerID, at.LocationID, plume.AccessZoneType(k.zone))
			} else {
				keys, err = c.client.HomePass.AllKeys(ctx, at.CustomerID, at.LocationID)
			}
			if err != nil {
				return at.fail(cmd, err, fmt.Sprintf("no %s, or it has no WiFi network", at))
			}
			list := keyListing{place: at, Zone: k.zone, Keys: keyRows(keys)}
			if k.f.output == outputJSON {
				return writeJSON(a.stdout, list)
			}
			return list.print(a.stdout)
		},
	}
	k.add(cmd, "only the keys of this access `zone`: home, guests or internetAccessOnly (default: every zone)")
	return cmd
}

func (a *app) newKeysCreateCmd() *cobra.Command {
	var (
		k        keysFlags
		w        keyWriteFlags
		disabled bool
	)
	cmd := &cobra.Command{
		Use:   "create " + keysLocation + " --zone ZONE --key-stdin [--phone] [--disabled] [--expires DURATION|TIME] [--content FILTER,...]",
		Short: "Add a HomePass key to an access zone",
		Long: `keys create adds a key to an access zone of a location's WiFi network
(HomePass.CreateKey); the API gives it the lowest free id, 0 to 9. The key is read from
standard input (--key-stdin is required) and checked before anything is sent: a password of
at least 8 characters, or with --phone a phone number (an optional + and 7 to 15 digits).
The key is enabled unless --disabled is given; --expires sets when it expires, a duration
from now (90m, 24h, 7d) or an RFC 3339 time; --content sets its content filters (Plume
documents one: adultAndSensitive). It prints the new key, and with --output json also every
key of the network as the API answered.

` + keysHelp + `

` + addressHelp + `

The exit status is 2 for a key refused before sending (too short, not a phone number) or by
the API (already in use, no id left: HTTP 422), 1 when the location is not found or has no
WiFi network.`,
		Example: `  printf '%s\n' "$GUEST_KEY" | plumectl keys create --service-id svc-000001 --zone guests --key-stdin --expires 7d
  plumectl keys create --serial GW-0001 --zone internetAccessOnly --key-stdin --content adultAndSensitive < key.txt
  plumectl keys create --service-id svc-000001 --zone guests --key-stdin --phone   # prompts on a terminal

  # Try it against the built-in fake's demo subscriber
  echo guest-key-2024 | plumectl keys create --service-id svc-demo-0001 --zone guests --key-stdin --fake`,
		Args:              noKeyArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := k.check(cmd, true); err != nil {
				return err
			}
			if !w.keyStdin {
				return usageErrorf(cmd, "--key-stdin is required: the key is read from standard input, never from the command line")
			}
			req := plume.KeyRequest{KeyFormat: formatOf(w.phone), Enabled: !disabled, Content: w.contentList()}
			expires, err := w.expiry(cmd, time.Now())
			if err != nil {
				return err
			}
			req.ExpiresAt = expires
			if req.EncryptionKey, err = a.readKey(cmd); err != nil {
				return err
			}
			if err := req.Validate(); err != nil {
				return refusedKey(cmd, err)
			}
			c, at, err := a.connectAt(cmd, &k.f, &k.where)
			if err != nil {
				return err
			}
			defer c.Close()
			zone := plume.AccessZoneType(k.zone)
			keys, err := c.client.HomePass.CreateKey(cmd.Context(), at.CustomerID, at.LocationID, zone, req)
			if err != nil {
				return keyWriteError(cmd, at, err, -1, k.zone, fmt.Sprintf("no %s, or it has no WiFi network", at))
			}
			out := keyOutcome{place: at, Action: "created", Zone: k.zone, Keys: keyRows(keys)}
			if created, ok := createdKey(keys, zone, req.EncryptionKey); ok {
				row := newKeyRow(created)
				out.ID, out.Key = &row.ID, &row
			}
			return a.show(k.f.output, out, out.text())
		},
	}
	k.add(cmd, "the access `zone` of the key: home, guests or internetAccessOnly (required)")
	w.add(cmd, "the key is a phone number (an optional + and 7 to 15 digits), not a password")
	cmd.Flags().BoolVar(&disabled, "disabled", false, "create the key turned off")
	return cmd
}

func (a *app) newKeysUpdateCmd() *cobra.Command {
	var (
		k                                    keysFlags
		w                                    keyWriteFlags
		id                                   int
		enable, disable, noExpiry, noContent bool
	)
	cmd := &cobra.Command{
		Use:   "update KEY_ID " + keysLocation + " --zone ZONE [--key-stdin] [--phone[=false]] [--enable|--disable] [--expires DURATION|TIME|--no-expiry] [--content FILTER,...|--no-content]",
		Short: "Change a HomePass key: its key, format, state, expiry or content filters",
		Long: `keys update changes key KEY_ID (0 to 9) of an access zone (HomePass.UpdateKey). The API
replaces the whole key, so keys update first reads it (HomePass.Keys, one call more) and
sends it back with only what the flags change:

  --key-stdin                  a new key, read from standard input
  --phone, --phone=false       the key is a phone number, or a password
  --enable, --disable          turn the key on or off
  --expires DURATION|TIME      expire DURATION from now (90m, 24h, 7d) or at an RFC 3339 time
  --no-expiry                  never expire
  --content FILTER,...         the content filters (Plume documents one: adultAndSensitive)
  --no-content                 no content filter

Without --key-stdin the key is the one read, sent back unchanged (and never printed). The
request is checked before it is sent, as keys create does.

` + keysHelp + `

` + addressHelp + `

The exit status is 1 when the location or the key is not found, 2 for a key refused (before
sending, or by the API: HTTP 422) and for turning off key 0 (HTTP 405).`,
		Example: `  plumectl keys update 1 --service-id svc-000001 --zone guests --disable
  plumectl keys update 1 --service-id svc-000001 --zone guests --expires 24h --content adultAndSensitive
  printf '%s\n' "$NEW_KEY" | plumectl keys update 2 --serial GW-0001 --zone internetAccessOnly --key-stdin --output json

  # Try it against the built-in fake's demo subscriber (key 0 is the network's password)
  plumectl keys update 0 --service-id svc-demo-0001 --zone home --content adultAndSensitive --fake`,
		Args:              keyIDArg(&id),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := k.check(cmd, true); err != nil {
				return err
			}
			switch {
			case enable && disable:
				return usageErrorf(cmd, "--enable and --disable do not go together")
			case noExpiry && cmd.Flags().Changed("expires"):
				return usageErrorf(cmd, "--expires and --no-expiry do not go together")
			case noContent && cmd.Flags().Changed("content"):
				return usageErrorf(cmd, "--content and --no-content do not go together")
			}
			expires, err := w.expiry(cmd, time.Now())
			if err != nil {
				return err
			}
			var newKey string
			if w.keyStdin {
				if newKey, err = a.readKey(cmd); err != nil {
					return err
				}
			}
			c, at, err := a.connectAt(cmd, &k.f, &k.where)
			if err != nil {
				return err
			}
			defer c.Close()
			ctx := cmd.Context()
			zone := plume.AccessZoneType(k.zone)
			keys, err := c.client.HomePass.Keys(ctx, at.CustomerID, at.LocationID, zone)
			if err != nil {
				return at.fail(cmd, err, fmt.Sprintf("no %s, or it has no WiFi network", at))
			}
			i := slices.IndexFunc(keys, func(key plume.Key) bool { return key.ID == id })
			if i < 0 {
				return &statusError{status: exitFailed, err: fmt.Errorf("%s: no key %d in access zone %s at %s", cmd.Name(), id, k.zone, at)}
			}
			cur := keys[i]
			req := plume.KeyRequest{
				EncryptionKey: cmp.Or(newKey, cur.EncryptionKey),
				KeyFormat:     cur.KeyFormat,
				Enabled:       (cur.Enabled || enable) && !disable,
				ExpiresAt:     cur.ExpiresAt,
				Content:       cur.Content,
			}
			if cmd.Flags().Changed("phone") {
				req.KeyFormat = formatOf(w.phone)
			}
			switch {
			case noExpiry:
				req.ExpiresAt = nil
			case expires != nil:
				req.ExpiresAt = expires
			}
			switch {
			case noContent:
				req.Content = nil
			case cmd.Flags().Changed("content"):
				req.Content = w.contentList()
			}
			if err := req.Validate(); err != nil {
				return refusedKey(cmd, err)
			}
			keys, err = c.client.HomePass.UpdateKey(ctx, at.CustomerID, at.LocationID, zone, id, req)
			if err != nil {
				return keyWriteError(cmd, at, err, id, k.zone, fmt.Sprintf("no key %d in access zone %s at %s", id, k.zone, at))
			}
			out := keyOutcome{place: at, Action: "updated", Zone: k.zone, ID: &id, KeyChanged: w.keyStdin, Keys: keyRows(keys)}
			for _, key := range keys {
				if key.ID == id {
					row := newKeyRow(key)
					out.Key = &row
				}
			}
			return a.show(k.f.output, out, out.text())
		},
	}
	k.add(cmd, "the access `zone` of the key: home, guests or internetAccessOnly (required)")
	w.add(cmd, "the key is a phone number; --phone=false: a password (default: as it is)")
	cmd.Flags().BoolVar(&enable, "enable", false, "turn the key on")
	cmd.Flags().BoolVar(&disable, "disable", false, "turn the key off")
	cmd.Flags().BoolVar(&noExpiry, "no-expiry", false, "the key never expires")
	cmd.Flags().BoolVar(&noContent, "no-content", false, "no content filter")
	return cmd
}

func (a *app) newKeysDeleteCmd() *cobra.Command {
	var (
		k   keysFlags
		id  int
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "delete KEY_ID " + keysLocation + " --zone ZONE --yes",
		Short: "Delete a HomePass key",
		Long: `keys delete deletes key KEY_ID (0 to 9) of an access zone (HomePass.DeleteKey): the
devices that joined with it lose access. It asks nothing: --yes says that you mean it, and
without it nothing is sent (exit status 2).

` + keysHelp + `

` + addressHelp + `

The exit status is 1 when the location or the key is not found, 2 without --yes and for
key 0 (HTTP 405).`,
		Example: `  plumectl keys delete 1 --service-id svc-000001 --zone guests --yes
  plumectl keys delete 3 --serial GW-0001 --zone internetAccessOnly --yes --output json

  # Try it against the built-in fake's demo subscriber: key 0 is read-only
  plumectl keys delete 0 --service-id svc-demo-0001 --zone home --yes --fake`,
		Args:              keyIDArg(&id),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := k.check(cmd, true); err != nil {
				return err
			}
			if !yes {
				return usageErrorf(cmd, "deleting key %d of access zone %s cuts off the devices that joined with it: give --yes to delete it", id, k.zone)
			}
			c, at, err := a.connectAt(cmd, &k.f, &k.where)
			if err != nil {
				return err
			}
			defer c.Close()
			err = c.client.HomePass.DeleteKey(cmd.Context(), at.CustomerID, at.LocationID, plume.AccessZoneType(k.zone), id)
			if err != nil {
				return keyWriteError(cmd, at, err, id, k.zone, fmt.Sprintf("no key %d in access zone %s at %s", id, k.zone, at))
			}
			out := keyOutcome{place: at, Action: "deleted", Zone: k.zone, ID: &id}
			return a.show(k.f.output, out, out.text())
		},
	}
	k.add(cmd, "the access `zone` of the key: home, guests or internetAccessOnly (required)")
	cmd.Flags().BoolVar(&yes, "yes", false, "delete the key: without it nothing is sent")
	return cmd
}
