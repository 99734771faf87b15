package plume

import (
	"context"
	"errors"
)

// RMAResult is what UnclaimForRMA found and did.
type RMAResult struct {
	Serial     string
	CustomerID string // where the node was claimed ("" when it was not)
	LocationID string
	// AlreadyUnclaimed is true when the node was not claimed anywhere: nothing was done.
	AlreadyUnclaimed bool
}

// UnclaimForRMA unclaims one node, wherever it is claimed, so that it can be returned. A node
// that is not claimed (or that another run unclaimed meanwhile) is a success with
// AlreadyUnclaimed set. An unknown serial is ErrNotFound.
//
// API: GET /Partners/nodes/{serial}, then DELETE /Customers/{id}/locations/{locationId}/nodes/{serial}
func (c *Client) UnclaimForRMA(ctx context.Context, serial string) (*RMAResult, error) {
	if err := checkID("serial", serial); err != nil {
		return nil, err
	}
	found, err := c.Nodes.Lookup(ctx, serial)
	if err != nil {
		return nil, err
	}
	res := &RMAResult{Serial: serial, CustomerID: found.CustomerID, LocationID: found.LocationID}
	if !found.Claimed() {
		res.AlreadyUnclaimed = true
		return res, nil
	}
	err = c.Nodes.Unclaim(ctx, found.CustomerID, found.LocationID, serial, nil)
	if errors.Is(err, ErrNodeNotClaimed) {
		res.AlreadyUnclaimed = true
		return res, nil
	}
	if errors.Is(err, ErrNotFound) && c.unclaimedSince(ctx, serial) {
		// A location left without claimed nodes answers 404: another run, or an attempt of
		// this one whose answer was lost before the retry, unclaimed the node.
		res.AlreadyUnclaimed = true
		return res, nil
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

// unclaimedSince reports whether a lookup now finds serial claimed nowhere.
func (c *Client) unclaimedSince(ctx context.Context, serial string) bool {
	found, err := c.Nodes.Lookup(ctx, serial)
	return err == nil && !found.Claimed()
}

// CancelService cancels service at one location: the location is archived and its nodes
// unclaimed. A location already archived counts as done.
//
// API: DELETE /Customers/{id}/locations/{locationId}
func (c *Client) CancelService(ctx context.Context, customerID, locationID string) error {
	err := c.Locations.Delete(ctx, customerID, locationID)
	if errors.Is(err, ErrLocationArchived) {
		return nil
	}
	return err
}

// CancelServiceByServiceID cancels service at the location that carries serviceID (then
// CancelService). When no location carries it (none ever did, or it is already cancelled and no
// longer found) the error matches ErrNotFound.
//
// API: GET /Partners/locations/{serviceId}, then DELETE /Customers/{id}/locations/{locationId}
func (c *Client) CancelServiceByServiceID(ctx context.Context, serviceID string) error {
	if err := checkID("serviceID", serviceID); err != nil {
		return err
	}
	loc, err := c.Locations.FindByServiceID(ctx, serviceID)
	if err != nil {
		return err
	}
	return c.CancelService(ctx, loc.CustomerID, loc.ID)
}

// CancelAccount cancels a whole account: every location is archived, every node unclaimed, and
// Plume's GDPR erasure starts. An unknown customer (including one cancelled before) is
// returned as an error matching ErrNotFound.
//
// API: DELETE /Customers/{id}
func (c *Client) CancelAccount(ctx context.Context, customerID string) error {
	return c.Customers.Delete(ctx, customerID)
}

// Suspend lowers the service at a location to NoService (WiFi stopped, configuration kept) or
// BasicService.
//
// API: PATCH /Customers/{id}/locations/{locationId}/serviceLevel
func (c *Client) Suspend(ctx context.Context, customerID, locationID string, level ServiceLevelStatus) error {
	if level != NoService && level != BasicService {
		return invalid("ServiceLevelStatus", "Suspend takes noService or basicService, got %q", string(level))
	}
	_, err := c.Locations.SetServiceLevel(ctx, customerID, locationID, level)
	return err
}

// Resume restores full service at a location.
//
// API: PATCH /Customers/{id}/locations/{locationId}/serviceLevel {"status":"fullService"}
func (c *Client) Resume(ctx context.Context, customerID, locationID string) error {
	_, err := c.Locations.SetServiceLevel(ctx, customerID, locationID, FullService)
	return err
}
