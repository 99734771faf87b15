package plume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CustomersService is the Customers part of the API: registering, reading, updating and
// deleting the partner's customers, and the partner-scoped customer search.
type CustomersService service

// defaultPageSize is the page size of All when ListOptions.Limit is 0.
const defaultPageSize = 100

// Per-operation meanings of the Customers endpoints.
var (
	registerMeanings       = map[int]error{403: ErrPartnerLocked, 404: ErrPartnerNotFound, 409: ErrDuplicateAccount}
	updateCustomerMeanings = map[int]error{409: ErrDuplicateAccount}
	resendMeanings         = map[int]error{409: ErrEmailAlreadyVerified}
)

// Customer is a subscriber of the partner, keyed by the partner's accountId. The typed fields
// are the ones integrations use; Raw keeps the whole object as received.
type Customer struct {
	ID              string          `json:"id"`
	AccountID       string          `json:"accountId"`
	Name            string          `json:"name"`
	Email           string          `json:"email"`
	PartnerID       string          `json:"partnerId"`
	EmailVerified   bool            `json:"emailVerified"`   // the customer can log into the app only once this is true
	AutoProvisioned bool            `json:"autoProvisioned"` // an auto-provisioned customer keeps no location after the last is deleted
	Anonymous       bool            `json:"anonymous"`
	Locked          bool            `json:"locked"`
	SystemUser      bool            `json:"systemUser"`
	AcceptLanguage  string          `json:"acceptLanguage"`
	CreatedAt       time.Time       `json:"createdAt"`
	Raw             json.RawMessage `json:"-"`
}

// plainCustomer is Customer without methods, for decoding (decode.go).
type plainCustomer Customer

func (p *plainCustomer) with(raw json.RawMessage) Customer { c := Customer(*p); c.Raw = raw; return c }

// UnmarshalJSON decodes the API's Customer object and keeps it whole in Raw.
func (c *Customer) UnmarshalJSON(data []byte) error { return c.decodeBody(data) }

func (c *Customer) decodeBody(body []byte) error {
	return decodeRawInto(c, body, (*plainCustomer).with)
}

// RegisteredCustomer is the answer of Register: the new customer and the id of the location
// ("Home") the cloud created with it.
type RegisteredCustomer struct {
	Customer
	LocationID string
}

// plainRegistered is the register answer: a Customer object plus locationId.
type plainRegistered struct {
	plainCustomer
	LocationID string `json:"locationId"`
}

func (p *plainRegistered) with(raw json.RawMessage) RegisteredCustomer {
	return RegisteredCustomer{Customer: p.plainCustomer.with(raw), LocationID: p.LocationID}
}

// UnmarshalJSON decodes the register answer: a Customer object plus locationId.
func (r *RegisteredCustomer) UnmarshalJSON(data []byte) error { return r.decodeBody(data) }

func (r *RegisteredCustomer) decodeBody(body []byte) error {
	return decodeRawInto(r, body, (*plainRegistered).with)
}

// RegisterRequest is the body of Register. AccountID is required; PartnerID defaults to the
// client's partner; Profile defaults to ProfileAuto and AcceptLanguage to "en-US" on the
// server; without Email the server makes up an address.
type RegisterRequest struct {
	AccountID            string     `json:"accountId"`
	PartnerID            string     `json:"partnerId"`
	Email                string     `json:"email,omitempty"`
	Name                 string     `json:"name,omitempty"`
	Profile              Profile    `json:"profile,omitempty"`
	AcceptLanguage       string     `json:"acceptLanguage,omitempty"`
	OnboardingCheckpoint Checkpoint `json:"onboardingCheckpoint,omitempty"`
}

