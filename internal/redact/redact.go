// Package redact removes secrets from text that may reach an error string or a log line.
package redact

import (
	"regexp"
	"strings"
	"sync"
)

// Mask is what a secret is replaced with.
const Mask = "[REDACTED]"

// minLen is the shortest value redacted by value: shorter ones would mask ordinary words.
const minLen = 4

// keep is how many rotating values (bearer tokens) a Set remembers.
const keep = 8

// Set is a set of secret values to redact by value. The fixed values (client secret, Basic
// header) stay for the life of the set; rotating ones (bearer tokens) are kept for the last
// few. It is safe for concurrent use.
type Set struct {
	mu       sync.RWMutex
	fixed    []string
	rotating []string
}

// AddFixed adds values kept for the life of the set.
func (s *Set) AddFixed(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= minLen {
			s.fixed = append(s.fixed, v)
		}
	}
}

// AddRotating adds a value of which only the last few are kept.
func (s *Set) AddRotating(v string) {
	if len(v) < minLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rotating = append(s.rotating, v)
	if len(s.rotating) > keep {
		s.rotating = append(s.rotating[:0:0], s.rotating[len(s.rotating)-keep:]...)
	}
}

// String returns in with every known secret, and every extra value, replaced by Mask.
func (s *Set) String(in string, extra ...string) string {
	if s != nil {
		s.mu.RLock()
		in = replaceAll(in, s.fixed)
		in = replaceAll(in, s.rotating)
		s.mu.RUnlock()
	}
	return replaceAll(in, extra)
}

func replaceAll(in string, values []string) string {
	for _, v := range values {
		if len(v) >= minLen && strings.Contains(in, v) {
			in = strings.ReplaceAll(in, v, Mask)
		}
	}
	return in
}

// secretField matches a JSON string member whose key names a secret, and a form or query
// parameter of the same names.
var (
	secretJSON = regexp.MustCompile(`(?i)("(?:encryptionKey|password|passphrase|wpaKey|access_token|refresh_token|id_token|client_secret|token|secret|authorization|psk)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	secretForm = regexp.MustCompile(`(?i)\b((?:client_secret|access_token|password|token)=)[^&\s]+`)
	bearer     = regexp.MustCompile(`(?i)\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*`)
)

// Fields masks the values of secret-named JSON members, form parameters and Authorization
// credentials in text of unknown origin (a response body).
func Fields(in string) string {
	in = secretJSON.ReplaceAllString(in, `$1"`+Mask+`"`)
	in = secretForm.ReplaceAllString(in, `$1`+Mask)
	return bearer.ReplaceAllString(in, `$1 `+Mask)
}

// Secret masks a secret for printing: "" stays "", anything else becomes Mask.
func Secret(v string) string {
	if v == "" {
		return ""
	}
	return Mask
}
