package fakecloud

import (
	"cmp"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// The where clause of a LoopBack filter (filter.go): matching a row against it.

// matchWhere reports whether row satisfies every clause of where.
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
