// Package app wires MMS: configuration (flags with environment defaults), the
// store, the service, the HTTP transport and the server's lifecycle.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/httpapi"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/mongodb"
	"github.com/mms-platform/mms/service"
)

// Config is the server's configuration. Each field has a flag whose default is
// read from the environment variable named in its usage text.
type Config struct {
	Addr           string
	MongoURI       string
	DBName         string
	DataDir        string
	EmbeddedAddr   string
	AdminKey       string
	JWTSecret      string
	JWKSURL        string
	JWTIssuer      string
	JWTAudience    string
	LogLevel       string
	AccessLog      string
	MaxDepth       int
	MaxComplexity  int
	MaxTokens      int
	MaxBody        int64
	MaxUpload      int64
	RequestTimeout time.Duration
	UploadTimeout  time.Duration
	ReadTimeout    time.Duration
	PolicyRefresh  time.Duration
	KeyCacheTTL    time.Duration
	DatasetTTL     time.Duration
	ShutdownGrace  time.Duration
	Workers        int
	SnapshotKeep   int
	SnapshotDelta  string
	MaxPredict     int
	JobLease       time.Duration
	WebhookBackoff time.Duration
	RateLimit      float64
	RateBurst      float64
	AllowPrivate   bool
	// CORSOrigins are the browser origins that may call the API from another
	// origin (MMS_CORS_ORIGINS; see httpapi.ParseCORSOrigins).
	CORSOrigins string
	// AllowRawSources lets ingest take raw database URIs (single-tenant installs).
	AllowRawSources bool

	// AuthFailLimit is the failed authentications per minute each client address
	// may make on average, AuthFailBurst how many at once; beyond, its requests
	// with a token are answered 429 unchecked. Always on.
	AuthFailLimit float64
	AuthFailBurst float64
	// AuthAuditWindow is the window in which a client address's first failed
	// authentication (and first refused request without a token) is audited
	// and the others summed into one record.
	AuthAuditWindow time.Duration
	// AnonRateLimit is the requests per second without a token each client
	// address may make on average (0: no limit), AnonRateBurst how many at once.
	AnonRateLimit float64
	AnonRateBurst float64

	CallerConcurrency int
	CallerWait        time.Duration
	MetricsToken      string
	MetricsAddr       string

	AuditSigningKey      string
	AuditVerifyKeys      string
	AuditCheckpointEvery int

	EncryptionKey     string
	EncryptionOldKeys string
}

