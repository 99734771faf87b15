package plume

import (
	"context"
	"net/http"
	"time"
)

// BandSteeringMode is the band steering mode of a location: whether the nodes steer
// dual-band clients between 2.4 and 5 GHz.
type BandSteeringMode string

// Band steering modes.
const (
	BandSteeringAuto    BandSteeringMode = "auto"    // the cloud decides
	BandSteeringEnable  BandSteeringMode = "enable"  // always steer
	BandSteeringDisable BandSteeringMode = "disable" // never steer
)

func (m BandSteeringMode) valid() bool {
	return m == BandSteeringAuto || m == BandSteeringEnable || m == BandSteeringDisable
}

// BandSteering is the band steering setting of a location, as the location's bandSteering
// object holds it (docs/plume-support-api.md §4.4).
type BandSteering struct {
	Mode      BandSteeringMode `json:"mode"`
	Auto      bool             `json:"auto"`
	UpdatedAt time.Time        `json:"updatedAt,omitzero"`
}

// bandSteeringAnswer is the answer of SetBandSteering, {"_version","auto","mode","updatedAt"}
// (_version is not kept: its type is not documented).
type bandSteeringAnswer BandSteering

// SetBandSteering sets the band steering mode of a location. The mode is required and must be
// one of BandSteeringAuto, BandSteeringEnable and BandSteeringDisable (checked before sending;
// the API answers 422 for another, ErrValidation). An answer without a mode gets the mode the
// call sent. An unknown location is ErrNotFound. This is the reference's current form
// (docs/plume-support-api.md §4.4); the deprecated PUT with auto true or false (§4.5) is not
// used.
//
// API: PATCH /Customers/{id}/locations/{locationId}/bandSteering
func (s *LocationsService) SetBandSteering(ctx context.Context, customerID, locationID string, mode BandSteeringMode) (*BandSteering, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if mode == "" {
		return nil, invalid("Mode", "is required")
	}
	if err := checkEnum("Mode", mode, BandSteeringMode.valid); err != nil {
		return nil, err
	}
	answer, err := call[bandSteeringAnswer](ctx, s.client, &request{
		op:     "Locations.SetBandSteering",
		method: http.MethodPatch,
		path:   buildPath("Customers", customerID, "locations", locationID, "bandSteering"),
		body: struct {
			Mode BandSteeringMode `json:"mode"`
		}{mode},
	})
	if err != nil {
		return nil, err
	}
	out := (*BandSteering)(answer)
	if out.Mode == "" {
		out.Mode = mode
	}
	return out, nil
}
