// Package redis lets several replicas of a service use the Plume Cloud API as one client: a
// TokenCache so that the fleet shares one OAuth token and fetches one per expiry, and a
// Limiter so that it shares one rate budget. Both live in Redis, through
// github.com/redis/go-redis/v9. The package is a module of its own
// (github.com/plumecloud/plume-go/redis), so that the SDK itself depends on no Redis client.
//
// Wiring, with go-redis imported as goredis and this package as plumeredis:
//
//	rdb := goredis.NewClient(&goredis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	limiter, err := plumeredis.NewLimiter(rdb, "egress-203.0.113.7", plumeredis.FailOpen)
//	cache, err := plumeredis.NewTokenCache(rdb, creds, plumeredis.FailOpen, plumeredis.WithLimiter(limiter))
//	client, err := plume.NewClient(plume.WithBaseURL(apiURL), plume.WithCredentials(creds),
//		plume.WithTokenCache(cache), plume.WithRateLimiter(limiter))
//
// The budget's key names what Plume's WAF counts: the egress address the replicas share.
// WithLimiter lets the cache take a slot of the budget for the token request, which the SDK
// sends through the limiter, ahead of the calls already queued in the process.
//
// # When Redis is unreachable
//
// The Policy passed to each constructor decides, and has no default. FailOpen keeps the
// replica working alone: the TokenCache reads as empty (the SDK fetches and keeps its own
// token), the Limiter falls back to a local limiter (WithFallbackRate), and a warning is
// logged once when Redis is lost and a record once when it is back. FailClosed makes the SDK's
// calls fail with an *UnavailableError (errors.Is ErrUnavailable) until Redis is back.
//
// Nothing waits on Redis for long: every call is bounded by the caller's context and by
// WithCallTimeout (500 ms by default), even when the go-redis client ignores contexts; after a
// failure Redis is left alone for WithRetryInterval (1 s by default), during which calls take
// the policy's path at once.
//
// Secrets stay out of Redis keys and logs: the token entry's key is a hash of the token URL,
// client id and scope; the client secret is never used; records carry the component, the
// policy and the Redis error only. The token itself is stored in Redis, which must therefore
// be protected as the secret is.
package redis
