package ml

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mms-platform/mms/model"
)

// Feature types of a FeatureSpec.
const (
	TypeNumeric     = "numeric"
	TypeCategorical = "categorical"
	TypeBoolean     = "boolean"
	TypeText        = "text"
)

// UnknownCategory is the value part of the one-hot column ("feature=<unknown>") that
// takes missing values, categories rarer than MinFrequency at fit time, and categories
// never seen at fit time.
const UnknownCategory = "<unknown>"

// Spec lists the input features to preprocess; the output columns follow this order.
type Spec struct {
	Features []FeatureSpec `json:"features"`
}

// FeatureSpec says how one input field becomes model columns. Only the fields of its
// Type are read; zero values select the documented defaults.
//
// numeric: missing values are imputed (Impute), then either scaled (Scale) into one
// column named after the feature, or, when Bins >= 2, discretized into Bins bins
// (BinStrategy) and one-hot encoded into columns "feature=bin0".. or "feature=[lo,hi)".
//
// categorical: one column "feature=value" per value seen at least MinFrequency times
// (sorted by value), plus "feature=<unknown>" (see UnknownCategory). Non-string values
// are formatted: true, 3 (an integral float counts as an integer), 2.5.
//
// boolean: one 0/1 column named after the feature; accepts bool, the numbers 0 and 1,
// and the strings true/false/t/f/yes/no/1/0 (any case); a missing value is imputed with
// the most frequent value at fit time.
//
// text: hashed word and character n-gram counts (see TextSpec), one column
// "feature#k" per hash bucket k that occurs in the fit rows (buckets no fit row
// has are left out: their coefficients would be zero); a missing value is the
// empty text.
type FeatureSpec struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Impute is mean (default), median or constant (ImputeValue) for a numeric feature.
	Impute      string  `json:"impute,omitempty"`
	ImputeValue float64 `json:"imputeValue,omitempty"`
	// Scale is standardize (default: (x-mean)/std with the population std, as
	// scikit-learn's StandardScaler), minmax ((x-min)/(max-min)) or none.
	Scale string `json:"scale,omitempty"`
	// Bins, when >= 2, discretizes the numeric feature (as scikit-learn's
	// KBinsDiscretizer(encode="onehot-dense")); 0 means no discretization.
	Bins int `json:"bins,omitempty"`
	// BinStrategy is quantile (default; edges at the training percentiles, bins
	// narrower than 1e-8 removed) or uniform (equal widths between min and max).
	BinStrategy string `json:"binStrategy,omitempty"`
	// BinNames is index (default: "feature=bin0") or range ("feature=[lo,hi)", the
	// outer bins open to -inf and +inf).
	BinNames string `json:"binNames,omitempty"`
	// MinFrequency is the count a categorical value needs at fit time to get its own
	// column (default 1); rarer values go to the unknown bucket.
	MinFrequency int `json:"minFrequency,omitempty"`
	// Text configures a text feature.
	Text *TextSpec `json:"text,omitempty"`
	// MaxCategories, when > 0, drops a categorical feature (rather than one-hot
	// encoding it) whose distinct values exceed it or number at least half the rows:
	// an identifier or free text, not a category. Training sets it for the string
	// fields it picks by default.
	MaxCategories int `json:"maxCategories,omitempty"`
	// Optional drops a feature missing from every row (reason "all null") rather
	// than failing the fit. Training sets it for the features it picks by default.
	Optional bool `json:"optional,omitempty"`
}

// Preprocessor is a fitted feature pipeline. It is plain JSON (see FittedFeature) and
// applies exactly the transform learned by Fit; it is safe for concurrent use.
type Preprocessor struct {
	// Features are the kept features in output order.
	Features []FittedFeature `json:"features"`
	// Dropped are the features Fit left out, with the reason (a constant feature).
	Dropped []DroppedFeature `json:"dropped,omitempty"`
	// NumColumns is the width of a transformed row.
	NumColumns int `json:"numColumns"`
}

