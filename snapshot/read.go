package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	pq "github.com/parquet-go/parquet-go"
)

// Reader reads a snapshot file one row group at a time.
type Reader struct {
	f       *pq.File
	cols    []Column
	byName  map[string]Column
	Dataset string
	Version int
}

// Open opens a snapshot file.
func Open(r io.ReaderAt, size int64) (*Reader, error) {
	return open(r, size, pq.SkipBloomFilters(true))
}

// openRun opens a segment of a Spill's run file: without the page index,
// which no reader here uses.
func openRun(r io.ReaderAt, size int64) (*Reader, error) {
	return open(r, size, pq.SkipBloomFilters(true), pq.SkipPageIndex(true))
}

func open(r io.ReaderAt, size int64, opts ...pq.FileOption) (*Reader, error) {
	f, err := pq.OpenFile(r, size, opts...)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	rd := &Reader{f: f, byName: map[string]Column{}}
	raw, ok := f.Lookup(MetaColumns)
	if !ok {
		return nil, errors.New("snapshot: not an MMS snapshot (no column metadata)")
	}
	var meta []metaColumn
	if err := json.Unmarshal([]byte(raw), &meta); err != nil {
		return nil, fmt.Errorf("snapshot: column metadata: %w", err)
	}
	for _, m := range meta {
		c := Column{Name: m.Name}
		switch m.Kind {
		case "string":
			c.Kind = KindString
		case "int":
			c.Kind = KindInt
		case "float":
			c.Kind = KindFloat
		case "bool":
			c.Kind = KindBool
		case "date":
			c.Kind = KindDate
		case "json":
			c.Kind = KindJSON
		case "sealed":
			c.Kind = KindSealed
		default:
			return nil, fmt.Errorf("snapshot: column %q: unknown kind %q", m.Name, m.Kind)
		}
		rd.cols = append(rd.cols, c)
		rd.byName[c.Name] = c
	}
	rd.Dataset, _ = f.Lookup(MetaDataset)
	if v, ok := f.Lookup(MetaVersion); ok {
		rd.Version, _ = strconv.Atoi(v)
	}
	return rd, nil
}

// NumRows is the number of rows of the snapshot.
func (r *Reader) NumRows() int64 { return r.f.NumRows() }

// Columns are the field columns of the snapshot, in schema order.
func (r *Reader) Columns() []Column { return r.cols }

// Column returns a field column by name.
func (r *Reader) Column(name string) (Column, bool) {
	c, ok := r.byName[name]
	return c, ok
}

// Batch is one row group: the keys (when asked) and the asked columns.
type Batch struct {
	Keys []string
	Cols []*Vec
	// Start is the row number of the batch's first row.
	Start int
}

// Len is the number of rows of the batch.
func (b *Batch) Len() int {
	if b.Keys != nil {
		return len(b.Keys)
	}
	if len(b.Cols) > 0 {
		return b.Cols[0].Len()
	}
	return 0
}

