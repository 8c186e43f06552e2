package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// annotationSetup loads the clinic example (keys for the gazetteer) and the
// social-media posts, creates a schema and a task with overlap 2, and returns two
// annotator keys and their principal ids.
func annotationSetup(t *testing.T, s *testServer) (a1, a2, id1, id2 string) {
	t.Helper()
	loadClinic(t, s)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "posts", name: "Posts", team: "clinic", keyField: "id"}) { id } }`, nil)
	_, ing := s.ingestFile(t, testAdminKey, "posts", "weibo", "NDJSON", "UPSERT", repoPath("examples/clinic/comments.ndjson"), map[string]any{"key": map[string]any{"from": "id"}})
	if num(ing["inserted"]) != 60 {
		t.Fatalf("posts ingestion: %v", ing)
	}
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "clinical", team: "clinic",
		entities: ["Patient", "Vaccine", "Drug", "Symptom", "Hospital", "Time"],
		relations: [{name: "takes", head: ["Patient"], tail: ["Drug"]}],
		events: [{name: "Vaccination", trigger: "Vaccine", roles: [{name: "patient", labels: ["Patient"]}, {name: "place", labels: ["Hospital"]}, {name: "time", labels: ["Time"]}]}],
		classes: ["positive", "negative", "neutral"]}) { id } }`, nil)
	a1, id1 = s.createKey(t, "clinic", "ANNOTATOR")
	a2, id2 = s.createKey(t, "clinic", "ANNOTATOR")
	id1, id2 = "key:"+id1, "key:"+id2
	task := s.mustGQL(t, testAdminKey, `mutation($ann: [ID!]) { createAnnotationTask(input: {id: "posts-ner", dataset: "posts", textField: "text", schema: "clinical",
		annotators: $ann, overlap: 2, gazetteer: [{label: "Patient", dataset: "clinic"}, {label: "Drug", terms: ["阿卡波糖", "insulin", "二甲双胍"]}],
		patterns: [{label: "Vaccine", pattern: "(新冠|乙肝|流感)疫苗"}]}) { id items datasetVersion } }`, map[string]any{"ann": []string{id1, id2}})
	// The items' lineage: the version they were selected from (posts has one).
	if v := task.get("createAnnotationTask", "datasetVersion"); v == nil || num(v) != 1 {
		t.Fatalf("task drawn from dataset version %v, want 1", v)
	}
	return
}

func spanOf(text, sub, label, id string) map[string]any {
	i := strings.Index(text, sub)
	start := utf8.RuneCountInString(text[:i])
	return map[string]any{"id": id, "start": start, "end": start + utf8.RuneCountInString(sub), "label": label, "text": sub}
}

