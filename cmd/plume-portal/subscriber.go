package main

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/plumecloud/plume-go"
)

// subscriberData is the subscriber page: the customer, the location chosen, and each
// section with its own error, so that one part the cloud cannot answer leaves the others.
type subscriberData struct {
	Customer  *plume.Customer
	Locations []locationOption
	Location  *plume.Location
	Level     string
	Suspended bool

	Wifi    *wifiInfo
	WifiErr string

	Health    *healthView
	HealthErr string

	Nodes    []nodeRow
	NodesErr string
	Mesh     *meshPicture

	Firmware       []firmwareRow
	FirmwareBehind int // nodes whose target is not what they run
	FirmwareErr    string

	Devices    []deviceRow
	DevicesErr string
	Online     int // devices connected
}

// deviceRow is one client device.
type deviceRow struct {
	Name, MAC, IP, State, Link, Since string
	Connected                         bool
}

type locationOption struct {
	ID, Label string
	Selected  bool
}

// wifiInfo is what the page shows of the WiFi network: never its key.
type wifiInfo struct {
	SSID    string
	Mode    string
	Enabled bool
}

// nodeRow is one node in the nodes table.
type nodeRow struct {
	ID, Name, State, Since, Firmware, Backhaul, IP string
	Devices                                        int
	Gateway, Online                                bool
}

func (p *Portal) subscriberPage(w http.ResponseWriter, r *http.Request, sess *session) {
	customerID := r.PathValue("customerID")
	if !idRE.MatchString(customerID) {
		p.renderError(w, r, sess, http.StatusNotFound, "That is not a subscriber id.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 45*time.Second)
	defer cancel()

	var (
		data   subscriberData
		locs   []plume.Location
		locErr error
		wg     sync.WaitGroup
		custEr error
	)
	wg.Go(func() { data.Customer, custEr = p.client.Customers.Get(ctx, customerID) })
	wg.Go(func() { locs, locErr = p.client.Locations.List(ctx, customerID) })
	wg.Wait()
	if err := errors.Join(custEr, locErr); err != nil {
		// The cloud answers 401 for a customer id that is not one of the partner's.
		if errors.Is(err, plume.ErrNotFound) || errors.Is(err, plume.ErrUnauthorized) || errors.Is(err, plume.ErrForbidden) {
			p.renderError(w, r, sess, http.StatusNotFound, "No subscriber with this id among your customers. Search for them instead.")
			return
		}
		p.renderError(w, r, sess, http.StatusBadGateway, explain(err))
		return
	}
	want := r.URL.Query().Get("location")
	for i := range locs {
		l := &locs[i]
		if data.Location == nil && (want == "" || l.ID == want) {
			data.Location = l
		}
	}
	for _, l := range locs {
		label := l.Name
		if l.ServiceID != "" {
			label += " · service " + l.ServiceID
		}
		data.Locations = append(data.Locations, locationOption{ID: l.ID, Label: label, Selected: data.Location != nil && l.ID == data.Location.ID})
	}
	title := subscriberTitle(data.Customer)
	if data.Location == nil {
		if want != "" {
			p.sessions.setFlash(sess, flash{Message: "This subscriber has no such location.", Error: true})
		}
		p.render(w, r, sess, http.StatusOK, "subscriber", title, &data)
		return
	}
	loc := data.Location
	if loc.ServiceLevel != nil {
		data.Level = levelName(loc.ServiceLevel.Status)
		data.Suspended = loc.ServiceLevel.Status == plume.NoService || loc.ServiceLevel.Status == plume.BasicService
	} else {
		data.Level = levelName("")
	}

	wg.Go(func() {
		wifi, err := p.client.WifiNetworks.Get(ctx, customerID, loc.ID)
		switch {
		case errors.Is(err, plume.ErrNotFound):
			data.WifiErr = "No WiFi network is provisioned at this location."
		case err != nil:
			data.WifiErr = explain(err)
		default:
			data.Wifi = &wifiInfo{SSID: wifi.SSID, Mode: string(wifi.WPAMode), Enabled: wifi.Enabled}
		}
	})
	wg.Go(func() { p.loadHealth(ctx, &data, customerID, loc.ID) })
	wg.Go(func() { p.loadFirmware(ctx, &data, customerID, loc.ID) })
	wg.Go(func() {
		devices, err := p.client.Devices.List(ctx, customerID, loc.ID, nil)
		if err != nil {
			data.DevicesErr = explain(err)
			return
		}
		data.Devices, data.Online = deviceRows(devices)
	})
	wg.Wait()
	p.audit(r.Context(), auditEntry{Action: "view-subscriber", Technician: sess.user, Customer: customerID, Location: loc.ID, Outcome: "ok"})
	p.render(w, r, sess, http.StatusOK, "subscriber", title, &data)
}

func subscriberTitle(c *plume.Customer) string {
	if c == nil {
		return "Subscriber"
	}
	if c.Name != "" {
		return c.Name
	}
	return "Account " + c.AccountID
}

// nodeRows turns the nodes list (read when the Health report has no topology) into table
// rows and a picture. The list does not say which node an extender connects through, so
// every extender hangs from the gateway here.
func nodeRows(nodes []plume.Node) ([]nodeRow, *meshPicture) {
	var rows []nodeRow
	var mesh []meshNode
	for _, n := range nodes {
		name := firstNonEmpty(n.Nickname, n.DefaultName, n.ID)
		online := strings.EqualFold(n.ConnectionState, "connected")
		rows = append(rows, nodeRow{
			ID: n.ID, Name: name, State: firstNonEmpty(n.ConnectionState, "unknown"), Since: sinceText(n.ConnectionStateChangeAt),
			Firmware: n.FirmwareVersion, Backhaul: n.BackhaulType, IP: n.IP, Devices: n.ConnectedDeviceCount,
			Gateway: n.ResidentialGateway, Online: online,
		})
		mesh = append(mesh, meshNode{ID: n.ID, Name: name, Gateway: n.ResidentialGateway, Online: online,
			State: n.ConnectionState, Backhaul: n.BackhaulType, Devices: n.ConnectedDeviceCount})
	}
	return rows, layoutMesh(mesh)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sinceText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// deviceRows lists the connected devices first, each group by name.
func deviceRows(devices []plume.Device) ([]deviceRow, int) {
	var rows []deviceRow
	online := 0
	for _, d := range devices {
		connected := strings.EqualFold(d.ConnectionState, "connected")
		if connected {
			online++
		}
		link := d.Medium
		if d.FreqBand != "" {
			link += " " + d.FreqBand
		}
		rows = append(rows, deviceRow{
			Name: firstNonEmpty(d.Nickname, d.Name, d.MAC), MAC: d.MAC, IP: d.IP,
			State: firstNonEmpty(d.ConnectionState, "unknown"), Link: strings.TrimSpace(link),
			Since: sinceText(d.ConnectionStateChangeAt), Connected: connected,
		})
	}
	slices.SortStableFunc(rows, func(a, b deviceRow) int {
		if a.Connected != b.Connected {
			if a.Connected {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return rows, online
}
