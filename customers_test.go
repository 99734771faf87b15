package plume

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// custPtr returns a pointer to v, for the optional fields of update types.
func custPtr[T any](v T) *T { return &v }

// filterQuery is the raw query List sends for the filter JSON.
func filterQuery(filterJSON string) string {
	return url.Values{"filter": {filterJSON}}.Encode()
}

// routedCustomersClient is a client like newMockClient's whose answers come from answer, for
// calls that need a different answer per request (paging). It returns the requests seen.
func routedCustomersClient(t *testing.T, answer func(r *http.Request) (int, string)) (*Client, func() []*http.Request) {
	t.Helper()
	var (
		mu   sync.Mutex
		seen []*http.Request
	)
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		status, body := answer(r)
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Request = r
		return resp, nil
	})
	c, err := NewClient(
		WithBaseURL(testBase),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(math.Inf(1), 1),
		WithRetry(RetryPolicy{MaxRetries: 0}),
		WithPartnerID("partner-1"),
	)
	require.NoError(t, err)
	return c, func() []*http.Request {
		mu.Lock()
		defer mu.Unlock()
		return append([]*http.Request(nil), seen...)
	}
}

// customersPage answers a list request with the rows of all that its filter's skip and limit
// select.
func customersPage(t *testing.T, all []string) func(r *http.Request) (int, string) {
	return func(r *http.Request) (int, string) {
		var f loopbackFilter
		require.NoError(t, json.Unmarshal([]byte(r.URL.Query().Get("filter")), &f))
		rows := []map[string]string{}
		for i := f.Skip; i < len(all) && i < f.Skip+f.Limit; i++ {
			rows = append(rows, map[string]string{"id": all[i], "accountId": "acct-" + all[i]})
		}
		data, err := json.Marshal(rows)
		require.NoError(t, err)
		return http.StatusOK, string(data)
	}
}

func TestCustomersRegister(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_register.json")

	got, err := c.Customers.Register(t.Context(), RegisterRequest{
		AccountID: "7d3f0a52-9c1e-4b7a-8e55-1f2a3b4c5d6e",
		Name:      "Jane Doe",
		Email:     "jane.doe@isp.example",
	})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPost, "/api/Customers/register", "",
		`{"accountId":"7d3f0a52-9c1e-4b7a-8e55-1f2a3b4c5d6e","partnerId":"partner-1","email":"jane.doe@isp.example","name":"Jane Doe"}`)
	assert.Equal(t, "6418c49c2f1e4a0012ab34cd", got.ID)
	assert.Equal(t, "6418c49c2f1e4a0012ab34ce", got.LocationID)
	assert.Equal(t, "7d3f0a52-9c1e-4b7a-8e55-1f2a3b4c5d6e", got.AccountID)
	assert.Equal(t, "jane.doe@isp.example", got.Email)
	assert.Equal(t, "Jane Doe", got.Name)
	assert.Equal(t, "partner-1", got.PartnerID)
	assert.False(t, got.EmailVerified)
	assert.False(t, got.AutoProvisioned)
	assert.Equal(t, time.Date(2023, 3, 27, 14, 41, 58, 312e6, time.UTC), got.CreatedAt.UTC())
	assert.JSONEq(t, fixture(t, "customer_register.json"), string(got.Raw))
}

func TestCustomersRegisterSendsEveryField(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_register.json")

	_, err := c.Customers.Register(t.Context(), RegisterRequest{
		AccountID:            "A-100200",
		PartnerID:            "other-partner",
		Email:                "a@isp.example",
		Name:                 "A B",
		Profile:              ProfileSmallBusiness,
		AcceptLanguage:       "fr-CA",
		OnboardingCheckpoint: PodsAdded,
	})
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPost, "/api/Customers/register", "",
		`{"accountId":"A-100200","partnerId":"other-partner","email":"a@isp.example","name":"A B",
		  "profile":"smallbusiness","acceptLanguage":"fr-CA","onboardingCheckpoint":"PodsAdded"}`)
}

func TestCustomersRegisterErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.Register", []statusCase{
		{400, []error{ErrBadRequest}},
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrPartnerLocked, ErrForbidden}},
		{404, []error{ErrPartnerNotFound, ErrNotFound}},
		{409, []error{ErrDuplicateAccount, ErrConflict}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.Register(ctx, RegisterRequest{AccountID: "A-100200"})
		return err
	})
}

func TestCustomersRegisterValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		field string
		req   RegisterRequest
	}{
		"no accountId":        {"AccountID", RegisterRequest{}},
		"blank accountId":     {"AccountID", RegisterRequest{AccountID: "  "}},
		"quote in accountId":  {"AccountID", RegisterRequest{AccountID: `A"0001`}},
		"accountId of 5":      {"AccountID", RegisterRequest{AccountID: "A-123"}},
		"curly quote in name": {"Name", RegisterRequest{AccountID: "A-000001", Name: "Jane \u201cJ\u201d Doe"}},
		"unknown profile":     {"Profile", RegisterRequest{AccountID: "A-000001", Profile: "castle"}},
		"unknown checkpoint":  {"OnboardingCheckpoint", RegisterRequest{AccountID: "A-000001", OnboardingCheckpoint: "Done"}},
		"blank partner given": {"PartnerID", RegisterRequest{AccountID: "A-000001", PartnerID: " "}},
		"ascii quote in name": {"Name", RegisterRequest{AccountID: "A-000001", Name: `Jane "J" Doe`}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
				_, err := c.Customers.Register(ctx, tc.req)
				return err
			})
		})
	}
}

func TestCustomersRegisterNeedsAPartner(t *testing.T) {
	t.Parallel()
	calls := 0
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		calls++
		return httpmock.NewStringResponse(http.StatusOK, "{}"), nil
	})
	c, err := NewClient(
		WithBaseURL(testBase),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})),
		WithHTTPClient(&http.Client{Transport: mt}),
	)
	require.NoError(t, err)
	_, err = c.Customers.Register(t.Context(), RegisterRequest{AccountID: "A-100200"})
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "PartnerID", verr.Field)
	assert.Zero(t, calls)
}

func TestCustomersGet(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_get.json")

	got, err := c.Customers.Get(t.Context(), "a/b?c")
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, "/api/Customers/a%2Fb%3Fc", "", "")
	assert.Equal(t, "6418c49c2f1e4a0012ab34cd", got.ID)
	assert.Equal(t, "7d3f0a52-9c1e-4b7a-8e55-1f2a3b4c5d6e", got.AccountID)
	assert.Equal(t, "Jane Doe", got.Name)
	assert.Equal(t, "jane.doe@isp.example", got.Email)
	assert.Equal(t, "partner-1", got.PartnerID)
	assert.True(t, got.EmailVerified)
	assert.True(t, got.AutoProvisioned)
	assert.True(t, got.Locked)
	assert.False(t, got.Anonymous)
	assert.Equal(t, "fr-CA", got.AcceptLanguage)
	assert.Equal(t, time.Date(2023, 3, 27, 14, 41, 58, 312e6, time.UTC), got.CreatedAt.UTC())
	assert.JSONEq(t, fixture(t, "customer_get.json"), string(got.Raw), "Raw keeps the whole object")
}

func TestCustomersGetErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.Get", []statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.Get(ctx, "6418c49c2f1e4a0012ab34cd")
		return err
	})
}

func TestCustomersIDValidation(t *testing.T) {
	t.Parallel()
	calls := map[string]func(ctx context.Context, c *Client, id string) error{
		"Get": func(ctx context.Context, c *Client, id string) error {
			_, err := c.Customers.Get(ctx, id)
			return err
		},
		"Update": func(ctx context.Context, c *Client, id string) error {
			_, err := c.Customers.Update(ctx, id, CustomerUpdate{Name: custPtr("x")})
			return err
		},
		"SetAccountID": func(ctx context.Context, c *Client, id string) error {
			_, err := c.Customers.SetAccountID(ctx, id, "A-1")
			return err
		},
		"MarkEmailVerified": func(ctx context.Context, c *Client, id string) error {
			_, err := c.Customers.MarkEmailVerified(ctx, id)
			return err
		},
		"Delete": func(ctx context.Context, c *Client, id string) error {
			return c.Customers.Delete(ctx, id)
		},
	}
	for name, call := range calls {
		for _, id := range []string{"", " ", ".", ".."} {
			t.Run(name+"/"+strconv.Quote(id), func(t *testing.T) {
				t.Parallel()
				assertNoRequest(t, "customerID", func(ctx context.Context, c *Client) error { return call(ctx, c, id) })
			})
		}
	}
}

