package plume

import (
	"encoding/json"
	"net/url"
	"strings"
)

// ListOptions narrows List and All. It is sent as LoopBack's filter query parameter: Where
// is the "where" object ({"accountId":"A-1"}, {"email":{"like":"%@isp.example"}}), Fields
// keeps only the named fields, Order is "createdAt DESC" or similar, Limit and Skip page.
type ListOptions struct {
	Where  map[string]any
	Fields []string
	Order  string
	Limit  int
	Skip   int
}

// loopbackFilter is ListOptions as the filter JSON.
type loopbackFilter struct {
	Where  map[string]any  `json:"where,omitempty"`
	Fields map[string]bool `json:"fields,omitempty"`
	Order  string          `json:"order,omitempty"`
	Limit  int             `json:"limit,omitempty"`
	Skip   int             `json:"skip,omitempty"`
}

// query returns the filter query parameter of o, or nil when o sets nothing.
// Validate checks the options as List and All do before sending them.
func (o *ListOptions) Validate() error {
	_, err := o.query()
	return err
}

func (o *ListOptions) query() (url.Values, error) {
	if o == nil {
		return nil, nil
	}
	if o.Limit < 0 {
		return nil, invalid("ListOptions.Limit", "must not be negative")
	}
	if o.Skip < 0 {
		return nil, invalid("ListOptions.Skip", "must not be negative")
	}
	f := loopbackFilter{Where: o.Where, Order: o.Order, Limit: o.Limit, Skip: o.Skip}
	for _, name := range o.Fields {
		if strings.TrimSpace(name) == "" {
			return nil, invalid("ListOptions.Fields", "must not hold an empty name")
		}
		if f.Fields == nil {
			f.Fields = make(map[string]bool, len(o.Fields))
		}
		f.Fields[name] = true
	}
	if len(f.Where) == 0 && len(f.Fields) == 0 && f.Order == "" && f.Limit == 0 && f.Skip == 0 {
		return nil, nil
	}
	data, err := json.Marshal(f)
	if err != nil {
		return nil, invalid("ListOptions.Where", "cannot be encoded as JSON: %v", err)
	}
	return url.Values{"filter": {string(data)}}, nil
}
