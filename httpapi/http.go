// Package httpapi is MMS's HTTP transport: GraphQL at /graphql (gqlgen with
// explicit transports, limits and fast paths for JSON POST and the predict
// query, graphql_predict.go), the Open Inference Protocol at /v2 (oip.go),
// the REST routes (media, artifacts, exports), GraphiQL and the Studio,
// health, readiness and Prometheus metrics, behind the request middlewares.
// New builds it from a Config and its Deps; error answers go through httperr
// (one code->status table). It authorizes nothing itself: every operation is
// the service's.
package httpapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/httperr"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/resolvers"
	"github.com/mms-platform/mms/service"
	"github.com/mms-platform/mms/web"
)

// Config is the part of the server's configuration the transport reads (see
// the root package's Config for each setting's flag and variable).
type Config struct {
	MaxBody        int64 // request body bound (413 beyond)
	MaxUpload      int64 // multipart upload body bound on /graphql
	RequestTimeout time.Duration
	UploadTimeout  time.Duration
	ReadTimeout    time.Duration // time a body may take to arrive (0: no bound)
	MaxDepth       int
	MaxComplexity  int
	MaxTokens      int
	// CallerConcurrency is the store work one caller may run at once (0: no
	// bound); more waits up to CallerWait.
	CallerConcurrency int
	CallerWait        time.Duration
	// CORSOrigins is MMS_CORS_ORIGINS (see ParseCORSOrigins).
	CORSOrigins string
	// MetricsToken is the bearer token that may read /metrics besides admin keys.
	MetricsToken string
	// AccessLog logs one line per request ("request": method, path, status,
	// took, request_id) at level info (MMS_ACCESS_LOG).
	AccessLog bool
	// SeparateMetrics leaves /metrics off the API's routes: the server serves
	// API.Metrics on a listener of its own.
	SeparateMetrics bool
}

// Store is what the transport asks of the store directly: whether it is known
// to be unreachable (the store gate) and a ping (readiness).
type Store interface {
	Unreachable() bool
	Ping(ctx context.Context) error
}

// Deps are the parts the transport calls: every operation goes through Svc,
// every token through Guard.
type Deps struct {
	Log   *slog.Logger
	Svc   *service.Service
	Guard *auth.Guard
	Store Store
	// LogDropped, when set, counts the log lines the log writer dropped
	// (AsyncWriter.Dropped), exported as mms_log_lines_dropped_total.
	LogDropped func() uint64
}

// API is the HTTP transport: GraphQL at /graphql, the Open Inference Protocol
// at /v2, the REST routes (media, artifacts, exports), GraphiQL and the
// Studio, health, readiness and Prometheus metrics, behind the request
// middlewares (request id and access log, CORS, read deadlines, body limits,
// timeouts, authentication, the store gate and the callers' budget).
type API struct {
	cfg     Config
	log     *slog.Logger
	svc     *service.Service
	guard   *auth.Guard
	store   Store
	budget  *Budget
	metrics http.Handler
	handler http.Handler

	logDropped func() uint64
}

// New builds the transport. It fails only on a CORSOrigins value
// ParseCORSOrigins refuses.
func New(cfg Config, d Deps) (*API, error) {
	cors, err := ParseCORSOrigins(cfg.CORSOrigins)
	if err != nil {
		return nil, err
	}
	a := &API{cfg: cfg, log: d.Log, svc: d.Svc, guard: d.Guard, store: d.Store, logDropped: d.LogDropped}
	a.handler = a.routes(cors)
	return a, nil
}

// ServeHTTP serves every route.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Metrics serves the Prometheus registry without a guard, for a listener of
// its own (Config.SeparateMetrics).
func (a *API) Metrics() http.Handler { return a.metrics }

// Budget is the callers' store budget the routes share.
func (a *API) Budget() *Budget { return a.budget }