func TestAnnotationWorkflow(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	a1, a2, id1, _ := annotationSetup(t, s)
	// The team's label schemas, a page at a time, for its annotators too.
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "clinical-2", team: "clinic", entities: ["Drug"]}) { id } }`, nil)
	ls := s.mustGQL(t, a1, `{ labelSchemas(first: 1) { totalCount edges { node { id team entities } } pageInfo { hasNextPage endCursor } } }`, nil)
	if e, _ := ls.get("labelSchemas", "edges").([]any); len(e) != 1 || e[0].(map[string]any)["node"].(map[string]any)["id"] != "clinical" ||
		num(ls.get("labelSchemas", "totalCount")) != 2 || ls.get("labelSchemas", "pageInfo", "hasNextPage") != true {
		t.Fatalf("label schemas, first page: %v", ls.Data)
	}
	ls2 := s.mustGQL(t, a1, `query($a: String) { labelSchemas(first: 5, after: $a) { edges { node { id } } pageInfo { hasNextPage } } }`,
		map[string]any{"a": ls.str("labelSchemas", "pageInfo", "endCursor")})
	if e, _ := ls2.get("labelSchemas", "edges").([]any); len(e) != 1 || e[0].(map[string]any)["node"].(map[string]any)["id"] != "clinical-2" {
		t.Errorf("label schemas, second page: %v", ls2.Data)
	}
	next := `query { nextAnnotationItem(task: "posts-ner") { document text annotation { version } suggestions { id status source span { start end label text } } } }`
	it1 := s.mustGQL(t, a1, next, nil)
	doc, text := it1.str("nextAnnotationItem", "document"), it1.str("nextAnnotationItem", "text")
	if doc != "c001" || !strings.Contains(text, "P0464") {
		t.Fatalf("first item: %v", it1.Data)
	}
	sugs, _ := it1.get("nextAnnotationItem", "suggestions").([]any)
	var patientSug string
	for _, sg := range sugs {
		sg := sg.(map[string]any)
		if sg["span"].(map[string]any)["text"] == "P0464" && sg["span"].(map[string]any)["label"] == "Patient" {
			patientSug = sg["id"].(string)
		}
	}
	if patientSug == "" {
		t.Fatalf("no Patient suggestion from the clinic keys: %v", sugs)
	}
	// Overlap 2: the second annotator gets the same first item; a third would not.
	if d := s.mustGQL(t, a2, next, nil).str("nextAnnotationItem", "document"); d != "c001" {
		t.Errorf("second annotator's first item = %q", d)
	}
	// Accept the suggestion, then add a span and submit.
	acc := s.mustGQL(t, a1, `mutation($d: ID!, $s: ID!) { decideSuggestion(task: "posts-ner", document: $d, suggestion: $s, accept: true) { annotation { version spans { id label } } suggestions { id status } } }`,
		map[string]any{"d": doc, "s": patientSug})
	ver := num(acc.get("decideSuggestion", "annotation", "version"))
	save := `mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { version status spans { id } } }`
	spans := []any{spanOf(text, "P0464", "Patient", patientSug), spanOf(text, "新冠疫苗", "Vaccine", "v1"), spanOf(text, "口渴", "Symptom", "s1")}
	r := s.mustGQL(t, a1, save, map[string]any{"in": map[string]any{"task": "posts-ner", "document": doc, "spans": spans,
		"events": []any{map[string]any{"type": "Vaccination", "trigger": "v1", "arguments": []any{map[string]any{"role": "patient", "span": patientSug}}}},
		"labels": []string{"neutral"}, "status": "submitted", "version": ver}})
	if num(r.get("saveAnnotation", "version")) != ver+1 || r.str("saveAnnotation", "status") != "submitted" {
		t.Errorf("save: %v", r.Data)
	}
	// Saving again from the old version is a conflict.
	if r := s.gql(t, a1, save, map[string]any{"in": map[string]any{"task": "posts-ner", "document": doc, "spans": spans, "version": ver}}); !r.hasCode("CONFLICT") {
		t.Errorf("stale version: %+v", r.Errors)
	}
	// After submitting, the first annotator moves on to the next item.
	if d := s.mustGQL(t, a1, next, nil).str("nextAnnotationItem", "document"); d != "c002" {
		t.Errorf("next item after submitting = %q", d)
	}
	// The second annotator labels the same item a bit differently.
	s.mustGQL(t, a2, save, map[string]any{"in": map[string]any{"task": "posts-ner", "document": doc,
		"spans": []any{spanOf(text, "P0464", "Patient", "p"), spanOf(text, "新冠疫苗", "Vaccine", "v")}, "labels": []string{"neutral"}, "status": "submitted"}})

	agr := s.mustGQL(t, testAdminKey, `{ agreement(task: "posts-ner") { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }
		annotationTask(id: "posts-ner") { items stats { items completeItems annotators { annotator submitted drafts } labels { label count } } } }`, nil)
	if num(agr.get("agreement", "items")) != 1 || agr.get("agreement", "spanF1").(float64) < 0.79 || agr.get("agreement", "spanF1").(float64) > 0.81 {
		t.Errorf("agreement: %v", agr.get("agreement"))
	}
	if num(agr.get("annotationTask", "items")) != 60 || num(agr.get("annotationTask", "stats", "completeItems")) != 1 {
		t.Errorf("stats: %v", agr.get("annotationTask"))
	}
	// The review queue: c001 (two versions that differ), c002 (one, after a1
	// submits it), in key order, a page at a time; annotators may not list it.
	it2 := s.mustGQL(t, a1, next, nil)
	s.mustGQL(t, a1, save, map[string]any{"in": map[string]any{"task": "posts-ner", "document": it2.str("nextAnnotationItem", "document"),
		"labels": []string{"positive"}, "status": "submitted"}})
	queue := func(filter string, first int, after any) gqlResponse {
		return s.mustGQL(t, testAdminKey, `query($f: ReviewFilter, $n: Int, $a: String) { reviewQueue(task: "posts-ner", filter: $f, first: $n, after: $a) {
			totalCount edges { cursor node { document annotators submitted drafts agree gold } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"f": filter, "n": first, "a": after})
	}
	docsOf := func(r gqlResponse) (out []string) {
		es, _ := r.get("reviewQueue", "edges").([]any)
		for _, e := range es {
			out = append(out, e.(map[string]any)["node"].(map[string]any)["document"].(string))
		}
		return out
	}
	p1 := queue("TO_REVIEW", 1, nil)
	if got := docsOf(p1); !slices.Equal(got, []string{"c001"}) || num(p1.get("reviewQueue", "totalCount")) != 2 || p1.get("reviewQueue", "pageInfo", "hasNextPage") != true {
		t.Fatalf("review queue, first page: %v", p1.Data)
	}
	if n := p1.get("reviewQueue", "edges").([]any)[0].(map[string]any)["node"].(map[string]any); num(n["submitted"]) != 2 || n["agree"] != false || n["gold"] != false || len(n["annotators"].([]any)) != 2 {
		t.Errorf("c001 in the queue: %v", n)
	}
	p2 := queue("TO_REVIEW", 1, p1.str("reviewQueue", "pageInfo", "endCursor"))
	if got := docsOf(p2); !slices.Equal(got, []string{"c002"}) || p2.get("reviewQueue", "pageInfo", "hasNextPage") != false ||
		p2.get("reviewQueue", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["agree"] != nil {
		t.Errorf("review queue, second page: %v", p2.Data)
	}
	if got := docsOf(queue("DISAGREE", 10, nil)); !slices.Equal(got, []string{"c001"}) {
		t.Errorf("disagreeing items: %v", got)
	}
	if r := s.gql(t, a1, `{ reviewQueue(task: "posts-ner") { totalCount } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("annotator lists the review queue: %+v", r.Errors)
	}
	if r := s.gql(t, testAdminKey, `{ reviewQueue(task: "posts-ner", after: "bm90LWEtY3Vyc29y") { totalCount } }`, nil); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("a foreign cursor: %+v", r.Errors)
	}
	// Review: every version, then the gold one.
	rv := s.mustGQL(t, testAdminKey, `{ reviewItem(task: "posts-ner", document: "c001") { text annotations { annotator version } gold { version } } }`, nil)
	if as, _ := rv.get("reviewItem", "annotations").([]any); len(as) != 2 || rv.get("reviewItem", "gold") != nil {
		t.Errorf("review: %v", rv.Data)
	}
	s.mustGQL(t, testAdminKey, `mutation($in: SaveAnnotationInput!) { saveGold(input: $in) { annotator version } }`, map[string]any{"in": map[string]any{
		"task": "posts-ner", "document": "c001", "spans": spans[:2], "labels": []string{"neutral"}, "status": "submitted"}})
	if got := docsOf(queue("REVIEWED", 10, nil)); !slices.Equal(got, []string{"c001"}) {
		t.Errorf("reviewed items: %v", got)
	}
	if got := docsOf(queue("TO_REVIEW", 10, nil)); !slices.Equal(got, []string{"c002"}) {
		t.Errorf("items to review after c001's gold version: %v", got)
	}
	if r := s.gql(t, a1, `{ reviewItem(task: "posts-ner", document: "c001") { text } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("annotator reviews: %+v", r.Errors)
	}
	// Annotators see only the text of their items, not the dataset: for them
	// it answers as a missing one (NOT_FOUND, or null from a nullable lookup).
	if r := s.gql(t, a1, `{ documents(dataset: "posts", first: 1) { totalCount } }`, nil); !r.hasCode("NOT_FOUND") {
		t.Errorf("annotator lists documents: %+v", r.Errors)
	}
	if r := s.gql(t, a1, `{ document(dataset: "clinic", key: "P0001") { fields } }`, nil); len(r.Errors) > 0 || r.get("document") != nil {
		t.Errorf("annotator reads a document: %v %+v", r.Data, r.Errors)
	}
	// Every save and review is on the audit log.
	audit := s.mustGQL(t, testAdminKey, `query($a: String) { auditLog(where: {actor: $a, resource: "task/posts-ner"}) { totalCount } }`, map[string]any{"a": id1})
	if num(audit.get("auditLog", "totalCount")) < 2 {
		t.Errorf("audit of annotator saves: %v", audit.Data)
	}
}

func TestAnnotationBadInput(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	a1, _, _, _ := annotationSetup(t, s)
	other, _ := s.createKey(t, "clinic", "ANNOTATOR") // not on the task
	it := s.mustGQL(t, a1, `query { nextAnnotationItem(task: "posts-ner") { document text } }`, nil)
	doc, text := it.str("nextAnnotationItem", "document"), it.str("nextAnnotationItem", "text")
	n := utf8.RuneCountInString(text)
	save := `mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { version } }`
	good := spanOf(text, "P0464", "Patient", "p")
	with := func(spans []any, extra map[string]any) map[string]any {
		in := map[string]any{"task": "posts-ner", "document": doc, "spans": spans}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	cases := []struct {
		name, token string
		vars        map[string]any
		code, words string
	}{
		{"offset beyond the text", a1, with([]any{map[string]any{"id": "x", "start": n - 1, "end": n + 5, "label": "Patient", "text": "x"}}, nil), "BAD_USER_INPUT", "beyond"},
		{"end before start", a1, with([]any{map[string]any{"id": "x", "start": 4, "end": 2, "label": "Patient", "text": "x"}}, nil), "BAD_USER_INPUT", "spans[0]"},
		{"span text does not match", a1, with([]any{map[string]any{"id": "x", "start": 0, "end": 5, "label": "Patient", "text": "P9999"}}, nil), "BAD_USER_INPUT", "match"},
		{"unknown label", a1, with([]any{spanOf(text, "P0464", "Doctor", "x")}, nil), "BAD_USER_INPUT", "Doctor"},
		{"relation to a missing span", a1, with([]any{good}, map[string]any{"relations": []any{map[string]any{"type": "takes", "head": "p", "tail": "nope"}}}), "BAD_USER_INPUT", "nope"},
		{"wrong role", a1, with([]any{good, spanOf(text, "新冠疫苗", "Vaccine", "v")}, map[string]any{"events": []any{map[string]any{"type": "Vaccination", "trigger": "v", "arguments": []any{map[string]any{"role": "doctor", "span": "p"}}}}}), "BAD_USER_INPUT", "doctor"},
		{"unknown class", a1, with([]any{good}, map[string]any{"labels": []string{"angry"}}), "BAD_USER_INPUT", "angry"},
		{"caller not on the task", other, with([]any{good}, nil), "FORBIDDEN", "not an annotator"},
		{"item not assigned to the caller", a1, map[string]any{"in": map[string]any{"task": "posts-ner", "document": "c005"}}, "FORBIDDEN", "not assigned"},
		{"item not in the task", a1, map[string]any{"in": map[string]any{"task": "posts-ner", "document": "zzz"}}, "NOT_FOUND", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.gql(t, tc.token, save, tc.vars)
			if !r.hasCode(tc.code) || (tc.words != "" && !strings.Contains(r.Errors[0].Message, tc.words)) {
				t.Errorf("got %+v, want %s mentioning %q", r.Errors, tc.code, tc.words)
			}
		})
	}
	// Emoji and mixed scripts: offsets are code points.
	ej := s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "posts", source: "emoji", format: NDJSON, key: {from: "id"}, records: [{id: "e1", text: "😀😀 P0001 打了流感疫苗 in Beijing 👍"}]}) { id } }`, nil)
	s.waitJob(t, testAdminKey, ej.str("ingest", "id"))
	s.mustGQL(t, testAdminKey, `mutation { createAnnotationTask(input: {id: "emoji", dataset: "posts", textField: "text", schema: "clinical", where: [{field: "id", op: "eq", value: "e1"}]}) { id } }`, nil)
	e := s.mustGQL(t, a1, `{ nextAnnotationItem(task: "emoji") { document text } }`, nil)
	etext := e.str("nextAnnotationItem", "text")
	sp := spanOf(etext, "流感疫苗", "Vaccine", "v")
	if sp["start"] != 11 {
		t.Fatalf("code point offset of 流感疫苗 = %v, want 11", sp["start"])
	}
	if r := s.gql(t, a1, save, map[string]any{"in": map[string]any{"task": "emoji", "document": "e1", "spans": []any{sp, spanOf(etext, "P0001", "Patient", "p")}}}); len(r.Errors) > 0 {
		t.Errorf("emoji text: %+v", r.Errors)
	}
	// Byte offsets instead of code points are caught.
	byteStart := strings.Index(etext, "流感疫苗")
	bad := map[string]any{"id": "v", "start": byteStart, "end": byteStart + 4, "label": "Vaccine", "text": "流感疫苗"}
	if r := s.gql(t, a1, save, map[string]any{"in": map[string]any{"task": "emoji", "document": "e1", "spans": []any{bad}, "version": 1}}); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("byte offsets: %+v", r.Errors)
	}
}

// Gold document labels become a dataset field that train can learn from with
// hashed word and character n-grams of the text.
func TestGoldLabelsTrainTextClassifier(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	annotationSetup(t, s)
	docs := s.mustGQL(t, testAdminKey, `{ documents(dataset: "posts", first: 100) { edges { node { key fields } } } }`, nil)
	edges, _ := docs.get("documents", "edges").([]any)
	gold := `mutation($in: SaveAnnotationInput!) { saveGold(input: $in) { version } }`
	counts := map[string]int{}
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		text, _ := n["fields"].(map[string]any)["text"].(string)
		label := "neutral"
		switch {
		case strings.ContainsAny(text, "良好正常") || strings.Contains(text, "normal") || strings.Contains(text, "fine"):
			label = "positive"
		case strings.Contains(text, "口渴") || strings.Contains(text, "多尿") || strings.Contains(text, "thirst"):
			label = "negative"
		}
		if label == "neutral" {
			continue
		}
		counts[label]++
		s.mustGQL(t, testAdminKey, gold, map[string]any{"in": map[string]any{"task": "posts-ner", "document": n["key"], "labels": []string{label}, "status": "submitted"}})
	}
	if counts["positive"] < 3 || counts["negative"] < 3 {
		t.Fatalf("too few gold labels to train: %v", counts)
	}
	r := s.mustGQL(t, testAdminKey, `mutation { writeGoldLabels(task: "posts-ner", field: "sentiment") { id } }`, nil)
	job := s.waitJob(t, testAdminKey, r.str("writeGoldLabels", "id"))
	if job["status"] != "SUCCEEDED" || num(job["result"].(map[string]any)["written"]) != counts["positive"]+counts["negative"] {
		t.Fatalf("writeGoldLabels: %v (gold %v)", job, counts)
	}
	ds := s.mustGQL(t, testAdminKey, `{ dataset(id: "posts") { fields { name type enum } } documents(dataset: "posts", where: [{field: "sentiment", op: "eq", value: "negative"}]) { totalCount } }`, nil)
	if num(ds.get("documents", "totalCount")) != counts["negative"] || !strings.Contains(fmt.Sprint(ds.get("dataset", "fields")), "name:sentiment type:CATEGORY") {
		t.Errorf("dataset after gold labels: %v", ds.Data)
	}
	tr := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "sentiment", dataset: "posts", label: "sentiment", positiveClass: "negative", features: ["text"],
		preprocessing: [{name: "text", type: "text", text: {wordNgrams: [1, 1], charNgrams: [1, 2], buckets: 4096}}], testFraction: 0}) { id } }`, nil)
	tj := s.waitJob(t, testAdminKey, tr.str("train", "id"))
	if tj["status"] != "SUCCEEDED" {
		t.Fatalf("text classifier: %v", tj)
	}
	p := s.mustGQL(t, testAdminKey, `{ predict(model: "sentiment", inputs: [{text: "P0100打完疫苗后口渴多尿"}, {text: "P0200复查一切正常，控制良好"}]) { probability label } }`, nil)
	neg, pos := p.get("predict", 0, "probability").(float64), p.get("predict", 1, "probability").(float64)
	if !(neg > pos) {
		t.Errorf("the text classifier should find the first post more negative: %v vs %v", neg, pos)
	}
}

