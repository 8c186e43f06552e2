package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mms-platform/mms/model"
)

func TestFieldName(t *testing.T) {
	ok := map[string]string{
		"age":                    "age",
		"blood_pressure":         "blood_pressure",
		"Blood Pressure":         "Blood Pressure",
		"возраст":                "возраст",
		"病人编号":                   "病人编号",
		"caf\u0065\u0301":        "caf\u00e9", // NFD becomes NFC
		"x1":                     "x1",
		strings.Repeat("a", 128): strings.Repeat("a", 128),
		strings.Repeat("я", 128): strings.Repeat("я", 128),
		"insulin_uU_ml":          "insulin_uU_ml",
		"αβγ":                    "αβγ",
		"naïve":                  "naïve",
	}
	for in, want := range ok {
		got, err := FieldName(in)
		if err != nil || got != want {
			t.Errorf("FieldName(%+q) = %+q, %v; want %+q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                        "empty",
		"a.b":                     "'.'",
		"$where":                  "'$'",
		"a$b":                     "'$'",
		"a\x00b":                  "NUL",
		strings.Repeat("a", 129):  "more than 128",
		strings.Repeat("a", 5000): "more than 128",
		"\u0430ge":                "scripts that look alike", // Cyrillic а + Latin ge
		"age\u200b":               "invisible",
		"a\u200dge":               "invisible",
		"age\u202e":               "bidirectional",
		"a\u2066ge":               "bidirectional",
		"age\ufe0f":               "variation selector",
		"a\tb":                    "control",
		" age":                    "space",
		"age ":                    "space",
		"a\u00a0b":                "white space",
		"a\u3164b":                "invisible",
		"\xff":                    "UTF-8",
		"a\ue000":                 "private-use",
		"a\u0378":                 "unassigned",
	}
	for in, want := range bad {
		_, err := FieldName(in)
		if err == nil || model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("FieldName(%+q) = %v; want BAD_USER_INPUT naming %q", in, err, want)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("FieldName(%d bytes): message of %d bytes", len(in), len(err.Error()))
		}
	}
}

// deep returns an object nested n levels.
func deep(n int) map[string]any {
	v := map[string]any{"leaf": 1}
	for range n - 1 {
		v = map[string]any{"a": v}
	}
	return v
}

// Pass 1 (Apply) rejects, with a reason, every record the store could not
// hold, so that the write pass never fails on one.
func TestApplyRejectsUnstorable(t *testing.T) {
	p, err := Compile(Spec{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"dot in nested key", map[string]any{"obj": map[string]any{"a.b": 1}}, `obj: key "a.b"`},
		{"dollar nested key", map[string]any{"obj": map[string]any{"$gt": 1}}, `'$'`},
		{"dollar in array", map[string]any{"obj": []any{map[string]any{"$x": 1}}}, `'$'`},
		{"NUL nested key", map[string]any{"obj": map[string]any{"a\x00": 1}}, "NUL"},
		{"dot in field", map[string]any{"a.b": 1}, `field name "a.b"`},
		{"dollar field", map[string]any{"$set": 1}, "'$'"},
		{"long field", map[string]any{strings.Repeat("x", 5000): 1}, "more than 128"},
		{"cyrillic", map[string]any{"\u0430ge": 1}, "look alike"},
		{"zero width", map[string]any{"age\u200b": 1}, "invisible"},
		{"deep", map[string]any{"obj": deep(5000)}, "deeper than"},
		{"deep arrays", map[string]any{"obj": deepArray(200)}, "deeper than"},
		{"big", map[string]any{"a": strings.Repeat("x", 8<<20), "b": strings.Repeat("y", 8<<20)}, "bytes"},
	}
	for _, c := range cases {
		_, reasons := p.Apply(Row{Line: 2, Values: c.values})
		if len(reasons) == 0 || !strings.Contains(strings.Join(reasons, "; "), c.want) {
			t.Errorf("%s: reasons %q, want one naming %q", c.name, reasons, c.want)
		}
	}
	// Still fine: NFC-normalized names, a deep-enough object, keys with spaces.
	doc, reasons := p.Apply(Row{Line: 3, Values: map[string]any{"cafe\u0301": 1, "obj": deep(80), "o": map[string]any{"Content Type": "x"}}})
	if len(reasons) > 0 || doc.Fields["caf\u00e9"] != int64(1) && doc.Fields["caf\u00e9"] != 1 {
		t.Errorf("good record: %v %v", doc.Fields, reasons)
	}
}

func deepArray(n int) []any {
	v := []any{1}
	for range n - 1 {
		v = []any{v}
	}
	return v
}

// Names that enter through a spec are checked when it compiles.
func TestCompileChecksNames(t *testing.T) {
	for _, c := range []struct {
		spec    Spec
		columns []string
		want    string
	}{
		{Spec{}, []string{"id", "a.b"}, `source column: field name "a.b"`},
		{Spec{}, []string{"id", "age\u200b"}, "invisible"},
		{Spec{Mapping: []Mapping{{From: "x", To: "\u0430ge"}}}, nil, "mapping[0]"},
		{Spec{Rules: []Rule{{Op: "derive", Field: "$x", Expr: "1"}}}, nil, "rules[0]"},
	} {
		_, err := Compile(c.spec, c.columns)
		if err == nil || model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compile(%+v, %q) = %v; want BAD_USER_INPUT naming %q", c.spec, c.columns, err, c.want)
		}
	}
}

// A 100 MB single CSV line is one rejected row: the reader keeps MaxRawBytes
// of it, never the line.
func TestReaderHugeLine(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,note\n1,short\n2,")
	b.Write(bytes.Repeat([]byte("x"), 100<<20))
	b.WriteString("\n3,after\n")
	rd, err := NewReader(&b, ReadOptions{Format: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		row, err := rd.Next()
		if err != nil {
			break
		}
		got = append(got, fmt.Sprintf("%d:%v:%d", row.Line, row.Err, len(row.Raw)))
	}
	if len(got) != 3 || !strings.Contains(got[1], "longer than") || !strings.HasSuffix(got[1], fmt.Sprint(":", MaxRawBytes)) {
		t.Errorf("rows: %q", got)
	}
}

func TestDocumentSize(t *testing.T) {
	small := DocumentSize(map[string]any{"a": "xyz", "n": int64(1)})
	big := DocumentSize(map[string]any{"a": strings.Repeat("x", 10<<20), "o": map[string]any{"b": []any{strings.Repeat("y", 6<<20)}}})
	if small <= 0 || small > 100 || big <= MaxDocumentBytes {
		t.Errorf("DocumentSize: small %d, big %d (limit %d)", small, big, MaxDocumentBytes)
	}
}

// A quoted cell that spans lines is bounded like a line.
func TestReaderHugeQuotedRecord(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,note\n1,\"")
	for range 30000 {
		b.WriteString(strings.Repeat("y", 100) + "\n")
	}
	b.WriteString("\"\n3,after\n")
	rd, err := NewReader(&b, ReadOptions{Format: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	row, err := rd.Next()
	if err != nil || row.Err == nil || len(row.Raw) > MaxRawBytes {
		t.Fatalf("huge quoted record: %v %v (raw %d bytes)", row.Err, err, len(row.Raw))
	}
	t.Log(row.Err)
}
