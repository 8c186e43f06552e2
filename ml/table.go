package ml

// table is the input of a fit: rows as maps, or a table held column by column.
type table interface {
	Len() int
	// Value returns row i's value of a feature (nil: missing).
	Value(name string, i int) any
}

type mapRows []map[string]any

func (r mapRows) Len() int                     { return len(r) }
func (r mapRows) Value(name string, i int) any { return r[i][name] }

// NumColumn is a numeric column: Values[i] holds row i's value when Valid[i]
// (a missing value otherwise).
type NumColumn struct {
	Values []float64
	Valid  []bool
}

// ColumnTable is a table of N rows held column by column, as read from a
// columnar snapshot: numeric columns as float64 slices (no value boxed, no map
// per row) and any other column as a slice of values (int64, float64, bool,
// string or nil, as Fit takes them). A feature in neither is missing from
// every row.
type ColumnTable struct {
	N      int
	Num    map[string]*NumColumn
	Values map[string][]any
	// Release lets TransformTable drop each column once it is transformed
	// (the table is then spent), so that the matrix and the table do not
	// both hold every column at the peak.
	Release bool
}

// Len is the number of rows.
func (t *ColumnTable) Len() int { return t.N }

// Value returns row i's value of a column (a numeric one boxed).
func (t *ColumnTable) Value(name string, i int) any {
	if c, ok := t.Num[name]; ok {
		if !c.Valid[i] {
			return nil
		}
		return c.Values[i]
	}
	if c, ok := t.Values[name]; ok {
		return c[i]
	}
	return nil
}

// numColumn returns the numeric column of a table held by columns, or a copy
// of one from a NumericRows (nil for other tables and columns).
func numColumn(t table, name string) *NumColumn {
	switch t := t.(type) {
	case *ColumnTable:
		return t.Num[name]
	case *NumericRows:
		return t.column(name)
	}
	return nil
}

// TransformTable transforms a column table into a *Sparse matrix when a
// feature is hashed text and a *Dense matrix otherwise, reading numeric
// columns directly (see TransformDense for errors).
func (p *Preprocessor) TransformTable(t *ColumnTable) (Matrix, error) {
	var sc textScratch
	if p.HasText() {
		s := &Sparse{Rows: t.N, Cols: p.NumColumns, Indptr: make([]int, 1, t.N+1)}
		e := emitter{indices: []int32{}, values: []float64{}}
		for i := range t.N {
			for k := range p.Features {
				f := &p.Features[k]
				if err := f.emit(t.Value(f.Name, i), i, &e, &sc); err != nil {
					return nil, err
				}
			}
			s.Indptr = append(s.Indptr, len(e.indices))
		}
		s.Indices, s.Values = e.indices, e.values
		return s, nil
	}
	if p.NumColumns > 1<<16 {
		return nil, invalidf("%d columns are too many for a dense matrix; use the sparse transform", p.NumColumns)
	}
	d := &Dense{Rows: t.N, Cols: p.NumColumns, Data: make([]float64, t.N*p.NumColumns)}
	e := emitter{}
	for k := range p.Features {
		f := &p.Features[k]
		if nc := t.Num[f.Name]; nc != nil && f.Type == TypeNumeric && len(f.Edges) == 0 {
			// The common case, column by column.
			for i, x := range nc.Values {
				if !nc.Valid[i] {
					x = f.Fill
				}
				d.Data[i*d.Cols+f.Offset] = (x - f.Center) / f.Scale
			}
			if t.Release {
				delete(t.Num, f.Name)
			}
			continue
		}
		for i := range t.N {
			e.dense = d.Row(i)
			if err := f.emit(t.Value(f.Name, i), i, &e, &sc); err != nil {
				return nil, err
			}
		}
		if t.Release {
			delete(t.Num, f.Name)
			delete(t.Values, f.Name)
		}
	}
	return d, nil
}

