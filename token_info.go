package plume

import (
	"context"
	"fmt"
	"time"
)

// TokenExpiry returns when the client's bearer token expires: the cached token's expiry, or
// that of one fetched now with the client-credentials grant. It checks the credentials without
// exposing the token. The zero time means the token has no known expiry (a WithTokenSource
// token may have none).
//
// API: POST {token URL} (grant_type=client_credentials), only when no token is cached
func (c *Client) TokenExpiry(ctx context.Context) (time.Time, error) {
	if _, err := c.tokens.token(ctx, ""); err != nil {
		return time.Time{}, fmt.Errorf("plume: TokenExpiry: %w", err)
	}
	return c.tokens.expiry(), nil
}

// expiry returns the cached token's expiry. When another caller has replaced the token since
// it was handed out, the replacement's expiry is the later one, and the one that matters.
func (s *tokenSource) expiry() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == nil {
		return time.Time{}
	}
	return s.tok.Expiry
}
