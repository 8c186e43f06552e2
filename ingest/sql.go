package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mms-platform/mms/model"
)

// ExportSQL runs query on the PostgreSQL database at dsn (through database/sql and
// pgx) and writes up to limit result rows to w as NDJSON objects keyed by column
// name, ready for the NDJSON reader. Numbers stay numbers, times become RFC 3339
// strings, bytes become strings. Every connection goes through dial (nil: the
// default dialer). Errors the server answered (a bad query) are EINVALID with
// its message; failures to reach it are plain errors, which the caller reports
// without detail.
func ExportSQL(ctx context.Context, dsn string, dial func(ctx context.Context, network, addr string) (net.Conn, error), query string, w io.Writer, limit int64) (int64, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "sql source: not a valid PostgreSQL connection string")
	}
	if dial != nil {
		cfg.DialFunc = dial
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return 0, sqlErr(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, sqlErr(err)
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, sqlErr(err)
	}
	isJSON := make([]bool, len(cols))
	for i, ct := range types {
		switch strings.ToUpper(ct.DatabaseTypeName()) {
		case "JSON", "JSONB":
			isJSON[i] = true
		}
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	// Rows are written with their keys in the query's column order (a map
	// would sort them), so that a schema inferred from them keeps that order.
	names := make([][]byte, len(cols))
	for i, c := range cols {
		b, err := json.Marshal(c)
		if err != nil {
			return 0, fmt.Errorf("sql source: column name: %w", err)
		}
		names[i] = b
	}
	rec := make([]any, len(cols))
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	var n int64
	for rows.Next() {
		if n >= limit {
			return n, model.Errorf(model.EINVALID, "sql source: more than %d rows", limit)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, sqlErr(err)
		}
		for i := range cols {
			switch v := vals[i].(type) {
			case []byte:
				if isJSON[i] && json.Valid(v) {
					rec[i] = json.RawMessage(slices.Clone(v))
				} else {
					rec[i] = string(v)
				}
			case float64:
				rec[i] = jsonFloat(v)
			case float32:
				rec[i] = jsonFloat(float64(v))
			case time.Time:
				rec[i] = v.UTC().Format(time.RFC3339Nano)
			default:
				rec[i] = v
			}
		}
		line.Reset()
		line.WriteByte('{')
		for i, v := range rec {
			if i > 0 {
				line.WriteByte(',')
			}
			line.Write(names[i])
			line.WriteByte(':')
			if err := enc.Encode(v); err != nil {
				return n, fmt.Errorf("sql source: encode row: %w", err)
			}
			line.Truncate(line.Len() - 1) // Encode's newline
		}
		line.WriteString("}\n")
		if _, err := w.Write(line.Bytes()); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, sqlErr(err)
	}
	return n, nil
}

// sqlErr makes an error the server answered EINVALID with its message (the
// query was wrong) and keeps any other failure plain (reaching it failed).
func sqlErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && !strings.HasPrefix(pe.Code, "28") && !strings.HasPrefix(pe.Code, "08") { // not auth or connection classes
		return model.Errorf(model.EINVALID, "sql source: %s", pe.Message)
	}
	return fmt.Errorf("sql source: %w", err)
}

// SQLHosts parses a PostgreSQL connection string given as a source and returns
// the addresses it would reach: host:port, or the Unix socket path.
func SQLHosts(dsn string) ([]string, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "not a valid PostgreSQL connection string: use postgres://user:password@host:port/db or host=... port=...")
	}
	var out []string
	add := func(host string, port uint16) {
		p := strconv.Itoa(int(port))
		if strings.HasPrefix(host, "/") {
			out = append(out, host+"/.s.PGSQL."+p)
			return
		}
		out = append(out, net.JoinHostPort(host, p))
	}
	add(cfg.Host, cfg.Port)
	for _, f := range cfg.Fallbacks {
		add(f.Host, f.Port)
	}
	return out, nil
}

// jsonFloat writes a float so that it reads back as one: 2.0 as "2.0" (not "2",
// which schema inference takes for an int), NaN and infinities as null (JSON
// has neither; encoding/json refuses them).
func jsonFloat(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s)
}
