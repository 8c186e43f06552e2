package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// cliIngestEnv is the environment of a CLI run: MMS_TOKEN is token.
func cliIngestEnv(token string) map[string]string {
	return map[string]string{"MMS_TOKEN": token}
}

// cliIngestBuffer is a bytes.Buffer safe to read while the CLI writes it.
type cliIngestBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *cliIngestBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *cliIngestBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// cliIngestRun runs `mms ingest args...` (the binary, runMMS) with MMS_TOKEN =
// token.
func cliIngestRun(t *testing.T, ctx context.Context, token string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut cliIngestBuffer
	err = runMMS(t, ctx, append([]string{"ingest"}, args...), cliIngestEnv(token), &out, &errOut)
	return out.String(), errOut.String(), err
}

// cliIngestSetup makes team clinic and an empty dataset.
func cliIngestSetup(t *testing.T, s *testServer, dataset string) {
	t.Helper()
	s.gql(t, testAdminKey, `mutation { createTeam(input: {id: "clinic", name: "Clinic"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation($id: ID!, $n: String!) { createDataset(input: {id: $id, name: $n, team: "clinic"}) { id } }`,
		map[string]any{"id": dataset, "n": dataset})
}

func cliIngestWrite(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLIIngest(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	cliIngestSetup(t, s, "pima")
	ctx := context.Background()
	file := repoPath("testdata/ingest/pima-diabetes.csv")

	out, errOut, err := cliIngestRun(t, ctx, testAdminKey, "--server", s.URL, "--dataset", "pima", "--source", "pima", "--format", "csv", file)
	if err != nil {
		t.Fatalf("ingest: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	for _, want := range []string{"SUCCEEDED", "768 read, 768 inserted, 0 updated, 0 unchanged, 0 rejected", "dataset pima, source pima: version 1", "failed checks: none"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"upload ", "100.0%", "submitted job ", "succeeded ", "768 rows"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(out+errOut, testAdminKey) {
		t.Error("the token was printed")
	}
	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "pima", first: 1) { totalCount } }`, nil)
	if n := num(r.get("documents", "totalCount")); n != 768 {
		t.Errorf("documents = %d, want 768", n)
	}

	// Again, flags after FILE and the endpoint URL itself: nothing changes.
	out, errOut, err = cliIngestRun(t, ctx, testAdminKey, "--server", s.URL+"/graphql", file, "--dataset", "pima", "--source", "pima", "--mode", "upsert")
	if err != nil {
		t.Fatalf("re-ingest: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	if want := "768 read, 0 inserted, 0 updated, 768 unchanged, 0 rejected"; !strings.Contains(out, want) {
		t.Errorf("re-run stdout lacks %q:\n%s", want, out)
	}
}

func TestCLIIngestFailedChecks(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	cliIngestSetup(t, s, "pima")
	spec := cliIngestWrite(t, "rules.json", []byte(`{"checks": {"minRows": 100000}}`))
	out, errOut, err := cliIngestRun(t, context.Background(), testAdminKey, "--server", s.URL, "--dataset", "pima", "--source", "pima",
		"--format", "csv", "--spec", spec, repoPath("testdata/ingest/pima-diabetes.csv"))
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	if err == nil || !strings.Contains(err.Error(), "failed") {
		t.Fatalf("err = %v, want the ingestion to fail", err)
	}
	for _, want := range []string{"FAILED", "failed checks:", "rows: 768 accepted, need at least 100000", "0 inserted"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "pima", first: 1) { totalCount } }`, nil)
	if n := num(r.get("documents", "totalCount")); n != 0 {
		t.Errorf("documents = %d after failed checks, want 0", n)
	}
}

// A GBK, ';'-separated file with a bad row: CSV options reach the server, and
// rejects are listed with their lines and reasons.
func TestCLIIngestRejectsAndCSVOptions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.gql(t, testAdminKey, `mutation { createTeam(input: {id: "clinic", name: "Clinic"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "people", name: "People", team: "clinic",
		fields: [{name: "sex", type: STRING}, {name: "age", type: INT}]}) { id } }`, nil)
	data := []byte("id;sex;age\n1;\xc5\xae;30\n2;\xc4\xd0;abc\n3;\xc5\xae;41\n")
	file := cliIngestWrite(t, "people.txt", data)
	spec := cliIngestWrite(t, "rules.json", []byte(`{"key": {"from": "id", "prefix": "P", "digits": 3},
		"mapping": [{"from": "sex", "to": "sex"}, {"from": "age", "to": "age"}]}`))
	out, errOut, err := cliIngestRun(t, context.Background(), testAdminKey, "--server", s.URL, "--dataset", "people", "--source", "people",
		"--format", "CSV", "--encoding", "gbk", "--delimiter", ";", "--mode", "insert", "--spec", spec, file)
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 read, 2 inserted, 0 updated, 0 unchanged, 1 rejected", "rejects: 1 (first 1 shown)", "  line 3: age: "} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	r := s.mustGQL(t, testAdminKey, `{ document(dataset: "people", key: "P001") { fields } }`, nil)
	if f, _ := r.get("document", "fields").(map[string]any); f["sex"] != "女" {
		t.Errorf("P001 = %v, want sex 女 decoded from GBK", f)
	}
}

func TestCLIIngestErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	cliIngestSetup(t, s, "pima")
	ctx := context.Background()
	file := repoPath("testdata/ingest/pima-diabetes.csv")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	for _, tc := range []struct {
		name  string
		token string
		args  []string
		want  []string
	}{
		{"no file", testAdminKey, []string{"--server", s.URL, "--dataset", "pima", "--source", "p", "--format", "csv"}, []string{"missing FILE"}},
		{"file does not exist", testAdminKey, []string{"--server", s.URL, "--dataset", "pima", "--source", "p", "--format", "csv", repoPath("testdata/nope.csv")}, []string{"testdata/nope.csv", "does not exist"}},
		{"unknown format", testAdminKey, []string{"--server", s.URL, "--dataset", "pima", "--source", "p", "--format", "xml", file}, []string{`unknown format "xml"`}},
		{"unknown mode", testAdminKey, []string{"--server", s.URL, "--dataset", "pima", "--source", "p", "--mode", "replace", file}, []string{`unknown mode "replace"`}},
		{"no token", "", []string{"--server", s.URL, "--dataset", "pima", "--source", "p", file}, []string{"no token", "MMS_TOKEN"}},
		{"bad token", "mms_0000000000000000000000000000000000000000", []string{"--server", s.URL, "--dataset", "pima", "--source", "p", file}, []string{"refused the token", "401", "UNAUTHENTICATED"}},
		{"unreachable", testAdminKey, []string{"--server", closed, "--dataset", "pima", "--source", "p", file}, []string{"cannot reach the server", closed}},
		{"no dataset", testAdminKey, []string{"--server", s.URL, "--dataset", "nope", "--source", "p", file}, []string{`dataset "nope" not found`}},
		{"bad source", testAdminKey, []string{"--server", s.URL, "--dataset", "pima", "--source", "a.b", file}, []string{"source must be", "BAD_USER_INPUT"}},
		{"spec not JSON", testAdminKey, []string{"--server", s.URL, "--dataset", "pima", "--source", "p", "--spec", file, file}, []string{"not valid JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := cliIngestRun(t, ctx, tc.token, tc.args...)
			if err == nil {
				t.Fatalf("no error; stdout:\n%s\nstderr:\n%s", out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error()+out+errOut, "mms_0000000000000000000000000000000000000000") {
				t.Error("the token was printed")
			}
		})
	}
	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "pima", first: 1) { totalCount } }`, nil)
	if n := num(r.get("documents", "totalCount")); n != 0 {
		t.Errorf("documents = %d after failed runs, want 0", n)
	}
}

// Interrupting the CLI while its job runs cancels the job on the server.
func TestCLIIngestCancel(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	cliIngestSetup(t, s, "big")
	var b bytes.Buffer
	b.WriteString("id,a,b,c\n")
	for i := range 200_000 {
		fmt.Fprintf(&b, "%d,%d,x%d,%d.5\n", i, i%97, i%13, i%1000)
	}
	file := cliIngestWrite(t, "big.csv", b.Bytes())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut cliIngestBuffer
	done := make(chan error, 1)
	go func() {
		done <- runMMS(t, ctx, []string{"ingest", "--server", s.URL, "--dataset", "big", "--source", "big", file}, cliIngestEnv(testAdminKey), &out, &errOut)
	}()
	submitted := regexp.MustCompile(`submitted job (\S+);`)
	var jobID string
	deadline := time.Now().Add(time.Minute)
	for jobID == "" {
		select {
		case err := <-done:
			t.Fatalf("finished before it was interrupted: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := submitted.FindStringSubmatch(errOut.String()); m != nil {
			jobID = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job submitted; stderr:\n%s", errOut.String())
		}
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the CLI did not exit after the interrupt")
	}
	t.Logf("stderr:\n%s", errOut.String())
	if err == nil || !strings.Contains(err.Error(), "cancel") {
		t.Fatalf("err = %v, want an interrupted/cancel error", err)
	}
	if !strings.Contains(errOut.String(), "asking the server to cancel job "+jobID) {
		t.Errorf("stderr does not say it cancels the job:\n%s", errOut.String())
	}
	job := s.waitJob(t, testAdminKey, jobID)
	if job["status"] != "CANCELLED" {
		t.Errorf("job = %v, want CANCELLED", job)
	}
}

// --delimiter ';' on a comma file: the error names the delimiter the file
// seems to use (it said `source field "patient_id" not found (have
// patient_id,age,sex,pregnancies)`), and nothing is ingested.
func TestCLIIngestWrongDelimiter(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	cliIngestSetup(t, s, "patients")
	file := cliIngestWrite(t, "patients.csv", []byte("patient_id,age,sex,pregnancies\nP1,30,F,2\nP2,41,M,0\n"))
	spec := cliIngestWrite(t, "rules.json", []byte(`{"key": {"from": "patient_id"}}`))
	out, errOut, err := cliIngestRun(t, context.Background(), testAdminKey, "--server", s.URL, "--dataset", "patients", "--source", "patients",
		"--delimiter", ";", "--spec", spec, file)
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	want := `the file seems to use "," as its delimiter, not ";"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to say %q", err, want)
	}
	if strings.Contains(err.Error()+out, "not found") {
		t.Errorf("still the misleading message: %v\n%s", err, out)
	}
	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "patients", first: 1) { totalCount } }`, nil)
	if n := num(r.get("documents", "totalCount")); n != 0 {
		t.Errorf("documents = %d, want 0", n)
	}
}
