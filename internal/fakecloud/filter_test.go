package fakecloud

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filterHarness registers A-1000 … A-1004 (names Name-0 … Name-4), one minute apart, and
// verifies the email of A-1001 and A-1003.
func filterHarness(t *testing.T) *harness {
	h := newHarness(t, Config{})
	for i := range 5 {
		res := h.api(http.MethodPost, "/Customers/register", map[string]any{
			"accountId": fmt.Sprintf("A-100%d", i), "partnerId": DefaultPartnerID,
			"name": fmt.Sprintf("Name-%d", i), "email": fmt.Sprintf("user%d@example.com", i),
		})
		require.Equal(t, http.StatusOK, res.status)
		if i%2 == 1 {
			id := res.object(t)["id"].(string)
			require.Equal(t, http.StatusOK, h.api(http.MethodPatch, "/Customers/"+id, map[string]any{"emailVerified": true}).status)
		}
		h.clock.Advance(time.Minute)
	}
	other := h.otherPartner("p2")
	require.Equal(t, http.StatusOK, h.apiWith(other, http.MethodPost, "/Customers/register", map[string]any{"accountId": "A-1000", "partnerId": "p2"}).status)
	return h
}

func listAccounts(t *testing.T, h *harness, filter string) []string {
	t.Helper()
	path := "/Customers"
	if filter != "" {
		path += "?filter=" + url.QueryEscape(filter)
	}
	res := h.api(http.MethodGet, path, nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	out := []string{}
	for _, row := range res.array(t) {
		out = append(out, row.(map[string]any)["accountId"].(string))
	}
	return out
}

func TestListCustomersFilter(t *testing.T) {
	t.Parallel()
	h := filterHarness(t)
	tests := []struct {
		name, filter string
		want         []string
	}{
		{"no filter: the caller's partner, createdAt order", "", []string{"A-1000", "A-1001", "A-1002", "A-1003", "A-1004"}},
		{"equality", `{"where":{"accountId":"A-1002"}}`, []string{"A-1002"}},
		{"boolean equality", `{"where":{"emailVerified":true}}`, []string{"A-1001", "A-1003"}},
		{"inq", `{"where":{"accountId":{"inq":["A-1000","A-1004","nope"]}}}`, []string{"A-1000", "A-1004"}},
		{"nin", `{"where":{"accountId":{"nin":["A-1000","A-1004"]}}}`, []string{"A-1001", "A-1002", "A-1003"}},
		{"neq", `{"where":{"accountId":{"neq":"A-1000"}}}`, []string{"A-1001", "A-1002", "A-1003", "A-1004"}},
		{"like", `{"where":{"email":{"like":"user[12]@"}}}`, []string{"A-1001", "A-1002"}},
		{"regexp literal", `{"where":{"email":{"regexp":"/^USER3/i"}}}`, []string{"A-1003"}},
		{"dotted field", `{"where":{"nocSettings.x":{"exists":false}}}`, []string{"A-1000", "A-1001", "A-1002", "A-1003", "A-1004"}},
		{"ilike", `{"where":{"name":{"ilike":"^name-4$"}}}`, []string{"A-1004"}},
		{"nlike", `{"where":{"name":{"nlike":"[0-3]"}}}`, []string{"A-1004"}},
		{"gt on strings", `{"where":{"accountId":{"gt":"A-1002"}}}`, []string{"A-1003", "A-1004"}},
		{"between on timestamps", `{"where":{"createdAt":{"between":["2024-03-27T14:42:00.000Z","2024-03-27T14:44:00.000Z"]}}}`, []string{"A-1001", "A-1002"}},
		{"and", `{"where":{"and":[{"emailVerified":true},{"accountId":{"neq":"A-1001"}}]}}`, []string{"A-1003"}},
		{"or", `{"where":{"or":[{"accountId":"A-1000"},{"name":"Name-4"}]}}`, []string{"A-1000", "A-1004"}},
		{"exists", `{"where":{"contact":{"exists":false}}}`, []string{"A-1000", "A-1001", "A-1002", "A-1003", "A-1004"}},
		{"order DESC", `{"order":"createdAt DESC"}`, []string{"A-1004", "A-1003", "A-1002", "A-1001", "A-1000"}},
		{"order on two keys", `{"order":["emailVerified DESC","accountId ASC"]}`, []string{"A-1001", "A-1003", "A-1000", "A-1002", "A-1004"}},
		{"limit and skip", `{"limit":2,"skip":1}`, []string{"A-1001", "A-1002"}},
		{"offset alias", `{"limit":2,"offset":4}`, []string{"A-1004"}},
		{"skip past the end", `{"skip":10}`, []string{}},
		{"where, order, limit", `{"where":{"emailVerified":false},"order":"accountId DESC","limit":2}`, []string{"A-1004", "A-1002"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, listAccounts(t, h.with(t), tc.filter))
		})
	}
}

func TestListCustomersPagesCoverEveryRow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	for i := range 7 {
		h.register(fmt.Sprintf("acct-%02d", i)) // same createdAt: the id breaks ties
	}
	var seen []string
	for skip := 0; ; skip += 3 {
		page := listAccounts(t, h, fmt.Sprintf(`{"limit":3,"skip":%d}`, skip))
		seen = append(seen, page...)
		if len(page) < 3 {
			break
		}
	}
	assert.Equal(t, listAccounts(t, h, ""), seen)
	assert.Len(t, seen, 7)
}

func TestListCustomersFields(t *testing.T) {
	t.Parallel()
	h := filterHarness(t)
	res := h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(`{"fields":{"id":true,"accountId":true},"limit":1}`), nil)
	require.Equal(t, http.StatusOK, res.status)
	rows := res.array(t)
	require.Len(t, rows, 1)
	row := rows[0].(map[string]any)
	assert.Len(t, row, 2)
	assert.Equal(t, "A-1000", row["accountId"])
	assert.Regexp(t, hexID, row["id"])

	res = h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(`{"fields":{"email":false},"limit":1}`), nil)
	row = res.array(t)[0].(map[string]any)
	assert.NotContains(t, row, "email")
	assert.Contains(t, row, "accountId")

	res = h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(`{"fields":["email"],"limit":1}`), nil)
	assert.Equal(t, map[string]any{"email": "user0@example.com"}, res.array(t)[0])
}

func TestListCustomersBadFilter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	h.register("account-1")
	for _, filter := range []string{
		`{"where":`, `[1]`, `{"where":[1]}`, `{"where":{"accountId":{"almost":"x"}}}`,
		`{"where":{"or":{"a":1}}}`, `{"where":{"accountId":{"inq":"x"}}}`, `{"where":{"name":{"like":"("}}}`,
		`{"order":"name SIDEWAYS"}`, `{"order":5}`, `{"limit":-1}`, `{"limit":1.5}`, `{"skip":"x"}`,
		`{"fields":{"id":"yes"}}`, `{"fields":"id"}`,
	} {
		h.api(http.MethodGet, "/Customers?filter="+url.QueryEscape(filter), nil).requireLoopBackError(t, http.StatusBadRequest)
	}
	assert.Len(t, listAccounts(t, h, `{"limit":"5","include":"locations"}`), 1, "string numbers and include are accepted")
}
