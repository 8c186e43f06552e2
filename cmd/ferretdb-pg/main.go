// Command ferretdb-pg serves FerretDB v1 with its PostgreSQL handler on a port:
// an external MongoDB-wire store on a real database engine, to run MMS and its
// test suite against something other than the embedded store (docs/mongodb.md).
//
//	ferretdb-pg -postgresql postgres://mms:mms@127.0.0.1:5432/mms_ferretdb -listen 127.0.0.1:27018
//	MMS_TEST_MONGODB_URI=mongodb://127.0.0.1:27018/ go test -timeout 30m ./...
//
// Each MongoDB database is a schema in the PostgreSQL database of the URL, whose
// role must be allowed to create schemas there. The store has no authentication:
// keep it on loopback.
//
// FerretDB holds a pool of PostgreSQL connections; when every one is taken, its
// requests wait for one with no bound. MMS's batched writes need more than
// FerretDB's default of 50 under the test suite's load, so unless the URL sets
// pool_max_conns, this command sets DefaultPoolMaxConns. It must stay below the
// server's max_connections (100 by default) minus what else connects to it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// DefaultPoolMaxConns is the pool size set when the URL does not choose one.
const DefaultPoolMaxConns = "90"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-pg:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ferretdb-pg", flag.ContinueOnError)
	pgURL := fs.String("postgresql", os.Getenv("FERRETDB_POSTGRESQL_URL"), "PostgreSQL URL (postgres://user:pass@host:port/db); default $FERRETDB_POSTGRESQL_URL")
	listen := fs.String("listen", "127.0.0.1:27018", "address to serve the MongoDB wire protocol on")
	verbose := fs.Bool("v", false, "log FerretDB's warnings too (they quote whole wire messages)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pgURL == "" {
		return errors.New("-postgresql is required")
	}
	u, err := withPoolSize(*pgURL)
	if err != nil {
		return err
	}
	level := slog.LevelError
	if *verbose {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Handler:       "postgresql",
		PostgreSQLURL: u,
		Logger:        log,
	})
	if err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	// MongoDBURI waits for the listener; it must be called after Run started.
	uri := make(chan string, 1)
	go func() { uri <- f.MongoDBURI() }()
	select {
	case u := <-uri:
		fmt.Println("listening", u)
	case <-done:
		return fmt.Errorf("could not serve on %s (see the log above)", *listen)
	}
	<-done
	return nil
}

// withPoolSize sets pool_max_conns=DefaultPoolMaxConns on a PostgreSQL URL that
// does not set it.
func withPoolSize(pgURL string) (string, error) {
	u, err := url.Parse(pgURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("-postgresql %q: want a URL postgres://user:pass@host:port/db", pgURL)
	}
	q := u.Query()
	if !q.Has("pool_max_conns") {
		q.Set("pool_max_conns", DefaultPoolMaxConns)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
