package plume

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// DFSMode is the optimizer's use of DFS channels (docs/plume-support-api.md §7.7).
type DFSMode string

// DFS modes.
const (
	DFSModeAuto               DFSMode = "auto"
	DFSModeEnable             DFSMode = "enable"
	DFSModeDisable            DFSMode = "disable"
	DFSModeDemo               DFSMode = "demo"
	DFSModeHomeNonDFSChannels DFSMode = "HomeNonDFSChannels"
	DFSModeUSDFS              DFSMode = "usDfs"
	DFSModeDeviceAware        DFSMode = "deviceAware"
)

func (m DFSMode) valid() bool {
	switch m {
	case DFSModeAuto, DFSModeEnable, DFSModeDisable, DFSModeDemo, DFSModeHomeNonDFSChannels, DFSModeUSDFS, DFSModeDeviceAware:
		return true
	}
	return false
}

// OptimizerMode is the value of the optimizer's three-way switches: prefer160MhzMode,
// zeroWaitDfsMode and preCACScheduler.
type OptimizerMode string

// Optimizer switch values.
const (
	OptimizerAuto    OptimizerMode = "auto"
	OptimizerEnable  OptimizerMode = "enable"
	OptimizerDisable OptimizerMode = "disable"
)

func (m OptimizerMode) valid() bool {
	return m == OptimizerAuto || m == OptimizerEnable || m == OptimizerDisable
}

// HopPenalty is how strongly the optimizer avoids extra backhaul hops.
type HopPenalty string

// Hop penalties.
const (
	HopPenaltyAuto   HopPenalty = "auto"
	HopPenaltyLow    HopPenalty = "low"
	HopPenaltyMedium HopPenalty = "medium"
	HopPenaltyHigh   HopPenalty = "high"
)

func (p HopPenalty) valid() bool {
	return p == HopPenaltyAuto || p == HopPenaltyLow || p == HopPenaltyMedium || p == HopPenaltyHigh
}

// MaxBandwidth caps the channel width per band, in the API's CHANNEL_BANDWIDTH_* values
// (CHANNEL_BANDWIDTH_AUTO, …), which pass through unchecked.
type MaxBandwidth struct {
	Band24G string `json:"maxBandwidth24g,omitempty"`
	Band5G  string `json:"maxBandwidth5g,omitempty"`
	Band6G  string `json:"maxBandwidth6g,omitempty"`
}

// OptimizerSettings are the WiFi optimizer's settings of a location
// (docs/plume-support-api.md §7.7): what OptimizerSettings reads and SetOptimizerSettings
// writes. An empty enum leaves the setting as it is. Auto is always sent (the contract
// requires it although it "defaults to true", §13.10), so start from what OptimizerSettings
// returned, or set it. Enable (it mirrors Auto) and UpdatedAt are read only. Raw keeps the
// object as read.
type OptimizerSettings struct {
	Auto             bool            `json:"auto"`
	Enable           bool            `json:"enable"`
	DFSMode          DFSMode         `json:"dfsMode,omitempty"`
	Prefer160MHzMode OptimizerMode   `json:"prefer160MhzMode,omitempty"`
	ZeroWaitDFSMode  OptimizerMode   `json:"zeroWaitDfsMode,omitempty"` // PATCH only
	HopPenalty       HopPenalty      `json:"hopPenalty,omitempty"`
	PreCACScheduler  OptimizerMode   `json:"preCACScheduler,omitempty"`
	MaxBandwidth     *MaxBandwidth   `json:"maxBandwidth,omitempty"`
	UpdatedAt        time.Time       `json:"updatedAt,omitzero"`
	Raw              json.RawMessage `json:"-"`
}

// plainOptimizerSettings is OptimizerSettings without methods, for decoding (decode.go).
type plainOptimizerSettings struct {
	plainOptimizerFields
	Auto   looseBool `json:"auto"` // a string($JSON) in the reference
	Enable looseBool `json:"enable"`
}

type plainOptimizerFields OptimizerSettings

func (p *plainOptimizerSettings) with(raw json.RawMessage) OptimizerSettings {
	s := OptimizerSettings(p.plainOptimizerFields)
	s.Auto, s.Enable = bool(p.Auto), bool(p.Enable)
	s.Raw = raw
	return s
}

// UnmarshalJSON decodes an optimizations object and keeps it whole in Raw.
func (s *OptimizerSettings) UnmarshalJSON(data []byte) error {
	return decodeRawInto(s, data, (*plainOptimizerSettings).with)
}

// Validate checks the settings as SetOptimizerSettings does before sending them: each enum
// empty or one of its values.
func (s OptimizerSettings) Validate() error {
	if err := checkEnum("DFSMode", s.DFSMode, DFSMode.valid); err != nil {
		return err
	}
	if err := checkEnum("Prefer160MHzMode", s.Prefer160MHzMode, OptimizerMode.valid); err != nil {
		return err
	}
	if err := checkEnum("ZeroWaitDFSMode", s.ZeroWaitDFSMode, OptimizerMode.valid); err != nil {
		return err
	}
	if err := checkEnum("HopPenalty", s.HopPenalty, HopPenalty.valid); err != nil {
		return err
	}
	return checkEnum("PreCACScheduler", s.PreCACScheduler, OptimizerMode.valid)
}

