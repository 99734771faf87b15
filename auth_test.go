package plume

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func (s staticTokens) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: string(s)}, nil
}

func TestCredentialsPrintMasked(t *testing.T) {
	t.Parallel()
	creds := Credentials{TokenURL: "https://sso.example/v1/token", ClientID: "client-1", ClientSecret: testClientSecret, PartnerID: "p"}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("creds", "c", creds, "p", &creds)
	for _, text := range []string{
		fmt.Sprint(creds), fmt.Sprintf("%v", &creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds),
		fmt.Sprintf("%#v", &creds), fmt.Sprintf("creds=%s", creds), logs.String(),
	} {
		assert.False(t, strings.Contains(text, testClientSecret), "a secret leaked")
		assert.Contains(t, text, "client-1")
	}
}

func TestFileTokenCache(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	cache := NewFileTokenCache(path)
	got, err := cache.Get(t.Context())
	require.NoError(t, err)
	assert.Nil(t, got, "an absent file is no token")

	expiry := time.Now().Add(time.Hour).Round(time.Second)
	require.NoError(t, cache.Put(t.Context(), &oauth2.Token{AccessToken: "tok-1", TokenType: "Bearer", Expiry: expiry}))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	require.NoError(t, cache.Put(t.Context(), &oauth2.Token{AccessToken: "tok-2", Expiry: expiry}))
	got, err = cache.Get(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", got.AccessToken)
	assert.True(t, expiry.Equal(got.Expiry))
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the replace leaves no temporary file")
}

func TestTokenCacheIsUsedBeforeFetching(t *testing.T) {
	t.Parallel()
	var gotAuth string
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		_, _ = io.WriteString(w, `{}`)
	})
	cache := NewFileTokenCache(filepath.Join(t.TempDir(), "tok"))
	require.NoError(t, cache.Put(t.Context(), &oauth2.Token{AccessToken: "shared-token", Expiry: time.Now().Add(time.Hour)}))
	c := p.client(t, WithTokenCache(cache))
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer shared-token", gotAuth)
	assert.EqualValues(t, 0, p.tokenCalls.Load())
}

func TestTokenCacheRejectedTokenIsNotReused(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, nil)
	p.api = func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer stale-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}
	cache := NewFileTokenCache(filepath.Join(t.TempDir(), "tok"))
	require.NoError(t, cache.Put(t.Context(), &oauth2.Token{AccessToken: "stale-token", Expiry: time.Now().Add(time.Hour)}))
	c := p.client(t, WithTokenCache(cache))
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 1, p.tokenCalls.Load())
	stored, err := cache.Get(t.Context())
	require.NoError(t, err)
	assert.Equal(t, p.issued[0], stored.AccessToken, "the new token replaces the rejected one in the cache")
}

func TestWithTokenSourceAloneIsEnough(t *testing.T) {
	t.Parallel()
	c, m := newMockClient(t)
	_, err := c.do(t.Context(), getCall("/x"), nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+testToken, m.only().Header.Get("Authorization"))
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]Option{
		"BaseURL":                WithBaseURL("ftp://x/api"),
		"Credentials.ClientID":   WithCredentials(Credentials{TokenURL: "https://a/t", ClientSecret: "s", PartnerID: "p"}),
		"Credentials.PartnerID":  WithCredentials(Credentials{TokenURL: "https://a/t", ClientID: "c", ClientSecret: "s"}),
		"Credentials.TokenURL":   WithCredentials(Credentials{TokenURL: "::", ClientID: "c", ClientSecret: "s", PartnerID: "p"}),
		"AuthHeader":             WithAuthHeader("https://a/t", "Basic not-base64!", "p"),
		"TokenSource":            WithTokenSource(nil),
		"TokenCache":             WithTokenCache(nil),
		"HTTPClient":             WithHTTPClient(nil),
		"RetryPolicy.MaxRetries": WithRetry(RetryPolicy{MaxRetries: -1}),
		"RetryPolicy.MaxWait":    WithRetry(RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond}),
		"RateLimit":              WithRateLimit(0, 1),
		"RateLimiter":            WithRateLimiter(nil),
		"Logger":                 WithLogger(nil),
		"UserAgent":              WithUserAgent("a\nb"),
		"MaxResponseBytes":       WithMaxResponseBytes(0),
		"PartnerID":              WithPartnerID(" "),
	} {
		_, err := NewClient(WithBaseURL(testBase), WithTokenSource(staticTokens("t")), opt)
		var verr *ValidationError
		if assert.ErrorAs(t, err, &verr, name) {
			assert.Equal(t, name, verr.Field)
			assert.ErrorIs(t, err, ErrInvalidInput)
		}
	}
	_, err := NewClient(WithTokenSource(staticTokens("t")))
	assert.ErrorIs(t, err, ErrInvalidInput, "a base URL is required")
	_, err = NewClient(WithBaseURL(testBase))
	assert.ErrorIs(t, err, ErrInvalidInput, "credentials are required")
}

