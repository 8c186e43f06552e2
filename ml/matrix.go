package ml

import (
	"fmt"
	"math"

	"github.com/mms-platform/mms/model"
)

// Matrix is a read-only design matrix: one row per sample, one column per model input.
// *Dense (numeric data) and *Sparse (hashed text, one-hot heavy data) implement it, and
// FitLogistic has allocation-free fast paths for both; any other implementation works
// through these methods, more slowly.
type Matrix interface {
	// Dims returns the number of rows and columns.
	Dims() (rows, cols int)
	// RowDot returns the dot product of row i with w; len(w) is the column count.
	RowDot(i int, w []float64) float64
	// AddRowTo adds alpha times row i to dst; len(dst) is the column count.
	AddRowTo(dst []float64, i int, alpha float64)
}

// Dense is a row-major dense matrix: element (i, j) is Data[i*Cols+j].
type Dense struct {
	Rows int       `json:"rows"`
	Cols int       `json:"cols"`
	Data []float64 `json:"data"`
}

// Dims returns the number of rows and columns.
func (m *Dense) Dims() (int, int) { return m.Rows, m.Cols }

// Row returns row i as a slice aliasing m.Data.
func (m *Dense) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols] }

// At returns element (i, j).
func (m *Dense) At(i, j int) float64 { return m.Data[i*m.Cols+j] }

// RowDot returns the dot product of row i with w.
func (m *Dense) RowDot(i int, w []float64) float64 { return dot(m.Row(i), w) }

// AddRowTo adds alpha times row i to dst.
func (m *Dense) AddRowTo(dst []float64, i int, alpha float64) { axpy(dst, alpha, m.Row(i)) }

// Sparse is a matrix in compressed sparse row (CSR) form: the non-zeros of row i are
// Values[Indptr[i]:Indptr[i+1]] at columns Indices[Indptr[i]:Indptr[i+1]].
type Sparse struct {
	Rows    int       `json:"rows"`
	Cols    int       `json:"cols"`
	Indptr  []int     `json:"indptr"`
	Indices []int32   `json:"indices"`
	Values  []float64 `json:"values"`
}

// Dims returns the number of rows and columns.
func (m *Sparse) Dims() (int, int) { return m.Rows, m.Cols }

// Row returns row i; its slices alias the matrix.
func (m *Sparse) Row(i int) SparseRow {
	lo, hi := m.Indptr[i], m.Indptr[i+1]
	return SparseRow{Indices: m.Indices[lo:hi:hi], Values: m.Values[lo:hi:hi]}
}

// RowDot returns the dot product of row i with w.
func (m *Sparse) RowDot(i int, w []float64) float64 { return m.Row(i).Dot(w) }

// AddRowTo adds alpha times row i to dst.
func (m *Sparse) AddRowTo(dst []float64, i int, alpha float64) {
	r := m.Row(i)
	for k, j := range r.Indices {
		dst[j] += alpha * r.Values[k]
	}
}

// SparseRow is one row of a sparse matrix: the value Values[k] sits at column Indices[k].
type SparseRow struct {
	Indices []int32   `json:"indices"`
	Values  []float64 `json:"values"`
}

// Dot returns the dot product of the row with the dense vector w.
func (r SparseRow) Dot(w []float64) float64 {
	var s float64
	vals := r.Values[:len(r.Indices)]
	for k, j := range r.Indices {
		s += vals[k] * w[j]
	}
	return s
}

// SelectRows returns the rows of m listed in idx, in that order, as a new matrix of the
// same kind (*Dense and *Sparse are copied; other kinds are wrapped in a view).
// It panics if an index is out of range, like slice indexing.
func SelectRows(m Matrix, idx []int) Matrix {
	switch m := m.(type) {
	case *Dense:
		out := &Dense{Rows: len(idx), Cols: m.Cols, Data: make([]float64, len(idx)*m.Cols)}
		for k, i := range idx {
			copy(out.Data[k*m.Cols:(k+1)*m.Cols], m.Row(i))
		}
		return out
	case *Sparse:
		nnz := 0
		for _, i := range idx {
			nnz += m.Indptr[i+1] - m.Indptr[i]
		}
		out := &Sparse{Rows: len(idx), Cols: m.Cols, Indptr: make([]int, 1, len(idx)+1),
			Indices: make([]int32, 0, nnz), Values: make([]float64, 0, nnz)}
		for _, i := range idx {
			r := m.Row(i)
			out.Indices = append(out.Indices, r.Indices...)
			out.Values = append(out.Values, r.Values...)
			out.Indptr = append(out.Indptr, len(out.Indices))
		}
		return out
	default:
		return &rowView{m: m, idx: append([]int(nil), idx...)}
	}
}

// DenseRows is a view of rows of a *Dense, without a copy: its row k is row
// Idx[k] of M. FitLogistic reads it as fast as a *Dense (when Idx increases,
// in the same order through memory). M and Idx must not change while in use.
type DenseRows struct {
	M   *Dense
	Idx []int
}

