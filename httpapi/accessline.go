package httpapi

import (
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// NewJSONLogger is MMS's logger: slog's JSON handler over w at level (no
// other option), its records carrying the request id (WithRequestID). When
// w is an *AsyncWriter, the API writes its access lines straight to it, in
// the bytes this handler would write for them (appendAccessLine,
// TestAccessLineMatchesSlog); a logger derived from it (With, WithGroup)
// goes through slog as any other.
func NewJSONLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	h := requestIDHandler{Handler: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})}
	if aw, ok := w.(*AsyncWriter); ok {
		h.lines = aw
	}
	return slog.New(h)
}

// accessLines are the buffers of appendAccessLine.
var accessLines = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// appendAccessLine appends the access line slog's JSON handler (no options
// but the level) behind WithRequestID writes for the record of accessLog at
// t, a year in [0, 9999]: time, level, msg, method, path, status, took in
// nanoseconds, request_id when id is not empty, and a newline.
func appendAccessLine(b []byte, t time.Time, method, path string, status int, took time.Duration, id string) []byte {
	b = append(b, `{"time":"`...)
	b = t.Round(0).AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"request","method":"`...)
	b = appendSlogJSONString(b, method)
	b = append(b, `","path":"`...)
	b = appendSlogJSONString(b, path)
	b = append(b, `","status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"took":`...)
	b = strconv.AppendInt(b, int64(took), 10)
	if id != "" {
		b = append(b, `,"request_id":"`...)
		b = appendSlogJSONString(b, id)
		b = append(b, '"')
	}
	return append(b, '}', '\n')
}

// appendSlogJSONString appends s escaped as slog's JSON handler escapes a
// string (log/slog's appendEscapedJSONString): no HTML escapes, \b and \f as
// \u00XX.
func appendSlogJSONString(b []byte, s string) []byte { return appendEscapedJSON(b, s, false) }