// routes builds the HTTP handler: GraphQL at /graphql, GraphiQL at /, health,
// readiness and Prometheus metrics.
func (a *API) routes(cors *corsPolicy) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)
	if a.logDropped != nil {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "mms_log_lines_dropped_total", Help: "Log lines dropped because the log destination fell behind (see MMS_ACCESS_LOG).",
		}, func() float64 { return float64(a.logDropped()) }))
	}

	budget := newBudget(a.cfg.CallerConcurrency, a.cfg.CallerWait)
	a.budget = budget
	gql := a.graphqlHandler(m, budget)
	authn := auth.Middleware(a.guard, nil)
	authed := func(h http.Handler) http.Handler { return a.storeGate(authn(h)) }
	// REST routes: each request holds one of its caller's store slots.
	rest := func(h http.Handler) http.Handler { return a.limitBody(a.withTimeout(authed(budget.middleware(h)))) }

	mux := http.NewServeMux()
	// No method on /graphql: POST, GET (queries, SSE) and the WebSocket upgrade all land here.
	mux.Handle("/graphql", a.limitUploads(a.withTimeout(authed(gql))))
	// The SDL is what introspection shows, and introspection is open to
	// anonymous callers: public, but through the per-address limits.
	mux.Handle("GET /graphql/schema.graphql", a.limitBody(authn(schemaHandler(graph.NewExecutableSchema(graph.Config{}).Schema()))))
	mux.Handle("GET /media", rest(http.HandlerFunc(a.serveMedia)))
	mux.Handle("GET /artifacts/{model}/{version}/{name}", rest(http.HandlerFunc(a.serveArtifact)))
	mux.Handle("GET /audit/export", rest(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lw := &lazyWriter{w: w, start: func() { w.Header().Set("Content-Type", "application/x-ndjson") }}
		if err := a.svc.ExportAudit(r.Context(), lw); err != nil && !lw.started {
			a.httpError(w, r, err)
		}
	})))
	mux.Handle("GET /tasks/{task}/export", rest(http.HandlerFunc(a.serveExport)))
	mux.Handle("GET /datasets/{id}/export", rest(http.HandlerFunc(a.serveDatasetExport)))
	a.v2Routes(mux)
	ui := web.Handler("/graphql")
	mux.Handle("GET /{$}", ui)
	mux.Handle("GET /static/", ui)
	studio := web.StudioHandler() // MMS Studio: the app's page for every path below /studio/
	mux.Handle("GET /studio", studio)
	mux.Handle("GET /studio/", studio)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if a.store.Unreachable() || a.store.Ping(ctx) != nil {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "store unreachable\n")
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	a.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	if !a.cfg.SeparateMetrics {
		mux.Handle("GET /metrics", a.limitBody(a.metricsGuard(a.metrics, authed)))
	}
	return a.withRequest(m, a.cors(cors, a.readDeadlines(mux)))
}

// serveMedia streams the bytes of a media document:
// GET /media?dataset=<id>&key=<document key>, with the caller's read permission.
func (a *API) serveMedia(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rc, mime, size, err := a.svc.Media(r.Context(), q.Get("dataset"), q.Get("key"))
	if err != nil {
		a.httpError(w, r, err)
		return
	}
	defer rc.Close()
	if mime == "" {
		mime = "application/octet-stream"
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	_, _ = io.Copy(w, rc)
}

// serveArtifact serves a model version's report plot:
// GET /artifacts/<model>/<version>/{roc,pr,calibration}.svg, with read on the model.
func (a *API) serveArtifact(w http.ResponseWriter, r *http.Request) {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil {
		a.httpError(w, r, model.Errorf(model.ENOTFOUND, "no version %q", r.PathValue("version")))
		return
	}
	svg, err := a.svc.Artifact(r.Context(), r.PathValue("model"), v, r.PathValue("name"))
	if err != nil {
		a.httpError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(svg)
}

// serveExport streams a task's annotations:
// GET /tasks/<task>/export?format=doccano|labelstudio|brat|conll&which=gold|submitted.
func (a *API) serveExport(w http.ResponseWriter, r *http.Request) {
	formats := map[string]struct {
		f     model.AnnotationFormat
		ctype string
		ext   string
	}{
		"doccano":     {model.AnnotationFormatDoccano, "application/x-ndjson", "jsonl"},
		"labelstudio": {model.AnnotationFormatLabelStudio, "application/json", "json"},
		"brat":        {model.AnnotationFormatBrat, "application/zip", "zip"},
		"conll":       {model.AnnotationFormatConll, "text/plain; charset=utf-8", "conll"},
	}
	q := r.URL.Query()
	f, ok := formats[q.Get("format")]
	if !ok {
		a.httpError(w, r, model.Errorf(model.EINVALID, "format must be doccano, labelstudio, brat or conll"))
		return
	}
	lw := &lazyWriter{w: w, start: func() {
		w.Header().Set("Content-Type", f.ctype)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, r.PathValue("task"), f.ext))
	}}
	if err := a.svc.ExportAnnotations(r.Context(), r.PathValue("task"), f.f, q.Get("which"), lw); err != nil {
		if !lw.started {
			a.httpError(w, r, err)
			return
		}
		a.log.ErrorContext(r.Context(), "export cut short", "task", r.PathValue("task"), "err", err)
		return
	}
	lw.begin()
}

