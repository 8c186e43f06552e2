package annotate_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/model"
)

func TestSlice(t *testing.T) {
	const mixed = "P0001说😀ok" // 8 code points, 13 bytes
	tests := []struct {
		name       string
		text       string
		start, end int
		want       string
		wantOK     bool
	}{
		{"ascii", "hello", 1, 3, "el", true},
		{"whole", "hello", 0, 5, "hello", true},
		{"empty at end", "hello", 5, 5, "", true},
		{"empty text", "", 0, 0, "", true},
		{"han", "华西医院", 2, 4, "医院", true},
		{"emoji is one code point", mixed, 6, 7, "😀", true},
		{"after emoji", mixed, 7, 9, "ok", true},
		{"across han and emoji", mixed, 5, 8, "说😀o", true},
		{"combining sequence is two", "Cafe\u0301!", 3, 5, "e\u0301", true},
		{"zwj sequence is five", "a👨\u200d👩\u200d👧b", 1, 6, "👨\u200d👩\u200d👧", true},
		{"end beyond", mixed, 3, 10, "", false},
		{"start beyond", mixed, 10, 10, "", false},
		{"negative start", mixed, -1, 2, "", false},
		{"end before start", mixed, 3, 2, "", false},
		{"byte offset is not a code point offset", mixed, 0, len(mixed), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := annotate.Slice(tt.text, tt.start, tt.end)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Slice(%q, %d, %d) = %q, %v; want %q, %v", tt.text, tt.start, tt.end, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestSchemaValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*model.LabelSchema)
		wants  []string // substrings of the error; none: valid
	}{
		{"clinic schema is valid", func(*model.LabelSchema) {}, nil},
		{"classes only is valid", func(s *model.LabelSchema) {
			s.Entities, s.Relations, s.Events = nil, nil, nil
		}, nil},
		{"empty id", func(s *model.LabelSchema) { s.ID = "" }, []string{"id: is empty"}},
		{"nothing to annotate", func(s *model.LabelSchema) {
			s.Entities, s.Relations, s.Events, s.Classes = nil, nil, nil, nil
		}, []string{"has no entities and no classes"}},
		{"repeated entity", func(s *model.LabelSchema) { s.Entities = append(s.Entities, "Drug") },
			[]string{`entities[7]: "Drug" repeats entities[2]`}},
		{"empty entity", func(s *model.LabelSchema) { s.Entities = append(s.Entities, "") }, []string{"entities[7]: name is empty"}},
		{"entity with space", func(s *model.LabelSchema) { s.Entities = append(s.Entities, "Side effect") },
			[]string{`entities[7]: name "Side effect" contains white space`}},
		{"relation to unknown label", func(s *model.LabelSchema) { s.Relations[0].Tail = []string{"Medicine"} },
			[]string{`relations[0] (takes): tail label "Medicine" is not an entity`}},
		{"repeated relation", func(s *model.LabelSchema) { s.Relations[2].Name = "takes" },
			[]string{"relations[2] (takes): name repeats relations[0]"}},
		{"event trigger unknown", func(s *model.LabelSchema) { s.Events[0].Trigger = "Shot" },
			[]string{`events[0] (vaccination): trigger label "Shot" is not an entity`}},
		{"event trigger empty", func(s *model.LabelSchema) { s.Events[0].Trigger = "" },
			[]string{"events[0] (vaccination): trigger label is empty"}},
		{"role label unknown", func(s *model.LabelSchema) { s.Events[0].Roles[2].Labels = []string{"Time"} },
			[]string{`events[0] (vaccination): roles[2] (time): role label "Time" is not an entity`}},
		{"repeated role", func(s *model.LabelSchema) { s.Events[0].Roles[3].Name = "time" },
			[]string{"roles[3] (time): name repeats roles[2]"}},
		{"repeated event", func(s *model.LabelSchema) { s.Events = append(s.Events, s.Events[0]) },
			[]string{"events[1] (vaccination): name repeats events[0]"}},
		{"repeated class", func(s *model.LabelSchema) { s.Classes = append(s.Classes, "repost") },
			[]string{`classes[4]: "repost" repeats classes[3]`}},
		{"empty class", func(s *model.LabelSchema) { s.Classes[0] = "" }, []string{"classes[0]: name is empty"}},
		{"every problem at once", func(s *model.LabelSchema) {
			s.Entities = append(s.Entities, "Drug")
			s.Relations[0].Head = []string{"Person"}
			s.Classes = append(s.Classes, "repost")
		}, []string{"entities[7]", `head label "Person"`, "classes[4]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := clinicSchema()
			tt.modify(&s)
			err := annotate.ValidateSchema(s)
			if tt.wants == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			wantInvalid(t, err, tt.wants...)
			if got := len(annotate.SchemaProblems(s)); got != len(tt.wants) {
				t.Errorf("SchemaProblems = %d (%q), want %d", got, annotate.SchemaProblems(s), len(tt.wants))
			}
		})
	}
}

func TestValidateAnnotation_Gold(t *testing.T) {
	// Python computed these offsets; Go must accept every one, after emoji too.
	for _, d := range goldDocs(t) {
		t.Run(d.ID, func(t *testing.T) {
			if err := annotate.ValidateAnnotation(clinicSchema(), d.Text, d.Annotation); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestValidateAnnotation(t *testing.T) {
	// c002: "P0711在华西医院于两周前接种了新冠疫苗，之后出现轻微多尿。", 31 code points.
	// s1 P0711 [0,5) Patient, s2 华西医院 [6,10) Hospital, s3 两周前 [11,14) Date,
	// s4 接种 [14,16) Vaccinate, s5 新冠疫苗 [17,21) Vaccine, s6 多尿 [28,30) Symptom.
	tests := []struct {
		name   string
		schema func(*model.LabelSchema)
		modify func(*model.Annotation)
		wants  []string // substrings of the error, one per problem; none: valid
	}{
		{"gold", nil, func(*model.Annotation) {}, nil},
		{"empty annotation", nil, func(a *model.Annotation) { *a = model.Annotation{} }, nil},
		{"end beyond the text", nil, func(a *model.Annotation) { a.Spans[2].End = 40 },
			[]string{"spans[2] (s3): end 40 is beyond the text's 31 code points"}},
		{"end before start", nil, func(a *model.Annotation) { a.Spans[0].Start, a.Spans[0].End = 5, 3 },
			[]string{"spans[0] (s1): end 3 is not after start 5"}},
		{"empty span", nil, func(a *model.Annotation) { a.Spans[0].Start, a.Spans[0].End, a.Spans[0].Text = 4, 4, "" },
			[]string{"spans[0] (s1): end 4 is not after start 4"}},
		{"negative start", nil, func(a *model.Annotation) { a.Spans[0].Start = -1 },
			[]string{"spans[0] (s1): start -1 is negative"}},
		{"start and end both out of range", nil, func(a *model.Annotation) { a.Spans[5].Start, a.Spans[5].End = 35, 33 },
			[]string{"spans[5] (s6): end 33 is not after start 35", "spans[5] (s6): end 33 is beyond the text's 31 code points"}},
		{"text does not match", nil, func(a *model.Annotation) { a.Spans[0].Text = "P0001" },
			[]string{`spans[0] (s1): text "P0001" does not match the document's "P0711" at [0,5)`}},
		{"offsets shifted by one", nil, func(a *model.Annotation) { a.Spans[1].Start, a.Spans[1].End = 5, 9 },
			[]string{`spans[1] (s2): text "华西医院" does not match the document's "在华西医" at [5,9)`}},
		{"unknown label", nil, func(a *model.Annotation) { a.Spans[1].Label = "Clinic" },
			[]string{`spans[1] (s2): unknown label "Clinic"`}},
		{"labels are case-sensitive", nil, func(a *model.Annotation) { a.Spans[0].Label = "patient" },
			[]string{`spans[0] (s1): unknown label "patient"`}},
		{"empty label", nil, func(a *model.Annotation) { a.Spans[1].Label = "" },
			[]string{"spans[1] (s2): label is empty"}},
		{"repeated span id", nil, func(a *model.Annotation) { a.Spans[5].ID = "s1" },
			[]string{`spans[5] (s1): id "s1" repeats spans[0]`, `relations[0] (has_symptom): tail "s6" is not a span`}},
		{"empty span id", nil, func(a *model.Annotation) { a.Spans[5].ID = ""; a.Relations = nil },
			[]string{"spans[5]: id is empty"}},
		{"overlapping and nested spans are fine", nil, func(a *model.Annotation) {
			a.Spans = append(a.Spans,
				model.Span{ID: "s7", Start: 6, End: 8, Label: "Hospital", Text: "华西"},
				model.Span{ID: "s8", Start: 9, End: 12, Label: "Date", Text: "院于两"})
		}, nil},
		{"relation to a missing span", nil, func(a *model.Annotation) { a.Relations[0].Tail = "s9" },
			[]string{`relations[0] (has_symptom): tail "s9" is not a span`}},
		{"relation from a missing span", nil, func(a *model.Annotation) { a.Relations[0].Head = "" },
			[]string{`relations[0] (has_symptom): head "" is not a span`}},
		{"relation labels not allowed", nil, func(a *model.Annotation) {
			a.Relations = []model.Relation{{Type: "takes", Head: "s2", Tail: "s1"}}
		}, []string{`relations[0] (takes): head label "Hospital" not allowed (want Patient)`,
			`relations[0] (takes): tail label "Patient" not allowed (want Drug)`}},
		{"relation with several allowed labels", func(s *model.LabelSchema) { s.Relations[0].Tail = []string{"Drug", "Vaccine"} },
			func(a *model.Annotation) {
				a.Relations = []model.Relation{{Type: "takes", Head: "s1", Tail: "s3"}}
			},
			[]string{`tail label "Date" not allowed (want Drug or Vaccine)`}},
		{"relation type with any label", nil, func(a *model.Annotation) {
			a.Relations = append(a.Relations, model.Relation{Type: "mentions", Head: "s2", Tail: "s3"})
		}, nil},
		{"unknown relation type", nil, func(a *model.Annotation) { a.Relations[0].Type = "causes" },
			[]string{`relations[0] (causes): unknown relation type "causes"`}},
		{"empty relation type", nil, func(a *model.Annotation) { a.Relations[0].Type = "" },
			[]string{"relations[0]: type is empty"}},
		{"relation to itself", nil, func(a *model.Annotation) {
			a.Relations = []model.Relation{{Type: "mentions", Head: "s2", Tail: "s2"}}
		}, []string{"relations[0] (mentions): head and tail are the same span s2"}},
		{"repeated relation", nil, func(a *model.Annotation) { a.Relations = append(a.Relations, a.Relations[0]) },
			[]string{"relations[1] (has_symptom): repeats relations[0]"}},
		{"unknown event type", nil, func(a *model.Annotation) { a.Events[0].Type = "vaccinated" },
			[]string{`events[0] (vaccinated): unknown event type "vaccinated"`}},
		{"trigger is not a span", nil, func(a *model.Annotation) { a.Events[0].Trigger = "s9" },
			[]string{`events[0] (vaccination): trigger "s9" is not a span`}},
		{"trigger has the wrong label", nil, func(a *model.Annotation) { a.Events[0].Trigger = "s5" },
			[]string{"events[0] (vaccination): trigger span s5 has label Vaccine, want Vaccinate"}},
		{"wrong role", nil, func(a *model.Annotation) {
			a.Events[0].Arguments = append(a.Events[0].Arguments, model.EventArg{Role: "where", Span: "s2"})
		}, []string{`events[0] (vaccination): role "where" not in the event type`}},
		{"empty role", nil, func(a *model.Annotation) { a.Events[0].Arguments[0].Role = "" },
			[]string{`events[0] (vaccination): argument "s1" has an empty role`}},
		{"argument with the wrong label", nil, func(a *model.Annotation) { a.Events[0].Arguments[2].Span = "s2" },
			[]string{"events[0] (vaccination): argument span s2 has label Hospital, role time wants Date"}},
		{"argument is not a span", nil, func(a *model.Annotation) { a.Events[0].Arguments[1].Span = "s9" },
			[]string{`events[0] (vaccination): argument "s9" of role place is not a span`}},
		{"argument repeats", nil, func(a *model.Annotation) {
			a.Events[0].Arguments = append(a.Events[0].Arguments, a.Events[0].Arguments[0])
		}, []string{"events[0] (vaccination): argument span s1 repeats role patient"}},
		{"role with any label", nil, func(a *model.Annotation) {
			a.Events[0].Arguments = append(a.Events[0].Arguments, model.EventArg{Role: "note", Span: "s6"})
		}, nil},
		{"unknown class", nil, func(a *model.Annotation) { a.Labels = []string{"x"} },
			[]string{`labels: "x" is not a class`}},
		{"repeated class", nil, func(a *model.Annotation) { a.Labels = []string{"repost", "repost"} },
			[]string{`labels: "repost" repeats`}},
		{"single-label schema", func(s *model.LabelSchema) { s.MultiLabel = false },
			func(a *model.Annotation) { a.Labels = []string{"vaccination", "repost"} },
			[]string{"labels: single-label schema, got 2"}},
		{"multi-label schema", nil, func(a *model.Annotation) { a.Labels = []string{"vaccination", "repost"} }, nil},
		{"every problem listed", nil, func(a *model.Annotation) {
			a.Spans[2].End = 40
			a.Spans[0].Text = "P0002"
			a.Spans[1].Label = "Drugstore"
			a.Relations[0].Head = "s9"
			a.Events[0].Arguments[3].Role = "where"
			a.Labels = []string{"x"}
		}, []string{
			"spans[2] (s3): end 40",
			`spans[0] (s1): text "P0002"`,
			`spans[1] (s2): unknown label "Drugstore"`,
			`relations[0] (has_symptom): head "s9" is not a span`,
			`role "where" not in the event type`,
			`labels: "x" is not a class`,
		}},
	}
	gold := goldDoc(t, "c002")
	if utf8.RuneCountInString(gold.Text) != 31 {
		t.Fatalf("c002 has %d code points, want 31", utf8.RuneCountInString(gold.Text))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := clinicSchema()
			if tt.schema != nil {
				tt.schema(&s)
			}
			d := goldDoc(t, "c002") // a fresh copy
			tt.modify(&d.Annotation)
			err := annotate.ValidateAnnotation(s, d.Text, d.Annotation)
			if tt.wants == nil {
				if err != nil {
					t.Fatalf("ValidateAnnotation() = %v, want nil", err)
				}
				return
			}
			wantInvalid(t, err, tt.wants...)
			if got := annotate.AnnotationProblems(s, d.Text, d.Annotation); len(got) != len(tt.wants) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(tt.wants), strings.Join(got, "\n"))
			}
		})
	}
}

func TestValidateAnnotation_MixedText(t *testing.T) {
	m001 := goldDoc(t, "m001") // Chinese with 😷 🥤 👍 and a flag
	m002 := goldDoc(t, "m002") // English with a ZWJ sequence, 😓 and a combining accent
	s := clinicSchema()
	span := func(d annotate.Document, id string) model.Span {
		for _, sp := range d.Annotation.Spans {
			if sp.ID == id {
				return sp
			}
		}
		t.Fatalf("%s has no span %s", d.ID, id)
		return model.Span{}
	}
	tests := []struct {
		name string
		text string
		a    model.Annotation
		want string // substring of the error; "": valid
	}{
		{"spans after emoji are valid", m001.Text, m001.Annotation, ""},
		{"spans after a ZWJ sequence are valid", m002.Text, m002.Annotation, ""},
		{"byte offsets are refused", m002.Text, model.Annotation{Spans: []model.Span{func() model.Span {
			sp := span(m002, "s3") // insulin
			b := strings.Index(m002.Text, "insulin")
			sp.Start, sp.End = b, b+len("insulin")
			return sp
		}()}}, `text "insulin" does not match`},
		{"UTF-16 offsets are refused", m001.Text, model.Annotation{Spans: []model.Span{func() model.Span {
			sp := span(m001, "s6") // 口渴, after 😷 (two UTF-16 units)
			sp.Start++
			sp.End++
			return sp
		}()}}, `text "口渴" does not match the document's "渴🥤"`},
		{"a span on an emoji is one code point", "痛😀了", model.Annotation{Spans: []model.Span{
			{ID: "e", Start: 1, End: 2, Label: "Symptom", Text: "😀"}}}, ""},
		{"a span on a ZWJ sequence is five code points", "a👨\u200d👩\u200d👧b", model.Annotation{Spans: []model.Span{
			{ID: "e", Start: 1, End: 6, Label: "Patient", Text: "👨\u200d👩\u200d👧"}}}, ""},
		{"a ZWJ sequence is not one code point", "a👨\u200d👩\u200d👧b", model.Annotation{Spans: []model.Span{
			{ID: "e", Start: 1, End: 2, Label: "Patient", Text: "👨\u200d👩\u200d👧"}}}, `does not match the document's "👨" at [1,2)`},
		{"a combining sequence counts two", "Cafe\u0301 ok", model.Annotation{Spans: []model.Span{
			{ID: "c", Start: 0, End: 5, Label: "Hospital", Text: "Cafe\u0301"}}}, ""},
		{"no normalization: precomposed é differs", "Cafe\u0301 ok", model.Annotation{Spans: []model.Span{
			{ID: "c", Start: 0, End: 5, Label: "Hospital", Text: "Café"}}}, `text "Café" does not match`},
		{"end counted in code points", "😀😀😀", model.Annotation{Spans: []model.Span{
			{ID: "x", Start: 0, End: 4, Label: "Symptom", Text: "😀😀😀"}}}, "end 4 is beyond the text's 3 code points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := annotate.ValidateAnnotation(s, tt.text, tt.a)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ValidateAnnotation() = %v, want nil", err)
				}
				return
			}
			wantInvalid(t, err, tt.want)
		})
	}
}

