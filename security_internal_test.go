package plume

// security_internal_test.go: the security checks that need the package's internals (package
// plume): the TLS configuration of the transport the SDK builds when none is given. What can
// be checked through the public API belongs in security_test.go.

import (
	"crypto/tls"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/internal/transport"
)

// TestTransportMinimumTLS12 inspects the transport the SDK builds when none is given: with
// no WithHTTPClient, and with an http.Client whose Transport is nil.
func TestTransportMinimumTLS12(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{
		"default":              nil,
		"client, no transport": {WithHTTPClient(&http.Client{})},
	} {
		c := newStaticClient(t, opts...)
		wrapped, ok := c.http.Transport.(*transport.Transport)
		require.True(t, ok, name)
		base, ok := wrapped.Base.(*http.Transport)
		require.True(t, ok, name)
		require.NotNil(t, base.TLSClientConfig, name)
		assert.Equal(t, uint16(tls.VersionTLS12), base.TLSClientConfig.MinVersion, name)
		assert.False(t, base.TLSClientConfig.InsecureSkipVerify, name)
	}
}