// serveDatasetExport streams a dataset version in the caller's view:
// GET /datasets/{id}/export?format=parquet|csv|ndjson[&version=N].
func (a *API) serveDatasetExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var version *int
	if v := q.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			a.httpError(w, r, model.Errorf(model.EINVALID, "version must be a whole number, got %q", v))
			return
		}
		version = &n
	}
	format := q.Get("format")
	if format == "" {
		format = service.ExportParquet
	}
	plan, err := a.svc.PlanExport(r.Context(), r.PathValue("id"), format, version)
	if err != nil {
		a.httpError(w, r, err)
		return
	}
	ctype := map[string]string{service.ExportParquet: "application/vnd.apache.parquet", service.ExportCSV: "text/csv; charset=utf-8",
		service.ExportNDJSON: "application/x-ndjson"}[plan.Format]
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d.%s"`, plan.Dataset, plan.Version, plan.Format))
	w.Header().Set("X-MMS-Dataset-Version", strconv.Itoa(plan.Version))
	if _, err := plan.Write(w); err != nil {
		// Headers are sent: the body is cut short (no trailer a client would check).
		a.log.ErrorContext(r.Context(), "dataset export cut short", "dataset", plan.Dataset, "err", err)
	}
}

// lazyWriter sets a response's headers at its first write, so an error found
// before any output can still get its own status.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (l *lazyWriter) begin() {
	if !l.started {
		l.started = true
		l.start()
	}
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	l.begin()
	return l.w.Write(b)
}

// storeGate answers 503 UNAVAILABLE at once while the store is known to be
// unreachable, instead of letting each request wait for server selection. The
// driver keeps checking the store; requests go through again as soon as it
// answers.
func (a *API) storeGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.store.Unreachable() {
			w.Header().Set("Retry-After", "1")
			httperr.Write(w, httperr.GraphQL, model.Errorf(model.EUNAVAILABLE, "store unavailable, try again"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// httpError answers a REST route's error with the status matching its code,
// logging internal ones.
func (a *API) httpError(w http.ResponseWriter, r *http.Request, err error) {
	a.logInternal(r, err)
	httperr.Write(w, httperr.GraphQL, err)
}

// logInternal logs err when its answer is a 500 (the client reads only
// "internal error").
func (a *API) logInternal(r *http.Request, err error) {
	if httperr.Status(model.ErrorCode(err)) == http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "internal error", "path", r.URL.Path, "err", err)
	}
}

// graphqlHandler builds gqlgen's server with explicit transports and limits.
func (a *API) graphqlHandler(m *metrics, budget *Budget) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{Svc: a.svc}}))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc:              a.websocketInit,
		PayloadReadLimit:      &a.cfg.MaxBody, // a message obeys the body limit too
		// The origin of an upgrade was checked by cors, with the same rule
		// (own origin or MMS_CORS_ORIGINS) as every other cross-origin call.
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{InsecureSkipVerify: true}},
	})
	srv.AddTransport(transport.SSE{})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(overHTTP{transport.GET{}})
	srv.AddTransport(fastPOST{general: overHTTP{transport.POST{}}, predict: &predictPath{predict: a.svc.PredictWith, budget: budget, m: m}})
	srv.AddTransport(uploadForm{maxBody: a.cfg.MaxBody, memory: uploadMemory})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(a.cfg.MaxTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(resolvers.CostLimit{Max: a.cfg.MaxComplexity})
	srv.Use(resolvers.DepthLimit{Max: a.cfg.MaxDepth})
	srv.AroundResponses(m.observe)
	srv.AroundFields(budget.field)
	srv.SetErrorPresenter(resolvers.PresentError(a.log))
	srv.SetRecoverFunc(resolvers.Recover(a.log))
	return srv
}

// websocketInit authenticates a WebSocket from its connection_init payload
// ({"Authorization": "Bearer ..."}), since browsers cannot set headers on sockets.
// A token in the upgrade request's header was already checked by the middleware;
// one in the payload goes through the same guard (per-address limits, audit).
// The connection_ack carries no payload: echoing the init payload would send
// the bearer secret back over the socket.
func (a *API) websocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	token := ""
	for _, k := range []string{"Authorization", "authorization"} {
		if v := p.GetString(k); v != "" {
			token = auth.BearerToken(v)
		}
	}
	if token == "" {
		return ctx, nil, nil
	}
	pr, err := a.guard.Authenticate(ctx, auth.ClientAddr(model.RequestFromContext(ctx).RemoteAddr), token)
	if err != nil {
		return ctx, nil, err
	}
	return model.NewContextWithPrincipal(ctx, pr), nil, nil
}

