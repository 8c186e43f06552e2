package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/mms-platform/mms/model"
)

// appendAccessLine writes what slog's JSON handler behind WithRequestID
// writes for the access record, byte for byte.
func TestAccessLineMatchesSlog(t *testing.T) {
	var buf bytes.Buffer
	h := WithRequestID(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	east := time.FixedZone("E", 5*3600+1800)
	times := []time.Time{
		time.Date(2026, 12, 2, 11, 30, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 11, 30, 0, 123456789, time.UTC),
		time.Date(1999, 1, 2, 3, 4, 5, 120000000, east),
		time.Date(9999, 12, 31, 23, 59, 59, 1, time.UTC),
		time.Now(),
	}
	paths := []string{"/graphql", "/v2/models/m/infer", "", `/a"b\c`, "/\x00\x01\x1f\t\n\r", "/<&>", "/\u2028\u2029é✓", "/bad\xff\xfeutf8", "/ok/🙂"}
	ids := []string{"0123456789abcdef", "", "client-id_1", "é\"\\"}
	i := 0
	for _, tm := range times {
		for _, p := range paths {
			for _, id := range ids {
				i++
				method := []string{"POST", "GET", "PRO\"PFIND"}[i%3]
				status := []int{200, 404, 0, -1, 999}[i%5]
				took := []time.Duration{0, 1234567, -5, time.Hour}[i%4]
				buf.Reset()
				ctx := model.NewContextWithRequest(context.Background(), model.RequestInfo{ID: id})
				rec := slog.NewRecord(tm, slog.LevelInfo, "request", 0)
				rec.AddAttrs(slog.String("method", method), slog.String("path", p), slog.Int("status", status), slog.Duration("took", took))
				if err := h.Handle(ctx, rec); err != nil {
					t.Fatal(err)
				}
				got := appendAccessLine(nil, tm, method, p, status, took, id)
				if !bytes.Equal(got, buf.Bytes()) {
					t.Errorf("got  %s\nslog %s", got, buf.Bytes())
				}
			}
		}
	}
}

// The API's access line with serve's logger is the one it logs through slog
// with any other logger (but for the time).
func TestAccessLogFastSameLine(t *testing.T) {
	var fastOut, slogOut bytes.Buffer
	aw := NewAsyncWriter(&fastOut, time.Hour, 1<<20, 1<<20)
	fast := &API{log: NewJSONLogger(aw, slog.LevelInfo)}
	general := &API{log: slog.New(WithRequestID(slog.NewJSONHandler(&slogOut, &slog.HandlerOptions{Level: slog.LevelInfo})))}
	if _, ok := fast.log.Handler().(requestIDHandler); !ok || fast.log.Handler().(requestIDHandler).lines == nil {
		t.Fatal("NewJSONLogger over an AsyncWriter: no direct access lines")
	}
	if derived := fast.log.With("k", "v").Handler().(requestIDHandler); derived.lines != nil {
		t.Fatal("a derived logger writes access lines directly")
	}
	r := httptest.NewRequest("POST", "/v2/models/m/infer?x=1", nil)
	ctx := model.NewContextWithRequest(context.Background(), model.RequestInfo{ID: "abc"})
	fast.accessLog(ctx, r, 201, 1500*time.Microsecond)
	general.accessLog(ctx, r, 201, 1500*time.Microsecond)
	aw.Close()
	stamp := regexp.MustCompile(`"time":"[^"]*"`)
	got, want := stamp.ReplaceAll(fastOut.Bytes(), []byte(`"time":""`)), stamp.ReplaceAll(slogOut.Bytes(), []byte(`"time":""`))
	if !bytes.Equal(got, want) || !bytes.Contains(want, []byte(`"request_id":"abc"`)) {
		t.Errorf("fast %s\nslog %s", fastOut.Bytes(), slogOut.Bytes())
	}
	// Below the logger's level, no line either way.
	var quiet bytes.Buffer
	aw2 := NewAsyncWriter(&quiet, time.Hour, 1<<20, 1<<20)
	(&API{log: NewJSONLogger(aw2, slog.LevelWarn)}).accessLog(ctx, r, 200, time.Millisecond)
	aw2.Close()
	if quiet.Len() != 0 {
		t.Errorf("access line at level warn: %s", quiet.Bytes())
	}
}
