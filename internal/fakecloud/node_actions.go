package fakecloud

import (
	"math"
	"net/http"
	"slices"
	"time"
)

// LED modes of …/ledMode (plume-support-api.md §5.3, §13.3).
const (
	ledLocate = "locate"
	ledNormal = "normal"
)

// maxRebootDelay bounds the reboot delay (§5.1); the fake reads it as seconds (§13.4).
const maxRebootDelay = 100000

// logDestinations are the forceDestination values of …/config/flashLogging (§5.7).
var logDestinations = []string{
	"NODE_LOGGING_DESTINATION_DEFAULT",
	"NODE_LOGGING_DESTINATION_FLASH",
	"NODE_LOGGING_DESTINATION_FLASH_RAMOOPS",
	"NODE_LOGGING_DESTINATION_RAMOOPS",
	"NODE_LOGGING_DESTINATION_OFF",
}

// readDelay reads the reboot delay: an integer 0–100000, as a number or a numeric string;
// absent is 0. Anything else is 422 (§12.2).
func readDelay(f *fields) (time.Duration, *reply) {
	v := f.raw("delay")
	if v == nil {
		return 0, nil
	}
	n, ok := parseLooseNumber(v)
	if !ok || n < 0 || n > maxRebootDelay || n != math.Trunc(n) {
		return 0, errorf(http.StatusUnprocessableEntity, "delay must be an integer between 0 and %d", maxRebootDelay)
	}
	return time.Duration(n) * time.Second, nil
}

// rebootNode reboots one claimed node after delay seconds; an offline node answers 204 and
// stays as it is. PUT …/nodes/{id}/reboot (§5.1, §12.2)
func (c *Cloud) rebootNode(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	delay, bad := readDelay(f)
	if bad != nil {
		return bad
	}
	n, bad := c.claimedNodeAt(l, rq.params[2])
	if bad != nil {
		return bad
	}
	c.reboot(n, delay, c.now())
	return emptyReply(http.StatusNoContent)
}

// rebootLocation reboots every claimed node of the location. PUT …/reboot (§5.2, §12.2)
func (c *Cloud) rebootLocation(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	delay, bad := readDelay(f)
	if bad != nil {
		return bad
	}
	now := c.now()
	for _, n := range c.claimedAt(l.id) {
		c.reboot(n, delay, now)
	}
	return emptyReply(http.StatusNoContent)
}

// setLEDMode stores locate or normal; it never reverts by itself. A node unknown to the
// cloud is 404, one not claimed at this location 425. PUT …/nodes/{id}/ledMode (§5.3, §12.2)
func (c *Cloud) setLEDMode(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	mode := f.str("mode")
	switch {
	case f.err != nil:
		return f.err
	case mode == nil || (*mode != ledLocate && *mode != ledNormal):
		return errorReply(http.StatusUnprocessableEntity, `mode must be "locate" or "normal"`)
	}
	n := c.nodes[rq.params[2]]
	switch {
	case n == nil:
		return errorf(http.StatusNotFound, "node %q not found", rq.params[2])
	case n.locationID != l.id:
		return errorf(http.StatusTooEarly, "node %q does not belong to location %q", n.serial, l.id)
	}
	n.led, n.updatedAt = *mode, c.now()
	return jsonReply(http.StatusOK, obj{"mode": n.led})
}

// setFlashLogging chooses where the nodes write their logs; 202 with no body.
// PATCH …/config/flashLogging (§5.7)
func (c *Cloud) setFlashLogging(rq *request) *reply {
	_, l, f, bad := c.scopedFields(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	dest, bad := f.required("forceDestination")
	if bad != nil {
		return bad
	}
	if !slices.Contains(logDestinations, dest) {
		return errorf(http.StatusUnprocessableEntity, "forceDestination %q is not a NODE_LOGGING_DESTINATION_* value", dest)
	}
	l.logDestination = dest
	return emptyReply(http.StatusAccepted)
}

// resetFlashLogging restores the default log destination. DELETE …/config/flashLogging (§5.7)
func (c *Cloud) resetFlashLogging(rq *request) *reply {
	_, l, bad := c.scoped(rq, http.StatusUnauthorized)
	if bad != nil {
		return bad
	}
	l.logDestination = ""
	return emptyReply(http.StatusAccepted)
}

// findNode answers a node claimed to the customer at any of its locations, with its
// locationId. GET /Customers/{id}/nodes/{id} (§11.4)
func (c *Cloud) findNode(rq *request) *reply {
	cu, bad := c.customerIn(rq, http.StatusNotFound)
	if bad != nil {
		return bad
	}
	n := c.nodes[rq.params[1]]
	if n == nil || n.customerID != cu.id {
		return errorf(http.StatusNotFound, "node %q is not claimed to customer %q", rq.params[1], cu.id)
	}
	o := c.nodeStatusJSON(n, c.now())
	o["locationId"] = n.locationID
	return jsonReply(http.StatusOK, o)
}

// deleteNodeModel refuses: deleting a node model is not an unclaim, and it is kept out of
// the SDK. DELETE /Customers/{id}/nodes/{id} (§11.4)
func (c *Cloud) deleteNodeModel(*request) *reply {
	return errorReply(http.StatusMethodNotAllowed, "deleting a node model is not supported by the fake cloud")
}
