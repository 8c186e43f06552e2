// Package ingestclient is the client behind `mms ingest`: it uploads a file
// to a running MMS server as a GraphQL multipart request (streamed), starts an
// ingestion, follows its job with a progress bar and prints the ingestion's
// summary. It speaks only HTTP and GraphQL: it imports no other package of
// the project.
package ingestclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Ingest client tuning.
const (
	ingestPollEvery    = 500 * time.Millisecond // how often the job is polled
	ingestTTYRedraw    = 200 * time.Millisecond // progress redraw on a terminal
	ingestLogEvery     = 5 * time.Second        // progress line when stderr is not a terminal
	ingestMaxRetries   = 30                     // consecutive failed polls before giving up
	ingestMaxSpec      = 16 << 20               // largest --spec file read
	ingestMaxResponse  = 32 << 20               // largest response body read
	ingestCancelWait   = 10 * time.Second       // how long cancelJob may take after Ctrl-C
	ingestShownRejects = 10
)

// ReadSpec reads a JSON rules file (--spec): an object of mapping, key,
// rules, fields and checks.
func ReadSpec(path string) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--spec: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, ingestMaxSpec+1))
	if err != nil {
		return nil, fmt.Errorf("--spec: %w", err)
	}
	if len(b) > ingestMaxSpec {
		return nil, fmt.Errorf("--spec %s is larger than %d bytes", path, ingestMaxSpec)
	}
	var spec any
	if err := json.Unmarshal(b, &spec); err != nil {
		return nil, fmt.Errorf("--spec %s is not valid JSON: %v", path, err)
	}
	if _, ok := spec.(map[string]any); !ok {
		return nil, fmt.Errorf("--spec %s: want a JSON object (mapping, key, rules, fields, checks)", path)
	}
	return spec, nil
}

// Endpoint turns --server (a base URL, host:port, or the /graphql URL
// itself) into the GraphQL endpoint.
func Endpoint(server string) (string, error) {
	s := strings.TrimSpace(server)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--server %q: want an http(s) URL such as http://127.0.0.1:8080", server)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/graphql") {
		u.Path += "/graphql"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// Options is one upload, checked by the CLI.
type Options struct {
	Endpoint  string // the /graphql URL (see Endpoint)
	Token     string
	Dataset   string
	Source    string
	Format    string // CSV, JSON or NDJSON
	Mode      string // "" (server default: UPSERT), INSERT, UPSERT or MERGE
	Spec      any    // the --spec file's JSON (ReadSpec), or nil
	Encoding  string
	Delimiter string
	File      string

	Stdout, Stderr io.Writer // the summary; progress and notes
	TTY            bool      // Stderr is a terminal: draw a progress bar
}

// Run uploads o.File, follows the job (ctx ending asks the server to cancel
// it) and prints the summary; an error when the ingestion did not succeed.
func Run(ctx context.Context, o Options) error {
	c := &ingestCmd{
		endpoint: o.Endpoint, token: o.Token, dataset: o.Dataset, source: o.Source, format: o.Format, mode: o.Mode,
		spec: o.Spec, encoding: o.Encoding, delimiter: o.Delimiter, file: o.File,
		stdout: o.Stdout, stderr: o.Stderr, tty: o.TTY,
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = 2 * time.Second // a refused token or a too-large body is answered before the upload
	tr.WriteBufferSize = 256 << 10
	c.client = &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	return c.run(ctx)
}

// ingestCmd is one upload.
type ingestCmd struct {
	endpoint  string // the /graphql URL
	token     string
	dataset   string
	source    string
	format    string // CSV, JSON or NDJSON
	mode      string // "" (server default: UPSERT), INSERT, UPSERT or MERGE
	spec      any    // the --spec file's JSON, or nil
	encoding  string
	delimiter string
	file      string

	stdout, stderr io.Writer
	tty            bool
	client         *http.Client
}

func (c *ingestCmd) run(ctx context.Context) error {
	if err := c.preflight(ctx); err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted before the upload; nothing was ingested")
		}
		return err
	}
	jobID, err := c.upload(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "submitted job %s; following it (Ctrl-C cancels the job)\n", jobID)
	start := time.Now()
	job, err := c.follow(ctx, jobID)
	if err != nil {
		return err
	}
	return c.summarize(ctx, job, time.Since(start))
}

