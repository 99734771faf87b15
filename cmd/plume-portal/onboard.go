package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/plumecloud/plume-go"
)

// onboardForm is the onboarding form's values as shown again after an error. The WiFi key
// is never among them: it is typed again.
type onboardForm struct {
	Error                                      string
	AccountID, Name, Email, ServiceID, Profile string
	SSID, Gateway, Extenders, EmailChoice      string
	StaticEnabled                              bool
	IP, Subnet, WANGateway, DNS1, DNS2         string
	VerifyFirst                                bool
}

type rmaForm struct {
	Error  string
	Serial string
}

func (p *Portal) onboardPage(w http.ResponseWriter, r *http.Request, sess *session) {
	p.render(w, r, sess, http.StatusOK, "onboard", "Onboard a subscriber", onboardForm{Profile: string(plume.ProfileAuto), EmailChoice: string(plume.MarkEmailVerified), VerifyFirst: true})
}

func (p *Portal) rmaPage(w http.ResponseWriter, r *http.Request, sess *session) {
	p.render(w, r, sess, http.StatusOK, "rma", "Unclaim a node for an RMA", rmaForm{Serial: strings.TrimSpace(r.URL.Query().Get("serial"))})
}

// renderForm shows a form page again with the values posted (never a key) and a message.
func (p *Portal) renderForm(w http.ResponseWriter, r *http.Request, sess *session, form string, status int, msg string) {
	f := r.PostForm
	switch form {
	case "onboard":
		p.render(w, r, sess, status, "onboard", "Onboard a subscriber", onboardForm{
			Error: msg, AccountID: f.Get("accountId"), Name: f.Get("name"), Email: f.Get("email"),
			ServiceID: f.Get("serviceId"), Profile: f.Get("profile"), SSID: f.Get("ssid"),
			Gateway: f.Get("gateway"), Extenders: f.Get("extenders"), EmailChoice: f.Get("emailVerification"),
			StaticEnabled: f.Get("staticEnabled") != "", IP: f.Get("ip"), Subnet: f.Get("subnet"),
			WANGateway: f.Get("wanGateway"), DNS1: f.Get("dns1"), DNS2: f.Get("dns2"),
			VerifyFirst: f.Get("verifyFirst") != "",
		})
	case "rma":
		p.render(w, r, sess, status, "rma", "Unclaim a node for an RMA", rmaForm{Error: msg, Serial: f.Get("serial")})
	}
}

// serials splits a list of serials written with commas, spaces or new lines.
func serials(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

func init() {
	actions["onboard"] = &actionSpec{
		title:   "Onboard a subscriber",
		button:  "Onboard",
		warning: "The subscriber is registered (or, when the account id exists, the earlier onboarding is continued), the nodes are claimed and onboarding is marked complete.",
		form:    "onboard",
		parse:   parseOnboard,
		prepare: func(j *job, a actionParams) {
			j.labelClaim = append([]string{a.Onboard.Gateway}, a.Onboard.Extenders...)
			j.Title = "Onboard " + a.Onboard.AccountID
		},
		job: runOnboard,
	}
	actions["rma"] = &actionSpec{
		title:   "Unclaim a node for an RMA",
		button:  "Unclaim",
		warning: "The node is released from the subscriber's location so that it can be returned. The subscriber's network loses it at once.",
		form:    "rma",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a := actionParams{Serial: strings.TrimSpace(r.PostForm.Get("serial"))}
			if !idRE.MatchString(a.Serial) {
				return a, nil, &formError{"Type the serial number printed on the node."}
			}
			found, err := p.client.Nodes.Lookup(ctx, a.Serial)
			if err != nil {
				if errors.Is(err, plume.ErrNotFound) {
					return a, nil, &formError{"No node with serial " + a.Serial + " is in your inventory."}
				}
				return a, nil, err
			}
			summary := []string{"Serial: " + a.Serial}
			if found.Claimed() {
				summary = append(summary, "Claimed by customer "+found.CustomerID+" at location "+found.LocationID)
			} else {
				summary = append(summary, "Not claimed by anyone: nothing will change.")
			}
			return a, summary, nil
		},
		run: func(ctx context.Context, p *Portal, a actionParams) (string, error) {
			res, err := p.client.UnclaimForRMA(ctx, a.Serial)
			if err != nil {
				return "", err
			}
			if res.AlreadyUnclaimed {
				return "Node " + res.Serial + " was not claimed: nothing to do. It can be returned.", nil
			}
			return fmt.Sprintf("Node %s unclaimed from customer %s (location %s). It can be returned.", res.Serial, res.CustomerID, res.LocationID), nil
		},
	}
}

