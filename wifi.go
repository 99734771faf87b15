package plume

// WifiNetworksService is the WifiNetworks part of the API.
type WifiNetworksService service