// DroppedFeature is a feature that produces no column, and why.
type DroppedFeature struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// FittedFeature holds the learned parameters of one feature. Its output columns are
// Offset .. Offset+Width-1.
type FittedFeature struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Width  int    `json:"width"`
	// Missing counts the fit rows where the feature was absent or null.
	Missing int `json:"missing"`
	// Fill replaces a missing numeric or boolean value.
	Fill float64 `json:"fill,omitempty"`
	// Center and Scale map a numeric value x to (x-Center)/Scale.
	Center float64 `json:"center,omitempty"`
	Scale  float64 `json:"scale,omitempty"`
	// Edges are the bin edges of a discretized numeric feature (len = bins+1).
	Edges []float64 `json:"edges,omitempty"`
	// Categories are the values with a column, in column order; the unknown bucket
	// is the last column.
	Categories []string `json:"categories,omitempty"`
	// Columns names the output columns (all but text features, whose columns are
	// "name#k").
	Columns []string `json:"columns,omitempty"`
	// Text is the resolved text configuration.
	Text *TextSpec `json:"text,omitempty"`
	// Hashes are the hash buckets of a text feature that occur in the fit rows,
	// in increasing order: its columns, named "name#bucket". A bucket no fit row
	// has would get a zero coefficient anyway, so the feature is only as wide as
	// the training text (absent in versions before it: every bucket a column).
	Hashes []int32 `json:"hashes,omitempty"`
	// Spec is the feature spec as given to Fit.
	Spec FeatureSpec `json:"spec"`

	catIndex map[string]int
}

func invalidf(format string, args ...any) error {
	return model.Errorf(model.EINVALID, format, args...)
}

// Fit learns the preprocessing of spec from rows, whose values may be int64, float64
// (or any other Go integer or float), bool, string or nil; an absent key or nil is a
// missing value. A feature that is constant over rows (after imputation) is dropped
// and listed in Preprocessor.Dropped rather than failing the fit.
//
// Fit returns EINVALID when there are no rows, the spec is malformed (no features,
// empty or duplicate names, unknown type or option), a feature is missing from every
// row, a numeric value is NaN or infinite or not a number, a boolean value is not
// boolean, or every feature is dropped; the message names the feature.
func Fit(spec Spec, rows []map[string]any) (*Preprocessor, error) {
	return fitTable(spec, mapRows(rows))
}

// FitTable is Fit on a table held column by column (see ColumnTable).
func FitTable(spec Spec, t *ColumnTable) (*Preprocessor, error) {
	return fitTable(spec, t)
}

func fitTable(spec Spec, rows table) (*Preprocessor, error) {
	if rows.Len() == 0 {
		return nil, invalidf("no rows to fit the features on")
	}
	if len(spec.Features) == 0 {
		return nil, invalidf("the feature spec lists no features")
	}
	seen := make(map[string]bool, len(spec.Features))
	for _, fs := range spec.Features {
		if fs.Name == "" {
			return nil, invalidf("a feature has an empty name")
		}
		if seen[fs.Name] {
			return nil, invalidf("feature %q is listed twice", fs.Name)
		}
		seen[fs.Name] = true
		if err := fs.validate(); err != nil {
			return nil, err
		}
	}
	p := &Preprocessor{}
	for _, fs := range spec.Features {
		ff, drop, err := fitFeature(fs, rows)
		if err != nil {
			return nil, err
		}
		if drop != "" {
			p.Dropped = append(p.Dropped, DroppedFeature{Name: fs.Name, Reason: drop})
			continue
		}
		ff.Offset = p.NumColumns
		p.NumColumns += ff.Width
		p.Features = append(p.Features, ff)
	}
	if len(p.Features) == 0 {
		return nil, invalidf("no usable feature: every feature is dropped (%s)", dropList(p.Dropped))
	}
	p.index()
	return p, nil
}

func dropList(d []DroppedFeature) string {
	s := make([]string, len(d))
	for i, f := range d {
		s[i] = fmt.Sprintf("%s: %s", f.Name, f.Reason)
	}
	return strings.Join(s, "; ")
}