// Export in every format and import back: what a format can hold survives.
func TestAnnotationExportImport(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	a1, _, _, _ := annotationSetup(t, s)
	it := s.mustGQL(t, a1, `{ nextAnnotationItem(task: "posts-ner") { document text } }`, nil)
	doc, text := it.str("nextAnnotationItem", "document"), it.str("nextAnnotationItem", "text")
	gold := map[string]any{"task": "posts-ner", "document": doc, "status": "submitted", "labels": []string{"neutral"},
		"spans": []any{spanOf(text, "P0464", "Patient", "1"), spanOf(text, "新冠疫苗", "Vaccine", "2"), spanOf(text, "口渴", "Symptom", "3")}}
	s.mustGQL(t, testAdminKey, `mutation($in: SaveAnnotationInput!) { saveGold(input: $in) { version } }`, map[string]any{"in": gold})
	get := func(format string) (int, string, string) {
		req, _ := http.NewRequest("GET", s.URL+"/tasks/posts-ner/export?format="+format, nil)
		req.Header.Set("Authorization", "Bearer "+testAdminKey)
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	st, _, body := get("doccano")
	if st != 200 || !strings.Contains(body, `"label":"Vaccine"`) || !strings.Contains(body, `"cats":["neutral"]`) {
		t.Errorf("doccano: %d %s", st, body)
	}
	if st, _, body := get("conll"); st != 200 || !strings.Contains(body, "P0464\tB-Patient") || !strings.Contains(body, "新\tB-Vaccine") || !strings.Contains(body, "苗\tI-Vaccine") {
		t.Errorf("conll: %d %s", st, body)
	}
	if st, _, body := get("labelstudio"); st != 200 || !strings.Contains(body, `"predictions"`) {
		t.Errorf("label studio: %d %.200s", st, body)
	}
	// The Label Studio project config for that export declares the controls
	// its results name, and the schema's labels.
	cfg := s.mustGQL(t, a1, `{ annotationTask(id: "posts-ner") { labelStudioConfig } }`, nil).str("annotationTask", "labelStudioConfig")
	for _, want := range []string{`<Labels name="label" toName="text">`, `<Label value="Vaccine"/>`, `<Choices name="class" toName="text"`, `<Choice value="neutral"/>`, `<Text name="text" value="$text"/>`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("labelStudioConfig lacks %s:\n%s", want, cfg)
		}
	}
	st, ctype, zipped := get("brat")
	if st != 200 || ctype != "application/zip" {
		t.Errorf("brat: %d %s", st, ctype)
	}
	if st, _, _ := get("excel"); st != 400 {
		t.Errorf("unknown format: %d", st)
	}
	// Import the doccano export and the brat archive back, as the admin's annotations.
	for _, tc := range []struct{ format, name, data string }{{"BRAT", "x.zip", zipped}, {"DOCCANO", "x.jsonl", body}} {
		r := s.upload(t, testAdminKey, `mutation($f: Upload!, $fmt: AnnotationFormat!) { importAnnotations(task: "posts-ner", format: $fmt, file: $f) }`,
			map[string]any{"f": nil, "fmt": tc.format}, "f", tc.name, []byte(tc.data))
		if len(r.Errors) > 0 || num(r.get("importAnnotations")) != 1 {
			t.Errorf("import %s: %v %+v", tc.format, r.Data, r.Errors)
		}
	}
	back := s.mustGQL(t, testAdminKey, `{ reviewItem(task: "posts-ner", document: "c001") { annotations { annotator labels spans { start end label text } } } }`, nil)
	if !strings.Contains(fmt.Sprint(back.Data), "label:Vaccine") || !strings.Contains(fmt.Sprint(back.Data), "neutral") {
		t.Errorf("imported annotation: %v", back.Data)
	}
	bad := s.upload(t, testAdminKey, `mutation($f: Upload!) { importAnnotations(task: "posts-ner", format: DOCCANO, file: $f) }`,
		map[string]any{"f": nil}, "f", "bad.jsonl", []byte(`{"id": "c001", "text": "other text", "entities": []}`+"\n"))
	if !bad.hasCode("BAD_USER_INPUT") {
		t.Errorf("import with a different text: %+v", bad.Errors)
	}
	if r := s.gql(t, a1, `mutation($f: Upload) { importAnnotations(task: "posts-ner", format: DOCCANO, file: $f) }`, nil); len(r.Errors) == 0 {
		t.Errorf("annotator import: %+v", r)
	}
}

