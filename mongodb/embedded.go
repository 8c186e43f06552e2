package mongodb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/mms-platform/mms/model"
	_ "modernc.org/sqlite" // FerretDB's SQLite driver, for indexIDs
)

// Embedded is a FerretDB server (SQLite handler) running inside this process.
// It speaks the MongoDB wire protocol on a loopback port, so the same driver code
// talks to it and to a real MongoDB deployment.
type Embedded struct {
	URI string
	// Addr is the host:port the store listens on (the URI's host).
	Addr string
	// shared is set when the store listens on a fixed port, for other server
	// instances to connect to: sources and media then go to GridFS in the
	// store, which every instance reads, not to files in this process's dir.
	shared bool
	dir    string
	lock   *dirLock // held while the store runs: one process per directory
	cancel context.CancelFunc
	done   chan struct{}
}

// DefaultEmbeddedAddr is where the embedded store listens unless told otherwise:
// loopback, on a port the system picks.
const DefaultEmbeddedAddr = "127.0.0.1:0"

// StartEmbedded starts FerretDB with its SQLite files in dir (created if missing),
// listening on DefaultEmbeddedAddr.
func StartEmbedded(dir string, log *slog.Logger) (*Embedded, error) {
	return StartEmbeddedAt(dir, DefaultEmbeddedAddr, log)
}

// StartEmbeddedAt starts FerretDB with its SQLite files in dir, listening on addr
// (host:port; port 0 picks a free one). The store has no authentication, so any
// address other than loopback is logged as a warning: whoever reaches it can
// read and write everything. Another server instance can share the store by
// connecting to it (MONGODB_URI=mongodb://<addr>/); so with a fixed port,
// sources and media are kept in GridFS like on MongoDB, not in files in dir.
//
// Only one store runs in a directory at a time: dir/mms.lock (LockFile) is held
// while it runs, and a second start, in this process or another, answers a
// *StoreInUseError naming the holder's pid and address.
//
// FerretDB's own logging is silenced below error level: at WARN it prints whole
// wire messages for every failed command, which may carry user data.
func StartEmbeddedAt(dir, addr string, log *slog.Logger) (*Embedded, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("embedded store address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Warn("the embedded store listens beyond loopback and has no authentication", "addr", addr)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	quiet := slog.New(log.Handler().WithGroup("ferretdb"))
	quiet = slog.New(levelFilter{h: quiet.Handler(), min: slog.LevelError})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: addr},
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL: a commit does not wait for fsync (only
		// checkpoints do). The store stays consistent across crashes of the
		// process; a power loss may drop the last transactions. Without it each
		// single-document update costs one fsync (~9 ms here).
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(normal)",
		Logger:    quiet,
	})
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{dir: abs, lock: lock, cancel: cancel, done: make(chan struct{}), shared: port != "0" && port != ""}
	var runErr error
	go func() {
		defer close(e.done)
		runErr = f.Run(ctx)
	}()
	// MongoDBURI blocks until the listener is up; it must be called after Run started.
	uriCh := make(chan string, 1)
	go func() { uriCh <- f.MongoDBURI() }()
	select {
	case e.URI = <-uriCh:
		if u, err := url.Parse(e.URI); err == nil {
			e.Addr = u.Host
		}
	case <-e.done: // e.g. the address is taken
		cancel()
		lock.release()
		return nil, fmt.Errorf("start embedded store on %s: %v", addr, runErr)
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, errors.New("embedded store did not start within 30s")
	}
	lock.record(e.Addr)
	return e, nil
}

// Close stops the embedded server, waits until its SQLite files are closed
// and releases the directory.
func (e *Embedded) Close() {
	e.cancel()
	select {
	case <-e.done:
	case <-time.After(10 * time.Second):
	}
	e.lock.release()
	e.lock = nil
}

// levelFilter drops records below min. FerretDB derives a logger per connection
// and per command (WithAttrs, WithGroup); applying those to a JSON handler formats
// the attributes at once, which cost several percent of an ingestion's CPU for
// records that are then dropped. So the derivations are only recorded here, and
// replayed on the real handler for the rare record that passes.
type levelFilter struct {
	h   slog.Handler
	min slog.Level
	ops []func(slog.Handler) slog.Handler
}

func (l levelFilter) Enabled(_ context.Context, lv slog.Level) bool { return lv >= l.min }

func (l levelFilter) Handle(ctx context.Context, r slog.Record) error {
	h := l.h
	for _, op := range l.ops {
		h = op(h)
	}
	return h.Handle(ctx, r)
}

func (l levelFilter) with(op func(slog.Handler) slog.Handler) slog.Handler {
	ops := make([]func(slog.Handler) slog.Handler, len(l.ops), len(l.ops)+1)
	copy(ops, l.ops)
	return levelFilter{h: l.h, min: l.min, ops: append(ops, op)}
}

func (l levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return l.with(func(h slog.Handler) slog.Handler { return h.WithAttrs(a) })
}

func (l levelFilter) WithGroup(n string) slog.Handler {
	return l.with(func(h slog.Handler) slog.Handler { return h.WithGroup(n) })
}

// indexIDs gives every table of database db an SQLite index on the expression
// FerretDB uses for _id lookups. FerretDB v1's SQLite backend pushes a lone _id
// equality down as `WHERE _ferretdb_sjson->'$._id' = ?`, but creates its _id
// index on a differently written expression that SQLite cannot match, so every
// lookup by _id scans the table. With this index such lookups (API keys, jobs,
// documents by key) take O(log n) instead of O(n). It is idempotent and touches
// only indexes FerretDB does not know about.
func (e *Embedded) indexIDs(ctx context.Context, db string) error {
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, db+".sqlite")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open embedded database: %w", err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_ferretdb\_%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("list embedded tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_mms_id", t)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped or renamed since the listing (a staging moved into its dataset): nothing to index
			}
			return fmt.Errorf("index _id of %s: %w", t, err)
		}
	}
	return nil
}

// Files kept beside the embedded store (sources and media blobs) live under
// <data dir>/files/<kind>/<name>, written to a temporary name and renamed, so a
// reader never sees half a file.

func (e *Embedded) filePath(kind, name string) (string, error) {
	if name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
		return "", model.Errorf(model.EINVALID, "bad file name %q", name)
	}
	return filepath.Join(e.dir, "files", kind, name), nil
}

func (e *Embedded) putFile(kind, name string, r io.Reader) (int64, error) {
	p, err := e.filePath(kind, name)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, err
	}
	return n, nil
}

func (e *Embedded) openFile(kind, name string) (io.ReadCloser, int64, error) {
	p, err := e.filePath(kind, name)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, model.Errorf(model.ENOTFOUND, "%s %q not found", kind, name)
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (e *Embedded) removeFile(kind, name string) error {
	p, err := e.filePath(kind, name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
