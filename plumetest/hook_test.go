package plumetest_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

func TestRequestHookSeesEveryRequest(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := plumetest.NewServer(t, plumetest.WithRequestHook(func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.URL.Path)
	}))
	require.NoError(t, srv.InjectFault(plumetest.Fault{Method: "GET", Status: 503}))
	c := srv.Client(fast...)
	_, err := c.Customers.List(t.Context(), nil)
	require.Error(t, err, "the injected 503")

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"POST /oauth2/default/v1/token", "GET /api/Customers"}, seen)
}
