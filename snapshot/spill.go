package snapshot

import (
	"container/heap"
	"io"
	"os"
	"strings"
)

// Spill builds a snapshot from rows added in any order in bounded memory: rows
// are buffered up to RunRows, sorted by key and written to a temporary run
// file (Parquet, small row groups); Write merges the runs, and optionally a
// base snapshot, in key order. For a key added more than once, or present in
// the base, the last row added wins. Memory is one run being filled plus one
// small row group per run while merging, at most MergeRuns runs at a time.
type Spill struct {
	cols    []Column
	dir     string
	cur     *Builder
	runs    []string
	rows    int
	RunRows int
	// MergeRuns bounds how many runs one merge reads at once (the fan-in):
	// with more runs, Write first merges them MergeRuns at a time into larger
	// runs, so memory stays one small row group per merged run whatever the
	// number of rows.
	MergeRuns int
	// Coerced counts, per column, values written as null because they did not
	// fit the column's type.
	Coerced map[string]int
}

// Default run size and the row group size of run files.
const (
	DefaultRunRows   = 65536
	DefaultMergeRuns = 32
	runGroupRows     = 4096
)

// NewSpill starts a spilled build of cols with run files in dir ("" for the
// system's temporary directory). Close removes the run files.
func NewSpill(cols []Column, dir string) *Spill {
	return &Spill{cols: cols, dir: dir, RunRows: DefaultRunRows, MergeRuns: DefaultMergeRuns, Coerced: map[string]int{}}
}

// Rows is the number of rows added (duplicates included).
func (s *Spill) Rows() int { return s.rows }

// Add appends one row (see Builder.Add).
func (s *Spill) Add(key string, value func(name string) any) error {
	if s.cur == nil {
		s.cur = NewBuilder(s.cols)
		s.cur.LastWins = true
	}
	s.cur.Add(key, value)
	s.rows++
	if s.cur.Rows() >= s.RunRows {
		return s.flush()
	}
	return nil
}

// flush sorts the current run and writes it to a temporary file.
func (s *Spill) flush() error {
	if s.cur == nil || s.cur.Rows() == 0 {
		return nil
	}
	f, err := os.CreateTemp(s.dir, "mms-snapshot-run-*.parquet")
	if err != nil {
		return err
	}
	s.runs = append(s.runs, f.Name())
	perm := s.cur.sorted()
	sw := NewStreamWriter(f, s.cur.cols, "", 0)
	for start := 0; start < len(perm); start += runGroupRows {
		if err := sw.writeGroup(s.cur.keys, s.cur.vecs, perm[start:min(start+runGroupRows, len(perm))]); err != nil {
			f.Close()
			return err
		}
	}
	if err := sw.Close(); err != nil {
		f.Close()
		return err
	}
	for k, n := range s.cur.Coerced {
		s.Coerced[k] += n
	}
	s.cur = nil
	return f.Close()
}

// Close removes the run files.
func (s *Spill) Close() {
	for _, r := range s.runs {
		os.Remove(r)
	}
	s.runs = nil
	s.cur = nil
}

// cursor walks one sorted source (a run or the base) row by row.
type cursor struct {
	g    *GroupReader
	f    *os.File
	next int // next group
	b    *Batch
	i    int
	prio int // higher: added later, wins on equal keys
	// pos maps the output columns to the source's columns (-1: absent).
	pos []int
}

func (c *cursor) key() string { return c.b.Keys[c.i] }

// advance moves to the next row; false at the end.
func (c *cursor) advance() (bool, error) {
	c.i++
	for c.b == nil || c.i >= c.b.Len() {
		if c.next >= c.g.Len() {
			return false, nil
		}
		b, err := c.g.Read(c.next)
		if err != nil {
			return false, err
		}
		c.b, c.i = b, 0
		c.next++
	}
	return true, nil
}

type cursorHeap []*cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	if c := strings.Compare(h[i].key(), h[j].key()); c != 0 {
		return c < 0
	}
	return h[i].prio > h[j].prio
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// Write merges the runs (and base, the previous snapshot, when not nil) into
// one snapshot on w and returns its row count.
func (s *Spill) Write(w io.Writer, dataset string, version int, base *Reader) (int, error) {
	if err := s.flush(); err != nil {
		return 0, err
	}
	fanIn := max(s.MergeRuns, 2)
	for len(s.runs) > fanIn {
		if err := s.mergePass(fanIn); err != nil {
			return 0, err
		}
	}
	return s.merge(w, s.runs, base, dataset, version, RowGroupRows)
}

