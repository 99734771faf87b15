package plume

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/plumecloud/plume-go/internal/redact"
)

// KeyRequest is the body of CreateKey and UpdateKey. The API requires the key, its format
// and enable on both: Enabled false creates (or turns) the key off. KeyFormat "" is sent as
// KeyFormatEncryptionKey. It prints with the key masked, like Key (and, like Key, names the
// format KeyFormat: see Key).
type KeyRequest struct {
	EncryptionKey string
	KeyFormat     KeyFormat
	Enabled       bool
	ExpiresAt     *time.Time // optional: sent in UTC with milliseconds
	Content       []string   // optional content filters ("adultAndSensitive"); not sent when empty
}

// Validate checks the request as CreateKey and UpdateKey do before sending it: a format of
// KeyFormatEncryptionKey needs at least 8 characters, KeyFormatPhoneNumber an optional + and
// 7 to 15 digits. Its error never carries the key.
func (r KeyRequest) Validate() error {
	format := r.format()
	if err := checkEnum("KeyFormat", format, KeyFormat.valid); err != nil {
		return err
	}
	switch format {
	case KeyFormatEncryptionKey:
		if n := utf8.RuneCountInString(r.EncryptionKey); n < 8 {
			return invalid("EncryptionKey", "must be at least 8 characters, got %d", n)
		}
	case KeyFormatPhoneNumber:
		if !phoneNumber(r.EncryptionKey) {
			// No length: the error may be printed, and a key's length says something of it.
			return invalid("EncryptionKey", "must be a phone number: an optional + and 7 to 15 digits")
		}
	}
	if r.ExpiresAt != nil && r.ExpiresAt.IsZero() {
		return invalid("ExpiresAt", "must not point at the zero time (leave it nil for no expiry)")
	}
	return nil
}

func (r KeyRequest) format() KeyFormat {
	if r.KeyFormat == "" {
		return KeyFormatEncryptionKey
	}
	return r.KeyFormat
}

// phoneNumber reports whether s is an optional + followed by 7 to 15 ASCII digits.
func phoneNumber(s string) bool {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	if len(s) < 7 || len(s) > 15 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// keyWire is the body of CreateKey and UpdateKey as sent, key included.
type keyWire struct {
	EncryptionKey string    `json:"encryptionKey"`
	Enable        bool      `json:"enable"`
	Format        KeyFormat `json:"format"`
	ExpiresAt     string    `json:"expiresAt,omitempty"`
	Content       []string  `json:"content,omitempty"`
}

func (r KeyRequest) wire() keyWire {
	w := keyWire{EncryptionKey: r.EncryptionKey, Enable: r.Enabled, Format: r.format(), Content: r.Content}
	if r.ExpiresAt != nil {
		w.ExpiresAt = r.ExpiresAt.UTC().Format(freezeTimeLayout)
	}
	return w
}

// String returns the request with its key masked.
func (r KeyRequest) String() string {
	return fmt.Sprintf("plume.KeyRequest{KeyFormat:%q, EncryptionKey:%q, Enabled:%t, ExpiresAt:%s, Content:%q}",
		r.KeyFormat, redact.Secret(r.EncryptionKey), r.Enabled, timePtrText(r.ExpiresAt), r.Content)
}

// GoString returns the request with its key masked, for %#v.
func (r KeyRequest) GoString() string { return r.String() }

// Format prints the request masked with every verb (see Key.Format).
func (r KeyRequest) Format(f fmt.State, verb rune) { formatMasked(f, verb, r) }

// MarshalJSON encodes the request as sent with the key masked: the body the API receives is
// built from an unexported wire type, so nothing else ever marshals the key.
func (r KeyRequest) MarshalJSON() ([]byte, error) {
	w := r.wire()
	w.EncryptionKey = redact.Secret(w.EncryptionKey)
	return json.Marshal(w)
}

// MarshalText returns String: the request with its key masked.
func (r KeyRequest) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// LogValue returns the request with its key masked, for slog.
func (r KeyRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("format", string(r.KeyFormat)),
		slog.String("encryption_key", redact.Secret(r.EncryptionKey)),
		slog.Bool("enabled", r.Enabled),
		slog.String("expires_at", timePtrText(r.ExpiresAt)),
	)
}

// timePtrText prints an optional time in RFC 3339, or <nil>.
func timePtrText(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return t.Format(time.RFC3339Nano)
}

// goTimePtr prints an optional time as Go source would build it.
func goTimePtr(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return "&" + goTime(*t)
}
