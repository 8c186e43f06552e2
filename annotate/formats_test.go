package annotate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/model"
)

// renumber renames span ids to #1, #2, ... in span order (relations and events
// follow), so annotations can be compared across formats that rename ids.
func renumber(a model.Annotation) model.Annotation {
	m := map[string]string{}
	out := model.Annotation{Labels: a.Labels}
	for i, s := range a.Spans {
		m[s.ID] = fmt.Sprintf("#%d", i+1)
		s.ID = m[s.ID]
		out.Spans = append(out.Spans, s)
	}
	for _, r := range a.Relations {
		out.Relations = append(out.Relations, model.Relation{Type: r.Type, Head: m[r.Head], Tail: m[r.Tail]})
	}
	for _, e := range a.Events {
		ne := model.Event{Type: e.Type, Trigger: m[e.Trigger]}
		for _, arg := range e.Arguments {
			ne.Arguments = append(ne.Arguments, model.EventArg{Role: arg.Role, Span: m[arg.Span]})
		}
		out.Events = append(out.Events, ne)
	}
	return out
}

func diffAnnotation(t *testing.T, id string, got, want model.Annotation) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s: round trip changed the annotation\n got %s\nwant %s", id, g, w)
	}
}

// withNativeIDs renames span ids with fmt (e.g. "%d", "T%d"), keeping references.
func withNativeIDs(a model.Annotation, format string) model.Annotation {
	a = renumber(a)
	b, _ := json.Marshal(a)
	for i := len(a.Spans); i >= 1; i-- {
		b = bytes.ReplaceAll(b, []byte(fmt.Sprintf(`"#%d"`, i)), []byte(fmt.Sprintf(`"`+format+`"`, i)))
	}
	var out model.Annotation
	_ = json.Unmarshal(b, &out)
	return out
}

// ---------------------------------------------------------------------------------
// doccano

func TestDoccano_RoundTrip(t *testing.T) {
	docs := goldDocs(t)
	var buf bytes.Buffer
	enc := annotate.NewDoccanoEncoder(&buf)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
	if lines := strings.Count(buf.String(), "\n"); lines != len(docs) {
		t.Fatalf("wrote %d lines, want %d", lines, len(docs))
	}
	dec := annotate.NewDoccanoDecoder(&buf)
	for _, want := range docs {
		got, err := dec.Decode()
		if err != nil {
			t.Fatal(err)
		}
		t.Run(want.ID, func(t *testing.T) {
			if got.ID != want.ID || got.Text != want.Text {
				t.Errorf("id, text = %q, %q; want %q, %q", got.ID, got.Text, want.ID, want.Text)
			}
			w := want.Annotation
			w.Events = nil // doccano has no events
			diffAnnotation(t, want.ID, renumber(got.Annotation), renumber(w))
			if err := annotate.ValidateAnnotation(clinicSchema(), got.Text, got.Annotation); err != nil {
				t.Error(err)
			}
		})
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Errorf("after the last document: %v, want io.EOF", err)
	}
}

