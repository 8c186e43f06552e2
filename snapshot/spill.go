package snapshot

import (
	"bufio"
	"container/heap"
	"fmt"
	"io"
	"os"
	"strings"
)

// Spill builds a snapshot from rows added in any order in bounded memory: rows
// are buffered up to RunRows, sorted by key and written to a temporary run
// file; Write merges the runs, and optionally a base snapshot, in key order.
// For a key added more than once, or present in the base, the last row added
// wins.
//
// A run file is a sequence of segments, each a complete one-row-group Parquet
// file of at most runGroupRows rows, and the Spill keeps each segment's end
// offset. A merge opens one segment of each run at a time, so it holds one
// small footer and one row group per merged run, whatever the length of the
// runs: opening a long run as one Parquet file would keep the footer of every
// row group (hundreds of KB per million rows) for the whole merge. Memory is
// one run being filled, or one segment per run for at most MergeRuns runs
// plus one output row group while merging: it does not grow with the number
// of rows.
type Spill struct {
	cols    []Column
	dir     string
	cur     *Builder
	runs    []run
	rows    int
	RunRows int
	// MergeRuns bounds how many runs one merge reads at once (the fan-in):
	// with more runs, Write first merges them MergeRuns at a time into larger
	// runs, so memory stays one segment per merged run whatever the number of
	// rows.
	MergeRuns int
	// Coerced counts, per column, values written as null because they did not
	// fit the column's type.
	Coerced map[string]int
	// segRows is the number of rows of a run's segments (runGroupRows; tests
	// make it small to cross segment boundaries often).
	segRows int
}

// run is one sorted run file: its segments end at the offsets ends.
type run struct {
	name string
	ends []int64
}

// Default run size and the segment size of run files.
const (
	DefaultRunRows   = 65536
	DefaultMergeRuns = 32
	runGroupRows     = 4096
)

// NewSpill starts a spilled build of cols with run files in dir ("" for the
// system's temporary directory). Close removes the run files.
func NewSpill(cols []Column, dir string) *Spill {
	return &Spill{cols: cols, dir: dir, RunRows: DefaultRunRows, MergeRuns: DefaultMergeRuns,
		Coerced: map[string]int{}, segRows: runGroupRows}
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
	rw, err := s.newRunWriter()
	if err != nil {
		return err
	}
	perm := s.cur.sorted()
	for start := 0; start < len(perm); start += s.segRows {
		if err := rw.write(s.cur.keys, s.cur.vecs, perm[start:min(start+s.segRows, len(perm))]); err != nil {
			rw.abort()
			return err
		}
	}
	if err := rw.close(); err != nil {
		return err
	}
	for k, n := range s.cur.Coerced {
		s.Coerced[k] += n
	}
	s.cur = nil
	return nil
}

// runWriter writes one run file segment by segment.
type runWriter struct {
	s   *Spill
	f   *os.File
	bw  *bufio.Writer
	run int // index in s.runs
	off int64
}

// newRunWriter creates a run file, appended to s.runs at once so that Close
// removes it whatever happens next.
func (s *Spill) newRunWriter() (*runWriter, error) {
	f, err := os.CreateTemp(s.dir, "mms-snapshot-run-*.parquet")
	if err != nil {
		return nil, err
	}
	s.runs = append(s.runs, run{name: f.Name()})
	return &runWriter{s: s, f: f, bw: bufio.NewWriterSize(f, 64<<10), run: len(s.runs) - 1}, nil
}

func (rw *runWriter) Write(p []byte) (int, error) {
	n, err := rw.bw.Write(p)
	rw.off += int64(n)
	return n, err
}

// write writes rows (indexes into keys and vecs) as one segment.
func (rw *runWriter) write(keys []string, vecs []*Vec, rows []int32) error {
	sw := NewStreamWriter(rw, rw.s.cols, "", 0)
	if err := sw.writeGroup(keys, vecs, rows); err != nil {
		return err
	}
	if err := sw.Close(); err != nil {
		return err
	}
	r := &rw.s.runs[rw.run]
	r.ends = append(r.ends, rw.off)
	return nil
}

// WriteBatch writes keys and one Vec per column as one segment.
func (rw *runWriter) WriteBatch(keys []string, vecs []*Vec) error {
	if len(keys) == 0 {
		return nil
	}
	rows := make([]int32, len(keys))
	for i := range rows {
		rows[i] = int32(i)
	}
	return rw.write(keys, vecs, rows)
}

