package plume_test

// security_test.go: the protections of the connection and of stored credentials, checked
// from outside through the public API: the transport the SDK builds refuses TLS below 1.2
// (with no WithHTTPClient, or an http.Client without a Transport), and FileTokenCache replaces
// its file atomically, mode 0600, never leaving a cut token to a reader. A check that needs
// the package's internals goes in security_internal_test.go.
//
// Not here:
//   - no Authorization after a redirect to another host: TestNoAuthorizationAfterCrossHostRedirect
//     (client_test.go), and every redirect rule (redirect_test.go);
//   - a new cache file is 0600: TestFileTokenCache (auth_test.go); only the atomic replace of an
//     existing file is checked here;
//   - the MinVersion the transport is built with: TestTransportMinimumTLS12 (security_internal_test.go),
//     since Go's own client default (TLS 1.2 since Go 1.22) would refuse the servers below too;
//   - no secret in an output or a request URL: secrets_test.go, secrets_nested_test.go.

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/plumecloud/plume-go"
)

// tlsServer is an HTTPS test server speaking at most maxVersion; it counts the requests it
// gets past the handshake.
func tlsServer(t *testing.T, maxVersion uint16) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var served atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = io.WriteString(w, `{}`)
	}))
	srv.TLS = &tls.Config{MaxVersion: maxVersion}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &served
}

func TestDefaultTransportRefusesTLSBelow12(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		client *http.Client // nil: no WithHTTPClient at all
	}{
		{"default", nil},
		{"http.Client without a Transport", &http.Client{Timeout: time.Minute}},
	} {
		for _, version := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
			t.Run(fmt.Sprintf("%s/%s", tc.name, tls.VersionName(version)), func(t *testing.T) {
				t.Parallel()
				srv, served := tlsServer(t, version)
				opts := []plume.Option{plume.WithBaseURL(srv.URL + "/api"), plume.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})),
					plume.WithPartnerID("p"), plume.WithRetry(plume.RetryPolicy{MaxRetries: 0})}
				if tc.client != nil {
					opts = append(opts, plume.WithHTTPClient(tc.client))
				}
				c, err := plume.NewClient(opts...)
				require.NoError(t, err)
				_, err = c.Customers.Get(t.Context(), "c1")
				require.Error(t, err)
				assert.Contains(t, err.Error(), "protocol version")
				assert.Zero(t, served.Load(), "no request crossed the handshake")
			})
		}
	}
	// The control: against TLS 1.2 the handshake gets as far as the certificate, which the
	// default roots do not trust. The version was accepted.
	srv, served := tlsServer(t, tls.VersionTLS12)
	c, err := plume.NewClient(plume.WithBaseURL(srv.URL+"/api"), plume.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})),
		plume.WithPartnerID("p"), plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)
	_, err = c.Customers.Get(t.Context(), "c1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	assert.NotContains(t, err.Error(), "protocol version")
	assert.Zero(t, served.Load())
}

func TestFileTokenCacheReplacesAtomically(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"access_token":"old"}`), 0o644))
	before, err := os.Stat(path)
	require.NoError(t, err)

	cache := plume.NewFileTokenCache(path)
	expiry := time.Now().Add(time.Hour)
	require.NoError(t, cache.Put(t.Context(), &oauth2.Token{AccessToken: "tok-0", Expiry: expiry}))
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.False(t, os.SameFile(before, after), "a new file is renamed over the old one, not written in place")
	assert.Equal(t, os.FileMode(0o600), after.Mode().Perm(), "a file that was 0644 becomes 0600")

	// Readers racing the writer always find a whole token, never a cut or empty file.
	var wg sync.WaitGroup
	done := make(chan struct{})
	var reads, bad atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				tok, err := cache.Get(t.Context())
				reads.Add(1)
				if err != nil || tok == nil || tok.AccessToken == "" {
					bad.Add(1)
				}
			}
		}()
	}
	for i := range 50 {
		require.NoError(t, cache.Put(t.Context(), &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", i+1), Expiry: expiry}))
	}
	close(done)
	wg.Wait()
	assert.Zero(t, bad.Load(), "of %d reads", reads.Load())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}