func TestCustomersList(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customers_list.json")

	got, err := c.Customers.List(t.Context(), nil)
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, "/api/Customers", "", "")
	require.Len(t, got, 2)
	assert.Equal(t, "6418c49c2f1e4a0012ab34cd", got[0].ID)
	assert.Equal(t, "A-100", got[0].AccountID)
	assert.True(t, got[0].EmailVerified)
	assert.Equal(t, "A-101", got[1].AccountID)
	assert.Equal(t, "null+8f2c1d@plume.com", got[1].Email)
	assert.False(t, got[1].EmailVerified)
	assert.Equal(t, time.Date(2023, 3, 28, 8, 12, 1, 4e6, time.UTC), got[1].CreatedAt.UTC())
	assert.Contains(t, string(got[1].Raw), `"source": "unknown"`, "each element keeps its own Raw")
	assert.NotContains(t, string(got[1].Raw), "A-100", "Raw is the element, not the array")
}

func TestCustomersListFilter(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		opts  *ListOptions
		query string
	}{
		"nil":   {nil, ""},
		"empty": {&ListOptions{Where: map[string]any{}}, ""},
		"all keys": {
			&ListOptions{
				Where:  map[string]any{"accountId": map[string]any{"inq": []string{"A-100", "A-101"}}},
				Fields: []string{"id", "accountId", "email"},
				Order:  "createdAt DESC",
				Limit:  50,
				Skip:   10,
			},
			filterQuery(`{"where":{"accountId":{"inq":["A-100","A-101"]}},"fields":{"accountId":true,"email":true,"id":true},"order":"createdAt DESC","limit":50,"skip":10}`),
		},
		"limit only": {&ListOptions{Limit: 5}, filterQuery(`{"limit":5}`)},
		"order only": {&ListOptions{Order: "name ASC"}, filterQuery(`{"order":"name ASC"}`)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(http.StatusOK, `[]`)
			got, err := c.Customers.List(t.Context(), tc.opts)
			require.NoError(t, err)
			assert.NotNil(t, got)
			assert.Empty(t, got)
			assertRequest(t, m.only(), http.MethodGet, "/api/Customers", tc.query, "")
		})
	}
}

func TestCustomersListEmptyArrayIsEmpty(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusOK, `[]`)
	got, err := c.Customers.List(t.Context(), nil)
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
}

func TestCustomersListErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.List", []statusCase{
		{401, []error{ErrUnauthorized}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.List(ctx, &ListOptions{Limit: 1})
		return err
	})
}

func TestCustomersListValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		field string
		opts  ListOptions
	}{
		"negative limit": {"ListOptions.Limit", ListOptions{Limit: -1}},
		"negative skip":  {"ListOptions.Skip", ListOptions{Skip: -1}},
		"empty field":    {"ListOptions.Fields", ListOptions{Fields: []string{"id", ""}}},
		"where not JSON": {"ListOptions.Where", ListOptions{Where: map[string]any{"x": make(chan int)}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
				_, err := c.Customers.List(ctx, &tc.opts)
				return err
			})
		})
	}
}

func TestCustomersAllPages(t *testing.T) {
	t.Parallel()
	ids := []string{"c1", "c2", "c3", "c4", "c5"}
	c, seen := routedCustomersClient(t, customersPage(t, ids))

	var got []string
	for cust, err := range c.Customers.All(t.Context(), &ListOptions{Limit: 2, Where: map[string]any{"partnerId": "partner-1"}}) {
		require.NoError(t, err)
		got = append(got, cust.ID)
		assert.Equal(t, "acct-"+cust.ID, cust.AccountID)
	}
	assert.Equal(t, ids, got)

	reqs := seen()
	require.Len(t, reqs, 3, "pages of 2, 2 and 1")
	for i, wantFilter := range []string{
		`{"where":{"partnerId":"partner-1"},"limit":2}`,
		`{"where":{"partnerId":"partner-1"},"limit":2,"skip":2}`,
		`{"where":{"partnerId":"partner-1"},"limit":2,"skip":4}`,
	} {
		assert.Equal(t, http.MethodGet, reqs[i].Method)
		assert.Equal(t, "/api/Customers", reqs[i].URL.EscapedPath())
		assert.JSONEq(t, wantFilter, reqs[i].URL.Query().Get("filter"), "page %d", i)
	}
}

