package fakecloud

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// obj is a JSON object being built for a response.
type obj = map[string]any

// request is what an API endpoint sees: the body is read and the bearer already checked.
type request struct {
	method string
	params []string // path variables, in order
	query  url.Values
	body   []byte
	token  *token
}

// reply is a response built under the lock and written after it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (rep *reply) write(w http.ResponseWriter) {
	for k, vs := range rep.header {
		w.Header()[k] = vs
	}
	if len(rep.body) > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// jsonReply answers v as JSON.
func jsonReply(status int, v any) *reply {
	b, err := json.Marshal(v)
	if err != nil {
		return errorReply(http.StatusInternalServerError, "encoding the response failed")
	}
	return &reply{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: b}
}

// emptyReply answers a status with no body (204, HEAD 200).
func emptyReply(status int) *reply { return &reply{status: status, header: http.Header{}} }

// errorNames are the LoopBack (http-errors) names of the error statuses.
var errorNames = map[int]string{
	400: "BadRequestError",
	401: "Error",
	403: "ForbiddenError",
	404: "Error",
	405: "MethodNotAllowedError",
	409: "Error",
	412: "PreconditionFailedError",
	415: "UnsupportedMediaTypeError",
	422: "ValidationError",
	425: "TooEarlyError",
	429: "TooManyRequestsError",
	500: "InternalServerError",
	501: "NotImplementedError",
	502: "BadGatewayError",
	503: "ServiceUnavailableError",
	504: "GatewayTimeoutError",
}

// errorReply answers the LoopBack 3 error body {"error":{statusCode,name,message}}.
func errorReply(status int, message string) *reply {
	name := errorNames[status]
	if name == "" {
		name = "Error"
	}
	return jsonReply(status, obj{"error": obj{"statusCode": status, "name": name, "message": message}})
}

// errorf is errorReply with a formatted message.
func errorf(status int, format string, args ...any) *reply {
	return errorReply(status, fmt.Sprintf(format, args...))
}

// authRequired is LoopBack's answer to a missing, unknown or expired token, or an id outside
// the caller's scope.
func authRequired() *reply {
	rep := errorReply(http.StatusUnauthorized, "Authorization Required")
	rep.header.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	return rep
}

// fields reads a JSON object body strictly: keys match exactly (encoding/json would accept
// any letter case, which would hide a client's misspelt key) and a JSON null counts as absent.
// The first type error is kept in err.
type fields struct {
	m   map[string]json.RawMessage
	err *reply
}

// parseFields parses a request body; an empty body is an empty object.
func parseFields(body []byte) (*fields, *reply) {
	f := &fields{m: map[string]json.RawMessage{}}
	if len(body) == 0 {
		return f, nil
	}
	if err := json.Unmarshal(body, &f.m); err != nil || f.m == nil {
		return nil, errorReply(http.StatusBadRequest, "malformed JSON body: an object is expected")
	}
	return f, nil
}

// raw returns the value of key, or nil when it is absent or null.
func (f *fields) raw(key string) json.RawMessage {
	v, ok := f.m[key]
	if !ok || string(v) == "null" {
		return nil
	}
	return v
}

// has reports whether key is present and not null.
func (f *fields) has(key string) bool { return f.raw(key) != nil }

func (f *fields) typeError(key, want string) {
	if f.err == nil {
		f.err = errorf(http.StatusBadRequest, "%s must be %s", key, want)
	}
}

// str returns the string at key, or nil when absent.
func (f *fields) str(key string) *string {
	v := f.raw(key)
	if v == nil {
		return nil
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		f.typeError(key, "a string")
		return nil
	}
	return &s
}

// required returns the non-empty string at key; absent or empty is 400, as LoopBack answers a
// missing required argument.
func (f *fields) required(key string) (string, *reply) {
	s := f.str(key)
	switch {
	case f.err != nil:
		return "", f.err
	case s == nil || *s == "":
		return "", errorf(http.StatusBadRequest, "%s is required", key)
	}
	return *s, nil
}

// boolean returns the boolean at key, or nil when absent.
func (f *fields) boolean(key string) *bool {
	v := f.raw(key)
	if v == nil {
		return nil
	}
	var b bool
	if json.Unmarshal(v, &b) != nil {
		f.typeError(key, "a boolean")
		return nil
	}
	return &b
}

// looseBool returns the boolean at key, also accepting the strings "true" and "false"
// (G writes "enabled":"true", §13.14).
func (f *fields) looseBool(key string) *bool {
	v := f.raw(key)
	if v == nil {
		return nil
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return &b
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if p, err := strconv.ParseBool(s); err == nil {
			return &p
		}
	}
	f.typeError(key, "a boolean")
	return nil
}

// number returns the number at key, or nil when absent.
func (f *fields) number(key string) *float64 {
	v := f.raw(key)
	if v == nil {
		return nil
	}
	var n float64
	if json.Unmarshal(v, &n) != nil {
		f.typeError(key, "a number")
		return nil
	}
	return &n
}

// looseNumber returns the number at key, also accepting a string that holds one (the
// string($JSON) fields of plume-support-api.md §1), or nil when absent.
func (f *fields) looseNumber(key string) *float64 {
	v := f.raw(key)
	if v == nil {
		return nil
	}
	n, ok := parseLooseNumber(v)
	if !ok {
		f.typeError(key, "a number")
		return nil
	}
	return &n
}

// parseLooseNumber reads a JSON number, or a JSON string holding one.
func parseLooseNumber(v json.RawMessage) (float64, bool) {
	var n float64
	if json.Unmarshal(v, &n) == nil {
		return n, true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return n, err == nil && !math.IsInf(n, 0) && !math.IsNaN(n)
}

// object returns the object at key as fields, or nil when absent.
func (f *fields) object(key string) *fields {
	v := f.raw(key)
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

// queryBool reads a boolean query parameter with its default.
func queryBool(q url.Values, key string, def bool) (bool, *reply) {
	s := q.Get(key)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, errorf(http.StatusBadRequest, "%s must be a boolean", key)
	}
	return b, nil
}

// queryInt reads a non-negative integer query parameter; 0 when absent.
func queryInt(q url.Values, key string) (int, *reply) {
	s := q.Get(key)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, "%s must be a non-negative integer", key)
	}
	return n, nil
}

// queryNumber reads an optional non-negative number from the query.
func queryNumber(q url.Values, key string) (*float64, *reply) {
	s := q.Get(key)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return nil, errorf(http.StatusBadRequest, "%s must be a non-negative number", key)
	}
	return &n, nil
}
