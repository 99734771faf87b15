package redis_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
	plumeredis "github.com/plumecloud/plume-go/redis"
)

var testCreds = plume.Credentials{
	TokenURL:     "https://sso.example.test/oauth2/aus1/v1/token",
	ClientID:     "0oaClientIdForTests1",
	ClientSecret: "client-secret-never-stored",
	PartnerID:    "partner-1",
}

// newCache returns a TokenCache of testCreds in the shared Redis under prefix.
func newCache(t *testing.T, prefix string, opts ...plumeredis.Option) *plumeredis.TokenCache {
	t.Helper()
	opts = append([]plumeredis.Option{plumeredis.WithKeyPrefix(prefix)}, opts...)
	c, err := plumeredis.NewTokenCache(sharedClient(t), testCreds, plumeredis.FailClosed, opts...)
	require.NoError(t, err)
	return c
}

func token(value string, life time.Duration) *oauth2.Token {
	return &oauth2.Token{AccessToken: value, TokenType: "Bearer", Expiry: time.Now().Add(life).Round(0)}
}

func TestTokenCachePutGet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := sharedClient(t)
	cache := newCache(t, uniquePrefix())

	want := token("access-token-1", 10*time.Minute)
	require.NoError(t, cache.Put(ctx, want))
	got, err := cache.Get(ctx)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, want.AccessToken, got.AccessToken)
	assert.Equal(t, "Bearer", got.TokenType)
	assert.True(t, want.Expiry.Equal(got.Expiry), "expiry %v, want %v", got.Expiry, want.Expiry)

	// The entry expires 30 s before the token does.
	ttl, err := rdb.PTTL(ctx, cache.Key()).Result()
	require.NoError(t, err)
	assert.InDelta(t, (10*time.Minute - 30*time.Second).Seconds(), ttl.Seconds(), 2)

	// The value is the JSON the SDK's FileTokenCache writes too.
	raw, err := rdb.Get(ctx, cache.Key()).Bytes()
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.ElementsMatch(t, []string{"access_token", "token_type", "expiry"}, slices.Collect(maps.Keys(doc)))
}

func TestTokenCacheKeyHidesCredentials(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	cache := newCache(t, prefix)
	require.NoError(t, cache.Put(t.Context(), token("access-token-2", time.Hour)))

	stored, err := sharedClient(t).Keys(t.Context(), prefix+"*").Result()
	require.NoError(t, err)
	require.Equal(t, []string{cache.Key()}, stored)
	for _, s := range []string{testCreds.ClientID, testCreds.ClientSecret, testCreds.PartnerID, "sso.example"} {
		assert.False(t, strings.Contains(cache.Key(), s), "a secret leaked")
	}
	raw, err := sharedClient(t).Get(t.Context(), cache.Key()).Result()
	require.NoError(t, err)
	assert.False(t, strings.Contains(raw, testCreds.ClientSecret), "a secret leaked")

	// Token URL, client id and scope (partner) each make another entry; the secret does not.
	other := func(mod func(*plume.Credentials)) string {
		creds := testCreds
		mod(&creds)
		c, err := plumeredis.NewTokenCache(sharedClient(t), creds, plumeredis.FailOpen, plumeredis.WithKeyPrefix(prefix))
		require.NoError(t, err)
		return c.Key()
	}
	assert.NotEqual(t, cache.Key(), other(func(c *plume.Credentials) { c.TokenURL += "x" }))
	assert.NotEqual(t, cache.Key(), other(func(c *plume.Credentials) { c.ClientID += "x" }))
	assert.NotEqual(t, cache.Key(), other(func(c *plume.Credentials) { c.PartnerID += "x" }))
	assert.Equal(t, cache.Key(), other(func(c *plume.Credentials) { c.ClientSecret = "rotated" }))
}