func TestCustomersAllStopsOnEmptyPageAfterFullOnes(t *testing.T) {
	t.Parallel()
	c, seen := routedCustomersClient(t, customersPage(t, []string{"c1", "c2", "c3", "c4"}))
	n := 0
	for _, err := range c.Customers.All(t.Context(), &ListOptions{Limit: 2}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 4, n)
	assert.Len(t, seen(), 3, "two full pages, then an empty one")
}

func TestCustomersAllDefaultPageSizeAndSkip(t *testing.T) {
	t.Parallel()
	c, seen := routedCustomersClient(t, customersPage(t, []string{"c1", "c2", "c3"}))
	var got []string
	for cust, err := range c.Customers.All(t.Context(), nil) {
		require.NoError(t, err)
		got = append(got, cust.ID)
	}
	assert.Equal(t, []string{"c1", "c2", "c3"}, got)
	require.Len(t, seen(), 1)
	assert.JSONEq(t, `{"limit":100}`, seen()[0].URL.Query().Get("filter"))

	c, seen = routedCustomersClient(t, customersPage(t, []string{"c1", "c2", "c3"}))
	got = nil
	for cust, err := range c.Customers.All(t.Context(), &ListOptions{Skip: 1}) {
		require.NoError(t, err)
		got = append(got, cust.ID)
	}
	assert.Equal(t, []string{"c2", "c3"}, got, "opts.Skip is the first row")
	assert.JSONEq(t, `{"limit":100,"skip":1}`, seen()[0].URL.Query().Get("filter"))
}

func TestCustomersAllEarlyBreak(t *testing.T) {
	t.Parallel()
	c, seen := routedCustomersClient(t, customersPage(t, []string{"c1", "c2", "c3", "c4", "c5"}))
	for cust, err := range c.Customers.All(t.Context(), &ListOptions{Limit: 2}) {
		require.NoError(t, err)
		if cust.ID == "c2" {
			break
		}
	}
	assert.Len(t, seen(), 1, "no page is fetched after the loop stops")
}

func TestCustomersAllYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	page := customersPage(t, []string{"c1", "c2", "c3", "c4"})
	c, seen := routedCustomersClient(t, func(r *http.Request) (int, string) {
		var f loopbackFilter
		require.NoError(t, json.Unmarshal([]byte(r.URL.Query().Get("filter")), &f))
		if f.Skip > 0 {
			return http.StatusInternalServerError, loopbackError(500, "Error", "boom")
		}
		return page(r)
	})
	var (
		ids  []string
		errs []error
	)
	for cust, err := range c.Customers.All(t.Context(), &ListOptions{Limit: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, cust.ID)
	}
	assert.Equal(t, []string{"c1", "c2"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrServer)
	var apiErr *Error
	require.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, "Customers.All", apiErr.Op)
	assert.Len(t, seen(), 2)
}

