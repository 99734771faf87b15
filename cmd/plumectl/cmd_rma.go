package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) newRMACmd() *cobra.Command {
	var f singleFlags
	cmd := &cobra.Command{
		Use:   "rma SERIAL...",
		Short: "Unclaim nodes for return, wherever they are claimed",
		Long: `rma unclaims each node, by serial, from the location it is claimed at, for return
(Client.UnclaimForRMA). A serial claimed nowhere is nothing to do. It prints a line per
serial, or with --output json a list; the exit status is 1 when a serial was not unclaimed.`,
		Example: `  plumectl rma GW-0001 POD-0001a POD-0001b
  plumectl rma GW-0001 --output json

  # Try it: the fake is given the file's customers first
  plumectl rma GW-0001 --fake --csv customers.csv`,
		GroupID:           groupSingle,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, serials []string) error {
			return a.rma(cmd, &f, serials)
		},
	}
	addSingleFlags(cmd, &f, true)
	return cmd
}

// rmaOutcome is one serial of plumectl rma.
type rmaOutcome struct {
	Serial           string `json:"serial"`
	CustomerID       string `json:"customer_id,omitempty"`
	LocationID       string `json:"location_id,omitempty"`
	AlreadyUnclaimed bool   `json:"already_unclaimed,omitempty"`
	Error            string `json:"error,omitempty"`
}

// rma unclaims each serial for return, wherever it is claimed.
func (a *app) rma(cmd *cobra.Command, f *singleFlags, serials []string) error {
	if err := f.check(cmd); err != nil {
		return err
	}
	if len(serials) == 0 {
		return usageErrorf(cmd, "a SERIAL is required")
	}
	ctx := cmd.Context()
	c, err := a.connectSingle(ctx, f)
	if err != nil {
		return err
	}
	defer c.Close()
	status := exitOK
	var outcomes []rmaOutcome
	for _, serial := range serials {
		out := rmaOutcome{Serial: serial}
		res, err := c.client.UnclaimForRMA(ctx, serial)
		if res != nil {
			out.CustomerID, out.LocationID, out.AlreadyUnclaimed = res.CustomerID, res.LocationID, res.AlreadyUnclaimed
		}
		if err != nil {
			out.Error = err.Error()
			status = exitFailed
		}
		outcomes = append(outcomes, out)
		if f.output == outputText {
			fmt.Fprintln(a.stdout, out.text())
		}
	}
	if f.output == outputJSON {
		if err := writeJSON(a.stdout, outcomes); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return exitWith(exitInterrupted)
	}
	return exitWith(status)
}

func (o rmaOutcome) text() string {
	switch {
	case o.Error != "":
		return fmt.Sprintf("%s: NOT unclaimed: %s", o.Serial, o.Error)
	case o.AlreadyUnclaimed:
		return fmt.Sprintf("%s: not claimed anywhere: nothing to do", o.Serial)
	}
	return fmt.Sprintf("%s: unclaimed from customer %s, location %s", o.Serial, o.CustomerID, o.LocationID)
}
