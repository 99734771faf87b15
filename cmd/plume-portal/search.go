package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/plumecloud/plume-go"
)

// Search kinds.
const (
	searchAny       = "any"
	searchAccount   = "account"
	searchEmail     = "email"
	searchSerial    = "serial"
	searchServiceID = "service"
)

type searchData struct {
	Query   string
	Kind    string
	Kinds   [][2]string
	Results []searchResult
	Tried   string // what was looked for, when nothing was found
	Error   string
}

// searchResult is one subscriber found, with the location the search pointed at.
type searchResult struct {
	Link       string
	CustomerID string
	AccountID  string
	Name       string
	Email      string
	Location   string
	Why        string // "account id", "node GW-1 is claimed here"
}

var searchKinds = [][2]string{
	{searchAny, "Anything"},
	{searchAccount, "Account id"},
	{searchEmail, "Email"},
	{searchSerial, "Node serial"},
	{searchServiceID, "Service id"},
}

func (p *Portal) searchPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = searchAny
	}
	data := searchData{Query: q, Kind: kind, Kinds: searchKinds}
	if q == "" {
		p.render(w, r, sess, http.StatusOK, "search", "Find a subscriber", data)
		return
	}
	if len(q) > 200 {
		data.Error = "That is too long to be an account id, email, serial or service id."
		p.render(w, r, sess, http.StatusOK, "search", "Find a subscriber", data)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	results, tried, err := p.search(ctx, kind, q)
	p.audit(r.Context(), auditEntry{Action: "search", Technician: sess.user, Target: kind + ":" + q, Outcome: map[bool]string{true: "found", false: "none"}[len(results) > 0], Err: err})
	switch {
	case err != nil:
		data.Error = explain(err)
	case len(results) == 1:
		http.Redirect(w, r, results[0].Link, http.StatusSeeOther)
		return
	case len(results) == 0:
		data.Tried = tried
	}
	data.Results = results
	p.render(w, r, sess, http.StatusOK, "search", "Find a subscriber", data)
}

// search looks q up as kind says; "any" tries, in order, the email (when q has an @), the
// account id, the node serial and the service id, and stops at the first that finds.
func (p *Portal) search(ctx context.Context, kind, q string) ([]searchResult, string, error) {
	var order []string
	switch kind {
	case searchAny:
		if strings.Contains(q, "@") {
			order = []string{searchEmail}
		} else {
			order = []string{searchAccount, searchSerial, searchServiceID}
		}
	case searchAccount, searchEmail, searchSerial, searchServiceID:
		order = []string{kind}
	default:
		return nil, "", &formError{"Choose what to search by."}
	}
	var tried []string
	for _, k := range order {
		results, err := p.searchBy(ctx, k, q)
		if err != nil {
			// A value one kind refuses (an email as a serial) is not found as that kind.
			if errors.Is(err, plume.ErrInvalidInput) && len(order) > 1 {
				continue
			}
			return nil, "", err
		}
		if len(results) > 0 {
			return results, "", nil
		}
		tried = append(tried, kindName(k))
	}
	return nil, strings.Join(tried, ", "), nil
}

func kindName(k string) string {
	for _, kn := range searchKinds {
		if kn[0] == k {
			return strings.ToLower(kn[1])
		}
	}
	return k
}

func subscriberLink(customerID, locationID string) string {
	u := "/subscribers/" + url.PathEscape(customerID)
	if locationID != "" {
		u += "?location=" + url.QueryEscape(locationID)
	}
	return u
}

func (p *Portal) searchBy(ctx context.Context, kind, q string) ([]searchResult, error) {
	switch kind {
	case searchAccount:
		m, err := p.client.Customers.FindByAccountID(ctx, q)
		if errors.Is(err, plume.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []searchResult{matchResult(*m, "", "account id "+q)}, nil
	case searchEmail:
		ms, err := p.client.Customers.Search(ctx, plume.SearchOptions{Field: plume.SearchByEmail, Keyword: q, Limit: 20})
		if err != nil {
			return nil, err
		}
		var out []searchResult
		for _, m := range ms {
			out = append(out, matchResult(m, "", "email"))
		}
		return out, nil
	case searchSerial:
		n, err := p.client.Nodes.Lookup(ctx, q)
		if errors.Is(err, plume.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if !n.Claimed() {
			return nil, &formError{"Node " + q + " is in your inventory but not claimed by any subscriber."}
		}
		res := searchResult{CustomerID: n.CustomerID, Location: n.LocationID, Why: "node " + q + " is claimed here",
			Link: subscriberLink(n.CustomerID, n.LocationID)}
		return []searchResult{res}, nil
	case searchServiceID:
		m, err := p.client.Locations.FindByServiceID(ctx, q)
		if errors.Is(err, plume.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []searchResult{{CustomerID: m.CustomerID, AccountID: m.AccountID, Name: m.CustomerName, Location: m.ID,
			Why: "service id " + q, Link: subscriberLink(m.CustomerID, m.ID)}}, nil
	}
	return nil, nil
}

func matchResult(m plume.CustomerMatch, location, why string) searchResult {
	if location == "" && len(m.LocationIDs) > 0 {
		location = m.LocationIDs[0]
	}
	return searchResult{CustomerID: m.ID, AccountID: m.AccountID, Name: m.Name, Email: m.Email, Location: location,
		Why: why, Link: subscriberLink(m.ID, location)}
}
