package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newSpeedTestCmd() *cobra.Command {
	var (
		f     singleFlags
		where addressFlags
		node  string
		wait  bool
	)
	cmd := &cobra.Command{
		Use:   "speedtest (--customer ID --location ID | --serial SERIAL | --service-id ID) [--node ID] [--wait]",
		Short: "Run a speed test on a node",
		Long: `speedtest starts a speed test on a node (Nodes.StartSpeedTest): the one --node names, else,
with --serial, the node of that serial, else the location's gateway. It prints the test's
request id when the API answers one.

--wait waits for the result (Client.SpeedTest): it polls, inside the rate budget and backing
off (after 2, 4, 8, 16 s, then every 30 s), until the test has completed or failed, shows a
progress line on stderr meanwhile, and prints download, upload and latency.

` + addressHelp + `

The exit status is 1 when the location or the node is not found or the test failed, 130 when
interrupted while waiting.`,
		Example: `  plumectl speedtest --service-id svc-000001 --wait
  plumectl speedtest --serial POD-0001a --output json

  # Try it against the built-in fake's demo subscriber (its result comes in about 2 s)
  plumectl speedtest --service-id svc-demo-0001 --wait --fake`,
		GroupID:           groupSingle,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAt(cmd, &f, &where); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, at, err := a.connectAt(cmd, &f, &where)
			if err != nil {
				return err
			}
			defer c.Close()
			out := speedOutcome{place: at, NodeID: nodeOrDefault(node, at)}
			if out.NodeID == "" {
				if out.NodeID, err = gatewayOf(ctx, c.client, at); err != nil {
					return at.fail(cmd, err, fmt.Sprintf("no %s", at))
				}
			}
			notFound := fmt.Sprintf("no node %s at %s", out.NodeID, at)
			if !wait {
				out.RequestID, err = c.client.Nodes.StartSpeedTest(ctx, at.CustomerID, at.LocationID, out.NodeID, nil)
				if err != nil {
					return at.fail(cmd, err, notFound)
				}
				out.Status = "started"
				return a.show(f.output, out, out.text())
			}
			start := time.Now()
			done := a.waitLine(fmt.Sprintf("Speed test on node %s; waiting for its result", out.NodeID))
			res, err := c.client.SpeedTest(ctx, at.CustomerID, at.LocationID, out.NodeID)
			done()
			out.Waited, out.WaitedSeconds = true, time.Since(start).Round(100*time.Millisecond).Seconds()
			if res != nil {
				out.result(res)
			}
			if errors.Is(err, plume.ErrSpeedTestFailed) {
				if err := a.show(f.output, out, out.text()); err != nil {
					return err
				}
				return exitWith(exitFailed)
			}
			if err != nil {
				return at.fail(cmd, err, notFound)
			}
			return a.show(f.output, out, out.text())
		},
	}
	addSingleFlags(cmd, &f, true)
	where.add(cmd)
	cmd.Flags().StringVar(&node, "node", "", "the node `ID` (its serial) to test; none: the gateway")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the result, with a progress line on stderr")
	return cmd
}

// gatewayOf returns the id of the location's gateway by the rule of
// docs/plume-support-api.md §12.2: the node the answer marks residentialGateway, else the root
// of the other nodes' leafToRoot chains, else the first node. (The reference's node status
// has no residentialGateway.)
func gatewayOf(ctx context.Context, client *plume.Client, at place) (string, error) {
	nodes, err := client.Nodes.List(ctx, at.CustomerID, at.LocationID)
	if err != nil {
		return "", err
	}
	if len(nodes) == 0 {
		return "", fmt.Errorf("%s has no nodes", at)
	}
	ids := map[string]bool{}
	for _, n := range nodes {
		if n.ResidentialGateway {
			return n.ID, nil
		}
		ids[n.ID] = true
	}
	for _, n := range nodes {
		if chain := leafToRoot(n.Raw); len(chain) > 0 && ids[chain[len(chain)-1]] {
			return chain[len(chain)-1], nil
		}
	}
	return nodes[0].ID, nil
}

// leafToRoot reads a node status's leafToRoot: the ids from the node's parent up to the
// gateway, entries {"id":…} or bare ids.
func leafToRoot(raw json.RawMessage) []string {
	var status struct {
		LeafToRoot []json.RawMessage `json:"leafToRoot"`
	}
	if json.Unmarshal(raw, &status) != nil {
		return nil
	}
	var ids []string
	for _, entry := range status.LeafToRoot {
		var id string
		var obj struct {
			ID string `json:"id"`
		}
		switch {
		case json.Unmarshal(entry, &id) == nil:
		case json.Unmarshal(entry, &obj) == nil:
			id = obj.ID
		}
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// speedOutcome is what plumectl speedtest prints.
type speedOutcome struct {
	place
	NodeID        string   `json:"node_id"`
	RequestID     string   `json:"request_id,omitempty"`
	Status        string   `json:"status"` // started; after --wait as the API answers: completed or failed
	Waited        bool     `json:"waited"`
	WaitedSeconds float64  `json:"waited_seconds,omitempty"`
	DownloadMbps  *float64 `json:"download_mbps,omitempty"`
	UploadMbps    *float64 `json:"upload_mbps,omitempty"`
	LatencyMs     *float64 `json:"latency_ms,omitempty"`
	At            string   `json:"at,omitempty"`
}

// result fills in what a finished test measured.
func (o *speedOutcome) result(r *plume.SpeedTestResult) {
	o.RequestID = cmp.Or(r.RequestID, o.RequestID)
	o.Status = r.Status
	o.At = rfc3339(r.At)
	if r.Status == "failed" {
		return
	}
	down, up, latency := r.DownloadMbps, r.UploadMbps, float64(r.Latency)/float64(time.Millisecond)
	o.DownloadMbps, o.UploadMbps, o.LatencyMs = &down, &up, &latency
}

func (o speedOutcome) text() string {
	id := ""
	if o.RequestID != "" {
		id = " (request " + o.RequestID + ")"
	}
	switch {
	case !o.Waited:
		return fmt.Sprintf("Speed test started on node %s at %s%s", o.NodeID, o.place, id)
	case o.DownloadMbps == nil:
		return fmt.Sprintf("Speed test on node %s at %s%s: %s", o.NodeID, o.place, id, o.Status)
	}
	return fmt.Sprintf("Speed test on node %s at %s%s: %s, download %.1f Mbps, upload %.1f Mbps, latency %.0f ms",
		o.NodeID, o.place, id, o.Status, *o.DownloadMbps, *o.UploadMbps, *o.LatencyMs)
}
