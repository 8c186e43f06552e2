package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/snapshot"
)

// SnapshotStore keeps dataset version records and their Parquet snapshots.
type SnapshotStore interface {
	// RecordDatasetVersion stores a version record unless one exists.
	RecordDatasetVersion(ctx context.Context, v *model.DatasetVersion) error
	// DatasetVersion returns a version record; model.ENOTFOUND if none.
	DatasetVersion(ctx context.Context, dataset string, version int) (*model.DatasetVersion, error)
	// ListDatasetVersions returns a dataset's version records, newest first.
	ListDatasetVersions(ctx context.Context, dataset string) ([]*model.DatasetVersion, error)
	SetSnapshotInfo(ctx context.Context, dataset string, version int, s *model.SnapshotInfo) error
	DeleteDatasetVersion(ctx context.Context, dataset string, version int) error
	LockSnapshot(ctx context.Context, dataset string, version int, owner string, now, until time.Time) (bool, error)
	UnlockSnapshot(ctx context.Context, dataset string, version int, owner string) error
	// PutSnapshotFile stores bytes under a content-addressed name.
	PutSnapshotFile(ctx context.Context, name string, r io.Reader) error
	// OpenSnapshotFile opens stored bytes for random access.
	OpenSnapshotFile(ctx context.Context, name string) (*os.File, int64, error)
	DeleteSnapshotFile(ctx context.Context, name string) error
	// ScanSnapshotRows streams a dataset's documents in store order with their
	// values as stored (sealed values sealed, with their blind index).
	ScanSnapshotRows(ctx context.Context, dataset string, fn func(key string, get func(name string) any) error) error
	// SealSnapshotValue seals a sensitive value as the store does.
	SealSnapshotValue(dataset, field, key string, v any) (model.SealedValue, error)
	// OpenSealedValue opens one sealed value.
	OpenSealedValue(dataset, field, key string, sealed []byte) (any, error)
	// KeysWhere streams the keys of the documents matching where, evaluated
	// by the store (the one semantics of filters and share row filters).
	KeysWhere(ctx context.Context, dataset string, where []model.FieldFilter, fn func(key string) error) error
	// SnapshotsInUse returns the snapshot SHA-256s model versions reference.
	SnapshotsInUse(ctx context.Context, dataset string) (map[string]bool, error)
}

// DefaultSnapshotKeep is how many of a dataset's latest snapshots the sweep
// keeps besides those models reference (MMS_SNAPSHOT_KEEP).
const DefaultSnapshotKeep = 3

// snapshotLease is the lease on building one snapshot (renewed while building).
const snapshotLease = 2 * time.Minute

// snapshotStatusDeleted is the status of a snapshot the sweep removed.
const snapshotStatusDeleted = "deleted"

// snapshotBuilds runs at most one build of a version per process at a time.
type snapshotBuilds struct {
	// delta and scan count the builds of each kind (tests and logs).
	delta, scan atomic.Int64
	mu          sync.Mutex
	running     map[string]chan struct{}
	wg          sync.WaitGroup
}

func (s *Service) snapshotKeep() int {
	if s.SnapshotKeep > 0 {
		return s.SnapshotKeep
	}
	return DefaultSnapshotKeep
}

// versionCommitted records a new dataset version and builds its snapshot in
// the background. Called after every write that makes a version (ingestion,
// gold labels); failures are logged, the snapshot is then built on first use.
func (s *Service) versionCommitted(ctx context.Context, dataset string, version, rows int, ingestion string, delta *snapshotDelta) {
	if s.Snapshots == nil || version <= 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	v := &model.DatasetVersion{Dataset: dataset, Version: version, CreatedAt: s.now(), Rows: rows,
		Snapshot: &model.SnapshotInfo{Status: model.SnapshotPending}}
	if ingestion != "" {
		v.Ingestion = &ingestion
	}
	if err := s.Snapshots.RecordDatasetVersion(ctx, v); err != nil {
		s.Log.Warn("record dataset version", "dataset", dataset, "version", version, "err", err)
		return
	}
	s.snapBuilds.wg.Add(1)
	go func() {
		defer s.snapBuilds.wg.Done()
		if !delta.usable() {
			delta.close()
		} else {
			if err := s.buildFromDelta(ctx, dataset, version, delta); err != nil {
				s.Log.Warn("build snapshot from the ingestion's writes (falling back to a scan)", "dataset", dataset, "version", version, "err", err)
			}
		}
		if _, err := s.ensureSnapshot(ctx, dataset, version); err != nil {
			s.Log.Warn("build snapshot", "dataset", dataset, "version", version, "err", err)
		}
		if err := s.sweepDataset(ctx, dataset); err != nil {
			s.Log.Warn("sweep snapshots", "dataset", dataset, "err", err)
		}
	}()
}

