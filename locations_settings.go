package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// ServiceLevel is the level of service of a location.
type ServiceLevel struct {
	Status    ServiceLevelStatus `json:"status"`
	CreatedAt time.Time          `json:"createdAt,omitzero"`
	UpdatedAt time.Time          `json:"updatedAt,omitzero"`
}

// OnboardingCheckpoint is the onboarding checkpoint recorded for a location.
type OnboardingCheckpoint struct {
	Value      Checkpoint `json:"value"`
	Timestamp  time.Time  `json:"timestamp,omitzero"`
	ID         string     `json:"id,omitempty"`
	LocationID string     `json:"locationId,omitempty"`
	CreatedAt  time.Time  `json:"createdAt,omitzero"`
}

func (l *ServiceLevel) missing() string {
	if l.Status == "" {
		return "no status"
	}
	return ""
}

// serviceLevelSet is the answer of SetServiceLevel, which may lack the status (the reference
// draws {}): the call fills in the status it sent.
type serviceLevelSet ServiceLevel

// GetServiceLevel returns the service level of a location. An answer without a status is an
// error matching ErrUnexpectedResponse.
//
// API: GET /Customers/{id}/locations/{locationId}/serviceLevel
func (s *LocationsService) GetServiceLevel(ctx context.Context, customerID, locationID string) (*ServiceLevel, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	return call[ServiceLevel](ctx, s.client, &request{
		op:     "Locations.GetServiceLevel",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID, "locations", locationID, "serviceLevel"),
	})
}

// SetServiceLevel suspends (NoService), limits (BasicService) or restores (FullService) the
// service of a location. An answer without a status (the reference draws {}) gets the status
// the call sent.
//
// API: PATCH /Customers/{id}/locations/{locationId}/serviceLevel
func (s *LocationsService) SetServiceLevel(ctx context.Context, customerID, locationID string, status ServiceLevelStatus) (*ServiceLevel, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if status == "" {
		return nil, invalid("Status", "is required")
	}
	if err := checkEnum("Status", status, ServiceLevelStatus.valid); err != nil {
		return nil, err
	}
	level, err := call[serviceLevelSet](ctx, s.client, &request{
		op:     "Locations.SetServiceLevel",
		method: http.MethodPatch,
		path:   buildPath("Customers", customerID, "locations", locationID, "serviceLevel"),
		body: struct {
			Status ServiceLevelStatus `json:"status"`
		}{status},
	})
	if err != nil {
		return nil, err
	}
	if level.Status == "" {
		level.Status = status
	}
	return (*ServiceLevel)(level), nil
}

// SetOnboardingCheckpoint records an onboarding checkpoint; OnboardingComplete also sends the
// customer an email. The answer is read wrapped once or twice, or bare; one without a value
// or location id gets the checkpoint and location id the call sent.
//
// API: POST /Customers/{id}/locations/{locationId}/onboardingCheckpoint
func (s *LocationsService) SetOnboardingCheckpoint(ctx context.Context, customerID, locationID string, checkpoint Checkpoint) (*OnboardingCheckpoint, error) {
	if err := checkIDs("customerID", customerID, "locationID", locationID); err != nil {
		return nil, err
	}
	if checkpoint == "" {
		return nil, invalid("Checkpoint", "is required")
	}
	if err := checkEnum("Checkpoint", checkpoint, Checkpoint.valid); err != nil {
		return nil, err
	}
	cp, err := call[checkpointAnswer](ctx, s.client, &request{
		op:     "Locations.SetOnboardingCheckpoint",
		method: http.MethodPost,
		path:   buildPath("Customers", customerID, "locations", locationID, "onboardingCheckpoint"),
		body: struct {
			Checkpoint Checkpoint `json:"checkpoint"`
		}{checkpoint},
	})
	if err != nil {
		return nil, err
	}
	if cp.Value == "" {
		cp.Value = checkpoint
	}
	if cp.LocationID == "" {
		cp.LocationID = locationID
	}
	return &cp.OnboardingCheckpoint, nil
}

// checkpointAnswer is the answer of SetOnboardingCheckpoint (see decodeCheckpoint).
type checkpointAnswer struct{ OnboardingCheckpoint }

func (a *checkpointAnswer) decodeBody(body []byte) error {
	cp, err := decodeCheckpoint(body)
	if err == nil {
		a.OnboardingCheckpoint = *cp
	}
	return err
}

// decodeCheckpoint reads {"checkpoint":{…}}, the doubled {"checkpoint":{"checkpoint":{…}}}
// one source draws, or a bare checkpoint object.
func decodeCheckpoint(body json.RawMessage) (*OnboardingCheckpoint, error) {
	var cp OnboardingCheckpoint
	for range 3 {
		body = bytes.TrimSpace(body)
		if len(body) == 0 || body[0] != '{' {
			break
		}
		var wrapper struct {
			Checkpoint json.RawMessage `json:"checkpoint"`
		}
		if err := json.Unmarshal(body, &wrapper); err != nil {
			return nil, err
		}
		inner := bytes.TrimSpace(wrapper.Checkpoint)
		if len(inner) == 0 || inner[0] != '{' {
			break
		}
		body = inner
	}
	if len(body) == 0 {
		return &cp, nil
	}
	if err := json.Unmarshal(body, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}
