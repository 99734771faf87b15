package redis_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	goredis "github.com/redis/go-redis/v9"

	"github.com/plumecloud/plume-go"
	plumeredis "github.com/plumecloud/plume-go/redis"
)

// Every replica of a service builds its client this way: the replicas then share one token
// and one rate budget through Redis. The budget's key names what Plume's WAF counts: here the
// egress address the replicas share.
func Example() {
	creds := plume.Credentials{
		TokenURL:     os.Getenv("PLUME_AUTH_URL"),
		ClientID:     os.Getenv("PLUME_CLIENT_ID"),
		ClientSecret: os.Getenv("PLUME_CLIENT_SECRET"),
		PartnerID:    os.Getenv("PLUME_PARTNER_ID"),
	}

	rdb := goredis.NewClient(&goredis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
	limiter, err := plumeredis.NewLimiter(rdb, "egress-203.0.113.7", plumeredis.FailOpen)
	if err != nil {
		log.Fatal(err)
	}
	cache, err := plumeredis.NewTokenCache(rdb, creds, plumeredis.FailOpen, plumeredis.WithLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}
	client, err := plume.NewClient(
		plume.WithBaseURL(os.Getenv("PLUME_API_URL")),
		plume.WithCredentials(creds),
		plume.WithTokenCache(cache),
		plume.WithRateLimiter(limiter),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = client // use it as any other client
}

// With FailClosed, calls fail while Redis is unreachable rather than risk the shared budget.
func Example_failClosed() {
	rdb := goredis.NewClient(&goredis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
	limiter, err := plumeredis.NewLimiter(rdb, "egress-203.0.113.7", plumeredis.FailClosed)
	if err != nil {
		log.Fatal(err)
	}
	client, err := plume.NewClientFromEnv(plume.WithRateLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Customers.FindByAccountID(context.Background(), "crm-000123")
	var unavailable *plumeredis.UnavailableError
	if errors.As(err, &unavailable) {
		fmt.Println("Redis is down; try again later:", unavailable.Op)
	}
}