// validate checks the options of one feature spec.
func (fs FeatureSpec) validate() error {
	bad := func(opt, val, allowed string) error {
		return invalidf("feature %q: %s %q is not one of %s", fs.Name, opt, val, allowed)
	}
	switch fs.Type {
	case TypeNumeric:
		switch fs.Impute {
		case "", "mean", "median":
		case "constant":
			if math.IsNaN(fs.ImputeValue) || math.IsInf(fs.ImputeValue, 0) {
				return invalidf("feature %q: imputeValue must be finite", fs.Name)
			}
		default:
			return bad("impute", fs.Impute, "mean, median, constant")
		}
		switch fs.Scale {
		case "", "standardize", "minmax", "none":
		default:
			return bad("scale", fs.Scale, "standardize, minmax, none")
		}
		if fs.Bins < 0 || fs.Bins == 1 || fs.Bins > 1000 {
			return invalidf("feature %q: bins must be 0 (no binning) or between 2 and 1000, got %d", fs.Name, fs.Bins)
		}
		switch fs.BinStrategy {
		case "", "quantile", "uniform":
		default:
			return bad("binStrategy", fs.BinStrategy, "quantile, uniform")
		}
		switch fs.BinNames {
		case "", "index", "range":
		default:
			return bad("binNames", fs.BinNames, "index, range")
		}
	case TypeCategorical:
		if fs.MaxCategories < 0 {
			return invalidf("feature %q: maxCategories must be >= 0, got %d", fs.Name, fs.MaxCategories)
		}
		if fs.MinFrequency < 0 {
			return invalidf("feature %q: minFrequency must be >= 0, got %d", fs.Name, fs.MinFrequency)
		}
	case TypeBoolean:
	case TypeText:
		var t TextSpec
		if fs.Text != nil {
			t = *fs.Text
		}
		if _, err := t.resolve(fs.Name); err != nil {
			return err
		}
	default:
		return bad("type", fs.Type, "numeric, categorical, boolean, text")
	}
	return nil
}

// fitFeature fits one feature; a non-empty drop is the reason the feature is dropped.
func fitFeature(fs FeatureSpec, rows table) (ff FittedFeature, drop string, err error) {
	ff = FittedFeature{Name: fs.Name, Type: fs.Type, Spec: fs}
	switch fs.Type {
	case TypeNumeric:
		drop, err = ff.fitNumeric(rows)
	case TypeCategorical:
		drop, err = ff.fitCategorical(rows)
	case TypeBoolean:
		drop, err = ff.fitBoolean(rows)
	case TypeText:
		drop, err = ff.fitText(rows)
	}
	if err != nil && fs.Optional && ff.Missing == rows.Len() {
		return ff, "all null: no row has a value", nil
	}
	return ff, drop, err
}

func missingEverywhere(name string) error {
	return invalidf("feature %q is missing from every row", name)
}

