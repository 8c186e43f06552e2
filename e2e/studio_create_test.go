package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestStudioCreateInBrowser walks an owner through starting work in MMS Studio
// without GraphQL (studio/e2e/create.mjs): a new dataset, a file of posts
// uploaded into it, and a new annotation task with a new label schema (with
// an event type of two roles), a pattern, a gazetteer drawn from another
// dataset's keys and one annotator ticked; the first try fails on the server
// after the schema was made, and the retry reuses the schema. A second task,
// on sensitive text, uses schema triage, made here and used by no task, so
// that only labelSchemas can offer it, chosen from the list; it carries the
// owner's decision to let alice read the text. Then an annotator not listed
// sees the task as not assigned to them, and an admin chooses the team of a new
// dataset from the list of teams. What was chosen is checked here, through the API.
func TestStudioCreateInBrowser(t *testing.T) {
	node := studioPrereqs(t)
	s := newTestServer(t, nil)
	admin := testAdminKey
	owner, _ := s.createKey(t, "ward", "OWNER")
	key := func(name string) (secret, principal string) {
		r := s.mustGQL(t, admin, `mutation($n: String!) { createApiKey(input: {team: "ward", role: ANNOTATOR, name: $n}) { secret key { id } } }`, map[string]any{"n": name})
		return r.str("createApiKey", "secret"), "key:" + r.str("createApiKey", "key", "id")
	}
	alice, aliceID := key("alice")
	bob, _ := key("bob")
	// the patients the gazetteer draws its terms from (their keys)
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "patients", name: "Patients", team: "ward", keyField: "id"}) { id } }`, nil)
	ing := s.mustGQL(t, admin, `mutation { ingest(input: {dataset: "patients", source: "registry", format: NDJSON,
		records: [{id: "P0001", age: 34}, {id: "P0002", age: 51}]}) { id } }`, nil)
	s.waitJob(t, admin, ing.str("ingest", "id"))
	// clinical notes whose text is sensitive: a task on them needs the owner's decision
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "notes", name: "Notes", team: "ward", keyField: "id",
		fields: [{name: "id", type: STRING}, {name: "note", type: TEXT, sensitive: true}]}) { id } }`, nil)
	ing = s.mustGQL(t, admin, `mutation { ingest(input: {dataset: "notes", source: "ehr", format: NDJSON,
		records: [{id: "n1", note: "P0001 转至华西医院"}]}) { id } }`, nil)
	s.waitJob(t, admin, ing.str("ingest", "id"))
	// A schema no task uses: the owner finds it only through labelSchemas. And
	// a second team, with a schema the owner may not read, for the admin to choose.
	s.mustGQL(t, admin, `mutation { createLabelSchema(input: {id: "triage", team: "ward", entities: ["Patient", "Drug", "Dose"],
		events: [{name: "prescription", trigger: "Drug", roles: [{name: "patient", labels: ["Patient"]}, {name: "dose", labels: ["Dose", "Drug"]}]}],
		classes: ["urgent", "routine"]}) { id } }`, nil)
	s.mustGQL(t, admin, `mutation { createTeam(input: {id: "research", name: "Research lab"}) { id } }`, nil)
	s.mustGQL(t, admin, `mutation { createLabelSchema(input: {id: "lab-notes", team: "research", entities: ["Gene"]}) { id } }`, nil)

	shots := os.Getenv("MMS_STUDIO_SCREENSHOTS")
	if shots != "" {
		shots, _ = filepath.Abs(shots)
	}
	out, err := repoCommand(node, "studio/e2e/create.mjs", s.URL, owner, alice, bob, admin, shots).CombinedOutput()
	if err != nil {
		t.Fatalf("studio/e2e/create.mjs: %v\n%s", err, out)
	}
	t.Logf("studio/e2e/create.mjs:\n%s", out)

	// The dataset made in the browser, and the file uploaded into it.
	d := s.mustGQL(t, admin, `{ dataset(id: "posts") { name description team keyField documentCount fields { name } } }`, nil)
	if d.str("dataset", "name") != "Weibo posts" || d.str("dataset", "description") != "Posts mentioning patients" || d.str("dataset", "team") != "ward" ||
		d.str("dataset", "keyField") != "id" || num(d.get("dataset", "documentCount")) != 3 {
		t.Errorf("dataset posts: %v", d.Data)
	}
	if r := s.mustGQL(t, admin, `{ dataset(id: "admin-made") { team } }`, nil); r.str("dataset", "team") != "research" {
		t.Errorf("the admin's dataset: %v", r.Data)
	}
	// The task: its dataset, text field, schema, the one annotator ticked, overlap and guidelines.
	task := s.mustGQL(t, admin, `{ annotationTask(id: "vax-ner") { dataset textField schema team annotators overlap guidelines items allowSensitiveText } }`, nil)
	if got := fmt.Sprint(task.get("annotationTask")); got != fmt.Sprintf(
		"map[allowSensitiveText:false annotators:[%s] dataset:posts guidelines:Mark every patient id and hospital. items:3 overlap:1 schema:vax team:ward textField:text]", aliceID) {
		t.Errorf("task vax-ner: %s", got)
	}
	// The schema made before the task (once: the retry reused it), with its event type exactly.
	sc := s.mustGQL(t, admin, `{ labelSchema(id: "vax") { team entities relations { name head tail } events { name trigger roles { name labels } } classes multiLabel } }`, nil)
	if got := fmt.Sprint(sc.get("labelSchema")); got != "map[classes:[positive negative] entities:[Patient Hospital Vaccine] "+
		"events:[map[name:vaccination roles:[map[labels:[Patient] name:patient] map[labels:[Hospital] name:place]] trigger:Vaccine]] "+
		"multiLabel:false relations:[map[head:[Patient] name:vaccinated_at tail:[Hospital]]] team:ward]" {
		t.Errorf("schema vax: %s", got)
	}
	// Alice's items carry the suggestions: Patient for the keys of patients
	// (the gazetteer), Hospital for the pattern; P0009 is no patient's key.
	want := map[string][]string{
		"p1": {"gazetteer Patient P0001", "regex Hospital 华西医院"},
		"p2": {"gazetteer Patient P0002", "regex Hospital 协和医院"},
		"p3": nil,
	}
	hospital := regexp.MustCompile(`\p{Han}{2}医院`)
	for range want {
		it := s.mustGQL(t, alice, `{ nextAnnotationItem(task: "vax-ner") { document text suggestions { source span { start end label text } } } }`, nil)
		doc, text := it.str("nextAnnotationItem", "document"), []rune(it.str("nextAnnotationItem", "text"))
		w, ok := want[doc]
		if !ok {
			t.Fatalf("alice's next item: %v (want one of p1, p2, p3, once each)", it.Data)
		}
		delete(want, doc)
		var got []string
		sugs, _ := it.get("nextAnnotationItem", "suggestions").([]any)
		for _, x := range sugs {
			sg := x.(map[string]any)
			sp := sg["span"].(map[string]any)
			if start, end := num(sp["start"]), num(sp["end"]); string(text[start:end]) != sp["text"] {
				t.Errorf("%s: suggestion %v does not slice the text (code points)", doc, sg)
			}
			got = append(got, fmt.Sprintf("%s %s %s", sg["source"], sp["label"], sp["text"]))
		}
		slices.Sort(got)
		if fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("suggestions of %s: %v, want %v", doc, got, w)
		}
		if m := hospital.FindString(string(text)); (m != "") != strings.Contains(fmt.Sprint(got), "Hospital") {
			t.Errorf("%s: the pattern's match %q and the suggestions %v disagree", doc, m, got)
		}
		s.mustGQL(t, alice, `mutation($d: ID!) { saveAnnotation(input: {task: "vax-ner", document: $d, status: "submitted"}) { version } }`, map[string]any{"d": doc})
	}
	// The task on sensitive notes: the owner's decision, for alice only, with schema triage chosen from the list.
	nt := s.mustGQL(t, admin, `{ annotationTask(id: "notes-review") { schema annotators allowSensitiveText sensitiveFields items } }`, nil)
	if got := fmt.Sprint(nt.get("annotationTask")); got != fmt.Sprintf("map[allowSensitiveText:true annotators:[%s] items:1 schema:triage sensitiveFields:[note]]", aliceID) {
		t.Errorf("task notes-review: %s", got)
	}
	// Bob, not ticked, may not annotate it (the Studio showed it as not assigned to him).
	if r := s.gql(t, bob, `{ nextAnnotationItem(task: "vax-ner") { document } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("bob's next item: %+v %v", r.Errors, r.Data)
	}
}
