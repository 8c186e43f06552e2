package service

import (
	"time"

	"github.com/mms-platform/mms/model"
)

// matchRow reports whether fields meet every condition, with the store's
// semantics for the operators a share's row filter may use (rowFilterOps):
// values compare within their kind (numbers with numbers, strings with
// strings, times with times); a missing or null field equals only null, so it
// meets ne and nin of a non-null value and fails gt/gte/lt/lte.
func matchRow(fields map[string]any, conds []model.FieldFilter) bool {
	for _, c := range conds {
		v := fields[c.Field]
		ok := false
		switch c.Op {
		case "eq":
			ok = equalValue(v, c.Value)
		case "ne":
			ok = !equalValue(v, c.Value)
		case "in", "nin":
			list, _ := c.Value.([]any)
			for _, x := range list {
				if equalValue(v, x) {
					ok = true
					break
				}
			}
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

func equalValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	cmp, ok := compareValues(a, b)
	return ok && cmp == 0
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
	case time.Time:
		y, ok := b.(time.Time)
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