// Dims returns the number of rows (of the view) and columns.
func (v *DenseRows) Dims() (int, int) { return len(v.Idx), v.M.Cols }

// Row returns row k of the view as a slice aliasing the underlying matrix.
func (v *DenseRows) Row(k int) []float64 { return v.M.Row(v.Idx[k]) }

// RowDot returns the dot product of row k with w.
func (v *DenseRows) RowDot(k int, w []float64) float64 { return dot(v.Row(k), w) }

// AddRowTo adds alpha times row k to dst.
func (v *DenseRows) AddRowTo(dst []float64, k int, alpha float64) { axpy(dst, alpha, v.Row(k)) }

// ViewRows returns the rows of m listed in idx, in that order: for a *Dense
// (or a view of one) a *DenseRows sharing m's values, so that a train/test
// split or a cross-validation fold costs one int per row instead of a copy of
// its rows; for other kinds, SelectRows. idx is kept: it must not change
// while the view is in use. It panics if an index is out of range.
func ViewRows(m Matrix, idx []int) Matrix {
	switch m := m.(type) {
	case *Dense:
		for _, i := range idx {
			if i < 0 || i >= m.Rows {
				panic(fmt.Sprintf("ml.ViewRows: row %d out of range [0,%d)", i, m.Rows))
			}
		}
		return &DenseRows{M: m, Idx: idx}
	case *DenseRows:
		rows := make([]int, len(idx))
		for k, i := range idx {
			rows[k] = m.Idx[i]
		}
		return &DenseRows{M: m.M, Idx: rows}
	}
	return SelectRows(m, idx)
}

// Take returns v[idx[0]], v[idx[1]], ... as a new slice.
func Take(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

// rowView presents selected rows of any Matrix as a Matrix.
type rowView struct {
	m   Matrix
	idx []int
}

func (v *rowView) Dims() (int, int) {
	_, c := v.m.Dims()
	return len(v.idx), c
}
func (v *rowView) RowDot(i int, w []float64) float64 { return v.m.RowDot(v.idx[i], w) }
func (v *rowView) AddRowTo(dst []float64, i int, alpha float64) {
	v.m.AddRowTo(dst, v.idx[i], alpha)
}

// checkMatrix verifies the internal consistency of *Dense and *Sparse and that every
// stored value is finite; it reports problems as EINVALID.
func checkMatrix(m Matrix) error {
	switch m := m.(type) {
	case *Dense:
		if m.Rows < 0 || m.Cols < 0 || len(m.Data) != m.Rows*m.Cols {
			return model.Errorf(model.EINVALID, "dense matrix %dx%d has %d values", m.Rows, m.Cols, len(m.Data))
		}
		for k, v := range m.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return model.Errorf(model.EINVALID, "matrix value at row %d column %d is %v", k/m.Cols, k%m.Cols, v)
			}
		}
	case *DenseRows:
		if err := checkMatrix(m.M); err != nil {
			return err
		}
		for _, i := range m.Idx {
			if i < 0 || i >= m.M.Rows {
				return model.Errorf(model.EINVALID, "row view: row %d out of range [0,%d)", i, m.M.Rows)
			}
		}
	case *Sparse:
		if m.Rows < 0 || m.Cols < 0 || len(m.Indptr) != m.Rows+1 || m.Indptr[0] != 0 ||
			len(m.Indices) != len(m.Values) || m.Indptr[m.Rows] != len(m.Indices) {
			return model.Errorf(model.EINVALID, "sparse matrix %dx%d has inconsistent index arrays", m.Rows, m.Cols)
		}
		for i := 0; i < m.Rows; i++ {
			if m.Indptr[i+1] < m.Indptr[i] {
				return model.Errorf(model.EINVALID, "sparse matrix row pointers decrease at row %d", i)
			}
		}
		for k, j := range m.Indices {
			if j < 0 || int(j) >= m.Cols {
				return model.Errorf(model.EINVALID, "sparse matrix column index %d out of range [0,%d)", j, m.Cols)
			}
			if v := m.Values[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return model.Errorf(model.EINVALID, "sparse matrix value %v at column %d", v, j)
			}
		}
	}
	return nil
}

// dot returns the dot product of x and w (len(w) >= len(x)) with four accumulators,
// which breaks the floating-point add dependency chain.
func dot(x, w []float64) float64 {
	w = w[:len(x)]
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= len(x); j += 4 {
		s0 += x[j] * w[j]
		s1 += x[j+1] * w[j+1]
		s2 += x[j+2] * w[j+2]
		s3 += x[j+3] * w[j+3]
	}
	for ; j < len(x); j++ {
		s0 += x[j] * w[j]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds alpha*x to dst (len(dst) >= len(x)).
func axpy(dst []float64, alpha float64, x []float64) {
	dst = dst[:len(x)]
	for j, v := range x {
		dst[j] += alpha * v
	}
}