func TestDoccano_Encode(t *testing.T) {
	t.Run("entities and relations form", func(t *testing.T) {
		d := goldDoc(t, "c005")
		var buf bytes.Buffer
		if err := annotate.NewDoccanoEncoder(&buf).Encode(d); err != nil {
			t.Fatal(err)
		}
		want := `{"id":"c005","text":"Follow-up: patient P0298 reported thirst after starting insulin on 12 October 2026.",` +
			`"entities":[{"id":1,"start_offset":19,"end_offset":24,"label":"Patient"},{"id":2,"start_offset":34,"end_offset":40,"label":"Symptom"},` +
			`{"id":3,"start_offset":56,"end_offset":63,"label":"Drug"},{"id":4,"start_offset":67,"end_offset":82,"label":"Date"}],` +
			`"relations":[{"id":1,"from_id":1,"to_id":3,"type":"takes"},{"id":2,"from_id":1,"to_id":2,"type":"has_symptom"}],` +
			`"cats":["follow-up","medication"]}` + "\n"
		if got := buf.String(); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("offsets are code points after emoji", func(t *testing.T) {
		d := goldDoc(t, "m001")
		var buf bytes.Buffer
		if err := annotate.NewDoccanoEncoder(&buf).Encode(d); err != nil {
			t.Fatal(err)
		}
		// 口渴 follows 😷: code points 28-30 (Python: text.find("口渴")).
		if !strings.Contains(buf.String(), `{"id":6,"start_offset":28,"end_offset":30,"label":"Symptom"}`) {
			t.Errorf("口渴 not at [28,30): %s", buf.String())
		}
		if strings.Contains(buf.String(), `\u`) {
			t.Errorf("text is escaped: %s", buf.String())
		}
	})
	t.Run("numeric span ids are kept", func(t *testing.T) {
		d := annotate.Document{ID: "x", Text: "P0001 takes insulin", Annotation: model.Annotation{
			Spans:     []model.Span{{ID: "7", Start: 0, End: 5, Label: "Patient"}, {ID: "3", Start: 12, End: 19, Label: "Drug"}},
			Relations: []model.Relation{{Type: "takes", Head: "7", Tail: "3"}},
		}}
		var buf bytes.Buffer
		if err := annotate.NewDoccanoEncoder(&buf).Encode(d); err != nil {
			t.Fatal(err)
		}
		got, err := annotate.NewDoccanoDecoder(&buf).Decode()
		if err != nil {
			t.Fatal(err)
		}
		d.Annotation.Spans[0].Text, d.Annotation.Spans[1].Text = "P0001", "insulin"
		diffAnnotation(t, "x", got.Annotation, d.Annotation)
	})
	t.Run("empty document has empty lists", func(t *testing.T) {
		var buf bytes.Buffer
		if err := annotate.NewDoccanoEncoder(&buf).Encode(annotate.Document{ID: "e", Text: "无"}); err != nil {
			t.Fatal(err)
		}
		if want := `{"id":"e","text":"无","entities":[],"relations":[],"cats":[]}` + "\n"; buf.String() != want {
			t.Errorf("got %s want %s", buf.String(), want)
		}
	})
}

func TestExport_Refused(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*annotate.Document)
		want   string
	}{
		{"span beyond the text", func(d *annotate.Document) { d.Annotation.Spans[0].End = 99 }, "spans[0] (s1): offsets [0,99) are not a range of the text's 31 code points"},
		{"end before start", func(d *annotate.Document) { d.Annotation.Spans[0].Start = 6 }, "spans[0] (s1): offsets [6,5)"},
		{"repeated span id", func(d *annotate.Document) { d.Annotation.Spans[1].ID = "s1" }, `spans[1] (s1): id "s1" repeats`},
		{"relation to a missing span", func(d *annotate.Document) { d.Annotation.Relations[0].Tail = "s9" }, `relations[0] (has_symptom): tail "s9" is not a span`},
		{"event argument missing", func(d *annotate.Document) { d.Annotation.Events[0].Arguments[0].Span = "s9" }, `events[0] (vaccination): argument "s9" of role patient is not a span`},
	}
	encoders := map[string]func(annotate.Document) (string, error){
		"doccano": func(d annotate.Document) (string, error) {
			var b bytes.Buffer
			err := annotate.NewDoccanoEncoder(&b).Encode(d)
			return b.String(), err
		},
		"labelstudio": func(d annotate.Document) (string, error) {
			var b bytes.Buffer
			err := annotate.NewLabelStudioEncoder(&b).Encode(d)
			return b.String(), err
		},
		"brat": func(d annotate.Document) (string, error) {
			var txt, ann bytes.Buffer
			err := annotate.EncodeBrat(&txt, &ann, d)
			return txt.String() + ann.String(), err
		},
	}
	for _, tt := range tests {
		for name, encode := range encoders {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				d := goldDoc(t, "c002")
				tt.modify(&d)
				out, err := encode(d)
				wantInvalid(t, err, tt.want)
				if out != "" {
					t.Errorf("wrote %q for a refused document", out)
				}
			})
		}
	}
}