// claimEnv is the posts of annotationSetup with three annotators, called
// through the service (so that goroutines can call it), a movable clock and a
// store that counts the calls nextAnnotationItem makes.
type claimEnv struct {
	s     *testServer
	ctxs  []context.Context // one per annotator
	ids   []string
	clock atomic.Int64 // offset of the service's clock, ns
	calls *countingStore
}

// countingStore counts the item and slot lookups of the annotation store.
type countingStore struct {
	service.AnnotationStore
	n atomic.Int64
}

func (c *countingStore) TaskItemAt(ctx context.Context, task string, seq int) (string, error) {
	c.n.Add(1)
	return c.AnnotationStore.TaskItemAt(ctx, task, seq)
}

func (c *countingStore) ClaimSlot(ctx context.Context, task, doc string, s int, who string, now, until time.Time, stale func(model.Claim) bool) (bool, *model.Claim, error) {
	c.n.Add(1)
	return c.AnnotationStore.ClaimSlot(ctx, task, doc, s, who, now, until, stale)
}

func (c *countingStore) TaskItems(ctx context.Context, task string, fn func(model.TaskItem) error) error {
	c.n.Add(1000) // a walk over the task: never on the claim path
	return c.AnnotationStore.TaskItems(ctx, task, fn)
}

func newClaimEnv(t *testing.T, task string, overlap int, where string) *claimEnv {
	t.Helper()
	s := newTestServer(t, nil)
	annotationSetup(t, s)
	e := &claimEnv{s: s}
	svc := s.app.Service
	svc.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(e.clock.Load())) }
	e.calls = &countingStore{AnnotationStore: svc.Annotations}
	svc.Annotations = e.calls
	var secrets []string
	for range 3 {
		sec, id := s.createKey(t, "clinic", "ANNOTATOR")
		secrets, e.ids = append(secrets, sec), append(e.ids, "key:"+id)
	}
	for _, sec := range secrets {
		p, err := s.app.Authn.Authenticate(context.Background(), sec)
		if err != nil {
			t.Fatal(err)
		}
		e.ctxs = append(e.ctxs, model.NewContextWithPrincipal(context.Background(), p))
	}
	s.mustGQL(t, testAdminKey, `mutation($id: ID!, $ann: [ID!], $k: Int, $w: [FieldFilter!]) { createAnnotationTask(input: {id: $id, dataset: "posts",
		textField: "text", schema: "clinical", annotators: $ann, overlap: $k, where: $w}) { id } }`,
		map[string]any{"id": task, "ann": e.ids, "k": overlap, "w": whereOf(where)})
	return e
}

