package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// gqlAs posts a GraphQL request with an X-Request-Id, which the audit records,
// and fails the test on any error.
func (s *testServer) gqlAs(t *testing.T, token, requestID, query string, vars map[string]any) gqlResponse {
	t.Helper()
	r, err := s.tryGQLAs(token, requestID, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tryGQLAs is gqlAs for other goroutines than the test's: it returns the error.
func (s *testServer) tryGQLAs(token, requestID, query string, vars map[string]any) (gqlResponse, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", requestID)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	out := gqlResponse{}
	resp, err := s.client().Do(req)
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out.Status = resp.StatusCode
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("%s: status %d, body not JSON: %.300s", requestID, resp.StatusCode, raw)
	}
	if len(out.Errors) > 0 {
		return out, fmt.Errorf("%s: unexpected errors %+v", requestID, out.Errors)
	}
	return out, nil
}

// slowSource serves CSV files that stop after their first rows until released,
// and records every fetch and whether its client went away.
type slowSource struct {
	*httptest.Server
	release chan struct{}
	mu      sync.Mutex
	fetches map[string]int
	active  map[string]int
	gone    map[string]int // fetches whose client closed the connection
}

func newSlowSource(t *testing.T) *slowSource {
	s := &slowSource{release: make(chan struct{}), fetches: map[string]int{}, active: map[string]int{}, gone: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path
		s.mu.Lock()
		s.fetches[name]++
		s.active[name]++
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.active[name]--
			s.mu.Unlock()
		}()
		w.Header().Set("Content-Type", "text/csv")
		fmt.Fprint(w, "id,v\n1,a\n2,b\n3,c\n")
		w.(http.Flusher).Flush()
		select {
		case <-s.release:
			fmt.Fprint(w, "4,d\n5,e\n")
		case <-r.Context().Done():
			s.mu.Lock()
			s.gone[name]++
			s.mu.Unlock()
		}
	}))
	t.Cleanup(func() {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
		s.Close()
	})
	return s
}

func (s *slowSource) count(m map[string]int, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return m[name]
}

