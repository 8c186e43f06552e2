package annotate_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/model"
)

// clinicSchema is the schema of the clinic posts: who, what, where and when, the
// vaccination event, and the post's topics.
func clinicSchema() model.LabelSchema {
	return model.LabelSchema{
		ID:       "clinic",
		Entities: []string{"Patient", "Vaccine", "Drug", "Symptom", "Hospital", "Date", "Vaccinate"},
		Relations: []model.RelationType{
			{Name: "takes", Head: []string{"Patient"}, Tail: []string{"Drug"}},
			{Name: "has_symptom", Head: []string{"Patient"}, Tail: []string{"Symptom"}},
			{Name: "mentions"}, // any label at either end
		},
		Events: []model.EventType{{
			Name:    "vaccination",
			Trigger: "Vaccinate",
			Roles: []model.EventRole{
				{Name: "patient", Labels: []string{"Patient"}},
				{Name: "vaccine", Labels: []string{"Vaccine"}},
				{Name: "time", Labels: []string{"Date"}},
				{Name: "place", Labels: []string{"Hospital"}},
				{Name: "note"}, // any label
			},
		}},
		Classes:    []string{"vaccination", "follow-up", "medication", "repost"},
		MultiLabel: true,
	}
}

// goldDocs returns testdata/annotate/annotated.json: real posts (and two derived ones
// with emoji) with annotations whose offsets Python computed.
func goldDocs(t testing.TB) []annotate.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "annotate", "annotated.json"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []annotate.Document
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) < 7 {
		t.Fatalf("annotated.json has %d documents, want 7", len(docs))
	}
	return docs
}

func goldDoc(t testing.TB, id string) annotate.Document {
	t.Helper()
	for _, d := range goldDocs(t) {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no gold document %s", id)
	return annotate.Document{}
}

// comments returns the 60 clinic posts of testdata/annotate/comments.ndjson.
func comments(t testing.TB) []annotate.Document {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "annotate", "comments.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []annotate.Document
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, annotate.Document{ID: c.ID, Text: c.Text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 60 {
		t.Fatalf("comments.ndjson has %d posts, want 60", len(docs))
	}
	return docs
}

// wantInvalid fails unless err is model.EINVALID and its message holds every want.
func wantInvalid(t *testing.T, err error, wants ...string) {
	t.Helper()
	if got := model.ErrorCode(err); got != model.EINVALID {
		t.Fatalf("error code = %q (%v), want %q", got, err, model.EINVALID)
	}
	msg := model.ErrorMessage(err)
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q\n  does not contain %q", msg, w)
		}
	}
}