func (r RegisterRequest) validate() error {
	if strings.TrimSpace(r.AccountID) == "" {
		return invalid("AccountID", "is required")
	}
	if err := checkNoQuote("AccountID", r.AccountID); err != nil {
		return err
	}
	if strings.TrimSpace(r.PartnerID) == "" {
		return invalid("PartnerID", "is required (set it or give the client one)")
	}
	if err := checkNoQuote("Name", r.Name); err != nil {
		return err
	}
	if err := checkEnum("Profile", r.Profile, Profile.valid); err != nil {
		return err
	}
	return checkEnum("OnboardingCheckpoint", r.OnboardingCheckpoint, Checkpoint.valid)
}

// CustomerUpdate is the body of Update: only the fields set are sent, and at least one must be.
type CustomerUpdate struct {
	Name          *string `json:"name,omitempty"`
	Email         *string `json:"email,omitempty"`
	AccountID     *string `json:"accountId,omitempty"`
	EmailVerified *bool   `json:"emailVerified,omitempty"`
}

func (u CustomerUpdate) validate() error {
	if u.Name == nil && u.Email == nil && u.AccountID == nil && u.EmailVerified == nil {
		return invalid("CustomerUpdate", "needs at least one of Name, Email, AccountID, EmailVerified")
	}
	if u.Name != nil {
		if err := checkNoQuote("Name", *u.Name); err != nil {
			return err
		}
	}
	if u.Email != nil && strings.TrimSpace(*u.Email) == "" {
		return invalid("Email", "must not be empty")
	}
	if u.AccountID != nil {
		return checkAccountID(*u.AccountID)
	}
	return nil
}

// checkAccountID refuses an empty accountId or one with a double quote.
func checkAccountID(accountID string) error {
	if strings.TrimSpace(accountID) == "" {
		return invalid("AccountID", "must not be empty")
	}
	return checkNoQuote("AccountID", accountID)
}

// ListOptions narrows List and All. It is sent as LoopBack's filter query parameter: Where
// is the "where" object ({"accountId":"A-1"}, {"email":{"like":"%@isp.example"}}), Fields
// keeps only the named fields, Order is "createdAt DESC" or similar, Limit and Skip page.
type ListOptions struct {
	Where  map[string]any
	Fields []string
	Order  string
	Limit  int
	Skip   int
}

// loopbackFilter is ListOptions as the filter JSON.
type loopbackFilter struct {
	Where  map[string]any  `json:"where,omitempty"`
	Fields map[string]bool `json:"fields,omitempty"`
	Order  string          `json:"order,omitempty"`
	Limit  int             `json:"limit,omitempty"`
	Skip   int             `json:"skip,omitempty"`
}

// query returns the filter query parameter of o, or nil when o sets nothing.
func (o *ListOptions) query() (url.Values, error) {
	if o == nil {
		return nil, nil
	}
	if o.Limit < 0 {
		return nil, invalid("ListOptions.Limit", "must not be negative")
	}
	if o.Skip < 0 {
		return nil, invalid("ListOptions.Skip", "must not be negative")
	}
	f := loopbackFilter{Where: o.Where, Order: o.Order, Limit: o.Limit, Skip: o.Skip}
	for _, name := range o.Fields {
		if strings.TrimSpace(name) == "" {
			return nil, invalid("ListOptions.Fields", "must not hold an empty name")
		}
		if f.Fields == nil {
			f.Fields = make(map[string]bool, len(o.Fields))
		}
		f.Fields[name] = true
	}
	if len(f.Where) == 0 && len(f.Fields) == 0 && f.Order == "" && f.Limit == 0 && f.Skip == 0 {
		return nil, nil
	}
	data, err := json.Marshal(f)
	if err != nil {
		return nil, invalid("ListOptions.Where", "cannot be encoded as JSON: %v", err)
	}
	return url.Values{"filter": {string(data)}}, nil
}

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

