package redis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
)

const (
	// expiryMargin matches the SDK: a token is not used in the last 30 s before it expires,
	// so the entry expires then.
	expiryMargin = 30 * time.Second
	// minRemaining is the least time an entry must have left to be handed out: less, and the
	// SDK could find it expired by the time it looks, and fetch outside the lock.
	minRemaining = 250 * time.Millisecond
	// unknownExpiryTTL keeps a token that came without expires_in for Plume's shortest
	// configurable TTL (5 minutes); a 401 before then replaces it.
	unknownExpiryTTL = 5 * time.Minute
	// The wait for another replica's fetch polls Redis from pollMin, doubling up to pollMax.
	pollMin = 10 * time.Millisecond
	pollMax = 200 * time.Millisecond
)

// TokenCache is a plume.TokenCache kept in Redis and shared by every replica that uses the
// same credentials, so that the fleet fetches one token per expiry, as Plume asks. Pass it to
// plume.WithTokenCache; give each plume.Client its own TokenCache.
//
// One Redis string per token URL, client id and scope holds the token as JSON
// {access_token, token_type, expiry}; it expires 30 s before the token does. Its key is a
// SHA-256 of those three, so neither the client id nor any secret appears in Redis keys.
// The token itself is in Redis: protect Redis as you protect the client secret (AUTH, TLS,
// a private network).
//
// # How replicas agree on one fetch
//
// The SDK calls Get when its own copy of the token is missing or about to expire, and
// fetches a new token when Get returns nil. Get therefore:
//
//  1. returns the stored token when it has at least 250 ms of use left;
//  2. otherwise takes the fetch lock (SET key:lock NX PX LockTTL) and, when it wins, looks
//     once more (the previous fetcher may have stored its token and freed the lock since the
//     first look) and returns nil: this replica fetches, and its Put stores the token and
//     frees the lock in one step (wired WithLimiter, Get first takes a slot of the rate
//     budget for that token request);
//  3. otherwise, another replica is fetching: Get polls Redis (10 ms, doubling to 200 ms)
//     until the new token appears, or the lock is freed or expires (then it tries to take
//     it), or LockWait passes (then it returns nil and its replica fetches on its own). The
//     caller's context bounds the wait.
//
// A fetch that fails leaves the lock held until its TTL, unless the SDK's next Get comes from
// the same TokenCache (it takes the lock again) or Unlock is called.
type TokenCache struct {
	rdb     goredis.UniversalClient
	key     string
	lockKey string
	cfg     *config
	guard   *guard
	now     func() time.Time

	mu   sync.Mutex
	lock string // the value of the fetch lock this cache holds; "" when none
}

var _ plume.TokenCache = (*TokenCache)(nil)

// NewTokenCache returns a TokenCache for creds in rdb, with policy deciding what happens while
// Redis is unreachable. Only creds.TokenURL, ClientID and PartnerID are used (the scope Plume
// grants is derived from PartnerID); the secret is not needed. Every replica must pass the
// same three values. It does no network I/O.
func NewTokenCache(rdb goredis.UniversalClient, creds plume.Credentials, policy Policy, opts ...Option) (*TokenCache, error) {
	if rdb == nil {
		return nil, invalid("NewTokenCache", "Redis client must not be nil")
	}
	for _, f := range []struct{ name, value string }{
		{"TokenURL", creds.TokenURL}, {"ClientID", creds.ClientID}, {"PartnerID", creds.PartnerID},
	} {
		if strings.TrimSpace(f.value) == "" {
			return nil, invalid("Credentials."+f.name, "must not be empty")
		}
	}
	cfg, err := newConfig(kindTokenCache, policy, opts)
	if err != nil {
		return nil, err
	}
	scope := "partnerId:" + creds.PartnerID + " role:partnerIdAdmin"
	sum := sha256.Sum256([]byte(creds.TokenURL + "\x00" + creds.ClientID + "\x00" + scope))
	// The braces are a Redis Cluster hash tag: the entry and its lock live in one slot, so
	// that Put can write one and free the other in a single script.
	key := cfg.prefix + "token:{" + hex.EncodeToString(sum[:16]) + "}"
	return &TokenCache{
		rdb:     rdb,
		key:     key,
		lockKey: key + ":lock",
		cfg:     cfg,
		guard:   newGuard("token cache", "each replica fetches its own token", cfg),
		now:     time.Now,
	}, nil
}

