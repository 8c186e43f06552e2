package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mms-platform/mms/model"
)

// Annotation benchmarks (issue 6): saveAnnotation with 20 spans over loopback
// HTTP on the embedded store. See BENCHMARKS.md, "Annotation (issue 6)".

const (
	abenchAdminKey = "mms_abenchadmin0123456789abcdef012345678"
	// abenchDocs is the size of the dataset: every item takes abenchSavesPerItem
	// saves (one first save, then re-saves), so -benchtime up to
	// abenchDocs*abenchSavesPerItem x uses fresh items throughout.
	abenchDocs         = 500
	abenchSpans        = 20
	abenchSavesPerItem = 3
	abenchTask         = "posts-ner"
	abenchParallel     = 4 // annotators of the parallel sub-benchmark
)

// abenchTerms are the entity terms the generated posts are made of, by label.
var abenchTerms = map[string][]string{
	"Person":  {"张伟", "李娜", "Alice", "Bob Smith", "王芳", "Dr. Chen"},
	"Place":   {"北京", "上海", "Shanghai", "New York", "广州", "深圳市"},
	"Org":     {"协和医院", "WHO", "清华大学", "Google", "人民医院"},
	"Drug":    {"二甲双胍", "insulin", "阿司匹林", "metformin", "布洛芬"},
	"Symptom": {"头痛", "发烧", "cough", "口渴", "fatigue"},
	"Time":    {"昨天", "上午", "Monday", "2024年3月", "last week"},
	"Vaccine": {"流感疫苗", "新冠疫苗", "HPV vaccine"},
}

// abenchLabels is abenchTerms' labels in a fixed order.
var abenchLabels = []string{"Person", "Place", "Org", "Drug", "Symptom", "Time", "Vaccine"}

// abenchFillers go between entity terms: Chinese, English and punctuation.
var abenchFillers = []string{
	"今天说", " went to ", "之后去了", " said that ", "，然后", " with ", "觉得有点", " and ",
	"因为", " after ", "在那里", " reported ", "。另外", " took ", "还提到", " in ",
}

// abenchPost is one generated document: its text and the 20 spans that a
// correct annotation of it has (code point offsets).
type abenchPost struct {
	key   string
	text  string
	spans []map[string]any
}

// abenchMakePost builds a post of about 200 code points with abenchSpans
// entity mentions, deterministically from i.
func abenchMakePost(i int) abenchPost {
	r := rand.New(rand.NewPCG(uint64(i), 0x616e6e6f))
	var sb strings.Builder
	n := 0 // code points written
	p := abenchPost{key: fmt.Sprintf("p%05d", i)}
	for j := 0; j < abenchSpans; j++ {
		f := abenchFillers[r.IntN(len(abenchFillers))]
		sb.WriteString(f)
		n += utf8.RuneCountInString(f)
		label := abenchLabels[r.IntN(len(abenchLabels))]
		term := abenchTerms[label][r.IntN(len(abenchTerms[label]))]
		start := n
		sb.WriteString(term)
		n += utf8.RuneCountInString(term)
		p.spans = append(p.spans, map[string]any{"id": strconv.Itoa(j + 1), "start": start, "end": n, "label": label, "text": term})
	}
	sb.WriteString("。#" + p.key)
	p.text = sb.String()
	return p
}

// abenchEnv is a running full stack with the annotation task.
type abenchEnv struct {
	url        string
	annotators []string // ANNOTATOR secrets, in the task's annotator list
	posts      map[string]abenchPost
	client     *http.Client
}