// Two server processes share one store: A runs the embedded store on a fixed
// port (MMS_EMBEDDED_ADDR) and B connects to it (MONGODB_URI). Jobs submitted
// through both run exactly once, a policy change made through A is enforced by
// B within 2 s, both append to one audit chain that verifies on both, and jobs
// of an instance killed with -9 are failed by the other once their lease lapses,
// never run a second time.
func TestMultiInstance(t *testing.T) {
	mongodbtest.SkipExternal(t, "the instances share an embedded store")
	t.Parallel() // its own server and database
	slowTest(t, "builds and runs two server processes")
	bin := buildBinary(t)
	storeAddr := freeAddr(t)
	common := []string{"MMS_ADMIN_KEY=" + testAdminKey, "MMS_DB=mms", "MMS_WORKERS=2", "MMS_JOB_LEASE=2s", "MMS_ALLOW_PRIVATE_URLS=true", "MMS_RATE_LIMIT=0"}
	a := startProc(t, bin, append(common, "MONGODB_URI=", "MMS_DATA_DIR="+t.TempDir(), "MMS_EMBEDDED_ADDR="+storeAddr))
	b := startProc(t, bin, append(common, "MONGODB_URI=mongodb://"+storeAddr+"/", "MMS_DATA_DIR="+t.TempDir()))

	// The test reads the shared store directly to see claims, attempts and the chain.
	cl, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + storeAddr + "/"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Cleanup(func() { _ = cl.Disconnect(context.Background()) })
	store := cl.Database("mms")

	via := map[string]*procServer{"a": a, "b": b}
	a.gqlAs(t, testAdminKey, "viaA-team", `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } }`, nil)
	for i, inst := range []string{"a", "a", "b", "b"} {
		via[inst].gqlAs(t, testAdminKey, fmt.Sprintf("via%s-dataset-%d", strings.ToUpper(inst), i),
			`mutation($id: ID!, $n: String!) { createDataset(input: {id: $id, name: $n, team: "acme"}) { id } }`, map[string]any{"id": fmt.Sprintf("m%d", i), "n": fmt.Sprintf("m%d", i)})
	}

	// (1) 20 inline ingestions, submitted at once, half through each instance.
	const jobsN, perJob, datasets = 20, 5, 4
	jobIDs := make([]string, jobsN)
	errs := make([]error, jobsN)
	var wg sync.WaitGroup
	for i := range jobsN {
		inst := []string{"a", "b"}[i%2]
		recs := make([]any, perJob)
		for k := range recs {
			recs[k] = map[string]any{"n": k, "job": i}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := via[inst].tryGQLAs(testAdminKey, fmt.Sprintf("via%s-ingest-%d", strings.ToUpper(inst), i),
				`mutation($in: IngestInput!) { ingest(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"dataset": fmt.Sprintf("m%d", i%datasets), "source": fmt.Sprintf("job%d", i), "format": "NDJSON", "records": recs}})
			jobIDs[i], errs[i] = r.str("ingest", "id"), err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	versions := map[string][]int{}
	for i, id := range jobIDs {
		if id == "" {
			t.Fatalf("job %d was not created", i)
		}
		srv := []*procServer{b, a}[i%2] // read through the other instance
		job := srv.waitJob(t, testAdminKey, id)
		res, _ := job["result"].(map[string]any)
		if job["status"] != "SUCCEEDED" || num(res["inserted"]) != perJob {
			t.Fatalf("job %d: %v", i, job)
		}
		ing := srv.mustGQL(t, testAdminKey, `query($id: ID!) { ingestion(id: $id) { job inserted datasetVersion } }`, map[string]any{"id": res["ingestion"]})
		if ing.str("ingestion", "job") != id || num(ing.get("ingestion", "inserted")) != perJob {
			t.Fatalf("ingestion of job %d: %v", i, ing.Data)
		}
		ds := fmt.Sprintf("m%d", i%datasets)
		versions[ds] = append(versions[ds], num(ing.get("ingestion", "datasetVersion")))
	}
	// One run per job: one claim, one attempt, and each dataset version produced once.
	owners := map[string]int{}
	for _, id := range jobIDs {
		var claims []struct {
			ID    string `bson:"_id"`
			Owner string `bson:"owner"`
		}
		cur, err := store.Collection("job_claims").Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^" + id + "#"}}}})
		if err == nil {
			err = cur.All(ctx, &claims)
		}
		if err != nil {
			t.Fatal(err)
		}
		var job struct {
			Attempts int `bson:"attempts"`
		}
		if err := store.Collection("jobs").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&job); err != nil {
			t.Fatal(err)
		}
		if len(claims) != 1 || job.Attempts != 1 {
			t.Errorf("job %s: claims %v, attempts %d; want one of each", id, claims, job.Attempts)
		}
		for _, c := range claims {
			owners[c.Owner]++
		}
	}
	t.Logf("jobs run per runner: %v", owners)
	if len(owners) != 2 {
		t.Errorf("jobs ran on %d runners, want both instances: %v", len(owners), owners)
	}
	for i := range datasets {
		ds := fmt.Sprintf("m%d", i)
		v := versions[ds]
		sort.Ints(v)
		if fmt.Sprint(v) != fmt.Sprint([]int{1, 2, 3, 4, 5}) {
			t.Errorf("%s: ingestions produced versions %v, want 1..5 once each", ds, v)
		}
		// From the store: dataset(id) may be cached for MMS_DATASET_CACHE_TTL.
		var meta struct {
			Version       int `bson:"version"`
			DocumentCount int `bson:"documentCount"`
		}
		if err := store.Collection("datasets").FindOne(ctx, bson.D{{Key: "_id", Value: ds}}).Decode(&meta); err != nil {
			t.Fatal(err)
		}
		if meta.Version != jobsN/datasets || meta.DocumentCount != jobsN/datasets*perJob {
			t.Errorf("%s: version %d, %d documents; want %d, %d", ds, meta.Version, meta.DocumentCount, jobsN/datasets, jobsN/datasets*perJob)
		}
		r := a.mustGQL(t, testAdminKey, `query($d: ID!) { documents(dataset: $d, first: 100) { totalCount edges { node { key version fields } } } }`, map[string]any{"d": ds})
		edges, _ := r.get("documents", "edges").([]any)
		seen := map[string]bool{}
		perSource := map[int]int{}
		for _, e := range edges {
			n := e.(map[string]any)["node"].(map[string]any)
			key := n["key"].(string)
			f, _ := n["fields"].(map[string]any)
			if seen[key] || num(n["version"]) != 1 || num(f["job"])%datasets != i {
				t.Errorf("%s: document %v (duplicate, rewritten or misplaced)", ds, n)
			}
			seen[key] = true
			perSource[num(f["job"])]++
		}
		if num(r.get("documents", "totalCount")) != jobsN/datasets*perJob || len(edges) != jobsN/datasets*perJob || len(perSource) != jobsN/datasets {
			t.Errorf("%s: %d documents from %d jobs, want %d from %d", ds, len(edges), len(perSource), jobsN/datasets*perJob, jobsN/datasets)
		}
		for j, n := range perSource {
			if n != perJob {
				t.Errorf("%s: job %d left %d documents, want %d", ds, j, n, perJob)
			}
		}
	}

	// (2) Policy changes through A, enforced by B within 2 s.
	probe := `{ dataset(id: "m0") { id } }`
	canRead := func(r gqlResponse) bool { return len(r.Errors) == 0 && r.str("dataset", "id") == "m0" }
	denied := func(r gqlResponse) bool {
		return r.hasCode("FORBIDDEN") || r.hasCode("UNAUTHENTICATED") || (len(r.Errors) == 0 && r.get("dataset") == nil)
	}
	waitFor := func(what string, ok func(gqlResponse) bool, token string) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			r := b.gql(t, token, probe, nil)
			if ok(r) {
				return time.Since(start)
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("%s: B still answers %d %+v %v after 10s", what, r.Status, r.Errors, r.Data)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	r := a.mustGQL(t, testAdminKey, `mutation { createApiKey(input: {team: "acme", role: VIEWER, name: "viewer"}) { secret key { id } } }`, nil)
	viewer, keyID := r.str("createApiKey", "secret"), r.str("createApiKey", "key", "id")
	grant := waitFor("a key created (granted) on A", canRead, viewer)
	for range 5 { // B now has the key cached, as a busy client would
		if r := b.gql(t, viewer, probe, nil); !canRead(r) {
			t.Fatalf("B flapped after granting: %+v", r.Errors)
		}
	}
	a.mustGQL(t, testAdminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { revoked } }`, map[string]any{"id": keyID})
	revoke := waitFor("a key revoked on A", denied, viewer)
	t.Logf("policy propagation to B: grant %v, revocation %v", grant, revoke)
	if grant >= 2*time.Second || revoke >= 2*time.Second {
		t.Errorf("B enforced the change made on A after %v (grant) and %v (revocation), want < 2s", grant, revoke)
	}
	for range 5 {
		if r := b.gql(t, viewer, probe, nil); !denied(r) {
			t.Fatalf("B accepts the revoked key again: %v %+v", r.Data, r.Errors)
		}
	}

	// (3) One audit chain that both instances appended to, verified by both.
	checkChain := func(stage string) {
		t.Helper()
		for name, srv := range via {
			v := srv.mustGQL(t, testAdminKey, `{ verifyAudit { ok checked firstBrokenSeq } }`, nil)
			if v.get("verifyAudit", "ok") != true || num(v.get("verifyAudit", "checked")) == 0 {
				t.Errorf("%s: verifyAudit on %s: %v", stage, name, v.Data)
			}
		}
		var recs []struct {
			Seq       int64  `bson:"_id"`
			RequestID string `bson:"requestId"`
			PrevHash  string `bson:"prevHash"`
			Hash      string `bson:"hash"`
		}
		cur, err := store.Collection("audit").Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err == nil {
			err = cur.All(ctx, &recs)
		}
		if err != nil {
			t.Fatal(err)
		}
		byInstance := map[string]int{}
		for i, rec := range recs {
			if rec.Seq != int64(i+1) || (i > 0 && rec.PrevHash != recs[i-1].Hash) {
				t.Fatalf("%s: audit record %d (seq %d) does not continue the chain", stage, i, rec.Seq)
			}
			if p, _, ok := strings.Cut(rec.RequestID, "-"); ok && (p == "viaA" || p == "viaB") {
				byInstance[p]++
			}
		}
		t.Logf("%s: one chain of %d records; by instance: %v", stage, len(recs), byInstance)
		if byInstance["viaA"] < jobsN/2 || byInstance["viaB"] < jobsN/2 {
			t.Errorf("%s: the chain lacks records from one instance: %v", stage, byInstance)
		}
	}
	checkChain("after the ingestions")

	// (4) B is killed with -9 while it runs jobs: A fails them once their lease
	// lapses and never runs them again; A's own jobs go on.
	src := newSlowSource(t)
	const slow = 4 // two workers on each instance: two run on A, two on B
	for i := range slow {
		a.mustGQL(t, testAdminKey, `mutation($id: ID!, $n: String!) { createDataset(input: {id: $id, name: $n, team: "acme"}) { id } }`, map[string]any{"id": fmt.Sprintf("k%d", i), "n": fmt.Sprintf("k%d", i)})
	}
	slowJobs := make([]string, slow)
	for i := range slow {
		r := b.gqlAs(t, testAdminKey, fmt.Sprintf("viaB-slow-%d", i), `mutation($in: IngestInput!) { ingest(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"dataset": fmt.Sprintf("k%d", i), "source": "slow", "format": "CSV", "url": fmt.Sprintf("%s/k%d.csv", src.URL, i)}})
		slowJobs[i] = r.str("ingest", "id")
	}
	path := func(i int) string { return fmt.Sprintf("/k%d.csv", i) }
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		n := 0
		for i := range slow {
			n += src.count(src.active, path(i))
		}
		if n == slow {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d slow jobs are running", n, slow)
		}
	}
	b.kill9(t)
	killed := time.Now()
	// B's fetches end with its process; those are B's jobs.
	var onB, onA []int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		onB, onA = nil, nil
		for i := range slow {
			if src.count(src.gone, path(i)) > 0 {
				onB = append(onB, i)
			} else {
				onA = append(onA, i)
			}
		}
		if len(onB) == slow/2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the kill, %d fetches ended (jobs %v); want the %d B ran", len(onB), onB, slow/2)
		}
	}
	// After twice the lease, B's jobs' leases have lapsed while A's heartbeat
	// keeps renewing its own.
	time.Sleep(4 * time.Second)
	for i, id := range slowJobs {
		var job struct {
			Status     string    `bson:"status"`
			LeaseUntil time.Time `bson:"leaseUntil"`
		}
		if err := store.Collection("jobs").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&job); err != nil {
			t.Fatal(err)
		}
		lapsed := job.LeaseUntil.Before(time.Now())
		if onKilled := src.count(src.gone, path(i)) > 0; lapsed != onKilled {
			t.Errorf("slow job %d (on the killed instance: %v): status %s, lease until %v (lapsed: %v)", i, onKilled, job.Status, job.LeaseUntil, lapsed)
		}
	}
	// A's workers are all busy with its slow jobs; its runner sweeps lapsed
	// leases only when it loops for work, i.e. once one of them ends.
	close(src.release)
	for _, i := range onA {
		job := a.waitJob(t, testAdminKey, slowJobs[i])
		if job["status"] != "SUCCEEDED" {
			t.Errorf("A's job %s: %v", slowJobs[i], job)
		}
		r := a.mustGQL(t, testAdminKey, `query($d: ID!) { documents(dataset: $d, first: 10) { totalCount } }`, map[string]any{"d": fmt.Sprintf("k%d", i)})
		if n := num(r.get("documents", "totalCount")); n != 5 {
			t.Errorf("k%d: %d documents, want 5", i, n)
		}
	}
	for _, i := range onB {
		job := a.waitJob(t, testAdminKey, slowJobs[i])
		if job["status"] != "FAILED" || job["errorCode"] != "UNAVAILABLE" || !strings.Contains(fmt.Sprint(job["error"]), "interrupted") {
			t.Errorf("job %s of the killed instance: %v", slowJobs[i], job)
		}
	}
	t.Logf("the killed instance's jobs %v were failed by A %v after the kill", onB, time.Since(killed))
	for i, id := range slowJobs {
		n, err := store.Collection("job_claims").CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^" + id + "#"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || src.count(src.fetches, path(i)) != 1 {
			t.Errorf("slow job %s: %d claims, %d fetches of its source; want one run", id, n, src.count(src.fetches, path(i)))
		}
	}
	delete(via, "b")
	checkChain("after the kill")
}