// mergePass merges consecutive runs fanIn at a time into new run files,
// which replace them. Consecutive runs keep their order, so a later row of a
// key still wins.
func (s *Spill) mergePass(fanIn int) error {
	var next []string
	for start := 0; start < len(s.runs); start += fanIn {
		group := s.runs[start:min(start+fanIn, len(s.runs))]
		if len(group) == 1 {
			next = append(next, group[0])
			continue
		}
		f, err := os.CreateTemp(s.dir, "mms-snapshot-run-*.parquet")
		if err != nil {
			return err
		}
		next = append(next, f.Name())
		_, err = s.merge(f, group, nil, "", 0, runGroupRows)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			s.runs = append(next, s.runs[start:]...) // Close removes them all
			return err
		}
		for _, r := range group {
			os.Remove(r)
		}
	}
	s.runs = next
	return nil
}

// merge merges the run files (and base when not nil, below every run) into
// one file on w, in row groups of groupRows rows, and returns its row count.
func (s *Spill) merge(w io.Writer, runs []string, base *Reader, dataset string, version, groupRows int) (int, error) {
	var cursors []*cursor
	defer func() {
		for _, c := range cursors {
			if c.f != nil {
				c.f.Close()
			}
		}
	}()
	open := func(r *Reader, f *os.File, prio int) error {
		c := &cursor{f: f, prio: prio, i: -1, pos: make([]int, len(s.cols))}
		var names []string
		for i, col := range s.cols {
			c.pos[i] = -1
			if _, ok := r.Column(col.Name); ok {
				c.pos[i] = len(names)
				names = append(names, col.Name)
			}
		}
		g, err := r.Groups(names, true)
		if err != nil {
			return err
		}
		c.g = g
		cursors = append(cursors, c)
		return nil
	}
	if base != nil {
		if err := open(base, nil, -1); err != nil {
			return 0, err
		}
	}
	for i, name := range runs {
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return 0, err
		}
		r, err := Open(f, st.Size())
		if err != nil {
			f.Close()
			return 0, err
		}
		if err := open(r, f, i); err != nil {
			f.Close()
			return 0, err
		}
	}
	h := &cursorHeap{}
	for _, c := range cursors {
		ok, err := c.advance()
		if err != nil {
			return 0, err
		}
		if ok {
			*h = append(*h, c)
		}
	}
	heap.Init(h)
	sw := NewStreamWriter(w, s.cols, dataset, version)
	out := s.newBatch(groupRows)
	rows := 0
	last, have := "", false
	for h.Len() > 0 {
		c := (*h)[0]
		k := c.key()
		if !have || k != last { // the first (newest) row of a key
			out.Keys = append(out.Keys, k)
			for i, v := range out.Cols {
				if c.pos[i] < 0 {
					appendValue(v, nil)
				} else {
					appendFrom(v, c.b.Cols[c.pos[i]], c.i)
				}
			}
			last, have = k, true
			rows++
			if len(out.Keys) == groupRows {
				if err := sw.WriteBatch(out.Keys, out.Cols); err != nil {
					return 0, err
				}
				out = s.newBatch(groupRows)
			}
		}
		ok, err := c.advance()
		if err != nil {
			return 0, err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	if err := sw.WriteBatch(out.Keys, out.Cols); err != nil {
		return 0, err
	}
	return rows, sw.Close()
}

func (s *Spill) newBatch(rows int) *Batch {
	b := &Batch{Keys: make([]string, 0, rows), Cols: make([]*Vec, len(s.cols))}
	for i, c := range s.cols {
		b.Cols[i] = newVec(c.Kind, rows)
	}
	return b
}

// appendFrom appends row i of src to dst (converting when kinds differ: a
// schema changed between versions; a value that does not convert is null).
func appendFrom(dst, src *Vec, i int) {
	if !src.Valid[i] {
		appendValue(dst, nil)
		return
	}
	if dst.Kind != src.Kind {
		v := src.Value(i)
		if src.Kind == KindJSON {
			v = RawJSON(src.Str[i])
		}
		if !appendValue(dst, v) {
			appendValue(dst, nil)
		}
		return
	}
	dst.Valid = append(dst.Valid, true)
	switch dst.Kind {
	case KindFloat:
		dst.Float = append(dst.Float, src.Float[i])
	case KindInt, KindDate:
		dst.Int = append(dst.Int, src.Int[i])
	case KindBool:
		dst.Bool = append(dst.Bool, src.Bool[i])
	case KindSealed:
		dst.Bytes, dst.Index = append(dst.Bytes, src.Bytes[i]), append(dst.Index, src.Index[i])
	default:
		dst.Str = append(dst.Str, src.Str[i])
	}
}