// abenchStack starts the real server (as benchFullStack does: parseConfig,
// newApp on an embedded store in b.TempDir(), the production logger to a sink,
// the policy watcher, a.Handler() behind httptest) plus the job runner, and
// creates through the service: the team "news", the dataset "posts" with
// abenchDocs posts (inline records through Service.Ingest, a real ingestion
// job), the label schema "ner" with seven entity labels, nAnn ANNOTATOR keys,
// and the task "posts-ner" (overlap 1) over every post, with a small gazetteer
// so that items carry suggestions, as real tasks do.
func abenchStack(b *testing.B, nAnn int) *abenchEnv {
	b.Helper()
	a, cfg, actx := benchApp(b, abenchAdminKey, map[string]string{"MMS_DB": "mms_abench"})
	bg, stopBG := context.WithCancel(context.Background())
	runnerDone := make(chan struct{})
	go func() { defer close(runnerDone); a.Runner.Run(bg) }()
	go a.Authz.Watch(bg, cfg.PolicyRefresh)
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(func() { // runs before a.Close
		srv.Close()
		stopBG()
		<-runnerDone
	})

	if _, err := a.Service.CreateTeam(actx, model.CreateTeamInput{ID: "news", Name: "News"}); err != nil {
		b.Fatal(err)
	}
	keyField := "id"
	if _, err := a.Service.CreateDataset(actx, model.CreateDatasetInput{ID: "posts", Name: "Posts", Team: "news", KeyField: &keyField}); err != nil {
		b.Fatal(err)
	}
	env := &abenchEnv{url: srv.URL, posts: map[string]abenchPost{}, client: abenchClient()}
	records := make([]any, abenchDocs)
	for i := range records {
		p := abenchMakePost(i)
		env.posts[p.key] = p
		records[i] = map[string]any{"id": p.key, "text": p.text}
	}
	job, err := a.Service.Ingest(actx, model.IngestInput{Dataset: "posts", Source: "bench", Format: model.FormatNdjson,
		Records: records, Key: &model.KeySpecInput{From: "id"}})
	if err != nil {
		b.Fatal(err)
	}
	benchWaitJob(b, actx, a, job.ID, 5*time.Minute)
	if _, err := a.Service.CreateLabelSchema(actx, model.LabelSchemaInput{ID: "ner", Team: "news", Entities: abenchLabels,
		Classes: []string{"positive", "negative", "neutral"}}); err != nil {
		b.Fatal(err)
	}
	var ids []string
	for k := 0; k < nAnn; k++ {
		key, err := a.Service.CreateAPIKey(actx, model.CreateAPIKeyInput{Team: "news", Role: model.RoleAnnotator, Name: fmt.Sprintf("annotator %d", k)})
		if err != nil {
			b.Fatal(err)
		}
		env.annotators = append(env.annotators, key.Secret)
		ids = append(ids, "key:"+key.Key.ID)
	}
	overlap := 1
	task, err := a.Service.CreateAnnotationTask(actx, model.AnnotationTaskInput{ID: abenchTask, Dataset: "posts", TextField: "text",
		Schema: "ner", Annotators: ids, Overlap: &overlap,
		Gazetteer: []*model.GazetteerInput{{Label: "Drug", Terms: abenchTerms["Drug"]}, {Label: "Vaccine", Terms: abenchTerms["Vaccine"]}}})
	if err != nil {
		b.Fatal(err)
	}
	if task.Items != abenchDocs {
		b.Fatalf("task has %d items, want %d", task.Items, abenchDocs)
	}
	return env
}

func abenchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// abenchResult is a GraphQL answer.
type abenchResult struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r *abenchResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// abenchGQL sends one GraphQL POST with token and decodes the answer.
func abenchGQL(c *http.Client, url, token, query string, vars map[string]any) (*abenchResult, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r abenchResult
	if err := json.Unmarshal(out, &r); err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %.300s (%v)", resp.StatusCode, out, err)
	}
	return &r, nil
}

const (
	abenchNextQ = `query($t: ID!) { nextAnnotationItem(task: $t) { document text annotation { version } } }`
	abenchSaveQ = `mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { version status spans { id } } }`
)

// abenchAnnotator is one annotator's walk through the task: claim an item,
// save it abenchSavesPerItem times (the first without a version, the others
// with the version the previous save returned), claim the next.
type abenchAnnotator struct {
	env     *abenchEnv
	token   string
	doc     string
	version int // 0: not saved yet
	saves   int // saves of the current item
	done    bool
	// Latencies, milliseconds.
	claims, firstSaves, reSaves []float64
}

// claim takes the next item; done when the task has nothing left for us.
func (w *abenchAnnotator) claim() error {
	t0 := time.Now()
	r, err := abenchGQL(w.env.client, w.env.url, w.token, abenchNextQ, map[string]any{"t": abenchTask})
	d := time.Since(t0)
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("nextAnnotationItem: %+v", r.Errors)
	}
	w.claims = append(w.claims, ms(d))
	var it *struct {
		Document   string
		Text       string
		Annotation *struct{ Version int }
	}
	if err := json.Unmarshal(r.Data["nextAnnotationItem"], &it); err != nil {
		return err
	}
	if it == nil {
		w.done = true
		return nil
	}
	p, ok := w.env.posts[it.Document]
	if !ok || p.text != it.Text {
		return fmt.Errorf("item %q: text %q is not the post's", it.Document, it.Text)
	}
	w.doc, w.version, w.saves = it.Document, 0, 0
	if it.Annotation != nil {
		w.version = it.Annotation.Version
	}
	return nil
}

