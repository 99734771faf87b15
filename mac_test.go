package plume

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeMACAcceptsCommonNotations(t *testing.T) {
	t.Parallel()
	const want = "3c:22:fb:4a:91:0e"
	for _, in := range []string{
		"3c:22:fb:4a:91:0e",     // the API's own form
		"3C:22:FB:4A:91:0E",     // upper case
		"3c:22:Fb:4A:91:0e",     // mixed case
		"3c-22-fb-4a-91-0e",     // hyphens
		"3C-22-FB-4A-91-0E",     // Windows
		"3c22.fb4a.910e",        // Cisco
		"3C22.FB4A.910E",        // Cisco, upper case
		"3c22fb4a910e",          // bare
		"3C22FB4A910E",          // bare, upper case
		"  3c:22:fb:4a:91:0e  ", // spaces around
		"\t3C-22-FB-4A-91-0E\r\n",
		"\u00a03c22fb4a910e\u2003", // Unicode spaces around
	} {
		got, err := normalizeMAC("MAC", in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
	for in, want := range map[string]string{
		"00:00:00:00:00:00": "00:00:00:00:00:00",
		"FF-FF-FF-FF-FF-FF": "ff:ff:ff:ff:ff:ff",
		"0123.4567.89AB":    "01:23:45:67:89:ab",
		"abcdefABCDEF":      "ab:cd:ef:ab:cd:ef",
	} {
		got, err := normalizeMAC("MAC", in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
}

func TestNormalizeMACRefusesTheRest(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", " ", "\n",
		"3c:22:fb:4a:91",          // five bytes
		"3c:22:fb:4a:91:0e:77",    // seven
		"3c:22:fb:4a:91:0e:77:88", // EUI-64
		"3c22fb4a910",             // eleven digits
		"3c22fb4a910e0",           // thirteen
		"3c:22:fb:4a:91:0g",       // not hex
		"3c:22-fb:4a:91:0e",       // mixed separators
		"3c.22.fb.4a.91.0e",       // dots between pairs
		"3c_22_fb_4a_91_0e",       // underscores
		"3c 22 fb 4a 91 0e",       // spaces between pairs
		"3c22:fb4a:910e",          // colons between quads
		"3c22-fb4a-910e",          // hyphens between quads
		"3c:2:fb:4a:91:0e0",       // a group without its leading zero, and a long one
		"3:22:fb:4a:91:0e",        // 16 characters
		"3c:22:fb:4a:91:0e.",      // trailing punctuation
		"3c::fb:4a:91:0e:00",      // empty group
		"+3c22fb4a910",            // a sign
		"0x3c22fb4a910e",          // a prefix
		"３c22fb4a910e",            // full-width digit
		"3c:22:fb:4a:91:0e/../x",  // path
		"3c%3A22%3Afb%3A4a%3A91%3A0e",
		"3c:22:fb:4a:91:\x00e",
		"c:22:fb:4a:91:0e ",
	} {
		got, err := normalizeMAC("MAC", in)
		var verr *ValidationError
		require.True(t, errors.As(err, &verr), "%q: want a *ValidationError, got %q, %v", in, got, err)
		assert.Equal(t, "MAC", verr.Field, "%q", in)
		assert.ErrorIs(t, err, ErrInvalidInput)
		assert.Empty(t, got)
	}
}

func TestNormalizeMACNamesTheField(t *testing.T) {
	t.Parallel()
	_, err := normalizeMAC("DHCPReservation.MAC", "nope")
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "DHCPReservation.MAC", verr.Field)
	assert.Contains(t, verr.Reason, `"nope" is not a MAC address`)

	_, err = normalizeMAC("MAC", "  ")
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "must not be empty", verr.Reason)
}

func TestNormalizeMACQuotesLongValuesShort(t *testing.T) {
	t.Parallel()
	_, err := normalizeMAC("MAC", strings.Repeat("é", 10_000))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300)
	assert.Contains(t, err.Error(), "…")
}

func TestNormalizeMACIsIdempotent(t *testing.T) {
	t.Parallel()
	once, err := normalizeMAC("MAC", "A4-5E-60-D1-02-7B")
	require.NoError(t, err)
	twice, err := normalizeMAC("MAC", once)
	require.NoError(t, err)
	assert.Equal(t, once, twice)
}
