package fakecloud

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Readers of the string($JSON) fields of plume-support-api.md §1: the value is a JSON value,
// or a string that holds one ("[\"aa:bb:…\"]", "{\"maxBandwidth5g\":…}"). Each keeps the
// first type error in f.err (400), like the strict readers of reply.go.

// loose returns the value at key, unwrapped once when it is a string holding JSON; nil when
// absent or null.
func (f *fields) loose(key string) json.RawMessage {
	v := f.raw(key)
	if v == nil {
		return nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil && json.Valid([]byte(s)) {
		if inner := json.RawMessage(strings.TrimSpace(s)); string(inner) != "null" {
			return inner
		}
	}
	return v
}

// looseString returns the string at key, unwrapped once when it holds a quoted JSON string.
func (f *fields) looseString(key string) *string {
	s := f.str(key)
	if s == nil {
		return nil
	}
	var inner string
	if json.Unmarshal([]byte(*s), &inner) == nil {
		return &inner
	}
	return s
}

// looseStrings returns the array of strings at key, or nil when absent.
func (f *fields) looseStrings(key string) []string {
	v := f.loose(key)
	if v == nil {
		return nil
	}
	out := []string{}
	if json.Unmarshal(v, &out) != nil {
		f.typeError(key, "an array of strings")
		return nil
	}
	return out
}

// looseObject returns the object at key as fields, or nil when absent.
func (f *fields) looseObject(key string) *fields {
	v := f.loose(key)
	if v == nil {
		return nil
	}
	sub, bad := parseFields(v)
	if bad != nil {
		f.typeError(key, "an object")
		return nil
	}
	return sub
}

// looseInt returns the integer at key (a number or a string holding one), or nil when
// absent; ok is false when it is a number but not an integer.
func (f *fields) looseInt(key string) (n *int, ok bool) {
	v := f.looseNumber(key)
	if v == nil {
		return nil, true
	}
	if *v != math.Trunc(*v) || math.Abs(*v) > 1<<31 {
		return nil, false
	}
	i := int(*v)
	return &i, true
}

// rawJSON returns the value at key as stored JSON (a string($JSON) field whose structure is
// undocumented, kept raw), or nil when absent.
func (f *fields) rawJSON(key string) json.RawMessage {
	v := f.loose(key)
	if v == nil {
		return nil
	}
	return json.RawMessage(append([]byte(nil), v...))
}

// futureTime reads a required RFC 3339 time after now: missing is 400, unparsable or not in
// the future 422.
func futureTime(f *fields, key string, now time.Time) (time.Time, *reply) {
	if !f.has(key) {
		return time.Time{}, errorf(http.StatusBadRequest, "%s is required", key)
	}
	t, ok := parseRFC3339(f, key)
	switch {
	case !ok:
		return time.Time{}, errorf(http.StatusUnprocessableEntity, "%s must be an RFC 3339 date", key)
	case !t.After(now):
		return time.Time{}, errorf(http.StatusUnprocessableEntity, "%s is not in the future", key)
	}
	return t.UTC(), nil
}

// macList normalises MACs; the first one that is not six hex pairs is returned as bad.
func macList(in []string) (out []string, bad string, ok bool) {
	out = make([]string, 0, len(in))
	for _, s := range in {
		mac, valid := normalMAC(s)
		if !valid {
			return nil, s, false
		}
		out = append(out, mac)
	}
	return out, "", true
}

// unique drops the repeats of a list, keeping the first of each in order.
func unique(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
