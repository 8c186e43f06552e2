package ingest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

// readAll reads every row of a source; it fails the test on an unrecoverable error.
func readAll(t testing.TB, r io.Reader, opts ingest.ReadOptions) []ingest.Row {
	t.Helper()
	rd, err := ingest.NewReader(r, opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []ingest.Row
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

func openFixture(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "ingest", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// errRows returns line -> error text of the rows with Err.
func errRows(rows []ingest.Row) map[int]string {
	m := map[int]string{}
	for _, r := range rows {
		if r.Err != nil {
			m[r.Line] = r.Err.Error()
		}
	}
	return m
}

func TestReader_ClinicFiles(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		opts      ingest.ReadOptions
		rows      int
		firstLine int
		first     map[string]any
		lastLine  int
		errLines  []int
		errHas    string
	}{
		{
			name: "patients.csv", file: "clinic/patients.csv", opts: ingest.ReadOptions{Format: ingest.FormatCSV},
			rows: 770, firstLine: 2, lastLine: 771,
			first: map[string]any{"patient_id": "P0001", "age": "50", "sex": "女", "pregnancies": "6"},
		},
		{
			name: "labs.ndjson", file: "clinic/labs.ndjson", opts: ingest.ReadOptions{Format: ingest.FormatNDJSON},
			rows: 769, firstLine: 1, lastLine: 769, errLines: []int{769}, errHas: "truncated",
			first: map[string]any{"pid": json.Number("1"), "glucose": "148 mg/dL", "insulin_uU_ml": json.Number("0.0"), "pedigree_fn": json.Number("0.627")},
		},
		{
			name: "exams.json", file: "clinic/exams.json", opts: ingest.ReadOptions{Format: ingest.FormatJSON},
			rows: 768, firstLine: 1, lastLine: 768,
			first: map[string]any{"patient": "p-1", "exam": map[string]any{"bp": "72 mmHg", "skin_mm": json.Number("35"), "bmi": "33,6"}},
		},
		{
			name: "outcomes.csv", file: "clinic/outcomes.csv", opts: ingest.ReadOptions{Format: "csv"},
			rows: 768, firstLine: 2, lastLine: 769,
			first: map[string]any{"病人编号": "P0001", "诊断": "阳性", "乙肝疫苗": "未接种"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := readAll(t, openFixture(t, tt.file), tt.opts)
			if got, want := len(rows), tt.rows; got != want {
				t.Fatalf("rows = %d, want %d", got, want)
			}
			if got, want := rows[0].Line, tt.firstLine; got != want {
				t.Errorf("first line = %d, want %d", got, want)
			}
			if got, want := rows[len(rows)-1].Line, tt.lastLine; got != want {
				t.Errorf("last line = %d, want %d", got, want)
			}
			if got, want := rows[0].Values, tt.first; !reflect.DeepEqual(got, want) {
				t.Errorf("first values = %#v, want %#v", got, want)
			}
			errs := errRows(rows)
			if got, want := len(errs), len(tt.errLines); got != want {
				t.Errorf("row errors = %v, want lines %v", errs, tt.errLines)
			}
			for _, l := range tt.errLines {
				if !strings.Contains(errs[l], tt.errHas) {
					t.Errorf("line %d error = %q, want it to mention %q", l, errs[l], tt.errHas)
				}
			}
			// Lines strictly increase.
			for i := 1; i < len(rows); i++ {
				if rows[i].Line <= rows[i-1].Line {
					t.Fatalf("row %d line %d after line %d", i, rows[i].Line, rows[i-1].Line)
				}
			}
		})
	}
}

func TestReader_CSV(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("病人编号,诊断\r\nP0001,阳性\r\nP0002,阴性\r\n")
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().String("名字,备注\n张三,乙肝疫苗\n")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		line   int
		values map[string]any
		err    string // substring of Row.Err
	}
	tests := []struct {
		name  string
		input string
		opts  ingest.ReadOptions
		want  []want
	}{
		{
			name: "BOM and CRLF", input: "\xEF\xBB\xBFid,name\r\n1,Ann\r\n",
			want: []want{{line: 2, values: map[string]any{"id": "1", "name": "Ann"}}},
		},
		{
			name: "empty cells are nil", input: "a,b,c\n1,,\"\"\n",
			want: []want{{line: 2, values: map[string]any{"a": "1", "b": nil, "c": nil}}},
		},
		{
			name: "RFC 4180 quoting", input: "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"multi\nline\",2\n3,4\n",
			want: []want{
				{line: 2, values: map[string]any{"a": "x,y", "b": `say "hi"`}},
				{line: 3, values: map[string]any{"a": "multi\nline", "b": "2"}},
				{line: 5, values: map[string]any{"a": "3", "b": "4"}},
			},
		},
		{
			name: "bad quoting is a reject and reading continues", input: "a,b\n1,x\"y\n\"p\"q,2\n3,4\n",
			want: []want{
				{line: 2, err: "stray quote in field 2"},
				{line: 3, err: "after the closing quote of field 1"},
				{line: 4, values: map[string]any{"a": "3", "b": "4"}},
			},
		},
		{
			name: "unclosed quote at end of file", input: "a,b\n1,2\n3,\"open\n",
			want: []want{
				{line: 2, values: map[string]any{"a": "1", "b": "2"}},
				{line: 3, err: "not closed"},
			},
		},
		{
			name: "wrong field count", input: "a,b\n1,2,3\n4\n5,6\n",
			want: []want{
				{line: 2, err: "has 3 fields, the header has 2"},
				{line: 3, err: "has 1 fields"},
				{line: 4, values: map[string]any{"a": "5", "b": "6"}},
			},
		},
		{
			name: "invalid UTF-8 is a reject", input: "a,b\n1,caf\xe9\n2,ok\n",
			want: []want{
				{line: 2, err: "invalid UTF-8"},
				{line: 3, values: map[string]any{"a": "2", "b": "ok"}},
			},
		},
		{
			name: "blank lines are skipped but counted", input: "a\n\n1\n\n\n2\n",
			want: []want{{line: 3, values: map[string]any{"a": "1"}}, {line: 6, values: map[string]any{"a": "2"}}},
		},
		{
			name: "semicolon delimiter", input: "a;b\n1,5;2\n", opts: ingest.ReadOptions{Delimiter: ";"},
			want: []want{{line: 2, values: map[string]any{"a": "1,5", "b": "2"}}},
		},
		{
			name: "multi-byte delimiter", input: "a；b\n1；2\n", opts: ingest.ReadOptions{Delimiter: "；"},
			want: []want{{line: 2, values: map[string]any{"a": "1", "b": "2"}}},
		},
		{
			name: "given columns", input: "1,2\n3,4\n", opts: ingest.ReadOptions{Columns: []string{"x", "y"}},
			want: []want{{line: 1, values: map[string]any{"x": "1", "y": "2"}}, {line: 2, values: map[string]any{"x": "3", "y": "4"}}},
		},
		{
			name: "given columns replace the header", input: "A,B\n1,2\n", opts: ingest.ReadOptions{Columns: []string{"x", "y"}, SkipHeader: true},
			want: []want{{line: 2, values: map[string]any{"x": "1", "y": "2"}}},
		},
		{
			name: "GBK", input: gbk, opts: ingest.ReadOptions{Encoding: "gbk"},
			want: []want{{line: 2, values: map[string]any{"病人编号": "P0001", "诊断": "阳性"}}, {line: 3, values: map[string]any{"病人编号": "P0002", "诊断": "阴性"}}},
		},
		{
			name: "GBK detected by auto", input: gbk, opts: ingest.ReadOptions{Encoding: "auto"},
			want: []want{{line: 2, values: map[string]any{"病人编号": "P0001", "诊断": "阳性"}}, {line: 3, values: map[string]any{"病人编号": "P0002", "诊断": "阴性"}}},
		},
		{
			name: "GB18030", input: gb18030, opts: ingest.ReadOptions{Encoding: "GB18030"},
			want: []want{{line: 2, values: map[string]any{"名字": "张三", "备注": "乙肝疫苗"}}},
		},
		{
			name: "UTF-8 kept by auto", input: "\xEF\xBB\xBF名字\n张三\n", opts: ingest.ReadOptions{Encoding: "auto"},
			want: []want{{line: 2, values: map[string]any{"名字": "张三"}}},
		},
		{
			name: "more fields than the limit", input: "a,b,c\n1,2,3,4,5\n1,2,3\n", opts: ingest.ReadOptions{MaxFields: 3},
			want: []want{{line: 2, err: "more than 3 fields"}, {line: 3, values: map[string]any{"a": "1", "b": "2", "c": "3"}}},
		},
		{
			name: "line over the limit", input: "a\n" + strings.Repeat("x", 100) + "\n1\n", opts: ingest.ReadOptions{MaxRecordBytes: 50},
			want: []want{{line: 2, err: "longer than 50 bytes"}, {line: 3, values: map[string]any{"a": "1"}}},
		},
		{
			name: "no final newline", input: "a,b\n1,2",
			want: []want{{line: 2, values: map[string]any{"a": "1", "b": "2"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Format = ingest.FormatCSV
			rows := readAll(t, strings.NewReader(tt.input), opts)
			if got, want := len(rows), len(tt.want); got != want {
				t.Fatalf("got %d rows %+v, want %d", got, rows, want)
			}
			for i, w := range tt.want {
				r := rows[i]
				if r.Line != w.line {
					t.Errorf("row %d: line = %d, want %d", i, r.Line, w.line)
				}
				if w.err != "" {
					if r.Err == nil || !strings.Contains(r.Err.Error(), w.err) {
						t.Errorf("row %d: err = %v, want it to contain %q", i, r.Err, w.err)
					}
					if r.Values != nil {
						t.Errorf("row %d: rejected row has values %v", i, r.Values)
					}
					continue
				}
				if r.Err != nil {
					t.Errorf("row %d: unexpected err %v", i, r.Err)
				}
				if !reflect.DeepEqual(r.Values, w.values) {
					t.Errorf("row %d: values = %#v, want %#v", i, r.Values, w.values)
				}
			}
		})
	}
}

func TestReader_Raw(t *testing.T) {
	long := strings.Repeat("é", 2000) // 4000 bytes
	rows := readAll(t, strings.NewReader("a,b\n1,\"x\"\"y\"\n2,"+long+"\n"), ingest.ReadOptions{Format: ingest.FormatCSV})
	if got, want := rows[0].Raw, `1,"x""y"`; got != want {
		t.Errorf("raw = %q, want %q", got, want)
	}
	raw := rows[1].Raw
	if len(raw) > ingest.MaxRawBytes || len(raw) < ingest.MaxRawBytes-4 {
		t.Errorf("raw length = %d, want about %d", len(raw), ingest.MaxRawBytes)
	}
	if !strings.HasPrefix(raw, "2,é") || strings.ContainsRune(raw, '\uFFFD') {
		t.Errorf("raw cut inside a rune: %q…", raw[:10])
	}
	if got := rows[1].Values["b"]; got != long {
		t.Errorf("long cell cut: %d bytes", len(got.(string)))
	}
}

// repeatReader yields n copies of byte c.
type repeatReader struct {
	c byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.c
	}
	r.n -= k
	return k, nil
}

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestReader_TenMegabyteLine(t *testing.T) {
	const size = 10 << 20
	tests := []struct {
		name    string
		format  ingest.Format
		head    string
		body    byte
		tail    string
		errLine int
		next    map[string]any
	}{
		{name: "CSV", format: ingest.FormatCSV, head: "a,b\nx,", body: 'y', tail: "\n1,2\n", errLine: 2, next: map[string]any{"a": "1", "b": "2"}},
		{name: "NDJSON", format: ingest.FormatNDJSON, head: `{"a":"`, body: 'y', tail: "\"}\n{\"a\":1}\n", errLine: 1, next: map[string]any{"a": json.Number("1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := io.MultiReader(strings.NewReader(tt.head), &repeatReader{c: tt.body, n: size}, strings.NewReader(tt.tail))
			var rows []ingest.Row
			alloc := allocated(func() { rows = readAll(t, src, ingest.ReadOptions{Format: tt.format}) })
			if alloc > 8<<20 {
				t.Errorf("allocated %d bytes reading a 10 MB line, want < 8 MiB (the line must not be held)", alloc)
			}
			if len(rows) != 2 {
				t.Fatalf("got %d rows, want 2", len(rows))
			}
			if rows[0].Line != tt.errLine || rows[0].Err == nil || !strings.Contains(rows[0].Err.Error(), "longer than 1048576 bytes") {
				t.Errorf("row 0 = line %d err %v, want a too-long reject on line %d", rows[0].Line, rows[0].Err, tt.errLine)
			}
			if len(rows[0].Raw) > ingest.MaxRawBytes {
				t.Errorf("raw of the long line is %d bytes", len(rows[0].Raw))
			}
			if !reflect.DeepEqual(rows[1].Values, tt.next) {
				t.Errorf("row after the long line = %v, want %v", rows[1].Values, tt.next)
			}
		})
	}
	t.Run("JSON element", func(t *testing.T) {
		src := io.MultiReader(strings.NewReader(`[{"a":1},{"a":"`), &repeatReader{c: 'y', n: size}, strings.NewReader(`"}]`))
		var err error
		var n int
		alloc := allocated(func() {
			rd, e := ingest.NewReader(src, ingest.ReadOptions{Format: ingest.FormatJSON})
			if e != nil {
				err = e
				return
			}
			for {
				_, err = rd.Next()
				if err != nil {
					return
				}
				n++
			}
		})
		if n != 1 {
			t.Errorf("read %d rows before the error, want 1", n)
		}
		if got, want := model.ErrorCode(err), model.EINVALID; got != want {
			t.Fatalf("error = %v (code %s), want code %s", err, got, want)
		}
		if !strings.Contains(err.Error(), "record 2 is longer than") {
			t.Errorf("error = %v, want it to name record 2", err)
		}
		if alloc > 16<<20 {
			t.Errorf("allocated %d bytes, want < 16 MiB", alloc)
		}
	})
}

func TestReader_JSON(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		path    string
		want    []map[string]any
		errs    map[int]string // row line -> error substring
		fatal   string         // substring of the error from NewReader or Next
		fatalAt int            // rows read before the fatal error
	}{
		{name: "top-level array", input: `[{"a":1},{"a":{"b":[1,2.5]}}]`, want: []map[string]any{{"a": json.Number("1")}, {"a": map[string]any{"b": []any{json.Number("1"), json.Number("2.5")}}}}},
		{name: "empty array", input: ` [ ] `, want: nil},
		{name: "dotted path", path: "data.patients", input: `{"meta":{"n":[1,{"x":2}]},"data":{"other":"x","patients":[{"id":"p-1"},{"id":"p-2"}]}}`,
			want: []map[string]any{{"id": "p-1"}, {"id": "p-2"}}},
		{name: "element that is not an object", input: `[{"a":1},5,{"a":2}]`,
			want: []map[string]any{{"a": json.Number("1")}, nil, {"a": json.Number("2")}}, errs: map[int]string{2: "not a JSON object: a number"}},
		{name: "invalid UTF-8 in an element", input: "[{\"a\":\"caf\xe9\"},{\"a\":\"ok\"}]",
			want: []map[string]any{nil, {"a": "ok"}}, errs: map[int]string{1: "invalid UTF-8"}},
		{name: "path not found", path: "data.patients", input: `{"data":{"people":[]}}`, fatal: `key "patients" not found`},
		{name: "path through a non-object", path: "data.patients", input: `{"data":[1]}`, fatal: `"data" is not an object`},
		{name: "object without path", input: `{"data":[]}`, fatal: "set path"},
		{name: "syntax error mid-array", input: `[{"a":1},{"a":}]`, fatal: "syntax error", fatalAt: 1},
		{name: "truncated file", input: `[{"a":1},{"a":`, fatal: "ends early", fatalAt: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := ingest.NewReader(strings.NewReader(tt.input), ingest.ReadOptions{Format: ingest.FormatJSON, Path: tt.path})
			var rows []ingest.Row
			for err == nil {
				var row ingest.Row
				row, err = rd.Next()
				if err == nil {
					rows = append(rows, row)
				}
			}
			if tt.fatal != "" {
				if err == io.EOF || !strings.Contains(err.Error(), tt.fatal) || model.ErrorCode(err) != model.EINVALID {
					t.Fatalf("err = %v, want EINVALID containing %q", err, tt.fatal)
				}
				if len(rows) != tt.fatalAt {
					t.Errorf("rows before the error = %d, want %d", len(rows), tt.fatalAt)
				}
				if rd != nil {
					if _, again := rd.Next(); again == nil || again.Error() != err.Error() {
						t.Errorf("Next after a fatal error = %v, want the same error", again)
					}
				}
				return
			}
			if err != io.EOF {
				t.Fatalf("err = %v, want io.EOF", err)
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("got %d rows, want %d", len(rows), len(tt.want))
			}
			for i, r := range rows {
				if r.Line != i+1 {
					t.Errorf("row %d: line = %d, want %d", i, r.Line, i+1)
				}
				if e := tt.errs[r.Line]; e != "" {
					if r.Err == nil || !strings.Contains(r.Err.Error(), e) {
						t.Errorf("row %d: err = %v, want %q", i, r.Err, e)
					}
					continue
				}
				if r.Err != nil || !reflect.DeepEqual(r.Values, tt.want[i]) {
					t.Errorf("row %d = %#v (err %v), want %#v", i, r.Values, r.Err, tt.want[i])
				}
			}
		})
	}
}

func TestReader_NDJSON(t *testing.T) {
	input := "{\"a\":1}\n\n  \n[1]\n{\"a\":\"x\"} {\"b\":2}\n{\"a\":\"caf\xe9\"}\n{\"a\":2}\n{\"a\":"
	rows := readAll(t, strings.NewReader(input), ingest.ReadOptions{Format: ingest.FormatNDJSON})
	want := []struct {
		line   int
		values map[string]any
		err    string
	}{
		{line: 1, values: map[string]any{"a": json.Number("1")}},
		{line: 4, err: "not a JSON object: an array"},
		{line: 5, err: "more data after the value"},
		{line: 6, err: "invalid UTF-8"},
		{line: 7, values: map[string]any{"a": json.Number("2")}},
		{line: 8, err: "truncated"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		r := rows[i]
		if r.Line != w.line {
			t.Errorf("row %d: line %d, want %d", i, r.Line, w.line)
		}
		if w.err != "" {
			if r.Err == nil || !strings.Contains(r.Err.Error(), w.err) {
				t.Errorf("row %d: err %v, want %q", i, r.Err, w.err)
			}
			continue
		}
		if r.Err != nil || !reflect.DeepEqual(r.Values, w.values) {
			t.Errorf("row %d: %v (err %v), want %v", i, r.Values, r.Err, w.values)
		}
	}
}

func TestNewReader_BadOptions(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opts  ingest.ReadOptions
		want  string
	}{
		{name: "no format", opts: ingest.ReadOptions{}, want: "format is required"},
		{name: "unknown format", opts: ingest.ReadOptions{Format: "xml"}, want: `unknown format "xml"`},
		{name: "unknown encoding", opts: ingest.ReadOptions{Format: "csv", Encoding: "latin9"}, want: `unknown encoding "latin9"`},
		{name: "quote delimiter", opts: ingest.ReadOptions{Format: "csv", Delimiter: `"`}, want: "invalid CSV delimiter"},
		{name: "two-character delimiter", opts: ingest.ReadOptions{Format: "csv", Delimiter: ";;"}, want: "invalid CSV delimiter"},
		{name: "delimiter for JSON", opts: ingest.ReadOptions{Format: "json", Delimiter: ";"}, want: "apply to CSV only"},
		{name: "path for CSV", opts: ingest.ReadOptions{Format: "csv", Path: "a"}, want: "path applies to JSON only"},
		{name: "empty CSV", input: "\n\n", opts: ingest.ReadOptions{Format: "csv"}, want: "no header row"},
		{name: "duplicate column", input: "a,b,a\n", opts: ingest.ReadOptions{Format: "csv"}, want: `column "a" appears twice`},
		{name: "GBK header read as UTF-8", input: "\xb2\xa1\xc8\xcb\n1\n", opts: ingest.ReadOptions{Format: "csv"}, want: "not valid UTF-8"},
		{name: "bad quoting in header", input: "a,\"b\n", opts: ingest.ReadOptions{Format: "csv"}, want: "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ingest.NewReader(strings.NewReader(tt.input), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if got := model.ErrorCode(err); got != model.EINVALID {
				t.Errorf("code = %s, want %s", got, model.EINVALID)
			}
		})
	}
}

