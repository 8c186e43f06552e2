package snapshot

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	pq "github.com/parquet-go/parquet-go"
)

// Metadata keys of a snapshot file.
const (
	MetaColumns = "mms.columns" // JSON [{name, kind}]
	MetaDataset = "mms.dataset"
	MetaVersion = "mms.version"
)

// Builder collects the rows of one dataset version column by column (typed
// slices, no map per row) in any order and writes them sorted by key.
// Memory is the columnar size of the data (8 bytes a number), not a document
// per row.
type Builder struct {
	cols []Column
	keys []string
	vecs []*Vec
	// Coerced counts values that did not fit their column's type and were
	// written as null (per column name).
	Coerced map[string]int
	// LastWins keeps the last row of a key added more than once.
	LastWins bool
}

// NewBuilder starts a snapshot of the given columns.
func NewBuilder(cols []Column) *Builder {
	b := &Builder{cols: slices.Clone(cols), Coerced: map[string]int{}}
	for _, c := range cols {
		b.vecs = append(b.vecs, newVec(c.Kind, 1024))
	}
	return b
}

// Rows is the number of rows added.
func (b *Builder) Rows() int { return len(b.keys) }

// Add appends one row: value(name) returns the stored value of a field (nil
// when missing). Sealed columns take Sealed values.
func (b *Builder) Add(key string, value func(name string) any) {
	b.keys = append(b.keys, key)
	for i, c := range b.cols {
		if !appendValue(b.vecs[i], value(c.Name)) {
			b.Coerced[c.Name]++
			appendValue(b.vecs[i], nil)
		}
	}
}

// appendValue appends v to vec, false when v does not fit the column's kind.
func appendValue(vec *Vec, v any) bool {
	if v == nil {
		vec.Valid = append(vec.Valid, false)
		switch vec.Kind {
		case KindFloat:
			vec.Float = append(vec.Float, 0)
		case KindInt, KindDate:
			vec.Int = append(vec.Int, 0)
		case KindBool:
			vec.Bool = append(vec.Bool, false)
		case KindSealed:
			vec.Bytes, vec.Index = append(vec.Bytes, nil), append(vec.Index, "")
		default:
			vec.Str = append(vec.Str, "")
		}
		return true
	}
	switch vec.Kind {
	case KindFloat:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case int:
			f = float64(x)
		case int32:
			f = float64(x)
		default:
			return false
		}
		vec.Float = append(vec.Float, f)
	case KindInt:
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case int:
			n = int64(x)
		case int32:
			n = int64(x)
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return false
			}
			n = int64(x)
		default:
			return false
		}
		vec.Int = append(vec.Int, n)
	case KindDate:
		t, ok := v.(time.Time)
		if !ok {
			return false
		}
		vec.Int = append(vec.Int, t.UnixMilli())
	case KindBool:
		x, ok := v.(bool)
		if !ok {
			return false
		}
		vec.Bool = append(vec.Bool, x)
	case KindSealed:
		s, ok := v.(Sealed)
		if !ok {
			return false
		}
		vec.Bytes, vec.Index = append(vec.Bytes, s.Bytes), append(vec.Index, s.Index)
	case KindJSON:
		if raw, ok := v.(RawJSON); ok {
			vec.Str = append(vec.Str, string(raw))
			break
		}
		if s, ok := v.(string); ok {
			b, _ := json.Marshal(s)
			vec.Str = append(vec.Str, string(b))
			break
		}
		b, err := json.Marshal(v)
		if err != nil {
			return false
		}
		vec.Str = append(vec.Str, string(b))
	default:
		s, ok := v.(string)
		if !ok {
			return false
		}
		vec.Str = append(vec.Str, s)
	}
	vec.Valid = append(vec.Valid, true)
	return true
}

// parquetSchema is the Parquet schema of cols plus the key.
func parquetSchema(cols []Column) *pq.Schema {
	g := pq.Group{KeyColumn: pq.String()}
	for _, c := range cols {
		switch c.Kind {
		case KindFloat:
			g[c.Name] = pq.Optional(pq.Leaf(pq.DoubleType))
		case KindInt:
			g[c.Name] = pq.Optional(pq.Int(64))
		case KindDate:
			g[c.Name] = pq.Optional(pq.Timestamp(pq.Millisecond))
		case KindBool:
			g[c.Name] = pq.Optional(pq.Leaf(pq.BooleanType))
		case KindJSON:
			g[c.Name] = pq.Optional(pq.JSON())
		case KindSealed:
			g[c.Name] = pq.Optional(pq.Leaf(pq.ByteArrayType))
			g[c.Name+BlindSuffix] = pq.Optional(pq.String())
		default:
			g[c.Name] = pq.Optional(pq.String())
		}
	}
	return pq.NewSchema("mms_snapshot", g)
}

type metaColumn struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// RawJSON is a JSON column value given as its JSON text.
type RawJSON string

// Cells is rows times columns added so far (a memory measure).
func (b *Builder) Cells() int { return len(b.keys) * (len(b.cols) + 1) }

// KeySet returns the set of keys added.
func (b *Builder) KeySet() map[string]struct{} {
	out := make(map[string]struct{}, len(b.keys))
	for _, k := range b.keys {
		out[k] = struct{}{}
	}
	return out
}

// Write sorts the rows by key and writes the Parquet file to w, tagged with
// the dataset and version. A key added more than once keeps its last row when
// LastWins is set, and is an error otherwise.
func (b *Builder) Write(w io.Writer, dataset string, version int) error {
	perm, err := b.sortedChecked()
	if err != nil {
		return err
	}
	return writeSorted(w, b.cols, dataset, version, b.keys, b.vecs, perm)
}

