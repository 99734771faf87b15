package plume

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/plumecloud/plume-go/internal/jsonraw"
)

// Decoding answers in as few scans as encoding/json allows.
//
// Every API object type keeps the object whole in Raw beside its typed fields. Decoded with
// json.Unmarshal through an UnmarshalJSON method, each object is scanned four times:
// json.Unmarshal validates the text, skips the object to find where it ends, and the method
// validates and decodes it again. The pipeline instead hands a whole body to the answer
// type's decodeBody, which decodes plain wire structs in one json.Unmarshal (one validation,
// one decode) and cuts the Raw copies out of the body with internal/jsonraw. The
// UnmarshalJSON methods stay for callers who decode these types themselves.

// bodyDecoder is an answer type that decodes a whole response body itself, validating all of
// it (the pipeline does not call json.Unmarshal first).
type bodyDecoder interface {
	decodeBody(body []byte) error
}

// optionalAnswer is an answer type for which an empty body (a 204, or 200 with nothing) is a
// valid answer: the call decides what it means.
type optionalAnswer interface{ optional() }

// checkedAnswer is an answer type that knows what a caller needs from it: missing returns
// what is absent ("no id"), or "" when the answer is usable.
type checkedAnswer interface{ missing() string }

// missingID is the reason of an answer without its id.
func missingID(id string) string {
	if id == "" {
		return "no id"
	}
	return ""
}

// decodeAnswer decodes a 2xx body into out.
func decodeAnswer(body []byte, out any) error {
	if d, ok := out.(bodyDecoder); ok {
		return d.decodeBody(body)
	}
	return json.Unmarshal(body, out)
}

// errRawSplit would mean that internal/jsonraw and encoding/json disagree on a text
// encoding/json accepted; the fuzz tests check that they never do.
var errRawSplit = errors.New("plume: internal error: raw JSON elements do not match the decoded list")

// decodeRawList decodes the JSON array arr into wire structs in one json.Unmarshal and builds
// each T from its wire struct and its Raw bytes.
func decodeRawList[W, T any](arr []byte, build func(*W, json.RawMessage) T) ([]T, error) {
	var wires []W
	if err := json.Unmarshal(arr, &wires); err != nil {
		return nil, err
	}
	return withRaws(wires, jsonraw.Elements(arr), build)
}

// decodeWrappedList reads a list drawn as a bare array, as {member:[…]} or doubled as
// {member:{member:[…]}} (the shapes the sources give the node and device lists). Empty,
// null, or an object without member (or with null) is an empty list; anything else is
// shapeErr. body must be valid JSON.
func decodeWrappedList[W, T any](body []byte, member string, build func(*W, json.RawMessage) T, shapeErr error) ([]T, error) {
	for range 3 {
		body = bytes.TrimSpace(body)
		switch {
		case len(body) == 0 || bytes.Equal(body, []byte("null")):
			return []T{}, nil
		case body[0] == '[':
			return decodeRawList(body, build)
		case body[0] != '{':
			return nil, shapeErr
		}
		body, _ = jsonraw.Member(body, member)
	}
	return nil, shapeErr
}

// withRaws builds each T from its wire struct and its element of raws, copied into one
// allocation shared by all elements (each capped, so that appending to one Raw never writes
// into the next).
func withRaws[W, T any](wires []W, raws [][]byte, build func(*W, json.RawMessage) T) ([]T, error) {
	if len(raws) != len(wires) {
		return nil, errRawSplit
	}
	size := 0
	for _, r := range raws {
		size += len(r)
	}
	buf := make([]byte, 0, size)
	out := make([]T, len(wires))
	for i := range wires {
		start := len(buf)
		buf = append(buf, raws[i]...)
		out[i] = build(&wires[i], json.RawMessage(buf[start:len(buf):len(buf)]))
	}
	return out, nil
}

// decodeRawInto decodes the JSON object data into a wire struct and sets *dst to the T built
// from it and a copy of data for Raw; on an error *dst is left as it was.
func decodeRawInto[W, T any](dst *T, data []byte, build func(*W, json.RawMessage) T) error {
	var w W
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*dst = build(&w, keepRawJSON(data))
	return nil
}

// keepRawJSON copies data without its surrounding white space: a decoder may reuse the slice
// it hands to UnmarshalJSON.
func keepRawJSON(data []byte) json.RawMessage {
	return append(json.RawMessage(nil), bytes.TrimSpace(data)...)
}

// flexString decodes a JSON string, number or boolean as its text: the reference types some
// numbers as strings (a node's channels) and other sources write numbers.
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0, string(data) == "null":
		*f = ""
	case data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case data[0] == '{' || data[0] == '[':
		return errors.New("plume: expected a string or a number, got " + string(data[:1]))
	default:
		*f = flexString(data)
	}
	return nil
}

// nonNil returns list, or an empty slice for nil: a list answer is never nil.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// decodeOneOrMany reads a JSON array of T, or a single T object where the API draws one.
// An empty body, null, or a single object for which present is false is an empty slice.
func decodeOneOrMany[T any](body json.RawMessage, present func(*T) bool) ([]T, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return []T{}, nil
	}
	if body[0] == '{' {
		var one T
		if err := json.Unmarshal(body, &one); err != nil {
			return nil, err
		}
		if !present(&one) {
			return []T{}, nil
		}
		return []T{one}, nil
	}
	list := []T{}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	if list == nil {
		list = []T{}
	}
	return list, nil
}
