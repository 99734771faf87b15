package plume

// redirect_test.go: what the SDK does on a redirect. Across origins (scheme, host or port) it
// never sends a body or an Authorization header, and never accepts a token from another
// origin; within the origin redirects keep working.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// elsewhere is a server on another port of the same host, which records what reached it.
type elsewhere struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []string // method, Authorization and body of each request
}

func newElsewhere(t *testing.T, answer string) *elsewhere {
	t.Helper()
	e := &elsewhere{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.hits = append(e.hits, r.Method+"|"+r.Header.Get("Authorization")+"|"+string(body))
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *elsewhere) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.hits...)
}

func TestRedirectWithBodyToAnotherOriginIsRefused(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			other := newElsewhere(t, `{"wifiNetwork":{"ssid":"Home"}}`)
			p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.srv.URL+r.URL.Path, status)
			})
			c := p.client(t)
			_, err := c.WifiNetworks.Create(t.Context(), "c1", "l1", WifiNetworkRequest{SSID: "Home", EncryptionKey: wifiFixtureKey})
			require.ErrorIs(t, err, ErrCrossOriginRedirect)
			assert.False(t, strings.Contains(err.Error(), wifiFixtureKey), "a secret leaked")
			assert.Empty(t, other.seen(), "nothing, key included, reaches the other origin")
			assert.EqualValues(t, 1, p.apiCalls.Load(), "a refused redirect is not retried")
		})
	}
}

func TestRedirectWithinTheOriginIsFollowed(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(body))
		mu.Unlock()
		if !strings.HasSuffix(r.URL.Path, "/moved") {
			http.Redirect(w, r, r.URL.Path+"/moved", http.StatusTemporaryRedirect)
			return
		}
		_, _ = io.WriteString(w, `{"wifiNetwork":{"ssid":"Home"}}`)
	})
	c := p.client(t)
	got, err := c.WifiNetworks.Create(t.Context(), "c1", "l1", WifiNetworkRequest{SSID: "Home", EncryptionKey: wifiFixtureKey})
	require.NoError(t, err)
	assert.Equal(t, "Home", got.SSID)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 2)
	assert.Contains(t, bodies[1], "/moved Bearer access-token-", "the bearer follows within the origin")
	assert.Contains(t, bodies[1], wifiFixtureKey, "and so does the body")
}

func TestTokenRequestNeverFollowsAnotherOrigin(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			other := newElsewhere(t, `{"token_type":"Bearer","expires_in":600,"access_token":"forged-token-from-elsewhere"}`)
			token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.srv.URL+"/token", status)
			}))
			t.Cleanup(token.Close)
			var sentBearer []string
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sentBearer = append(sentBearer, r.Header.Get("Authorization"))
				_, _ = io.WriteString(w, `{"id":"c1"}`)
			}))
			t.Cleanup(api.Close)
			c, err := NewClient(WithBaseURL(api.URL+"/api"),
				WithCredentials(Credentials{TokenURL: token.URL + "/token", ClientID: testClientID, ClientSecret: testClientSecret, PartnerID: testPartnerID}),
				WithRetry(RetryPolicy{MaxRetries: 0}))
			require.NoError(t, err)
			_, err = c.Customers.Get(t.Context(), "c1")
			require.ErrorIs(t, err, ErrCrossOriginRedirect)
			assert.False(t, strings.Contains(err.Error(), testClientSecret), "a secret leaked")
			for _, hit := range other.seen() {
				assert.NotContains(t, hit, "Basic ", "the Basic header never reaches the other origin")
				assert.NotContains(t, hit, "grant_type", "nor the form")
			}
			assert.Empty(t, sentBearer, "no API call with a token from elsewhere")
		})
	}
}

// A body-less read may follow a redirect to another origin, but never with the bearer.
func TestBodylessReadFollowsAnotherOriginWithoutBearer(t *testing.T) {
	t.Parallel()
	other := newElsewhere(t, `{"id":"c1"}`)
	p := newPipeline(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.srv.URL+r.URL.Path, http.StatusFound)
	})
	got, err := p.client(t).Customers.Get(t.Context(), "c1")
	require.NoError(t, err)
	assert.Equal(t, "c1", got.ID)
	hits := other.seen()
	require.Len(t, hits, 1)
	assert.Equal(t, "GET||", hits[0], "no Authorization, no body")
}
