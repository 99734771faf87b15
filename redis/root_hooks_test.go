package redis_test

import (
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
	plumeredis "github.com/plumecloud/plume-go/redis"
)

func TestRootFailClosedWithDeadline(t *testing.T) {
	cloud := plumetest.NewServer(t)
	srv := newRedisServer(t)
	rdb := newClient(t, srv.Addr)
	limiter, err := plumeredis.NewLimiter(rdb, "egress", plumeredis.FailClosed, plumeredis.WithCallTimeout(200*time.Millisecond))
	require.NoError(t, err)
	c := cloud.Client(plume.WithRateLimiter(limiter))
	_, err = c.Customers.List(t.Context(), nil)
	require.NoError(t, err)
	srv.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = c.Customers.List(ctx, nil)
	t.Logf("error: %v", err)
	assert.ErrorIs(t, err, plumeredis.ErrUnavailable)
}

func TestRootOneFetchAfter401(t *testing.T) {
	var offset atomic.Int64
	cloud := plumetest.NewServer(t, plumetest.WithClock(func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }))
	prefix := uniquePrefix()
	var clients []*plume.Client
	for range 4 {
		cache, err := plumeredis.NewTokenCache(sharedClient(t), cloud.Credentials(), plumeredis.FailClosed, plumeredis.WithKeyPrefix(prefix))
		require.NoError(t, err)
		clients = append(clients, cloud.Client(plume.WithTokenCache(cache)))
	}
	for _, c := range clients {
		_, err := c.Customers.List(t.Context(), nil)
		require.NoError(t, err)
	}
	require.Equal(t, 1, cloud.TokenFetches())
	offset.Store(int64(11 * time.Minute)) // the token expired at the cloud, not for the SDK
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			_, err := c.Customers.List(t.Context(), nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	t.Logf("fetches after the 401s: %d", cloud.TokenFetches()-1)
	assert.Equal(t, 2, cloud.TokenFetches(), "one new fetch for the fleet")
}

func TestRootFailedFetchUnlocks(t *testing.T) {
	cloud := plumetest.NewServer(t)
	prefix := uniquePrefix()
	var clients []*plume.Client
	for range 2 {
		cache, err := plumeredis.NewTokenCache(sharedClient(t), cloud.Credentials(), plumeredis.FailClosed,
			plumeredis.WithKeyPrefix(prefix), plumeredis.WithLockTTL(3*time.Second))
		require.NoError(t, err)
		clients = append(clients, cloud.Client(plume.WithTokenCache(cache)))
	}
	tokenURL, _ := url.Parse(cloud.TokenURL)
	require.NoError(t, cloud.InjectFault(plumetest.Fault{Path: tokenURL.Path, Status: 400, Body: `{"error":"invalid_request","error_description":"x"}`}))
	_, err := clients[0].Customers.List(t.Context(), nil)
	require.Error(t, err)
	start := time.Now()
	_, err = clients[1].Customers.List(t.Context(), nil)
	require.NoError(t, err)
	t.Logf("second replica waited %v", time.Since(start))
	assert.Less(t, time.Since(start), time.Second)
}
