package mongodb

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// One store per directory: a second start is refused with the holder's pid and
// address, and the directory is free again once the first one is closed.
func TestEmbeddedLock(t *testing.T) {
	mongodbtest.SkipExternal(t, "the directory lock is the embedded store's")
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	e, err := StartEmbedded(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	_, err = StartEmbedded(dir, log)
	var inUse *StoreInUseError
	if !errors.As(err, &inUse) || inUse.PID != os.Getpid() || inUse.Addr != e.Addr || inUse.URI() != "mongodb://"+e.Addr+"/" {
		e.Close()
		t.Fatalf("second start on %s: %v (%+v), want in use by pid %d at %s", dir, err, inUse, os.Getpid(), e.Addr)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "in use by process") {
		t.Errorf("message: %v", err)
	}
	e.Close()
	e, err = StartEmbedded(dir, log)
	if err != nil {
		t.Fatalf("start after close: %v", err)
	}
	e.Close()
}

func TestCheckEmbeddedStore(t *testing.T) {
	mongodbtest.SkipExternal(t, "the check is of an embedded store's directory")
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	if err := CheckEmbeddedStore(missing, "mms"); !errors.Is(err, ErrNoEmbeddedStore) || !strings.Contains(err.Error(), missing+" does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the check created %s", missing)
	}
	if err := CheckEmbeddedStore(dir, "mms"); !errors.Is(err, ErrNoEmbeddedStore) || !strings.Contains(err.Error(), "holds no store") {
		t.Errorf("empty dir: %v", err)
	}
	e, err := StartEmbedded(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(e.URI, "other")
	if err != nil {
		t.Fatal(err)
	}
	db.UseEmbedded(e)
	if err := db.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	_ = db.Close(context.Background())
	e.Close()
	if err := CheckEmbeddedStore(dir, "mms"); !errors.Is(err, ErrNoEmbeddedStore) || !strings.Contains(err.Error(), `holds no database "mms" (it has other)`) {
		t.Errorf("other database: %v", err)
	}
	if err := CheckEmbeddedStore(dir, "other"); err != nil {
		t.Errorf("existing store: %v", err)
	}
}