// limitBody answers 413 for bodies over cfg.MaxBody. It reads the body first
// (the GraphQL and REST handlers decode it whole anyway), so a client gets 413
// rather than a decoding error, and 408 when the body stops arriving (see
// readDeadlines).
func (a *API) limitBody(next http.Handler) http.Handler { return a.bodyLimit(next, false) }

// limitUploads is limitBody for the route that takes uploads (/graphql): a
// multipart body may be up to cfg.MaxUpload and is streamed, not read here;
// its operations and map parts still obey cfg.MaxBody (see uploadForm).
func (a *API) limitUploads(next http.Handler) http.Handler { return a.bodyLimit(next, true) }

func (a *API) bodyLimit(next http.Handler, uploads bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := a.cfg.MaxBody
		upload := uploads && isMultipart(r)
		if upload {
			limit = a.cfg.MaxUpload
		}
		if r.ContentLength > limit {
			tooLarge(w, limit)
			return
		}
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 && !upload {
			b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
			switch {
			case err != nil && isTimeout(err):
				bodyTooSlow(w)
				return
			case err != nil:
				httperr.Write(w, httperr.GraphQL, model.Errorf(model.EINVALID, "could not read the request body"))
				return
			case int64(len(b)) > limit:
				tooLarge(w, limit)
				return
			}
			// Read whole within the limit: the handlers may take the bytes
			// as they are (fastPOST, overHTTP).
			r.Body = &bufferedBody{Reader: bytes.NewReader(b), b: b}
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// uploadMemory is how much of each uploaded file is kept in memory; the rest of
// a larger file streams to a temporary file.
const uploadMemory = 1 << 20

func tooLarge(w http.ResponseWriter, limit int64) {
	w.Header().Set("Connection", "close")
	httperr.WriteStatus(w, httperr.GraphQL, http.StatusRequestEntityTooLarge,
		model.Errorf(model.EINVALID, "request body is larger than %d bytes", limit))
}

// withTimeout bounds each request (uploads get their own, longer bound), except
// WebSocket and SSE streams, which live as long as their subscriptions.
func (a *API) withTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			next.ServeHTTP(w, r)
			return
		}
		timeout := a.cfg.RequestTimeout
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			timeout = a.cfg.UploadTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withRequest gives every request an id (X-Request-Id, kept if the client sent a
// sane one), puts it and the client address in the context, recovers panics, and
// logs one line per request (Config.AccessLog).
func (a *API) withRequest(m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneID(id) {
			// 16 hex digits from the runtime's generator (ChaCha8, seeded by
			// the OS): an id names a request in logs and audit records and is
			// no secret (a client may send its own), so it needs no system
			// call per request.
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], rand.Uint64())
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := model.NewContextWithRequest(r.Context(), model.RequestInfo{ID: id, RemoteAddr: r.RemoteAddr})
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				a.log.ErrorContext(ctx, "panic in handler", "panic", p)
				if !rec.wrote {
					httperr.Write(rec, httperr.GraphQL, model.Errorf(model.EINTERNAL, "internal error"))
				}
			}
			took := time.Since(start)
			m.httpRequest(r, rec.status, took)
			if a.cfg.AccessLog {
				a.accessLog(ctx, r, rec.status, took)
			}
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// accessLog logs the request's line ("request": method, path, status, took),
// as a.log.LogAttrs would but without the caller's program counter: slog
// looks it up on every call (runtime.Callers) for handlers that add the
// source, which serve's JSON handler does not. With serve's logger
// (NewJSONLogger over an AsyncWriter) the line is written as its handler
// writes it (appendAccessLine), without slog's general formatting.
func (a *API) accessLog(ctx context.Context, r *http.Request, status int, took time.Duration) {
	h := a.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now()
	if rh, ok := h.(requestIDHandler); ok && rh.lines != nil && now.Year() >= 0 && now.Year() < 10000 {
		bp := accessLines.Get().(*[]byte)
		*bp = appendAccessLine((*bp)[:0], now, r.Method, r.URL.Path, status, took, model.RequestFromContext(ctx).ID)
		_, _ = rh.lines.Write(*bp) // AsyncWriter copies it
		accessLines.Put(bp)
		return
	}
	rec := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Duration("took", took))
	_ = h.Handle(ctx, rec)
}

func saneID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// statusRecorder remembers the status code; it keeps the writer's optional
// interfaces (Flusher for SSE, Hijacker for WebSockets) reachable via Unwrap.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush keeps SSE streaming through the recorder.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// WithRequestID wraps a log handler so that every record logged with a
// request's context carries its request id ("request_id").
func WithRequestID(h slog.Handler) slog.Handler { return requestIDHandler{Handler: h} }

