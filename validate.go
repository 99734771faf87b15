package plume

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// checkID refuses an id that is empty or would change the path's meaning once placed in it.
func checkID(field, id string) error {
	switch strings.TrimSpace(id) {
	case "":
		return invalid(field, "must not be empty")
	case ".", "..":
		return invalid(field, "must not be %q", id)
	}
	return nil
}

// checkIDs checks pairs of field name and id.
func checkIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := checkID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// checkNoQuote refuses the double quotes Plume rejects in names, accountIds and serviceIds.
func checkNoQuote(field, v string) error {
	if strings.ContainsAny(v, "\"\u201c\u201d") {
		return invalid(field, "must not contain a double quote")
	}
	return nil
}

// checkSSID enforces 802.11's 1 to 32 bytes.
func checkSSID(ssid string) error {
	if n := len(ssid); n < 1 || n > 32 {
		return invalid("SSID", "must be 1 to 32 bytes, got %d", n)
	}
	return nil
}

// checkKey enforces the WPA passphrase length of 8 to 63 characters. The reason never
// carries the key.
func checkKey(key string) error {
	if n := utf8.RuneCountInString(key); n < 8 || n > 63 {
		return invalid("EncryptionKey", "must be 8 to 63 characters, got %d", n)
	}
	return nil
}

// buildPath joins path segments, escaping each so that "/" or "?" in an id stays inside it.
func buildPath(segments ...string) string {
	var b strings.Builder
	size := 0
	for _, s := range segments {
		size += 1 + len(s) // grows further only when a segment needs escaping
	}
	b.Grow(size)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// checkAccountID refuses an empty accountId or one with a double quote.
func checkAccountID(accountID string) error {
	if strings.TrimSpace(accountID) == "" {
		return invalid("AccountID", "must not be empty")
	}
	return checkNoQuote("AccountID", accountID)
}

// profileMeanings returns meanings with a 422 read as ErrProfileNotAllowed when the request
// sets ProfileProperty (the API decides by role).
func profileMeanings(meanings map[int]error, p Profile) map[int]error {
	if p != ProfileProperty {
		return meanings
	}
	out := map[int]error{http.StatusUnprocessableEntity: ErrProfileNotAllowed}
	for status, meaning := range meanings {
		if status != http.StatusUnprocessableEntity {
			out[status] = meaning
		}
	}
	return out
}

// minNewAccountID is the shortest accountId the reference lets a customer be registered or
// re-keyed with ("min length is 6 characters", docs/plume-api-errata.md B6). Lookups accept
// any id: an account registered before the rule still has its own.
const minNewAccountID = 6

// checkNewAccountID checks an accountId given to a customer: checkAccountID, and at least
// minNewAccountID characters.
func checkNewAccountID(accountID string) error {
	if err := checkAccountID(accountID); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(accountID); n < minNewAccountID {
		return invalid("AccountID", "must be at least %d characters, got %d", minNewAccountID, n)
	}
	return nil
}