func parseOnboard(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
	f := r.PostForm
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	req := &plume.OnboardRequest{
		AccountID:         get("accountId"),
		Name:              get("name"),
		Email:             get("email"),
		ServiceID:         get("serviceId"),
		Profile:           plume.Profile(get("profile")),
		Gateway:           get("gateway"),
		Extenders:         serials(f.Get("extenders")),
		EmailVerification: plume.EmailVerification(get("emailVerification")),
		VerifyNodesFirst:  f.Get("verifyFirst") != "",
	}
	switch req.Profile {
	case plume.ProfileAuto, plume.ProfileSmallBusiness:
	default:
		return actionParams{}, nil, &formError{"Choose HomePass or WorkPass."}
	}
	switch req.EmailVerification {
	case plume.EmailVerificationNone, plume.MarkEmailVerified, plume.SendEmailVerification:
	default:
		return actionParams{}, nil, &formError{"Choose what to do about the email address."}
	}
	if ssid, key := get("ssid"), f.Get("wifiKey"); ssid != "" || key != "" {
		req.Wifi = &plume.WifiNetworkRequest{SSID: ssid, EncryptionKey: key, WPAMode: plume.WPAPSK2}
	}
	if f.Get("staticEnabled") != "" {
		req.StaticIPv4 = &plume.StaticIPv4{Enabled: true, IP: get("ip"), Subnet: get("subnet"), Gateway: get("wanGateway"), PrimaryDNS: get("dns1"), SecondaryDNS: get("dns2")}
	}
	if req.Gateway == "" {
		return actionParams{}, nil, &formError{"Type the gateway's serial number."}
	}
	if err := req.Validate(); err != nil {
		return actionParams{}, nil, err
	}
	summary := []string{"Account id: " + req.AccountID}
	if req.Name != "" {
		summary = append(summary, "Name: "+req.Name)
	}
	if req.Email != "" {
		summary = append(summary, "Email: "+req.Email+" ("+emailChoice(req.EmailVerification)+")")
	}
	if req.ServiceID != "" {
		summary = append(summary, "Service id: "+req.ServiceID)
	}
	summary = append(summary, "Service: "+profileName(req.Profile))
	if req.Wifi != nil {
		summary = append(summary, "WiFi network: "+req.Wifi.SSID+" (WPA2, key set, not shown)")
	}
	if req.StaticIPv4 != nil {
		summary = append(summary, "Static IPv4 WAN: "+req.StaticIPv4.IP+" / "+req.StaticIPv4.Subnet+" via "+req.StaticIPv4.Gateway)
	}
	summary = append(summary, "Gateway: "+req.Gateway)
	if len(req.Extenders) > 0 {
		summary = append(summary, "Extenders: "+strings.Join(req.Extenders, ", "))
	}
	return actionParams{Onboard: req}, summary, nil
}

func runOnboard(ctx context.Context, p *Portal, j *job, a actionParams) ([]string, error) {
	res, err := p.client.Onboard(ctx, *a.Onboard)
	var lines []string
	if res != nil {
		if res.CustomerID != "" {
			j.update(func() {
				j.Customer, j.Location = res.CustomerID, res.LocationID
				j.Back = "/subscribers/" + url.PathEscape(res.CustomerID)
				if res.LocationID != "" {
					j.Back += "?location=" + url.QueryEscape(res.LocationID)
				}
			})
		}
		if res.Resumed {
			lines = append(lines, "The account existed already: the earlier onboarding was continued.")
		}
		lines = append(lines, "Customer "+res.CustomerID+", location "+res.LocationID)
		if res.Wifi != nil {
			kept := ""
			if res.WifiKept {
				kept = " (the existing network was kept)"
			}
			lines = append(lines, "WiFi network "+res.Wifi.SSID+kept)
		}
		for _, n := range res.Nodes {
			switch {
			case n.Err != nil:
				lines = append(lines, "Node "+n.Serial+" NOT claimed: "+explain(n.Err))
			case n.AlreadyClaimed:
				lines = append(lines, "Node "+n.Serial+" was already claimed here")
			default:
				lines = append(lines, "Node "+n.Serial+" claimed")
			}
		}
		if res.Checkpoint != nil {
			lines = append(lines, "Onboarding checkpoint: "+string(res.Checkpoint.Value))
		}
		switch {
		case res.EmailVerified:
			lines = append(lines, "Email verified")
		case res.VerificationSent:
			lines = append(lines, "Verification email sent")
		}
	}
	return lines, err
}

func emailChoice(e plume.EmailVerification) string {
	switch e {
	case plume.MarkEmailVerified:
		return "mark verified"
	case plume.SendEmailVerification:
		return "send the verification email"
	}
	return "leave as it is"
}

func profileName(pr plume.Profile) string {
	if pr == plume.ProfileSmallBusiness {
		return "WorkPass (small business)"
	}
	return "HomePass"
}
