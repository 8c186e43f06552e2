// Package snapshot encodes an immutable columnar snapshot of one dataset
// version as Parquet: one column per schema field plus the record key, rows in
// key order, row groups of RowGroupRows rows so that readers stream one group
// at a time. It is pure (no store, no service): the service feeds it rows and
// reads columns back.
//
// Column types: the key "_key" is a required UTF-8 string; INT fields are
// optional INT64, FLOAT optional DOUBLE, BOOL optional BOOLEAN, DATE optional
// INT64 TIMESTAMP(MILLIS, UTC), STRING/CATEGORY/TEXT optional UTF-8 strings,
// JSON optional JSON strings. A sensitive field stays sealed: its column holds
// the sealed bytes (optional BYTE_ARRAY) and a column "<field>__bidx" beside it
// holds the value's blind index (hex string), so that counting and distinct
// counting work without opening any value.
//
// Parquet libraries order a group's columns by name; readers find columns by
// name, never by position.
package snapshot

import (
	"fmt"
	"time"

	"github.com/mms-platform/mms/model"
)

// KeyColumn is the name of the record key column.
const KeyColumn = "_key"

// BlindSuffix names the blind index column of a sealed field.
const BlindSuffix = "__bidx"

// RowGroupRows is the number of rows per row group.
const RowGroupRows = 65536

// Kind is the physical shape of a column's values.
type Kind int

// The column kinds.
const (
	KindString Kind = iota
	KindInt
	KindFloat
	KindBool
	KindDate
	KindJSON
	KindSealed
)

// Column is one snapshot column of a dataset field.
type Column struct {
	Name string
	Kind Kind
}

// Sealed is a sensitive field's value as the store keeps it: the sealed bytes
// (opened only by the store's keyring) and the blind index of the value.
type Sealed = model.SealedValue

// ColumnsOf returns the snapshot columns of a dataset schema (the key column
// is implied): a sensitive field becomes a sealed column.
func ColumnsOf(fields []model.FieldSpec) []Column {
	out := make([]Column, 0, len(fields))
	for _, f := range fields {
		c := Column{Name: f.Name}
		switch {
		case f.Sensitive:
			c.Kind = KindSealed
		case f.Type == model.FieldInt:
			c.Kind = KindInt
		case f.Type == model.FieldFloat:
			c.Kind = KindFloat
		case f.Type == model.FieldBool:
			c.Kind = KindBool
		case f.Type == model.FieldDate:
			c.Kind = KindDate
		case f.Type == model.FieldJSON:
			c.Kind = KindJSON
		default:
			c.Kind = KindString
		}
		out = append(out, c)
	}
	return out
}

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindBool:
		return "bool"
	case KindDate:
		return "date"
	case KindJSON:
		return "json"
	case KindSealed:
		return "sealed"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Vec holds one column's values for a run of rows. Only the slice of the
// column's kind is set: Float for FLOAT, Int for INT and DATE (Unix
// milliseconds), Bool, Str for STRING and JSON (JSON text), Bytes and Index for
// sealed values. Valid[i] is false for a null.
type Vec struct {
	Kind  Kind
	Valid []bool
	Float []float64
	Int   []int64
	Bool  []bool
	Str   []string
	Bytes [][]byte
	Index []string
}

// Len is the number of rows of v.
func (v *Vec) Len() int { return len(v.Valid) }

// Value returns row i as a Go value: nil, float64, int64, bool, time.Time,
// string (JSON columns: the JSON text) or Sealed.
func (v *Vec) Value(i int) any {
	if !v.Valid[i] {
		return nil
	}
	switch v.Kind {
	case KindFloat:
		return v.Float[i]
	case KindInt:
		return v.Int[i]
	case KindDate:
		return time.UnixMilli(v.Int[i]).UTC()
	case KindBool:
		return v.Bool[i]
	case KindSealed:
		return Sealed{Bytes: v.Bytes[i], Index: v.Index[i]}
	default:
		return v.Str[i]
	}
}

// Number returns row i as a float64 for numeric kinds (FLOAT, INT, BOOL as
// 0/1, DATE as Unix milliseconds); ok is false for nulls and other kinds.
func (v *Vec) Number(i int) (float64, bool) {
	if !v.Valid[i] {
		return 0, false
	}
	switch v.Kind {
	case KindFloat:
		return v.Float[i], true
	case KindInt, KindDate:
		return float64(v.Int[i]), true
	case KindBool:
		if v.Bool[i] {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func newVec(k Kind, n int) *Vec {
	v := &Vec{Kind: k, Valid: make([]bool, 0, n)}
	switch k {
	case KindFloat:
		v.Float = make([]float64, 0, n)
	case KindInt, KindDate:
		v.Int = make([]int64, 0, n)
	case KindBool:
		v.Bool = make([]bool, 0, n)
	case KindSealed:
		v.Bytes = make([][]byte, 0, n)
		v.Index = make([]string, 0, n)
	default:
		v.Str = make([]string, 0, n)
	}
	return v
}
