package fakecloud

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
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

func matchWhere(row obj, where map[string]any) (bool, error) {
	for key, cond := range where {
		ok, err := matchClause(row, key, cond)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// checkWhere returns the error matchWhere could meet on some row. Those errors depend on the
// filter alone (the row only decides which clauses are reached), so matchWhere never fails
// for a where that passes, whatever the rows.
func checkWhere(where map[string]any) error {
	for key, cond := range where {
		switch key {
		case "and", "or":
			list, ok := cond.([]any)
			if !ok {
				return fmt.Errorf("%s takes an array of conditions", key)
			}
			for _, item := range list {
				sub, ok := item.(map[string]any)
				if !ok {
					return fmt.Errorf("conditions must be objects")
				}
				if err := checkWhere(sub); err != nil {
					return err
				}
			}
			continue
		}
		ops, _ := cond.(map[string]any)
		for op, arg := range ops {
			if _, err := matchOp(nil, false, op, arg); err != nil {
				return err
			}
		}
	}
	return nil
}

func matchClause(row obj, key string, cond any) (bool, error) {
	switch key {
	case "and", "or":
		list, ok := cond.([]any)
		if !ok {
			return false, fmt.Errorf("%s takes an array of conditions", key)
		}
		return matchCombined(row, key == "and", list)
	}
	ops, isOps := cond.(map[string]any)
	if !isOps {
		return equalValues(lookup(row, key), cond), nil
	}
	_, present := lookupPresent(row, key)
	for op, arg := range ops {
		ok, err := matchOp(lookup(row, key), present, op, arg)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func matchCombined(row obj, all bool, list []any) (bool, error) {
	for _, item := range list {
		sub, ok := item.(map[string]any)
		if !ok {
			return false, fmt.Errorf("conditions must be objects")
		}
		ok, err := matchWhere(row, sub)
		if err != nil {
			return false, err
		}
		if ok != all {
			return ok, nil
		}
	}
	return all, nil
}

func lookupPresent(row obj, field string) (any, bool) {
	parent, last := row, field
	if i := strings.LastIndex(field, "."); i >= 0 {
		p, ok := lookup(row, field[:i]).(map[string]any)
		if !ok {
			return nil, false
		}
		parent, last = p, field[i+1:]
	}
	v, ok := parent[last]
	return v, ok && v != nil
}

func matchOp(v any, present bool, op string, arg any) (bool, error) {
	switch op {
	case "neq":
		return !equalValues(v, arg), nil
	case "inq", "nin":
		list, ok := arg.([]any)
		if !ok {
			return false, fmt.Errorf("%s takes an array", op)
		}
		return slices.ContainsFunc(list, func(x any) bool { return equalValues(v, x) }) == (op == "inq"), nil
	case "gt", "gte", "lt", "lte":
		return compareOp(v, op, arg), nil
	case "between":
		r, ok := arg.([]any)
		if !ok || len(r) != 2 {
			return false, fmt.Errorf("between takes [low, high]")
		}
		return compareOp(v, "gte", r[0]) && compareOp(v, "lte", r[1]), nil
	case "like", "nlike", "ilike", "nilike", "regexp":
		return matchLike(v, op, arg)
	case "exists":
		want, ok := arg.(bool)
		if !ok {
			return false, fmt.Errorf("exists takes a boolean")
		}
		return present == want, nil
	}
	return false, fmt.Errorf("unsupported operator %q", op)
}

// matchLike follows the MongoDB connector Plume runs on: like is an unanchored regular
// expression; ilike ignores case; regexp accepts "/pattern/flags".
func matchLike(v any, op string, arg any) (bool, error) {
	pattern, ok := arg.(string)
	if !ok {
		return false, fmt.Errorf("%s takes a string", op)
	}
	if op == "regexp" {
		pattern = regexpLiteral(pattern)
	}
	if op == "ilike" || op == "nilike" {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return false, fmt.Errorf("%s: %v", op, err)
	}
	s, isString := v.(string)
	matched := isString && re.MatchString(s)
	if op == "nlike" || op == "nilike" {
		return !matched, nil
	}
	return matched, nil
}

// regexpLiteral turns "/abc/i" into "(?i)abc"; other strings are patterns already.
func regexpLiteral(p string) string {
	if len(p) < 2 || p[0] != '/' {
		return p
	}
	end := strings.LastIndex(p, "/")
	if end == 0 {
		return p
	}
	if strings.Contains(p[end+1:], "i") {
		return "(?i)" + p[1:end]
	}
	return p[1:end]
}

func compareOp(v any, op string, arg any) bool {
	if !sameKind(v, arg) {
		return false
	}
	c := compareValues(v, arg)
	switch op {
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	}
	return c <= 0
}

func sameKind(a, b any) bool {
	return a != nil && b != nil && reflect.TypeOf(a) == reflect.TypeOf(b)
}

func equalValues(a, b any) bool { return reflect.DeepEqual(a, b) }

// compareValues orders null < booleans < numbers < strings < anything else.
func compareValues(a, b any) int {
	if ra, rb := rank(a), rank(b); ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		return cmp.Compare(boolInt(x), boolInt(y))
	case float64:
		return cmp.Compare(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}

func rank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case float64:
		return 2
	case string:
		return 3
	}
	return 4
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