func (ff *FittedFeature) fitNumeric(rows table) (string, error) {
	fs := ff.Spec
	col := make([]float64, rows.Len())
	isMissing := make([]bool, rows.Len())
	obs := make([]float64, 0, rows.Len())
	if nc := numColumn(rows, fs.Name); nc != nil {
		for i, x := range nc.Values {
			if !nc.Valid[i] {
				isMissing[i] = true
				ff.Missing++
				continue
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return "", rowErr(fs.Name, i, "value %v is not finite", x)
			}
			col[i] = x
			obs = append(obs, x)
		}
	} else {
		for i := range rows.Len() {
			v := rows.Value(fs.Name, i)
			if v == nil {
				isMissing[i] = true
				ff.Missing++
				continue
			}
			x, err := numericValue(fs.Name, i, v)
			if err != nil {
				return "", err
			}
			col[i] = x
			obs = append(obs, x)
		}
	}
	if len(obs) == 0 {
		return "", missingEverywhere(fs.Name)
	}
	switch fs.Impute {
	case "", "mean":
		ff.Fill = mean(obs)
	case "median":
		ff.Fill = median(obs)
	case "constant":
		ff.Fill = fs.ImputeValue
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range col {
		if isMissing[i] {
			col[i] = ff.Fill
		}
		lo, hi = math.Min(lo, col[i]), math.Max(hi, col[i])
	}
	if lo == hi {
		return fmt.Sprintf("constant: every row is %s after imputation", fmtNum(lo)), nil
	}
	if fs.Bins >= 2 {
		ff.Edges = binEdges(col, fs.Bins, fs.BinStrategy, lo, hi)
		nb := len(ff.Edges) - 1
		if nb < 2 {
			return "constant: a single bin remains after removing empty quantile bins", nil
		}
		ff.Width = nb
		ff.Center, ff.Scale = 0, 1
		for b := 0; b < nb; b++ {
			if fs.BinNames == "range" {
				l, h := "-inf", "inf"
				if b > 0 {
					l = fmtNum(ff.Edges[b])
				}
				if b < nb-1 {
					h = fmtNum(ff.Edges[b+1])
				}
				ff.Columns = append(ff.Columns, fmt.Sprintf("%s=[%s,%s)", fs.Name, l, h))
			} else {
				ff.Columns = append(ff.Columns, fmt.Sprintf("%s=bin%d", fs.Name, b))
			}
		}
		return "", nil
	}
	ff.Width = 1
	ff.Columns = []string{fs.Name}
	switch fs.Scale {
	case "", "standardize":
		// As scikit-learn's _incremental_mean_and_var for one batch: a two-pass
		// variance with the rounding-error correction term.
		m := mean(col)
		var s, s2 float64
		for _, x := range col {
			d := x - m
			s += d
			s2 += d * d
		}
		n := float64(len(col))
		ff.Center, ff.Scale = m, math.Sqrt((s2-s*s/n)/n)
		if !(ff.Scale > 10*eps*math.Abs(m)) {
			return "constant: zero variance after imputation", nil
		}
	case "minmax":
		ff.Center, ff.Scale = lo, hi-lo
	case "none":
		ff.Center, ff.Scale = 0, 1
	}
	return "", nil
}

func (ff *FittedFeature) fitCategorical(rows table) (string, error) {
	name := ff.Name
	counts := map[string]int{}
	for i := range rows.Len() {
		v := rows.Value(name, i)
		if v == nil {
			ff.Missing++
			continue
		}
		k, err := categoryKey(name, i, v)
		if err != nil {
			return "", err
		}
		counts[k]++
	}
	if ff.Missing == rows.Len() {
		return "", missingEverywhere(name)
	}
	if m := ff.Spec.MaxCategories; m > 0 && (len(counts) > m || 2*len(counts) >= rows.Len()) {
		return fmt.Sprintf("string with %d distinct values in %d rows (high cardinality: more than %d, or one for every two rows): an identifier or free text, not a category; list it in features to one-hot it anyway, or set its preprocessing type to text to hash its words", len(counts), rows.Len(), m), nil
	}
	minf := max(ff.Spec.MinFrequency, 1)
	other := ff.Missing
	for k, c := range counts {
		if c >= minf {
			ff.Categories = append(ff.Categories, k)
		} else {
			other += c
		}
	}
	slices.Sort(ff.Categories)
	switch {
	case len(ff.Categories) == 0:
		return fmt.Sprintf("constant: no value occurs at least %d times", minf), nil
	case len(ff.Categories) == 1 && other == 0:
		return fmt.Sprintf("constant: every row is %q", ff.Categories[0]), nil
	}
	for _, c := range ff.Categories {
		ff.Columns = append(ff.Columns, name+"="+c)
	}
	ff.Columns = append(ff.Columns, name+"="+UnknownCategory)
	ff.Width = len(ff.Columns)
	return "", nil
}

func (ff *FittedFeature) fitBoolean(rows table) (string, error) {
	var n0, n1 int
	for i := range rows.Len() {
		v := rows.Value(ff.Name, i)
		if v == nil {
			ff.Missing++
			continue
		}
		b, err := boolValue(ff.Name, i, v)
		if err != nil {
			return "", err
		}
		if b == 1 {
			n1++
		} else {
			n0++
		}
	}
	if ff.Missing == rows.Len() {
		return "", missingEverywhere(ff.Name)
	}
	if n1 > n0 {
		ff.Fill = 1
	}
	if n0 == 0 || n1 == 0 {
		return fmt.Sprintf("constant: every row is %v", n1 > 0), nil
	}
	ff.Scale, ff.Width, ff.Columns = 1, 1, []string{ff.Name}
	return "", nil
}

func (ff *FittedFeature) fitText(rows table) (string, error) {
	var t TextSpec
	if ff.Spec.Text != nil {
		t = *ff.Spec.Text
	}
	t, err := t.resolve(ff.Name)
	if err != nil {
		return "", err
	}
	ff.Text = &t
	var sc textScratch
	seen := map[int32]bool{}
	for i := range rows.Len() {
		v := rows.Value(ff.Name, i)
		if v == nil {
			ff.Missing++
			continue
		}
		s, err := textValue(ff.Name, i, v)
		if err != nil {
			return "", err
		}
		for _, h := range t.hashText(s, &sc) {
			seen[h.idx] = true
		}
	}
	if ff.Missing == rows.Len() {
		return "", missingEverywhere(ff.Name)
	}
	if len(seen) == 0 {
		return "constant: no row has any n-gram", nil
	}
	ff.Hashes = make([]int32, 0, len(seen))
	for h := range seen {
		ff.Hashes = append(ff.Hashes, h)
	}
	slices.Sort(ff.Hashes)
	ff.Width = len(ff.Hashes)
	return "", nil
}

// index builds the lookup tables that JSON does not carry.
func (p *Preprocessor) index() {
	for i := range p.Features {
		f := &p.Features[i]
		if f.Type == TypeCategorical {
			f.catIndex = make(map[string]int, len(f.Categories))
			for k, c := range f.Categories {
				f.catIndex[c] = k
			}
		}
	}
}

// UnmarshalJSON decodes a Preprocessor and rebuilds its lookup tables. It returns
// EINVALID when the column layout is inconsistent.
func (p *Preprocessor) UnmarshalJSON(b []byte) error {
	type plain Preprocessor
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	off := 0
	for _, f := range p.Features {
		if f.Offset != off || f.Width < 1 {
			return invalidf("preprocessor feature %q has offset %d width %d, want offset %d", f.Name, f.Offset, f.Width, off)
		}
		switch {
		case f.Type == TypeText && (f.Text == nil || !f.validHashes()):
			return invalidf("preprocessor text feature %q has no valid text configuration", f.Name)
		case f.Type == TypeCategorical && len(f.Categories)+1 != f.Width,
			f.Type == TypeNumeric && len(f.Edges) > 0 && len(f.Edges)-1 != f.Width,
			f.Type == TypeNumeric && len(f.Edges) == 0 && (f.Width != 1 || f.Scale == 0):
			return invalidf("preprocessor feature %q is inconsistent", f.Name)
		}
		off += f.Width
	}
	if off != p.NumColumns {
		return invalidf("preprocessor has %d columns, its features %d", p.NumColumns, off)
	}
	p.index()
	return nil
}

// ColumnNames returns the names of the output columns in order: a scaled numeric or
// boolean feature keeps its name, one-hot columns are "feature=value" (bins
// "feature=bin0" or "feature=[lo,hi)"), text buckets "feature#k".
func (p *Preprocessor) ColumnNames() []string {
	names := make([]string, 0, p.NumColumns)
	for _, f := range p.Features {
		if f.Type == TypeText {
			for k := 0; k < f.Width; k++ {
				b := k
				if f.Hashes != nil {
					b = int(f.Hashes[k])
				}
				names = append(names, f.Name+"#"+strconv.Itoa(b))
			}
			continue
		}
		names = append(names, f.Columns...)
	}
	return names
}

// HasText reports whether a feature is hashed text, in which case TransformRows
// returns a *Sparse matrix.
func (p *Preprocessor) HasText() bool {
	for _, f := range p.Features {
		if f.Type == TypeText {
			return true
		}
	}
	return false
}

// emitter receives the output values of one row, dense or sparse.
type emitter struct {
	dense   []float64 // dense mode: the row, zeroed beforehand
	indices []int32   // sparse mode
	values  []float64
}

func (e *emitter) set(col int, v float64) {
	if e.dense != nil {
		e.dense[col] = v
		return
	}
	if v != 0 {
		e.indices = append(e.indices, int32(col))
		e.values = append(e.values, v)
	}
}

// transformRow emits the transform of row; rowIdx (>= 0) is used in error messages.
func (p *Preprocessor) transformRow(row map[string]any, rowIdx int, e *emitter, sc *textScratch) error {
	for i := range p.Features {
		f := &p.Features[i]
		if err := f.emit(row[f.Name], rowIdx, e, sc); err != nil {
			return err
		}
	}
	return nil
}

// emit emits the columns of one feature's value v.
func (f *FittedFeature) emit(v any, rowIdx int, e *emitter, sc *textScratch) error {
	switch f.Type {
	case TypeNumeric:
		x := f.Fill
		if v != nil {
			var err error
			if x, err = numericValue(f.Name, rowIdx, v); err != nil {
				return err
			}
		}
		if len(f.Edges) > 0 {
			e.set(f.Offset+binOf(f.Edges, x), 1)
		} else {
			e.set(f.Offset, (x-f.Center)/f.Scale)
		}
	case TypeBoolean:
		x := f.Fill
		if v != nil {
			var err error
			if x, err = boolValue(f.Name, rowIdx, v); err != nil {
				return err
			}
		}
		e.set(f.Offset, x)
	case TypeCategorical:
		k := f.Width - 1
		if v != nil {
			key, err := categoryKey(f.Name, rowIdx, v)
			if err != nil {
				return err
			}
			if j, ok := f.category(key); ok {
				k = j
			}
		}
		e.set(f.Offset+k, 1)
	case TypeText:
		if v == nil {
			return nil
		}
		s, err := textValue(f.Name, rowIdx, v)
		if err != nil {
			return err
		}
		for _, h := range f.Text.hashText(s, sc) {
			if k, ok := f.column(h.idx); ok {
				e.set(f.Offset+k, h.val)
			}
		}
	}
	return nil
}

func (f *FittedFeature) category(key string) (int, bool) {
	if f.catIndex != nil {
		k, ok := f.catIndex[key]
		return k, ok
	}
	k := slices.Index(f.Categories, key)
	return k, k >= 0
}

// TransformInto writes the transform of row into dst, which must have NumColumns
// elements. It returns EINVALID, naming the feature, for a value Fit would reject (a
// missing value is imputed and an unseen category goes to the unknown bucket).
func (p *Preprocessor) TransformInto(dst []float64, row map[string]any) error {
	if len(dst) != p.NumColumns {
		return invalidf("transform needs a destination of %d columns, got %d", p.NumColumns, len(dst))
	}
	clear(dst)
	var sc textScratch
	return p.transformRow(row, -1, &emitter{dense: dst}, &sc)
}

// Transform returns the dense transform of row (see TransformInto).
func (p *Preprocessor) Transform(row map[string]any) ([]float64, error) {
	dst := make([]float64, p.NumColumns)
	if err := p.TransformInto(dst, row); err != nil {
		return nil, err
	}
	return dst, nil
}

// TransformSparse returns the transform of row as a sparse row holding its non-zero
// columns in increasing order (see TransformInto for errors).
func (p *Preprocessor) TransformSparse(row map[string]any) (SparseRow, error) {
	var sc textScratch
	e := emitter{indices: []int32{}, values: []float64{}}
	if err := p.transformRow(row, -1, &e, &sc); err != nil {
		return SparseRow{}, err
	}
	return SparseRow{Indices: e.indices, Values: e.values}, nil
}

// TransformDense transforms rows into a dense matrix. It returns EINVALID for a bad
// value (naming the feature and the row index) and for a preprocessor wider than
// 1<<16 columns (hashed text: use TransformRows).
func (p *Preprocessor) TransformDense(rows []map[string]any) (*Dense, error) {
	if p.NumColumns > 1<<16 {
		return nil, invalidf("%d columns are too many for a dense matrix; use the sparse transform", p.NumColumns)
	}
	d := &Dense{Rows: len(rows), Cols: p.NumColumns, Data: make([]float64, len(rows)*p.NumColumns)}
	var sc textScratch
	e := emitter{}
	for i, row := range rows {
		e.dense = d.Row(i)
		if err := p.transformRow(row, i, &e, &sc); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// TransformSparseRows transforms rows into a CSR matrix (see TransformDense for errors).
func (p *Preprocessor) TransformSparseRows(rows []map[string]any) (*Sparse, error) {
	s := &Sparse{Rows: len(rows), Cols: p.NumColumns, Indptr: make([]int, 1, len(rows)+1)}
	var sc textScratch
	e := emitter{indices: []int32{}, values: []float64{}}
	for i, row := range rows {
		if err := p.transformRow(row, i, &e, &sc); err != nil {
			return nil, err
		}
		s.Indptr = append(s.Indptr, len(e.indices))
	}
	s.Indices, s.Values = e.indices, e.values
	return s, nil
}

// TransformRows transforms rows into a *Sparse matrix when a feature is hashed text
// and a *Dense matrix otherwise (see TransformDense for errors).
func (p *Preprocessor) TransformRows(rows []map[string]any) (Matrix, error) {
	if p.HasText() {
		return p.TransformSparseRows(rows)
	}
	return p.TransformDense(rows)
}

// rowErr formats a value error of feature name at rowIdx (-1: a single row).
func rowErr(name string, rowIdx int, format string, args ...any) error {
	where := ""
	if rowIdx >= 0 {
		where = fmt.Sprintf(" (row index %d)", rowIdx)
	}
	return invalidf("feature %q%s: %s", name, where, fmt.Sprintf(format, args...))
}

// numericValue converts v (not nil) to a finite float64: a number, or a string
// holding a decimal number (numericString), as pandas reads "24" from text.
func numericValue(name string, rowIdx int, v any) (float64, error) {
	var x float64
	switch v := v.(type) {
	case float64:
		x = v
	case int64:
		x = float64(v)
	case int:
		x = float64(v)
	case float32:
		x = float64(v)
	case int32:
		x = float64(v)
	case int16:
		x = float64(v)
	case int8:
		x = float64(v)
	case uint64:
		x = float64(v)
	case uint32:
		x = float64(v)
	case uint16:
		x = float64(v)
	case uint8:
		x = float64(v)
	case uint:
		x = float64(v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, rowErr(name, rowIdx, "value %q is not a number", v.String())
		}
		x = f
	case string: // as pandas reads "24" or " 24.5 " from text
		f, ok := numericString(v)
		if !ok {
			return 0, rowErr(name, rowIdx, "string %s is not a number", short(v))
		}
		x = f
	default:
		return 0, rowErr(name, rowIdx, "%s value %s is not numeric", kindOf(v), short(v))
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, rowErr(name, rowIdx, "value %v is not finite", x)
	}
	return x, nil
}

// categoryKey formats a categorical value.
func categoryKey(name string, rowIdx int, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case json.Number:
		return v.String(), nil
	}
	x, err := numericValue(name, rowIdx, v)
	if err != nil {
		return "", err
	}
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return strconv.FormatInt(int64(x), 10), nil
	}
	return strconv.FormatFloat(x, 'g', -1, 64), nil
}

// boolValue converts a boolean value to 0 or 1.
func boolValue(name string, rowIdx int, v any) (float64, error) {
	switch v := v.(type) {
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "t", "yes", "y", "1":
			return 1, nil
		case "false", "f", "no", "n", "0":
			return 0, nil
		}
		return 0, rowErr(name, rowIdx, "string %s is not a boolean", short(v))
	}
	x, err := numericValue(name, rowIdx, v)
	if err != nil || (x != 0 && x != 1) {
		return 0, rowErr(name, rowIdx, "%s value %s is not a boolean (want true/false or 0/1)", kindOf(v), short(v))
	}
	return x, nil
}

