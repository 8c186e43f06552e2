package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/ingestclient"
)

const ingestUsage = `Usage: mms ingest --dataset D --source NAME [--format csv|json|ndjson] [flags] FILE

Uploads FILE to an MMS server (streamed, GraphQL multipart request), starts an
ingestion into dataset D, follows the job with a progress bar on stderr and
prints the ingestion's summary on stdout. Ctrl-C while the job runs asks the
server to cancel it. Exits non-zero when the ingestion fails or is cancelled.

The token is read from $MMS_TOKEN (--token works too, but flags show in ps).
The server is $MMS_SERVER, else http://127.0.0.1:8080.

Flags:
`

// runIngest implements `mms ingest`: a client of a running server.
func runIngest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseIngestArgs(args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	o.Stdout, o.Stderr = stdout, stderr
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			o.TTY = true
		}
	}
	return ingestclient.Run(ctx, *o)
}

// parseIngestArgs reads flags (before or after FILE) and checks them. --help
// prints the usage on stdout (flag.ErrHelp); a wrong flag or FILE argument is a
// *app.UsageError, printed with the usage on stderr.
func parseIngestArgs(args []string, getenv func(string) string, stdout, stderr io.Writer) (*ingestclient.Options, error) {
	fs := flag.NewFlagSet("mms ingest", flag.ContinueOnError)
	var flagOut bytes.Buffer
	fs.SetOutput(&flagOut)
	server := getenv("MMS_SERVER")
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	var c ingestclient.Options
	var format, mode, specPath, token string
	fs.StringVar(&server, "server", server, "server URL ($MMS_SERVER)")
	fs.StringVar(&token, "token", "", "API key or JWT; prefer $MMS_TOKEN, flags show in ps")
	fs.StringVar(&c.Dataset, "dataset", "", "dataset id (required)")
	fs.StringVar(&c.Source, "source", "", "source name (required; without '.' or '$')")
	fs.StringVar(&format, "format", "", "csv, json or ndjson (default: from FILE's extension)")
	fs.StringVar(&mode, "mode", "", "upsert (the server's default), insert or merge")
	fs.StringVar(&specPath, "spec", "", "JSON rules file: mapping, key, rules, fields, checks")
	fs.StringVar(&c.Encoding, "encoding", "", "CSV encoding: utf-8 (default), gbk, gb18030 or auto")
	fs.StringVar(&c.Delimiter, "delimiter", "", `CSV delimiter: one character, e.g. ';' or '\t' (default ',')`)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), ingestUsage)
		fs.PrintDefaults()
	}

	// Flags may come before or after FILE; "--" ends them.
	var files []string
	rest := args
	for {
		before := rest
		if err := fs.Parse(rest); err != nil {
			routeFlagOutput(err, &flagOut, stdout, stderr)
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &app.UsageError{Err: err, Shown: true}
		}
		rest = fs.Args()
		if used := len(before) - len(rest); used > 0 && before[used-1] == "--" {
			files = append(files, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		files, rest = append(files, rest[0]), rest[1:]
	}
	switch {
	case len(files) == 0:
		return nil, app.UsageErrorf("missing FILE: usage: mms ingest --dataset D --source NAME --format csv FILE (see mms ingest --help)")
	case len(files) > 1:
		return nil, app.UsageErrorf("one FILE at a time (got %d: %s)", len(files), strings.Join(files, " "))
	}
	c.File = files[0]
	if strings.TrimSpace(c.Dataset) == "" {
		return nil, app.UsageErrorf("--dataset is required (see mms ingest --help)")
	}
	if strings.TrimSpace(c.Source) == "" {
		return nil, app.UsageErrorf("--source is required (a name for where the rows come from, e.g. patients)")
	}

	if format == "" {
		switch strings.ToLower(filepath.Ext(c.File)) {
		case ".csv", ".tsv":
			format = "csv"
		case ".json":
			format = "json"
		case ".ndjson", ".jsonl":
			format = "ndjson"
		default:
			return nil, app.UsageErrorf("--format is required: cannot tell it from %q (use csv, json or ndjson)", filepath.Base(c.File))
		}
	}
	switch f := strings.ToUpper(strings.TrimSpace(format)); f {
	case "CSV", "JSON", "NDJSON":
		c.Format = f
	default:
		return nil, app.UsageErrorf("unknown format %q: use csv, json or ndjson", format)
	}
	if mode != "" {
		switch m := strings.ToUpper(strings.TrimSpace(mode)); m {
		case "INSERT", "UPSERT", "MERGE":
			c.Mode = m
		default:
			return nil, app.UsageErrorf("unknown mode %q: use upsert, insert or merge", mode)
		}
	}
	if c.Format != "CSV" && (c.Encoding != "" || c.Delimiter != "") {
		return nil, app.UsageErrorf("--encoding and --delimiter apply to CSV only (format is %s)", strings.ToLower(c.Format))
	}
	if c.Delimiter != "" {
		switch c.Delimiter {
		case `\t`, "tab", "TAB":
			c.Delimiter = "\t"
		}
		if utf8.RuneCountInString(c.Delimiter) != 1 {
			return nil, app.UsageErrorf("--delimiter %q: want one character", c.Delimiter)
		}
	}

	c.Token = strings.TrimSpace(token)
	if c.Token != "" {
		fmt.Fprintln(stderr, "note: --token is visible to other users in ps; prefer MMS_TOKEN")
	} else {
		c.Token = strings.TrimSpace(getenv("MMS_TOKEN"))
	}
	if c.Token == "" {
		return nil, errors.New("no token: set MMS_TOKEN to an API key (or JWT) allowed to write the dataset")
	}
	var err error
	if c.Endpoint, err = ingestclient.Endpoint(server); err != nil {
		return nil, err
	}

	fi, err := os.Stat(c.File)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("FILE %s does not exist", c.File)
	case err != nil:
		return nil, fmt.Errorf("FILE: %w", err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("FILE %s is not a regular file", c.File)
	}
	if specPath != "" {
		if c.Spec, err = ingestclient.ReadSpec(specPath); err != nil {
			return nil, err
		}
	}
	return &c, nil
}
