package annotate

import (
	"encoding/json"
	"testing"

	"github.com/mms-platform/mms/model"
)

var fuzzSchema = model.LabelSchema{
	Entities:  []string{"Patient", "Vaccine", "Time"},
	Relations: []model.RelationType{{Name: "got", Head: []string{"Patient"}, Tail: []string{"Vaccine"}}},
	Events:    []model.EventType{{Name: "Vaccination", Trigger: "Vaccine", Roles: []model.EventRole{{Name: "patient", Labels: []string{"Patient"}}}}},
	Classes:   []string{"pos", "neg"},
}

// FuzzValidateAnnotation: any annotation of any text is either valid, with every
// span's text equal to its code-point slice, or refused with an error; never a panic.
func FuzzValidateAnnotation(f *testing.F) {
	f.Add("P0001打了新冠疫苗😀", []byte(`{"spans": [{"id": "a", "start": 0, "end": 5, "label": "Patient", "text": "P0001"}, {"id": "b", "start": 7, "end": 11, "label": "Vaccine", "text": "新冠疫苗"}], "relations": [{"type": "got", "head": "a", "tail": "b"}]}`))
	f.Add("abc", []byte(`{"spans": [{"id": "a", "start": 2, "end": 1, "label": "Patient", "text": ""}]}`))
	f.Add("e\u0301 👍🏽", []byte(`{"spans": [{"id": "a", "start": 0, "end": 2, "label": "Time", "text": "e\u0301"}], "labels": ["pos", "neg"]}`))
	f.Fuzz(func(t *testing.T, text string, raw []byte) {
		var a model.Annotation
		if json.Unmarshal(raw, &a) != nil {
			return
		}
		if err := ValidateAnnotation(fuzzSchema, text, a); err != nil {
			return
		}
		for _, s := range a.Spans {
			if got, ok := Slice(text, s.Start, s.End); !ok || got != s.Text {
				t.Fatalf("accepted span %+v whose slice is %q", s, got)
			}
		}
	})
}