func TestAuthHeaderErrorDoesNotQuoteIt(t *testing.T) {
	t.Parallel()
	_, err := NewClient(WithBaseURL(testBase), WithAuthHeader("https://a/t", "Basic "+testClientSecret, "p"))
	require.Error(t, err)
	assert.False(t, strings.Contains(err.Error(), testClientSecret), "a secret leaked")
}

func TestOptionsFromEnv(t *testing.T) {
	t.Parallel()
	full := map[string]string{
		EnvAPIURL:    "https://cloud.example/api",
		EnvAuthURL:   "https://sso.example/oauth2/x/v1/token",
		EnvPartnerID: "partner-9",
		EnvAuthHash:  basicHeader("id", "secret"),
	}
	lookup := func(env map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	}
	without := func(keys ...string) map[string]string {
		m := map[string]string{}
		for k, v := range full {
			m[k] = v
		}
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}

	opts, err := optionsFromEnv(lookup(full))
	require.NoError(t, err)
	c, err := NewClient(opts...)
	require.NoError(t, err)
	assert.Equal(t, "partner-9", c.partnerID)
	assert.Equal(t, basicHeader("id", "secret"), c.tokens.header)

	noPrefix := without()
	noPrefix[EnvAuthHash] = full[EnvAuthHash][len("Basic "):]
	opts, err = optionsFromEnv(lookup(noPrefix))
	require.NoError(t, err)
	c, err = NewClient(opts...)
	require.NoError(t, err)
	assert.Equal(t, basicHeader("id", "secret"), c.tokens.header)

	idSecret := without(EnvAuthHash)
	idSecret[EnvClientID], idSecret[EnvClientSecret] = "id", "secret"
	opts, err = optionsFromEnv(lookup(idSecret))
	require.NoError(t, err)
	c, err = NewClient(opts...)
	require.NoError(t, err)
	assert.Equal(t, basicHeader("id", "secret"), c.tokens.header)

	for _, missing := range []string{EnvAPIURL, EnvAuthURL, EnvPartnerID, EnvAuthHash} {
		_, err := optionsFromEnv(lookup(without(missing)))
		require.Error(t, err, missing)
		assert.Contains(t, err.Error(), missing)
	}
	onlyID := without(EnvAuthHash)
	onlyID[EnvClientID] = "id"
	_, err = optionsFromEnv(lookup(onlyID))
	assert.ErrorContains(t, err, EnvClientSecret)
}

func TestUserTokenSourceErrorIsReturned(t *testing.T) {
	t.Parallel()
	c := newStaticClient(t, WithTokenSource(failingTokens{}))
	_, err := c.do(context.Background(), getCall("/x"), nil)
	assert.ErrorContains(t, err, "vault unavailable")
}

type failingTokens struct{}

func (failingTokens) Token() (*oauth2.Token, error) { return nil, fmt.Errorf("vault unavailable") }