// textValue converts a text value; non-string scalars are formatted.
func textValue(name string, rowIdx int, v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return categoryKey(name, rowIdx, v)
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

func short(v any) string {
	s := fmt.Sprintf("%#v", v)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// median is numpy's median: the mean of the two middle values for an even count.
func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentile is numpy.percentile(sorted, q) with the default linear method.
func percentile(sorted []float64, q float64) float64 {
	pos := q / 100 * float64(len(sorted)-1)
	lo := math.Floor(pos)
	i := int(lo)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	t := pos - lo
	a, b := sorted[i], sorted[i+1]
	if t >= 0.5 {
		return b - (b-a)*(1-t)
	}
	return a + (b-a)*t
}

// binEdges computes KBinsDiscretizer's edges for the column x with min lo and max hi.
func binEdges(x []float64, k int, strategy string, lo, hi float64) []float64 {
	edges := make([]float64, k+1)
	if strategy == "uniform" {
		step := (hi - lo) / float64(k)
		for i := range edges {
			edges[i] = lo + float64(i)*step
		}
		edges[k] = hi
		return edges
	}
	s := slices.Clone(x)
	slices.Sort(s)
	step := 100 / float64(k)
	for i := range edges {
		edges[i] = percentile(s, float64(i)*step)
	}
	edges[k] = percentile(s, 100)
	// Remove bins whose width is too small (as scikit-learn, threshold 1e-8).
	out := edges[:1]
	for _, e := range edges[1:] {
		if e-out[len(out)-1] > 1e-8 {
			out = append(out, e)
		}
	}
	return out
}

// binOf is KBinsDiscretizer's transform: the number of inner-or-upper edges at or
// below x (plus a small tolerance against decimal truncation), clipped to the bins.
func binOf(edges []float64, x float64) int {
	x += 1e-8 + 1e-5*math.Abs(x)
	b := 0
	for _, e := range edges[1:] {
		if e <= x {
			b++
		} else {
			break
		}
	}
	return min(b, len(edges)-2)
}