// optimizerRequest is the body SetOptimizerSettings sends: auto always, the rest when set.
type optimizerRequest struct {
	Auto             bool          `json:"auto"`
	DFSMode          DFSMode       `json:"dfsMode,omitempty"`
	Prefer160MHzMode OptimizerMode `json:"prefer160MhzMode,omitempty"`
	ZeroWaitDFSMode  OptimizerMode `json:"zeroWaitDfsMode,omitempty"`
	HopPenalty       HopPenalty    `json:"hopPenalty,omitempty"`
	PreCACScheduler  OptimizerMode `json:"preCACScheduler,omitempty"`
	MaxBandwidth     *MaxBandwidth `json:"maxBandwidth,omitempty"`
}

// OptimizerSettings returns the optimizer settings of a location: the optimizations member
// of the Location (the API has no GET of its own for them), one call. A location without
// that member is an error matching ErrUnexpectedResponse.
//
// API: GET /Customers/{id}/locations/{locationId}
func (s *LocationsService) OptimizerSettings(ctx context.Context, customerID, locationID string) (*OptimizerSettings, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	loc, err := call[Location](ctx, s.client, &request{
		op:     "Locations.OptimizerSettings",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID),
	})
	if err != nil {
		return nil, err
	}
	member, ok := jsonraw.Member(loc.Raw, "optimizations")
	if !ok || string(member) == "null" || len(member) == 0 || member[0] != '{' {
		return nil, fmt.Errorf("plume: Locations.OptimizerSettings: location %s has no optimizations object: %w", locationID, ErrUnexpectedResponse)
	}
	var out OptimizerSettings
	if err := out.UnmarshalJSON(member); err != nil {
		return nil, fmt.Errorf("plume: Locations.OptimizerSettings: decoding optimizations: %w", err)
	}
	return &out, nil
}

// SetOptimizerSettings changes the optimizer settings of a location by PATCH, which keeps
// what is not sent (docs/plume-support-api.md §7.7): auto always, each enum and MaxBandwidth
// when set. Enable and UpdatedAt are not sent. An enum outside its values is a
// *ValidationError and nothing is sent; the API's 400 and 422 are ErrBadRequest and
// ErrValidation, a 404 ErrNotFound. It returns the settings as the API answers them.
//
// API: PATCH /Customers/{id}/locations/{locationId}/optimizations
func (s *LocationsService) SetOptimizerSettings(ctx context.Context, customerID, locationID string, settings OptimizerSettings) (*OptimizerSettings, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if err := settings.Validate(); err != nil {
		return nil, err
	}
	return call[OptimizerSettings](ctx, s.client, &request{
		op:     "Locations.SetOptimizerSettings",
		method: http.MethodPatch,
		path:   buildPath("Customers", customerID, "locations", locationID, "optimizations"),
		body: optimizerRequest{
			Auto: settings.Auto, DFSMode: settings.DFSMode, Prefer160MHzMode: settings.Prefer160MHzMode,
			ZeroWaitDFSMode: settings.ZeroWaitDFSMode, HopPenalty: settings.HopPenalty,
			PreCACScheduler: settings.PreCACScheduler, MaxBandwidth: settings.MaxBandwidth,
		},
	})
}

// Optimize asks the cloud to run the WiFi optimizer at a location now. See OptimizeNow for
// the id the API answers with. A 404 is ErrNotFound.
//
// API: POST /Customers/{id}/locations/{locationId}/optimize
func (s *LocationsService) Optimize(ctx context.Context, customerID, locationID string) error {
	_, err := s.optimize(ctx, "Locations.Optimize", customerID, locationID, nil)
	return err
}

// OptimizeNow is Optimize that returns the id the API answers with: a JSON string
// (docs/plume-support-api.md §7.6; an object with an id is read too). An answer without an
// id is an error matching ErrUnexpectedResponse; the optimizer may run all the same.
//
// API: POST /Customers/{id}/locations/{locationId}/optimize
func (s *LocationsService) OptimizeNow(ctx context.Context, customerID, locationID string) (string, error) {
	var id optimizeAnswer
	if _, err := s.optimize(ctx, "Locations.OptimizeNow", customerID, locationID, &id); err != nil {
		return "", err
	}
	return string(id), nil
}

func (s *LocationsService) optimize(ctx context.Context, op, customerID, locationID string, out any) (*response, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{
		op:     op,
		method: http.MethodPost,
		path:   buildPath("Customers", customerID, "locations", locationID, "optimize"),
	}, out)
}

// optimizeAnswer is the id optimize answers: a JSON string, or {"id":…} / {"requestId":…}.
type optimizeAnswer string

func (a *optimizeAnswer) decodeBody(body []byte) error {
	if !json.Valid(body) {
		var v any
		return json.Unmarshal(body, &v) // the syntax error
	}
	var id flexString
	if err := id.UnmarshalJSON(body); err == nil {
		*a = optimizeAnswer(id)
		return nil
	}
	var w struct {
		ID        flexString `json:"id"`
		RequestID flexString `json:"requestId"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return err
	}
	*a = optimizeAnswer(w.ID)
	if *a == "" {
		*a = optimizeAnswer(w.RequestID)
	}
	return nil
}

func (a *optimizeAnswer) missing() string { return missingID(string(*a)) }