// ParseConfig reads the flags of the command name ("mms", "mms audit verify"),
// taking defaults from the environment. The usage and flag errors go to out;
// usage, when not nil, writes the command's usage text to fs.Output() (nil:
// the flag package's default, the flags alone). --help answers flag.ErrHelp; a
// wrong flag or argument a *UsageError.
func ParseConfig(name string, args []string, getenv func(string) string, out io.Writer, usage func(fs *flag.FlagSet)) (*Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	c := &Config{}
	e := &envDefaults{getenv: getenv}
	str := func(p *string, name, env, def, usage string) {
		envFlag(e, fs.StringVar, p, name, env, def, usage, parseString)
	}
	num := func(p *int, name, env string, def int, usage string) {
		envFlag(e, fs.IntVar, p, name, env, def, usage, strconv.Atoi)
	}
	size := func(p *int64, name, env string, def int64, usage string) {
		envFlag(e, fs.Int64Var, p, name, env, def, usage, parseInt64)
	}
	dur := func(p *time.Duration, name, env string, def time.Duration, usage string) {
		envFlag(e, fs.DurationVar, p, name, env, def, usage, time.ParseDuration)
	}
	fl := func(p *float64, name, env string, def float64, usage string) {
		envFlag(e, fs.Float64Var, p, name, env, def, usage, parseFloat)
	}
	str(&c.Addr, "addr", "MMS_ADDR", "127.0.0.1:8080", "HTTP listen address")
	str(&c.MongoURI, "mongodb-uri", "MONGODB_URI", "", "MongoDB connection string; empty starts the embedded store")
	str(&c.DBName, "db", "MMS_DB", "mms", "database name")
	str(&c.DataDir, "data-dir", "MMS_DATA_DIR", "./data", "embedded store directory (used when no MongoDB URI is set)")
	str(&c.EmbeddedAddr, "embedded-addr", "MMS_EMBEDDED_ADDR", mongodb.DefaultEmbeddedAddr, "listen address of the embedded store; other instances can share it with MONGODB_URI=mongodb://<addr>/ (no authentication: keep it on loopback or a private network)")
	str(&c.JWKSURL, "jwt-jwks-url", "MMS_JWT_JWKS_URL", "", "JWKS URL for RS256/ES256 JWT bearer tokens")
	str(&c.JWTIssuer, "jwt-issuer", "MMS_JWT_ISSUER", "", "required JWT iss claim")
	str(&c.JWTAudience, "jwt-audience", "MMS_JWT_AUDIENCE", "", "required JWT aud claim")
	str(&c.LogLevel, "log-level", "MMS_LOG_LEVEL", "info", "debug, info, warn or error")
	str(&c.AccessLog, "access-log", "MMS_ACCESS_LOG", "on", "on: log one line per request (method, path, status, took, request_id) at level info; off: none (errors are still logged)")
	num(&c.MaxDepth, "max-depth", "MMS_MAX_DEPTH", 15, "maximum GraphQL selection depth")
	num(&c.MaxComplexity, "max-complexity", "MMS_MAX_COMPLEXITY", 10000, "maximum estimated cost of a GraphQL operation (list sizes times their items, counts, scans, verifyAudit; about one unit per document read)")
	num(&c.MaxTokens, "max-tokens", "MMS_MAX_TOKENS", 15000, "maximum GraphQL parser tokens per query")
	size(&c.MaxBody, "max-body", "MMS_MAX_BODY", 1<<20, "maximum request body in bytes (413 beyond)")
	size(&c.MaxUpload, "max-upload", "MMS_MAX_UPLOAD", 1<<30, "maximum multipart upload body in bytes")
	dur(&c.RequestTimeout, "request-timeout", "MMS_REQUEST_TIMEOUT", 60*time.Second, "per-request timeout (not for subscriptions)")
	dur(&c.UploadTimeout, "upload-timeout", "MMS_UPLOAD_TIMEOUT", time.Hour, "timeout of multipart upload requests (large files take long to send)")
	dur(&c.ReadTimeout, "read-timeout", "MMS_READ_TIMEOUT", 30*time.Second, "time a request body may take to arrive; uploads have MMS_UPLOAD_TIMEOUT in all but may not pause longer than this (408 beyond; 0: no bound)")
	num(&c.CallerConcurrency, "caller-concurrency", "MMS_CALLER_CONCURRENCY", 8, "store operations (GraphQL resolvers, REST requests) one caller may run at once; more wait (0: no bound)")
	dur(&c.CallerWait, "caller-wait", "MMS_CALLER_WAIT", 5*time.Second, "how long work over a caller's concurrency bound waits for a slot before it fails with RATE_LIMITED")
	str(&c.CORSOrigins, "cors-origins", "MMS_CORS_ORIGINS", "", "comma-separated browser origins (scheme://host[:port]) that may call the API from another origin, or * for any; never with credentials (MMS uses the Authorization header, not cookies); empty: same origin only")
	str(&c.MetricsAddr, "metrics-addr", "MMS_METRICS_ADDR", "", "serve /metrics on this separate address (e.g. 127.0.0.1:9090) instead of the API address")
	dur(&c.PolicyRefresh, "policy-refresh", "MMS_POLICY_REFRESH", time.Second, "how often to check the store for policy changes")
	dur(&c.KeyCacheTTL, "key-cache-ttl", "MMS_KEY_CACHE_TTL", 2*time.Second, "how long an authenticated API key is cached")
	dur(&c.DatasetTTL, "dataset-cache-ttl", "MMS_DATASET_CACHE_TTL", time.Second, "how long a dataset description read by dataset(id) is cached; 0 disables")
	dur(&c.ShutdownGrace, "shutdown-grace", "MMS_SHUTDOWN_GRACE", 10*time.Second, "how long in-flight requests may finish on SIGTERM")
	num(&c.Workers, "workers", "MMS_WORKERS", 2, "background jobs this instance runs at once")
	num(&c.SnapshotKeep, "snapshot-keep", "MMS_SNAPSHOT_KEEP", 3, "latest Parquet snapshots kept per dataset besides those model versions trained on")
	str(&c.SnapshotDelta, "snapshot-delta", "MMS_SNAPSHOT_DELTA", "on", "on: build a version's snapshot from the previous one and the ingestion's writes (spilled to temporary files); off: read the store back after every ingestion")
	dur(&c.WebhookBackoff, "webhook-backoff", "MMS_WEBHOOK_BACKOFF", 2*time.Second, "wait before a failed webhook delivery's first retry (doubling after, at most 8 attempts)")
	num(&c.MaxPredict, "max-predict-inputs", "MMS_MAX_PREDICT_INPUTS", 1000, "most inputs one predict request may score")
	dur(&c.JobLease, "job-lease", "MMS_JOB_LEASE", 30*time.Second, "how long a job stays claimed without a heartbeat before it counts as interrupted")
	allow := getenv("MMS_ALLOW_PRIVATE_URLS") == "true"
	fs.BoolVar(&c.AllowPrivate, "allow-private-urls", allow, "let URL sources reach loopback and private networks ($MMS_ALLOW_PRIVATE_URLS=true)")
	raw := getenv("MMS_ALLOW_RAW_SOURCES") == "true"
	fs.BoolVar(&c.AllowRawSources, "allow-raw-sources", raw, "let ingest read a raw MongoDB URI or PostgreSQL DSN instead of a registered connection; for single-tenant installs only: any editor could then reach any database the server can ($MMS_ALLOW_RAW_SOURCES=true)")
	fl(&c.RateLimit, "rate-limit", "MMS_RATE_LIMIT", 0, "requests per second each API key or JWT subject may make on average (0: no limit)")
	fl(&c.RateBurst, "rate-burst", "MMS_RATE_BURST", 100, "requests a caller may make at once above its rate")
	fl(&c.AuthFailLimit, "auth-fail-limit", "MMS_AUTH_FAIL_LIMIT", 10, "failed authentications per minute each client address may make on average; beyond, its requests with a token get 429 without being checked (always on, whatever MMS_RATE_LIMIT says)")
	fl(&c.AuthFailBurst, "auth-fail-burst", "MMS_AUTH_FAIL_BURST", 20, "failed authentications a client address may make at once above its rate")
	dur(&c.AuthAuditWindow, "auth-audit-window", "MMS_AUTH_AUDIT_WINDOW", time.Minute, "window in which a client address's first failed authentication (and first refused request without a token) is audited one by one and the rest summed into one audit record")
	fl(&c.AnonRateLimit, "anon-rate-limit", "MMS_ANON_RATE_LIMIT", 5, "requests per second without a token each client address may make on average (0: no limit)")
	fl(&c.AnonRateBurst, "anon-rate-burst", "MMS_ANON_RATE_BURST", 200, "requests without a token a client address may make at once above its rate")
	// A secret's flag shows no default, so that --help does not print it.
	secret := func(p *string, flagName, env, usage string) {
		fs.StringVar(p, flagName, "", usage+" ($"+env+"; prefer the env var: flags show in ps)")
		*p = getenv(env) // after StringVar stored the empty default; a flag overrides it
	}
	secret(&c.AdminKey, "admin-key", "MMS_ADMIN_KEY", "API key ensured as a global admin key at start")
	secret(&c.MetricsToken, "metrics-token", "MMS_METRICS_TOKEN", "bearer token that may read /metrics on the API address (besides admin keys)")
	secret(&c.JWTSecret, "jwt-secret", "MMS_JWT_SECRET", "HS256 secret for JWT bearer tokens, at least 32 bytes")
	secret(&c.AuditSigningKey, "audit-signing-key", "MMS_AUDIT_SIGNING_KEY", "base64 32-byte Ed25519 seed that signs audit checkpoints, e.g. from $(openssl rand -base64 32); empty writes none")
	str(&c.AuditVerifyKeys, "audit-verify-keys", "MMS_AUDIT_VERIFY_KEYS", "", "comma-separated base64 Ed25519 public keys of earlier audit signing keys whose checkpoints still verify (see mms audit public-key)")
	num(&c.AuditCheckpointEvery, "audit-checkpoint-every", "MMS_AUDIT_CHECKPOINT_EVERY", auth.DefaultCheckpointEvery, "records between signed audit checkpoints")
	secret(&c.EncryptionKey, "encryption-key", "MMS_ENCRYPTION_KEY", "key that seals sensitive fields at rest, ID:BASE64 of 32 bytes, e.g. k1:$(openssl rand -base64 32); without one, datasets with sensitive fields cannot be written")
	secret(&c.EncryptionOldKeys, "encryption-old-keys", "MMS_ENCRYPTION_OLD_KEYS", "comma-separated earlier encryption keys (ID:BASE64) that still open values not yet re-sealed by mms keys rotate")
	if usage != nil {
		fs.Usage = func() { usage(fs) }
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &UsageError{Err: err, Shown: true}
	}
	if len(e.bad) > 0 {
		return nil, fmt.Errorf("invalid value in %s", strings.Join(e.bad, ", "))
	}
	if fs.NArg() > 0 {
		return nil, UsageErrorf("unexpected arguments %q: %s takes flags only (see %s --help)", fs.Args(), name, name)
	}
	if !(c.AuthFailLimit > 0) || !(c.AuthFailBurst >= 1) {
		return nil, fmt.Errorf("MMS_AUTH_FAIL_LIMIT must be above 0 and MMS_AUTH_FAIL_BURST at least 1: failed authentications are always limited")
	}
	if _, err := httpapi.ParseCORSOrigins(c.CORSOrigins); err != nil {
		return nil, err
	}
	if c.AccessLog != "on" && c.AccessLog != "off" {
		return nil, fmt.Errorf("MMS_ACCESS_LOG must be on or off, got %q", c.AccessLog)
	}
	if !(c.AuthAuditWindow > 0) {
		return nil, fmt.Errorf("MMS_AUTH_AUDIT_WINDOW must be above 0")
	}
	if c.AnonRateLimit < 0 || c.AnonRateLimit > 0 && c.AnonRateBurst < 1 {
		return nil, fmt.Errorf("MMS_ANON_RATE_LIMIT must not be negative, and MMS_ANON_RATE_BURST at least 1 with a limit")
	}
	return c, nil
}