// requestIDHandler adds the request id from the context to every log record.
type requestIDHandler struct {
	slog.Handler
	// lines, set by NewJSONLogger only, is the writer of Handler, a JSON
	// handler with no option but its level: the API writes its access lines
	// to it directly (see accessLog).
	lines *AsyncWriter
}

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := model.RequestFromContext(ctx).ID; id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{Handler: h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(n string) slog.Handler {
	return requestIDHandler{Handler: h.Handler.WithGroup(n)}
}

// metrics are the Prometheus series MMS exports beyond the Go runtime's.
type metrics struct {
	ops      *prometheus.CounterVec
	opTime   *prometheus.HistogramVec
	requests *prometheus.CounterVec
	names    *boundedSet
	// seriesMu guards opSeries and reqSeries, the series of each label set
	// once looked up, so a request does not hash its labels into the vectors
	// again. Both are bounded as the labels are: operation names by names,
	// routes by httpRequest, codes by httpCode.
	seriesMu  sync.RWMutex
	opSeries  map[opKey]opSeries
	reqSeries map[reqKey]prometheus.Counter
}

type opKey struct{ name, typ, outcome string }

type opSeries struct {
	count prometheus.Counter
	time  prometheus.Observer
}

type reqKey struct {
	route  string
	status int
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mms_graphql_operations_total", Help: "GraphQL operations by name, type and outcome (ok or error).",
		}, []string{"operation", "type", "outcome"}),
		opTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mms_graphql_operation_duration_seconds", Help: "GraphQL operation latency by name.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"operation", "type"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mms_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		names:     &boundedSet{max: 200, perCaller: 20, m: map[string]bool{}, by: map[string]int{}},
		opSeries:  map[opKey]opSeries{},
		reqSeries: map[reqKey]prometheus.Counter{},
	}
	reg.MustRegister(m.ops, m.opTime, m.requests)
	return m
}

// observe is a gqlgen response interceptor: it counts and times each operation.
func (m *metrics) observe(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	var oc *graphql.OperationContext
	if graphql.HasOperationContext(ctx) {
		oc = graphql.GetOperationContext(ctx)
	}
	outcome := "ok"
	if resp == nil || len(resp.Errors) > 0 {
		outcome = "error"
	}
	m.operation(ctx, oc, outcome, start)
	return resp
}

// operation counts an operation (oc nil when there is none) and its time
// since start.
func (m *metrics) operation(ctx context.Context, oc *graphql.OperationContext, outcome string, start time.Time) {
	name, typ := "unknown", "unknown"
	if oc != nil {
		if oc.Operation != nil {
			typ = string(oc.Operation.Operation)
			name = oc.Operation.Name
		}
		if name == "" {
			name = "anonymous"
		}
	}
	name = m.names.label(name, metricsCaller(model.PrincipalFromContext(ctx)))
	k := opKey{name, typ, outcome}
	m.seriesMu.RLock()
	series, ok := m.opSeries[k]
	m.seriesMu.RUnlock()
	if !ok {
		series = opSeries{m.ops.WithLabelValues(name, typ, outcome), m.opTime.WithLabelValues(name, typ)}
		m.seriesMu.Lock()
		m.opSeries[k] = series
		m.seriesMu.Unlock()
	}
	series.count.Inc()
	series.time.Observe(time.Since(start).Seconds())
}

func (m *metrics) httpRequest(r *http.Request, status int, _ time.Duration) {
	route := r.URL.Path
	switch {
	case strings.HasPrefix(route, "/static/"):
		route = "/static/"
	case route == "/v2" || strings.HasPrefix(route, "/v2/"):
		route = "/v2/"
	case route != "/graphql" && route != "/graphql/schema.graphql" && route != "/" && route != "/healthz" && route != "/readyz" && route != "/metrics":
		route = "other"
	}
	k := reqKey{route, status}
	if status < 100 || status > 999 {
		k.status = 0 // httpCode's "other"
	}
	m.seriesMu.RLock()
	c, ok := m.reqSeries[k]
	m.seriesMu.RUnlock()
	if !ok {
		c = m.requests.WithLabelValues(route, httpCode(status))
		m.seriesMu.Lock()
		m.reqSeries[k] = c
		m.seriesMu.Unlock()
	}
	c.Inc()
}

func httpCode(status int) string {
	const digits = "0123456789"
	if status < 100 || status > 999 {
		return "other"
	}
	return string([]byte{digits[status/100], digits[status/10%10], digits[status%10]})
}
