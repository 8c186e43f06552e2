package annotate

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/mms-platform/mms/model"
)

func TestBratZipEntriesCarryTheExportTime(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)
	var buf bytes.Buffer
	e := NewBratZipEncoder(&buf, at)
	d := Document{ID: "a/b#c", Text: "Aspirin helps.", Annotation: model.Annotation{Spans: []model.Span{{ID: "T1", Start: 0, End: 7, Label: "Drug", Text: "Aspirin"}}}}
	if err := e.Encode(d); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		if got := f.Modified.UTC(); !got.Equal(at.Truncate(time.Second)) {
			t.Errorf("%s dated %v, want %v", f.Name, got, at.Truncate(time.Second))
		}
		if f.Modified.Year() == 1980 || f.Modified.IsZero() {
			t.Errorf("%s is undated", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "a_b_c.txt" && string(b) != d.Text {
			t.Errorf("text %q", b)
		}
		if f.Name == "a_b_c.ann" && !bytes.Contains(b, []byte("T1\tDrug 0 7\tAspirin")) {
			t.Errorf("ann %q", b)
		}
	}
	if !names["a_b_c.txt"] || !names["a_b_c.ann"] {
		t.Fatalf("entries %v", names)
	}
}
