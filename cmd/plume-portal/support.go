package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/plumecloud/plume-go"
)

// The support half of the subscriber page: node reboots (and the wait for the node to come
// back), the locate LED, speed tests and firmware upgrades.

type speedView struct {
	Down, Up, Latency, At string
	Failed                bool
}

func newSpeedView(st *plume.SpeedTestResult) *speedView {
	return &speedView{
		Down: fmt.Sprintf("%.1f Mbps", st.DownloadMbps), Up: fmt.Sprintf("%.1f Mbps", st.UploadMbps),
		Latency: fmt.Sprintf("%d ms", st.Latency.Milliseconds()), At: sinceText(st.At),
		Failed: strings.EqualFold(st.Status, "failed"),
	}
}

// firmwareRow is one node's firmware.
type firmwareRow struct {
	Node, Installed, Target, Status, Updated string
	Behind                                   bool
}

func firmwareRows(fw *plume.FirmwareStatus) (rows []firmwareRow, behind int) {
	for _, n := range fw.Nodes {
		r := firmwareRow{Node: n.NodeID, Installed: n.FirmwareVersion, Target: n.TargetVersion, Status: firstNonEmpty(n.Status, "unknown"),
			Updated: sinceText(n.UpdatedAt), Behind: n.TargetVersion != "" && n.TargetVersion != n.FirmwareVersion}
		if r.Behind {
			behind++
		}
		rows = append(rows, r)
	}
	return rows, behind
}

func init() {
	actions["reboot"] = &actionSpec{
		title:   "Reboot a node",
		button:  "Reboot",
		warning: "The node restarts and is offline for about a minute; the devices on it lose their connection, and a gateway takes the whole home offline. The portal waits until it is back.",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a, err := nodeForm(r)
			if err != nil {
				return a, nil, err
			}
			return a, []string{subscriberLine(a), "Location: " + a.Location, "Node: " + a.NodeName + " (" + a.Node + ")"}, nil
		},
		prepare: func(j *job, a actionParams) { j.Title = "Reboot " + a.NodeName },
		job: func(ctx context.Context, p *Portal, j *job, a actionParams) ([]string, error) {
			n, err := p.client.RebootAndWait(ctx, a.Customer, a.Location, a.Node, nil)
			if err != nil {
				return nil, err
			}
			line := a.NodeName + " is back online"
			if !n.ConnectionStateChangeAt.IsZero() {
				line += " since " + sinceText(n.ConnectionStateChangeAt)
			}
			return []string{line + "."}, nil
		},
	}
	actions["locate"] = &actionSpec{
		title:   "Blink a node's LED",
		button:  "Change the LED",
		warning: "The node's LED blinks until it is set back to normal, so that someone on site can find it.",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a, err := nodeForm(r)
			if err != nil {
				return a, nil, err
			}
			a.Mode = r.PostForm.Get("mode")
			if a.Mode != string(plume.LEDLocate) && a.Mode != string(plume.LEDNormal) {
				return a, nil, &formError{"Choose to blink the LED or to set it back to normal."}
			}
			what := "LED: blink (locate)"
			if a.Mode == string(plume.LEDNormal) {
				what = "LED: back to normal"
			}
			return a, []string{subscriberLine(a), "Node: " + a.NodeName + " (" + a.Node + ")", what}, nil
		},
		run: func(ctx context.Context, p *Portal, a actionParams) (string, error) {
			if err := p.client.Nodes.Locate(ctx, a.Customer, a.Location, a.Node, plume.LEDMode(a.Mode)); err != nil {
				return "", err
			}
			if a.Mode == string(plume.LEDNormal) {
				return a.NodeName + "'s LED is back to normal.", nil
			}
			return a.NodeName + "'s LED is blinking. Set it back to normal once the node is found.", nil
		},
	}
	actions["speedtest"] = &actionSpec{
		title:   "Run a speed test",
		button:  "Run the test",
		warning: "The node measures its download and upload speed for about half a minute; the home's traffic may slow down meanwhile.",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a, err := nodeForm(r)
			if err != nil {
				return a, nil, err
			}
			return a, []string{subscriberLine(a), "Node: " + a.NodeName + " (" + a.Node + ")"}, nil
		},
		prepare: func(j *job, a actionParams) { j.Title = "Speed test on " + a.NodeName },
		job: func(ctx context.Context, p *Portal, j *job, a actionParams) ([]string, error) {
			res, err := p.client.SpeedTest(ctx, a.Customer, a.Location, a.Node)
			if err != nil {
				return nil, err
			}
			v := newSpeedView(res)
			return []string{"Download " + v.Down, "Upload " + v.Up, "Latency " + v.Latency}, nil
		},
	}
	actions["firmware"] = &actionSpec{
		title:   "Upgrade the firmware",
		button:  "Request the upgrade",
		warning: "Every node of the location is upgraded to the firmware the Plume Cloud has chosen for it. Each node restarts during its upgrade (a few minutes offline).",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a, err := locationForm(r)
			if err != nil {
				return a, nil, err
			}
			return a, []string{subscriberLine(a), "Location: " + a.Location, "Every node of the location"}, nil
		},
		run: func(ctx context.Context, p *Portal, a actionParams) (string, error) {
			fw, err := p.client.Locations.RequestFirmwareUpgrade(ctx, a.Customer, a.Location)
			if err != nil {
				return "", err
			}
			msg := "Firmware upgrade requested."
			if fw != nil && len(fw.Nodes) > 0 {
				msg = fmt.Sprintf("Firmware upgrade requested for %s.", plural(len(fw.Nodes), "node", "nodes"))
			}
			return msg + " The nodes restart when it starts; watch the firmware status.", nil
		},
	}
}

func (p *Portal) loadFirmware(ctx context.Context, data *subscriberData, customerID, locationID string) {
	fw, err := p.client.Locations.FirmwareStatus(ctx, customerID, locationID)
	switch {
	case errors.Is(err, plume.ErrNotFound):
		data.FirmwareErr = "The Plume Cloud has no firmware status for this location."
	case err != nil:
		data.FirmwareErr = explain(err)
	default:
		data.Firmware, data.FirmwareBehind = firmwareRows(fw)
	}
}
