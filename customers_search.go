package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// SearchOptions is a partner customer search. Field and Keyword are required; ExactMatch and
// StartsWith default to true on the server and are sent only when set; Limit and Skip only
// when above 0.
type SearchOptions struct {
	Field      SearchField
	Keyword    string
	ExactMatch *bool
	StartsWith *bool
	Limit      int
	Skip       int
}

// query validates o and returns its query parameters.
// Validate checks the options as Search does before sending them.
func (o SearchOptions) Validate() error {
	_, err := o.query()
	return err
}

func (o SearchOptions) query() (url.Values, error) {
	if o.Field == "" {
		return nil, invalid("Field", "is required")
	}
	if err := checkEnum("Field", o.Field, SearchField.valid); err != nil {
		return nil, err
	}
	if err := checkID("Keyword", o.Keyword); err != nil {
		return nil, err
	}
	if strings.EqualFold(strings.TrimSpace(o.Keyword), "null") {
		return nil, invalid("Keyword", `must not be "null"`)
	}
	if o.Limit < 0 {
		return nil, invalid("Limit", "must not be negative")
	}
	if o.Skip < 0 {
		return nil, invalid("Skip", "must not be negative")
	}
	q := url.Values{"field": {string(o.Field)}}
	if o.ExactMatch != nil {
		q.Set("exactMatch", strconv.FormatBool(*o.ExactMatch))
	}
	if o.StartsWith != nil {
		q.Set("startsWith", strconv.FormatBool(*o.StartsWith))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Skip > 0 {
		q.Set("skip", strconv.Itoa(o.Skip))
	}
	return q, nil
}

// CustomerMatch is one result of Search: a customer and the ids of its locations.
type CustomerMatch struct {
	ID          string
	AccountID   string
	Name        string
	Email       string
	LocationIDs []string
}

// UnmarshalJSON decodes {id, accountId, name, email, locations:[{id}]}; a location given as a
// bare id string is accepted too.
func (m *CustomerMatch) UnmarshalJSON(data []byte) error {
	var w struct {
		ID        string            `json:"id"`
		AccountID string            `json:"accountId"`
		Name      string            `json:"name"`
		Email     string            `json:"email"`
		Locations []json.RawMessage `json:"locations"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*m = CustomerMatch{ID: w.ID, AccountID: w.AccountID, Name: w.Name, Email: w.Email}
	for _, raw := range w.Locations {
		id, err := locationRefID(raw)
		if err != nil {
			return err
		}
		if id != "" {
			m.LocationIDs = append(m.LocationIDs, id)
		}
	}
	return nil
}

// locationRefID reads {"id":…} or a bare "…".
func locationRefID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var id string
		err := json.Unmarshal(raw, &id)
		return id, err
	}
	var ref struct {
		ID string `json:"id"`
	}
	err := json.Unmarshal(raw, &ref)
	return ref.ID, err
}

// Search finds the partner's customers whose opts.Field matches opts.Keyword. No match is an
// empty slice and no error (the API's 404 included).
//
// API: GET /Partners/customers/search/{keyword}?field=…
func (s *CustomersService) Search(ctx context.Context, opts SearchOptions) ([]CustomerMatch, error) {
	query, err := opts.query()
	if err != nil {
		return nil, err
	}
	matches, err := call[matchList](ctx, s.client, &request{
		op:     "Customers.Search",
		method: http.MethodGet,
		path:   buildPath("Partners", "customers", "search", opts.Keyword),
		query:  query,
	})
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return []CustomerMatch{}, nil
	}
	if err != nil {
		return nil, err
	}
	return nonNil(*matches), nil
}

// matchList is the answer of Search (see decodeMatches).
type matchList []CustomerMatch

func (l *matchList) decodeBody(body []byte) (err error) {
	*l, err = decodeMatches(body)
	return err
}

// decodeMatches reads an array of matches or a single one; an empty answer, null or an
// object without an id is no match.
func decodeMatches(body json.RawMessage) ([]CustomerMatch, error) {
	return decodeOneOrMany(body, func(m *CustomerMatch) bool { return m.ID != "" })
}

// FindByAccountID returns the partner's customer whose accountId is accountID; none is an error
// matching ErrNotFound.
//
// API: GET /Partners/customers/search/{accountId}?exactMatch=true&field=accountId
func (s *CustomersService) FindByAccountID(ctx context.Context, accountID string) (*CustomerMatch, error) {
	if err := checkAccountID(accountID); err != nil {
		return nil, err
	}
	exact := true
	matches, err := s.Search(ctx, SearchOptions{Field: SearchByAccountID, Keyword: accountID, ExactMatch: &exact})
	if err != nil {
		return nil, err
	}
	for i := range matches {
		if matches[i].AccountID == accountID {
			return &matches[i], nil
		}
	}
	return nil, fmt.Errorf("plume: Customers.FindByAccountID: no customer with accountId %q: %w", accountID, ErrNotFound)
}

// Existence is the answer of Exists.
type Existence struct {
	Exists        bool // a customer of the partner has this email
	EmailVerified bool // and has verified it
}

// Exists reports whether a customer has this email, and whether it is verified. The API answers
// a bare boolean, the customer's emailVerified, or 404 for an unknown email, which Exists
// reads as Exists false with no error (docs/plume-api.md §3.8).
//
// API: GET /Customers/exists?email={email}
func (s *CustomersService) Exists(ctx context.Context, email string) (*Existence, error) {
	if strings.TrimSpace(email) == "" {
		return nil, invalid("Email", "is required")
	}
	verified, err := call[existsAnswer](ctx, s.client, &request{
		op:     "Customers.Exists",
		method: http.MethodGet,
		path:   buildPath("Customers", "exists"),
		query:  url.Values{"email": {email}},
	})
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return &Existence{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Existence{Exists: true, EmailVerified: bool(*verified)}, nil
}

// existsAnswer is the bare boolean of Exists; a string "true"/"false" is read too.
type existsAnswer bool

func (a *existsAnswer) decodeBody(body []byte) error {
	var v flexString
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	switch strings.ToLower(string(v)) {
	case "true":
		*a = true
	case "false":
		*a = false
	default:
		return fmt.Errorf("not a boolean")
	}
	return nil
}
