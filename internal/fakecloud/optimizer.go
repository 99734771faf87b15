package fakecloud

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The optimizer (plume-support-api.md §7.6, §7.7, §12.9): POST …/optimize runs it (nothing
// runs: it gets an id and is remembered), and …/optimizations holds its settings, shown as
// Location.optimizations.

// Values of the optimizations settings (§7.7).
var (
	dfsModes     = []string{"auto", "enable", "disable", "demo", "HomeNonDFSChannels", "usDfs", "deviceAware"}
	toggleModes  = []string{"auto", "enable", "disable"}
	hopPenalties = []string{"auto", "low", "medium", "high"}
)

const (
	modeAuto        = "auto"
	bandwidthPrefix = "CHANNEL_BANDWIDTH_"
	bandwidthAuto   = bandwidthPrefix + "AUTO"
)

// bandwidthKeys are the fields of maxBandwidth: 2.4, 5 and 6 GHz.
var bandwidthKeys = [3]string{"maxBandwidth24g", "maxBandwidth5g", "maxBandwidth6g"}

// optimizations is Location.optimizations and the last optimizer run.
type optimizations struct {
	auto                                      bool
	dfsMode, prefer160, zeroWait, hop, preCAC string
	maxBandwidth                              [3]string
	updatedAt                                 time.Time
	lastID                                    string // POST …/optimize's id; "" before any
	lastAt                                    time.Time
	lastForcePcs                              bool
}

// optEnum is one enum setting: its key, its values, where it is stored, and whether PUT
// takes it (zeroWaitDfsMode is PATCH only).
type optEnum struct {
	key    string
	values []string
	field  func(*optimizations) *string
	put    bool
}

var optEnums = []optEnum{
	{"dfsMode", dfsModes, func(o *optimizations) *string { return &o.dfsMode }, true},
	{"prefer160MhzMode", toggleModes, func(o *optimizations) *string { return &o.prefer160 }, true},
	{"zeroWaitDfsMode", toggleModes, func(o *optimizations) *string { return &o.zeroWait }, false},
	{"hopPenalty", hopPenalties, func(o *optimizations) *string { return &o.hop }, true},
	{"preCACScheduler", toggleModes, func(o *optimizations) *string { return &o.preCAC }, true},
}

// defaultOptimizations: auto on, every enum auto, every bandwidth CHANNEL_BANDWIDTH_AUTO.
func defaultOptimizations(now time.Time) optimizations {
	o := optimizations{auto: true, updatedAt: now}
	o.reset()
	return o
}

// reset sets every enum and bandwidth back to auto.
func (o *optimizations) reset() {
	for _, e := range optEnums {
		*e.field(o) = modeAuto
	}
	for i := range o.maxBandwidth {
		o.maxBandwidth[i] = bandwidthAuto
	}
}

func optimizationsJSON(l *location) obj {
	o := l.optimizations
	bw := obj{}
	for i, key := range bandwidthKeys {
		bw[key] = o.maxBandwidth[i]
	}
	out := obj{"_version": schemaVersion, "auto": o.auto, "enable": o.auto, "updatedAt": stamp(o.updatedAt), "maxBandwidth": bw}
	for _, e := range optEnums {
		out[e.key] = *e.field(&o)
	}
	return out
}

// optimizationSummary is the summary's optimization: whether the optimizer runs by itself,
// its state (always idle: a run completes at once) and the last run.
func optimizationSummary(l *location) obj {
	o := l.optimizations
	out := obj{"enable": o.auto, "state": "idle", "id": nil, "triggeredAt": nil}
	if o.lastID != "" {
		out["id"], out["triggeredAt"] = o.lastID, stamp(o.lastAt)
	}
	return out
}

// optimize records a run and answers its new id as a JSON string. POST …/optimize (§7.6, §12.9)
func (c *Cloud) optimize(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	forcePcs := f.looseBool("forcePcs")
	if f.err != nil {
		return f.err
	}
	o := &l.optimizations
	o.lastID, o.lastAt, o.lastForcePcs = c.newID(), c.now(), forcePcs != nil && *forcePcs
	return jsonReply(http.StatusOK, o.lastID)
}

// putOptimizations replaces the settings: auto is required (400), the enums and bandwidths
// not sent go back to auto. PUT …/optimizations (§7.7, §12.9)
func (c *Cloud) putOptimizations(rq *request) *reply {
	return c.writeOptimizations(rq, true)
}

// patchOptimizations merges the settings sent; auto is kept when absent.
// PATCH …/optimizations (§7.7, §12.9)
func (c *Cloud) patchOptimizations(rq *request) *reply {
	return c.writeOptimizations(rq, false)
}

func (c *Cloud) writeOptimizations(rq *request, put bool) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	next := l.optimizations
	if put {
		next.reset()
	}
	if bad := next.apply(f, put); bad != nil {
		return bad
	}
	next.updatedAt = c.now()
	l.optimizations = next
	return jsonReply(http.StatusOK, optimizationsJSON(l))
}