// Scan calls fn for each row group in key order with the named columns (and
// the keys when withKeys). Memory is one row group of those columns.
func (r *Reader) Scan(names []string, withKeys bool, fn func(*Batch) error) error {
	g, err := r.Groups(names, withKeys)
	if err != nil {
		return err
	}
	for i := range g.Len() {
		b, err := g.Read(i)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// GroupReader reads the row groups of a snapshot one at a time, on demand.
type GroupReader struct {
	r       *Reader
	names   []string
	ws      []groupWant
	keyLeaf int
	starts  []int
	vals    []pq.Value
}

type groupWant struct {
	kind      Kind
	leaf, idx int
}

// Groups prepares reading the named columns (and the keys when withKeys)
// group by group.
func (r *Reader) Groups(names []string, withKeys bool) (*GroupReader, error) {
	schema := r.f.Schema()
	ws := make([]groupWant, len(names))
	for i, n := range names {
		c, ok := r.byName[n]
		if !ok {
			return nil, fmt.Errorf("snapshot: no column %q", n)
		}
		lc, ok := schema.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("snapshot: no parquet column %q", n)
		}
		ws[i] = groupWant{kind: c.Kind, leaf: lc.ColumnIndex, idx: -1}
		if c.Kind == KindSealed {
			bl, ok := schema.Lookup(n + BlindSuffix)
			if !ok {
				return nil, fmt.Errorf("snapshot: no blind index column for %q", n)
			}
			ws[i].idx = bl.ColumnIndex
		}
	}
	g := &GroupReader{r: r, names: names, ws: ws, keyLeaf: -1}
	if withKeys {
		lc, ok := schema.Lookup(KeyColumn)
		if !ok {
			return nil, errors.New("snapshot: no key column")
		}
		g.keyLeaf = lc.ColumnIndex
	}
	start := 0
	for _, rg := range r.f.RowGroups() {
		g.starts = append(g.starts, start)
		start += int(rg.NumRows())
	}
	return g, nil
}

// Len is the number of row groups.
func (g *GroupReader) Len() int { return len(g.starts) }

// Read reads row group i.
func (g *GroupReader) Read(gi int) (*Batch, error) {
	rg := g.r.f.RowGroups()[gi]
	n := int(rg.NumRows())
	chunks := rg.ColumnChunks()
	b := &Batch{Start: g.starts[gi], Cols: make([]*Vec, len(g.ws))}
	if g.keyLeaf >= 0 {
		kv := newVec(KindString, n)
		if ok, err := fastColumn(chunks[g.keyLeaf], kv); err != nil {
			return nil, err
		} else if ok {
			b.Keys = kv.Str
		} else if err := eachValue(chunks[g.keyLeaf], g.buf(), func(v pq.Value) {
			b.Keys = append(b.Keys, string(v.ByteArray()))
		}); err != nil {
			return nil, err
		}
	}
	for i, w := range g.ws {
		vec := newVec(w.kind, n)
		if ok, err := fastColumn(chunks[w.leaf], vec); err != nil {
			return nil, err
		} else if !ok {
			if err := eachValue(chunks[w.leaf], g.buf(), func(v pq.Value) {
				if v.IsNull() {
					appendValue(vec, nil)
					return
				}
				vec.Valid = append(vec.Valid, true)
				switch w.kind {
				case KindFloat:
					vec.Float = append(vec.Float, v.Double())
				case KindInt, KindDate:
					vec.Int = append(vec.Int, v.Int64())
				case KindBool:
					vec.Bool = append(vec.Bool, v.Boolean())
				case KindSealed:
					vec.Bytes = append(vec.Bytes, append([]byte(nil), v.ByteArray()...))
					vec.Index = append(vec.Index, "")
				default:
					vec.Str = append(vec.Str, string(v.ByteArray()))
				}
			}); err != nil {
				return nil, err
			}
		}
		if w.idx >= 0 {
			j := 0
			err := eachValue(chunks[w.idx], g.buf(), func(v pq.Value) {
				if j < len(vec.Index) && !v.IsNull() {
					vec.Index[j] = string(v.ByteArray())
				}
				j++
			})
			if err != nil {
				return nil, err
			}
		}
		if vec.Len() != n {
			return nil, fmt.Errorf("snapshot: column %q: %d values in a row group of %d rows", g.names[i], vec.Len(), n)
		}
		b.Cols[i] = vec
	}
	return b, nil
}

// buf is the value buffer of columns read value by value, made on first use.
func (g *GroupReader) buf() []pq.Value {
	if g.vals == nil {
		g.vals = make([]pq.Value, 4096)
	}
	return g.vals
}

// eachValue calls fn for every value (nulls included) of a column chunk.
func eachValue(cc pq.ColumnChunk, buf []pq.Value, fn func(pq.Value)) error {
	pages := cc.Pages()
	defer pages.Close()
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("snapshot: read page: %w", err)
		}
		vr := p.Values()
		for {
			n, err := vr.ReadValues(buf)
			for _, v := range buf[:n] {
				fn(v)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				pq.Release(p)
				return fmt.Errorf("snapshot: read values: %w", err)
			}
		}
		pq.Release(p)
	}
}

// fastColumn reads a column chunk of plain-encoded DOUBLE, INT64 or
// BYTE_ARRAY pages (what Builder writes) straight from the page buffers into
// vec. It returns false, having read nothing, for any other shape (the
// caller then reads values one by one).
func fastColumn(cc pq.ColumnChunk, vec *Vec) (bool, error) {
	switch vec.Kind {
	case KindFloat, KindInt, KindDate, KindString, KindJSON:
	default:
		return false, nil
	}
	pages := cc.Pages()
	defer pages.Close()
	first := true
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("snapshot: read page: %w", err)
		}
		if p.Dictionary() != nil || len(p.RepetitionLevels()) > 0 {
			pq.Release(p)
			if first {
				return false, nil
			}
			return false, errors.New("snapshot: a column mixes page encodings")
		}
		first = false
		data := p.Data()
		defs := p.DefinitionLevels()
		nv := int(p.NumValues())
		if len(defs) == 0 { // required column: every value present
			defs = nil
		}
		j := 0
		switch vec.Kind {
		case KindFloat:
			xs := data.Double()
			for r := range nv {
				if defs != nil && defs[r] == 0 {
					vec.Valid, vec.Float = append(vec.Valid, false), append(vec.Float, 0)
					continue
				}
				vec.Valid, vec.Float = append(vec.Valid, true), append(vec.Float, xs[j])
				j++
			}
		case KindInt, KindDate:
			xs := data.Int64()
			for r := range nv {
				if defs != nil && defs[r] == 0 {
					vec.Valid, vec.Int = append(vec.Valid, false), append(vec.Int, 0)
					continue
				}
				vec.Valid, vec.Int = append(vec.Valid, true), append(vec.Int, xs[j])
				j++
			}
		default:
			buf, offs := data.ByteArray()
			for r := range nv {
				if defs != nil && defs[r] == 0 {
					vec.Valid, vec.Str = append(vec.Valid, false), append(vec.Str, "")
					continue
				}
				vec.Valid, vec.Str = append(vec.Valid, true), append(vec.Str, string(buf[offs[j]:offs[j+1]]))
				j++
			}
		}
		pq.Release(p)
	}
}
