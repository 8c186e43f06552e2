package e2e

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mms-platform/mms/mongodb"
)

// tcpProxy forwards connections from a loopback port to a target address, and
// can cut everything (listener and open connections) and come back on the same
// port: a store outage as the server sees it.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string // host:port, kept across down/up

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(func() { p.down(); p.wg.Wait() })
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln { // cut while dialling
				p.mu.Unlock()
				c.Close()
				u.Close()
				continue
			}
			p.conns[c], p.conns[u] = struct{}{}, struct{}{}
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				defer p.wg.Done()
				_, _ = io.Copy(dst, src)
				dst.Close()
				src.Close()
				p.mu.Lock()
				delete(p.conns, dst)
				delete(p.conns, src)
				p.mu.Unlock()
			}
			p.wg.Add(2)
			go pipe(u, c)
			go pipe(c, u)
		}
	}()
}

// down closes the listener and every forwarded connection: new connections are
// refused and open ones see their peer vanish.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
}

// up listens on the same port again.
func (p *tcpProxy) up() {
	p.t.Helper()
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("proxy cannot listen on %s again: %v", p.addr, err)
		}
	}
	p.serve(ln)
}

// readyz returns the status of GET /readyz.
func (s *testServer) readyz(t *testing.T) int {
	t.Helper()
	resp, err := s.client().Get(s.URL + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// testMetricsToken is MMS_METRICS_TOKEN where a test sets it.
const testMetricsToken = "mms-test-metrics-token-0123456789"

// goroutines reads go_goroutines from GET /metrics (MMS_METRICS_TOKEN set to
// testMetricsToken).
func (s *testServer) goroutines(t *testing.T) int {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/metrics", nil)
	// The scrape token, not an admin key: an API key needs the store, which may be down.
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("go_goroutines %q", v)
			}
			return int(n)
		}
	}
	t.Fatal("no go_goroutines in /metrics")
	return 0
}

// The server's store goes away (a proxy in front of it closes its port and
// every connection) and comes back on the same port: requests fail fast with
// UNAVAILABLE and /readyz is 503 while it is away, everything works again by
// itself once it is back, and the process neither exits nor piles up goroutines.
func TestStoreOutage(t *testing.T) {
	slowTest(t, "builds the server binary and takes its store away")
	proxy := newTCPProxy(t, strings.TrimSuffix(strings.TrimPrefix(testStoreURI, "mongodb://"), "/"))
	bin := buildBinary(t)
	db := "outage_" + strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
	t.Cleanup(func() { dropTestDB(db) }) // runs after the server is killed
	srv := startProc(t, bin, []string{"MONGODB_URI=mongodb://" + proxy.addr + "/", "MMS_DB=" + db, "MMS_ADMIN_KEY=" + testAdminKey,
		"MMS_METRICS_TOKEN=" + testMetricsToken})
	srv.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d1", name: "D1", team: "acme"}) { id } }`, nil)
	const query = `{ datasets { totalCount edges { node { id } } } }`
	if r := srv.mustGQL(t, testAdminKey, query, nil); num(r.get("datasets", "totalCount")) != 1 {
		t.Fatalf("datasets before the outage: %v", r.Data)
	}
	if st := srv.readyz(t); st != http.StatusOK {
		t.Fatalf("/readyz before the outage = %d", st)
	}
	base := srv.goroutines(t)

	proxy.down()
	cut := time.Now()

	// The first request meets the dead connections; it must not wait for the
	// request timeout either.
	var worst time.Duration
	unavailable := func(what string) {
		t.Helper()
		start := time.Now()
		r := srv.gql(t, testAdminKey, query, nil)
		took := time.Since(start)
		worst = max(worst, took)
		if !r.hasCode("UNAVAILABLE") || r.Data["datasets"] != nil {
			t.Fatalf("%s: want UNAVAILABLE, got status %d %+v data %v", what, r.Status, r.Errors, r.Data)
		}
		if took >= 3*time.Second {
			t.Fatalf("%s: UNAVAILABLE took %v, want < 3s", what, took)
		}
	}
	unavailable("first query after the cut")
	t.Logf("first query after the cut: UNAVAILABLE in %v", worst)

	for deadline := time.Now().Add(5 * time.Second); srv.readyz(t) != http.StatusServiceUnavailable; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("/readyz still 200 five seconds into the outage")
		}
	}
	t.Logf("/readyz 503 after %v", time.Since(cut))

	// Known down: every request fails at once, GraphQL and REST alike.
	var steady time.Duration
	for i := range 50 {
		start := time.Now()
		unavailable("query " + strconv.Itoa(i) + " during the outage")
		steady = max(steady, time.Since(start))
	}
	t.Logf("50 queries while the store is known down: slowest %v", steady)
	if steady > time.Second {
		t.Errorf("while the store is known down a query took %v: it should fail at once, not wait for server selection", steady)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/audit/export", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminKey)
	resp, err := srv.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /audit/export during the outage = %d, want 503", resp.StatusCode)
	}

	// The process stays up, and background work (job polling, policy refresh,
	// the driver's checks) does not pile up goroutines.
	time.Sleep(3 * time.Second)
	mid := srv.goroutines(t)
	time.Sleep(3 * time.Second)
	late := srv.goroutines(t)
	t.Logf("goroutines: %d before, %d and %d during the outage", base, mid, late)
	if late > mid+10 || late > base+50 {
		t.Errorf("goroutines grow during the outage: %d before, %d then %d", base, mid, late)
	}
	if srv.cmd.ProcessState != nil {
		t.Fatalf("the server exited during the outage: %v", srv.cmd.ProcessState)
	}
	if st := srv.readyz(t); st != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d while the store is still away", st)
	}

	proxy.up()
	back := time.Now()
	for deadline := back.Add(10 * time.Second); srv.readyz(t) != http.StatusOK; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("/readyz not 200 ten seconds after the store came back")
		}
	}
	t.Logf("/readyz 200 %v after the store came back", time.Since(back))
	for deadline := back.Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		r := srv.gql(t, testAdminKey, query, nil)
		if len(r.Errors) == 0 && num(r.get("datasets", "totalCount")) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queries still fail ten seconds after the store came back: %+v", r.Errors)
		}
	}
	t.Logf("queries succeed %v after the store came back", time.Since(back))
	r := srv.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "d2", name: "D2", team: "acme"}) { id } }`, nil)
	if r.str("createDataset", "id") != "d2" {
		t.Fatalf("write after recovery: %v", r.Data)
	}
	if v := srv.mustGQL(t, testAdminKey, `{ verifyAudit { ok checked } }`, nil); v.get("verifyAudit", "ok") != true {
		t.Errorf("audit chain after the outage: %v", v.Data)
	}
}

// dropTestDB drops a database of the shared test store that a server in another
// process used.
func dropTestDB(name string) {
	d, err := mongodb.Open(testStoreURI, name)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = d.Drop(ctx)
	_ = d.Close(ctx)
}
