package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/mms-platform/mms/model"
)

// ExportSQL runs query on the PostgreSQL database at dsn (through database/sql and
// pgx) and writes up to limit result rows to w as NDJSON objects keyed by column
// name, ready for the NDJSON reader. Numbers stay numbers, times become RFC 3339
// strings, bytes become strings. Connection and query errors are EINVALID: the DSN
// and the query are the user's input.
func ExportSQL(ctx context.Context, dsn, query string, w io.Writer, limit int64) (int64, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "sql source: %v", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "sql source: %v", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "sql source: %v", err)
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "sql source: %v", err)
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
	enc := json.NewEncoder(w)
	rec := make(map[string]any, len(cols))
	var n int64
	for rows.Next() {
		if n >= limit {
			return n, model.Errorf(model.EINVALID, "sql source: more than %d rows", limit)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, model.Errorf(model.EINVALID, "sql source: %v", err)
		}
		for i, c := range cols {
			switch v := vals[i].(type) {
			case []byte:
				if isJSON[i] && json.Valid(v) {
					rec[c] = json.RawMessage(slices.Clone(v))
				} else {
					rec[c] = string(v)
				}
			case float64:
				rec[c] = jsonFloat(v)
			case float32:
				rec[c] = jsonFloat(float64(v))
			case time.Time:
				rec[c] = v.UTC().Format(time.RFC3339Nano)
			default:
				rec[c] = v
			}
		}
		if err := enc.Encode(rec); err != nil {
			return n, fmt.Errorf("sql source: encode row: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, model.Errorf(model.EINVALID, "sql source: %v", err)
	}
	return n, nil
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
