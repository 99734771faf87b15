package batch

import (
	"cmp"
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/plumecloud/plume-go"
)

// OpHealth is the operation of a fleet health sweep: Client.Health for the location of
// CustomerID and LocationID when both are set, else HealthByServiceID for ServiceID, else
// HealthBySerial for Serial. It reads and changes nothing, so a row may run any number of
// times; the journal keeps it from running again once its record is written.
const OpHealth Operation = "health"

// HealthState is how a sweep classes a location, from its plume.HealthReport.
type HealthState string

// Health states (ClassifyHealth).
const (
	// StateOnline: the gateway is connected and the report lists no problem.
	StateOnline HealthState = "online"
	// StateDegraded: the gateway is connected and the report lists at least one problem (an
	// extender offline, an open alert, a slow or failed speed test, service suspended…).
	StateDegraded HealthState = "degraded"
	// StateOffline: the gateway is not connected, or no gateway is known to be (no node
	// claimed, or the cloud knows no topology for the location).
	StateOffline HealthState = "offline"
	// StateError: no report could be made; the entry's error_kind says why.
	StateError HealthState = "error"
)

// ClassifyHealth returns the state of a location from its report: offline when the gateway is
// not connected, degraded when it is and the report lists a problem, online otherwise.
func ClassifyHealth(r *plume.HealthReport) HealthState {
	switch {
	case r == nil:
		return StateError
	case !r.GatewayOnline:
		return StateOffline
	case len(r.Problems) > 0:
		return StateDegraded
	}
	return StateOnline
}

// HealthRecord is what a sweep found at a location: the part of the journal entry (Entry.Health)
// that makes the entry the location's record. The entry around it carries the ids, the
// service id, the CSV line and, for StateError, error_kind and the error (as the SDK redacts
// it). A record of StateError holds nothing else, and is written as {"state":"error"}.
type HealthRecord struct {
	State            HealthState              `json:"state"`
	ServiceLevel     plume.ServiceLevelStatus `json:"service_level,omitempty"`
	GatewayOnline    bool                     `json:"gateway_online"`
	Nodes            int                      `json:"nodes"`        // claimed nodes in the topology, gateway included
	NodesOnline      int                      `json:"nodes_online"` // of which connected
	ConnectedDevices int                      `json:"connected_devices"`
	OpenAlerts       int                      `json:"open_alerts"` // open alerts of nodes and devices
	// LastSpeedTest is the latest speed test the cloud has; nil when there is none or it could
	// not be read (then Missing says so).
	LastSpeedTest *SpeedTestRecord `json:"last_speed_test"`
	// Problems are the report's, in its order and words (plume.Client.Health): never nil
	// but in a StateError record.
	Problems []string `json:"problems"`
	// Missing names the parts of the report that could not be read: "topology", "alerts",
	// "speed test".
	Missing []string `json:"missing,omitempty"`
	// Notes are the report's: what it cannot tell and needs no action ("no speed test yet").
	Notes []string  `json:"notes,omitempty"`
	At    time.Time `json:"at"` // the report's time: the topology's timestamp
}

// SpeedTestRecord is the last speed test of a location, as a sweep records it.
type SpeedTestRecord struct {
	At           time.Time `json:"at,omitzero"`
	Status       string    `json:"status,omitempty"` // as the API says: completed, failed…
	DownloadMbps float64   `json:"download_mbps"`
	UploadMbps   float64   `json:"upload_mbps"`
	LatencyMS    float64   `json:"latency_ms"`
}

// MarshalJSON writes a StateError record as its state alone.
func (h HealthRecord) MarshalJSON() ([]byte, error) {
	type plain HealthRecord
	if h.State == StateError {
		return json.Marshal(struct {
			State HealthState `json:"state"`
		}{h.State})
	}
	p := plain(h)
	if p.Problems == nil {
		p.Problems = []string{}
	}
	return json.Marshal(p)
}

// RecordOf returns the record of a report; the report is not kept.
func RecordOf(r *plume.HealthReport) *HealthRecord {
	if r == nil {
		return &HealthRecord{State: StateError}
	}
	h := &HealthRecord{
		State:            ClassifyHealth(r),
		ServiceLevel:     r.ServiceLevel,
		GatewayOnline:    r.GatewayOnline,
		Nodes:            len(r.Nodes),
		ConnectedDevices: r.ConnectedDevices,
		Problems:         append([]string{}, r.Problems...),
		Missing:          append([]string(nil), r.Missing...),
		Notes:            append([]string(nil), r.Notes...),
		At:               r.At.UTC(),
	}
	for i := range r.Nodes {
		if r.Nodes[i].Connected() {
			h.NodesOnline++
		}
	}
	if a := r.Alerts; a != nil {
		for _, group := range [][]plume.Alert{a.Nodes, a.Devices} {
			for i := range group {
				h.OpenAlerts += len(group[i].OpenTypes())
			}
		}
	}
	if st := r.LastSpeedTest; st != nil {
		h.LastSpeedTest = &SpeedTestRecord{
			At: st.At.UTC(), Status: st.Status, DownloadMbps: st.DownloadMbps, UploadMbps: st.UploadMbps,
			LatencyMS: float64(st.Latency) / float64(time.Millisecond),
		}
	}
	return h
}