// preflight checks the server, the token and the dataset before a possibly
// long upload.
func (c *ingestCmd) preflight(ctx context.Context) error {
	var r struct {
		Dataset *struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		} `json:"dataset"`
	}
	if err := c.query(ctx, `query($d: ID!) { me { id } dataset(id: $d) { id version } }`, map[string]any{"d": c.dataset}, &r); err != nil {
		return err
	}
	if r.Dataset == nil {
		return fmt.Errorf("dataset %q not found (or this token may not read it); create it first with createDataset", c.dataset)
	}
	return nil
}

const ingestMutation = `mutation($in: IngestInput!) { ingest(input: $in) { id status } }`

// upload streams FILE to the ingest mutation and returns the job id. The body
// is written by a goroutine into a pipe, so the file is never held in memory;
// its exact length is computed up front so the server can refuse it early and
// spool it to disk rather than memory.
func (c *ingestCmd) upload(ctx context.Context) (string, error) {
	f, err := os.Open(c.file)
	if err != nil {
		return "", fmt.Errorf("FILE: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("FILE: %w", err)
	}
	size := fi.Size()

	in := map[string]any{"dataset": c.dataset, "source": c.source, "format": c.format, "file": nil}
	if c.mode != "" {
		in["mode"] = c.mode
	}
	if c.spec != nil {
		in["spec"] = c.spec
	}
	if c.encoding != "" || c.delimiter != "" {
		csv := map[string]any{}
		if c.encoding != "" {
			csv["encoding"] = c.encoding
		}
		if c.delimiter != "" {
			csv["delimiter"] = c.delimiter
		}
		in["csv"] = csv
	}
	ops, err := json.Marshal(map[string]any{"query": ingestMutation, "variables": map[string]any{"in": in}})
	if err != nil {
		return "", err
	}
	body := ingestBody{ops: ops, fileMap: `{"0": ["variables.in.file"]}`, name: filepath.Base(c.file)}

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var framing ingestCounter
	dry := multipart.NewWriter(&framing)
	if err := dry.SetBoundary(mw.Boundary()); err != nil {
		return "", err
	}
	if err := body.write(dry, strings.NewReader(""), 0); err != nil {
		return "", err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, pr)
	if err != nil {
		return "", err
	}
	req.ContentLength = int64(framing) + size
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Expect", "100-continue")

	fmt.Fprintf(c.stderr, "uploading %s (%s) to %s: dataset %s, source %s, %s\n",
		body.name, ingestBytes(size), c.endpoint, c.dataset, c.source, strings.ToLower(c.format))
	var sent, doneAt atomic.Int64
	werr := make(chan error, 1)
	go func() {
		err := body.write(mw, &ingestCountingReader{r: f, n: &sent}, size)
		if err == nil {
			doneAt.Store(time.Now().UnixNano())
		}
		_ = pw.CloseWithError(err) // nil: the reader sees EOF
		werr <- err
	}()
	stopBar := c.showUpload(&sent, &doneAt, size)
	var r struct {
		Ingest struct {
			ID string `json:"id"`
		} `json:"ingest"`
	}
	err = c.send(req, &r)
	_ = pr.CloseWithError(errIngestAborted) // unblocks the writer if the server answered early
	wErr := <-werr
	stopBar()
	if err != nil {
		if wErr != nil && !errors.Is(wErr, errIngestAborted) && !errors.Is(wErr, io.ErrClosedPipe) && ctx.Err() == nil {
			return "", wErr
		}
		if ctx.Err() != nil && doneAt.Load() != 0 {
			return "", errors.New("interrupted while the server was storing the upload; it may still start the ingestion")
		}
		if ctx.Err() != nil {
			return "", errors.New("interrupted during the upload; nothing was ingested")
		}
		return "", err
	}
	if r.Ingest.ID == "" {
		return "", errors.New("the server answered the ingest mutation without a job id")
	}
	return r.Ingest.ID, nil
}

var errIngestAborted = errors.New("upload aborted")

// ingestBody is the multipart request: operations, map, then the file.
type ingestBody struct {
	ops     []byte
	fileMap string
	name    string
}

// write writes the body with n bytes of file. Run with n = 0 into a counter, it
// measures the framing around the file.
func (b ingestBody) write(mw *multipart.Writer, file io.Reader, n int64) error {
	if err := mw.WriteField("operations", string(b.ops)); err != nil {
		return err
	}
	if err := mw.WriteField("map", b.fileMap); err != nil {
		return err
	}
	part, err := mw.CreateFormFile("0", b.name)
	if err != nil {
		return err
	}
	buf := make([]byte, 1)
	if n > 0 {
		buf = make([]byte, min(n, 256<<10))
	}
	copied, err := io.CopyBuffer(part, io.LimitReader(file, n), buf)
	if err != nil {
		return err
	}
	if copied < n {
		return fmt.Errorf("%s shrank during the upload (%d of %d bytes read)", b.name, copied, n)
	}
	return mw.Close()
}

// ingestCounter counts the bytes written to it.
type ingestCounter int64

func (c *ingestCounter) Write(p []byte) (int, error) {
	*c += ingestCounter(len(p))
	return len(p), nil
}

// ingestCountingReader counts the bytes read through it.
type ingestCountingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (r *ingestCountingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	if err != nil && err != io.EOF {
		err = fmt.Errorf("read FILE: %w", err)
	}
	return n, err
}

// showUpload draws the upload bar until the returned func is called.
func (c *ingestCmd) showUpload(sent, doneAt *atomic.Int64, total int64) (stop func()) {
	bar := c.newBar()
	start := time.Now()
	line := func(final bool) string {
		n := sent.Load()
		end := time.Now()
		waiting := false
		if d := doneAt.Load(); d != 0 {
			end, waiting = time.Unix(0, d), true
		}
		rate := 0.0
		if el := end.Sub(start).Seconds(); el > 0 {
			rate = float64(n) / el
		}
		frac := 1.0
		if total > 0 {
			frac = float64(n) / float64(total)
		}
		s := fmt.Sprintf("upload    %s %5.1f%%  %s / %s  %s/s", ingestGlyphs(frac), 100*frac, ingestBytes(n), ingestBytes(total), ingestBytes(int64(rate)))
		if waiting {
			s += "  " + end.Sub(start).Round(100*time.Millisecond).String()
			if !final {
				s += "; the server is storing the file"
			}
		}
		return s
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := ingestTTYRedraw
		if !c.tty {
			tick = time.Second
		}
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				bar.draw(line(false), false)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		bar.draw(line(true), true)
		bar.end()
	}
}

// ingestJob is the part of a Job the client reads.
type ingestJob struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Progress float64 `json:"progress"`
	Detail   struct {
		Phase         string  `json:"phase"`
		Rows          int64   `json:"rows"`
		Bytes         int64   `json:"bytes"`
		TotalBytes    int64   `json:"totalBytes"`
		RowsPerSecond float64 `json:"rowsPerSecond"`
	} `json:"detail"`
	Error  *string        `json:"error"`
	Result map[string]any `json:"result"`
}