// apply reads a body onto a copy of the settings: types first (400), then values (422).
func (o *optimizations) apply(f *fields, put bool) *reply {
	auto := f.looseBool("auto")
	enums := make([]*string, len(optEnums))
	for i, e := range optEnums {
		if e.put || !put { // LoopBack ignores an argument the method does not declare
			enums[i] = f.str(e.key)
		}
	}
	bw := f.looseObject("maxBandwidth")
	var bands [3]*string
	if bw != nil {
		for i, key := range bandwidthKeys {
			bands[i] = bw.str(key)
		}
		if bw.err != nil {
			return bw.err
		}
	}
	switch {
	case f.err != nil:
		return f.err
	case put && auto == nil:
		return errorReply(http.StatusBadRequest, "auto is required")
	}
	for i, e := range optEnums {
		if v := enums[i]; v != nil {
			if !slices.Contains(e.values, *v) {
				return errorf(http.StatusUnprocessableEntity, "%s %q is not one of %s", e.key, *v, strings.Join(e.values, ", "))
			}
			*e.field(o) = *v
		}
	}
	for i, v := range bands {
		if v == nil {
			continue
		}
		if !strings.HasPrefix(*v, bandwidthPrefix) {
			return errorf(http.StatusUnprocessableEntity, "maxBandwidth.%s %q does not start with %s", bandwidthKeys[i], *v, bandwidthPrefix)
		}
		o.maxBandwidth[i] = *v
	}
	if auto != nil {
		o.auto = *auto
	}
	return nil
}

// OptimizationsView is a location's optimizer settings and its last run.
type OptimizationsView struct {
	Auto                                            bool
	DFSMode, Prefer160MhzMode, ZeroWaitDFSMode      string
	HopPenalty, PreCACScheduler                     string
	MaxBandwidth24G, MaxBandwidth5G, MaxBandwidth6G string
	UpdatedAt                                       time.Time
	LastOptimizeID                                  string // POST …/optimize's last id; "" before any
	LastOptimizeAt                                  time.Time
	LastForcePcs                                    bool
}

func optimizationsSnapshot(l *location) OptimizationsView {
	o := l.optimizations
	return OptimizationsView{
		Auto: o.auto, DFSMode: o.dfsMode, Prefer160MhzMode: o.prefer160, ZeroWaitDFSMode: o.zeroWait,
		HopPenalty: o.hop, PreCACScheduler: o.preCAC,
		MaxBandwidth24G: o.maxBandwidth[0], MaxBandwidth5G: o.maxBandwidth[1], MaxBandwidth6G: o.maxBandwidth[2],
		UpdatedAt: o.updatedAt, LastOptimizeID: o.lastID, LastOptimizeAt: o.lastAt, LastForcePcs: o.lastForcePcs,
	}
}