// sorted is the row order of a LastWins builder: by key, the last row of each.
func (b *Builder) sorted() []int32 {
	perm, _ := b.sortedChecked()
	return perm
}

func (b *Builder) sortedChecked() ([]int32, error) {
	perm := make([]int32, len(b.keys))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(x, y int32) int {
		if c := strings.Compare(b.keys[x], b.keys[y]); c != 0 {
			return c
		}
		return int(x - y)
	})
	out := perm[:0]
	for i, p := range perm {
		if i+1 < len(perm) && b.keys[perm[i+1]] == b.keys[p] {
			if !b.LastWins {
				return nil, fmt.Errorf("snapshot: duplicate key %q", b.keys[p])
			}
			continue // a later row of the same key follows
		}
		out = append(out, p)
	}
	return out, nil
}

func writeSorted(w io.Writer, cols []Column, dataset string, version int, keys []string, vecs []*Vec, perm []int32) error {
	sw := NewStreamWriter(w, cols, dataset, version)
	for start := 0; start < len(perm); start += RowGroupRows {
		if err := sw.writeGroup(keys, vecs, perm[start:min(start+RowGroupRows, len(perm))]); err != nil {
			return err
		}
	}
	return sw.Close()
}

// StreamWriter writes a Parquet file of cols one batch of rows at a time
// (each batch a row group), for exports: memory is one batch.
type StreamWriter struct {
	pw        *pq.GenericWriter[any]
	cols      []Column
	keyIdx    int
	idx, bidx []int
	buf       []pq.Value
	ident     []int32
}

// NewStreamWriter starts a snapshot-shaped Parquet file on w.
func NewStreamWriter(w io.Writer, cols []Column, dataset string, version int) *StreamWriter {
	schema := parquetSchema(cols)
	meta := make([]metaColumn, len(cols))
	for i, c := range cols {
		meta[i] = metaColumn{Name: c.Name, Kind: c.Kind.String()}
	}
	mb, _ := json.Marshal(meta)
	sw := &StreamWriter{cols: slices.Clone(cols), pw: pq.NewGenericWriter[any](w, schema, pq.Compression(&pq.Snappy),
		pq.KeyValueMetadata(MetaColumns, string(mb)),
		pq.KeyValueMetadata(MetaDataset, dataset),
		pq.KeyValueMetadata(MetaVersion, fmt.Sprint(version)))}
	leaf := func(name string) int {
		lc, ok := schema.Lookup(name)
		if !ok {
			panic("snapshot: no column " + name)
		}
		return lc.ColumnIndex
	}
	sw.keyIdx = leaf(KeyColumn)
	sw.idx, sw.bidx = make([]int, len(cols)), make([]int, len(cols))
	for i, c := range cols {
		sw.idx[i] = leaf(c.Name)
		if c.Kind == KindSealed {
			sw.bidx[i] = leaf(c.Name + BlindSuffix)
		}
	}
	return sw
}

// WriteBatch writes keys and one Vec per column (in the writer's column
// order) as one row group.
func (sw *StreamWriter) WriteBatch(keys []string, vecs []*Vec) error {
	if len(keys) == 0 {
		return nil
	}
	for len(sw.ident) < len(keys) {
		sw.ident = append(sw.ident, int32(len(sw.ident)))
	}
	return sw.writeGroup(keys, vecs, sw.ident[:len(keys)])
}

// Close finishes the file.
func (sw *StreamWriter) Close() error { return sw.pw.Close() }

func (sw *StreamWriter) writeGroup(keys []string, vecs []*Vec, rows []int32) error {
	cw := sw.pw.ColumnWriters()
	buf := sw.buf[:0]
	for _, r := range rows {
		buf = append(buf, pq.ByteArrayValue([]byte(keys[r])).Level(0, 0, sw.keyIdx))
	}
	if _, err := cw[sw.keyIdx].WriteRowValues(buf); err != nil {
		return err
	}
	for i, c := range sw.cols {
		v, ci := vecs[i], sw.idx[i]
		buf = buf[:0]
		for _, r := range rows {
			if !v.Valid[r] {
				buf = append(buf, pq.Value{}.Level(0, 0, ci))
				continue
			}
			var x pq.Value
			switch c.Kind {
			case KindFloat:
				x = pq.DoubleValue(v.Float[r])
			case KindInt, KindDate:
				x = pq.Int64Value(v.Int[r])
			case KindBool:
				x = pq.BooleanValue(v.Bool[r])
			case KindSealed:
				x = pq.ByteArrayValue(v.Bytes[r])
			default:
				x = pq.ByteArrayValue([]byte(v.Str[r]))
			}
			buf = append(buf, x.Level(0, 1, ci))
		}
		if _, err := cw[ci].WriteRowValues(buf); err != nil {
			return err
		}
		if c.Kind == KindSealed {
			bi := sw.bidx[i]
			buf = buf[:0]
			for _, r := range rows {
				if !v.Valid[r] {
					buf = append(buf, pq.Value{}.Level(0, 0, bi))
					continue
				}
				buf = append(buf, pq.ByteArrayValue([]byte(v.Index[r])).Level(0, 1, bi))
			}
			if _, err := cw[bi].WriteRowValues(buf); err != nil {
				return err
			}
		}
	}
	sw.buf = buf
	return sw.pw.Flush()
}