func whereOf(ids string) any {
	if ids == "" {
		return nil
	}
	return []any{map[string]any{"field": "id", "op": "in", "value": strings.Split(ids, ",")}}
}

// next is annotator k's nextAnnotationItem ("" when nothing is left).
func (e *claimEnv) next(k int, task string) (string, error) {
	it, err := e.s.app.Service.NextAnnotationItem(e.ctxs[k], task)
	if err != nil || it == nil {
		return "", err
	}
	return it.Document, nil
}

// submit saves annotator k's annotation of doc as submitted.
func (e *claimEnv) submit(k int, task, doc string) error {
	st := model.AnnotationSubmitted
	_, err := e.s.app.Service.SaveAnnotation(e.ctxs[k], model.SaveAnnotationInput{Task: task, Document: doc, Labels: []string{"neutral"}, Status: &st})
	return err
}

// Three annotators take and submit items at once on a task with overlap 2:
// every item gets exactly two annotators, two annotators never hold the same
// slot, and no annotator gets an item twice. nextAnnotationItem's cost does
// not grow with the items already done.
func TestAnnotationClaimsConcurrent(t *testing.T) {
	t.Parallel()
	e := newClaimEnv(t, "claims", 2, "")
	const items = 60
	got := make([][]string, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for k := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				doc, err := e.next(k, "claims")
				if err != nil || doc == "" {
					errs[k] = err
					return
				}
				// Asking again before submitting gives the same item.
				if again, err := e.next(k, "claims"); err != nil || again != doc {
					errs[k] = fmt.Errorf("held %s, asked again: %q %v", doc, again, err)
					return
				}
				got[k] = append(got[k], doc)
				if errs[k] = e.submit(k, "claims", doc); errs[k] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Fatalf("annotator %d: %v", k, err)
		}
	}
	per := map[string][]int{}
	for k, docs := range got {
		sorted := slices.Clone(docs)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(docs) {
			t.Errorf("annotator %d got an item twice: %v", k, docs)
		}
		for _, d := range docs {
			per[d] = append(per[d], k)
		}
	}
	if len(per) != items {
		t.Errorf("%d items handed out, want %d", len(per), items)
	}
	for d, ks := range per {
		if len(ks) != 2 {
			t.Errorf("item %s went to annotators %v, want exactly 2 (overlap)", d, ks)
		}
	}
	if n := len(got[0]) + len(got[1]) + len(got[2]); n != 2*items {
		t.Errorf("%d slots taken, want %d", n, 2*items)
	}
	// The slots themselves: two distinct holders per item.
	for d := range per {
		cs, err := e.calls.Claims(context.Background(), "claims", d, 2)
		if err != nil || len(cs) != 2 || cs[0].Annotator == cs[1].Annotator {
			t.Errorf("claims on %s: %+v %v", d, cs, err)
		}
	}
	// Everything is taken: a call finds nothing, and looks at no item again
	// until a lease could lapse (all are submitted here).
	for k := range 3 {
		if d, err := e.next(k, "claims"); d != "" || err != nil {
			t.Errorf("annotator %d after the end: %q %v", k, d, err)
		}
		before := e.calls.n.Load()
		if d, err := e.next(k, "claims"); d != "" || err != nil {
			t.Errorf("annotator %d after the end: %q %v", k, d, err)
		}
		if n := e.calls.n.Load() - before; n != 0 {
			t.Errorf("annotator %d: %d item lookups after the task was done, want 0", k, n)
		}
	}
	st := e.s.mustGQL(t, testAdminKey, `{ annotationTask(id: "claims") { stats { completeItems } } }`, nil)
	if n := num(st.get("annotationTask", "stats", "completeItems")); n != items {
		t.Errorf("complete items = %d, want %d", n, items)
	}
}