func TestReader_FieldsAndBytesRead(t *testing.T) {
	input := "b,a\n1,2\n3,4\n"
	rd, err := ingest.NewReader(strings.NewReader(input), ingest.ReadOptions{Format: ingest.FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rd.Fields(), []string{"b", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Fields = %v, want %v", got, want)
	}
	for {
		if _, err := rd.Next(); err != nil {
			break
		}
	}
	if got, want := rd.BytesRead(), int64(len(input)); got != want {
		t.Errorf("BytesRead = %d, want %d", got, want)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Errorf("Next after EOF = %v, want io.EOF", err)
	}
}

// failingReader returns data, then an I/O error.
type failingReader struct{ data io.Reader }

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.data.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestReader_IOError(t *testing.T) {
	rd, err := ingest.NewReader(&failingReader{bytes.NewReader([]byte("a\n1\n"))}, ingest.ReadOptions{Format: ingest.FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatalf("first row: %v", err)
	}
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the I/O error", err)
	}
}

func TestLookup(t *testing.T) {
	values := map[string]any{
		"age":     "50",
		"exam":    map[string]any{"bp": "72 mmHg", "inner": map[string]any{"x": nil}},
		"exam.bp": "literal",
		"items":   []any{map[string]any{"name": "a"}},
		"nothing": nil,
	}
	tests := []struct {
		path   string
		want   any
		wantOK bool
	}{
		{"age", "50", true},
		{"exam.bp", "literal", true},
		{"exam.inner.x", nil, true},
		{"exam.missing", nil, false},
		{"items.0.name", "a", true},
		{"items.1.name", nil, false},
		{"items.x", nil, false},
		{"age.sub", nil, false},
		{"nothing", nil, true},
		{"", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := ingest.Lookup(values, tt.path)
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lookup(%q) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// A CSV read with the wrong delimiter says which one the file seems to use:
// the header is then a single column, which the error names, instead of a
// "source field not found" later (or a dataset of one column).
func TestNewReader_WrongDelimiter(t *testing.T) {
	tests := []struct {
		name  string
		input string
		delim string
		want  string // "" means no error
	}{
		{name: "comma file read with ;", input: "patient_id,age,sex,pregnancies\nP1,30,F,2\n", delim: ";",
			want: `the CSV header (line 1) is a single column "patient_id,age,sex,pregnancies": the file seems to use "," as its delimiter, not ";" (set the CSV delimiter to ",")`},
		{name: "semicolon file read with the default", input: "id;age\n1;30\n", want: `the file seems to use ";" as its delimiter, not ","`},
		{name: "tab file read with the default", input: "id\tage\tsex\n1\t30\tF\n", want: `the file seems to use "\t" as its delimiter, not ","`},
		{name: "pipe file, blank lines and CRLF", input: "\r\nid|age\r\n\r\n1|30\r\n", delim: ";", want: `the file seems to use "|" as its delimiter, not ";"`},
		{name: "header only", input: "id;age;sex\n", want: `the file seems to use ";"`},
		{name: "GBK semicolon file", input: "\xd0\xd5\xc3\xfb;age\n\xd5\xc5;30\n", delim: ",", want: `the file seems to use ";"`},
		// Not a wrong delimiter.
		{name: "one column", input: "name\nAda\n"},
		{name: "one quoted column with a comma", input: "\"last, first\"\n\"Lovelace, Ada\"\n"},
		{name: "one column whose rows disagree", input: "note;remark\nfine\nok\n"},
		{name: "one column with one name", input: "id;\n1;\n"},
		{name: "the right delimiter", input: "a;b\n1,5;2\n", delim: ";"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := ingest.ReadOptions{Format: "csv", Delimiter: tt.delim}
			if strings.Contains(tt.name, "GBK") {
				opts.Encoding = "gbk"
			}
			_, err := ingest.NewReader(strings.NewReader(tt.input), opts)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			case tt.want != "" && model.ErrorCode(err) != model.EINVALID:
				t.Errorf("code = %s, want %s", model.ErrorCode(err), model.EINVALID)
			}
		})
	}

	// With columns given, a row of one cell that another delimiter splits
	// into as many cells as there are columns says so in its reject.
	rd, err := ingest.NewReader(strings.NewReader("1,30\n2;40\n"), ingest.ReadOptions{Format: "csv", Delimiter: ";", Columns: []string{"id", "age"}})
	if err != nil {
		t.Fatal(err)
	}
	row, err := rd.Next()
	if err != nil || row.Err == nil || row.Err.Error() != `has 1 fields, the header has 2 (the file seems to use "," as its delimiter, not ";")` {
		t.Fatalf("row 1: %+v %v", row, err)
	}
	if row, err = rd.Next(); err != nil || row.Err != nil || row.Values["age"] != "40" {
		t.Fatalf("row 2: %+v %v", row, err)
	}
}