// SnapshotBuilds returns how many snapshots this instance built from
// ingestions' writes and by scanning the store.
func (s *Service) SnapshotBuilds() (delta, scan int64) {
	return s.snapBuilds.delta.Load(), s.snapBuilds.scan.Load()
}

// WaitSnapshots waits for the background snapshot builds started so far
// (shutdown and tests).
func (s *Service) WaitSnapshots() { s.snapBuilds.wg.Wait() }

// datasetVersion returns the record of a version, creating the record of the
// dataset's current version when it has none (data from before snapshots).
func (s *Service) datasetVersion(ctx context.Context, d *model.Dataset, version int) (*model.DatasetVersion, error) {
	dv, err := s.Snapshots.DatasetVersion(ctx, d.ID, version)
	if model.ErrorCode(err) == model.ENOTFOUND && version == d.Version && version > 0 {
		rec := &model.DatasetVersion{Dataset: d.ID, Version: version, CreatedAt: d.UpdatedAt, Rows: d.DocumentCount,
			Snapshot: &model.SnapshotInfo{Status: model.SnapshotPending}}
		if err := s.Snapshots.RecordDatasetVersion(ctx, rec); err != nil {
			return nil, err
		}
		return s.Snapshots.DatasetVersion(ctx, d.ID, version)
	}
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, model.Errorf(model.ENOTFOUND, "dataset %q has no version %d with a snapshot (its current version is %d; versions older than snapshots cannot be read)", d.ID, version, d.Version)
	}
	return dv, err
}

