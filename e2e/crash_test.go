package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// procServer is the real binary in its own process, so a test can kill -9 it.
type procServer struct {
	*testServer
	cmd *exec.Cmd
	env []string
	bin string
}

func buildBinary(t testing.TB) string {
	t.Helper()
	onlySlow(t)
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mms-test-bin-")
		if err != nil {
			binErr = err
			return
		}
		testBinDir = dir
		binPath = filepath.Join(dir, "mms")
		if out, err := repoCommand("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// The server binary is built once per test run (buildBinary) into testBinDir,
// which TestMain removes.
var (
	binOnce    sync.Once
	binPath    string
	binErr     error
	testBinDir string
)

func startProc(t *testing.T, bin string, env []string) *procServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), env...), "MMS_ADDR="+addr)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &procServer{cmd: cmd, env: env, bin: bin, testServer: &testServer{}}
	p.testServer.Server = nil
	url := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("server did not start: %s", logs.String())
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
	}
	p.testServer = newRemote(url)
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return p
}

func (p *procServer) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// A server killed with -9 in the middle of writing an ingestion leaves its job
// RUNNING; after a restart the job is marked failed once its lease lapses, and
// running the ingestion again completes it with no duplicate documents.
func TestCrashDuringIngestion(t *testing.T) {
	mongodbtest.SkipExternal(t, "the crashed server holds an embedded store of its own")
	// Not parallel, though it has its own server and database: run beside
	// the parallel tests (load average 9 on 2 cores) the restarted server's
	// last answer, which verifies the audit chain, took over the client's
	// minute.
	slowTest(t, "builds and kills the server binary")
	bin := buildBinary(t)
	env := []string{"MMS_DATA_DIR=" + t.TempDir(), "MMS_ADMIN_KEY=" + testAdminKey, "MMS_JOB_LEASE=2s"}
	srv := startProc(t, bin, env)
	srv.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "big", name: "Big", team: "acme"}) { id } }`, nil)

	const rows = 60000
	var csv strings.Builder
	csv.WriteString("glucose,bmi,age,outcome\n")
	for i := range rows {
		fmt.Fprintf(&csv, "%d,%d.%d,%d,%d\n", 80+i%120, 20+i%30, i%10, 21+i%60, i%2)
	}
	q := `mutation($f: Upload!) { ingest(input: {dataset: "big", source: "big", format: CSV, file: $f}) { id } }`
	r := srv.upload(t, testAdminKey, q, map[string]any{"f": nil}, "f", "big.csv", []byte(csv.String()))
	jobID := r.str("ingest", "id")
	if jobID == "" {
		t.Fatalf("ingest: %+v", r.Errors)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the ingestion never reached its writing phase")
		}
		j := srv.mustGQL(t, testAdminKey, `query($id: ID!) { job(id: $id) { status detail { phase rows } } }`, map[string]any{"id": jobID})
		if j.str("job", "detail", "phase") == "writing" && num(j.get("job", "detail", "rows")) > 0 {
			break
		}
		if st := j.str("job", "status"); st != "RUNNING" && st != "QUEUED" {
			t.Fatalf("job ended before the kill: %v", j.Data)
		}
	}
	srv.kill9(t)
	t0 := time.Now()
	defer func() { t.Logf("after the kill: %v", time.Since(t0)) }()

	srv = startProc(t, bin, env)
	t.Logf("restarted in %v", time.Since(t0))
	job := srv.waitJob(t, testAdminKey, jobID)
	t.Logf("job failed after %v", time.Since(t0))
	if job["status"] != "FAILED" || !strings.Contains(fmt.Sprint(job["error"]), "interrupted") {
		t.Fatalf("job after the crash: %v", job)
	}
	partial := num(srv.mustGQL(t, testAdminKey, `{ documents(dataset: "big", first: 1) { totalCount } }`, nil).get("documents", "totalCount"))
	t.Logf("%d of %d documents were written before the kill", partial, rows)

	r = srv.upload(t, testAdminKey, q, map[string]any{"f": nil}, "f", "big.csv", []byte(csv.String()))
	t.Logf("re-submitted after %v", time.Since(t0))
	job = srv.waitJob(t, testAdminKey, r.str("ingest", "id"))
	t.Logf("re-run done after %v", time.Since(t0))
	res, _ := job["result"].(map[string]any)
	if job["status"] != "SUCCEEDED" || num(res["inserted"])+num(res["unchanged"]) != rows || num(res["unchanged"]) != partial {
		t.Errorf("re-run: %v", job)
	}
	after := srv.mustGQL(t, testAdminKey, `{ documents(dataset: "big", first: 1) { totalCount } verifyAudit { ok } }`, nil)
	if n := num(after.get("documents", "totalCount")); n != rows {
		t.Errorf("documents after the re-run = %d, want %d (no duplicates, none missing)", n, rows)
	}
	if after.get("verifyAudit", "ok") != true {
		t.Errorf("audit chain broken after the crash: %v", after.Data)
	}
	_ = context.Background()
}
