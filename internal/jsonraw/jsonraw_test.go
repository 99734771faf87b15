package jsonraw

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMember(t *testing.T) {
	t.Parallel()
	cases := []struct {
		obj, name, want string
		ok              bool
	}{
		{`{"claimed":[{"id":"a"}]}`, "claimed", `[{"id":"a"}]`, true},
		{` { "x" : "}\"]" , "claimed" : [ 1 , {"a":[2]} ] } `, "claimed", `[ 1 , {"a":[2]} ]`, true},
		{`{"Claimed":1,"CLAIMED":2}`, "claimed", `2`, true},       // last match, case folded
		{`{"claimed":1,"other":2}`, "claimed", `1`, true},         // a later other member does not count
		{`{"claim\u0065d":"x"}`, "claimed", `"x"`, true},          // escaped name
		{`{"\u212aey":true}`, "key", `true`, true},                // KELVIN SIGN folds to k, as in encoding/json
		{`{"wifiNetwork":null}`, "wifiNetwork", `null`, true},     // present and null
		{`{"nodes":{"nodes":[]}}`, "nodes", `{"nodes":[]}`, true}, // nested wrapper
		{`{"a":{"claimed":1}}`, "claimed", ``, false},             // only at the top level
		{`{}`, "claimed", ``, false},
		{`[{"claimed":1}]`, "claimed", ``, false},
		{`null`, "claimed", ``, false},
		{``, "claimed", ``, false},
	}
	for _, tc := range cases {
		got, ok := Member([]byte(tc.obj), tc.name)
		assert.Equal(t, tc.ok, ok, tc.obj)
		assert.Equal(t, tc.want, string(got), tc.obj)
	}
}

func TestElements(t *testing.T) {
	t.Parallel()
	cases := []struct {
		arr  string
		want []string
	}{
		{`[]`, []string{}},
		{` [ ] `, []string{}},
		{`[1,"a,]",{"b":[1,2]},[[]],null,true,-1.5e3]`, []string{`1`, `"a,]"`, `{"b":[1,2]}`, `[[]]`, `null`, `true`, `-1.5e3`}},
		{"[ {\"s\":\"\\\"}\"} ,\n\t2 ]", []string{`{"s":"\"}"}`, `2`}},
		{`null`, nil},
		{`{"a":1}`, nil},
	}
	for _, tc := range cases {
		got := Elements([]byte(tc.arr))
		if tc.want == nil {
			assert.Nil(t, got, tc.arr)
			continue
		}
		strs := make([]string, len(got))
		for i, g := range got {
			strs[i] = string(g)
		}
		assert.Equal(t, tc.want, strs, tc.arr)
	}
}

// TestInvalidInputDoesNotPanic feeds truncated and malformed texts.
func TestInvalidInputDoesNotPanic(t *testing.T) {
	t.Parallel()
	valid := `{"claimed":[{"id":"a\"b","n":[1,{"x":"\\"}]}],"k":"v"}`
	for i := range len(valid) + 1 {
		for _, s := range []string{valid[:i], valid[i:], "[" + valid[:i], valid[:i] + "\\"} {
			assert.NotPanics(t, func() {
				v, _ := Member([]byte(s), "claimed")
				Elements(v)
				Elements([]byte(s))
			}, s)
		}
	}
}

// FuzzMemberAgainstEncodingJSON checks Member against what encoding/json decodes into a
// json.RawMessage field, for every text encoding/json accepts.
func FuzzMemberAgainstEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"claimed":[{"id":"a"}]}`, `{"Claimed":1,"claimed":2}`, `{"claim\u0065d":"x"}`,
		`{"nodes":{"nodes":[1]}}`, `{"wifiNetwork":{"ssid":"x"},"wifiNetwork":null}`, `{"ſ":1}`,
		"{\"claimed\xff\":1}", `{ "nodes" : [ ] , "x" : { "nodes" : 1 } }`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// One field at a time: in a struct with several fields an exact name match wins over a
		// folded one, which Member does not claim to follow.
		for _, name := range []string{"claimed", "nodes", "wifiNetwork"} {
			var field json.RawMessage
			got, ok := Member(data, name)
			if err := unmarshalOne(data, name, &field); err != nil {
				continue
			}
			want := bytes.TrimSpace(field)
			if ok != (field != nil) || !bytes.Equal(got, want) {
				t.Fatalf("Member(%q, %q) = %q, %t; encoding/json: %q", data, name, got, ok, want)
			}
		}
	})
}

// unmarshalOne decodes data into a struct whose only field is a json.RawMessage named name.
func unmarshalOne(data []byte, name string, into *json.RawMessage) error {
	var err error
	switch name {
	case "claimed":
		var v struct {
			X json.RawMessage `json:"claimed"`
		}
		err = json.Unmarshal(data, &v)
		*into = v.X
	case "nodes":
		var v struct {
			X json.RawMessage `json:"nodes"`
		}
		err = json.Unmarshal(data, &v)
		*into = v.X
	case "wifiNetwork":
		var v struct {
			X json.RawMessage `json:"wifiNetwork"`
		}
		err = json.Unmarshal(data, &v)
		*into = v.X
	}
	return err
}

// FuzzElementsAgainstEncodingJSON checks Elements against encoding/json's []json.RawMessage.
func FuzzElementsAgainstEncodingJSON(f *testing.F) {
	for _, s := range []string{`[]`, `[1, "a]", {"b":[1,{}]}, [[]], null]`, `null`, ` [ "\"" ] `, `[{"k":"\\"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Elements(data)
		var want []json.RawMessage
		if json.Unmarshal(data, &want) != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("Elements(%q): %d elements, encoding/json %d", data, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], bytes.TrimSpace(want[i])) {
				t.Fatalf("Elements(%q)[%d] = %q, encoding/json %q", data, i, got[i], want[i])
			}
		}
	})
}