func (j *ingestJob) final() bool {
	return j.Status == "SUCCEEDED" || j.Status == "FAILED" || j.Status == "CANCELLED"
}

const ingestJobQuery = `query($id: ID!) { job(id: $id) { id status progress detail { phase rows bytes totalBytes rowsPerSecond } error result } }`

// follow polls the job until it is final, drawing its bar. When ctx ends it
// asks the server to cancel the job and returns an error.
func (c *ingestCmd) follow(ctx context.Context, id string) (*ingestJob, error) {
	bar := c.newBar()
	phase, failures, start := "\x00", 0, time.Now()
	for {
		var r struct {
			Job *ingestJob `json:"job"`
		}
		err := c.query(ctx, ingestJobQuery, map[string]any{"id": id}, &r)
		if ctx.Err() != nil {
			bar.end()
			return nil, c.cancel(id)
		}
		var unreachable *ingestUnreachableError
		switch {
		case errors.As(err, &unreachable) && failures < ingestMaxRetries:
			failures++ // a restarting server or a network blip: keep trying for a while
		case err != nil:
			bar.end()
			return nil, fmt.Errorf("following job %s: %w", id, err)
		case r.Job == nil:
			bar.end()
			return nil, fmt.Errorf("job %s not found", id)
		default:
			failures = 0
			j := r.Job
			label := j.Detail.Phase
			if label == "" || j.final() {
				label = strings.ToLower(j.Status)
			}
			if j.final() {
				// The last progress report may predate the end: take the totals.
				if n, ok := j.Result["read"].(float64); ok && int64(n) > j.Detail.Rows {
					j.Detail.Rows = int64(n)
				}
				if el := time.Since(start).Seconds(); j.Detail.RowsPerSecond == 0 && el > 0 {
					j.Detail.RowsPerSecond = float64(j.Detail.Rows) / el
				}
			}
			bar.draw(ingestJobLine(label, j), j.final() || label != phase)
			phase = label
			if j.final() {
				bar.end()
				return j, nil
			}
		}
		select {
		case <-ctx.Done():
			bar.end()
			return nil, c.cancel(id)
		case <-time.After(ingestPollEvery):
		}
	}
}

