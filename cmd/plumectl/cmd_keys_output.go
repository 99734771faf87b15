package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/plumecloud/plume-go"
)

// keyRow is one key as plumectl prints it: everything but the key.
type keyRow struct {
	ID        int      `json:"id"`
	Zone      string   `json:"zone"`
	ZoneID    int      `json:"zone_id"`
	Format    string   `json:"format"`
	Enabled   bool     `json:"enabled"`
	ExpiresAt string   `json:"expires_at,omitempty"`
	Content   []string `json:"content"`
	CreatedAt string   `json:"created_at,omitempty"`
	UpdatedAt string   `json:"updated_at,omitempty"`
}

func newKeyRow(k plume.Key) keyRow {
	row := keyRow{
		ID: k.ID, Zone: string(k.AccessZone), ZoneID: k.AccessZoneID, Format: string(k.KeyFormat), Enabled: k.Enabled,
		Content: slices.Clone(k.Content), CreatedAt: rfc3339(k.CreatedAt), UpdatedAt: rfc3339(k.UpdatedAt),
	}
	if row.Content == nil {
		row.Content = []string{}
	}
	if k.ExpiresAt != nil {
		row.ExpiresAt = rfc3339(*k.ExpiresAt)
	}
	return row
}

func keyRows(keys []plume.Key) []keyRow {
	rows := make([]keyRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, newKeyRow(k))
	}
	return rows
}

// describe is the key in words: format, state, expiry, content filters.
func (r keyRow) describe() string {
	state, expiry, content := "disabled", "no expiry", "no content filter"
	if r.Enabled {
		state = "enabled"
	}
	if r.ExpiresAt != "" {
		expiry = "expires " + r.ExpiresAt
	}
	if len(r.Content) > 0 {
		content = "content " + strings.Join(r.Content, ",")
	}
	return fmt.Sprintf("%s, %s, %s, %s", dash(r.Format), state, expiry, content)
}

// keyListing is what plumectl keys list prints.
type keyListing struct {
	place
	Zone string   `json:"zone,omitempty"` // --zone: the keys are this zone's only
	Keys []keyRow `json:"keys"`
}

// print writes the list as a table.
func (l keyListing) print(w io.Writer) error {
	where := l.place.String()
	if l.Zone != "" {
		where = "access zone " + l.Zone + " at " + where
	}
	if len(l.Keys) == 0 {
		_, err := fmt.Fprintf(w, "No keys in %s\n", where)
		return err
	}
	noun := "keys"
	if len(l.Keys) == 1 {
		noun = "key"
	}
	fmt.Fprintf(w, "%d %s in %s\n", len(l.Keys), noun, where)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tZONE\tFORMAT\tENABLED\tEXPIRES\tCONTENT")
	for _, k := range l.Keys {
		enabled := "no"
		if k.Enabled {
			enabled = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", k.ID, dash(k.Zone), dash(k.Format), enabled, dash(k.ExpiresAt), dash(strings.Join(k.Content, ",")))
	}
	return tw.Flush()
}

// keyOutcome is what plumectl keys create, update and delete print.
type keyOutcome struct {
	place
	Action     string   `json:"action"` // created, updated or deleted
	Zone       string   `json:"zone"`
	ID         *int     `json:"id,omitempty"`          // nil: the answer did not show the new key
	KeyChanged bool     `json:"key_changed,omitempty"` // updated: a new key was read from stdin
	Key        *keyRow  `json:"key,omitempty"`         // created, updated: the key as the API answered
	Keys       []keyRow `json:"keys,omitempty"`        // created, updated: every key of the network
}

func (o keyOutcome) text() string {
	name := "A key"
	if o.ID != nil {
		name = fmt.Sprintf("Key %d", *o.ID)
	}
	switch o.Action {
	case "deleted":
		return fmt.Sprintf("%s deleted from access zone %s at %s", name, o.Zone, o.place)
	case "updated":
		what := "key kept"
		if o.KeyChanged {
			what = "new key"
		}
		if o.Key != nil {
			what += "; " + o.Key.describe()
		}
		return fmt.Sprintf("%s updated in access zone %s at %s: %s", name, o.Zone, o.place, what)
	}
	line := fmt.Sprintf("%s created in access zone %s at %s", name, o.Zone, o.place)
	if o.Key != nil {
		line += ": " + o.Key.describe()
	}
	return line
}