// One annotator alone walks a task: each call looks at a bounded number of
// items and slots, however far into the task it is.
func TestAnnotationNextCostFlat(t *testing.T) {
	t.Parallel() // its own server; it counts store calls, not time
	e := newClaimEnv(t, "flat", 1, "")
	var costs []int64
	for {
		before := e.calls.n.Load()
		doc, err := e.next(0, "flat")
		if err != nil {
			t.Fatal(err)
		}
		costs = append(costs, e.calls.n.Load()-before)
		if doc == "" {
			break
		}
		if err := e.submit(0, "flat", doc); err != nil {
			t.Fatal(err)
		}
	}
	if len(costs) != 61 {
		t.Fatalf("%d calls, want 60 items and a last nil", len(costs))
	}
	for i, c := range costs[:60] {
		if c != 2 { // the item at the cursor, its one slot
			t.Fatalf("call %d made %d item/slot lookups, want 2: %v", i, c, costs)
		}
	}
}

// Leases: an item held past its lease by an annotator who did not submit goes
// to another (here one whose walk is at the end: it is found among the open
// claims); the one who lost it can no longer save it and never gets it back; a
// submitted item is never handed out again, lease or not.
func TestAnnotationLeases(t *testing.T) {
	t.Parallel()
	e := newClaimEnv(t, "lease", 1, "c001,c002,c003")
	d0, err := e.next(0, "lease")
	if err != nil || d0 != "c001" {
		t.Fatalf("annotator 0 first item: %q %v", d0, err)
	}
	var done []string
	for {
		d, err := e.next(1, "lease")
		if err != nil {
			t.Fatal(err)
		}
		if d == "" {
			break
		}
		if d == d0 {
			t.Fatalf("annotator 1 got %s while annotator 0 holds it", d)
		}
		done = append(done, d)
		if err := e.submit(1, "lease", d); err != nil {
			t.Fatal(err)
		}
	}
	if len(done) != 2 {
		t.Fatalf("annotator 1 got %v, want the two free items", done)
	}
	// While the lease runs, asking again costs no item lookup.
	before := e.calls.n.Load()
	if d, _ := e.next(1, "lease"); d != "" || e.calls.n.Load() != before {
		t.Errorf("annotator 1 asked again: %q with %d lookups, want nothing and none", d, e.calls.n.Load()-before)
	}
	// Annotator 0 keeps its item (asking again renews the lease).
	if d, _ := e.next(0, "lease"); d != d0 {
		t.Fatalf("annotator 0 asked again: %q", d)
	}
	e.clock.Store(int64(31 * time.Minute)) // the lease lapses
	d, err := e.next(1, "lease")
	if err != nil || d != d0 {
		t.Fatalf("after the lease: annotator 1 got %q %v, want %s", d, err, d0)
	}
	if d, _ := e.next(2, "lease"); d != "" {
		t.Errorf("annotator 2 got %q, want nothing (two items submitted, the other held)", d)
	}
	if err := e.submit(0, "lease", d0); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Errorf("annotator 0 saves the item it lost: %v, want FORBIDDEN", err)
	}
	if d, _ := e.next(0, "lease"); d != "" {
		t.Errorf("annotator 0 got %q after losing its item, want nothing", d)
	}
	if err := e.submit(1, "lease", d0); err != nil {
		t.Fatal(err)
	}
	// Long after: every slot is submitted, nothing is handed out again.
	e.clock.Store(int64(48 * time.Hour))
	for k := range 3 {
		if d, err := e.next(k, "lease"); d != "" || err != nil {
			t.Errorf("annotator %d, two days later: %q %v", k, d, err)
		}
	}
	if open, err := e.calls.OpenClaims(context.Background(), "lease"); err != nil || len(open) != 0 {
		t.Errorf("open claims after every item was submitted: %+v %v", open, err)
	}
}