// NumericRows is a table of numeric columns held row-major in one buffer, as a
// loader writes them when every feature is a plain number: value (i, j) is
// Data[i*len(Names)+j], valid unless Missing[j] (nil: none missing) marks row i.
// FitTransformNumeric turns the buffer into the matrix in place.
type NumericRows struct {
	Names   []string
	N       int
	Data    []float64
	Missing [][]bool
	index   map[string]int
}

// Len is the number of rows.
func (t *NumericRows) Len() int { return t.N }

// Value returns row i's value of a column (boxed; nil when missing or no such column).
func (t *NumericRows) Value(name string, i int) any {
	j, ok := t.col(name)
	if !ok || (t.Missing[j] != nil && t.Missing[j][i]) {
		return nil
	}
	return t.Data[i*len(t.Names)+j]
}

func (t *NumericRows) col(name string) (int, bool) {
	if t.index == nil {
		t.index = make(map[string]int, len(t.Names))
		for j, n := range t.Names {
			t.index[n] = j
		}
	}
	j, ok := t.index[name]
	return j, ok
}

// column copies column name out of the buffer (nil when there is none).
func (t *NumericRows) column(name string) *NumColumn {
	j, ok := t.col(name)
	if !ok {
		return nil
	}
	w := len(t.Names)
	c := &NumColumn{Values: make([]float64, t.N), Valid: make([]bool, t.N)}
	for i := range c.Values {
		c.Values[i] = t.Data[i*w+j]
		c.Valid[i] = t.Missing[j] == nil || !t.Missing[j][i]
	}
	return c
}

// NumericOnly reports whether FitTransformNumeric takes spec: every feature
// numeric and not binned.
func NumericOnly(spec Spec) bool {
	for _, f := range spec.Features {
		if f.Type != TypeNumeric || f.Bins >= 2 {
			return false
		}
	}
	return len(spec.Features) > 0
}

// FitTransformNumeric is FitTable then TransformTable (same preprocessor, same
// matrix, same errors) for a spec of numeric features only (see NumericOnly)
// on a table held row-major: each feature is fitted from a copy of its column,
// one at a time, and the buffer is then rewritten in place into the matrix
// (imputed, scaled, the columns of dropped features removed), so that the
// data is never held twice. t is spent: the matrix owns its buffer.
func FitTransformNumeric(spec Spec, t *NumericRows) (*Preprocessor, *Dense, error) {
	if !NumericOnly(spec) {
		return nil, nil, invalidf("FitTransformNumeric takes numeric features without bins only")
	}
	w := len(t.Names)
	if len(t.Data) < t.N*w || len(t.Missing) != w {
		return nil, nil, invalidf("numeric rows: %d values and %d missing masks for %d rows of %d columns", len(t.Data), len(t.Missing), t.N, w)
	}
	p, err := fitTable(spec, t)
	if err != nil {
		return nil, nil, err
	}
	src := make([]int, len(p.Features))
	for k := range p.Features {
		j, ok := t.col(p.Features[k].Name)
		if !ok || p.Features[k].Width != 1 || len(p.Features[k].Edges) != 0 {
			return nil, nil, invalidf("feature %q: not a plain numeric column", p.Features[k].Name)
		}
		src[k] = j
	}
	// Row i's outputs go to [i*nc, (i+1)*nc), at or before its inputs at
	// [i*w, (i+1)*w), and each output column at or before its input column
	// (dropped columns only shift the others left): writing in row order, then
	// column order, never overwrites a value not yet read.
	nc := p.NumColumns
	data := t.Data
	for i := range t.N {
		in, out := i*w, i*nc
		for k := range p.Features {
			f := &p.Features[k]
			x := data[in+src[k]]
			if m := t.Missing[src[k]]; m != nil && m[i] {
				x = f.Fill
			}
			data[out+f.Offset] = (x - f.Center) / f.Scale
		}
	}
	d := &Dense{Rows: t.N, Cols: nc, Data: data[: t.N*nc : t.N*nc]}
	t.Data, t.Missing = nil, nil
	return p, d, nil
}
