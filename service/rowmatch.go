package service

import (
	"slices"
	"time"

	"github.com/mms-platform/mms/model"
)

// matchRow reports whether fields meet every condition, with the store's
// semantics for the operators a share's row filter may use (rowFilterOps):
// equality is sameValue's (also used to tell unchanged rows), order is within
// a kind (numbers with numbers, strings with strings, times with times); a
// missing or null field equals only null, so it meets ne and nin of a
// non-null value and fails gt/gte/lt/lte.
func matchRow(fields map[string]any, conds []model.FieldFilter) bool {
	for _, c := range conds {
		v := fields[c.Field]
		ok := false
		switch c.Op {
		case "eq":
			ok = sameValue(v, c.Value)
		case "ne":
			ok = !sameValue(v, c.Value)
		case "in", "nin":
			list, _ := c.Value.([]any)
			ok = slices.ContainsFunc(list, func(x any) bool { return sameValue(v, x) })
			if c.Op == "nin" {
				ok = !ok
			}
		case "gt", "gte", "lt", "lte":
			cmp, comparable := compareValues(v, c.Value)
			if comparable {
				switch c.Op {
				case "gt":
					ok = cmp > 0
				case "gte":
					ok = cmp >= 0
				case "lt":
					ok = cmp < 0
				default:
					ok = cmp <= 0
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// compareValues orders two values of the same kind; ok is false across kinds.
func compareValues(a, b any) (int, bool) {
	if x, ok := number(a); ok {
		y, ok := number(b)
		if !ok {
			return 0, false
		}
		return cmp3(x < y, x > y), true
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return cmp3(x < y, x > y), ok
	case bool:
		y, ok := b.(bool)
		return cmp3(!x && y, x && !y), ok
	case time.Time: // at the store's precision, as sameValue compares them
		y, ok := b.(time.Time)
		x, y = x.Truncate(time.Millisecond), y.Truncate(time.Millisecond)
		return cmp3(x.Before(y), x.After(y)), ok
	}
	return 0, false
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}