// Register provisions a customer and its first location ("Home"), whose id the answer
// carries. A taken accountId is ErrDuplicateAccount, a locked partner ErrPartnerLocked, an
// unknown one ErrPartnerNotFound. POST /Customers/register
func (s *CustomersService) Register(ctx context.Context, req RegisterRequest) (*RegisteredCustomer, error) {
	if req.PartnerID == "" {
		req.PartnerID = s.client.partnerID
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	var registered RegisteredCustomer
	_, err := s.client.do(ctx, &request{
		op:       "Customers.Register",
		method:   http.MethodPost,
		path:     buildPath("Customers", "register"),
		body:     req,
		meanings: registerMeanings,
	}, &registered)
	if err != nil {
		return nil, err
	}
	return &registered, nil
}

// Get returns a customer. GET /Customers/{id}
func (s *CustomersService) Get(ctx context.Context, customerID string) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	var customer Customer
	_, err := s.client.do(ctx, &request{
		op:     "Customers.Get",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID),
	}, &customer)
	if err != nil {
		return nil, err
	}
	return &customer, nil
}

// List returns the customers that opts selects (all of the partner's when opts is nil; the
// server may cap the count, see All). GET /Customers?filter={…}
func (s *CustomersService) List(ctx context.Context, opts *ListOptions) ([]Customer, error) {
	return s.list(ctx, "Customers.List", opts)
}

func (s *CustomersService) list(ctx context.Context, op string, opts *ListOptions) ([]Customer, error) {
	query, err := opts.query()
	if err != nil {
		return nil, err
	}
	var customers []Customer
	_, err = s.client.do(ctx, &request{
		op:     op,
		method: http.MethodGet,
		path:   buildPath("Customers"),
		query:  query,
	}, &customers)
	if err != nil {
		return nil, err
	}
	if customers == nil {
		customers = []Customer{}
	}
	return customers, nil
}

// All iterates over every customer opts selects, page by page: opts.Limit is the page size
// (100 when 0) and opts.Skip the first row; it stops after a page shorter than the page size.
// An error is yielded once and ends the iteration. GET /Customers?filter={…} per page
func (s *CustomersService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Customer, error] {
	return func(yield func(Customer, error) bool) {
		var page ListOptions
		if opts != nil {
			page = *opts
		}
		if page.Limit == 0 {
			page.Limit = defaultPageSize
		}
		var firstID string
		for {
			customers, err := s.list(ctx, "Customers.All", &page)
			if err == nil && len(customers) > 0 && customers[0].ID != "" && customers[0].ID == firstID {
				err = fmt.Errorf("plume: Customers.All: the page at skip %d repeats the previous one (the server ignores skip)", page.Skip)
			}
			if err != nil {
				yield(Customer{}, err)
				return
			}
			for _, c := range customers {
				if !yield(c, nil) {
					return
				}
			}
			if len(customers) < page.Limit {
				return
			}
			firstID = customers[0].ID
			page.Skip += len(customers)
		}
	}
}

// Update changes the fields of upd that are set and returns the updated customer. An
// accountId taken by another customer of the partner is ErrDuplicateAccount.
// PATCH /Customers/{id}
func (s *CustomersService) Update(ctx context.Context, customerID string, upd CustomerUpdate) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	if err := upd.validate(); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Customers.Update", customerID, upd)
}

// SetAccountID re-keys a customer to a new CRM accountId, which must be unique within the
// partner (ErrDuplicateAccount otherwise). PATCH /Customers/{id} {"accountId":…}
func (s *CustomersService) SetAccountID(ctx context.Context, customerID, accountID string) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	if err := checkAccountID(accountID); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Customers.SetAccountID", customerID, CustomerUpdate{AccountID: &accountID})
}

// MarkEmailVerified marks the customer's email as verified without sending a mail: use it
// only when the ISP has verified the address itself. PATCH /Customers/{id} {"emailVerified":true}
func (s *CustomersService) MarkEmailVerified(ctx context.Context, customerID string) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	verified := true
	return s.patch(ctx, "Customers.MarkEmailVerified", customerID, CustomerUpdate{EmailVerified: &verified})
}

