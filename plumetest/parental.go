package plumetest

import "github.com/plumecloud/plume-go/internal/fakecloud"

// Parental-control types: the fake cloud's own views (plume-support-api.md §10, §12.6).
type (
	// FreezeView is the freeze state of a device (Device.Freeze) or a person at the
	// Server's clock: Frozen while any freeze applies, the subject's own Forever, Suspend,
	// AutoExpire (zero once lapsed) and Templates, and the Sources that freeze it ("device",
	// "person", "location"). A subject nothing froze is FreezeView{}.
	FreezeView = fakecloud.FreezeView
	// PersonView is a person of a location with the devices assigned to it.
	PersonView = fakecloud.PersonView
	// LocationFreezeView is an active location-wide freeze (Location.Freeze).
	LocationFreezeView = fakecloud.LocationFreezeView
)

// AddSharedSchedule seeds a shared freeze schedule at a location: POST
// …/devices/{mac}/freeze/{id} and …/persons/{personId}/freeze/{id} apply it by that id; any
// other id answers 404. An unknown location is reported to the test as a mistake.
func (s *Server) AddSharedSchedule(locationID, id string) {
	s.report(s.cloud.AddSharedSchedule(locationID, id))
}

// SetSharedFreezeSchedules says whether a location uses shared location freeze schedules:
// while it does, a freeze template PUT answers 501 and the Location's
// isUtilizingSharedLocationFreezeSchedules is true. An unknown location is reported to the
// test as a mistake.
func (s *Server) SetSharedFreezeSchedules(locationID string, on bool) {
	s.report(s.cloud.SetSharedFreezeSchedules(locationID, on))
}

// Persons returns a location's persons in creation order, their freezes at the Server's
// clock. An unknown location is reported to the test as a mistake.
func (s *Server) Persons(locationID string) []PersonView {
	out, err := s.cloud.Persons(locationID)
	s.report(err)
	return out
}
