package plume

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// SlowDownloadMbps is the download speed under which Health lists the last speed test among
// the Problems: 25 Mbps, the floor of a broadband service in most markets.
const SlowDownloadMbps = 25.0

// HealthReport is what Health found at a location: the report a support agent reads first.
// Problems lists what needs attention in plain words; Missing names the parts that could
// not be read (their cause is in Problems); Notes says what the report cannot tell and needs
// no action (no speed test has run yet).
type HealthReport struct {
	CustomerID       string             `json:"customerId"`
	LocationID       string             `json:"locationId"`
	LocationName     string             `json:"locationName"`
	ServiceID        string             `json:"serviceId"`    // the location's serviceId; "" when it has none
	ServiceLevel     ServiceLevelStatus `json:"serviceLevel"` // "" when the location carries none
	MonitorMode      bool               `json:"monitorMode"`  // the location's monitorMode.enable, or the summary's
	OnboardingStatus string             `json:"onboardingStatus"`
	GatewayID        string             `json:"gatewayId"` // "" when the topology has no node
	GatewayOnline    bool               `json:"gatewayOnline"`
	Nodes            []NodeStatus       `json:"nodes"`            // as the topology lists them: state, backhaul, firmware, devices
	ConnectedDevices int                `json:"connectedDevices"` // the topology's count, else the sum of the nodes'
	Alerts           *Alerts            `json:"alerts"`           // nil when they could not be read
	LastSpeedTest    *SpeedTestResult   `json:"lastSpeedTest"`    // nil when there is none or it could not be read
	Problems         []string           `json:"problems"`
	Missing          []string           `json:"missing,omitempty"` // of "topology", "alerts", "speed test"
	Notes            []string           `json:"notes,omitempty"`   // "no speed test yet"
	At               time.Time          `json:"at"`                // the topology's timestamp, else when the report was made
}

// Health reads the state of a location in exactly 4 API calls, made concurrently:
//
//   - GET …/{locationId}: the service level, monitor mode and name;
//   - GET …/summary: the nodes (connection state, backhaul, firmware, device counts), the
//     gateway state, whether a WiFi network is provisioned, the onboarding status;
//   - GET …/alerts: the open alerts;
//   - GET …/appFacade/dashboard?excludeDevices=true: the latest speed test.
//
// The summary is the topology with the provisioning state, for the same one call
// (docs/plume-support-api.md §7.3). Retries of a failed attempt and a token request come on
// top, as for any call.
//
// The location and the summary are required: when either fails, Health returns its error
// (a cancelled ctx included), except that a summary 404 at a location that exists means the
// cloud knows no topology yet, which the report says. Alerts and the speed test are
// optional: when one cannot be read, the report comes back with a nil error, that part nil,
// its name in Missing and the cause in Problems.
//
// Problems come in this order, each only when it applies:
//
//	service suspended (noService)
//	monitor mode on
//	no WiFi network provisioned
//	topology unknown (HTTP 404: …) | no nodes claimed
//	gateway Hall offline since 14:02 UTC
//	extender Living Room offline since 14:02 UTC   (one line per node, in topology order)
//	2 open alerts on Living Room: poorHealth, highInterference
//	1 open alert on device aa:bb:cc:dd:ee:ff: poorHealth
//	alerts unavailable: HTTP 503: …
//	last speed test 12.3 Mbps down (below 25 Mbps) | last speed test failed
//	speed test unavailable: HTTP 404: …
//
// A location whose nodes have never run a speed test has no problem for it: Notes says "no
// speed test yet", so that a new install reads as healthy.
//
// A node is named by its nickname, else its default name, else its id; "since" is its
// connectionStateChangeAt in UTC, with the date when it is not the report's day, and is left
// out when unknown. A node is offline when its state is known and not "connected" (in any
// case); an alert is open unless snoozed, ignored or accepted; slow is under SlowDownloadMbps.
//
// API: GET /Customers/{id}/locations/{locationId}, GET …/summary, GET …/alerts, GET …/appFacade/dashboard
func (c *Client) Health(ctx context.Context, customerID, locationID string) (*HealthReport, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	var p healthParts
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		p.location, err = c.Locations.Get(gctx, customerID, locationID)
		return err
	})
	g.Go(func() error {
		p.summary, p.summaryErr = c.Locations.Summary(gctx, customerID, locationID)
		if p.summaryErr != nil && !errors.Is(p.summaryErr, ErrNotFound) {
			return p.summaryErr
		}
		return nil // a 404 is the location's to explain: its own call says whether it exists
	})
	g.Go(func() error {
		p.alerts, p.alertsErr = c.Locations.Alerts(gctx, customerID, locationID)
		return nil
	})
	g.Go(func() error {
		p.dashboard, p.dashboardErr = c.Locations.dashboard(gctx, customerID, locationID, true)
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plume: Health: %w", err)
	}
	return p.report(customerID, locationID, c.now()), nil
}