func ingestJobLine(label string, j *ingestJob) string {
	frac := min(max(j.Progress, 0), 1)
	if j.Status == "SUCCEEDED" {
		frac = 1
	}
	return fmt.Sprintf("%-9s %s %5.1f%%  %s rows  %s rows/s", label, ingestGlyphs(frac), 100*frac,
		ingestCount(j.Detail.Rows), ingestCount(int64(j.Detail.RowsPerSecond)))
}

// cancel asks the server to cancel a job after an interrupt; it always returns
// an error, so that the command exits non-zero.
func (c *ingestCmd) cancel(id string) error {
	fmt.Fprintf(c.stderr, "interrupted: asking the server to cancel job %s\n", id)
	ctx, cancel := context.WithTimeout(context.Background(), ingestCancelWait)
	defer cancel()
	var r struct {
		CancelJob struct {
			Status string `json:"status"`
		} `json:"cancelJob"`
	}
	if err := c.query(ctx, `mutation($id: ID!) { cancelJob(id: $id) { id status } }`, map[string]any{"id": id}, &r); err != nil {
		return fmt.Errorf("interrupted; cancelling job %s failed: %w", id, err)
	}
	return fmt.Errorf("interrupted; asked the server to cancel job %s (status %s; documents already written stay)", id, r.CancelJob.Status)
}

