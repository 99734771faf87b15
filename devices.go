package plume

// DevicesService is the Devices part of the API: the client devices (phones, laptops, TVs)
// that a location's nodes see, their names, steering and freezes.
type DevicesService service
