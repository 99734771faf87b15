package plume

import (
	"os"
	"strings"
)

// Environment variables read by NewClientFromEnv: the names the PHP client for this API uses.
const (
	EnvAPIURL       = "PLUME_API_URL"
	EnvAuthURL      = "PLUME_AUTH_URL"
	EnvAuthHash     = "PLUME_AUTH_HASH"
	EnvClientID     = "PLUME_CLIENT_ID"
	EnvClientSecret = "PLUME_CLIENT_SECRET"
	EnvPartnerID    = "PLUME_PARTNER_ID"
)

// NewClientFromEnv returns a client configured from PLUME_API_URL (base URL with /api),
// PLUME_AUTH_URL (token URL), PLUME_PARTNER_ID, and PLUME_AUTH_HASH (the Basic header Plume
// issues, with or without "Basic ") or PLUME_CLIENT_ID + PLUME_CLIENT_SECRET. opts apply after
// the environment's. A missing variable is an error naming it.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	envOpts, err := optionsFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	return NewClient(append(envOpts, opts...)...)
}

// EnvConfigured reports whether the variables NewClientFromEnv needs are all set.
func EnvConfigured() bool {
	_, err := optionsFromEnv(os.LookupEnv)
	return err == nil
}

func optionsFromEnv(lookup func(string) (string, bool)) ([]Option, error) {
	get := func(name string) (string, error) {
		v, ok := lookup(name)
		if !ok || strings.TrimSpace(v) == "" {
			return "", invalid(name, "environment variable is not set")
		}
		return strings.TrimSpace(v), nil
	}
	apiURL, err := get(EnvAPIURL)
	if err != nil {
		return nil, err
	}
	authURL, err := get(EnvAuthURL)
	if err != nil {
		return nil, err
	}
	partner, err := get(EnvPartnerID)
	if err != nil {
		return nil, err
	}
	opts := []Option{WithBaseURL(apiURL)}
	if hash, err := get(EnvAuthHash); err == nil {
		return append(opts, WithAuthHeader(authURL, hash, partner)), nil
	}
	id, err := get(EnvClientID)
	if err != nil {
		return nil, invalid(EnvAuthHash, "environment variable is not set (nor %s + %s)", EnvClientID, EnvClientSecret)
	}
	secret, err := get(EnvClientSecret)
	if err != nil {
		return nil, err
	}
	return append(opts, WithCredentials(Credentials{TokenURL: authURL, ClientID: id, ClientSecret: secret, PartnerID: partner})), nil
}
