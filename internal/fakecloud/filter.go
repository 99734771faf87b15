package fakecloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// filter is the subset of the LoopBack filter (§1.1) the fake supports: where (equality,
// and/or, inq/nin, neq, gt/gte/lt/lte/between, like/nlike/ilike/nilike/regexp, exists),
// fields (inclusive or exclusive), order (one or more keys), limit and skip/offset.
// include is accepted and ignored.
type filter struct {
	where  map[string]any
	fields map[string]bool
	order  []orderKey
	limit  int
	skip   int
}

type orderKey struct {
	field string
	desc  bool
}

// parseFilter decodes the filter query parameter; an empty one filters nothing.
func parseFilter(s string) (*filter, *reply) {
	f := &filter{}
	if s == "" {
		return f, nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil || raw == nil {
		return nil, errorReply(http.StatusBadRequest, "filter must be a JSON object")
	}
	var err error
	if f.where, err = parseWhere(raw["where"]); err != nil {
		return nil, errorf(http.StatusBadRequest, "filter.where: %v", err)
	}
	if f.fields, err = parseFieldsSpec(raw["fields"]); err != nil {
		return nil, errorf(http.StatusBadRequest, "filter.fields: %v", err)
	}
	if f.order, err = parseOrder(raw["order"]); err != nil {
		return nil, errorf(http.StatusBadRequest, "filter.order: %v", err)
	}
	if f.limit, err = parseCount(raw["limit"]); err != nil {
		return nil, errorf(http.StatusBadRequest, "filter.limit: %v", err)
	}
	skip := raw["skip"]
	if skip == nil {
		skip = raw["offset"]
	}
	if f.skip, err = parseCount(skip); err != nil {
		return nil, errorf(http.StatusBadRequest, "filter.skip: %v", err)
	}
	return f, nil
}

func parseWhere(v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("an object is expected")
	}
	return m, nil
}

func parseFieldsSpec(v any) (map[string]bool, error) {
	switch spec := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := map[string]bool{}
		for _, name := range spec {
			s, ok := name.(string)
			if !ok {
				return nil, fmt.Errorf("field names must be strings")
			}
			out[s] = true
		}
		return out, nil
	case map[string]any:
		out := map[string]bool{}
		for name, keep := range spec {
			b, ok := keep.(bool)
			if !ok {
				return nil, fmt.Errorf("%q must be true or false", name)
			}
			out[name] = b
		}
		return out, nil
	}
	return nil, fmt.Errorf("an object or an array is expected")
}

func parseOrder(v any) ([]orderKey, error) {
	var specs []string
	switch o := v.(type) {
	case nil:
		return nil, nil
	case string:
		specs = strings.Split(o, ",")
	case []any:
		for _, item := range o {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("order items must be strings")
			}
			specs = append(specs, s)
		}
	default:
		return nil, fmt.Errorf("a string or an array is expected")
	}
	keys := make([]orderKey, 0, len(specs))
	for _, spec := range specs {
		k, err := parseOrderKey(spec)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func parseOrderKey(spec string) (orderKey, error) {
	parts := strings.Fields(spec)
	switch {
	case len(parts) == 1:
		return orderKey{field: parts[0]}, nil
	case len(parts) == 2 && strings.EqualFold(parts[1], "ASC"):
		return orderKey{field: parts[0]}, nil
	case len(parts) == 2 && strings.EqualFold(parts[1], "DESC"):
		return orderKey{field: parts[0], desc: true}, nil
	}
	return orderKey{}, fmt.Errorf("%q is not \"<field> ASC|DESC\"", spec)
}

// parseCount reads limit or skip: a non-negative number, or a string holding one.
func parseCount(v any) (int, error) {
	switch n := v.(type) {
	case nil:
		return 0, nil
	case float64:
		if n >= 0 && n == float64(int(n)) {
			return int(n), nil
		}
	case string:
		if i, err := strconv.Atoi(n); err == nil && i >= 0 {
			return i, nil
		}
	}
	return 0, fmt.Errorf("a non-negative integer is expected")
}

// apply filters, orders, pages and projects rows. The rows come in the default order
// (createdAt, then id), which the sort keeps for ties.
func (f *filter) apply(rows []obj) ([]obj, *reply) {
	rows = normalize(rows)
	kept := make([]obj, 0, len(rows))
	for _, row := range rows {
		ok, err := matchWhere(row, f.where)
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "filter.where: %v", err)
		}
		if ok {
			kept = append(kept, row)
		}
	}
	if len(f.order) > 0 {
		slices.SortStableFunc(kept, f.compareRows)
	}
	kept = kept[min(f.skip, len(kept)):]
	if f.limit > 0 && len(kept) > f.limit {
		kept = kept[:f.limit]
	}
	for i, row := range kept {
		kept[i] = f.project(row)
	}
	return kept, nil
}

// project applies fields: with any true entry only those fields stay; otherwise the false
// entries are dropped.
func (f *filter) project(row obj) obj {
	if len(f.fields) == 0 {
		return row
	}
	inclusive := false
	for _, keep := range f.fields {
		inclusive = inclusive || keep
	}
	out := obj{}
	for k, v := range row {
		keep, listed := f.fields[k]
		if (inclusive && keep) || (!inclusive && !listed) {
			out[k] = v
		}
	}
	return out
}

func (f *filter) compareRows(a, b obj) int {
	for _, k := range f.order {
		c := compareValues(lookup(a, k.field), lookup(b, k.field))
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// normalize gives rows the types encoding/json decodes to, so that comparisons with the
// filter's values are like for like.
func normalize(rows []obj) []obj {
	b, _ := json.Marshal(rows)
	var out []obj
	_ = json.Unmarshal(b, &out)
	return out
}

// lookup reads a possibly dotted field name ("nocSettings.x").
func lookup(row obj, field string) any {
	var v any = row
	for part := range strings.SplitSeq(field, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}