// A task stored before the item order was (no itemorder_ collection, claims
// without take or open records) still hands out every item once: the order is
// rebuilt on first use, and an annotator's own earlier claim is recognised.
func TestAnnotationLegacyTask(t *testing.T) {
	t.Parallel() // its own server and database
	e := newClaimEnv(t, "legacy", 1, "c001,c002,c003")
	d0, err := e.next(0, "legacy")
	if err != nil || d0 != "c001" {
		t.Fatalf("first item: %q %v", d0, err)
	}
	c, err := mongo.Connect(options.Client().ApplyURI(testStoreURI))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	db := c.Database(e.s.cfg.DBName)
	for _, col := range []string{"itemorder_legacy", "itemopen_legacy", "annotation_takes", "annotation_cursors"} {
		if _, err := db.Collection(col).DeleteMany(context.Background(), map[string]any{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Collection("itemorder_legacy").Drop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Annotator 0 still holds c001 (its claim), submits it and goes on.
	if d, err := e.next(0, "legacy"); err != nil || d != d0 {
		t.Fatalf("annotator 0 after the migration: %q %v, want %s", d, err, d0)
	}
	if err := e.submit(0, "legacy", d0); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{d0: true}
	for k := range 2 {
		d, err := e.next(k+1, "legacy")
		if err != nil || d == "" || seen[d] {
			t.Fatalf("annotator %d: %q %v (seen %v)", k+1, d, err, seen)
		}
		seen[d] = true
	}
	if d, err := e.next(0, "legacy"); d != "" || err != nil {
		t.Errorf("annotator 0 at the end: %q %v, want nothing", d, err)
	}
	if n, err := db.Collection("itemorder_legacy").CountDocuments(context.Background(), map[string]any{}); err != nil || n != 3 {
		t.Errorf("rebuilt item order: %d %v, want 3", n, err)
	}
}

// A draft save renews the saver's lease, as asking for the item again does;
// a slot another annotator took after the lease lapsed is not extended.
func TestAnnotationDraftRenewsLease(t *testing.T) {
	t.Parallel()
	e := newClaimEnv(t, "renew", 1, "c001")
	if d, err := e.next(0, "renew"); err != nil || d != "c001" {
		t.Fatalf("annotator 0 first item: %q %v", d, err)
	}
	draft := func(k int) error {
		st := model.AnnotationDraft
		_, err := e.s.app.Service.SaveAnnotation(e.ctxs[k], model.SaveAnnotationInput{Task: "renew", Document: "c001", Labels: []string{"neutral"}, Status: &st,
			Version: func() *int { // the annotator's current version, if any
				a, err := e.s.app.Service.Annotations.Annotation(e.ctxs[k], "renew", "c001", e.ids[k])
				if err != nil {
					return nil
				}
				return &a.Version
			}()})
		return err
	}
	e.clock.Store(int64(20 * time.Minute))
	if err := draft(0); err != nil {
		t.Fatal(err)
	}
	e.clock.Store(int64(40 * time.Minute)) // the first lease has lapsed; the renewed one runs until 50 min
	if d, _ := e.next(1, "renew"); d != "" {
		t.Fatalf("annotator 1 got %q while annotator 0's renewed lease runs", d)
	}
	e.clock.Store(int64(51 * time.Minute))
	if d, _ := e.next(1, "renew"); d != "c001" {
		t.Fatalf("annotator 1 got %q after the renewed lease lapsed, want c001", d)
	}
	// Annotator 0's late draft does not take the slot back.
	_ = draft(0)
	e.clock.Store(int64(52 * time.Minute))
	c, err := e.s.app.Service.Annotations.Claim(context.Background(), "renew", "c001", 0)
	if err != nil || c.Annotator != e.ids[1] || !c.Until.After(time.Now().Add(51*time.Minute)) {
		t.Errorf("the slot after annotator 0's late draft: %+v %v, want annotator 1's lease", c, err)
	}
}
