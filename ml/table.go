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

// numColumn returns the numeric column of a table held by columns (nil for
// other tables and columns).
func numColumn(t table, name string) *NumColumn {
	if ct, ok := t.(*ColumnTable); ok {
		return ct.Num[name]
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