// HealthByServiceID is Health for the location that carries serviceID, found first with
// Locations.FindByServiceID: 5 API calls. No such location is ErrNotFound.
//
// API: GET /Partners/locations/{serviceId}, then as Health
func (c *Client) HealthByServiceID(ctx context.Context, serviceID string) (*HealthReport, error) {
	if err := checkID("serviceID", serviceID); err != nil {
		return nil, err
	}
	loc, err := c.Locations.FindByServiceID(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	if loc.CustomerID == "" {
		return nil, fmt.Errorf("plume: HealthByServiceID: location %s found without its customer: %w", loc.ID, ErrUnexpectedResponse)
	}
	return c.Health(ctx, loc.CustomerID, loc.ID)
}

// HealthBySerial is Health for the location where the node serial is claimed, found first
// with Nodes.Lookup: 5 API calls. A serial that is unknown, or known but not claimed, is
// ErrNotFound.
//
// API: GET /Partners/nodes/{serialNumber}, then as Health
func (c *Client) HealthBySerial(ctx context.Context, serial string) (*HealthReport, error) {
	if err := checkID("serial", serial); err != nil {
		return nil, err
	}
	found, err := c.Nodes.Lookup(ctx, serial)
	if err != nil {
		return nil, err
	}
	if !found.Claimed() {
		return nil, fmt.Errorf("plume: HealthBySerial: node %s is not claimed at any location: %w", serial, ErrNotFound)
	}
	return c.Health(ctx, found.CustomerID, found.LocationID)
}

// healthParts are the answers Health gathers.
type healthParts struct {
	location     *Location
	summary      *Summary
	summaryErr   error // nil, or a 404 (any other failure ends Health)
	alerts       *Alerts
	alertsErr    error
	dashboard    *Dashboard
	dashboardErr error
}

// report assembles the report from the parts; now is the time of a report whose topology
// carries none.
func (p *healthParts) report(customerID, locationID string, now time.Time) *HealthReport {
	r := &HealthReport{CustomerID: customerID, LocationID: locationID, Nodes: []NodeStatus{}, At: now}
	var problems []string
	if loc := p.location; loc != nil {
		r.LocationName, r.ServiceID, r.MonitorMode = loc.Name, loc.ServiceID, loc.MonitorMode
		if loc.ServiceLevel != nil {
			r.ServiceLevel = loc.ServiceLevel.Status
		}
	}
	if p.summary != nil {
		r.MonitorMode = r.MonitorMode || p.summary.MonitorMode
	}
	if r.ServiceLevel == NoService {
		problems = append(problems, "service suspended (noService)")
	}
	if r.MonitorMode {
		problems = append(problems, "monitor mode on")
	}
	var topo *Topology
	if s := p.summary; s != nil {
		topo = &s.Topology
		r.OnboardingStatus = s.OnboardingStatus
		if _, said := jsonraw.Member(s.Raw, "wifiNetworkProvisioned"); said && !s.WifiNetworkProvisioned {
			problems = append(problems, "no WiFi network provisioned")
		}
		problems = append(problems, r.readTopology(topo)...)
	} else {
		r.Missing = append(r.Missing, "topology")
		problems = append(problems, "topology unknown ("+problemCause(p.summaryErr)+")")
	}

	r.Alerts = p.alerts
	if p.alertsErr != nil {
		r.Missing = append(r.Missing, "alerts")
		problems = append(problems, "alerts unavailable: "+problemCause(p.alertsErr))
	} else if p.alerts != nil {
		problems = append(problems, alertProblems(p.alerts, topo)...)
	}

	switch {
	case p.dashboardErr != nil:
		r.Missing = append(r.Missing, "speed test")
		problems = append(problems, "speed test unavailable: "+problemCause(p.dashboardErr))
	case p.dashboard == nil || p.dashboard.SpeedTest == nil:
		r.Notes = []string{"no speed test yet"}
	default:
		r.LastSpeedTest = p.dashboard.SpeedTest
		problems = append(problems, speedProblems(r.LastSpeedTest)...)
	}
	r.Problems = nonNil(problems)
	return r
}

// readTopology fills the node part of the report and returns its problems.
func (r *HealthReport) readTopology(t *Topology) []string {
	if !t.At.IsZero() {
		r.At = t.At
	}
	r.Nodes = t.Nodes
	r.ConnectedDevices = t.ConnectedDeviceCount
	if _, said := jsonraw.Member(t.Raw, "connectedDeviceCount"); !said {
		r.ConnectedDevices = 0
		for _, n := range t.Nodes {
			r.ConnectedDevices += n.ConnectedDeviceCount
		}
	}
	gw := t.Gateway()
	state := t.GatewayConnectionState
	if gw != nil {
		r.GatewayID = gw.ID
		if state == "" {
			state = gw.ConnectionState
		}
	}
	r.GatewayOnline = strings.EqualFold(state, "connected")

	var problems []string
	if len(t.Nodes) == 0 && t.NodeClaimedCount == 0 {
		problems = append(problems, "no nodes claimed")
	}
	if gw == nil && state != "" && !r.GatewayOnline {
		problems = append(problems, "gateway offline")
	}
	if gw != nil && state != "" && !r.GatewayOnline {
		problems = append(problems, "gateway "+gw.Name()+" offline"+r.since(gw.ConnectionStateChangeAt))
	}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if n == gw || n.ConnectionState == "" || n.Connected() {
			continue
		}
		problems = append(problems, "extender "+n.Name()+" offline"+r.since(n.ConnectionStateChangeAt))
	}
	return problems
}