func TestTokenCacheExpiry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cache := newCache(t, uniquePrefix(), plumeredis.WithLockWait(0))

	// A token within 30 s of its expiry is not stored at all.
	require.NoError(t, cache.Put(ctx, token("nearly-expired", 20*time.Second)))
	n, err := sharedClient(t).Exists(ctx, cache.Key()).Result()
	require.NoError(t, err)
	assert.Zero(t, n)

	// One usable for 0.9 s more is handed out while at least 250 ms of it are left, then no
	// longer: Get takes the lock instead, so that its replica fetches.
	require.NoError(t, cache.Put(ctx, token("short-lived", 30*time.Second+900*time.Millisecond)))
	got, err := cache.Get(ctx)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "short-lived", got.AccessToken)

	time.Sleep(700 * time.Millisecond)
	got, err = cache.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
	locked, err := sharedClient(t).Exists(ctx, cache.Key()+":lock").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, locked)

	// The entry itself is gone from Redis when the token enters its last 30 s.
	time.Sleep(400 * time.Millisecond)
	n, err = sharedClient(t).Exists(ctx, cache.Key()).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestTokenCacheOneReplicaFetchesOthersWait(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	prefix := uniquePrefix()
	winner := newCache(t, prefix)

	got, err := winner.Get(ctx)
	require.NoError(t, err)
	require.Nil(t, got, "the first replica on an empty cache fetches")
	lockTTL, err := sharedClient(t).PTTL(ctx, winner.Key()+":lock").Result()
	require.NoError(t, err)
	assert.InDelta(t, plumeredis.DefaultLockTTL.Seconds(), lockTTL.Seconds(), 1)

	// Three other replicas wait for the winner's token rather than fetch.
	var wg sync.WaitGroup
	results := make([]*oauth2.Token, 3)
	waited := make([]time.Duration, 3)
	for i := range results {
		loser := newCache(t, prefix)
		wg.Go(func() {
			start := time.Now()
			tok, err := loser.Get(ctx)
			assert.NoError(t, err)
			results[i], waited[i] = tok, time.Since(start)
		})
	}
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, winner.Put(ctx, token("fetched-once", time.Hour)))
	wg.Wait()
	for i, tok := range results {
		require.NotNil(t, tok, "replica %d", i)
		assert.Equal(t, "fetched-once", tok.AccessToken)
		assert.GreaterOrEqual(t, waited[i], 250*time.Millisecond)
		assert.Less(t, waited[i], 1200*time.Millisecond, "Get polls at most every 200 ms")
	}

	// Put freed the lock.
	n, err := sharedClient(t).Exists(ctx, winner.Key()+":lock").Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestTokenCacheLoserGivesUpAfterLockWait(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	winner := newCache(t, prefix)
	loser := newCache(t, prefix, plumeredis.WithLockWait(300*time.Millisecond))

	got, err := winner.Get(t.Context())
	require.NoError(t, err)
	require.Nil(t, got)

	start := time.Now()
	got, err = loser.Get(t.Context())
	require.NoError(t, err)
	assert.Nil(t, got, "past LockWait the replica fetches on its own")
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	assert.Less(t, time.Since(start), time.Second)
}

func TestTokenCacheLockExpiresAndAnotherReplicaTakesOver(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	crashed := newCache(t, prefix, plumeredis.WithLockTTL(300*time.Millisecond))
	next := newCache(t, prefix, plumeredis.WithLockTTL(300*time.Millisecond), plumeredis.WithLockWait(5*time.Second))

	got, err := crashed.Get(t.Context())
	require.NoError(t, err)
	require.Nil(t, got) // and this replica never Puts

	start := time.Now()
	got, err = next.Get(t.Context())
	require.NoError(t, err)
	assert.Nil(t, got, "the next replica takes the expired lock and fetches")
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond, "it waited for the lock")
	assert.Less(t, time.Since(start), 1200*time.Millisecond)
}

func TestTokenCacheRetakesItsOwnLock(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cache := newCache(t, uniquePrefix(), plumeredis.WithLockWait(0))
	got, err := cache.Get(ctx)
	require.NoError(t, err)
	require.Nil(t, got)
	// The fetch failed; the SDK asks again and this replica is still the one to fetch.
	got, err = cache.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
	lockTTL, err := sharedClient(t).PTTL(ctx, cache.Key()+":lock").Result()
	require.NoError(t, err)
	assert.Greater(t, lockTTL, plumeredis.DefaultLockTTL-time.Second, "the lock was renewed")
}