func TestDoccano_Decode(t *testing.T) {
	// c046 with an emoji: 口渴 is at code points 28-30 of the text below.
	const text = "P0626在华西医院于昨天接种了新冠疫苗😷，之后出现轻微口渴。"
	tests := []struct {
		name    string
		in      string
		want    []annotate.Document // nil with wantErr
		wantErr string
	}{
		{"sequence labeling form",
			`{"id": 7, "text": "` + text + `", "label": [[0, 5, "Patient"], [28, 30, "Symptom"]]}`,
			[]annotate.Document{{ID: "7", Text: text, Annotation: model.Annotation{Spans: []model.Span{
				{ID: "1", Start: 0, End: 5, Label: "Patient", Text: "P0626"},
				{ID: "2", Start: 28, End: 30, Label: "Symptom", Text: "口渴"}}}}}, ""},
		{"relation extraction form with classes",
			`{"id": "c046", "text": "` + text + `", "entities": [{"id": 11, "start_offset": 0, "end_offset": 5, "label": "Patient"},` +
				`{"id": 12, "start_offset": 28, "end_offset": 30, "label": "Symptom"}], "relations": [{"id": 1, "from_id": 11, "to_id": 12, "type": "has_symptom"}],` +
				` "cats": ["vaccination"], "Comments": []}`,
			[]annotate.Document{{ID: "c046", Text: text, Annotation: model.Annotation{
				Spans: []model.Span{
					{ID: "11", Start: 0, End: 5, Label: "Patient", Text: "P0626"},
					{ID: "12", Start: 28, End: 30, Label: "Symptom", Text: "口渴"}},
				Relations: []model.Relation{{Type: "has_symptom", Head: "11", Tail: "12"}},
				Labels:    []string{"vaccination"}}}}, ""},
		{"text classification form", `{"text": "转发：华西医院开放流感疫苗预约", "label": ["repost", "vaccination"]}`,
			[]annotate.Document{{Text: "转发：华西医院开放流感疫苗预约", Annotation: model.Annotation{Labels: []string{"repost", "vaccination"}}}}, ""},
		{"spaCy cats map", `{"id": 1, "text": "x", "cats": {"repost": 1.0, "vaccination": 0.2, "follow-up": true}}`,
			[]annotate.Document{{ID: "1", Text: "x", Annotation: model.Annotation{Labels: []string{"follow-up", "repost"}}}}, ""},
		{"JSON array and several records",
			"\ufeff[{\"id\": 1, \"text\": \"a\"},\n {\"id\": 2, \"text\": \"b\", \"label\": [[0, 1, \"X\"]]}]",
			[]annotate.Document{{ID: "1", Text: "a"}, {ID: "2", Text: "b", Annotation: model.Annotation{
				Spans: []model.Span{{ID: "1", Start: 0, End: 1, Label: "X", Text: "b"}}}}}, ""},
		{"offsets beyond the text leave the text empty", `{"id": 1, "text": "😀😀", "label": [[1, 3, "X"]]}`,
			[]annotate.Document{{ID: "1", Text: "😀😀", Annotation: model.Annotation{
				Spans: []model.Span{{ID: "1", Start: 1, End: 3, Label: "X"}}}}}, ""},
		{"old data field", `{"id": 1, "data": "abc"}`, []annotate.Document{{ID: "1", Text: "abc"}}, ""},
		{"no text", `{"id": 1}`, nil, "doccano record 1: no text"},
		{"bad triple", `{"id": 1, "text": "abc", "label": [[0, "x", "X"]]}`, nil, "doccano record 1: label[0]: want [start, end, \"Label\"]"},
		{"bad offset type", `{"id": 1, "text": "abc", "entities": [{"id": 1, "start_offset": "0", "end_offset": 1, "label": "X"}]}`, nil, "doccano record 1:"},
		{"syntax error", `{"id": 1, "text": "abc"`, nil, "doccano record 1:"},
		{"not an object", `[1]`, nil, "doccano record 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := annotate.NewDoccanoDecoder(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				_, err := dec.Decode()
				wantInvalid(t, err, tt.wantErr)
				return
			}
			for _, want := range tt.want {
				got, err := dec.Decode()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got  %+v\nwant %+v", got, want)
				}
			}
			if _, err := dec.Decode(); err != io.EOF {
				t.Errorf("at the end: %v, want io.EOF", err)
			}
		})
	}
	t.Run("a bad record does not stop the stream", func(t *testing.T) {
		in := `{"id": 1, "text": "abc", "entities": [{"id": 1, "start_offset": "0", "end_offset": 1, "label": "X"}]}` + "\n" +
			`{"id": 2, "text": "def"}` + "\n"
		dec := annotate.NewDoccanoDecoder(strings.NewReader(in))
		if _, err := dec.Decode(); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("first record: %v, want EINVALID", err)
		}
		got, err := dec.Decode()
		if err != nil || got.ID != "2" {
			t.Fatalf("second record: %+v, %v", got, err)
		}
	})
	t.Run("reader errors pass through", func(t *testing.T) {
		boom := errors.New("disk on fire")
		_, err := annotate.NewDoccanoDecoder(io.MultiReader(strings.NewReader(`{"id": 1, `), errReader{boom})).Decode()
		if !errors.Is(err, boom) {
			t.Errorf("err = %v, want %v", err, boom)
		}
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// ---------------------------------------------------------------------------------
// Label Studio

func TestLabelStudio_RoundTrip(t *testing.T) {
	p := mustPreannotator(t, clinicLists(), clinicRules())
	docs := goldDocs(t)
	for i := range docs {
		docs[i].Annotation.Events = nil // Label Studio has no events
		docs[i].Suggestions = p.Suggest(docs[i].Text)
	}
	docs = append(docs, annotate.Document{ID: "c001", Text: comments(t)[0].Text}) // nothing at all
	var buf bytes.Buffer
	enc := annotate.NewLabelStudioEncoder(&buf)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	var tasks []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &tasks); err != nil || len(tasks) != len(docs) {
		t.Fatalf("output is not a JSON array of %d tasks: %v\n%s", len(docs), err, buf.String())
	}
	dec := annotate.NewLabelStudioDecoder(&buf)
	for _, want := range docs {
		got, err := dec.Decode()
		if err != nil {
			t.Fatal(err)
		}
		t.Run(want.ID, func(t *testing.T) {
			if got.ID != want.ID || got.Text != want.Text {
				t.Errorf("id, text = %q, %q; want %q, %q", got.ID, got.Text, want.ID, want.Text)
			}
			diffAnnotation(t, want.ID, got.Annotation, want.Annotation)
			// Predictions are grouped by source: compare by id.
			gotS := map[string]model.Suggestion{}
			for _, s := range got.Suggestions {
				gotS[s.Span.ID] = s
			}
			if len(gotS) != len(want.Suggestions) {
				t.Errorf("%d suggestions, want %d", len(gotS), len(want.Suggestions))
			}
			for _, s := range want.Suggestions {
				if gotS[s.Span.ID] != s {
					t.Errorf("suggestion %s = %+v, want %+v", s.Span.ID, gotS[s.Span.ID], s)
				}
			}
		})
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Errorf("after the last task: %v, want io.EOF", err)
	}
}

func TestLabelStudio_Encode(t *testing.T) {
	t.Run("task shape", func(t *testing.T) {
		d := goldDoc(t, "c005")
		d.Annotation.Relations = d.Annotation.Relations[:1]
		d.Annotation.Spans = d.Annotation.Spans[:3]
		d.Suggestions = []model.Suggestion{{Span: model.Span{ID: "p1", Start: 19, End: 24, Label: "Patient", Text: "P0298"}, Source: "gazetteer", Rule: "P0298"}}
		var buf bytes.Buffer
		enc := annotate.NewLabelStudioEncoder(&buf)
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		want := `[
{"id":"c005","data":{"text":"Follow-up: patient P0298 reported thirst after starting insulin on 12 October 2026."},"annotations":[{"result":[` +
			`{"id":"s1","from_name":"label","to_name":"text","type":"labels","value":{"start":19,"end":24,"text":"P0298","labels":["Patient"]}},` +
			`{"id":"s2","from_name":"label","to_name":"text","type":"labels","value":{"start":34,"end":40,"text":"thirst","labels":["Symptom"]}},` +
			`{"id":"s3","from_name":"label","to_name":"text","type":"labels","value":{"start":56,"end":63,"text":"insulin","labels":["Drug"]}},` +
			`{"type":"relation","from_id":"s1","to_id":"s3","direction":"right","labels":["takes"]},` +
			`{"id":"classes","from_name":"class","to_name":"text","type":"choices","value":{"choices":["follow-up","medication"]}}]}],` +
			`"predictions":[{"model_version":"gazetteer","result":[{"id":"p1","from_name":"label","to_name":"text","type":"labels",` +
			`"value":{"start":19,"end":24,"text":"P0298","labels":["Patient"]},"meta":{"text":["P0298"]}}]}]}
]
`
		if got := buf.String(); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("no tasks is an empty array", func(t *testing.T) {
		var buf bytes.Buffer
		if err := annotate.NewLabelStudioEncoder(&buf).Close(); err != nil || buf.String() != "[]\n" {
			t.Errorf("got %q, %v", buf.String(), err)
		}
	})
	t.Run("suggestion out of range", func(t *testing.T) {
		d := annotate.Document{ID: "x", Text: "ab", Suggestions: []model.Suggestion{{Span: model.Span{Start: 1, End: 3, Label: "X"}}}}
		wantInvalid(t, annotate.NewLabelStudioEncoder(io.Discard).Encode(d), "suggestions[0]: offsets [1,3)")
	})
}

func TestLabelStudio_Decode(t *testing.T) {
	const text = "😷P0626在华西医院，口渴🥤" // 口渴 at code points 12-14, UTF-16 units 13-15
	task := func(results string) string {
		return `{"id": 42, "data": {"text": "` + text + `"}, "annotations": [{"result": [` + results + `]}]}`
	}
	region := func(id string, start, end int, txt, label string) string {
		return fmt.Sprintf(`{"id": %q, "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": %d, "end": %d, "text": %q, "labels": [%q]}}`,
			id, start, end, txt, label)
	}
	tests := []struct {
		name    string
		in      string
		want    model.Annotation
		wantErr string
	}{
		{"code point offsets", task(region("a", 1, 6, "P0626", "Patient") + "," + region("b", 12, 14, "口渴", "Symptom")),
			model.Annotation{Spans: []model.Span{
				{ID: "a", Start: 1, End: 6, Label: "Patient", Text: "P0626"}, {ID: "b", Start: 12, End: 14, Label: "Symptom", Text: "口渴"}}}, ""},
		{"UTF-16 offsets of old versions are converted", task(region("a", 2, 7, "P0626", "Patient") + "," + region("b", 13, 15, "口渴", "Symptom")),
			model.Annotation{Spans: []model.Span{
				{ID: "a", Start: 1, End: 6, Label: "Patient", Text: "P0626"}, {ID: "b", Start: 12, End: 14, Label: "Symptom", Text: "口渴"}}}, ""},
		{"wrong offsets keep the region's text", task(region("a", 2, 7, "P0001", "Patient")),
			model.Annotation{Spans: []model.Span{{ID: "a", Start: 2, End: 7, Label: "Patient", Text: "P0001"}}}, ""},
		{"relations: left swaps, labels multiply",
			task(region("a", 1, 6, "P0626", "Patient") + "," + region("b", 12, 14, "口渴", "Symptom") +
				`, {"from_id": "b", "to_id": "a", "type": "relation", "direction": "left", "labels": ["has_symptom", "mentions"]}`),
			model.Annotation{
				Spans: []model.Span{
					{ID: "a", Start: 1, End: 6, Label: "Patient", Text: "P0626"}, {ID: "b", Start: 12, End: 14, Label: "Symptom", Text: "口渴"}},
				Relations: []model.Relation{{Type: "has_symptom", Head: "a", Tail: "b"}, {Type: "mentions", Head: "a", Tail: "b"}}}, ""},
		{"choices and other result types",
			task(`{"id": "c", "from_name": "topic", "to_name": "text", "type": "choices", "value": {"choices": ["vaccination"]}},` +
				`{"id": "r", "from_name": "rating", "to_name": "text", "type": "rating", "value": {"rating": 4}}`),
			model.Annotation{Labels: []string{"vaccination"}}, ""},
		{"region with two labels", task(`{"id": "a", "type": "labels", "value": {"start": 1, "end": 6, "labels": ["Patient", "Drug"]}}`),
			model.Annotation{}, `annotations[0].result[0]: region "a" has 2 labels`},
		{"region without offsets", task(`{"id": "a", "type": "labels", "value": {"labels": ["Patient"]}}`),
			model.Annotation{}, "without value.start and value.end"},
		{"text is not a string", `{"data": {"text": 5}}`, model.Annotation{}, "data.text is not a string"},
		{"no text", `{"data": {"a": "x", "b": "y"}}`, model.Annotation{}, "no text field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotate.NewLabelStudioDecoder(strings.NewReader(tt.in)).Decode()
			if tt.wantErr != "" {
				wantInvalid(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != "42" || got.Text != text {
				t.Errorf("id, text = %q, %q", got.ID, got.Text)
			}
			diffAnnotation(t, "task", got.Annotation, tt.want)
		})
	}
	t.Run("several annotations, JSON Lines, other text field", func(t *testing.T) {
		in := `{"id": 1, "data": {"content": "P0001 口渴"}, "annotations": [` +
			`{"was_cancelled": true, "result": [{"id": "x", "type": "labels", "value": {"start": 0, "end": 1, "labels": ["Patient"]}}]},` +
			`{"completed_by": 3, "result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 5, "labels": ["Patient"]}}]},` +
			`{"completed_by": 4, "result": [{"id": "b", "type": "labels", "value": {"start": 6, "end": 8, "labels": ["Symptom"]}}]}],` +
			`"predictions": [{"model_version": "crf-v2", "score": 0.9, "result": [{"id": "p", "type": "labels", "value": {"start": 6, "end": 8, "labels": ["Symptom"]}}]}]}` + "\n" +
			`{"id": 2, "data": {"text": "x"}}` + "\n"
		dec := annotate.NewLabelStudioDecoder(strings.NewReader(in))
		d, err := dec.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Annotation.Spans) != 1 || d.Annotation.Spans[0].ID != "a" {
			t.Errorf("Annotation = %+v, want the first not cancelled (a's)", d.Annotation)
		}
		wantS := []model.Suggestion{{Span: model.Span{ID: "p", Start: 6, End: 8, Label: "Symptom", Text: "口渴"}, Source: "crf-v2"}}
		if !reflect.DeepEqual(d.Suggestions, wantS) {
			t.Errorf("Suggestions = %+v, want %+v", d.Suggestions, wantS)
		}
		if d, err := dec.Decode(); err != nil || d.ID != "2" || len(d.Annotation.Spans) != 0 {
			t.Errorf("second task = %+v, %v", d, err)
		}
		if _, err := dec.Decode(); err != io.EOF {
			t.Errorf("at the end: %v", err)
		}
	})
	t.Run("truncated array", func(t *testing.T) {
		dec := annotate.NewLabelStudioDecoder(strings.NewReader(`[{"data": {"text": "a"}}, {"data": `))
		if _, err := dec.Decode(); err != nil {
			t.Fatal(err)
		}
		_, err := dec.Decode()
		wantInvalid(t, err, "label studio record 2")
	})
}

func TestLabelStudioConfig(t *testing.T) {
	got := annotate.LabelStudioConfig(clinicSchema())
	for _, want := range []string{
		`<Labels name="label" toName="text">`, `<Label value="Patient"/>`,
		`<Relation value="has_symptom"/>`, `<Text name="text" value="$text"/>`,
		`<Choices name="class" toName="text" choice="multiple">`, `<Choice value="follow-up"/>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %s:\n%s", want, got)
		}
	}
	s := model.LabelSchema{ID: "q", Classes: []string{`a "quoted" <class>`}}
	if got := annotate.LabelStudioConfig(s); !strings.Contains(got, `<Choice value="a &#34;quoted&#34; &lt;class&gt;"/>`) ||
		!strings.Contains(got, `choice="single"`) || strings.Contains(got, "<Labels") {
		t.Errorf("config:\n%s", got)
	}
}

// ---------------------------------------------------------------------------------
// brat

func TestBrat_RoundTrip(t *testing.T) {
	for _, want := range goldDocs(t) {
		t.Run(want.ID, func(t *testing.T) {
			var txt, ann bytes.Buffer
			if err := annotate.EncodeBrat(&txt, &ann, want); err != nil {
				t.Fatal(err)
			}
			got, err := annotate.DecodeBrat(&txt, &ann)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != want.Text {
				t.Errorf("text = %q, want %q", got.Text, want.Text)
			}
			w := want.Annotation
			w.Labels = nil // brat has no document classes
			diffAnnotation(t, want.ID, renumber(got.Annotation), renumber(w))
			if err := annotate.ValidateAnnotation(clinicSchema(), got.Text, got.Annotation); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("brat ids are kept", func(t *testing.T) {
		d := goldDoc(t, "m001")
		d.Annotation = withNativeIDs(d.Annotation, "T%d")
		d.Annotation.Labels = nil
		var txt, ann bytes.Buffer
		if err := annotate.EncodeBrat(&txt, &ann, d); err != nil {
			t.Fatal(err)
		}
		got, err := annotate.DecodeBrat(&txt, &ann)
		if err != nil {
			t.Fatal(err)
		}
		diffAnnotation(t, d.ID, got.Annotation, d.Annotation)
	})
}

func TestBrat_Encode(t *testing.T) {
	d := goldDoc(t, "c002")
	var txt, ann bytes.Buffer
	if err := annotate.EncodeBrat(&txt, &ann, d); err != nil {
		t.Fatal(err)
	}
	want := "T1\tPatient 0 5\tP0711\n" +
		"T2\tHospital 6 10\t华西医院\n" +
		"T3\tDate 11 14\t两周前\n" +
		"T4\tVaccinate 14 16\t接种\n" +
		"T5\tVaccine 17 21\t新冠疫苗\n" +
		"T6\tSymptom 28 30\t多尿\n" +
		"R1\thas_symptom Arg1:T1 Arg2:T6\n" +
		"E1\tvaccination:T4 patient:T1 place:T2 time:T3 vaccine:T5\n"
	if ann.String() != want {
		t.Errorf(".ann =\n%s\nwant\n%s", ann.String(), want)
	}
	if txt.String() != d.Text {
		t.Errorf(".txt = %q, want %q", txt.String(), d.Text)
	}
	t.Run("line breaks in a span", func(t *testing.T) {
		d := annotate.Document{Text: "头痛\r\n和发烧", Annotation: model.Annotation{Spans: []model.Span{{ID: "T1", Start: 0, End: 7, Label: "Symptom"}}}}
		var txt, ann bytes.Buffer
		if err := annotate.EncodeBrat(&txt, &ann, d); err != nil {
			t.Fatal(err)
		}
		if ann.String() != "T1\tSymptom 0 7\t头痛  和发烧\n" {
			t.Errorf(".ann = %q", ann.String())
		}
		got, err := annotate.DecodeBrat(&txt, &ann)
		if err != nil || got.Annotation.Spans[0].Text != "头痛\r\n和发烧" {
			t.Errorf("decoded %+v, %v", got.Annotation.Spans, err)
		}
	})
	t.Run("names with spaces are refused", func(t *testing.T) {
		d := annotate.Document{Text: "ab", Annotation: model.Annotation{Spans: []model.Span{{ID: "a", Start: 0, End: 1, Label: "Side effect"}}}}
		wantInvalid(t, annotate.EncodeBrat(io.Discard, io.Discard, d), `label "Side effect" cannot be written to brat`)
	})
}

func TestBrat_Decode(t *testing.T) {
	const text = "P0626😷口渴"
	tests := []struct {
		name    string
		ann     string
		want    model.Annotation
		wantErr string
	}{
		{"spans after an emoji, CRLF, ignored lines",
			"T1\tPatient 0 5\tP0626\r\nT2\tSymptom 6 8\t口渴\r\nA1\tNegated T2\r\n#1\tAnnotatorNotes T1\tchecked\r\n\r\nR1\thas_symptom Arg2:T2 Arg1:T1\r\n",
			model.Annotation{
				Spans: []model.Span{
					{ID: "T1", Start: 0, End: 5, Label: "Patient", Text: "P0626"}, {ID: "T2", Start: 6, End: 8, Label: "Symptom", Text: "口渴"}},
				Relations: []model.Relation{{Type: "has_symptom", Head: "T1", Tail: "T2"}}}, ""},
		{"event with repeated roles and no final newline",
			"T1\tVaccinate 5 6\t😷\nE1\tvaccination:T1 Theme:T2 Theme2:T3",
			model.Annotation{
				Spans:  []model.Span{{ID: "T1", Start: 5, End: 6, Label: "Vaccinate", Text: "😷"}},
				Events: []model.Event{{Type: "vaccination", Trigger: "T1", Arguments: []model.EventArg{{Role: "Theme", Span: "T2"}, {Role: "Theme2", Span: "T3"}}}}}, ""},
		{"byte offsets keep the .ann text for validation to report",
			"T1\tSymptom 9 15\t口渴\n",
			model.Annotation{Spans: []model.Span{{ID: "T1", Start: 9, End: 15, Label: "Symptom", Text: "口渴"}}}, ""},
		{"discontinuous span", "T1\tSymptom 0 2;6 8\tP0 口渴\n", model.Annotation{}, "brat .ann line 1: T1: discontinuous spans are not supported"},
		{"offsets not numbers", "T1\tSymptom a 8\tx\n", model.Annotation{}, `brat .ann line 1: T1: offsets "a" "8" are not integers`},
		{"relation without Arg2", "T1\tPatient 0 5\tP0626\nR1\thas_symptom Arg1:T1\n", model.Annotation{}, "brat .ann line 2: R1: want"},
		{"relation with other roles", "R1\thas_symptom From:T1 To:T2\n", model.Annotation{}, `R1: argument "From:T1" is not Arg1:id or Arg2:id`},
		{"event argument without id", "E1\tvaccination:T1 Theme\n", model.Annotation{}, `E1: "Theme" is not name:id`},
		{"unknown line", "X1\tfoo\n", model.Annotation{}, `brat .ann line 1: unknown annotation kind "X1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotate.DecodeBrat(strings.NewReader(text), strings.NewReader(tt.ann))
			if tt.wantErr != "" {
				wantInvalid(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			diffAnnotation(t, "brat", got.Annotation, tt.want)
		})
	}
	t.Run("validation reports the byte offsets", func(t *testing.T) {
		got, err := annotate.DecodeBrat(strings.NewReader(text), strings.NewReader("T1\tSymptom 9 15\t口渴\n"))
		if err != nil {
			t.Fatal(err)
		}
		err = annotate.ValidateAnnotation(clinicSchema(), got.Text, got.Annotation)
		wantInvalid(t, err, "spans[0] (T1): end 15 is beyond the text's 8 code points")
	})
}

// ---------------------------------------------------------------------------------
// CoNLL

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"han characters and a key", "P0001到华西医院", []string{"P0001", "到", "华", "西", "医", "院"}},
		{"punctuation", "Follow-up: patient", []string{"Follow", "-", "up", ":", "patient"}},
		{"chinese punctuation", "口渴，多尿。", []string{"口", "渴", "，", "多", "尿", "。"}},
		{"digits and han", "2026年10月", []string{"2026", "年", "10", "月"}},
		{"decimal point", "12.5mg", []string{"12", ".", "5mg"}},
		{"emoji", "好😷!", []string{"好", "😷", "!"}},
		{"zwj sequence is one token", "👨\u200d👩\u200d👧 ok", []string{"👨\u200d👩\u200d👧", "ok"}},
		{"skin tone", "👍🏽!", []string{"👍🏽", "!"}},
		{"flags", "🇨🇳🇺🇸", []string{"🇨🇳", "🇺🇸"}},
		{"keycap", "1️⃣号", []string{"1️⃣", "号"}},
		{"combining accent stays", "Cafe\u0301 au", []string{"Cafe\u0301", "au"}},
		{"symbol with variation selector", "©️2026", []string{"©️", "2026"}},
		{"zero-width space separates", "a\u200bb", []string{"a", "b"}},
		{"white space only", " \t\n\u3000", nil},
		{"kana", "カタカナです", []string{"カ", "タ", "カ", "ナ", "で", "す"}},
		{"hangul words", "한국어 단어", []string{"한국어", "단어"}},
		{"full-width letters are a word", "ＡＢＣ１２３", []string{"ＡＢＣ１２３"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := annotate.Tokenize(tt.text)
			var got []string
			for _, tok := range toks {
				got = append(got, tok.Text)
				if s, ok := annotate.Slice(tt.text, tok.Start, tok.End); !ok || s != tok.Text {
					t.Errorf("token %+v is not the text's [%d,%d) %q", tok, tok.Start, tok.End, s)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestCoNLL(t *testing.T) {
	span := func(start, end int, label string) model.Span {
		return model.Span{ID: fmt.Sprint(start), Start: start, End: end, Label: label}
	}
	tests := []struct {
		name  string
		text  string
		spans []model.Span
		want  string
	}{
		{"key runs into a date: split at the boundary", "P03782026年10月",
			[]model.Span{span(0, 5, "Patient"), span(5, 13, "Date")},
			"P0378\tB-Patient\n2026\tB-Date\n年\tI-Date\n10\tI-Date\n月\tI-Date\n\n"},
		{"span inside a Latin token", "metformin500",
			[]model.Span{span(0, 9, "Drug")},
			"metformin\tB-Drug\n500\tO\n\n"},
		{"span starting and ending inside a token", "dose500mg",
			[]model.Span{span(4, 7, "Dose")},
			"dose\tO\n500\tB-Dose\nmg\tO\n\n"},
		{"adjacent spans of one label stay apart", "口渴多尿",
			[]model.Span{span(0, 2, "Symptom"), span(2, 4, "Symptom")},
			"口\tB-Symptom\n渴\tI-Symptom\n多\tB-Symptom\n尿\tI-Symptom\n\n"},
		{"overlap: earliest, then longest, wins", "北京协和医院",
			[]model.Span{span(2, 6, "Hospital"), span(0, 2, "City"), span(0, 6, "Hospital"), span(1, 3, "X")},
			"北\tB-Hospital\n京\tI-Hospital\n协\tI-Hospital\n和\tI-Hospital\n医\tI-Hospital\n院\tI-Hospital\n\n"},
		{"emoji and spaces", "P0001 😷 ok",
			[]model.Span{span(6, 7, "Symptom"), span(5, 6, "Space")},
			"P0001\tO\n😷\tB-Symptom\nok\tO\n\n"},
		{"span across white space", "blurred vision!",
			[]model.Span{span(0, 14, "Symptom")},
			"blurred\tB-Symptom\nvision\tI-Symptom\n!\tO\n\n"},
		{"no tokens, nothing written", "  ", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			d := annotate.Document{ID: "x", Text: tt.text, Annotation: model.Annotation{Spans: tt.spans}}
			if err := annotate.NewCoNLLEncoder(&buf).Encode(d); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
	t.Run("gold documents", func(t *testing.T) {
		var buf bytes.Buffer
		enc := annotate.NewCoNLLEncoder(&buf)
		docs := goldDocs(t)
		for _, d := range docs {
			if err := enc.Encode(d); err != nil {
				t.Fatal(err)
			}
		}
		out := buf.String()
		if n := strings.Count(out, "\n\n"); n != len(docs) {
			t.Errorf("%d blank lines, want one per document (%d)", n, len(docs))
		}
		for _, want := range []string{
			"录\tO\n：\tO\nP0378\tB-Patient\n2026\tB-Date\n年\tI-Date\n", // c024
			"苗\tI-Vaccine\n😷\tO\n，\tO\n",                              // m001
			"口\tB-Symptom\n渴\tI-Symptom\n🥤\tO\n",                      // m001
			"👍\tO\nOK\tO\n!\tO\n🇨🇳\tO\n\n",                            // m001
			"12\tB-Date\nOctober\tI-Date\n2026\tI-Date\n.\tO\n",       // c005
			"👨\u200d⚕️\tO\n:\tO\n",                                    // m002
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		// Every B- tag starts one gold span (no overlaps in the gold data).
		spans := 0
		for _, d := range docs {
			spans += len(d.Annotation.Spans)
		}
		if n := strings.Count(out, "\tB-"); n != spans {
			t.Errorf("%d B- tags, want %d", n, spans)
		}
	})
	t.Run("refused", func(t *testing.T) {
		d := annotate.Document{ID: "x", Text: "ab", Annotation: model.Annotation{Spans: []model.Span{
			{Start: 0, End: 3, Label: "X"}, {Start: 0, End: 1, Label: "two words"}}}}
		var buf bytes.Buffer
		wantInvalid(t, annotate.NewCoNLLEncoder(&buf).Encode(d), "offsets [0,3)", `label "two words"`)
		if buf.Len() != 0 {
			t.Errorf("wrote %q", buf.String())
		}
	})
}

func BenchmarkExportDoccano(b *testing.B) {
	docs := goldDocs(b)
	enc := annotate.NewDoccanoEncoder(io.Discard)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if err := enc.Encode(docs[n%len(docs)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}
