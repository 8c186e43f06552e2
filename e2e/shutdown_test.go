package e2e

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM lets a request in flight finish, then the server stops cleanly
// (exit status 0) and its data is intact on the next start.
func TestGracefulShutdown(t *testing.T) {
	slowTest(t, "builds and signals the server binary")
	bin := buildBinary(t)
	env := []string{"MMS_DATA_DIR=" + t.TempDir(), "MMS_ADMIN_KEY=" + testAdminKey}
	srv := startProc(t, bin, env)
	srv.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d", name: "D", team: "acme"}) { id } }`, nil)

	// An upload whose body arrives slowly is in flight when SIGTERM comes.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/graphql", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+testAdminKey)
		resp, err := srv.client().Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	_ = mw.WriteField("operations", `{"query": "mutation($f: Upload!) { ingest(input: {dataset: \"d\", source: \"s\", format: CSV, file: $f}) { id } }", "variables": {"f": null}}`)
	_ = mw.WriteField("map", `{"0": ["variables.f"]}`)
	fw, _ := mw.CreateFormFile("0", "slow.csv")
	fmt.Fprintln(fw, "a,b")
	time.Sleep(300 * time.Millisecond)

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	for i := range 100 {
		fmt.Fprintf(fw, "%d,%d\n", i, i*2)
	}
	_ = mw.Close()
	_ = pw.Close()

	r := <-done
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"ingest":{"id"`) {
		t.Errorf("in-flight request: %+v", r)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("server exit: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop within 15 s of SIGTERM")
	}

	again := startProc(t, bin, env)
	v := again.mustGQL(t, testAdminKey, `{ dataset(id: "d") { id } verifyAudit { ok } }`, nil)
	if v.str("dataset", "id") != "d" || v.get("verifyAudit", "ok") != true {
		t.Errorf("after restart: %v", v.Data)
	}
}