func TestCustomersAllDetectsIgnoredSkip(t *testing.T) {
	t.Parallel()
	c, seen := routedCustomersClient(t, func(*http.Request) (int, string) {
		return http.StatusOK, `[{"id":"c1"},{"id":"c2"}]`
	})
	var errs []error
	n := 0
	for _, err := range c.Customers.All(t.Context(), &ListOptions{Limit: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 2, n)
	require.Len(t, errs, 1, "a server that ignores skip must not loop forever")
	assert.Contains(t, errs[0].Error(), "ignores skip")
	assert.Len(t, seen(), 2)
}

func TestCustomersAllValidation(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	var errs []error
	for _, err := range c.Customers.All(t.Context(), &ListOptions{Limit: -5}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInvalidInput)
	assert.Empty(t, m.requests())
}

func TestCustomersUpdate(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_patch.json")

	got, err := c.Customers.Update(t.Context(), "a/b?c", CustomerUpdate{Name: custPtr("Jane Q. Doe"), EmailVerified: custPtr(false)})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/a%2Fb%3Fc", "", `{"name":"Jane Q. Doe","emailVerified":false}`)
	assert.Equal(t, "6418c49c2f1e4a0012ab34cd", got.ID)
	assert.Equal(t, "CRM-000123", got.AccountID)
	assert.Equal(t, "Jane Q. Doe", got.Name)
	assert.True(t, got.EmailVerified)
	assert.JSONEq(t, fixture(t, "customer_patch.json"), string(got.Raw))
}

func TestCustomersUpdateSendsOnlySetFields(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		upd  CustomerUpdate
		body string
	}{
		"email":      {CustomerUpdate{Email: custPtr("new@isp.example")}, `{"email":"new@isp.example"}`},
		"accountId":  {CustomerUpdate{AccountID: custPtr("CRM-9")}, `{"accountId":"CRM-9"}`},
		"empty name": {CustomerUpdate{Name: custPtr("")}, `{"name":""}`},
		"all": {
			CustomerUpdate{Name: custPtr("N"), Email: custPtr("e@x.example"), AccountID: custPtr("CRM-1"), EmailVerified: custPtr(true)},
			`{"name":"N","email":"e@x.example","accountId":"CRM-1","emailVerified":true}`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, "customer_patch.json")
			_, err := c.Customers.Update(t.Context(), "6418c49c2f1e4a0012ab34cd", tc.upd)
			require.NoError(t, err)
			assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/6418c49c2f1e4a0012ab34cd", "", tc.body)
		})
	}
}

func TestCustomersUpdateErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.Update", []statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{409, []error{ErrDuplicateAccount, ErrConflict}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.Update(ctx, "6418c49c2f1e4a0012ab34cd", CustomerUpdate{AccountID: custPtr("CRM-1")})
		return err
	})
}

func TestCustomersUpdateValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		field string
		upd   CustomerUpdate
	}{
		"nothing set":        {"CustomerUpdate", CustomerUpdate{}},
		"quote in name":      {"Name", CustomerUpdate{Name: custPtr(`a"b`)}},
		"empty accountId":    {"AccountID", CustomerUpdate{AccountID: custPtr("")}},
		"quote in accountId": {"AccountID", CustomerUpdate{AccountID: custPtr("A\u201d1")}},
		"empty email":        {"Email", CustomerUpdate{Email: custPtr(" ")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
				_, err := c.Customers.Update(ctx, "6418c49c2f1e4a0012ab34cd", tc.upd)
				return err
			})
		})
	}
}

func TestCustomersSetAccountID(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_patch.json")

	got, err := c.Customers.SetAccountID(t.Context(), "a/b?c", "CRM-000123")
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/a%2Fb%3Fc", "", `{"accountId":"CRM-000123"}`)
	assert.Equal(t, "CRM-000123", got.AccountID)
}

func TestCustomersSetAccountIDErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.SetAccountID", []statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{409, []error{ErrDuplicateAccount, ErrConflict}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.SetAccountID(ctx, "6418c49c2f1e4a0012ab34cd", "CRM-000001")
		return err
	})
}

func TestCustomersSetAccountIDValidation(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "  ", `CRM"1`, "CRM\u201c1", "CRM-1"} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, "AccountID", func(ctx context.Context, c *Client) error {
				_, err := c.Customers.SetAccountID(ctx, "6418c49c2f1e4a0012ab34cd", id)
				return err
			})
		})
	}
}

func TestCustomersMarkEmailVerified(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "customer_patch.json")

	got, err := c.Customers.MarkEmailVerified(t.Context(), "a/b?c")
	require.NoError(t, err)
	assertRequest(t, m.only(), http.MethodPatch, "/api/Customers/a%2Fb%3Fc", "", `{"emailVerified":true}`)
	assert.True(t, got.EmailVerified)
	assert.Equal(t, "6418c49c2f1e4a0012ab34cd", got.ID)
}

func TestCustomersMarkEmailVerifiedErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.MarkEmailVerified", []statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.MarkEmailVerified(ctx, "6418c49c2f1e4a0012ab34cd")
		return err
	})
}