// SweepCounts counts the locations of a sweep by state.
type SweepCounts struct {
	Online   int `json:"online"`
	Degraded int `json:"degraded"`
	Offline  int `json:"offline"`
	Errors   int `json:"errors"` // the report could not be made (malformed rows included)
}

// add counts an entry: a done entry by its state, a failed one as an error. Interrupted
// entries are not counted: a rerun runs them again.
func (c *SweepCounts) add(e Entry) {
	switch e.Outcome {
	case OutcomeDone:
		state := StateError
		if e.Health != nil {
			state = e.Health.State
		}
		switch state {
		case StateOnline:
			c.Online++
		case StateDegraded:
			c.Degraded++
		case StateOffline:
			c.Offline++
		default:
			c.Errors++
		}
	case OutcomeFailed:
		c.Errors++
	}
}

// SweepProgress is the state of a sweep, as the progress function of Runner.Sweep receives it.
type SweepProgress struct {
	Progress
	SweepCounts
}

// SweepSummary is what a sweep did: the Runner's Summary (Failed and Failures are the
// locations whose report could not be made) and the locations run by state. Locations
// skipped because an earlier run recorded them are counted in Skipped only: their records are
// in the journal (ExportSweep counts the whole sweep).
type SweepSummary struct {
	Summary
	SweepCounts
	// OfflineEntries are the first Runner.MaxFailures entries of locations found offline.
	OfflineEntries []Entry
}

// Sweep runs Health for each row with r's workers, journal, gate and limits, and counts the
// locations by state. Each row runs as OpHealth, whatever its Op: the location named by its
// ids, else by its service id, else by the serial of a node claimed there.
//
// Each location's record is one journal line (Entry with Health): the journal is the sweep's
// output, written as the locations finish, and a rerun with the same journal skips every
// location it has recorded, wherever a crash cut it (the Journal's guarantees); the locations
// whose report could not be made (StateError, outcome failed) run again. Nothing but the
// counts and the first offline and failed entries is kept: memory stays flat whatever the
// number of rows. Requests wait on the client's limiter (give it r.Gate, in front of any
// limiter, the Redis fleet limiter included), and a rate limit pauses every worker as in Run.
//
// progress, when not nil, is called instead of r.Progress, after each location and every
// half second, from one goroutine at a time. The error is Run's: a report that could not be
// made is in the summary, not the error.
func (r *Runner) Sweep(ctx context.Context, rows iter.Seq2[Row, error], progress func(SweepProgress)) (*SweepSummary, error) {
	sw := *r
	out := &SweepSummary{}
	maxOffline := sw.MaxFailures
	if maxOffline == 0 {
		maxOffline = DefaultMaxFailures
	}
	sw.onEntry = func(e Entry) {
		out.add(e)
		if e.Outcome == OutcomeDone && e.Health != nil && e.Health.State == StateOffline && len(out.OfflineEntries) < maxOffline {
			out.OfflineEntries = append(out.OfflineEntries, e)
		}
	}
	if progress != nil {
		sw.Progress = func(p Progress) { progress(SweepProgress{Progress: p, SweepCounts: out.SweepCounts}) }
	}
	var healthRows iter.Seq2[Row, error]
	if rows != nil {
		healthRows = func(yield func(Row, error) bool) {
			for row, err := range rows {
				row.Op = OpHealth
				if !yield(row, err) {
					return
				}
			}
		}
	}
	sum, err := sw.Run(ctx, healthRows)
	out.Summary = *sum
	return out, err
}

// health runs one try of an OpHealth row: the report, turned into the entry's record.
func (r *Runner) health(ctx context.Context, row Row, e *Entry) error {
	rep, err := r.report(ctx, row, e)
	if err != nil {
		e.Health = &HealthRecord{State: StateError}
		return err
	}
	e.CustomerID, e.LocationID = rep.CustomerID, rep.LocationID
	e.ServiceID = cmp.Or(e.ServiceID, rep.ServiceID)
	e.Health = RecordOf(rep)
	return nil
}

func (r *Runner) report(ctx context.Context, row Row, e *Entry) (*plume.HealthReport, error) {
	switch {
	case row.CustomerID != "" && row.LocationID != "":
		return r.Client.Health(ctx, row.CustomerID, row.LocationID)
	case row.ServiceID != "":
		return r.Client.HealthByServiceID(ctx, row.ServiceID)
	case row.Serial != "":
		e.Serials = []string{row.Serial}
		return r.Client.HealthBySerial(ctx, row.Serial)
	}
	return nil, &plume.ValidationError{Field: "Row", Reason: "a health row needs CustomerID and LocationID, ServiceID or Serial"}
}
