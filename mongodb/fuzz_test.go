package mongodb

import (
	"encoding/json"
	"testing"

	"github.com/mms-platform/mms/model"
)

// FuzzFilter: every filter either translates or is refused with BAD_USER_INPUT.
func FuzzFilter(f *testing.F) {
	f.Add("glucose", "gt", []byte(`140`))
	f.Add("text", "contains", []byte(`"a(b"`))
	f.Add("x", "exists", []byte(`"yes"`))
	f.Add("k", "in", []byte(`[1, "a", null]`))
	f.Fuzz(func(t *testing.T, field, op string, raw []byte) {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return
		}
		f, err := filterDocs([]model.FieldFilter{{Field: field, Op: op, Value: v}}, nil)
		if err != nil && model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("%s %s %s: %v", field, op, raw, err)
		}
		if err == nil && len(f) != 1 {
			t.Fatalf("%s %s %s: %v", field, op, raw, f)
		}
	})
}