func TestCustomersResendEmailVerification(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusNoContent, "")

	require.NoError(t, c.Customers.ResendEmailVerification(t.Context(), "jane.doe@isp.example"))
	assertRequest(t, m.only(), http.MethodPost, "/api/Customers/resendEmailVerification", "", `{"email":"jane.doe@isp.example"}`)
}

func TestCustomersResendEmailVerificationErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.ResendEmailVerification", []statusCase{
		{400, []error{ErrBadRequest}},
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{409, []error{ErrEmailAlreadyVerified, ErrConflict}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		return c.Customers.ResendEmailVerification(ctx, "jane.doe@isp.example")
	})
}

func TestCustomersResendEmailVerificationValidation(t *testing.T) {
	t.Parallel()
	assertNoRequest(t, "Email", func(ctx context.Context, c *Client) error {
		return c.Customers.ResendEmailVerification(ctx, " ")
	})
}

func TestCustomersDelete(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"count 1":      `{"count":1}`,
		"empty object": `{}`,
		"no body":      ``,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(http.StatusOK, body)
			require.NoError(t, c.Customers.Delete(t.Context(), "a/b?c"))
			assertRequest(t, m.only(), http.MethodDelete, "/api/Customers/a%2Fb%3Fc", "", "")
		})
	}
}

func TestCustomersDeleteCountZeroIsNotFound(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusOK, `{"count":0}`)
	err := c.Customers.Delete(t.Context(), "6418c49c2f1e4a0012ab34cd")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestCustomersDeleteErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.Delete", []statusCase{
		{401, []error{ErrUnauthorized}},
		{404, []error{ErrNotFound}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		return c.Customers.Delete(ctx, "6418c49c2f1e4a0012ab34cd")
	})
}

func TestCustomersSearch(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.replyFixture(http.StatusOK, "search_results.json")

	got, err := c.Customers.Search(t.Context(), SearchOptions{
		Field:      SearchByEmail,
		Keyword:    "jane doe/x?y",
		ExactMatch: custPtr(false),
		StartsWith: custPtr(true),
		Limit:      10,
		Skip:       20,
	})
	require.NoError(t, err)

	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/customers/search/jane%20doe%2Fx%3Fy",
		"exactMatch=false&field=email&limit=10&skip=20&startsWith=true", "")
	require.Len(t, got, 2)
	assert.Equal(t, CustomerMatch{
		ID:          "6418c49c2f1e4a0012ab34cd",
		AccountID:   "A-100",
		Name:        "Jane Doe",
		Email:       "jane.doe@isp.example",
		LocationIDs: []string{"6418c49c2f1e4a0012ab34ce", "6418c49c2f1e4a0012ab36bb"},
	}, got[0])
	assert.Equal(t, "A-1000", got[1].AccountID)
	assert.Empty(t, got[1].LocationIDs)
}

func TestCustomersSearchSendsOnlySetOptions(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusOK, `[]`)
	got, err := c.Customers.Search(t.Context(), SearchOptions{Field: SearchByName, Keyword: "Doe"})
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/customers/search/Doe", "field=name", "")
}

func TestCustomersSearchLenientShapes(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body string
		want []CustomerMatch
	}{
		"empty array":      {`[]`, []CustomerMatch{}},
		"empty object":     {`{}`, []CustomerMatch{}},
		"single object":    {`{"id":"c1","accountId":"A-1","locations":[{"id":"l1"}]}`, []CustomerMatch{{ID: "c1", AccountID: "A-1", LocationIDs: []string{"l1"}}}},
		"string locations": {`[{"id":"c1","locations":["l1","l2"]}]`, []CustomerMatch{{ID: "c1", LocationIDs: []string{"l1", "l2"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(http.StatusOK, tc.body)
			got, err := c.Customers.Search(t.Context(), SearchOptions{Field: SearchByLocationID, Keyword: "l1"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCustomersSearchNotFoundIsEmpty(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusNotFound, loopbackError(404, "Error", "Location not found"))
	got, err := c.Customers.Search(t.Context(), SearchOptions{Field: SearchByAccountID, Keyword: "A-404"})
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
}

func TestCustomersSearchErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.Search", []statusCase{
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrForbidden}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.Search(ctx, SearchOptions{Field: SearchByAccountID, Keyword: "A-1"})
		return err
	})
}

func TestCustomersSearchValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		field string
		opts  SearchOptions
	}{
		"no field":       {"Field", SearchOptions{Keyword: "x"}},
		"unknown field":  {"Field", SearchOptions{Field: "phone", Keyword: "x"}},
		"no keyword":     {"Keyword", SearchOptions{Field: SearchByName}},
		"blank keyword":  {"Keyword", SearchOptions{Field: SearchByName, Keyword: "  "}},
		"dot keyword":    {"Keyword", SearchOptions{Field: SearchByName, Keyword: ".."}},
		"null keyword":   {"Keyword", SearchOptions{Field: SearchByName, Keyword: "null"}},
		"NULL keyword":   {"Keyword", SearchOptions{Field: SearchByName, Keyword: " NuLL "}},
		"negative limit": {"Limit", SearchOptions{Field: SearchByName, Keyword: "x", Limit: -1}},
		"negative skip":  {"Skip", SearchOptions{Field: SearchByName, Keyword: "x", Skip: -1}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, tc.field, func(ctx context.Context, c *Client) error {
				_, err := c.Customers.Search(ctx, tc.opts)
				return err
			})
		})
	}
}

