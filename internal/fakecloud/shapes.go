package fakecloud

// Reference shapes (Config.ReferenceShapes, plumetest.WithReferenceShapes): where Plume's
// swagger-derived reference (E) draws an answer differently from its guides (G), the fake
// answers in E's shape instead of G's (docs/plume-api-errata.md C1–C14). Requests are read in
// both readings in either mode. Where E's example is a bare `{}` for a read whose data a
// caller needs (service level and WAN reads, the partner lookups and search), `{}` marks an
// undocumented body (plume-support-api.md §1), so the fake keeps G's shape in both modes.

// refLocationCreated is E's answer to a location create: {} (errata C1).
func (c *Cloud) refLocationCreated(v obj) any {
	if c.refShapes {
		return obj{}
	}
	return v
}

// refLocationList is E's location list: one object when there is one location (errata C9).
func (c *Cloud) refLocationList(list []obj) any {
	if c.refShapes && len(list) == 1 {
		return list[0]
	}
	return list
}

// refNodeStatus is E's node status: no serialNumber or model (errata C2).
func (c *Cloud) refNodeStatus(o obj) obj {
	if c.refShapes {
		delete(o, "serialNumber")
		delete(o, "model")
		delete(o, "residentialGateway")
	}
	return o
}

// refNodeList is E's node list, wrapped twice: {"nodes":{"nodes":[…]}} (plume-api.md §5.1).
func (c *Cloud) refNodeList(items []obj) obj {
	if c.refShapes {
		return obj{"nodes": obj{"nodes": items}}
	}
	return obj{"nodes": items}
}

// refClaimed is E's claim answer: items {serialNumber, id, nickname, defaultName, status} and
// a top-level numeric id (errata C3).
func (c *Cloud) refClaimed(n *node, record obj) obj {
	if !c.refShapes {
		return obj{"claimed": []obj{record}}
	}
	return obj{"claimed": []obj{{
		"serialNumber": n.serial, "id": n.serial, "nickname": n.nickname,
		"defaultName": defaultNodeName(n), "status": "claimed",
	}}, "id": 0}
}

// refRegistered is E's register answer: no partnerId, autoProvisioned or systemUser (errata C4).
func (c *Cloud) refRegistered(o obj) obj {
	if c.refShapes {
		delete(o, "partnerId")
		delete(o, "autoProvisioned")
		delete(o, "systemUser")
	}
	return o
}

// refDeleted is E's customer delete answer: {} (errata C6).
func (c *Cloud) refDeleted(o obj) obj {
	if c.refShapes {
		return obj{}
	}
	return o
}

// refCheckpoint is E's checkpoint answer, wrapped twice (errata C10).
func (c *Cloud) refCheckpoint(cp obj) obj {
	if c.refShapes {
		return obj{"checkpoint": obj{"checkpoint": cp}}
	}
	return obj{"checkpoint": cp}
}

// refWritten is E's answer to a service-level PATCH and a WAN PUT: {} (errata C11).
func (c *Cloud) refWritten(o obj) obj {
	if c.refShapes {
		return obj{}
	}
	return o
}
