package ingest

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// readAll reads every row of data in format; it must never panic or loop.
func readAll(t *testing.T, data []byte, opts ReadOptions) {
	rd, err := NewReader(bytes.NewReader(data), opts)
	if err != nil {
		return
	}
	for i := 0; i < 1_000_000; i++ {
		if _, err := rd.Next(); err != nil {
			if !errors.Is(err, io.EOF) && rd.BytesRead() > int64(len(data)) {
				t.Fatalf("read %d bytes of %d", rd.BytesRead(), len(data))
			}
			return
		}
	}
	t.Fatal("reader does not end")
}

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n\"x,y\",3\n"), ",")
	f.Add([]byte("\xef\xbb\xbfid;name\n1;\"unterminated\n"), ";")
	f.Add([]byte("病人编号,诊断\nP0001,阳性\n"), ",")
	f.Fuzz(func(t *testing.T, data []byte, delim string) {
		readAll(t, data, ReadOptions{Format: FormatCSV, Delimiter: delim, MaxRecordBytes: 4096})
		readAll(t, data, ReadOptions{Format: FormatCSV, Encoding: "auto", MaxRecordBytes: 4096})
	})
}

func FuzzJSONReaders(f *testing.F) {
	f.Add([]byte(`[{"a": 1}, {"b": [1, 2]}]`), "")
	f.Add([]byte(`{"data": {"rows": [{"x": "y"}]}}`), "data.rows")
	f.Add([]byte("{\"pid\": 1}\n{\"pid\": 2, \"glucose\": \n"), "")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		readAll(t, data, ReadOptions{Format: FormatJSON, Path: path, MaxRecordBytes: 4096})
		readAll(t, data, ReadOptions{Format: FormatNDJSON, MaxRecordBytes: 4096})
	})
}

// FuzzRules runs a fuzzed rules file over a fuzzed record: a spec either fails to
// compile with an error or cleans every record without panicking.
func FuzzRules(f *testing.F) {
	f.Add([]byte(`{"rules": [{"op": "number", "field": "g", "units": ["mg/dL"]}, {"op": "missing", "field": "g", "values": [0]}]}`), []byte(`{"g": "148 mg/dL"}`))
	f.Add([]byte(`{"key": {"from": "id", "prefix": "P", "digits": 4}, "rules": [{"op": "derive", "field": "bmi", "expr": "w / (h/100)^2"}]}`), []byte(`{"id": "p-1", "w": 70, "h": 0}`))
	f.Add([]byte(`{"rules": [{"op": "map", "field": "s", "map": {"女": "F"}, "unmapped": "reject"}, {"op": "date", "field": "d", "layouts": ["2006-01-02"]}]}`), []byte(`{"s": "女", "d": "2026-13-40"}`))
	f.Fuzz(func(t *testing.T, spec, record []byte) {
		s, err := ParseSpec(spec)
		if err != nil {
			return
		}
		p, err := Compile(s, nil)
		if err != nil {
			return
		}
		rd, err := NewReader(bytes.NewReader(append(record, '\n')), ReadOptions{Format: FormatNDJSON, MaxRecordBytes: 4096})
		if err != nil {
			return
		}
		row, err := rd.Next()
		if err != nil {
			return
		}
		doc, reasons := p.Apply(row)
		if len(reasons) == 0 && doc.Fields == nil && row.Err == nil {
			t.Fatalf("accepted record without fields")
		}
	})
}
