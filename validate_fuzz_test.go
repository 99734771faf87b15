package plume

// validate_fuzz_test.go: the fuzz targets of the input checks and the path builder
// (validate.go). Shared fuzz helpers are in fuzz_helpers_test.go.

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValidateInput checks the input checks against their specification.
func FuzzValidateInput(f *testing.F) {
	for _, s := range []string{
		"", " ", ".", "..", " .. ", "...", "\t.\n", "6418c49c2f1e4a0012ab34cd", "PD9Z8Y7X6W5V",
		`Ada "Ace" Lovelace`, "\u201cquoted\u201d", "DoeHome", "Tr0ub4dor-and-3", "1234567", "12345678",
		strings.Repeat("k", 63), strings.Repeat("k", 64), strings.Repeat("é", 63), strings.Repeat("s", 33),
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "a/b?c#d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		trimmed := strings.TrimSpace(v)
		checkValidation(t, "checkID", checkID("customerID", v), trimmed == "" || trimmed == "." || trimmed == "..", "customerID")
		checkValidation(t, "checkNoQuote", checkNoQuote("Name", v), strings.ContainsAny(v, "\"\u201c\u201d"), "Name")
		checkValidation(t, "checkSSID", checkSSID(v), len(v) < 1 || len(v) > 32, "SSID")

		runes := utf8.RuneCountInString(v)
		keyErr := checkKey(v)
		checkValidation(t, "checkKey", keyErr, runes < 8 || runes > 63, "EncryptionKey")
		if keyErr == nil {
			return
		}
		// The error depends on the key's length only, so it cannot carry the key.
		if same := checkKey(strings.Repeat("x", runes)); same == nil || same.Error() != keyErr.Error() {
			t.Fatalf("checkKey(%q) = %q, and for a key of the same length %v", v, keyErr, same)
		}
		if len(v) >= 4 && strings.Contains(keyErr.Error(), v) && !strings.Contains(checkKey(strings.Repeat("\x00", runes)).Error(), v) {
			t.Fatalf("checkKey's error holds the key: %q", keyErr)
		}
	})
}

// checkValidation checks that err is a *ValidationError for field exactly when wantErr.
func checkValidation(t *testing.T, check string, err error, wantErr bool, field string) {
	t.Helper()
	if (err != nil) != wantErr {
		t.Fatalf("%s: error %v, want an error: %t", check, err, wantErr)
	}
	if err == nil {
		return
	}
	var verr *ValidationError
	if !errors.As(err, &verr) || verr.Field != field || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("%s: want a *ValidationError of %s, got %T: %v", check, field, err, err)
	}
}

// FuzzBuildPath checks that every id keeps its own path segment, as built and as sent.
func FuzzBuildPath(f *testing.F) {
	for _, seed := range [][3]string{
		{"6418c49b0f1e2d3c4b5a6978", "6418c49c1a2b3c4d5e6f7a8b", "PD9Z8Y7X6W5V"},
		{"a/b", "c?d=e", "f#g"}, {"..", ".", ""}, {"%2F", "%", "%zz"}, {"a b", "é", "\xff"},
		{";,", "@:$&+=", "[x]"}, {"../../Partners", "a%2F..%2Fb", "\\"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	c := newFuzzClient(f)
	f.Fuzz(func(t *testing.T, customerID, locationID, serial string) {
		ids := []string{customerID, locationID, serial}
		path := buildPath(ids...)
		checkSegments(t, "buildPath", path, ids)
		if strings.ContainsAny(path, "?#") {
			t.Fatalf("buildPath(%q) = %q holds ? or #", ids, path)
		}
		if checkIDs("customerID", customerID, "locationID", locationID, "serial", serial) != nil {
			return
		}
		for _, segment := range strings.Split(path, "/")[1:] {
			if segment == "." || segment == ".." {
				t.Fatalf("buildPath(%q) = %q: a checked id makes a dot segment", ids, path)
			}
		}
		reply := &fuzzReply{status: http.StatusNoContent}
		if _, err := c.do(fuzzCall(reply), &request{op: "Fuzz", method: http.MethodGet, path: path}, nil); err != nil {
			t.Fatalf("sending %q: %v", path, err)
		}
		if reply.sent.RawQuery != "" || reply.sent.Fragment != "" {
			t.Fatalf("sending %q added a query or fragment: %q", path, reply.sent)
		}
		if sent := reply.sent.EscapedPath(); sent != "/api"+path {
			t.Fatalf("sent path %q, built %q", sent, "/api"+path)
		}
	})
}

// checkSegments checks that path, split on "/", unescapes to the segments exactly.
func checkSegments(t *testing.T, what, path string, segments []string) {
	t.Helper()
	parts := strings.Split(path, "/")
	if len(parts) != len(segments)+1 || parts[0] != "" {
		t.Fatalf("%s: %q does not split into %d segments", what, path, len(segments))
	}
	for i, part := range parts[1:] {
		got, err := url.PathUnescape(part)
		if err != nil || got != segments[i] {
			t.Fatalf("%s: segment %d of %q unescapes to %q (%v), want %q", what, i, path, got, err, segments[i])
		}
	}
}