// saveVars is the input of the next save of the current item.
func (w *abenchAnnotator) saveVars() map[string]any {
	in := map[string]any{"task": abenchTask, "document": w.doc, "spans": w.env.posts[w.doc].spans,
		"labels": []string{"neutral"}, "status": "draft"}
	if w.saves == abenchSavesPerItem-1 {
		in["status"] = "submitted"
	}
	if w.version > 0 {
		in["version"] = w.version
	}
	return map[string]any{"in": in}
}

// save sends the next save of the current item and records its latency.
func (w *abenchAnnotator) save() error {
	vars := w.saveVars()
	t0 := time.Now()
	r, err := abenchGQL(w.env.client, w.env.url, w.token, abenchSaveQ, vars)
	d := time.Since(t0)
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("saveAnnotation %s v%d: %+v", w.doc, w.version, r.Errors)
	}
	var a struct {
		Version int
		Spans   []struct{ ID string }
	}
	if err := json.Unmarshal(r.Data["saveAnnotation"], &a); err != nil {
		return err
	}
	if a.Version != w.version+1 || len(a.Spans) != abenchSpans {
		return fmt.Errorf("saveAnnotation %s: version %d with %d spans, want %d with %d", w.doc, a.Version, len(a.Spans), w.version+1, abenchSpans)
	}
	if w.version == 0 {
		w.firstSaves = append(w.firstSaves, ms(d))
	} else {
		w.reSaves = append(w.reSaves, ms(d))
	}
	w.version = a.Version
	w.saves++
	return nil
}

// step is one timed save; claims (untimed for ns/op, but recorded) happen when
// the current item has had its saves. When the task runs out of items the
// annotator keeps re-saving its last item.
func (w *abenchAnnotator) step(b *testing.B) error {
	if w.doc == "" || w.saves >= abenchSavesPerItem && !w.done {
		b.StopTimer()
		err := w.claim()
		b.StartTimer()
		if err != nil {
			return err
		}
		if w.doc == "" {
			return fmt.Errorf("no item to annotate")
		}
	}
	return w.save()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// abenchPct returns the p-th percentile (nearest rank) of v.
func abenchPct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func abenchMean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}

// abenchReport reports the save percentiles (all saves, first saves, re-saves)
// and the claims' (nextAnnotationItem) as metrics.
func abenchReport(b *testing.B, ws []*abenchAnnotator) {
	var all, first, re, claims, claimHead, claimTail []float64
	for _, w := range ws {
		first = append(first, w.firstSaves...)
		re = append(re, w.reSaves...)
		claims = append(claims, w.claims...)
		claimHead = append(claimHead, w.claims[:min(10, len(w.claims))]...)
		claimTail = append(claimTail, w.claims[max(0, len(w.claims)-10):]...)
	}
	all = append(append(all, first...), re...)
	b.ReportMetric(abenchPct(all, 50), "p50-ms")
	b.ReportMetric(abenchPct(all, 99), "p99-ms")
	b.ReportMetric(abenchPct(first, 50), "first-p50-ms")
	b.ReportMetric(abenchPct(first, 99), "first-p99-ms")
	b.ReportMetric(abenchPct(re, 50), "resave-p50-ms")
	b.ReportMetric(abenchPct(re, 99), "resave-p99-ms")
	b.ReportMetric(abenchPct(claims, 50), "claim-p50-ms")
	b.ReportMetric(abenchPct(claims, 99), "claim-p99-ms")
	// nextAnnotationItem keeps each annotator's place in the task: its cost
	// should not grow with the items already submitted. First and last ten
	// claims, to show it:
	b.ReportMetric(abenchMean(claimHead), "claim-first10-ms")
	b.ReportMetric(abenchMean(claimTail), "claim-last10-ms")
	b.ReportMetric(float64(len(all)), "saves")
}

