package plume

// LocationsService is the Locations part of the API.
type LocationsService service