func TestCustomersFindByAccountID(t *testing.T) {
	t.Parallel()
	for _, accountID := range []string{"A-100", "A-1000"} {
		t.Run(accountID, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.replyFixture(http.StatusOK, "search_results.json")
			got, err := c.Customers.FindByAccountID(t.Context(), accountID)
			require.NoError(t, err)
			assert.Equal(t, accountID, got.AccountID, "the match whose accountId is exactly the one asked")
			assertRequest(t, m.only(), http.MethodGet, "/api/Partners/customers/search/"+accountID,
				"exactMatch=true&field=accountId", "")
		})
	}
}

func TestCustomersFindByAccountIDEscapes(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusOK, `[{"id":"c1","accountId":"a/b?c","locations":[{"id":"l1"}]}]`)
	got, err := c.Customers.FindByAccountID(t.Context(), "a/b?c")
	require.NoError(t, err)
	assert.Equal(t, &CustomerMatch{ID: "c1", AccountID: "a/b?c", LocationIDs: []string{"l1"}}, got)
	assertRequest(t, m.only(), http.MethodGet, "/api/Partners/customers/search/a%2Fb%3Fc", "exactMatch=true&field=accountId", "")
}

func TestCustomersFindByAccountIDNoMatch(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		status int
		body   string
	}{
		"empty array":     {http.StatusOK, `[]`},
		"404":             {http.StatusNotFound, loopbackError(404, "Error", "not found")},
		"other accountId": {http.StatusOK, `[{"id":"c1","accountId":"A-1001"}]`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := newMockClient(t)
			m.reply(tc.status, tc.body)
			got, err := c.Customers.FindByAccountID(t.Context(), "A-100")
			assert.Nil(t, got)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotFound)
			assert.Contains(t, err.Error(), "Customers.FindByAccountID")
		})
	}
}

func TestCustomersFindByAccountIDErrors(t *testing.T) {
	t.Parallel()
	assertStatusErrors(t, "Customers.Search", []statusCase{
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrForbidden}},
		{422, []error{ErrValidation}},
		{500, []error{ErrServer}},
	}, func(ctx context.Context, c *Client) error {
		_, err := c.Customers.FindByAccountID(ctx, "A-100")
		return err
	})
}

func TestCustomersFindByAccountIDValidation(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", `A"1`} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			t.Parallel()
			assertNoRequest(t, "AccountID", func(ctx context.Context, c *Client) error {
				_, err := c.Customers.FindByAccountID(ctx, id)
				return err
			})
		})
	}
	assertNoRequest(t, "Keyword", func(ctx context.Context, c *Client) error {
		_, err := c.Customers.FindByAccountID(ctx, "NULL")
		return err
	})
}

func TestCustomerDecodingErrors(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	m.reply(http.StatusOK, `{"id":42}`)
	_, err := c.Customers.Get(t.Context(), "c1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Customers.Get")
	var apiErr *Error
	assert.False(t, errors.As(err, &apiErr), "a decoding failure is not an API answer: %v", err)
	assert.NotPanics(t, func() { _ = fmt.Sprint(err) })
}