// ingestIngestion is the part of an Ingestion the summary shows.
type ingestIngestion struct {
	ID             string   `json:"id"`
	Dataset        string   `json:"dataset"`
	Source         string   `json:"source"`
	Status         string   `json:"status"`
	Read           int64    `json:"read"`
	Inserted       int64    `json:"inserted"`
	Updated        int64    `json:"updated"`
	Unchanged      int64    `json:"unchanged"`
	Rejected       int64    `json:"rejected"`
	DatasetVersion *int     `json:"datasetVersion"`
	FailedChecks   []string `json:"failedChecks"`
	Error          *string  `json:"error"`
	Rejects        struct {
		TotalCount int64 `json:"totalCount"`
		Edges      []struct {
			Node struct {
				Line    int      `json:"line"`
				Reasons []string `json:"reasons"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"rejects"`
}

const ingestIngestionQuery = `query($id: ID!, $n: Int) { ingestion(id: $id) { id dataset source status read inserted updated unchanged rejected
	datasetVersion failedChecks error rejects(first: $n) { totalCount edges { node { line reasons } } } } }`

// summarize prints the ingestion's outcome on stdout and returns an error
// unless the job succeeded.
func (c *ingestCmd) summarize(ctx context.Context, job *ingestJob, took time.Duration) error {
	out := c.stdout
	ingID, _ := job.Result["ingestion"].(string)
	var ing *ingestIngestion
	if ingID != "" {
		var r struct {
			Ingestion *ingestIngestion `json:"ingestion"`
		}
		if err := c.query(ctx, ingestIngestionQuery, map[string]any{"id": ingID, "n": ingestShownRejects}, &r); err != nil {
			return fmt.Errorf("job %s is %s, but reading ingestion %s failed: %w", job.ID, job.Status, ingID, err)
		}
		ing = r.Ingestion
	}
	jobErr := ""
	if job.Error != nil {
		jobErr = *job.Error
	}
	if ing == nil {
		fmt.Fprintf(out, "job %s: %s in %s\n", job.ID, job.Status, took.Round(100*time.Millisecond))
		if jobErr != "" {
			fmt.Fprintf(out, "error: %s\n", jobErr)
		}
	} else {
		fmt.Fprintf(out, "ingestion %s: %s in %s (job %s)\n", ing.ID, job.Status, took.Round(100*time.Millisecond), job.ID)
		if ing.DatasetVersion != nil {
			fmt.Fprintf(out, "dataset %s, source %s: version %d\n", ing.Dataset, ing.Source, *ing.DatasetVersion)
		} else {
			fmt.Fprintf(out, "dataset %s, source %s: no new version\n", ing.Dataset, ing.Source)
		}
		fmt.Fprintf(out, "%s read, %s inserted, %s updated, %s unchanged, %s rejected\n", ingestCount(ing.Read),
			ingestCount(ing.Inserted), ingestCount(ing.Updated), ingestCount(ing.Unchanged), ingestCount(ing.Rejected))
		if len(ing.FailedChecks) == 0 {
			fmt.Fprintln(out, "failed checks: none")
		} else {
			fmt.Fprintln(out, "failed checks:")
			for _, f := range ing.FailedChecks {
				fmt.Fprintf(out, "  - %s\n", f)
			}
		}
		if rj := ing.Rejects; rj.TotalCount > 0 {
			fmt.Fprintf(out, "rejects: %s (first %d shown)\n", ingestCount(rj.TotalCount), len(rj.Edges))
			for _, e := range rj.Edges {
				fmt.Fprintf(out, "  line %d: %s\n", e.Node.Line, strings.Join(e.Node.Reasons, "; "))
			}
		}
		if ing.Error != nil && *ing.Error != "" {
			jobErr = *ing.Error
		}
		if jobErr != "" {
			fmt.Fprintf(out, "error: %s\n", jobErr)
		}
	}
	switch job.Status {
	case "SUCCEEDED":
		return nil
	case "CANCELLED":
		return fmt.Errorf("job %s was cancelled", job.ID)
	default:
		if jobErr == "" {
			jobErr = "no reason given"
		}
		return fmt.Errorf("ingestion failed (job %s %s): %s", job.ID, job.Status, jobErr)
	}
}

// query posts a JSON GraphQL request and decodes data into out.
func (c *ingestCmd) query(ctx context.Context, query string, vars map[string]any, out any) error {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.send(req, out)
}

// send sends a request with the token and turns the answer into data or an
// error: unreachable server, refused token, too large a body, GraphQL errors.
func (c *ingestCmd) send(req *http.Request, out any) error {
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.client.Do(req)
	if err != nil {
		if req.Context().Err() != nil {
			return req.Context().Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &ingestUnreachableError{server: c.endpoint, err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, ingestMaxResponse))
	if err != nil {
		if req.Context().Err() != nil {
			return req.Context().Err()
		}
		return &ingestUnreachableError{server: c.endpoint, err: err}
	}
	var r struct {
		Data   json.RawMessage  `json:"data"`
		Errors []ingestGQLError `json:"errors"`
	}
	jsonErr := json.Unmarshal(raw, &r)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		why := "401 Unauthorized"
		if len(r.Errors) > 0 {
			why = "401, " + r.Errors[0].String()
		}
		return fmt.Errorf("the server refused the token (%s); check MMS_TOKEN", why)
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		why := ""
		if len(r.Errors) > 0 {
			why = ": " + r.Errors[0].Message
		}
		return fmt.Errorf("the server refused the upload as too large (413%s); see its MMS_MAX_UPLOAD", why)
	case jsonErr != nil || (len(r.Errors) == 0 && len(r.Data) == 0):
		if resp.StatusCode >= 500 {
			return &ingestUnreachableError{server: c.endpoint, err: fmt.Errorf("HTTP %s", resp.Status)}
		}
		return fmt.Errorf("unexpected answer from %s: HTTP %s: %.200q", c.endpoint, resp.Status, raw)
	case len(r.Errors) > 0:
		msgs := make([]string, len(r.Errors))
		for i, e := range r.Errors {
			msgs[i] = e.String()
		}
		return fmt.Errorf("server error: %s", strings.Join(msgs, "; "))
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			return fmt.Errorf("decode the server's answer: %w", err)
		}
	}
	return nil
}

// ingestGQLError is one GraphQL error.
type ingestGQLError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

func (e ingestGQLError) String() string {
	if e.Extensions.Code == "" {
		return e.Message
	}
	return e.Message + " [" + e.Extensions.Code + "]"
}

// ingestUnreachableError is a failure to talk to the server at all.
type ingestUnreachableError struct {
	server string
	err    error
}

func (e *ingestUnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the server at %s: %v (is it running? set --server or MMS_SERVER)", e.server, e.err)
}

func (e *ingestUnreachableError) Unwrap() error { return e.err }

// ingestBar draws a progress line on stderr: redrawn in place on a terminal,
// one line every ingestLogEvery (or when forced) otherwise.
type ingestBar struct {
	w     io.Writer
	tty   bool
	last  time.Time
	width int
}

func (c *ingestCmd) newBar() *ingestBar { return &ingestBar{w: c.stderr, tty: c.tty} }

func (b *ingestBar) draw(s string, force bool) {
	if b.tty {
		pad := max(b.width-len(s), 0)
		b.width = len(s)
		fmt.Fprint(b.w, "\r"+s+strings.Repeat(" ", pad))
		return
	}
	if !force && time.Since(b.last) < ingestLogEvery {
		return
	}
	b.last = time.Now()
	fmt.Fprintln(b.w, s)
}

// end finishes the line on a terminal.
func (b *ingestBar) end() {
	if b.tty && b.width > 0 {
		fmt.Fprintln(b.w)
		b.width = 0
	}
}

// ingestGlyphs is a 30-column bar for a fraction.
func ingestGlyphs(frac float64) string {
	const width = 30
	frac = min(max(frac, 0), 1)
	n := int(frac * width)
	s := strings.Repeat("=", n)
	if n < width {
		s += ">" + strings.Repeat(" ", width-n-1)
	}
	return "[" + s + "]"
}

// ingestBytes formats a byte count in decimal units.
func ingestBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, "kMGTP"[i-1])
}

// ingestCount formats an integer with thousands separators.
func ingestCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
