// Package jsonraw finds the bytes of an object's member or an array's elements in JSON text
// that encoding/json has already accepted, in one pass that only tracks strings and nesting.
//
// plume-go keeps each API object whole in a Raw field next to its typed fields. Through
// encoding/json alone that costs several scans of every object: json.Unmarshal validates the
// whole text, skips over each value that has an UnmarshalJSON method to find its end, and the
// method decodes the value again, validating it first. With this package a decoder
// unmarshals the text once into plain structs and then cuts the Raw copies out of it.
//
// The functions assume valid JSON (call them after json.Unmarshal of the same text
// succeeded); on any other input they return without panicking, but what they return is then
// unspecified.
package jsonraw

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Member returns the value of the member of the object obj that encoding/json decodes into a
// struct field whose JSON name is name, when the struct has no other field that name could
// match: the last member whose name equals name ignoring case (bytes.EqualFold, the rule of
// encoding/json), after unescaping. ok is false when obj is not an object or has no such
// member.
func Member(obj []byte, name string) (value []byte, ok bool) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return value, ok
		}
		keyEnd := skipString(obj, i)
		key := obj[i:keyEnd]
		i = skipSpace(obj, keyEnd)
		if i >= len(obj) || obj[i] != ':' {
			return value, ok
		}
		start := skipSpace(obj, i+1)
		i = skipValue(obj, start)
		if keyMatches(key, name) {
			value, ok = obj[start:i], true
		}
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != ',' {
			return value, ok
		}
		i++
	}
}

// Elements returns the elements of the array arr, each without surrounding white space. It
// returns nil when arr is not an array (null included).
func Elements(arr []byte) [][]byte {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return nil
	}
	i = skipSpace(arr, i+1)
	if i < len(arr) && arr[i] == ']' {
		return [][]byte{}
	}
	var out [][]byte
	for i < len(arr) {
		start := skipSpace(arr, i)
		i = skipValue(arr, start)
		if i == start { // not a value: invalid input
			return out
		}
		out = append(out, arr[start:i])
		i = skipSpace(arr, i)
		if i >= len(arr) || arr[i] != ',' {
			return out
		}
		i++
	}
	return out
}

// keyMatches reports whether the quoted member name key matches name as encoding/json
// matches a field name: unescaped, with invalid UTF-8 replaced, equal ignoring case.
func keyMatches(key []byte, name string) bool {
	if len(key) < 2 {
		return false
	}
	inner := key[1 : len(key)-1]
	if bytes.IndexByte(inner, '\\') < 0 && !hasNonASCII(inner) {
		return bytes.EqualFold(inner, []byte(name))
	}
	var s string
	if json.Unmarshal(key, &s) != nil {
		return false
	}
	return bytes.EqualFold([]byte(s), []byte(name))
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at data[i] == '"'.
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// skipValue returns the index after the value starting at data[i].
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = skipString(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	// A number or a literal: up to the next delimiter.
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return j
		}
		j++
	}
	return j
}
