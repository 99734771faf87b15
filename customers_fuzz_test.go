package plume

// customers_fuzz_test.go: the fuzz targets of the customer answers (customers.go,
// customers_search.go). Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"encoding/json"
	"reflect"
	"testing"
)

// customerRaw is the Raw of a customer, for rawsOf.
func customerRaw(c *Customer) json.RawMessage { return c.Raw }

// FuzzDecodeCustomer decodes a Customer (Get, Update), a RegisteredCustomer (Register) and a
// customer list (List) from the same bytes.
func FuzzDecodeCustomer(f *testing.F) {
	addJSONSeeds(f,
		`{"id":"c1","accountId":"A-1","emailVerified":true,"createdAt":"2023-03-27T14:41:58.312Z","locationId":"l1"}`,
		`{"id":"c1","emailVerified":"yes"}`,
		`[{"id":"c1"},{"id":"c2","createdAt":"2023-03-27T14:41:58+02:00"}]`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		customer, ok := checkDecoder(t, data, unmarshalAs[Customer], func(c Customer) []json.RawMessage { return []json.RawMessage{c.Raw} })
		if ok {
			checkWholeRaw(t, data, customer.Raw)
		}
		registered, rok := checkDecoder(t, data, unmarshalAs[RegisteredCustomer], func(r RegisteredCustomer) []json.RawMessage { return []json.RawMessage{r.Raw} })
		if ok != rok {
			t.Fatalf("Customer decoded %t, RegisteredCustomer %t", ok, rok)
		}
		if ok && !reflect.DeepEqual(customer, registered.Customer) {
			t.Fatalf("RegisteredCustomer.Customer differs from Customer:\n%#v\n%#v", registered.Customer, customer)
		}
		checkDecoder(t, data, unmarshalAs[[]Customer], func(l []Customer) []json.RawMessage { return rawsOf(l, customerRaw) })
	})
}

// FuzzDecodeCustomerMatches decodes a Search answer: an array of matches or a single one.
func FuzzDecodeCustomerMatches(f *testing.F) {
	addJSONSeeds(f,
		`[{"id":"c1","accountId":"A-1","locations":[{"id":"l1"},"l2",null,{}]}]`,
		`{"id":"c1","locations":"l1"}`,
		`{"id":"c1","locations":[1]}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		matches, ok := checkDecoder(t, data, decodeMatches, nil)
		if ok && matches == nil {
			t.Fatal("decodeMatches returned a nil slice without an error")
		}
	})
}