func (s *CustomersService) patch(ctx context.Context, op, customerID string, upd CustomerUpdate) (*Customer, error) {
	var customer Customer
	_, err := s.client.do(ctx, &request{
		op:       op,
		method:   http.MethodPatch,
		path:     buildPath("Customers", customerID),
		body:     upd,
		meanings: updateCustomerMeanings,
	}, &customer)
	if err != nil {
		return nil, err
	}
	return &customer, nil
}

// ResendEmailVerification has Plume send the verification mail to the customer with this
// email. An address already verified is ErrEmailAlreadyVerified.
// POST /Customers/resendEmailVerification {"email":…}
func (s *CustomersService) ResendEmailVerification(ctx context.Context, email string) error {
	if strings.TrimSpace(email) == "" {
		return invalid("Email", "is required")
	}
	_, err := s.client.do(ctx, &request{
		op:     "Customers.ResendEmailVerification",
		method: http.MethodPost,
		path:   buildPath("Customers", "resendEmailVerification"),
		body: struct {
			Email string `json:"email"`
		}{email},
		meanings: resendMeanings,
	}, nil)
	return err
}

// Delete cancels a customer's account: the cloud archives its locations, unclaims its nodes
// and starts the GDPR erasure. An answer of {"count":0} (nothing deleted) is an error
// matching ErrNotFound, like a 404. DELETE /Customers/{id}
func (s *CustomersService) Delete(ctx context.Context, customerID string) error {
	if err := checkIDs("customerID", customerID); err != nil {
		return err
	}
	var result struct {
		Count *int `json:"count"`
	}
	resp, err := s.client.do(ctx, &request{
		op:     "Customers.Delete",
		method: http.MethodDelete,
		path:   buildPath("Customers", customerID),
	}, nil)
	if err != nil {
		return err
	}
	// The count is informative only: an answer that is not {"count":n} still means success.
	if json.Unmarshal(resp.Body, &result) == nil && result.Count != nil && *result.Count == 0 {
		return fmt.Errorf("plume: Customers.Delete: the server deleted no customer %q: %w", customerID, ErrNotFound)
	}
	return nil
}

// Search finds the partner's customers whose opts.Field matches opts.Keyword. No match is an
// empty slice and no error (the API's 404 included).
// GET /Partners/customers/search/{keyword}?field=…
func (s *CustomersService) Search(ctx context.Context, opts SearchOptions) ([]CustomerMatch, error) {
	query, err := opts.query()
	if err != nil {
		return nil, err
	}
	var body json.RawMessage
	_, err = s.client.do(ctx, &request{
		op:     "Customers.Search",
		method: http.MethodGet,
		path:   buildPath("Partners", "customers", "search", opts.Keyword),
		query:  query,
	}, &body)
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return []CustomerMatch{}, nil
	}
	if err != nil {
		return nil, err
	}
	matches, err := decodeMatches(body)
	if err != nil {
		return nil, fmt.Errorf("plume: Customers.Search: decoding response: %w", err)
	}
	return matches, nil
}

// decodeMatches reads an array of matches or a single one; an empty answer, null or an
// object without an id is no match.
func decodeMatches(body json.RawMessage) ([]CustomerMatch, error) {
	return decodeOneOrMany(body, func(m *CustomerMatch) bool { return m.ID != "" })
}

// decodeOneOrMany reads a JSON array of T, or a single T object where the API draws one.
// An empty body, null, or a single object for which present is false is an empty slice.
func decodeOneOrMany[T any](body json.RawMessage, present func(*T) bool) ([]T, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return []T{}, nil
	}
	if body[0] == '{' {
		var one T
		if err := json.Unmarshal(body, &one); err != nil {
			return nil, err
		}
		if !present(&one) {
			return []T{}, nil
		}
		return []T{one}, nil
	}
	list := []T{}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	if list == nil {
		list = []T{}
	}
	return list, nil
}

// FindByAccountID returns the partner's customer whose accountId is accountID; none is an
// error matching ErrNotFound. GET /Partners/customers/search/{accountId}?exactMatch=true&field=accountId
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