// since is " since 14:02 UTC" for a change on the report's day (UTC), " since 2006-01-02
// 14:02 UTC" for an older one, and "" when the time is unknown.
func (r *HealthReport) since(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	at = at.UTC()
	if y, m, d := at.Date(); r.At.IsZero() || !sameDay(r.At.UTC(), y, m, d) {
		return " since " + at.Format("2006-01-02 15:04 UTC")
	}
	return " since " + at.Format("15:04 UTC")
}

func sameDay(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.Date()
	return ty == y && tm == m && td == d
}

// alertProblems lists the open alerts, nodes (named from the topology) then devices.
func alertProblems(a *Alerts, topo *Topology) []string {
	var problems []string
	for _, group := range []struct {
		entries []Alert
		device  bool
	}{{a.Nodes, false}, {a.Devices, true}} {
		for i := range group.entries {
			open := group.entries[i].OpenTypes()
			if len(open) == 0 {
				continue
			}
			name := group.entries[i].ID
			if group.device {
				name = "device " + name
			} else if topo != nil {
				if n := topo.node(name); n != nil {
					name = n.Name()
				}
			}
			noun := "alerts"
			if len(open) == 1 {
				noun = "alert"
			}
			problems = append(problems, fmt.Sprintf("%d open %s on %s: %s", len(open), noun, name, strings.Join(open, ", ")))
		}
	}
	return problems
}

// speedProblems says what is wrong with the last speed test, if anything.
func speedProblems(st *SpeedTestResult) []string {
	done, failed := st.finished()
	switch {
	case failed:
		return []string{"last speed test failed"}
	case !done && st.Status != "":
		return nil // still running: nothing to judge
	case st.DownloadMbps < SlowDownloadMbps:
		return []string{fmt.Sprintf("last speed test %.1f Mbps down (below %g Mbps)", st.DownloadMbps, SlowDownloadMbps)}
	}
	return nil
}

// problemCause says in a few words why a part could not be read.
func problemCause(err error) string {
	var apiErr *Error
	var limited *RateLimitError
	var unexpected *UnexpectedResponseError
	switch {
	case errors.As(err, &limited):
		return fmt.Sprintf("rate limited (HTTP %d)", limited.StatusCode)
	case errors.As(err, &apiErr) && apiErr.Message != "":
		return fmt.Sprintf("HTTP %d: %s", apiErr.StatusCode, apiErr.Message)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("HTTP %d", apiErr.StatusCode)
	case errors.As(err, &unexpected):
		return "unexpected answer: " + unexpected.Reason
	case err == nil:
		return "no answer"
	}
	return strings.TrimPrefix(err.Error(), "plume: ")
}