func TestValidateAnnotation_ErrorCode(t *testing.T) {
	err := annotate.ValidateAnnotation(clinicSchema(), "abc", model.Annotation{Labels: []string{"x", "y"}})
	var e *model.Error
	if !errors.As(err, &e) || e.Code != model.EINVALID {
		t.Fatalf("error = %#v, want a *model.Error with code %s", err, model.EINVALID)
	}
	if !strings.HasPrefix(e.Message, "invalid annotation (2 problems): ") {
		t.Errorf("message = %q", e.Message)
	}
}

func BenchmarkValidate20Spans(b *testing.B) {
	s := clinicSchema()
	// 20 spans on a 400-code-point mixed text: ten copies of c018 plus an emoji each.
	base := goldDoc(b, "c018")
	n := utf8.RuneCountInString(base.Text) + 1
	var text strings.Builder
	var a model.Annotation
	for k := 0; k < 10; k++ {
		text.WriteString(base.Text + "😀")
		for _, sp := range base.Annotation.Spans[:2] {
			sp.ID = sp.ID + "_" + string(rune('a'+k))
			sp.Start += k * n
			sp.End += k * n
			a.Spans = append(a.Spans, sp)
		}
		a.Relations = append(a.Relations, model.Relation{Type: "mentions", Head: a.Spans[2*k].ID, Tail: a.Spans[2*k+1].ID})
	}
	a.Labels = []string{"vaccination"}
	if err := annotate.ValidateAnnotation(s, text.String(), a); err != nil {
		b.Fatal(err)
	}
	txt := text.String()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := annotate.ValidateAnnotation(s, txt, a); err != nil {
			b.Fatal(err)
		}
	}
}