func TestTokenCacheUnlock(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	prefix := uniquePrefix()
	winner := newCache(t, prefix)
	loser := newCache(t, prefix)
	got, err := winner.Get(ctx)
	require.NoError(t, err)
	require.Nil(t, got)

	done := make(chan *oauth2.Token, 1)
	start := time.Now()
	go func() {
		tok, err := loser.Get(ctx)
		assert.NoError(t, err)
		done <- tok
	}()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, winner.Unlock(ctx)) // the winner's fetch failed
	select {
	case tok := <-done:
		assert.Nil(t, tok, "the waiting replica takes the lock and fetches")
		assert.Less(t, time.Since(start), time.Second)
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting replica did not take the freed lock")
	}
}

func TestTokenCacheInvalidate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cache := newCache(t, uniquePrefix(), plumeredis.WithLockWait(0))
	require.NoError(t, cache.Put(ctx, token("rejected-by-api", time.Hour)))

	require.NoError(t, cache.Invalidate(ctx, "some-older-token"))
	got, err := cache.Get(ctx)
	require.NoError(t, err)
	require.NotNil(t, got, "a newer token is kept")

	require.NoError(t, cache.Invalidate(ctx, "rejected-by-api"))
	got, err = cache.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
}

func TestTokenCacheDamagedEntryReadsAsEmpty(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cache := newCache(t, uniquePrefix(), plumeredis.WithLockWait(0))
	require.NoError(t, sharedClient(t).Set(ctx, cache.Key(), "{not json", time.Minute).Err())
	got, err := cache.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
}

func TestTokenCacheGetEndsWithContext(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix()
	winner := newCache(t, prefix)
	loser := newCache(t, prefix)
	_, err := winner.Get(t.Context())
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = loser.Get(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
}

func TestNewTokenCacheValidates(t *testing.T) {
	t.Parallel()
	rdb := sharedClient(t)
	noID := testCreds
	noID.ClientID = ""
	cases := map[string]func() error{
		"nil client": func() error { _, err := plumeredis.NewTokenCache(nil, testCreds, plumeredis.FailOpen); return err },
		"no policy":  func() error { _, err := plumeredis.NewTokenCache(rdb, testCreds, 0); return err },
		"no client id": func() error {
			_, err := plumeredis.NewTokenCache(rdb, noID, plumeredis.FailOpen)
			return err
		},
		"limiter option": func() error {
			_, err := plumeredis.NewTokenCache(rdb, testCreds, plumeredis.FailOpen, plumeredis.WithRate(6, 6))
			return err
		},
		"bad timeout": func() error {
			_, err := plumeredis.NewTokenCache(rdb, testCreds, plumeredis.FailOpen, plumeredis.WithCallTimeout(0))
			return err
		},
	}
	for name, build := range cases {
		err := build()
		assert.ErrorIs(t, err, plume.ErrInvalidInput, name)
	}
	// The secret is not needed.
	noSecret := testCreds
	noSecret.ClientSecret = ""
	_, err := plumeredis.NewTokenCache(rdb, noSecret, plumeredis.FailClosed)
	assert.NoError(t, err)
}

// TestTokenCacheSharedBySDKClients runs two SDK clients, as two replicas, against the fake
// cloud: together they fetch one token.
func TestTokenCacheSharedBySDKClients(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	prefix := uniquePrefix()
	var clients []*plume.Client
	for range 2 {
		cache, err := plumeredis.NewTokenCache(sharedClient(t), srv.Credentials(), plumeredis.FailClosed, plumeredis.WithKeyPrefix(prefix))
		require.NoError(t, err)
		clients = append(clients, srv.Client(plume.WithTokenCache(cache), plume.WithRateLimit(1000, 100)))
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := clients[i%2].Customers.List(t.Context(), &plume.ListOptions{Limit: 1})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, 1, srv.TokenFetches())
	assert.Equal(t, 20, srv.TotalRequests())
}