// ensureSnapshot returns the version's record with a ready snapshot, building
// it first when needed (only the dataset's current version can be built: the
// documents hold the current version only).
func (s *Service) ensureSnapshot(ctx context.Context, dataset string, version int) (*model.DatasetVersion, error) {
	if s.Snapshots == nil {
		return nil, model.Errorf(model.EUNAVAILABLE, "snapshots are not configured on this server")
	}
	key := fmt.Sprintf("%s@%d", dataset, version)
	attempted := false
	for {
		d, err := s.Datasets.Dataset(ctx, dataset)
		if err != nil {
			return nil, err
		}
		dv, err := s.datasetVersion(ctx, d, version)
		if err != nil {
			return nil, err
		}
		if dv.Snapshot != nil && dv.Snapshot.Status == model.SnapshotReady {
			return dv, nil
		}
		if dv.Snapshot != nil && dv.Snapshot.Status == snapshotStatusDeleted {
			return nil, model.Errorf(model.ENOTFOUND, "the snapshot of version %d of dataset %q was removed by retention (MMS_SNAPSHOT_KEEP); train or export a newer version", version, dataset)
		}
		if d.Version != version && dv.Snapshot != nil && dv.Snapshot.Status == model.SnapshotFailed {
			return nil, model.Errorf(model.ENOTFOUND, "version %d of dataset %q has no snapshot (%s) and is no longer current; use version %d", version, dataset, dv.Snapshot.Error, d.Version)
		}
		if attempted && dv.Snapshot != nil && dv.Snapshot.Status == model.SnapshotFailed {
			return nil, model.Errorf(model.EUNAVAILABLE, "the snapshot of version %d of dataset %q could not be built: %s", version, dataset, dv.Snapshot.Error)
		}
		// One build per process; others wait for it and look again.
		s.snapBuilds.mu.Lock()
		if ch, ok := s.snapBuilds.running[key]; ok {
			s.snapBuilds.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if s.snapBuilds.running == nil {
			s.snapBuilds.running = map[string]chan struct{}{}
		}
		ch := make(chan struct{})
		s.snapBuilds.running[key] = ch
		s.snapBuilds.mu.Unlock()
		built, err := s.buildSnapshot(ctx, dataset, version)
		attempted = attempted || built
		s.snapBuilds.mu.Lock()
		delete(s.snapBuilds.running, key)
		close(ch)
		s.snapBuilds.mu.Unlock()
		if err != nil {
			return nil, err
		}
		if !built { // another instance holds the lease: wait for it
			select {
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
}

// ensureCurrentSnapshot is ensureSnapshot for a caller who asked for the
// dataset's current version rather than a numbered one: when a newer version
// supersedes d's before its snapshot is built (only the current version can
// be built), it follows to the version that is current now. It returns the
// dataset as of the version read.
func (s *Service) ensureCurrentSnapshot(ctx context.Context, d *model.Dataset) (*model.Dataset, *model.DatasetVersion, error) {
	dv, err := s.ensureSnapshot(ctx, d.ID, d.Version)
	for tries := 0; model.ErrorCode(err) == model.ENOTFOUND && tries < 3; tries++ {
		cur, cerr := s.Datasets.Dataset(ctx, d.ID)
		if cerr != nil {
			return nil, nil, cerr
		}
		if cur.Version == d.Version {
			break
		}
		d = cur
		dv, err = s.ensureSnapshot(ctx, d.ID, d.Version)
	}
	if err != nil {
		return nil, nil, err
	}
	return d, dv, nil
}

// buildSnapshot builds and stores the snapshot of a dataset's current version
// with one scan, under the snapshot's lease and the dataset's write lock (so
// the rows are that one version). It returns false when another instance is
// building it.
func (s *Service) buildSnapshot(ctx context.Context, dataset string, version int) (bool, error) {
	owner := "snapshot-" + jobs.NewID()
	now := time.Now()
	ok, err := s.Snapshots.LockSnapshot(ctx, dataset, version, owner, now, now.Add(snapshotLease))
	if err != nil || !ok {
		return false, err
	}
	defer func() { _ = s.Snapshots.UnlockSnapshot(context.WithoutCancel(ctx), dataset, version, owner) }()
	started := time.Now()
	// Ready meanwhile (another instance finished before we took the lease)?
	if dv, err := s.Snapshots.DatasetVersion(ctx, dataset, version); err == nil && dv.Snapshot != nil && dv.Snapshot.Status == model.SnapshotReady {
		return true, nil
	}
	for {
		now := time.Now()
		ok, err := s.Ingestions.LockDataset(ctx, dataset, owner, now, now.Add(datasetLockTTL))
		if err != nil {
			return false, err
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	defer func() { _ = s.Ingestions.UnlockDataset(context.WithoutCancel(ctx), dataset, owner) }()
	s.ForgetDataset(dataset)
	d, err := s.Datasets.Dataset(ctx, dataset)
	if err != nil {
		return false, err
	}
	fail := func(msg string) (bool, error) {
		info := &model.SnapshotInfo{Status: model.SnapshotFailed, Error: msg, BuiltAt: s.now()}
		if err := s.Snapshots.SetSnapshotInfo(context.WithoutCancel(ctx), dataset, version, info); err != nil {
			return false, err
		}
		return true, nil
	}
	if d.Version != version {
		return fail(fmt.Sprintf("version %d was superseded by version %d before its snapshot was built", version, d.Version))
	}
	if err := s.Snapshots.SetSnapshotInfo(ctx, dataset, version, &model.SnapshotInfo{Status: model.SnapshotBuilding}); err != nil {
		return false, err
	}
	locked := time.Now()
	info, err := s.writeSnapshot(ctx, d, owner)
	if err != nil {
		if ctx.Err() != nil {
			_ = s.Snapshots.SetSnapshotInfo(context.WithoutCancel(ctx), dataset, version, &model.SnapshotInfo{Status: model.SnapshotPending})
			return false, err
		}
		s.Log.Warn("snapshot build failed", "dataset", dataset, "version", version, "err", err)
		return fail("the build failed: " + model.ErrorMessage(err))
	}
	if err := s.Snapshots.SetSnapshotInfo(ctx, dataset, version, info); err != nil {
		return false, err
	}
	s.snapBuilds.scan.Add(1)
	s.Log.Info("snapshot built", "dataset", dataset, "version", version, "rows", info.Rows, "bytes", *info.Bytes,
		"waited", locked.Sub(started).Round(time.Millisecond), "built", time.Since(locked).Round(time.Millisecond))
	return true, nil
}

// writeSnapshot scans d (locked at its current version) into a Parquet file
// and stores it under its SHA-256.
func (s *Service) writeSnapshot(ctx context.Context, d *model.Dataset, owner string) (*model.SnapshotInfo, error) {
	b := snapshot.NewSpill(snapshot.ColumnsOf(d.Fields), "")
	defer b.Close()
	lockedAt := time.Now()
	err := s.Snapshots.ScanSnapshotRows(ctx, d.ID, func(key string, get func(string) any) error {
		if err := b.Add(key, get); err != nil {
			return err
		}
		if b.Rows()%10000 == 0 {
			if time.Since(lockedAt) > datasetLockTTL/4 {
				now := time.Now()
				ok, err := s.Ingestions.LockDataset(ctx, d.ID, owner, now, now.Add(datasetLockTTL))
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("lost the dataset's lock")
				}
				if _, err := s.Snapshots.LockSnapshot(ctx, d.ID, d.Version, owner, now, now.Add(snapshotLease)); err != nil {
					return err
				}
				lockedAt = now
			}
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.storeSnapshot(ctx, b, nil, d)
}

// storeSnapshot merges b's runs (over base, the previous snapshot, when not
// nil) into d's version snapshot and stores it under its SHA-256.
func (s *Service) storeSnapshot(ctx context.Context, b *snapshot.Spill, base *snapshot.Reader, d *model.Dataset) (*model.SnapshotInfo, error) {
	tmp, err := os.CreateTemp("", "mms-snapshot-*.parquet")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, h)}
	rows, err := b.Write(cw, d.ID, d.Version, base)
	if err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	name := sum + ".parquet"
	if err := s.Snapshots.PutSnapshotFile(ctx, name, tmp); err != nil {
		return nil, err
	}
	for f, n := range b.Coerced {
		s.Log.Warn("snapshot: values that do not fit their field's type were written as null", "dataset", d.ID, "field", f, "count", n)
	}
	n := int(cw.n)
	return &model.SnapshotInfo{Status: model.SnapshotReady, Bytes: &n, Sha256: &sum, File: name, Rows: rows, BuiltAt: s.now()}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// openSnapshot opens a ready snapshot for reading.
func (s *Service) openSnapshot(ctx context.Context, dv *model.DatasetVersion) (*snapshot.Reader, io.Closer, error) {
	f, size, err := s.Snapshots.OpenSnapshotFile(ctx, dv.Snapshot.File)
	if err != nil {
		return nil, nil, err
	}
	r, err := snapshot.Open(f, size)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f, nil
}

// sweepDataset removes the snapshots of a dataset that neither a model
// version references nor are among its last snapshotKeep versions.
func (s *Service) sweepDataset(ctx context.Context, dataset string) error {
	if s.Snapshots == nil {
		return nil
	}
	vs, err := s.Snapshots.ListDatasetVersions(ctx, dataset)
	if err != nil {
		return err
	}
	inUse, err := s.Snapshots.SnapshotsInUse(ctx, dataset)
	if err != nil {
		return err
	}
	keep := s.snapshotKeep()
	kept := 0
	for _, v := range vs { // newest first
		sn := v.Snapshot
		if sn == nil || sn.Status != model.SnapshotReady {
			continue
		}
		if kept < keep {
			kept++
			continue
		}
		if sn.Sha256 != nil && inUse[*sn.Sha256] {
			continue
		}
		// Another version may share the bytes (same content): keep the file if so.
		shared := false
		for _, o := range vs {
			if o != v && o.Snapshot != nil && o.Snapshot.File == sn.File && o.Snapshot.Status == model.SnapshotReady {
				shared = true
			}
		}
		if err := s.Snapshots.SetSnapshotInfo(ctx, dataset, v.Version, &model.SnapshotInfo{Status: snapshotStatusDeleted, BuiltAt: sn.BuiltAt}); err != nil {
			return err
		}
		if !shared {
			if err := s.Snapshots.DeleteSnapshotFile(ctx, sn.File); err != nil {
				return err
			}
		}
		sn.Status = snapshotStatusDeleted
	}
	return nil
}

// RunSnapshotSweep sweeps every dataset's snapshots every interval until ctx
// ends (builds also sweep their dataset when they finish).
func (s *Service) RunSnapshotSweep(ctx context.Context, every time.Duration) {
	if s.Snapshots == nil || every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		after := ""
		for {
			ds, _, err := s.Datasets.ListDatasets(ctx, nil, nil, after, 100)
			if err != nil {
				s.Log.Warn("sweep snapshots: list datasets", "err", err)
				break
			}
			for _, d := range ds {
				if err := s.sweepDataset(ctx, d.ID); err != nil {
					s.Log.Warn("sweep snapshots", "dataset", d.ID, "err", err)
				}
				after = d.ID
			}
			if len(ds) < 100 {
				break
			}
		}
	}
}

// DatasetVersions lists a dataset's committed versions, newest first (read on
// the dataset). The current version is listed even when it was committed
// before snapshots existed (its snapshot is then built on first use). A caller
// limited to some rows of a share sees the current version only, with the
// count of its rows and no snapshot size (both would tell how many rows are
// hidden).
func (s *Service) DatasetVersions(ctx context.Context, dataset string, first *int, after *string) (*model.DatasetVersionConnection, error) {
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	below, paged, err := decodeIntCursor("dsv", after, 1)
	if err != nil {
		return nil, err
	}
	var all []*model.DatasetVersion
	if s.Snapshots != nil {
		if all, err = s.Snapshots.ListDatasetVersions(ctx, d.ID); err != nil {
			return nil, err
		}
	}
	if d.Version > 0 && (len(all) == 0 || all[0].Version < d.Version) {
		all = append([]*model.DatasetVersion{{Dataset: d.ID, Version: d.Version, CreatedAt: d.UpdatedAt, Rows: d.DocumentCount,
			Snapshot: &model.SnapshotInfo{Status: model.SnapshotPending}}}, all...)
	}
	if len(sc.rows) > 0 {
		var cur []*model.DatasetVersion
		for _, v := range all {
			if v.Version == d.Version {
				cp := *v
				if cp.Rows, err = s.DocumentCount(ctx, d); err != nil {
					return nil, err
				}
				if cp.Snapshot != nil {
					sn := *cp.Snapshot
					sn.Bytes = nil
					cp.Snapshot = &sn
				}
				cur = append(cur, &cp)
			}
		}
		all = cur
	}
	conn := &model.DatasetVersionConnection{Edges: []*model.DatasetVersionEdge{}, PageInfo: &model.PageInfo{}, TotalCount: len(all)}
	for _, v := range all {
		if below > 0 && v.Version >= below {
			continue
		}
		if len(conn.Edges) == n {
			conn.PageInfo.HasNextPage = true
			break
		}
		conn.Edges = append(conn.Edges, &model.DatasetVersionEdge{Cursor: encodeCursor("dsv", strconv.Itoa(v.Version)), Node: v})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, paged)
	return conn, nil
}

// deltaOff reports whether snapshots are never built from ingestions' writes
// (MMS_SNAPSHOT_DELTA=off: every build scans the store).
func (s *Service) deltaOff() bool { return s.SnapshotDeltaOff }

// snapshotDelta collects the documents an ingestion writes (columnar, the
// last write of a key winning), so that the new version's snapshot is the
// previous snapshot with those rows replaced: no scan of the store, whose
// per-document reads are the slow part of a build.
type snapshotDelta struct {
	dataset string
	fields  []model.FieldSpec
	// prev is the version the ingestion started from (0: an empty dataset).
	prev      int
	b         *snapshot.Spill
	sensitive map[string]bool
	err       error
}

// close drops the delta's run files.
func (dl *snapshotDelta) close() {
	if dl != nil && dl.b != nil {
		dl.b.Close()
	}
}

// newSnapshotDelta starts collecting an ingestion's writes into d (nil when
// snapshots are off).
func (s *Service) newSnapshotDelta(d *model.Dataset, fields []model.FieldSpec, empty bool) *snapshotDelta {
	if s.Snapshots == nil || s.deltaOff() {
		return nil
	}
	dl := &snapshotDelta{dataset: d.ID, fields: fields, prev: d.Version, sensitive: map[string]bool{}}
	if empty {
		dl.prev = 0
	}
	for _, f := range fields {
		if f.Sensitive {
			dl.sensitive[f.Name] = true
		}
	}
	dl.b = snapshot.NewSpill(snapshot.ColumnsOf(fields), "")
	return dl
}

func (dl *snapshotDelta) usable() bool { return dl != nil && dl.b != nil && dl.err == nil }

// add records one written document.
func (s *Service) addToDelta(dl *snapshotDelta, doc *model.Document) {
	if !dl.usable() {
		return
	}
	err := dl.b.Add(doc.Key, func(name string) any {
		v := doc.Fields[name]
		if v == nil || !dl.sensitive[name] || dl.err != nil {
			return v
		}
		sv, err := s.Snapshots.SealSnapshotValue(dl.dataset, name, doc.Key, v)
		if err != nil {
			dl.err = err
			return nil
		}
		return sv
	})
	if err != nil && dl.err == nil {
		dl.err = err
	}
}

// buildFromDelta builds version's snapshot as the previous version's with the
// ingestion's rows replaced, under the snapshot's lease.
func (s *Service) buildFromDelta(ctx context.Context, dataset string, version int, dl *snapshotDelta) error {
	var prev *model.DatasetVersion
	if dl.prev > 0 {
		dv, err := s.Snapshots.DatasetVersion(ctx, dataset, dl.prev)
		if err != nil {
			return err
		}
		if dv.Snapshot == nil || dv.Snapshot.Status != model.SnapshotReady {
			return fmt.Errorf("the previous version %d has no ready snapshot", dl.prev)
		}
		prev = dv
	}
	owner := "snapshot-" + jobs.NewID()
	now := time.Now()
	ok, err := s.Snapshots.LockSnapshot(ctx, dataset, version, owner, now, now.Add(snapshotLease))
	if err != nil || !ok {
		return err
	}
	defer func() { _ = s.Snapshots.UnlockSnapshot(context.WithoutCancel(ctx), dataset, version, owner) }()
	started := time.Now()
	if err := s.Snapshots.SetSnapshotInfo(ctx, dataset, version, &model.SnapshotInfo{Status: model.SnapshotBuilding}); err != nil {
		return err
	}
	defer dl.close()
	var base *snapshot.Reader
	if prev != nil {
		r, closer, err := s.openSnapshot(ctx, prev)
		if err != nil {
			return err
		}
		defer closer.Close()
		base = r
	}
	d := &model.Dataset{ID: dataset, Version: version}
	info, err := s.storeSnapshot(ctx, dl.b, base, d)
	if err != nil {
		_ = s.Snapshots.SetSnapshotInfo(context.WithoutCancel(ctx), dataset, version, &model.SnapshotInfo{Status: model.SnapshotPending})
		return err
	}
	if err := s.Snapshots.SetSnapshotInfo(ctx, dataset, version, info); err != nil {
		return err
	}
	s.snapBuilds.delta.Add(1)
	s.Log.Info("snapshot built from the ingestion's writes", "dataset", dataset, "version", version, "rows", info.Rows, "bytes", *info.Bytes,
		"built", time.Since(started).Round(time.Millisecond))
	return nil
}