// abenchCheck checks, once and outside the timing, that the first item can be
// saved with 20 spans, that a stale version is a CONFLICT, and that a span whose
// text does not match is refused. It leaves the item at version 2, so that
// the walk goes on with re-saves of it.
func abenchCheck(b *testing.B, w *abenchAnnotator) {
	b.Helper()
	if err := w.claim(); err != nil || w.doc == "" {
		b.Fatalf("first claim: %v", err)
	}
	if err := w.save(); err != nil {
		b.Fatal(err)
	}
	stale := w.saveVars()
	stale["in"].(map[string]any)["version"] = w.version - 1
	if r, err := abenchGQL(w.env.client, w.env.url, w.token, abenchSaveQ, stale); err != nil || r.code() != "CONFLICT" {
		b.Fatalf("stale version: %v %+v", err, r)
	}
	bad := w.saveVars()
	in := bad["in"].(map[string]any)
	spans := slices.Clone(w.env.posts[w.doc].spans)
	sp := map[string]any{}
	for k, v := range spans[3] {
		sp[k] = v
	}
	sp["start"] = sp["start"].(int) + 1 // byte-ish shift: the text no longer matches
	spans[3] = sp
	in["spans"] = spans
	if r, err := abenchGQL(w.env.client, w.env.url, w.token, abenchSaveQ, bad); err != nil || r.code() != "BAD_USER_INPUT" {
		b.Fatalf("shifted span: %v %+v", err, r)
	}
	if err := w.save(); err != nil {
		b.Fatal(err)
	}
	w.firstSaves, w.reSaves, w.claims = nil, nil, w.claims[:0]
}

// abenchVerifyAudit fails b unless the audit chain verifies.
func abenchVerifyAudit(b *testing.B, env *abenchEnv) {
	b.Helper()
	r, err := abenchGQL(env.client, env.url, abenchAdminKey, `{ verifyAudit { ok checked } }`, nil)
	if err != nil || len(r.Errors) > 0 || !strings.Contains(string(r.Data["verifyAudit"]), `"ok":true`) {
		b.Fatalf("verifyAudit: %v %+v", err, r)
	}
}

// BenchmarkSaveAnnotation measures saveAnnotation with 20 spans (Chinese and
// English text, code point offsets), sent as real GraphQL POSTs with an
// ANNOTATOR key over loopback HTTP to the full stack on the embedded store.
// Target: p99 under 20 ms.
//
//   - sequential: one annotator claims items with nextAnnotationItem and saves
//     each three times: a first save (no version, draft), a re-save (version 1,
//     draft) and a re-save that submits it (version 2). Each op is one save;
//     claims are outside ns/op but reported (claim-*).
//   - resave: one item saved b.N times (each with the version the last save
//     returned): the save alone, without claims between saves.
//   - parallel4: four annotators do the same as sequential at once, each on
//     its own items (claims are inside the timing here).
//
// Use -benchtime Nx with N <= 1400 (sequential) so that every save is on a
// fresh item; the default 1s gives few samples for a p99.
func BenchmarkSaveAnnotation(b *testing.B) {
	b.Run("sequential", func(b *testing.B) {
		// The stack is built once per b.N round (Go calls this with N=1
		// first); the walk then starts on a fresh task.
		b.StopTimer()
		env := abenchStack(b, 1)
		defer env.client.CloseIdleConnections()
		w := &abenchAnnotator{env: env, token: env.annotators[0]}
		abenchCheck(b, w)
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			if err := w.step(b); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		abenchReport(b, []*abenchAnnotator{w})
		abenchVerifyAudit(b, env)
	})
	b.Run("resave", func(b *testing.B) {
		// One item, saved b.N times with its version: the save alone, with no
		// nextAnnotationItem work (and its garbage) between saves.
		b.StopTimer()
		env := abenchStack(b, 1)
		defer env.client.CloseIdleConnections()
		w := &abenchAnnotator{env: env, token: env.annotators[0]}
		if err := w.claim(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			w.saves = 0 // always a draft
			if err := w.save(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		abenchReport(b, []*abenchAnnotator{w})
		abenchVerifyAudit(b, env)
	})
	b.Run(fmt.Sprintf("parallel%d", abenchParallel), func(b *testing.B) {
		b.StopTimer()
		env := abenchStack(b, abenchParallel)
		defer env.client.CloseIdleConnections()
		ws := make([]*abenchAnnotator, abenchParallel)
		for k := range ws {
			ws[k] = &abenchAnnotator{env: env, token: env.annotators[k]}
			if err := ws[k].claim(); err != nil {
				b.Fatal(err)
			}
		}
		// b.N saves in all, shared out; claims are not taken off the timer here.
		var wg sync.WaitGroup
		errs := make([]error, len(ws))
		b.StartTimer()
		for k, w := range ws {
			n := b.N / len(ws)
			if k < b.N%len(ws) {
				n++
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n; i++ {
					if w.saves >= abenchSavesPerItem && !w.done {
						if errs[k] = w.claim(); errs[k] != nil {
							return
						}
					}
					if errs[k] = w.save(); errs[k] != nil {
						return
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		abenchReport(b, ws)
		abenchVerifyAudit(b, env)
	})
}
