package plume

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
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

func (c *Customer) missing() string { return missingID(c.ID) }

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

// Validate checks the request as Register does before sending it; PartnerID may be empty
// (Register then takes the client's).
func (r RegisterRequest) Validate() error {
	if err := checkNewAccountID(r.AccountID); err != nil {
		return err
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

// Validate checks the update as Update does before sending it.
func (u CustomerUpdate) Validate() error {
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

// Register provisions a customer and its first location ("Home"), whose id the answer carries.
// A taken accountId is ErrDuplicateAccount, a locked partner ErrPartnerLocked, an unknown one
// ErrPartnerNotFound.
//
// API: POST /Customers/register
func (s *CustomersService) Register(ctx context.Context, req RegisterRequest) (*RegisteredCustomer, error) {
	if req.PartnerID == "" {
		req.PartnerID = s.client.partnerID
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.PartnerID) == "" {
		return nil, invalid("PartnerID", "is required (set it or give the client one)")
	}
	return call[RegisteredCustomer](ctx, s.client, &request{
		op:       "Customers.Register",
		method:   http.MethodPost,
		path:     buildPath("Customers", "register"),
		body:     req,
		meanings: profileMeanings(registerMeanings, req.Profile),
	})
}

// Get returns a customer.
//
// API: GET /Customers/{id}
func (s *CustomersService) Get(ctx context.Context, customerID string) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &request{
		op:     "Customers.Get",
		method: http.MethodGet,
		path:   buildPath("Customers", customerID),
	})
}

// List returns the customers that opts selects (all of the partner's when opts is nil; the
// server may cap the count, see All).
//
// API: GET /Customers?filter={…}
func (s *CustomersService) List(ctx context.Context, opts *ListOptions) ([]Customer, error) {
	return s.list(ctx, "Customers.List", opts)
}

func (s *CustomersService) list(ctx context.Context, op string, opts *ListOptions) ([]Customer, error) {
	query, err := opts.query()
	if err != nil {
		return nil, err
	}
	list, err := call[customerList](ctx, s.client, &request{
		op:     op,
		method: http.MethodGet,
		path:   buildPath("Customers"),
		query:  query,
	})
	if err != nil {
		return nil, err
	}
	return nonNil(*list), nil
}

// customerList is the answer of List: an array of customers.
type customerList []Customer

func (l *customerList) decodeBody(body []byte) (err error) {
	*l, err = decodeRawList(body, (*plainCustomer).with)
	return err
}

// All iterates over every customer opts selects, page by page: opts.Limit is the page size (100
// when 0) and opts.Skip the first row; it stops after a page shorter than the page size. An
// error is yielded once and ends the iteration.
//
// API: GET /Customers?filter={…} per page
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

// Update changes the fields of upd that are set and returns the updated customer. An accountId
// taken by another customer of the partner is ErrDuplicateAccount.
//
// API: PATCH /Customers/{id}
func (s *CustomersService) Update(ctx context.Context, customerID string, upd CustomerUpdate) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Customers.Update", customerID, upd)
}

// SetAccountID re-keys a customer to a new CRM accountId, which must be unique within the
// partner (ErrDuplicateAccount otherwise).
//
// API: PATCH /Customers/{id} {"accountId":…}
func (s *CustomersService) SetAccountID(ctx context.Context, customerID, accountID string) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	if err := checkNewAccountID(accountID); err != nil {
		return nil, err
	}
	return s.patch(ctx, "Customers.SetAccountID", customerID, CustomerUpdate{AccountID: &accountID})
}

// MarkEmailVerified marks the customer's email as verified without sending a mail: use it only
// when the ISP has verified the address itself.
//
// API: PATCH /Customers/{id} {"emailVerified":true}
func (s *CustomersService) MarkEmailVerified(ctx context.Context, customerID string) (*Customer, error) {
	if err := checkIDs("customerID", customerID); err != nil {
		return nil, err
	}
	verified := true
	return s.patch(ctx, "Customers.MarkEmailVerified", customerID, CustomerUpdate{EmailVerified: &verified})
}

func (s *CustomersService) patch(ctx context.Context, op, customerID string, upd CustomerUpdate) (*Customer, error) {
	return call[Customer](ctx, s.client, &request{
		op:       op,
		method:   http.MethodPatch,
		path:     buildPath("Customers", customerID),
		body:     upd,
		meanings: updateCustomerMeanings,
	})
}

// ResendEmailVerification has Plume send the verification mail to the customer with this email.
// An address already verified is ErrEmailAlreadyVerified.
//
// API: POST /Customers/resendEmailVerification {"email":…}
func (s *CustomersService) ResendEmailVerification(ctx context.Context, email string) error {
	if strings.TrimSpace(email) == "" {
		return invalid("Email", "is required")
	}
	return exec(ctx, s.client, &request{
		op:     "Customers.ResendEmailVerification",
		method: http.MethodPost,
		path:   buildPath("Customers", "resendEmailVerification"),
		body: struct {
			Email string `json:"email"`
		}{email},
		meanings: resendMeanings,
	})
}

// Delete cancels a customer's account: the cloud archives its locations, unclaims its nodes and
// starts the GDPR erasure. An answer of {"count":0} (nothing deleted) is an error matching
// ErrNotFound, like a 404.
//
// API: DELETE /Customers/{id}
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