func (rw *runWriter) close() error {
	err := rw.bw.Flush()
	if cerr := rw.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (rw *runWriter) abort() { rw.f.Close() }

// Close removes the run files.
func (s *Spill) Close() {
	for _, r := range s.runs {
		os.Remove(r.name)
	}
	s.runs = nil
	s.cur = nil
}

// cursor walks one sorted source (a run or the base) row by row.
type cursor struct {
	// read returns the source's next row group, nil at the end.
	read func() (*Batch, error)
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
		b, err := c.read()
		if err != nil || b == nil {
			return false, err
		}
		c.b, c.i = b, 0
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
	sw := NewStreamWriter(w, s.cols, dataset, version)
	rows, err := s.merge(sw, s.runs, base, RowGroupRows)
	if err != nil {
		return 0, err
	}
	return rows, sw.Close()
}

// mergePass merges consecutive runs fanIn at a time into new run files,
// which replace them. Consecutive runs keep their order, so a later row of a
// key still wins.
func (s *Spill) mergePass(fanIn int) error {
	old := s.runs
	s.runs = nil
	for start := 0; start < len(old); start += fanIn {
		group := old[start:min(start+fanIn, len(old))]
		if len(group) == 1 {
			s.runs = append(s.runs, group[0])
			continue
		}
		rw, err := s.newRunWriter()
		if err == nil {
			_, err = s.merge(rw, group, nil, s.segRows)
			if cerr := rw.close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			s.runs = append(s.runs, old[start:]...) // Close removes them all
			return err
		}
		for _, r := range group {
			os.Remove(r.name)
		}
	}
	return nil
}

// batchWriter takes a merge's output one row group at a time.
type batchWriter interface {
	WriteBatch(keys []string, vecs []*Vec) error
}

// merge merges the runs (and base when not nil, below every run) into out,
// in row groups of groupRows rows, and returns the row count.
func (s *Spill) merge(out batchWriter, runs []run, base *Reader, groupRows int) (int, error) {
	var cursors []*cursor
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	if base != nil {
		c := &cursor{prio: -1, i: -1, pos: make([]int, len(s.cols))}
		var names []string
		for i, col := range s.cols {
			c.pos[i] = -1
			if _, ok := base.Column(col.Name); ok {
				c.pos[i] = len(names)
				names = append(names, col.Name)
			}
		}
		g, err := base.Groups(names, true)
		if err != nil {
			return 0, err
		}
		next := 0
		c.read = func() (*Batch, error) {
			if next >= g.Len() {
				return nil, nil
			}
			next++
			return g.Read(next - 1)
		}
		cursors = append(cursors, c)
	}
	names := make([]string, len(s.cols))
	ident := make([]int, len(s.cols))
	for i, col := range s.cols {
		names[i], ident[i] = col.Name, i
	}
	for i, r := range runs {
		f, err := os.Open(r.name)
		if err != nil {
			return 0, err
		}
		files = append(files, f)
		seg, start := 0, int64(0)
		cursors = append(cursors, &cursor{prio: i, i: -1, pos: ident, read: func() (*Batch, error) {
			if seg >= len(r.ends) {
				return nil, nil
			}
			end := r.ends[seg]
			rd, err := openRun(io.NewSectionReader(f, start, end-start), end-start)
			if err != nil {
				return nil, fmt.Errorf("snapshot: run %s segment %d: %w", r.name, seg, err)
			}
			seg, start = seg+1, end
			g, err := rd.Groups(names, true)
			if err != nil {
				return nil, err
			}
			if g.Len() != 1 {
				return nil, fmt.Errorf("snapshot: run %s: a segment of %d row groups", r.name, g.Len())
			}
			return g.Read(0)
		}})
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
	b := s.newBatch(groupRows)
	rows := 0
	last, have := "", false
	for h.Len() > 0 {
		c := (*h)[0]
		k := c.key()
		if !have || k != last { // the first (newest) row of a key
			b.Keys = append(b.Keys, k)
			for i, v := range b.Cols {
				if c.pos[i] < 0 {
					appendValue(v, nil)
				} else {
					appendFrom(v, c.b.Cols[c.pos[i]], c.i)
				}
			}
			last, have = k, true
			rows++
			if len(b.Keys) == groupRows {
				if err := out.WriteBatch(b.Keys, b.Cols); err != nil {
					return 0, err
				}
				b.reset()
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
	if err := out.WriteBatch(b.Keys, b.Cols); err != nil {
		return 0, err
	}
	return rows, nil
}

// reset empties b, keeping its buffers.
func (b *Batch) reset() {
	b.Keys = b.Keys[:0]
	for _, v := range b.Cols {
		v.Valid, v.Float, v.Int, v.Bool = v.Valid[:0], v.Float[:0], v.Int[:0], v.Bool[:0]
		v.Str, v.Bytes, v.Index = v.Str[:0], v.Bytes[:0], v.Index[:0]
	}
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