// envDefaults reads flag defaults from the environment and collects the
// variables whose value does not parse.
type envDefaults struct {
	getenv func(string) string
	bad    []string
}

// envFlag defines flag name with define (fs.StringVar, fs.IntVar, ...): its
// default is the environment variable env read by parse, or def when env is
// unset or empty, and its usage names env. A value parse refuses is recorded
// in e.bad (ParseConfig then fails, naming it) and the default is parse's
// result.
func envFlag[T any](e *envDefaults, define func(p *T, name string, value T, usage string), p *T, name, env string, def T, usage string, parse func(string) (T, error)) {
	v := def
	if s := e.getenv(env); s != "" {
		var err error
		if v, err = parse(s); err != nil {
			e.bad = append(e.bad, env)
		}
	}
	define(p, name, v, usage+" ($"+env+")")
}

func parseString(s string) (string, error) { return s, nil }

func parseInt64(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// NewServerLogger is Serve's logger: NewLogger over an AsyncWriter to w, so
// that a request's log line costs no system call of its own. Closing the
// writer writes the pending lines.
func NewServerLogger(w io.Writer, level string) (*slog.Logger, *httpapi.AsyncWriter, error) {
	out := httpapi.NewAsyncWriter(w, logFlushEvery, logBatch, logMaxPending)
	log, err := NewLogger(out, level)
	if err != nil {
		out.Close()
		return nil, nil, err
	}
	return log, out, nil
}

// NewLogger returns the JSON logger; records carry the request id from the context.
func NewLogger(w io.Writer, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	return httpapi.NewJSONLogger(w, lv), nil
}

// Store is a connected database and, when embedded, the server behind it
// (Embedded; nil on an external deployment).
type Store struct {
	*mongodb.DB
	Embedded *mongodb.Embedded
}

// OpenStore connects to cfg's MongoDB, starting the embedded one if none is set.
func OpenStore(ctx context.Context, cfg *Config, log *slog.Logger) (*Store, error) {
	keys, err := fieldcrypt.ParseKeyring(cfg.EncryptionKey, cfg.EncryptionOldKeys)
	if err != nil {
		return nil, err // names key ids, never secrets
	}
	s := &Store{}
	uri := cfg.MongoURI
	if uri == "" {
		e, err := mongodb.StartEmbeddedAt(cfg.DataDir, cfg.EmbeddedAddr, log)
		if err != nil {
			return nil, err
		}
		s.Embedded, uri = e, e.URI
		log.Info("embedded store started", "dir", cfg.DataDir, "addr", e.Addr)
	}
	db, err := mongodb.Open(uri, cfg.DBName)
	if err == nil {
		db.SetLogger(log)
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err = db.Ping(pctx); err == nil {
			err = db.Detect(pctx)
		}
		cancel()
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if s.Embedded != nil {
		db.UseEmbedded(s.Embedded)
	}
	s.DB = db
	db.SetKeyring(keys)
	if keys != nil {
		log.Info("field encryption", "keyId", keys.CurrentID(), "keyIds", keys.IDs())
	}
	return s, nil
}

// Close closes the connection and stops the embedded store, if any.
func (s *Store) Close() {
	if s.DB != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.DB.Close(ctx)
		cancel()
	}
	if s.Embedded != nil {
		s.Embedded.Close()
	}
}

// App is everything the server runs, wired once by New: the store, the
// service over it, the authentication and authorization, the job runner and
// (built by Handler) the HTTP transport.
type App struct {
	Config  *Config
	Log     *slog.Logger
	Store   *Store
	Service *service.Service
	Authn   *auth.Authenticator
	// Authz is Service.Authz, concrete for its policy refresh (Watch).
	Authz *auth.Authorizer
	// Runner runs the background jobs: New registers the service's jobs with
	// it, the caller runs it (Serve does).
	Runner *jobs.Runner
	// API is the HTTP transport, set by Handler.
	API *httpapi.API
	// LogDropped counts the log lines the log writer dropped (nil: it drops
	// none); set it before Handler.
	LogDropped func() uint64

	audit *auth.AuditLog
	// guard authenticates requests within the per-address limits; the
	// summaries of failed authentications and refused anonymous requests are
	// flushed by goroutines that Close stops (writing the last ones) before
	// the audit log closes.
	guard     *auth.Guard
	stopGuard context.CancelFunc
	guardDone chan struct{}
}

// New connects the store cfg names (OpenStore) and builds the services. Close
// releases them.
func New(ctx context.Context, cfg *Config, log *slog.Logger) (*App, error) {
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Store: st}
	if err := a.init(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) init(ctx context.Context) error {
	if err := a.Store.EnsureIndexes(ctx); err != nil {
		return err
	}
	authz, err := auth.NewAuthorizer(ctx, a.Store, a.Log)
	if err != nil {
		return err
	}
	a.Authz = authz
	a.Authn = &auth.Authenticator{Keys: a.Store, Teams: a.Store, CacheTTL: a.Config.KeyCacheTTL}
	if a.Config.JWTSecret != "" || a.Config.JWKSURL != "" {
		v, err := auth.NewJWTVerifier(auth.JWTConfig{
			Secret: []byte(a.Config.JWTSecret), JWKSURL: a.Config.JWKSURL,
			Issuer: a.Config.JWTIssuer, Audience: a.Config.JWTAudience,
		})
		if err != nil {
			return fmt.Errorf("JWT configuration: %w", err)
		}
		a.Authn.JWT = v
	}
	cps, err := AuditCheckpoints(a.Config, a.Store)
	if err != nil {
		return err
	}
	if id := cps.KeyID(); id != "" {
		a.Log.Info("audit checkpoints signed", "keyId", id, "every", cps.Every)
	}
	a.audit = auth.NewAuditLog(a.Store, a.Log, auth.WithCheckpoints(cps))
	a.Service = &service.Service{
		Teams: a.Store, Keys: a.Store, Datasets: a.Store, Sharing: a.Store, AuditRecords: a.Store,
		AuditChain: a.audit, Authz: authz, Authn: a.Authn, Log: a.Log, DatasetCacheTTL: a.Config.DatasetTTL,
		Docs: a.Store, Ingestions: a.Store, Jobs: a.Store, Blobs: a.Store, Models: a.Store, StoredPredictions: a.Store, Webhooks: a.Store, Annotations: a.Store, MongoSources: a.Store, SourceConnections: a.Store,
		AllowPrivateURLs: a.Config.AllowPrivate, AllowRawSources: a.Config.AllowRawSources, MaxSourceBytes: a.Config.MaxUpload, MaxPredictInputs: a.Config.MaxPredict,
		WebhookBackoff: a.Config.WebhookBackoff, Snapshots: a.Store, SnapshotKeep: a.Config.SnapshotKeep, SnapshotDeltaOff: a.Config.SnapshotDelta == "off",
	}
	failures := &auth.AuditThrottle{Window: a.Config.AuthAuditWindow, Summary: a.Service.RecordFailedAuthentications}
	a.Service.AnonymousDenials = &auth.AuditThrottle{Window: a.Config.AuthAuditWindow, Summary: a.Service.RecordAnonymousDenials}
	a.guard = &auth.Guard{
		Authn:     a.Authn,
		Principal: &auth.RateLimiter{Rate: a.Config.RateLimit, Burst: a.Config.RateBurst},
		Failures:  &auth.RateLimiter{Rate: a.Config.AuthFailLimit / 60, Burst: a.Config.AuthFailBurst},
		Anonymous: &auth.RateLimiter{Rate: a.Config.AnonRateLimit, Burst: a.Config.AnonRateBurst},
		Audit:     failures,
		Reject:    a.Service.RecordRejectedToken,
	}
	gctx, stop := context.WithCancel(context.Background())
	a.stopGuard, a.guardDone = stop, make(chan struct{})
	go func() {
		defer close(a.guardDone)
		done := make(chan struct{})
		go func() { defer close(done); a.Service.AnonymousDenials.Run(gctx) }()
		failures.Run(gctx)
		<-done
	}()
	a.Runner = jobs.NewRunner(a.Store, a.Log)
	a.Runner.Workers = a.Config.Workers
	a.Runner.Lease, a.Runner.Beat = a.Config.JobLease, max(a.Config.JobLease/10, 100*time.Millisecond)
	a.Service.RegisterJobs(a.Runner)
	return nil
}

// Close writes the pending audit summaries (failed authentications, refused
// anonymous requests), stops the audit writer and closes the store.
func (a *App) Close() {
	if a.stopGuard != nil {
		a.stopGuard()
		<-a.guardDone
	}
	if a.audit != nil {
		a.audit.Close()
	}
	a.Store.Close()
}

// Handler builds the HTTP transport over the app's service, guard and store
// (a.API) and returns it as the server's handler.
func (a *App) Handler() http.Handler {
	c := a.Config
	api, err := httpapi.New(httpapi.Config{
		MaxBody: c.MaxBody, MaxUpload: c.MaxUpload,
		RequestTimeout: c.RequestTimeout, UploadTimeout: c.UploadTimeout, ReadTimeout: c.ReadTimeout,
		MaxDepth: c.MaxDepth, MaxComplexity: c.MaxComplexity, MaxTokens: c.MaxTokens,
		CallerConcurrency: c.CallerConcurrency, CallerWait: c.CallerWait,
		CORSOrigins: c.CORSOrigins, MetricsToken: c.MetricsToken, SeparateMetrics: c.MetricsAddr != "",
		AccessLog: c.AccessLog == "on",
	}, httpapi.Deps{Log: a.Log, Svc: a.Service, Guard: a.guard, Store: a.Store, LogDropped: a.LogDropped})
	if err != nil {
		panic(err) // ParseConfig checked CORSOrigins
	}
	a.API = api
	return api
}

// Serve runs the server cfg describes until ctx ends, then shuts down
// gracefully: the log (JSON) goes to stdout, an admin key generated on a
// first start to stderr.
func Serve(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	log, out, err := NewServerLogger(stdout, cfg.LogLevel)
	if err != nil {
		return err
	}
	defer out.Close() // last: after the shutdown's own lines
	a, err := New(ctx, cfg, log)
	var inUse *mongodb.StoreInUseError
	if errors.As(err, &inUse) {
		share := ""
		if uri := inUse.URI(); uri != "" {
			share = ", or share that store with MONGODB_URI=" + uri
		}
		return fmt.Errorf("%w; give this server another --data-dir (MMS_DATA_DIR)%s", err, share)
	}
	if err != nil {
		return err
	}
	defer a.Close()
	a.LogDropped = out.Dropped
	generated, err := a.Service.EnsureAdminKey(ctx, cfg.AdminKey)
	if err != nil {
		return err
	}
	if generated != "" {
		fmt.Fprintf(stderr, "\n  First start: an admin API key was generated. It is shown only this once:\n\n    %s\n\n  Use it as `Authorization: Bearer <key>`, or set MMS_ADMIN_KEY yourself.\n\n", generated)
	}

	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go a.Authz.Watch(bg, cfg.PolicyRefresh)
	runnerDone := make(chan struct{})
	go func() { defer close(runnerDone); a.Runner.Run(bg) }()
	go a.Service.RunWebhooks(bg)
	go a.Service.RunSnapshotSweep(bg, time.Hour)
	go func() {
		// Ingestions that committed but whose server died while applying them
		// are completed now, not only when the next writer takes the dataset.
		n, err := a.Store.SettlePending(bg, "startup:"+cfg.Addr, a.Config.JobLease)
		if err != nil {
			log.Warn("completing committed ingestions", "err", err)
		} else if n > 0 {
			log.Info("completed committed ingestions", "datasets", n)
		}
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "graphiql", "http://"+ln.Addr().String()+"/")
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.API.Metrics())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		go func() { errc <- metricsSrv.Serve(mln) }()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("in-flight requests cut at the grace deadline", "err", err)
		_ = srv.Close()
	}
	if metricsSrv != nil {
		_ = metricsSrv.Close()
	}
	stopBG()
	// Running jobs see their context end and record themselves interrupted
	// (FAILED). Their clean-up is bounded: a job still busy after
	// jobCleanupGrace is left to its lease, which lapses, and the job is then
	// marked FAILED as interrupted by whichever instance looks next; nothing
	// resumes it, but submitting it again is safe (its writes are idempotent).
	// So SIGTERM never waits on a long clean-up.
	select {
	case <-runnerDone:
	case <-time.After(jobCleanupGrace):
		log.Warn("jobs still cleaning up at shutdown; they will be marked failed (interrupted) when their lease lapses", "waited", jobCleanupGrace.String())
	}
	log.Info("stopped")
	return nil
}

// The log writer (httpapi.AsyncWriter): lines are written at least every
// logFlushEvery, at once when logBatch bytes are pending, and dropped (counted
// in mms_log_lines_dropped_total) while logMaxPending bytes wait for a
// destination that fell behind.
const (
	logFlushEvery = 100 * time.Millisecond
	logBatch      = 64 << 10
	logMaxPending = 8 << 20
)

// jobCleanupGrace bounds how long shutdown waits, after MMS_SHUTDOWN_GRACE, for
// cancelled jobs to record their end and drop their temporary sources.
const jobCleanupGrace = 5 * time.Second
