package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSetRedactsByValue(t *testing.T) {
	t.Parallel()
	var s Set
	s.AddFixed("client-secret-1", "abc") // too short to redact by value
	s.AddRotating("token-1111")
	got := s.String("secret client-secret-1 token token-1111 wifi key-9999 abc", "key-9999")
	assert.Equal(t, "secret [REDACTED] token [REDACTED] wifi [REDACTED] abc", got)
}

func TestSetKeepsOnlyRecentRotatingValues(t *testing.T) {
	t.Parallel()
	var s Set
	for i := range keep + 1 {
		s.AddRotating("token-" + string(rune('a'+i)) + "xyz")
	}
	assert.Equal(t, "token-axyz", s.String("token-axyz"), "the oldest is forgotten")
	assert.Equal(t, Mask, s.String("token-bxyz"))
}

func TestFieldsMasksSecretNamedMembers(t *testing.T) {
	t.Parallel()
	in := `{"ssid":"home","encryptionKey":"p\"w-123","nested":{"password":"hunter22"},"access_token":"eyJ.x.y"} client_secret=abc&x=1 Authorization: Bearer abc.def-ghi Basic dXNlcjpwYXNz`
	out := Fields(in)
	for _, s := range []string{`p\"w-123`, "hunter22", "eyJ.x.y", "client_secret=abc", "abc.def-ghi", "dXNlcjpwYXNz"} {
		assert.NotContains(t, out, s)
	}
	assert.Contains(t, out, `"ssid":"home"`)
	assert.Contains(t, out, "x=1")
}

func FuzzFields(f *testing.F) {
	f.Add(`{"encryptionKey":"abcdefgh"}`)
	f.Fuzz(func(t *testing.T, in string) {
		_ = Fields(in)
	})
}