// Key returns the Redis key of the token entry; the fetch lock is Key()+":lock".
func (c *TokenCache) Key() string { return c.key }

// storedToken is the JSON of an entry, the shape plume.FileTokenCache writes too.
type storedToken struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type,omitempty"`
	Expiry      time.Time `json:"expiry,omitzero"`
}

// Get returns the shared token, or nil, nil when this replica should fetch one: see "How
// replicas agree on one fetch" above. Under FailClosed an unreachable Redis is an
// *UnavailableError; under FailOpen it reads as no token.
func (c *TokenCache) Get(ctx context.Context) (*oauth2.Token, error) {
	deadline := c.now().Add(c.cfg.lockWait)
	pause := pollMin
	for {
		tok, err := c.read(ctx)
		if err != nil {
			return nil, c.policy(err)
		}
		if c.usable(tok) {
			return tok, nil
		}
		won, err := c.acquire(ctx)
		if err != nil {
			return nil, c.policy(err)
		}
		if won {
			return c.won(ctx)
		}
		left := deadline.Sub(c.now())
		if left <= 0 {
			return nil, c.reserveSlot(ctx) // the other replica's fetch is taking too long: fetch here
		}
		if err := sleep(ctx, min(pause, left)); err != nil {
			return nil, err
		}
		pause = min(2*pause, pollMax)
	}
}

// won runs once this cache holds the lock. The replica that fetched before may have stored
// its token and freed the lock between this Get's read and its SET NX: looking again closes
// that gap, since Put writes the entry and frees the lock in one step.
func (c *TokenCache) won(ctx context.Context) (*oauth2.Token, error) {
	tok, err := c.read(ctx)
	if err != nil {
		return nil, c.policy(err)
	}
	if c.usable(tok) {
		_ = c.Unlock(ctx) // at worst the lock lives out its TTL, with the token there to read
		return tok, nil
	}
	return nil, c.reserveSlot(ctx)
}

// reserveSlot takes the slot of the budget for the token request this replica is about to
// send (see WithLimiter). Only the caller's context ending is an error: a limiter that cannot
// reserve leaves the request to queue as usual, and to meet the limiter's policy there.
func (c *TokenCache) reserveSlot(ctx context.Context) error {
	if c.cfg.limiter == nil {
		return nil
	}
	if err := c.cfg.limiter.reserve(ctx); err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}

// putScript stores the entry (when ARGV[1] is not empty) and frees the lock when this cache
// holds it (ARGV[3] is its value), in one step so that no replica sees the lock gone and the
// entry missing.
var putScript = goredis.NewScript(`
if ARGV[1] ~= '' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
return 1
`)

// Put stores t until 30 s before it expires, and frees the fetch lock when this cache holds
// it. A token already within those 30 s is not stored. Under FailClosed an unreachable Redis
// is an *UnavailableError (the SDK logs it and keeps the token for this replica); under
// FailOpen it is not an error.
func (c *TokenCache) Put(ctx context.Context, t *oauth2.Token) error {
	if t == nil || t.AccessToken == "" {
		return nil
	}
	ttl := unknownExpiryTTL
	if !t.Expiry.IsZero() {
		ttl = t.Expiry.Add(-expiryMargin).Sub(c.now())
	}
	var data []byte
	if ttl >= time.Millisecond {
		var err error
		if data, err = json.Marshal(storedToken{AccessToken: t.AccessToken, TokenType: t.TokenType, Expiry: t.Expiry}); err != nil {
			return err
		}
	}
	held := c.takeLockValue()
	_, err := call(ctx, c.guard, "token cache put", func(ctx context.Context) (any, error) {
		return nil, putScript.Run(ctx, c.rdb, []string{c.key, c.lockKey}, string(data), ttl.Milliseconds(), held).Err()
	})
	return c.policy(err)
}

