package plume

// NodesService is the Nodes part of the API.
type NodesService service
