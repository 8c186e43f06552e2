package service

import (
	"testing"

	"github.com/mms-platform/mms/model"
)

// TestCanonicalAnnotationAgreement: two versions agree when their content is
// the same, whatever span ids and order each annotator chose, and differ on
// any label, offset, relation, event argument or document label.
func TestCanonicalAnnotationAgreement(t *testing.T) {
	base := func() *model.Annotation {
		return &model.Annotation{
			Spans:     []model.Span{{ID: "a", Start: 0, End: 5, Label: "Patient"}, {ID: "b", Start: 7, End: 11, Label: "Hospital"}},
			Relations: []model.Relation{{Type: "at", Head: "a", Tail: "b"}},
			Events:    []model.Event{{Type: "Visit", Trigger: "b", Arguments: []model.EventArg{{Role: "who", Span: "a"}}}},
			Labels:    []string{"neutral", "positive"},
		}
	}
	same := &model.Annotation{ // other ids, other order
		Spans:     []model.Span{{ID: "s2", Start: 7, End: 11, Label: "Hospital"}, {ID: "s1", Start: 0, End: 5, Label: "Patient"}},
		Relations: []model.Relation{{Type: "at", Head: "s1", Tail: "s2"}},
		Events:    []model.Event{{Type: "Visit", Trigger: "s2", Arguments: []model.EventArg{{Role: "who", Span: "s1"}}}},
		Labels:    []string{"positive", "neutral"},
	}
	if canonicalAnnotation(base()) != canonicalAnnotation(same) {
		t.Fatalf("the same content with other span ids and order disagrees:\n%q\n%q", canonicalAnnotation(base()), canonicalAnnotation(same))
	}
	for name, change := range map[string]func(a *model.Annotation){
		"label":           func(a *model.Annotation) { a.Spans[0].Label = "Doctor" },
		"end offset":      func(a *model.Annotation) { a.Spans[1].End = 12 },
		"missing span":    func(a *model.Annotation) { a.Spans = a.Spans[:1]; a.Relations = nil; a.Events = nil },
		"relation type":   func(a *model.Annotation) { a.Relations[0].Type = "near" },
		"relation turned": func(a *model.Annotation) { a.Relations[0].Head, a.Relations[0].Tail = "b", "a" },
		"event role":      func(a *model.Annotation) { a.Events[0].Arguments[0].Role = "whom" },
		"document label":  func(a *model.Annotation) { a.Labels = []string{"positive"} },
	} {
		a := base()
		change(a)
		if canonicalAnnotation(a) == canonicalAnnotation(base()) {
			t.Errorf("%s changed, yet the versions agree", name)
		}
	}
}

// TestInReviewFilter: which summaries each filter lists.
func TestInReviewFilter(t *testing.T) {
	yes, no := true, false
	items := map[string]*model.ReviewQueueItem{
		"one submitted":  {Submitted: 1},
		"two agree":      {Submitted: 2, Agree: &yes},
		"two disagree":   {Submitted: 2, Agree: &no},
		"disagree, gold": {Submitted: 2, Agree: &no, Gold: true},
		"gold only":      {Gold: true},
		"drafts only":    {Drafts: 2},
	}
	want := map[model.ReviewFilter][]string{
		model.ReviewFilterToReview: {"one submitted", "two agree", "two disagree"},
		model.ReviewFilterDisagree: {"two disagree"},
		model.ReviewFilterReviewed: {"disagree, gold", "gold only"},
		model.ReviewFilterAll:      {"one submitted", "two agree", "two disagree", "disagree, gold", "gold only"},
	}
	for f, names := range want {
		listed := map[string]bool{}
		for _, n := range names {
			listed[n] = true
		}
		for n, it := range items {
			if got := inReviewFilter(f, it); got != listed[n] {
				t.Errorf("%s lists %q: %v, want %v", f, n, got, listed[n])
			}
		}
	}
}
