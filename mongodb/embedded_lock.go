package mongodb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// LockFile is the file in an embedded store's directory that the process
// running the store holds locked (an advisory lock the system drops when the
// process ends, so a crash leaves no stale lock) and in which it writes its
// pid and the store's address, for the messages of whoever finds it locked.
const LockFile = "mms.lock"

// StoreInUseError is returned by StartEmbeddedAt when another process (or
// another Embedded of this one) runs the store in Dir: two FerretDB instances
// on the same SQLite files would each assume they are alone.
type StoreInUseError struct {
	Dir  string
	PID  int    // 0 when the holder has not written it yet
	Addr string // where the holder's store listens ("" when unknown)
}

func (e *StoreInUseError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
	}
	s := fmt.Sprintf("the embedded store in %s is in use by %s (a running mms server?)", e.Dir, who)
	if e.Addr != "" {
		s += fmt.Sprintf("; it listens on %s", e.Addr)
	}
	return s
}

// URI is the connection string of the holder's store, or "" when unknown.
func (e *StoreInUseError) URI() string {
	if e.Addr == "" {
		return ""
	}
	return "mongodb://" + e.Addr + "/"
}

// dirLock is a held LockFile.
type dirLock struct{ f *os.File }

// lockDir takes dir's LockFile, or answers a *StoreInUseError.
func lockDir(dir string) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Join(dir, LockFile), err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", filepath.Join(dir, LockFile), err)
	}
	if held {
		e := &StoreInUseError{Dir: dir}
		if b, err := os.ReadFile(f.Name()); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				k, v, _ := strings.Cut(line, " ")
				switch k {
				case "pid":
					e.PID, _ = strconv.Atoi(v)
				case "addr":
					e.Addr = v
				}
			}
		}
		f.Close()
		return nil, e
	}
	return &dirLock{f: f}, nil
}

// record writes the holder's pid and the store's address into the lock file.
func (l *dirLock) record(addr string) {
	if l == nil {
		return
	}
	_ = l.f.Truncate(0)
	_, _ = l.f.WriteAt([]byte(fmt.Sprintf("pid %d\naddr %s\n", os.Getpid(), addr)), 0)
}

// release empties the lock file and drops the lock.
func (l *dirLock) release() {
	if l == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = unlock(l.f)
	_ = l.f.Close()
}

// ErrNoEmbeddedStore is wrapped by CheckEmbeddedStore's errors.
var ErrNoEmbeddedStore = errors.New("no embedded store")

// CheckEmbeddedStore reports an error wrapping ErrNoEmbeddedStore unless dir
// holds an embedded store with database db, so that a tool reading a store
// (mms audit verify, mms keys rotate) pointed at the wrong directory says so
// instead of creating an empty store there. It creates nothing.
func CheckEmbeddedStore(dir, db string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: %s does not exist", ErrNoEmbeddedStore, abs)
	case err != nil:
		return fmt.Errorf("data dir: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("%w: %s is not a directory", ErrNoEmbeddedStore, abs)
	}
	if _, err := os.Stat(filepath.Join(abs, db+".sqlite")); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("data dir: %w", err)
	}
	var have []string
	if m, err := filepath.Glob(filepath.Join(abs, "*.sqlite")); err == nil {
		for _, p := range m {
			have = append(have, strings.TrimSuffix(filepath.Base(p), ".sqlite"))
		}
	}
	if len(have) == 0 {
		return fmt.Errorf("%w: %s holds no store", ErrNoEmbeddedStore, abs)
	}
	sort.Strings(have)
	return fmt.Errorf("%w: %s holds no database %q (it has %s)", ErrNoEmbeddedStore, abs, db, strings.Join(have, ", "))
}
