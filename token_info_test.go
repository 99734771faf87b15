package plume_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t, plumetest.WithTokenTTL(10*time.Minute))
	client := srv.Client()
	before := time.Now()

	expiry, err := client.TokenExpiry(t.Context())
	require.NoError(t, err)
	assert.WithinRange(t, expiry, before.Add(10*time.Minute-time.Second), time.Now().Add(10*time.Minute))
	again, err := client.TokenExpiry(t.Context())
	require.NoError(t, err)
	assert.Equal(t, expiry, again, "the cached token")
	assert.Equal(t, 1, srv.TokenFetches())
	assert.Zero(t, srv.TotalRequests(), "no API request")
}

func TestTokenExpiryRefusedCredentials(t *testing.T) {
	t.Parallel()
	srv := plumetest.NewServer(t)
	creds := srv.Credentials()
	creds.ClientSecret = "not-the-secret-0123"
	client, err := plume.NewClient(plume.WithBaseURL(srv.URL), plume.WithCredentials(creds))
	require.NoError(t, err)

	_, err = client.TokenExpiry(t.Context())
	require.ErrorIs(t, err, plume.ErrAuth)
	assert.False(t, strings.Contains(err.Error(), creds.ClientSecret), "the client secret leaked")
}

func TestTokenExpiryOfATokenSource(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	client, err := plume.NewClient(plume.WithBaseURL("https://plume.example/api"),
		plume.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok", Expiry: at})))
	require.NoError(t, err)
	expiry, err := client.TokenExpiry(t.Context())
	require.NoError(t, err)
	assert.Equal(t, at, expiry)
}