// invalidateScript deletes the entry when it holds the token ARGV[1].
var invalidateScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then
  local ok, t = pcall(cjson.decode, v)
  if not ok or type(t) ~= 'table' or t.access_token == ARGV[1] then
    redis.call('DEL', KEYS[1])
    return 1
  end
end
return 0
`)

// Invalidate deletes the stored token if it is accessToken: call it when the API rejected that
// token with 401, so that the next Get of every replica agrees on one new fetch instead of
// each fetching its own. A newer token stored meanwhile is kept.
func (c *TokenCache) Invalidate(ctx context.Context, accessToken string) error {
	if accessToken == "" {
		return nil
	}
	_, err := call(ctx, c.guard, "token cache invalidate", func(ctx context.Context) (any, error) {
		return nil, invalidateScript.Run(ctx, c.rdb, []string{c.key}, accessToken).Err()
	})
	return c.policy(err)
}

// unlockScript deletes the lock when it still holds ARGV[1].
var unlockScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Unlock frees the fetch lock if this cache holds it: call it when the fetch that followed a
// Get returning nil failed, so that another replica may fetch at once rather than after the
// lock's TTL.
func (c *TokenCache) Unlock(ctx context.Context) error {
	held := c.takeLockValue()
	if held == "" {
		return nil
	}
	_, err := call(ctx, c.guard, "token cache unlock", func(ctx context.Context) (any, error) {
		return nil, unlockScript.Run(ctx, c.rdb, []string{c.lockKey}, held).Err()
	})
	return c.policy(err)
}

func (c *TokenCache) takeLockValue() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	held := c.lock
	c.lock = ""
	return held
}

// read returns the stored token, or nil when there is none or it cannot be decoded (the next
// Put replaces it).
func (c *TokenCache) read(ctx context.Context) (*oauth2.Token, error) {
	raw, err := call(ctx, c.guard, "token cache get", func(ctx context.Context) ([]byte, error) {
		b, err := c.rdb.Get(ctx, c.key).Bytes()
		if errors.Is(err, goredis.Nil) {
			return nil, nil
		}
		return b, err
	})
	if err != nil || raw == nil {
		return nil, err
	}
	var st storedToken
	if json.Unmarshal(raw, &st) != nil || st.AccessToken == "" {
		return nil, nil
	}
	return &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, Expiry: st.Expiry}, nil
}

func (c *TokenCache) usable(t *oauth2.Token) bool {
	if t == nil {
		return false
	}
	return t.Expiry.IsZero() || c.now().Add(minRemaining).Before(t.Expiry.Add(-expiryMargin))
}

// extendScript renews the lock's TTL when it still holds ARGV[1].
var extendScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// acquire takes the fetch lock, or renews it when this cache already holds it (its previous
// fetch failed, and the SDK is trying again).
func (c *TokenCache) acquire(ctx context.Context) (bool, error) {
	c.mu.Lock()
	held := c.lock
	c.mu.Unlock()
	ttl := c.cfg.lockTTL
	if held != "" {
		renewed, err := call(ctx, c.guard, "token cache lock", func(ctx context.Context) (int64, error) {
			return extendScript.Run(ctx, c.rdb, []string{c.lockKey}, held, ttl.Milliseconds()).Int64()
		})
		if err != nil {
			return false, err
		}
		if renewed == 1 {
			return true, nil
		}
		c.mu.Lock()
		if c.lock == held {
			c.lock = ""
		}
		c.mu.Unlock()
	}
	value := rand.Text()
	won, err := call(ctx, c.guard, "token cache lock", func(ctx context.Context) (bool, error) {
		return c.rdb.SetNX(ctx, c.lockKey, value, ttl).Result()
	})
	if err != nil || !won {
		return false, err
	}
	c.mu.Lock()
	c.lock = value
	c.mu.Unlock()
	return true, nil
}

// policy applies the Policy to an error of a Redis call: the caller's context error passes
// through; Redis being unavailable is returned under FailClosed and swallowed under FailOpen
// (the guard has logged it).
func (c *TokenCache) policy(err error) error {
	var unavailable *UnavailableError
	if c.cfg.policy == FailOpen && errors.As(err, &unavailable) {
		return nil
	}
	return err
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
