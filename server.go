// Command mms is the MMS server: a GraphQL data-and-model API over MongoDB.
//
// Run it with `go run .` (or `mms serve`); with no MONGODB_URI it starts an
// embedded MongoDB-compatible store (FerretDB on SQLite) in MMS_DATA_DIR. Every
// setting is a flag whose default comes from an environment variable: `mms --help`
// lists them with the commands: `mms ingest` uploads a file into a dataset of a
// running server, `mms audit verify` checks the audit chain, `mms audit
// public-key` prints the audit signing key's public key, `mms keys rotate`
// re-seals sensitive fields with a new encryption key (`mms help COMMAND`).
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mms-platform/mms/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches subcommands; with none it serves. --help prints the help on
// stdout and returns flag.ErrHelp; a wrong command line returns a *app.UsageError
// (see cli for the exit statuses). The server itself is package app.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			args = args[1:]
		case "audit":
			return runAudit(ctx, args[1:], getenv, stdout, stderr)
		case "ingest":
			return runIngest(ctx, args[1:], getenv, stdout, stderr)
		case "keys":
			return runKeys(ctx, args[1:], getenv, stdout, stderr)
		case "help":
			return runHelp(ctx, args[1:], getenv, stdout, stderr)
		default:
			return app.UsageErrorf("unknown command %q (commands: %s; see mms --help)", args[0], cliCommandNames())
		}
	}
	cfg, err := parseCommandConfig("mms", args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	return app.Serve(ctx, cfg, stdout, stderr)
}
